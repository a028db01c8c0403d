"""`disclo tally` end to end: the seed's numbers, every format, stdout/stderr, exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from conftest import EXAMPLES, HEADER, SEED, write_csv, write_xlsx
from disclo_cli import render
from disclo_cli.service import tally_files

MAIN = EXAMPLES / "主动公开台账2018.xlsx"
CSV = EXAMPLES / "主动公开台账2018.csv"
SUPPLEMENT = EXAMPLES / "主动公开台账2018-12月补报.xlsx"

SEED_CSV = "类别,条数,占比\r\n" + "".join(f"{k},{n},{s}\r\n" for k, (n, s) in SEED.items()) + "合计,250,100%\r\n"


def table_rows(text: str) -> list[list[str]]:
    """The cells of a rich table's body and header lines."""
    return [[c.strip() for c in line.split("│")[1:-1]] for line in text.splitlines() if line.startswith("│")]


def parse_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def small(tmp_path):
    """Three items of 2018 (one unknown category), one of 2017, one repeat."""
    rows = [
        ["2018年主动公开信息台账"],
        HEADER,
        ["2018-01-05", "甲", "工作动态", "政府门户网站、政务公开栏", "A-1"],
        ["2018/3/5", "乙", "新闻", "网站，微信公众号", "A-2"],
        ["2018.3.9", "丙", "其它", "政府网站/公共查阅点;政务公开栏", "A-3"],
        ["2017-12-30", "丁", "工作动态类", "政府网站", "A-4"],
        ["2018-01-05", "甲", "工作动态类", "政府网站", "A-1"],
        [],
        ["合计", None, "5条"],
    ]
    return write_xlsx(tmp_path / "台账2018.xlsx", {"Sheet1": rows}, {"Sheet1": ["A1:E1"]})


@pytest.fixture
def tally(run):
    """`disclo tally ARGS...`"""
    return lambda *args: run("tally", *args)


# --- the headline: the seed's eleven categories -------------------------------------------------

def test_seed_table(tally) -> None:
    result = tally(MAIN)
    assert (result.exit_code, result.stderr) == (0, "")
    rows = table_rows(result.stdout)
    assert rows[0] == ["类别", "条数", "占比"]
    assert rows[1:-1] == [[k, str(n), s] for k, (n, s) in SEED.items()]
    assert rows[-1] == ["合计", "250", "100%"]
    assert "主动公开信息统计" in result.stdout
    assert "\x1b[" not in result.stdout


@pytest.mark.parametrize("files", [[MAIN], [CSV], [MAIN, SUPPLEMENT]], ids=["xlsx", "gb18030-csv", "xlsx+supplement"])
def test_seed_csv_output(tally, files) -> None:
    result = tally(*files, "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout_bytes.decode("utf-8") == SEED_CSV  # .stdout folds CRLF; the bytes keep it


def test_seed_supplement_repeats_on_stderr(tally) -> None:
    result = tally(MAIN, SUPPLEMENT, "--year", "2018", "--format", "csv", "--max-problems", "3")
    assert result.exit_code == 0
    assert result.stdout_bytes.decode("utf-8") == SEED_CSV  # .stdout folds CRLF; the bytes keep it
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "warning: 主动公开台账2018-12月补报.xlsx, sheet '导出数据', row 2: repeated item 索引号 'FJ-NA-LC-2018-0224', "
        "first at 主动公开台账2018.xlsx, sheet '7-12月', row 112; counted once"
    )
    assert lines[3:] == ["… and 17 more (use --format json to get them all)", "problems: 0 error(s), 20 warning(s) — duplicate 20"]


def test_seed_title_names_the_year(tally) -> None:
    result = tally(MAIN, "--year", "2018")
    assert "2018年主动公开信息统计" in result.stdout


# --- formats -----------------------------------------------------------------------------------

def test_json_has_the_documented_shape_and_equals_the_library(tally, small, config) -> None:
    result = tally(small, "--year", "2018", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == ["kind", "year", "by", "total", "rows", "sources", "problems"]
    assert (data["kind"], data["year"], data["by"], data["total"]) == ("tally", 2018, ["category"], 3)
    assert data["sources"] == ["台账2018.xlsx:Sheet1"]
    assert {tuple(r) for r in data["rows"]} == {("key", "count", "share", "known")}
    assert [r for r in data["rows"] if r["count"]] == [
        {"key": "工作动态类", "count": 1, "share": "33.3%", "known": True},
        {"key": "其他信息类", "count": 1, "share": "33.3%", "known": True},
        {"key": "新闻", "count": 1, "share": "33.3%", "known": False},
    ]
    assert [(p["severity"], p["code"], p["row"]) for p in data["problems"]] == [("warning", "unknown-category", 4), ("warning", "duplicate", 7), ("warning", "outside-year", 6)]
    assert {"severity", "code", "message", "file", "sheet", "row", "column", "hint"} <= set(data["problems"][0])
    assert (data["problems"][0]["file"], data["problems"][0]["sheet"], data["problems"][0]["column"]) == ("台账2018.xlsx", "Sheet1", "类别")
    library = tally_files([str(small)], config, by=("category",), year=2018)
    assert data == render.tally_json(library)


def test_json_cross_table_adds_columns(tally, small) -> None:
    data = json.loads(tally(small, "--by", "category", "--by", "month", "--year", "2018", "--format", "json").stdout)
    assert list(data) == ["kind", "year", "by", "total", "columns", "column_totals", "rows", "sources", "problems"]
    assert data["columns"] == [f"2018-{m:02d}" for m in range(1, 13)]
    assert data["column_totals"] == [1, 0, 2] + [0] * 9
    assert data["rows"][8] == {"key": "工作动态类", "count": 1, "share": "33.3%", "known": True, "values": [1] + [0] * 11}


def test_markdown(tally, small) -> None:
    result = tally(small, "--year", "2018", "--format", "markdown")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:4] == ["**2018年主动公开信息统计**", "", "| 类别 | 条数 | 占比 |", "|---|---:|---:|"]
    assert "| 工作动态类 | 1 | 33.3% |" in lines
    assert "| 机构设置类 | 0 | 0% |" in lines
    assert lines[-2:] == ["| 新闻（未识别） | 1 | 33.3% |", "| 合计 | 3 | 100% |"]


def test_xlsx_read_back(tally, tmp_path) -> None:
    from openpyxl import load_workbook

    src = write_csv(tmp_path / "台账.csv", [HEADER, ["2018-03-05", "甲", "=1+1", "政府网站", "A-1"], ["2018-03-06", "乙", "其他", "政府网站", "A-2"]], "gbk")
    out = tmp_path / "out.xlsx"
    result = tally(src, "--format", "xlsx", "--output", out)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr.splitlines()[-1] == f"wrote {out}"
    ws = load_workbook(out).active
    cells = [list(r) for r in ws.iter_rows(values_only=True)]
    assert cells[0][0] == "主动公开信息统计"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:C1"]
    assert cells[1] == ["类别", "条数", "占比"]
    assert cells[2] == ["机构设置类", 0, "0%"]
    assert cells[11] == ["其他信息类", 1, "50%"]
    assert cells[13] == ["'=1+1（未识别）", 1, "50%"]  # a formula-looking label is written as text
    assert ws.cell(row=14, column=1).data_type == "s"
    assert cells[14] == ["合计", 2, "100%"]
    assert len(cells) == 15


def test_csv_quotes_formula_looking_text(tally, tmp_path) -> None:
    src = write_csv(tmp_path / "台账.csv", [HEADER, ["2018-03-05", "甲", "@cmd", "政府网站", "A-1"]])
    rows = parse_csv(tally(src, "--format", "csv").stdout)
    assert rows[-2] == ["'@cmd（未识别）", "1", "100%"]


def test_output_file_keeps_stdout_empty(tally, small, tmp_path) -> None:
    out = tmp_path / "t.csv"
    result = tally(small, "--year", "2018", "--format", "csv", "-o", out)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr.endswith(f"wrote {out}\n")
    assert parse_csv(out.read_text(encoding="utf-8"))[-1] == ["合计", "3", "100%"]


def test_table_to_output_file_is_plain_text(tally, small, tmp_path) -> None:
    out = tmp_path / "t.txt"
    assert tally(small, "--year", "2018", "-o", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "\x1b[" not in text
    assert ["合计", "3", "100%"] in table_rows(text)


# --- stdout carries data, stderr the problems ---------------------------------------------------

def test_problems_go_to_stderr_with_their_place(tally, small) -> None:
    result = tally(small, "--year", "2018", "--format", "csv")
    assert result.exit_code == 0
    assert parse_csv(result.stdout)[0] == ["类别", "条数", "占比"]
    assert "warning" not in result.stdout
    assert result.stderr.splitlines() == [
        "warning: 台账2018.xlsx, sheet 'Sheet1', row 4, column '类别': unknown category '新闻'",
        "warning: 台账2018.xlsx, sheet 'Sheet1', row 7: repeated item 索引号 'A-1', first at 台账2018.xlsx, sheet 'Sheet1', row 3; counted once",
        "warning: 台账2018.xlsx, sheet 'Sheet1', row 6: dated 2017-12-30, outside 2018; not counted",
        "problems: 0 error(s), 3 warning(s) — duplicate 1, outside-year 1, unknown-category 1",
    ]


# --- categories --------------------------------------------------------------------------------

def test_unknown_category_is_its_own_row_with_closest_labels(tally, tmp_path) -> None:
    src = write_xlsx(tmp_path / "台账2018.xlsx", {"S": [HEADER, ["2018-03-05", "甲", "工作动太", "政府网站", "A-1"], ["2018-03-06", "乙", "工作动态类", "政府网站", "A-2"]]})
    result = tally(src, "--format", "csv")
    assert result.exit_code == 0
    assert "warning: 台账2018.xlsx, sheet 'S', row 2, column '类别': unknown category '工作动太'; closest known: 工作动态类" in result.stderr
    rows = parse_csv(result.stdout)
    assert rows[-3:] == [["环境卫生、公共卫生、安全生产、食品药品、产品质量监督检查情况类", "0", "0%"], ["工作动太（未识别）", "1", "50%"], ["合计", "2", "100%"]]
    assert ["其他信息类", "0", "0%"] in rows  # never guessed into 其他
    assert ["工作动态类", "1", "50%"] in rows


def test_strict_makes_an_unknown_category_an_error(tally, tmp_path) -> None:
    src = write_xlsx(tmp_path / "台账2018.xlsx", {"S": [HEADER, ["2018-03-05", "甲", "工作动太", "政府网站", "A-1"]]})
    result = tally(src, "--strict", "--format", "csv")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: 台账2018.xlsx, sheet 'S', row 2, column '类别': unknown category '工作动太'; closest known: 工作动态类")
    assert result.stderr.splitlines()[-1] == "problems: 1 error(s), 0 warning(s) — unknown-category 1"


def test_strict_unknown_channel(tally, tmp_path) -> None:
    src = write_xlsx(tmp_path / "台账2018.xlsx", {"S": [HEADER, ["2018-03-05", "甲", "工作动态类", "政府网站、大喇叭", "A-1"]]})
    assert tally(src, "--format", "csv").exit_code == 0
    result = tally(src, "--strict", "--format", "csv")
    assert result.exit_code == 1
    assert "column '公开渠道': unknown channel '大喇叭'" in result.stderr


def test_builtin_category_aliases(tally, tmp_path) -> None:
    cells = ["工作动态", "工作动态类 ", "工作动态类\u3000", "其他", "其它信息类", "其它", "监督检查", "民政工作", "预决算",
             "环境卫生、公共卫生、安全生产、食品药品、产品质量监督检查情况", "工作 动态 类"]
    src = write_xlsx(tmp_path / "台账2018.xlsx", {"S": [HEADER] + [["2018-03-05", f"t{i}", c, "政府网站", f"A-{i}"] for i, c in enumerate(cells)]})
    result = tally(src, "--format", "csv")
    assert (result.exit_code, result.stderr) == (0, "")
    counts = {r[0]: int(r[1]) for r in parse_csv(result.stdout)[1:-1] if r[1] != "0"}
    assert counts == {"工作动态类": 4, "其他信息类": 3, "监督检查类": 1, "民政工作类": 1, "预决算公开类": 1, "环境卫生、公共卫生、安全生产、食品药品、产品质量监督检查情况类": 1}


def test_office_categories_and_aliases_from_disclo_toml(tally, tmp_path) -> None:
    (tmp_path / "disclo.toml").write_text('[categories]\nlabels = ["通知公告", "工作动态"]\n[categories.aliases]\n"公告" = "通知公告"\n', encoding="utf-8")
    rows = [["2018-03-05", "甲", "公告", "政府网站", "A-1"], ["2018-03-06", "乙", "工作动态", "政府网站", "A-2"], ["2018-03-07", "丙", "通知公告", "政府网站", "A-3"]]
    src = write_xlsx(tmp_path / "台账2018.xlsx", {"S": [HEADER, *rows]})
    result = tally(src, "--format", "csv")
    assert (result.exit_code, result.stderr) == (0, "")
    assert parse_csv(result.stdout) == [["类别", "条数", "占比"], ["通知公告", "2", "66.7%"], ["工作动态", "1", "33.3%"], ["合计", "3", "100%"]]


# --- dimensions --------------------------------------------------------------------------------

def test_by_channel_with_multi_channel_cells(tally, small) -> None:
    result = tally(small, "--by", "channel", "--year", "2018", "--format", "csv")
    assert result.exit_code == 0
    assert parse_csv(result.stdout) == [
        ["公开渠道", "条数", "占比"],
        ["政府网站", "3", "100%"],
        ["政务微信", "1", "33.3%"],
        ["公共查阅点", "1", "33.3%"],
        ["政务公开栏", "1", "33.3%"],  # A-1's later row (政府网站 only) is the one counted, as in the ledger
        ["信息总数", "3", "100%"],
    ]


def test_by_month_with_year_gives_twelve_months(tally, small) -> None:
    rows = parse_csv(tally(small, "--by", "month", "--year", "2018", "--format", "csv").stdout)
    assert rows[0] == ["月份", "条数", "占比"]
    assert [r[0] for r in rows[1:13]] == [f"2018-{m:02d}" for m in range(1, 13)]
    assert rows[1] == ["2018-01", "1", "33.3%"]
    assert rows[3] == ["2018-03", "2", "66.7%"]
    assert rows[2] == ["2018-02", "0", "0%"]
    assert rows[13:] == [["合计", "3", "100%"]]


def test_by_month_without_year_counts_every_item(tally, small) -> None:
    rows = parse_csv(tally(small, "--by", "month", "--format", "csv").stdout)
    assert rows[1:] == [["2017-12", "1", "25%"], ["2018-01", "1", "25%"], ["2018-03", "2", "50%"], ["合计", "4", "100%"]]


def test_cross_table_category_by_month(tally, small) -> None:
    result = tally(small, "--by", "category", "--by", "month", "--year", "2018", "--format", "csv")
    assert result.exit_code == 0
    rows = parse_csv(result.stdout)
    assert rows[0] == ["类别＼月份", *[f"2018-{m:02d}" for m in range(1, 13)], "合计", "占比"]
    assert len(rows) == 1 + 11 + 1 + 1
    zero = ["0"] * 12
    assert rows[1] == ["机构设置类", *zero, "0", "0%"]
    assert rows[9] == ["工作动态类", "1", *["0"] * 11, "1", "33.3%"]
    assert rows[10] == ["其他信息类", "0", "0", "1", *["0"] * 9, "1", "33.3%"]
    assert rows[12] == ["新闻（未识别）", "0", "0", "1", *["0"] * 9, "1", "33.3%"]
    assert rows[13] == ["合计", "1", "0", "2", *["0"] * 9, "3", "100%"]


def test_year_filter_and_outside_year_warning(tally, small) -> None:
    result = tally(small, "--year", "2017", "--format", "csv")
    assert result.exit_code == 0
    rows = parse_csv(result.stdout)
    assert rows[-1] == ["合计", "1", "100%"]
    assert ["工作动态类", "1", "100%"] in rows
    outside = [line for line in result.stderr.splitlines() if "outside 2017" in line]
    assert outside == [
        "warning: 台账2018.xlsx, sheet 'Sheet1', row 7: dated 2018-01-05, outside 2017; not counted",  # A-1's later row
        "warning: 台账2018.xlsx, sheet 'Sheet1', row 4: dated 2018-03-05, outside 2017; not counted",
        "warning: 台账2018.xlsx, sheet 'Sheet1', row 5: dated 2018-03-09, outside 2017; not counted",
    ]


def test_repeat_counted_once(tally, small) -> None:
    result = tally(small, "--format", "csv")
    assert parse_csv(result.stdout)[-1] == ["合计", "4", "100%"]  # five rows, one repeat
    assert result.stderr.count("repeated item") == 1


# --- files and sheets --------------------------------------------------------------------------

@pytest.fixture
def halves(tmp_path):
    return write_xlsx(
        tmp_path / "台账2018.xlsx",
        {
            "说明": [["填表说明："], ["本表按半年登记。"]],
            "1-6月": [["发布日期", "标题", "类别"], ["2018-01-05", "甲", "工作动态类"], ["2018-02-05", "乙", "工作动态类"]],
            "7-12月": [["标题", "类别", "发布日期"], ["丙", "其他信息类", "2018-07-05"]],
        },
    )


@pytest.mark.parametrize(("sheet", "total"), [(None, "3"), ("1-6月", "2"), ("7-12月", "1"), ("2", "2"), ("3", "1")])
def test_sheet_option_by_name_and_number(tally, halves, sheet, total) -> None:
    args = [halves, "--format", "csv"] + (["--sheet", sheet] if sheet else [])
    result = tally(*args)
    assert (result.exit_code, result.stderr) == (0, "")
    assert parse_csv(result.stdout)[-1] == ["合计", total, "100%"]


def test_sheet_option_names_the_sources(tally, halves) -> None:
    data = json.loads(tally(halves, "--format", "json").stdout)
    assert data["sources"] == ["台账2018.xlsx:1-6月", "台账2018.xlsx:7-12月"]
    data = json.loads(tally(halves, "--sheet", "3", "--format", "json").stdout)
    assert data["sources"] == ["台账2018.xlsx:7-12月"]


def test_missing_sheet(tally, halves) -> None:
    result = tally(halves, "--sheet", "8月")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"disclo: error: {halves}: no sheet '8月'\n  Its sheets are: 说明、1-6月、7-12月 (or give a number from 1 to 3).\n"


def test_choosing_a_non_register_sheet(tally, halves) -> None:
    result = tally(halves, "--sheet", "说明")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"disclo: error: {halves}: no register header found in sheet '说明'; found 「填表说明：」")


def test_several_files_at_once(tally, halves, tmp_path) -> None:
    more = write_csv(tmp_path / "补充.csv", [["发布日期", "标题", "类别"], ["2018-09-01", "丁", "依法行政类"]], "gbk")
    result = tally(halves, more, "--format", "json")
    data = json.loads(result.stdout)
    assert data["total"] == 4
    assert data["sources"] == ["台账2018.xlsx:1-6月", "台账2018.xlsx:7-12月", "补充.csv:补充"]
    assert {r["key"]: r["count"] for r in data["rows"] if r["count"]} == {"依法行政类": 1, "工作动态类": 2, "其他信息类": 1}


def test_sheet_without_register_header(tally, tmp_path) -> None:
    src = write_xlsx(tmp_path / "通讯录.xlsx", {"人员": [["序号", "姓名", "电话"], [1, "张三", "86352022"]]})
    result = tally(src)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        f"disclo: error: {src}: no register header found in sheet '人员'; found 「序号」「姓名」「电话」",
        "  Expected columns — 主动公开台账 (published items): date (发布日期/公开日期/发布时间), title (标题/信息名称/信息标题), "
        "category (类别/信息类别/分类). Rename the header cells, or add the wording under [columns] in disclo.toml.",
    ]


def test_month_day_without_a_year_exits_1(tally, tmp_path) -> None:
    src = write_xlsx(tmp_path / "台账.xlsx", {"S": [["发布日期", "标题", "类别"], ["3月5日", "甲", "工作动态类"], ["2018-03-06", "乙", "工作动态类"]]})
    result = tally(src, "--format", "csv")
    assert result.exit_code == 1
    assert "error: 台账.xlsx, sheet 'S', row 2, column '发布日期': 发布日期: '3月5日' has no year and none is implied" in result.stderr
    assert parse_csv(result.stdout)[-1] == ["合计", "1", "100%"]
    assert tally(src, "--year", "2018", "--format", "csv").exit_code == 0


# --- exit codes --------------------------------------------------------------------------------

def test_missing_file_exits_1_without_traceback(tally, tmp_path) -> None:
    result = tally(tmp_path / "无此文件.xlsx")
    assert (result.exit_code, result.stdout) == (1, "")
    assert "no such file" in result.stderr
    assert result.stderr.startswith("disclo: error: ")
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--by", "category", "--by", "month", "--by", "channel"], "--by may be given at most twice"),
        (["--by", "month", "--by", "month"], "--by month twice: a cross table needs two different dimensions"),
        (["--format", "xml"], "Invalid value for '--format'"),
        (["--by", "weekday"], "Invalid value for '--by'"),
        (["--format", "xlsx"], "--format xlsx needs --output PATH"),
        (["--year", "18"], "Invalid value for '--year'"),
        (["--no-such-option"], "No such option"),
    ],
)
def test_usage_errors_exit_2(tally, small, args, fragment) -> None:
    result = tally(small, *args)
    assert result.exit_code == 2
    assert fragment in result.stderr
    assert result.stdout == ""


def test_no_files_and_no_year_is_a_usage_error(tally) -> None:
    result = tally()
    assert result.exit_code == 2
    assert "give register files, or --year to tally the ledger" in result.stderr


def test_help_is_fast_and_imports_nothing_heavy() -> None:
    code = "import sys; from disclo_cli.cli import main; print(sorted(m for m in ('pandas', 'openpyxl', 'python_calamine', 'docx', 'rich') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_help_exits_0(tally) -> None:
    result = tally("--help")
    assert result.exit_code == 0
    assert "disclo tally 主动公开台账2018.xlsx --year 2018" in result.stdout
