"""disclo report."""

from __future__ import annotations

import click

from disclo_cli.cli.options import err, load_config, report_findings, wrote
from disclo_cli.messages import N_, _


@click.command()
@click.option("--year", required=True, type=click.IntRange(1990, 2100), help=N_("The report year."))
@click.option("--standard", help=N_("legacy, legacy6, 2019 or 2021 (default: the format in force for --year), or a definition .toml file."))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help=N_("The DOCX to write (default: {year}年政府信息公开工作年度报告.docx in the workspace)."))
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help=N_("Also write the report's tables as JSON (the shape of 'disclo table --format json')."))
@click.option("--prose", "prose_path", type=click.Path(dir_okay=False), help=N_("The office's text (default: prose/{year}.md in the workspace)."))
@click.option("--date", type=click.DateTime(formats=["%Y-%m-%d"]), help=N_("The date under the signature, e.g. 2019-01-15 (default: today)."))
@click.option("--force", is_flag=True, help=N_("Write the report even if a check fails (marked as unchecked; for internal review only)."))
@click.option("--final", is_flag=True, help=N_("Refuse to write while 【请填写】 placeholders remain."))
@click.option("--new-prose", is_flag=True, help=N_("Only write prose/{year}.md, from last year's text or as a skeleton."))
@click.pass_context
def report(ctx: click.Context, year: int, standard: str | None, output: str | None, json_path: str | None, prose_path: str | None,
           date, force: bool, final: bool, new_prose: bool):
    """The annual report (政府信息公开工作年度报告) as a Word draft.

    Example: disclo report --year 2018 --date 2019-01-15
    """
    from disclo_cli.report import builder

    config = load_config(ctx, required=True)
    if new_prose:
        path, how = builder.new_prose(config, year, standard=standard)
        err(_("wrote {path} ({how})").format(path=path, how=how))
        err(_("Next: write the office's text in it, then: disclo report --year {year}").format(year=year))
        return None
    result = builder.build_report(config, year, standard=standard, output=output, json_path=json_path, prose_path=prose_path,
                                  date=date.date() if date else None, force=force, final=final)
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


COMMANDS = [report]
