"""disclo init, disclo ingest, disclo ledger …"""

from __future__ import annotations

from pathlib import Path

import click

from disclo_cli.cli.options import err, load_config, report_findings


@click.command()
@click.argument("folder", default=".", type=click.Path(file_okay=False))
@click.option("--name", default="", help="The office's full name (written into [office] name).")
@click.option("--force", is_flag=True, help="Overwrite an existing disclo.toml.")
def init(folder: str, name: str, force: bool) -> None:
    """Create a workspace: a commented disclo.toml and an empty ledger.

    Example: disclo init 柳城街道 --name 南安市柳城街道办事处
    """
    from disclo_cli.service import init_workspace

    config_path, db_path = init_workspace(Path(folder), name=name, force=force)
    err(f"wrote {config_path}")
    err(f"ledger {db_path}")
    err("Next: fill in [office] and [opening] in disclo.toml, then 'disclo ingest FILE…'.")


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--kind", type=click.Choice(["items", "requests", "cases"]), help="The register kind (default: detected from the headers).")
@click.option("--sheet", help="Only this sheet (name or 1-based number).")
@click.option("--strict", is_flag=True, help="Any problem in any row files nothing (exit 1).")
@click.option("--max-problems", type=int, default=100, show_default=True, help="How many problems to list (0: all).")
@click.pass_context
def ingest(ctx: click.Context, files: tuple[str, ...], kind: str | None, sheet: str | None, strict: bool, max_problems: int) -> None:
    """File register rows into the office's ledger (idempotent: a row is never counted twice).

    Example: disclo ingest 2018-03.xlsx
    """
    from disclo_cli.service import ingest_files

    from disclo_cli.errors import DataError

    config = load_config(ctx, required=True)
    try:
        results, findings = ingest_files(files, config, kind=kind, sheet=sheet, strict=strict)
    except DataError as exc:
        report_findings(getattr(exc, "findings", ()), limit=max_problems)
        raise
    report_findings(findings, limit=max_problems)
    for r in results:
        click.echo(f"{r.file}\t{r.kind}\tadded {r.added}\tupdated {r.updated}\tunchanged {r.unchanged}\trejected {r.rejected}"
                   + (f"\trepeated {r.repeated}" if r.repeated else ""))
    if any(r.rejected for r in results):
        err("Rejected rows were not filed: correct them and ingest the file again (filed rows are not counted twice).")
    if any(r.rejected for r in results) or any(f.severity == "error" for f in findings):
        ctx.exit(1)


@click.group()
def ledger() -> None:
    """See what is in the ledger, take a file back out, back it up."""


@ledger.command("summary")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_context
def ledger_summary(ctx: click.Context, fmt: str) -> None:
    """Rows in the ledger by kind and year.

    Example: disclo ledger summary
    """
    from disclo_cli.ledger import Ledger
    from disclo_cli.render import Grid

    from disclo_cli.cli.options import render_grids

    config = load_config(ctx, required=True)
    with Ledger.open(config) as lg:
        rows = lg.summary()
    grid = Grid("台账内容", ("kind", "year", "rows"), tuple(rows))
    render_grids([grid], {"ledger": str(config.db_path), "rows": [{"kind": k, "year": y, "rows": n} for k, y, n in rows]}, fmt, None)


@ledger.command("sources")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_context
def ledger_sources(ctx: click.Context, fmt: str) -> None:
    """The files ingested, when, their SHA-256, and how many rows each holds.

    Example: disclo ledger sources --format csv
    """
    from disclo_cli.ledger import Ledger
    from disclo_cli.render import Grid

    from disclo_cli.cli.options import render_grids

    config = load_config(ctx, required=True)
    with Ledger.open(config) as lg:
        sources = lg.sources()
    grid = Grid("已导入文件", ("id", "file", "kind", "ingested_at", "rows", "sha256"), tuple((s.id, s.name, s.kind, s.ingested_at, s.rows, s.sha256[:12]) for s in sources))
    render_grids([grid], {"sources": [s.__dict__ for s in sources]}, fmt, None)


@ledger.command("forget")
@click.argument("file")
@click.pass_context
def ledger_forget(ctx: click.Context, file: str) -> None:
    """Take out the rows a wrongly filed file brought in (rows also in other files stay).

    Example: disclo ledger forget 2018-03.xlsx
    """
    from disclo_cli.ledger import Ledger

    config = load_config(ctx, required=True)
    with Ledger.open(config) as lg:
        removed = lg.forget(file)
    click.echo("\t".join(f"{k} removed {n}" for k, n in removed.items()))


@ledger.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
@click.pass_context
def ledger_backup(ctx: click.Context, target: str) -> None:
    """Write a consistent copy of the ledger (safe while it is in use).

    Example: disclo ledger backup backup/disclo-2019-01-05.sqlite
    """
    from disclo_cli.fsio import atomic_write
    from disclo_cli.ledger import Ledger

    config = load_config(ctx, required=True)
    with Ledger.open(config) as lg:
        atomic_write(target, lambda tmp: (tmp.unlink(), lg.backup(tmp)))
    err(f"wrote {target}")


COMMANDS = [init, ingest, ledger]
