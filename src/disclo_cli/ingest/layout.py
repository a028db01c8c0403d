"""Find the header row of a register sheet and which column holds which field.

The header wordings come from the register schema (data/registers.toml) and the office's additions
([columns.<kind>] in disclo.toml). When two columns could serve one field, the wording listed first
wins and the choice is kept in the layout, to be reported: a register with both 申请日期 (the date on
the form) and 收到申请日期 (the receipt date) is counted by the receipt date, and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from disclo_cli.ingest.readers import Sheet
from disclo_cli.ingest.vectors import Coded, IntVec, coded
from disclo_cli.schema import KINDS, spec
from disclo_cli.text import cell_text, norm

SCAN_ROWS = 30
KIND_NAMES = {"items": "主动公开台账 (published items)", "requests": "依申请公开台账 (requests)", "cases": "行政复议诉讼台账 (reviews and lawsuits)"}
# 合计, 小计：121条, 合计（1-6月）, 本页合计, 1-6月小计, 全年合计：250条 (text already folded by norm)
_TOTAL = re.compile(r"^(?:本页|本月|本年|全年|上半年|下半年|\d{1,2}(?:-\d{1,2})?月(?:份)?)?(?:合计|总计|小计|共计)(?::?\d+(?:条|件|项|个)?|:.*|\(.*\))?$")
_MAX_HEADER = 40


@dataclass(frozen=True)
class ColumnSpec:
    """The header wordings of one register kind: folded wording -> (field, rank). A wording of a
    field's `fallback` list ranks after all of its `headers` wordings."""

    kind: str
    required: tuple[str, ...]
    wordings: Mapping[str, tuple[str, int]]
    examples: Mapping[str, tuple[str, ...]]  # field -> the wordings as written, for messages
    fallback: frozenset[str]  # folded wordings that serve only when nothing better is there
    serial: frozenset[str]  # folded wordings of a running-number column

    @classmethod
    def build(cls, kind: str, extra: Mapping[str, Sequence[str]] | None = None) -> "ColumnSpec":
        reg = spec(kind)
        wordings: dict[str, tuple[str, int]] = {}
        examples: dict[str, tuple[str, ...]] = {}
        fallback: set[str] = set()
        for f in reg.readable:
            words = [*(extra or {}).get(f.name, ()), *f.headers]
            examples[f.name] = tuple(words + list(f.fallback))
            for rank, word in enumerate(words):
                wordings.setdefault(norm(word), (f.name, rank))
            for rank, word in enumerate(f.fallback, start=len(words)):
                if norm(word) not in wordings:
                    wordings[norm(word)] = (f.name, rank)
                    fallback.add(norm(word))
        return cls(kind, reg.required, wordings, examples, frozenset(fallback), frozenset(norm(s) for s in reg.serial))


def column_specs(extra: Mapping[str, Mapping[str, Sequence[str]]] | None = None) -> dict[str, ColumnSpec]:
    """The header matchers of every kind, with the office's extra wordings ([columns.<kind>])."""
    key = tuple(sorted((k, tuple(sorted((f, tuple(w)) for f, w in v.items()))) for k, v in (extra or {}).items()))
    return _specs(key)


@lru_cache(maxsize=16)
def _specs(key: tuple) -> dict[str, ColumnSpec]:
    extra = {k: dict(v) for k, v in key}
    return {k: ColumnSpec.build(k, extra.get(k)) for k in KINDS}


@dataclass(frozen=True)
class Choice:
    """Two or more columns could serve one field: which one was used, and which were not."""

    field: str
    used: str  # the header text of the column used
    others: tuple[str, ...]  # the header texts of the columns not used for it
    reason: str  # receipt-date | fallback | same-header | preferred


@dataclass(frozen=True)
class Layout:
    """Where a register sits in a sheet: its kind, header row (0-based) and field -> column index,
    the header text of every column, and the choices made when columns competed for a field."""

    kind: str
    header_row: int
    columns: Mapping[str, int]
    headers: tuple[str, ...]
    sub_rows: int = 0  # rows of sub-headers below header_row (under a header cell merged across columns)
    choices: tuple[Choice, ...] = ()
    serial: frozenset[int] = frozenset()  # columns of a running number (序号), left out of row keys

    def header_of(self, field: str) -> str:
        return self.headers[self.columns[field]] if field in self.columns else field

    def content_columns(self) -> list[tuple[int, str]]:
        """(index, folded header) of every headed column that tells a row apart (not 序号)."""
        return [(c, norm(h)) for c, h in enumerate(self.headers) if h and c not in self.serial]


def _header_texts(rows: Sequence[Sequence[object]], r: int) -> list[str]:
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


def _spanned_above(sheet: Sheet, r: int) -> dict[int, str]:
    """column -> the text of a header cell of row r-1 merged across it (「申请人」 over 姓名 and 类型)."""
    if r == 0:
        return {}
    out: dict[int, str] = {}
    above = sheet.rows[r - 1]
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= r - 1 <= r1 and c1 > c0 and c0 < len(sheet.rows[r0]):
            text = cell_text(sheet.rows[r0][c0])
            for c in range(c0, c1 + 1):
                out[c] = text
    for c, v in enumerate(above):  # an HTML table's colspan leaves the covered cells empty, as Excel does
        if c not in out and cell_text(v):
            out[c] = cell_text(v)
    return out


def _combined(texts: list[str], spanned: Mapping[int, str], spec_: ColumnSpec) -> list[str]:
    """A sub-header that means a field only with the header above it: 「类型」 under 「申请人」 is 申请人类型."""
    out = list(texts)
    for c, text in enumerate(texts):
        top = spanned.get(c, "")
        if text and top and norm(top) != norm(text) and norm(top + text) in spec_.wordings and norm(text) not in spec_.wordings:
            out[c] = top + text
    return out


def _match(texts: list[str], spec_: ColumnSpec) -> tuple[dict[str, int], tuple[Choice, ...]]:
    """field -> column (the best-ranked wording wins; the leftmost among equals) and the choices made."""
    candidates: dict[str, list[tuple[int, int]]] = {}
    for c, text in enumerate(texts):
        if not text or len(text) > _MAX_HEADER:
            continue
        hit = spec_.wordings.get(norm(text))
        if hit is not None:
            candidates.setdefault(hit[0], []).append((hit[1], c))
    columns: dict[str, int] = {}
    choices: list[Choice] = []
    for field, found in candidates.items():
        found.sort()
        best = found[0][1]
        columns[field] = best
        if norm(texts[best]) in spec_.fallback:
            choices.append(Choice(field, texts[best], (), "fallback"))
        if len(found) > 1:
            others = tuple(texts[c] for _, c in found[1:])
            same = all(norm(o) == norm(texts[best]) for o in others)
            fallback_lost = any(norm(o) in spec_.fallback for o in others)
            reason = "same-header" if same else "receipt-date" if field == "received" and fallback_lost else "preferred"
            choices.append(Choice(field, texts[best], others, reason))
    return columns, tuple(choices)


def detect(sheet: Sheet, columns: Mapping[str, ColumnSpec] | Mapping[str, Mapping[str, Sequence[str]]] | None = None, kind: str | None = None) -> Layout | None:
    """The best header row among the first rows, for the given kind or any kind; None if none fits.

    `columns` is the office's extra wordings per kind (Config.columns), or ready matchers."""
    specs = _as_specs(columns)
    kinds = [kind] if kind else list(specs)
    best: tuple[int, int, Layout] | None = None
    for r in range(min(SCAN_ROWS, len(sheet.rows))):
        raw = None
        for k in kinds:
            spec_ = specs[k]
            if raw is None:
                raw = _header_texts(sheet.rows, r)
                spanned = _spanned_above(sheet, r) if sheet.merged or r else {}
            texts = _combined(raw, spanned, spec_) if spanned else raw
            cols, choices = _match(texts, spec_)
            if not all(f in cols for f in spec_.required):
                continue
            score = len(cols)
            if best is None or score > best[0]:
                serial = frozenset(c for c, t in enumerate(texts) if t and norm(t) in spec_.serial and c not in cols.values())
                best = (score, r, Layout(k, r, cols, tuple(texts), int(_sub_headers(sheet.rows, r, cols, spec_)), choices, serial))
    return best[2] if best else None


def _as_specs(columns) -> Mapping[str, ColumnSpec]:
    if columns and all(isinstance(v, ColumnSpec) for v in columns.values()):
        return columns
    return column_specs(columns or {})


def near_misses(sheet: Sheet, columns, kind: str) -> tuple[list[str], dict[str, str]]:
    """For a sheet that is not a register of `kind`: the required fields its most header-like row
    lacks, and for each the header text seen that comes closest to a wording of it."""
    import difflib

    spec_ = _as_specs(columns)[kind]
    best_missing: list[str] = list(spec_.required)
    best_near: dict[str, str] = {}
    for r in range(min(SCAN_ROWS, len(sheet.rows))):
        texts = [t for t in _header_texts(sheet.rows, r) if t and len(t) <= _MAX_HEADER]
        cols, _ = _match(texts, spec_)
        missing = [f for f in spec_.required if f not in cols]
        if not cols or len(missing) > len(best_missing) or (len(missing) == len(best_missing) and best_near):
            continue
        near = {}
        unused = [t for i, t in enumerate(texts) if i not in cols.values()]
        for f in missing:
            words = {norm(w): w for w in spec_.examples[f]}
            for text in unused:
                if difflib.get_close_matches(norm(text), list(words), n=1, cutoff=0.6):
                    near[f] = text
                    break
        best_missing, best_near = missing, near
    return best_missing, best_near


def _sub_headers(rows: Sequence[Sequence[object]], r: int, cols: Mapping[str, int], spec_: ColumnSpec) -> bool:
    """Row r+1 holds sub-headers: text only, nothing under a required field, some under a merged header cell."""
    if r + 1 >= len(rows):
        return False
    header, below = rows[r], rows[r + 1]
    filled = [(c, v) for c, v in enumerate(below) if cell_text(v)]
    if not filled or not all(isinstance(v, str) and len(v.strip()) <= _MAX_HEADER for _, v in filled):
        return False
    if any(cols[f] < len(below) and cell_text(below[cols[f]]) for f in spec_.required):
        return False
    return any(c >= len(header) or not cell_text(header[c]) for c, _ in filled)


def found_headers(sheet: Sheet) -> list[str]:
    """The most header-like row's texts (the row with most short text cells), for an error message."""
    best: list[str] = []
    for r in range(min(SCAN_ROWS, len(sheet.rows))):
        texts = [t for t in (cell_text(v) for v in sheet.rows[r]) if t and len(t) <= _MAX_HEADER and not t[0].isdigit()]
        if len(texts) > len(best):
            best = texts
    return best


def is_total_row(row: Sequence[object]) -> bool:
    """A 合计/总计/小计 row: one of its first cells says so."""
    return total_text(row) is not None


def total_text(row: Sequence[object]) -> str | None:
    """The first of a row's first cells that says it is a 合计/总计/小计 row, None if none does."""
    for value in row[:6]:
        text = cell_text(value)
        if text and len(text) <= 40 and _TOTAL.match(norm(text)):
            return text
    return None


def data_totals(totals: Iterable[int], texts: Callable[[int], Sequence[object]], layout: Layout, value: Callable[[int, int], object],
                first: int) -> tuple[tuple[int, str], ...]:
    """(sheet row, text) of the 合计 rows (data-area indexes) that hold an id or a date of their own
    (not the 合计 itself, written in one of those columns)."""
    from disclo_cli.schema import spec

    own = [c for c in (layout.columns.get("id"), layout.columns.get(spec(layout.kind).date)) if c is not None]
    out = []
    for i in sorted(totals):
        values = [value(c, i) for c in own]
        if any(v is not None and total_text([v]) is None for v in values):
            out.append((first + i + 1, total_text(texts(i)) or ""))
    return tuple(out)


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


def _raw_column(rows: Sequence[Sequence[object]], c: int, shortest: int) -> list[object]:
    if c < shortest:  # every row reaches column c (calamine's rows all do): no bounds check per row
        return list(map(itemgetter(c), rows))
    return [row[c] if c < len(row) else None for row in rows]


def _column(rows: Sequence[Sequence[object]], c: int, shortest: int) -> list[object]:
    """One column of the data area; blank cells (None, '', spaces) as None."""
    return [v if (v.__class__ is not str or v.strip()) else None for v in _raw_column(rows, c, shortest)]


@dataclass(frozen=True)
class Block:
    """The data rows of a register, a column at a time: 1-based row numbers, each column's raw
    values coded (every headed column, by index; vectors.Coded), and the header rows repeated
    among the data. The row reader's block holds Python lists, the columnar reader's Arrow."""

    numbers: IntVec
    cells: dict[int, Coded]
    repeated_headers: tuple[int, ...] = ()
    notes: tuple[tuple[int, str], ...] = ()  # (row, text) of rows that are a note (「本月无申请」), left out
    # (row, text) of 合计 rows left out that hold an id or a date of their own: perhaps an item whose
    # title begins 「合计：」 — said (total-row-data), never dropped without a word
    totals: tuple[tuple[int, str], ...] = ()

    def field(self, layout: Layout, name: str) -> Coded | None:
        c = layout.columns.get(name)
        return self.cells[c] if c is not None else None


def data_block(sheet: Sheet, layout: Layout, *, share: bool = True) -> Block:
    """The data rows of a register, column by column.

    Blank rows, 合计/总计/小计 rows and the header row repeated further down (sheets pasted
    together) are left out. A data cell merged down over several rows (a category written once for
    a block of items) gives its value to every row of the merge; a row that is blank in its own
    cells stays blank. Work is done a column at a time, so a million rows cost a few list passes,
    not a million function calls.
    """
    from bisect import bisect_right

    first = layout.header_row + 1 + layout.sub_rows
    rows = sheet.rows[first:]
    shortest = min(map(len, rows), default=0)
    wanted = sorted({*layout.columns.values(), *(c for c, _ in layout.content_columns())})
    cols = {c: _column(rows, c, shortest) for c in wanted}
    mapped = [cols[c] for c in sorted(set(layout.columns.values()))]
    # rows that may be totals: a short text with 计 in one of the first six cells
    maybe_total: set[int] = set()
    for c in range(6):
        col = cols.get(c)
        if col is None:
            col = _raw_column(rows, c, shortest)
        maybe_total.update(i for i, v in enumerate(col) if v.__class__ is str and "计" in v and len(v) <= 60)
    totals = {i for i in maybe_total if is_total_row(rows[i])}
    headers = _repeated_headers(cols, layout)
    nothing = (None,) * len(mapped)
    # a row is kept when any of its register cells has something and it is neither a total nor a header
    skip = totals | headers
    keep = [i for i, values in enumerate(zip(*mapped, strict=True)) if values != nothing and i not in skip] if mapped else []
    notes = _note_rows(mapped, keep) if len(mapped) > 1 else {}
    if notes:
        keep = [i for i in keep if i not in notes]
    down = _merged_down(sheet, first, set(wanted)) if sheet.merged else {}
    for c, (starts, ends) in down.items():
        col = cols[c]
        for i in keep:
            if col[i] is None:
                r = first + i
                j = bisect_right(starts, r) - 1
                if j >= 0 and starts[j] < r <= ends[j][0]:
                    col[i] = ends[j][1]
    flagged = data_totals(totals, lambda i: rows[i], layout, lambda c, i: cols[c][i], first) if totals else ()
    if len(keep) != len(rows):
        cols = {c: [col[i] for i in keep] for c, col in cols.items()}
    # each column coded: its distinct values are normalised once; share=False keeps every row's own
    # (the reference reading the tests hold the shared one to)
    return Block([first + i + 1 for i in keep], {c: coded(col, distinct=share) for c, col in cols.items()},
                 tuple(sorted(first + i + 1 for i in headers)), tuple(sorted((first + i + 1, text) for i, text in notes.items())), flagged)


# a register's row that says the period had nothing: 本月无申请, 本年度无政府信息公开申请, 暂无, 全年未发生行政复议、诉讼
_NOTE_WHAT = r"(?:政府信息公开|依申请公开|主动公开|信息公开)?(?:申请|信息|记录|案件|数据|事项|行政复议|行政诉讼|复议|诉讼|案例|情况)"
_NOTE = re.compile(r"^(?:(?:本|当|该|全|今)(?:月|季度?|年度?|期))?(?:内|度)?(?:共|均)?"
                   r"(?:无|没有|暂无|未收到|未受理|未发生|未有|未产生|无任何)(?:任何)?"
                   rf"(?:{_NOTE_WHAT}(?:[、和及与或/]{_NOTE_WHAT})*)?(?:的)?(?:登记|发生)?[。.！!]?$")


def _note_rows(mapped: Sequence[list[object]], keep: Sequence[int]) -> dict[int, str]:
    """Rows whose only cell says there is nothing (「本月无申请」「无」): a note in a monthly sheet."""
    out: dict[int, str] = {}
    for i in keep:
        filled = [col[i] for col in mapped if col[i] is not None]
        if len(filled) == 1 and isinstance(filled[0], str) and _NOTE.match(norm(filled[0])):
            out[i] = filled[0].strip()
    return out


def _repeated_headers(cols: Mapping[int, list[object]], layout: Layout) -> set[int]:
    """Data rows that repeat the header (each mapped column holds its own header text)."""
    mapped = [(c, norm(layout.headers[c])) for c in sorted(set(layout.columns.values()))]
    if not mapped:
        return set()
    first_col, first_head = mapped[0]
    out = set()
    for i, v in enumerate(cols[first_col]):
        if isinstance(v, str) and norm(v) == first_head and all(
                isinstance(cols[c][i], str) and norm(str(cols[c][i])) == h for c, h in mapped[1:]):
            out.add(i)
    return out


def data_rows(sheet: Sheet, layout: Layout) -> Iterator[tuple[int, dict[str, object]]]:
    """(1-based row number, field -> raw value) for each data row (see data_block)."""
    block = data_block(sheet, layout)
    fields = list(layout.columns)
    for i, r in enumerate(block.numbers):
        yield r, {f: block.cells[layout.columns[f]][i] for f in fields}
