"""Turn register sheets into typed records (Item, Request, Case) and findings.

One path per register kind: every column is normalised a column at a time, by the type the register
schema gives its field (each distinct raw value once, so a million rows cost a dictionary look-up
each, not a parse each); then each row is checked by its kind's rules (rules.py), which make the
record or say why the row cannot be counted. Nothing is guessed: a value that maps nowhere, a
judgement call, a column a table needs that the register lacks, become findings with their place.

The rules are run once per distinct combination of what they look at (the fields they only pass
on, such as a title or an id, count only by whether they are empty or a date reads: rules.THROUGH).
A combination whose rule finds nothing gives every row of it the same record values; the rows of a
combination with a finding are each run on their own, in row order, so the findings are those, and
in the order, of running the rule on every row (`reference=True` does exactly that; the tests hold
the two to each other). The records come out a column at a time (`RecordTable`): the columnar
reader (columnar.py) makes Python objects only of the rows with something to report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from disclo_cli.config import Config
from disclo_cli.errors import InputError
from disclo_cli.ingest.cells import Cells, Row, clip
from disclo_cli.ingest.layout import KIND_NAMES, Choice, Layout, data_block, detect, found_headers, near_misses
from disclo_cli.ingest.readers import ENCODING_NAMES, Input, Sheet, formulas, owner_file, read_sheets
from disclo_cli.ingest.rules import RULES, THROUGH
from disclo_cli.ingest.vectors import Coded, Codes, IntVec, combine, counts, flagged, is_arrow, remap, replace, take, without
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
    reads: list = field(default_factory=list)  # SheetRead of each sheet, in order
    findings: list[Finding] = field(default_factory=list)
    sheets: list[tuple[str, str, int]] = field(default_factory=list)  # (file, sheet, header row 1-based)

    @property
    def records(self) -> list:
        """Every sheet's records, in order (made Python objects when first asked for)."""
        return [r for read in self.reads for r in read.records]


class RecordTable:
    """The records one sheet gave, a column at a time: for each record its data row (an index into
    the block), its key, and each stored field's value coded (`Coded`: codes per record)."""

    def __init__(self, kind: str, file: str, sheet: str, numbers: IntVec, rows: IntVec, keys, fields: dict[str, Coded]) -> None:
        self.kind, self.file, self.sheet = kind, file, sheet
        self.numbers, self.rows, self.keys, self.fields = numbers, rows, keys, fields

    def __len__(self) -> int:
        return len(self.rows)

    def key_list(self) -> list[str]:
        keys = self.keys
        return keys if isinstance(keys, list) else keys.to_pylist()

    def without(self, drop: Sequence[int]) -> "RecordTable":
        """The table without the records at the given positions."""
        if not drop:
            return self
        return self.only(without(len(self.rows), drop, self.rows))

    def only(self, keep: IntVec | Sequence[int]) -> "RecordTable":
        """The table of the records at the given positions, in that order."""
        keys = [self.keys[j] for j in keep] if isinstance(self.keys, list) else _take_keys(self.keys, keep)
        fields = {name: Coded(take(col.codes, keep), col.values) for name, col in self.fields.items()}
        return RecordTable(self.kind, self.file, self.sheet, self.numbers, take(self.rows, keep), keys, fields)

    def used(self, name: str) -> list:
        """The distinct values of a field that records hold."""
        col = self.fields[name]
        if not isinstance(col.values, list):
            return list(dict.fromkeys(col.values.take(col.codes)))
        per = counts(col.codes, len(col.values))
        return [v for v, k in zip(col.values, per, strict=True) if k]

    def subset(self, rows: Sequence[int]) -> list[Record]:
        """The records at the given positions, as Python objects."""
        if not rows:
            return []
        reg = spec(self.kind)
        keys = self.keys
        out = []
        for j in rows:
            values = {f.name: col.values[col.codes[j]] for f in reg.stored if (col := self.fields.get(f.name)) is not None}
            key = keys[j] if isinstance(keys, list) else keys[j].as_py()
            out.append(reg.make(Place(self.file, self.sheet, self.numbers[self.rows[j]]), key, **values))
        return out

    def records(self) -> list[Record]:
        """The records as Python objects."""
        reg = spec(self.kind)
        columns = []
        for f in reg.stored:  # the record class takes the stored fields in this order, then place and key
            col = self.fields.get(f.name)
            if col is None:
                columns.append([f.default()] * len(self.rows))
            elif isinstance(col.values, list):
                vals = col.values
                columns.append([vals[c] for c in col.codes])
            else:  # kept in Arrow (columnar.ArrowValues)
                columns.append(col.values.take(col.codes))
        numbers, file, sheet = self.numbers, self.file, self.sheet
        rows = self.rows.tolist() if not isinstance(self.rows, list) else self.rows
        places = [Place(file, sheet, numbers[r]) for r in rows]
        record = reg.record
        return [record(*values) for values in zip(*columns, places, self.key_list(), strict=True)]


@dataclass
class SheetRead:
    """What one register sheet gave: its records, its findings, the rows that could not be filed."""

    sheet: Sheet
    layout: Layout
    findings: list[Finding] = field(default_factory=list)
    rejected: set[int] = field(default_factory=set)  # 1-based rows left out
    excluded: set[int] = field(default_factory=set)  # rows the office's rules say are not counted
    table: RecordTable | None = None
    _records: list[Record] | None = None

    @property
    def kind(self) -> str:
        return self.layout.kind

    @property
    def records(self) -> list[Record]:
        """The records as Python objects (made from the table when first asked for)."""
        if self._records is None:
            self._records = self.table.records() if self.table is not None else []
        return self._records

    @records.setter
    def records(self, value: list[Record]) -> None:
        self._records = value

    @property
    def count(self) -> int:
        """How many records the sheet gave (without making them)."""
        if self._records is not None:
            return len(self._records)
        return len(self.table) if self.table is not None else 0


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
                 year_option: bool = True, reference: bool = False, block=None) -> None:
        self.sheet, self.layout, self.config, self.strict = sheet, layout, config, strict
        self.year_option = year_option  # whether the command has --year (messages say what it can do)
        self.reference = reference  # every row read and ruled on its own, nothing shared (what the shared reading must equal)
        self.spec = spec(layout.kind)
        self.block = block if block is not None else data_block(sheet, layout, share=not reference)
        self.cells = Cells(sheet, layout, self.block, config, year, today)
        self.file = Path(sheet.file).name
        self.out = SheetRead(sheet, layout)
        self.empties: list[tuple[int, int, int]] = []  # (finding index, row, column), 0-based: required cells found empty
        self._vocab: dict[str, Vocabulary] = {}
        self.columns: dict[str, Coded] = {}
        self._probing = False
        self._probed = 0

    def vocab_of(self, name: str) -> Vocabulary:
        return self.config.vocab[self.spec.field(name).vocab]

    def place(self, row: int | None, name: str = "") -> Place:
        column = self.layout.header_of(name) if name else ""
        return Place(self.file, self.sheet.name, row, column)

    def add(self, severity: str, code: str, row: int | None, name: str = "", *, variant: str = "", **params: object) -> None:
        if self._probing:  # a rule tried on a combination's first row: only whether it finds anything counts
            self._probed += 1
            return
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
        keys = self._keys()
        self.out.table = self._rows(keys)
        self._finish()
        if self.sheet.hidden:  # read like any sheet (the file is what the clerk gave), but said
            self.add("warning", "hidden-sheet", None, variant=self.sheet.hidden.replace("-", "_"), rows=self.out.count)
        return self.out

    # -- the rows ------------------------------------------------------------------------------------

    def _rule(self, i: int, plain: list) -> tuple[dict | None, bool, bool]:
        """(values, counted, excluded) of running the kind's rule on data row i."""
        row = Row(self, i)
        values = RULES[self.layout.kind](row, self.config)
        if row.excluded:
            return None, False, True
        if values is None or not row.ok:
            return None, False, False
        for f in plain:
            if f.name not in values:
                values[f.name] = row.plain(f)
        return values, True, False

    def _rows(self, keys) -> RecordTable:
        n = self.cells.n
        # the fields the kind's rules leave alone are the cells as their type reads them
        plain = [f for f in self.spec.stored if not f.derived and f.name in self.layout.columns]
        through = {} if self.reference else THROUGH.get(self.layout.kind, {})
        parts = []
        for name, col in self.columns.items():
            t = through.get(name)
            if t is None:
                parts.append((col.codes, len(col.values)))
            else:
                parts.append(_states(t, col))
        combo, firsts = combine(parts, n) if not self.reference else (list(range(n)), list(range(n)))
        templates: list[dict | None] = []
        for i in firsts:
            self._probing, self._probed = True, 0
            try:
                values, counted, _ = self._rule(i, plain)
            finally:
                self._probing = False
            template = values if counted and not self._probed else None
            if template is not None and through and not all(_passes(t, template.get(name), self.columns[name][i]) for name, t in through.items() if name in template):
                return self._rows_one_by_one(keys, plain)  # a rule that does not pass a field on as declared: every row on its own
            templates.append(template)
        if self.reference:
            return self._rows_one_by_one(keys, plain)
        # the rows of combinations with something to report, each on its own and in order
        problem = flagged(combo, [t is None for t in templates])
        own: dict[int, dict] = {}
        for i in problem:
            values, counted, excluded = self._rule(i, plain)
            number = self.block.numbers[i]
            if excluded:
                self.out.excluded.add(number)
            elif not counted:
                self.out.rejected.add(number)
            else:
                assert values is not None, "a counted row has values"
                own[i] = values
        gone = [i for i in problem if i not in own]
        rows = without(n, gone, combo)
        fields: dict[str, Coded] = {}
        own_rows = sorted(own)
        for f in self.spec.stored:
            t = through.get(f.name)
            if t is not None and f.name in self.columns:
                col = self.columns[f.name]
                codes, distinct = col.codes, _outs(t, col)
            else:
                default = f.default()
                codes, distinct = combo, [tp.get(f.name, default) if tp is not None else default for tp in templates]
            if own_rows:
                start = len(distinct)
                distinct = _extended(distinct, [own[i].get(f.name, f.default()) for i in own_rows])
                codes = replace(codes, own_rows, list(range(start, start + len(own_rows))))
            fields[f.name] = Coded(take(codes, rows), distinct)
        return RecordTable(self.layout.kind, self.file, self.sheet.name, self.block.numbers, rows, _take_keys(keys, rows), fields)

    def _rows_one_by_one(self, keys, plain: list) -> RecordTable:
        """Every row ruled on its own (the reference reading, and a rule that does not keep THROUGH)."""
        n = self.cells.n
        kept: list[int] = []
        per_field: dict[str, list[object]] = {f.name: [] for f in self.spec.stored}
        for i in range(n):
            values, counted, excluded = self._rule(i, plain)
            number = self.block.numbers[i]
            if excluded:
                self.out.excluded.add(number)
                continue
            if not counted:
                self.out.rejected.add(number)
                continue
            kept.append(i)
            for f in self.spec.stored:
                per_field[f.name].append(values.get(f.name, f.default()))  # type: ignore[union-attr]
        rows: IntVec = kept
        serial: IntVec = list(range(len(kept)))
        if is_arrow(self.block.numbers):
            import pyarrow as pa

            rows, serial = Codes(pa.array(kept, pa.int32())), Codes(pa.array(range(len(kept)), pa.int32()))
        fields = {name: Coded(serial, vals) for name, vals in per_field.items()}
        return RecordTable(self.layout.kind, self.file, self.sheet.name, self.block.numbers, rows, _take_keys(keys, rows), fields)

    # -- the sheet as a whole -----------------------------------------------------------------------

    def _report_layout(self) -> None:
        for choice in self.layout.choices:
            self._choice(choice)
        for r in self.block.repeated_headers:
            self.add("info", "repeated-header", r)
        for r, text in self.block.notes:
            self.add("info", "note-row", r, value=clip(text))
        for r, text in self.block.totals:
            self.add("warning", "total-row-data", r, value=clip(text))

    def _report_implied_year(self) -> None:
        """Dates written without a year (「3月5日」) took the sheet's or file name's year: say so once."""
        from disclo_cli.ingest.dates import month_day

        if self.cells.implied is None:
            return
        total, first = 0, None
        for f in self.spec.readable:
            col = self.cells.raw(f.name) if f.type == "date" else None
            if col is None:
                continue
            per = counts(col.codes, len(col.values))  # a value no data row holds (a 合计 row's) is not counted
            flags = [k > 0 and isinstance(v, str) and month_day(v) for v, k in zip(col.values, per, strict=True)]
            if not any(flags):
                continue
            total += sum(k for k, hit in zip(per, flags, strict=True) if hit)
            if first is None:
                first = col.values[col.codes[flagged(col.codes, flags)[0]]]
        if total:
            self.add("info", "year-implied", None, count=total, value=clip(cell_text(first)), year=self.cells.implied)

    def _choice(self, c: Choice) -> None:
        severity = "warning" if c.reason in ("fallback", "same-header") else "info"
        self.add(severity, "column-choice", None, c.field, variant=c.reason.replace("-", "_") if c.reason != "preferred" else "",
                 field=c.field, label=self.spec.field(c.field).label, used=c.used, others="」「".join(c.others))

    def _check_attribute_columns(self) -> None:
        """A CMS's 公开方式 / 公开类别 holds 主动公开 / 依申请公开: the disclosure attribute, not the channel or the
        category; such a column is not read as one (and the choice is reported)."""
        for name in ("channels", "category"):
            raw = self.cells.raw(name) if self.layout.kind == "items" else None
            if not raw or not len(raw):
                continue
            per = counts(raw.codes, len(raw.values))
            filled = sum(k for v, k in zip(raw.values, per, strict=True) if v is not None)
            attribute = sum(k for v, k in zip(raw.values, per, strict=True) if v is not None and norm(cell_text(v)) in _ATTRIBUTE)
            if filled and attribute * 2 >= filled:
                self.add("warning", "attribute-column", None, name, field=name, label=self.spec.field(name).label, header=self.layout.header_of(name))
                self.columns[name] = self.cells.absent()
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
            self.columns[name] = self.cells.absent(value)
            self.add("info", "default-used", None, field=name, label=self.spec.field(name).label, value=value, kind=self.layout.kind, count=self.cells.n)

    def _keys(self):
        """Each row's key: its id where it has one, else all its columns but the running number."""
        n = self.cells.n
        ids = self.columns.get("id") if "id" in self.layout.columns else None
        if is_arrow(self.block.numbers):
            keys = self._arrow_keys(ids, n)
            if keys is not None:
                return keys
        by_id = [id_key(str(v)) if v else None for v in ids.values] if ids is not None else [None]
        codes = ids.codes if ids is not None else [0] * n
        keys: list[str | None] = [by_id[c] for c in codes]
        if None in by_id:
            missing = [i for i in range(n) if keys[i] is None]
            for i, key in zip(missing, self._content_keys(missing), strict=True):
                keys[i] = key
        return keys

    def _arrow_keys(self, ids: Coded | None, n: int):
        import pyarrow as pa
        import pyarrow.compute as pc

        from disclo_cli.ingest.columnar import id_keys

        keys = id_keys(ids) if ids is not None else pa.nulls(n, pa.string())
        if keys is None:
            return None
        if keys.null_count:
            missing = pc.indices_nonzero(pc.is_null(keys)).to_pylist()
            fixes = self._content_keys(missing)
            mask = [False] * n
            for i in missing:
                mask[i] = True
            keys = pc.replace_with_mask(keys, pa.array(mask, pa.bool_()), pa.array(fixes, pa.string()))
        return keys

    def _content_keys(self, rows: list[int]) -> list[str]:
        """The content keys of the given rows (schema.content_key over every headed column)."""
        columns: list[tuple[str, list[Any]]] = []  # (header, the rows' key texts): str, out of an untyped Coded
        for c, h in self.layout.content_columns():
            raw = self.block.cells[c]
            if isinstance(raw.values, list):
                texts = self.cells.key_column(c)
                columns.append((h, [texts[i] for i in rows]))
            else:  # kept in Arrow: only these rows' cells made Python objects
                columns.append((h, [norm(cell_text(v)) if v is not None else "" for v in raw.values.take(take(raw.codes, rows))]))
        return [content_key((h, col[j]) for h, col in columns) for j in range(len(rows))]

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


def _states(t, col: Coded) -> tuple[IntVec, int]:
    """A THROUGH field's state per row, and how many states there are."""
    from disclo_cli.ingest.rules import PASSED, TEXT

    if not isinstance(col.values, list):  # a column kept in Arrow: its states made there
        if t is PASSED:
            from disclo_cli.ingest.vectors import constant

            return constant(len(col.codes), col.codes), 1
        if t is TEXT:
            import pyarrow as pa
            import pyarrow.compute as pc

            full = pc.fill_null(pc.greater(pc.utf8_length(col.values.arrow), 0), False)
            per_value = pc.if_else(full, pa.scalar(0, pa.int32()), pa.scalar(1, pa.int32()))
            assert is_arrow(col.codes), "values kept in Arrow come with Arrow codes"
            return Codes(pc.take(per_value, col.codes.arrow)), 2
    states = [t.state(v) for v in col.values]
    return (remap(col.codes, states) if len(states) > 1 else col.codes), max(states, default=0) + 1


def _outs(t, col: Coded):
    """What the record holds of a THROUGH field, per distinct value."""
    from disclo_cli.ingest.rules import PASSED, TEXT

    if not isinstance(col.values, list) and t in (PASSED, TEXT):  # `value or ""`, in Arrow
        import pyarrow.compute as pc

        from disclo_cli.ingest.arrow_text import ArrowValues

        arr = col.values.arrow
        return ArrowValues(pc.fill_null(arr, "") if arr.null_count else arr)
    return [t.out(v) for v in col.values]


def _extended(values, more: list):
    if isinstance(values, list):
        return values + more
    import pyarrow as pa

    from disclo_cli.ingest.arrow_text import ArrowValues

    return ArrowValues(pa.concat_arrays([values.arrow, pa.array(more, values.arrow.type)]))


def _passes(t, out: object, value: object) -> bool:
    """Whether a rule passed a field on as THROUGH declares (the record holds t.out(value))."""
    expected = t.out(value)
    return out.__class__ is expected.__class__ and out == expected


def _take_keys(keys, rows):
    if isinstance(keys, list):
        return [keys[i] for i in rows]
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.take(keys, rows.arrow if hasattr(rows, "arrow") else pa.array(rows, pa.int32()))


def read_sheet(sheet: Sheet, layout: Layout, config: Config, *, year: int | None = None, strict: bool = False, today: dt.date | None = None,
               year_option: bool = True, reference: bool = False) -> SheetRead:
    """Every row of one register sheet as a record, or a finding that says why not. `year_option`:
    the command has --year (ingest has not: a filed date comes from the register, so that filing the
    same file again files the same dates)."""
    return SheetReader(sheet, layout, config, year=year, strict=strict, today=today or dt.date.today(), year_option=year_option,
                       reference=reference).run()


def read_file(path: str | Path | Input, config: Config, *, kind: str | None = None, sheet: str | None = None, year: int | None = None,
              strict: bool = False, today: dt.date | None = None, columnar: bool | None = None, year_option: bool = True) -> list[SheetRead]:
    """Every register sheet of a file (or of its bytes, read once), each row a record or a finding
    that says why not.

    Read column-wise (columnar.py) where that reads exactly what the row reader reads and the file
    is large enough to gain by it; `columnar=True` for any size (tests), False never."""
    from disclo_cli.ingest.readers import read_input

    today = today or dt.date.today()
    inp = read_input(path)
    if columnar is not False:
        from disclo_cli.ingest import columnar as col

        found = col.read(inp.path, config, kind, sheet, data=inp.data, min_bytes=0 if columnar else col.MIN_BYTES, today=today)
        if found is not None:
            return [SheetReader(s, layout, config, year=year, strict=strict, today=today, year_option=year_option, block=block).run()
                    for s, layout, block in found]
    return [read_sheet(s, layout, config, year=year, strict=strict, today=today, year_option=year_option) for s, layout in locate(inp, config, kind, sheet)]


def read_registers(paths: Iterable[str | Path], config: Config, *, kind: str | None = None, sheet: str | None = None, year: int | None = None,
                   strict: bool = False, today: dt.date | None = None, columnar: bool | None = None) -> dict[str, Parsed]:
    """Read every register sheet of every file; records grouped by kind."""
    result: dict[str, Parsed] = {}
    for path in paths:
        skipped = owner_note(path)
        if skipped is not None:
            result.setdefault(kind or "items", Parsed(kind or "items")).findings.append(skipped)
            continue
        for read in read_file(path, config, kind=kind, sheet=sheet, year=year, strict=strict, today=today, columnar=columnar):
            parsed = result.setdefault(read.kind, Parsed(read.kind))
            parsed.sheets.append((read.sheet.file, read.sheet.name, read.layout.header_row + 1))
            parsed.reads.append(read)
            parsed.findings.extend(read.findings)
    return result


def owner_note(path: str | Path) -> Finding | None:
    """A warning for an Excel/WPS/LibreOffice lock file given as a register (~$台账.xlsx: 台账.xlsx is
    open), which is then skipped; None for any other file."""
    workbook = owner_file(path)
    if not workbook:
        return None
    return Finding.of("warning", "owner-file", Place(Path(path).name), name=Path(path).name, workbook=workbook)
