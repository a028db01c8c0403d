"""disclo check: exit 0 on a consistent year, 1 with each rule's finding, code and place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write_xlsx
from workspaces import EX23, FILES23, REQUEST_HEADER, copy_workspace

FINDING_KEYS = {"severity", "code", "message", "file", "sheet", "row", "column", "cell", "hint"}


@pytest.fixture
def office(tmp_path, run) -> Path:
    """The 2023 example office with its three registers ingested."""
    ws = copy_workspace(EX23, tmp_path / "office")
    result = run("--config", ws / "disclo.toml", "ingest", *(ws / f for f in FILES23))
    assert result.exit_code == 0, result.stderr
    return ws


def _check(run, ws: Path, *args: object):
    return run("--config", ws / "disclo.toml", "check", "--year", 2023, *args)


def _blocking(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["severity"] != "info"]  # e.g. shares that round to 100.1%


def test_consistent_year_exits_0(office, run) -> None:
    result = _check(run, office)
    assert result.exit_code == 0
    assert not [line for line in result.stdout.splitlines() if line.startswith(("error", "warning"))]
    assert result.stderr == "check 2023 (2021): 0 error(s), 0 warning(s)\n"
    data = json.loads(_check(run, office, "--format", "json").stdout)
    assert {k: v for k, v in data.items() if k != "findings"} == {"year": 2023, "standard": "2021", "errors": 0, "warnings": 0}
    assert _blocking(data["findings"]) == []


def test_broken_identity_is_an_error_naming_the_cells(office, run, monkeypatch) -> None:
    from dataclasses import replace

    from disclo_cli.formats import engine

    original = engine.fill

    def broken(table, filler, standard):
        t = original(table, filler, standard)
        if t.table != "三":
            return t
        rows = tuple(replace(r, values=(r.values[0] + 1, *r.values[1:])) if r.id == "一" else r for r in t.rows)
        t = replace(t, rows=rows, findings=())
        return replace(t, findings=tuple(engine.check_identities(t)))

    monkeypatch.setattr(engine, "fill", broken)
    result = _check(run, office)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        "error [identity] cell 三.*/自然人: table 三, column 自然人: 一 + 二 = 三（七） + 四 does not hold: 43 ≠ 42",
        "    → Check the register rows behind these cells with 'disclo explain'.",
    ]
    assert "check 2023 (2021): 2 error(s), 0 warning(s)" in result.stderr  # 自然人, and 总计 ≠ the six columns
    data = json.loads(_check(run, office, "--format", "json").stdout)
    # a row's identity names the row's cells (三.一/*), an address disclo explain takes (issue "No silent wrong number" 7)
    assert [(f["severity"], f["code"], f["cell"]) for f in _blocking(data["findings"])] == [("error", "identity", "三.*/自然人"), ("error", "identity", "三.一/*")]
    assert "table 三, row 一、本年新收政府信息公开申请数量: 总计" in _blocking(data["findings"])[1]["message"]
    for f in _blocking(data["findings"]):
        explained = run("--config", office / "disclo.toml", "explain", "--year", 2023, f["cell"], "--format", "json")
        assert explained.exit_code == 0, explained.stderr
    column = json.loads(run("--config", office / "disclo.toml", "explain", "--year", 2023, "三.*/自然人", "--format", "json").stdout)
    assert [c["cell"] for c in column["cells"]][:3] == ["三.一/自然人", "三.二/自然人", "三.（一）/自然人"] and len(column["cells"]) == 25
    assert column["value"] is None and column["rows"][0]["what"].startswith("三.一/自然人: 自然人 → ")
    row = json.loads(run("--config", office / "disclo.toml", "explain", "--year", 2023, "三.一/*", "--format", "json").stdout)
    assert [c["cell"] for c in row["cells"]] == [f"三.一/{c}" for c in ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")]


def test_carry_over_against_last_years_published_json(office, run, tmp_path) -> None:
    table = run("--config", office / "disclo.toml", "table", "--year", 2022, "--table", "三", "--format", "json")
    published = json.loads(table.stdout)
    same = tmp_path / "2022表三.json"
    same.write_text(json.dumps(published, ensure_ascii=False), encoding="utf-8")
    assert _check(run, office, "--previous", same).exit_code == 0

    for row in published["rows"]:
        if row["id"] == "四":
            row["values"] = [4, 0, 0, 0, 0, 0, 4]  # last year's report said 4 were carried over, not 3
    changed = tmp_path / "2022表三-已发布.json"
    changed.write_text(json.dumps(published, ensure_ascii=False), encoding="utf-8")
    result = _check(run, office, "--previous", changed, "--format", "json")
    assert result.exit_code == 1
    findings = _blocking(json.loads(result.stdout)["findings"])
    assert [(f["code"], f["cell"], f["message"]) for f in findings] == [
        ("carry-over", "三.二/自然人", "table 三, column 自然人: 二 上年结转 = 3, but 2022's 四 结转下年度 = 4"),
        ("carry-over", "三.二/总计", "table 三, column 总计: 二 上年结转 = 3, but 2022's 四 结转下年度 = 4"),
    ]
    assert "disclo explain" in findings[0]["hint"]


def test_previous_that_is_not_table_json(office, run, tmp_path) -> None:
    bad = tmp_path / "2022.json"
    bad.write_text("{不是 JSON", encoding="utf-8")
    result = _check(run, office, "--previous", bad)
    assert result.exit_code == 1 and f"disclo: error: {bad}: not JSON (" in result.stderr
    bad.write_text('{"year": 2022}', encoding="utf-8")
    result = _check(run, office, "--previous", bad)
    assert result.exit_code == 1 and f"disclo: error: {bad}: not the JSON of 'disclo table'" in result.stderr


def _problem_files(folder: Path) -> list[Path]:
    items = write_xlsx(folder / "主动公开台账2018.xlsx", {"主动公开": [
        ["索引号", "发布日期", "标题", "类别", "公开渠道"],
        ["A-1", "2018-03-05", "甲", "工作动态类", "政府网站"],
        ["A-1", "2018-03-05", "甲", "工作动态类", "政府网站"],  # the same item twice
        ["A-2", "2017-12-30", "乙", "工作动态类", "政府网站"],  # last year
        ["A-3", "2018-04-01", "丙", "火星类", "政府网站"],  # not a category
    ]})
    requests = write_xlsx(folder / "依申请公开台账2018.xlsx", {"依申请公开": [
        REQUEST_HEADER,
        ["R-1", "2018-03-05", "网上", "自然人", "甲", "予以公开", "", "2018-03-01"],  # answered before received
        ["R-2", "2018-03-06", "网上", "自然人", "乙", "", "", "2018-03-20"],  # answered, no outcome
        ["R-3", "2018-03-07", "网上", "自然人", "丙", "不予公开", "", "2018-03-21"],  # no reason
        ["R-4", "2018-03-08", "网上", "外星人", "丁", "予以公开", "", "2018-03-22"],  # not an applicant type
        ["R-5", "2019-01-08", "网上", "自然人", "戊", "", "", ""],  # next year's
        ["R-6", "2018-05-08", "网上", "自然人", "己", "", "", ""],
        ["R-6", "2018-05-08", "网上", "自然人", "己", "予以公开", "", "2018-05-20"],  # exported again, answered
    ]})
    return [items, requests]


def test_check_on_files_lists_each_rule_with_its_place(tmp_path, run) -> None:
    files = _problem_files(tmp_path)
    result = run("check", "--year", 2018, *files, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) == {"year", "standard", "errors", "warnings", "findings"}
    assert (data["year"], data["standard"]) == (2018, "legacy")
    assert all(set(f) == FINDING_KEYS for f in data["findings"])
    assert data["errors"] == sum(f["severity"] == "error" for f in data["findings"])
    assert data["warnings"] == sum(f["severity"] == "warning" for f in data["findings"])
    got = {(f["severity"], f["code"], f["file"], f["row"], f["column"]) for f in data["findings"] if f["file"]}
    items, requests = "主动公开台账2018.xlsx", "依申请公开台账2018.xlsx"
    assert got == {
        ("warning", "duplicate", items, 3, ""),
        ("warning", "outside-year", items, 4, ""),
        ("warning", "unknown-category", items, 5, "类别"),
        ("error", "answer-before-receipt", requests, 2, "答复日期"),
        ("error", "answer-without-outcome", requests, 3, "办理结果"),
        ("error", "missing-reason", requests, 4, "具体情形"),
        ("error", "unknown-applicant-type", requests, 5, "申请人类型"),
        ("warning", "outside-year", requests, 6, ""),
        ("warning", "duplicate", requests, 7, ""),
    }
    by_code = {f["code"]: f for f in data["findings"]}
    assert by_code["answer-before-receipt"]["message"] == "answered 2018-03-01 before it was received 2018-03-05"
    assert by_code["answer-before-receipt"]["sheet"] == "依申请公开"
    duplicate = [f for f in data["findings"] if f["code"] == "duplicate" and f["file"] == requests][0]
    assert duplicate["message"] == "repeated 编号 'R-6', also at 依申请公开台账2018.xlsx, sheet '依申请公开', row 8; the later row is counted"
    # an unknown category cannot go into the report: in a check it is an error for the year as well
    assert ("error", "unknown-category", "主动公开") in {(f["severity"], f["code"], f["cell"]) for f in data["findings"]}
    assert [f["severity"] for f in data["findings"]] == sorted((f["severity"] for f in data["findings"]), key=["error", "warning", "info"].index)


def test_check_on_files_as_text(tmp_path, run) -> None:
    result = run("check", "--year", 2018, *_problem_files(tmp_path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "error [answer-before-receipt] 依申请公开台账2018.xlsx, sheet '依申请公开', row 2, column '答复日期': answered 2018-03-01 before it was received 2018-03-05" in lines
    assert lines[lines.index(next(x for x in lines if "[missing-reason]" in x)) + 1].startswith("    → 不予公开 needs one of: 属于国家秘密")
    # 5 errors: 4 request rows, and the unknown category for the year; 7 warnings (附表's missing fees_waived, and
    # its 历年累计 with no [opening] through: no workspace says what came before these files)
    assert ("warning [opening-missing] cell 附表.items/历年累计: disclo.toml gives no [opening] through: the cumulative figures count"
            " only the registers' rows (from 2017 on), nothing published before") in lines
    assert result.stderr == "check 2018 (legacy): 5 error(s), 7 warning(s)\n"


def test_check_without_a_workspace_or_files(tmp_path, run) -> None:
    result = run("check", "--year", 2023)
    assert result.exit_code == 1
    assert result.stderr.startswith("disclo: error: no disclo.toml here or in any parent folder")


def test_check_on_an_unreadable_file(tmp_path, run) -> None:
    (tmp_path / "台账.xlsx").write_bytes(b"PK\x03\x04 broken")
    result = run("check", "--year", 2018, tmp_path / "台账.xlsx")
    assert result.exit_code == 1
    assert "not a readable spreadsheet" in result.stderr and "Traceback" not in result.stderr


def test_unknown_categories_in_the_ledger_are_counted_by_rows_and_stop_the_report(office, run) -> None:
    from workspaces import write_items

    # three items of a category the office's list does not know: filed (a warning), then an error for check and report
    write_items(office / "新类别.xlsx", [[f"N-{i}", f"新闻{i}", "新闻发布类", f"2023-03-0{i}", "政府网站"] for i in (1, 2, 3)])
    result = run("--config", office / "disclo.toml", "ingest", office / "新类别.xlsx")
    assert result.exit_code == 0, result.stderr
    assert "unknown category '新闻发布类'" in result.stderr
    data = json.loads(_check(run, office, "--format", "json").stdout)
    unknown = [f for f in data["findings"] if f["code"] == "unknown-category"]
    assert [(f["severity"], f["message"]) for f in unknown] == [("error", "3 item(s) of 2023 have the unknown category '新闻发布类'")]
    report = run("--config", office / "disclo.toml", "report", "--year", 2023, "--output", office / "r.docx")
    assert report.exit_code == 1
    assert "break 1 check(s) (0 of them identities); no report was written" in report.stderr
    assert "unknown category '新闻发布类'" in report.stderr
    assert not (office / "r.docx").exists()
