"""`disclo calendar import` and `disclo calendar show`."""

from __future__ import annotations

import json
from pathlib import Path

from disclo_cli import calendar_file
from disclo_cli.calendar_view import year_json
from disclo_cli.workdays import Calendar

NOTICES = Path(__file__).resolve().parent / "fixtures" / "notices"
#: a made-up 2027 notice (the real one is not out): the test needs a year chinesecalendar 1.11 lacks
SAMPLE_2027 = """国务院办公厅关于2027年部分节假日安排的通知（测试用样例，非真实通知）
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至12日（周五）放假调休，共8天。2月14日（周日）、2月20日（周六）上班。
"""


def test_import_writes_the_days_and_shows_them_month_by_month(tmp_path, run) -> None:
    result = run("calendar", "import", NOTICES / "2025.txt")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:6] == [
        "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）",
        "2025-01  休 1 元旦",
        "         班 26 春节",
        "         休 28–31 春节",
        "2025-02  休 1–4 春节",
        "         班 8 春节",
    ]
    assert "2025-09  班 28 国庆节、中秋节" in result.stdout and "2025-10  休 1–8 国庆节、中秋节" in result.stdout
    assert result.stderr.splitlines() == ["calendar.csv: 34 added, 0 unchanged, 0 replaced", "wrote calendar.csv"]
    f = calendar_file.read(tmp_path / "calendar.csv")
    assert f.years == {2025} and len(f.days) == 33
    assert {d.date.isoformat(): d.kind for d in f.days if d.name == "国庆节、中秋节"}["2025-10-11"] == "班"
    assert {d.source for d in f.days} == {"国办发明电〔2024〕12号"}


def test_import_again_changes_nothing(tmp_path, run) -> None:
    assert run("calendar", "import", NOTICES / "2026.txt").exit_code == 0
    before = (tmp_path / "calendar.csv").read_bytes()
    again = run("calendar", "import", NOTICES / "2026.txt")
    assert again.exit_code == 0 and again.stderr == "calendar.csv: 0 added, 40 unchanged, 0 replaced\n"
    assert (tmp_path / "calendar.csv").read_bytes() == before


def test_a_conflicting_line_is_an_error_unless_replace(tmp_path, run) -> None:
    (tmp_path / "calendar.csv").write_bytes("日期,类型,名称,来源\r\n2026-01-04,休,元旦,手工录入\r\n".encode("gbk"))
    refused = run("calendar", "import", NOTICES / "2026.txt")
    assert refused.exit_code == 1
    assert "error: calendar.csv, line 2: 2026-01-04 is 休 元旦 in the calendar file, the notice says 班 元旦" in refused.stderr
    assert "disclo: error: calendar.csv: 1 day(s) of the notice differ from the calendar file; nothing was written" in refused.stderr
    assert (tmp_path / "calendar.csv").read_bytes().decode("gbk").endswith("2026-01-04,休,元旦,手工录入\r\n")
    replaced = run("calendar", "import", NOTICES / "2026.txt", "--replace")
    assert replaced.exit_code == 0 and "39 added, 0 unchanged, 1 replaced" in replaced.stderr
    assert Calendar.of(calendar_file.read(tmp_path / "calendar.csv")).is_working(__import__("datetime").date(2026, 1, 4))


def test_dry_run_writes_nothing(tmp_path, run) -> None:
    result = run("calendar", "import", NOTICES / "2024.txt", "--dry-run")
    assert result.exit_code == 0
    assert "not read: 春节: 安排职工在除夕(2月9日)休息" in result.stdout
    assert result.stderr.splitlines() == ["calendar.csv: 37 added, 0 unchanged, 0 replaced", "dry run: nothing was written"]
    assert not (tmp_path / "calendar.csv").exists()


def test_a_gbk_notice_without_its_year_needs_year(tmp_path, run) -> None:
    body = "一、元旦：1月1日（周五）至3日（周日）放假，共3天。\r\n".encode("gbk")
    (tmp_path / "通知.txt").write_bytes(body)
    refused = run("calendar", "import", "通知.txt")
    assert refused.exit_code == 2 and "disclo: error: 通知.txt: the text does not say which year it is for" in refused.stderr
    assert "--year 2027" in refused.stderr
    ok = run("calendar", "import", "通知.txt", "--year", "2027")
    assert ok.exit_code == 0 and ok.stdout.splitlines()[1] == "2027-01  休 1–3 元旦"


def test_a_notice_for_another_weekday_calendar_is_refused(tmp_path, run) -> None:
    (tmp_path / "n.txt").write_text("一、元旦：1月1日（周五）放假。", encoding="utf-8")
    result = run("calendar", "import", "n.txt", "--year", "2026")
    assert result.exit_code == 1
    assert "n.txt, 元旦: 1月1日(周五) is said to be a 周五, but 2026-01-01 is a 周四" in result.stderr
    assert "Is it the notice of another year?" in result.stderr
    assert not (tmp_path / "calendar.csv").exists()


def test_show_an_uncovered_year_says_it_is_provisional(tmp_path, run) -> None:
    result = run("calendar", "show", "2027")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["Working days 2027", "Sources: chinesecalendar 1.11.0 (2004–2026)"]
    assert lines[2].startswith("2027 is provisional: no holiday notice is known for it") and "disclo calendar import" in lines[2]
    assert lines[3:6] == ["", "2027-01", "  Mo   Tu   We   Th   Fr   Sa   Su"]
    assert lines[6] == "                     1    2    3"  # New Year's Day is not marked: nothing says it is off


def test_show_after_importing_the_year(tmp_path, run) -> None:
    (tmp_path / "2027.txt").write_text(SAMPLE_2027, encoding="utf-8")
    assert run("calendar", "import", "2027.txt").exit_code == 0
    result = run("calendar", "show", "2027")
    lines = result.stdout.splitlines()
    assert "provisional" not in result.stdout
    assert lines[1] == "Sources: chinesecalendar 1.11.0 (2004–2026); calendar.csv (2027)"
    jan = lines.index("2027-01")
    assert lines[jan + 2] == "                     1休  2休  3休"
    assert lines[jan + 7] == "  休 1–3 元旦"
    feb = lines.index("2027-02")
    assert lines[feb + 3] == " 8休  9休 10休 11休 12休 13   14班"
    assert "  班 20 春节" in lines


def test_show_json_is_the_library_result(tmp_path, run) -> None:
    result = run("calendar", "show", "2026", "--format", "json")
    data = json.loads(result.stdout)
    assert data == json.loads(json.dumps(year_json(Calendar.of(), 2026)))
    assert data["provisional"] is False and len(data["days"]) == 365
    assert data["days"][3] == {"date": "2026-01-04", "working": True, "kind": "make-up", "name": "元旦", "source": "chinesecalendar 1.11.0"}


def test_calendar_help_lists_the_commands(run) -> None:
    result = run("calendar", "--help")
    assert result.exit_code == 0 and "import" in result.stdout and "show" in result.stdout


def test_the_calendar_file_lives_beside_disclo_toml(tmp_path, run) -> None:
    assert run("init", "ws").exit_code == 0
    result = run("--config", "ws/disclo.toml", "calendar", "import", NOTICES / "2026.txt")
    assert result.exit_code == 0 and result.stderr.splitlines()[-1] == "wrote ws/calendar.csv"
    assert calendar_file.read(tmp_path / "ws" / "calendar.csv").years == {2026}
    assert not (tmp_path / "calendar.csv").exists()
