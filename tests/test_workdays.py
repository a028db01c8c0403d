"""The working-day calendar: chinesecalendar's years, the calendar file over it, uncovered years
(weekends only, provisional), counting; the calendar file's format; the holiday notice's reader."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from disclo_cli import calendar_file
from disclo_cli.calendar_file import CalendarFile, DayLine, NoticeLine
from disclo_cli.errors import DataError, InputError, UsageError
from disclo_cli.notice import parse_notice
from disclo_cli.workdays import Calendar

D = dt.date
NOTICES = Path(__file__).resolve().parent / "fixtures" / "notices"
HEAD = "日期,类型,名称,来源\r\n"


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return Calendar.of()


def file_of(*lines: str, name: str = "calendar.csv") -> CalendarFile:
    return calendar_file.parse((HEAD + "".join(line + "\r\n" for line in lines)).encode("utf-8"), name)


# --- the package's calendar ---------------------------------------------------------------------

def test_days_say_why_they_are_or_are_not_working_days(cal) -> None:
    make_up = cal.day(D(2025, 9, 28))  # a Sunday worked for National Day
    assert (make_up.working, make_up.kind, make_up.name, make_up.provisional) == (True, "make-up", "国庆节", False)
    assert make_up.source == "chinesecalendar 1.11.0"
    assert (cal.day(D(2025, 10, 1)).working, cal.day(D(2025, 10, 1)).kind, cal.day(D(2025, 10, 1)).name) == (False, "holiday", "国庆节")
    assert cal.day(D(2025, 10, 4)).kind == "holiday"  # a Saturday inside the holiday is named for it
    assert (cal.day(D(2025, 10, 12)).kind, cal.day(D(2025, 10, 12)).name) == ("weekend", "")
    assert (cal.day(D(2025, 10, 13)).kind, cal.day(D(2025, 10, 13)).working) == ("workday", True)


def test_the_package_covers_2004_to_2026_and_2027_is_provisional(cal) -> None:
    assert {2004, 2019, 2026} <= cal.covered_years and 2027 not in cal.covered_years and 2003 not in cal.covered_years
    day = cal.day(D(2027, 1, 1))  # New Year's Day 2027: no notice known, so an ordinary Friday
    assert (day.working, day.kind, day.provisional) == (True, "workday", True)
    assert cal.uncovered_years(D(2026, 12, 20), D(2027, 1, 15)) == (2027,)
    assert cal.uncovered_years(D(2026, 12, 31), D(2026, 12, 31)) == ()
    assert cal.uncovered_years(D(2026, 12, 31), D(2027, 1, 1)) == (2027,)
    assert cal.uncovered_years(D(2027, 12, 31), D(2028, 2, 1)) == (2028,)


def test_counting_from_the_day_after(cal) -> None:
    assert cal.add_working_days(D(2025, 9, 26), 20) == D(2025, 10, 30)  # deadlines.md's example
    assert cal.add_working_days(D(2019, 5, 10), 15) == D(2019, 5, 31)
    assert cal.add_working_days(D(2025, 9, 27), 1) == D(2025, 9, 28)  # Saturday → the make-up Sunday
    assert cal.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert cal.working_days_between(D(2025, 9, 26), D(2025, 10, 30)) == 20
    assert cal.working_days_between(D(2025, 10, 30), D(2025, 9, 26)) == -20
    assert cal.working_days_between(D(2025, 10, 1), D(2025, 10, 8)) == 0
    with pytest.raises(ValueError):
        cal.add_working_days(D(2025, 1, 1), 0)


def test_counting_agrees_with_a_day_by_day_count_over_decades(cal) -> None:
    rng = random.Random(12)
    for _ in range(300):
        a = D(2003, 1, 1) + dt.timedelta(days=rng.randrange(10000))
        n = rng.randrange(1, 60)
        d, k = a, 0
        while k < n:
            d += dt.timedelta(days=1)
            k += cal.is_working(d)
        assert cal.add_working_days(a, n) == d
        assert cal.working_days_between(a, d) == n


def test_far_dates_extend_the_index_and_agree_with_the_weekday_rule(cal) -> None:
    assert cal.add_working_days(D(2090, 1, 6), 5) == D(2090, 1, 13)  # Friday + 5 → next Friday
    assert cal.working_days_between(D(1995, 1, 1), D(2095, 1, 1)) > 25000
    assert cal.add_working_days(D(2026, 12, 31), 300) > D(2028, 1, 1)


def test_a_month(cal) -> None:
    february = cal.month(2026, 2)
    assert len(february) == 28 and february[0].date == D(2026, 2, 1)
    assert [d.date.day for d in february if d.kind == "holiday"] == list(range(15, 24))
    assert [d.date.day for d in february if d.kind == "make-up"] == [14, 28]


# --- the calendar file over the package ---------------------------------------------------------

def test_the_file_overrides_the_package_day_by_day() -> None:
    local = file_of("2025-10-09,休,三月三,广西壮族自治区人民政府办公厅通知")
    cal = Calendar.of(local)
    day = cal.day(D(2025, 10, 9))
    assert (day.working, day.kind, day.name, day.source) == (False, "holiday", "三月三", "calendar.csv:2 广西壮族自治区人民政府办公厅通知")
    assert cal.add_working_days(D(2025, 9, 26), 20) == D(2025, 10, 31)
    assert cal.sources == ("chinesecalendar 1.11.0 (2004–2026)", "calendar.csv")


def test_a_year_is_covered_only_by_its_notice_line() -> None:
    one_day = Calendar.of(file_of("2027-01-01,休,元旦,电话确认"))
    assert not one_day.covers(2027) and one_day.day(D(2027, 1, 1)).provisional and not one_day.is_working(D(2027, 1, 1))
    noticed = Calendar.of(file_of("2027,通知,国务院办公厅关于2027年部分节假日安排的通知,测试用样例", "2027-01-01,休,元旦,测试用样例"))
    assert noticed.covers(2027) and not noticed.day(D(2027, 1, 4)).provisional
    assert noticed.sources[-1] == "calendar.csv (2027)"


def test_without_the_package_nothing_is_covered() -> None:
    bare = Calendar.of(package=False)
    assert bare.covered_years == frozenset() and bare.is_working(D(2025, 10, 1)) and bare.day(D(2025, 10, 1)).provisional


# --- the calendar file's format ---------------------------------------------------------------------

def test_the_file_reads_utf8_with_bom_gbk_and_excel_dates() -> None:
    text = HEAD + "2027,通知,国务院办公厅关于2027年部分节假日安排的通知,测试用样例\r\n2027/2/6,班,春节,测试用样例\r\n2027年1月1日,放假,元旦,测试用样例\r\n"
    for data in (text.encode("utf-8-sig"), text.encode("gbk")):
        f = calendar_file.parse(data, "calendar.csv")
        assert [(d.date, d.kind, d.name, d.line) for d in f.days] == [(D(2027, 1, 1), "休", "元旦", 4), (D(2027, 2, 6), "班", "春节", 3)]
        assert [(n.year, n.line) for n in f.notices] == [(2027, 2)] and f.years == {2027}


def test_columns_in_another_order_and_blank_lines_are_fine() -> None:
    f = calendar_file.parse("来源,日期,名称,类型\r\n\r\n样例,2027-01-01,元旦,休\r\n,,,\r\n".encode(), "c.csv")
    assert [(d.date, d.kind, d.source, d.line) for d in f.days] == [(D(2027, 1, 1), "休", "样例", 3)]


@pytest.mark.parametrize(("lines", "message"), [
    (["2027-01-01,休息日,元旦,样例"], "calendar.csv, line 2: 类型 is '休息日', not 休, 班 or 通知"),
    (["2027-13-01,休,元旦,样例"], "calendar.csv, line 2: 日期 '2027-13-01' is not a date"),
    (["45292,休,元旦,样例"], "calendar.csv, line 2: 日期 '45292' is not a date"),
    (["2027-01-01,休,元旦,"], "calendar.csv, line 2: 来源 is empty"),
    (["2027-01-01,休,元旦,样例", "2027/1/1,班,元旦,样例"], "calendar.csv, line 3: 2027-01-01 is already on line 2"),
    (["二〇二七,通知,通知,样例"], "calendar.csv, line 2: a 通知 line needs a year in 日期, not '二〇二七'"),
    (["2027-01-01,休,元旦,样例,备注"], "calendar.csv, line 2: '备注' is outside the four columns 日期,类型,名称,来源"),
])
def test_a_wrong_line_is_an_error_naming_the_line(lines, message) -> None:
    with pytest.raises(InputError) as info:
        file_of(*lines)
    assert info.value.message == message


def test_a_wrong_header_is_an_error() -> None:
    with pytest.raises(InputError) as info:
        calendar_file.parse("日期,类型,名称\r\n2027-01-01,休,元旦\r\n".encode(), "calendar.csv")
    assert info.value.message == "calendar.csv, line 1: the calendar file's header is '日期、类型、名称', not 日期,类型,名称,来源"


def test_render_and_read_back(tmp_path) -> None:
    f = file_of("2027-02-06,班,春节,样例", "2027,通知,国务院办公厅关于2027年部分节假日安排的通知,样例", "2026-12-31,休,元旦,样例")
    data = calendar_file.render(f)
    assert data.startswith(b"\xef\xbb\xbf") and data.decode("utf-8-sig").splitlines() == [
        "日期,类型,名称,来源", "2026-12-31,休,元旦,样例", "2027,通知,国务院办公厅关于2027年部分节假日安排的通知,样例", "2027-02-06,班,春节,样例"]
    again = calendar_file.parse(data, "calendar.csv")
    assert [(d.date, d.kind, d.name, d.source) for d in again.days] == [(d.date, d.kind, d.name, d.source) for d in f.days]
    assert calendar_file.read(tmp_path / "none.csv") is None


def test_merge_never_overwrites_silently() -> None:
    f = file_of("2027-01-01,休,元旦,样例", "2027-01-04,班,元旦,样例")
    new = [DayLine(D(2027, 1, 1), "休", "元旦", "通知"), DayLine(D(2027, 1, 4), "休", "元旦", "通知"), DayLine(D(2027, 2, 6), "班", "春节", "通知")]
    with pytest.raises(DataError) as info:
        calendar_file.merge(f, new, [NoticeLine(2027, "通知", "通知")])
    assert info.value.message == "calendar.csv: 1 day(s) of the notice differ from the calendar file; nothing was written"
    assert [x.message for x in info.value.findings] == ["2027-01-04 is 班 元旦 in the calendar file, the notice says 休 元旦"]
    assert str(info.value.findings[0].place) == "calendar.csv, line 3"
    merged = calendar_file.merge(f, new, [NoticeLine(2027, "通知", "通知")], replace_lines=True)
    assert (merged.added, merged.unchanged, merged.replaced) == (2, 1, 1)
    assert [(d.date, d.kind, d.source) for d in merged.file.days] == [
        (D(2027, 1, 1), "休", "样例"), (D(2027, 1, 4), "休", "通知"), (D(2027, 2, 6), "班", "通知")]


# --- the State Council's notice ---------------------------------------------------------------------

@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_the_real_notices_agree_with_chinesecalendar_day_for_day(year) -> None:
    import chinese_calendar

    notice = parse_notice((NOTICES / f"{year}.txt").read_text(encoding="utf-8"), name=f"{year}.txt")
    assert notice.year == year
    lines = tuple(DayLine(d.date, d.kind, d.name, notice.source) for d in notice.days)
    cal = Calendar.of(CalendarFile("n", lines, (NoticeLine(year, notice.title, notice.source),)), package=False)
    days = [D(year, 1, 1) + dt.timedelta(days=i) for i in range(365 + (year % 4 == 0))]
    assert [d for d in days if cal.is_working(d) != chinese_calendar.is_workday(d)] == []
    assert cal.covers(year)


def test_the_2025_notice_as_read() -> None:
    notice = parse_notice((NOTICES / "2025.txt").read_text(encoding="utf-8"))
    assert (notice.title, notice.number, notice.source) == ("国务院办公厅关于2025年部分节假日安排的通知", "国办发明电〔2024〕12号", "国办发明电〔2024〕12号")
    spring = [(d.date, d.kind) for d in notice.days if d.name == "春节"]
    assert spring == [(D(2025, 1, 26), "班")] + [(D(2025, 1, 28) + dt.timedelta(days=i), "休") for i in range(8)] + [(D(2025, 2, 8), "班")]
    national = {d.date: d.kind for d in notice.days if d.name == "国庆节、中秋节"}
    assert national[D(2025, 9, 28)] == national[D(2025, 10, 11)] == "班" and sum(k == "休" for k in national.values()) == 8
    assert notice.unread == ()


def test_a_clause_it_cannot_read_is_listed_not_guessed() -> None:
    notice = parse_notice((NOTICES / "2024.txt").read_text(encoding="utf-8"))
    assert notice.unread == ("春节: 安排职工在除夕(2月9日)休息",)
    assert D(2024, 2, 9) not in {d.date for d in notice.days}


@pytest.mark.parametrize(("body", "days"), [
    ("一、劳动节：5月1日放假，5月2日（星期一）补休。", [("2016-05-01", "休"), ("2016-05-02", "休")]),
    ("一、元旦：2015年12月30日至2016年1月1日放假调休，共3天。2015年12月27日（星期日）上班。",
     [("2015-12-27", "班"), ("2015-12-30", "休"), ("2015-12-31", "休"), ("2016-01-01", "休")]),
    ("一、春节：2月7日至13日放假调休，共7天。2月6日（星期六）、14日（星期日）上班。",
     [("2016-02-06", "班")] + [(f"2016-02-{d:02d}", "休") for d in range(7, 14)] + [("2016-02-14", "班")]),
    ("一、春节：2月3日（星期三）起正常上班。", []),
])
def test_notice_forms(body, days) -> None:
    notice = parse_notice(body, year=2016)
    assert [(d.date.isoformat(), d.kind) for d in notice.days] == days


@pytest.mark.parametrize(("text", "message"), [
    ("一、元旦：1月1日（周三）至3日（周六）放假调休，共3天。", "n.txt, 元旦: 1月1日(周三) is said to be a 周三, but 2026-01-01 is a 周四"),
    ("一、元旦：1月1日至3日放假调休，共4天。", "n.txt, 元旦: the text says 4 days off, the dates give 3"),
    ("一、元旦：1月3日至1日放假调休。", "n.txt, 元旦: a holiday from 2026-01-03 to 2026-01-01 cannot be right"),
    ("一、元旦：2月30日放假。", "n.txt, 元旦: '2月30日' is not a date"),
    ("二〇二六年元旦放假一天。", "n.txt: no holiday sections (「一、元旦：…」) found"),
])
def test_a_notice_that_does_not_add_up_is_an_error(text, message) -> None:
    with pytest.raises(InputError) as info:
        parse_notice(text, year=2026, name="n.txt")
    assert info.value.message == message


def test_the_year_comes_from_the_title_or_from_year() -> None:
    body = "一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。"
    with pytest.raises(UsageError) as info:
        parse_notice(body, name="n.txt")
    assert info.value.message == "n.txt: the text does not say which year it is for"
    assert parse_notice("国务院办公厅关于2026年部分节假日安排的通知\n" + body).year == 2026
    with pytest.raises(UsageError) as info:
        parse_notice("国务院办公厅关于2026年部分节假日安排的通知\n" + body, year=2027, name="n.txt")
    assert info.value.message == "n.txt: the text is the notice for 2026, not for 2027"
