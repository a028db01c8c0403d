"""The columnar read of an .xlsx workbook: fastexcel (calamine → Arrow) instead of python-calamine's
rows of Python objects, after the same guards (guards.py).

fastexcel gives each column one type. A column of one kind of cell comes exactly (text, numbers,
dates, true/false); a column that mixes kinds (a header's text above dates, a date typed as text
among date cells) comes as text, the other cells rendered: a date as 2023-01-05 00:00:00, a number
in fastexcel's digits, true/false. Such a rendering could stand for two cells (a date cell or that
text typed), so it is accepted only where both would be read alike: in a date field, where both give
the same plausible date. Anywhere else, or where such a value is a problem whose message would quote
the cell, the workbook is read by rows (readers.py), as are sheets whose cells do not start where
this reader can tell, and workbooks a guard refuses (the row reader says why). A cell merged down
over data rows is filled by columnar.arrow_block as the row reader fills it (a take of its code).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from disclo_cli.ingest.arrow_sheet import Columnar
from disclo_cli.ingest.arrow_text import python_values as _py
from disclo_cli.ingest.dates import DateProblem, implausible, month_day, parse_date
from disclo_cli.ingest.layout import SCAN_ROWS, Block, Layout, detect
from disclo_cli.ingest.readers import MAX_CELLS, Sheet

if TYPE_CHECKING:
    from disclo_cli.config import Config

#: renderings of a non-text cell in a text column: a date or time, true/false, a number — ASCII
#: digits to the very end of the text, as RE2 reads _AMBIGUOUS (Python's \d takes any script's
#: digits and its $ stops before a final newline: '2023-01-05 00:00:00\n' in a text cell ended in exit 3)
_AMB_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?\Z")
_AMB_BOOL = ("true", "false")
_AMB_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")
_AMBIGUOUS = r"^([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?|true|false|-?[0-9]+(\.[0-9]+)?)$"


def _ambiguous(v: object) -> bool:
    """Whether a text could be fastexcel's rendering of a non-text cell."""
    return isinstance(v, str) and (v in _AMB_BOOL or bool(_AMB_DATETIME.match(v)) or bool(_AMB_NUMBER.match(v)))


def _native(v: str) -> object:
    """What a rendering stands for if it is not text (the other reading of an ambiguous cell)."""
    if v in _AMB_BOOL:
        return v == "true"
    if _AMB_DATETIME.match(v):
        d = dt.datetime.fromisoformat(v)
        return d.date() if d.time() == dt.time() else d
    return float(v)


def read_xlsx(p: Path, data: bytes, config: Config, kind: str | None, sheet: str | None, today: dt.date | None = None):
    """[(Columnar, Layout)] of a workbook's register sheets, or None (read it by rows)."""
    from disclo_cli.errors import InputError
    from disclo_cli.ingest import guards
    from disclo_cli.ingest.readers import _quiet_panics

    try:
        fmt = guards.zip_format(p, guards.guard_zip(p, data))
        if fmt != "xlsx":
            return None
        extents: dict = {}
        parts = guards.guard_xlsx(p, data, extents)
    except InputError:
        raise  # the guard's refusal, as the row reader would give it on these same bytes (not measured twice)
    except Exception:  # a part that does not unpack: the row reader says so
        return None
    try:
        import fastexcel
    except ImportError:
        return None
    today = today or dt.date.today()
    out = []
    try:
        with _quiet_panics():
            reader = fastexcel.read_excel(data)
            names = reader.sheet_names
    except BaseException as exc:  # noqa: BLE001 - calamine's errors and panics: the row reader reports them
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return None
    for i, name in enumerate(names):
        part = parts.get(name, "")
        ext = extents.get(part)
        if not part or ext is None or not ext.exact:
            return None
        try:
            with _quiet_panics():
                sh = reader.load_sheet(i, header_row=None, dtypes="string")
                height, width = sh.height, sh.width
                hidden = {"hidden": "hidden", "veryhidden": "very-hidden"}.get(str(sh.visible), "")
                batch = sh.to_arrow() if height else None
            del sh
        except BaseException as exc:  # noqa: BLE001
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            return None
        if not ext.first_row:
            if height == 0:
                continue  # an empty sheet: nothing to find
            return None
        first, last = ext.first_row - 1, ext.rows - 1
        if height and (last - first + 1 != height or not ext.col_a or ext.cols != width):
            return None  # the cells do not start where this reader can tell (the row reader pads them from A1)
        if ext.merge_count is not None and ext.merge_count != len(ext.merges):
            return None  # merged ranges not all seen
        merges = sorted(ext.merges)
        if (last + 1) * width > MAX_CELLS:
            return None
        got = _sheet(p, name, i, part, batch, first, width, merges, config, kind, today, hidden)
        if got is False:
            return None
        if got is not None:
            out.append(got)
    return out or None


def _sheet(p: Path, name: str, index: int, part: str, batch, first: int, width: int, merges, config, kind, today, hidden: str = ""):
    """(Columnar, Layout) of one sheet; None when it holds no register; False to read the workbook by rows."""
    import pyarrow as pa

    columns = [batch.column(c) for c in range(batch.num_columns)] if batch is not None else []
    for c in columns:
        t = c.type
        if not (t == pa.string() or pa.types.is_floating(t) or pa.types.is_timestamp(t) or t == pa.bool_() or t == pa.null() or pa.types.is_integer(t)):
            return False  # durations and the like
    # the first rows as python-calamine has them (padded from A1, '' for an empty cell), two ways:
    # each ambiguous rendering as the text it is, and as the cell it may stand for
    n_head = max(0, min(SCAN_ROWS + 1 - first, len(columns[0]) if columns else 0))
    head_cols = [_py(c.slice(0, n_head).to_pylist(), c.type) for c in columns]
    as_text: list[list[object]] = []
    as_cell: list[list[object]] = []
    ambiguous = False
    for r in range(SCAN_ROWS + 1):
        if r < first or r - first >= n_head:
            if r < first:
                as_text.append([""] * width)
                as_cell.append([""] * width)
            continue
        row = [col[r - first] for col in head_cols]
        row = ["" if v is None else v for v in row]
        alt = []
        for v in row:
            if _ambiguous(v):
                assert isinstance(v, str)
                ambiguous = True
                alt.append(_native(v))
            else:
                alt.append(v)
        as_text.append(row)
        as_cell.append(alt)
    sheet = Sheet(str(p), name, index, as_text, tuple(merges), "xlsx", part=part, hidden=hidden)
    layout = detect(sheet, config.columns, kind)
    if ambiguous and layout != detect(Sheet(str(p), name, index, as_cell, tuple(merges), "xlsx", part=part), config.columns, kind):
        return False
    if layout is None:
        return None
    start_row = layout.header_row + 1 + layout.sub_rows
    down = tuple(m for m in merges if m[2] >= start_row and m[2] > m[0])  # merged down over data rows: columnar.arrow_block fills them
    col = Columnar(sheet, columns, first, down)
    col.check = lambda block: check_block(block, layout, columns, today)
    return col, layout



def check_block(block: Block, layout: Layout, columns: list, today: dt.date) -> tuple[int, ...] | Literal[False]:
    """After the data area is found (columnar.arrow_block): whether every column reads as the row
    reader reads it. A rendering is accepted in a date field when it reads as the same plausible
    date either way, nowhere else; a column only a content key reads may hold one (columnar.read
    then looks whether any row needs its content key). Returns the columns of that kind, or False."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from disclo_cli.ingest.arrow_text import ArrowValues
    from disclo_cli.schema import spec

    reg = spec(layout.kind)
    by_col = {c: f for f, c in layout.columns.items()}
    unmapped: list[int] = []
    for c, coded in block.cells.items():
        f = reg.field(by_col[c]) if c in by_col else None
        t = columns[c].type if c < len(columns) else pa.string()
        values = coded.values
        if isinstance(values, ArrowValues):  # a text column kept in Arrow: looked at there
            if not pc.any(pc.fill_null(pc.match_substring_regex(values.arrow, _AMBIGUOUS), False)).as_py():
                continue
            if f is None:
                unmapped.append(c)
                continue
            return False
        if pa.types.is_timestamp(t):
            if f is None or f.type != "date":
                return False  # a date cell's text depends on whether it is a date or a date and time
            for v in values:
                if v is None:
                    continue
                d = v if type(v) is dt.date else v.date()
                if d.year < 1900 or (type(v) is not dt.date and implausible(d, v, today) is not None):
                    return False  # a time of day, or a problem whose message quotes a date and time to the second
            continue
        if t != pa.string():
            continue
        amb = [v for v in values if _ambiguous(v)]
        if not amb:
            continue
        if f is None:
            unmapped.append(c)  # a problem only if some row has no id (columnar.read looks)
            continue
        if f.type != "date":
            return False
        for v in amb:
            if _AMB_NUMBER.match(v) and "." in v and month_day(v):
                return False  # 3.5: March 5th as text, 1900-01-02 as a number
            try:
                d = parse_date(v, None)
            except DateProblem:
                return False
            if d is None or implausible(d, v, today) is not None:
                return False  # a problem whose message quotes the cell: read by rows
    return tuple(unmapped)
