"""The core functions the commands call: one per command, from inputs to a typed result."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from disclo_cli.config import Config
from disclo_cli.errors import UsageError
from disclo_cli.model import Tally


def tally_files(files: Sequence[str], config: Config, *, by: Sequence[str], year: int | None, sheet: str | None = None, strict: bool = False) -> Tally:
    """Tally the published items of register files (every register sheet in them)."""
    from disclo_cli.ingest.registers import read_registers
    from disclo_cli.tally import tally_tables

    parsed = read_registers(files, config, kind="items", sheet=sheet, year=year, strict=strict)
    items = parsed["items"]
    sources = [f"{Path(f).name}:{s}" for f, s, _ in items.sheets]
    # the records a column at a time: the same tally as dedupe + filter_year + tally of the records
    return tally_tables([r.table for r in items.reads], by, year=year, categories=config.vocab["categories"].labels,
                        channels=config.vocab["channels"].labels, findings=items.findings, sources=sources)


def tally_ledger(config: Config, *, by: Sequence[str], year: int) -> Tally:
    """Tally the published items of a year from the office's ledger."""
    from disclo_cli.ledger import Ledger
    from disclo_cli.tally import tally

    with Ledger.open(config, create=False) as ledger:
        regs = ledger.grouped(year=year, by_unit="unit" in by)
    return tally(regs.items, by, year=year, categories=config.vocab["categories"].labels, channels=config.vocab["channels"].labels,
                 sources=[f"ledger {config.db_path}"], weights=regs.counts["items"], findings=future_year(year))


# --- workspace and ledger --------------------------------------------------------------------------

def init_workspace(folder: Path, *, name: str = "", force: bool = False, db: Path | None = None) -> tuple[Path, Path, bool]:
    """Write a commented disclo.toml and create the ledger in `folder`. Returns (disclo.toml, the
    ledger, whether disclo.toml was written: a workspace that has one but no ledger gets only the
    ledger). An empty (0-byte) ledger is an error: it may be an office's history lost."""
    import json
    from importlib import resources

    from disclo_cli import config as cfg
    from disclo_cli.errors import LedgerError, OutputError
    from disclo_cli.fsio import write_bytes
    from disclo_cli.ledger import Ledger, backups_note

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError("init-folder", folder=str(folder), problem=exc.strerror or str(exc)) from exc
    path = folder / cfg.CONFIG_NAME
    ledger = Path(db) if db is not None else folder / cfg.DB_NAME
    has_ledger = ledger.exists() and not ledger.is_dir()
    if has_ledger and ledger.stat().st_size == 0:
        raise LedgerError("ledger-empty", path=str(ledger), found=backups_note(ledger))
    write_config = force or not path.exists()
    if not write_config and has_ledger:
        raise OutputError("init-exists", path=str(path))
    if write_config:
        template = resources.files("disclo_cli.data").joinpath("disclo.template.toml").read_text(encoding="utf-8")
        # a TOML basic string: JSON's escapes (\" \\ \uXXXX) are valid TOML, so any name round-trips
        write_bytes(path, template.replace('"{name}"', json.dumps(name, ensure_ascii=False)).encode("utf-8"), own="protected.config")
    config = cfg.load(path, db)
    try:
        Ledger.open(config, create=True).close()
    except BaseException:
        if write_config and not force:
            path.unlink(missing_ok=True)  # nothing half-made: no disclo.toml without its ledger
        raise
    assert config.db_path is not None  # a config read from a file has its ledger beside it
    return path, Path(config.db_path), write_config


def file_key(path: Path, config: Config) -> str:
    """What identifies a filed file: its path relative to the workspace (so that the workspace may
    move), or its absolute path when it lies outside."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(config.workspace.resolve()).as_posix()
    except ValueError:
        return str(resolved)


def sheet_requirements(read, config: Config) -> list:
    """The columns the tables of the rows' years count by that the register lacks: an error each
    (the sheet's rows are not filed), or a note where the rules can do without (schema `missing`)."""
    from disclo_cli.formats.engine import load_definition, standard_for_year
    from disclo_cli.formats.needs import fields_needed, table_names
    from disclo_cli.model import Finding, Place
    from disclo_cli.schema import spec

    reg = spec(read.kind)
    if read.table is not None and read._records is None:  # the records held as columns: their dates a value at a time
        years = sorted({d.year for d in read.table.used(reg.date) if d is not None})
        file = read.table.file
    else:
        years = sorted({getattr(r, reg.date).year for r in read.records})
        file = read.records[0].place.file if read.records else ""
    if not years:
        return []
    defaults = config.defaults.get(read.kind, {})
    needed: dict[str, set[str]] = {}
    for standard in dict.fromkeys(standard_for_year(y) for y in years):
        for name, tables in fields_needed(load_definition(standard), read.kind).items():
            needed.setdefault(name, set()).update(f"{standard}:{t}" for t in tables)
    place = Place(file, read.sheet.name)
    out = []
    for name, tables in needed.items():
        f = next((x for x in reg.fields if x.name == name), None)
        if f is None or f.derived or name in read.layout.columns or name in defaults:
            continue
        if any(other in read.layout.columns for other in f.served_by):
            continue
        if name == "channels" and config.default_channel:
            continue
        shown = table_names(t.split(":", 1)[1] for t in tables)
        words = "/".join(f.headers[:4])
        if f.missing == "error":
            out.append(Finding.of("error", "missing-column", place, variant=read.kind, field=name, label=f.label, tables=shown, words=words, kind=read.kind))
        elif f.missing == "note":
            out.append(Finding.of("info", "missing-column", place, variant=name, field=name, label=f.label, tables=shown, words=words, kind=read.kind))
    return out


def ingest_files(files: Sequence[str], config: Config, *, kind: str | None = None, sheet: str | None = None, strict: bool = False,
                 replaces: Sequence[str] = (), today=None, unit=None, columnar: bool | None = None, as_records: bool = False):
    """Read every file, then file all their rows in one transaction. Returns (FileResults, findings).

    A file filed before is held exactly as it now is (ledger.py). A register that lacks a column the
    year's tables count by is not filed (an error naming the field). In strict mode any error in any
    row stops the ingest before the ledger is touched. `unit` (a county's rollup.units.Unit): every
    row is that unit's (`disclo ingest --unit KEY`); in a county, a row's key holds its unit.
    `columnar` and `as_records` choose the reader and how rows reach the ledger (the tests hold
    every way to the same ledger; by default: what is quickest).
    """
    from disclo_cli.errors import DataError
    from disclo_cli.ingest.registers import read_file
    from disclo_cli.ledger import Batch, Ledger
    from disclo_cli.model import Finding, Place, blocking, errors_of

    if replaces and len(files) != 1:
        raise UsageError("replaces-one-file")
    from disclo_cli.errors import InputError
    from disclo_cli.ingest.columnar import MIN_BYTES, arrow_available
    from disclo_cli.ingest.readers import is_stdin, read_input
    from disclo_cli.ingest.registers import owner_note

    # a county's rows are its units' (rollup/units.py: their keys change): those are filed as records;
    # any other register's records go to the ledger a column at a time (ledger_rows.py)
    as_records = as_records or unit is not None or bool(config.units)
    batches: list[Batch] = []
    findings = []
    for f in files:
        path = Path(f)
        if is_stdin(path):
            raise InputError("ingest-stdin", path=str(path))
        skipped = owner_note(path)  # ~$台账.xlsx: 台账.xlsx is open in Excel/WPS
        if skipped is not None:
            findings.append(skipped)
            continue
        per_kind: dict[str, Batch] = {}
        key = file_key(path, config)
        try:
            inp = read_input(path)  # read once: the rows filed and the sha256 kept are of the same bytes
            reads = read_file(inp, config, kind=kind, sheet=sheet, strict=strict, today=today, year_option=False, columnar=columnar)
        except InputError as exc:
            if len(files) > 1:  # say that the others are not filed either (one ingest, one transaction)
                raise InputError("ingest-batch-stopped", problem=exc.message, todo=exc.hint, count=len(files)) from exc
            raise
        for read in reads:
            s, layout = read.sheet, read.layout
            if unit is not None:
                from disclo_cli.rollup.units import tag

                read.records[:], tagged = tag(read.records, unit, Place(path.name, s.name))
                read.findings.extend(tagged)
            if config.units:  # a county's ledger: a row is its unit's (rollup/units.py)
                from disclo_cli.rollup.units import county_keys

                read.records[:] = county_keys(read.records)
            missing = sheet_requirements(read, config)
            batch = per_kind.get(layout.kind)
            if batch is None:
                # a file too small for the columnar reader is filed as records too: pyarrow, which
                # filing by columns needs, would cost more to import than the filing
                by_records = as_records or (columnar is None and len(inp.data) < MIN_BYTES) or not arrow_available()
                batch = per_kind[layout.kind] = Batch(path, layout.kind, [], key, inp.sha256, replaces=tuple(replaces),
                                                      sheets=[] if sheet is not None else None, tables=None if by_records else [])
            if batch.sheets is not None:
                batch.sheets = [*batch.sheets, s.name]
            if blocking(missing):
                # the sheet is refused as a whole: its rows' own problems would only repeat what is missing
                rows = read.count + len(read.rejected)
                batch.rejected += rows
                refused = [*missing, Finding.of("error", "sheet-refused", Place(path.name, s.name), rows=rows)]
                batch.findings = [*batch.findings, *refused]
                findings.extend(refused)
                continue
            read.findings[:0] = missing
            if batch.tables is not None:
                batch.tables = [*batch.tables, read.table]
            else:
                batch.records = [*batch.records, *read.records]
            batch.rejected += len(read.rejected)
            batch.findings = [*batch.findings, *read.findings]
            findings.extend(read.findings)
        for batch in per_kind.values():
            if batch.tables is not None:
                batch.tables, batch.repeated, repeats = _table_repeats(batch.tables)
            else:
                batch.records, batch.repeated, repeats = _repeats(batch.records)
            findings.extend(repeats)
            batch.findings = [*batch.findings, *repeats]
        batches.extend(per_kind.values())
    errors = errors_of(findings)
    if strict and errors:
        raise DataError("strict-refused", findings, count=len(errors))  # the CLI lists them before the error line
    with Ledger.open(config, write=True) as ledger:
        results = ledger.ingest(batches)
    return results, findings


def _table_repeats(tables):
    """_repeats of records held as columns: the rows whose key repeats are made Python objects and
    taken once as schema.latest does (the later row wins); every other row is kept as it is."""
    from disclo_cli.schema import latest
    from disclo_cli.tally import repeated_rows

    rep = repeated_rows(tables)
    if not any(rep):
        return tables, 0, []
    tagged = [(ti, j, rec) for ti, (t, rows) in enumerate(zip(tables, rep, strict=True)) for j, rec in zip(rows, t.subset(rows), strict=True)]
    kept, pairs = latest([rec for _, _, rec in tagged])
    _, _, findings = _repeats([rec for _, _, rec in tagged])
    keep = {id(rec) for rec in kept}
    drop: dict[int, list[int]] = {}
    for ti, j, rec in tagged:
        if id(rec) not in keep:
            drop.setdefault(ti, []).append(j)
    return [t.without(drop.get(ti, [])) for ti, t in enumerate(tables)], len(pairs), findings


def _repeats(records):
    """Records with repeats taken once (the later row wins); a warning where two rows without an id
    are the same in every column (counted once: they may be one request exported twice, or two
    requests that only an id would tell apart)."""
    from disclo_cli.model import Finding
    from disclo_cli.schema import latest

    kept, repeats = latest(records)
    findings = []
    for first, later in repeats:
        if not later.key.startswith("id:"):
            findings.append(Finding.of("warning", "possible-repeat", later.place, other=first.place))
    return kept, len(repeats), findings


# the year's tables, checks and explanations live in tables.py (the core below report/ and rollup/)
from disclo_cli.tables import (  # noqa: E402,F401  (re-exported for the commands)
    Explanation,
    build_tables,
    check_year,
    explain_cell,
    filed_problems,
    future_year,
    load_registers,
    office_calendar,
    parse_cell,
    request_deadlines,
    unfiled_registers,
)
