"""What every command shares: error handling, workspace discovery, output, finding lists."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Sequence

import click

from disclo_cli.errors import DiscloError

FORMAT_CHOICE = click.Choice(["table", "csv", "json", "markdown", "xlsx"])


def debugging(ctx: click.Context | None = None) -> bool:
    """--debug given, or DISCLO_DEBUG set to 1/true/yes."""
    obj = (ctx.find_root().obj if ctx else None) or {}
    return bool(obj.get("debug")) or os.environ.get("DISCLO_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")


class DiscloGroup(click.Group):
    """Turns DiscloError into one clear line on stderr and its exit code; bugs into a short note
    (the full traceback with --debug / DISCLO_DEBUG=1, for a bug report)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DiscloError as exc:
            if debugging(ctx) and exc.__cause__ is not None:
                _traceback()  # the library error behind a clear message, for a bug report
            err(f"disclo: error: {exc.message}")
            if exc.hint:
                err(f"  {exc.hint}")
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            err("disclo: interrupted")
            ctx.exit(130)
        except BrokenPipeError:
            # the reader went away (disclo … | head): not an error of disclo; say nothing more
            try:
                sys.stdout = open(os.devnull, "w")
            except OSError:
                pass
            ctx.exit(141)
        except Exception:
            exc_type, exc_value, _ = sys.exc_info()
            if debugging(ctx):
                _traceback()
            first = str(exc_value).splitlines()[0][:300] if str(exc_value) else ""
            err(f"disclo: internal error: {exc_type.__name__}{': ' + first if first else ''}")
            if not debugging(ctx):
                err("  This is a bug in disclo. Rerun the same command with --debug and send the output to the maintainers.")
            else:
                err("  This is a bug in disclo. Send the output above to the maintainers.")
            ctx.exit(3)


def _traceback() -> None:
    import traceback

    err(traceback.format_exc().rstrip())


def err(message: str) -> None:
    click.echo(message, err=True)


def load_config(ctx: click.Context, *, required: bool = False):
    """The Config named by --config / DISCLO_CONFIG, else the nearest disclo.toml, else defaults."""
    from disclo_cli import config as cfg
    from disclo_cli.errors import ConfigError

    obj = ctx.find_root().obj or {}
    path = Path(obj["config_path"]) if obj.get("config_path") else cfg.find_config()
    db = Path(obj["db_path"]) if obj.get("db_path") else None
    if path is None and required:
        raise ConfigError("no disclo.toml here or in any parent folder", hint="Run 'disclo init' in the office's folder first, or point --config / DISCLO_CONFIG at it.")
    return cfg.load(path, db)


def report_findings(findings: Sequence, *, limit: int = 100, quiet: bool = False) -> None:
    """List findings on stderr, one a line with its place, then a count per kind."""
    if not findings or quiet:
        return
    from collections import Counter

    shown = 0
    for f in findings:
        if limit and shown >= limit:
            break
        place = str(f.place)
        err(f"{f.severity}: {place + ': ' if place else ''}{f.message}")
        shown += 1
    if limit and len(findings) > limit:
        err(f"… and {len(findings) - limit} more (use --format json to get them all)")
    by_sev = Counter(f.severity for f in findings)
    by_code = Counter(f.code for f in findings)
    codes = ", ".join(f"{code} {n}" for code, n in sorted(by_code.items()))
    err(f"problems: {by_sev.get('error', 0)} error(s), {by_sev.get('warning', 0)} warning(s) — {codes}")


def emit(text: str | bytes, output: str | None, *, binary: bool = False) -> None:
    """Data to --output (atomically) or stdout."""
    from disclo_cli.fsio import write_bytes

    if output and output != "-":
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        write_bytes(output, data)
        err(f"wrote {output}")
        return
    if binary:
        from disclo_cli.errors import UsageError

        raise UsageError("xlsx output needs --output PATH", hint="Add --output table.xlsx.")
    click.echo(text, nl=False)


def render_grids(grids, payload: dict, fmt: str, output: str | None) -> None:
    """Render grids (and the JSON payload) in the chosen format to stdout or --output."""
    from disclo_cli import render

    if fmt == "json":
        emit(render.to_json_text(payload), output)
    elif fmt == "csv":
        emit("\r\n".join(render.to_csv(g) for g in grids), output)
    elif fmt == "markdown":
        emit("\n".join(render.to_markdown(g) for g in grids), output)
    elif fmt == "xlsx":
        if not output or output == "-":
            from disclo_cli.errors import UsageError

            raise UsageError("--format xlsx needs --output PATH", hint="Add --output table.xlsx.")
        from disclo_cli.fsio import atomic_write

        atomic_write(output, lambda tmp: render.write_xlsx(grids, tmp))
        err(f"wrote {output}")
    else:
        if output and output != "-":
            from rich.console import Console

            with open(os.devnull, "w") as sink:
                console = Console(record=True, width=120, file=sink)
                for g in grids:
                    console.print(render.to_rich(g))
            emit(console.export_text(), output)
            return
        from rich.console import Console

        console = Console(soft_wrap=False)
        for g in grids:
            console.print(render.to_rich(g))
