"""办理时效 (data/formats/timeliness.toml): statistic cells of the engine, on known calendars — the
counts add, the rate and the median are recomputed, nothing answered gives blanks (never 100% of
nothing), a year no calendar covers is a finding and is judged once a calendar file covers it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from disclo_cli import calendar_file
from disclo_cli.errors import ConfigError
from disclo_cli.formats.definition import load_definition, parse_definition
from disclo_cli.formats.engine import Registers, fill_all
from disclo_cli.model import Place
from disclo_cli.render import stat_grid
from disclo_cli.schema import spec
from disclo_cli.workdays import Calendar

D = dt.date
CAL_2027 = """日期,类型,名称,来源
2027,通知,国务院办公厅关于2027年部分节假日安排的通知,测试用样例
2027-01-01,休,元旦,测试用样例
"""


def request(received: dt.date, answered: dt.date | None = None, n: int = 0, **fields):
    return spec("requests").make(Place("台账.xlsx", "Sheet1", n + 2), f"id:{n}", received=received, answered=answered, applicant="自然人",
                                 outcome="予以公开" if answered else "", channel="网上申请", id=str(n), **fields)


def table(records, config, year: int, calendar: Calendar | None = None):
    (t,) = fill_all(load_definition("2021"), Registers(requests=records), config, year, ["办理时效"], calendar=calendar)
    return t


def column(t) -> dict[str, object]:
    return {r.id: r.values[0] for r in t.rows}


YEAR_2025 = [
    request(D(2025, 9, 26), D(2025, 9, 26), 1),  # 0 days
    request(D(2025, 9, 26), D(2025, 10, 10), 2),  # 5 (国庆 1–8 off, 9-28 and 10-11 worked)
    request(D(2025, 9, 26), D(2025, 10, 30), 3),  # 20: on the deadline
    request(D(2025, 9, 26), D(2025, 11, 3), 4),  # 22: late
    request(D(2025, 9, 26), D(2025, 11, 27), 5, extended=True, extended_on=D(2025, 10, 20)),  # 40, extended: on time
    request(D(2025, 12, 1), None, 6),  # open: not answered, not counted
]


def test_the_figures_of_a_year_on_the_2025_calendar(config) -> None:
    t = table(YEAR_2025, config, 2025, Calendar.of())
    assert column(t) == {"答复": 5, "按期": 4, "逾期": 1, "无法判断": 0, "按期率": Decimal(80), "中位数": 20, "平均": Decimal("17.4"),
                         "最短": 0, "最长": 40, "≤5": 2, "6–10": 0, "11–20": 1, "21–40": 2, ">40": 0}
    assert t.findings == ()
    assert t.standard == "办理时效" and t.title == "2025年依申请公开办理时效"


def test_grouped_records_give_the_same_figures_as_rows(config) -> None:
    """A ledger's grouped read: one record per distinct set of dates, with how many rows it stands for."""
    rows = [request(D(2025, 9, 26), D(2025, 10, 10), i) for i in range(3)] + [request(D(2025, 9, 26), D(2025, 11, 3), 9)]
    grouped = Registers(requests=[rows[0], rows[3]], counts={"requests": [3, 1], "items": [], "cases": []})
    by_rows = column(table(rows, config, 2025, Calendar.of()))
    assert column(fill_all(load_definition("2021"), grouped, config, 2025, ["办理时效"], calendar=Calendar.of())[0]) == by_rows
    assert (by_rows["答复"], by_rows["中位数"], by_rows["平均"], by_rows["按期率"]) == (4, 5, Decimal("9.25"), Decimal(75))


def test_nothing_answered_leaves_the_rate_and_the_times_blank(config) -> None:
    t = table([request(D(2025, 12, 1), None, 1)], config, 2025, Calendar.of())
    values = column(t)
    assert (values["答复"], values["按期"], values["按期率"], values["中位数"], values["平均"], values["最长"]) == (0, 0, None, None, None, None)
    assert [row[-1] for row in stat_grid(t).rows if row[0] == "按期答复率"] == [None]  # shown blank, not 100


def test_a_period_running_into_an_uncovered_year_is_a_finding_then_exact_with_a_calendar_file(config, tmp_path: Path) -> None:
    # 12-21 … 12-31 are 9 working days; 2027-01-01 off (the file), so day 20 is Friday 2027-01-15
    late_december = [request(D(2026, 12, 20), D(2027, 1, 15), 1), request(D(2026, 12, 1), D(2026, 12, 15), 2)]
    t = table(late_december, config, 2027, Calendar.of())
    assert (column(t)["答复"], column(t)["无法判断"], column(t)["按期"]) == (1, 1, 0)
    assert column(t)["按期率"] is None  # the one answer cannot be judged: no rate rather than a guess
    assert [(f.severity, f.code, f.args["rows"], f.args["years"]) for f in t.findings] == [("warning", "timeliness-provisional", 1, "2027")]
    assert "2027" in t.findings[0].message and "calendar import" in t.findings[0].hint
    (tmp_path / "calendar.csv").write_text(CAL_2027, encoding="utf-8")
    exact = table(late_december, config, 2027, Calendar.of(calendar_file.read(tmp_path / "calendar.csv")))
    assert (column(exact)["按期"], column(exact)["按期率"], exact.findings) == (1, 100, ())


def test_a_same_day_answer_of_late_december_needs_no_calendar_of_the_next_year(config) -> None:
    t = table([request(D(2026, 12, 30), D(2026, 12, 30), 1)], config, 2026, Calendar.of())
    assert (column(t)["按期"], column(t)["中位数"], t.findings) == (1, 0, ())


def test_the_printed_mean_is_rounded_to_its_rows_decimals_the_json_keeps_the_value(config) -> None:
    rows = [request(D(2025, 9, 26), D(2025, 10, 10), 1), request(D(2025, 9, 26), D(2025, 10, 10), 2), request(D(2025, 9, 26), D(2025, 10, 11), 3)]
    t = table(rows, config, 2025, Calendar.of())
    mean = t.row("平均").values[0]
    assert mean == Decimal(16) / Decimal(3)  # 5, 5, 6 working days (Saturday 10-11 is a make-up working day)
    printed = {row[0].strip("\u3000"): row[-1] for row in stat_grid(t).rows}
    assert printed["平均办理用时"] == Decimal("5.3")
    assert t.as_json()["rows"][6]["values"] == [float(mean)]


def test_the_table_is_shown_beside_any_format_and_explained(run, tmp_path: Path) -> None:
    from workspaces import REQUEST_HEADER, write_requests

    run("init", "ws")
    write_requests(tmp_path / "ws" / "依申请.xlsx", [
        ["A1", "2025-09-26", "网上申请", "自然人", "x", "予以公开", "", "2025-11-03"],
        ["A2", "2025-09-26", "网上申请", "自然人", "y", "予以公开", "", "2025-10-10"],
    ], header=REQUEST_HEADER)
    (tmp_path / "ws" / "disclo.toml").write_text((tmp_path / "ws" / "disclo.toml").read_text(encoding="utf-8").replace(
        "[yearly", "#"), encoding="utf-8")
    assert run("--config", "ws/disclo.toml", "ingest", "ws/依申请.xlsx").exit_code == 0
    shown = run("--config", "ws/disclo.toml", "table", "--year", 2025, "--table", "办理时效", "--format", "csv")
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert "\u3000\u3000逾期答复,件,1" in lines and "按期答复率,%,50" in lines and "办理用时中位数,工作日,13.5" in lines
    legacy = run("--config", "ws/disclo.toml", "table", "--year", 2025, "--standard", "legacy", "--table", "办理时效", "--format", "json")
    assert legacy.exit_code == 0 and '"standard": "办理时效"' in legacy.stdout
    explained = run("--config", "ws/disclo.toml", "explain", "--year", 2025, "办理时效.逾期", "--format", "json")
    assert explained.exit_code == 0, explained.output
    assert [r["id"] for r in __import__("json").loads(explained.stdout)["rows"]] == ["A1"]


@pytest.mark.parametrize(("cell", "message"), [
    ('{ id = "x", label = "x", count = "items", on = "date", stat = "median_days" }', "stat 'median_days' is a statistic of requests"),
    ('{ id = "x", label = "x", count = "requests", on = "answered", stat = "days" }', "days goes with stat"),
    ('{ id = "x", label = "x", count = "requests", on = "answered", days = [3, 1], stat = "days" }', "days must be one or two whole numbers"),
    ('{ id = "x", label = "x", count = "requests", on = "answered", stat = "medain" }', "medain"),
])
def test_a_wrong_stat_cell_is_refused_when_the_definition_is_read(cell: str, message: str) -> None:
    text = f'standard = "t"\nyears = [2021, 2100]\n[[tables]]\nid = "t"\ntitle = "t"\ncolumns = [{{ id = "v" }}]\nrows = [ {cell} ]\n'
    with pytest.raises(ConfigError) as err:
        parse_definition(text, "t.toml")
    assert message in err.value.message, err.value.message


def test_the_reports_sentence_and_the_table_give_the_same_figures(tmp_path) -> None:
    """The report's processing-time sentence (report/timeliness.py) and 办理时效 count the same requests
    on the same calendar: on the 2023 example office their figures are the same."""
    from disclo_cli.report.timeliness import answered_in
    from disclo_cli.service import build_tables
    from workspaces import EX23, FILES23, config_of, copy_workspace, ingest, write_requests

    ws = copy_workspace(EX23, tmp_path / "office")
    write_requests(ws / "迟复.xlsx", [["L-1", "2023-03-01", "网上", "自然人", "", "予以公开", "", "2023-06-01"]])  # 3 months: late
    ingest(ws, *FILES23, "迟复.xlsx")
    config = config_of(ws)
    (t,) = build_tables(config, 2023, tables=["办理时效"])
    cells = column(t)
    s = answered_in(config, 2023)
    assert s.answered > 0 and s.late > 0  # the example has late answers: the comparison can fail
    assert (cells["答复"], cells["按期"], cells["逾期"], cells["无法判断"]) == (s.answered, s.on_time, s.late, s.unjudged)
    assert cells["按期率"] == Decimal(s.on_time_rate.numerator) * 100 / Decimal(s.on_time_rate.denominator)
    assert float(cells["平均"]) == pytest.approx(s.mean_days) and float(cells["中位数"]) == s.median_days
    assert cells["最长"] == s.max_days
