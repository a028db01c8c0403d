"""One engine fills every standard table from its definition (data/formats/*.toml).

A definition declares rows and columns; a cell is the merge of its row's and its column's spec
(plus the row's own `cells` entry where columns differ in meaning, as in Table 二). Specs say what
to count (`count` register, `on` date event, `where` filters), or which yearly figure to take, or
which columns to add up. The identities in the definition are checked on every table produced.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from disclo_cli.config import Config
from disclo_cli.errors import ConfigError, UsageError
from disclo_cli.messages import Msg, msg
from disclo_cli.model import Case, Finding, Item, Place, Request
from disclo_cli.text import norm

Value = int | Decimal | None
STANDARDS = ("legacy", "legacy6", "2019", "2021")


# --- definitions ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class TableDef:
    id: str
    title: str
    columns: tuple[Mapping, ...]
    rows: tuple[Mapping, ...]
    identities: tuple[Mapping, ...] = ()
    header: tuple[tuple[Mapping, ...], ...] = ()
    label_columns: int = 1
    value_columns: int = 0
    label_header: str = ""
    unit_header: str = ""
    corner: str = ""
    widths_mm: tuple[float, ...] = ()  # printed column widths, where the official form fixes them

    @property
    def width(self) -> int:
        """Number of value columns."""
        return len(self.columns) or self.value_columns


@dataclass(frozen=True)
class Definition:
    standard: str
    name: str
    years: tuple[int, int]
    tables: tuple[TableDef, ...]
    source: str

    def table(self, table_id: str) -> TableDef:
        for t in self.tables:
            if t.id == table_id or norm(t.id) == norm(table_id):
                return t
        raise UsageError("no-such-table", standard=self.standard, table=table_id, tables="、".join(t.id for t in self.tables))


def standard_for_year(year: int) -> str:
    """The format in force for a report year (formats.md): legacy ≤ 2018, 2019 for 2019–2020, 2021 after."""
    if year <= 2018:
        return "legacy"
    if year <= 2020:
        return "2019"
    return "2021"


def load_definition(standard: str) -> Definition:
    """A built-in definition by name, or a definition file (a provincial variant) by path."""
    if standard in STANDARDS:
        text = resources.files("disclo_cli.data").joinpath("formats", f"{standard}.toml").read_text(encoding="utf-8")
        source = f"formats/{standard}.toml"
    else:
        path = Path(standard)
        if not path.suffix == ".toml" or not path.is_file():
            raise UsageError("unknown-standard", standard=standard, standards=", ".join(STANDARDS))
        text, source = path.read_text(encoding="utf-8"), str(path)
    try:
        data = tomllib.loads(text)
        tables = tuple(
            TableDef(
                id=t["id"], title=t["title"], columns=tuple(t.get("columns", ())), rows=tuple(t["rows"]),
                identities=tuple(t.get("identities", ())), header=tuple(tuple(r) for r in t.get("header", ())),
                label_columns=t.get("label_columns", 1), value_columns=t.get("value_columns", 0),
                label_header=t.get("label_header", ""), unit_header=t.get("unit_header", ""), corner=t.get("corner", ""),
                widths_mm=tuple(t.get("widths_mm", ())),
            )
            for t in data["tables"]
        )
        return Definition(data["standard"], data.get("name", data["standard"]), tuple(data.get("years", (0, 9999))), tables, source)
    except (tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise ConfigError("definition-invalid", source=source, problem=str(exc)) from exc


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
    headers: tuple[str, ...] = ()  # the column labels this row's values stand under (Table 二)
    indent: int = 0  # characters to indent the label by in printed tables (a sub-item)
    total: bool = False  # a total row, printed in bold


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

@dataclass
class Registers:
    """All records the engine may need (everything filed up to the report year's end).

    A grouped register (from the ledger's GROUP BY) holds one record per distinct combination of the
    attributes tables look at, and `counts[kind][i]` says how many rows record i stands for.
    """

    items: Sequence[Item] = ()
    requests: Sequence[Request] = ()
    cases: Sequence[Case] = ()
    counts: Mapping[str, Sequence[int]] = field(default_factory=dict)

    def weighted(self, kind: str) -> Iterable[tuple[object, int]]:
        records = getattr(self, kind)
        counts = self.counts.get(kind)
        return zip(records, counts) if counts is not None else ((r, 1) for r in records)


_DATE_OF = {
    "date": lambda r: r.date,
    "abolished": lambda r: r.abolished,
    "received": lambda r: r.received,
    "answered": lambda r: r.answered,
    "filed": lambda r: r.filed,
}


class Filler:
    """Evaluates cell specs for one year against one set of registers; caches what it selects."""

    def __init__(self, registers: Registers, config: Config, year: int) -> None:
        self.reg = registers
        self.config = config
        self.year = year
        self.start = dt.date(year, 1, 1)
        self.end = dt.date(year, 12, 31)
        self.through = config.opening_through
        self._events: dict[tuple[str, str, str], list] = {}
        self.findings: list[Finding] = []
        self._warned: set[str] = set()

    # which records an event selects, in a scope
    def _in_range(self, d: dt.date | None, scope: str) -> bool:
        if d is None or d > self.end:
            return False
        if scope == "year":
            return d >= self.start
        return self.through is None or d.year > self.through

    def select(self, register: str, on: str, scope: str) -> list[tuple[object, int]]:
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
        elif on in ("in_force", "published_total"):
            out = [(r, n) for r, n in records if self._in_range(r.date, "cumulative")]
        else:
            raise ConfigError("definition-unknown-event", event=on)
        self._events[key] = out
        return out

    def predicate(self, where: Mapping[str, object]) -> Callable[[object], bool]:
        tests: list[tuple[str, frozenset]] = []
        for attr, wanted in where.items():
            values = wanted if isinstance(wanted, list) else [wanted]
            expanded: list[str] = []
            for v in values:
                if v == "@website":
                    expanded += self.config.website_channels
                elif v == "@gazette":
                    expanded += self.config.gazette_channels
                else:
                    expanded.append(str(v))
            tests.append((attr, frozenset(expanded)))

        def ok(rec) -> bool:
            for attr, allowed in tests:
                v = getattr(rec, attr if attr != "channel" or not isinstance(rec, Item) else "channels")
                if isinstance(v, tuple):
                    if allowed.isdisjoint(v):
                        return False
                elif v not in allowed:
                    return False
            return True

        return ok

    def records(self, spec: Mapping, scope: str) -> list:
        """The records behind a count cell."""
        register, on = spec["count"], spec.get("on", "date")
        pred = self.predicate(spec.get("where", {}))
        return [r for r, _ in self.select(register, on, scope) if pred(r)]

    def _sum(self, register: str, on: str, scope: str, pred) -> int:
        return sum(n for r, n in self.select(register, on, scope) if pred(r))

    def count(self, spec: Mapping, scope: str) -> Value:
        on = spec.get("on", "date")
        pred = self.predicate(spec.get("where", {}))
        n = self._sum(spec["count"], on, scope, pred)
        if on == "in_force":
            return self._opening(spec) + n - self._sum("items", "abolished", "cumulative", pred)
        if on == "published_total" or scope == "cumulative":
            return self._opening(spec) + n
        return n

    def _opening(self, spec: Mapping) -> int:
        key = spec.get("opening")
        return self.config.opening.get(key, 0) if key else 0

    def figure(self, spec: Mapping, scope: str, label: str) -> Value:
        key = spec["figure"]
        if scope == "year":
            return self._figure_of(key, self.year, spec, label)
        first = (self.through + 1) if self.through is not None else self._first_year()
        total: Value = self._opening(spec)
        for y in range(first, self.year + 1):
            v = self._figure_of(key, y, spec, label)
            if v is None:
                return None
            total += v
        return total

    def _first_year(self) -> int:
        years = [r.date.year for r in self.reg.items] + [r.received.year for r in self.reg.requests] + [r.filed.year for r in self.reg.cases]
        return min(years, default=self.year)

    def _figure_of(self, key: str, year: int, spec: Mapping, label: str) -> Value:
        figures = self.config.yearly.get(year, {})
        if key in figures:
            v = figures[key]
            if isinstance(v, bool) or not isinstance(v, (int, float, str)):
                raise ConfigError("yearly-not-number", year=year, key=key, value=repr(v))
            try:
                d = Decimal(str(v))
            except ArithmeticError:
                raise ConfigError("yearly-not-number", year=year, key=key, value=repr(v)) from None
            return int(d) if d == d.to_integral() else d
        zero_without = spec.get("zero_without")
        if zero_without == "requests" and not any(r.received.year == year for r in self.reg.requests):
            return 0  # no request that year: nothing was charged or waived
        if (key, year) not in self._warned:
            self._warned.add((key, year))
            self.findings.append(Finding.of("warning", "missing-figure", Place(cell=label), key=key, year=year))
        return None

    def cell(self, spec: Mapping, scope: str, label: str) -> Value:
        if "figure" in spec:
            return self.figure(spec, scope, label)
        if "count" in spec:
            return self.count(spec, scope)
        return None


def _merge(row: Mapping, column: Mapping | None, cell: Mapping | None) -> dict:
    spec: dict = {}
    for part in (row, column or {}, cell or {}):
        for k, v in part.items():
            if k == "where":
                spec["where"] = {**spec.get("where", {}), **v}
            elif k not in ("id", "label", "labels", "unit", "cells", "spans", "sum", "block", "subheader", "indent", "total"):
                spec[k] = v
    return spec


def _label(text: str, year: int) -> str:
    return text.replace("{year}", str(year))


def fill(table: TableDef, filler: Filler, standard: str) -> StatTable:
    """Fill one table; identities are checked and failures added to its findings."""
    year = filler.year
    columns = tuple(_label(c["label"], year) for c in table.columns)
    col_index = {c["id"]: i for i, c in enumerate(table.columns)}
    rows: list[StatRow] = []
    current_headers: tuple[str, ...] = ()
    before = len(filler.findings)
    for row in table.rows:
        labels = tuple(row.get("labels", [row.get("label", "")]))
        if row.get("block"):
            rows.append(StatRow(row["id"], row["label"], "", (), "block", labels))
            continue
        if "subheader" in row:
            current_headers = tuple(row["subheader"])
            rows.append(StatRow(row["id"], row["subheader"][0], "", tuple(row["subheader"][1:]), "subheader", (row["subheader"][0],), tuple(row.get("spans", ())[1:])))
            continue
        label = _label(row.get("label", ""), year)
        if "cells" in row:
            values = tuple(filler.cell(_merge(row, None, c), "year", f"{table.id}.{row['id']}") for c in row["cells"])
            spans = tuple(row.get("spans", ()))
            rows.append(StatRow(row["id"], label, row.get("unit", ""), values, "data", labels, spans, current_headers[1:]))
            continue
        if not table.columns:
            rows.append(StatRow(row["id"], label, row.get("unit", ""), (), "group", labels))
            continue
        values: list[Value] = [None] * len(table.columns)
        for i, col in enumerate(table.columns):
            if "sum" in col:
                continue
            spec = _merge(row, col, None)
            values[i] = filler.cell(spec, col.get("scope", "year"), f"{table.id}.{row['id']}/{columns[i]}")
        for i, col in enumerate(table.columns):
            if "sum" in col:
                parts = [values[col_index[c]] for c in col["sum"]]
                values[i] = None if any(p is None for p in parts) else sum(parts)  # type: ignore[arg-type]
        rows.append(StatRow(row["id"], label, row.get("unit", ""), tuple(values), "data", labels, indent=row.get("indent", 0), total=row.get("total", False)))
    result = StatTable(standard, table.id, year, _label(table.title, year), columns, tuple(rows), table, ())
    findings = list(filler.findings[before:]) + check_identities(result)
    return StatTable(standard, table.id, year, result.title, columns, tuple(rows), table, tuple(findings))


def check_identities(t: StatTable) -> list[Finding]:
    """Every identity of the definition, on every column (or row); a failure names both sides."""
    out: list[Finding] = []
    by_id = {r.id: r for r in t.rows}
    col_ids = [c["id"] for c in t.definition.columns]
    for ident in t.definition.identities:
        relation = ident.get("relation", "=")
        if ident.get("per", "column") == "column":
            for ci, cname in enumerate(t.columns):
                left = [by_id[r].values[ci] for r in ident["left"]]
                right = [by_id[r].values[ci] for r in ident["right"]]
                _compare(out, t, ident, relation, left, right, msg("identity-column", column=cname), f"{t.table}.*/{cname}")
        else:
            for r in t.rows:
                if r.kind != "data" or not r.values:
                    continue
                left = [r.values[col_ids.index(c)] for c in ident["left"]]
                right = [r.values[col_ids.index(c)] for c in ident["right"]]
                _compare(out, t, ident, relation, left, right, msg("identity-row", row=r.label.strip()), f"{t.table}.{r.id}")
    return out


def _compare(out: list[Finding], t: StatTable, ident: Mapping, relation: str, left: list[Value], right: list[Value], where: Msg, cell: str) -> None:
    if any(v is None for v in left + right):
        return  # a blank cell cannot be checked; the missing figure is reported on its own
    lsum, rsum = sum(left), sum(right)  # type: ignore[arg-type]
    ok = lsum == rsum if relation == "=" else lsum >= rsum
    if not ok:
        out.append(Finding.of("error", "identity", Place(cell=cell), table=t.table, where=where, identity=ident["name"],
                              left=lsum, right=rsum, relation="≠" if relation == "=" else "<"))


def fill_all(definition: Definition, registers: Registers, config: Config, year: int, tables: Iterable[str] | None = None) -> list[StatTable]:
    filler = Filler(registers, config, year)
    chosen = [definition.table(t) for t in tables] if tables else list(definition.tables)
    return [fill(t, filler, definition.standard) for t in chosen]
