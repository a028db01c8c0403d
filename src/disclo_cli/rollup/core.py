"""The roll-up of a county's year: its units' data, each unit's tables, the combined tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from disclo_cli.config import Config
from disclo_cli.errors import UsageError
from disclo_cli.formats.definition import Definition
from disclo_cli.formats.engine import StatTable
from disclo_cli.model import Finding
from disclo_cli.rollup.combine import Filled, combine, fill_units
from disclo_cli.rollup.sources import Absent, load_units
from disclo_cli.rollup.units import Unit


@dataclass(frozen=True)
class RollUp:
    """A county's year: the combined tables, each present unit's tables, the units that are not."""

    year: int
    definition: Definition
    combined: tuple[StatTable, ...]
    units: tuple[Filled, ...]
    absent: tuple[Absent, ...]
    findings: tuple[Finding, ...]  # the roll-up's own (units missing or refused, rows of no unit …)
    expected: tuple[Unit, ...] = ()  # the units of the year, in the order of [[units]]

    @property
    def all_findings(self) -> tuple[Finding, ...]:
        """The roll-up's findings, each unit's (placed in the unit), the combined tables'."""
        placed = [f.in_unit(u.data.unit.label) for u in self.units for f in (*u.data.problems, *(x for t in u.tables for x in t.findings))]
        return (*self.findings, *placed, *(f for t in self.combined for f in t.findings))

    def unit(self, key: str) -> Filled:
        for u in self.units:
            if u.data.unit.key == key:
                return u
        raise UsageError("no-such-unit", key=key, keys=", ".join(u.data.unit.key for u in self.units))


def units_of_year(config: Config, year: int) -> tuple[Unit, ...]:
    return tuple(u for u in config.units if u.exists_in(year))


def roll_up(config: Config, year: int, *, standard: str | None = None, tables: Sequence[str] | None = None, calendar=None) -> RollUp:
    """Load every unit of the year, fill its tables from its rows, and combine them."""
    from disclo_cli.formats.engine import load_definition, standard_for_year

    if not config.units:
        raise UsageError("not-a-county", path=str(config.path))
    definition = load_definition(standard or standard_for_year(year))
    loaded = load_units(config, year)
    filled = fill_units(definition, loaded.present, year, tables, calendar)
    combined = combine(definition, filled, year, tables)
    findings = [*loaded.findings, *(a.finding for a in loaded.absent)]
    return RollUp(year, definition, tuple(combined), tuple(filled), loaded.absent, tuple(findings), units_of_year(config, year))
