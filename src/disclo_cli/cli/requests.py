"""disclo requests, disclo requests explain."""

from __future__ import annotations

import click

from disclo_cli.cli.options import Day, emit, err, load_config, render_grids, report_findings
from disclo_cli.messages import N_, _

STATUS_WORDS = {"open": N_("open"), "due-soon": N_("due soon"), "overdue": N_("overdue"), "provisional": N_("provisional"),
                "waiting": N_("waiting"), "withdrawn": N_("withdrawn")}
REASON_WORDS = {"clarification": N_("补正"), "extended": N_("extended"), "extension-late": N_("extension too late"),
                "paused": N_("paused"), "fee": N_("fee notice")}


@click.group(invoke_without_command=True)
@click.option("--as-of", type=Day(), help=N_("Count as of this day (default: today), e.g. 2027-01-05."))
@click.option("--due-within", type=click.IntRange(0, 400), metavar="N", help=N_("Only the requests due within N working days (and those overdue)."))
@click.option("--overdue", is_flag=True, help=N_("Only the overdue requests."))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "xlsx"]), default="table", show_default=True, help=N_("Output format."))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help=N_("Write to this file instead of stdout (needed for xlsx)."))
@click.pass_context
def requests(ctx: click.Context, as_of, due_within: int | None, overdue: bool, fmt: str, output: str | None):
    """The open requests with their deadlines (exit 1 when any is overdue).

    Example: disclo requests --due-within 5
    """
    if ctx.invoked_subcommand is not None:
        return None
    import datetime as dt

    from disclo_cli.cli.calendar import workspace_calendar
    from disclo_cli.render import Grid
    from disclo_cli.requests_due import open_requests

    config = load_config(ctx, required=True)
    day = as_of or dt.date.today()
    result = open_requests(config, workspace_calendar(ctx), as_of=day, due_within=due_within, overdue=overdue)
    report_findings(result.findings)
    machine = fmt in ("csv", "json")
    heads = ("id", "received", "deadline", "working_days_left", "status", "reasons", "file", "row")
    shown = heads if machine else tuple(_(h) for h in (N_("id"), N_("received"), N_("deadline"), N_("working days left"), N_("status"), N_("why"), N_("file"), N_("row")))
    body = []
    for d in result.due:
        j = d.as_json()
        status = j["status"] if machine else _(STATUS_WORDS.get(j["status"], j["status"])) + ("*" if j["provisional"] else "")
        reasons = "、".join(j["reasons"]) if machine else "、".join(_(REASON_WORDS.get(r, r)) for r in j["reasons"])
        body.append((j["id"], j["received"], j["deadline"] or "", j["working_days_left"], status, reasons, j["file"], j["row"]))
    title = "" if machine else _("Open requests as of {day}").format(day=day.isoformat())
    grid = Grid(title, shown, tuple(body), note="" if machine or not any(d.deadline.provisional for d in result.due) else _("* provisional: a year without a holiday notice"))
    render_grids([grid], {"as_of": day.isoformat(), "requests": [d.as_json() for d in result.due]}, fmt, output)
    if result.overdue:
        err(_("{count} request(s) overdue").format(count=result.overdue))
    return result


@requests.command("explain")
@click.argument("request")
@click.option("--as-of", type=Day(), help=N_("Count as of this day (default: today)."))
@click.pass_context
def requests_explain(ctx: click.Context, request: str, as_of):
    """How a request's deadline was counted, day by day (by its 编号, or FILE:ROW).

    Example: disclo requests explain YSQ-2026-031
    """
    import datetime as dt

    from disclo_cli.calendar_view import explanation_lines
    from disclo_cli.cli.calendar import workspace_calendar
    from disclo_cli.requests_due import explain_request

    config = load_config(ctx, required=True)
    explanation = explain_request(config, workspace_calendar(ctx), request, as_of=as_of or dt.date.today())
    emit("".join(line + "\n" for line in explanation_lines(explanation)), None)
    return None


COMMANDS = [requests]
