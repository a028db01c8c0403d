"""One set of rules, however a register is read (issue 14).

A sheet can be read three ways: the reference (every row read and ruled on its own, nothing shared),
the row reader (python-calamine / the csv module, each distinct value normalised once and each rule
run once per distinct combination of what it looks at), and the columnar reader (fastexcel /
pyarrow.csv, the same rules on Arrow columns; columnar.py). All three must give the same findings in
the same order, the same records (fields, place, key) and the same rows left out, on every example
register, every fixture, a set of messy registers written here, and the fuzz corpus.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from conftest import FIXTURES, ROOT, write_csv, write_xlsx
from disclo_cli.errors import DiscloError
from test_fuzz import ENCODINGS, _csv_text, _xlsx, sheet

EXAMPLES = int(os.environ.get("DISCLO_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], derandomize=True)
TODAY = dt.date(2024, 3, 1)


def _configs():
    from disclo_cli import config

    return {"2018": config.load(ROOT / "examples" / "2018-liucheng" / "disclo.toml"),
            "2023": config.load(ROOT / "examples" / "2023-office" / "disclo.toml"),
            "builtin": config.from_dict({}), "strict-ish": config.from_dict({"defaults": {"requests": {"channel": "当面"}}})}


CONFIGS = _configs()


SERVED: list[str] = []  # the files the columnar reader read (the tests below check it read some)


def readings(path: Path, config, **kw) -> dict[str, list]:
    """Each way of reading the file: [(sheet, layout, SheetRead)], or the error it gave. The columnar
    way is left out where the columnar reader declines the file (it is then read by rows)."""
    from disclo_cli.ingest import columnar
    from disclo_cli.ingest.registers import SheetReader, locate, read_sheet

    out: dict[str, list] = {}
    for way in ("reference", "rows"):
        try:
            found = locate(path, config, kw.get("kind"), kw.get("sheet"))
        except DiscloError as exc:
            out[way] = [("error", exc.code, exc.message)]
            continue
        out[way] = [(s.name, layout, read_sheet(s, layout, config, year=kw.get("year"), strict=kw.get("strict", False), today=TODAY,
                                                reference=way == "reference")) for s, layout in found]
    found = columnar.read(path, config, kw.get("kind"), kw.get("sheet"), min_bytes=0, today=TODAY)
    if found is not None:
        SERVED.append(path.name)
        out["columnar"] = [(s.name, layout, SheetReader(s, layout, config, year=kw.get("year"), strict=kw.get("strict", False), today=TODAY,
                                                        block=block).run()) for s, layout, block in found]
    return out


def assert_same(path: Path, config, **kw) -> None:
    ways = readings(path, config, **kw)
    ref = ways.pop("reference")
    for way, got in ways.items():
        assert len(got) == len(ref), (way, path)
        for (name, layout, a), (name2, layout2, b) in zip(ref, got, strict=True):
            assert name == name2 and layout == layout2, (way, path, name)
            if name == "error":
                continue
            assert b.findings == a.findings, (way, path, name)
            assert b.records == a.records, (way, path, name)
            assert (b.rejected, b.excluded) == (a.rejected, a.excluded), (way, path, name)
            if b.kind == "items":  # the tally of the records held as columns is the tally of the records
                assert_same_tally(a, b)


def assert_same_tally(ref, read) -> None:
    from disclo_cli.tally import dedupe, filter_year, tally, tally_tables

    for by in (("category",), ("channel",), ("month", "unit"), ("category", "channel")):
        for year in (None, 2023):
            records, dup = dedupe(ref.records)
            records, outside = filter_year(records, year)
            want = tally(records, by, year=year, categories=("工作动态类", "其他信息类"), channels=("政府网站",), findings=dup + outside)
            got = tally_tables([read.table], by, year=year, categories=("工作动态类", "其他信息类"), channels=("政府网站",))
            assert got == want, (by, year)


# --- the registers ----------------------------------------------------------------------------------

def _files() -> list[Path]:
    out = sorted(p for p in (ROOT / "examples").rglob("*") if p.suffix in (".xlsx", ".csv"))
    out += sorted(p for p in FIXTURES.glob("*") if p.suffix in (".xlsx", ".xls", ".ods") and p.name != "encrypted.xlsx")
    out += sorted(p for p in (FIXTURES / "realistic").glob("*") if p.suffix in (".xlsx", ".csv"))
    return out


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
@pytest.mark.parametrize("cfg", ["2018", "2023"])
def test_every_example_and_fixture_reads_the_same_every_way(path, cfg) -> None:
    assert_same(path, CONFIGS[cfg])
    assert_same(path, CONFIGS[cfg], strict=True, year=2023)


ITEMS = ["序号", "索引号", "标题", "类别", "发布日期", "公开渠道", "文件类型", "废止日期", "是否有效", "发布机构"]
ITEM_ROWS = [
    [1, "A-1", "关于甲的通知", "工作动态类", "2023-02-01", "政府网站", None, None, None, "办公室"],
    [2, "A-2", "关于乙的通知", "工作动态", dt.date(2023, 2, 2), "政府网站、政务微信", None, None, None, "办公室"],
    [3, "A-3", "", "其它", "2023/2/3", "网站，公开栏", None, None, None, None],
    [4, None, "无编号的一条", "监督检查", "3月5日", "政务微博", None, None, None, "财政所"],
    [5, None, "无编号的一条", "监督检查", "3月5日", "政务微博", None, None, None, "财政所"],
    [6, "A-6", "未知类别", "宣传类", "2023.3.6", "便民服务中心", None, None, None, None],
    [7, "A-7", "坏日期", "工作动态类", "2023-02-30", "政府网站", None, None, None, None],
    [8, "A-8", "没有日期", "工作动态类", None, "政府网站", None, None, None, None],
    [9, "a-1", "重复的编号（后一条为准）", "工作动态类", "2023-04-01", "政府网站", None, None, None, None],
    [10, "A-10", "规范性文件", "依法行政类", "2023-04-02", "政府网站", "行政规范性文件", "2023-12-01", "否", None],
    [11, "A-11", "已失效但无日期", "依法行政类", "2023-04-03", "政府网站", "规章", None, "失效", None],
    [None, "合计", None, None, None, None, None, None, None, None],
    [None, None, None, None, None, None, None, None, None, None],
    [12, "\ufeffA-12\u200b", "不可见字符", "其他信息类", 45000, "政府网站 政务新媒体", "未知文件类型", None, None, None],
    [13, "A-13", "很早的日期", "工作动态类", "1985-01-01", "未知渠道甲、未知渠道乙、未知渠道丙、未知渠道丁", None, None, None, None],
    [14, "A-14", "未来的日期", "工作动态类", "2030-01-01", None, None, None, None, None],
    [None, "索引号", "标题", "类别", "发布日期", "公开渠道", "文件类型", "废止日期", "是否有效", "发布机构"],
    [15, "A-15", "只有月份", "工作动态类", "2023年3月", "政府网站", None, "不是日期", None, None],
    [16, "A-16", "12月", "工作动态类", 20231205, "政府网站", None, None, None, None],
    [17, "A-17", "日期时间", "工作动态类", dt.datetime(2023, 5, 6, 10, 30), "电子屏幕", None, None, None, None],
    [18, "A-18", "真假", True, 1.5, "政府网站", None, None, None, None],
]
REQUESTS = ["申请编号", "收到日期", "申请人", "申请人类型", "申请方式", "申请内容", "办理结果", "具体情形", "答复日期", "是否延期", "收费金额", "延期告知日期"]
REQUEST_ROWS = [
    ["Y-1", "2023-01-05", "张三", "自然人", "网上", "某文件", "予以公开", None, "2023-01-20", "否", None, None],
    ["Y-2", "2023-01-06", "李四", "律师", "信函", "某文件", "予以公开", None, "2023-01-21", None, None, None],
    ["Y-3", "2023-01-07", "王五", "自然人", "当面", "某文件", "不予公开", "涉及个人隐私", "2023-01-22", "是", "10", "2023-01-15"],
    ["Y-4", "2023-01-08", "赵六", "商业企业", "微信", "某文件", "办理中", None, None, None, None, None],
    ["Y-5", "2023-02-08", "钱七", "自然人", "网上", "某文件", "予以公开", None, "2023-01-01", "也许", "-5", None],
    ["Y-6", "2023-02-09", "孙八", "自然人", "网上", "某文件", "申请人撤回申请", None, "2023-02-10", None, "1e308", None],
    ["Y-7", "2023-02-10", "周九", "自然人", "网上", "某文件", "不予公开", None, "2023-02-20", None, None, "2023-02-31"],
    ["Y-8", "2023-02-11", "吴十", None, "网上", "某文件", "无法提供", "本机关不掌握相关政府信息", "2023-02-21", None, None, None],
    ["Y-9", "2023-02-12", "郑一", "自然人", "网上", "某文件", "非政府信息公开申请", None, "2023-02-22", None, None, None],
    ["Y-9", "2023-02-13", "郑一", "自然人", "网上", "某文件", "予以公开", None, None, None, None, None],
    [None, "2023-02-14", "村民", "自然人", "当面", "低保", "予以公开", None, "2023-02-24", None, None, None],
    [None, "2023-02-14", "村民", "自然人", "当面", "低保", "予以公开", None, "2023-02-24", None, None, None],
    ["Y-12", None, "无日期", "自然人", "网上", "某文件", "予以公开", None, "2023-02-24", None, None, None],
]
CASES = ["案件编号", "类型", "起诉方式", "立案日期", "结果", "被申请单位"]
CASE_ROWS = [
    ["F-1", "行政复议", None, "2023-03-01", "结果维持", "某局"],
    ["F-2", "行政诉讼", "直接起诉", "2023-03-02", None, None],
    ["F-3", "行政诉讼", None, "2023-03-03", "驳回", None],
    ["F-4", "未知类型", None, "2023-03-04", "结果纠正", None],
    ["F-5", "行政复议", None, "昨天", "结果维持", None],
]


@pytest.fixture(scope="module")
def messy(tmp_path_factory) -> list[Path]:
    """Messy registers of every kind, as xlsx (with merged cells and two sheets) and as CSV."""
    d = tmp_path_factory.mktemp("messy")
    out = [
        write_xlsx(d / "主动公开台账2023.xlsx", {"台账": [["柳城街道2023年主动公开台账"], ITEMS, *ITEM_ROWS], "说明": [["本表说明"]]},
                   merges={"台账": ["D4:D5"]}),
        write_xlsx(d / "依申请公开台账2023.xlsx", {"一月": [REQUESTS, *REQUEST_ROWS[:5], ["本月无申请"]], "二月": [REQUESTS, *REQUEST_ROWS[5:]]}),
        write_xlsx(d / "行政复议诉讼台账2023.xlsx", {"案件": [CASES, *CASE_ROWS]}),
        write_csv(d / "主动公开台账2023.csv", [ITEMS, *ITEM_ROWS]),
        write_csv(d / "依申请公开台账2023-gbk.csv", [REQUESTS, *REQUEST_ROWS], encoding="gb18030"),
        write_csv(d / "行政复议诉讼台账2023.csv", [CASES, *CASE_ROWS], encoding="utf-16"),
        # a CMS's 公开方式 holding the disclosure attribute, and items without ids at all
        write_xlsx(d / "cms2023.xlsx", {"导出": [["标题", "发布日期", "公开方式", "信息分类"],
                                                 *[[f"标题{i}", f"2023-0{i % 9 + 1}-0{i % 9 + 1}", "主动公开", ["工作动态", "其他信息类"][i % 2]] for i in range(12)]]}),
    ]
    return out


@pytest.mark.parametrize("cfg", sorted(CONFIGS))
def test_messy_registers_read_the_same_every_way(messy, cfg) -> None:
    SERVED.clear()
    for path in messy:
        assert_same(path, CONFIGS[cfg])
        assert_same(path, CONFIGS[cfg], strict=True)
        assert_same(path, CONFIGS[cfg], year=2023)
    # the columnar reader served the CSV files it can read exactly (not the UTF-16 one)
    assert {"主动公开台账2023.csv", "依申请公开台账2023-gbk.csv"} <= set(SERVED)


# --- the fuzz corpus --------------------------------------------------------------------------------

@FUZZ
@given(book=st.dictionaries(st.sampled_from(["台账", "Sheet1", "二月"]), sheet(), min_size=1, max_size=2), merge=st.booleans(),
       strict=st.booleans(), cfg=st.sampled_from(sorted(CONFIGS)))
def test_fuzzed_workbooks_read_the_same_every_way(book, merge, strict, cfg) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _xlsx(Path(tmp) / "台账2018.xlsx", book, merge)
        assert_same(path, CONFIGS[cfg], strict=strict)


@FUZZ
@given(rows=sheet(), encoding=st.sampled_from(ENCODINGS), delimiter=st.sampled_from([",", "\t", ";"]), cfg=st.sampled_from(sorted(CONFIGS)))
def test_fuzzed_csv_reads_the_same_every_way(rows, encoding, delimiter, cfg) -> None:
    data = _csv_text(rows, delimiter).encode(encoding, errors="replace")
    if not data:
        reject()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "台账2023.csv"
        path.write_bytes(data)
        assert_same(path, CONFIGS[cfg])


# --- registers the columnar reader serves: no quotes, numbers only in date columns ----------------

from test_fuzz import DATE_FIELDS, DATE_TEXTS, FIELDS, LABELS  # noqa: E402

TEXTS = st.text(alphabet=st.sampled_from(list("甲乙丙丁通知公告计合 \t\u3000\u200b\ufeffaA:：*，、/")), max_size=12)
CELL = st.one_of(st.none(), st.sampled_from(LABELS), TEXTS, st.sampled_from(["", "  ", "合计", "小计：3条", "本月无申请", "是", "否", "/", "办理中"]))
DATE_CELL = st.one_of(st.none(), st.sampled_from([t for t in DATE_TEXTS if t not in ("0", "-5", "1e308", "nan", "inf", "43164", "99999999")]),
                      st.dates(min_value=dt.date(1985, 1, 1), max_value=dt.date(2026, 12, 31)),
                      st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2025, 12, 31)).map(lambda d: d.replace(microsecond=0)))


@st.composite
def servable(draw) -> list[list[object]]:
    from disclo_cli.schema import spec

    kind = draw(st.sampled_from(sorted(FIELDS)))
    required = [f for f in spec(kind).required if f in FIELDS[kind]]
    others = draw(st.lists(st.sampled_from(sorted(set(FIELDS[kind]) - set(required))), max_size=6, unique=True))
    fields = draw(st.permutations(required + others))
    # the best wording of each field (the others may stand for other fields)
    head = [FIELDS[kind][f][0] for f in fields]
    rows: list[list[object]] = [[draw(TEXTS)]] if draw(st.booleans()) else []
    rows.append(head)
    for _ in range(draw(st.integers(1, 25))):
        if draw(st.integers(0, 20)) == 0:
            rows.append(list(head))  # the header again, mid-sheet
            continue
        rows.append([draw(DATE_CELL if f in DATE_FIELDS else CELL) for f in fields])
    return rows


def _merges(rows: list[list[object]], spans: list[tuple[int, int, int]]) -> list[str]:
    """Ranges merged down (column, first row, rows) over the rows of a sheet, in A1 notation."""
    from openpyxl.utils import get_column_letter

    width = max(map(len, rows))
    out = []
    for c, r, k in spans:
        if c < width and r + 1 < len(rows):
            out.append(f"{get_column_letter(c + 1)}{r + 1}:{get_column_letter(c + 1)}{min(len(rows), r + k)}")
    return out


@FUZZ
@given(rows=servable(), strict=st.booleans(), cfg=st.sampled_from(sorted(CONFIGS)), as_csv=st.booleans(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
       spans=st.lists(st.tuples(st.integers(0, 8), st.integers(1, 25), st.integers(2, 5)), max_size=2))
def test_registers_the_columnar_reader_serves_read_the_same(rows, strict, cfg, as_csv, encoding, spans) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if as_csv:
            text = "\r\n".join(",".join("" if v is None else (v.isoformat() if isinstance(v, dt.date) else str(v)).replace(",", "，") for v in r) for r in rows) + "\r\n"
            path = Path(tmp) / "台账2023.csv"
            try:
                path.write_bytes(text.encode(encoding))
            except UnicodeEncodeError:
                reject()
        else:
            try:
                path = write_xlsx(Path(tmp) / "台账2023.xlsx", {"台账": rows}, merges={"台账": _merges(rows, spans)})
            except ValueError:
                reject()  # openpyxl refuses overlapping merges
        assert_same(path, CONFIGS[cfg], strict=strict)
        assert_same(path, CONFIGS[cfg], year=2023)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
@pytest.mark.parametrize("first", ["\ufeff", "\ufeff2023-01-05"])
def test_a_first_data_cell_starting_with_u_feff_reads_the_same(encoding, first) -> None:
    """pyarrow takes a U+FEFF at the start of what it reads for a byte-order mark and drops it: the
    first data row, read after the head, lost it, and a row of nothing else went without a word
    (hypothesis found it; the row reader says the row has no date)."""
    rows = [["申请人类型", "答复日期", "收到日期", "申请方式"], [first, None, None, None], ["自然人", None, "2023-01-06", "网上"]]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "台账2023.csv"
        path.write_bytes(("\r\n".join(",".join(v or "" for v in r) for r in rows) + "\r\n").encode(encoding))
        assert_same(path, CONFIGS["2018"])


def test_the_columnar_reader_served_the_registers_made_for_it() -> None:
    SERVED.clear()
    test_registers_the_columnar_reader_serves_read_the_same()
    assert len(SERVED) >= EXAMPLES // 2  # most of them: the test above is not read by rows alone


def test_a_cell_merged_down_over_data_rows_is_filled_by_the_columnar_reader(tmp_path) -> None:
    """A category written once for a block of items (merged down over three rows) counts for each
    of them, read column-wise as by rows; the row below the merge keeps its own."""
    rows = [["索引号", "标题", "发布日期", "信息类别"],
            ["A-1", "甲", dt.date(2023, 1, 5), "工作动态类"], ["A-2", "乙", dt.date(2023, 1, 6), None], ["A-3", "丙", dt.date(2023, 1, 7), None],
            ["A-4", "丁", dt.date(2023, 1, 8), "其他信息类"]]
    path = write_xlsx(tmp_path / "主动公开台账2023.xlsx", {"台账": rows}, merges={"台账": ["D2:D4"]})
    SERVED.clear()
    assert_same(path, CONFIGS["2023"])
    assert SERVED == ["主动公开台账2023.xlsx"]
    from disclo_cli.ingest import columnar
    from disclo_cli.ingest.registers import SheetReader

    ((sheet, layout, block),) = columnar.read(path, CONFIGS["2023"], None, None, min_bytes=0, today=TODAY)
    read = SheetReader(sheet, layout, CONFIGS["2023"], year=None, strict=False, today=TODAY, block=block).run()
    assert [r.category for r in read.records] == ["工作动态", "工作动态", "工作动态", "其他信息类"]


def test_texts_that_only_nearly_look_like_a_rendering_read_the_same(tmp_path) -> None:
    """A text cell '2023-01-05 00:00:00' with a newline after it, or in full-width digits, is no
    rendering of a date cell (the columnar reader ended in exit 3 on the first)."""
    rows = [["索引号", "标题", "发布日期", "信息类别", "备注"],
            ["A-1", "甲", dt.date(2023, 1, 5), "工作动态", "2023-01-05 00:00:00\n"],
            ["A-2", "乙", dt.date(2023, 1, 6), "工作动态", "２０２３-０１-０５ ００:００:００"],
            ["A-3", "丙", dt.date(2023, 1, 7), "工作动态", "12\n"]]
    path = write_xlsx(tmp_path / "主动公开台账2023.xlsx", {"台账": rows})
    for cfg in CONFIGS.values():
        assert_same(path, cfg)


def test_a_total_row_with_an_id_or_a_date_of_its_own_is_said(tmp_path) -> None:
    """合计：… in a title, with an id and a date: skipped as a total, as before, but never without a
    word (total-row-data), read by rows and column-wise alike; a plain 合计 row says nothing."""
    rows = [["索引号", "标题", "发布日期", "信息类别"],
            ["A-1", "甲", dt.date(2023, 1, 5), "工作动态"],
            ["A-2", "合计：全县财政预算执行情况", dt.date(2023, 1, 6), "工作动态"],
            [None, "合计：共2条", None, None],
            ["合计", None, None, None]]
    path = write_xlsx(tmp_path / "主动公开台账2023.xlsx", {"台账": rows})
    SERVED.clear()
    assert_same(path, CONFIGS["2023"])
    assert SERVED == ["主动公开台账2023.xlsx"]
    ways = readings(path, CONFIGS["2023"])
    for way in ways.values():
        ((_, _, read),) = way
        assert [(f.code, f.place.row, dict(f.params)["value"]) for f in read.findings if f.code == "total-row-data"] == [
            ("total-row-data", 3, "合计：全县财政预算执行情况")]
        assert [r.id for r in read.records] == ["A-1"]


def test_the_columnar_reader_takes_arrow_s_jemalloc_pool_unless_told_otherwise(monkeypatch) -> None:
    pa = pytest.importorskip("pyarrow")
    from disclo_cli import ingest
    from disclo_cli.ingest.columnar import memory_pool

    try:
        pa.jemalloc_memory_pool()
        jemalloc = True
    except NotImplementedError:  # a Windows wheel: mimalloc stays
        jemalloc = False
    before = pa.default_memory_pool()
    try:
        pa.set_memory_pool(pa.mimalloc_memory_pool())
        monkeypatch.setattr(ingest, "CHOOSE_ARROW_POOL", False)  # a library host, or ARROW_DEFAULT_MEMORY_POOL set
        memory_pool()
        assert pa.default_memory_pool().backend_name == "mimalloc"
        monkeypatch.setattr(ingest, "CHOOSE_ARROW_POOL", True)  # disclo's own process (cli.run)
        memory_pool()
        assert pa.default_memory_pool().backend_name == ("jemalloc" if jemalloc else "mimalloc")
    finally:
        pa.set_memory_pool(before)


def test_the_command_line_leaves_the_arrow_pool_to_arrow_default_memory_pool() -> None:
    import subprocess
    import sys

    probe = ("import sys; sys.argv = ['disclo', '--version']\n"
             "from disclo_cli.cli import run\n"
             "from disclo_cli import ingest\n"
             "try:\n    run()\nexcept SystemExit:\n    pass\n"
             "print('CHOOSE', ingest.CHOOSE_ARROW_POOL)\n")
    for env, chosen in (({}, "True"), ({"ARROW_DEFAULT_MEMORY_POOL": "system"}, "False")):
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", **env})
        assert f"CHOOSE {chosen}" in done.stdout, done.stderr
