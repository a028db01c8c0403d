"""The legacy appendix table (附表) from the ledger plus opening balances; the six-channel variant."""

from __future__ import annotations

import csv
import io
import json

import pytest

from disclo_cli import render
from disclo_cli.service import build_tables
from workspaces import EX18, MAIN18, SUPP18, config_of, copy_workspace, in_section, none_of, set_key, write_items, write_requests

ROW_IDS = ("items", "items_website", "items_gazette", "requests", "requests_in_person", "requests_online", "requests_letter",
           "answers", "answers_granted", "answers_partial", "answers_refused", "fees_waived", "reviews", "lawsuits", "complaints")

#: The seed report's appendix: 250 items in 2018, 1362 since the office began, nothing else.
SEED_APPENDIX = {k: [0, 0] for k in ROW_IDS} | {"items": [250, 1362], "items_website": [250, 1362]}

SEED_CSV = [
    ["指 标 名 称", "计量单位", "2018年度", "历年累计"],
    ["主动公开信息数", "条", "250", "1362"],
    ["其中：1.政府网站公开", "条", "250", "1362"],
    ["\u3000\u3000\u30002.政府公报公开", "条", "0", "0"],
    ["受理政府信息公开申请总数", "条", "0", "0"],
    ["其中：1.当面申请数", "条", "0", "0"],
    ["\u3000\u3000\u30002.网上申请数", "条", "0", "0"],
    ["\u3000\u3000\u30003.信函申请数", "条", "0", "0"],
    ["对申请的答复总数", "条", "0", "0"],
    ["其中：1.同意公开答复数", "条", "0", "0"],
    ["\u3000\u3000\u30002.同意部分公开答复数", "条", "0", "0"],
    ["\u3000\u3000\u30003.否决公开答复总数", "条", "0", "0"],
    ["政府信息公开收费减免金额", "元", "0", "0"],
    ["行政复议数", "件", "0", "0"],
    ["行政诉讼数", "件", "0", "0"],
    ["接受行政申诉、举报数", "件", "0", "0"],
]


def values(payload: dict) -> dict[str, list]:
    return {r["id"]: r["values"] for r in payload["rows"]}


def table_json(run, *args: str) -> dict:
    result = run("table", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def seed(tmp_path, run):
    """The seed office: main register ingested twice, then the overlapping December supplement."""
    ws = copy_workspace(EX18, tmp_path)
    for files in ((MAIN18,), (MAIN18,), (SUPP18,)):
        assert run("ingest", *files).exit_code == 0
    return ws


# --- the seed's appendix ----------------------------------------------------------------------------

def test_seed_appendix_json(seed, run) -> None:
    payload = table_json(run, "--year", "2018")
    assert values(payload) == SEED_APPENDIX
    assert list(values(payload)) == list(ROW_IDS)
    assert (payload["standard"], payload["year"], payload["title"], payload["columns"]) == ("legacy", 2018, "2018年度政府信息公开工作情况统计表", ["2018年度", "历年累计"])


def test_json_shape_is_the_documented_one_and_equals_the_library(seed, run) -> None:
    payload = table_json(run, "--year", "2018")
    assert {"standard", "year", "title", "columns", "rows"} <= set(payload)
    for row in payload["rows"]:
        assert set(row) == {"id", "label", "unit", "values"}
        assert isinstance(row["label"], str) and row["unit"] in ("条", "元", "件")
        assert len(row["values"]) == len(payload["columns"])
    assert payload["rows"][0] == {"id": "items", "label": "主动公开信息数", "unit": "条", "values": [250, 1362]}
    library = render.stat_json(build_tables(config_of(seed), 2018))
    assert payload == json.loads(render.to_json_text(library))


def test_seed_appendix_says_no_remainder_without_requests(seed, run) -> None:
    assert "more (" not in run("table", "--year", "2018").stderr  # 0 ≥ 0: nothing beyond the three rows


def test_seed_appendix_csv(seed, run) -> None:
    result = run("table", "--year", "2018", "--format", "csv")
    assert (result.exit_code, result.stderr) == (0, "")
    assert list(csv.reader(io.StringIO(result.stdout))) == SEED_CSV
    assert result.stdout_bytes.startswith("指 标 名 称,计量单位,2018年度,历年累计\r\n".encode())


def test_seed_appendix_terminal_and_markdown(seed, run) -> None:
    result = run("table", "--year", "2018")
    assert (result.exit_code, result.stderr) == (0, "")
    assert "2018年度政府信息公开工作情况统计表" in result.stdout
    rows = [[c.strip() for c in ln.split("│")[1:-1]] for ln in result.stdout.splitlines() if ln.startswith("│")]
    assert rows == [[c.strip() for c in r] for r in SEED_CSV]
    md = run("table", "--year", "2018", "--format", "markdown").stdout
    assert "| 主动公开信息数 | 条 | 250 | 1362 |" in md
    assert "| 政府信息公开收费减免金额 | 元 | 0 | 0 |" in md


def test_legacy_is_the_default_up_to_2018_and_other_standards_can_be_chosen(seed, run) -> None:
    assert table_json(run, "--year", "2018", "--standard", "legacy") == table_json(run, "--year", "2018")
    bad = run("table", "--year", "2018", "--standard", "1999")
    assert bad.exit_code == 2
    assert "unknown standard '1999'" in bad.stderr and "legacy, legacy6, 2019, 2021" in bad.stderr
    no_table = run("table", "--year", "2018", "--table", "三")
    assert no_table.exit_code == 2
    assert "the legacy format has no table '三'" in no_table.stderr and "附表" in no_table.stderr


# --- opening balances and `through` -------------------------------------------------------------------

ITEMS_1718 = [
    ["Y-1", "甲", "工作动态类", "2017-11-02", "政府网站"],
    ["Y-2", "乙", "工作动态类", "2017-12-30", "政府网站"],
    ["Y-3", "丙", "工作动态类", "2018-01-02", "政府网站"],
    ["Y-4", "丁", "其他信息类", "2018-06-30", "政府网站、政府公报"],
    ["Y-5", "戊", "其他信息类", "2018-12-31", "政务公开栏"],
    ["Y-6", "己", "其他信息类", "2019-01-01", "政府网站"],
]


@pytest.mark.parametrize(
    ("through", "expected_2017", "expected_2018", "expected_2019"),
    [
        # opening balances cover 2017: ledger rows dated 2017 are not added to 历年累计 again
        ("2017", [2, 1112], [3, 1115], [1, 1116]),
        # no `through`: every ledger row adds to the opening balance
        (None, [2, 1114], [3, 1117], [1, 1118]),
    ],
)
def test_opening_balance_and_through(tmp_path, run, through, expected_2017, expected_2018, expected_2019) -> None:
    copy_workspace(EX18, tmp_path, files=False, edit=lambda t: set_key(t, "through", through))
    write_items(tmp_path / "items.xlsx", ITEMS_1718)
    assert run("ingest", "items.xlsx").exit_code == 0
    got = {y: values(table_json(run, "--year", str(y), "--standard", "legacy")) for y in (2017, 2018, 2019)}
    assert [got[2017]["items"], got[2018]["items"], got[2019]["items"]] == [expected_2017, expected_2018, expected_2019]
    assert got[2018]["items_website"] == [2, expected_2018[1] - 1]  # Y-5 is not on the website
    assert got[2018]["items_gazette"] == [1, 1]


def test_requests_answered_after_through_count_in_the_cumulative_answers(tmp_path, run) -> None:
    copy_workspace(EX18, tmp_path, files=False, edit=lambda t: none_of(set_key(set_key(set_key(t, "requests", "7"), "answers", "6"), "answers_granted", "6"), "items", "cases"))
    write_requests(tmp_path / "req.xlsx", [
        ["Q-1", "2017-12-28", "当面", "自然人", "", "予以公开", "", "2018-01-05"],
        ["Q-2", "2018-03-01", "网上", "自然人", "", "予以公开", "", "2018-03-05"],
        ["Q-3", "2018-12-30", "信函", "自然人", "", "", "", None],
    ])
    assert run("ingest", "req.xlsx").exit_code == 0
    got = values(table_json(run, "--year", "2018"))
    assert got["requests"] == [2, 9]  # Q-1 was received in 2017: in the opening balance 7
    assert (got["requests_in_person"], got["requests_online"], got["requests_letter"]) == ([0, 0], [1, 1], [1, 1])
    assert got["answers"] == [2, 8] and got["answers_granted"] == [2, 8]


# --- the six-channel variant ---------------------------------------------------------------------------

LEGACY6_HEADER = ["申请编号", "收到日期", "申请方式", "办理结果", "具体情形", "答复日期"]
LEGACY6_ROWS = [
    ["R-01", "2018-01-03", "当面", "予以公开", None, "2018-01-10"],
    ["R-02", "2018-02-03", "传真申请", "同意公开", None, "2018-02-10"],
    ["R-03", "2018-03-03", "传真", "部分公开", None, "2018-03-10"],
    ["R-04", "2018-04-03", "电子邮件", "不予公开", "属于国家秘密", "2018-04-10"],
    ["R-05", "2018-05-03", "电邮", "无法提供", "信息不存在", "2018-05-10"],
    ["R-06", "2018-06-03", "email", "不予处理", "重复申请", "2018-06-10"],
    ["R-07", "2018-07-03", "网上", "予以公开", None, "2018-07-10"],
    ["R-08", "2018-08-03", "网络", "其他处理", "其他", "2018-08-10"],
    ["R-09", "2018-12-03", "依申请公开平台", None, None, None],
    ["R-10", "2018-12-28", "网上申请", "予以公开", None, "2019-01-03"],
    ["R-11", "2018-09-03", "邮寄", "予以公开", None, "2018-09-10"],
    ["R-12", "2018-10-03", "其他形式", "部分公开", None, "2018-10-10"],
]


@pytest.fixture
def six(tmp_path, run):
    def edit(text: str) -> str:
        return none_of(set_key(set_key(text, "requests", "5"), "requests_fax", "5"), "items", "cases")

    ws = copy_workspace(EX18, tmp_path, files=False, edit=edit)
    write_requests(ws / "依申请2018.xlsx", LEGACY6_ROWS, header=LEGACY6_HEADER)
    result = run("ingest", "依申请2018.xlsx")
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    return ws


def test_legacy6_has_a_row_per_channel(six, run) -> None:
    result = run("table", "--year", "2018", "--standard", "legacy6", "--format", "json")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["standard"] == "legacy6"
    got = values(payload)
    assert [r["label"] for r in payload["rows"]][4:10] == ["其中：1.当面申请数", "2.传真申请数", "3.电子邮件申请数", "4.网上申请数", "5.信函申请数", "6.其他形式申请数"]
    assert got["requests"] == [12, 17]
    assert got["requests_in_person"] == [1, 1]
    assert got["requests_fax"] == [2, 7]
    assert got["requests_email"] == [3, 3]
    assert got["requests_online"] == [4, 4]
    assert got["requests_letter"] == [1, 1]
    assert got["requests_other"] == [1, 1]
    # 其他处理 is not an answer; R-10 was answered in 2019; R-09 is still open
    assert (got["answers"], got["answers_granted"], got["answers_partial"], got["answers_refused"]) == ([9, 9], [4, 4], [2, 2], [3, 3])
    assert got["items"] == [0, 1112]
    # requests came in, so the fee waiver is a figure the office must give: blank, not 0
    assert got["fees_waived"] == [None, None]
    assert "warning: cell 附表.fees_waived/2018年度: no yearly figure 'fees_waived' for 2018; the cell is left blank" in result.stderr
    assert "identity" not in result.stderr


def test_the_same_data_in_the_three_channel_table(six, run) -> None:
    result = run("table", "--year", "2018", "--format", "json")
    got = values(json.loads(result.stdout))
    assert (got["requests"], got["requests_in_person"], got["requests_online"], got["requests_letter"]) == ([12, 17], [1, 1], [4, 4], [1, 1])
    # the requests by fax, e-mail and other ways are in the total and in none of its three rows: said, as a note
    for column, diff, left in (("2018年度", 6, 12), ("历年累计", 11, 17)):
        assert (f"info: cell 附表.*/{column}: table 附表, column {column}: 申请总数 ≥ 当面 + 网上 + 信函: {diff} more ({left} against 6): "
                "以传真、电子邮件等其他方式提出的申请（本表不单列，计入申请总数）") in result.stderr, result.stderr
    assert result.exit_code == 0


def test_fee_waiver_from_the_yearly_figures(tmp_path, run) -> None:
    ws = copy_workspace(EX18, tmp_path, files=False, edit=lambda t: in_section(none_of(t, "items", "cases"), "yearly.2018", "fees_waived = 120"))
    write_requests(ws / "r.xlsx", LEGACY6_ROWS[:2], header=LEGACY6_HEADER)
    assert run("ingest", "r.xlsx").exit_code == 0
    result = run("table", "--year", "2018", "--standard", "legacy6", "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    assert values(json.loads(result.stdout))["fees_waived"] == [120, 120]


def test_fee_waiver_with_decimals_in_the_opening_and_the_year(tmp_path, run) -> None:
    # an amount may have decimals: the opening balance (a float in disclo.toml) adds to the year's
    # figure (read as a Decimal) exactly, instead of failing with float + Decimal
    edit = lambda t: in_section(set_key(none_of(t, "items", "cases"), "fees_waived", "12.1"), "yearly.2018", "fees_waived = 3.2")
    ws = copy_workspace(EX18, tmp_path, files=False, edit=edit)
    write_requests(ws / "r.xlsx", LEGACY6_ROWS[:2], header=LEGACY6_HEADER)
    assert run("ingest", "r.xlsx").exit_code == 0
    result = run("table", "--year", "2018", "--standard", "legacy6", "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    assert values(json.loads(result.stdout))["fees_waived"] == [3.2, 15.3]


def test_carry_over_of_an_amount_with_decimals(tmp_path, run) -> None:
    # last year's published 历年累计 12.1 (a float in its JSON) is this year's 15.3 less 3.2 (Decimals): no carry-over error
    edit = lambda t: in_section(set_key(none_of(t, "items", "cases"), "fees_waived", "12.1"), "yearly.2018", "fees_waived = 3.2")
    ws = copy_workspace(EX18, tmp_path, files=False, edit=edit)
    write_requests(ws / "r.xlsx", LEGACY6_ROWS[:2], header=LEGACY6_HEADER)
    assert run("ingest", "r.xlsx").exit_code == 0
    published = json.loads(run("table", "--year", "2018", "--standard", "legacy6", "--format", "json").stdout)
    published["year"] = 2017
    for row in published["rows"]:
        row["values"] = [0, 12.1] if row["id"] == "fees_waived" else [0, row["values"][1] - row["values"][0]]
    (ws / "2017.json").write_text(json.dumps(published, ensure_ascii=False), encoding="utf-8")
    result = run("check", "--year", "2018", "--standard", "legacy6", "--previous", "2017.json", "--format", "json")
    assert [f for f in json.loads(result.stdout)["findings"] if f["code"] == "carry-over"] == []
    published["rows"] = [dict(r, values=[0, 12]) if r["id"] == "fees_waived" else r for r in published["rows"]]
    (ws / "2017.json").write_text(json.dumps(published, ensure_ascii=False), encoding="utf-8")
    result = run("check", "--year", "2018", "--standard", "legacy6", "--previous", "2017.json", "--format", "json")
    assert [f["cell"] for f in json.loads(result.stdout)["findings"] if f["code"] == "carry-over"] == ["附表.fees_waived/历年累计"]


def test_legacy6_identity_failure_is_reported(tmp_path, run) -> None:
    # an opening balance for 申请总数 that disagrees with its channels breaks 申请总数 = 六种申请方式之和
    ws = copy_workspace(EX18, tmp_path, files=False, edit=lambda t: set_key(t, "requests", "3"))
    write_requests(ws / "r.xlsx", LEGACY6_ROWS[:1], header=LEGACY6_HEADER)
    assert run("ingest", "r.xlsx").exit_code == 0
    result = run("table", "--year", "2018", "--standard", "legacy6", "--format", "csv")
    assert result.exit_code == 1
    assert ("error: cell 附表.*/历年累计: table 附表, column 历年累计: 申请总数 = 六种申请方式之和 does not hold: 4 ≠ 1") in result.stderr
    assert "受理政府信息公开申请总数,条,1,4" in result.stdout


def test_a_definition_file_as_standard(seed, run, tmp_path) -> None:
    from importlib import resources

    text = resources.files("disclo_cli.data").joinpath("formats", "legacy.toml").read_text(encoding="utf-8")
    variant = tmp_path / "province.toml"
    variant.write_text(text.replace('standard = "legacy"', 'standard = "福建"'), encoding="utf-8")
    payload = table_json(run, "--year", "2018", "--standard", str(variant))
    assert payload["standard"] == "福建" and values(payload) == SEED_APPENDIX



def test_a_request_without_a_channel_is_named_not_taken_for_fax_or_email(tmp_path, run) -> None:
    """Found in review: the three-channel 附表 had no partition of its channels, so a request with
    no 申请方式 was in 申请总数 and in none of its rows without a word — and the remainder note then
    called it fax or e-mail. The channels are a partition now, with fax, e-mail and other ways as
    the form's own rest: such a request is unplaced and named; fax and e-mail stay quiet."""
    def edit(text: str) -> str:
        return none_of(text, "items", "cases")

    ws = copy_workspace(EX18, tmp_path, files=False, edit=edit)
    write_requests(ws / "依申请2018.xlsx", [LEGACY6_ROWS[0], LEGACY6_ROWS[2], ["R-20", "2018-04-03", None, "予以公开", None, "2018-04-10"]],
                   header=LEGACY6_HEADER)
    assert run("ingest", "依申请2018.xlsx").exit_code == 0
    result = run("table", "--year", "2018", "--format", "json")
    got = values(json.loads(result.stdout))
    assert (got["requests"][0], got["requests_in_person"][0], got["requests_online"][0], got["requests_letter"][0]) == (3, 1, 0, 0)
    unplaced = [line for line in result.stderr.splitlines() if "counted in no cell of '申请方式'" in line]
    assert unplaced == ["error: 依申请2018.xlsx, sheet '依申请公开', row 4: table 附表: 1 register row(s) counted in no cell of '申请方式': channel is empty"], result.stderr
    assert "more (" not in result.stderr  # no note that puts the unplaced row down to fax or e-mail
    assert result.exit_code == 1
    assert run("check", "--year", "2018").exit_code == 1
