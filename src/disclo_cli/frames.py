"""disclo's numbers as pandas DataFrames, for a statistician (`pip install "disclo[pandas]"`).

pandas is imported here and only here (the command line never imports it)::

    from disclo_cli import config, frames

    county = config.load(Path("示例县/disclo.toml"))
    cells = frames.cells(county, 2023)              # unit, year, table, row, column, value
    cells[cells.row == "一"].pivot_table(index="unit", columns="column", values="value")
    requests = frames.ledger_rows(county, "requests")   # the county's own ledger, one row a request

In a county workspace `cells` has every unit's cells and the combined ones (unit ""); in an
office's, the office's (unit ""). A blank cell is NaN, never 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Sequence

from disclo_cli.config import Config

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ("unit", "year", "table", "row", "column", "value")


def _pandas():
    try:
        import pandas
    except ImportError as exc:  # an optional extra
        from disclo_cli.errors import UsageError

        raise UsageError("frames-no-pandas") from exc
    return pandas


def table_cells(tables: Iterable, unit: str = "") -> list[tuple]:
    """(unit, year, table, row, column, value) of every value cell of filled tables."""
    out = []
    for t in tables:
        for row in t.rows:
            if row.kind != "data":
                continue
            heads = t.columns or row.headers
            for i, value in enumerate(row.values):
                column = heads[i] if i < len(heads) else str(i + 1)
                out.append((unit, t.year, t.table, row.id, column, None if value is None else float(value)))
    return out


def frame(rows: Sequence[tuple]) -> "pd.DataFrame":
    pd = _pandas()
    df = pd.DataFrame(list(rows), columns=list(COLUMNS))
    df["value"] = df["value"].astype("float64")
    return df


def cells(config: Config, year: int, *, standard: str | None = None, tables: Sequence[str] | None = None, calendar=None) -> "pd.DataFrame":
    """A long DataFrame of a year's cells: a county's units' and the combined (unit ''), or an office's.

    What the filling found (an identity that does not hold, a row in no cell, a figure missing) is
    in `df.attrs["findings"]`: a list of Finding.as_dict(), errors first — cells from tables with an
    error are not to be published, as `disclo check` would say."""
    if config.units:
        from disclo_cli.rollup.core import roll_up

        r = roll_up(config, year, standard=standard, tables=tables, calendar=calendar)
        rows = table_cells(r.combined) + [c for u in r.units for c in table_cells(u.tables, u.data.unit.key)]
        found = list(r.all_findings)
    else:
        from disclo_cli.tables import build_tables

        filled = build_tables(config, year, standard=standard, tables=tables, calendar=calendar)
        rows = table_cells(filled)
        found = [f for t in filled for f in t.findings]
    df = frame(rows)
    order = {"error": 0, "warning": 1, "info": 2}
    df.attrs["findings"] = [f.as_dict() for f in sorted(found, key=lambda f: order[f.severity])]
    return df


def ledger_rows(config: Config, kind: str = "requests", *, through: int | None = None) -> "pd.DataFrame":
    """The ledger's rows of a register kind (items, requests, cases), one a row, with where each
    was filed from (file, sheet, row)."""
    from disclo_cli.ledger import Ledger
    from disclo_cli.schema import spec

    pd = _pandas()
    reg = spec(kind)
    with Ledger.open(config, create=False) as ledger:
        records = ledger.records(kind, through=through)
    names = [f.name for f in reg.stored]
    data = [[*("、".join(v) if isinstance(v, tuple) else v for v in (getattr(r, n) for n in names)), r.place.file, r.place.sheet, r.place.row]
            for r in records]
    df = pd.DataFrame(data, columns=[*names, "file", "sheet", "row"])
    for f in reg.stored:
        if f.type == "date":
            df[f.name] = pd.to_datetime(df[f.name])
    return df
