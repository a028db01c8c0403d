"""The cells of a register sheet, normalised a column at a time by the type the register schema
gives each field (each distinct raw value once: columns are held coded, vectors.py), and the view of
one row its kind's rules get."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable, Protocol

from disclo_cli.config import Config
from disclo_cli.ingest.dates import DateProblem, implausible, parse_date, year_hint
from disclo_cli.ingest.layout import Block, Layout
from disclo_cli.ingest.readers import Sheet
from disclo_cli.ingest.vectors import Coded, constant
from disclo_cli.messages import msg
from disclo_cli.schema import FieldSpec, spec
from disclo_cli.text import cell_text, clean_id, norm
from disclo_cli.vocab import Vocabulary


class RowSource(Protocol):
    """What a Row reads its sheet through (registers.SheetReader)."""

    block: Block
    layout: Layout
    cells: Cells
    columns: dict[str, Coded]
    strict: bool
    year_option: bool  # the command has --year (ingest has not)

    def add(self, severity: str, code: str, row: int | None, name: str = "", *, variant: str = "", **params: object) -> None: ...

    def vocab_of(self, name: str) -> Vocabulary: ...

_SPLIT = re.compile(r"[、,，/;；|\n]+|\s{1,}")
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?")
_YES = {"是", "y", "yes", "true", "1", "延期", "已延期", "√", "✓"}
_NO = {"否", "n", "no", "false", "0", "未延期", "不延期", "×", "-", "无"}
#: the largest fee an office may charge for one request (元): more is a typo, not a fee
MAX_FEE = Decimal(100_000)
#: how many unknown channels of one cell are listed one by one
MAX_PARTS = 3


def clip(text: str, n: int = 60) -> str:
    """A cell's text short enough for a message (a 1 MB cell must not become a 1 MB message)."""
    return text if len(text) <= n else text[: n - 1] + "…"


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
        shown = f"{value:g}" if isinstance(value, float) else clip(cell_text(value))  # 1e+308, not its 309 digits
        return Bad(shown, msg("money.out-of-range", value=shown, limit=f"{MAX_FEE:,}"))
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


class Cells:
    """The normalised columns of one sheet's data block, by field."""

    def __init__(self, sheet: Sheet, layout: Layout, block: Block, config: Config, year: int | None, today: dt.date) -> None:
        self.sheet, self.layout, self.block, self.config, self.today = sheet, layout, block, config, today
        self.implied = year or year_hint(sheet.name, Path(sheet.file).name)
        self.n = len(block.numbers)
        self._cache: dict[str, Coded] = {}

    def raw(self, name: str) -> Coded | None:
        return self.block.field(self.layout, name)

    def has(self, name: str) -> bool:
        return name in self.layout.columns

    def absent(self, value: object = None) -> Coded:
        """A column every row of which holds `value` (a field the register has no column for)."""
        return Coded(constant(self.n, self.block.numbers), [value])

    def get(self, f: FieldSpec) -> Coded:
        """The normalised values of a field (its default for every row when the column is absent):
        each distinct raw value normalised once, the rows sharing the raw column's codes."""
        if f.name in self._cache:
            return self._cache[f.name]
        raw = self.raw(f.name)
        if raw is None:
            out = self.absent()
        elif not isinstance(raw.values, list) and f.type in ("text", "id"):
            # a column kept in Arrow (columnar.py): its text made in Arrow (clean_id adds nothing to cell_text)
            from disclo_cli.ingest.arrow_text import ArrowValues, cell_texts

            out = raw.mapped(ArrowValues(cell_texts(raw.values.arrow)))
        else:
            fn = self._normaliser(f)
            out = raw.mapped([None if v is None else fn(v) for v in raw.values])
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

    def key_column(self, c: int) -> Coded:
        """A column's cells as they take part in a row's content key."""
        name = next((f for f, i in self.layout.columns.items() if i == c), None)
        fs = spec(self.layout.kind).field(name) if name else None
        raw = self.block.cells[c]
        if fs is not None and fs.type in ("date", "label", "labels") and self.block.field(self.layout, fs.name) is raw:
            values = self.get(fs)
            return raw.mapped([_key_text(v, r) for v, r in zip(values.values, raw.values, strict=True)])
        return raw.mapped([norm(cell_text(v)) if v is not None else "" for v in raw.values])


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

    def __init__(self, read: RowSource, i: int) -> None:
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

    def plain(self, f: FieldSpec) -> object:
        """A field no rule of the kind looks at: the cell as its type reads it; a cell that does not
        read is reported and left empty (the row is still counted)."""
        if f.type == "date":
            return self.date(f.name, reject=False)
        if f.type == "label":
            return self.label(f.name, "label", unknown="warning", reject=False) or ""
        value = self[f.name]
        if isinstance(value, Bad):
            self.add("error", "bad-value", f.name, value=value.text, why=value.why)
            return f.default()
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], tuple):
            return value[0]  # labels: the known ones (the unknown are reported by the kind's rules)
        return f.default() if value is None else value

    def date(self, name: str, *, required: bool = False, reject: bool = True) -> dt.date | None:
        value = self[name]
        if isinstance(value, DateProblem):
            code = value.code
            if code == "date.no-year" and not self.read.year_option:
                code = "date.no-year-in-name"  # ingest has no --year: the year comes from the register itself
            self.add("error", "bad-date", name, reject=reject, header=self.read.layout.header_of(name), problem=msg(code, **value.params))
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
