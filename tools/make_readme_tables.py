"""Write the README's tables of the register columns disclo reads (README.md in Chinese, README.en.md
in English) from what declares them: data/registers.toml (fields, header wordings), data/vocab.toml
(the values a label field takes) and the catalogues (field.<kind>.<name>: what a field is). The
tables sit between the README's `<!-- columns: … -->` markers; tests/test_readme.py checks that they
are what this script writes. Run it after changing one of those files:

    python tools/make_readme_tables.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READMES = {"zh_CN": ROOT / "README.md", "en": ROOT / "README.en.md"}
BEGIN = "<!-- columns: made by tools/make_readme_tables.py from data/registers.toml; do not edit by hand -->"
END = "<!-- columns: end -->"
#: which vocabularies' values are worth listing in a table cell (the categories are the office's own)
LISTED = {"applicants", "request_channels", "channels", "case_types", "case_routes", "case_results", "doc_types"}


def tables(language: str) -> str:
    from disclo_cli.messages import render
    from disclo_cli.schema import schema
    from disclo_cli.vocab import builtin

    def t(code: str) -> str:
        return render(code, language=language)

    out: list[str] = []
    for kind, reg in schema().items():
        out += [f"**{reg.title}**（{kind}）" if language == "zh_CN" else f"**{reg.title}** ({kind})", ""]
        out += [f"| {t('readme.column.field')} | {t('readme.column.headers')} | {t('readme.column.about')} |", "|---|---|---|"]
        for f in reg.fields:
            if f.derived:
                continue
            name = f"{f.label} `{f.name}`" + (f" **{t('readme.column.required')}**" if f.required else "")
            words = "、".join(f.headers)
            if f.fallback:
                words += f"；{t('readme.column.fallback')}" + "、".join(f.fallback)
            about = t(f"field.{kind}.{f.name}")
            if f.vocab in LISTED:
                about += f"。{t('readme.column.values')}：" + "、".join(builtin(f.vocab).labels) if language == "zh_CN" else \
                    f". {t('readme.column.values')}: " + "、".join(builtin(f.vocab).labels)
            out.append(f"| {name} | {words} | {about.replace('|', chr(92) + '|')} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def updated(text: str, language: str) -> str:
    pattern = re.compile(re.escape(BEGIN) + r"\n.*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"the README has no {BEGIN!r} … {END!r} block")
    return pattern.sub(lambda _: f"{BEGIN}\n\n{tables(language)}\n{END}", text, count=1)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for language, path in READMES.items():
        text = path.read_text(encoding="utf-8")
        new = updated(text, language)
        if check:
            if new != text:
                stale.append(path.name)
        elif new != text:
            path.write_text(new, encoding="utf-8")
    if stale:
        print("out of date (run python tools/make_readme_tables.py):", ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
