"""Issue "No silent wrong number": the monthly re-ingest, keys that tell records apart, required
columns, the right date, invisible characters, implausible dates, judgement calls."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import write_csv, write_xlsx
from disclo_cli.ledger import Ledger
from workspaces import EX23, config_of, copy_workspace, in_section

ITEMS = ["索引号", "标题", "类别", "发布日期", "发布渠道"]
ITEMS_NO_ID = ["标题", "类别", "发布日期", "发布渠道"]
REQUESTS = ["收到日期", "申请人", "申请人类型", "申请方式", "申请内容", "办理结果", "具体情形", "答复日期"]


@pytest.fixture
def office(tmp_path, run):
    """An empty 2023 office (its disclo.toml, no registers filed)."""
    return copy_workspace(EX23, tmp_path / "office", files=False)


def _ingest(run, ws, *args):
    return run("--config", ws / "disclo.toml", "ingest", *args)


def _content(ws) -> dict[str, list]:
    """What the ledger counts: every record's key and stored fields, by kind (no file names, times)."""
    with Ledger.open(config_of(ws)) as lg:
        return {kind: sorted((r.key, *r.values().values()) for r in lg.records(kind)) for kind in ("items", "requests", "cases")}


# --- 1. a file is the unit of truth ------------------------------------------------------------------

@pytest.mark.parametrize("header", [ITEMS, ITEMS_NO_ID], ids=["with ids", "without ids"])
def test_edit_and_reingest_leaves_the_ledger_as_the_last_version_alone(office, run, tmp_path, header) -> None:
    with_id = header is ITEMS
    rows = [["A-1", "关于甲的通知", "工作动态类", "2023-02-01", "政府网站"],
            ["A-2", "关于乙的通知", "工作动态类", "2023-02-02", "政府网站"],
            ["A-3", "关于丙的通知", "其他信息类", "2023-02-03", "政府网站"]]
    cut = (lambda r: r) if with_id else (lambda r: r[1:])
    write_xlsx(office / "主动公开台账2023.xlsx", {"台账": [header, *map(cut, rows)]})
    assert _ingest(run, office, office / "主动公开台账2023.xlsx").exit_code == 0
    # the clerk fixes a typo, deletes a row, adds one, and files the same file again
    edited = [["A-1", "关于甲的通知（更正）", "工作动态类", "2023-02-01", "政府网站"],
              rows[1],
              ["A-4", "关于丁的通知", "工作动态类", "2023-03-01", "政府网站"]]
    write_xlsx(office / "主动公开台账2023.xlsx", {"台账": [header, *map(cut, edited)]})
    result = _ingest(run, office, office / "主动公开台账2023.xlsx")
    assert result.exit_code == 0, result.stderr
    if with_id:
        assert result.stdout == "主动公开台账2023.xlsx\titems\tadded 1\tchanged 1\twithdrawn 1\tunchanged 1\trejected 0\n"
    else:  # without an id a corrected row is another row: the old one is withdrawn, the new one added
        assert result.stdout == "主动公开台账2023.xlsx\titems\tadded 2\tchanged 0\twithdrawn 2\tunchanged 1\trejected 0\n"
    fresh = copy_workspace(EX23, tmp_path / "fresh", files=False)
    write_xlsx(fresh / "主动公开台账2023.xlsx", {"台账": [header, *map(cut, edited)]})
    assert _ingest(run, fresh, fresh / "主动公开台账2023.xlsx").exit_code == 0
    assert _content(office) == _content(fresh)
    tally = run("--config", office / "disclo.toml", "tally", "--year", 2023, "--format", "json")
    assert json.loads(tally.stdout)["total"] == 3


def test_the_csv_of_the_issue_counts_what_the_file_now_holds(office, run) -> None:
    path = office / "台账.csv"
    write_csv(path, [["发布日期", "标题", "类别"], ["2023-01-05", "甲", "工作动态类"], ["2023-01-06", "乙", "工作动态类"], ["2023-01-07", "丙", "工作动态类"]])
    assert _ingest(run, office, path).exit_code == 0
    write_csv(path, [["发布日期", "标题", "类别"], ["2023-01-05", "甲（改）", "工作动态类"], ["2023-01-07", "丙", "工作动态类"]])
    assert _ingest(run, office, path).exit_code == 0
    tally = json.loads(run("--config", office / "disclo.toml", "tally", "--year", 2023, "--format", "json").stdout)
    assert tally["total"] == 2


def test_a_row_another_file_holds_stays_when_one_file_drops_it(office, run) -> None:
    write_xlsx(office / "全年.xlsx", {"S": [ITEMS, ["A-1", "甲", "工作动态类", "2023-02-01", "政府网站"], ["A-2", "乙", "工作动态类", "2023-02-02", "政府网站"]]})
    write_xlsx(office / "补报.xlsx", {"S": [ITEMS, ["A-2", "乙", "工作动态类", "2023-02-02", "政府网站"]]})
    assert _ingest(run, office, office / "全年.xlsx", office / "补报.xlsx").exit_code == 0
    write_xlsx(office / "全年.xlsx", {"S": [ITEMS, ["A-1", "甲", "工作动态类", "2023-02-01", "政府网站"]]})
    result = _ingest(run, office, office / "全年.xlsx")
    assert result.stdout == "全年.xlsx\titems\tadded 0\tchanged 0\twithdrawn 1\tunchanged 1\trejected 0\n"
    with Ledger.open(config_of(office)) as lg:
        assert sorted((i.id, i.place.file) for i in lg.items()) == [("A-1", "全年.xlsx"), ("A-2", "补报.xlsx")]


def test_a_renamed_file_replaces_the_old_one(office, run) -> None:
    write_xlsx(office / "台账.xlsx", {"S": [ITEMS, ["A-1", "甲", "工作动态类", "2023-02-01", "政府网站"], ["A-2", "乙", "工作动态类", "2023-02-02", "政府网站"]]})
    assert _ingest(run, office, office / "台账.xlsx").exit_code == 0
    write_xlsx(office / "台账（修订）.xlsx", {"S": [ITEMS, ["A-1", "甲", "工作动态类", "2023-02-01", "政府网站"]]})
    result = _ingest(run, office, office / "台账（修订）.xlsx", "--replaces", "台账.xlsx")
    assert (result.exit_code, result.stdout) == (0, "台账（修订）.xlsx\titems\tadded 0\tchanged 0\twithdrawn 1\tunchanged 1\trejected 0\n")
    with Ledger.open(config_of(office)) as lg:
        assert [(i.id, i.place.file) for i in lg.items()] == [("A-1", "台账（修订）.xlsx")]
        assert [s.name for s in lg.sources()] == ["台账（修订）.xlsx"]
    unknown = _ingest(run, office, office / "台账（修订）.xlsx", "--replaces", "没有这个.xlsx")
    assert unknown.exit_code == 1 and "--replaces 没有这个.xlsx: no such file was filed into" in unknown.stderr


def test_an_identical_reingest_adds_no_version(office, run) -> None:
    write_xlsx(office / "台账.xlsx", {"S": [ITEMS, ["A-1", "甲", "工作动态类", "2023-02-01", "政府网站"]]})
    assert _ingest(run, office, office / "台账.xlsx").exit_code == 0
    assert _ingest(run, office, office / "台账.xlsx").stdout == "台账.xlsx\titems\tadded 0\tchanged 0\twithdrawn 0\tunchanged 1\trejected 0\n"
    with Ledger.open(config_of(office)) as lg:
        assert [(v["name"], v["added"]) for v in lg.versions()] == [("台账.xlsx", 1)]


# --- 2. keys that tell different records apart -------------------------------------------------------

def test_villagers_applying_the_same_day_for_the_same_thing_are_three_requests(office, run) -> None:
    rows = [["2023-03-01", name, "自然人", "当面", "村道维修资金使用情况", "予以公开", "", "2023-03-10"] for name in ("张三", "李四", "王五")]
    write_xlsx(office / "依申请.xlsx", {"S": [REQUESTS, *rows]})
    result = _ingest(run, office, office / "依申请.xlsx")
    assert result.stdout.startswith("依申请.xlsx\trequests\tadded 3\t")
    (t,) = __import__("disclo_cli.service", fromlist=["build_tables"]).build_tables(config_of(office), 2023, tables=["三"])
    assert t.row("一").values == (3, 0, 0, 0, 0, 0, 3)


def test_rows_the_same_in_every_column_are_one_with_an_honest_warning(office, run) -> None:
    row = ["2023-03-01", "张三", "自然人", "当面", "村道维修资金使用情况", "予以公开", "", "2023-03-10"]
    write_xlsx(office / "依申请.xlsx", {"S": [REQUESTS, row, row]})
    result = _ingest(run, office, office / "依申请.xlsx")
    assert result.stdout.startswith("依申请.xlsx\trequests\tadded 1\t")
    assert "warning: 依申请.xlsx, sheet 'S', row 3: the same in every column as 依申请.xlsx, sheet 'S', row 2: counted once" in result.stderr
    assert "if these are separate requests, give each its own 编号" in result.stderr
    check = run("--config", office / "disclo.toml", "check", "--year", 2023, "--format", "json")
    assert "possible-repeat" in {f["code"] for f in json.loads(check.stdout)["findings"]}  # it stays on record


@pytest.mark.parametrize("variant", ["\ufeffN1", "N1\u200b", "\u00a0N1", "N1\u3000", "N\u20601"])
def test_invisible_characters_do_not_make_two_items(office, run, variant) -> None:
    write_xlsx(office / "台账.xlsx", {"S": [ITEMS, ["N1", "甲", "工作动态类", "2023-02-01", "政府网站"], [variant, "甲", "工作动态类", "2023-02-01", "政府网站"]]})
    result = _ingest(run, office, office / "台账.xlsx")
    assert result.stdout == "台账.xlsx\titems\tadded 1\tchanged 0\twithdrawn 0\tunchanged 0\trejected 0\trepeated 1\n"
    with Ledger.open(config_of(office)) as lg:
        assert [i.id for i in lg.items()] == [variant.strip().replace("\ufeff", "").replace("\u200b", "").replace("\u2060", "").strip("\u00a0\u3000")]


# --- 3. required columns per table --------------------------------------------------------------------

def test_a_register_without_an_applicant_type_column_is_refused_naming_the_field(office, run) -> None:
    header = ["收到日期", "申请人（单位）", "申请方式", "申请内容", "办理结果", "答复日期"]
    write_xlsx(office / "导出.xlsx", {"S": [header, ["2023-03-01", "张三", "网上", "x", "予以公开", "2023-03-05"]]})
    result = _ingest(run, office, office / "导出.xlsx")
    assert result.exit_code == 1
    assert "error: 导出.xlsx, sheet 'S': the register has no 「申请人类型」 column (applicant), which 表三 counts by: its rows are not filed" in result.stderr
    assert "Headers accepted: 申请人类型/申请人性质/申请主体/申请人类别" in result.stderr
    assert "[defaults.requests] applicant" in result.stderr
    assert _content(office)["requests"] == []
    check = run("--config", office / "disclo.toml", "check", "--year", 2023)
    assert check.exit_code == 1 and "missing-column" in check.stdout and "sheet-refused" in check.stdout


def test_an_office_default_is_used_and_reported(tmp_path, run) -> None:
    ws = copy_workspace(EX23, tmp_path / "office", files=False,
                        edit=lambda t: t + '\n[defaults.requests]\n# 本单位的申请人均为自然人\napplicant = "自然人"\n')
    header = ["收到日期", "申请人（单位）", "申请方式", "申请内容", "办理结果", "答复日期"]
    write_xlsx(ws / "导出.xlsx", {"S": [header, ["2023-03-01", "张三", "网上", "x", "予以公开", "2023-03-05"]]})
    result = _ingest(run, ws, ws / "导出.xlsx")
    assert result.exit_code == 0, result.stderr
    assert "info: 导出.xlsx, sheet 'S': the register has no 「申请人类型」 column: all 1 rows take '自然人' from disclo.toml [defaults.requests] applicant" in result.stderr


# --- 4. the right date ------------------------------------------------------------------------------

def test_the_receipt_date_counts_and_the_choice_is_said(office, run) -> None:
    header = ["申请日期", "收到申请日期", "申请人类型", "申请方式", "办理结果", "答复日期"]
    write_xlsx(office / "依申请.xlsx", {"S": [header, ["2022-12-28", "2023-01-04", "自然人", "信函", "予以公开", "2023-01-20"]]})
    result = _ingest(run, office, office / "依申请.xlsx")
    assert result.exit_code == 0, result.stderr
    assert ("info: 依申请.xlsx, sheet 'S', column '收到申请日期': the receipt date 「收到申请日期」 is counted "
            "(条例 art. 31: the period runs from receipt), not the date on the form 「申请日期」") in result.stderr
    with Ledger.open(config_of(office)) as lg:
        assert [r.received for r in lg.requests()] == [dt.date(2023, 1, 4)]


def test_the_form_date_alone_serves_with_a_warning(office, run) -> None:
    header = ["申请日期", "申请人类型", "申请方式", "办理结果", "答复日期"]
    write_xlsx(office / "依申请.xlsx", {"S": [header, ["2023-01-04", "自然人", "信函", "予以公开", "2023-01-20"]]})
    result = _ingest(run, office, office / "依申请.xlsx")
    assert "warning: 依申请.xlsx, sheet 'S', column '申请日期': no receipt-date column" in result.stderr


@pytest.mark.parametrize(("cell", "why"), [
    ("2018.3", "'2018.3' has a year and a month but no day"),
    (5, "would be 1900-01-04, before 1990"),
    ("1905-07-10", "before 1990"),
    ("2099-01-01", "more than a year from today"),
])
def test_implausible_dates_are_bad_dates(office, run, cell, why) -> None:
    write_xlsx(office / "台账.xlsx", {"S": [ITEMS, ["A-1", "甲", "工作动态类", cell, "政府网站"]]})
    result = _ingest(run, office, office / "台账.xlsx")
    assert result.exit_code == 1
    assert "error: 台账.xlsx, sheet 'S', row 2, column '发布日期': 发布日期: " in result.stderr and why in result.stderr
    assert _content(office)["items"] == []


def test_a_year_in_the_future_is_a_warning(office, run) -> None:
    write_xlsx(office / "台账.xlsx", {"S": [ITEMS, ["A-1", "甲", "工作动态类", "2023-02-01", "政府网站"]]})
    assert _ingest(run, office, office / "台账.xlsx").exit_code == 0
    result = run("--config", office / "disclo.toml", "table", "--year", dt.date.today().year + 1)
    assert f"{dt.date.today().year + 1} has not begun yet" in result.stderr


# --- 5. judgement calls ----------------------------------------------------------------------------

def test_a_judgement_call_is_reported_with_its_candidates_until_the_office_decides(tmp_path, run) -> None:
    row = ["2023-03-01", "王律师", "律师", "网上", "x", "予以公开", "", "2023-03-05"]
    ws = copy_workspace(EX23, tmp_path / "office", files=False)
    write_xlsx(ws / "依申请.xlsx", {"S": [REQUESTS, row]})
    result = _ingest(run, ws, ws / "依申请.xlsx")
    assert result.exit_code == 1
    assert ("error: 依申请.xlsx, sheet 'S', row 2, column '申请人类型': applicant type '律师' is a judgement call: "
            "it could be 自然人、法律服务机构") in result.stderr
    assert '[applicants.aliases] "律师" = "…"' in result.stderr
    decided = in_section((ws / "disclo.toml").read_text(encoding="utf-8"), "applicants.aliases", '"律师" = "自然人"  # 本单位：律师以个人名义申请')
    (ws / "disclo.toml").write_text(decided, encoding="utf-8")
    again = _ingest(run, ws, ws / "依申请.xlsx")
    assert (again.exit_code, again.stdout) == (0, "依申请.xlsx\trequests\tadded 1\tchanged 0\twithdrawn 0\tunchanged 0\trejected 0\n")
    with Ledger.open(config_of(ws)) as lg:
        assert [r.applicant for r in lg.requests()] == ["自然人"]


@pytest.mark.parametrize(("outcome", "reason", "family", "why"), [
    ("已答复，予以公开", "", "予以公开", ""),
    ("不予公开（涉及个人隐私）", "", "不予公开", "保护第三方合法权益"),
    ("告知信息不存在", "", "无法提供", "本机关不掌握相关政府信息"),
    ("非本机关政府信息", "", "无法提供", "本机关不掌握相关政府信息"),
    ("属于已主动公开信息，告知获取方式", "", "予以公开", ""),
    ("《条例》第三十六条第（六）项", "", "不予处理", "重复申请"),
    ("条例第36条第7项", "", "不予公开", "属于行政查询事项"),
    ("3.不予公开", "依据《条例》第十五条", "不予公开", "保护第三方合法权益"),
    ("", "信息不存在", "无法提供", "本机关不掌握相关政府信息"),
])
def test_real_outcome_wordings_are_placed(office, run, outcome, reason, family, why) -> None:
    write_xlsx(office / "依申请.xlsx", {"S": [REQUESTS, ["2023-03-01", "张三", "自然人", "网上", "x", outcome, reason, "2023-03-05"]]})
    result = _ingest(run, office, office / "依申请.xlsx")
    assert result.exit_code == 0, result.stderr
    with Ledger.open(config_of(office)) as lg:
        assert [(r.outcome, r.reason) for r in lg.requests()] == [(family, why)]


def test_a_wording_mapped_straight_to_its_row(tmp_path, run) -> None:
    ws = copy_workspace(EX23, tmp_path / "office", files=False,
                        edit=lambda t: in_section(t, "outcomes.aliases", '"转他机关办理" = "无法提供/本机关不掌握相关政府信息"'))
    write_xlsx(ws / "依申请.xlsx", {"S": [REQUESTS, ["2023-03-01", "张三", "自然人", "网上", "x", "转他机关办理", "", "2023-03-05"]]})
    assert _ingest(run, ws, ws / "依申请.xlsx").exit_code == 0
    with Ledger.open(config_of(ws)) as lg:
        assert [(r.outcome, r.reason) for r in lg.requests()] == [("无法提供", "本机关不掌握相关政府信息")]


def test_an_outcome_alias_that_names_no_row_is_refused(tmp_path, run) -> None:
    ws = copy_workspace(EX23, tmp_path / "office", files=False,
                        edit=lambda t: in_section(t, "outcomes.aliases", '"转办" = "无法提供/不存在的情形"'))
    result = run("--config", ws / "disclo.toml", "ledger", "summary")
    assert result.exit_code == 1
    assert "[outcomes.aliases] '转办' = '无法提供/不存在的情形' names no Table 三 row" in result.stderr


def test_chinese_quotes_in_disclo_toml_are_named(tmp_path, run) -> None:
    ws = copy_workspace(EX23, tmp_path / "office", files=False, edit=lambda t: t.replace('short_name = "局"', 'short_name = “局”'))
    result = run("--config", ws / "disclo.toml", "ledger", "summary")
    assert result.exit_code == 1
    assert "TOML needs ASCII quotes" in result.stderr


# --- a register not filed at all, a history not given --------------------------------------------------

def _warnings(result) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith(("warning [", "error ["))]


def test_a_register_not_filed_is_said_until_the_office_says_the_year_had_none(office, run) -> None:
    write_xlsx(office / "主动公开台账2023.xlsx", {"S": [ITEMS, ["A-1", "通知", "通知公告", "2023-03-01", "政府网站"]]})
    assert _ingest(run, office, office / "主动公开台账2023.xlsx").exit_code == 0
    check = run("--config", office / "disclo.toml", "check", "--year", 2023)
    assert check.exit_code == 0  # a warning: the office may truly have had none
    assert [w for w in _warnings(check) if "[register-not-filed]" in w] == [
        "warning [register-not-filed] no 依申请公开台账 of 2023 is filed: the figures of 表三 that count it are 0 only because nothing was filed",
        "warning [register-not-filed] no 行政复议诉讼台账 of 2023 is filed: the figures of 表四 that count it are 0 only because nothing was filed"]
    table = run("--config", office / "disclo.toml", "table", "--year", 2023, "--table", "三", "--format", "json")
    assert "no 依申请公开台账 of 2023 is filed" in table.stderr and "行政复议诉讼台账" not in table.stderr  # only the tables asked for
    chinese = run("--config", office / "disclo.toml", "check", "--year", 2023, env={"DISCLO_LANG": "zh_CN"})
    assert "警告 [register-not-filed] 没有录入 2023 年的依申请公开台账：表三中据此统计的各项为 0，只是因为没有录入" in chinese.stdout.splitlines()
    # the office says 2023 had no review or lawsuit; a request register with no row, named for the year, says it had no request
    text = (office / "disclo.toml").read_text(encoding="utf-8")
    (office / "disclo.toml").write_text(in_section(text, "yearly.2023", 'none = ["cases"]'), encoding="utf-8")
    write_xlsx(office / "依申请公开台账2023.xlsx", {"S": [REQUESTS, ["本年度无政府信息公开申请"]]})
    filed = _ingest(run, office, office / "依申请公开台账2023.xlsx")
    assert filed.exit_code == 0, filed.stderr
    assert "info: 依申请公开台账2023.xlsx, sheet 'S', row 2: a note, not a register row ('本年度无政府信息公开申请'): skipped" in filed.stderr.splitlines()
    again = run("--config", office / "disclo.toml", "check", "--year", 2023)
    assert [w for w in _warnings(again) if "[register-not-filed]" in w or "[none-but-filed]" in w] == []


def test_a_year_said_to_have_none_with_rows_filed_is_an_error(office, run) -> None:
    text = (office / "disclo.toml").read_text(encoding="utf-8")
    (office / "disclo.toml").write_text(in_section(text, "yearly.2023", 'none = ["requests"]'), encoding="utf-8")
    write_xlsx(office / "申请.xlsx", {"S": [REQUESTS, ["2023-03-01", "张三", "自然人", "网上", "x", "予以公开", "", "2023-03-05"]]})
    assert _ingest(run, office, office / "申请.xlsx").exit_code == 0
    check = run("--config", office / "disclo.toml", "check", "--year", 2023)
    assert check.exit_code == 1
    assert ("error [none-but-filed] disclo.toml says the office had no 依申请公开台账 rows in 2023 ([yearly.2023] none), "
            "but the ledger holds 1") in check.stdout.splitlines()


def test_none_names_a_register_kind(office, run) -> None:
    text = (office / "disclo.toml").read_text(encoding="utf-8")
    (office / "disclo.toml").write_text(in_section(text, "yearly.2023", 'none = ["申请"]'), encoding="utf-8")
    result = run("--config", office / "disclo.toml", "table", "--year", 2023)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"disclo: error: {office / 'disclo.toml'}: [yearly.2023] none names '申请', which is not a register kind",
        "  Register kinds: items, requests, cases."]
