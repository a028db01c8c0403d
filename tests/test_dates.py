"""Every date form of inputs.md, as a bare value and as read from a real sheet."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import write_csv, write_xlsx
from disclo_cli.ingest.dates import DateProblem, parse_date, year_hint
from disclo_cli.ingest.registers import read_registers

MARCH_5 = dt.date(2018, 3, 5)


@pytest.mark.parametrize(
    "value",
    [
        43164,  # Excel serial as an integer
        43164.0,  # ... as calamine's float
        43164.4375,  # ... with a time of day (10:30)
        dt.datetime(2018, 3, 5, 10, 30),
        dt.date(2018, 3, 5),
        "2018-03-05",
        "2018-3-5",
        "2018/3/5",
        "2018/03/05",
        "2018.3.5",
        "2018年3月5日",
        "2018年03月05日",
        "２０１８年３月５日",  # full-width digits
        " 2018-03-05 ",
        "2018-03-05 10:30:00",
        "2018/3/5 10:30",
        "20180305",
        20180305,
        20180305.0,
    ],
)
def test_each_form_gives_march_5(value: object) -> None:
    assert parse_date(value) == MARCH_5


@pytest.mark.parametrize("value", ["3月5日", "3月5", "03月05日", "3/5", "3-5"])
def test_month_day_takes_the_implied_year(value: str) -> None:
    assert parse_date(value, 2018) == MARCH_5
    assert parse_date(value, 2019) == dt.date(2019, 3, 5)


def test_month_day_without_a_year_is_an_error() -> None:
    with pytest.raises(DateProblem) as exc:
        parse_date("3月5日")
    assert str(exc.value) == "'3月5日' has no year and none is implied by --year, the sheet or the file name"


@pytest.mark.parametrize("value", [None, "", "   ", float("nan")])
def test_empty_is_none_not_an_error(value: object) -> None:
    assert parse_date(value) is None


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("2018-02-30", "'2018-02-30' is not a real calendar date"),
        ("20181332", "'20181332' is not a real calendar date"),
        ("明天", "'明天' is not a date in a known form"),
        ("2018-03", "'2018-03' is not a date in a known form"),
        (True, "True is not a date"),
        (-5, "the number -5 is not a date"),
        (dt.time(10, 30), "is a time without a date"),
    ],
)
def test_what_is_not_a_date(value: object, fragment: str) -> None:
    with pytest.raises(DateProblem) as exc:
        parse_date(value)
    assert fragment in str(exc.value)


def test_serial_epoch_is_the_1900_system() -> None:
    assert parse_date(61) == dt.date(1900, 3, 1)
    assert parse_date(45292) == dt.date(2024, 1, 1)


@pytest.mark.parametrize(
    ("names", "year"),
    [
        (("1-6月", "主动公开台账2018.xlsx"), 2018),
        (("2019年", "台账2018.xlsx"), 2019),  # the sheet's name comes first
        (("Sheet1", "主动公开台账2018-12月补报.xlsx"), 2018),
        (("Sheet1", "台账.xlsx"), None),
        (("Sheet1", "导出20180305.xlsx"), None),  # eight digits are a date, not a year
        (("12月", "台账120.xlsx"), None),
    ],
)
def test_year_hint(names: tuple[str, ...], year: int | None) -> None:
    assert year_hint(*names) == year


# --- the same forms read from real sheets --------------------------------------------------------

FORMS = [
    (dt.datetime(2018, 3, 5), "datetime cell"),
    (43165, "serial number"),
    ("2018-03-07", "iso text"),
    ("2018/3/8", "slash text"),
    ("2018.3.9", "dot text"),
    ("2018年3月10日", "chinese text"),
    ("20180311", "compact text"),
    (20180312, "compact number"),
    ("3月13日", "month-day"),
]


def _dates(path, config, **kw):
    parsed = read_registers([path], config, kind="items", **kw)["items"]
    # notes (severity info: 「3月13日」 read as 2018, the year of the file name) are not problems
    return [i.date for i in parsed.records], [f for f in parsed.findings if f.severity != "info"]


def test_every_form_in_an_xlsx(tmp_path, config) -> None:
    rows = [["发布日期", "标题", "类别"]] + [[v, label, "工作动态类"] for v, label in FORMS]
    path = write_xlsx(tmp_path / "台账2018.xlsx", {"Sheet1": rows})
    dates, findings = _dates(path, config)
    assert findings == []
    assert dates == [dt.date(2018, 3, d) for d in range(5, 14)]


def test_text_forms_in_a_csv(tmp_path, config) -> None:
    rows = [["发布日期", "标题", "类别"]] + [[v, f"t{i}", "工作动态类"] for i, (v, _) in enumerate(FORMS) if isinstance(v, str)]
    path = write_csv(tmp_path / "台账2018.csv", rows)
    dates, findings = _dates(path, config)
    assert findings == []
    assert dates == [dt.date(2018, 3, d) for d in (7, 8, 9, 10, 11, 13)]


def test_month_day_year_from_sheet_name(tmp_path, config) -> None:
    path = write_xlsx(tmp_path / "台账.xlsx", {"2017年": [["发布日期", "标题", "类别"], ["3月5日", "t", "工作动态类"]]})
    dates, _ = _dates(path, config)
    assert dates == [dt.date(2017, 3, 5)]


def test_month_day_year_from_option_wins(tmp_path, config) -> None:
    path = write_xlsx(tmp_path / "台账2018.xlsx", {"Sheet1": [["发布日期", "标题", "类别"], ["3月5日", "t", "工作动态类"]]})
    dates, _ = _dates(path, config, year=2019)
    assert dates == [dt.date(2019, 3, 5)]


def test_month_day_without_any_year_is_a_finding(tmp_path, config) -> None:
    path = write_xlsx(tmp_path / "台账.xlsx", {"Sheet1": [["发布日期", "标题", "类别"], ["3月5日", "t", "工作动态类"], ["2018-03-06", "u", "工作动态类"]]})
    dates, findings = _dates(path, config)
    assert dates == [dt.date(2018, 3, 6)]  # the row without a year is not counted in any year
    assert [(f.severity, f.code, f.place.row, f.place.column) for f in findings] == [("error", "bad-date", 2, "发布日期")]
    assert "has no year and none is implied" in findings[0].message


def test_empty_date_is_a_finding(tmp_path, config) -> None:
    path = write_xlsx(tmp_path / "台账2018.xlsx", {"Sheet1": [["发布日期", "标题", "类别"], [None, "t", "工作动态类"]]})
    dates, findings = _dates(path, config)
    assert dates == []
    assert [(f.severity, f.code, f.place.row) for f in findings] == [("error", "missing-date", 2)]
