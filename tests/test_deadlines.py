"""Request deadlines on known calendars (deadlines.md): regimes, extension, 补正, pauses, fees,
provisional years; processing time; findings; the day-by-day explanation; the per-year figures."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from disclo_cli import calendar_file
from disclo_cli.calendar_view import explanation_lines
from disclo_cli.deadlines import Pause, RequestClock, deadline, deadlines_of, explain, findings, timeliness
from disclo_cli.model import Place
from disclo_cli.workdays import Calendar

D = dt.date
CAL_2027 = """日期,类型,名称,来源
2027,通知,国务院办公厅关于2027年部分节假日安排的通知,测试用样例
2027-01-01,休,元旦,测试用样例
"""


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return Calendar.of()


def codes(clock: RequestClock, cal: Calendar, as_of: dt.date | None = None) -> list[str]:
    return [f.key for f in findings(clock, deadline(clock, cal, as_of), cal)]


# --- the period -------------------------------------------------------------------------------------

def test_national_day_2025(cal) -> None:
    d = deadline(RequestClock(D(2025, 9, 26)), cal, as_of=D(2025, 10, 27))
    assert (d.due, d.regime.name, d.allowed, d.status, d.left, d.provisional, d.reasons) == (D(2025, 10, 30), "2019", 20, "due-soon", 3, False, ())


@pytest.mark.parametrize(("as_of", "status", "left"), [
    (D(2025, 10, 22), "open", 6), (D(2025, 10, 23), "due-soon", 5), (D(2025, 10, 30), "due-soon", 0),
    (D(2025, 10, 31), "overdue", -1), (D(2025, 11, 1), "overdue", -1), (D(2025, 11, 3), "overdue", -2),
])
def test_status_and_working_days_left(cal, as_of, status, left) -> None:
    d = deadline(RequestClock(D(2025, 9, 26)), cal, as_of=as_of)
    assert (d.status, d.left) == (status, left)


def test_the_2007_text_before_2019_05_15(cal) -> None:
    before = deadline(RequestClock(D(2019, 5, 10)), cal)
    assert (before.regime.name, before.allowed, before.due) == ("2007", 15, D(2019, 5, 31))
    assert cal.working_days_between(D(2019, 5, 10), before.due) == 15
    after = deadline(RequestClock(D(2019, 5, 15)), cal)
    assert (after.regime.name, after.allowed, after.due) == ("2019", 20, D(2019, 6, 13))  # 端午 6-07 off


def test_a_same_day_answer_takes_0_days_and_the_deadline_itself_is_on_time(cal) -> None:
    same = deadline(RequestClock(D(2025, 9, 26), answered=D(2025, 9, 26)), cal)
    assert (same.status, same.on_time, same.processing_days, same.left) == ("answered-on-time", True, 0, None)
    on = deadline(RequestClock(D(2025, 9, 26), answered=D(2025, 10, 30)), cal)
    assert (on.status, on.processing_days) == ("answered-on-time", 20)
    late = RequestClock(D(2025, 9, 26), answered=D(2025, 11, 3), place=Place("台账.xlsx", "2025", 7))
    d = deadline(late, cal)
    assert (d.status, d.on_time, d.processing_days) == ("answered-late", False, 22)
    (f,) = findings(late, d, cal)
    assert (f.severity, f.code, str(f.place)) == ("warning", "answered-late", "台账.xlsx, sheet '2025', row 7")
    assert f.message == "answered on 2025-11-03, after the deadline 2025-10-30 (2 working day(s) late)"


def test_a_weekend_answer_after_a_friday_deadline_is_late(cal) -> None:
    d = deadline(RequestClock(D(2025, 9, 26), answered=D(2025, 11, 1)), cal)  # deadline Thu 10-30; Sat 11-01
    assert (d.status, d.processing_days) == ("answered-late", 21)
    d = deadline(RequestClock(D(2025, 11, 7), answered=D(2025, 12, 6)), cal)  # deadline Fri 12-05, answer Sat
    assert (d.due, d.status, d.processing_days) == (D(2025, 12, 5), "answered-late", 20)


# --- extension ----------------------------------------------------------------------------------

def test_an_extension_adds_20_working_days(cal) -> None:
    d = deadline(RequestClock(D(2025, 9, 26), extended=True, extension_date=D(2025, 10, 20)), cal)
    assert (d.due, d.first_due, d.allowed, d.reasons) == (D(2025, 11, 27), D(2025, 10, 30), 40, ("extended",))
    d = deadline(RequestClock(D(2019, 5, 10), extended=True, extension_date=D(2019, 5, 20)), cal)
    assert (d.due, d.allowed) == (cal.add_working_days(D(2019, 5, 10), 30), 30)


def test_an_extension_without_its_date_counts_but_is_reported(cal) -> None:
    clock = RequestClock(D(2025, 9, 26), extended=True)
    assert deadline(clock, cal).due == D(2025, 11, 27)
    assert codes(clock, cal) == ["extension-no-date"]


def test_an_extension_after_the_deadline_does_not_extend(cal) -> None:
    clock = RequestClock(D(2025, 9, 26), extension_date=D(2025, 10, 31), answered=D(2025, 11, 20))
    d = deadline(clock, cal)
    assert (d.due, d.allowed, d.reasons, d.status) == (D(2025, 10, 30), 20, ("extension-late",), "answered-late")
    assert codes(clock, cal) == ["answered-late", "extension-late"]
    assert findings(clock, d, cal)[1].message == "extended on 2025-10-31, after the deadline 2025-10-30: the deadline stays"


# --- 补正 -------------------------------------------------------------------------------------------

def test_clarification_restarts_the_period_from_the_corrected_request(cal) -> None:
    clock = RequestClock(D(2025, 9, 26), clarification_sent=D(2025, 9, 29), corrected_received=D(2025, 10, 9), answered=D(2025, 11, 5))
    d = deadline(clock, cal)
    assert (d.start, d.due, d.reasons, d.status, d.processing_days) == (D(2025, 10, 9), D(2025, 11, 5), ("clarification",), "answered-on-time", 20)
    assert codes(clock, cal) == []


def test_until_the_corrected_request_arrives_the_deadline_is_not_known(cal) -> None:
    d = deadline(RequestClock(D(2025, 9, 26), clarification_sent=D(2025, 9, 29)), cal, as_of=D(2026, 1, 5))
    assert (d.due, d.status, d.left) == (None, "waiting", None)
    answered = deadline(RequestClock(D(2025, 9, 26), clarification_sent=D(2025, 9, 29), answered=D(2025, 12, 1)), cal)
    assert (answered.status, answered.on_time, answered.processing_days) == ("answered", None, None)


def test_a_clarification_later_than_7_working_days_is_reported_under_the_2019_text(cal) -> None:
    late = RequestClock(D(2025, 9, 26), clarification_sent=D(2025, 10, 14), corrected_received=D(2025, 10, 20))
    (f,) = findings(late, deadline(late, cal), cal)
    assert f.message == "clarification (补正) asked on 2025-10-14, later than 7 working days after receipt (2025-10-13)"
    assert codes(RequestClock(D(2025, 9, 26), clarification_sent=D(2025, 10, 13), corrected_received=D(2025, 10, 20)), cal) == []
    assert codes(RequestClock(D(2018, 9, 26), clarification_sent=D(2018, 11, 14), corrected_received=D(2018, 11, 20)), cal) == []


# --- paused spans -------------------------------------------------------------------------------

def test_a_consultation_is_not_counted(cal) -> None:
    d = deadline(RequestClock(D(2025, 9, 26), pauses=(Pause(D(2025, 10, 9), D(2025, 10, 15)),)), cal)
    assert (d.due, d.paused_days, d.reasons) == (D(2025, 11, 6), 5, ("paused",))  # 10-10, 10-11 (班), 10-13…15


def test_a_consultation_under_way_stops_the_clock_for_at_most_15_working_days(cal) -> None:
    clock = RequestClock(D(2025, 9, 26), pauses=(Pause(D(2025, 10, 9), None),))
    assert deadline(clock, cal, as_of=D(2025, 10, 20)).status == "waiting"
    d = deadline(clock, cal, as_of=D(2025, 11, 3))  # the third party's 15 days ran out on 10-29
    assert (d.due, d.paused_days, d.status) == (D(2025, 11, 20), 15, "open")  # day 4 on 10-09, 16 more after 10-29
    slow = deadline(RequestClock(D(2025, 9, 26), pauses=(Pause(D(2025, 10, 9), D(2025, 11, 28)),)), cal)
    assert slow.paused_days == 15  # a late reply does not lengthen the period
    agency = deadline(RequestClock(D(2025, 9, 26), pauses=(Pause(D(2025, 10, 9), D(2025, 11, 28), "agency"),)), cal)
    assert agency.paused_days == cal.working_days_between(D(2025, 10, 9), D(2025, 11, 28))  # no 15-day limit


def test_overlapping_pauses_count_once_and_processing_time_leaves_them_out(cal) -> None:
    clock = RequestClock(D(2025, 9, 26), answered=D(2025, 11, 6),
                         pauses=(Pause(D(2025, 10, 9), D(2025, 10, 14)), Pause(D(2025, 10, 13), D(2025, 10, 15), "agency")))
    d = deadline(clock, cal)
    assert (d.due, d.paused_days, d.processing_days, d.status) == (D(2025, 11, 6), 5, 20, "answered-on-time")


def test_a_reversed_pause_is_an_error_and_not_counted(cal) -> None:
    clock = RequestClock(D(2025, 9, 26), pauses=(Pause(D(2025, 10, 15), D(2025, 10, 9)),))
    assert deadline(clock, cal).due == D(2025, 10, 30)
    (f,) = findings(clock, deadline(clock, cal), cal)
    assert (f.severity, f.message) == ("error", "the third party's reply (2025-10-09) is dated before the consultation (2025-10-15); not counted as a pause")


# --- fees ---------------------------------------------------------------------------------------------

def test_a_paid_fee_notice_is_a_pause(cal) -> None:
    d = deadline(RequestClock(D(2025, 9, 26), fee_notice=D(2025, 10, 9), fee_paid=D(2025, 10, 15)), cal)
    assert (d.due, d.reasons, d.fee_due) == (D(2025, 11, 6), ("fee",), cal.add_working_days(D(2025, 10, 9), 20))
    assert d.fee_due == D(2025, 11, 5)  # 20 working days from the day after the notice (10-11 is a 班)


def test_an_unpaid_fee_waits_then_is_deemed_withdrawn(cal) -> None:
    clock = RequestClock(D(2025, 9, 26), fee_notice=D(2025, 10, 9))
    assert deadline(clock, cal, as_of=D(2025, 11, 5)).status == "waiting"  # the last day to pay
    assert deadline(clock, cal, as_of=D(2025, 11, 6)).status == "withdrawn"  # 视为放弃申请: 三（六）2


# --- a year no calendar covers ------------------------------------------------------------------

def test_a_request_of_late_december_2026_has_a_provisional_deadline(cal) -> None:
    clock = RequestClock(D(2026, 12, 20), place=Place("台账.xlsx", "", 12))
    d = deadline(clock, cal, as_of=D(2026, 12, 28))
    assert (d.due, d.status, d.provisional, d.uncovered_years) == (D(2027, 1, 15), "provisional", True, (2027,))
    (f,) = findings(clock, d, cal)
    assert (f.severity, f.code, str(f.place)) == ("warning", "deadline-provisional", "台账.xlsx, row 12")
    assert f.message == "provisional deadline 2027-01-15: no holiday notice is known for 2027, so only weekends were left out"
    assert "disclo calendar import" in f.hint


def test_the_same_request_is_exact_once_a_calendar_file_covers_2027() -> None:
    cal = Calendar.of(calendar_file.parse(CAL_2027.encode(), "calendar.csv"))
    d = deadline(RequestClock(D(2026, 12, 20)), cal, as_of=D(2026, 12, 28))
    assert (d.due, d.status, d.provisional, d.left) == (D(2027, 1, 18), "open", False, 14)
    assert findings(RequestClock(D(2026, 12, 20)), d, cal) == ()


def test_an_answer_before_the_uncovered_year_is_judged_exactly(cal) -> None:
    d = deadline(RequestClock(D(2026, 12, 20), answered=D(2026, 12, 30)), cal)
    assert (d.provisional, d.status, d.on_time, d.processing_days) == (True, "answered-on-time", True, 8)
    d = deadline(RequestClock(D(2026, 12, 20), answered=D(2027, 1, 14)), cal)
    assert (d.status, d.on_time) == ("provisional", None)


# --- wrong dates -----------------------------------------------------------------------------------

def test_an_answer_before_receipt_is_an_error_and_not_judged(cal) -> None:
    clock = RequestClock(D(2025, 9, 26), answered=D(2025, 9, 20))
    d = deadline(clock, cal)
    assert (d.status, d.on_time, d.processing_days) == ("answered", None, None)
    (f,) = findings(clock, d, cal)
    assert (f.severity, f.message) == ("error", "answered 2025-09-20 before it was received 2025-09-26")


# --- many at once -------------------------------------------------------------------------------------

def test_deadlines_of_many_requests_is_deadline_of_each(cal) -> None:
    received, answered = D(2025, 9, 26), D(2025, 11, 3)
    clocks = [
        RequestClock(received), RequestClock(received, id="again"), RequestClock(received, answered),
        RequestClock(received, answered, extended=True), RequestClock(received, answered, extension_date=D(2025, 10, 31)),
        RequestClock(received, answered, clarification_sent=D(2025, 9, 29)),
        RequestClock(received, answered, clarification_sent=D(2025, 9, 29), corrected_received=D(2025, 10, 9)),
        RequestClock(received, answered, pauses=(Pause(D(2025, 10, 9), D(2025, 10, 15)),)),
        RequestClock(received, answered, pauses=(Pause(D(2025, 10, 9), D(2025, 10, 15), "agency"),)),
        RequestClock(received, answered, fee_notice=D(2025, 10, 9)), RequestClock(received, answered, fee_notice=D(2025, 10, 9), fee_paid=D(2025, 10, 10)),
    ]
    many = deadlines_of(clocks, cal, D(2025, 10, 28))
    assert many == [deadline(c, cal, D(2025, 10, 28)) for c in clocks]
    assert len({id(d) for d in many}) == len(clocks) - 1  # the two plain ones share one result


# --- the explanation --------------------------------------------------------------------------------

def test_the_explanation_counts_each_day_and_names_holidays_and_make_up_days(cal) -> None:
    result = explain(RequestClock(D(2025, 9, 26), id="依申请-2025-031"), cal)
    counted = [s.count for s in result.steps if s.count is not None]
    assert counted == list(range(1, 21))
    assert result.steps[-1].day.date == D(2025, 10, 30) and result.steps[-1].events == ("due",)
    lines = explanation_lines(result)
    assert lines[:4] == [
        "依申请-2025-031: received 2025-09-26; the 2019 Regulations: 20 working days; deadline 2025-10-30",
        "2025-09-26 Fri  ← request received; the day of receipt is not counted",
        "2025-09-27 Sat  not counted: weekend",
        "2025-09-28 Sun  day 1 (make-up working day: 国庆节)",
    ]
    assert "2025-10-01 Wed  not counted: 国庆节" in lines and "2025-10-06 Mon  not counted: 中秋" in lines
    assert "2025-10-11 Sat  day 6 (make-up working day: 国庆节)" in lines
    assert lines[-1] == "2025-10-30 Thu  day 20  ← deadline"


def test_the_explanation_of_a_pause_a_clarification_and_a_provisional_year(cal) -> None:
    clock = RequestClock(D(2026, 12, 18), clarification_sent=D(2026, 12, 21), corrected_received=D(2026, 12, 23),
                         pauses=(Pause(D(2026, 12, 28), D(2026, 12, 30)),))
    lines = explanation_lines(explain(clock, cal))
    assert lines[1] == "provisional: no holiday notice is known for 2027; Monday to Friday assumed"
    assert "2026-12-21 Mon  not counted: waiting for the corrected request  ← request for clarification (补正) sent" in lines
    assert "2026-12-23 Wed  not counted: waiting for the corrected request  ← corrected request received: the period starts again" in lines
    assert "2026-12-24 Thu  day 1" in lines
    assert "2026-12-29 Tue  not counted: paused" in lines
    assert "2027-01-01 Fri  day 5 (provisional)" in lines


# --- per-year figures -------------------------------------------------------------------------------

def test_timeliness_of_a_year(cal) -> None:
    clocks = [
        RequestClock(D(2025, 9, 26), answered=D(2025, 9, 26), id="a"),  # 0 days
        RequestClock(D(2025, 9, 26), answered=D(2025, 10, 10), id="b"),  # 5
        RequestClock(D(2025, 9, 26), answered=D(2025, 10, 30), id="c"),  # 20, on the deadline
        RequestClock(D(2025, 9, 26), answered=D(2025, 11, 3), id="d"),  # 22, late
        RequestClock(D(2025, 9, 26), answered=D(2025, 9, 1), id="e"),  # wrong dates: not judged, not timed
        RequestClock(D(2025, 9, 26), id="f"),  # open: not counted
    ]
    pairs = [(c, deadline(c, cal)) for c in clocks]
    t = timeliness(pairs)
    assert (t.answered, t.on_time, t.late, t.unjudged, t.timed) == (5, 3, 1, 1, 4)
    assert t.on_time_rate == Fraction(3, 4)
    assert (t.median_days, t.mean_days, t.max_days) == (12.5, 11.75, 22)
    assert [(b.label, n) for b, n in t.buckets] == [("≤5", 2), ("6–10", 0), ("11–20", 1), ("21–40", 1), (">40", 0)]
    assert [c.id for c, _d in t.late_answers] == ["d"]


def test_nothing_answered_is_no_rate_at_all(cal) -> None:
    t = timeliness([(c, deadline(c, cal)) for c in [RequestClock(D(2025, 9, 26))]])
    assert (t.answered, t.on_time_rate, t.median_days, t.mean_days, t.max_days) == (0, None, None, None, None)
    assert timeliness([]).on_time_rate is None
