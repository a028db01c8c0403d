"""disclo check."""

from __future__ import annotations

from pathlib import Path

import click

from disclo_cli.cli.options import SEVERITY_WORDS, InputPath, emit, emit_json, err, load_config
from disclo_cli.messages import N_, _


@click.command()
@click.argument("files", nargs=-1, type=InputPath())
@click.option("--year", required=True, type=click.IntRange(1990, 2100), help=N_("The report year."))
@click.option("--standard", help=N_("As for 'disclo table' (default: the format in force for --year)."))
@click.option("--previous", type=InputPath(dir_okay=False), help=N_("Last year's published figures, as 'disclo table --format json' wrote them."))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True, help=N_("Output format."))
@click.pass_context
def check(ctx: click.Context, files: tuple[str, ...], year: int, standard: str | None, previous: str | None, fmt: str):
    """Say whether a year's numbers hold together (exit 0: no error; 1: errors).

    Example: disclo check --year 2023 --previous 2022表.json   (or: disclo check --year 2023 台账*.xlsx)
    """
    from disclo_cli.cli.calendar import workspace_calendar
    from disclo_cli.service import check_year

    config = load_config(ctx, required=not files)
    last = Path(previous) if previous else None
    if config.units and not files:  # a county: the roll-up checks (docs/rollup.md)
        from disclo_cli.rollup.checks import check_rollup

        result = check_rollup(config, year, standard=standard, previous=last, calendar=lambda: workspace_calendar(ctx))
    else:
        if not files:
            from disclo_cli.ledger import Ledger

            with Ledger.open(config) as ledger:
                ledger.verify()  # the ledger first (SQLite's integrity check), then the figures
        result = check_year(config, year, standard=standard, previous=last, files=files)
    if fmt == "json":
        emit_json(result.as_json(), None)
    else:
        # one finding per line (severity, rule, place: what), then what to do: readable at any width
        lines = []
        for f in result.findings:
            lines.append(_check_line(f))
            if f.hint:
                lines.append(f"    → {f.hint}")
        emit("".join(line + "\n" for line in lines), None)
        err(_("check {year} ({standard}): {errors} error(s), {warnings} warning(s)").format(
            year=year, standard=result.standard, errors=result.errors, warnings=result.warnings))
    return result


def _check_line(f) -> str:
    place = str(f.place)
    return _("{severity} [{code}] {place}{message}").format(severity=_(SEVERITY_WORDS[f.severity]), code=f.code, place=place + _(": ") if place else "", message=f.message)


COMMANDS = [check]
