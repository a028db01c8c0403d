"""Calendars, holiday notices and deadline explanations as a person reads them (and as JSON)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from itertools import groupby
from typing import TYPE_CHECKING, Iterable

from disclo_cli.messages import N_, _

if TYPE_CHECKING:
    from disclo_cli.deadlines import Explanation, Step
    from disclo_cli.notice import Notice
    from disclo_cli.workdays import Calendar, Day

WEEKDAY_HEADS = (N_("Mo"), N_("Tu"), N_("We"), N_("Th"), N_("Fr"), N_("Sa"), N_("Su"))
WEEKDAY_NAMES = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
MARKS = {"holiday": "休", "make-up": "班"}  # the calendar file's words, the same in every language


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return " " * max(0, width - _width(text)) + text


# --- a year, month by month ----------------------------------------------------------------------

def year_lines(calendar: Calendar, year: int, file: str) -> list[str]:
    """A year as twelve small month grids (休 and 班 marked), each with its named days below it."""
    lines = [_("Working days {year}").format(year=year), _("Sources: {sources}").format(sources="; ".join(calendar.sources) or _("none"))]
    if not calendar.covers(year):
        lines.append(_("{year} is provisional: no holiday notice is known for it, so only Saturdays and Sundays are days off. "
                       "Add the year with 'disclo calendar import NOTICE.txt', or in {file}.").format(year=year, file=file))
    for month in range(1, 13):
        days = calendar.month(year, month)
        lines += ["", f"{year}-{month:02d}", " ".join(_pad(_(h), 4) for h in WEEKDAY_HEADS)]
        cells = ["    "] * days[0].date.weekday()
        for day in days:
            cells.append(f"{day.date.day:>2}{MARKS.get(day.kind, '  ')}")
            if len(cells) == 7:
                lines.append(" ".join(cells).rstrip())
                cells = []
        if cells:
            lines.append(" ".join(cells).rstrip())
        lines += [f"  {line}" for line in _runs((d.date, MARKS[d.kind], d.name) for d in days if d.kind in MARKS)]
    return lines


def _runs(days: Iterable[tuple[dt.date, str, str]]) -> list[str]:
    """Consecutive days of the same mark and name as one line: '休 1–3 元旦'."""
    out: list[str] = []
    items = list(days)
    groups: list[list[tuple[dt.date, str, str]]] = []
    for item in items:
        if groups and (groups[-1][-1][1:], (item[0] - groups[-1][-1][0]).days) == (item[1:], 1):
            groups[-1].append(item)
        else:
            groups.append([item])
    for group in groups:
        first, last = group[0][0], group[-1][0]
        span = f"{first.day}" if first == last else f"{first.day}–{last.day}"
        out.append(f"{group[0][1]} {span} {group[0][2]}".rstrip())
    return out


def year_json(calendar: Calendar, year: int) -> dict:
    days = [calendar.day(dt.date(year, 1, 1) + dt.timedelta(days=i)) for i in range((dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days)]
    return {"year": year, "provisional": not calendar.covers(year), "sources": list(calendar.sources),
            "days": [_day_json(d) for d in days]}


def _day_json(day: Day) -> dict:
    return {"date": day.date.isoformat(), "working": day.working, "kind": day.kind, "name": day.name, "source": day.source}


# --- a holiday notice, as read ---------------------------------------------------------------------

def notice_lines(notice: Notice) -> list[str]:
    """What a notice says, month by month, for the clerk to compare with the text."""
    lines = [f"{notice.title}" + (f"（{notice.number}）" if notice.number else "")]
    by_month = groupby(notice.days, key=lambda d: (d.date.year, d.date.month))
    for (year, month), days in by_month:
        runs = _runs((d.date, d.kind, d.name) for d in days)
        head = f"{year}-{month:02d}"
        for i, run in enumerate(runs):
            lines.append(f"{head if i == 0 else ' ' * len(head)}  {run}")
    for clause in notice.unread:
        lines.append(_("not read: {clause}").format(clause=clause))
    return lines


# --- how a deadline was counted --------------------------------------------------------------------

EVENT_WORDS = {
    "received": N_("request received; the day of receipt is not counted"),
    "clarification-sent": N_("request for clarification (补正) sent"),
    "corrected-received": N_("corrected request received: the period starts again"),
    "extension": N_("extension decided and told"),
    "pause-start": N_("consultation sent: the period stops"),
    "pause-end": N_("reply received: the period runs again"),
    "fee-notice": N_("fee notice sent: the period stops until it is paid"),
    "fee-paid": N_("fee paid: the period runs again"),
    "first-due": N_("deadline without the extension"),
    "due": N_("deadline"),
    "answered": N_("answered"),
}
SKIP_WORDS = {
    "received": "",
    "waiting": N_("not counted: waiting for the corrected request"),
    "weekend": N_("not counted: weekend"),
    "paused": N_("not counted: paused"),
}


def explanation_lines(explanation: Explanation) -> list[str]:
    """The clock day by day: each counted working day, each skipped day and why."""
    d = explanation.deadline
    clock = explanation.clock
    due = d.due.isoformat() if d.due else _("not known yet")
    lines = [_("{id}received {received}; the {regime} Regulations: {allowed} working days; deadline {due}").format(
        id=f"{clock.id}: " if clock.id else "", received=clock.received.isoformat(), regime=d.regime.name, allowed=d.allowed, due=due)]
    if d.provisional:
        lines.append(_("provisional: no holiday notice is known for {years}; Monday to Friday assumed").format(years="、".join(map(str, d.uncovered_years))))
    lines += [_step_line(step) for step in explanation.steps]
    return lines


def _step_line(step: Step) -> str:
    day = step.day
    head = f"{day.date.isoformat()} {_(WEEKDAY_NAMES[day.date.weekday()])}"
    if step.count is not None:
        what = _("day {count}").format(count=step.count)
        if day.kind == "make-up":
            what += " " + _("(make-up working day: {name})").format(name=day.name or _("make-up"))
    elif step.skip == "holiday":
        what = _("not counted: {name}").format(name=day.name or _("holiday"))
    else:
        what = _(SKIP_WORDS[step.skip]) if SKIP_WORDS[step.skip] else ""
    if day.provisional:
        what += " " + _("(provisional)")
    events = "; ".join(_(EVENT_WORDS[e]) for e in step.events)
    return "  ".join(part for part in (head, what, f"← {events}" if events else "") if part)
