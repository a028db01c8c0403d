"""Write docs/messages.md (Chinese) and docs/messages.en.md (English): every message disclo can show,
with what to do, made from the message catalogues (src/disclo_cli/locale/*/LC_MESSAGES/disclo.po),
so that the reference never says something the program does not. tests/test_messages.py checks that
the files are what this script writes; run it after changing a catalogue:

    python tools/make_message_docs.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "disclo_cli" / "locale"
OUT = {"zh_CN": ROOT / "docs" / "messages.md", "en": ROOT / "docs" / "messages.en.md"}

#: the catalogue's sections (its `# --- …` lines), in the order the reference shows them, with a title per language
SECTIONS = [
    ("reading files", "读取台账文件", "Reading register files"),
    ("dates", "日期", "Dates"),
    ("register rows", "台账各行", "Register rows"),
    ("repeats and years", "重复的行、年度", "Repeats and years"),
    ("workspace, ingest", "工作目录、录入台账", "The workspace, ingest"),
    ("what the ledger does not hold", "台账库中没有的内容", "What the ledger does not hold"),
    ("the ledger", "台账库", "The ledger"),
    ("hardening", "异常输入与文件", "Unusual inputs and files"),
    ("writing files", "写出文件", "Writing files"),
    ("disclo.toml", "disclo.toml 配置", "disclo.toml"),
    ("checks", "数据校验", "Checks"),
    ("table definitions and tables", "统计表与统计表定义", "Tables and table definitions"),
    ("explain", "单元格溯源（explain）", "Explain"),
    ("deadlines and the working-day calendar", "答复期限与工作日日历", "Deadlines and the working-day calendar"),
    ("the report", "年度报告", "The annual report"),
    ("roll-up", "县级汇总", "The county roll-up"),
    ("the command line", "命令行", "The command line"),
]
TITLE = {"zh_CN": "disclo 提示信息一览", "en": "disclo's messages"}
INTRO = {
    "zh_CN": ("disclo 可能显示的每一条错误、警告和提示，以及怎么处理。本文件由 `tools/make_message_docs.py`\n"
              "依据消息目录生成，与程序所说的完全一致。`{file}` 之类为程序填入的内容（文件名、行号、写法等）；\n"
              "方括号中的代码（如 `[missing-column]`）与 `disclo check` 和 `--format json` 输出中的代码相同。\n"),
    "en": ("Every error, warning and note disclo can show, and what to do about it. Made from the message\n"
           "catalogues by `tools/make_message_docs.py`: it says exactly what the program says. `{file}` and the\n"
           "like are filled in by the program (a file name, a row, a wording); the code (`[missing-column]`) is\n"
           "the one `disclo check` and `--format json` show.\n"),
}
HEAD = {"zh_CN": ("代码", "消息", "怎么办"), "en": ("code", "message", "what to do")}
#: pieces of other messages, not messages of their own
PIECE = re.compile(r"^(place\.|field\.|readme\.|long-text|expected\.|definition-expects\.|outline-expects\.|definition-at\.|outline-at\.|unfilled\.|repeat-|vocab-why)")


def _read(language: str) -> list[tuple[str, str, str]]:
    """(section, msgid, msgstr) of every code of a catalogue, in file order."""
    from babel.messages.pofile import read_po

    path = LOCALE / language / "LC_MESSAGES" / "disclo.po"
    section = ""
    sections: dict[int, str] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("# ---"):
            section = line[5:].strip(" -").split("(")[0].split(":")[0].strip()
        sections[n] = section
    with path.open("rb") as f:
        catalog = read_po(f)
    out = []
    for m in catalog:
        if not m.id or not isinstance(m.id, str) or not m.string:
            continue
        lineno = m.lineno or 0
        out.append((sections.get(lineno, ""), m.id, str(m.string)))
    return out


def _is_code(msgid: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9]+(?:[-_.][a-z0-9_]+)*", msgid)) and not msgid.endswith(".hint")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("{{", "{").replace("}}", "}").strip()


def render(language: str) -> str:
    english = _read("en")
    own = {msgid: text for _, msgid, text in _read(language)}
    where = {msgid: section for section, msgid, _ in english}
    grouped: dict[str, list[str]] = {}
    for _, msgid, _ in english:
        if not _is_code(msgid) or PIECE.match(msgid):
            continue
        section = where[msgid]
        key = next((s[0] for s in SECTIONS if section.startswith(s[0])), section)
        grouped.setdefault(key, []).append(msgid)
    index = 1 if language == "zh_CN" else 2
    lines = [f"# {TITLE[language]}", "", INTRO[language]]
    order = [s[0] for s in SECTIONS] + sorted(k for k in grouped if k not in {s[0] for s in SECTIONS})
    titles = {s[0]: s[index] for s in SECTIONS}
    for key in order:
        codes = grouped.get(key)
        if not codes:
            continue
        lines += [f"## {titles.get(key, key)}", "", "| {} | {} | {} |".format(*HEAD[language]), "|---|---|---|"]
        for code in codes:
            shown = code.split(".")[0] + (f" ({code.split('.', 1)[1]})" if "." in code else "")
            lines.append(f"| `{shown}` | {_cell(own.get(code, ''))} | {_cell(own.get(code + '.hint', ''))} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for language, path in OUT.items():
        text = render(language)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print("out of date (run python tools/make_message_docs.py):", ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
