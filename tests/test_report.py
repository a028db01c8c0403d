"""`disclo report`: the annual report DOCX, read back with python-docx (text, tables, fonts, page)."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn

from conftest import ROOT
from workspaces import new_ledger

SEED_DIR = ROOT / "examples" / "2018-liucheng"
OFFICE_DIR = ROOT / "examples" / "2023-office"
REPORT_2018 = "2018年政府信息公开工作年度报告.docx"
REPORT_2023 = "2023年政府信息公开工作年度报告.docx"

#: The figure sentences of the seed report (../shared/seed/2018-liucheng-annual-report.txt), verbatim,
#: including its stray space in 「占0.8 %」: compared with whitespace removed.
SEED_SENTENCES = [
    "截至2018年12月31日，累计主动公开政府信息250条，通过审核的250条，全文电子化率达100%。",
    "2018年度主动公开的信息中，机构设置类信息1条，占0.4%；预决算公开类信息2条，占0.8 %；应急管理类信息2条，占0.8%；"
    "为民办实事类信息6条，占2.4%；落实与反馈类信息2条，占0.8%；依法行政类信息2条，占0.8%；民政工作类信息5条，占2%；"
    "监督检查类信息9条，占3.6%；工作动态类信息128条，占51.2%；其他信息类88条，占35.2%；"
    "环境卫生、公共卫生、安全生产、食品药品、产品质量监督检查情况类信息5条，占2%。",
    "截止2018年12月31日，我街道共受理政府信息公开申请0件。",
    "2018年我街道未发生针对本部门有关政府信息公开事务的行政复议案和投诉案。",
]

#: The seed's appendix table, cell by cell.
SEED_APPENDIX = [
    ["指 标 名 称", "计量单位", "2018年度", "历年累计"],
    ["主动公开信息数", "条", "250", "1362"],
    ["其中：1.政府网站公开", "条", "250", "1362"],
    ["2.政府公报公开", "条", "0", "0"],
    ["受理政府信息公开申请总数", "条", "0", "0"],
    ["其中：1.当面申请数", "条", "0", "0"],
    ["2.网上申请数", "条", "0", "0"],
    ["3.信函申请数", "条", "0", "0"],
    ["对申请的答复总数", "条", "0", "0"],
    ["其中：1.同意公开答复数", "条", "0", "0"],
    ["2.同意部分公开答复数", "条", "0", "0"],
    ["3.否决公开答复总数", "条", "0", "0"],
    ["政府信息公开收费减免金额", "元", "0", "0"],
    ["行政复议数", "件", "0", "0"],
    ["行政诉讼数", "件", "0", "0"],
    ["接受行政申诉、举报数", "件", "0", "0"],
]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def doc_text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def east_asia(element) -> str | None:
    rpr = element.find(qn("w:rPr"))
    rfonts = None if rpr is None else rpr.find(qn("w:rFonts"))
    return None if rfonts is None else rfonts.get(qn("w:eastAsia"))


def highlighted(document) -> list[str]:
    runs = [r for p in document.paragraphs for r in p.runs]
    runs += [r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    return [r.text for r in runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]


def copy_workspace(source: Path, target: Path, *, prose: bool = True) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.sqlite*", *(() if prose else ("prose",))))
    new_ledger(target)  # as 'disclo init' makes it
    return target


@pytest.fixture
def disclo(run):
    """`disclo --config WS/disclo.toml ARGS...` for a workspace folder."""
    return lambda ws, *args: run("--config", ws / "disclo.toml", *args)


@pytest.fixture
def seed(tmp_path, disclo) -> Path:
    """The seed office's workspace with its 2018 items ingested (and its prose file)."""
    ws = copy_workspace(SEED_DIR, tmp_path / "liucheng")
    result = disclo(ws, "ingest", ws / "主动公开台账2018.xlsx")
    assert result.exit_code == 0, result.output
    return ws


@pytest.fixture
def office(tmp_path, disclo) -> Path:
    """The 2023 example office with items, requests and cases ingested."""
    ws = copy_workspace(OFFICE_DIR, tmp_path / "office")
    files = sorted(ws.glob("*.xlsx"))
    assert len(files) == 3
    result = disclo(ws, "ingest", *files)
    assert result.exit_code == 0, result.output
    return ws


@pytest.fixture
def seed_report(seed, disclo):
    result = disclo(seed, "report", "--year", 2018, "--date", "2018-12-31")
    assert result.exit_code == 0, result.output
    assert f"wrote {seed / REPORT_2018}" in result.stderr
    return docx.Document(str(seed / REPORT_2018))


@pytest.fixture
def office_report(office, disclo):
    result = disclo(office, "report", "--year", 2023, "--date", "2024-01-20")
    assert result.exit_code == 0, result.output
    return docx.Document(str(office / REPORT_2023))


# --- the seed report ---------------------------------------------------------------------------

def test_seed_figure_sentences(seed_report) -> None:
    text = squash(doc_text(seed_report))
    for sentence in SEED_SENTENCES:
        assert squash(sentence) in text, sentence


def test_seed_structure_title_preamble_and_signature(seed_report) -> None:
    paragraphs = seed_report.paragraphs
    assert paragraphs[0].style.name == "Disclo Title"
    assert paragraphs[0].text == "2018年南安市柳城街道办事处\n信息公开工作年度报告"
    preamble = paragraphs[1].text
    for part in ("《中华人民共和国政府信息公开条例》（以下简称《条例》）及《福建省政府信息公开办法》（以下简称《办法》）",
                 "共6个部分组成", "统计期限从2018年1月1日至12月31日止", "可在南安市人民政府政务网站下载",
                 "请与街道政府信息公开领导小组办公室联系（地址：柳城街道办事处；邮编：362300；电话：86352022；传真：86365022；电子邮箱：dzb86352022@163.com）"):
        assert part in preamble, part
    h1 = [p.text for p in paragraphs if p.style.name == "Disclo H1"]
    assert h1 == ["一、概述", "二、主动公开政府信息情况", "三、政府信息依申请公开办理情况", "四、因政府信息公开申请行政复议、提起行政诉讼的情况",
                  "五、政府信息公开工作存在的主要问题及改进措施", "六、需要说明的事项与附表"]
    h2 = [p.text for p in paragraphs if p.style.name == "Disclo H2"]
    assert h2[:4] == ["（一）建立健全工作机制", "（二）巩固提升信息公开透明度", "（三）注重信息公开效果", "（四）创新政府信息公开举措"]
    assert "（一）需要说明的其他事项：无" in h2 and "（二）附表：" in h2
    assert [p.text for p in paragraphs if p.style.name == "Disclo Signature"] == ["南安市柳城街道办事处", "2018年12月31日"]
    # the seed's own prose, with {{year}} and {{we}} filled in
    text = doc_text(seed_report)
    assert "《柳城街道关于落实2018年政务公开工作主要任务的实施方案》" in text
    assert "2018年，本级行政审批和公共服务事项总数达62项" in text
    assert "{{" not in text and highlighted(seed_report) == []


def test_seed_appendix_table_equals_the_seed(seed_report) -> None:
    assert len(seed_report.tables) == 1
    table = seed_report.tables[0]
    cells = [[c.text.strip() for c in row.cells] for row in table.rows]
    assert cells == SEED_APPENDIX
    caption = [p.text for p in seed_report.paragraphs if p.style.name == "Disclo Caption"]
    assert caption == ["2018年度政府信息公开工作情况统计表"]


def test_seed_fonts_and_page(seed_report) -> None:
    section = seed_report.sections[0]
    for actual, mm in ((section.page_width, 210), (section.page_height, 297), (section.top_margin, 37),
                       (section.bottom_margin, 35), (section.left_margin, 28), (section.right_margin, 26)):
        assert actual.mm == pytest.approx(mm, abs=0.1)
    expected = {"Disclo Title": "方正小标宋简体", "Disclo H1": "黑体", "Disclo H2": "楷体_GB2312", "Disclo Body": "仿宋_GB2312",
                "Disclo Table": "仿宋_GB2312", "Disclo Signature": "仿宋_GB2312"}
    for name, font in expected.items():
        assert east_asia(seed_report.styles[name].element) == font
    for p in seed_report.paragraphs:
        for r in p.runs:
            assert east_asia(r.element) == expected.get(p.style.name, east_asia(r.element)) and east_asia(r.element), (p.style.name, r.text)
    for row in seed_report.tables[0].rows:
        for cell in row.cells:
            for r in cell.paragraphs[0].runs:
                assert east_asia(r.element) == "仿宋_GB2312"


def test_default_standard_and_explicit_output(seed, disclo, tmp_path) -> None:
    out = tmp_path / "out" / "报告.docx"
    out.parent.mkdir()
    result = disclo(seed, "report", "--year", 2018, "--standard", "legacy", "--output", out, "--date", "2019-01-15")
    assert result.exit_code == 0, result.output
    document = docx.Document(str(out))
    assert document.paragraphs[-1].text == "2019年1月15日"
    assert not (seed / REPORT_2018).exists()


# --- the 2023 report in the national format ------------------------------------------------------

def table_with(document, text: str):
    return next(t for t in document.tables if any(text in c.text for c in t.rows[0].cells) or any(text in c.text for c in t.rows[1].cells))


def test_2023_sections_and_sentences(office_report) -> None:
    h1 = [p.text for p in office_report.paragraphs if p.style.name == "Disclo H1"]
    assert h1 == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
                  "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    assert office_report.paragraphs[0].text == "示例县自然资源局\n2023年政府信息公开工作年度报告"
    text = doc_text(office_report)
    for sentence in (
        "2023年，我局共主动公开政府信息150条。其中，通过政府网站公开135条，通过政务微信公开46条，通过政务新媒体公开31条，通过政务公开栏公开22条",
        # the office's categories exactly as its disclo.toml writes them (issue 17: no 类 of disclo's own)
        "按信息类别分，机构职能3条，占2%；政策文件14条，占9.3%；规划信息10条，占6.7%；行政许可22条，占14.7%；",
        "本年度制发规章0件、行政规范性文件4件，废止规章0件、行政规范性文件2件，现行有效规章0件、行政规范性文件14件。",
        "2023年，我局新收政府信息公开申请55件，上年结转3件。新收申请中，当面申请9件，网上申请25件，信函申请10件，传真申请2件，电子邮件申请9件。",
        "本年度办结54件，其中予以公开24件，部分公开5件，不予公开6件，无法提供9件，不予处理5件，其他处理5件；结转下年度继续办理4件。",
        "被申请行政复议4件，其中结果维持2件、结果纠正1件、尚未审结1件；被提起行政诉讼3件（未经复议直接起诉2件，复议后起诉1件）",
        "2023年，我局未收取政府信息公开信息处理费。",
        "（国办公开办函〔2021〕30号）",
    ):
        assert sentence in text, sentence


def test_2023_table_three_official_layout(office_report) -> None:
    expected = json.loads((OFFICE_DIR / "expected_2023.json").read_text(encoding="utf-8"))
    table = table_with(office_report, "申请人情况")
    assert len(table.columns) == 10
    assert len(table.rows) == 3 + 25
    # merged header: the corner over 3 columns x 3 rows, 申请人情况 over the 7 value columns
    corner = table.cell(0, 0)
    assert corner.text == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert corner._tc is table.cell(2, 2)._tc
    assert table.cell(0, 3)._tc is table.cell(0, 9)._tc and table.cell(0, 3).text == "申请人情况"
    assert table.cell(1, 3)._tc is table.cell(2, 3)._tc and table.cell(1, 3).text == "自然人"
    assert table.cell(1, 4)._tc is table.cell(1, 8)._tc and table.cell(1, 4).text == "法人或其他组织"
    assert [table.cell(2, c).text for c in range(4, 9)] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert table.cell(1, 9)._tc is table.cell(2, 9)._tc and table.cell(1, 9).text == "总计"
    # merged label area
    body = table.rows[3:]
    assert body[0].cells[0]._tc is body[0].cells[2]._tc  # 一、 over three label columns
    assert table.cell(5, 0)._tc is table.cell(26, 0)._tc and table.cell(5, 0).text == "三、本年度办理结果"
    assert table.cell(7, 1)._tc is table.cell(14, 1)._tc and table.cell(7, 1).text == "（三）不予公开"
    assert table.cell(26, 1)._tc is table.cell(26, 2)._tc and table.cell(26, 1).text == "（七）总计"
    # every value, against the generator's ground truth
    values = [[int(c.text) for c in row.cells[3:]] for row in body]
    assert values == [r["values"] for r in expected["table3"]["rows"]]
    assert values[0] == [39, 7, 2, 2, 3, 2, 55]
    assert values[1] == [3, 0, 0, 0, 0, 0, 3]
    assert values[23] == [40, 6, 1, 2, 3, 2, 54]
    assert values[24] == [2, 1, 1, 0, 0, 0, 4]
    labels = [row.cells[2].text for row in body]
    assert labels[2] == "（一）予以公开" and labels[4] == "1.属于国家秘密" and labels[24] == "四、结转下年度继续办理"


def test_2023_table_four_official_layout(office_report) -> None:
    expected = json.loads((OFFICE_DIR / "expected_2023.json").read_text(encoding="utf-8"))
    table = table_with(office_report, "未经复议直接起诉")
    assert len(table.columns) == 15 and len(table.rows) == 4
    assert table.cell(0, 0)._tc is table.cell(1, 4)._tc and table.cell(0, 0).text == "行政复议"
    assert table.cell(0, 5)._tc is table.cell(0, 14)._tc and table.cell(0, 5).text == "行政诉讼"
    assert table.cell(1, 5).text == "未经复议直接起诉" and table.cell(1, 10).text == "复议后起诉"
    assert [c.text for c in table.rows[2].cells] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3
    values = [int(c.text) for c in table.rows[3].cells]
    assert values == expected["table4"] == [2, 1, 0, 1, 4, 1, 0, 1, 0, 2, 0, 0, 0, 1, 1]


def test_2023_table_two_blocks_and_subheaders(office_report) -> None:
    table = table_with(office_report, "第二十条第（一）项")
    assert len(table.columns) == 4
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["第二十条第（一）项"] * 4 and table.cell(0, 0)._tc is table.cell(0, 3)._tc
    assert rows[1] == ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    assert rows[2] == ["规章", "0", "0", "0"]
    assert rows[3] == ["行政规范性文件", "4", "2", "14"]
    licence = next(i for i, r in enumerate(rows) if r[0] == "行政许可")
    assert rows[licence - 1] == ["信息内容"] + ["本年处理决定数量"] * 3
    assert table.cell(licence, 1)._tc is table.cell(licence, 3)._tc and rows[licence][1] == "326"
    assert next(r for r in rows if r[0] == "行政事业性收费")[1] == "12.6"


def test_2023_missing_prose_is_highlighted(office_report, office, disclo) -> None:
    marks = highlighted(office_report)
    assert marks and all(m.startswith("【请填写：") and m.endswith("】") for m in marks)
    assert "【请填写：存在的主要问题、上年问题的整改情况和本年的改进措施】" in marks
    result = disclo(office, "report", "--year", 2023, "--date", "2024-01-20")
    assert "no prose file" in result.stderr and "--new-prose" in result.stderr
    assert f"{len(marks)} 【请填写】 placeholder(s)" in result.stderr


def test_2019_format_blank_figures_become_placeholders(office, disclo, tmp_path) -> None:
    out = tmp_path / "2019.docx"
    result = disclo(office, "report", "--year", 2023, "--standard", "2019", "-o", out)
    assert result.exit_code == 0, result.output
    assert "no yearly figure 'licence_items_prev' for 2023" in result.stderr
    document = docx.Document(str(out))
    table = table_with(document, "第二十条第（一）项")
    row = next(r for r in table.rows if r.cells[0].text == "行政许可")
    assert [c.text for c in row.cells] == ["行政许可", "【请填写：数字】", "【请填写：数字】", "326"]
    assert "【请填写：数字】" in highlighted(document)
    three = table_with(document, "申请人情况")
    assert len(three.rows) == 3 + 23  # （六） without sub-rows
    # formats.md §2 (corrected): real 2019 reports head section 五 as in 2021
    assert "五、存在的主要问题及改进情况" in doc_text(document) and "政府信息公开工作存在的主要问题" not in doc_text(document)


# --- prose: placeholders, unknown sections, new files --------------------------------------------

def test_prose_placeholders_are_filled(seed, disclo) -> None:
    (seed / "prose" / "2018.md").write_text(
        "# 一、概述\n"
        "{{year}}年{{we}}主动公开{{items}}条（历年累计{{items_cumulative}}条），其中工作动态类{{category:工作动态类}}条，占{{ category_share : 工作动态类 }}；"
        "政务公开栏{{channel:政务公开栏}}条；附表主动公开信息数历年累计{{cell:附表.items/历年累计}}条。\n"
        "## （一）小节\n"
        "{{sentence:cases}}\n"
        "# 三、政府信息依申请公开办理情况\n"
        "{{sentence:requests}}本单位另有说明。\n"
        "# 七、不存在的节\n"
        "这一段不会印出。\n"
        "# 五、问题\n"
        "{{nonsense}}\n",
        encoding="utf-8",
    )
    result = disclo(seed, "report", "--year", 2018)
    assert result.exit_code == 0, result.output
    document = docx.Document(str(seed / REPORT_2018))
    text = doc_text(document)
    assert "2018年我街道主动公开250条（历年累计1362条），其中工作动态类128条，占51.2%；政务公开栏22条；附表主动公开信息数历年累计1362条。" in text
    assert "（一）小节" in [p.text for p in document.paragraphs if p.style.name == "Disclo H2"]
    # a sentence placed by the clerk is not repeated at the top of its section
    assert text.count("共受理政府信息公开申请0件") == 1
    assert "截止2018年12月31日，我街道共受理政府信息公开申请0件。本单位另有说明。" in text
    assert "这一段不会印出" not in text
    assert "section '# 七、不存在的节' matches no section" in result.stderr
    assert "unknown placeholder {{nonsense}}" in result.stderr and "2018.md, line 10" in result.stderr
    assert "【请填写：无法识别的占位符 nonsense】" in highlighted(document)
    # a section left empty in the file still gets its placeholder
    assert "【请填写：政策解读的做法和数量】" in highlighted(document)


def test_new_prose_from_last_year(office, disclo) -> None:
    (office / "prose").mkdir()
    (office / "prose" / "2022.md").write_text(
        "# 一、总体情况\n2022年，我局按照示自然资〔2022〕3号文件要求推进公开；2021年以来成效明显。\n"
        "## （三）政府信息管理\n{{year}}年做了管理。\n# 五、存在的主要问题及改进情况\n无。\n",
        encoding="utf-8",
    )
    result = disclo(office, "report", "--year", 2023, "--new-prose")
    assert result.exit_code == 0, result.output
    assert "copied from 2022.md" in result.stderr
    text = (office / "prose" / "2023.md").read_text(encoding="utf-8")
    assert "2023年，我局按照示自然资〔2022〕3号文件要求推进公开；2022年以来成效明显。" in text
    assert "{{year}}年做了管理。" in text
    assert text.count("【请填写：本节由2022年的文字稿复制，核对、更新后删除本行】") == 2
    assert not (office / REPORT_2023).exists()  # --new-prose writes only the prose file
    again = disclo(office, "report", "--year", 2023, "--new-prose")
    assert again.exit_code == 1 and "already exists; nothing was changed" in again.stderr
    report = disclo(office, "report", "--year", 2023)
    assert report.exit_code == 0
    document = docx.Document(str(office / REPORT_2023))
    assert "2023年做了管理。" in doc_text(document)
    assert "【请填写：本节由2022年的文字稿复制，核对、更新后删除本行】" in highlighted(document)


def test_new_prose_skeleton_parses_back_to_the_outline(seed, disclo) -> None:
    result = disclo(seed, "report", "--year", 2019, "--new-prose")
    assert result.exit_code == 0, result.output
    assert "another format" in result.stderr  # 2018 is legacy, 2019 national: a skeleton, last year's kept as a comment
    from disclo_cli.report.prose import parse

    prose = parse((seed / "prose" / "2019.md").read_text(encoding="utf-8"))
    assert [s.heading for s in prose.sections] == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                                                   "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    assert all(s.is_empty() for s in prose.sections) and prose.findings == []


def test_final_refuses_placeholders(office, disclo) -> None:
    result = disclo(office, "report", "--year", 2023, "--final")
    assert result.exit_code == 1
    assert "placeholder(s) remain; no final report was written" in result.stderr
    assert "Traceback" not in result.output
    assert not (office / REPORT_2023).exists()


def test_category_phrase() -> None:
    from disclo_cli.report.sentences import category_phrase

    assert category_phrase("机构设置类", legacy=True) == "机构设置类信息"
    assert category_phrase("其他信息类", legacy=True) == "其他信息类"
    # issue 17: a name is printed as the office writes it; disclo adds no 类 of its own
    assert category_phrase("机构职能", legacy=True) == "机构职能"
    assert category_phrase("财政信息", legacy=True) == "财政信息"
    assert category_phrase("工作动态", legacy=False) == "工作动态"
    assert category_phrase("工作动态类", legacy=False) == "工作动态类"


# --- safety: identities, atomic writes, clear errors ---------------------------------------------

@pytest.fixture
def broken_identity(monkeypatch):
    """Table 三 of every build breaks 一 + 二 = 三（七） + 四 in column 自然人."""
    from disclo_cli import tables as year_tables
    from disclo_cli.model import Finding, Place

    real = year_tables.build_tables

    def build_tables(*args, **kwargs):
        tables = real(*args, **kwargs)
        bad = Finding.of("error", "identity", Place(column="三.*/自然人"), table="三", where="column 自然人", identity="一 + 二 = 三（七） + 四",
                         left=42, right=41, relation="≠")
        return [dataclasses.replace(t, findings=(*t.findings, bad)) if t.table == "三" else t for t in tables]

    monkeypatch.setattr(year_tables, "build_tables", build_tables)


def test_identity_failure_stops_the_report(office, disclo, broken_identity) -> None:
    result = disclo(office, "report", "--year", 2023, "--json", office / "r.json")
    assert result.exit_code == 1
    assert "break 1 identity check(s); no report was written" in result.stderr
    assert "table 三, column 自然人: 一 + 二 = 三（七） + 四 does not hold: 42 ≠ 41 (cell 三.*/自然人)" in result.stderr
    assert "--force" in result.stderr and "Traceback" not in result.output
    assert not (office / REPORT_2023).exists() and not (office / "r.json").exists()


def test_force_writes_an_unchecked_report(office, disclo, broken_identity) -> None:
    result = disclo(office, "report", "--year", 2023, "--force")
    assert result.exit_code == 0, result.output
    assert "UNCHECKED" in result.stderr and "does not hold" in result.stderr
    document = docx.Document(str(office / REPORT_2023))
    mark = document.paragraphs[1]
    assert mark.text.startswith("【未通过数据校验")
    assert all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in mark.runs)


def test_failed_overwrite_keeps_the_previous_report(seed, disclo, monkeypatch) -> None:
    from docx.document import Document as DocxDocument

    json_path = seed / "r.json"
    first = disclo(seed, "report", "--year", 2018, "--json", json_path)
    assert first.exit_code == 0
    before, before_json = (seed / REPORT_2018).read_bytes(), json_path.read_bytes()

    def broken_save(self, stream):
        stream.write(b"partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(DocxDocument, "save", broken_save)
    listing = sorted(p.name for p in seed.iterdir())
    result = disclo(seed, "report", "--year", 2018, "--json", json_path)
    assert result.exit_code == 1
    assert f"{seed / REPORT_2018}: cannot be written (No space left on device)" in result.stderr
    assert "Traceback" not in result.output
    assert (seed / REPORT_2018).read_bytes() == before and json_path.read_bytes() == before_json
    assert sorted(p.name for p in seed.iterdir()) == listing  # no temp file left behind


def test_json_equals_disclo_table(office, disclo) -> None:
    result = disclo(office, "report", "--year", 2023, "--json", office / "r.json")
    assert result.exit_code == 0, result.output
    table = disclo(office, "table", "--year", 2023, "--format", "json")
    assert json.loads((office / "r.json").read_text(encoding="utf-8")) == json.loads(table.stdout)


def test_json_equals_disclo_table_legacy(seed, disclo) -> None:
    assert disclo(seed, "report", "--year", 2018, "--json", seed / "r.json").exit_code == 0
    table = disclo(seed, "table", "--year", 2018, "--format", "json")
    assert json.loads((seed / "r.json").read_text(encoding="utf-8")) == json.loads(table.stdout)


def test_missing_ledger_is_a_clear_error(tmp_path, disclo) -> None:
    ws = copy_workspace(SEED_DIR, tmp_path / "empty")
    (ws / "disclo.sqlite").unlink()
    result = disclo(ws, "report", "--year", 2018)
    assert result.exit_code == 1
    assert "the ledger is missing" in result.stderr and "disclo init" in result.stderr
    assert "Traceback" not in result.output


def test_output_folder_missing_is_a_clear_error(seed, disclo, tmp_path) -> None:
    result = disclo(seed, "report", "--year", 2018, "--output", tmp_path / "nope" / "r.docx")
    assert result.exit_code == 1
    assert "does not exist" in result.stderr and "Traceback" not in result.output


def test_force_and_final_together_is_a_usage_error(seed, disclo) -> None:
    result = disclo(seed, "report", "--year", 2018, "--force", "--final")
    assert result.exit_code == 2 and "cannot be used together" in result.stderr


def test_prose_not_utf8_is_a_clear_error(seed, disclo) -> None:
    (seed / "prose" / "2018.md").write_bytes("# 一、概述\n中文".encode("gb18030"))
    result = disclo(seed, "report", "--year", 2018)
    assert result.exit_code == 1 and "not UTF-8 text" in result.stderr
