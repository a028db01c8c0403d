"""Last year's figures, for the report's year-over-year comparisons (「同比增长7%」).

Two sources, the first that has a figure wins:

1. last year's published tables (``--previous`` or ``[report] previous``: what ``disclo table
   --format json`` wrote for last year): what was published is what this year is compared with. A
   figure is read at the cell its definition's ``[figures]`` names (requests, reviews, lawsuits …;
   items only from a ≤ 2018 附表, since the national tables do not count them);
2. the ledger, register by register, but only where it holds last year's register: a file of that
   register named for last year (主动公开台账2022.xlsx) or most of whose rows are dated last year. A
   2023 request register that also lists the three requests carried over from December 2022 does
   not make 2022 known (comparing with 3 would be a wrong number without a warning), nor does a 2023
   item register that lists the normative documents of earlier years still in force. A register
   of several years in one file is not taken for any one of them: name last year's file by its
   year, or give last year's tables.

A figure known from neither is None, and whoever prints it says so (a 【请填写】 and a warning); the
yearly figures ([yearly.YYYY], extra figures) of last year come from disclo.toml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Mapping, Sequence

from disclo_cli.config import Config
from disclo_cli.errors import InputError, UsageError
from disclo_cli.formats.definition import STANDARDS, Definition, load_definition, locate, standard_for_year

REGISTERS = ("items", "requests", "cases")


@dataclass(frozen=True)
class LastYear:
    """What is known of last year: figures by name (absent: unknown), category and channel counts
    (None: the ledger does not hold last year's items), and where they came from."""

    year: int
    figures: Mapping[str, int | Decimal] = field(default_factory=dict)
    categories: Mapping[str, int] | None = None
    channels: Mapping[str, int] | None = None
    covered: tuple[str, ...] = ()  # the registers the ledger holds for last year
    json_path: Path | None = None

    def value(self, name: str) -> int | Decimal | None:
        return self.figures.get(name)


def ledger_coverage(config: Config, year: int) -> tuple[str, ...]:
    """The registers whose `year` the ledger holds (see the module's docstring)."""
    from disclo_cli.ingest.dates import year_hint
    from disclo_cli.ledger import Ledger
    from disclo_cli.schema import spec

    covered: set[str] = set()
    with Ledger.open(config, create=False) as ledger:
        for source in ledger.sources():
            if source.kind not in REGISTERS or source.kind in covered:
                continue
            col = spec(source.kind).date
            total, in_year = ledger.conn.execute(
                f"SELECT count(*), sum(substr({col}, 1, 4) = ?) FROM {source.kind} WHERE source_id = ?", (str(year), source.id)).fetchone()
            if year_hint(source.name) == year or (total and (in_year or 0) * 2 > total):
                covered.add(source.kind)
    return tuple(k for k in REGISTERS if k in covered)


def _registers_of(definition: Definition, addresses: Sequence[str], tables: Sequence) -> set[str] | None:
    """The registers the cells of a figure count (None: an address this definition cannot place)."""
    from disclo_cli.formats.engine import cell_specs

    defs = [t.definition for t in tables]
    needs: set[str] = set()
    for address in addresses:
        try:
            ref = locate(address, defs)
        except UsageError:
            return None
        table = defs[ref.table]
        for spec, _scope in cell_specs(table, table.rows[ref.row], ref.column):
            if spec.count:
                needs.add(spec.count)
    return needs


def _sum(values: Sequence[int | Decimal | None]) -> int | Decimal | None:
    """The sum of cells, None (blank) if one of them is; an integral Decimal as an int."""
    present = [v for v in values if v is not None]
    if len(present) < len(values):
        return None
    total = sum(present)
    return int(total) if isinstance(total, Decimal) and total == total.to_integral() else total


def from_ledger(config: Config, year: int, definition: Definition, regs, covered: Sequence[str]) -> tuple[dict[str, int | Decimal], dict[str, int] | None, dict[str, int] | None]:
    """Last year's figures from the ledger's registers, only those whose registers it covers."""
    from disclo_cli.formats.engine import fill_all
    from disclo_cli.tables import parse_cell
    from disclo_cli.tally import tally

    if not covered:
        return {}, None, None
    tables = [*fill_all(definition, regs, config, year), *(t for name in definition.companions for t in fill_all(load_definition(name), regs, config, year))]
    figures: dict[str, int | Decimal] = {}
    for name, addresses in definition.figures:
        needs = _registers_of(definition, addresses, tables)
        if needs is None or not set(needs) <= set(covered):
            continue
        values: list[int | Decimal | None] = []
        for address in addresses:
            _, row, column = parse_cell(address, tables)
            values.append(row.values[column])
        value = _sum(values)
        if value is not None:
            figures[name] = value
    if "items" not in covered:
        return figures, None, None
    pairs = [(i, n) for i, n in regs.weighted("items") if i.date.year == year]
    items, weights = [i for i, _ in pairs], [n for _, n in pairs]
    categories, channels = config.vocab["categories"].labels, config.vocab["channels"].labels
    cats, chans = (tally(items, (dim,), year=year, categories=categories, channels=channels, weights=weights) for dim in ("category", "channel"))
    figures["items"] = cats.total
    return figures, {r.key: r.count for r in cats.rows}, {r.key: r.count for r in chans.rows}


def from_json(tables: Sequence[Mapping], year: int) -> dict[str, int | Decimal]:
    """Last year's figures from its published tables: each figure of the tables' definition (the
    built-in one the JSON names, else the one in force for the year) read at its cells."""
    from disclo_cli.checks import _number

    names = {str(t.get("standard")) for t in tables}
    standard = names.pop() if len(names) == 1 else ""
    try:
        definition = load_definition(standard if standard in STANDARDS else standard_for_year(year))
    except UsageError:
        return {}
    defs = [*definition.tables, *(t for name in definition.companions for t in load_definition(name).tables)]
    by_id = {str(t.get("table")): t for t in tables}
    figures: dict[str, int | Decimal] = {}
    for name, addresses in (*definition.figures, ("items", ("附表.items/year",))):
        values: list[int | Decimal | None] = []
        for address in addresses:
            try:
                ref = locate(address, defs, year)
            except UsageError:
                values = []
                break
            table = defs[ref.table]
            published = by_id.get(table.id)
            row_id = table.rows[ref.row].id
            row = next((r for r in (published or {}).get("rows", []) if isinstance(r, Mapping) and r.get("id") == row_id), None)
            cells = row.get("values") if row else None
            if not isinstance(cells, list) or ref.column >= len(cells):
                values = []
                break
            values.append(_number(cells[ref.column]))
        value = _sum(values) if values else None
        if value is not None:
            figures[name] = value
    return figures


def yearly_figure(config: Config, year: int, key: str) -> int | Decimal | None:
    """A [yearly.YYYY] figure (None: not given); config.py made it an exact number when it read it."""
    return config.yearly.get(year, {}).get(key)


def last_year(config: Config, year: int, definition: Definition, regs, *, previous: Path | None, standard_given: bool) -> LastYear:
    """Everything known of the year before `year`."""
    from disclo_cli.checks import previous_figures

    prev = year - 1
    try:
        prev_def = definition if standard_given else load_definition(standard_for_year(prev))
    except UsageError:
        prev_def = None
    covered = ledger_coverage(config, prev)
    figures, cats, chans = from_ledger(config, prev, prev_def, regs, covered) if prev_def is not None else ({}, None, None)
    if previous is not None:
        published = previous_figures(previous)
        years = sorted({y for t in published if isinstance(y := t.get("year"), int)})
        if years and years != [prev]:
            # this year's own tables given by mistake would compare every figure with itself
            raise InputError("report-previous-year", path=str(previous), years="、".join(map(str, years)), year=prev)
        figures.update(from_json(published, prev))
    return LastYear(prev, figures, cats, chans, covered, previous)
