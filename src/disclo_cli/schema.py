"""The register schema (data/registers.toml), and what is made from it: the record classes of each
register kind, the key that tells two rows apart, the digest that tells two versions of a row apart,
and the rule that decides which of two repeated rows counts.

Readers, the ledger and the engine all take their field lists from here; adding a field to a
register is one entry in registers.toml (plus a ledger migration that adds its column).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tomllib
from dataclasses import dataclass, field, make_dataclass
from decimal import Decimal
from functools import cached_property, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from disclo_cli.text import clean_id, norm

if TYPE_CHECKING:
    from disclo_cli.findings import Place

KINDS = ("items", "requests", "cases")
TYPES = ("date", "text", "id", "label", "labels", "flag", "money", "number")
_FIELD_KEYS = {"type", "vocab", "headers", "fallback", "required", "grouped", "sum", "stored", "derived", "missing", "served_by"}
#: the version of the row digest: a digest of one version never equals one of another
DIGEST_VERSION = "2"


@dataclass(frozen=True)
class FieldSpec:
    """One field of a register kind (see data/registers.toml for what each attribute means)."""

    name: str
    type: str
    vocab: str = ""
    headers: tuple[str, ...] = ()
    fallback: tuple[str, ...] = ()
    required: bool = False
    grouped: bool = False
    sum: bool = False
    stored: bool = True
    derived: bool = False
    missing: str = "error"  # a table counts by it and the register has no column: error | note | ok
    served_by: tuple[str, ...] = ()  # fields whose column may stand in for this one

    @property
    def label(self) -> str:
        """The field's name for people: its best header wording (申请人类型), else its key."""
        return self.headers[0] if self.headers else self.name

    @property
    def sql_type(self) -> str:
        return "INTEGER" if self.type == "flag" else "TEXT"

    def default(self) -> object:
        """The value of the field in a register that has no such column."""
        if self.type == "labels":
            return ()
        if self.type in ("text", "id", "label"):
            return ""
        return None


class Record:
    """Base of the record classes made from the schema (Item, Request, Case): their fields, where
    the row was (`place`) and the key that tells it from other rows (`key`)."""

    __slots__ = ()
    kind: str = ""
    if TYPE_CHECKING:
        place: Place
        key: str

        def __getattr__(self, name: str) -> Any: ...

    def values(self) -> dict[str, object]:
        """The stored fields as a dict (what the ledger keeps)."""
        return {f.name: getattr(self, f.name) for f in spec(self.kind).stored}


@dataclass(frozen=True)
class RegisterSpec:
    """A register kind: its fields in order, the field that dates a row, the record class.

    The field lists are computed once (they are asked for per row by readers and the ledger)."""

    kind: str
    title: str
    date: str
    fields: tuple[FieldSpec, ...]
    serial: tuple[str, ...]
    record: type = field(repr=False, compare=False, default=Record)

    def field(self, name: str) -> FieldSpec:
        f = self._by_name.get(name)
        if f is None:
            raise KeyError(name)
        return f

    @cached_property
    def _by_name(self) -> dict[str, FieldSpec]:
        return {f.name: f for f in self.fields}

    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @cached_property
    def stored(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.stored)

    @cached_property
    def stored_names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.stored)

    @cached_property
    def readable(self) -> tuple[FieldSpec, ...]:
        """The fields a column of the register may hold."""
        return tuple(f for f in self.fields if not f.derived)

    @cached_property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    @cached_property
    def grouped(self) -> tuple[FieldSpec, ...]:
        """The fields tables and tallies count by, in the covering index's order: the unit last,
        because a grouped read leaves it out unless a roll-up asks by unit, and SQLite groups
        without sorting only over a prefix of the index (a unit in the middle cost a temporary
        B-tree: 1M items grouped in 1.5 s instead of 0.3 s)."""
        fields = [f for f in self.fields if f.grouped and f.stored]
        return tuple(sorted(fields, key=lambda f: f.name == "unit"))

    @cached_property
    def summed(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.sum and f.stored)

    def make(self, place: Place, key: str = "", /, **values: object):
        """A record of this kind; fields not given take their default (the record class's own
        defaults: they are immutable, so shared)."""
        if values.keys() <= self.stored_names:
            return self.record(**values, place=place, key=key)
        return self.record(**{k: v for k, v in values.items() if k in self.stored_names}, place=place, key=key)


class SchemaError(ValueError):
    """registers.toml is not a valid schema (a bug in disclo's own data, caught by its tests)."""


def _build(kind: str, data: Mapping[str, Any]) -> RegisterSpec:
    fields = []
    for name, attrs in data.get("fields", {}).items():
        unknown = set(attrs) - _FIELD_KEYS
        if unknown:
            raise SchemaError(f"registers.toml: [{kind}.fields.{name}] unknown key(s) {sorted(unknown)}")
        if attrs.get("type") not in TYPES:
            raise SchemaError(f"registers.toml: [{kind}.fields.{name}] type must be one of {TYPES}")
        if attrs["type"] in ("label", "labels") and not attrs.get("vocab"):
            raise SchemaError(f"registers.toml: [{kind}.fields.{name}] a {attrs['type']} field needs a vocab")
        fields.append(FieldSpec(name, attrs["type"], attrs.get("vocab", ""), tuple(attrs.get("headers", ())), tuple(attrs.get("fallback", ())),
                                bool(attrs.get("required")), bool(attrs.get("grouped")), bool(attrs.get("sum")),
                                bool(attrs.get("stored", True)), bool(attrs.get("derived")), attrs.get("missing", "error"),
                                tuple(attrs.get("served_by", ()))))
        if fields[-1].missing not in ("error", "note", "ok"):
            raise SchemaError(f"registers.toml: [{kind}.fields.{name}] missing must be error, note or ok")
    names = [f.name for f in fields]
    if data.get("date") not in names:
        raise SchemaError(f"registers.toml: [{kind}] date must name one of its fields")
    reg = RegisterSpec(kind, data.get("title", kind), data["date"], tuple(fields), tuple(data.get("serial", ())))
    return RegisterSpec(reg.kind, reg.title, reg.date, reg.fields, reg.serial, _record_class(reg))


_CLASS_NAMES = {"items": "Item", "requests": "Request", "cases": "Case"}
_PY_TYPES = {"date": "dt.date | None", "text": "str", "id": "str", "label": "str", "labels": "tuple[str, ...]",
             "flag": "bool | None", "money": "Decimal | None", "number": "Decimal | None"}


def _record_class(reg: RegisterSpec) -> type:
    from disclo_cli.findings import Place

    fields: list[tuple[str, Any, Any]] = [(f.name, _PY_TYPES[f.type], field(default=f.default())) for f in reg.stored]
    fields += [("place", "Place", field(default_factory=Place)), ("key", "str", field(default=""))]
    cls = make_dataclass(_CLASS_NAMES.get(reg.kind, reg.kind.title()), fields, bases=(Record,), frozen=True, slots=True,
                         namespace={"kind": reg.kind, "__doc__": f"One row of the {reg.title} ({reg.kind})."})
    cls.__module__ = "disclo_cli.model"
    return cls


@lru_cache(maxsize=1)
def schema() -> dict[str, RegisterSpec]:
    """Every register kind, from the registers.toml shipped with the package."""
    data = tomllib.loads(resources.files("disclo_cli.data").joinpath("registers.toml").read_text(encoding="utf-8"))
    unknown = set(data) - set(KINDS)
    if unknown:
        raise SchemaError(f"registers.toml: unknown register kind(s) {sorted(unknown)}")
    return {kind: _build(kind, data[kind]) for kind in KINDS}


def spec(kind: str) -> RegisterSpec:
    return schema()[kind]


def fields_of(kind: str) -> tuple[str, ...]:
    """The attributes a record of the kind has (what table definitions may filter on)."""
    return tuple(f.name for f in spec(kind).stored)


# --- keys and digests ----------------------------------------------------------------------------

def id_key(raw_id: str) -> str:
    """The key of a row that has an id (索引号, 申请编号, 案件编号): the id without invisible characters,
    spaces, case or full-width forms."""
    return "id:" + norm(clean_id(raw_id))


def content_key(cells: Iterable[tuple[str, str]]) -> str:
    """The key of a row without an id: every column of the register it has (header → normalised
    cell), so that two villagers' requests of the same day and subject stay two rows, while the same
    row exported twice is one."""
    text = "\x1f".join(f"{h}\x1e{v}" for h, v in sorted((h, v or "") for h, v in cells) if v)
    return "row:" + hashlib.sha1(text.encode("utf-8")).hexdigest()


def _stored_form(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def to_sql(f: FieldSpec, value: object) -> object:
    """A field value as the ledger stores it."""
    if value is None:
        return None
    if f.type == "date":
        return value.isoformat()  # type: ignore[attr-defined]
    if f.type == "labels":
        return "、".join(value)  # type: ignore[arg-type]
    if f.type == "flag":
        return int(bool(value))
    if f.type in ("money", "number"):
        return str(value)
    return value


def from_sql(f: FieldSpec, value: object) -> object:
    """A stored value back as the record holds it."""
    if value is None:
        return f.default() if f.type in ("text", "id", "label", "labels") else None
    if f.type == "date":
        return dt.date.fromisoformat(str(value))
    if f.type == "labels":
        return tuple(str(value).split("、")) if value else ()
    if f.type == "flag":
        return bool(value)
    if f.type in ("money", "number"):
        return Decimal(str(value))
    return value


def digest(values: Mapping[str, object]) -> str:
    """What tells two versions of a row apart: a hash of its stored fields that have a value.
    A field added to the schema later (empty in old rows) leaves old digests as they were."""
    shown = {k: _stored_form(v) for k, v in values.items() if v not in (None, "", ())}
    body = json.dumps(shown, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return DIGEST_VERSION + ":" + hashlib.sha1(body.encode("utf-8")).hexdigest()


# --- repeats ---------------------------------------------------------------------------------------

def key_of(rec: Record) -> str:
    """A record's key: the one its reader gave it, else its id, else its stored fields."""
    if rec.key:
        return rec.key
    raw_id = getattr(rec, "id", "")
    if raw_id:
        return id_key(raw_id)
    return content_key((name, norm(str(_stored_form(value)))) for name, value in rec.values().items())


def latest(records: Sequence[Record]) -> tuple[list[Record], list[tuple[Record, Record]]]:
    """Records with repeats (the same key) taken once: the later row wins, for files and the ledger
    alike. Returns (records, [(earlier, later)] for each repeat)."""
    position: dict[str, int] = {}
    out: list[Record] = []
    repeats: list[tuple[Record, Record]] = []
    for rec in records:
        key = key_of(rec)
        i = position.get(key)
        if i is None:
            position[key] = len(out)
            out.append(rec)
        else:
            repeats.append((out[i], rec))
            out[i] = rec
    return out, repeats
