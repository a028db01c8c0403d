"""Text normalisation shared by header matching and vocabularies."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"[:：*＊]+$")


def norm(text: str) -> str:
    """Fold a label for matching: NFKC (full-width -> half-width), no spaces, no trailing colon, lower case."""
    if text.isascii():  # NFKC leaves ASCII alone: ids such as FJ-NA-LC-2018-0001 take the quick way
        return "".join(text.split()).rstrip(":*").lower()
    return _norm(text)


@lru_cache(maxsize=65536)
def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _SPACES.sub("", text)
    text = _TRAILING.sub("", text)
    return text.lower()


def cell_text(value: object) -> str:
    """A cell as stripped text; None and NaN become ''. Whole floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value).strip()
