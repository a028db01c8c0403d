"""Text normalisation shared by header matching, vocabularies and keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"[:：*＊]+$")
#: characters that show as nothing but make two equal-looking texts differ: BOM, zero-width space,
#: joiners, word joiner, soft hyphen, Mongolian vowel separator (and the other format characters)
_INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060\u00ad\u180e\u200e\u200f\u202a-\u202e\u2061-\u2064]")
#: characters XML 1.0 cannot hold (DOCX and XLSX writers refuse them); tab, newline and CR are fine
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def norm(text: str) -> str:
    """Fold a label for matching: NFKC (full-width -> half-width), no spaces or invisible
    characters, no trailing colon, lower case."""
    if text.isascii():  # NFKC leaves ASCII alone: ids such as FJ-NA-LC-2018-0001 take the quick way
        return "".join(text.split()).rstrip(":*").lower()
    return _norm(text)


@lru_cache(maxsize=65536)
def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    text = _SPACES.sub("", text)
    text = _TRAILING.sub("", text)
    return text.lower()


def clean_id(text: str) -> str:
    """An id as written, without invisible characters and surrounding spaces (NBSP, U+3000 too)."""
    if text.isascii():
        return text.strip()
    return _INVISIBLE.sub("", text).strip(" \t\r\n\u00a0\u3000")


def visible(text: str) -> str:
    """A cell's text without invisible characters (labels keep their inner spaces)."""
    return text if text.isascii() else _INVISIBLE.sub("", text)


def cell_text(value: object) -> str:
    """A cell as stripped text; None and NaN become ''. Whole floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
    text = str(value)
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
    if not text.isprintable() and XML_ILLEGAL.search(text):
        text = XML_ILLEGAL.sub("", text)  # control characters: no register means them, no writer takes them
    return text.strip()
