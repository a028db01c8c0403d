"""disclo calendar import, disclo calendar show."""

from __future__ import annotations

from pathlib import Path

import click

from disclo_cli.cli.options import InputPath, emit, emit_json, err, load_config, wrote
from disclo_cli.messages import N_, _


def calendar_path(ctx: click.Context) -> Path:
    """The workspace's calendar file (calendar.csv beside disclo.toml, or in the current folder),
    relative to the current folder when it can be, as messages show it."""
    import os

    from disclo_cli.calendar_file import CALENDAR_FILE

    path = load_config(ctx).workspace / CALENDAR_FILE
    try:
        return Path(os.path.relpath(path))
    except ValueError:  # another drive (Windows)
        return path


def workspace_calendar(ctx: click.Context):
    """The working-day calendar: the package's, overridden by the workspace's calendar file."""
    from disclo_cli import calendar_file
    from disclo_cli.workdays import Calendar

    return Calendar.of(calendar_file.read(calendar_path(ctx)))


@click.group()
def calendar() -> None:
    """The working-day calendar deadlines are counted on: holidays and make-up days."""


@calendar.command("import")
@click.argument("notice", type=InputPath(dir_okay=False))
@click.option("--year", type=click.IntRange(2000, 2100), help=N_("The notice's year, when its text does not say it."))
@click.option("--replace", "replace_lines", is_flag=True, help=N_("Let the notice's days replace different lines of the calendar file."))
@click.option("--dry-run", is_flag=True, help=N_("Show what the notice says; write nothing."))
@click.pass_context
def calendar_import(ctx: click.Context, notice: str, year: int | None, replace_lines: bool, dry_run: bool):
    """Read the State Council's holiday notice (text) into the calendar file, and show what it read.

    Example: disclo calendar import 2027年节假日安排.txt
    """
    from disclo_cli.calendar_view import notice_lines
    from disclo_cli.notice import import_notice

    result = import_notice(Path(notice), calendar_path(ctx), year=year, replace_lines=replace_lines, dry_run=dry_run)
    emit("".join(line + "\n" for line in notice_lines(result.notice)), None)
    counts = _("{path}: {added} added, {unchanged} unchanged, {replaced} replaced").format(
        path=result.path, added=result.added, unchanged=result.unchanged, replaced=result.replaced)
    err(counts)
    if result.written:
        wrote(result.path)
    elif dry_run:
        err(_("dry run: nothing was written"))


@calendar.command("show")
@click.argument("year", type=click.IntRange(1990, 2100))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True, help=N_("Output format."))
@click.pass_context
def calendar_show(ctx: click.Context, year: int, fmt: str):
    """A year's working days month by month, holidays (休) and make-up days (班) marked.

    Example: disclo calendar show 2027
    """
    from disclo_cli.calendar_view import year_json, year_lines

    cal = workspace_calendar(ctx)
    if fmt == "json":
        emit_json(year_json(cal, year), None)
    else:
        emit("".join(line + "\n" for line in year_lines(cal, year, str(calendar_path(ctx)))), None)


COMMANDS = [calendar]
