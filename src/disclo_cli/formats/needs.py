"""Which register fields a table definition counts by: the attributes its cells filter on and the
dates of their events. A register that lacks a column a table needs cannot give that table (say so,
never print zeros); this module tells which."""

from __future__ import annotations

from typing import Iterable

from disclo_cli.formats.definition import ATTRIBUTE_OF, CellSpec, Definition, TableDef

#: the record fields an event of a cell reads
EVENT_FIELDS = {
    "date": ("date",), "abolished": ("abolished",), "in_force": ("date", "abolished"), "published_total": ("date",),
    "received": ("received",), "answered": ("answered",), "carried_in": ("received", "answered"),
    "carried_out": ("received", "answered"), "filed": ("filed",),
}


def _specs(table: TableDef) -> Iterable[CellSpec]:
    """Every cell spec of a table: each data row merged with each column, and each row's own cells."""
    columns = [c for c in table.columns if not c.sum]
    for row in table.data_rows:
        if row.cells:
            yield from row.cells
        elif columns:
            yield from (row.spec.merged(c.spec) for c in columns)
        else:
            yield row.spec


def figures_read(definition: Definition) -> set[str]:
    """The [yearly] figures the cells of a definition's tables read."""
    return {spec.figure for table in definition.tables for spec in _specs(table) if spec.figure}


def table_names(ids) -> str:
    """Table ids as a report names them, in order: 表三、表四; the legacy table is 附表."""
    return "、".join(i if i.startswith("附") else f"表{i}" for i in sorted(set(ids)))


def tables_counting(definition: Definition, register: str) -> set[str]:
    """The ids of the tables of `definition` with a cell that counts rows of `register`."""
    return {table.id for table in definition.tables if any(spec.count == register for spec in _specs(table))}


def fields_needed(definition: Definition, register: str) -> dict[str, set[str]]:
    """field -> the ids of the tables of `definition` that count `register` by it."""
    out: dict[str, set[str]] = {}
    for table in definition.tables:
        for spec in _specs(table):
            if spec.count != register:
                continue
            names = [*(attr for attr, _ in spec.where), *EVENT_FIELDS.get(spec.on, ())]
            for name in names:
                out.setdefault(ATTRIBUTE_OF.get((register, name), name), set()).add(table.id)
    return out
