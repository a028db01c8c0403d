"""disclo table, disclo explain."""

from __future__ import annotations

import click

from disclo_cli.cli.options import FORMAT_CHOICE, load_config, render_grids, report_findings


@click.command()
@click.option("--year", required=True, type=click.IntRange(1990, 2100), help="The report year.")
@click.option("--standard", help="legacy, legacy6, 2019 or 2021 (default: the format in force for --year), or a definition .toml file.")
@click.option("--table", "tables", multiple=True, help="Only this table (二, 三, 四; the legacy format has one, 附表). Repeatable.")
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file instead of stdout (needed for xlsx).")
@click.pass_context
def table(ctx: click.Context, year: int, standard: str | None, tables: tuple[str, ...], fmt: str, output: str | None) -> None:
    """The standard statistics table(s) of a year, from the ledger.

    Example: disclo table --year 2023 --table 三 --format xlsx -o 表三.xlsx
    """
    from disclo_cli.render import stat_grid, stat_json
    from disclo_cli.service import build_tables

    config = load_config(ctx, required=True)
    results = build_tables(config, year, standard=standard, tables=tables or None)
    findings = [f for t in results for f in t.findings]
    report_findings(findings)
    render_grids([stat_grid(t) for t in results], stat_json(results), fmt, output)
    if any(f.severity == "error" for f in findings):
        ctx.exit(1)


@click.command()
@click.argument("cell")
@click.option("--year", required=True, type=click.IntRange(1990, 2100))
@click.option("--standard", help="As for 'disclo table' (default: the format in force for --year).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.pass_context
def explain(ctx: click.Context, cell: str, year: int, standard: str | None, fmt: str) -> None:
    """List the register rows behind one table cell.

    Example: disclo explain --year 2023 '三.（三）.1/自然人'
    """
    from disclo_cli.render import Grid, fmt as fmt_value
    from disclo_cli.service import explain_cell

    config = load_config(ctx, required=True)
    result = explain_cell(config, year, cell, standard=standard)
    shown = "（空）" if result.value is None else fmt_value(result.value)  # a blank cell is not "None"
    grid = Grid(f"{result.address} = {shown}", ("file", "sheet", "row", "id", "date", "what"), tuple(result.rows), widths=(14, 8, 4, 14, 10, 30), note=result.note)
    payload = {"cell": result.address, "year": year, "value": result.value, "note": result.note,
               "rows": [dict(zip(("file", "sheet", "row", "id", "date", "what"), r)) for r in result.rows]}
    render_grids([grid], payload, fmt, None)


COMMANDS = [table, explain]
