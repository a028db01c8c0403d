"""A county's combined tables, from its units' rows (never from the tables they filled themselves).

Each unit's cells are counted by the engine on the unit's own rows with the unit's own figures
([opening], [yearly], its channel lists). A combined cell is then

* for a count or a yearly figure: the sum of the units' cells (blank, and a warning naming the
  units, when one of them is blank: a partial sum is never shown as the total);
* for a stock (`stock = true`, 现行有效件数): the sum over the units that do not overlap (a unit whose
  `stock_in` names another is left out: its documents are counted there);
* for a statistic that does not add (a median, a rate): recomputed from every unit's requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Sequence

from disclo_cli.formats.definition import CellSpec, Definition, TableDef
from disclo_cli.formats.engine import Filler, Registers, StatTable, Value, cell_sum, fill_tables, rows_to_name
from disclo_cli.model import Finding, Place
from disclo_cli.rollup.sources import UnitData
from disclo_cli.schema import KINDS

if TYPE_CHECKING:
    from disclo_cli.workdays import Calendar


class Combined:
    """The engine's filler for a county: each cell combined from the units' fillers."""

    def __init__(self, parts: Sequence[tuple[UnitData, Filler]], year: int) -> None:
        self.parts = parts
        self.year = year
        self.findings: list[Finding] = []

    def cell(self, spec: CellSpec, scope: str, label: str) -> Value:
        from disclo_cli.formats.stats import additive, value

        if not additive(spec):
            return value(spec, [t for _u, f in self.parts for t in f.timed(spec, scope)])
        chosen = [(u, f) for u, f in self.parts if not (spec.stock and u.unit.stock_in)]
        values = [f.cell(spec, scope, label) for _u, f in chosen]
        blank = [u.unit.label for (u, _f), v in zip(chosen, values, strict=True) if v is None]
        if blank:
            self.findings.append(Finding.of("warning", "rollup-blank", Place(cell=label), units="、".join(blank), count=len(blank)))
            return None
        return cell_sum(values)

    def partition_findings(self, table: TableDef) -> list[Finding]:
        return []  # every unit's records are checked in its own tables; the union of partitions is one


@dataclass(frozen=True)
class Filled:
    """One unit's tables (and its filler, which the combination and the explanation reuse)."""

    data: UnitData
    tables: tuple[StatTable, ...]
    filler: Filler


def fill_units(definition: Definition, present: Sequence[UnitData], year: int, tables: Sequence[str] | None,
               calendar: Calendar | Callable[[], Calendar] | None) -> list[Filled]:
    """Every unit's tables, each on its own rows and figures (a shared calendar)."""
    from disclo_cli.rollup.sources import unit_rows

    cal = _shared(calendar)
    out = []
    for data in present:
        filler = Filler(data.registers, data.config, year, cal)
        filled = tuple(fill_tables(definition, filler, tables))
        if rows_to_name(data.registers, filled):
            rows = unit_rows(data, year)
            if rows is not None:
                filler = Filler(rows, data.config, year, cal)
                filled = tuple(fill_tables(definition, filler, tables))
        out.append(Filled(data, filled, filler))
    return out


def combine(definition: Definition, filled: Sequence[Filled], year: int, tables: Sequence[str] | None) -> list[StatTable]:
    """The combined tables of the units' (filled first: their fillers hold what they selected)."""
    return fill_tables(definition, Combined([(f.data, f.filler) for f in filled], year), tables)


def pooled(present: Sequence[UnitData]) -> Registers:
    """Every unit's grouped records in one set of registers (what a county report's tallies count)."""
    records = {k: [r for d in present for r in getattr(d.registers, k)] for k in KINDS}
    counts = {k: [n for d in present for _r, n in d.registers.weighted(k)] for k in KINDS}
    return Registers(records["items"], records["requests"], records["cases"], counts)


def _shared(calendar: Calendar | Callable[[], Calendar] | None) -> Calendar | Callable[[], Calendar] | None:
    """One calendar for every unit, read once, and only if a table counts deadlines."""
    if not callable(calendar):
        return calendar
    make = calendar
    made: list[Calendar] = []

    def get() -> Calendar:
        if not made:
            made.append(make())
        return made[0]

    return get
