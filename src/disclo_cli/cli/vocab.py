"""disclo vocab."""

from __future__ import annotations

import click

from disclo_cli.cli.options import err, load_config, render_grids, report_findings
from disclo_cli.messages import N_, _

#: why a label is suggested (vocab.Vocabulary.suggest), as the table shows it
WHY_WORDS = {"contains": N_("contains"), "similar": N_("similar"), "shares": N_("shares")}

@click.command()
@click.argument("files", nargs=-1, type=click.Path())
@click.option("--year", type=click.IntRange(1990, 2100), help=N_("Review the files the ledger holds for this year instead of register files."))
@click.option("--write", is_flag=True, help=N_("Add the suggestions to disclo.toml, commented out, for you to check and confirm."))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True, help=N_("Output format."))
@click.pass_context
def vocab(ctx: click.Context, files: tuple[str, ...], year: int | None, write: bool, fmt: str):
    """List the wordings of registers that disclo does not know yet, with suggestions (exit 1 while any is left).

    Example: disclo vocab 依申请公开台账2023.xlsx --write
    """
    import datetime as dt

    from disclo_cli.errors import UsageError
    from disclo_cli.render import Grid
    from disclo_cli.review import review_files, review_ledger, write_proposal

    if bool(files) == (year is not None):
        raise UsageError("vocab-what")
    config = load_config(ctx, required=write or year is not None)
    result = review_files(files, config) if files else review_ledger(config, year)  # type: ignore[arg-type]
    report_findings(result.findings)
    machine = fmt != "table"
    heads = ("section", "wording", "rows", "examples", "suggestions") if machine else tuple(_(h) for h in (N_("mapped in"), N_("wording"), N_("rows"), N_("where"), N_("may mean")))
    body = []
    for w in result.wordings:
        where = "; ".join(f"{p.file} {p.sheet} {p.row or ''}".strip() for p in w.examples)
        if w.judgement:
            means = _("a judgement call: {candidates}").format(candidates="、".join(w.candidates)) if not machine else "judgement: " + "、".join(w.candidates)
        else:
            means = "；".join(f"{s.label} ({s.why}: {s.via})" if machine else _("{label} ({why}: {via})").format(label=s.label, why=_(WHY_WORDS.get(s.why, s.why)), via=s.via)
                             for s in w.suggestions)
        body.append((f"[{w.section}.aliases]", w.wording, w.rows, where, means))
    grid = Grid("" if machine else _("Wordings not yet known"), heads, tuple(body))
    render_grids([grid], {"sources": list(result.sources), "wordings": [w.as_json() for w in result.wordings]}, fmt, None)
    if write and result.wordings:
        added = write_proposal(config.path, result, dt.date.today())
        err(_("added {count} commented lines to {path}: check each, then remove its leading #").format(count=added, path=config.path))
    elif not result.wordings:
        err(_("every wording is known"))
    return result


COMMANDS = [vocab]
