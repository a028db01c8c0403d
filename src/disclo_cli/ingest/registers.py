"""Turn register sheets into typed records (Item, Request, Case) and findings.

One path per register kind: every column is normalised a column at a time, by the type the register
schema gives its field (each distinct raw value once, so a million rows cost a dictionary look-up
each, not a parse each); then each row is checked by its kind's rules (rules.py), which make the
record or say why the row cannot be counted. Nothing is guessed: a value that maps nowhere, a
judgement call, a column a table needs that the register lacks, become findings with their place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from disclo_cli.config import Config
from disclo_cli.errors import InputError
from disclo_cli.ingest.cells import Cells, Row, clip
from disclo_cli.ingest.layout import KIND_NAMES, Choice, Layout, data_block, detect, found_headers, near_misses
from disclo_cli.ingest.readers import ENCODING_NAMES, Input, Sheet, formulas, owner_file, read_sheets
from disclo_cli.ingest.rules import RULES
from disclo_cli.messages import msg
from disclo_cli.model import Finding, Place
from disclo_cli.schema import Record, content_key, id_key, spec
from disclo_cli.text import cell_text, norm
from disclo_cli.vocab import Vocabulary

#: values of a CMS's 公开方式 / 公开类别 column: the disclosure attribute, not a channel or a category
_ATTRIBUTE = {"主动公开", "依申请公开", "不予公开", "不公开", "部分公开", "依申请"}


@dataclass
class Parsed:
    """Records of one kind read from files, with the findings and where each sheet's header was."""

    kind: str
    records: list = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    sheets: list[tuple[str, str, int]] = field(default_factory=list)  # (file, sheet, header row 1-based)


@dataclass
class SheetRead:
    """What one register sheet gave: its records, its findings, the rows that could not be filed."""

    sheet: Sheet
    layout: Layout
    records: list[Record] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    rejected: set[int] = field(default_factory=set)  # 1-based rows left out
    excluded: set[int] = field(default_factory=set)  # rows the office's rules say are not counted

    @property
    def kind(self) -> str:
        return self.layout.kind


def select_sheets(sheets: list[Sheet], wanted: str | None) -> list[Sheet]:
    """The sheets --sheet names (a name or a 1-based index); all when None."""
    if wanted is None:
        return sheets
    by_name = [s for s in sheets if s.name == wanted or norm(s.name) == norm(wanted)]
    if by_name:
        return by_name
    if wanted.isdigit() and 1 <= int(wanted) <= len(sheets):
        return [sheets[int(wanted) - 1]]
    names = "、".join(s.name for s in sheets)
    raise InputError("no-such-sheet", path=sheets[0].file if sheets else "", sheet=wanted, sheets=names, count=len(sheets))


def locate(path: str | Path | Input, config: Config, kind: str | None, sheet: str | None) -> list[tuple[Sheet, Layout]]:
    """Read a file (or its bytes, read once) and find the register sheets in it; raises InputError if there are none."""
    sheets = select_sheets(read_sheets(path), sheet)
    if isinstance(path, Input):
        path = path.path
    found: list[tuple[Sheet, Layout]] = []
    for s in sheets:
        layout = detect(s, config.columns, kind)
        if layout is not None:
            found.append((s, layout))
    if found:
        return found
    raise _no_header(path, sheets, config, kind)


def _no_header(path: str | Path, sheets: list[Sheet], config: Config, kind: str | None) -> InputError:
    from disclo_cli.ingest.layout import column_specs

    specs = column_specs(config.columns)
    kinds = [kind] if kind else list(specs)
    expected = "; ".join(
        f"{KIND_NAMES[k]}: " + ", ".join(f"{f} ({'/'.join(specs[k].examples[f][:3])})" for f in specs[k].required)
        for k in kinds
    )
    seen = max((found_headers(s) for s in sheets), key=len, default=[])
    where = msg("where-sheet", sheet=sheets[0].name) if len(sheets) == 1 else msg("where-sheets", count=len(sheets))
    found_text = ("「" + "」「".join(seen[:12]) + "」") if seen else _no_header_text(sheets)
    encoding = sheets[0].encoding if sheets and sheets[0].format in ("csv", "html") else ""
    read_as = msg("read-as", encoding=ENCODING_NAMES.get(encoding, encoding)) if encoding else ""
    # a register with one required column misspelt (发布日起): name it and the header that comes closest
    for k in kinds:
        for s in sheets:
            missing, near = near_misses(s, config.columns, k)
            if near and len(missing) <= 2:
                names = "、".join(f"{f}（{'/'.join(specs[k].examples[f][:3])}）" for f in missing)
                close = "、".join(f"「{h}」→ {f}" for f, h in near.items())
                return InputError("no-header.near", path=str(path), where=msg("where-sheet", sheet=s.name), read_as=read_as,
                                  found=found_text, missing=names, near=close, kind=k)
    variant = ".garbled" if encoding == "gb18030" else ""
    return InputError("no-header" + variant, path=str(path), where=where, read_as=read_as, found=found_text, expected=expected)


def _no_header_text(sheets: list[Sheet]):
    """What a sheet without any header-like text holds: its first text (a sheet of long texts or
    numbers has text, only none that could be a header), or that it holds none at all."""
    from disclo_cli.ingest.layout import SCAN_ROWS

    for s in sheets:
        for row in s.rows[:SCAN_ROWS]:
            for value in row:
                text = cell_text(value)
                if text:
                    return msg("found-no-header-text", example=clip(text, 40))
    return msg("found-no-text")


class SheetReader:
    """Reads one register sheet: normalises its columns, runs its kind's rules on every row."""

    def __init__(self, sheet: Sheet, layout: Layout, config: Config, *, year: int | None, strict: bool, today: dt.date,
                 year_option: bool = True) -> None:
        self.sheet, self.layout, self.config, self.strict = sheet, layout, config, strict
        self.year_option = year_option  # whether the command has --year (messages say what it can do)
        self.spec = spec(layout.kind)
        self.block = data_block(sheet, layout)
        self.cells = Cells(sheet, layout, self.block, config, year, today)
        self.file = Path(sheet.file).name
        self.out = SheetRead(sheet, layout)
        self.empties: list[tuple[int, int, int]] = []  # (finding index, row, column), 0-based: required cells found empty
        self._vocab: dict[str, Vocabulary] = {}
        self.columns: dict[str, list[object]] = {}

    def vocab_of(self, name: str) -> Vocabulary:
        return self.config.vocab[self.spec.field(name).vocab]

    def place(self, row: int | None, name: str = "") -> Place:
        column = self.layout.header_of(name) if name else ""
        return Place(self.file, self.sheet.name, row, column)

    def add(self, severity: str, code: str, row: int | None, name: str = "", *, variant: str = "", **params: object) -> None:
        self.out.findings.append(Finding.of(severity, code, self.place(row, name), variant=variant, **params))  # type: ignore[arg-type]
        if code.startswith("missing-") and name in self.layout.columns and self.sheet.format == "xlsx" and row is not None:
            self.empties.append((len(self.out.findings) - 1, row - 1, self.layout.columns[name]))

    def run(self) -> SheetRead:
        self._report_layout()
        for f in self.spec.readable:
            if f.stored or f.name in self.layout.columns:
                self.columns[f.name] = self.cells.get(f)
        self._check_attribute_columns()
        self._apply_defaults()
        self._report_implied_year()
        rule = RULES[self.layout.kind]
        keys = self._keys()
        records = self.out.records
        # the fields the kind's rules leave alone are the cells as their type reads them
        plain = [f for f in self.spec.stored if not f.derived and f.name in self.layout.columns]
        for i in range(len(self.block.numbers)):
            row = Row(self, i)
            values = rule(row, self.config)
            if row.excluded:
                self.out.excluded.add(row.number)
                continue
            if values is None or not row.ok:
                self.out.rejected.add(row.number)
                continue
            for f in plain:
                if f.name not in values:
                    values[f.name] = row.plain(f)
            records.append(self.spec.make(Place(self.file, self.sheet.name, row.number), keys[i], **values))
        self._finish()
        if self.sheet.hidden:  # read like any sheet (the file is what the clerk gave), but said
            self.add("warning", "hidden-sheet", None, variant=self.sheet.hidden.replace("-", "_"), rows=len(records))
        return self.out

    # -- the sheet as a whole -----------------------------------------------------------------------

    def _report_layout(self) -> None:
        for choice in self.layout.choices:
            self._choice(choice)
        for r in self.block.repeated_headers:
            self.add("info", "repeated-header", r)
        for r, text in self.block.notes:
            self.add("info", "note-row", r, value=clip(text))

    def _report_implied_year(self) -> None:
        """Dates written without a year (「3月5日」) took the sheet's or file name's year: say so once."""
        from disclo_cli.ingest.dates import month_day

        if self.cells.implied is None:
            return
        seen = [cell_text(v) for f in self.spec.readable if f.type == "date" and (col := self.cells.raw(f.name)) for v in col
                if isinstance(v, str) and month_day(v)]
        if seen:
            self.add("info", "year-implied", None, count=len(seen), value=clip(seen[0]), year=self.cells.implied)

    def _choice(self, c: Choice) -> None:
        severity = "warning" if c.reason in ("fallback", "same-header") else "info"
        self.add(severity, "column-choice", None, c.field, variant=c.reason.replace("-", "_") if c.reason != "preferred" else "",
                 field=c.field, label=self.spec.field(c.field).label, used=c.used, others="」「".join(c.others))

    def _check_attribute_columns(self) -> None:
        """A CMS's 公开方式 / 公开类别 holds 主动公开 / 依申请公开: the disclosure attribute, not the channel or the
        category; such a column is not read as one (and the choice is reported)."""
        for name in ("channels", "category"):
            raw = self.cells.raw(name) if self.layout.kind == "items" else None
            if not raw:
                continue
            texts = [norm(cell_text(v)) for v in raw if v is not None]
            if texts and sum(t in _ATTRIBUTE for t in texts) * 2 >= len(texts):
                self.add("warning", "attribute-column", None, name, field=name, label=self.spec.field(name).label, header=self.layout.header_of(name))
                self.columns[name] = [None] * self.cells.n
                layout_cols = dict(self.layout.columns)
                layout_cols.pop(name, None)
                self.layout = Layout(self.layout.kind, self.layout.header_row, layout_cols, self.layout.headers, self.layout.sub_rows,
                                     self.layout.choices, self.layout.serial)
                self.cells.layout = self.layout

    def _apply_defaults(self) -> None:
        """A register without a column that disclo.toml [defaults.<kind>] gives a value for."""
        for name, value in self.config.defaults.get(self.layout.kind, {}).items():
            if name in self.layout.columns or not self.cells.n:
                continue
            self.columns[name] = [value] * self.cells.n
            self.add("info", "default-used", None, field=name, label=self.spec.field(name).label, value=value, kind=self.layout.kind, count=self.cells.n)

    def _keys(self) -> list[str]:
        """Each row's key: its id where it has one, else all its columns but the running number."""
        n = self.cells.n
        ids = self.columns.get("id") if "id" in self.layout.columns else None
        keys: list[str | None] = [id_key(str(v)) if v else None for v in ids] if ids else [None] * n
        if any(k is None for k in keys):
            columns = [(h, self.cells.key_column(c)) for c, h in self.layout.content_columns()]
            for i in range(n):
                if keys[i] is None:
                    keys[i] = content_key((h, col[i]) for h, col in columns)
        return keys  # type: ignore[return-value]

    def _finish(self) -> None:
        """Say why a required cell is empty when it holds a formula that has no saved value (files
        written by programs, not by Excel/WPS: calamine reads such a cell as empty)."""
        if not self.empties:
            return
        found = formulas(self.sheet, {(r, c) for _, r, c in self.empties})
        for i, r, c in self.empties:
            formula = found.get((r, c))
            if formula and i < len(self.out.findings):
                old = self.out.findings[i]
                self.out.findings[i] = Finding.of(old.severity, "formula-without-value", old.place, formula=clip(formula))


def read_sheet(sheet: Sheet, layout: Layout, config: Config, *, year: int | None = None, strict: bool = False, today: dt.date | None = None,
               year_option: bool = True) -> SheetRead:
    """Every row of one register sheet as a record, or a finding that says why not. `year_option`:
    the command has --year (ingest has not: a filed date comes from the register, so that filing the
    same file again files the same dates)."""
    return SheetReader(sheet, layout, config, year=year, strict=strict, today=today or dt.date.today(), year_option=year_option).run()


def read_registers(paths: Iterable[str | Path], config: Config, *, kind: str | None = None, sheet: str | None = None, year: int | None = None,
                   strict: bool = False, today: dt.date | None = None) -> dict[str, Parsed]:
    """Read every register sheet of every file; records grouped by kind."""
    result: dict[str, Parsed] = {}
    for path in paths:
        skipped = owner_note(path)
        if skipped is not None:
            result.setdefault(kind or "items", Parsed(kind or "items")).findings.append(skipped)
            continue
        for s, layout in locate(path, config, kind, sheet):
            read = read_sheet(s, layout, config, year=year, strict=strict, today=today)
            parsed = result.setdefault(layout.kind, Parsed(layout.kind))
            parsed.sheets.append((s.file, s.name, layout.header_row + 1))
            parsed.records.extend(read.records)
            parsed.findings.extend(read.findings)
    return result


def owner_note(path: str | Path) -> Finding | None:
    """A warning for an Excel/WPS/LibreOffice lock file given as a register (~$台账.xlsx: 台账.xlsx is
    open), which is then skipped; None for any other file."""
    workbook = owner_file(path)
    if not workbook:
        return None
    return Finding.of("warning", "owner-file", Place(Path(path).name), name=Path(path).name, workbook=workbook)
