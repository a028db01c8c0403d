"""disclo export."""

from __future__ import annotations

from dataclasses import dataclass

import click

from disclo_cli.cli.options import load_config, report_findings, wrote
from disclo_cli.messages import N_


@dataclass(frozen=True)
class Exported:
    path: str
    findings: tuple


@click.command()
@click.option("--year", required=True, type=click.IntRange(1990, 2100), help=N_("The report year."))
@click.option("--standard", help=N_("As for 'disclo table' (default: the format in force for --year)."))
@click.option("--unit", "unit_key", metavar="KEY", default="", help=N_("The unit's key in the county's [[units]] (the county checks it)."))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help=N_("The file to write (default: disclo-export-{year}.json in the workspace)."))
@click.pass_context
def export(ctx: click.Context, year: int, standard: str | None, unit_key: str, output: str | None):
    """One file for the county: the year's rows (aggregated), figures and tables, with a checksum.

    Example: disclo export --year 2023 --unit czj -o 财政局-2023.json
    """
    from disclo_cli.cli.calendar import workspace_calendar
    from disclo_cli.fsio import write_bytes
    from disclo_cli.rollup.interchange import export_text, export_year

    config = load_config(ctx, required=True)
    payload, findings = export_year(config, year, calendar=lambda: workspace_calendar(ctx), standard=standard, unit=unit_key)
    target = output or str(config.workspace / f"disclo-export-{year}.json")
    report_findings(findings)
    write_bytes(target, export_text(payload).encode("utf-8"))
    wrote(target)
    return Exported(target, tuple(findings))


COMMANDS = [export]
