"""Turn register rows into typed records (Item, Request, Case) and findings.

Values are normalised column by column with a cache per distinct raw value, so a million rows cost
a dictionary look-up each, not a parse each. Nothing is guessed: a value that maps nowhere becomes a
finding with its place, and the record is either kept with the raw label (flagged) or left out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable, Iterable

from disclo_cli.config import Config
from disclo_cli.errors import InputError
from disclo_cli.messages import msg
from disclo_cli.ingest.dates import DateProblem, parse_date, year_hint
from disclo_cli.ingest.layout import KIND_NAMES, Layout, data_block, data_rows, detect, found_headers
from disclo_cli.ingest.readers import ENCODING_NAMES, Sheet, formulas, read_sheets
from disclo_cli.model import Case, Finding, Item, Place, Request
from disclo_cli.text import cell_text, norm
from disclo_cli.vocab import Vocabulary

_SPLIT = re.compile(r"[、,，/;；|\n]+|\s{1,}")
_BRACKETS = re.compile(r"^(.*?)[（(【\[](.*?)[）)】\]]$")
_DASH = re.compile(r"^(.*?)\s*[-—–:：]+\s*(.*)$")
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?")
_NUMBERED = re.compile(r"^\s*(?:[（(]?[0-9一二三四五六七八九十]+[)）]?[.、．:：\s]|[（(][0-9一二三四五六七八九十]+[)）])\s*")
#: what offices write in 办理结果 while a request is still open: no outcome yet
OPEN_WORDS = {"办理中", "正在办理", "未办结", "在办", "待答复", "处理中", "未答复"}
_YES = {"是", "y", "yes", "true", "1", "延期", "已延期", "√", "✓"}
_NO = {"否", "n", "no", "false", "0", "未延期", "不延期", "×", "-", "无"}
#: how many unknown channels of one cell are listed one by one
_MAX_PARTS = 3


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

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


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
    kinds = [kind] if kind else list(config.columns)
    expected = "; ".join(
        f"{KIND_NAMES[k]}: " + ", ".join(f"{f} ({'/'.join(config.columns[k].examples[f][:3])})" for f in config.columns[k].required)
        for k in kinds
    )
    seen = max((found_headers(s) for s in sheets), key=len, default=[])
    where = msg("where-sheet", sheet=sheets[0].name) if len(sheets) == 1 else msg("where-sheets", count=len(sheets))
    found_text = ("「" + "」「".join(seen[:12]) + "」") if seen else msg("found-no-text")
    encoding = sheets[0].encoding if sheets and sheets[0].format in ("csv", "html") else ""
    read_as = msg("read-as", encoding=ENCODING_NAMES.get(encoding, encoding)) if encoding else ""
    variant = "garbled" if encoding == "gb18030" else ""
    raise InputError("no-header" + (f".{variant}" if variant else ""), path=str(path), where=where, read_as=read_as, found=found_text, expected=expected)


class _Cache:
    """Normalise each distinct raw value once."""

    def __init__(self, fn: Callable[[object], object]) -> None:
        self.fn = fn
        self.memo: dict = {}

    def __call__(self, value: object):
        try:
            return self.memo[value]
        except KeyError:
            result = self.memo[value] = self.fn(value)
            return result
        except TypeError:  # unhashable
            return self.fn(value)


def _date_cache(implied: int | None) -> _Cache:
    def fn(value: object):
        try:
            return parse_date(value, implied)
        except DateProblem as exc:
            return exc

    return _Cache(fn)


def _label_cache(vocab: Vocabulary) -> _Cache:
    return _Cache(lambda v: vocab.lookup(cell_text(v)) if cell_text(v) else "")


def _money(value: object) -> Decimal | None | ValueError:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(str(value))
    text = norm(cell_text(value)).replace(",", "")
    if text in ("", "/", "-", "—", "无"):
        return None
    m = _NUMBER.match(text)
    if not m or text[m.end():] not in ("", "元"):
        return ValueError(clip(cell_text(value)))
    try:
        return Decimal(m.group(0))
    except InvalidOperation:
        return ValueError(clip(cell_text(value)))


def _mapped(values: list[object], cache: _Cache) -> list[object]:
    """cache(v) for every value, each distinct value computed once; None stays None."""
    try:
        distinct = set(values)
    except TypeError:  # an unhashable cell value: no shortcut
        return [None if v is None else cache(v) for v in values]
    distinct.discard(None)
    memo = {v: cache(v) for v in distinct}
    get = memo.get
    return [get(v) for v in values]


def _texts(values: list[object]) -> list[str]:
    """Cells as stripped text ('' for blank)."""
    return [v.strip() if v.__class__ is str else ("" if v is None else cell_text(v)) for v in values]


class _Reader:
    """Shared state while reading one sheet: its place, implied year, findings."""

    def __init__(self, sheet: Sheet, layout: Layout, config: Config, year: int | None, strict: bool, findings: list[Finding]) -> None:
        self.sheet = sheet
        self.layout = layout
        self.config = config
        self.strict = strict
        self.findings = findings
        self.file = Path(sheet.file).name
        self.implied = year or year_hint(sheet.name, Path(sheet.file).name)
        self.dates = _date_cache(self.implied)
        self.empties: list[tuple[int, int, int]] = []  # (finding index, row, column), 0-based: required cells found empty

    def place(self, row: int, field: str = "") -> Place:
        column = self.layout.header_of(field) if field and field in self.layout.columns else field
        return Place(self.file, self.sheet.name, row, column)

    def add(self, severity: str, code: str, row: int, field: str = "", *, variant: str = "", **params: object) -> None:
        self.findings.append(Finding.of(severity, code, self.place(row, field), variant=variant, **params))  # type: ignore[arg-type]
        if code.startswith("missing-") and field in self.layout.columns and self.sheet.format == "xlsx":
            self.empties.append((len(self.findings) - 1, row - 1, self.layout.columns[field]))

    def finish(self) -> None:
        """Say why a required cell is empty when it holds a formula that has no saved value
        (files written by programs, not by Excel/WPS: calamine reads such a cell as empty)."""
        if not self.empties:
            return
        found = formulas(self.sheet, {(r, c) for _, r, c in self.empties})
        for i, r, c in self.empties:
            formula = found.get((r, c))
            if formula and i < len(self.findings):
                old = self.findings[i]
                self.findings[i] = Finding.of(old.severity, "formula-without-value", old.place, formula=clip(formula))

    def date(self, values: dict, field: str, row: int, *, required: bool) -> dt.date | None:
        raw = values.get(field)
        parsed = self.dates(raw)
        if isinstance(parsed, DateProblem):
            self.add("error", "bad-date", row, field, header=self.layout.header_of(field), problem=msg(parsed.code, **parsed.params))
            return None
        if parsed is None and required:
            self.add("error", "missing-date", row, field, header=self.layout.header_of(field) if field in self.layout.columns else field)
        return parsed

    def label(self, cache: _Cache, vocab: Vocabulary, values: dict, field: str, row: int, what: str, *, required: bool, unknown: str = "error") -> str | None:
        """Canonical label, '' for an empty cell, None when unknown (reported)."""
        raw = values.get(field)
        text = cell_text(raw)
        if not text:
            if required:
                self.add("error", f"missing-{what.replace(' ', '-')}", row, field, what=what)
            return ""
        hit = cache(raw)
        if hit:
            return hit
        close = vocab.closest(text) if len(text) <= 200 else []
        severity = "error" if self.strict else unknown
        self.add(severity, f"unknown-{what.replace(' ', '-')}", row, field, what=what, value=clip(text),
                 close=msg("closest-known", labels="、".join(close)) if close else "", vocabulary=vocab.name)
        return None


def read_items(sheet: Sheet, layout: Layout, config: Config, *, year: int | None = None, strict: bool = False, findings: list[Finding]) -> list[Item]:
    rd = _Reader(sheet, layout, config, year, strict, findings)
    cats = config.vocab["categories"]
    chans = config.vocab["channels"]
    doc_types = config.vocab["doc_types"]
    cat_cache = _label_cache(cats)
    doc_cache = _label_cache(doc_types)

    def split_channels(value: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
        known: list[str] = []
        unknown: list[str] = []
        for part in _SPLIT.split(cell_text(value)):
            if not part:
                continue
            hit = chans.lookup(part)
            if hit is None:
                unknown.append(part)
            elif hit not in known:
                known.append(hit)
        return tuple(known), tuple(unknown)

    chan_cache = _Cache(split_channels)
    out: list[Item] = []

    def slow(row: int, values: dict) -> None:
        """A row with anything to report: each check in turn, with its finding."""
        date = rd.date(values, "date", row, required=True)
        title = cell_text(values.get("title"))
        if not title:
            rd.add("warning", "missing-title", row, "title")
        category = rd.label(cat_cache, cats, values, "category", row, "category", required=True, unknown="warning")
        known = bool(category)
        if category is None:
            category = cell_text(values.get("category"))
        channels: tuple[str, ...] = ()
        if "channel" in values and values["channel"] is not None:
            channels, bad = chan_cache(values["channel"])
            for part in bad[:_MAX_PARTS]:
                close = chans.closest(part) if len(part) <= 200 else []
                rd.add("error" if strict else "warning", "unknown-channel", row, "channel", what="channel", value=clip(part),
                       close=msg("closest-known", labels="、".join(close)) if close else "", vocabulary="channels")
            if len(bad) > _MAX_PARTS:
                rd.add("error" if strict else "warning", "unknown-channel", row, "channel", variant="more", count=len(bad) - _MAX_PARTS)
        if not channels and config.default_channel:
            channels = (config.default_channel,)
        doc_type = ""
        if values.get("doc_type") is not None:
            # an unknown type: still a published item, just not counted as a 规章/规范性文件 (a warning)
            doc_type = rd.label(doc_cache, doc_types, values, "doc_type", row, "document type", required=False, unknown="warning") or ""
        elif category in doc_types.labels:
            doc_type = category
        abolished = rd.date(values, "abolished", row, required=False) if "abolished" in values else None
        if abolished is None and "valid" in values and cell_text(values.get("valid")) in ("否", "失效", "已废止", "废止"):
            rd.add("warning", "abolished-without-date", row, "valid")
        if date is None or not category:
            return
        out.append(Item(date, title, category, known, channels, cell_text(values.get("id")), cell_text(values.get("unit")), doc_type, abolished, rd.place(row)))

    # The quick way, a column at a time: each distinct value is normalised once; a row whose values
    # are all clean becomes an Item directly, any other row goes the slow way above.
    numbers, cols = data_block(sheet, layout)
    n = len(numbers)
    blank = [None] * n
    raw_dates, raw_cats = cols["date"], cols["category"]
    dates = _mapped(raw_dates, rd.dates)
    categories = _mapped(raw_cats, cat_cache)
    titles = _texts(cols.get("title", blank))
    ids = _texts(cols.get("id", blank))
    units = _texts(cols.get("unit", blank))
    raw_channels = cols.get("channel", blank)
    channels = _mapped(raw_channels, chan_cache)
    fallback = (config.default_channel,) if config.default_channel else ()
    raw_docs = cols.get("doc_type", blank)
    doc_given = _mapped(raw_docs, doc_cache)
    abolished = _mapped(cols.get("abolished", blank), rd.dates)
    invalid = [cell_text(v) in ("否", "失效", "已废止", "废止") for v in cols["valid"]] if "valid" in cols else [False] * n
    doc_labels = set(doc_types.labels)
    date_type = dt.date
    file, sheet_name = rd.file, sheet.name
    fields = list(cols)
    append = out.append
    for i, (number, date, category, title, chan, gone, raw_doc, doc, bad, id_, unit) in enumerate(
            zip(numbers, dates, categories, titles, channels, abolished, raw_docs, doc_given, invalid, ids, units)):
        if raw_doc is None:
            doc = category if category in doc_labels else ""
        if (date.__class__ is date_type and category and title and (chan is None or not chan[1]) and doc is not None
                and (gone is None or gone.__class__ is date_type) and not (bad and gone is None)):
            append(Item(date, title, category, True, (chan[0] if chan is not None else ()) or fallback, id_, unit,
                        doc, gone, Place(file, sheet_name, number)))
        else:
            slow(number, {f: cols[f][i] for f in fields})
    rd.finish()
    return out


def _outcome_and_reason(raw_outcome: str, raw_reason: str, config: Config) -> tuple[str | None, str | None]:
    """(family, reason) from the two cells; either may be None when it maps nowhere.

    The outcome cell may carry the reason too (「不予公开（属于国家秘密）」, 「无法提供-信息不存在」) or be
    the reason alone (「信息不存在」), which names its family.
    """
    outcomes, reasons = config.vocab["outcomes"], config.vocab["reasons"]
    if norm(raw_outcome) in OPEN_WORDS:
        raw_outcome = ""
    raw_outcome = _NUMBERED.sub("", raw_outcome)
    raw_reason = _NUMBERED.sub("", raw_reason)
    family = outcomes.lookup(raw_outcome) if raw_outcome else ""
    if family and family not in config.needs_reason:
        return family, ""  # 予以公开/部分公开 have no numbered reasons: a note in the cell is just a note
    reason_text = raw_reason
    if family is None:
        for pattern in (_BRACKETS, _DASH):
            m = pattern.match(raw_outcome)
            if m and outcomes.lookup(m.group(1)):
                family = outcomes.lookup(m.group(1))
                reason_text = reason_text or m.group(2)
                break
    if family is None and raw_outcome:
        as_reason = reasons.lookup(raw_outcome)
        if as_reason:
            for fam, members in config.reason_families.items():
                if as_reason in members:
                    return fam, as_reason
    reason = reasons.lookup(reason_text) if reason_text else ""
    return family, reason


def read_requests(sheet: Sheet, layout: Layout, config: Config, *, year: int | None = None, strict: bool = False, findings: list[Finding]) -> list[Request]:
    rd = _Reader(sheet, layout, config, year, strict, findings)
    v = config.vocab
    chan_cache, app_cache = _label_cache(v["request_channels"]), _label_cache(v["applicants"])
    out: list[Request] = []
    for row, values in data_rows(sheet, layout):
        ok = True
        received = rd.date(values, "received", row, required=True)
        answered = rd.date(values, "answered", row, required=False) if "answered" in values else None
        channel = rd.label(chan_cache, v["request_channels"], values, "channel", row, "request channel", required=False, unknown="warning") if "channel" in layout.columns else ""
        applicant = rd.label(app_cache, v["applicants"], values, "applicant", row, "applicant type", required="applicant" in layout.columns)
        if applicant is None or ("applicant" in layout.columns and not applicant):
            ok = False
        raw_outcome = cell_text(values.get("outcome"))
        raw_reason = cell_text(values.get("reason"))
        family, reason = _outcome_and_reason(raw_outcome, raw_reason, config)
        if family is None:
            close = v["outcomes"].closest(raw_outcome) if len(raw_outcome) <= 200 else []
            rd.add("error", "unknown-outcome", row, "outcome", value=clip(raw_outcome), close=msg("closest-known", labels="、".join(close)) if close else "",
                   labels="、".join(v["outcomes"].labels))
            ok = False
        elif reason is None:
            members = config.reason_families.get(family, ())
            rd.add("error", "unknown-reason", row, "reason", value=clip(raw_reason), family=family, labels="、".join(members))
            ok = False
        elif family and reason and reason not in config.reason_families.get(family, ()):
            rd.add("error", "reason-mismatch", row, "reason", reason=reason, family=family, labels="、".join(config.reason_families.get(family, ())))
            ok = False
        elif family in config.needs_reason and not reason:
            rd.add("error", "missing-reason", row, "reason" if "reason" in layout.columns else "outcome", family=family,
                   labels="、".join(config.reason_families.get(family, ())))
            ok = False
        if answered is not None and not family and family is not None:
            rd.add("error", "answer-without-outcome", row, "outcome")
            ok = False
        if family and answered is None and "answered" in layout.columns and values.get("answered") is None:
            rd.add("error", "outcome-without-answer-date", row, "answered", family=family)
            ok = False
        if received and answered and answered < received:
            rd.add("error", "answer-before-receipt", row, "answered", answered=answered.isoformat(), received=received.isoformat())
            ok = False
        extended = None
        if values.get("extended") is not None:
            t = norm(cell_text(values["extended"]))
            extended = True if t in _YES else False if t in _NO else None
            if extended is None:
                rd.add("warning", "bad-extended", row, "extended", value=clip(cell_text(values["extended"])))
        fee = _money(values.get("fee"))
        if isinstance(fee, ValueError):
            rd.add("error", "bad-fee", row, "fee", value=str(fee))
            fee, ok = None, False
        if received is None or not ok:
            continue
        out.append(Request(cell_text(values.get("id")), received, channel or "", applicant or "", family or "", reason or "", answered, extended, fee, rd.place(row), cell_text(values.get("content"))))
    rd.finish()
    return out


def read_cases(sheet: Sheet, layout: Layout, config: Config, *, year: int | None = None, strict: bool = False, findings: list[Finding]) -> list[Case]:
    rd = _Reader(sheet, layout, config, year, strict, findings)
    v = config.vocab
    type_cache, route_cache, result_cache = _label_cache(v["case_types"]), _label_cache(v["case_routes"]), _label_cache(v["case_results"])
    out: list[Case] = []
    for row, values in data_rows(sheet, layout):
        filed = rd.date(values, "filed", row, required=True)
        ctype = rd.label(type_cache, v["case_types"], values, "type", row, "case type", required=True)
        route = ""
        if ctype == "行政诉讼":
            route = rd.label(route_cache, v["case_routes"], values, "route", row, "lawsuit route", required=True) if "route" in layout.columns else None
            if route is None and "route" not in layout.columns:
                rd.add("error", "missing-lawsuit-route", row, "type", variant="no-column")
        result = rd.label(result_cache, v["case_results"], values, "result", row, "case result", required=False) if "result" in layout.columns else ""
        if result == "":
            result = "尚未审结"  # a blank result means the case is not concluded (inputs.md)
        if filed is None or not ctype or route is None or (ctype == "行政诉讼" and not route) or result is None:
            continue
        out.append(Case(cell_text(values.get("id")), ctype, route, filed, result, rd.place(row)))
    rd.finish()
    return out


READERS = {"items": read_items, "requests": read_requests, "cases": read_cases}


def read_registers(paths: Iterable[str | Path], config: Config, *, kind: str | None = None, sheet: str | None = None, year: int | None = None, strict: bool = False) -> dict[str, Parsed]:
    """Read every register sheet of every file; records grouped by kind."""
    result: dict[str, Parsed] = {}
    for path in paths:
        for s, layout in locate(path, config, kind, sheet):
            parsed = result.setdefault(layout.kind, Parsed(layout.kind))
            parsed.sheets.append((s.file, s.name, layout.header_row + 1))
            parsed.records.extend(READERS[layout.kind](s, layout, config, year=year, strict=strict, findings=parsed.findings))
    return result
