"""The message catalogues: every code disclo uses has a template, translations keep the placeholders,
and the language is chosen as the README says."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from disclo_cli import messages

SRC = Path(__file__).resolve().parents[1] / "src" / "disclo_cli"
ERRORS = {"DiscloError", "UsageError", "InputError", "ConfigError", "LedgerError", "DataError", "OutputError", "DateProblem"}


def _catalogue(language: str) -> dict[str, str]:
    """msgid -> msgstr of a catalogue (plural entries apart: see _plurals)."""
    from babel.messages.pofile import read_po

    with (SRC / "locale" / language / "LC_MESSAGES" / "disclo.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id and not m.pluralizable}


def _plurals(language: str) -> dict[tuple[str, str], tuple[str, ...]]:
    """(singular, plural) -> the translated forms, for click's ngettext texts."""
    from babel.messages.pofile import read_po

    with (SRC / "locale" / language / "LC_MESSAGES" / "disclo.po").open("rb") as fh:
        return {tuple(m.id): tuple(m.string) for m in read_po(fh) if m.id and m.pluralizable}


def _const(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def codes_used() -> set[str]:
    """Every message key the source names literally: errors, msg(), Finding.of() and reader .add()."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            args = node.args
            code = None
            if name in ERRORS or name in ("msg", "Msg", "render", "render_hint"):
                code = _const(args[0]) if args else None
            elif name in ("of", "add") and len(args) >= 2:
                code = _const(args[1])
            if not code or not re.fullmatch(r"[a-z][a-z0-9.-]*", code) or "-" not in code and "." not in code:
                continue
            variant = next((k.value for k in node.keywords if k.arg == "variant"), None)
            if variant is None:
                found.add(code)
            elif _const(variant) is not None:
                found.add(f"{code}.{_const(variant)}")
            else:
                found.add(f"{code}.*")  # a variant chosen at run time: some code.VARIANT must exist
    return found


def test_every_code_in_the_source_has_an_english_template() -> None:
    english = _catalogue("en")
    missing = sorted(c for c in codes_used()
                     if (c not in english if not c.endswith(".*") else not any(k.startswith(c[:-1]) for k in english)))
    assert missing == []


def test_translations_keep_the_placeholders() -> None:
    english, chinese = _catalogue("en"), _catalogue("zh_CN")
    for key, text in chinese.items():
        if not text:
            continue
        source = english.get(key) or key  # a UI msgid is its own English text
        assert messages.placeholders(text) == messages.placeholders(source), key


def test_every_english_entry_is_a_template_or_a_hint_of_one() -> None:
    english = _catalogue("en")
    for key in english:
        if key.endswith(".hint"):
            assert key[: -len(".hint")] in english, key


@pytest.mark.parametrize(("environ", "language"), [
    ({}, "zh_CN"),
    ({"LANG": "C.UTF-8"}, "zh_CN"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
    ({"DISCLO_LANG": "zh_CN", "LC_ALL": "en_US.UTF-8"}, "zh_CN"),
    ({"DISCLO_LANG": "en"}, "en"),
    ({"LANGUAGE": "zh_TW:en"}, "zh_CN"),
    ({"LC_MESSAGES": "POSIX", "LANG": "en_US"}, "en"),
])
def test_language_choice(environ, language) -> None:
    assert messages.choose(environ) == language


def test_a_long_value_is_shortened_with_its_length() -> None:
    text = messages.render("input-missing", {"path": "台" * 10_000}, language="en")
    assert text.startswith("台" * 60 + "… (10000 characters)") and len(text) < 120


def test_an_unknown_code_renders_as_itself_and_a_broken_template_never_raises() -> None:
    assert messages.render("no-such-code", {}) == "no-such-code"
    assert "value=1" in messages._format("{value!z}", {"value": 1}, "en")


# --- both languages: every text has its Chinese, the placeholders agree, nothing is left over -------

#: click's texts that only a programmer sees (a broken command definition, a shell-completion
#: set-up, an editor or terminal click cannot drive): they need no Chinese
CLICK_FOR_PROGRAMMERS = {
    "Could not determine name for option with declarations {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? Did you mean to pass '--{name}'?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Name '{name}' defined twice",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "Value must be an iterable.",
    "Choice({choices})",
    "Unknown color {colour!r}",
    "Unknown standard stream '{name}'",
    "{editor}: Editing failed",
    "{editor}: Editing failed: {e}",
    "Windows error: {error}",
    "d",
    "Couldn't detect Bash version, shell completion is not supported.",
    "Shell completion is not supported for Bash versions older than 4.4.",
    "Invalid start character for option ({option})",
    "Confirm the action without prompting.",
}


#: click texts translated through a variable, _(extra["required"]): not literals in _()
CLICK_THROUGH_VARIABLES = {"required"}


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def ui_texts() -> set[str]:
    """Every English UI text the source marks with _() or N_()."""
    found = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _call_name(node) in ("_", "N_") and node.args and _const(node.args[0]) is not None:
                found.add(_const(node.args[0]))
    return found


def help_texts() -> set[str]:
    """Every help text and usage placeholder of the command tree, as click holds them."""
    from disclo_cli.cli import main
    from disclo_cli.cli.options import help_texts, metavars

    return {msgid for _obj, _attr, msgid in [*help_texts(main), *metavars(main)]}


def click_texts() -> tuple[set[str], set[tuple[str, str]]]:
    """click's own translatable texts (its _() and ngettext() literals) in the installed click."""
    import click

    singles, plurals = set(), set()
    for path in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            if _call_name(node) == "_" and _const(node.args[0]) is not None:
                singles.add(_const(node.args[0]))
            elif _call_name(node) == "ngettext" and len(node.args) >= 2 and _const(node.args[0]) and _const(node.args[1]):
                plurals.add((_const(node.args[0]), _const(node.args[1])))
    singles |= CLICK_THROUGH_VARIABLES
    return singles - CLICK_FOR_PROGRAMMERS, plurals


def _raw_msgids(language: str) -> list[str]:
    """The msgids of a .po file as written (Babel's reader silently merges duplicates)."""
    ids, current = [], None
    for line in (SRC / "locale" / language / "LC_MESSAGES" / "disclo.po").read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current = [line[len("msgid "):]]
            ids.append(current)
        elif line.startswith('"') and current is not None:
            current.append(line)
        else:
            current = None
    return ["".join(ast.literal_eval(part) for part in parts) for parts in ids]


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_no_msgid_twice(language) -> None:
    from collections import Counter

    twice = sorted(k for k, n in Counter(_raw_msgids(language)).items() if n > 1)
    assert twice == []


def test_every_english_entry_has_chinese_with_the_same_placeholders() -> None:
    english, chinese = _catalogue("en"), _catalogue("zh_CN")
    untranslated = sorted(k for k in english if not chinese.get(k))
    assert untranslated == [], f"{len(untranslated)} code(s) without Chinese"
    differ = sorted(k for k in english if messages.placeholders(chinese[k]) != messages.placeholders(english[k]))
    assert differ == []


def test_every_ui_text_help_text_and_click_text_has_chinese() -> None:
    chinese = _catalogue("zh_CN")
    singles, plurals = click_texts()
    wanted = ui_texts() | help_texts() | singles
    assert {"wrote {path}", "Usage:", "[OPTIONS]", "INTEGER RANGE"} <= wanted and any(t.startswith("Count published items") for t in wanted)
    missing = sorted(t for t in wanted if not chinese.get(t))
    assert missing == [], f"{len(missing)} UI text(s) without Chinese"
    missing_plurals = sorted(p for p in plurals if not any(_plurals("zh_CN").get(p, ())))
    assert missing_plurals == []
    for text in wanted:  # a UI msgid is its own English template
        assert messages.placeholders(chinese[text]) == messages.placeholders(text), text
    for (one, many), forms in _plurals("zh_CN").items():
        for form in forms:
            assert messages.placeholders(form) <= messages.placeholders(one) | messages.placeholders(many), one


def test_no_chinese_entry_is_left_over() -> None:
    english, chinese = _catalogue("en"), _catalogue("zh_CN")
    singles, plurals = click_texts()
    known = set(english) | ui_texts() | help_texts() | singles
    assert sorted(k for k in chinese if k not in known) == []
    assert sorted(p for p in _plurals("zh_CN") if p not in plurals) == []


def test_the_chinese_catalogue_says_how_chinese_counts() -> None:
    # one plural form: without the header gettext would look for msgstr[1] and fall back to English
    c = messages.catalogue("zh_CN")
    assert c.ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 2) == "多余的参数（{args}）"


def test_chinese_templates_quote_with_corner_brackets() -> None:
    chinese = _catalogue("zh_CN")
    assert sorted(k for k, v in chinese.items() if re.search(r"\{\w+!r\}", v)) == []


# --- the language a person gets ---------------------------------------------------------------------

NO_LANGUAGE = {var: None for var in ("DISCLO_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")}
ENGLISH = [{**NO_LANGUAGE, "LANG": "en_US.UTF-8"}, {**NO_LANGUAGE, "DISCLO_LANG": "en"}]


@pytest.fixture
def messy(tmp_path):
    """A register with an impossible date, an unknown category and an empty date."""
    from conftest import write_xlsx

    return write_xlsx(tmp_path / "台账.xlsx", {"2018年": [
        ["发布日期", "标题", "类别", "公开渠道", "索引号"],
        ["2018-03-05", "甲", "工作动态类", "政府网站", "A-1"],
        ["2018-02-30", "乙", "未知类", "政府网站", "A-2"],
        [None, "丙", "工作动态类", "政府网站", "A-3"],
    ]})


def test_with_no_language_variables_errors_are_chinese(run) -> None:
    result = run("tally", "nosuch.xlsx", env=NO_LANGUAGE)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "disclo：错误：nosuch.xlsx：文件不存在\n  请核对文件名和所在文件夹。\n")


@pytest.mark.parametrize("env", ENGLISH)
def test_english_on_request(run, env) -> None:
    result = run("tally", "nosuch.xlsx", env=env)
    assert (result.exit_code, result.stderr) == (1, "disclo: error: nosuch.xlsx: no such file\n  Check the name and the folder.\n")


def test_warnings_and_hints_are_chinese(run, messy) -> None:
    tally = run("tally", messy.name, "--year", "2018", env=NO_LANGUAGE)
    assert tally.exit_code == 1
    lines = tally.stderr.splitlines()
    assert "错误：台账.xlsx，工作表「2018年」，第 3 行，「发布日期」列：发布日期：'2018-02-30' 不是日历上存在的日期" in lines
    assert "警告：台账.xlsx，工作表「2018年」，第 3 行，「类别」列：无法识别的类别「未知类」" in lines
    assert "错误：台账.xlsx，工作表「2018年」，第 4 行，「发布日期」列：发布日期为空" in lines
    assert lines[-1] == "问题：错误 2 个，警告 1 个——bad-date 1, missing-date 1, unknown-category 1"
    check = run("check", "--year", "2018", messy.name, env=NO_LANGUAGE)
    assert check.exit_code == 1
    assert "    → 请更正该单元格，或在 disclo.toml 中对应：[categories.aliases] \"未知类\" = \"…\"。" in check.stdout.splitlines()
    # the second warning: the files' 历年累计 with no [opening] through (no workspace says what came before)
    assert "警告 [opening-missing] 单元格 附表.items/历年累计：disclo.toml 未写明 [opening] through：累计数只计台账中 2018 年以来的数字，不含此前各年" in check.stdout.splitlines()
    assert check.stderr == "2018 年校验（legacy）：错误 2 个，警告 2 个\n"


@pytest.mark.parametrize("env", ENGLISH)
def test_warnings_and_hints_in_english(run, messy, env) -> None:
    lines = run("tally", messy.name, "--year", "2018", env=env).stderr.splitlines()
    assert "warning: 台账.xlsx, sheet '2018年', row 3, column '类别': unknown category '未知类'" in lines
    check = run("check", "--year", "2018", messy.name, env=env)
    assert "    → Correct the cell, or map the wording in disclo.toml: [categories.aliases] \"未知类\" = \"…\"." in check.stdout.splitlines()


def test_help_is_chinese(run) -> None:
    top = run("--help", env=NO_LANGUAGE)
    assert top.exit_code == 0
    # (the test runner calls the program "main")
    assert top.stdout.startswith("用法：main [选项] 命令 [参数]...\n\n  disclo —— 依据本单位台账统计政府信息公开数据、起草政府信息公开工作年度报告。\n")
    assert "\n选项：\n" in top.stdout and "\n命令：\n" in top.stdout
    assert "  -h, --help     显示本帮助并退出。" in top.stdout.splitlines()
    assert "  tally     按类别、公开渠道、月份或单位统计主动公开信息的条数和占比。" in top.stdout.splitlines()
    tally = run("tally", "--help", env=NO_LANGUAGE).stdout
    assert tally.startswith("用法：main tally [选项] [文件]...\n")
    assert "示例：disclo tally 主动公开台账2018.xlsx --year 2018" in tally
    assert "[默认：table]" in tally and "Usage" not in tally and "Options" not in tally
    assert run("--version", env=NO_LANGUAGE).stdout == "disclo，版本 0.1.0\n"


@pytest.mark.parametrize("env", ENGLISH)
def test_help_in_english(run, env) -> None:
    top = run("--help", env=env).stdout
    assert top.startswith("Usage: main [OPTIONS] COMMAND [ARGS]...\n")
    assert "Options:" in top.splitlines() and "Commands:" in top.splitlines()
    assert any(line.startswith("  -h, --help ") and line.endswith(" Show this message and exit.") for line in top.splitlines())
    assert run("--version", env=env).stdout == "disclo, version 0.1.0\n"


def test_click_errors_are_chinese(run) -> None:
    missing = run("table", env=NO_LANGUAGE)
    assert (missing.exit_code, missing.stderr) == (2, "用法：main table [选项]\n运行 main table --help 查看帮助。\n\n错误：缺少选项 '--year'。\n")
    choice = run("tally", "x.xlsx", "--by", "x", env=NO_LANGUAGE)
    assert choice.stderr.endswith("错误：'--by' 的值无效：「x」不是可选值 'category', 'channel', 'month', 'unit' 之一。\n")
    extra = run("ledger", "forget", "a", "b", env=NO_LANGUAGE)
    assert extra.stderr.endswith("错误：多余的参数（b）\n")
    assert run("table", env=ENGLISH[0]).stderr.endswith("Error: Missing option '--year'.\n")


def test_chinese_help_wraps_at_the_window_edge(run) -> None:
    from rich.cells import cell_len

    from disclo_cli.cli.console import wrap_text

    text = run("report", "--help", env=NO_LANGUAGE).stdout  # the test runner's window: 80 columns
    assert max(cell_len(line) for line in text.splitlines() if not line.lstrip().startswith("--format")) <= 80
    assert "本单位撰写的文字稿" in text
    paragraph = "校验未通过也生成报告（标明“未经校验”，仅供内部审阅），默认为 --year 当年施行的格式。"
    lines = wrap_text(paragraph, 20, "  ", "  ").splitlines()
    assert all(cell_len(line) <= 20 for line in lines) and len(lines) > 3
    assert "".join(line.strip() for line in lines).replace("默认为--year", "默认为 --year").replace("--year当年", "--year 当年") == paragraph
    assert not any(line.strip()[0] in "，。）”" for line in lines)  # no line starts with closing punctuation
    assert wrap_text("Output format.  [default: table]", 78) == "Output format.  [default: table]"  # spacing kept, as click keeps it


# --- machine formats are the same in every language -------------------------------------------------

def test_json_and_csv_are_byte_identical_in_both_languages(run, tmp_path, messy, monkeypatch) -> None:
    import shutil

    from workspaces import EX18, EX23, FILES23, MAIN18, copy_workspace, ingest

    ws23, ws18 = copy_workspace(EX23, tmp_path / "23"), copy_workspace(EX18, tmp_path / "18")
    ingest(ws23, *FILES23)
    ingest(ws18, MAIN18)
    shutil.copy2(messy, ws18 / messy.name)
    commands = [
        (ws18, ["tally", messy.name, "--format", "json"]), (ws18, ["tally", messy.name, "--format", "csv"]),
        (ws18, ["tally", "--year", "2018", "--by", "category", "--by", "month", "--format", "json"]),
        (ws23, ["table", "--year", "2023", "--format", "json"]), (ws23, ["table", "--year", "2023", "--format", "csv"]),
        (ws18, ["table", "--year", "2018", "--format", "json"]), (ws18, ["table", "--year", "2018", "--format", "csv"]),
        (ws23, ["explain", "--year", "2023", "二.行政规范性文件/现行有效件数", "--format", "json"]),
        (ws23, ["explain", "--year", "2023", "二.行政规范性文件/现行有效件数", "--format", "csv"]),
        (ws23, ["explain", "--year", "2023", "三.（三）.1/自然人", "--format", "json"]),
        (ws23, ["ledger", "summary", "--format", "json"]), (ws23, ["ledger", "summary", "--format", "csv"]),
        (ws23, ["ledger", "sources", "--format", "json"]), (ws23, ["ledger", "sources", "--format", "csv"]),
        (ws18, ["check", "--year", "2018", messy.name, "--format", "json"]), (ws23, ["check", "--year", "2023", "--format", "json"]),
        (ws23, ["calendar", "show", "2027", "--format", "json"]),
        (ws23, ["requests", "--as-of", "2024-01-10", "--format", "json"]), (ws23, ["requests", "--as-of", "2024-01-10", "--format", "csv"]),
        (ws23, ["vocab", "--year", "2023", "--format", "json"]), (ws18, ["vocab", messy.name, "--format", "json"]), (ws18, ["vocab", messy.name, "--format", "csv"]),
    ]
    for ws, args in commands:
        monkeypatch.chdir(ws)
        chinese, english = run(*args, env={"DISCLO_LANG": "zh_CN"}), run(*args, env={"DISCLO_LANG": "en"})
        assert chinese.exit_code == english.exit_code and chinese.stdout_bytes, args
        assert chinese.stdout_bytes == english.stdout_bytes, args
    monkeypatch.chdir(ws18)
    problems = run("tally", messy.name, "--format", "json", env={"DISCLO_LANG": "zh_CN"}).stdout
    assert "unknown category '未知类'" in problems and "无法识别" not in problems  # messages in English, whatever the language
    for language in ("zh_CN", "en"):
        assert run("report", "--year", "2018", "--json", f"{language}.json", env={"DISCLO_LANG": language}).exit_code == 0
    assert (ws18 / "zh_CN.json").read_bytes() == (ws18 / "en.json").read_bytes()


def test_the_message_reference_is_made_from_the_catalogues() -> None:
    """docs/messages.md and docs/messages.en.md list every message with its hint, as the catalogues say."""
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("make_message_docs", ROOT / "tools" / "make_message_docs.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.main(["--check"]) == 0, "run: python tools/make_message_docs.py"
    zh = (ROOT / "docs" / "messages.md").read_text(encoding="utf-8")
    assert "| `missing-column (requests)` | 台账中没有「{label}」列（字段 {field}），而{tables}须按此统计：这些行未录入 |" in zh
    assert "| `register-not-filed` | no {register} of {year} is filed" in (ROOT / "docs" / "messages.en.md").read_text(encoding="utf-8")


def test_an_installed_catalogue_is_not_compiled_again_however_pip_ordered_its_files(tmp_path) -> None:
    import os

    from disclo_cli.messages import _stale

    for root, po_later_by, stale in (("site-packages", 0.005, False), ("site-packages", 60, False), ("dist-packages", 60, False),
                                     ("src", 0.005, False), ("src", 60, True)):
        folder = tmp_path / root / str(po_later_by) / "disclo_cli" / "locale" / "zh_CN" / "LC_MESSAGES"
        folder.mkdir(parents=True)
        mo, po = folder / "disclo.mo", folder / "disclo.po"
        mo.write_bytes(b"mo")
        po.write_bytes(b"po")
        os.utime(mo, (1_000_000, 1_000_000))
        os.utime(po, (1_000_000 + po_later_by, 1_000_000 + po_later_by))
        assert _stale(mo, po) is stale, (root, po_later_by)
        mo.unlink()
        assert _stale(mo, po) is True  # no .mo at all: compile the .po
