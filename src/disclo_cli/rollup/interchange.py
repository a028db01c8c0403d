"""The interchange file a unit sends its county: `disclo export --year Y` writes one JSON file with the
aggregates of its rows (the ledger's grouped records and how many rows each stands for, every row up
to the year's end, so that every table can be filled again — including the processing days of each
request, for medians), the figures of its disclo.toml the tables take ([opening], [yearly], the
website and gazette channels, its [office] profile), its own tables, the files behind them and the
problems found in them, with a schema version and a checksum.

The county reads it back only after checking it: a file that is not JSON, is cut short, is of
another schema version, was changed after it was written (the checksum), is of another year or
holds values the register schema does not take is refused with a reason naming the file. The
checksum finds edits and damage; it is not a signature (anyone can write a new one).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

from disclo_cli.config import Config, Office
from disclo_cli.errors import InputError
from disclo_cli.model import Finding, Place, Registers
from disclo_cli.schema import KINDS, FieldSpec, from_sql, spec, to_sql

FORMAT = "disclo-export"
VERSION = 1
MAX_BYTES = 200 << 20
#: the processing days of a request, as the unit counted them (the county counts again on its calendar)
DAYS = "days"
_OFFICE_KEYS = tuple(f.name for f in fields(Office))


def register_fields(kind: str) -> tuple[FieldSpec, ...]:
    """The fields an export carries per register: what the grouped reads keep (tables count by
    them), and the summed ones (a fee)."""
    reg = spec(kind)
    return tuple(f for f in reg.grouped if f.name != "unit") + reg.summed


@dataclass(frozen=True)
class Export:
    """An interchange file, checked: its figures, registers and tables as disclo holds them."""

    path: Path
    year: int
    unit: str  # the county's key of the unit, when the unit gave it (disclo export --unit KEY)
    exported_at: str
    checksum: str
    standard: str
    office: Office
    opening: Mapping[str, int | float]
    opening_through: int | None
    yearly: Mapping[int, Mapping[str, int | Decimal]]
    website_channels: tuple[str, ...]
    gazette_channels: tuple[str, ...]
    categories: tuple[str, ...]  # the unit's categories, in its order (its report's category sentence)
    registers: Registers  # grouped, every row up to the year's end
    days: tuple[int | None, ...]  # the unit's processing days of each grouped request
    tables: tuple[dict, ...]  # the tables as the unit filled them (disclo table --format json)
    sources: tuple[dict, ...]  # the unit's files: name, kind, sha256, ingested_at, rows
    problems: tuple[Finding, ...]  # what was found in its files when they were filed

    def config(self, county: Config) -> Config:
        """The county's configuration with the unit's own figures and profile."""
        from dataclasses import replace

        vocab = dict(county.vocab)
        vocab["categories"] = county.vocab["categories"].extend(list(self.categories), {}, replace=True)
        return replace(county, office=self.office, opening=dict(self.opening), opening_through=self.opening_through, yearly=dict(self.yearly),
                       website_channels=self.website_channels, gazette_channels=self.gazette_channels, db_path=None, units=(), vocab=vocab)


# --- writing ---------------------------------------------------------------------------------------

def export_year(config: Config, year: int, *, calendar=None, standard: str | None = None, unit: str = "",
                now: dt.datetime | None = None) -> tuple[dict, list[Finding]]:
    """The interchange payload of a workspace's year (its checksum included), and what its checks
    found (the file's problems and the tables': the county sees them too)."""
    from disclo_cli import __version__
    from disclo_cli.deadlines import clock_of, deadlines_of
    from disclo_cli.formats.engine import fill_all, load_definition, standard_for_year
    from disclo_cli.ledger import Ledger
    from disclo_cli.workdays import Calendar

    definition = load_definition(standard or standard_for_year(year))
    with Ledger.open(config, create=False) as ledger:
        regs = ledger.grouped(through=year)
        sources = [{"name": s.name, "kind": s.kind, "sha256": s.sha256, "ingested_at": s.ingested_at, "rows": s.rows} for s in ledger.sources()]
        stored = [f for f in ledger.stored_findings(year) if f.code != "unknown-category"]
        problems = [_finding_json(f) for f in stored]
    cal = calendar() if callable(calendar) else calendar or Calendar.of()
    days = [d.processing_days if r.answered is not None else None for r, d in zip(regs.requests, deadlines_of([clock_of(r) for r in regs.requests], cal), strict=True)]
    registers = {}
    for kind in KINDS:
        names = register_fields(kind)
        rows = [[to_sql(f, getattr(r, f.name)) for f in names] + ([days[i]] if kind == "requests" else []) + [n]
                for i, (r, n) in enumerate(regs.weighted(kind))]
        registers[kind] = {"fields": [f.name for f in names] + ([DAYS] if kind == "requests" else []) + ["count"], "rows": rows}
    filled = fill_all(definition, regs, config, year, calendar=cal)
    tables = [t.as_json() for t in filled]
    payload: dict[str, Any] = {
        "format": FORMAT, "version": VERSION, "disclo": __version__, "year": year, "unit": unit,
        "exported_at": (now or dt.datetime.now()).isoformat(timespec="seconds"), "standard": definition.standard,
        "office": {k: getattr(config.office, k) for k in _OFFICE_KEYS},
        "figures": {"opening": dict(config.opening), "opening_through": config.opening_through,
                    "yearly": {str(y): dict(v) for y, v in sorted(config.yearly.items()) if y <= year},
                    "website_channels": list(config.website_channels), "gazette_channels": list(config.gazette_channels),
                    "categories": list(config.vocab["categories"].labels)},
        "registers": registers, "tables": tables, "sources": sources, "problems": problems,
    }
    payload["checksum"] = checksum(payload)
    return payload, [*stored, *(f for t in filled for f in t.findings)]


def checksum(payload: Mapping[str, Any]) -> str:
    """sha256 of the payload's canonical JSON (keys sorted, no spaces), the checksum itself left out."""
    body = {k: v for k, v in payload.items() if k != "checksum"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def export_text(payload: Mapping[str, Any]) -> str:
    """The file's text: indented, each list of plain values (a register row, a table row's values)
    on one line, so that a person can read it and a diff shows the rows that changed."""
    return _dump(payload, 0) + "\n"


def _dump(value: object, level: int) -> str:
    pad, inner = " " * level, " " * (level + 1)
    if isinstance(value, dict) and value:
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {_dump(v, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list) and value and any(isinstance(v, (dict, list)) for v in value):
        return "[\n" + ",\n".join(inner + _dump(v, level + 1) for v in value) + f"\n{pad}]"
    return json.dumps(value, ensure_ascii=False, default=_plain)


def _plain(value: object):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    raise TypeError(type(value))


def _finding_json(f: Finding) -> dict:
    params = {k: (v.text("en") if hasattr(v, "text") and callable(v.text) else v if isinstance(v, (int, float, str)) or v is None else str(v))
              for k, v in f.params}
    return {"severity": f.severity, "code": f.code, "variant": f.variant, "file": f.place.file, "sheet": f.place.sheet,
            "row": f.place.row, "column": f.place.column, "params": params}


# --- reading ---------------------------------------------------------------------------------------

class _Bad(Exception):
    """What is wrong with the content, and where in it (a JSON path)."""


def read_export(path: Path, year: int) -> Export:
    """An interchange file of `year`, checked; InputError naming the file and the reason otherwise."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("export-missing", path=str(path)) from None
    except OSError as exc:
        raise InputError("export-unreadable", path=str(path), problem=exc.strerror or str(exc)) from exc
    if len(data) > MAX_BYTES:
        raise InputError("export-too-big", path=str(path), size=len(data), limit=MAX_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:  # a character cut in two at the end
            raise InputError("export-truncated", path=str(path), size=len(data)) from None
        raise InputError("export-not-json", path=str(path), problem="not UTF-8 text") from None
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        if text.lstrip().startswith("{") and not text.rstrip().endswith("}"):  # an export ends where its object does
            raise InputError("export-truncated", path=str(path), size=len(data)) from exc
        raise InputError("export-not-json", path=str(path), problem=f"line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise InputError("export-not-export", path=str(path))
    if payload.get("version") != VERSION:
        raise InputError("export-version", path=str(path), version=repr(payload.get("version")), supported=VERSION)
    if payload.get("checksum") != checksum(payload):
        raise InputError("export-checksum", path=str(path))
    if payload.get("year") != year:
        raise InputError("export-year", path=str(path), found=repr(payload.get("year")), year=year)
    try:
        return _export(path, payload, year)
    except _Bad as exc:
        raise InputError("export-bad-content", path=str(path), problem=str(exc)) from None


def _get(mapping: Mapping[str, Any], key: str, kind: type | tuple[type, ...], at: str):
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise _Bad(f"{at}{key}: expected {getattr(kind, '__name__', kind)}, found {type(value).__name__}")
    return value


def _export(path: Path, payload: Mapping[str, Any], year: int) -> Export:
    from disclo_cli.config import from_dict
    from disclo_cli.errors import ConfigError

    office_data = _get(payload, "office", dict, "")
    figures = _get(payload, "figures", dict, "")
    through = figures.get("opening_through")
    try:
        sub = from_dict({"office": office_data, "opening": {**_get(figures, "opening", dict, "figures."), **({"through": through} if through is not None else {})},
                         "yearly": _get(figures, "yearly", dict, "figures.")}, Path(f"{path.name}: figures"))
    except ConfigError as exc:
        raise _Bad(exc.message) from None
    channels = {}
    for key in ("website_channels", "gazette_channels", "categories"):  # the unit's own labels: its vocabulary may have more
        value = _get(figures, key, list, "figures.")
        if not all(isinstance(v, str) for v in value):
            raise _Bad(f"figures.{key}: expected a list of texts")
        channels[key] = tuple(value)
    registers = _get(payload, "registers", dict, "")
    records: dict[str, list] = {}
    counts: dict[str, list[int]] = {}
    days: list[int | None] = []
    here = Place(path.name)
    for kind in KINDS:
        block = _get(registers, kind, dict, "registers.")
        names = _get(block, "fields", list, f"registers.{kind}.")
        known = {f.name: f for f in register_fields(kind)}
        extra = [DAYS] if kind == "requests" else []
        if names[-1:] != ["count"] or any(n not in known and n not in extra for n in names[:-1]) or spec(kind).date not in names:
            raise _Bad(f"registers.{kind}.fields: {names!r} are not the fields of the {kind} register")
        reg = spec(kind)
        records[kind], counts[kind] = [], []
        for i, row in enumerate(_get(block, "rows", list, f"registers.{kind}.")):
            at = f"registers.{kind}.rows[{i}]"
            if not isinstance(row, list) or len(row) != len(names):
                raise _Bad(f"{at}: expected {len(names)} values")
            values = {}
            for name, value in zip(names[:-1], row[:-1], strict=True):
                if name == DAYS:
                    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                        raise _Bad(f"{at}.{name}: {value!r} is not a number of days")
                    days.append(value)
                    continue
                values[name] = _value(known[name], value, f"{at}.{name}")
            n = row[-1]
            if not isinstance(n, int) or isinstance(n, bool) or n < 1:
                raise _Bad(f"{at}.count: {n!r} is not a count of rows")
            if values.get(reg.date) is None:
                raise _Bad(f"{at}.{reg.date}: a row needs its date")
            records[kind].append(reg.make(here, "", **values))
            counts[kind].append(n)
    tables = _get(payload, "tables", list, "")
    if not all(isinstance(t, dict) and isinstance(t.get("rows"), list) for t in tables):
        raise _Bad("tables: not the tables of 'disclo table --format json'")
    problems = tuple(_finding(p, f"problems[{i}]") for i, p in enumerate(_get(payload, "problems", list, "")))
    sources = _get(payload, "sources", list, "")
    return Export(path, year, str(payload.get("unit") or ""), str(payload.get("exported_at", "")), str(payload["checksum"]), str(payload.get("standard", "")),
                  sub.office, sub.opening, sub.opening_through, sub.yearly, channels["website_channels"], channels["gazette_channels"], channels["categories"],
                  Registers(records["items"], records["requests"], records["cases"], counts), tuple(days), tuple(tables),
                  tuple(s for s in sources if isinstance(s, dict)), problems)


def _value(f: FieldSpec, value: object, at: str) -> object:
    """A stored value checked for its field's type, as the record holds it."""
    if value is None:
        return from_sql(f, None)
    expected = int if f.type == "flag" else str
    if not isinstance(value, expected) or isinstance(value, bool):
        raise _Bad(f"{at}: {value!r} is not a {f.type}")
    try:
        return from_sql(f, value)
    except (ValueError, ArithmeticError):
        raise _Bad(f"{at}: {value!r} is not a {f.type}") from None


def _finding(data: object, at: str) -> Finding:
    if not isinstance(data, dict) or data.get("severity") not in ("error", "warning", "info") or not isinstance(data.get("code"), str):
        raise _Bad(f"{at}: not a problem")
    raw = data.get("params")
    params: dict = raw if isinstance(raw, dict) else {}
    row = data.get("row") if isinstance(data.get("row"), int) else None
    place = Place(str(data.get("file") or ""), str(data.get("sheet") or ""), row, str(data.get("column") or ""))
    return Finding(data["severity"], data["code"], place, tuple(params.items()), str(data.get("variant") or ""))

