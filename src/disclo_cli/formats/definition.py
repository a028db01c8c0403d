"""Table definitions (data/formats/*.toml, or a provincial variant's file) as typed, checked values.

A definition is read once into frozen dataclasses and checked as it is read, the way pandera checks
a schema when it is built: a key it does not know, a `where` attribute that is not a field of the
register's records, an unknown register or event, an id that names no row or column, a value of the
wrong type — each is a ConfigError naming the file, the table, the row or column and the key, before
any table is filled. docs/formats.md describes every key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from disclo_cli.errors import ConfigError, InputError, UsageError
from disclo_cli.messages import Msg, msg
from disclo_cli.text import norm

#: The built-in definitions, in the order `standard_for_year` prefers them when years overlap.
STANDARDS = ("legacy", "legacy6", "2019", "2021")
#: Built-in definitions of companion tables any format can show (`disclo table --table 办理时效`):
#: never a year's default format, never printed unless asked for.
EXTRAS = ("timeliness",)


#: A `where` attribute read from a record field of another name (an item has several channels).
ATTRIBUTE_OF = {("items", "channel"): "channels"}


@lru_cache(maxsize=None)
def register_fields() -> Mapping[str, tuple[str, ...]]:
    """The attributes a `where` may test, per register: the text and label fields of the register
    schema (data/registers.toml) that the ledger's grouped reads keep, so that a table counted from
    grouped records equals one counted row by row (`unit` is grouped only for tallies by unit)."""
    from disclo_cli.schema import KINDS, spec

    named = {field: attr for (kind, attr), field in ATTRIBUTE_OF.items()}
    return {kind: tuple(named.get(f.name, f.name) for f in spec(kind).grouped if f.type in ("text", "label", "labels") and f.name != "unit")
            for kind in KINDS}


#: The date events a count cell may select on, per register (docs/formats.md: what each one means).
EVENTS: Mapping[str, tuple[str, ...]] = {
    "items": ("date", "abolished", "in_force", "published_total"),
    "requests": ("received", "answered", "carried_in", "carried_out"),
    "cases": ("filed",),
}

#: Values of `where.channel` on items that stand for the office's channel lists in disclo.toml.
CHANNEL_LISTS = ("@website", "@gazette")

_SPEC_KEYS = ("count", "on", "where", "figure", "opening", "zero_without", "stat", "days", "stock")

#: The statistics a `stat` cell may take (formats/stats.py computes them): additive counts of the
#: answered requests by their deadline, and figures that do not add (recomputed from the rows).
STAT_NAMES = ("on_time", "late", "unjudged", "timed", "days", "on_time_rate", "median_days", "mean_days", "min_days", "max_days")


# --- the definition's parts ------------------------------------------------------------------------

@dataclass(frozen=True)
class CellSpec:
    """What a cell counts: records of register `count` selected by the date event `on` and matching
    every `where` attribute (a tuple of values: any of them); or the yearly figure `figure`."""

    count: str = ""
    on: str = ""
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()
    figure: str = ""
    opening: str = ""  # the [opening] key added where the cell is cumulative
    zero_without: str = ""  # a missing figure is 0 in a year without records of this register
    stat: str = ""  # a statistic of the requests counted (STAT_NAMES), on their deadlines
    days: tuple[int, ...] = ()  # stat "days": the processing days taken, (low, high) or (low,) for no bound
    stock: bool = False  # a stock (现行有效件数): summed across units only where they do not overlap

    def merged(self, other: "CellSpec") -> "CellSpec":
        """This spec with `other`'s keys laid over it (`where` attributes are merged)."""
        where = dict(self.where)
        where.update(other.where)
        return CellSpec(other.count or self.count, other.on or self.on, tuple(where.items()),
                        other.figure or self.figure, other.opening or self.opening, other.zero_without or self.zero_without,
                        other.stat or self.stat, other.days or self.days, other.stock or self.stock)

    @property
    def empty(self) -> bool:
        return not (self.count or self.figure)


@dataclass(frozen=True)
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class ColumnDef:
    id: str
    label: str
    spec: CellSpec = CellSpec()
    sum: tuple[str, ...] = ()  # the ids of the columns this one adds up
    scope: str = "year"  # year | cumulative


@dataclass(frozen=True)
class RowDef:
    id: str
    label: str = ""
    labels: tuple[str, ...] = ()  # the label per label column of the official layout
    unit: str = ""
    kind: str = "data"  # data | block | subheader
    spec: CellSpec = CellSpec()
    cells: tuple[CellSpec, ...] = ()  # a row whose values each count something else (Table 二)
    spans: tuple[int, ...] = ()
    subheader: tuple[str, ...] = ()  # a subheader row: the head of the label column, then the value heads
    headers: tuple[str, ...] = ()  # a row with cells: the heads its values stand under
    indent: int = 0
    total: bool = False
    decimals: int | None = None  # how many decimals its values are printed with (a mean, a rate)


@dataclass(frozen=True)
class Identity:
    name: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    per: str = "column"  # column: rows are added, in every column; row: columns, in every row
    relation: str = "="  # = | >=
    remainder: str = ""  # >=: what the left has beyond the right, in words (said, as a note, when there is any)


@dataclass(frozen=True)
class Partition:
    """The records counted in each row of `of` are each counted in exactly one of `rows` (or of
    `columns`): a record in none is unplaced, one in two is a fault of the definition."""

    name: str
    of: tuple[str, ...]
    rows: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    # records the form counts in `of` but, by its own shape, in none of `rows` (a `where`: the legacy
    # 附表's requests by fax, e-mail and other ways): placed, not unplaced; any other record still is
    rest: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class CarryOver:
    """by row: this year's row `target` equals last year's row `source`, in every column.
    by column: this year's column `target` less column `less` equals last year's `source`, in every row."""

    by: str  # row | column
    target: str
    source: str
    less: str = ""
    target_name: str = ""
    source_name: str = ""


@dataclass(frozen=True)
class TableDef:
    id: str
    title: str
    columns: tuple[ColumnDef, ...]
    rows: tuple[RowDef, ...]
    identities: tuple[Identity, ...] = ()
    header: tuple[tuple[HeaderCell, ...], ...] = ()
    label_columns: int = 1
    value_columns: int = 0
    label_header: str = ""
    unit_header: str = ""
    corner: str = ""
    widths_mm: tuple[float, ...] = ()  # printed column widths, where the official form fixes them
    partitions: tuple[Partition, ...] = ()
    carry_over: tuple[CarryOver, ...] = ()

    @property
    def width(self) -> int:
        """Number of value columns."""
        return len(self.columns) or self.value_columns

    @property
    def data_rows(self) -> tuple[RowDef, ...]:
        return tuple(r for r in self.rows if r.kind == "data")

    def row(self, row_id: str) -> RowDef:
        return next(r for r in self.rows if r.id == row_id)

    def column_index(self, column_id: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.id == column_id)


@dataclass(frozen=True)
class Definition:
    standard: str
    name: str
    years: tuple[int, int]  # the report years the format is in force for (first, last)
    tables: tuple[TableDef, ...]
    source: str
    outline: str = ""  # the report outline: a built-in name, or the path of an outline file
    format_title: str = ""  # the document that sets the format, as the preamble cites it
    document_rows: tuple[str, ...] = ()  # TABLE.ROW of the document counts the documents sentence states
    companions: tuple[str, ...] = ()  # built-in definitions filled beside it (figures, {{cell:…}})
    figures: tuple[tuple[str, tuple[str, ...]], ...] = ()  # name → the cell addresses it adds up

    def table(self, table_id: str) -> TableDef:
        for t in self.tables:
            if t.id == table_id or norm(t.id) == norm(table_id):
                return t
        raise UsageError("no-such-table", standard=self.standard, table=table_id, tables="、".join(t.id for t in self.tables))

    def covers(self, year: int) -> bool:
        return self.years[0] <= year <= self.years[1]


# --- which definition ------------------------------------------------------------------------------

def standard_for_year(year: int) -> str:
    """The built-in format in force for a report year: the first of STANDARDS whose `years` hold it."""
    for name in STANDARDS:
        if load_definition(name).covers(year):
            return name
    ranges = "; ".join("{} {}–{}".format(n, *load_definition(n).years) for n in STANDARDS)
    raise UsageError("no-standard-for-year", year=year, ranges=ranges)


def load_definition(standard: str) -> Definition:
    """A built-in definition by name, or a definition file (a provincial variant) by path."""
    if standard in STANDARDS or standard in EXTRAS:
        return _builtin(standard)
    path = Path(standard)
    if path.suffix == ".toml" and not path.exists():
        raise InputError("input-missing", path=standard)  # a definition file by a path that is not there
    if path.suffix != ".toml" or not path.is_file():
        raise UsageError("unknown-standard", standard=standard, standards=", ".join(STANDARDS))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError("definition-invalid", source=str(path), problem=str(exc)) from exc
    return parse_definition(text, str(path), folder=path.parent)


def extra_tables() -> tuple[TableDef, ...]:
    """The companion tables any format can show (EXTRAS), in order."""
    return tuple(t for name in EXTRAS for t in _builtin(name).tables)


def table_of(definition: Definition, table_id: str) -> tuple[TableDef, str]:
    """(table, the standard it belongs to): a table of the definition, or a companion table any
    format can show (EXTRAS: 办理时效)."""
    try:
        return definition.table(table_id), definition.standard
    except UsageError:
        for name in EXTRAS:
            extra = _builtin(name)
            if any(norm(t.id) == norm(table_id) for t in extra.tables):
                return extra.table(table_id), extra.standard
        ids = [t.id for t in (*definition.tables, *extra_tables())]
        raise UsageError("no-such-table", standard=definition.standard, table=table_id, tables="、".join(ids)) from None


@lru_cache(maxsize=None)
def _builtin(standard: str) -> Definition:
    return parse_definition(_builtin_text(standard), f"formats/{standard}.toml")


def _builtin_text(standard: str) -> str:
    return resources.files("disclo_cli.data").joinpath("formats", f"{standard}.toml").read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def companion_tables(standard: str) -> tuple[TableDef, ...]:
    """The tables of a built-in definition (without reading its own figures and companions, which
    may name this one back)."""
    source = f"formats/{standard}.toml"
    top = Part(source, msg("definition-at.top"), tomllib.loads(_builtin_text(standard)), _TOP_KEYS)
    return _tables(top)


def parse_definition(text: str, source: str, *, folder: Path | None = None) -> Definition:
    """Read and check a definition's TOML text; `folder` resolves an outline given by a relative path."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("definition-invalid", source=source, problem=str(exc)) from exc
    top = Part(source, msg("definition-at.top"), data, _TOP_KEYS)
    standard = top.text("standard")
    years = top.numbers("years", required=True)
    if len(years) != 2 or not all(isinstance(y, int) for y in years) or years[0] > years[1]:
        raise ConfigError("definition-type", **top.at, key="years", expected=msg("definition-expects.years"), value=list(years))
    outline = top.text("outline", "")  # needed for a report only (report/outline.py says so)
    if outline.endswith(".toml") and folder is not None and not Path(outline).is_absolute():
        outline = str(folder / outline)
    companions = top.texts("companions")
    for name in companions:
        if name not in STANDARDS:
            raise ConfigError("definition-choice", **top.at, key="companions", value=name, choices=", ".join(STANDARDS))
    tables = _tables(top)
    figures = _figures(top, tables, companions)
    document_rows = top.texts("document_rows")
    for address in document_rows:
        ref = _row_of(top, "document_rows", address, tables)
        if not tables[ref[0]].rows[ref[1]].cells:
            raise ConfigError("definition-document-row", **top.at, address=address)
    return Definition(standard, top.text("name", standard), (int(years[0]), int(years[1])), tables, source, outline,
                      top.text("format_title", ""), document_rows, companions, figures)


def _row_of(top: Part, key: str, address: str, tables: Sequence[TableDef]) -> tuple[int, int]:
    """(table index, row index) of a TABLE.ROW address."""
    try:
        ref = locate(f"{address}/1", tables)
    except UsageError as exc:
        raise ConfigError("definition-address", **top.at, key=key, problem=msg(exc.code, **exc.params)) from exc
    return ref.table, ref.row


# --- reading --------------------------------------------------------------------------------------

class Part:
    """One TOML table of a definition (or an outline) being read: it refuses keys it does not know,
    checks the type of each value it is asked for, and names its place in every error."""

    def __init__(self, source: str, where: Msg, data: object, keys: Sequence[str]) -> None:
        self.source, self.where, self.keys = source, where, keys
        if not isinstance(data, dict):
            raise ConfigError("definition-not-table", source=source, where=where, value=data)
        self.data = data
        for key in data:
            if key not in keys:
                raise ConfigError("definition-key", **self.at, key=key, keys=", ".join(keys))

    @property
    def at(self) -> dict[str, object]:
        """The parameters that place an error: the file and where in it."""
        return {"source": self.source, "where": self.where}

    def has(self, key: str) -> bool:
        return key in self.data

    def _get(self, key: str, required: bool):
        if key not in self.data and required:
            raise ConfigError("definition-missing", **self.at, key=key)
        return self.data.get(key)

    def _wrong(self, key: str, expects: str, value: object) -> ConfigError:
        return ConfigError("definition-type", **self.at, key=key, expected=msg(f"definition-expects.{expects}"), value=value)

    def text(self, key: str, default: str | None = None) -> str:
        value = self._get(key, default is None)
        if value is None:
            return default or ""
        if not isinstance(value, str):
            raise self._wrong(key, "text", value)
        return value

    def integer(self, key: str, default: int) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self._wrong(key, "integer", value)
        return value

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise self._wrong(key, "flag", value)
        return value

    def texts(self, key: str, *, one: bool = False, required: bool = False) -> tuple[str, ...]:
        """A list of texts (`one`: a single text is a list of one)."""
        value = self._get(key, required)
        if value is None:
            return ()
        if one and isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._wrong(key, "text-or-texts" if one else "texts", value)
        return tuple(value)

    def numbers(self, key: str, *, required: bool = False) -> tuple[float, ...]:
        value = self._get(key, required)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            raise self._wrong(key, "numbers", value)
        return tuple(value)

    def parts(self, key: str, *, required: bool = True) -> list:
        value = self._get(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._wrong(key, "tables", value)
        return value

    def mapping(self, key: str) -> dict:
        value = self.data.get(key, {})
        if not isinstance(value, dict):
            raise self._wrong(key, "table", value)
        return value

    def choice(self, key: str, choices: Sequence[str], default: str) -> str:
        value = self.text(key, default)
        if value not in choices:
            raise ConfigError("definition-choice", **self.at, key=key, value=value, choices=", ".join(choices))
        return value


_TOP_KEYS = ("standard", "name", "years", "outline", "format_title", "document_rows", "companions", "figures", "tables")


def _tables(top: Part) -> tuple[TableDef, ...]:
    tables = tuple(_table(Part(top.source, msg("definition-at.table", table=_id_of(t, i)), t, _TABLE_KEYS)) for i, t in enumerate(top.parts("tables")))
    _unique(top, "tables", [t.id for t in tables])
    return tables


def _id_of(data: object, index: int) -> str:
    """What to call a part in a message: its id, or its position when it has none yet."""
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        return data["id"]
    return f"#{index + 1}"


def _check_spans(part: Part, spans: tuple[int, ...], values: int) -> None:
    """A row's spans say how many columns each of its value cells covers: one for each value, each at
    least 1 (a span too few would drop a cell from the xlsx and the DOCX without a word)."""
    if spans and (len(spans) != values or min(spans) < 1):
        raise ConfigError("definition-spans", **part.at, count=len(spans), values=values, spans=list(spans))


def _unique(part: Part, key: str, ids: Iterable[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ConfigError("definition-duplicate", **part.at, key=key, id=i)
        seen.add(i)


def _spec(part: Part) -> CellSpec:
    """The cell-spec keys of a row, column or cell (checked against the register once merged)."""
    where = part.mapping("where")
    pairs = []
    for attr, wanted in where.items():
        values = [wanted] if isinstance(wanted, str) else wanted
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            raise ConfigError("definition-type", **part.at, key=f"where.{attr}", expected=msg("definition-expects.text-or-texts"), value=wanted)
        pairs.append((attr, tuple(values)))
    days = part.numbers("days")
    if days and (len(days) > 2 or not all(isinstance(d, int) and d >= 0 for d in days) or (len(days) == 2 and days[0] > days[1])):
        raise ConfigError("definition-type", **part.at, key="days", expected=msg("definition-expects.days"), value=list(days))
    stat = part.text("stat", "")
    if stat and stat not in STAT_NAMES:
        raise ConfigError("definition-choice", **part.at, key="stat", value=stat, choices=", ".join(STAT_NAMES))
    return CellSpec(part.text("count", ""), part.text("on", ""), tuple(pairs), part.text("figure", ""),
                    part.text("opening", ""), part.text("zero_without", ""), stat, tuple(int(d) for d in days), part.flag("stock"))


def _check_spec(spec: CellSpec, parts: Sequence[tuple[Part, CellSpec]], cell: Part) -> None:
    """A merged cell spec: counts a known register on one of its events, its `where` attributes are
    fields of that register's records; or takes a figure. Errors name the part that holds the key."""
    if spec.empty:
        raise ConfigError("definition-cell", **cell.at)
    if spec.count and spec.figure:
        raise ConfigError("definition-cell.both", **cell.at)
    if spec.zero_without and spec.zero_without not in EVENTS:
        raise ConfigError("definition-register", **_holder(parts, "zero_without", cell).at, key="zero_without", value=spec.zero_without, registers=", ".join(EVENTS))
    if spec.stat and spec.count != "requests":
        raise ConfigError("definition-stat.register", **_holder(parts, "stat", cell).at, stat=spec.stat)
    if (spec.stat == "days") != bool(spec.days):
        raise ConfigError("definition-stat.days", **_holder(parts, "days" if spec.days else "stat", cell).at)
    if spec.figure:
        return
    if spec.count not in EVENTS:
        raise ConfigError("definition-register", **_holder(parts, "count", cell).at, key="count", value=spec.count, registers=", ".join(EVENTS))
    if not spec.on:
        raise ConfigError("definition-missing", **cell.at, key="on")
    if spec.on not in EVENTS[spec.count]:
        raise ConfigError("definition-event", **_holder(parts, "on", cell).at, value=spec.on, register=spec.count, events=", ".join(EVENTS[spec.count]))
    fields = register_fields()[spec.count]
    for part, own in parts:
        for attr, values in own.where:
            if attr not in fields:
                raise ConfigError("definition-attribute", **part.at, attribute=attr, register=spec.count, fields=", ".join(fields))
            for v in values:
                if v.startswith("@") and not (spec.count == "items" and attr == "channel" and v in CHANNEL_LISTS):
                    raise ConfigError("definition-channel-list", **part.at, attribute=attr, value=v, lists=", ".join(CHANNEL_LISTS))


def _holder(parts: Sequence[tuple[Part, CellSpec]], key: str, default: Part) -> Part:
    """The last part that sets `key` (the one whose value won the merge)."""
    return next((p for p, _ in reversed(parts) if p.has(key)), default)


_TABLE_KEYS = ("id", "title", "columns", "rows", "identities", "header", "label_columns", "value_columns", "label_header",
               "unit_header", "corner", "widths_mm", "partitions", "carry_over")
_COLUMN_KEYS = ("id", "label", "sum", "scope", *_SPEC_KEYS)
_ROW_KEYS = ("id", "label", "labels", "unit", "block", "subheader", "spans", "cells", "indent", "total", "decimals", *_SPEC_KEYS)


def _table(t: Part) -> TableDef:
    tid = t.text("id")
    source = t.source
    columns: list[ColumnDef] = []
    column_parts: list[Part] = []
    for i, c in enumerate(t.parts("columns", required=False)):
        cp = Part(source, msg("definition-at.column", table=tid, column=_id_of(c, i)), c, _COLUMN_KEYS)
        cid = cp.text("id")
        columns.append(ColumnDef(cid, cp.text("label", cid), _spec(cp), cp.texts("sum"), cp.choice("scope", ("year", "cumulative"), "year")))
        column_parts.append(cp)
    _unique(t, "columns", [c.id for c in columns])
    ids = [c.id for c in columns]
    for k, (c, cp) in enumerate(zip(columns, column_parts, strict=True)):
        for part_id in c.sum:
            if part_id not in ids[:k]:  # a sum adds columns to its left (which may be sums themselves)
                raise ConfigError("definition-id", **cp.at, key="sum", value=part_id, kind=msg("definition-kind.earlier-column"), ids="、".join(ids[:k]))

    rows: list[RowDef] = []
    heads: tuple[str, ...] = ()
    for i, r in enumerate(t.parts("rows")):
        rp = Part(source, msg("definition-at.row", table=tid, row=_id_of(r, i)), r, _ROW_KEYS)
        rid = rp.text("id")
        label = rp.text("label", "")
        labels = rp.texts("labels")
        spans = tuple(int(s) for s in rp.numbers("spans"))
        if rp.flag("block"):
            rows.append(RowDef(rid, label, labels, kind="block"))
            continue
        if rp.has("subheader"):
            sub = rp.texts("subheader")
            if not sub:
                raise ConfigError("definition-type", **rp.at, key="subheader", expected=msg("definition-expects.texts"), value=[])
            heads = sub
            _check_spans(rp, spans, len(sub))  # a subheader row spans its label too
            rows.append(RowDef(rid, sub[0], (sub[0],), kind="subheader", subheader=sub, spans=spans))
            continue
        spec = _spec(rp)
        cells: list[CellSpec] = []
        for k, c in enumerate(rp.parts("cells", required=False)):
            cell = Part(source, msg("definition-at.value", table=tid, row=rid, index=k + 1), c, _SPEC_KEYS)
            own = _spec(cell)
            cells.append(spec.merged(own))
            _check_spec(cells[-1], [(rp, spec), (cell, own)], cell)
        decimals = rp.integer("decimals", 0) if rp.has("decimals") else None
        _check_spans(rp, spans, len(cells) if cells else len(columns))
        row = RowDef(rid, label, labels, rp.text("unit", ""), "data", spec, tuple(cells), spans, (), heads[1:] if cells else (),
                     rp.integer("indent", 0), rp.flag("total"), decimals)
        if not cells and columns:
            for c, cp in zip(columns, column_parts, strict=True):
                if not c.sum:
                    at = Part(source, msg("definition-at.cell", table=tid, row=rid, column=c.id), {}, ())
                    _check_spec(spec.merged(c.spec), [(rp, spec), (cp, c.spec)], at)
        rows.append(row)
    _unique(t, "rows", [r.id for r in rows])

    header = []
    for k, hrow in enumerate(t.parts("header", required=False)):
        if not isinstance(hrow, list):
            raise ConfigError("definition-type", **t.at, key="header", expected=msg("definition-expects.header"), value=hrow)
        cells_ = []
        for j, h in enumerate(hrow):
            hp = Part(source, msg("definition-at.header", table=tid, row=k + 1, cell=j + 1), h, ("text", "colspan", "rowspan"))
            cells_.append(HeaderCell(hp.text("text"), hp.integer("colspan", 1), hp.integer("rowspan", 1)))
        header.append(tuple(cells_))

    table = TableDef(
        id=tid, title=t.text("title"), columns=tuple(columns), rows=tuple(rows), header=tuple(header),
        label_columns=t.integer("label_columns", 1), value_columns=t.integer("value_columns", 0),
        label_header=t.text("label_header", ""), unit_header=t.text("unit_header", ""), corner=t.text("corner", ""),
        widths_mm=tuple(float(w) for w in t.numbers("widths_mm")),
    )
    return replace(table, identities=_identities(t, table), partitions=_partitions(t, table), carry_over=_carry_over(t, table))


def _ids_in(part: Part, key: str, wanted: Sequence[str], table: TableDef, kind: str) -> None:
    """Every id of `wanted` names a data row (kind row) or a column (kind column) of the table."""
    known = [r.id for r in table.data_rows] if kind == "row" else [c.id for c in table.columns]
    for value in wanted:
        if value not in known:
            raise ConfigError("definition-id", **part.at, key=key, value=value, kind=msg(f"definition-kind.{kind}"), ids="、".join(known))


def _identities(t: Part, table: TableDef) -> tuple[Identity, ...]:
    out = []
    for i, d in enumerate(t.parts("identities", required=False)):
        p = Part(t.source, msg("definition-at.item", table=table.id, key="identities", index=i + 1), d,
                 ("name", "per", "relation", "left", "right", "remainder"))
        ident = Identity(p.text("name"), p.texts("left", required=True), p.texts("right", required=True),
                         p.choice("per", ("column", "row"), "column"), p.choice("relation", ("=", ">="), "="), p.text("remainder", ""))
        kind = "row" if ident.per == "column" else "column"
        _ids_in(p, "left", ident.left, table, kind)
        _ids_in(p, "right", ident.right, table, kind)
        out.append(ident)
    return tuple(out)


def _partitions(t: Part, table: TableDef) -> tuple[Partition, ...]:
    out = []
    for i, d in enumerate(t.parts("partitions", required=False)):
        p = Part(t.source, msg("definition-at.item", table=table.id, key="partitions", index=i + 1), d, ("name", "of", "rows", "columns", "rest"))
        rest = _spec(Part(t.source, p.where, {"where": p.mapping("rest")}, ("where",))).where
        part = Partition(p.text("name"), p.texts("of", one=True, required=True), p.texts("rows"), p.texts("columns"), rest)
        if bool(part.rows) == bool(part.columns):
            raise ConfigError("definition-partition.rows-or-columns", **p.at)
        _ids_in(p, "of", part.of, table, "row")
        for of in part.of:
            whole = table.row(of)
            if whole.cells or not whole.spec.count or whole.spec.count != table.row(part.of[0]).spec.count:
                raise ConfigError("definition-partition.of", **p.at, row=of)
        fields = register_fields()[table.row(part.of[0]).spec.count]
        for attr, _ in part.rest:
            if attr not in fields:
                raise ConfigError("definition-attribute", **p.at, attribute=attr, register=table.row(part.of[0]).spec.count, fields=", ".join(fields))
        if part.rows:
            _ids_in(p, "rows", part.rows, table, "row")
            first = table.row(part.of[0]).spec
            for rid in part.rows:
                r = table.row(rid).spec
                if (r.count, r.on) != (first.count, first.on):
                    raise ConfigError("definition-partition.counts", **p.at, row=rid, of=part.of[0])
        else:
            _ids_in(p, "columns", part.columns, table, "column")
            for cid in part.columns:
                if table.columns[table.column_index(cid)].sum:
                    raise ConfigError("definition-partition.sum", **p.at, column=cid)
        _disjoint(p, table, part)
        out.append(part)
    return tuple(out)


def _disjoint(p: Part, table: TableDef, part: Partition) -> None:
    """Two cells of a partition that could both take one record make it count twice: a definition
    fault, refused here (values are compared as written; @website etc. are taken as themselves)."""
    specs = [(rid, table.row(rid).spec) for rid in part.rows] or [(cid, table.columns[table.column_index(cid)].spec) for cid in part.columns]
    for i, (a, sa) in enumerate(specs):
        for b, sb in specs[i + 1:]:
            wa, wb = dict(sa.where), dict(sb.where)
            if all(set(wa[k]) & set(wb[k]) for k in wa.keys() & wb.keys()):
                raise ConfigError("definition-partition.overlap", **p.at, first=a, second=b)


def _carry_over(t: Part, table: TableDef) -> tuple[CarryOver, ...]:
    out = []
    for i, d in enumerate(t.parts("carry_over", required=False)):
        p = Part(t.source, msg("definition-at.item", table=table.id, key="carry_over", index=i + 1), d,
                 ("row", "column", "from", "less", "row_name", "from_name"))
        if p.has("row") == p.has("column"):
            raise ConfigError("definition-carry-over", **p.at)
        by = "row" if p.has("row") else "column"
        rule = CarryOver(by, p.text(by), p.text("from"), p.text("less", ""), p.text("row_name", ""), p.text("from_name", ""))
        _ids_in(p, by, [rule.target], table, by)
        _ids_in(p, "from", [rule.source], table, by)
        if rule.less:
            _ids_in(p, "less", [rule.less], table, "column")
        out.append(rule)
    return tuple(out)


def _figures(top: Part, tables: tuple[TableDef, ...], companions: Sequence[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """[figures]: name = "TABLE.ROW/COLUMN" (or a list of addresses, added up), in this definition's
    tables or its companions'. Every address must name one cell."""
    raw = top.mapping("figures")
    every = [*tables, *(t for name in companions for t in companion_tables(name))]
    out = []
    for name, value in raw.items():
        addresses = [value] if isinstance(value, str) else value
        if not isinstance(addresses, list) or not addresses or not all(isinstance(a, str) for a in addresses):
            raise ConfigError("definition-type", **top.at, key=f"figures.{name}", expected=msg("definition-expects.text-or-texts"), value=value)
        for a in addresses:
            try:
                locate(a, every)
            except UsageError as exc:
                raise ConfigError("definition-figure", **top.at, figure=name, problem=msg(exc.code, **exc.params)) from exc
        out.append((name, tuple(addresses)))
    return tuple(out)


# --- cell addresses ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CellRef:
    table: int  # index into the tables searched
    row: int  # index into the table's rows
    column: int  # index into the row's values


def column_names(table: TableDef, row: RowDef, year: int | None = None) -> list[str]:
    """The names a row's values go by: the table's column labels, or the row's own heads (Table 二)."""
    if table.columns:
        return [c.label.replace("{year}", str(year)) if year is not None else c.label for c in table.columns]
    return list(row.headers)


def locate(address: str, tables: Sequence[TableDef], year: int | None = None) -> CellRef:
    """The cell an address names: TABLE.ROW/COLUMN, as `disclo explain` takes it.

    TABLE may be left out when there is one table; ROW when the table has one data row; COLUMN
    when the row has one value. Full- and half-width brackets are the same; a row goes by its id or
    its label, a column by its label, its id or its number (1 = the first value column).
    """
    text = address.strip()
    head, _, column = text.partition("/")
    ti = None
    for i, t in enumerate(tables):
        if norm(head) == norm(t.id) or norm(head).startswith(norm(t.id) + "."):
            ti = i
            head = head[len(t.id) + 1:] if norm(head) != norm(t.id) else ""
            break
    if ti is None:
        if len(tables) != 1:
            raise UsageError("cell-no-table", address=address, tables="、".join(t.id for t in tables))
        ti = 0
    table = tables[ti]
    data = [(i, r) for i, r in enumerate(table.rows) if r.kind == "data"]
    if not head:
        if len(data) != 1:
            raise UsageError("cell-which-row", address=address, table=table.id, rows="、".join(r.id for _, r in data))
        ri, row = data[0]
    else:
        matches = [(i, r) for i, r in data if norm(r.id) == norm(head) or norm(r.label.strip()) == norm(head)]
        if not matches:
            raise UsageError("cell-no-row", address=address, table=table.id, row=head, rows="、".join(r.id for _, r in data))
        ri, row = matches[0]
    ncols = len(row.cells) or len(table.columns)
    names = column_names(table, row, year)
    if not column:
        if ncols != 1:
            raise UsageError("cell-which-column", address=address, columns="、".join(names), count=ncols)
        return CellRef(ti, ri, 0)
    ids = [c.id for c in table.columns]
    for i, name in enumerate(names):
        if norm(name) == norm(column) or (i < len(ids) and norm(ids[i]) == norm(column)):
            return CellRef(ti, ri, i)
    if column.isdigit() and 1 <= int(column) <= ncols:
        return CellRef(ti, ri, int(column) - 1)
    raise UsageError("cell-no-column", address=address, column=column, columns="、".join(names), count=ncols)


def locate_all(address: str, tables: Sequence[TableDef], year: int | None = None) -> list[CellRef]:
    """The cells an address names: one (as `locate`), or with * for the row or the column every data
    row of a column (三.*/自然人) or every value of a row (三.一/*), as identity findings name them."""
    head, _, column = address.strip().partition("/")
    if column.strip() == "*":
        first = locate(f"{head}/1", tables, year)
        table = tables[first.table]
        return [CellRef(first.table, first.row, i) for i in range(len(table.rows[first.row].cells) or len(table.columns))]
    name, dot, star = head.strip().rpartition(".")
    if dot and star == "*":
        ti = next((i for i, t in enumerate(tables) if norm(t.id) == norm(name)), None)
        if ti is None:
            raise UsageError("cell-no-table", address=address, tables="、".join(t.id for t in tables))
        return [locate(f"{tables[ti].id}.{r.id}/{column}", tables, year) for r in tables[ti].data_rows]
    return [locate(address, tables, year)]
