"""The command line: a thin click layer. Each command parses, calls one core function, renders, and
returns its result; the group decides the exit code (cli/options.py).

Exit codes: 0 ok; 1 a data problem that prevents a correct result (or an input/config/ledger error);
2 usage error; 3 an unexpected internal error (a bug: rerun with --debug and report it).
"""

from __future__ import annotations

import os
import sys

import click

from disclo_cli import __version__
from disclo_cli.cli.options import DiscloGroup
from disclo_cli.messages import N_


@click.group(cls=DiscloGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=lambda ctx, param, value: _version(ctx, value),
              help=N_("Show the version and exit."))
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar="DISCLO_CONFIG",
              help=N_("The office's disclo.toml (default: ./disclo.toml or the nearest parent folder's)."))
@click.option("--db", "db_path", type=click.Path(dir_okay=False), envvar="DISCLO_DB", help=N_("The ledger file (default: disclo.sqlite beside disclo.toml)."))
@click.option("--debug", is_flag=True, envvar="DISCLO_DEBUG", help=N_("Show the full traceback of an unexpected error."))
@click.pass_context
def main(ctx: click.Context, config_path: str | None, db_path: str | None, debug: bool) -> None:
    """disclo — 政府信息公开 statistics and annual-report drafts from an office's registers.

    \b
    disclo tally items.xlsx          counts and shares by category, channel, month
    disclo ingest 2018-03.xlsx       file rows into the office's ledger
    disclo table --year 2018         the standard statistics table
    disclo report --year 2018        DOCX draft of the annual report
    """
    from disclo_cli.fsio import protecting

    ctx.ensure_object(dict)
    ctx.obj.update(config_path=config_path, db_path=db_path, debug=debug)
    ctx.with_resource(protecting())  # the files this command's outputs must not replace (fsio.check_target)
    _check_folder()


def _check_folder() -> None:
    """The current folder must still exist: every relative path, and the search for disclo.toml, start there."""
    import os

    from disclo_cli.errors import InputError

    try:
        os.getcwd()
    except FileNotFoundError:
        raise InputError("folder-gone", folder=os.environ.get("PWD", "")) from None


def _version(ctx: click.Context, value: bool) -> None:
    """--version, in the language of the rest ('disclo，版本 0.1.0')."""
    if not value or ctx.resilient_parsing:
        return
    from disclo_cli.messages import _

    click.echo(_("%(prog)s, version %(version)s") % {"prog": "disclo", "version": __version__})
    ctx.exit()


def run() -> None:
    """The console script: a short-lived process that builds many small objects, so the cycle
    collector only costs time here (and only here: a library host keeps its own settings)."""
    import gc

    gc.disable()
    # pyarrow asks whether pandas is installed, importing it (0.15–0.4 s), the first time it is
    # handed a Python list or scalar, and imports numpy (90 ms) as it loads; the command line never
    # hands Arrow a pandas or numpy object, so pyarrow is told there is neither (an analyst's
    # process, importing disclo_cli as a library, is left alone; matplotlib still gets numpy)
    if "pandas" not in sys.modules:
        sys.meta_path.insert(0, _NoPandas())
    from disclo_cli import ingest

    ingest.CHOOSE_ARROW_POOL = not os.environ.get("ARROW_DEFAULT_MEMORY_POOL")
    main()  # click exits the process itself with the command's exit code


class _NoPandas:
    """An import finder that says pandas is not installed, and numpy neither when pyarrow asks for
    it (a None in sys.modules would not do: pyarrow's compiled import takes the None for the
    module). pyarrow works without either."""

    def find_spec(self, name: str, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError("pandas is not used by the disclo command line", name=name)
        if (name == "numpy" or name.startswith("numpy.")) and _importer().startswith("pyarrow"):
            raise ModuleNotFoundError("numpy is not used by pyarrow in the disclo command line", name=name)
        return None


def _importer() -> str:
    """The module whose code asked for the import under way (the first frame outside importlib)."""
    from types import FrameType

    frame: FrameType | None = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith("<frozen importlib"):
        frame = frame.f_back
    return str(frame.f_globals.get("__name__", "")) if frame is not None else ""


def _register() -> None:
    from disclo_cli.cli import calendar, check, export, report, requests, table, tally, vocab, workspace

    for module in (tally, workspace, table, report, check, vocab, requests, calendar, export):
        for command in module.COMMANDS:
            main.add_command(command)


_register()

if __name__ == "__main__":  # pragma: no cover
    run()
