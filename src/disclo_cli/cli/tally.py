"""disclo tally."""

from __future__ import annotations

import click

from disclo_cli.cli.options import FORMAT_CHOICE, InputPath, load_config, render_grids, report_findings
from disclo_cli.messages import N_


@click.command()
@click.argument("files", nargs=-1, type=InputPath())
@click.option("--year", type=click.IntRange(1990, 2100), help=N_("Count only items dated in this year."))
@click.option("--by", "by", multiple=True, type=click.Choice(["category", "channel", "month", "unit"]),
              help=N_("Dimension (default category); twice for a cross table, e.g. --by category --by month."))
@click.option("--sheet", help=N_("Only this sheet (name or 1-based number); default: every sheet that looks like a register."))
@click.option("--strict", is_flag=True, help=N_("Unknown categories and channels are errors (exit 1), not warnings."))
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table", show_default=True, help=N_("Output format."))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help=N_("Write to this file instead of stdout (needed for xlsx)."))
@click.option("--max-problems", type=click.IntRange(min=0), default=100, show_default=True, help=N_("How many problems to list on stderr (0: all)."))
@click.pass_context
def tally(ctx: click.Context, files: tuple[str, ...], year: int | None, by: tuple[str, ...], sheet: str | None, strict: bool, fmt: str, output: str | None, max_problems: int):
    """Count published items (主动公开) by category, channel, month or unit, with shares.

    Example: disclo tally 主动公开台账2018.xlsx --year 2018
    """
    from disclo_cli import render
    from disclo_cli.errors import UsageError
    from disclo_cli.service import tally_files, tally_ledger

    if len(by) > 2:
        raise UsageError("by-too-many")
    if len(by) == 2 and by[0] == by[1]:
        raise UsageError("by-twice", by=by[0])
    config = load_config(ctx)
    if files:
        result = tally_files(files, config, by=by or ("category",), year=year, sheet=sheet, strict=strict)
    else:
        if year is None:
            raise UsageError("tally-nothing")
        result = tally_ledger(config, by=by or ("category",), year=year)
    report_findings(result.findings, limit=max_problems)
    render_grids([render.tally_grid(result)], render.tally_json(result), fmt, output)
    return result


COMMANDS = [tally]
