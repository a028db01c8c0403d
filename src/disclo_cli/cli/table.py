"""disclo table, disclo explain."""

from __future__ import annotations

from dataclasses import dataclass

import click

from disclo_cli.cli.options import FORMAT_CHOICE, load_config, render_grids, report_findings
from disclo_cli.messages import N_, _


@dataclass(frozen=True)
class Tables:
    """The filled tables of a command, and the findings of all of them (for the exit code)."""

    tables: tuple
    findings: tuple


@click.command()
@click.option("--year", required=True, type=click.IntRange(1990, 2100), help=N_("The report year."))
@click.option("--standard", help=N_("legacy, legacy6, 2019 or 2021 (default: the format in force for --year), or a definition .toml file."))
@click.option("--table", "tables", multiple=True, help=N_("Only this table (二, 三, 四; the legacy format has one, 附表). Repeatable."))
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table", show_default=True, help=N_("Output format."))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help=N_("Write to this file instead of stdout (needed for xlsx)."))
@click.option("--by", type=click.Choice(["unit"]), help=N_("In a county workspace: a column per unit after the total."))
@click.option("--unit", "unit_key", metavar="KEY", help=N_("In a county workspace: one unit's tables."))
@click.pass_context
def table(ctx: click.Context, year: int, standard: str | None, tables: tuple[str, ...], fmt: str, output: str | None, by: str | None, unit_key: str | None):
    """The standard statistics table(s) of a year, from the ledger.

    Example: disclo table --year 2023 --table 三 --format xlsx -o 表三.xlsx
    """
    from disclo_cli.cli.calendar import workspace_calendar
    from disclo_cli.errors import UsageError
    from disclo_cli.render import stat_grid, stat_json
    from disclo_cli.service import build_tables

    config = load_config(ctx, required=True)
    calendar = lambda: workspace_calendar(ctx)  # read only if a table counts deadlines
    if config.units:
        return _county(config, year, standard, tables, fmt, output, by, unit_key, calendar)
    if by or unit_key:
        raise UsageError("not-a-county", path=str(config.path))
    results = build_tables(config, year, standard=standard, tables=tables or None, calendar=calendar)
    findings = tuple(f for t in results for f in t.findings)
    report_findings(findings)
    render_grids([stat_grid(t) for t in results], stat_json(results), fmt, output)
    return Tables(tuple(results), findings)


def _county(config, year: int, standard, tables, fmt: str, output, by, unit_key, calendar) -> Tables:
    """A county's tables: combined from its units' rows, by unit, or one unit's; the xlsx has the
    reconciliation sheet (each unit's source)."""
    from disclo_cli.render import stat_grid, stat_json
    from disclo_cli.rollup.core import roll_up
    from disclo_cli.rollup.views import breakdown_grids, breakdown_json, reconciliation_grid

    r = roll_up(config, year, standard=standard, tables=tables or None, calendar=calendar)
    if unit_key:
        chosen = r.unit(unit_key)
        results = chosen.tables
        findings = tuple(f.in_unit(chosen.data.unit.label) for f in (*chosen.data.problems, *(x for t in results for x in t.findings)))
    else:
        results, findings = r.combined, r.all_findings
    report_findings(findings)
    grids = breakdown_grids(r) if by else [stat_grid(t) for t in results]
    if fmt == "xlsx" and not unit_key:
        grids.append(reconciliation_grid(r))
    render_grids(grids, breakdown_json(r) if by else stat_json(results), fmt, output)
    return Tables(tuple(results), findings)


EXPLAIN_COLUMNS = ("file", "sheet", "row", "id", "date", "what")
EXPLAIN_HEADS = (N_("file"), N_("sheet"), N_("row"), N_("id"), N_("date"), N_("what"))


@click.command()
@click.argument("cell")
@click.option("--year", required=True, type=click.IntRange(1990, 2100), help=N_("The report year."))
@click.option("--standard", help=N_("As for 'disclo table' (default: the format in force for --year)."))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True, help=N_("Output format."))
@click.pass_context
def explain(ctx: click.Context, cell: str, year: int, standard: str | None, fmt: str):
    """List the register rows behind one table cell.

    Example: disclo explain --year 2023 '三.（三）.1/自然人'
    """
    from disclo_cli.cli.calendar import workspace_calendar
    from disclo_cli.errors import UsageError
    from disclo_cli.render import Grid
    from disclo_cli.render import fmt as fmt_value
    from disclo_cli.service import explain_cell

    config = load_config(ctx, required=True)
    if config.units:  # the county's ledger holds only some units' rows: its cells are not what explain would list
        raise UsageError("explain-in-county")
    result = explain_cell(config, year, cell, standard=standard, calendar=lambda: workspace_calendar(ctx))
    def shown(value: object) -> str:
        return "（空）" if value is None else fmt_value(value)  # a blank cell is not "None" (nor 0)

    machine = fmt != "table"  # CSV and JSON are the same in every language
    language = "en" if machine else None
    rows = tuple((*r[:5], _spreadsheet_text(r[5]) if fmt == "csv" else r[5].text(language)) for r in result.rows)
    heads = EXPLAIN_COLUMNS if machine else tuple(_(h) for h in EXPLAIN_HEADS)
    title = "；".join(f"{a} = {shown(v)}" for a, v in result.cells) if result.cells else f"{result.address} = {shown(result.value)}"
    grid = Grid(title, heads, rows, widths=(14, 8, 4, 14, 10, 30), note=result.note_in(language))
    payload = {"cell": result.address, "year": year, "value": result.value, "note": result.note_in("en"),
               "rows": [dict(zip(EXPLAIN_COLUMNS, r, strict=True)) for r in rows]}
    if result.cells:
        payload["cells"] = [{"cell": a, "value": v} for a, v in result.cells]
    render_grids([grid], payload, fmt, None)
    return None


def _spreadsheet_text(what) -> str:
    """A row's description for CSV: disclo's own '+ ' / '− ' become words, so that a spreadsheet does not
    read the cell as a formula (and the formula guard, render.safe, is left for what came from a register)."""
    from disclo_cli.messages import msg

    words = {"explain.added": "explain.csv-added", "explain.abolished": "explain.csv-abolished"}
    code = getattr(what, "code", "")
    if code in words:
        return msg(words[code], **what.params).text("en")
    return what.text("en")


COMMANDS = [table, explain]
