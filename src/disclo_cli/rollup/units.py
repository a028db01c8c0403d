"""What the roll-up does with a county's units when rows are filed: a unit's register filed into the
county's ledger (`disclo ingest --unit KEY`), the county's row keys, the unit a command names. The
units themselves (`[[units]]`) are config values, read and checked in config.py."""

from __future__ import annotations

from typing import Sequence

from disclo_cli.config import FIRST_YEAR, LAST_YEAR, SOURCES, UNIT_KEYS, Unit, parse_units  # noqa: F401  (the units are config values)
from disclo_cli.errors import ConfigError
from disclo_cli.text import norm


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
