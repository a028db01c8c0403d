"""The Arrow side of a register's cells, for the columnar reader (columnar.py, xlsx.py) and the
sheet reader's Arrow branches (cells.py, registers.py): a column's distinct values kept in Arrow
(ArrowValues), and text.cell_text / the row reader's blank cell / text.norm done on whole Arrow
columns, each held to its Python counterpart by the tests. Imports nothing else of disclo's, so
that every module of ingest/ may use it; pyarrow is imported inside the functions.
"""

from __future__ import annotations

import datetime as dt

# text.py's _INVISIBLE and XML_ILLEGAL: removed from every cell's text (cell_text)
_GONE = (r"[\x{feff}\x{200b}\x{200c}\x{200d}\x{2060}\x{ad}\x{180e}\x{200e}\x{200f}\x{202a}-\x{202e}\x{2061}-\x{2064}"
         r"\x00-\x08\x0b\x0c\x0e-\x1f\x{fffe}\x{ffff}]")
# characters whose folding (text.norm) is the ASCII one: ASCII and CJK ideographs and brackets
# (NFKC and lower() leave them alone, and none is a space or invisible)
_PLAIN_NORM = r"^[\x00-\x7f\x{3001}\x{3002}\x{3008}-\x{3011}\x{3014}-\x{301b}\x{3400}-\x{4dbf}\x{4e00}-\x{9fff}]*$"


def python_values(values: list, arrow_type) -> list:
    """Arrow values as python-calamine gives them: a date cell at midnight is a date."""
    import pyarrow as pa

    if pa.types.is_timestamp(arrow_type):
        return [v.date() if isinstance(v, dt.datetime) and v.time() == dt.time() else v for v in values]
    return values


class ArrowValues:
    """The distinct values of a column kept in Arrow (a high-cardinality text column: one per row),
    read one at a time only where a rule looks at a row."""

    __slots__ = ("arrow",)

    def __init__(self, arrow) -> None:
        self.arrow = arrow

    def __len__(self) -> int:
        return len(self.arrow)

    def __getitem__(self, k: int) -> object:
        return self.arrow[k].as_py()

    def __iter__(self):
        return iter(self.arrow.to_pylist())

    def take(self, codes) -> list:
        import pyarrow as pa
        import pyarrow.compute as pc

        idx = codes.arrow if hasattr(codes, "arrow") else pa.array(codes, pa.int32())  # vectors.Codes, or a list
        return pc.take(self.arrow, idx).to_pylist()


_WS_CHARS = "".join(chr(c) for c in (*range(0x09, 0x0E), *range(0x1C, 0x21), 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F,
                                        0x205F, 0x3000))


def _patched(arr, mask, fn, source=None):
    """arr with, where mask is true, fn of those values of `source` (default arr): fn sees only them."""
    import pyarrow.compute as pc

    mask = pc.fill_null(mask, False)
    if not pc.any(mask).as_py():
        return arr
    return pc.replace_with_mask(arr, mask, fn(pc.filter(arr if source is None else source, mask)))


def cell_texts(arr):
    """text.cell_text of every string of an Arrow column (nulls stay null): invisible and control
    characters removed, then Python's whitespace stripped from both ends (the column itself comes
    back where nothing changes)."""
    import pyarrow.compute as pc

    # a text with a character to remove is never printable (pyarrow's test; the tests check every one)
    out = _patched(arr, pc.invert(pc.utf8_is_printable(arr)), lambda a: pc.replace_substring_regex(a, _GONE, ""))
    trimmed = pc.utf8_trim(out, characters=_WS_CHARS)
    if pc.all(pc.fill_null(pc.equal(pc.binary_length(trimmed), pc.binary_length(out)), True)).as_py():
        return out
    return trimmed


def blank(arr):
    """Whether each cell is empty: null, or nothing but whitespace (the row reader's blank cell).
    Only the cells that are empty or begin with whitespace are trimmed to tell (a column of titles
    or ids has next to none: trimming every one of a million costs a copy of the column)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    first = pc.utf8_slice_codeunits(arr, 0, 1)
    maybe = pc.or_(pc.is_null(arr), pc.fill_null(pc.is_in(first, value_set=pa.array(["", *_WS_CHARS], pa.string())), False))
    if not pc.any(maybe).as_py():
        return maybe
    some = pc.take(arr, pc.indices_nonzero(maybe))
    exact = pc.fill_null(pc.equal(pc.binary_length(pc.utf8_ltrim(some, characters=_WS_CHARS)), 0), True)
    return pc.replace_with_mask(maybe, maybe, exact)


def fold_plain(arr):
    """text.norm of strings made only of _PLAIN_NORM characters (ASCII spaces gone, trailing : and *
    gone, lower case); null where a string has other characters (fold those in Python)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ascii_ = pc.string_is_ascii(arr)
    ok = _patched(ascii_, pc.invert(ascii_), lambda a: pc.match_substring_regex(a, _PLAIN_NORM), arr)
    out = _patched(arr, pc.match_substring_regex(arr, r"[\t\n\x0b\x0c\r\x1c-\x1f ]"),
                   lambda a: pc.replace_substring_regex(a, r"[\t\n\x0b\x0c\r\x1c-\x1f ]", ""))
    out = pc.ascii_lower(pc.utf8_rtrim(out, characters=":*"))
    return pc.if_else(ok, out, pa.scalar(None, pa.string()))
