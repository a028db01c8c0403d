"""README.md (Chinese) and README.en.md (English) are kept in step: the same two set-up lines first,
the same commands, the column tables made from data/registers.toml, links that lead somewhere."""

from __future__ import annotations

import importlib.util
import re

from conftest import ROOT

ZH = (ROOT / "README.md").read_text(encoding="utf-8")
EN = (ROOT / "README.en.md").read_text(encoding="utf-8")


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def setup_lines(text: str) -> list[str]:
    """The first two indented command lines: what a newcomer types on a fresh machine."""
    return [line.strip() for line in text.splitlines() if line.startswith("    ") and line.strip()][:2]


def test_both_begin_with_the_same_two_commands() -> None:
    zh, en = setup_lines(ZH), setup_lines(EN)
    assert zh == en
    install, tests = zh
    assert install.endswith("pip install . && disclo tally examples/2018-liucheng/主动公开台账2018.xlsx")
    assert tests.endswith('pip install ".[test]" && python -m pytest')
    assert (ROOT / "examples" / "2018-liucheng" / "主动公开台账2018.xlsx").is_file()
    # the test line is what CI runs (.ci/run installs .[test] and the linters, runs them, then pytest)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install --quiet ".[test,lint]"' in ci and ci.rstrip().endswith("python -m pytest")
    assert "\nruff check src tests tools benchmarks examples\n" in ci and "\nmypy src/disclo_cli\n" in ci


def commands_named(text: str) -> set[str]:
    """Every `disclo COMMAND [SUBCOMMAND]` the README shows, checked against the real command line."""
    from disclo_cli.cli import main

    found = set()
    for m in re.finditer(r"disclo ((?:--\w+ \S+ )*)([a-z]+)(?: ([a-z]+))?", text.replace("a disclo ledger", "")):
        name, sub = m.group(2), m.group(3)
        command = main.commands.get(name)
        if command is None:
            continue
        subs = getattr(command, "commands", {})
        found.add(f"{name} {sub}" if sub in subs else name)
    return found


def test_both_name_the_same_commands_and_every_command() -> None:
    from disclo_cli.cli import main

    zh, en = commands_named(ZH), commands_named(EN)
    assert zh == en
    every = {name for name, c in main.commands.items() if not getattr(c, "hidden", False)}
    assert every <= {c.split()[0] for c in zh}, sorted(every - {c.split()[0] for c in zh})
    assert {"ledger summary", "ledger sources", "ledger forget", "ledger backup", "requests explain", "calendar show", "calendar import"} <= zh


def test_the_column_tables_are_made_from_the_register_schema() -> None:
    assert _tool("make_readme_tables").main(["--check"]) == 0, "run: python tools/make_readme_tables.py"
    assert "| 申请人类型 `applicant` | 申请人类型、申请人性质、申请主体、申请人类别、申请人情况、申请人身份 | 申请人类型：表三的列。可填写：自然人、商业企业" in ZH
    assert "| 申请人类型 `applicant` | 申请人类型、申请人性质、申请主体、申请人类别、申请人情况、申请人身份 | the applicant's type: the column of Table 三. values: 自然人" in EN


def test_every_local_link_leads_to_a_file() -> None:
    for text in (ZH, EN):
        for target in re.findall(r"\]\(([^)#]+)\)", text):
            if "://" not in target:
                assert (ROOT / target).exists(), target


def test_the_invariant_and_the_reingest_rule_are_stated_in_both() -> None:
    assert "录入的每一行，在它所属的每张统计表中恰好计入一个单元格" in ZH and "以文件为准" in ZH
    assert "Every row filed is counted in exactly one cell of each table it belongs to" in EN and "A file is the unit of truth" in EN
    for text in (ZH, EN):
        assert "examples/routine/" in text and "monthly.bat" in text and "python -m disclo_cli" in text
