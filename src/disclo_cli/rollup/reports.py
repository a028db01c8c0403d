"""A county's reports: its own, from the combined tables, and every unit's draft in one go (one
unit's failure does not stop the others), optionally bound into one volume (docxcompose)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from disclo_cli.config import Config
from disclo_cli.errors import DiscloError, OutputError
from disclo_cli.model import Finding
from disclo_cli.rollup.sources import Absent, UnitData
from disclo_cli.rollup.units import Unit

if TYPE_CHECKING:
    from disclo_cli.report.previous import LastYear

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def default_folder(config: Config, year: int) -> Path:
    return config.workspace / f"{year}年各单位年度报告"


def report_name(unit: Unit, year: int) -> str:
    """The file of a unit's draft: its key first (names repeat across counties, keys do not)."""
    return f"{unit.key}-{_UNSAFE.sub('_', unit.name)}-{year}.docx"


@dataclass(frozen=True)
class UnitReport:
    """One unit's draft: where it was written, or why not."""

    key: str
    label: str
    path: Path | None
    problem: str = ""  # why it was not written ('' when it was)
    placeholders: int = 0
    checked: bool = True


@dataclass(frozen=True)
class EachUnit:
    folder: Path
    reports: tuple[UnitReport, ...]
    volume: Path | None = None
    county: object = None  # the county's ReportResult, when a volume was bound
    findings: tuple[Finding, ...] = ()

    @property
    def written(self) -> tuple[UnitReport, ...]:
        return tuple(r for r in self.reports if r.path is not None)

    @property
    def failed(self) -> tuple[UnitReport, ...]:
        return tuple(r for r in self.reports if r.path is None)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


# --- the county's report -----------------------------------------------------------------------

def county_report(config: Config, year: int, *, standard: str | None = None, calendar=None, **options):
    """The county's own report, from the combined tables and checked by every roll-up check."""
    from disclo_cli.formats.engine import fill_tables, load_definition
    from disclo_cli.report.builder import Prepared, build_report
    from disclo_cli.rollup.checks import rollup_findings
    from disclo_cli.rollup.combine import Combined, pooled
    from disclo_cli.rollup.core import roll_up
    from disclo_cli.tables import office_calendar

    r = roll_up(config, year, standard=standard, calendar=calendar)
    findings = rollup_findings(config, r, standard, calendar)
    combined = Combined([(u.data, u.filler) for u in r.units], year)
    companions = tuple(t for name in r.definition.companions for t in fill_tables(load_definition(name), combined))
    registers = pooled([u.data for u in r.units])
    prepared = Prepared(registers, r.combined, tuple(findings), companions, last_year_published(config, year, options.get("previous")),
                        timeliness_of(registers, year, calendar or (lambda: office_calendar(config))))
    return build_report(config, year, standard=r.definition.standard, prepared=prepared, **options)


def last_year_published(config: Config, year: int, previous: str | Path | None) -> LastYear:
    """Last year's figures of a report made from prepared tables: only what was published (--previous
    or [report] previous, as `disclo table --format json` wrote it). Counted again from the units'
    rows they could be wrong without a warning (a unit that filed only this year's register); unknown,
    the report says so."""
    from disclo_cli.checks import previous_figures
    from disclo_cli.report.previous import LastYear, from_json
    from disclo_cli.report.settings import report_settings

    path = Path(previous) if previous else report_settings(config).previous
    return LastYear(year - 1, from_json(previous_figures(path), year - 1) if path else {}, json_path=path)


def timeliness_of(registers, year: int, calendar) -> Callable[[], object]:
    """The year's answered requests of the registers against their deadlines (read when the report asks)."""

    def compute():
        from disclo_cli.deadlines import clock_of, deadlines_of, timeliness

        cal = calendar() if callable(calendar) else calendar
        answered = [(r, n) for r, n in registers.weighted("requests") if r.answered is not None and r.answered.year == year]
        clocks = [clock_of(r) for r, _ in answered]
        pairs = zip(clocks, deadlines_of(clocks, cal), strict=True)
        return timeliness(pair for pair, (_r, n) in zip(pairs, answered, strict=True) for _ in range(n))

    return compute


# --- every unit's ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Task:
    county: Config
    unit: Unit
    data: UnitData | Absent
    year: int
    standard: str | None
    output: Path
    date: dt.date | None
    force: bool
    language: str


def each_unit_reports(config: Config, year: int, *, folder: Path | None = None, standard: str | None = None, date: dt.date | None = None,
                      force: bool = False, volume: bool = False, jobs: int = 1,
                      on_progress: Callable[[int, int, str], None] | None = None, calendar=None) -> EachUnit:
    """Every unit's draft of the year into `folder` (written atomically, one by one: a unit that fails
    is listed with its reason and the others go on); `volume`: the county's report and the units'
    bound into one DOCX. `jobs` > 1 writes them in that many processes."""
    from disclo_cli import messages
    from disclo_cli.errors import UsageError
    from disclo_cli.rollup.sources import load_units

    if not config.units:
        raise UsageError("not-a-county", path=str(config.path))
    target = folder or default_folder(config, year)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError("output-folder-missing", target=str(target), folder=str(target)) from exc
    loaded = load_units(config, year)
    by_key: dict[str, UnitData | Absent] = {d.unit.key: d for d in loaded.present}
    by_key.update({a.unit.key: a for a in loaded.absent})
    units = [u for u in config.units if u.exists_in(year)]
    tasks = [_Task(config, u, by_key[u.key], year, standard, target / report_name(u, year), date, force, messages.current()) for u in units]
    if jobs <= 0:  # as many processes as cores (at most 4), when there are enough reports to share
        import os

        jobs = min(os.cpu_count() or 1, 4) if len(tasks) >= 8 else 1
    reports = _run(tasks, jobs, on_progress)
    county = bound = None
    if volume:
        try:
            county = county_report(config, year, standard=standard, calendar=calendar, date=date, force=force,
                                   output=target / f"{year}年政府信息公开工作年度报告（汇总）.docx")
        except DiscloError as exc:  # no volume without the county's own report; the units' drafts stay
            lines = [line.strip() for line in exc.message.splitlines() if line.strip()]
            reports.append(UnitReport("", config.office.name or str(config.path), None, " ".join(lines[:2])))
        else:
            bound = bind(target / f"{year}年政府信息公开工作年度报告汇编.docx", [county.path, *(r.path for r in reports if r.path is not None)])
    return EachUnit(target, tuple(reports), bound, county, tuple(loaded.findings))


def _run(tasks: Sequence[_Task], jobs: int, on_progress) -> list[UnitReport]:
    done: list[UnitReport | None] = [None] * len(tasks)
    if jobs <= 1 or len(tasks) < 2:
        for i, task in enumerate(tasks):
            done[i] = unit_report(task)
            if on_progress:
                on_progress(i + 1, len(tasks), task.unit.label)
        return [d for d in done if d is not None]
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(unit_report, task): i for i, task in enumerate(tasks)}
        for n, future in enumerate(as_completed(futures), start=1):
            i = futures[future]
            done[i] = future.result()
            if on_progress:
                on_progress(n, len(tasks), tasks[i].unit.label)
    return [d for d in done if d is not None]


def unit_report(task: _Task) -> UnitReport:
    """One unit's draft (in a worker process, too: it speaks the language it was given)."""
    from disclo_cli import messages

    messages.use(task.language)
    unit = task.unit
    if isinstance(task.data, Absent):
        return UnitReport(unit.key, unit.label, None, task.data.finding.message)
    try:
        result = _write(task, task.data)
    except DiscloError as exc:
        lines = [line.strip() for line in exc.message.splitlines() if line.strip()]
        return UnitReport(unit.key, unit.label, None, " ".join(lines[:2]))
    return UnitReport(unit.key, unit.label, result.path, "", len(result.placeholders), result.checked)


def _write(task: _Task, data: UnitData):
    from disclo_cli.report.builder import Prepared, build_report

    options: dict = {"standard": task.standard, "output": task.output, "date": task.date, "force": task.force}
    if data.origin.kind == "workspace":  # a member workspace: its own ledger, prose and checks, as 'disclo report' there
        return build_report(data.config, task.year, **options)
    from disclo_cli.tables import office_calendar

    tables, findings = unit_tables(data, task.year, task.standard)
    prose = task.county.workspace / "prose" / data.unit.key / f"{task.year}.md"
    prepared = Prepared(data.registers, tuple(tables), tuple(findings), None, last_year_published(data.config, task.year, None),
                        timeliness_of(data.registers, task.year, lambda: office_calendar(task.county)), prose)
    return build_report(data.config, task.year, prepared=prepared, **options)


def unit_tables(data: UnitData, year: int, standard: str | None):
    """A unit's tables and its checks (the problems of its files, its tables', last year's carry-over)."""
    from disclo_cli.checks import check_carry_over
    from disclo_cli.errors import UsageError
    from disclo_cli.formats.engine import fill_all, load_definition, standard_for_year
    from disclo_cli.rollup.checks import categories

    definition = load_definition(standard or standard_for_year(year))
    tables = fill_all(definition, data.registers, data.config, year)
    findings = [*data.problems, *(f for t in tables for f in t.findings), *categories(data, year)]
    try:
        before = load_definition(standard) if standard else load_definition(standard_for_year(year - 1))
        findings += check_carry_over(tables, [t.as_json() for t in fill_all(before, data.registers, data.config, year - 1)], year)
    except UsageError:
        pass  # no format covers last year
    return tables, findings


def bind(target: Path, parts: Sequence[Path]) -> Path:
    """Reports bound into one DOCX, each from a new page (docxcompose keeps their styles and
    numbering); written atomically."""
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docxcompose.composer import Composer

    from disclo_cli.fsio import atomic_write

    try:
        master = Document(str(parts[0]))
        composer = Composer(master)
        for part in parts[1:]:
            master.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            composer.append(Document(str(part)))
    except (OSError, ValueError, KeyError) as exc:
        raise OutputError("volume-failed", path=str(target), problem=str(exc)) from exc
    atomic_write(target, lambda tmp: composer.save(str(tmp)))
    return target
