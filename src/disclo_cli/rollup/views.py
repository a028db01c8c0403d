"""A roll-up shown: a table broken down by unit (one column per unit, after the total), and the
reconciliation sheet (each unit's source: file, hash, time). Grids and JSON only; nothing computed."""

from __future__ import annotations

from disclo_cli.messages import N_, _
from disclo_cli.render import Grid, rounded
from disclo_cli.rollup.core import RollUp


def breakdown_grids(r: RollUp) -> list[Grid]:
    """Per combined table: a line per cell, the total, then each unit's value."""
    names = tuple(u.data.unit.name for u in r.units)
    grids = []
    for ti, t in enumerate(r.combined):
        rows = []
        for ri, row in enumerate(t.rows):
            if row.kind != "data" or not row.values:
                continue
            heads = t.columns or row.headers
            for ci, total in enumerate(row.values):
                label = row.label.strip() + (f" / {heads[ci]}" if len(row.values) > 1 and ci < len(heads) else "")
                values = [rounded(u.tables[ti].rows[ri].values[ci], row.decimals) for u in r.units]
                rows.append((label, rounded(total, row.decimals), *values))
        grids.append(Grid(t.title + _("（by unit）"), (_("item"), _("total"), *names), tuple(rows), widths=(30, 10, *([10] * len(names)))))
    return grids


def breakdown_json(r: RollUp) -> dict:
    tables = []
    for ti, t in enumerate(r.combined):
        cells = []
        for ri, row in enumerate(t.rows):
            if row.kind != "data" or not row.values:
                continue
            heads = t.columns or row.headers
            for ci, total in enumerate(row.values):
                column = heads[ci] if ci < len(heads) else str(ci + 1)
                cells.append({"cell": f"{t.table}.{row.id}/{column}", "row": row.id, "column": column, "total": total,
                              "units": {u.data.unit.key: u.tables[ti].rows[ri].values[ci] for u in r.units}})
        tables.append({"table": t.table, "title": t.title, "cells": cells})
    return {"year": r.year, "standard": r.definition.standard, "by": "unit",
            "units": [{"key": u.data.unit.key, "name": u.data.unit.name, "type": u.data.unit.type} for u in r.units],
            "missing": [{"key": a.unit.key, "name": a.unit.name, "reason": a.finding.message} for a in r.absent], "tables": tables}


RECONCILIATION_HEADS = (N_("key"), N_("unit"), N_("type"), N_("source"), N_("place"), N_("file"), N_("sha256"), N_("filed or exported at"),
                        N_("rows"), N_("status"))


def reconciliation_rows(r: RollUp) -> list[tuple]:
    """A line per file behind each unit's data (a unit with none, or absent: one line)."""
    from disclo_cli.model import blocking

    present = {u.data.unit.key: u for u in r.units}
    absent = {a.unit.key: a for a in r.absent}
    out: list[tuple] = []
    for unit in r.expected:
        a = absent.get(unit.key)
        if a is not None:
            out.append((unit.key, unit.name, unit.type, unit.source, unit.location or "、".join(unit.wordings), "", "", "", "", a.finding.message))
            continue
        u = present[unit.key]
        d = u.data
        own = [*d.problems, *(f for t in u.tables for f in t.findings)]
        errors = sum(1 for f in own if f.severity == "error")
        status = _("ok") if not blocking(own) else _("{count} error(s)").format(count=errors)
        place = d.origin.path
        if d.origin.kind == "export":
            out.append((unit.key, unit.name, unit.type, unit.source, place, place.replace("\\", "/").rsplit("/", 1)[-1], d.origin.digest, d.origin.when, d.rows, status))
        files = d.origin.files or (("", "", "", 0),)
        for i, (name, sha, when, _rows) in enumerate(files):
            first = i == 0 and d.origin.kind != "export"
            out.append((unit.key, unit.name, unit.type, unit.source, place, name, sha, when, d.rows if first else "", status if first else ""))
    return out


def reconciliation_grid(r: RollUp) -> Grid:
    rows = reconciliation_rows(r)
    return Grid(_("{year} roll-up: the units' sources").format(year=r.year), tuple(_(h) for h in RECONCILIATION_HEADS), tuple(rows),
                widths=(10, 20, 8, 10, 30, 30, 20, 20, 8, 30))
