"""One engine fills every standard table from its definition (formats/definition.py reads them).

A cell is the merge of its row's and its column's spec (or the row's own `cells` entry where the
values differ in meaning, as in Table 二). Specs say what to count (`count` register, `on` date
event, `where` filters), or which yearly figure to take, or which columns to add up. The identities
and the partitions of the definition are checked on every table produced.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Callable, Iterable, Protocol, Sequence

from disclo_cli.config import Config
from disclo_cli.formats.definition import (  # noqa: F401  (the engine's public names)
    ATTRIBUTE_OF,
    STANDARDS,
    CellSpec,
    Definition,
    Identity,
    RowDef,
    TableDef,
    load_definition,
    standard_for_year,
    table_of,
)
from disclo_cli.messages import Msg, msg
from disclo_cli.model import Finding, Place, Registers
from disclo_cli.schema import Record

if TYPE_CHECKING:
    from disclo_cli.deadlines import Deadline, RequestClock
    from disclo_cli.workdays import Calendar

Value = int | Decimal | None


def cell_sum(values: Iterable[Value]) -> Value:
    """The sum of cells; None (blank) when one of them is blank: a partial sum is never a total."""
    present: list[int | Decimal] = []
    for v in values:
        if v is None:
            return None
        present.append(v)
    return sum(present)


class CellSource(Protocol):
    """What `fill` asks of a filler: the year, a cell's value, the findings made while filling,
    and the partition check of a table (a roll-up's combination checks them per unit)."""

    year: int
    findings: list[Finding]

    def cell(self, spec: CellSpec, scope: str, label: str) -> Value: ...

    def partition_findings(self, table: TableDef) -> list[Finding]: ...


# --- results -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StatRow:
    id: str
    label: str
    unit: str
    values: tuple[Value, ...]
    kind: str = "data"  # data | group | block | subheader
    labels: tuple[str, ...] = ()  # the label per label column (official layout)
    spans: tuple[int, ...] = ()  # colspans of the value cells when they are merged
    headers: tuple[str, ...] = ()  # the column labels this row's values stand under (Table 二); a subheader row's heads
    indent: int = 0  # characters to indent the label by in printed tables (a sub-item)
    total: bool = False  # a total row, printed in bold
    decimals: int | None = None  # decimals its values are printed with (the renderer rounds)


@dataclass(frozen=True)
class StatTable:
    """A filled standard table."""

    standard: str
    table: str
    year: int
    title: str
    columns: tuple[str, ...]
    rows: tuple[StatRow, ...]
    definition: TableDef
    findings: tuple[Finding, ...] = ()

    def row(self, row_id: str) -> StatRow:
        for r in self.rows:
            if r.id == row_id:
                return r
        raise KeyError(row_id)

    def value(self, row_id: str, column: str | int = 0) -> Value:
        r = self.row(row_id)
        idx = column if isinstance(column, int) else self.columns.index(column)
        return r.values[idx]

    def as_json(self) -> dict:
        rows = []
        for r in self.rows:
            if r.kind in ("block", "subheader", "group"):
                entry = {"id": r.id, "label": r.label, "unit": r.unit, "values": []}
                entry["kind"] = r.kind
            else:
                entry = {"id": r.id, "label": r.label, "unit": r.unit, "values": [_jsonable(v) for v in r.values]}
                if r.headers:
                    entry["columns"] = list(r.headers)
            rows.append(entry)
        return {"standard": self.standard, "table": self.table, "year": self.year, "title": self.title, "columns": list(self.columns), "rows": rows}


def _jsonable(v: Value):
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral() else float(v)
    return v


# --- the data a table is filled from --------------------------------------------------------------

_DATE_OF = {
    "date": lambda r: r.date,
    "abolished": lambda r: r.abolished,
    "received": lambda r: r.received,
    "answered": lambda r: r.answered,
    "filed": lambda r: r.filed,
}


@dataclass(frozen=True)
class Term:
    """Records a count cell adds (sign 1) or takes away (sign −1), with the rows each stands for."""

    sign: int
    records: tuple[tuple[object, int], ...]


@dataclass(frozen=True)
class Breakdown:
    """What a count cell adds up: its terms, and the [opening] key added to them ('' for none)."""

    terms: tuple[Term, ...]
    opening: str = ""


class Filler:
    """Evaluates cell specs for one year against one set of registers; caches what it selects.

    `calendar` (workdays.Calendar, or a function that makes it, called when first needed) is what a
    `stat` cell counts deadlines on; without one, the package's calendar (a year it does not cover
    makes deadlines provisional, and says so)."""

    def __init__(self, registers: Registers, config: Config, year: int, calendar: "Calendar | Callable[[], Calendar] | None" = None) -> None:
        self.reg = registers
        self.config = config
        self.year = year
        self.calendar = calendar
        self._timed: dict[tuple[str, str], list[tuple[RequestClock, Deadline]]] = {}
        self.start = dt.date(year, 1, 1)
        self.end = dt.date(year, 12, 31)
        self.through = config.opening_through
        self._events: dict[tuple[str, str, str], list[tuple[Record, int]]] = {}
        self.findings: list[Finding] = []
        self._warned: set[tuple[str, int]] = set()

    # which records an event selects, in a scope
    def _in_range(self, d: dt.date | None, scope: str) -> bool:
        if d is None or d > self.end:
            return False
        if scope == "year":
            return d >= self.start
        return self.through is None or d.year > self.through

    def select(self, register: str, on: str, scope: str) -> list[tuple[Record, int]]:
        """(record, rows it stands for) of a register that a date event selects in a scope."""
        key = (register, on, scope)
        if key in self._events:
            return self._events[key]
        records = self.reg.weighted(register)
        if on in _DATE_OF:
            get = _DATE_OF[on]
            out = [(r, n) for r, n in records if self._in_range(get(r), scope)]
        elif on == "carried_in":
            out = [(r, n) for r, n in records if r.received < self.start and (r.answered is None or r.answered >= self.start)]
        elif on == "carried_out":
            out = [(r, n) for r, n in records if r.received <= self.end and (r.answered is None or r.answered > self.end)]
        else:  # in_force, published_total: every item published up to the year's end (the loader knows no other event)
            out = [(r, n) for r, n in records if self._in_range(r.date, "cumulative")]
        self._events[key] = out
        return out

    def allowed(self, where: Sequence[tuple[str, Sequence[str]]]) -> dict[str, tuple[str, ...]]:
        """A `where` with the office's channel lists (@website, @gazette) put in."""
        lists = {"@website": self.config.website_channels, "@gazette": self.config.gazette_channels}
        return {attr: tuple(x for v in values for x in lists.get(v, (v,))) for attr, values in where}

    def predicate(self, where: Sequence[tuple[str, Sequence[str]]], register: str) -> Callable[[object], bool]:
        tests = [(ATTRIBUTE_OF.get((register, attr), attr), frozenset(allowed)) for attr, allowed in self.allowed(where).items()]

        def ok(rec) -> bool:
            for attr, allowed in tests:
                v = getattr(rec, attr)
                if isinstance(v, tuple):
                    if allowed.isdisjoint(v):
                        return False
                elif v not in allowed:
                    return False
            return True

        return ok

    def deadlines(self, on: str, scope: str) -> list[tuple[RequestClock, Deadline]]:
        """(clock, deadline) of each request an event selects, in the order of `select`; a warning
        when some of them rest on a year no calendar covers (provisional: never judged silently)."""
        key = (on, scope)
        if key not in self._timed:
            from disclo_cli.deadlines import clock_of, deadlines_of
            from disclo_cli.workdays import Calendar

            if self.calendar is None:
                self.calendar = Calendar.of()
            elif callable(self.calendar):  # read only when a table counts deadlines
                self.calendar = self.calendar()
            clocks = [clock_of(r) for r, _ in self.select("requests", on, scope)]
            pairs = list(zip(clocks, deadlines_of(clocks, self.calendar), strict=True))
            self._timed[key] = pairs
            weights = [n for _, n in self.select("requests", on, scope)]
            provisional = [(d, n) for (c, d), n in zip(pairs, weights, strict=True) if c.answered is not None and d.status == "provisional"]
            if provisional:
                cal = self.calendar
                years = sorted({y for c, d in pairs if c.answered is not None and d.status == "provisional"
                                for y in cal.uncovered_years(d.start or c.received, c.answered)})
                self.findings.append(Finding.of("warning", "timeliness-provisional", Place(), rows=sum(n for _, n in provisional),
                                                year=self.year, years="、".join(str(y) for y in years)))
        return self._timed[key]

    def timed(self, spec: CellSpec, scope: str) -> list[tuple[RequestClock, Deadline, int]]:
        """The requests a stat cell selects, each with its deadline and the rows it stands for."""
        pred = self.predicate(spec.where, "requests")
        pairs = self.deadlines(spec.on, scope)
        return [(c, d, n) for (r, n), (c, d) in zip(self.select("requests", spec.on, scope), pairs, strict=True) if pred(r)]

    def breakdown(self, spec: CellSpec, scope: str) -> Breakdown:
        """The records behind a count cell (what `count` adds up, and what explain lists)."""
        pred = self.predicate(spec.where, spec.count)
        if spec.stat:  # the requests a statistic is taken over (for an additive one: those it counts)
            from disclo_cli.formats.stats import selects

            test = selects(spec)
            pairs = zip(self.select("requests", spec.on, scope), self.deadlines(spec.on, scope), strict=True)
            return Breakdown((Term(1, tuple((r, n) for (r, n), (c, d) in pairs if pred(r) and test(c, d))),))
        added = Term(1, tuple((r, n) for r, n in self.select(spec.count, spec.on, scope) if pred(r)))
        cumulative = spec.on in ("in_force", "published_total") or scope == "cumulative"
        if spec.on == "in_force":  # issued up to the year's end, less those abolished by then
            abolished = Term(-1, tuple((r, n) for r, n in self.select("items", "abolished", "cumulative") if pred(r)))
            return Breakdown((abolished, added), spec.opening)
        return Breakdown((added,), spec.opening if cumulative else "")

    def _no_opening(self, label: str) -> None:
        """A cumulative cell while disclo.toml does not say which years [opening] covers: it counts the
        ledger's years only, which is right only for an office whose ledger holds its whole history."""
        if self.through is None and ("opening", 0) not in self._warned:
            self._warned.add(("opening", 0))
            first = self._first_year()
            self.findings.append(Finding.of("warning", "opening-missing", Place(cell=label), first=first, before=first - 1, year=self.year))

    def _opening(self, key: str) -> int | Decimal:
        """An [opening] balance as a cell adds it: an amount (a float in disclo.toml) as the Decimal
        its text reads as, so that it adds exactly to a yearly figure (a Decimal)."""
        v = self.config.opening.get(key, 0)
        if isinstance(v, float):
            d = Decimal(str(v))
            return int(d) if d == d.to_integral() else d
        return v

    def count(self, spec: CellSpec, scope: str, label: str = "") -> int | Decimal:
        b = self.breakdown(spec, scope)
        if b.opening:
            self._no_opening(label)
        return self._opening(b.opening) + sum(t.sign * sum(n for _, n in t.records) for t in b.terms)

    def figure(self, spec: CellSpec, scope: str, label: str) -> Value:
        key = spec.figure
        if scope == "year":
            return self._figure_of(key, self.year, spec, label)
        if spec.opening:
            self._no_opening(label)
        first = (self.through + 1) if self.through is not None else self._first_year()
        total = self._opening(spec.opening) if spec.opening else 0
        for y in range(first, self.year + 1):
            v = self._figure_of(key, y, spec, label)
            if v is None:
                return None
            total += v
        return total

    def _first_year(self) -> int:
        years = [r.date.year for r in self.reg.items] + [r.received.year for r in self.reg.requests] + [r.filed.year for r in self.reg.cases]
        return min(years, default=self.year)

    def _figure_of(self, key: str, year: int, spec: CellSpec, label: str) -> Value:
        figures = self.config.yearly.get(year, {})
        if key in figures:
            return figures[key]  # an exact number: config.py checked it
        if spec.zero_without == "requests" and not any(r.received.year == year for r in self.reg.requests):
            return 0  # no request that year: nothing was charged or waived
        if (key, year) not in self._warned:
            self._warned.add((key, year))
            self.findings.append(Finding.of("warning", "missing-figure", Place(cell=label), key=key, year=year))
        return None

    def cell(self, spec: CellSpec, scope: str, label: str) -> Value:
        if spec.figure:
            return self.figure(spec, scope, label)
        if spec.stat:
            from disclo_cli.formats.stats import value

            return value(spec, self.timed(spec, scope))
        return self.count(spec, scope, label)

    def partition_findings(self, table: TableDef) -> list[Finding]:
        return check_partitions(table, self)


def cell_specs(table: TableDef, row: RowDef, index: int) -> list[tuple[CellSpec, str]]:
    """(spec, scope) of what a cell counts: one, or the parts of a sum column."""
    if row.cells:
        return [(row.cells[index], "year")]
    column = table.columns[index]
    if column.sum:
        return [spec for c in column.sum for spec in cell_specs(table, row, table.column_index(c))]
    return [(row.spec.merged(column.spec), column.scope)]


def _label(text: str, year: int) -> str:
    return text.replace("{year}", str(year))


def fill(table: TableDef, filler: "Filler | CellSource", standard: str) -> StatTable:
    """Fill one table; identities and partitions are checked and failures added to its findings."""
    year = filler.year
    columns = tuple(_label(c.label, year) for c in table.columns)
    rows: list[StatRow] = []
    before = len(filler.findings)
    for row in table.rows:
        labels = row.labels or (row.label,)
        if row.kind == "block":
            rows.append(StatRow(row.id, row.label, "", (), "block", labels))
            continue
        if row.kind == "subheader":
            # its heads are texts: they stand in `headers`, `values` are numbers
            rows.append(StatRow(row.id, row.subheader[0], "", (), "subheader", (row.subheader[0],), row.spans[1:], row.subheader[1:]))
            continue
        label = _label(row.label, year)
        if row.cells:
            # a missing figure names its cell as explain takes it (the head only where the row has several)
            where = [f"{table.id}.{row.id}" + (f"/{h}" if len(row.cells) > 1 else "") for h in (row.headers or ("",) * len(row.cells))]
            values = tuple(filler.cell(c, "year", w) for c, w in zip(row.cells, where, strict=True))
            rows.append(StatRow(row.id, label, row.unit, values, "data", labels, row.spans, row.headers, decimals=row.decimals))
            continue
        if not table.columns:
            rows.append(StatRow(row.id, label, row.unit, (), "group", labels))
            continue
        values_: list[Value] = [None] * len(table.columns)
        for i, col in enumerate(table.columns):
            if not col.sum:
                values_[i] = filler.cell(row.spec.merged(col.spec), col.scope, f"{table.id}.{row.id}/{columns[i]}")
        for i, col in enumerate(table.columns):
            if col.sum:
                parts = [values_[table.column_index(c)] for c in col.sum]
                values_[i] = cell_sum(parts)
        rows.append(StatRow(row.id, label, row.unit, tuple(values_), "data", labels, indent=row.indent, total=row.total, decimals=row.decimals))
    result = StatTable(standard, table.id, year, _label(table.title, year), columns, tuple(rows), table, ())
    placed = filler.partition_findings(table)
    identities = check_identities(result)
    if any(f.code == "unplaced" for f in placed):  # rows fell out: the remainder is not only what the form leaves out
        identities = [f for f in identities if f.code != "identity-remainder"]
    findings = list(filler.findings[before:]) + identities + placed
    return replace(result, findings=tuple(findings))


def check_identities(t: StatTable) -> list[Finding]:
    """Every identity of the definition, on every column (or row); a failure names both sides."""
    out: list[Finding] = []
    by_id = {r.id: r for r in t.rows}
    col_ids = [c.id for c in t.definition.columns]
    for ident in t.definition.identities:
        if ident.per == "column":
            for ci, cname in enumerate(t.columns):
                left = [by_id[r].values[ci] for r in ident.left]
                right = [by_id[r].values[ci] for r in ident.right]
                _compare(out, t, ident, left, right, msg("identity-column", column=cname), f"{t.table}.*/{cname}")
        else:
            for r in t.rows:
                if r.kind != "data" or not r.values:
                    continue
                left = [r.values[col_ids.index(c)] for c in ident.left]
                right = [r.values[col_ids.index(c)] for c in ident.right]
                _compare(out, t, ident, left, right, msg("identity-row", row=r.label.strip()), f"{t.table}.{r.id}/*")
    return out


def _compare(out: list[Finding], t: StatTable, ident: Identity, left: list[Value], right: list[Value], where: Msg, cell: str) -> None:
    lsum, rsum = cell_sum(left), cell_sum(right)
    if lsum is None or rsum is None:
        return  # a blank cell cannot be checked; the missing figure is reported on its own
    ok = lsum == rsum if ident.relation == "=" else lsum >= rsum
    if not ok:
        out.append(Finding.of("error", "identity", Place(cell=cell), table=t.table, where=where, identity=ident.name,
                              left=lsum, right=rsum, relation="≠" if ident.relation == "=" else "<"))
    elif ident.remainder and lsum > rsum:  # the form's own gap (≥), said so that the rows not adding up is not a surprise
        out.append(Finding.of("info", "identity-remainder", Place(cell=cell), table=t.table, where=where, identity=ident.name,
                              left=lsum, right=rsum, remainder=ident.remainder, difference=lsum - rsum))


#: unplaced records listed one by one per partition; the rest are counted in one finding
SHOWN_UNPLACED = 20


def rows_to_name(regs: Registers, filled: Sequence[StatTable]) -> bool:
    """Whether tables filled from grouped records (which have no file, sheet or row) left a record
    unplaced or in two cells: then they are counted again row by row, so that each such row is
    named (tables.fill_from_ledger for an office, rollup.combine.fill_units for a unit)."""
    return bool(regs.counts) and any(f.code in ("unplaced", "partition-overlap") for t in filled for f in t.findings)


def check_partitions(table: TableDef, filler: Filler) -> list[Finding]:
    """Every record a partition's `of` rows count in the year is counted in exactly one of its cells.

    A record in none is unplaced: an error naming its register row and the value no cell takes. A
    record in two would be counted twice (the loader refuses cells that overlap as written; this
    catches what only the data shows, such as an item with two channels).
    """
    out: list[Finding] = []
    for p in table.partitions:
        register = table.row(p.of[0]).spec.count
        specs = [(rid, table.row(rid).spec) for rid in p.rows] or [(cid, table.columns[table.column_index(cid)].spec) for cid in p.columns]
        parts = [(name, filler.predicate(spec.where, register), filler.allowed(spec.where)) for name, spec in specs]
        outside = filler.predicate(p.rest, register) if p.rest else None  # the form's own rest: in no row, by its shape
        seen: set[int] = set()
        bad: list[tuple[Record, int, list[str]]] = []
        for of in p.of:
            spec = table.row(of).spec
            pred = filler.predicate(spec.where, spec.count)
            for rec, n in filler.select(spec.count, spec.on, "year"):
                if id(rec) in seen or not pred(rec):
                    continue
                hits = [name for name, test, _ in parts if test(rec)]
                if not hits and outside is not None and outside(rec):
                    continue
                if len(hits) != 1:
                    seen.add(id(rec))
                    bad.append((rec, n, hits))
        for rec, n, hits in bad[:SHOWN_UNPLACED]:
            place = getattr(rec, "place", None) or Place()
            if hits:
                out.append(Finding.of("error", "partition-overlap", place, table=table.id, partition=p.name, cells="、".join(hits), rows=n))
                continue
            variant, params = _why(rec, register, [w for _, _, w in parts])
            out.append(Finding.of("error", "unplaced", place, variant=variant, table=table.id, partition=p.name, rows=n, **params))
        rest = sum(n for _, n, _ in bad[SHOWN_UNPLACED:])
        if rest:
            out.append(Finding.of("error", "unplaced", Place(), variant="more", table=table.id, partition=p.name, rows=rest))
    return out


def _shown(value: object) -> str:
    return "、".join(value) if isinstance(value, tuple) else str(value)


def _why(rec, register: str, wheres: list[dict[str, tuple[str, ...]]]) -> tuple[str, dict[str, object]]:
    """Why a record fits no cell of a partition. Returns (message variant, parameters):

    an attribute whose value no cell takes at all; else the one attribute the cells that fit the
    record otherwise do not take (an empty one first: a missing column is the likeliest cause, as a
    lawsuit without its route); else the combination of its values (a reason of another outcome).
    """
    attrs = list(dict.fromkeys(a for w in wheres for a in w))
    value = {a: getattr(rec, ATTRIBUTE_OF.get((register, a), a)) for a in attrs}

    def takes(allowed: tuple[str, ...], v: object) -> bool:
        return not set(allowed).isdisjoint(v) if isinstance(v, tuple) else v in allowed

    def because(attr: str, parts: list[dict[str, tuple[str, ...]]]) -> tuple[str, dict[str, object]]:
        shown = _shown(value[attr])
        allowed = "、".join(dict.fromkeys(v for w in parts for v in w[attr]))
        return ("empty" if not shown else ""), {"attribute": attr, "value": shown, "allowed": allowed}

    for attr in attrs:
        if all(attr in w for w in wheres) and not any(takes(w[attr], value[attr]) for w in wheres):
            return because(attr, wheres)
    near = {a: [w for w in wheres if a in w and all(takes(w[b], value[b]) for b in w if b != a)] for a in attrs}
    candidates = [a for a in attrs if near[a]]
    empty = [a for a in candidates if not _shown(value[a])]
    if len(candidates) == 1 or empty:
        attr = (empty or candidates)[0]
        return because(attr, near[attr])
    return "combination", {"values": "，".join(f"{a} = {_shown(value[a])!r}" for a in attrs)}


def fill_all(definition: Definition, registers: Registers, config: Config, year: int, tables: Iterable[str] | None = None,
             *, calendar: "Calendar | Callable[[], Calendar] | None" = None) -> list[StatTable]:
    """The definition's tables (or the named ones, which may be companion tables any format can
    show: 办理时效) filled for a year."""
    return fill_tables(definition, Filler(registers, config, year, calendar), tables)


def fill_tables(definition: Definition, filler: "Filler | CellSource", tables: Iterable[str] | None = None) -> list[StatTable]:
    """fill_all with a filler made by the caller (a roll-up's combination of its units')."""
    chosen = [table_of(definition, t) for t in tables] if tables else [(t, definition.standard) for t in definition.tables]
    return [fill(t, filler, standard) for t, standard in chosen]
