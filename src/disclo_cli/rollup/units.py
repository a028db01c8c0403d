"""A county workspace's units (`[[units]]` in its disclo.toml), as typed values checked when the file
is read: a key (a unit's name is not a key — every county has a 财政局), a display name, a type, a
parent, the years it existed, and the one place its data is — a member workspace, an exported JSON
file, or the rows of the county's own registers whose unit column names it. docs/rollup.md
describes every key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from disclo_cli.errors import ConfigError
from disclo_cli.text import norm

SOURCES = ("workspace", "export", "column")
UNIT_KEYS = ("key", "name", "type", "parent", "years", *SOURCES, "stock_in", "follows", "opening", "yearly")
KEY_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,39}")
FIRST_YEAR, LAST_YEAR = 1990, 2100


@dataclass(frozen=True)
class Unit:
    """One unit of a county: where its data is and the years it existed."""

    key: str
    name: str
    type: str
    source: str  # workspace | export | column
    location: str = ""  # workspace: a folder; export: a file ({year} replaced); relative to the county's disclo.toml
    wordings: tuple[str, ...] = ()  # column: what the county's registers' unit column says for it
    parent: str = ""
    years: tuple[int, int] = (FIRST_YEAR, LAST_YEAR)
    stock_in: str = ""  # its stocks (documents in force) are counted by this unit too: stock cells leave it out
    follows: tuple[str, ...] = ()  # the units it continues (renamed from, merged from)
    opening: Mapping[str, int | float] = field(default_factory=dict)  # column units: their [opening]
    opening_through: int | None = None
    yearly: Mapping[int, Mapping[str, object]] = field(default_factory=dict)  # column units: their [yearly]

    def exists_in(self, year: int) -> bool:
        return self.years[0] <= year <= self.years[1]

    def path(self, workspace: Path, year: int) -> Path:
        """The folder (workspace) or the file (export) of the unit's data for a year."""
        path = Path(self.location.replace("{year}", str(year)))
        return path if path.is_absolute() else workspace / path

    @property
    def label(self) -> str:
        """How messages name the unit: its name and key."""
        return f"{self.name}（{self.key}）"


def parse_units(raw: object, where: str, workspace: Path | None) -> tuple[Unit, ...]:
    """The `[[units]]` of a disclo.toml, checked: unknown keys, a missing or duplicate key, a unit
    with no place or two, two units in one place, a parent, stock_in or follows that names no unit."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError("units-not-list", where=where)
    units = [_unit(entry, i, where) for i, entry in enumerate(raw)]
    _check_keys(units, where)
    _check_places(units, where, workspace)
    return tuple(units)


def _unit(entry: object, index: int, where: str) -> Unit:
    from disclo_cli.config import _text

    at = f"{where}: [[units]] #{index + 1}"
    if not isinstance(entry, dict):
        raise ConfigError("units-not-list", where=where)
    if isinstance(entry.get("key"), str):
        at = f"{where}: [[units]] key = {entry['key']!r}"
    unknown = [k for k in entry if k not in UNIT_KEYS]
    if unknown:
        raise ConfigError("units-unknown-key", where=at, keys=", ".join(unknown), known=", ".join(UNIT_KEYS))
    for required in ("key", "name", "type"):
        if not entry.get(required):
            raise ConfigError("units-missing", where=at, key=required)
    key = _text(entry["key"], f"{at} key")
    if not KEY_RE.fullmatch(key):
        raise ConfigError("units-bad-key", where=at, value=key)
    sources = [s for s in SOURCES if s in entry]
    if len(sources) != 1:
        raise ConfigError("units-source" if not sources else "units-two-sources", where=at, sources=", ".join(sources or SOURCES))
    source = sources[0]
    wordings: tuple[str, ...] = ()
    location = ""
    if source == "column":
        value = entry["column"]
        wordings = tuple(_strings([value] if isinstance(value, str) else value, f"{at} column"))
        if not wordings or not all(w.strip() for w in wordings):
            raise ConfigError("units-missing", where=at, key="column")
    else:
        location = _text(entry[source], f"{at} {source}")
        if not location.strip():
            raise ConfigError("units-missing", where=at, key=source)
    if source != "column" and ("opening" in entry or "yearly" in entry):
        raise ConfigError("units-figures-not-column", where=at, source=source)
    opening, through, yearly = _figures(entry, at)
    return Unit(key, _text(entry["name"], f"{at} name"), _text(entry["type"], f"{at} type"), source, location, wordings,
                _text(entry.get("parent", ""), f"{at} parent"), _years(entry.get("years"), at),
                _text(entry.get("stock_in", ""), f"{at} stock_in"), tuple(_strings(entry.get("follows", []), f"{at} follows")),
                opening, through, yearly)


def _strings(value: object, where: str) -> list[str]:
    from disclo_cli.config import _strings as strings

    return strings(value, where)


def _years(value: object, at: str) -> tuple[int, int]:
    if value is None:
        return (FIRST_YEAR, LAST_YEAR)
    ok = isinstance(value, list) and len(value) == 2 and all(isinstance(y, int) and not isinstance(y, bool) and FIRST_YEAR <= y <= LAST_YEAR for y in value)
    if not ok or value[0] > value[1]:  # type: ignore[index]
        raise ConfigError("units-years", where=at, value=repr(value)[:60])
    return (value[0], value[1])  # type: ignore[index]


def _figures(entry: Mapping[str, Any], at: str) -> tuple[dict[str, int | float], int | None, dict[int, dict[str, object]]]:
    """A column unit's own [opening] and [yearly] figures (the same keys as disclo.toml's)."""
    from disclo_cli.config import from_dict

    if "opening" not in entry and "yearly" not in entry:
        return {}, None, {}
    sub = from_dict({k: entry[k] for k in ("opening", "yearly") if k in entry}, Path(at))  # messages name the unit
    return dict(sub.opening), sub.opening_through, {y: dict(v) for y, v in sub.yearly.items()}


def _check_keys(units: Sequence[Unit], where: str) -> None:
    seen: dict[str, Unit] = {}
    for u in units:
        folded = u.key.lower()
        if folded in seen:
            raise ConfigError("units-duplicate-key", where=where, key=u.key, other=seen[folded].key)
        seen[folded] = u
    keys = {u.key for u in units}
    for u in units:
        for name, value in (("parent", u.parent), ("stock_in", u.stock_in), *(("follows", f) for f in u.follows)):
            if value and (value not in keys or value == u.key):
                raise ConfigError("units-no-such-unit", where=where, unit=u.key, key=name, value=value, keys=", ".join(sorted(keys)))
    parents = {u.key: u.parent for u in units}
    for u in units:  # a parent chain that comes back to the unit
        chain, current = [u.key], u.parent
        while current:
            if current in chain:
                raise ConfigError("units-parent-loop", where=where, units=" → ".join([*chain, current]))
            chain.append(current)
            current = parents.get(current, "")


def _overlap(a: Unit, b: Unit) -> bool:
    return a.years[0] <= b.years[1] and b.years[0] <= a.years[1]


def _check_places(units: Sequence[Unit], where: str, workspace: Path | None) -> None:
    """Two units of the same years in one place would count the same rows twice."""
    base = workspace or Path(".")
    places: list[tuple[Unit, str]] = []
    for u in units:
        if u.source == "column":
            places += [(u, "column:" + norm(w)) for w in u.wordings]
        else:
            places.append((u, f"{u.source}:{Path(base, u.location).resolve(strict=False)}".lower()))
    for i, (a, pa) in enumerate(places):
        for b, pb in places[i + 1:]:
            if pa == pb and a.key != b.key and _overlap(a, b):
                shown = a.location if a.source != "column" else pa.split(":", 1)[1]
                raise ConfigError("units-same-place", where=where, first=a.key, second=b.key, place=shown)


def tag(records: Sequence, unit: Unit, place) -> tuple[list, list]:
    """The records of a unit's register filed into its county's ledger (`disclo ingest --unit KEY`):
    each row's unit column says the unit. Returns (records, findings): a note where a row named
    another unit."""
    from dataclasses import replace

    from disclo_cli.model import Finding

    value = unit.wordings[0]
    other = sum(1 for r in records if r.unit and norm(r.unit) not in {norm(w) for w in unit.wordings})
    findings = [Finding.of("info", "unit-overridden", place, rows=other, unit=unit.label)] if other else []
    return [replace(r, unit=value) for r in records], findings


def county_keys(records: Sequence) -> list:
    """In a county's ledger a row is its unit's: two units' 申请编号 2023-001 are two requests, so
    the key of a row that names its unit holds the unit too (a row without one keeps its key)."""
    from dataclasses import replace

    from disclo_cli.schema import key_of

    out = []
    for r in records:
        if r.unit:
            prefix, _, rest = key_of(r).partition(":")
            r = replace(r, key=f"{prefix}:{norm(r.unit)}/{rest}")
        out.append(r)
    return out


def column_unit(units: Sequence[Unit], key: str) -> Unit:
    """The unit `disclo ingest --unit KEY` files rows for: one counted from the county's registers."""
    for u in units:
        if u.key == key and u.source == "column":
            return u
    raise ConfigError("unit-key-unknown", key=key, keys=", ".join(u.key for u in units if u.source == "column") or "—")
