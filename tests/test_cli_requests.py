"""`disclo requests`: open requests with deadlines on the working-day calendar; `requests explain`;
the deadline findings of `disclo check`."""

from __future__ import annotations

import json

import pytest

from conftest import write_xlsx
from workspaces import EX23, copy_workspace

HEADER = ["申请编号", "收到日期", "申请人类型", "申请方式", "办理结果", "答复日期", "是否延期", "延期告知日期"]


@pytest.fixture
def office(tmp_path, run):
    ws = copy_workspace(EX23, tmp_path / "office")
    assert run("--config", ws / "disclo.toml", "ingest", *sorted(ws.glob("*.xlsx"))).exit_code == 0
    return ws


def _requests(run, ws, *args):
    return run("--config", ws / "disclo.toml", "requests", *args)


def test_open_requests_with_deadlines_soonest_first_and_exit_1_when_overdue(office, run) -> None:
    result = _requests(run, office, "--as-of", "2024-01-10", "--format", "json")
    assert result.exit_code == 1  # one is overdue: a script can mail the clerk
    got = [(r["id"], r["received"], r["deadline"], r["working_days_left"], r["status"]) for r in json.loads(result.stdout)["requests"]]
    # received 2023-12-11: 20 working days, 元旦 2024-01-01 left out → 2024-01-09
    assert got == [("ZRZY-YSQ-2023-052", "2023-12-11", "2024-01-09", -1, "overdue"),
                   ("ZRZY-YSQ-2023-053", "2023-12-18", "2024-01-16", 4, "due-soon"),
                   ("ZRZY-YSQ-2023-054", "2023-12-22", "2024-01-22", 8, "open"),
                   ("ZRZY-YSQ-2023-055", "2023-12-27", "2024-01-25", 11, "open")]
    assert set(json.loads(result.stdout)["requests"][0]) >= {"id", "received", "deadline", "working_days_left", "status", "reasons"}
    assert "1 request(s) overdue" in result.stderr


def test_filters(office, run) -> None:
    overdue = json.loads(_requests(run, office, "--as-of", "2024-01-10", "--overdue", "--format", "json").stdout)["requests"]
    assert [r["id"] for r in overdue] == ["ZRZY-YSQ-2023-052"]
    soon = json.loads(_requests(run, office, "--as-of", "2024-01-10", "--due-within", 5, "--format", "json").stdout)["requests"]
    assert [r["id"] for r in soon] == ["ZRZY-YSQ-2023-052", "ZRZY-YSQ-2023-053"]
    early = _requests(run, office, "--as-of", "2023-12-29", "--format", "csv")
    assert early.exit_code == 0 and early.stdout.splitlines()[0] == "id,received,deadline,working_days_left,status,reasons,file,row"


def test_explain_counts_day_by_day_naming_the_holiday(office, run) -> None:
    result = _requests(run, office, "explain", "ZRZY-YSQ-2023-052", "--as-of", "2024-01-10")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "ZRZY-YSQ-2023-052: received 2023-12-11; the 2019 Regulations: 20 working days; deadline 2024-01-09"
    assert any(line.startswith("2024-01-01") and "元旦" in line for line in lines)
    assert any(line.startswith("2024-01-09") and "day 20" in line for line in lines)
    missing = _requests(run, office, "explain", "没有这个")
    assert missing.exit_code == 2 and "no request '没有这个' in the ledger" in missing.stderr


def test_a_deadline_in_a_year_without_a_notice_is_provisional_and_said(tmp_path, run) -> None:
    ws = copy_workspace(EX23, tmp_path / "office", files=False)
    write_xlsx(ws / "依申请.xlsx", {"S": [HEADER, ["Y-1", "2026-12-20", "自然人", "网上", None, None, None, None]]})
    assert run("--config", ws / "disclo.toml", "ingest", ws / "依申请.xlsx").exit_code == 0
    got = json.loads(_requests(run, ws, "--as-of", "2026-12-21", "--format", "json").stdout)["requests"]
    assert [(r["deadline"], r["status"], r["provisional"]) for r in got] == [("2027-01-15", "provisional", True)]
    shown = _requests(run, ws, "--as-of", "2026-12-21")
    assert "no holiday notice is known for 2027" in shown.stderr


def test_check_reports_a_late_answer_and_an_extension_without_its_date(tmp_path, run) -> None:
    ws = copy_workspace(EX23, tmp_path / "office", files=False)
    rows = [["Y-1", "2023-03-01", "自然人", "网上", "予以公开", "2023-04-20", "否", None],  # 20 working days end 2023-03-29
            ["Y-2", "2023-03-01", "自然人", "网上", "予以公开", "2023-04-20", "是", None]]
    write_xlsx(ws / "依申请.xlsx", {"S": [HEADER, *rows]})
    assert run("--config", ws / "disclo.toml", "ingest", ws / "依申请.xlsx").exit_code == 0
    check = run("--config", ws / "disclo.toml", "check", "--year", 2023, "--format", "json")
    got = {(f["code"], f["row"]) for f in json.loads(check.stdout)["findings"]}
    assert ("answered-late", 2) in got and ("extension-no-date", 3) in got


@pytest.mark.parametrize(("lang", "said"), [("en", "--as-of '2024.1.x' is not a date"), ("zh_CN", "--as-of「2024.1.x」不是日期")])
def test_a_day_that_is_not_a_date_names_the_option_and_the_forms_in_the_user_s_language(office, run, lang, said) -> None:
    for args in (["--as-of", "2024.1.x"], ["explain", "ZRZY-YSQ-2023-052", "--as-of", "2024.1.x"]):
        result = run("--config", office / "disclo.toml", "requests", *args, env={"DISCLO_LANG": lang})
        assert result.exit_code == 2, result.output
        assert said in result.stderr and "2019年1月15日" in result.stderr
        assert "%Y" not in result.stderr
    # the forms a clerk writes are all taken
    for day in ("2024-01-10", "2024/1/10", "2024.1.10", "2024年1月10日", "２０２４年１月１０日"):
        result = run("--config", office / "disclo.toml", "requests", "--as-of", day, "--format", "json")
        assert json.loads(result.stdout)["as_of"] == "2024-01-10", day
