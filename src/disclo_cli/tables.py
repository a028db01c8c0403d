"""A year's figures from the ledger: the registers as the engine counts them, the standard tables,
every consistency rule of the year (what `disclo check` and `disclo report` run), and the rows behind
one cell (`disclo explain`). The core the report, the roll-up and the commands build on."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from disclo_cli.config import Config
from disclo_cli.errors import UsageError
from disclo_cli.messages import Msg, msg

if TYPE_CHECKING:
    from disclo_cli.formats.engine import StatRow, StatTable


def load_registers(config: Config, year: int, *, grouped: bool = True):
    """Everything in the ledger filed up to the end of `year`, as engine Registers.

    Grouped (the default) gives one record per distinct combination of what tables count, with how
    many rows it stands for, so a million rows cost a few thousand records; explain needs the rows.
    """
    from disclo_cli.ledger import Ledger

    with Ledger.open(config, create=False) as ledger:
        return ledger.grouped(through=year) if grouped else ledger.registers(through=year)


def build_tables(config: Config, year: int, *, standard: str | None = None, tables: Sequence[str] | None = None, registers=None,
                 calendar=None):
    """The standard tables of a year, filled from the ledger (or the given registers); `calendar`
    (workdays.Calendar) is what 办理时效's deadlines are counted on."""
    from disclo_cli.formats.engine import load_definition, standard_for_year

    definition = load_definition(standard or standard_for_year(year))
    regs = registers if registers is not None else load_registers(config, year)
    filled = fill_from_ledger(definition, regs, config, year, tables, calendar=calendar)
    first = future_year(year) + unknown_figures(config, year, definition)
    first += unfiled_registers(config, year, definition, only=tables) if registers is None else []
    if first and filled:
        import dataclasses

        filled[0] = dataclasses.replace(filled[0], findings=(*first, *filled[0].findings))
    return filled


def unknown_figures(config: Config, year: int, definition) -> list:
    """A warning for each figure of [yearly.YEAR] that no table of any standard format (nor of the
    definition in use) reads and no report outline declares (the built-in ones, or the office's
    through [report] extra_figures): most likely a misspelt name, whose figure is then missing
    where it belongs."""
    import difflib

    from disclo_cli.formats.definition import STANDARDS
    from disclo_cli.formats.engine import load_definition
    from disclo_cli.formats.needs import figures_read
    from disclo_cli.model import Finding, Place

    given = config.yearly.get(year, {})
    if not given:
        return []
    known = set(figures_read(definition))
    for standard in STANDARDS:
        known |= figures_read(load_definition(standard))
    known |= _outline_figures()
    report = config.raw.get("report")
    extras = report.get("extra_figures") if isinstance(report, dict) else None
    if isinstance(extras, list):  # an office's own outline may declare more (report/settings.py checks the list itself)
        known |= {n.strip() for n in extras if isinstance(n, str)}
    out = []
    for key in given:
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
            out.append(Finding.of("warning", "yearly-unknown-figure", Place(str(config.path.name) if config.path else "disclo.toml"),
                                  variant="close" if close else "", year=year, key=key, close=close[0] if close else ""))
    return out


@lru_cache(maxsize=None)
def _outline_figures() -> frozenset[str]:
    """The [yearly] figures the built-in report outlines declare (data/outlines/*.toml, [extra_figures])."""
    import tomllib
    from importlib import resources

    folder = resources.files("disclo_cli.data").joinpath("outlines")
    names: set[str] = set()
    for f in folder.iterdir():
        if f.name.endswith(".toml"):
            names |= set(tomllib.loads(f.read_text(encoding="utf-8")).get("extra_figures", {}))
    return frozenset(names)


def fill_from_ledger(definition, regs, config: Config, year: int, tables: Sequence[str] | None = None, *, calendar=None) -> list:
    """fill_all of registers read from the ledger; where a record lands in no cell (or in two), the
    grouped records, which have no row numbers, are counted again row by row, so that each such
    row is named by its file, sheet and row."""
    from disclo_cli.formats.engine import fill_all, rows_to_name

    filled = fill_all(definition, regs, config, year, tables, calendar=calendar)
    if rows_to_name(regs, filled):
        filled = fill_all(definition, load_registers(config, year, grouped=False), config, year, tables, calendar=calendar)
    return filled


def unfiled_registers(config: Config, year: int, definition, *, only: Sequence[str] | None = None) -> list:
    """A register the year's tables count of which the ledger holds nothing for the year: its cells
    are 0 only because nothing was filed (a warning), unless disclo.toml says the office truly had
    none ([yearly.Y] none; then an error if rows of it are filed after all). A file named for the
    year (依申请公开台账2023.xlsx) with no row says the year had none."""
    from disclo_cli.formats.needs import table_names, tables_counting
    from disclo_cli.ledger import Ledger
    from disclo_cli.model import Finding, Place
    from disclo_cli.schema import KINDS, spec

    with Ledger.open(config, create=False) as ledger:
        rows = ledger.rows_of_year(year)
        named = ledger.files_named_for(year)
    declared = config.none_kept.get(year, frozenset())
    out = []
    for kind in KINDS:
        tables = {t for t in tables_counting(definition, kind) if not only or t in only}
        if not tables:
            continue
        register = spec(kind).title
        if kind in declared:
            if rows[kind]:
                out.append(Finding.of("error", "none-but-filed", Place(), register=register, year=year, count=rows[kind], kind=kind))
        elif not rows[kind] and kind not in named:
            out.append(Finding.of("warning", "register-not-filed", Place(), register=register, year=year, tables=table_names(tables), kind=kind))
    return out


def future_year(year: int, today=None) -> list:
    """A warning when the year asked for has not begun: its figures cannot be a year's."""
    import datetime as dt

    from disclo_cli.model import Finding

    today = today or dt.date.today()
    return [Finding.of("warning", "future-year", None, year=year, today=today.isoformat())] if year > today.year else []


# --- explain ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Explanation:
    """The rows behind a cell: (file, sheet, row, id, date, what) with `what` a message, and notes.

    An address with * (三.*/自然人, 三.一/*) names several cells: `cells` gives each one's address
    and value, each row's `what` says which cell it is behind, and `value` is None."""

    address: str
    value: object
    rows: tuple[tuple, ...]
    notes: tuple[Msg, ...] = ()
    cells: tuple[tuple[str, object], ...] = ()

    @property
    def note(self) -> str:
        return self.note_in()

    def note_in(self, language: str | None = None) -> str:
        """The notes in a language (default: the active one), joined."""
        return "; ".join(n.text(language) for n in self.notes)


def _describe(rec) -> tuple[str, Msg]:
    from disclo_cli.model import Case, Item

    if isinstance(rec, Item):
        return rec.date.isoformat(), msg("explain.item", category=rec.category, title=rec.title)
    if isinstance(rec, Case):
        return rec.filed.isoformat(), msg("explain.case", what=f"{rec.type} {rec.route} {rec.result}".replace("  ", " "))
    if rec.answered:
        outcome = rec.outcome + ("/" + rec.reason if rec.reason else "")
        return rec.received.isoformat(), msg("explain.request-answered", applicant=rec.applicant, answered=rec.answered.isoformat(), outcome=outcome)
    return rec.received.isoformat(), msg("explain.request-open", applicant=rec.applicant)


def parse_cell(address: str, tables: Sequence[StatTable]) -> tuple[StatTable, StatRow, int]:
    """(table StatTable, row StatRow, column index) for an address like 三.（三）.1/自然人 (the
    definition's `locate` says which addresses it takes)."""
    from disclo_cli.formats.definition import locate

    ref = locate(address, [t.definition for t in tables], tables[0].year if tables else None)
    table = tables[ref.table]
    return table, table.rows[ref.row], ref.column


def explain_cell(config: Config, year: int, address: str, *, standard: str | None = None, calendar=None) -> Explanation:
    """The register rows behind a cell (or the cells of an address with *) of a standard table (or
    of a companion table any format can show: 办理时效): the engine's own selection of each."""
    from disclo_cli.formats.definition import extra_tables, locate_all
    from disclo_cli.formats.engine import Filler, fill_tables, load_definition, standard_for_year

    definition = load_definition(standard or standard_for_year(year))
    from disclo_cli.text import norm

    extras = [t for t in extra_tables() if norm(address.strip()).startswith(norm(t.id))]
    searched = [*definition.tables, *extras]  # a companion table only when the address names it
    refs = locate_all(address, searched, year)  # a bad address is refused before the ledger is read
    regs = load_registers(config, year, grouped=False)
    filler = Filler(regs, config, year, calendar)
    (table,) = fill_tables(definition, filler, [searched[refs[0].table].id])
    explained = [_explain(config, filler, table, table.rows[r.row], r.column) for r in refs]
    if "*" not in address:
        return explained[0]
    rows = tuple((*r[:5], msg("explain.in-cell", cell=e.address, what=r[5])) for e in explained for r in e.rows)
    notes = tuple(msg("explain.in-cell", cell=e.address, what=n) for e in explained for n in e.notes)
    return Explanation(address.strip(), None, rows, notes, tuple((e.address, e.value) for e in explained))


def _explain(config: Config, filler, table, row, ci: int) -> Explanation:
    from disclo_cli.formats.engine import cell_specs

    rows: list[tuple] = []
    notes: list[Msg] = []
    for spec, scope in cell_specs(table.definition, table.definition.row(row.id), ci):
        if spec.figure:
            notes.append(msg("explain.yearly", key=spec.figure))
            continue
        breakdown = filler.breakdown(spec, scope)
        signed = len(breakdown.terms) > 1  # documents in force: issued (+) and abolished (−)
        for term in breakdown.terms:
            for rec, _ in term.records:
                date, what = _describe(rec)
                if signed:
                    what = msg("explain.added", what=what) if term.sign > 0 else msg("explain.abolished", date=rec.abolished.isoformat(), what=what)
                rows.append((rec.place.file, rec.place.sheet, rec.place.row, rec.id, date, what))
        if breakdown.opening:
            notes.append(msg("explain.opening", key=breakdown.opening, value=config.opening.get(breakdown.opening, 0)))
    names = table.columns or row.headers
    addr = f"{table.table}.{row.id}" + (f"/{names[ci]}" if names else "")
    return Explanation(addr, row.values[ci], tuple(rows), tuple(notes))


# --- check -----------------------------------------------------------------------------------------

def check_year(config: Config, year: int, *, standard: str | None = None, previous: Path | None = None, files: Sequence[str] = (), registers=None, tables=None):
    """Every consistency rule for a year: from the ledger, or from register files when given.

    `registers` and `tables` (the report's, already filled from the ledger) spare filling them again.
    """
    from disclo_cli.checks import CheckResult, check_carry_over, check_tally, previous_figures
    from disclo_cli.formats.engine import fill_all, load_definition, standard_for_year
    from disclo_cli.model import Registers
    from disclo_cli.tally import dedupe, filter_year, tally

    definition = load_definition(standard or standard_for_year(year))
    findings = future_year(year) + unknown_figures(config, year, definition) if tables is None else []  # the report's tables carry them already
    if files:
        from disclo_cli.ingest.registers import read_registers

        parsed = read_registers(files, config, year=year)
        items = parsed["items"].records if "items" in parsed else []
        items, dup = dedupe(items)
        in_year, outside = filter_year(items, year)
        for p in parsed.values():
            findings += p.findings
        findings += dup + outside
        requests, more = _latest(parsed["requests"].records if "requests" in parsed else [], "requests")
        findings += more
        cases, more = _latest(parsed["cases"].records if "cases" in parsed else [], "cases")
        findings += more
        findings += _after_year(requests, "received", year) + _after_year(cases, "filed", year)
        regs = Registers([i for i in items if i.date.year <= year], [r for r in requests if r.received.year <= year], [c for c in cases if c.filed.year <= year])
        weights = None
    else:
        regs = registers if registers is not None else load_registers(config, year)
        findings += unfiled_registers(config, year, definition)
        findings += filed_problems(config, year)
        findings += request_deadlines(config, year)
        pairs = [(i, n) for i, n in regs.weighted("items") if i.date.year == year]
        in_year, weights = [i for i, _ in pairs], [n for _, n in pairs]
    if tables is None:
        tables = fill_all(definition, regs, config, year) if files else fill_from_ledger(definition, regs, config, year)
    for t in tables:
        findings += t.findings
    cats = config.vocab["categories"].labels
    findings += check_tally(tally(in_year, ("category",), year=year, categories=cats, channels=(), weights=weights))
    if previous is not None:
        findings += check_carry_over(tables, previous_figures(previous), year)
    else:
        try:
            prev_def = load_definition(standard_for_year(year - 1)) if not standard else definition
        except UsageError:
            prev_def = None  # no format covers last year: nothing to carry over from
        if prev_def is not None:
            # the same registers serve last year: the engine only counts what is dated up to its year
            prev_tables = fill_all(prev_def, regs, config, year - 1)
            findings += check_carry_over(tables, [t.as_json() for t in prev_tables], year)
    order = {"error": 0, "warning": 1, "info": 2}
    findings.sort(key=lambda f: order[f.severity])
    return CheckResult(year, definition.standard, tuple(findings))


def office_calendar(config: Config):
    """The working-day calendar: chinesecalendar's years, overridden by the workspace's calendar file."""
    from disclo_cli import calendar_file
    from disclo_cli.workdays import Calendar

    return Calendar.of(calendar_file.read(config.calendar_path))


def request_deadlines(config: Config, year: int) -> list:
    """The deadline findings of the year's requests: answered late, extended without a date, a 补正
    asked too late, a deadline on a year no calendar covers."""
    from disclo_cli.ledger import Ledger
    from disclo_cli.requests_due import deadline_findings

    with Ledger.open(config, create=False) as ledger:
        records = ledger.requests_touching(year)
    return deadline_findings(records, office_calendar(config), year) if records else []


def filed_problems(config: Config, year: int) -> list:
    """What was found in the files of the year when they were filed: rows left out, judgement calls,
    sheets refused. They stay on record (the ledger keeps them with each file) until the file is
    filed again or forgotten, so that a table missing rows never passes."""
    from disclo_cli.ledger import Ledger

    with Ledger.open(config, create=False) as ledger:
        # an unknown category is counted from the ledger's rows by check itself (check_tally)
        return [f for f in ledger.stored_findings(year) if f.code != "unknown-category"]


def _latest(records, kind: str):
    """Requests or cases with repeats (same 编号, or same content) taken once, the later row winning
    as in the ledger (schema.latest); a warning for each earlier row."""
    from disclo_cli.model import Finding
    from disclo_cli.schema import latest

    kept, repeats = latest(records)
    findings = []
    for first, later in repeats:
        what = msg("repeat-by-number", id=later.id) if later.id else msg("repeat-same-row")
        findings.append(Finding.of("warning", "duplicate", first.place, variant="row", what=what, other=later.place))
    return kept, findings


def _after_year(records, field: str, year: int):
    """A warning for each request or case dated after the year: it belongs to a later report."""
    from disclo_cli.model import Finding

    return [Finding.of("warning", "outside-year", r.place, variant=field, date=getattr(r, field).isoformat(), year=year)
            for r in records if getattr(r, field).year > year]
