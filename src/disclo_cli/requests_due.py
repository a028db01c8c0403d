"""`disclo requests`: the office's open requests with their deadlines on the working-day calendar,
what is due soon, what is overdue; and how one request's deadline was counted, day by day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from disclo_cli.config import Config
from disclo_cli.deadlines import Deadline, clock_of, deadlines_of, explain, findings
from disclo_cli.errors import UsageError
from disclo_cli.model import Finding
from disclo_cli.schema import Record
from disclo_cli.workdays import Calendar


@dataclass(frozen=True)
class Due:
    request: Record
    deadline: Deadline

    def as_json(self) -> dict:
        d, r = self.deadline, self.request
        return {"id": r.id, "received": r.received.isoformat(), "deadline": d.due.isoformat() if d.due else None,
                "working_days_left": d.left, "status": d.status, "reasons": list(d.reasons), "provisional": d.provisional,
                "applicant": r.applicant, "subject": r.subject, "file": r.place.file, "sheet": r.place.sheet, "row": r.place.row}


@dataclass(frozen=True)
class DueList:
    """Open requests, soonest deadline first, and the findings of their dates."""

    as_of: dt.date
    due: tuple[Due, ...]
    findings: tuple[Finding, ...] = ()

    @property
    def overdue(self) -> int:
        return sum(1 for d in self.due if d.deadline.status == "overdue")

    @property
    def exit_code(self) -> int:
        return 1 if self.overdue else 0  # a script can mail the clerk


def open_requests(config: Config, calendar: Calendar, *, as_of: dt.date, due_within: int | None = None, overdue: bool = False) -> DueList:
    """The open requests as of a date: every one, or those due within N working days, or overdue."""
    from disclo_cli.ledger import Ledger

    with Ledger.open(config, create=False) as ledger:
        records = [r for r in ledger.open_requests() if r.received <= as_of]
    clocks = [clock_of(r) for r in records]
    results = deadlines_of(clocks, calendar, as_of)
    rows = []
    problems: list[Finding] = []
    for rec, clock, d in zip(records, clocks, results, strict=True):
        if overdue and d.status != "overdue":
            continue
        if due_within is not None and not (d.status == "overdue" or (d.left is not None and d.left <= due_within)):
            continue
        rows.append(Due(rec, d))
        problems += findings(clock, d, calendar)
    rows.sort(key=lambda x: (x.deadline.due or dt.date.max, x.request.received, x.request.id))
    return DueList(as_of, tuple(rows), tuple(problems))


def find_request(config: Config, key: str) -> Record:
    """A request by its 编号, or by FILE:ROW when it has none."""
    from disclo_cli.ledger import Ledger

    with Ledger.open(config, create=False) as ledger:
        records = ledger.requests()
    hits = [r for r in records if r.id and r.id == key]
    if not hits and ":" in key:
        file, _, row = key.rpartition(":")
        hits = [r for r in records if r.place.file == file and str(r.place.row) == row]
    if len(hits) != 1:
        raise UsageError("request-not-found" if not hits else "request-ambiguous", key=key, count=len(hits))
    return hits[0]


def explain_request(config: Config, calendar: Calendar, key: str, *, as_of: dt.date):
    """How a request's deadline was counted, day by day (deadlines.explain)."""
    return explain(clock_of(find_request(config, key)), calendar, as_of)


def deadline_findings(records, calendar: Calendar, year: int) -> list[Finding]:
    """For `disclo check`: the requests of a year answered late, extended without a date, clarified
    late, or counted on a year no calendar covers (answer-before-receipt is ingest's finding)."""
    clocks = [clock_of(r) for r in records]
    out: list[Finding] = []
    provisional: list[Finding] = []
    for clock, d in zip(clocks, deadlines_of(clocks, calendar), strict=True):
        for f in findings(clock, d, calendar):
            if f.code == "answer-before-receipt" and not f.variant:
                continue
            (provisional if f.code == "deadline-provisional" else out).append(f)
    if provisional:  # one warning for all of them, with the first as the example
        first = provisional[0]
        out.append(Finding.of("warning", "deadline-provisional", first.place, variant="many" if len(provisional) > 1 else "",
                              count=len(provisional), **{k: v for k, v in first.params}))
    return out
