"""Which register fields a table definition counts by: the attributes its cells filter on and the
dates of their events. A register that lacks a column a table needs cannot give that table (say so,
never print zeros); this module tells which."""

from __future__ import annotations

from typing import Iterable, Mapping

#: the record fields an event of a cell reads
EVENT_FIELDS = {
    "date": ("date",), "abolished": ("abolished",), "in_force": ("date", "abolished"), "published_total": ("date",),
    "received": ("received",), "answered": ("answered",), "carried_in": ("received", "answered"),
    "carried_out": ("received", "answered"), "filed": ("filed",),
}
#: an attribute a definition names, as the register schema names the field
ALIASES = {("items", "channel"): "channels"}


def _specs(table) -> Iterable[Mapping]:
    """Every cell spec of a table: each row merged with each column, and each row's own cells."""
    from disclo_cli.formats.engine import _merge

    columns = [c for c in table.columns if "sum" not in c] or [None]
    for row in table.rows:
        if row.get("block") or "subheader" in row:
            continue
        if "cells" in row:
            for cell in row["cells"]:
                yield _merge(row, None, cell)
        else:
            for column in columns:
                yield _merge(row, column, None)


def fields_needed(definition, register: str) -> dict[str, set[str]]:
    """field -> the ids of the tables of `definition` that count `register` by it."""
    out: dict[str, set[str]] = {}
    for table in definition.tables:
        for spec in _specs(table):
            if spec.get("count") != register:
                continue
            names = [*spec.get("where", {}), *EVENT_FIELDS.get(spec.get("on", "date"), ())]
            for name in names:
                out.setdefault(ALIASES.get((register, name), name), set()).add(table.id)
    return out
