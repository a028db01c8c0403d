"""The national Tables 二, 三, 四 (2021 and 2019 formats) from the example 2023 office's registers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from decimal import Decimal

import pytest

from disclo_cli.formats.engine import Registers, check_identities, fill_all, load_definition
from disclo_cli.model import Place, Request
from disclo_cli.service import build_tables
from workspaces import EX23, FILES23, config_of, copy_workspace, in_section, ingest, write_requests

EXPECTED = json.loads((EX23 / "expected_2023.json").read_text(encoding="utf-8"))
COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """The 2023 office's workspace with its three registers ingested (read-only for the tests)."""
    ws = copy_workspace(EX23, tmp_path_factory.mktemp("office2023"))
    results, findings = ingest(ws, *FILES23)
    assert [(r.kind, r.added, r.rejected) for r in results] == [("items", 152, 0), ("requests", 60, 0), ("cases", 8, 0)]
    assert [f for f in findings if f.severity == "error"] == []
    return ws


@pytest.fixture(scope="module")
def tables(office):
    return {t.table: t for t in build_tables(config_of(office), 2023)}


def data_rows(table):
    return [r for r in table.rows if r.kind == "data"]


def by_id(table) -> dict:
    return {r.id: r.values for r in data_rows(table)}


# --- Table 三 and Table 四: every cell ----------------------------------------------------------------

def test_2021_is_the_default_for_2023(tables) -> None:
    assert list(tables) == ["二", "三", "四"]
    assert {t.standard for t in tables.values()} == {"2021"}
    assert all(t.findings == () for t in tables.values())


def test_table3_every_cell(tables) -> None:
    t = tables["三"]
    assert t.columns == COLUMNS == tuple(EXPECTED["table3"]["columns"])
    rows = data_rows(t)
    assert len(rows) == 25 == len(EXPECTED["table3"]["rows"])
    for row, want in zip(rows, EXPECTED["table3"]["rows"], strict=True):
        assert row.label == want["label"]
        assert list(row.values) == want["values"], row.label
        if "group" in want:
            assert row.labels[-2] == want["group"]


def test_table3_labels_are_the_official_wording(tables) -> None:
    rows = data_rows(tables["三"])
    assert rows[0].labels == ("一、本年新收政府信息公开申请数量",)
    assert rows[4].labels == ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密")
    assert rows[6].label == "3.危及“三安全一稳定”"
    assert rows[21].labels[1:] == ("（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")
    assert rows[-1].labels == ("四、结转下年度继续办理",)
    assert tables["三"].definition.corner == CORNER


def test_table4_every_cell(tables) -> None:
    t = tables["四"]
    (row,) = data_rows(t)
    assert list(row.values) == EXPECTED["table4"] == [2, 1, 0, 1, 4, 1, 0, 1, 0, 2, 0, 0, 0, 1, 1]
    assert [c.replace("/", ":") for c in t.columns[:5]] == EXPECTED["table4_columns"][:5]
    assert t.columns[5:] == tuple(c.replace("行政诉讼/", "").replace(":", "/") for c in EXPECTED["table4_columns"][5:])


# --- the identities of formats.md §3 ---------------------------------------------------------------------

def test_table3_identities_hold(tables) -> None:
    v = by_id(tables["三"])
    subs = [k for k in v if k in ("（一）", "（二）") or "." in k]
    assert len(subs) == 21
    for c in range(7):
        assert v["一"][c] + v["二"][c] == v["（七）"][c] + v["四"][c]
        assert v["（七）"][c] == sum(v[k][c] for k in subs)
    for values in v.values():
        assert values[6] == sum(values[:6])


def test_table4_totals_hold(tables) -> None:
    (values,) = by_id(tables["四"]).values()
    for start in (0, 5, 10):
        assert values[start + 4] == sum(values[start : start + 4])


def test_an_outcome_outside_every_row_breaks_the_results_identity(office) -> None:
    odd = Request(id="X-1", received=dt.date(2023, 3, 1), channel="网上", applicant="自然人", outcome="奇怪处理", reason="", answered=dt.date(2023, 3, 5),
                  place=Place("手工.xlsx", "S", 2))
    (t,) = fill_all(load_definition("2021"), Registers(requests=[odd]), config_of(office), 2023, ["三"])
    assert by_id(t)["（七）"] == (1, 0, 0, 0, 0, 0, 1)
    assert [(f.severity, f.code, f.place.cell, f.message) for f in t.findings] == [
        ("error", "identity", "三.*/自然人", "table 三, column 自然人: 三（七） = （一） + （二） + （三）…（六）的各项 does not hold: 1 ≠ 0"),
        ("error", "identity", "三.*/总计", "table 三, column 总计: 三（七） = （一） + （二） + （三）…（六）的各项 does not hold: 1 ≠ 0"),
        # no silent wrong number: the request itself is named, with the value no row takes
        ("error", "unplaced", "", "table 三: 1 register row(s) counted in no cell of '本年度办理结果': outcome is '奇怪处理', which no row or column takes"),
    ]
    assert "disclo explain" in t.findings[0].hint
    assert t.findings[2].place == Place("手工.xlsx", "S", 2)


def test_a_row_whose_total_is_off_is_named(tables) -> None:
    t = tables["三"]
    rows = tuple(dataclasses.replace(r, values=(*r.values[:6], r.values[6] + 1)) if r.id == "一" else r for r in t.rows)
    messages = [f.message for f in check_identities(dataclasses.replace(t, rows=rows))]
    assert messages == [
        "table 三, column 总计: 一 + 二 = 三（七） + 四 does not hold: 59 ≠ 58",
        "table 三, row 一、本年新收政府信息公开申请数量: 总计 = 自然人 + 法人或其他组织各列 does not hold: 56 ≠ 55",
    ]


def test_a_broken_ledger_makes_table_exit_1_naming_the_cell(tmp_path, run) -> None:
    ws = copy_workspace(EX23, tmp_path)
    ingest(ws, *FILES23)
    with sqlite3.connect(ws / "disclo.sqlite") as conn:
        (source,) = conn.execute("SELECT id FROM sources WHERE kind = 'requests'").fetchone()
        # a row no reader would accept (an outcome outside every row), as a damaged or foreign ledger might hold
        conn.execute("INSERT INTO requests (key, id, received, channel, applicant, outcome, reason, answered, subject, digest, source_id, sheet, row) "
                     "VALUES ('id:x', 'X', '2023-05-01', '网上', '自然人', '奇怪处理', '', '2023-05-09', '', '', ?, 'S', 99)", (source,))
    result = run("table", "--year", "2023", "--table", "三", "--format", "csv")
    assert result.exit_code == 1
    assert ("error: cell 三.*/自然人: table 三, column 自然人: 三（七） = （一） + （二） + （三）…（六）的各项 does not hold: 41 ≠ 40"
            in result.stderr.splitlines())
    assert "problems: 3 error(s), 0 warning(s) — identity 2, unplaced 1" in result.stderr
    assert ("error: 依申请公开台账2023.xlsx, sheet 'S', row 99: table 三: 1 register row(s) counted in no cell of '本年度办理结果': "
            "outcome is '奇怪处理', which no row or column takes") in result.stderr.splitlines()
    assert "（七）总计,41,6,1,2,3,2,55" in result.stdout  # shown, but not silently


# --- carried-over requests ----------------------------------------------------------------------------

def test_a_request_answered_next_january_counts_in_both_years(tmp_path) -> None:
    ws = copy_workspace(EX23, tmp_path, files=False)
    write_requests(ws / "跨年.xlsx", [
        ["C-1", "2022-12-20", "网上", "自然人", "", "予以公开", "", "2023-01-10"],
        ["C-2", "2022-12-28", "信函", "企业", "", "办理中", "", None],
    ])
    results, findings = ingest(ws, "跨年.xlsx")
    assert (results[0].added, findings) == (2, [])
    (t22,) = build_tables(config_of(ws), 2022, tables=["三"])
    (t23,) = build_tables(config_of(ws), 2023, tables=["三"])
    v22, v23 = by_id(t22), by_id(t23)
    assert v22["一"] == (1, 1, 0, 0, 0, 0, 2)
    assert v22["（七）"] == (0,) * 7
    assert v22["四"] == (1, 1, 0, 0, 0, 0, 2)  # 结转下年度
    assert v23["一"] == (0,) * 7
    assert v23["二"] == v22["四"]  # 上年结转
    assert v23["（一）"] == v23["（七）"] == (1, 0, 0, 0, 0, 0, 1)  # 办理结果 in 2023
    assert v23["四"] == (0, 1, 0, 0, 0, 0, 1)
    assert t22.findings == ()
    # nothing received in 2023 is filed: the 2023 register is missing, and the table says so
    assert [(f.code, dict(f.params)) for f in t23.findings] == [
        ("register-not-filed", {"register": "依申请公开台账", "year": 2023, "tables": "表三", "kind": "requests"})]


def test_next_years_2_equals_this_years_4_in_the_example(office, tables) -> None:
    (t22,) = build_tables(config_of(office), 2022, tables=["三"])
    assert list(by_id(t22)["四"]) == EXPECTED["table3_2022_row4"]["values"] == [3, 0, 0, 0, 0, 0, 3]
    assert by_id(tables["三"])["二"] == by_id(t22)["四"]
    assert t22.findings == ()


# --- the 2019 format ---------------------------------------------------------------------------------------

def test_2019_table3_has_other_handling_as_one_row(office, tables) -> None:
    t19 = {t.table: t for t in build_tables(config_of(office), 2023, standard="2019")}
    rows = data_rows(t19["三"])
    assert len(rows) == 23
    v19, v21 = by_id(t19["三"]), by_id(tables["三"])
    assert v19["（六）"] == (5, 0, 0, 0, 0, 0, 5)
    assert [r.label for r in rows if r.id == "（六）"] == ["（六）其他处理"]
    assert {k: v for k, v in v21.items() if not k.startswith("（六）")} == {k: v for k, v in v19.items() if k != "（六）"}
    assert [f for f in t19["三"].findings] == []
    assert by_id(t19["四"]) == by_id(tables["四"])


def test_2019_table2_has_the_2019_columns(office) -> None:
    (t,) = build_tables(config_of(office), 2023, standard="2019", tables=["二"])
    cells = {r.id: (r.headers, r.values) for r in data_rows(t)}
    assert cells == {
        "规章": (("本年新制作数量", "本年新公开数量", "对外公开总数量"), (0, 0, 0)),
        "规范性文件": (("本年新制作数量", "本年新公开数量", "对外公开总数量"), (4, 4, 4)),
        "行政许可": (("上一年项目数量", "本年增/减", "处理决定数量"), (None, None, 326)),
        "其他对外管理服务事项": (("上一年项目数量", "本年增/减", "处理决定数量"), (None, None, None)),
        "行政处罚": (("上一年项目数量", "本年增/减", "处理决定数量"), (None, None, 41)),
        "行政强制": (("上一年项目数量", "本年增/减", "处理决定数量"), (None, None, 3)),
        "行政事业性收费": (("上一年项目数量", "本年增/减"), (None, None)),
        "政府集中采购": (("采购项目数量", "采购总金额"), (None, None)),
    }
    assert [r.label for r in t.rows if r.kind == "block"] == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项", "第二十条第（九）项"]
    missing = [f for f in t.findings if f.code == "missing-figure"]
    assert len(missing) == len(t.findings) == 13
    assert {f.severity for f in missing} == {"warning"}


def test_2019_from_the_command_line(office, run, monkeypatch) -> None:
    monkeypatch.chdir(office)
    result = run("table", "--year", "2023", "--standard", "2019", "--table", "三", "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    payload = json.loads(result.stdout)
    assert (payload["standard"], payload["table"], len(payload["rows"])) == ("2019", "三", 23)
    assert payload["rows"][20] == {"id": "（六）", "label": "（六）其他处理", "unit": "", "values": [5, 0, 0, 0, 0, 0, 5]}


# --- Table 二 (2021) ---------------------------------------------------------------------------------------

def test_table2_2021_cells(tables) -> None:
    t = tables["二"]
    cells = {r.id: (r.headers, r.values) for r in data_rows(t)}
    assert cells == {
        "规章": (("本年制发件数", "本年废止件数", "现行有效件数"), (0, 0, 0)),
        # 4 issued, 2 abolished, 12 in force before (opening) + 4 − 2
        "行政规范性文件": (("本年制发件数", "本年废止件数", "现行有效件数"), (4, 2, 14)),
        "行政许可": (("本年处理决定数量",), (326,)),
        "行政处罚": (("本年处理决定数量",), (41,)),
        "行政强制": (("本年处理决定数量",), (3,)),
        "行政事业性收费": (("本年收费金额（单位：万元）",), (Decimal("12.6"),)),
    }
    assert [r.id for r in t.rows if r.kind == "block"] == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]
    fee = t.as_json()["rows"][-1]
    assert fee == {"id": "行政事业性收费", "label": "行政事业性收费", "unit": "", "values": [12.6], "columns": ["本年收费金额（单位：万元）"]}


def test_a_missing_yearly_figure_is_blank_and_reported(tmp_path, run) -> None:
    ws = copy_workspace(EX23, tmp_path, edit=lambda t: t.replace("[yearly.2023]", "[yearly.2022]"))
    ingest(ws, *FILES23)
    (t,) = build_tables(config_of(ws), 2023, tables=["二"])
    v = by_id(t)
    assert v["行政许可"] == (None,) and v["行政处罚"] == (None,) and v["行政事业性收费"] == (None,)
    assert v["行政规范性文件"] == (4, 2, 14)  # counted cells are unaffected
    f = t.findings[0]
    assert (f.severity, f.code, f.place.cell, f.message) == ("warning", "missing-figure", "二.行政许可", "no yearly figure 'licence_decisions' for 2023; the cell is left blank")
    assert f.hint == "Add it to disclo.toml: [yearly.2023] licence_decisions = …"
    assert [x.code for x in t.findings] == ["missing-figure"] * 4
    result = run("table", "--year", "2023", "--table", "二", "--format", "csv")
    assert result.exit_code == 0  # a blank is a warning, not a wrong number
    assert "行政许可,,," in result.stdout.splitlines()
    assert "warning: cell 二.行政许可: no yearly figure 'licence_decisions' for 2023; the cell is left blank" in result.stderr


# --- row problems in the request register ----------------------------------------------------------------

PROBLEM_ROWS = [
    ["P-1", "2023-01-05", "网上", "外星人", "", "予以公开", "", "2023-01-10"],
    ["P-2", "2023-01-06", "网上", "自然人", "", "不予公开", "", "2023-01-10"],
    ["P-3", "2023-01-07", "网上", "自然人", "", "予以公开", "", "2023-01-01"],
    ["P-4", "2023-01-08", "网上", "自然人", "", "瞎办", "", "2023-01-11"],
    ["P-5", "2023-01-09", "网上", "个体户", "", "予以公开", "", "2023-01-11"],
    ["P-6", "2023-01-09", "当面", "自然人", "", "予以公开", "", "2023-01-12"],
]


def test_unknown_wording_missing_reason_and_early_answer_are_reported_with_their_row(tmp_path, run) -> None:
    ws = copy_workspace(EX23, tmp_path, files=False)
    write_requests(ws / "问题.xlsx", PROBLEM_ROWS)
    result = run("ingest", "问题.xlsx")
    assert result.exit_code == 1
    assert result.stdout == "问题.xlsx\trequests\tadded 1\tchanged 0\twithdrawn 0\tunchanged 0\trejected 5\n"
    assert result.stderr.splitlines()[:5] == [
        "error: 问题.xlsx, sheet '依申请公开', row 2, column '申请人类型': unknown applicant type '外星人'; closest known: 自然人",
        "error: 问题.xlsx, sheet '依申请公开', row 3, column '具体情形': 不予公开 without a reason (具体情形)",
        "error: 问题.xlsx, sheet '依申请公开', row 4, column '答复日期': answered 2023-01-01 before it was received 2023-01-07",
        "error: 问题.xlsx, sheet '依申请公开', row 5, column '办理结果': unknown outcome '瞎办'",
        # 个体户: 商业企业 or 自然人? A judgement call the office makes in disclo.toml (issue "No silent wrong number")
        "error: 问题.xlsx, sheet '依申请公开', row 6, column '申请人类型': applicant type '个体户' is a judgement call: it could be 商业企业、自然人",
    ]
    (t,) = build_tables(config_of(ws), 2023, tables=["三"])
    assert by_id(t)["一"] == (1, 0, 0, 0, 0, 0, 1)  # only P-6 was filed


def test_findings_carry_file_sheet_row_and_column(tmp_path) -> None:
    ws = copy_workspace(EX23, tmp_path, files=False)
    write_requests(ws / "问题.xlsx", PROBLEM_ROWS)
    results, findings = ingest(ws, "问题.xlsx")
    got = [(f.severity, f.code, f.place.file, f.place.sheet, f.place.row, f.place.column) for f in findings]
    assert got == [
        ("error", "unknown-applicant-type", "问题.xlsx", "依申请公开", 2, "申请人类型"),
        ("error", "missing-reason", "问题.xlsx", "依申请公开", 3, "具体情形"),
        ("error", "answer-before-receipt", "问题.xlsx", "依申请公开", 4, "答复日期"),
        ("error", "unknown-outcome", "问题.xlsx", "依申请公开", 5, "办理结果"),
        ("error", "needs-decision", "问题.xlsx", "依申请公开", 6, "申请人类型"),
    ]
    assert "[applicants.aliases]" in findings[0].hint and "[outcomes.aliases]" in findings[3].hint
    assert results[0].rejected == 5


def test_aliases_in_disclo_toml_extend_the_vocabulary(tmp_path, run) -> None:
    def edit(text: str) -> str:
        text = in_section(text, "applicants.aliases", '"个体户" = "自然人"', '"外星人" = "其他"')
        return in_section(text, "outcomes.aliases", '"瞎办" = "予以公开"')

    ws = copy_workspace(EX23, tmp_path, files=False, edit=edit)
    write_requests(ws / "问题.xlsx", PROBLEM_ROWS)
    result = run("ingest", "问题.xlsx")
    assert result.stdout == "问题.xlsx\trequests\tadded 4\tchanged 0\twithdrawn 0\tunchanged 0\trejected 2\n"
    (t,) = build_tables(config_of(ws), 2023, tables=["三"])
    v = by_id(t)
    assert v["一"] == (3, 0, 0, 0, 0, 1, 4)
    assert v["（一）"] == (3, 0, 0, 0, 0, 1, 4)  # 瞎办 now means 予以公开


# --- output formats -----------------------------------------------------------------------------------------

def test_json_of_all_three_tables(office, run, monkeypatch) -> None:
    monkeypatch.chdir(office)
    result = run("table", "--year", "2023", "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    payload = json.loads(result.stdout)
    assert [(p["standard"], p["table"], p["year"], p["title"]) for p in payload] == [
        ("2021", "二", 2023, "二、主动公开政府信息情况"),
        ("2021", "三", 2023, "三、收到和处理政府信息公开申请情况"),
        ("2021", "四", 2023, "四、政府信息公开行政复议、行政诉讼情况"),
    ]
    t3 = payload[1]
    assert t3["columns"] == list(COLUMNS)
    assert [r["values"] for r in t3["rows"]] == [r["values"] for r in EXPECTED["table3"]["rows"]]
    assert all(set(r) == {"id", "label", "unit", "values"} for r in t3["rows"])
    assert payload[2]["rows"] == [{"id": "案件", "label": "行政复议、行政诉讼", "unit": "", "values": EXPECTED["table4"]}]


def test_terminal_table3_fits_100_columns(office, run, monkeypatch) -> None:
    from rich.cells import cell_len

    monkeypatch.chdir(office)
    result = run("table", "--year", "2023", "--table", "三", env={"COLUMNS": "100"})
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert max(cell_len(ln) for ln in lines) <= 100
    header = next(ln for ln in lines if "自然人" in ln)
    assert header.rstrip().endswith("总计 │")  # the last column is not cut off
    assert any("（七）总计" in ln and ln.rstrip().endswith("54 │") for ln in lines)


def test_terminal_table4_is_three_rows_of_five(office, run, monkeypatch) -> None:
    monkeypatch.chdir(office)
    result = run("table", "--year", "2023", "--table", "四", env={"COLUMNS": "100"})
    assert (result.exit_code, result.stderr) == (0, "")
    rows = [[c.strip() for c in ln.split("│")[1:-1]] for ln in result.stdout.splitlines() if ln.startswith("│")]
    assert rows == [
        ["项目", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
        ["行政复议", "2", "1", "0", "1", "4"],
        ["行政诉讼·未经复议直接起诉", "1", "0", "1", "0", "2"],
        ["行政诉讼·复议后起诉", "0", "0", "0", "1", "1"],
    ]


def test_xlsx_table3_in_the_official_layout(office, run, monkeypatch, tmp_path) -> None:
    from openpyxl import load_workbook

    monkeypatch.chdir(office)
    out = tmp_path / "表三.xlsx"
    result = run("table", "--year", "2023", "--table", "三", "--format", "xlsx", "--output", out)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", f"wrote {out}\n")
    ws = load_workbook(out).active
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:J1", "A2:C4", "D2:J2", "D3:D4", "E3:I3", "J3:J4", "A5:C5", "A6:C6", "A7:A28", "B9:B16", "B17:B19", "B20:B24", "B25:B27", "B28:C28", "A29:C29"} <= merged
    assert ws["A1"].value == "三、收到和处理政府信息公开申请情况"
    assert (ws["A2"].value, ws["D2"].value, ws["D3"].value, ws["E3"].value, ws["J3"].value) == (CORNER, "申请人情况", "自然人", "法人或其他组织", "总计")
    assert [c.value for c in ws[4]][4:9] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert (ws["A7"].value, ws["B9"].value, ws["C9"].value) == ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密")
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=5, max_row=29, min_col=4, max_col=10)]
    assert body == [r["values"] for r in EXPECTED["table3"]["rows"]]
    for row in ws.iter_rows(min_row=2, max_row=29, min_col=1, max_col=10):
        for cell in row:
            if type(cell).__name__ != "MergedCell":
                b = cell.border
                assert (b.left.style, b.right.style, b.top.style, b.bottom.style) == ("thin",) * 4, cell.coordinate
    widths = [ws.column_dimensions[c].width for c in "ABCDEFGHIJ"]
    assert widths[2] > widths[1] > widths[3] > 0 and len(set(widths[3:])) == 1


def test_xlsx_table4_in_the_official_layout(office, run, monkeypatch, tmp_path) -> None:
    from openpyxl import load_workbook

    monkeypatch.chdir(office)
    out = tmp_path / "表四.xlsx"
    assert run("table", "--year", "2023", "--table", "四", "--format", "xlsx", "-o", out).exit_code == 0
    ws = load_workbook(out).active
    assert {"A2:E3", "F2:O2", "F3:J3", "K3:O3"} <= {str(r) for r in ws.merged_cells.ranges}
    assert (ws["A2"].value, ws["F2"].value, ws["F3"].value, ws["K3"].value) == ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉")
    assert [c.value for c in ws[4]] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3
    assert [c.value for c in ws[5]] == EXPECTED["table4"]


def test_xlsx_needs_an_output_path(office, run, monkeypatch) -> None:
    monkeypatch.chdir(office)
    result = run("table", "--year", "2023", "--format", "xlsx")
    assert result.exit_code == 2
    assert "--format xlsx needs --output PATH" in result.stderr


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_misspelt_yearly_figure_is_named_with_the_right_one(tmp_path, run, lang) -> None:
    """[yearly.2023] fess_amount (for fees_amount): the cell stays blank (missing-figure), and the
    misspelt name is said with the one it most likely means, in table and check alike."""
    ws = copy_workspace(EX23, tmp_path, files=False, edit=lambda t: t.replace("fees_amount = 12.6", "fess_amount = 12.6")
                        .replace("[ledger]\n", "[report]\nextra_figures = [\"policy_interpretations\"]\n\n[ledger]\n", 1)
                        .replace("[yearly.2023]\n", "[yearly.2023]\npolicy_interpretations = 7\n", 1))
    said = {"en": "[yearly.2023] 'fess_amount' is a figure no table reads: did you mean 'fees_amount'? It appears nowhere",
            "zh_CN": "[yearly.2023] 中的「fess_amount」不是任何统计表读取的年度数据：是否应为「fees_amount」？这个数字不会出现在表中"}[lang]
    for command in (["table", "--year", "2023"], ["check", "--year", "2023"]):
        result = run("--config", ws / "disclo.toml", *command, env={"DISCLO_LANG": lang})
        shown = result.stdout + result.stderr  # check lists its findings as its output
        assert said in shown, shown
        assert "policy_interpretations" not in shown  # an extra figure the report is told to state
        assert "'licence_decisions'" not in shown and "「licence_decisions」" not in shown  # spelt right
    ok = copy_workspace(EX23, tmp_path / "ok", files=False)
    assert "yearly" not in run("--config", ok / "disclo.toml", "table", "--year", "2023").stderr


def test_the_outlines_own_figures_are_not_taken_for_misspelt_ones(tmp_path, run) -> None:
    """Found in review: policy_interpretations, declared by the report outline, was called
    misspelt when [report] extra_figures did not list it, and service_zones was told it might be
    service_decisions."""
    import tomllib

    from conftest import ROOT

    names = list(tomllib.loads((ROOT / "data" / "outlines" / "legacy.toml").read_text(encoding="utf-8"))["extra_figures"])
    assert "policy_interpretations" in names
    ws = copy_workspace(EX23, tmp_path, files=False,
                        edit=lambda t: t.replace("[yearly.2023]\n", "[yearly.2023]\n" + "".join(f"{n} = 1\n" for n in names), 1))
    result = run("--config", ws / "disclo.toml", "table", "--year", "2023")
    assert "no table reads" not in result.stderr, result.stderr
