"""The roll-up checks `disclo check` runs in a county workspace (docs/rollup.md):

* every unit of the year present exactly once: none missing or refused, no data in two units;
* each unit's own checks: identities and partitions of its tables, the problems of its files;
* each unit's 上年结转 equals its own last year's 结转下年度 (a unit that continues others: theirs);
* every additive combined cell equals the sum of the units' (stocks: of the units that do not
  overlap) — an invariant of the combination, checked on what it produced;
* FOIA.gov's rules for the figures that do not add: the combined median, mean and rate lie between
  the units' smallest and largest; the shortest time is the smallest, the longest the largest; in
  every table the shortest ≤ the median and the mean ≤ the longest;
* as warnings: a unit's volume (new requests, reviews, lawsuits, complaints) that jumps more than
  ×5 (or falls below ×0.2) from last year, and a unit at zero where at least three in four units
  have some; an export whose own tables or processing days differ from what the county counts
  from its rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping, Sequence

from disclo_cli.config import Config
from disclo_cli.errors import DiscloError, UsageError
from disclo_cli.formats.definition import Definition, locate
from disclo_cli.formats.engine import StatTable, Value, cell_specs, cell_sum
from disclo_cli.model import Finding, Place
from disclo_cli.rollup.combine import Filled
from disclo_cli.rollup.core import RollUp, roll_up

#: a headline figure's change from last year worth a look: more than ×JUMP, or below ×(1/JUMP) …
JUMP = 5
#: … when either year has at least this many (1 → 6 is noise, 20 → 120 is not)
JUMP_FLOOR = 10
#: the [figures] that say how much a unit did (new requests, reviews, lawsuits, complaints): the
#: year-over-year and the zero checks look at these
VOLUME = ("requests", "reviews", "lawsuits", "complaints")
#: a unit at zero is worth a look when at least this share of the units have some
MOST = 0.75
_ORDER = {"error": 0, "warning": 1, "info": 2}


def check_rollup(config: Config, year: int, *, standard: str | None = None, calendar=None, previous: Path | None = None):
    """Every roll-up check of a county's year (a CheckResult, as `disclo check` shows it)."""
    from disclo_cli.checks import CheckResult, check_carry_over, previous_figures

    r = roll_up(config, year, standard=standard, calendar=calendar)
    findings = rollup_findings(config, r, standard, calendar)
    if previous is not None:
        findings += check_carry_over(r.combined, previous_figures(previous), year)
    findings.sort(key=lambda f: _ORDER[f.severity])
    return CheckResult(year, r.definition.standard, tuple(findings))


def rollup_findings(config: Config, r: RollUp, standard: str | None, calendar=None) -> list[Finding]:
    """Every roll-up check of a roll-up already made (the county's report runs them too)."""
    findings = list(r.all_findings)
    findings += [f.in_unit(u.data.unit.label) for u in r.units for f in categories(u.data, r.year)]
    findings += duplicates(r)
    last = last_year(config, r, standard)
    findings += carry_over(config, r, last)
    findings += sums(r)
    findings += statistics_rules(r)
    findings += jumps(r, last)
    findings += zeros(r)
    findings += exports_differ(r, calendar)
    return findings


def categories(data, year: int) -> list[Finding]:
    """A unit's items of the year by category, as `disclo check` counts an office's: an unknown one is an error."""
    from disclo_cli.checks import check_tally
    from disclo_cli.tally import tally

    pairs = [(i, n) for i, n in data.registers.weighted("items") if i.date.year == year]
    return check_tally(tally([i for i, _ in pairs], ("category",), year=year, categories=data.config.vocab["categories"].labels, channels=(),
                             weights=[n for _, n in pairs]))


# --- presence -------------------------------------------------------------------------------------

def duplicates(r: RollUp) -> list[Finding]:
    """The same data in two units: the same export or ledger, a file filed for two, an export that
    says it is another unit's."""
    out: list[Finding] = []
    by_digest: dict[str, Filled] = {}
    by_file: dict[str, tuple[Filled, str]] = {}
    keys = {u.data.unit.key for u in r.units}
    for u in r.units:
        d = u.data
        if d.origin.kind != "column" and (d.origin.files or d.origin.kind == "export"):  # column units share the county's ledger by design
            first = by_digest.setdefault(d.origin.digest, u)
            if first is not u:
                out.append(Finding.of("error", "unit-duplicate", Place(d.origin.path, unit=d.unit.label), other=first.data.unit.label))
                continue
        for name, sha, _when, rows in d.origin.files:
            if not rows:
                continue  # two empty registers (a template sent as it is) are not the same data
            seen = by_file.setdefault(sha, (u, name))
            # one file in two ledgers (or exports); a county register with a unit column holds several units by design
            if seen[0] is not u and seen[0].data.origin.path != d.origin.path:
                out.append(Finding.of("error", "unit-file-twice", Place(name, unit=d.unit.label), other=seen[0].data.unit.label, first=seen[1]))
        if d.names_unit and d.names_unit != d.unit.key:
            variant = "known" if d.names_unit in keys else ""
            out.append(Finding.of("error", "export-other-unit", Place(d.origin.path, unit=d.unit.label), variant=variant, named=d.names_unit))
    return out


# --- last year -------------------------------------------------------------------------------------

def last_year(config: Config, r: RollUp, standard: str | None) -> dict[str, list[dict]]:
    """Each unit's tables of last year, as JSON: its export of last year when there is one (what it
    reported), else filled from its rows; a unit that begins this year, its predecessors' added up."""
    from disclo_cli.formats.engine import Filler, fill_tables, load_definition, standard_for_year

    try:
        definition = load_definition(standard) if standard else load_definition(standard_for_year(r.year - 1))
    except UsageError:
        return {}
    out: dict[str, list[dict]] = {}
    for u in r.units:
        unit = u.data.unit
        if not unit.exists_in(r.year - 1):
            continue
        sent = _export_of_last_year(config, u, r.year - 1)
        if sent is not None:
            out[unit.key] = sent
            continue
        filler = Filler(u.data.registers, u.data.config, r.year - 1, u.filler.calendar)
        out[unit.key] = [t.as_json() for t in fill_tables(definition, filler, [t.table for t in u.tables if _in(definition, t.table)])]
    followers = [u for u in r.units if u.data.unit.follows and not u.data.unit.exists_in(r.year - 1)]
    if followers:
        from disclo_cli.rollup.combine import fill_units
        from disclo_cli.rollup.sources import load_units

        before = load_units(config, r.year - 1)
        filled = {f.data.unit.key: f for f in fill_units(definition, before.present, r.year - 1, None, followers[0].filler.calendar)}
        for u in followers:
            parts = [[t.as_json() for t in filled[k].tables] for k in u.data.unit.follows if k in filled]
            if parts:
                out[u.data.unit.key] = add_tables(parts)
    return out


def _in(definition: Definition, table_id: str) -> bool:
    return any(t.id == table_id for t in definition.tables)


def _export_of_last_year(config: Config, u: Filled, year: int) -> list[dict] | None:
    unit = u.data.unit
    if unit.source != "export" or "{year}" not in unit.location:
        return None
    path = unit.path(config.workspace, year)
    if not path.exists():
        return None
    from disclo_cli.rollup.interchange import read_export

    try:
        return list(read_export(path, year).tables)
    except DiscloError:
        return None  # last year's file is not this year's business: its rows serve


def add_tables(parts: Sequence[Sequence[Mapping]]) -> list[dict]:
    """Tables (as JSON) added up cell by cell, matched by table and row id (a blank on any side: blank)."""
    first, rest = parts[0], parts[1:]
    out = []
    for t in first:
        rows = []
        for row in t.get("rows", []):
            values = list(row.get("values", []))
            for other in rest:
                match = next((o for o in other if o.get("table") == t.get("table")), None)
                orow = next((x for x in (match or {}).get("rows", []) if x.get("id") == row.get("id")), None)
                ovals = (orow or {}).get("values", [])
                values = [a + b if isinstance(a, (int, float)) and isinstance(b, (int, float)) else None for a, b in zip(values, ovals, strict=False)]
            rows.append({**row, "values": values})
        out.append({**t, "rows": rows})
    return out


def carry_over(config: Config, r: RollUp, last: Mapping[str, list[dict]]) -> list[Finding]:
    from disclo_cli.checks import check_carry_over

    out = []
    for u in r.units:
        previous = last.get(u.data.unit.key)
        if previous:
            out += [f.in_unit(u.data.unit.label) for f in check_carry_over(u.tables, previous, r.year)]
    return out


# --- the combination --------------------------------------------------------------------------------

def _cells(t: StatTable) -> Iterable[tuple[int, str, int, list]]:
    """(row index, address, column index, specs) of every value cell of a table."""
    for ri, row in enumerate(t.rows):
        if row.kind != "data" or not row.values:
            continue
        rdef = t.definition.row(row.id)
        names = t.columns or row.headers
        for ci in range(len(row.values)):
            address = f"{t.table}.{row.id}" + (f"/{names[ci]}" if len(row.values) > 1 and ci < len(names) else "")
            yield ri, address, ci, cell_specs(t.definition, rdef, ci)


def sums(r: RollUp) -> list[Finding]:
    """Every additive combined cell = the sum of the units' cells (stocks: the units that do not overlap)."""
    from disclo_cli.formats.stats import additive

    out = []
    for ti, t in enumerate(r.combined):
        for ri, address, ci, specs in _cells(t):
            if not all(additive(s) for s, _scope in specs):
                continue
            stock = any(s.stock for s, _scope in specs)
            values = [u.tables[ti].rows[ri].values[ci] for u in r.units if not (stock and u.data.unit.stock_in)]
            combined, expected = t.rows[ri].values[ci], cell_sum(values)
            if combined is None or expected is None:
                continue  # a blank is reported where it arises
            if combined != expected:
                out.append(Finding.of("error", "rollup-sum", Place(cell=address), variant="stock" if stock else "", combined=combined,
                                      expected=expected, units=len(values)))
    return out


def statistics_rules(r: RollUp) -> list[Finding]:
    """FOIA.gov's rules for the figures that do not add, on the combined tables and every unit's."""
    from disclo_cli.formats.stats import STATS

    out = []
    for ti, t in enumerate(r.combined):
        for ri, address, ci, specs in _cells(t):
            if len(specs) != 1 or not specs[0][0].stat or STATS[specs[0][0].stat].additive:
                continue
            rule = STATS[specs[0][0].stat].rule
            units = [v for u in r.units if (v := u.tables[ti].rows[ri].values[ci]) is not None]
            combined = t.rows[ri].values[ci]
            if not units:
                continue
            low, high = min(units), max(units)
            ok = combined is not None and (low <= combined <= high if rule == "between" else combined == (low if rule == "min" else high))
            if not ok:
                out.append(Finding.of("error", "rollup-statistic", Place(cell=address), variant=rule, combined="" if combined is None else combined,
                                      low=low, high=high, units=len(units)))
    out += order(r.combined)
    for u in r.units:
        out += [f.in_unit(u.data.unit.label) for f in order(u.tables)]
    return out


def order(tables: Sequence[StatTable]) -> list[Finding]:
    """In every table and column: the shortest time ≤ the median and the mean ≤ the longest."""
    out = []
    for t in tables:
        by_stat: dict[tuple[int, str], tuple[str, Value]] = {}
        for ri, address, ci, specs in _cells(t):
            if len(specs) == 1 and specs[0][0].stat in ("min_days", "median_days", "mean_days", "max_days"):
                by_stat[(ci, specs[0][0].stat)] = (address, t.rows[ri].values[ci])
        for ci in {c for c, _ in by_stat}:
            low, high = by_stat.get((ci, "min_days"), ("", None))[1], by_stat.get((ci, "max_days"), ("", None))[1]
            for name in ("median_days", "mean_days"):
                address, v = by_stat.get((ci, name), ("", None))
                if v is None:
                    continue
                if (low is not None and v < low) or (high is not None and v > high):
                    out.append(Finding.of("error", "statistic-order", Place(cell=address), value=v, low=low, high=high))
    return out


# --- year over year, and zeros ---------------------------------------------------------------------

def figure_values(definition: Definition, tables: Sequence[Mapping]) -> dict[str, int | float]:
    """The definition's [figures] read from tables as JSON (a figure whose table is absent: left out)."""
    by_id = {t.get("table"): t for t in tables}
    out: dict[str, int | float] = {}
    for name, addresses in definition.figures:
        total: int | float | None = 0
        for address in addresses:
            try:
                ref = locate(address, definition.tables)
            except UsageError:
                total = None  # a companion's table: not a headline of the unit's tables
                break
            tdef = definition.tables[ref.table]
            table = by_id.get(tdef.id)
            row = next((x for x in (table or {}).get("rows", []) if x.get("id") == tdef.rows[ref.row].id), None)
            values = (row or {}).get("values", [])
            v = values[ref.column] if ref.column < len(values) else None
            if not isinstance(v, (int, float)) or isinstance(v, bool) or total is None:  # JSON has no Decimal
                total = None
                break
            total = total + v
        if total is not None:
            out[name] = total
    return out


def jumps(r: RollUp, last: Mapping[str, list[dict]]) -> list[Finding]:
    out = []
    for u in r.units:
        before = last.get(u.data.unit.key)
        if not before:
            continue
        now = figure_values(r.definition, [t.as_json() for t in u.tables])
        then = figure_values(r.definition, before)
        for name, b in now.items():
            a = then.get(name)
            if name not in VOLUME:
                continue
            if a is None or max(a, b) < JUMP_FLOOR:
                continue
            if a == 0 or b == 0 or b / a > JUMP or b / a < 1 / JUMP:
                out.append(Finding.of("warning", "unit-jump", Place(unit=u.data.unit.label), figure=name, now=b, before=a, year=r.year, previous_year=r.year - 1))
    return out


def zeros(r: RollUp) -> list[Finding]:
    """A unit at zero where most units have some (three in four of them, three units at least)."""
    values = {u.data.unit.label: figure_values(r.definition, [t.as_json() for t in u.tables]) for u in r.units}
    out = []
    for name in VOLUME:
        have = {label: v[name] for label, v in values.items() if name in v}
        busy = [label for label, v in have.items() if v]
        if len(have) < 3 or len(busy) < MOST * len(have):
            continue
        for label, v in have.items():
            if v == 0:
                out.append(Finding.of("warning", "unit-zero", Place(unit=label), figure=name, busy=len(busy), units=len(have), year=r.year))
    return out


# --- what an export says of itself -----------------------------------------------------------------

def exports_differ(r: RollUp, calendar) -> list[Finding]:
    """An export's own tables (and processing days) against what the county counts from its rows:
    a difference means another disclo, another definition or another calendar at the unit."""
    from disclo_cli.deadlines import clock_of, deadlines_of

    out = []
    for u in r.units:
        d = u.data
        if d.origin.kind != "export":
            continue
        mine = {t.table: t.as_json() for t in u.tables}
        cells = 0
        for sent in d.sent:
            ours = mine.get(str(sent.get("table")))
            if ours is None or sent.get("standard") != ours["standard"]:
                continue
            rows = {row["id"]: row.get("values", []) for row in ours["rows"]}
            for row in sent.get("rows", []):
                cells += sum(1 for a, b in zip(row.get("values", []), rows.get(row.get("id"), []), strict=False) if a != b)
        if cells:
            out.append(Finding.of("warning", "export-tables-differ", Place(d.origin.path, unit=d.unit.label), cells=cells))
        if d.days is not None and d.registers.requests:
            cal = u.filler.calendar() if callable(u.filler.calendar) else u.filler.calendar
            if cal is None:
                from disclo_cli.workdays import Calendar

                cal = Calendar.of()
            ours_days = [x.processing_days if r_.answered is not None else None
                         for r_, x in zip(d.registers.requests, deadlines_of([clock_of(x) for x in d.registers.requests], cal), strict=True)]
            differ = sum(n for a, b, n in zip(d.days, ours_days, d.registers.counts.get("requests", ()), strict=False) if a != b)
            if differ:
                out.append(Finding.of("warning", "export-days-differ", Place(d.origin.path, unit=d.unit.label), rows=differ))
    return out
