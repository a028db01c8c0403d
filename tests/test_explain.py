"""`disclo explain`: the register rows behind one table cell, and the cell addresses it accepts."""

from __future__ import annotations

import csv
import io
import json

import pytest

from disclo_cli.errors import UsageError
from disclo_cli.service import build_tables, explain_cell
from workspaces import EX18, EX23, FILES23, MAIN18, SUPP18, config_of, copy_workspace, ingest

REQUESTS = "依申请公开台账2023.xlsx"


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    ws = copy_workspace(EX23, tmp_path_factory.mktemp("office2023"))
    ingest(ws, *FILES23)
    return ws


@pytest.fixture
def explain(office, run, monkeypatch):
    """`disclo explain --year 2023 CELL --format json` in the 2023 office, parsed."""
    monkeypatch.chdir(office)

    def go(cell: str, *args: str) -> dict:
        result = run("explain", "--year", "2023", cell, "--format", "json", *args)
        assert (result.exit_code, result.stderr) == (0, ""), result.stderr
        return json.loads(result.stdout)

    return go


def places(payload: dict) -> list[tuple]:
    return [(r["file"], r["sheet"], r["row"], r["id"]) for r in payload["rows"]]


# --- Table 三 -------------------------------------------------------------------------------------------

def test_a_reason_cell_lists_its_request(explain) -> None:
    payload = explain("三.（三）.1/自然人")
    assert (payload["cell"], payload["year"], payload["value"], payload["note"]) == ("三.（三）.1/自然人", 2023, 1, "")
    assert places(payload) == [(REQUESTS, "依申请公开", 29, "ZRZY-YSQ-2023-022")]
    assert payload["rows"][0]["date"] == "2023-05-26"
    assert payload["rows"][0]["what"] == "自然人 → 2023-05-30 不予公开/属于国家秘密"


def test_half_width_brackets_and_column_numbers_are_the_same_cell(explain) -> None:
    full = explain("三.（三）.1/自然人")
    assert explain("三.(三).1/自然人") == full
    assert explain("三.（三）.1/1") == full
    assert explain(" 三．（三）．1 / 自然人 ".replace(" / ", "/")) == full


def test_a_total_column_lists_the_rows_of_every_applicant_column(explain) -> None:
    payload = explain("三.（四）.1/7")
    assert (payload["cell"], payload["value"]) == ("三.（四）.1/总计", 7)
    assert len(payload["rows"]) == 7
    assert {r["what"].split(" → ")[0] for r in payload["rows"]} == {"自然人", "商业企业", "社会公益组织", "法律服务机构"}
    assert all(r["what"].endswith("无法提供/本机关不掌握相关政府信息") for r in payload["rows"])


def test_carried_in_requests(explain) -> None:
    payload = explain("三.二/总计")
    assert payload["value"] == 3
    assert [r["id"] for r in payload["rows"]] == ["ZRZY-YSQ-2022-053", "ZRZY-YSQ-2022-054", "ZRZY-YSQ-2022-055"]
    assert all(r["date"].startswith("2022-12") for r in payload["rows"])


def test_every_cell_of_table3_and_table4_has_as_many_rows_as_its_value(office) -> None:
    config = config_of(office)
    tables = {t.table: t for t in build_tables(config, 2023)}
    checked = 0
    for name in ("三", "四"):
        t = tables[name]
        for row in t.rows:
            for i, column in enumerate(t.columns):
                e = explain_cell(config, 2023, f"{name}.{row.id}/{column}")
                assert len(e.rows) == e.value == row.values[i], e.address
                assert len({(r[0], r[1], r[2]) for r in e.rows}) == len(e.rows)  # no register row twice
                checked += 1
    assert checked == 25 * 7 + 15


# --- Table 四 and Table 二 -------------------------------------------------------------------------------

def test_table4_cell(explain) -> None:
    payload = explain("四/行政复议/结果维持")
    assert (payload["cell"], payload["value"]) == ("四.案件/行政复议/结果维持", 2)
    assert places(payload) == [("行政复议诉讼台账2023.xlsx", "复议诉讼", 4, "FY-2023-01"), ("行政复议诉讼台账2023.xlsx", "复议诉讼", 5, "FY-2023-02")]
    assert explain("四/5")["value"] == 4  # 行政复议/总计 by number


def test_documents_in_force_show_the_opening_balance_and_both_signs(explain) -> None:
    payload = explain("二.行政规范性文件/现行有效件数")
    assert payload["value"] == 14
    assert payload["note"] == "+ opening balance normative_docs_in_force = 12"
    signs = [r["what"][0] for r in payload["rows"]]
    assert (signs.count("+"), signs.count("−")) == (4, 2)
    assert 12 + signs.count("+") - signs.count("−") == payload["value"]
    assert {r["id"] for r in payload["rows"] if r["what"].startswith("−")} == {"SLZY-2019-0087", "SLZY-2020-0031"}


def test_a_yearly_figure_has_no_rows_but_says_where_it_comes_from(explain) -> None:
    payload = explain("二.行政许可")
    assert (payload["cell"], payload["value"], payload["rows"]) == ("二.行政许可/本年处理决定数量", 326, [])
    assert payload["note"] == "yearly figure 'licence_decisions' from disclo.toml [yearly]"
    assert explain("二.行政事业性收费/1")["value"] == 12.6


def test_explain_csv_and_table(office, run, monkeypatch) -> None:
    monkeypatch.chdir(office)
    result = run("explain", "--year", "2023", "三.（三）.1/自然人", "--format", "csv")
    assert result.exit_code == 0
    assert list(csv.reader(io.StringIO(result.stdout))) == [
        ["file", "sheet", "row", "id", "date", "what"],
        [REQUESTS, "依申请公开", "29", "ZRZY-YSQ-2023-022", "2023-05-26", "自然人 → 2023-05-30 不予公开/属于国家秘密"],
    ]
    shown = run("explain", "--year", "2023", "三.（三）.1/自然人")
    assert shown.exit_code == 0 and "三.（三）.1/自然人 = 1" in shown.stdout and "ZRZY-YSQ-2023-022" in shown.stdout


# --- the legacy table -------------------------------------------------------------------------------------

def test_legacy_cumulative_cell_shows_the_opening_note(tmp_path, run) -> None:
    ws = copy_workspace(EX18, tmp_path)
    ingest(ws, MAIN18, SUPP18)
    result = run("explain", "--year", "2018", "附表.items/历年累计", "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    payload = json.loads(result.stdout)
    assert (payload["cell"], payload["value"], payload["note"]) == ("附表.items/历年累计", 1362, "+ opening balance items = 1112")
    assert len(payload["rows"]) == 250 == payload["value"] - 1112
    assert payload["rows"][0] == {"file": MAIN18, "sheet": "1-6月", "row": 3, "id": "FJ-NA-LC-2018-0001", "date": "2018-01-02",
                                  "what": "工作动态类 柳城街道召开党风廉政建设工作会议"}
    year = explain_cell(config_of(ws), 2018, "主动公开信息数/1")  # the table may be left out; a row by its label
    assert (year.address, year.value, len(year.rows), year.note) == ("附表.items/2018年度", 250, 250, "")
    gazette = explain_cell(config_of(ws), 2018, "items_gazette/历年累计")
    assert (gazette.value, gazette.rows, gazette.note) == (0, (), "+ opening balance items_gazette = 0")


# --- bad addresses ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("cell", "message", "hint"),
    [
        ("三.（九）/自然人", "cell '三.（九）/自然人': table 三 has no row '（九）'", "Rows: 一、二、（一）、（二）、（三）.1、（三）.2"),
        ("三.（三）/自然人", "table 三 has no row '（三）'", "（七）、四."),
        ("三.一/外国人", "cell '三.一/外国人': no column '外国人'", "Columns: 自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他、总计 (or 1–7)."),
        ("三.一/8", "no column '8'", "(or 1–7)"),
        ("三.一", "cell '三.一': which column?", "Columns: 自然人、商业企业"),
        ("五.一/1", "cell '五.一/1': no table named at its start", "tables: 二、三、四."),
        ("二/1", "cell '二/1': which row of table 二?", "Rows: 规章、行政规范性文件、行政许可、行政处罚、行政强制、行政事业性收费."),
        ("二.规章/4", "no column '4'", "Columns: 本年制发件数、本年废止件数、现行有效件数 (or 1–3)."),
    ],
)
def test_bad_addresses_exit_2_with_a_hint(office, run, monkeypatch, cell, message, hint) -> None:
    monkeypatch.chdir(office)
    result = run("explain", "--year", "2023", cell)
    assert (result.exit_code, result.stdout) == (2, "")
    assert f"disclo: error: {message}" in result.stderr or message in result.stderr.splitlines()[0]
    assert hint in result.stderr


def test_parse_errors_are_usage_errors(office) -> None:
    with pytest.raises(UsageError) as info:
        explain_cell(config_of(office), 2023, "三.nope/1")
    assert info.value.exit_code == 2 and info.value.hint.startswith("Rows: 一、二、")


def test_a_blank_figure_cell_is_shown_blank_not_none(tmp_path, run) -> None:
    ws = copy_workspace(EX23, tmp_path, files=False, edit=lambda t: t.replace("[yearly.2023]", "[yearly.2022]"))
    ingest(ws)
    shown = run("explain", "--year", "2023", "二.行政事业性收费")
    assert shown.exit_code == 0, shown.stderr
    assert "二.行政事业性收费/本年收费金额（单位：万元） = （空）" in shown.stdout and "None" not in shown.stdout
    payload = json.loads(run("explain", "--year", "2023", "二.行政事业性收费", "--format", "json").stdout)
    assert payload["value"] is None
