"""disclo check."""

from __future__ import annotations

from pathlib import Path

import click

from disclo_cli.cli.options import emit, err, load_config


@click.command()
@click.argument("files", nargs=-1, type=click.Path())
@click.option("--year", required=True, type=click.IntRange(1990, 2100), help="The report year.")
@click.option("--standard", help="As for 'disclo table' (default: the format in force for --year).")
@click.option("--previous", type=click.Path(dir_okay=False), help="Last year's published figures, as 'disclo table --format json' wrote them.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def check(ctx: click.Context, files: tuple[str, ...], year: int, standard: str | None, previous: str | None, fmt: str) -> None:
    """Say whether a year's numbers hold together (exit 0: no error; 1: errors).

    Example: disclo check --year 2023 --previous 2022表.json   (or: disclo check --year 2023 台账*.xlsx)
    """
    from disclo_cli import render
    from disclo_cli.service import check_year

    config = load_config(ctx, required=not files)
    result = check_year(config, year, standard=standard, previous=Path(previous) if previous else None, files=files)
    if fmt == "json":
        emit(render.to_json_text(result.as_json()), None)
    else:
        # one finding per line (severity, rule, place: what), then what to do: readable at any width
        lines = []
        for f in result.findings:
            place = str(f.place)
            lines.append(f"{f.severity} [{f.code}] {place + ': ' if place else ''}{f.message}")
            if f.hint:
                lines.append(f"    → {f.hint}")
        emit("".join(line + "\n" for line in lines), None)
        err(f"check {year} ({result.standard}): {result.errors} error(s), {result.warnings} warning(s)")
    if result.errors:
        ctx.exit(1)


COMMANDS = [check]
