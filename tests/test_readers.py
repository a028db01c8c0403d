"""Each reader (xlsx, xls, ods, csv in every encoding) and what it refuses."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import FIXTURES, HEADER, write_csv, write_xlsx
from disclo_cli.errors import InputError
from disclo_cli.ingest.readers import read_sheets, sniff
from disclo_cli.ingest.registers import read_registers

ROWS = [
    HEADER,
    ["2018-03-05", "街道召开安全生产会议", "工作动态类", "政府门户网站、政务公开栏", "A-1"],
    ["2018/3/6", "关于低保名单的公示", "其他", "网站，微信公众号", "A-2"],
    ["2018年4月1日", "街道机构职能", "机构设置", "政府网站", "A-3"],
]


def _items(path, config):
    parsed = read_registers([path], config, kind="items")["items"]
    return parsed


def _summary(parsed):
    return [(i.date, i.title, i.category, i.channels, i.id) for i in parsed.records]


EXPECTED = [
    (dt.date(2018, 3, 5), "街道召开安全生产会议", "工作动态类", ("政府网站", "政务公开栏"), "A-1"),
    (dt.date(2018, 3, 6), "关于低保名单的公示", "其他信息类", ("政府网站", "政务微信"), "A-2"),
    (dt.date(2018, 4, 1), "街道机构职能", "机构设置类", ("政府网站",), "A-3"),
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings(tmp_path, config, encoding: str) -> None:
    path = write_csv(tmp_path / "台账.csv", ROWS, encoding)
    parsed = _items(path, config)
    assert [f for f in parsed.findings if f.severity != "info"] == []  # notes (a year assumed) are not problems
    assert _summary(parsed) == EXPECTED


def test_gbk_bytes_really_are_not_utf8(tmp_path) -> None:
    data = "发布日期,标题".encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_gb18030_only_character_survives(tmp_path, config) -> None:
    # 𠮷 is outside GBK; Excel on Chinese Windows writes it as a four-byte GB18030 sequence
    rows = [HEADER, ["2018-03-05", "𠮷祥社区开展义诊", "工作动态类", "政府网站", "B-1"]]
    path = write_csv(tmp_path / "台账.csv", rows, "gb18030")
    assert [i.title for i in _items(path, config).records] == ["𠮷祥社区开展义诊"]


def test_csv_with_quoted_commas_and_title_row(tmp_path, config) -> None:
    text = '2018年主动公开信息台账,,,,\r\n发布日期,标题,类别,公开渠道,索引号\r\n2018-03-05,"关于甲,乙的公示",工作动态类,"网站,公开栏",C-1\r\n'
    path = tmp_path / "台账.csv"
    path.write_bytes(text.encode("gbk"))
    parsed = _items(path, config)
    assert _summary(parsed) == [(dt.date(2018, 3, 5), "关于甲,乙的公示", "工作动态类", ("政府网站", "政务公开栏"), "C-1")]
    assert parsed.sheets == [(str(path), "台账", 2)]


@pytest.mark.parametrize("sep", ["\t", ";"])
def test_csv_other_delimiters(tmp_path, config, sep: str) -> None:
    text = sep.join(["发布日期", "标题", "类别"]) + "\r\n" + sep.join(["2018-03-05", "甲", "工作动态类"]) + "\r\n" + sep.join(["2018-03-06", "乙", "其他"]) + "\r\n"
    path = tmp_path / "台账.txt"
    path.write_text(text, encoding="utf-8")
    assert [(i.title, i.category) for i in _items(path, config).records] == [("甲", "工作动态类"), ("乙", "其他信息类")]


def test_csv_in_no_known_encoding(tmp_path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\x81\x30\x81\xff,a\r\n")  # invalid in UTF-8 and in GB18030
    with pytest.raises(InputError) as exc:
        read_sheets(path)
    assert "neither UTF-8 nor GBK/GB18030" in exc.value.message


def test_xlsx_reads_every_sheet_with_python_values(tmp_path) -> None:
    path = write_xlsx(tmp_path / "t.xlsx", {"一": [["a", 1, dt.datetime(2018, 3, 5)]], "二": [["b"]]})
    sheets = read_sheets(path)
    assert [(s.name, s.index) for s in sheets] == [("一", 0), ("二", 1)]
    assert sheets[0].rows == [["a", 1, dt.date(2018, 3, 5)]]  # calamine gives a date for midnight


@pytest.mark.parametrize("ext", ["xls", "ods"])
def test_committed_xls_and_ods(config, ext: str) -> None:
    path = FIXTURES / f"register2018.{ext}"
    assert [s.name for s in read_sheets(path)] == ["上半年", "说明"]
    parsed = _items(path, config)
    assert [f for f in parsed.findings if f.severity != "info"] == []  # notes (a year assumed) are not problems
    assert parsed.sheets == [(str(path), "上半年", 2)]  # 说明 is not a register
    assert [(i.date, i.category, i.channels, i.place.row) for i in parsed.records] == [
        (dt.date(2018, 3, 5), "工作动态类", ("政府网站",), 3),  # a date cell
        (dt.date(2018, 3, 7), "其他信息类", ("政府网站", "政务公开栏"), 4),  # serial 43166
        (dt.date(2018, 4, 1), "机构设置类", ("政府网站",), 6),  # 4月1日, 2018 from the file name
    ]


def test_extension_does_not_decide(tmp_path, config) -> None:
    # a CMS export named .xls that is really a CSV
    path = write_csv(tmp_path / "导出.xls", ROWS, "gbk")
    assert sniff(path) == "csv"
    assert _summary(_items(path, config)) == EXPECTED
    real = write_xlsx(tmp_path / "台账.csv", {"S": ROWS})  # and an xlsx named .csv
    assert sniff(real) == "excel"
    assert _summary(_items(real, config)) == EXPECTED


def test_cms_export_that_is_an_html_table(tmp_path, config) -> None:
    html = (
        "<html><head><meta charset='utf-8'></head><body><table>"
        "<tr><td>2018年主动公开信息</td></tr>"
        "<tr><td>发布日期</td><td>标题</td><td>类别</td><td>公开渠道</td></tr>"
        "<tr><td>2018-03-05</td><td>甲</td><td>工作动态类</td><td>政府网站</td></tr>"
        "<tr><td>2018年3月6日</td><td>乙</td><td>其他</td><td>网站、公开栏</td></tr>"
        "</table></body></html>"
    )
    path = tmp_path / "导出.xls"
    path.write_text(html, encoding="utf-8")
    assert sniff(path) == "html"
    parsed = _items(path, config)
    assert parsed.sheets == [(str(path), "table1", 2)]
    assert [(i.date, i.title, i.category, i.channels) for i in parsed.records] == [
        (dt.date(2018, 3, 5), "甲", "工作动态类", ("政府网站",)),
        (dt.date(2018, 3, 6), "乙", "其他信息类", ("政府网站", "政务公开栏")),
    ]


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda p: None, "no such file"),
        (lambda p: p.write_bytes(b""), "the file is empty (0 bytes)"),
        (lambda p: p.mkdir(), "is a folder, not a file"),
        (lambda p: p.write_bytes(b"\x00\x01\x02binary\x00"), "not a spreadsheet or CSV file"),
        (lambda p: p.write_bytes(b"PK\x03\x04not really a zip"), "not a readable spreadsheet"),
    ],
)
def test_unreadable_inputs(tmp_path, make, fragment: str) -> None:
    path = tmp_path / "x.xlsx"
    make(path)
    with pytest.raises(InputError) as exc:
        read_sheets(path)
    assert fragment in exc.value.message
    assert str(path) in exc.value.message
