"""Each unit's data of a year, from where `[[units]]` says it is: a member workspace's ledger, an
exported JSON file, or the rows of the county's own ledger whose unit column names it. A unit whose
data cannot be had (missing, refused, unreadable) is `Absent`, with the finding that says why; the
others are loaded all the same."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

from disclo_cli.config import Config, Office
from disclo_cli.errors import DiscloError
from disclo_cli.formats.engine import Registers
from disclo_cli.model import Finding, Place
from disclo_cli.rollup.units import Unit
from disclo_cli.schema import KINDS, spec
from disclo_cli.text import norm


@dataclass(frozen=True)
class Origin:
    """Where a unit's data came from: what the reconciliation sheet names."""

    kind: str  # workspace | export | column
    path: str  # the member's ledger, the export file, the county's ledger
    digest: str  # the export's checksum; for a ledger, a digest of the files it holds
    when: str  # the export's time, or the latest filing
    files: tuple[tuple[str, str, str, int], ...] = ()  # (name, sha256, filed at, rows) of the files behind the rows


@dataclass(frozen=True)
class UnitData:
    """A unit's rows (grouped: every row up to the year's end) and the figures its tables take."""

    unit: Unit
    config: Config
    registers: Registers
    origin: Origin
    problems: tuple[Finding, ...] = ()  # what was found in its files when they were filed
    sent: tuple[dict, ...] = ()  # the tables the unit filled itself (an export)
    days: tuple[int | None, ...] | None = None  # the unit's own processing days of its grouped requests (an export)
    names_unit: str = ""  # the county key an export says it is for

    @property
    def rows(self) -> int:
        return sum(sum(self.registers.counts.get(k, ())) for k in KINDS)


@dataclass(frozen=True)
class Absent:
    unit: Unit
    finding: Finding


@dataclass(frozen=True)
class Loaded:
    present: tuple[UnitData, ...]
    absent: tuple[Absent, ...]
    findings: tuple[Finding, ...]  # about the county's own ledger (rows of no unit …)


def load_units(config: Config, year: int) -> Loaded:
    """The data of every unit that existed in `year`, in the order of `[[units]]`."""
    units = [u for u in config.units if u.exists_in(year)]
    present: list[UnitData] = []
    absent: list[Absent] = []
    columns = [u for u in units if u.source == "column"]
    county, findings = _county_rows(config, year, columns, [u for u in config.units if u.source != "column" or not u.exists_in(year)])
    for unit in units:
        one = _load(config, unit, year, county)
        if isinstance(one, UnitData):
            present.append(one)
        else:
            absent.append(one)
    return Loaded(tuple(present), tuple(absent), tuple(findings))


def load_unit(config: Config, unit: Unit, year: int) -> UnitData | Absent:
    """One unit's data of a year (for a report written apart from the others)."""
    county: dict[str, UnitData] = {}
    if unit.source == "column":
        county, _ = _county_rows(config, year, [unit], [])
    return _load(config, unit, year, county)


def _load(config: Config, unit: Unit, year: int, county: dict[str, UnitData]) -> UnitData | Absent:
    try:
        if unit.source == "workspace":
            return _workspace(config, unit, year)
        if unit.source == "export":
            return _export(config, unit, year)
    except DiscloError as exc:
        return Absent(unit, _why(unit, exc, year))
    if unit.key in county:
        return county[unit.key]
    return Absent(unit, Finding.of("error", "unit-missing", Place(unit=unit.label), variant="column", year=year, path=str(config.db_path)))


def _why(unit: Unit, exc: DiscloError, year: int) -> Finding:
    code = "unit-missing" if exc.code in ("export-missing", "config-missing", "ledger-missing") else "unit-refused"
    from disclo_cli.messages import msg

    return Finding.of("error", code, Place(unit=unit.label), year=year, reason=msg(exc.code, **exc.params))


def unit_config(county: Config, unit: Unit, office: Office | None = None) -> Config:
    """The county's configuration as a unit without a workspace of its own: its name, its figures."""
    return replace(county, office=office or replace(county.office, name=unit.name, short_name=""), opening=dict(unit.opening),
                   opening_through=unit.opening_through, yearly=dict(unit.yearly), units=())


def unit_rows(data: UnitData, year: int) -> Registers | None:
    """A unit's rows one by one, each with its file, sheet and row (to name a row its tables left
    unplaced): from its workspace's ledger, or the county ledger's rows of its unit column; None for
    an export, which carries aggregates only."""
    from disclo_cli.ledger import Ledger

    if data.origin.kind not in ("workspace", "column"):
        return None
    with Ledger.open_path(Path(data.origin.path), create=False, timeout=data.config.lock_timeout) as ledger:
        regs = ledger.registers(through=year)
    if data.origin.kind == "workspace":
        return regs
    wordings = {norm(w) for w in data.unit.wordings}
    items, requests, cases = ([r for r in getattr(regs, k) if norm(r.unit) in wordings] for k in KINDS)
    return Registers(items, requests, cases)


def _digest(files: Sequence[tuple[str, str, str, int]]) -> str:
    return "sha256:" + hashlib.sha256("\n".join(sorted(f[1] for f in files)).encode()).hexdigest()


def _workspace(county: Config, unit: Unit, year: int) -> UnitData:
    from disclo_cli import config as cfg
    from disclo_cli.ledger import Ledger

    folder = unit.path(county.workspace, year)
    member = cfg.load(folder / cfg.CONFIG_NAME)
    with Ledger.open(member, create=False) as ledger:
        regs = ledger.grouped(through=year)
        files = tuple((s.name, s.sha256, s.ingested_at, s.rows) for s in ledger.sources())
        problems = tuple(f for f in ledger.stored_findings(year) if f.code != "unknown-category")
    origin = Origin("workspace", str(member.db_path), _digest(files), max((f[2] for f in files), default=""), files)
    return UnitData(unit, replace(member, units=()), regs, origin, problems)


def _export(county: Config, unit: Unit, year: int) -> UnitData:
    from disclo_cli.rollup.interchange import read_export

    path = unit.path(county.workspace, year)
    export = read_export(path, year)
    files = tuple((str(s.get("name", "")), str(s.get("sha256", "")), str(s.get("ingested_at", "")), int(s.get("rows") or 0)) for s in export.sources)
    origin = Origin("export", str(path), export.checksum, export.exported_at, files)
    return UnitData(unit, export.config(county), export.registers, origin, export.problems, export.tables, export.days, export.unit)


def _county_rows(config: Config, year: int, columns: Sequence[Unit], others: Sequence[Unit]) -> tuple[dict[str, UnitData], list[Finding]]:
    """The county ledger's rows split by their unit column among the column units; a finding for
    rows that name no unit of the year (they would be left out of every table)."""
    from disclo_cli.ledger import Ledger

    findings: list[Finding] = []
    if config.db_path is None or not Path(config.db_path).exists():
        return {}, findings
    try:
        with Ledger.open(config, create=False) as ledger:
            regs = ledger.grouped(through=year, by_unit=True)
            files = _files_by_unit(ledger, year)
            problems = tuple(f for f in ledger.stored_findings(year) if f.code != "unknown-category")
    except DiscloError as exc:
        if not columns:
            raise
        return {}, [Finding.of("error", "county-ledger-unreadable", Place(str(config.db_path)), reason=exc.message)]
    wording = {norm(w): u for u in columns for w in u.wordings}
    elsewhere = {norm(x): u for u in others for x in (u.key, u.name)}
    parts: dict[str, dict[str, tuple[list, list[int]]]] = {u.key: {k: ([], []) for k in KINDS} for u in columns}
    stray: dict[tuple[str, str], int] = {}
    for kind in KINDS:
        date = spec(kind).date
        for rec, n in regs.weighted(kind):
            owner = wording.get(norm(rec.unit))
            if owner is not None:
                records, counts = parts[owner.key][kind]
                records.append(rec)
                counts.append(n)
            elif getattr(rec, date).year == year:
                stray[(kind, rec.unit)] = stray.get((kind, rec.unit), 0) + n
    for (kind, value), n in stray.items():
        other = elsewhere.get(norm(value)) or next((u for u in others if u.source == "column" and norm(value) in map(norm, u.wordings)), None)
        if other is not None and not other.exists_in(year):
            findings.append(Finding.of("error", "unit-rows-twice", Place(str(config.db_path)), variant="not-in-year", rows=n, kind=spec(kind).title, value=value,
                                       unit=other.label, year=year))
        elif other is not None:
            findings.append(Finding.of("error", "unit-rows-twice", Place(str(config.db_path)), rows=n, kind=spec(kind).title, value=value, unit=other.label, source=other.source))
        else:
            findings.append(Finding.of("error", "unit-rows-unassigned", Place(str(config.db_path)), variant="empty" if not value.strip() else "",
                                       rows=n, kind=spec(kind).title, value=value, year=year))
    out = {}
    for u in columns:
        mine_ = parts[u.key]
        regs_u = Registers(mine_["items"][0], mine_["requests"][0], mine_["cases"][0], {k: mine_[k][1] for k in KINDS})
        mine = tuple(f for w in u.wordings for f in files.get(norm(w), ()))
        origin = Origin("column", str(config.db_path), _digest(mine), max((f[2] for f in mine), default=""), tuple(dict.fromkeys(mine)))
        out[u.key] = UnitData(u, unit_config(config, u), regs_u, origin)
        if not any(getattr(r, spec(k).date).year == year for k in KINDS for r in parts[u.key][k][0]):
            findings.append(Finding.of("warning", "unit-no-rows", Place(str(config.db_path), unit=u.label), year=year, wordings="、".join(u.wordings)))
    return out, [*findings, *problems]


def _files_by_unit(ledger, year: int) -> dict[str, tuple[tuple[str, str, str, int], ...]]:
    """The files of the county's ledger holding rows of each unit-column value (up to the year's
    end), with how many rows of that unit each holds."""
    out: dict[str, dict[tuple[str, str, str], int]] = {}
    for kind in KINDS:
        date = spec(kind).date
        q = (f"SELECT t.unit, s.name, s.sha256, s.ingested_at, count(*) FROM {kind} t JOIN sources s ON s.id = t.source_id "
             f"WHERE t.{date} <= ? GROUP BY t.unit, s.id")
        for value, name, sha, at, n in ledger.conn.execute(q, (f"{year}-12-31",)):
            held = out.setdefault(norm(value or ""), {})
            held[(name, sha, at)] = held.get((name, sha, at), 0) + n
    return {k: tuple(sorted((*f, n) for f, n in v.items())) for k, v in out.items()}
