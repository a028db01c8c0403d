"""Find the header row of a register sheet and which column holds which field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import itemgetter
from typing import Iterator, Mapping

from disclo_cli.ingest.readers import Sheet
from disclo_cli.text import cell_text, norm

SCAN_ROWS = 30
KINDS = ("items", "requests", "cases")
KIND_NAMES = {"items": "主动公开台账 (published items)", "requests": "依申请公开台账 (requests)", "cases": "行政复议诉讼台账 (reviews and lawsuits)"}
# 合计, 小计：121条, 合计（1-6月）, 本页合计, 1-6月小计, 全年合计：250条 (text already folded by norm)
_TOTAL = re.compile(r"^(?:本页|本月|本年|全年|上半年|下半年|\d{1,2}(?:-\d{1,2})?月(?:份)?)?(?:合计|总计|小计|共计)(?::?\d+(?:条|件|项|个)?|:.*|\(.*\))?$")


@dataclass(frozen=True)
class ColumnSpec:
    """The header wordings of one register kind: folded wording -> (field, priority)."""

    kind: str
    required: tuple[str, ...]
    wordings: Mapping[str, tuple[str, int]]
    examples: Mapping[str, tuple[str, ...]]  # field -> the wordings as written, for messages

    @classmethod
    def build(cls, kind: str, data: Mapping[str, object], extra: Mapping[str, list[str]] | None = None) -> "ColumnSpec":
        wordings: dict[str, tuple[str, int]] = {}
        examples: dict[str, tuple[str, ...]] = {}
        for field, words in data.items():
            if field == "required":
                continue
            all_words = list(extra.get(field, [])) + list(words) if extra else list(words)
            examples[field] = tuple(all_words)
            for prio, word in enumerate(all_words):
                wordings.setdefault(norm(word), (field, prio))
        return cls(kind, tuple(data["required"]), wordings, examples)


@dataclass(frozen=True)
class Layout:
    """Where a register sits in a sheet: its kind, header row (0-based) and field -> column index."""

    kind: str
    header_row: int
    columns: Mapping[str, int]
    headers: tuple[str, ...]
    sub_rows: int = 0  # rows of sub-headers below header_row (under a header cell merged across columns)

    def header_of(self, field: str) -> str:
        return self.headers[self.columns[field]]


def _header_texts(rows: list[list[object]], r: int) -> list[str]:
    """Header texts of row r; an empty cell takes the text above it (a vertically merged cell)."""
    row = rows[r]
    above = rows[r - 1] if r > 0 else []
    out = []
    for c, value in enumerate(row):
        text = cell_text(value)
        if not text and c < len(above):
            text = cell_text(above[c])
        out.append(text)
    return out


def _match(texts: list[str], spec: ColumnSpec) -> dict[str, int]:
    best: dict[str, tuple[int, int]] = {}
    for c, text in enumerate(texts):
        if not text or len(text) > 40:
            continue
        hit = spec.wordings.get(norm(text))
        if hit is None:
            continue
        field, prio = hit
        if field not in best or prio < best[field][1]:
            best[field] = (c, prio)
    return {f: c for f, (c, _) in best.items()}


def detect(sheet: Sheet, specs: Mapping[str, ColumnSpec], kind: str | None = None) -> Layout | None:
    """The best header row among the first rows, for the given kind or any kind; None if none fits."""
    kinds = [kind] if kind else list(specs)
    best: tuple[int, int, Layout] | None = None
    for r in range(min(SCAN_ROWS, len(sheet.rows))):
        texts = None
        for k in kinds:
            spec = specs[k]
            if texts is None:
                texts = _header_texts(sheet.rows, r)
            cols = _match(texts, spec)
            if not all(f in cols for f in spec.required):
                continue
            score = len(cols)
            if best is None or score > best[0]:
                best = (score, r, Layout(k, r, cols, tuple(texts), int(_sub_headers(sheet.rows, r, cols, spec))))
    return best[2] if best else None


def _sub_headers(rows: list[list[object]], r: int, cols: Mapping[str, int], spec: ColumnSpec) -> bool:
    """Row r+1 holds sub-headers: text only, nothing under a required field, some under a merged header cell."""
    if r + 1 >= len(rows):
        return False
    header, below = rows[r], rows[r + 1]
    filled = [(c, v) for c, v in enumerate(below) if cell_text(v)]
    if not filled or not all(isinstance(v, str) and len(v.strip()) <= 40 for _, v in filled):
        return False
    if any(cols[f] < len(below) and cell_text(below[cols[f]]) for f in spec.required):
        return False
    return any(c >= len(header) or not cell_text(header[c]) for c, _ in filled)


def found_headers(sheet: Sheet) -> list[str]:
    """The most header-like row's texts (the row with most short text cells), for an error message."""
    best: list[str] = []
    for r in range(min(SCAN_ROWS, len(sheet.rows))):
        texts = [t for t in (cell_text(v) for v in sheet.rows[r]) if t and len(t) <= 40 and not t[0].isdigit()]
        if len(texts) > len(best):
            best = texts
    return best


def is_total_row(row: list[object]) -> bool:
    """A 合计/总计/小计 row: one of its first cells says so."""
    for value in row[:6]:
        text = cell_text(value)
        if text and len(text) <= 40 and _TOTAL.match(norm(text)):
            return True
    return False


def _merged_down(sheet: Sheet, first: int, columns: set[int]) -> dict[int, tuple[list[int], list[tuple[int, object]]]]:
    """Column -> (starts, [(last row, value)]) of the ranges merged down over data rows: a cell
    merged over several rows holds its value in the top cell only, but means it for every row."""
    spans: dict[int, list[tuple[int, int, object]]] = {}
    for r0, c0, r1, c1 in sheet.merged:
        if r1 <= r0 or r0 < first or r0 >= len(sheet.rows):
            continue
        top = sheet.rows[r0]
        for c in columns:
            if c0 <= c <= c1 and c < len(top) and top[c] not in (None, ""):
                spans.setdefault(c, []).append((r0, r1, top[c]))
    out = {}
    for c, items in spans.items():
        items.sort(key=lambda x: x[0])
        out[c] = ([a for a, _, _ in items], [(b, v) for _, b, v in items])
    return out


def _raw_column(rows: list[list[object]], c: int, shortest: int) -> list[object]:
    if c < shortest:  # every row reaches column c (calamine's rows all do): no bounds check per row
        return list(map(itemgetter(c), rows))
    return [row[c] if c < len(row) else None for row in rows]


def _column(rows: list[list[object]], c: int, shortest: int) -> list[object]:
    """One column of the data area; blank cells (None, '', spaces) as None."""
    return [v if (v.__class__ is not str or v.strip()) else None for v in _raw_column(rows, c, shortest)]


def data_block(sheet: Sheet, layout: Layout) -> tuple[list[int], dict[str, list[object]]]:
    """The data rows of a register, column by column: (1-based row numbers, field -> raw values).

    Blank rows and 合计/总计/小计 rows are left out. A data cell merged down over several rows (a
    category written once for a block of items) gives its value to every row of the merge; a row
    that is blank in its own cells stays blank. Work is done a column at a time, so a million rows
    cost a few list passes, not a million function calls.
    """
    from bisect import bisect_right

    first = layout.header_row + 1 + layout.sub_rows
    rows = sheet.rows[first:]
    shortest = min(map(len, rows), default=0)
    cols = {field: _column(rows, c, shortest) for field, c in layout.columns.items()}
    # rows that may be totals: a short text with 计 in one of the first six cells
    maybe_total: set[int] = set()
    by_index = {c: cols[f] for f, c in layout.columns.items()}
    for c in range(6):
        col = by_index.get(c)
        if col is None:
            col = _raw_column(rows, c, shortest)
        maybe_total.update(i for i, v in enumerate(col) if v.__class__ is str and "计" in v and len(v) <= 60)
    totals = {i for i in maybe_total if is_total_row(rows[i])}
    nothing = (None,) * len(cols)
    # a row is kept when any of its register cells has something and it is not a total row
    keep = [i for i, values in enumerate(zip(*cols.values())) if values != nothing and i not in totals] if cols else []
    down = _merged_down(sheet, first, set(layout.columns.values())) if sheet.merged else {}
    if down:
        for field, c in layout.columns.items():
            if c not in down:
                continue
            starts, ends = down[c]
            col = cols[field]
            for i in keep:
                if col[i] is None:
                    r = first + i
                    j = bisect_right(starts, r) - 1
                    if j >= 0 and starts[j] < r <= ends[j][0]:
                        col[i] = ends[j][1]
    if len(keep) != len(rows):
        cols = {field: [col[i] for i in keep] for field, col in cols.items()}
    return [first + i + 1 for i in keep], cols


def data_rows(sheet: Sheet, layout: Layout) -> Iterator[tuple[int, dict[str, object]]]:
    """(1-based row number, field -> raw value) for each data row (see data_block)."""
    numbers, cols = data_block(sheet, layout)
    fields = list(cols)
    for i, r in enumerate(numbers):
        yield r, {f: cols[f][i] for f in fields}
