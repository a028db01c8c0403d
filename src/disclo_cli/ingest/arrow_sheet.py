"""A register file read into Arrow columns (the columnar reader's counterpart of readers.Sheet):
made by columnar.py (CSV) and xlsx.py (workbooks), read by columnar.arrow_block."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Literal, Sequence

if TYPE_CHECKING:
    from disclo_cli.ingest.layout import Block
    from disclo_cli.ingest.readers import Sheet


class Columnar:
    """A register file read into Arrow: its sheets' first rows (for the header) and their columns."""

    def __init__(self, sheet: Sheet, columns: list, start: int, merged: Sequence[tuple[int, int, int, int]] = ()) -> None:
        self.sheet = sheet  # rows: the sheet's first rows only, as the row reader reads them
        self.columns = columns  # Arrow arrays, one per column of the sheet from column A, rows from `start`
        self.start = start  # the 0-based sheet row of the columns' first row
        self.merged = merged
        self.unsure: tuple[int, ...] = ()  # columns whose cells may read otherwise by rows: fine unless a content key reads them
        # block -> the unsure columns, or False: the block does not read as the row reader's (xlsx.py)
        self.check: Callable[[Block], tuple[int, ...] | Literal[False]] | None = None
