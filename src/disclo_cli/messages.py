"""Every text disclo shows a person comes from a message catalogue: one per language (gettext .po
files under ``locale/``, compiled to .mo when the package is built).

Two kinds of entries:

* a **code** (``unknown-category``) names a finding or an error; its template (``{label!r}`` style,
  :meth:`str.format`) is the msgid's translation in every catalogue, English included, and
  ``CODE.hint`` is what to do about it. Findings and errors carry the code and its parameters, never
  a finished sentence, so the same finding reads in Chinese and in English.
* any other msgid is an English UI text (``--help`` lines, column heads, status lines), marked with
  :func:`_` where it is used (or :func:`N_` where it must stay a msgid until shown).

The language is chosen by the command line (:func:`use`); library code only renders. A library user
gets English unless they call :func:`use`.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Mapping

DOMAIN = "disclo"
LANGUAGES = ("zh_CN", "en")
DEFAULT_LIBRARY_LANGUAGE = "en"
#: a plain text parameter longer than this is shortened in messages (a 1 MB cell is not a message)
MAX_PARAM = 200
_SHOWN = 60

_active = DEFAULT_LIBRARY_LANGUAGE


def use(language: str) -> None:
    """Render every later message in `language` (zh_CN or en)."""
    global _active
    if language not in LANGUAGES:
        raise ValueError(language)
    _active = language


def current() -> str:
    return _active


def choose(environ: Mapping[str, str]) -> str:
    """The language a person asked for: DISCLO_LANG, else LC_ALL / LC_MESSAGES / LANG / LANGUAGE,
    else Chinese (a Chinese Windows PC usually sets none). C and POSIX say nothing about a language."""
    for var in ("DISCLO_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = (environ.get(var) or "").strip()
        if not value:
            continue
        first = value.split(":")[0].split(".")[0].split("@")[0].lower().replace("-", "_")
        if first in ("c", "posix", ""):
            continue
        if first.startswith("en"):
            return "en"
        if first.startswith("zh"):
            return "zh_CN"
        # another language (fr_FR, ja_JP …): disclo speaks Chinese and English only; English is the
        # closer guess for someone who set a European locale, Chinese for the rest of the world
        return "en" if re.match(r"^(de|fr|es|it|pt|nl|sv|da|no|fi|pl|ru|cs|tr)", first) else "zh_CN"
    return "zh_CN"


# --- catalogues ----------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def catalogue(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of a language (.mo beside the .po); a source checkout whose .mo was
    never built compiles the .po in memory with Babel."""
    folder = resources.files("disclo_cli").joinpath("locale", language, "LC_MESSAGES")
    mo = folder.joinpath(f"{DOMAIN}.mo")
    po = folder.joinpath(f"{DOMAIN}.po")
    if _stale(mo, po):
        try:
            return _compile(po.read_bytes())
        except ImportError:  # no Babel: the .mo as it is, or nothing
            pass
    try:
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    except FileNotFoundError:
        return gettext.NullTranslations()


#: a .po this much newer than its .mo was edited after the build (an install writes both within it)
_EDITED_AFTER_S = 2.0


def _stale(mo, po) -> bool:
    """A source checkout whose .po was edited after its .mo was built (or that never built one).
    An installed package is never stale: pip writes the .po after the .mo, a few milliseconds
    apart, and compiling the catalogue on every start would cost Babel's import and 30 ms."""
    import os

    parts = set(os.path.normpath(str(po)).split(os.sep))
    if parts & {"site-packages", "dist-packages"}:
        return not os.path.exists(str(mo))
    try:
        po_time = os.stat(str(po)).st_mtime
    except OSError:
        return False
    try:
        return os.stat(str(mo)).st_mtime < po_time - _EDITED_AFTER_S
    except OSError:
        return True


def _compile(po_bytes: bytes) -> gettext.NullTranslations:
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    buf = io.BytesIO()
    write_mo(buf, read_po(io.BytesIO(po_bytes)))
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def lookup(msgid: str, language: str | None = None) -> str | None:
    """The catalogue entry of msgid in a language (English as the fallback), None if neither has it."""
    for lang in (language or _active, "en"):
        text = catalogue(lang).gettext(msgid)
        if text != msgid:
            return text
    return None


def _(msgid: str) -> str:
    """A UI text in the active language (the English msgid itself when untranslated)."""
    return lookup(msgid) or msgid


def N_(msgid: str) -> str:
    """Marks a UI text for the catalogue without translating it yet (translated when shown)."""
    return msgid


# --- rendering -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Msg:
    """A message not yet rendered: a code and its parameters. Rendered in the active language."""

    code: str
    params: Mapping[str, object]

    def __str__(self) -> str:
        return render(self.code, self.params)

    def text(self, language: str | None = None) -> str:
        return render(self.code, self.params, language=language)


def msg(code: str, **params: object) -> Msg:
    return Msg(code, params)


def shorten(text: str, n: int = _SHOWN, *, language: str | None = None) -> str:
    """A long text as its first n characters and its length ('工作动态…（共 10000 字）')."""
    if len(text) <= n:
        return text
    return text[:n] + render("long-text", {"length": len(text)}, language=language)


def _param(value: object, language: str | None) -> object:
    if isinstance(value, Msg):
        return value.text(language)
    if isinstance(value, str) and len(value) > MAX_PARAM:
        return shorten(value, language=language)
    render_place = getattr(value, "render", None)
    if render_place is not None:  # a Place
        return render_place(language)
    return value


def render(code: str, params: Mapping[str, object] | None = None, *, language: str | None = None) -> str:
    """The text of a code with its parameters; the code itself when no catalogue knows it."""
    template = lookup(code, language)
    if template is None:
        return code
    return _format(template, params or {}, language)


def render_hint(code: str, params: Mapping[str, object] | None = None, *, language: str | None = None) -> str:
    """What to do about a code ('' when the catalogue says nothing)."""
    template = lookup(f"{code}.hint", language)
    return _format(template, params or {}, language) if template else ""


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _format(template: str, params: Mapping[str, object], language: str | None) -> str:
    values = _Missing({k: _param(v, language) for k, v in params.items()})
    try:
        return template.format_map(values)
    except (ValueError, IndexError, KeyError, AttributeError, TypeError):
        # a broken translation must never hide the message: show the template and its values
        return template + " " + ", ".join(f"{k}={v}" for k, v in values.items())


def placeholders(template: str) -> set[str]:
    """The parameter names a template uses (for the catalogue tests)."""
    import string

    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}
