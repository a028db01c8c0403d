"""What every command shares: the language, error handling and exit codes, workspace discovery,
output, finding lists.

Exit codes are decided here and only here (:func:`exit_status`): a command returns its result and
the group turns it into 0 (nothing blocking), 1 (a finding of severity error, or an input, config,
ledger or output error), 2 (a usage error), 3 (a bug), 130 (Ctrl-C), 141 (the reader of stdout went
away).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any, Sequence

import click

from disclo_cli import messages
from disclo_cli.errors import DiscloError
from disclo_cli.messages import N_, _

FORMAT_CHOICE = click.Choice(["table", "csv", "json", "markdown", "xlsx"])
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_BUG, EXIT_INTERRUPTED, EXIT_PIPE = 0, 1, 2, 3, 130, 141


def debugging(ctx: click.Context | None = None) -> bool:
    """--debug given, or DISCLO_DEBUG set to 1/true/yes."""
    obj = (ctx.find_root().obj if ctx else None) or {}
    return bool(obj.get("debug")) or os.environ.get("DISCLO_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")


def exit_status(result: object) -> int:
    """The exit code a command's result asks for: its own `exit_code` if it has one, else 1 when any
    of its findings is an error."""
    from disclo_cli.model import blocking

    if result is None:
        return EXIT_OK
    own = getattr(result, "exit_code", None)
    if isinstance(own, int):
        return own
    return EXIT_PROBLEMS if blocking(getattr(result, "findings", ())) else EXIT_OK


# --- the language ---------------------------------------------------------------------------------

_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils", "shell_completion")


def _ngettext(singular: str, plural: str, n: int) -> str:
    text = messages.catalogue(messages.current()).ngettext(singular, plural, n)
    return text


class HelpFormatter(click.HelpFormatter):
    """click's help page with the punctuation of the language ('用法：', '选项：')."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        if prefix is None:
            usage = _("Usage:")
            prefix = usage if usage.endswith("：") else usage + " "
        super().write_usage(prog, args, prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}{_(':')}\n")


class Context(click.Context):
    formatter_class = HelpFormatter


def _end_missing_with_a_full_stop() -> None:
    """click ends 'Missing option '--year'.' with its own '.', outside the catalogue: end it as the
    language does ('缺少选项 '--year'。')."""
    cls = click.exceptions.MissingParameter
    if getattr(cls.format_message, "_disclo", False):
        return
    original = cls.format_message

    def format_message(self) -> str:
        text = original(self)
        return text[:-1] + _(".") if text.endswith(".") else text

    format_message._disclo = True  # type: ignore[attr-defined]
    cls.format_message = format_message  # type: ignore[method-assign]


def localize(command: click.Command, language: str) -> None:
    """Speak `language`: disclo's messages, click's own texts, and every --help text of the tree;
    help pages wrap Chinese at the window's edge (a Chinese character takes two columns)."""
    import importlib

    from disclo_cli.cli import console

    messages.use(language)
    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext  # type: ignore[attr-defined]
    _end_missing_with_a_full_stop()
    formatting = importlib.import_module("click.formatting")
    formatting.term_len = console.width  # type: ignore[attr-defined]
    formatting.wrap_text = console.wrap_text  # type: ignore[attr-defined]
    _translate_tree(command)


def help_msgid(text: str) -> str:
    """The catalogue msgid of a help text: the text as click shows it (a docstring's indentation
    removed, click's \\b no-rewrap marker kept)."""
    import inspect

    return inspect.cleandoc(text)


def help_texts(command: click.Command):
    """(object, attribute, msgid) of every help text in the command tree, for translation and tests."""
    for obj in (command, *command.params):
        for attr in ("help", "short_help", "epilog"):
            original = getattr(obj, f"_msgid_{attr}", None)
            if original is None:
                original = getattr(obj, attr, None)
                if not original:
                    continue
                original = help_msgid(original)
                setattr(obj, f"_msgid_{attr}", original)
            yield obj, attr, original
    for sub in getattr(command, "commands", {}).values():
        yield from help_texts(sub)


def metavars(command: click.Command):
    """(object, attribute, msgid) of the placeholders in usage lines and option lists ([OPTIONS],
    COMMAND [ARGS]..., FILE, INTEGER RANGE …), as click would write them."""
    for attr, default in (("options_metavar", None), ("subcommand_metavar", None)):
        value = getattr(command, f"_msgid_{attr}", None) or getattr(command, attr, default)
        if value:
            setattr(command, f"_msgid_{attr}", value)
            yield command, attr, value
    for param in command.params:
        msgid = getattr(param, "_msgid_metavar", None)
        if msgid is None:
            msgid = _english_metavar(command, param)
            if not msgid:
                continue
            param._msgid_metavar = msgid  # type: ignore[attr-defined]
        yield param, "metavar", msgid
    for sub in getattr(command, "commands", {}).values():
        yield from metavars(sub)


def _english_metavar(command: click.Command, param: click.Parameter) -> str | None:
    """The metavar click makes for a parameter that names none (None: leave it to click: flags,
    choices and date formats say their values)."""
    if param.metavar is not None or isinstance(param.type, (click.Choice, click.DateTime)):
        return None
    if isinstance(param, click.Option) and (param.is_flag or param.count):
        return None
    try:
        return param.make_metavar(click.Context(command))
    except TypeError:  # click 8.1: make_metavar() takes no context
        return param.make_metavar()  # type: ignore[call-arg]


def _translate_tree(command: click.Command) -> None:
    for obj, attr, msgid in [*help_texts(command), *metavars(command)]:
        setattr(obj, attr, _(msgid))
    _use_context(command)


def _use_context(command: click.Command) -> None:
    command.context_class = Context
    if getattr(command, "_help_option", None) is not None:  # click 8.2+ keeps --help made in the language before
        command._help_option = None
    for sub in getattr(command, "commands", {}).values():
        _use_context(sub)


# --- the group ------------------------------------------------------------------------------------

class DiscloGroup(click.Group):
    """Chooses the language, turns a command's result into its exit code, DiscloError into one clear
    line on stderr and its exit code, and bugs into a short note (the full traceback with --debug /
    DISCLO_DEBUG=1, for a bug report)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        from disclo_cli.cli import console

        console.setup()
        localize(self, messages.choose(os.environ))
        return super().main(*args, **kwargs)

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        # `disclo --help | head -1`: the help is printed while the context is made
        try:
            return super().make_context(*args, **kwargs)
        except BrokenPipeError:
            _silence_stdout()
            raise click.exceptions.Exit(EXIT_PIPE) from None
        except OSError as exc:  # `disclo --help > /dev/full`: the help or the version could not be written
            failed = _stdout_failure(exc)
            if failed is None:
                raise
            _silence_stdout()
            err(_("disclo: error: {message}").format(message=failed.message))
            err(f"  {failed.hint}")
            raise click.exceptions.Exit(failed.exit_code) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
        except DiscloError as exc:
            if debugging(ctx) and exc.__cause__ is not None:
                _traceback()  # the library error behind a clear message, for a bug report
            findings = getattr(exc, "findings", ())
            if findings:
                report_findings(findings, limit=(ctx.find_root().obj or {}).get("max_problems", 100))
            err(_("disclo: error: {message}").format(message=exc.message))
            if exc.hint:
                err(f"  {exc.hint}")
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            err(_("disclo: interrupted"))
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            # the reader went away (disclo … | head): not an error of disclo; say nothing more
            _silence_stdout()
            ctx.exit(EXIT_PIPE)
        except Exception:
            exc_type, exc_value, _tb = sys.exc_info()
            failed = _stdout_failure(exc_value)
            if failed is not None:  # stdout is a full disk or a closed file: an output error, not a bug
                _silence_stdout()
                err(_("disclo: error: {message}").format(message=failed.message))
                err(f"  {failed.hint}")
                ctx.exit(failed.exit_code)
            if debugging(ctx):
                _traceback()
            first = str(exc_value).splitlines()[0][:300] if str(exc_value) else ""
            name = exc_type.__name__ if exc_type else "Exception"
            err(_("disclo: internal error: {error}").format(error=name + (": " + first if first else "")))
            if not debugging(ctx):
                err("  " + _("This is a bug in disclo. Rerun the same command with --debug and send the output to the maintainers."))
            else:
                err("  " + _("This is a bug in disclo. Send the output above to the maintainers."))
            ctx.exit(EXIT_BUG)
        _say_what_was_lost()
        status = exit_status(result)
        if status:
            ctx.exit(status)
        return result


_LOST = N_("note: {count} character(s) of the output cannot be shown in the console's encoding ({encoding}) and were printed as ?; "
           "write the output to a file with --output, or set PYTHONIOENCODING=utf-8.")


def _say_what_was_lost() -> None:
    """A console encoding that lacks characters of the output printed them as '?': say so once —
    in English where the console cannot show the Chinese of the note itself either."""
    from disclo_cli.cli import console

    count = console.lost("stdout")
    if count:
        note = _(_LOST)
        try:
            note.encode(console.encoding_of(sys.stderr))
        except (UnicodeEncodeError, LookupError):
            note = _LOST
        err(note.format(count=count, encoding=console.encoding_of(sys.stdout)))


def _stdout_failure(exc: BaseException | None):
    """The OutputError for an OSError raised while writing stdout (a full disk behind '> file',
    /dev/full, a file closed under disclo), None for any other error. Told by the traceback: a
    frame that was writing to stdout (click.echo's file, a rich Console's file)."""
    if not isinstance(exc, OSError):
        return None
    stdout = sys.stdout
    streams = {id(s) for s in (stdout, getattr(stdout, "buffer", None), sys.__stdout__, getattr(sys.__stdout__, "buffer", None)) if s is not None}
    tb = exc.__traceback__
    while tb is not None:
        for value in tb.tb_frame.f_locals.values():
            if id(value) in streams or (type(value).__name__ == "Console" and id(_console_file(value)) in streams):
                from disclo_cli.errors import OutputError
                from disclo_cli.fsio import _why

                what, todo = _why(exc)
                return OutputError("stdout-failed", what=what, todo=todo)
        tb = tb.tb_next
    return None


def _console_file(console) -> object:
    """Where a rich Console writes (its file, else stdout or stderr)."""
    return getattr(console, "_file", None) or (sys.stderr if getattr(console, "stderr", False) else sys.stdout)


def _silence_stdout() -> None:
    """Point stdout at the null device so that Python's flush at exit does not fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    with contextlib.suppress(OSError):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (stdout from now on: closed at exit)


def _traceback() -> None:
    import traceback

    err(traceback.format_exc().rstrip())


def err(message: str) -> None:
    """A line on stderr (messages, findings, status); a closed stderr is not an error of disclo."""
    try:
        click.echo(message, err=True)
    except BrokenPipeError:
        import contextlib

        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stderr.fileno())


def load_config(ctx: click.Context, *, required: bool = False):
    """The Config named by --config / DISCLO_CONFIG, else the nearest disclo.toml, else defaults."""
    from disclo_cli import config as cfg
    from disclo_cli.errors import ConfigError

    root = ctx.find_root()
    obj = root.obj if isinstance(root.obj, dict) else {}
    config = obj.get("_config")  # read once a command (the calendar's path asks for it too)
    if config is None:
        path = Path(obj["config_path"]) if obj.get("config_path") else cfg.find_config()
        db = Path(obj["db_path"]) if obj.get("db_path") else None
        config = cfg.load(path, db, lock_timeout=os.environ.get("DISCLO_LOCK_TIMEOUT"))
        protect_workspace(config)
        if isinstance(root.obj, dict):
            root.obj["_config"] = config
    if config.path is None and required:
        raise ConfigError("no-config")
    return config


def protect_workspace(config) -> None:
    """No output of this command may replace the workspace's own files (fsio.check_target): the
    ledger and its journal, disclo.toml, the calendar file, the prose files."""
    from disclo_cli.calendar_file import CALENDAR_FILE
    from disclo_cli.fsio import protect
    from disclo_cli.report.prose import PROSE_DIR

    if config.db_path is not None:
        db = Path(config.db_path)
        protect(db, "protected.ledger")
        for suffix in ("-journal", "-wal", "-shm"):
            protect(db.with_name(db.name + suffix), "protected.journal")
    if config.path is not None:
        protect(config.path, "protected.config")
    workspace = config.workspace
    protect(workspace / CALENDAR_FILE, "protected.calendar")
    try:
        prose = sorted((workspace / PROSE_DIR).glob("*.md"))
    except OSError:
        prose = []
    for path in prose:
        protect(path, "protected.prose")


class Day(click.ParamType):
    """A day: 2019-01-15, 2019/1/15, 2019.1.15 or 2019年1月15日 (a bad one is a usage error naming
    the option, in the user's language)."""

    name = "date"

    def convert(self, value, param, ctx):
        from disclo_cli.report.signing import parse_report_date

        if not isinstance(value, str):
            return value
        return parse_report_date(value, option=param.opts[0] if param is not None and param.opts else "--date")


class InputPath(click.Path):
    """A file the command reads: no output of the same command may replace it (fsio.check_target);
    a FIFO, a device or a socket is refused before anything reads it (it could block for ever or
    never end). `must_exist`: a missing file is an error here."""

    def __init__(self, *, must_exist: bool = False, dir_okay: bool = True, check: bool = True) -> None:
        super().__init__(dir_okay=dir_okay)
        self.must_exist, self.check = must_exist, check

    def convert(self, value, param, ctx):
        from disclo_cli.fsio import protect
        from disclo_cli.ingest.readers import check_input

        value = super().convert(value, param, ctx)
        if self.check:  # check=False: the reader says itself what is wrong with such a file (--prose)
            check_input(Path(value), must_exist=self.must_exist)
        protect(value, "protected.input")
        return value


SEVERITY_WORDS = {"error": N_("error"), "warning": N_("warning"), "info": N_("info")}


def finding_line(f) -> str:
    """One finding as a line: severity, place, message."""
    place = str(f.place)
    return _("{severity}: {place}{message}").format(severity=_(SEVERITY_WORDS[f.severity]), place=place + _(": ") if place else "", message=f.message)


#: notes about a table's own figures, listed wherever the table is (the form's rows not adding up by its shape)
TABLE_NOTES = frozenset({"identity-remainder"})


def report_findings(findings: Sequence, *, limit: int = 100, quiet: bool = False, infos: bool = False, hints: bool = False) -> None:
    """List findings on stderr, one a line with its place, then a count per kind. Notes (severity
    info: a column chosen, a year assumed) are listed only where they matter (`infos`: ingest), and
    those about a table's figures (TABLE_NOTES) always; every command's JSON has them all."""
    if not infos:
        findings = [f for f in findings if f.severity != "info" or f.code in TABLE_NOTES]
    if not findings or quiet:
        return
    from collections import Counter

    for f in findings[:limit] if limit else findings:
        err(finding_line(f))
    if limit and len(findings) > limit:
        err(_("… and {count} more (use --format json to get them all)").format(count=len(findings) - limit))
    by_sev = Counter(f.severity for f in findings)
    by_code = Counter(f.code for f in findings)
    codes = ", ".join(f"{code} {n}" for code, n in sorted(by_code.items()))
    counts = dict(errors=by_sev.get("error", 0), warnings=by_sev.get("warning", 0), infos=by_sev.get("info", 0), codes=codes)
    if counts["infos"]:
        err(_("problems: {errors} error(s), {warnings} warning(s), {infos} note(s) — {codes}").format(**counts))
    else:
        err(_("problems: {errors} error(s), {warnings} warning(s) — {codes}").format(**counts))
    if hints:
        # what to do, once per kind of problem (the hint of its first finding)
        seen: dict[str, str] = {}
        for f in findings:
            if f.key not in seen and f.severity != "info":
                seen[f.key] = f.hint
        for key, hint in seen.items():
            if hint:
                err(f"  → [{key.split('.')[0]}] {hint}")


def wrote(path: object) -> None:
    err(_("wrote {path}").format(path=path))


def emit(text: str | bytes, output: str | None, *, binary: bool = False) -> None:
    """Data to --output (atomically, UTF-8) or stdout (in the console's encoding: what it lacks is
    replaced, see console.py)."""
    from disclo_cli.fsio import write_bytes

    if output and output != "-":
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        write_bytes(output, data)
        wrote(output)
        return
    if binary:
        from disclo_cli.errors import UsageError

        raise UsageError("xlsx-needs-output")
    click.echo(text, nl=False)


def emit_json(data: object, output: str | None) -> None:
    """JSON to --output (UTF-8) or stdout; on a console whose encoding lacks some characters, those
    are written as \\uXXXX escapes: the same JSON, nothing lost."""
    from disclo_cli import render
    from disclo_cli.cli import console

    text = render.to_json_text(data)
    if not output or output == "-":
        text = console.json_for(text, console.encoding_of(sys.stdout))
    emit(text, output)


def render_grids(grids, payload: dict | list, fmt: str, output: str | None) -> None:
    """Render grids (and the JSON payload) in the chosen format to stdout or --output. A table on a
    terminal fits the terminal; in a file or a pipe it has its full width."""
    from disclo_cli import render
    from disclo_cli.cli import console

    if fmt == "json":
        emit_json(payload, output)
    elif fmt == "csv":
        emit("\r\n".join(render.to_csv(g) for g in grids), output)
    elif fmt == "markdown":
        emit("\n".join(render.to_markdown(g) for g in grids), output)
    elif fmt == "xlsx":
        if not output or output == "-":
            from disclo_cli.errors import UsageError

            raise UsageError("xlsx-needs-output")
        from disclo_cli.fsio import atomic_write

        atomic_write(output, lambda tmp: render.write_xlsx(grids, tmp))
        wrote(output)
    elif output and output != "-":
        emit(render.to_text(grids), output)
    elif console.is_terminal(sys.stdout):
        # a terminal is never a broken pipe; rich fits the table to its width (and draws in bold)
        from rich.console import Console

        terminal = Console(soft_wrap=False)
        for g in grids:
            terminal.print(render.to_rich(g))
    else:
        # a file or a pipe: the full width, unless COLUMNS (which shells do not export) asks for one
        encoding = console.encoding_of(sys.stdout)
        for g in grids:  # one write per table: a reader that went away is noticed early
            emit(render.to_text([g], width=_columns(), encoding=encoding, fit=lambda text: console.fit(text, encoding)), None)


def _columns() -> int | None:
    try:
        value = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return None
    return value if value >= 20 else None
