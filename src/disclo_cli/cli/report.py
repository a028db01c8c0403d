"""disclo report."""

from __future__ import annotations

import click

from disclo_cli.cli.options import Day, InputPath, emit, err, load_config, report_findings, wrote
from disclo_cli.messages import N_, _


@click.command()
@click.option("--year", required=True, type=click.IntRange(1990, 2100), help=N_("The report year."))
@click.option("--standard", help=N_("legacy, legacy6, 2019 or 2021 (default: the format in force for --year), or a definition .toml file."))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help=N_("The DOCX to write (default: {year}年政府信息公开工作年度报告.docx in the workspace)."))
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help=N_("Also write the report's tables as JSON (the shape of 'disclo table --format json')."))
@click.option("--prose", "prose_path", type=InputPath(dir_okay=False, check=False), help=N_("The office's text (default: prose/{year}.md in the workspace)."))
@click.option("--date", type=Day(),
              help=N_("The date under the signature: 2019-01-15, 2019/1/15 or 2019年1月15日 (default: today within the reporting window, else the year's last day)."))
@click.option("--template", type=InputPath(dir_okay=False), help=N_("The office's letterhead DOCX to build on (default: [report] template in disclo.toml)."))
@click.option("--charts/--no-charts", default=None, help=N_("Add the charts of items by month and by category (default: [report] charts)."))
@click.option("--previous", type=InputPath(dir_okay=False),
              help=N_("Last year's published figures, as 'disclo table --format json' wrote them, for the year-over-year comparisons."))
@click.option("--preview", is_flag=True, help=N_("Print the report as text to stdout and write nothing."))
@click.option("--force", is_flag=True, help=N_("Write the report even if a check fails (marked as unchecked; for internal review only)."))
@click.option("--final", is_flag=True, help=N_("Refuse to write while 【请填写】 placeholders remain, or without --date outside the reporting window."))
@click.option("--new-prose", is_flag=True, help=N_("Only write prose/{year}.md, from last year's text or as a skeleton."))
@click.option("--each-unit", is_flag=True, help=N_("In a county workspace: every unit's draft, into a folder (--output DIR; default: {year}年各单位年度报告)."))
@click.option("--volume", is_flag=True, help=N_("With --each-unit: also bind the county's report and every unit's into one DOCX."))
@click.option("--jobs", type=click.IntRange(0, 64), default=0,
              help=N_("With --each-unit: processes writing drafts at once (default: as many as the computer has cores, at most 4)."))
@click.pass_context
def report(ctx: click.Context, year: int, standard: str | None, output: str | None, json_path: str | None, prose_path: str | None,
           date, template: str | None, charts: bool | None, previous: str | None, preview: bool, force: bool, final: bool, new_prose: bool,
           each_unit: bool, volume: bool, jobs: int):
    """The annual report (政府信息公开工作年度报告) as a Word draft.

    Example: disclo report --year 2018 --date 2019-01-15   (or: disclo report --year 2018 --preview | less)
    """
    from disclo_cli.report import builder

    if jobs and not (each_unit or volume):
        from disclo_cli.errors import UsageError

        raise UsageError("jobs-needs-each-unit")
    config = load_config(ctx, required=True)
    if each_unit or volume:
        return _each_unit(config, year, standard, output, date, force, volume, jobs)
    if new_prose:
        path, how = builder.new_prose(config, year, standard=standard)
        err(_("wrote {path} ({how})").format(path=path, how=how))
        err(_("Next: write the office's text in it, then: disclo report --year {year}").format(year=year))
        return None
    if preview:
        if output or json_path or final or template:
            from disclo_cli.errors import UsageError

            raise UsageError("report-preview-writes-nothing")
        shown = builder.preview_report(config, year, standard=standard, prose_path=prose_path, date=date, force=force, charts=charts,
                                       previous=previous)
        report_findings(shown.findings)
        emit(shown.text, None)
        if shown.placeholders:
            err(_("{count} 【请填写】 placeholder(s) to fill before publishing.").format(count=len(shown.placeholders)))
        return None
    _check_outputs(output or builder.default_output(config, year), json_path)
    options = dict(standard=standard, output=output, json_path=json_path, prose_path=prose_path, date=date, force=force, final=final,
                   template=template, charts=charts, previous=previous)
    if config.units:  # a county's own report, from its units' rows combined
        from disclo_cli.cli.calendar import workspace_calendar
        from disclo_cli.rollup.reports import county_report

        result = county_report(config, year, calendar=lambda: workspace_calendar(ctx), **options)
    else:
        result = builder.build_report(config, year, **options)
    report_findings(result.findings)
    if result.checked:
        wrote(result.path)
    else:
        err(_("wrote {path} (UNCHECKED: checks failed)").format(path=result.path))
    if result.json_path:
        wrote(result.json_path)
    if result.placeholders:
        err(_("{count} 【请填写】 placeholder(s) to fill before publishing (highlighted in yellow).").format(count=len(result.placeholders)))
    return None  # a written report (even a forced one) exits 0; refusals are errors


def _each_unit(config, year: int, standard, output, date, force: bool, volume: bool, jobs: int):
    """Every unit's draft; a progress bar on a terminal; the failures listed last (exit 1 if any)."""
    from pathlib import Path

    from disclo_cli.rollup.reports import each_unit_reports

    with _progress(_("Writing the units' reports")) as update:
        result = each_unit_reports(config, year, folder=Path(output) if output else None, standard=standard, date=date, force=force,
                                   volume=volume, jobs=jobs, on_progress=update)
    report_findings(result.findings)
    err(_("wrote {count} report(s) into {folder}").format(count=len(result.written), folder=result.folder))
    unchecked = [r for r in result.written if not r.checked]
    if unchecked:
        err(_("{count} of them UNCHECKED (checks failed, --force): {units}").format(count=len(unchecked), units="、".join(r.key for r in unchecked)))
    if result.volume is not None:
        wrote(result.volume)
    if result.failed:
        err(_("{count} report(s) not written:").format(count=len(result.failed)))
        for r in result.failed:
            err(f"  {r.label}: {r.problem}")
    return result


def _progress(label: str):
    """A progress bar on stderr when it is a terminal (none in a pipe, a log or a test)."""
    import contextlib
    import sys

    stream = sys.stderr

    @contextlib.contextmanager
    def bar():
        if not stream.isatty():
            yield None
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=Console(file=stream), transient=True) as progress:
            task = progress.add_task(label, total=None)
            yield lambda done, total, what: progress.update(task, completed=done, total=total, description=f"{label}: {what}")

    return bar()


def _check_outputs(docx, json_path) -> None:
    """Neither output may replace a file the command must keep (fsio.check_target), nor the other output."""
    from pathlib import Path

    from disclo_cli.fsio import Protected, check_target, protected

    check_target(docx)
    if json_path:
        check_target(json_path, protect=(*protected(), Protected(Path(docx), "protected.report")))


COMMANDS = [report]
