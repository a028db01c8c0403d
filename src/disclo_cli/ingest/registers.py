"""Turn register sheets into typed records (Item, Request, Case) and findings.

One path per register kind: every column is normalised a column at a time, by the type the register
schema gives its field (each distinct raw value once, so a million rows cost a dictionary look-up
each, not a parse each); then each row is checked by its kind's rules (rules.py), which make the
record or say why the row cannot be counted. Nothing is guessed: a value that maps nowhere, a
judgement call, a column a table needs that the register lacks, become findings with their place.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable, Iterable

from disclo_cli.config import Config
from disclo_cli.errors import InputError
from disclo_cli.ingest.dates import DateProblem, implausible, parse_date, year_hint
from disclo_cli.ingest.layout import KIND_NAMES, Block, Choice, Layout, data_block, detect, found_headers, near_misses
from disclo_cli.ingest.readers import ENCODING_NAMES, Sheet, formulas, read_sheets
from disclo_cli.messages import msg
from disclo_cli.model import Finding, Place
from disclo_cli.schema import FieldSpec, Record, content_key, id_key, spec
from disclo_cli.text import XML_ILLEGAL, cell_text, clean_id, norm
from disclo_cli.vocab import Vocabulary

_SPLIT = re.compile(r"[、,，/;；|\n]+|\s{1,}")
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?")
_YES = {"是", "y", "yes", "true", "1", "延期", "已延期", "√", "✓"}
_NO = {"否", "n", "no", "false", "0", "未延期", "不延期", "×", "-", "无"}
#: the largest fee an office may charge for one request (元): more is a typo, not a fee
MAX_FEE = Decimal(100_000)
#: values of a CMS's 公开方式 / 公开类别 column: the disclosure attribute, not a channel or a category
_ATTRIBUTE = {"主动公开", "依申请公开", "不予公开", "不公开", "部分公开", "依申请"}
#: how many unknown channels of one cell are listed one by one
MAX_PARTS = 3


def clip(text: str, n: int = 60) -> str:
    """A cell's text short enough for a message (a 1 MB cell must not become a 1 MB message)."""
    return text if len(text) <= n else text[: n - 1] + "…"


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


def locate(path: str | Path, config: Config, kind: str | None, sheet: str | None) -> list[tuple[Sheet, Layout]]:
    """Read a file and find the register sheets in it; raises InputError if there are none."""
    sheets = select_sheets(read_sheets(path), sheet)
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
    found_text = ("「" + "」「".join(seen[:12]) + "」") if seen else msg("found-no-text")
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


# --- normalising a column --------------------------------------------------------------------------

@dataclass(frozen=True)
class Unknown:
    """A label that maps nowhere (or needs the office's decision: candidates)."""

    text: str
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bad:
    """A cell that cannot be read as its field's type, and why (a message)."""

    text: str
    why: object


def _money(value: object) -> Decimal | None | Bad:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value or value in (float("inf"), float("-inf")):
            return Bad(str(value), msg("money.not-a-number", value=str(value)))
        amount = Decimal(str(value))
    else:
        text = norm(cell_text(value)).replace(",", "")
        if text in ("", "/", "-", "—", "无"):
            return None
        m = _NUMBER.match(text)
        if not m or text[m.end():] not in ("", "元"):
            return Bad(clip(cell_text(value)), msg("money.not-an-amount", value=clip(cell_text(value))))
        try:
            amount = Decimal(m.group(0))
        except InvalidOperation:
            return Bad(clip(cell_text(value)), msg("money.not-an-amount", value=clip(cell_text(value))))
    if amount < 0 or amount > MAX_FEE:
        return Bad(clip(cell_text(value)), msg("money.out-of-range", value=clip(cell_text(value)), limit=f"{MAX_FEE:,}"))
    return amount + 0  # -0 is 0


def _flag(value: object) -> bool | None | Bad:
    text = norm(cell_text(value))
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    return Bad(clip(cell_text(value)), msg("flag.not-yes-no", value=clip(cell_text(value))))


def _mapped(values: list[object], fn: Callable[[object], object]) -> list[object]:
    """fn(v) for every value, each distinct value computed once; None stays None."""
    try:
        distinct = set(values)
    except TypeError:  # an unhashable cell value: no shortcut
        return [None if v is None else fn(v) for v in values]
    distinct.discard(None)
    memo = {v: fn(v) for v in distinct}
    get = memo.get
    return [get(v) for v in values]


class Cells:
    """The normalised columns of one sheet's data block, by field."""

    def __init__(self, sheet: Sheet, layout: Layout, block: Block, config: Config, year: int | None, today: dt.date) -> None:
        self.sheet, self.layout, self.block, self.config, self.today = sheet, layout, block, config, today
        self.implied = year or year_hint(sheet.name, Path(sheet.file).name)
        self.n = len(block.numbers)
        self._cache: dict[str, list[object]] = {}

    def raw(self, name: str) -> list[object] | None:
        return self.block.field(self.layout, name)

    def has(self, name: str) -> bool:
        return name in self.layout.columns

    def get(self, f: FieldSpec) -> list[object]:
        """The normalised values of a field (its default for every row when the column is absent)."""
        if f.name in self._cache:
            return self._cache[f.name]
        raw = self.raw(f.name)
        if raw is None:
            out: list[object] = [None] * self.n
        else:
            out = _mapped(raw, self._normaliser(f))
        self._cache[f.name] = out
        return out

    def _normaliser(self, f: FieldSpec) -> Callable[[object], object]:
        if f.type == "date":
            implied, today = self.implied, self.today

            def date(value: object) -> object:
                try:
                    parsed = parse_date(value, implied)
                except DateProblem as exc:
                    return exc
                if parsed is None:
                    return None
                return implausible(parsed, value, today) or parsed

            return date
        if f.type == "id":
            return lambda v: clean_id(cell_text(v))
        if f.type == "text":
            return cell_text
        if f.type == "label":
            return _label(self.config.vocab[f.vocab])
        if f.type == "labels":
            return _labels(self.config.vocab[f.vocab])
        if f.type == "flag":
            return _flag
        if f.type in ("money", "number"):
            return _money
        raise ValueError(f.type)

    def key_column(self, c: int) -> list[str]:
        """A column's cells as they take part in a row's content key."""
        name = next((f for f, i in self.layout.columns.items() if i == c), None)
        fs = spec(self.layout.kind).field(name) if name else None
        if fs is not None and fs.type in ("date", "label", "labels"):
            values = self.get(fs)
            raw = self.block.cells[c]
            return [_key_text(v, r) for v, r in zip(values, raw, strict=True)]
        return [v or "" for v in _mapped(self.block.cells[c], lambda v: norm(cell_text(v)))]  # type: ignore[misc]


def _key_text(value: object, raw: object) -> str:
    """A normalised cell as it takes part in a row key: a date as ISO, labels as their canonical
    names (so that 工作动态 and 工作动态类, 2018/2/2 and 2018-02-02 make the same key)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value:
        return value
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        known, unknown = value
        return "、".join([*known, *(norm(u.text) for u in unknown)])
    return norm(cell_text(raw))


def _label(vocab: Vocabulary) -> Callable[[object], object]:
    def label(value: object) -> object:
        text = cell_text(value)
        if not text:
            return ""
        hit = vocab.lookup(text)
        if hit:
            return hit
        return Unknown(text, vocab.pending(text))

    return label


def _labels(vocab: Vocabulary) -> Callable[[object], object]:
    def labels(value: object) -> tuple[tuple[str, ...], tuple[Unknown, ...]]:
        known: list[str] = []
        unknown: list[Unknown] = []
        for part in _SPLIT.split(cell_text(value)):
            if not part:
                continue
            hit = vocab.lookup(part)
            if hit is None:
                unknown.append(Unknown(part, vocab.pending(part)))
            elif hit not in known:
                known.append(hit)
        return tuple(known), tuple(unknown)

    return labels


# --- one row ----------------------------------------------------------------------------------------

class Row:
    """One data row while its kind's rules look at it: its normalised fields and its findings."""

    __slots__ = ("read", "i", "number", "ok", "excluded")

    def __init__(self, read: "SheetReader", i: int) -> None:
        self.read, self.i, self.number, self.ok, self.excluded = read, i, read.block.numbers[i], True, False

    def __getitem__(self, name: str) -> object:
        return self.read.columns[name][self.i]

    def has(self, name: str) -> bool:
        return self.read.cells.has(name)

    def raw(self, name: str) -> str:
        column = self.read.cells.raw(name)
        return cell_text(column[self.i]) if column is not None else ""

    def add(self, severity: str, code: str, name: str = "", *, variant: str = "", reject: bool = False, **params: object) -> None:
        self.read.add(severity, code, self.number, name, variant=variant, **params)
        if reject:
            self.ok = False

    def date(self, name: str, *, required: bool = False, reject: bool = True) -> dt.date | None:
        value = self[name]
        if isinstance(value, DateProblem):
            self.add("error", "bad-date", name, reject=reject, header=self.read.layout.header_of(name), problem=msg(value.code, **value.params))
            return None
        if value is None and required:
            self.add("error", "missing-date", name, reject=True, header=self.read.layout.header_of(name))
        return value  # type: ignore[return-value]

    def label(self, name: str, what: str, *, required: bool = False, unknown: str = "error", reject: bool = True) -> str | None:
        """Canonical label, '' for an empty cell, None when unknown or undecided (reported)."""
        value = self[name]
        if value is None or value == "":
            if required and self.has(name):
                self.add("error", f"missing-{what}", name, reject=True, what=what)
            return ""
        if isinstance(value, str):
            return value
        assert isinstance(value, Unknown)
        vocab = self.read.vocab_of(name)
        if value.candidates:
            self.add("error", "needs-decision", name, reject=True, variant=name if name in ("applicant", "channel", "result", "channels") else "",
                     value=clip(value.text), candidates="、".join(value.candidates), vocabulary=vocab.name)
            return None
        close = vocab.closest(value.text)
        severity = "error" if self.read.strict else unknown
        self.add(severity, f"unknown-{what}", name, reject=reject and severity == "error", value=clip(value.text),
                 close=msg("closest-known", labels="、".join(close)) if close else "", vocabulary=vocab.name)
        return None


class SheetReader:
    """Reads one register sheet: normalises its columns, runs its kind's rules on every row."""

    def __init__(self, sheet: Sheet, layout: Layout, config: Config, *, year: int | None, strict: bool, today: dt.date) -> None:
        self.sheet, self.layout, self.config, self.strict = sheet, layout, config, strict
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
        from disclo_cli.ingest.rules import RULES

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
        for i in range(len(self.block.numbers)):
            row = Row(self, i)
            values = rule(row, self.config)
            if row.excluded:
                self.out.excluded.add(row.number)
                continue
            if values is None or not row.ok:
                self.out.rejected.add(row.number)
                continue
            records.append(self.spec.make(Place(self.file, self.sheet.name, row.number), keys[i], **values))
        self._finish()
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
                 field=c.field, used=c.used, others="」「".join(c.others))

    def _check_attribute_columns(self) -> None:
        """A CMS's 公开方式 / 公开类别 holds 主动公开 / 依申请公开: the disclosure attribute, not the channel or the
        category; such a column is not read as one (and the choice is reported)."""
        for name in ("channels", "category"):
            raw = self.cells.raw(name) if self.layout.kind == "items" else None
            if not raw:
                continue
            texts = [norm(cell_text(v)) for v in raw if v is not None]
            if texts and sum(t in _ATTRIBUTE for t in texts) * 2 >= len(texts):
                self.add("warning", "attribute-column", None, name, field=name, header=self.layout.header_of(name))
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
            self.add("info", "default-used", None, field=name, value=value, kind=self.layout.kind, count=self.cells.n)

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


def read_sheet(sheet: Sheet, layout: Layout, config: Config, *, year: int | None = None, strict: bool = False, today: dt.date | None = None) -> SheetRead:
    """Every row of one register sheet as a record, or a finding that says why not."""
    return SheetReader(sheet, layout, config, year=year, strict=strict, today=today or dt.date.today()).run()


def read_registers(paths: Iterable[str | Path], config: Config, *, kind: str | None = None, sheet: str | None = None, year: int | None = None,
                   strict: bool = False, today: dt.date | None = None) -> dict[str, Parsed]:
    """Read every register sheet of every file; records grouped by kind."""
    result: dict[str, Parsed] = {}
    for path in paths:
        for s, layout in locate(path, config, kind, sheet):
            read = read_sheet(s, layout, config, year=year, strict=strict, today=today)
            parsed = result.setdefault(layout.kind, Parsed(layout.kind))
            parsed.sheets.append((s.file, s.name, layout.header_row + 1))
            parsed.records.extend(read.records)
            parsed.findings.extend(read.findings)
    return result


def has_control_characters(text: str) -> bool:
    return bool(XML_ILLEGAL.search(text))
