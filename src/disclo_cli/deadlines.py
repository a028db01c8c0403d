"""The deadline of a request for disclosure, counted on the working-day calendar (docs/deadlines.md).

Counting, as the Regulations say and as disclo does it:

* A request received on or after 2019-05-15 follows the 2019 text (国务院令第711号, art. 33: 20
  working days, once extendable by at most 20); one received before follows the 2007 text
  (国务院令第492号, art. 24: 15 + 15).
* "自收到申请之日起": the day of receipt is not counted; day 1 is the next working day. The deadline
  is the last counted day, always a working day; an answer on it is on time; a same-day answer has a
  processing time of 0.
* 补正 (art. 30): the period restarts from the receipt of the corrected request; until it arrives
  the clock does not run (the deadline is not known). The 2019 text wants the request for
  clarification within 7 working days of receipt; the 2007 text sets no such limit (and disclo
  restarts its clock the same way, as practice did).
* A paused span (consultation of a third party or another agency, art. 32/33; a fee notice, below)
  does not count: the working days after the day it began up to and including the day it ended are
  left out, as the day of receipt is (practice; the text says only "不计算在前款规定的期限内").
* An extension counts only when the register says so, and only if it was decided within the
  period (an extension dated after the deadline is reported, and the deadline stays).

Fees (国办函〔2020〕109号, 《政府信息公开信息处理费管理办法》, art. 7 as the 四川省财政厅/发展改革委's
notice on it quotes it): the office sends the fee notice "在政府信息公开申请处理期限内"; "申请人应当在收到
收费通知次日起20个工作日内缴纳费用，逾期未缴纳的视为放弃申请" (Table 三 （六）2). The 办法 lets the
applicant decide whether to pay and the office cannot answer before it knows, so disclo treats the
span from the notice to the payment as paused, which is the reading of docs/deadlines.md; the sentence of art. 7
that says so outright could not be checked against a stored copy of the full text, so this stays a
reading to confirm (docs/deadlines.md says the same). The notice's date stands for its receipt: the
register has no other.

Everything here is pure: a RequestClock and a Calendar in, a Deadline out.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterable, Literal, NamedTuple, Sequence

from disclo_cli.model import Finding, Place
from disclo_cli.workdays import Calendar, Day

Status = Literal["open", "due-soon", "overdue", "provisional", "waiting", "withdrawn", "answered-on-time", "answered-late", "answered"]
Reason = Literal["clarification", "extended", "extension-late", "paused", "fee"]
PauseKind = Literal["third-party", "agency", "fee"]
DUE_SOON = 5  # working days left at most: due-soon
FEE_PAYMENT_DAYS = 20  # 国办函〔2020〕109号 art. 7
THIRD_PARTY_DAYS = 15  # a third party's time to reply (art. 32)
_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Regime:
    """The rules of the Regulations in force for a request, by its receipt date."""

    name: str
    since: dt.date
    period: int  # working days to answer
    extension: int  # at most this many more, once
    clarify_within: int | None  # working days to ask for 补正 (None: no such rule)
    basis: str


REGIME_2019 = Regime("2019", dt.date(2019, 5, 15), 20, 20, 7, "《中华人民共和国政府信息公开条例》（国务院令第711号）第三十三条")
REGIME_2007 = Regime("2007", dt.date(2008, 5, 1), 15, 15, None, "《中华人民共和国政府信息公开条例》（国务院令第492号）第二十四条")


def regime_of(received: dt.date) -> Regime:
    return REGIME_2019 if received >= REGIME_2019.since else REGIME_2007


@dataclass(frozen=True, slots=True)
class Pause:
    """A span the period does not run: from `start` to `end` (None: still under way). A third
    party has 15 working days to reply (art. 32); another agency's time has no such limit (art. 33)."""

    start: dt.date
    end: dt.date | None
    kind: PauseKind = "third-party"


@dataclass(frozen=True, slots=True)
class RequestClock:
    """What a register says about a request's time: the dates its deadline depends on."""

    received: dt.date
    answered: dt.date | None = None
    extended: bool = False  # the register says the period was extended
    extension_date: dt.date | None = None  # when the extension was decided and told
    clarification_sent: dt.date | None = None  # 补正 notice
    corrected_received: dt.date | None = None  # the corrected request's receipt
    pauses: tuple[Pause, ...] = ()  # consultations of third parties or other agencies
    fee_notice: dt.date | None = None
    fee_paid: dt.date | None = None
    id: str = ""
    place: Place = field(default_factory=Place)

    @property
    def spans(self) -> tuple[Pause, ...]:
        """Every paused span, the fee notice's included."""
        if self.fee_notice is None:
            return self.pauses
        return (*self.pauses, Pause(self.fee_notice, self.fee_paid, "fee"))


class Deadline(NamedTuple):
    """A request's deadline and where it stands. Immutable; a NamedTuple rather than a frozen
    dataclass because a ledger makes a million of them (a third of the cost of a frozen one)."""

    regime: Regime
    due: dt.date | None  # None: it cannot be known yet (补正 or a pause still under way)
    status: Status
    reasons: tuple[Reason, ...]
    start: dt.date | None  # the clock runs from the day after: receipt, or the corrected request's
    allowed: int  # working days allowed: the period, plus the extension
    paused_days: int  # working days not counted before the deadline
    provisional: bool  # the deadline rests on a year no calendar covers (weekends only)
    uncovered_years: tuple[int, ...]
    on_time: bool | None  # answered by the deadline (None: open, or cannot be judged)
    processing_days: int | None  # working days from the clock's start to the answer, pauses left out
    left: int | None  # working days left as of the date asked (negative: late); None when answered
    fee_due: dt.date | None = None  # the last day to pay a fee notice
    first_due: dt.date | None = None  # the deadline without the extension (when there is one)


def deadline(clock: RequestClock, calendar: Calendar, as_of: dt.date | None = None, *, soon: int = DUE_SOON) -> Deadline:
    """The deadline of a request and, as of a date, its status and working days left."""
    regime = regime_of(clock.received)
    reasons: list[Reason] = []
    start: dt.date | None = clock.received
    if clock.clarification_sent is not None:
        reasons.append("clarification")
        start = clock.corrected_received
    effective = _effective(clock, calendar, as_of) if clock.pauses or clock.fee_notice is not None else []
    spans = _merged(effective) if effective else []
    allowed = regime.period
    due = first_due = None
    paused = 0
    if start is not None:
        first_due, paused = _run(calendar, start, allowed, spans)
        due = first_due
        if clock.extended or clock.extension_date is not None:
            if clock.extension_date is not None and first_due is not None and clock.extension_date > first_due:
                reasons.append("extension-late")
            else:
                reasons.append("extended")
                allowed += regime.extension
                due, paused = _run(calendar, start, allowed, spans)
    for span in effective:
        reason: Reason = "fee" if span.kind == "fee" else "paused"
        if reason not in reasons and _affects(span, start, due):
            reasons.append(reason)
    uncovered = calendar.uncovered_years(start, due) if start is not None and due is not None else ()
    fee_due = calendar.add_working_days(clock.fee_notice, FEE_PAYMENT_DAYS) if clock.fee_notice is not None else None

    on_time = processing = left = None
    if clock.answered is not None:
        status, on_time, processing = _answered(clock.answered, calendar, start, due, allowed, spans)
    else:
        if due is not None and as_of is not None:
            diff = calendar.working_days_between(as_of, due)
            left = diff if as_of <= due else min(-1, diff)
        status = _open_status(clock, calendar, start, due, uncovered, fee_due, as_of, left, soon)
    return Deadline(regime, due, status, tuple(reasons), start, allowed, paused, bool(uncovered), uncovered,
                    on_time, processing, left, fee_due, first_due if clock.extended or clock.extension_date is not None else None)


def deadlines_of(clocks: Iterable[RequestClock], calendar: Calendar, as_of: dt.date | None = None, *, soon: int = DUE_SOON) -> list[Deadline]:
    """deadline() of every request; requests with the same dates share one (immutable) result, so
    a ledger of a million requests costs what its distinct sets of dates cost."""
    memo: dict[tuple, Deadline] = {}
    out = []
    for c in clocks:
        if c.extended or c.extension_date is not None or c.clarification_sent is not None or c.pauses or c.fee_notice is not None:
            key: tuple = (c.received, c.answered, c.extended, c.extension_date, c.clarification_sent, c.corrected_received, c.pauses, c.fee_notice, c.fee_paid)
        else:  # most requests: the two dates say everything
            key = (c.received, c.answered)
        result = memo.get(key)
        if result is None:
            result = memo[key] = deadline(c, calendar, as_of, soon=soon)
        out.append(result)
    return out


def _valid(span: Pause) -> bool:
    return span.end is None or span.end >= span.start


def _effective(clock: RequestClock, calendar: Calendar, as_of: dt.date | None) -> list[Pause]:
    """The valid spans with the end the rules give them: a third party's span ends, at the latest,
    when its 15 working days run out (art. 32), counted from the consultation's date (the register
    has no other; its receipt can only be later, so this never lengthens the period)."""
    out = []
    known = clock.answered or as_of
    for span in clock.spans:
        if not _valid(span):
            continue
        if span.kind == "third-party":
            cap = calendar.add_working_days(span.start, THIRD_PARTY_DAYS)
            if span.end is not None or (known is not None and known >= cap):
                span = Pause(span.start, min(span.end or cap, cap), span.kind)
        out.append(span)
    return out


def _affects(span: Pause, start: dt.date | None, due: dt.date | None) -> bool:
    """Whether a span took days out of the period (it ended after the clock started, began before the deadline)."""
    return (start is None or span.end is None or span.end > start) and (due is None or span.start < due)


def _merged(spans: Iterable[Pause]) -> list[tuple[dt.date, dt.date | None]]:
    """The spans as (start, end) in order, overlapping ones joined (end None: under way)."""
    out: list[tuple[dt.date, dt.date | None]] = []
    for span in sorted(spans, key=lambda s: s.start):
        if out and (out[-1][1] is None or span.start < out[-1][1]):
            end = out[-1][1]
            out[-1] = (out[-1][0], None if end is None or span.end is None else max(end, span.end))
        else:
            out.append((span.start, span.end))
    return out


def _run(calendar: Calendar, start: dt.date, n: int, spans: Sequence[tuple[dt.date, dt.date | None]]) -> tuple[dt.date | None, int]:
    """The n-th counted working day after start, and the working days the spans took out before it;
    (None, …) when a span still under way stops the clock first."""
    current, left, paused = start, n, 0
    for begin, end in spans:
        if end is not None and end <= current:
            continue
        begin = max(begin, current)
        available = calendar.working_days_between(current, begin)
        if left <= available:
            break
        left -= available
        if end is None:
            return None, paused
        paused += calendar.working_days_between(begin, end)
        current = end
    return calendar.add_working_days(current, left), paused


def _counted(calendar: Calendar, start: dt.date, through: dt.date, spans: Sequence[tuple[dt.date, dt.date | None]]) -> int:
    """Working days after start up to through that the clock counts (pauses left out)."""
    if through <= start:
        return 0
    days = calendar.working_days_between(start, through)
    for begin, end in spans:
        low, high = max(begin, start), min(end or through, through)
        if high > low:
            days -= calendar.working_days_between(low, high)
    return days


def _answered(answered: dt.date, calendar: Calendar, start: dt.date | None, due: dt.date | None, allowed: int, spans) -> tuple[Status, bool | None, int | None]:
    if start is None or answered < start:
        return "answered", None, None  # no clock to judge by (补正 never came back, or wrong dates)
    processing = _counted(calendar, start, answered, spans)
    if answered > start and calendar.uncovered_years(start, answered - _ONE_DAY):
        return "provisional", None, processing
    if due is not None:
        on_time = answered <= due
    else:  # a span still under way when it was answered: on time if the period had not run out
        on_time = _counted(calendar, start, answered - _ONE_DAY, spans) < allowed
    return ("answered-on-time" if on_time else "answered-late"), on_time, processing


def _open_status(clock: RequestClock, calendar: Calendar, start, due, uncovered, fee_due, as_of, left, soon) -> Status:
    if clock.fee_notice is not None and clock.fee_paid is None and fee_due is not None and as_of is not None and as_of > fee_due:
        return "provisional" if calendar.uncovered_years(clock.fee_notice, fee_due) else "withdrawn"
    if start is None or due is None:
        return "waiting"
    if uncovered:
        return "provisional"
    if as_of is None or left is None:
        return "open"
    if as_of > due:
        return "overdue"
    return "due-soon" if left <= soon else "open"


# --- explanation, day by day ------------------------------------------------------------------------

Skip = Literal["", "received", "waiting", "weekend", "holiday", "paused"]
Event = Literal["received", "clarification-sent", "corrected-received", "extension", "pause-start", "pause-end",
                "fee-notice", "fee-paid", "first-due", "due", "answered"]


@dataclass(frozen=True, slots=True)
class Step:
    """One day of a request's clock: the calendar's day, the clock's count on it (None: not counted,
    and `skip` says why), and what happened that day."""

    day: Day
    count: int | None
    skip: Skip
    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class Explanation:
    clock: RequestClock
    deadline: Deadline
    steps: tuple[Step, ...]


def explain(clock: RequestClock, calendar: Calendar, as_of: dt.date | None = None) -> Explanation:
    """How a request's deadline was counted: every day from its receipt to its deadline (or its
    answer, or the last thing that happened to it, whichever is later)."""
    result = deadline(clock, calendar, as_of)
    spans = _merged(_effective(clock, calendar, as_of))
    events: dict[dt.date, list[Event]] = {}

    def on(date: dt.date | None, event: Event) -> None:
        if date is not None:
            events.setdefault(date, []).append(event)

    on(clock.received, "received")
    on(clock.clarification_sent, "clarification-sent")
    on(clock.corrected_received, "corrected-received")
    on(clock.extension_date, "extension")
    for span in clock.pauses:
        on(span.start, "pause-start")
        on(span.end, "pause-end")
    on(clock.fee_notice, "fee-notice")
    on(clock.fee_paid, "fee-paid")
    on(result.first_due, "first-due")
    on(result.due, "due")
    on(clock.answered, "answered")
    last = max(events)
    steps: list[Step] = []
    count = 0
    date = clock.received
    while date <= last:
        day = calendar.day(date)
        skip: Skip
        if result.start is None or date <= result.start:
            skip = "received" if date == clock.received else "waiting"
        elif not day.working:
            skip = "holiday" if day.kind == "holiday" else "weekend"
        elif any(begin < date and (end is None or date <= end) for begin, end in spans):
            skip = "paused"
        else:
            skip = ""
            count += 1
        steps.append(Step(day, count if not skip else None, skip, tuple(events.get(date, ()))))
        date += _ONE_DAY
    return Explanation(clock, result, tuple(steps))


# --- findings, for disclo check --------------------------------------------------------------------

def findings(clock: RequestClock, result: Deadline, calendar: Calendar) -> tuple[Finding, ...]:
    """What is wrong, or doubtful, in a request's dates."""
    out: list[Finding] = []
    place = clock.place
    answered = clock.answered
    if answered is not None and answered < clock.received:
        out.append(Finding.of("error", "answer-before-receipt", place, answered=answered.isoformat(), received=clock.received.isoformat()))
    elif answered is not None and clock.corrected_received is not None and answered < clock.corrected_received:
        out.append(Finding.of("error", "answer-before-receipt", place, variant="corrected", answered=answered.isoformat(), received=clock.corrected_received.isoformat()))
    if result.status == "answered-late" and answered is not None and result.due is not None:
        out.append(Finding.of("warning", "answered-late", place, answered=answered.isoformat(), due=result.due.isoformat(),
                              late=max(1, calendar.working_days_between(result.due, answered))))
    if clock.extended and clock.extension_date is None:
        out.append(Finding.of("warning", "extension-no-date", place))
    if "extension-late" in result.reasons and clock.extension_date is not None and result.first_due is not None:
        out.append(Finding.of("warning", "extension-late", place, extended=clock.extension_date.isoformat(), due=result.first_due.isoformat()))
    within = result.regime.clarify_within
    if within is not None and clock.clarification_sent is not None:
        limit = calendar.add_working_days(clock.received, within)
        if clock.clarification_sent > limit:
            out.append(Finding.of("warning", "clarification-late", place, sent=clock.clarification_sent.isoformat(),
                                  limit=limit.isoformat(), days=within))
    for span in clock.spans:
        if not _valid(span):
            out.append(Finding.of("error", "pause-reversed", place, variant=span.kind, start=span.start.isoformat(), end=span.end.isoformat() if span.end else ""))
    if result.status == "provisional":
        out.append(Finding.of("warning", "deadline-provisional", place, years="、".join(str(y) for y in result.uncovered_years or _years_of(clock, result, calendar)),
                              due=result.due.isoformat() if result.due else ""))
    return tuple(out)


def _years_of(clock: RequestClock, result: Deadline, calendar: Calendar) -> tuple[int, ...]:
    """The uncovered years an answered request's verdict (or a fee's window) rests on."""
    if clock.answered is not None and result.start is not None:
        return calendar.uncovered_years(result.start, clock.answered - _ONE_DAY)
    if clock.fee_notice is not None and result.fee_due is not None:
        return calendar.uncovered_years(clock.fee_notice, result.fee_due)
    return ()


# --- per-year figures: processing time and on-time rate ------------------------------------------

@dataclass(frozen=True, slots=True)
class Bucket:
    label: str
    low: int
    high: int | None  # None: no upper bound


#: processing time in working days, as the report groups it
BUCKETS = (Bucket("≤5", 0, 5), Bucket("6–10", 6, 10), Bucket("11–20", 11, 20), Bucket("21–40", 21, 40), Bucket(">40", 41, None))


@dataclass(frozen=True, slots=True)
class Timeliness:
    """Answered requests: how many on time, and how long they took (in working days)."""

    answered: int
    on_time: int
    late: int
    unjudged: int  # answered, but without a deadline to judge by (provisional, 补正 never returned, wrong dates)
    timed: int  # answered with a processing time
    median_days: float | None
    mean_days: float | None
    max_days: int | None
    buckets: tuple[tuple[Bucket, int], ...]
    late_answers: tuple[tuple[RequestClock, Deadline], ...]

    @property
    def on_time_rate(self) -> Fraction | None:
        """On time / judged (on time + late); None when nothing could be judged, never 100% of nothing."""
        judged = self.on_time + self.late
        return Fraction(self.on_time, judged) if judged else None


def timeliness(requests: Iterable[tuple[RequestClock, Deadline]]) -> Timeliness:
    """The figures of the answered requests among `requests` (the caller picks the year)."""
    answered = [(c, d) for c, d in requests if c.answered is not None]
    on_time = sum(1 for _c, d in answered if d.on_time is True)
    late = [(c, d) for c, d in answered if d.on_time is False]
    days = [d.processing_days for _c, d in answered if d.processing_days is not None]
    buckets = tuple((b, sum(1 for n in days if b.low <= n and (b.high is None or n <= b.high))) for b in BUCKETS)
    return Timeliness(
        answered=len(answered), on_time=on_time, late=len(late), unjudged=len(answered) - on_time - len(late), timed=len(days),
        median_days=float(statistics.median(days)) if days else None,
        mean_days=statistics.fmean(days) if days else None,
        max_days=max(days) if days else None,
        buckets=buckets, late_answers=tuple(sorted(late, key=lambda p: (p[0].answered, p[0].id))),
    )


# --- from the ledger's records ----------------------------------------------------------------------

def clock_of(request) -> RequestClock:
    """The clock of a request record (a row of the request register, schema.py's Request)."""
    pauses: tuple[Pause, ...] = ()
    if request.consult_sent is not None:
        pauses = (Pause(request.consult_sent, request.consult_received, "third-party"),)
    return RequestClock(
        received=request.received, answered=request.answered,
        extended=bool(request.extended) or request.extended_on is not None, extension_date=request.extended_on,
        clarification_sent=request.correction_sent, corrected_received=request.correction_received,
        pauses=pauses, fee_notice=request.fee_notice, fee_paid=request.fee_paid,
        id=request.id, place=request.place,
    )
