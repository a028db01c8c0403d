"""disclo init, disclo ingest, disclo ledger …"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from disclo_cli.cli.options import InputPath, err, load_config, render_grids, report_findings, wrote
from disclo_cli.messages import N_, _


@click.command()
@click.argument("folder", default=".", type=click.Path(file_okay=False))
@click.option("--name", default="", help=N_("The office's full name (written into [office] name)."))
@click.option("--force", is_flag=True, help=N_("Overwrite an existing disclo.toml."))
@click.pass_context
def init(ctx: click.Context, folder: str, name: str, force: bool):
    """Create a workspace: a commented disclo.toml and an empty ledger.

    Example: disclo init 柳城街道 --name 南安市柳城街道办事处
    """
    from disclo_cli.service import init_workspace

    db = (ctx.find_root().obj or {}).get("db_path")
    config_path, db_path, written = init_workspace(Path(folder), name=name, force=force, db=Path(db) if db else None)
    if written:  # a workspace that has a disclo.toml but no ledger gets only the ledger
        wrote(config_path)
    err(_("ledger {path}").format(path=db_path))
    err(_("Next: fill in [office] and [opening] in disclo.toml, then 'disclo ingest FILE…'."))


#: the register kinds in the one-line summaries of ingest and forget ('items' in English)
KIND_NAMES = {"items": N_("items"), "requests": N_("requests"), "cases": N_("cases")}


@dataclass(frozen=True)
class Ingested:
    results: tuple
    findings: tuple


@click.command()
@click.argument("files", nargs=-1, required=True, type=InputPath())
@click.option("--kind", type=click.Choice(["items", "requests", "cases"]), help=N_("The register kind (default: detected from the headers)."))
@click.option("--sheet", help=N_("Only this sheet (name or 1-based number)."))
@click.option("--strict", is_flag=True, help=N_("Any problem in any row files nothing (exit 1)."))
@click.option("--replaces", multiple=True, metavar="FILE",
              help=N_("The file filed before under another name that this one replaces (its rows are withdrawn unless this file has them)."))
@click.option("--max-problems", type=click.IntRange(min=0), default=100, show_default=True, help=N_("How many problems to list (0: all)."))
@click.option("--unit", "unit_key", metavar="KEY", help=N_("In a county workspace: every row of the files is this unit's (a unit counted from the county's registers)."))
@click.pass_context
def ingest(ctx: click.Context, files: tuple[str, ...], kind: str | None, sheet: str | None, strict: bool, replaces: tuple[str, ...], max_problems: int,
           unit_key: str | None):
    """File register rows into the office's ledger: a file filed again is held exactly as it now is.

    Example: disclo ingest 依申请公开台账2026.xlsx
    """
    from disclo_cli.service import ingest_files

    config = load_config(ctx, required=True)
    ctx.find_root().obj["max_problems"] = max_problems  # a strict refusal lists its findings
    unit = None
    if unit_key:
        from disclo_cli.rollup.units import column_unit

        unit = column_unit(config.units, unit_key)
    results, findings = ingest_files(files, config, kind=kind, sheet=sheet, strict=strict, replaces=replaces, unit=unit)
    report_findings(findings, limit=max_problems, infos=True, hints=True)
    for r in results:
        line = _("{file}\t{kind}\tadded {added}\tchanged {changed}\twithdrawn {withdrawn}\tunchanged {unchanged}\trejected {rejected}").format(
            file=r.file, kind=_(KIND_NAMES[r.kind]), added=r.added, changed=r.changed, withdrawn=r.withdrawn, unchanged=r.unchanged, rejected=r.rejected)
        click.echo(line + (_("\trepeated {repeated}").format(repeated=r.repeated) if r.repeated else ""))
    if any(r.rejected for r in results):
        err(_("Rejected rows were not filed: correct them and ingest the file again (filed rows are not counted twice)."))
    return Ingested(tuple(results), tuple(findings))


@click.group()
def ledger() -> None:
    """See what is in the ledger, take a file back out, back it up."""


KIND_WORDS = {"items": N_("published items"), "requests": N_("requests"), "cases": N_("reviews and lawsuits")}


@ledger.command("summary")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True, help=N_("Output format."))
@click.pass_context
def ledger_summary(ctx: click.Context, fmt: str):
    """Rows in the ledger by kind and year.

    Example: disclo ledger summary
    """
    from disclo_cli.ledger import Ledger
    from disclo_cli.render import Grid

    config = load_config(ctx, required=True)
    with Ledger.open(config) as lg:
        rows = lg.summary()
    if fmt == "table":
        grid = Grid(_("Ledger contents"), (_("kind"), _("year"), _("rows")), tuple((_(KIND_WORDS[k]), y, n) for k, y, n in rows))
    else:
        grid = Grid("", ("kind", "year", "rows"), tuple(rows))
    render_grids([grid], {"ledger": str(config.db_path), "rows": [{"kind": k, "year": y, "rows": n} for k, y, n in rows]}, fmt, None)


@ledger.command("sources")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True, help=N_("Output format."))
@click.pass_context
def ledger_sources(ctx: click.Context, fmt: str):
    """The files ingested, when, their SHA-256, and how many rows each holds.

    Example: disclo ledger sources --format csv
    """
    from disclo_cli.ledger import Ledger
    from disclo_cli.render import Grid

    config = load_config(ctx, required=True)
    with Ledger.open(config) as lg:
        sources = lg.sources()
    heads = ("id", "file", "kind", "ingested_at", "rows", "sha256")
    if fmt == "table":
        shown = tuple(_(h) for h in (N_("id"), N_("file"), N_("kind"), N_("ingested at"), N_("rows"), N_("sha256")))
        grid = Grid(_("Files ingested"), shown, tuple((s.id, s.file_key or s.name, _(KIND_WORDS[s.kind]), s.ingested_at, s.rows, s.sha256[:12]) for s in sources))
    else:  # the file as the workspace knows it (台账/2018/台账.xlsx): two 台账.xlsx in two folders are two files
        grid = Grid("", heads, tuple((s.id, s.file_key or s.name, s.kind, s.ingested_at, s.rows, s.sha256) for s in sources))
    render_grids([grid], {"sources": [s.__dict__ for s in sources]}, fmt, None)


@ledger.command("forget")
@click.argument("file")
@click.pass_context
def ledger_forget(ctx: click.Context, file: str):
    """Take out the rows a wrongly filed file brought in (rows also in other files stay).

    Example: disclo ledger forget 2018-03.xlsx
    """
    from disclo_cli.ledger import Ledger

    config = load_config(ctx, required=True)
    with Ledger.open(config, write=True) as lg:
        removed = lg.forget(file)
    click.echo("\t".join(_("{kind} removed {count}").format(kind=_(KIND_NAMES[k]), count=n) for k, n in removed.items()))


@ledger.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
@click.pass_context
def ledger_backup(ctx: click.Context, target: str):
    """Write a consistent copy of the ledger (safe while it is in use).

    Example: disclo ledger backup backup/disclo-2019-01-05.sqlite
    """
    from disclo_cli.errors import OutputError
    from disclo_cli.fsio import atomic_write
    from disclo_cli.ledger import Ledger

    config = load_config(ctx, required=True)
    folder = Path(target).parent
    if not folder.is_dir():
        raise OutputError("backup-folder-missing", target=target, folder=str(folder))
    with Ledger.open(config) as lg:
        def copy(tmp: Path) -> None:
            tmp.unlink()  # SQLite's backup writes a new file
            lg.backup(tmp, shown=target)

        atomic_write(target, copy)
    wrote(target)


COMMANDS = [init, ingest, ledger]
