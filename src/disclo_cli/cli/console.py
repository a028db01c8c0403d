"""Printing safely on any console: a Chinese Windows PC writes redirected output in cp936 (GBK), a
misconfigured one in ASCII or Latin-1. Nothing disclo prints may fail there.

* Text (messages, tables, CSV) goes through an error handler that prints a character the encoding
  lacks as the nearest one it has (``−`` as ``-``, ``✓`` as ``√``, ``（`` as ``(`` in Latin-1), and
  as ``?`` when there is none; the ``?`` on stdout are counted, so that the command can say so.
* JSON is never lossy: a character the encoding lacks is written as a JSON ``\\uXXXX`` escape,
  which every JSON reader turns back into the character.

Files written with --output are always UTF-8 and do not pass through here.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import sys
import unicodedata
from typing import TextIO

#: characters disclo prints that a narrow encoding may lack, and what to print instead, in order of
#: preference (the first the encoding has); GBK has √ × — … → ≠ ≤ ≥ 「」
FALLBACKS: dict[str, tuple[str, ...]] = {
    "\u2212": ("-",),  # − minus sign
    "\u2010": ("-",), "\u2011": ("-",), "\u2012": ("-",), "\u2013": ("–", "-"), "\u2014": ("—", "-"), "\u2015": ("—", "-"),
    "\u2026": ("…", "..."),
    "\u2192": ("→", "->"), "\u2190": ("←", "<-"), "\u2191": ("↑", "^"), "\u2193": ("↓", "v"),
    "\u2260": ("≠", "!="), "\u2264": ("≤", "<="), "\u2265": ("≥", ">="), "\u2248": ("≈", "~"),
    "\u2713": ("√", "v"), "\u2714": ("√", "v"), "\u2705": ("√", "v"), "\u221a": ("√", "v"),
    "\u2717": ("×", "x"), "\u2718": ("×", "x"), "\u274c": ("×", "x"), "\u00d7": ("×", "x"),
    "\u2022": ("·", "*"), "\u00b7": ("·", "."), "\u30fb": ("·", "."), "\u2027": ("·", "."),
    "\u300c": ("「", '"'), "\u300d": ("」", '"'), "\u300e": ("『", '"'), "\u300f": ("』", '"'),
    "\u201c": ("“", '"'), "\u201d": ("”", '"'), "\u2018": ("‘", "'"), "\u2019": ("’", "'"),
    "\u3010": ("【", "["), "\u3011": ("】", "]"), "\u3014": ("〔", "["), "\u3015": ("〕", "]"),
    "\u300a": ("《", "<<"), "\u300b": ("》", ">>"), "\u3008": ("〈", "<"), "\u3009": ("〉", ">"),
    "\u3001": ("、", ","), "\u3002": ("。", "."), "\u3000": ("\u3000", "  "),
    "\u2502": ("|",), "\u2500": ("-",), "\ufffd": ("?",),
}
MISSING = "?"

_lost = {"stdout": 0, "stderr": 0}


def substitute(char: str, encoding: str) -> str:
    """What to print for `char` in `encoding`: a fallback the encoding has, else its compatibility
    form (fullwidth （ as ( …), else '?'."""
    candidates = FALLBACKS.get(char, ())
    normal = unicodedata.normalize("NFKC", char)
    if normal != char:
        candidates = (*candidates, normal)
    for candidate in candidates:
        if _encodable(candidate, encoding):
            return candidate
    return ""


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _handler(stream: str):
    def handle(exc: UnicodeError) -> tuple[str, int]:
        if not isinstance(exc, UnicodeEncodeError):
            raise exc
        out = []
        for char in exc.object[exc.start:exc.end]:
            replacement = substitute(char, exc.encoding)
            if not replacement:
                _lost[stream] += 1
                replacement = MISSING
            out.append(replacement)
        return "".join(out), exc.end

    return handle


def _json_escape(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for char in exc.object[exc.start:exc.end]:
        code = ord(char)
        if code > 0xFFFF:  # a JSON escape is UTF-16: a surrogate pair
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out), exc.end


codecs.register_error("disclo-stdout", _handler("stdout"))
codecs.register_error("disclo-stderr", _handler("stderr"))
codecs.register_error("disclo-json", _json_escape)


def setup() -> None:
    """Make sys.stdout and sys.stderr replace what their encoding lacks instead of raising (UTF-8
    included: a file name with undecodable bytes holds lone surrogates)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name, None)
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        with contextlib.suppress(ValueError, OSError, TypeError):  # a detached or closed stream: nothing to print to
            reconfigure(errors=f"disclo-{name}")
    reset()


def reset() -> None:
    _lost["stdout"] = _lost["stderr"] = 0


def lost(stream: str = "stdout") -> int:
    """How many characters printed on stdout (stderr) were lost as '?' since setup()."""
    return _lost[stream]


def encoding_of(stream: TextIO | None) -> str:
    """The encoding text written to `stream` ends up in. click writes UTF-8 to a stream that claims
    ASCII (a misconfigured locale), so that one counts as UTF-8."""
    name = getattr(stream, "encoding", None) or "ascii"
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return "utf-8"
    return "utf-8" if name == "ascii" else name


def fit(text: str, encoding: str) -> str:
    """The text as it will be printed to stdout in `encoding` (what it lacks replaced and counted)."""
    if _encodable(text, encoding):
        return text
    return text.encode(encoding, "disclo-stdout").decode(encoding)


def json_for(text: str, encoding: str) -> str:
    """JSON text that `encoding` can carry without loss: what it lacks as \\uXXXX escapes (valid
    JSON wherever they occur, since disclo's JSON has non-ASCII characters only inside strings)."""
    if _encodable(text, encoding):
        return text
    return text.encode(encoding, "disclo-json").decode(encoding)


def is_terminal(stream: TextIO | None) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (ValueError, OSError, AttributeError):
        return False


# --- help pages: wrapping that knows Chinese characters take two columns ----------------------------

_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")
#: a run of characters that wraps as one word; a Chinese character (or full-width sign) is a word
#: of its own, so a line may break between any two of them
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u3000-\u303f\u2014\u2026\u201c\u201d\u2018\u2019"
_TOKEN = re.compile(rf"\s+|[{_WIDE}]|[^\s{_WIDE}]+")
#: never at the start of a line (they stay with what comes before) …
_CLOSING = set("，。、；：？！）」』》〕】…’”%,.;:?!)]}")
#: … and never at its end (they go with what follows)
_OPENING = set("（「『《〔【“‘([{")


def width(text: str) -> int:
    """How many terminal columns text takes: Chinese characters and full-width forms two."""
    text = _ANSI.sub("", text)
    total = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def _words(text: str) -> list[str]:
    tokens = _TOKEN.findall(text)
    out: list[str] = []
    glue_next = False
    for tok in tokens:
        if not tok.isspace() and out and not out[-1].isspace() and (glue_next or tok[0] in _CLOSING):
            out[-1] += tok
        else:
            out.append(tok)
        glue_next = not tok.isspace() and tok[-1] in _OPENING
    return out


def _fill(text: str, columns: int, initial: str, subsequent: str) -> list[str]:
    lines: list[str] = []
    line, used, content = initial, width(initial), False
    space = ""
    for word in _words(text):
        if word.isspace():
            space = word.replace("\n", " ") if content else ""
            continue
        w = width(word)
        gap = space
        if content and used + len(gap) + w > columns:
            lines.append(line.rstrip())
            line, used, content, gap = subsequent, width(subsequent), False, ""
        while not content and used + w > columns and len(word) > 1:  # a word longer than the line
            cut = 1
            while cut < len(word) and used + width(word[: cut + 1]) <= columns:
                cut += 1
            lines.append(line + word[:cut])
            word = word[cut:]
            w = width(word)
            line, used = subsequent, width(subsequent)
        line += gap + word
        used += len(gap) + w
        content, space = True, ""
    lines.append(line.rstrip())
    return lines


def _join(lines) -> str:
    """The lines of a paragraph as one: a space between words, none between Chinese characters."""
    out = ""
    for line in lines:
        if out and line and not (width(out[-1]) == 2 and width(line[0]) == 2):
            out += " "
        out += line
    return out


def wrap_text(text: str, width: int = 78, initial_indent: str = "", subsequent_indent: str = "", preserve_paragraphs: bool = False) -> str:
    """click.formatting.wrap_text, measured in terminal columns (a Chinese help text wraps at the
    window's edge, not at twice its width). Paragraphs and the \\b no-rewrap marker as in click."""
    text = text.expandtabs()
    if not preserve_paragraphs:
        return "\n".join(_fill(text, width, initial_indent, subsequent_indent))
    paragraphs: list[tuple[int, bool, list[str]]] = []
    buf: list[str] = []
    indent: int | None = None

    def flush() -> None:
        if buf:
            raw = buf[0].strip() == "\b"
            paragraphs.append((indent or 0, raw, buf[1:] if raw else list(buf)))
            del buf[:]

    for line in text.splitlines():
        if not line:
            flush()
            indent = None
            continue
        if indent is None:
            indent = len(line) - len(line.lstrip())
        buf.append(line.lstrip() if not buf else line)
    flush()
    out = []
    for extra, raw, lines in paragraphs:
        first, rest = initial_indent + " " * extra, subsequent_indent + " " * extra
        if raw:
            out.append("\n".join((first if i == 0 else rest) + ln for i, ln in enumerate(lines)))
        else:
            out.append("\n".join(_fill(_join(ln.strip() for ln in lines), width, first, rest)))
    return "\n\n".join(out)
