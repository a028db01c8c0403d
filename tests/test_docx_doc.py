from __future__ import annotations

import os
import re
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from disclo_cli.report.docx_doc import (
    PLACEHOLDER_RE,
    HeaderCell,
    OfficialDocument,
    format_date,
)

PLACEHOLDER = "【请填写：主动公开条数】"


def _east_asia(element: object) -> str | None:
    """Return w:rFonts/@w:eastAsia of a run or style element (None if absent)."""
    rpr = element.find(qn("w:rPr"))  # type: ignore[attr-defined]
    if rpr is None:
        return None
    rfonts = rpr.find(qn("w:rFonts"))
    return None if rfonts is None else rfonts.get(qn("w:eastAsia"))


def _build() -> OfficialDocument:
    doc = OfficialDocument()
    doc.title("××市人民政府办公室\n2019年政府信息公开工作年度报告")
    doc.heading1("一、总体情况")
    doc.heading2("（一）主动公开")
    doc.paragraph(f"本年度共主动公开政府信息{PLACEHOLDER}条，同比增长12.5%。")
    doc.paragraph("不缩进的段落。", indent=False, align="left")
    doc.page_break()
    doc.heading1("二、主动公开政府信息情况")
    doc.table(
        [
            [HeaderCell("信息内容", rowspan=2), HeaderCell("第二十条第（一）项", colspan=3)],
            [HeaderCell("本年新制作数量"), HeaderCell("本年新公开数量"), HeaderCell("对外公开总数量")],
        ],
        [
            ["规章", "0", "0", "5"],
            ["规范性文件", "1", "【请填写：数量】", "12"],
            ["说明：全宽行。"],
        ],
        col_widths_mm=[60, 32, 32, 32],
        caption="表1  主动公开情况",
    )
    doc.signature("××市人民政府办公室", "2020年1月15日")
    return doc


@pytest.fixture()
def saved(tmp_path: Path) -> DocxDocument:
    path = tmp_path / "report.docx"
    _build().save(path)
    assert path.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["report.docx"]
    return docx.Document(str(path))


def _paragraph(doc: DocxDocument, startswith: str):  # type: ignore[no-untyped-def]
    return next(p for p in doc.paragraphs if p.text.startswith(startswith))


def test_page_setup(saved: DocxDocument) -> None:
    section = saved.sections[0]
    for actual, expected in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert actual is not None
        assert actual.mm == pytest.approx(expected, abs=0.1)


def test_style_fonts(saved: DocxDocument) -> None:
    expected = {
        "Normal": "仿宋_GB2312",
        "Disclo Title": "方正小标宋简体",
        "Disclo H1": "黑体",
        "Disclo H2": "楷体_GB2312",
        "Disclo Body": "仿宋_GB2312",
        "Disclo Table": "仿宋_GB2312",
        "Disclo Signature": "仿宋_GB2312",
    }
    for name, font in expected.items():
        style = saved.styles[name]
        assert _east_asia(style.element) == font, name
        lang = style.element.find(qn("w:rPr")).find(qn("w:lang"))
        assert lang.get(qn("w:eastAsia")) == "zh-CN"
    body = saved.styles["Disclo Body"]
    assert body.font.name == "Times New Roman"
    assert body.font.size == Pt(16)
    assert saved.styles["Disclo H1"].font.bold is False
    assert saved.styles["Disclo H1"].font.size == Pt(16)
    assert saved.styles["Disclo Table"].font.size == Pt(10.5)


def test_runs_carry_east_asia_fonts(saved: DocxDocument) -> None:
    runs = [r for p in saved.paragraphs for r in p.runs]
    runs += [r for t in saved.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert runs
    for run in runs:
        assert _east_asia(run.element), run.text
    by_style = {
        "Disclo Title": "方正小标宋简体",
        "Disclo H1": "黑体",
        "Disclo H2": "楷体_GB2312",
        "Disclo Body": "仿宋_GB2312",
    }
    for p in saved.paragraphs:
        if p.style.name in by_style:
            for run in p.runs:
                assert _east_asia(run.element) == by_style[p.style.name]


def test_title(saved: DocxDocument) -> None:
    title = _paragraph(saved, "××市")
    assert title.style.name == "Disclo Title"
    assert title.style.font.size == Pt(22)
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.text == "××市人民政府办公室\n2019年政府信息公开工作年度报告"
    assert saved.core_properties.title == "××市人民政府办公室2019年政府信息公开工作年度报告"


def test_body_paragraph_format(saved: DocxDocument) -> None:
    para = _paragraph(saved, "本年度")
    fmt = para.style.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert fmt.line_spacing == Pt(28)
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert fmt.first_line_indent == Pt(32)
    ind = para.style.element.find(qn("w:pPr")).find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"

    flat = _paragraph(saved, "不缩进")
    ind = flat._p.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "0"
    assert flat.paragraph_format.first_line_indent == 0
    assert flat.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.LEFT


def test_placeholder_highlight(saved: DocxDocument) -> None:
    para = _paragraph(saved, "本年度")
    texts = [r.text for r in para.runs]
    assert texts == ["本年度共主动公开政府信息", PLACEHOLDER, "条，同比增长12.5%。"]
    highlights = [r.font.highlight_color for r in para.runs]
    assert highlights == [None, WD_COLOR_INDEX.YELLOW, None]
    cell_runs = saved.tables[0].cell(3, 2).paragraphs[0].runs
    assert [r.font.highlight_color for r in cell_runs] == [WD_COLOR_INDEX.YELLOW]
    assert PLACEHOLDER_RE.fullmatch(PLACEHOLDER)


def test_page_break_before_next_block(saved: DocxDocument) -> None:
    assert _paragraph(saved, "二、").paragraph_format.page_break_before is True
    assert _paragraph(saved, "一、").paragraph_format.page_break_before is None


def test_table_merges_and_text(saved: DocxDocument) -> None:
    assert len(saved.tables) == 1
    table = saved.tables[0]
    assert len(table.columns) == 4
    assert len(table.rows) == 5
    # rowspan=2: vertical merge
    assert table.cell(0, 0)._tc is table.cell(1, 0)._tc
    assert table.cell(0, 0).text == "信息内容"
    # colspan=3: horizontal merge
    assert table.cell(0, 1)._tc is table.cell(0, 2)._tc is table.cell(0, 3)._tc
    assert table.cell(0, 1).text == "第二十条第（一）项"
    assert [table.cell(1, c).text for c in (1, 2, 3)] == ["本年新制作数量", "本年新公开数量", "对外公开总数量"]
    tcs = [table.cell(1, c)._tc for c in (1, 2, 3)]  # kept alive: ids of freed proxies are reused
    assert len({id(tc) for tc in tcs}) == 3
    # body
    assert [c.text for c in table.rows[2].cells] == ["规章", "0", "0", "5"]
    first, number = table.cell(2, 0).paragraphs[0], table.cell(2, 1).paragraphs[0]
    assert first.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert number.runs[0].font.size == Pt(10.5)
    # full-width block row
    full = table.rows[4]
    assert full.cells[0]._tc is full.cells[3]._tc
    assert full.cells[0].text == "说明：全宽行。"
    assert full.cells[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    # header rows repeat, body rows do not
    flags = [row._tr.trPr.find(qn("w:tblHeader")) is not None for row in table.rows]
    assert flags == [True, True, False, False, False]
    # column widths
    widths = [col.width.mm for col in table.columns]
    assert widths == pytest.approx([60, 32, 32, 32], abs=0.1)
    # caption precedes the table
    assert _paragraph(saved, "表1").style.name == "Disclo Caption"


def test_table_borders(saved: DocxDocument) -> None:
    tbl_pr = saved.tables[0]._tbl.tblPr
    borders = tbl_pr.find(qn("w:tblBorders"))
    assert borders is not None
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = borders.find(qn(f"w:{edge}"))
        assert el is not None and el.get(qn("w:val")) == "single", edge


def _footer_paragraph(footer):  # type: ignore[no-untyped-def]
    (para,) = footer.paragraphs
    return para


def _field_runs(para) -> list[str]:  # type: ignore[no-untyped-def]
    """The paragraph's runs as tokens: text, or the field character / instruction they carry."""
    tokens = []
    for r in para._p.iter(qn("w:r")):
        fld = r.find(qn("w:fldChar"))
        instr = r.find(qn("w:instrText"))
        if fld is not None:
            tokens.append(fld.get(qn("w:fldCharType")))
        elif instr is not None:
            tokens.append(f"instr:{instr.text.strip()}")
        else:
            tokens.append("".join(t.text for t in r.iter(qn("w:t"))))
    return tokens


def test_page_numbers_on_the_outside_edge(saved: DocxDocument) -> None:
    section = saved.sections[0]
    assert saved.settings.odd_and_even_pages_header_footer is True
    odd, even = _footer_paragraph(section.footer), _footer_paragraph(section.even_page_footer)
    assert section.footer.is_linked_to_previous is False and section.even_page_footer.is_linked_to_previous is False
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert even.alignment == WD_ALIGN_PARAGRAPH.LEFT
    odd_ind, even_ind = odd._p.pPr.find(qn("w:ind")), even._p.pPr.find(qn("w:ind"))
    # one character (一字) in from the edge: 100 hundredths of a character, 14 pt = 280 twips
    assert (odd_ind.get(qn("w:rightChars")), odd_ind.get(qn("w:right"))) == ("100", "280")
    assert (even_ind.get(qn("w:leftChars")), even_ind.get(qn("w:left"))) == ("100", "280")
    assert odd_ind.get(qn("w:leftChars")) == "0" and even_ind.get(qn("w:rightChars")) == "0"
    for para, result in ((odd, "1"), (even, "2")):
        assert _field_runs(para) == ["— ", "begin", "instr:PAGE", "separate", result, "end", " —"]
        for run in para._p.iter(qn("w:r")):
            rfonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
            assert rfonts.get(qn("w:eastAsia")) == rfonts.get(qn("w:ascii")) == "宋体"  # 半角宋体 numerals
            assert run.find(qn("w:rPr")).find(qn("w:sz")).get(qn("w:val")) == "28"  # 四号 14 pt


def test_settings_part_turns_on_even_and_odd_footers(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "r.docx"
    _build().save(path)
    with zipfile.ZipFile(path) as z:
        settings = z.read("word/settings.xml").decode()
        document = z.read("word/document.xml").decode()
    assert "<w:evenAndOddHeaders/>" in settings
    refs = re.findall(r'<w:footerReference w:type="(\w+)"', document)
    assert sorted(refs) == ["default", "even"]


def test_signature(saved: DocxDocument) -> None:
    # the title also starts with the office name; take the last exact match
    office = [p for p in saved.paragraphs if p.text == "××市人民政府办公室"][-1]
    date = _paragraph(saved, "2020年")
    assert office.style.name == date.style.name == "Disclo Signature"
    assert office.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    office_right = int(office._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")))
    date_right = int(date._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")))
    assert office_right == 200  # 右空二字
    # date starts two characters right of the office name's first character
    assert date_right == office_right + 1000 - 200 - 650  # 10 chars vs 6.5 chars


def test_signature_long_date_keeps_date_two_chars_from_margin(tmp_path: Path) -> None:
    doc = OfficialDocument()
    doc.signature("某局", "2020年12月31日")
    path = tmp_path / "s.docx"
    doc.save(path)
    office, date = docx.Document(str(path)).paragraphs[-2:]
    assert date._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")) == "200"
    assert office._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")) == str(200 + 700 + 200 - 200)


def test_format_date() -> None:
    import datetime

    assert format_date(datetime.date(2019, 1, 15)) == "2019年1月15日"


def test_table_validation() -> None:
    doc = OfficialDocument()
    with pytest.raises(ValueError):
        doc.table([[HeaderCell("a"), HeaderCell("b")]], [["1", "2", "3"]])
    with pytest.raises(ValueError):  # second header row leaves a gap
        doc.table([[HeaderCell("a"), HeaderCell("b")], [HeaderCell("c")]], [])
    with pytest.raises(ValueError):  # rowspan past header
        doc.table([[HeaderCell("a", rowspan=2), HeaderCell("b")]], [])
    with pytest.raises(ValueError):
        doc.table([[HeaderCell("a"), HeaderCell("b")]], [], col_widths_mm=[10])
    with pytest.raises(ValueError):
        HeaderCell("x", colspan=0)
    with pytest.raises(ValueError):
        doc.paragraph("x", align="middle")


def test_save_missing_directory(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "out.docx"
    with pytest.raises(OSError):
        _build().save(target)
    assert not target.parent.exists()
    assert list(tmp_path.iterdir()) == []


def test_save_failure_keeps_original(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.docx"
    target.write_bytes(b"original bytes")
    os.chmod(target, 0o640)

    def broken_save(self: DocxDocument, stream: object) -> None:
        stream.write(b"partial")  # type: ignore[attr-defined]
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(DocxDocument, "save", broken_save)
    with pytest.raises(RuntimeError, match="disk on fire"):
        _build().save(target)
    assert target.read_bytes() == b"original bytes"
    assert [p.name for p in tmp_path.iterdir()] == ["report.docx"]


def test_save_overwrites_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.docx"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    _build().save(str(target))
    assert target.read_bytes()[:2] == b"PK"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["report.docx"]


# --- merged body cells (the national tables' label areas) ---------------------------------------


def _merged_body_doc(tmp_path: Path) -> DocxDocument:
    from disclo_cli.render import LayoutCell
    from disclo_cli.report.docx_doc import TableCell

    doc = OfficialDocument()
    doc.table(
        [[HeaderCell("项目", colspan=3), HeaderCell("甲"), HeaderCell("乙")]],
        [
            [LayoutCell("一、新收", 3), "1", "2"],
            [LayoutCell("三、结果", 1, 4), LayoutCell("（一）公开", 2), "3", "4"],
            [LayoutCell("（三）不予公开", 1, 2), "1.秘密", "5", "6"],
            ["2.第三方", "7", "8"],
            [LayoutCell("（七）总计", 2), LayoutCell("15", 2)],
            [TableCell("小计", colspan=3, align="center"), "9", TableCell("10", align="right")],
        ],
        col_widths_mm=[20, 30, 40, 33, 33],
        label_columns=3,
        keep_together=True,
    )
    path = tmp_path / "merged.docx"
    doc.save(path)
    return docx.Document(str(path))


def test_body_rowspans_and_colspans(tmp_path: Path) -> None:
    table = _merged_body_doc(tmp_path).tables[0]
    assert len(table.rows) == 7 and len(table.columns) == 5
    # colspan 3 in a body row
    assert table.cell(1, 0)._tc is table.cell(1, 2)._tc
    assert [table.cell(1, c).text for c in (0, 3, 4)] == ["一、新收", "1", "2"]
    # rowspan 4 in the first label column: one vertical merge over rows 2-5
    assert table.cell(2, 0)._tc is table.cell(5, 0)._tc
    assert table.cell(2, 0).text == "三、结果"
    vmerge = [row._tr.tc_lst[0].tcPr.vMerge_val for row in table.rows[2:6]]
    assert vmerge == ["restart", "continue", "continue", "continue"]
    # rowspan 2 in the second column, then the next row's cells skip the covered slots
    assert table.cell(3, 1)._tc is table.cell(4, 1)._tc
    assert [table.cell(4, c).text for c in (1, 2, 3, 4)] == ["（三）不予公开", "2.第三方", "7", "8"]
    # colspan 2 over value columns
    assert table.cell(5, 1).text == "（七）总计"
    assert table.cell(5, 3)._tc is table.cell(5, 4)._tc and table.cell(5, 3).text == "15"
    assert [table.cell(6, c).text for c in (0, 3, 4)] == ["小计", "9", "10"]


def test_body_alignment_and_keep_together(tmp_path: Path) -> None:
    table = _merged_body_doc(tmp_path).tables[0]
    align = lambda r, c: table.cell(r, c).paragraphs[0].alignment  # noqa: E731
    assert align(1, 0) == WD_ALIGN_PARAGRAPH.LEFT  # label area (label_columns=3)
    assert align(3, 2) == WD_ALIGN_PARAGRAPH.LEFT
    assert align(1, 3) == WD_ALIGN_PARAGRAPH.CENTER  # values
    assert align(6, 0) == WD_ALIGN_PARAGRAPH.CENTER  # a cell's own align wins
    assert align(6, 4) == WD_ALIGN_PARAGRAPH.RIGHT
    keep = [all(p.paragraph_format.keep_with_next for tc in row._tr.tc_lst for p in _paragraphs(tc)) for row in table.rows]
    assert keep == [True] * 6 + [False]


def _paragraphs(tc):  # type: ignore[no-untyped-def]
    from docx.text.paragraph import Paragraph

    return [Paragraph(p, None) for p in tc.iter(qn("w:p"))]


def test_body_without_header_takes_width_from_first_row(tmp_path: Path) -> None:
    from disclo_cli.render import LayoutCell

    doc = OfficialDocument()
    doc.table([], [[LayoutCell("第二十条第（一）项", 4)], [LayoutCell("信息内容"), LayoutCell("本年处理决定数量", 3)], ["行政许可", LayoutCell("326", 3)]])
    path = tmp_path / "t.docx"
    doc.save(path)
    table = docx.Document(str(path)).tables[0]
    assert len(table.columns) == 4
    assert table.cell(2, 1)._tc is table.cell(2, 3)._tc and table.cell(2, 1).text == "326"
    assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows)


def test_body_span_validation() -> None:
    from disclo_cli.report.docx_doc import TableCell

    doc = OfficialDocument()
    header = [[HeaderCell("a"), HeaderCell("b"), HeaderCell("c")]]
    with pytest.raises(ValueError, match="spans past"):
        doc.table(header, [[TableCell("x", rowspan=2), "1", "2"]])
    with pytest.raises(ValueError, match="overflows"):
        doc.table(header, [[TableCell("x", colspan=2), "1", "2"]])
    with pytest.raises(ValueError, match="empty"):
        doc.table(header, [[TableCell("x", colspan=2)], ["1", "2", "3"]])
    with pytest.raises(ValueError):
        TableCell("x", rowspan=0)
    with pytest.raises(ValueError):
        TableCell("x", align="middle")


def test_notice_is_highlighted(tmp_path: Path) -> None:
    doc = OfficialDocument()
    doc.title("某局")
    doc.notice("【未通过数据校验】")
    path = tmp_path / "n.docx"
    doc.save(path)
    para = docx.Document(str(path)).paragraphs[1]
    assert para.text == "【未通过数据校验】"
    assert para.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in para.runs)


# --- indent, package parts, keeping together, WPS structure, figures ------------------------------


def _saved(doc: OfficialDocument, tmp_path: Path, name: str = "d.docx") -> Path:
    path = tmp_path / name
    doc.save(path)
    return path


def _part(path: Path, name: str) -> str:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


def test_table_cell_indent_is_paragraph_indentation(tmp_path: Path) -> None:
    from disclo_cli.report.docx_doc import TableCell

    doc = OfficialDocument()
    doc.table(
        [[HeaderCell("指标"), HeaderCell("数")]],
        [[TableCell("其中：1.政府网站公开"), "250"], [TableCell("2.政府公报公开", indent=3), "0"]],
        col_widths_mm=[60, 40],
    )
    table = docx.Document(str(_saved(doc, tmp_path))).tables[0]
    first, sub = table.cell(1, 0).paragraphs[0], table.cell(2, 0).paragraphs[0]
    assert sub.text == "2.政府公报公开"  # no leading spaces
    ind = sub._p.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:leftChars")) == "300"
    assert ind.get(qn("w:left")) == str(3 * 21 * 10)  # 3 characters of 10.5 pt, in twips
    assert first._p.pPr.find(qn("w:ind")) is None
    assert table.cell(2, 1).paragraphs[0]._p.pPr.find(qn("w:ind")) is None
    with pytest.raises(ValueError):
        TableCell("x", indent=-1)


def test_font_table_lists_the_fonts_used_with_substitutes(tmp_path: Path) -> None:
    from lxml import etree

    fonts = etree.fromstring(_part(_saved(_build(), tmp_path), "word/fontTable.xml").encode())
    w = lambda el, tag: el.find(qn(f"w:{tag}"))  # noqa: E731
    entries = {f.get(qn("w:name")): f for f in fonts.findall(qn("w:font"))}
    assert set(entries) == {"方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体", "Times New Roman"}
    alt = {name: w(f, "altName").get(qn("w:val")) for name, f in entries.items() if w(f, "altName") is not None}
    assert alt == {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "黑体": "SimHei", "宋体": "SimSun", "方正小标宋简体": "宋体"}
    for name, font in entries.items():
        expected = "00" if name == "Times New Roman" else "86"  # 86 = GB 2312
        assert w(font, "charset").get(qn("w:val")) == expected, name
        assert w(font, "family") is not None and w(font, "pitch") is not None, name
    assert w(entries["仿宋_GB2312"], "panose1").get(qn("w:val")) == "02010609030101010101"
    assert w(entries["Times New Roman"], "panose1").get(qn("w:val")) == "02020603050405020304"


def test_no_template_fonts_left_in_styles_theme_or_settings(tmp_path: Path) -> None:
    path = _saved(_build(), tmp_path)
    theme, styles, settings = (_part(path, p) for p in ("word/theme/theme1.xml", "word/styles.xml", "word/settings.xml"))
    for stale in ("Cambria", "ＭＳ 明朝", "ＭＳ ゴシック", "Calibri"):
        assert stale not in theme, stale
        assert stale not in _part(path, "word/fontTable.xml"), stale
    assert re.search(r'<a:minorFont>\s*<a:latin typeface="Times New Roman"/>\s*<a:ea typeface="仿宋_GB2312"/>', theme)
    assert re.search(r'<a:majorFont>\s*<a:latin typeface="Times New Roman"/>\s*<a:ea typeface="黑体"/>', theme)
    defaults = styles[styles.index("<w:docDefaults>") : styles.index("</w:docDefaults>")]
    assert 'w:eastAsia="仿宋_GB2312"' in defaults and "Theme=" not in defaults
    assert 'w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"' in settings
    assert "savePreviewPicture" not in settings
    # Word 2013+ layout, not "Compatibility Mode"
    assert re.search(r'<w:compatSetting w:name="compatibilityMode" w:uri="[^"]+" w:val="15"/>', settings)


def test_app_properties_and_no_thumbnail(tmp_path: Path) -> None:
    import zipfile

    from disclo_cli import __version__

    path = _saved(_build(), tmp_path)
    app = _part(path, "docProps/app.xml")
    assert f"<Application>disclo {__version__}</Application>" in app
    assert "<Template>Normal.dotm</Template>" in app
    for stale in ("Macintosh", "Company", "TitlesOfParts", "<Pages>", "AppVersion"):
        assert stale not in app, stale
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
    assert not [n for n in names if "thumbnail" in n or "stylesWithEffects" in n]
    for part in ("_rels/.rels", "word/_rels/document.xml.rels", "[Content_Types].xml"):
        text = _part(path, part)
        assert "thumbnail" not in text and "stylesWithEffects" not in text and "jpeg" not in text, part


def test_core_properties(tmp_path: Path) -> None:
    import datetime

    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    path = _saved(_build(), tmp_path)
    props = docx.Document(str(path)).core_properties
    assert props.title == "××市人民政府办公室2019年政府信息公开工作年度报告"
    assert props.author == props.last_modified_by == "××市人民政府办公室"  # from the signature
    assert props.created is not None and props.modified == props.created
    assert before <= props.created.replace(tzinfo=datetime.timezone.utc) <= before + datetime.timedelta(minutes=5)
    assert props.comments == props.keywords == props.subject == ""
    assert "python-docx" not in _part(path, "docProps/core.xml")


def test_long_and_control_character_text_never_breaks_saving(tmp_path: Path) -> None:
    office = "某" * 10_000
    doc = OfficialDocument()
    doc.title(f"{office}\n年度\x00报告\x07")
    doc.paragraph("正文\x0b含\x1f控制字符\ud800。\r\n第二段")
    doc.table([[HeaderCell("a\x01"), HeaderCell("b")]], [["\x02x", "1"]])
    doc.signature(office + "\x0c", "2020年1月15日")
    document = docx.Document(str(_saved(doc, tmp_path)))
    props = document.core_properties
    assert props.title == ("某" * 255) and props.author == "某" * 255
    texts = [p.text for p in document.paragraphs]
    assert texts[1:3] == ["正文含控制字符。", "第二段"]
    assert texts[-2] == office
    assert document.tables[0].cell(0, 0).text == "a" and document.tables[0].cell(1, 0).text == "x"


def _keep_flags(table) -> list[bool]:  # type: ignore[no-untyped-def]
    return [
        all(p.find(qn("w:pPr")).find(qn("w:keepNext")) is not None for p in row._tr.iter(qn("w:p")))
        for row in table.rows
    ]


def test_short_table_is_kept_together_a_long_one_never(tmp_path: Path) -> None:
    from disclo_cli.report.docx_doc import KEEP_TOGETHER_MAX_MM, estimated_table_height_mm

    header = [[HeaderCell("项目"), HeaderCell("数量")]]
    short = [[f"第{i}项", str(i)] for i in range(5)]
    long = [[f"第{i}项", str(i)] for i in range(30)]
    assert estimated_table_height_mm(header, short) < KEEP_TOGETHER_MAX_MM < estimated_table_height_mm(header, long)
    doc = OfficialDocument()
    doc.heading1("二、短表")
    doc.table(header, short, keep_together=True)
    doc.heading1("三、长表")
    doc.paragraph("下表为长表。", keep_with_next=True)
    doc.table(header, long, keep_together=True)
    document = docx.Document(str(_saved(doc, tmp_path)))
    short_t, long_t = document.tables
    assert _keep_flags(short_t) == [True] * 5 + [False]
    # the long one only keeps its header and first three rows together (no heading left alone)
    assert _keep_flags(long_t) == [True] * 3 + [False] * 28
    for table in (short_t, long_t):
        rows = [row._tr.trPr for row in table.rows]
        assert all(pr.find(qn("w:cantSplit")) is not None for pr in rows)
        assert [pr.find(qn("w:tblHeader")) is not None for pr in rows] == [True] + [False] * (len(rows) - 1)
    intro = _paragraph(document, "下表为长表")
    assert intro.paragraph_format.keep_with_next is True
    assert _paragraph(document, "二、").style.paragraph_format.keep_with_next is True


def test_tall_rows_count_in_the_estimate() -> None:
    from disclo_cli.report.docx_doc import estimated_table_height_mm

    header = [[HeaderCell("项目"), HeaderCell("数量")]]
    one_line = estimated_table_height_mm(header, [["短", "1"]] * 6, col_widths_mm=[30, 20])
    wrapped = estimated_table_height_mm(header, [["很长的标签" * 8, "1"]] * 6, col_widths_mm=[30, 20])
    assert wrapped > 2 * one_line


def test_heading_keep_with_next_can_be_turned_off(tmp_path: Path) -> None:
    doc = OfficialDocument()
    doc.heading("一、总体情况")
    doc.heading("（一）主动公开", 2, keep_with_next=False)
    document = docx.Document(str(_saved(doc, tmp_path)))
    h1, h2 = document.paragraphs
    assert (h1.style.name, h2.style.name) == ("Disclo H1", "Disclo H2")
    assert h1.paragraph_format.keep_with_next is None  # from the style
    assert h2.paragraph_format.keep_with_next is False
    with pytest.raises(ValueError):
        doc.heading("x", 3)


def test_every_run_has_an_east_asian_font(tmp_path: Path) -> None:
    import zipfile

    from lxml import etree

    doc = _build()
    doc.page_break()
    doc.table([[HeaderCell("a"), HeaderCell("b")]], [["1", "【请填写：数】"]])
    doc.figure(_png(40, 20), "示意")
    path = _saved(doc, tmp_path)
    with zipfile.ZipFile(path) as z:
        parts = [n for n in z.namelist() if re.fullmatch(r"word/(document|footer\d+|header\d+)\.xml", n)]
        assert len(parts) >= 3
        for name in parts:
            runs = list(etree.fromstring(z.read(name)).iter(qn("w:r")))
            assert runs, name
            for run in runs:
                rfonts = run.find(qn("w:rPr") + "/" + qn("w:rFonts"))
                assert rfonts is not None and rfonts.get(qn("w:eastAsia")), (name, etree.tostring(run)[:200])


def test_table_structure_for_wps(tmp_path: Path) -> None:
    table = _merged_body_doc(tmp_path).tables[0]
    tbl = table._tbl
    grid = [int(col.get(qn("w:w"))) for col in tbl.tblGrid.findall(qn("w:gridCol"))]
    assert int(tbl.tblPr.find(qn("w:tblW")).get(qn("w:w"))) == sum(grid)
    assert tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    assert tbl.tblPr.find(qn("w:tblStyle")) is None  # no reliance on a named table style
    for row in table.rows:
        c = 0
        for tc in row._tr.tc_lst:
            span = tc.grid_span
            assert int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) == sum(grid[c : c + span])
            merged = span > 1 or tc.tcPr.vMerge_val is not None
            borders = tc.tcPr.find(qn("w:tcBorders"))
            assert (borders is not None) == merged
            if merged:
                assert [etree_local(b) for b in borders] == ["top", "left", "bottom", "right"]
                assert all(b.get(qn("w:val")) == "single" for b in borders)
            c += span
        assert c == len(grid)


def etree_local(el) -> str:  # type: ignore[no-untyped-def]
    from lxml import etree

    return etree.QName(el).localname


def _png(width: int, height: int) -> bytes:
    """A grey PNG of width x height pixels at 300 dpi, written without any imaging library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    dpm = round(300 / 0.0254)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"pHYs", struct.pack(">IIB", dpm, dpm, 1)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_figure_with_numbered_caption(tmp_path: Path) -> None:
    import zipfile

    from docx.shared import Mm

    doc = OfficialDocument()
    doc.paragraph("正文。")
    first = doc.figure(_png(300, 150), "2023年主动公开信息按月分布", width_mm=120)
    second = doc.figure(_png(100, 100), "按类别分布")
    assert (first, second) == ("图1　2023年主动公开信息按月分布", "图2　按类别分布")
    path = _saved(doc, tmp_path)
    document = docx.Document(str(path))
    picture, caption = document.paragraphs[1:3]
    assert picture.style.name == "Disclo Figure" and picture.alignment is None
    assert picture.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert picture.style.paragraph_format.keep_with_next is True  # kept with its caption
    assert picture.style.paragraph_format.line_spacing_rule == WD_LINE_SPACING.SINGLE
    assert caption.text == first and caption.style.name == "Disclo Caption"
    assert caption.paragraph_format.keep_with_next is False
    inline = document.inline_shapes[0]
    assert inline.width == Mm(120) and abs(inline.height - Mm(60)) < Mm(0.1)
    assert picture._p.find(".//" + qn("wp:docPr")).get("descr") == first
    with zipfile.ZipFile(path) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(media) == 2 and z.read(media[0])[:8] == b"\x89PNG\r\n\x1a\n"
    assert 'Extension="png" ContentType="image/png"' in _part(path, "[Content_Types].xml")
    with pytest.raises(ValueError):
        doc.figure(_png(10, 10), "太宽", width_mm=200)


def test_the_paragraph_before_a_table_keeps_with_it(tmp_path: Path) -> None:
    header = [[HeaderCell("项目"), HeaderCell("数量")]]
    doc = OfficialDocument()
    doc.heading1("四、政府信息公开行政复议、行政诉讼情况")
    doc.paragraph("2023年，我局因政府信息公开被申请行政复议4件。")
    doc.table(header, [["复议", "4"]])
    doc.paragraph("表后的段落。")
    doc.heading("五、不与表相连", keep_with_next=False)
    doc.table(header, [["诉讼", "3"]])
    document = docx.Document(str(_saved(doc, tmp_path)))
    keep = {p.text[:4]: p.paragraph_format.keep_with_next for p in document.paragraphs}
    assert keep == {"四、政府": None, "2023": True, "表后的段": None, "五、不与": False}
