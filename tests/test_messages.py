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
    from babel.messages.pofile import read_po

    with (SRC / "locale" / language / "LC_MESSAGES" / "disclo.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


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
