"""Header detection on messy sheets, skipped rows, sheet selection, and the no-header error."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import write_xlsx
from disclo_cli.config import from_dict
from disclo_cli.errors import InputError
from disclo_cli.ingest.layout import detect, is_total_row
from disclo_cli.ingest.readers import Sheet
from disclo_cli.ingest.registers import locate, read_registers, select_sheets


def _read(path, config, **kw):
    return read_registers([path], config, kind="items", **kw)["items"]


def _rows(parsed):
    return [(i.place.row, i.title, i.category) for i in parsed.records]


def test_title_rows_merged_title_and_blank_rows_above_header(tmp_path, config) -> None:
    rows = [
        ["2018年主动公开信息台账"],
        ["填报单位：柳城街道党政办    填报日期：2019年1月5日"],
        [],
        ["序号", "索引号", "信息标题", "类别", "发布日期", "公开渠道", "备注"],
        [1, "A-1", "甲", "工作动态类", "2018-03-05", "政府网站", "市政府网站转载"],
        [2, "A-2", "乙", "其他信息类", "2018-03-06", "政府网站", None],
    ]
    path = write_xlsx(tmp_path / "t.xlsx", {"S": rows}, {"S": ["A1:G1"]})
    parsed = _read(path, config)
    assert parsed.sheets == [(str(path), "S", 4)]
    assert _rows(parsed) == [(5, "甲", "工作动态类"), (6, "乙", "其他信息类")]
    assert parsed.findings == []


@pytest.mark.parametrize(
    "header",
    [
        ["发 布 日 期", "标　题", "类 别", "公开渠道　"],  # ASCII and ideographic spaces
        ["发布日期：", "标题:", "类别：", "公开渠道:"],  # full-width and ASCII colons
        ["发布日期＊", "标题*", "类别", "公开渠道"],  # required-field stars
        ["发布\n日期", " 信息名称 ", "信息类别：", "公开方式"],  # wrapped cell text, other wordings
    ],
)
def test_header_wording_variants(tmp_path, config, header: list[str]) -> None:
    rows = [["2018年台账"], header, ["2018-03-05", "甲", "工作动态", "网站"]]
    parsed = _read(write_xlsx(tmp_path / "t.xlsx", {"S": rows}), config)
    assert [(i.date, i.title, i.category, i.channels) for i in parsed.records] == [(dt.date(2018, 3, 5), "甲", "工作动态类", ("政府网站",))]
    assert parsed.sheets[0][2] == 2


def test_full_width_latin_header_is_folded(tmp_path) -> None:
    config = from_dict({"columns": {"items": {"id": ["ID"]}}})
    rows = [["发布日期", "标题", "类别", "ＩＤ"], ["2018-03-05", "甲", "工作动态类", "X-9"]]
    parsed = _read(write_xlsx(tmp_path / "t.xlsx", {"S": rows}), config)
    assert [i.id for i in parsed.records] == ["X-9"]


def test_office_wording_from_config(tmp_path) -> None:
    config = from_dict({"columns": {"items": {"category": ["目录类别"]}}})
    rows = [["发布日期", "标题", "目录类别"], ["2018-03-05", "甲", "工作动态类"]]
    parsed = _read(write_xlsx(tmp_path / "t.xlsx", {"S": rows}), config)
    assert _rows(parsed) == [(2, "甲", "工作动态类")]


def test_two_row_header_with_merged_cells(tmp_path, config) -> None:
    rows = [
        ["2018年主动公开信息台账"],
        ["序号", "信息内容", None, None, "发布日期", "公开渠道"],
        [None, "标题", "类别", "索引号", None, None],
        [1, "甲", "工作动态类", "A-1", "2018-03-05", "政府网站、政务公开栏"],
        [2, "乙", "民政工作", "A-2", "2018-03-06", "政府网站"],
    ]
    merges = ["A1:F1", "A2:A3", "B2:D2", "E2:E3", "F2:F3"]
    parsed = _read(write_xlsx(tmp_path / "t.xlsx", {"S": rows}, {"S": merges}), config)
    assert parsed.sheets[0][2] == 3
    assert [(i.place.row, i.id, i.title, i.category, i.date, i.channels) for i in parsed.records] == [
        (4, "A-1", "甲", "工作动态类", dt.date(2018, 3, 5), ("政府网站", "政务公开栏")),
        (5, "A-2", "乙", "民政工作类", dt.date(2018, 3, 6), ("政府网站",)),
    ]
    assert parsed.findings == []


def test_two_row_header_with_sub_headers_under_a_field(tmp_path, config) -> None:
    # 公开方式 spans two sub-columns; the sub-header row is part of the header, not a row without a date
    rows = [
        ["序号", "标题", "类别", "发布日期", "公开方式", None],
        [None, None, None, None, "主动公开", "依申请公开"],
        [1, "甲", "工作动态类", "2018-03-05", "政府网站", None],
        [2, "乙", "其他", "2018-03-06", "政府网站、公开栏", None],
    ]
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:F1"]
    parsed = _read(write_xlsx(tmp_path / "t.xlsx", {"S": rows}, {"S": merges}), config)
    assert parsed.findings == []
    assert [(i.place.row, i.title, i.category, i.channels) for i in parsed.records] == [
        (3, "甲", "工作动态类", ("政府网站",)),
        (4, "乙", "其他信息类", ("政府网站", "政务公开栏")),
    ]


def test_a_partial_row_right_under_the_header_is_still_reported(tmp_path, config) -> None:
    rows = [["发布日期", "标题", "类别", "公开渠道"], [None, None, None, "政府网站"], ["2018-03-06", "乙", "其他", "政府网站"]]
    parsed = _read(write_xlsx(tmp_path / "t.xlsx", {"S": rows}), config)
    assert [(f.code, f.place.row) for f in parsed.findings] == [("missing-date", 2), ("missing-title", 2), ("missing-category", 2)]
    assert _rows(parsed) == [(3, "乙", "其他信息类")]


def test_preferred_wording_wins_when_two_columns_match_a_field(tmp_path, config) -> None:
    rows = [["文号", "成文日期", "标题", "类别", "发布日期", "索引号"], ["柳政〔2018〕1号", "2018-01-02", "甲", "依法行政类", "2018-01-05", "A-1"]]
    parsed = _read(write_xlsx(tmp_path / "t.xlsx", {"S": rows}), config)
    assert [(i.id, i.date) for i in parsed.records] == [("A-1", dt.date(2018, 1, 5))]


def test_blank_and_total_rows_are_skipped_not_counted(tmp_path, config) -> None:
    rows = [
        ["发布日期", "标题", "类别", "备注"],
        ["2018-01-05", "甲", "工作动态类", None],
        [None, None, None, None],
        [None, "  ", None, "   "],  # whitespace only
        ["2018-01-06", "关于2018年预算合计情况的说明", "预决算公开类", None],  # 合计 inside a title is data
        ["小计", None, "1月共2条", None],
        ["2018-02-01", "丙", "工作动态类", None],
        [None, "合计", None, "250条"],  # 合计 in the title column
        ["总计：3条", None, None, None],
        ["合 计", None, None, 3],
    ]
    parsed = _read(write_xlsx(tmp_path / "t.xlsx", {"S": rows}), config)
    assert _rows(parsed) == [(2, "甲", "工作动态类"), (5, "关于2018年预算合计情况的说明", "预决算公开类"), (7, "丙", "工作动态类")]
    assert parsed.findings == []


@pytest.mark.parametrize(
    ("row", "total"),
    [
        (["合计"], True),
        (["小计", None, "1-6月共121条"], True),
        ([None, None, "合计", None, None, None, "250条"], True),
        (["总计：250条"], True),
        (["共计 250 件"], True),
        (["合计（1-6月）"], True),
        (["小计(上半年)", None, "121条"], True),
        (["1-6月小计"], True),
        (["本页合计"], True),
        (["全年合计：250条"], True),
        (["合计情况说明"], False),
        (["关于合计（草案）的说明"], False),
        (["2018-01-05", "合计", "工作动态类"], True),
        (["2018-01-05", "关于合计的通知", "工作动态类"], False),
    ],
)
def test_is_total_row(row: list[object], total: bool) -> None:
    assert is_total_row(row) is total


def test_sheet_without_register_header_names_expected_and_found(tmp_path, config) -> None:
    rows = [["2018年通讯录"], ["序号", "姓名", "电话", "标题"], [1, "张三", "86352022", "x"]]
    path = write_xlsx(tmp_path / "通讯录.xlsx", {"人员": rows})
    with pytest.raises(InputError) as exc:
        locate(path, config, "items", None)
    assert exc.value.message == f"{path}: no register header found in sheet '人员'; found 「序号」「姓名」「电话」「标题」"
    assert exc.value.hint == (
        "Expected columns — 主动公开台账 (published items): date (发布日期/公开日期/发布时间), "
        "title (标题/信息名称/信息标题), category (类别/信息类别/分类). "
        "Rename the header cells, or add the wording under [columns] in disclo.toml."
    )


def test_empty_workbook_says_no_text(tmp_path, config) -> None:
    path = write_xlsx(tmp_path / "空.xlsx", {"Sheet1": [], "Sheet2": []})
    with pytest.raises(InputError) as exc:
        locate(path, config, "items", None)
    assert exc.value.message == f"{path}: no register header found in any of its 2 sheets; found no text at all"


def test_non_register_sheets_are_passed_over(tmp_path, config) -> None:
    path = write_xlsx(
        tmp_path / "t.xlsx",
        {
            "说明": [["填表说明："], ["1. 本台账按发布日期登记。"]],
            "1-6月": [["发布日期", "标题", "类别"], ["2018-01-05", "甲", "工作动态类"]],
            "7-12月": [["标题", "类别", "发布日期"], ["乙", "其他", "2018-07-05"], ["丙", "其他", "2018-07-06"]],
        },
    )
    parsed = _read(path, config)
    assert [s[1] for s in parsed.sheets] == ["1-6月", "7-12月"]
    assert [(i.place.sheet, i.place.row, i.title) for i in parsed.records] == [("1-6月", 2, "甲"), ("7-12月", 2, "乙"), ("7-12月", 3, "丙")]


def _sheets(*names: str) -> list[Sheet]:
    return [Sheet("f.xlsx", n, i, []) for i, n in enumerate(names)]


@pytest.mark.parametrize(
    ("wanted", "picked"),
    [(None, ["说明", "1-6月", "7-12月"]), ("7-12月", ["7-12月"]), ("７－１２月", ["7-12月"]), ("2", ["1-6月"]), ("3", ["7-12月"])],
)
def test_select_sheets(wanted: str | None, picked: list[str]) -> None:
    assert [s.name for s in select_sheets(_sheets("说明", "1-6月", "7-12月"), wanted)] == picked


def test_a_sheet_named_like_a_number_wins_over_the_index() -> None:
    assert [s.name for s in select_sheets(_sheets("1", "2"), "1")] == ["1"]
    assert [s.name for s in select_sheets(_sheets("2", "1"), "1")] == ["1"]


@pytest.mark.parametrize("wanted", ["8月", "0", "4"])
def test_select_missing_sheet(wanted: str) -> None:
    with pytest.raises(InputError) as exc:
        select_sheets(_sheets("说明", "1-6月", "7-12月"), wanted)
    assert exc.value.message == f"f.xlsx: no sheet {wanted!r}"
    assert exc.value.hint == "Its sheets are: 说明、1-6月、7-12月 (or give a number from 1 to 3)."


def test_detect_prefers_the_fullest_header_row(config) -> None:
    rows = [["发布日期", "标题", "类别"], ["发布日期", "标题", "类别", "公开渠道", "索引号"]]
    layout = detect(Sheet("f", "s", 0, rows), config.columns, "items")
    assert layout is not None
    assert (layout.header_row, dict(layout.columns)) == (1, {"date": 0, "title": 1, "category": 2, "channels": 3, "id": 4})  # the record's field name


def test_header_beyond_the_scanned_rows_is_not_found(config) -> None:
    rows = [[f"说明{i}"] for i in range(30)] + [["发布日期", "标题", "类别"]]
    assert detect(Sheet("f", "s", 0, rows), config.columns, "items") is None
    assert detect(Sheet("f", "s", 0, rows[1:]), config.columns, "items").header_row == 29
