"""An office's own template (红头模板): letterhead, header, footer and styles kept, the body filled."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from disclo_cli.errors import InputError
from disclo_cli.report.docx_doc import OfficialDocument

LETTERHEAD = "南安市柳城街道办事处文件"
RED = RGBColor(0xFF, 0x00, 0x00)
DISCLO_STYLES = ["Disclo Title", "Disclo H1", "Disclo H2", "Disclo Body", "Disclo Caption", "Disclo Table",
                 "Disclo Figure", "Disclo Signature"]  # fmt: skip


def make_template(path: Path, *, marker: bool = True, footer: str | None = "柳城街道办事处　印发", header: str = "政务公开") -> Path:
    """A letterhead template as an office makes one in Word: red 文件 head, 文号, a header, a footer
    (or none), its own 「Disclo Body」 style, optionally the 「{{正文}}」 marker and a 抄送 line after it."""
    doc = docx.Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Mm(30)
    section.header.paragraphs[0].text = header
    if footer is not None:
        section.footer.paragraphs[0].text = footer
    doc.styles["Normal"].font.size = Pt(12)
    own = doc.styles.add_style("Disclo Body", WD_STYLE_TYPE.PARAGRAPH)
    own.font.size = Pt(12)
    own.font.name = "宋体"
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(LETTERHEAD)
    run.font.color.rgb = RED
    run.font.size = Pt(36)
    run.font.name = "华文中宋"
    run._r.rPr.rFonts.set(qn("w:eastAsia"), "华文中宋")
    doc.add_paragraph("柳街〔2019〕1号").alignment = WD_ALIGN_PARAGRAPH.CENTER
    if marker:
        doc.add_paragraph("{{正文}}")
    doc.add_paragraph("抄送：南安市人民政府办公室。")
    doc.save(str(path))
    return path


def fill(doc: OfficialDocument, path: Path) -> docx.document.Document:
    doc.title("南安市柳城街道办事处\n2019年政府信息公开工作年度报告")
    doc.heading1("一、总体情况")
    doc.paragraph("本年度……")
    doc.signature("南安市柳城街道办事处", "2020年1月15日")
    doc.save(path)
    return docx.Document(str(path))


def test_letterhead_kept_and_body_filled_at_the_marker(tmp_path: Path) -> None:
    template = make_template(tmp_path / "红头模板.docx")
    doc = OfficialDocument.from_template(template)
    out = fill(doc, tmp_path / "report.docx")
    texts = [p.text for p in out.paragraphs]
    assert texts == [LETTERHEAD, "柳街〔2019〕1号", "南安市柳城街道办事处\n2019年政府信息公开工作年度报告", "一、总体情况",
                     "本年度……", "南安市柳城街道办事处", "2020年1月15日", "抄送：南安市人民政府办公室。"]  # fmt: skip
    head_run = out.paragraphs[0].runs[0]
    assert head_run.font.color.rgb == RED and head_run.font.size == Pt(36)
    assert out.paragraphs[2].style.name == "Disclo Title"
    # the template's page setup, header and footer
    section = out.sections[0]
    assert section.left_margin.mm == pytest.approx(30, abs=0.01)
    assert section.header.paragraphs[0].text == "政务公开"
    assert section.footer.paragraphs[0].text == "柳城街道办事处　印发"
    assert out.settings.odd_and_even_pages_header_footer is False  # its own footer: no page numbers added
    assert out.core_properties.author == "南安市柳城街道办事处"


def test_same_named_style_is_updated_not_added_twice(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx")
    doc = OfficialDocument.from_template(template)
    out_path = tmp_path / "report.docx"
    out = fill(doc, out_path)
    with zipfile.ZipFile(out_path) as z:
        styles = z.read("word/styles.xml").decode()
    assert len(re.findall(r'<w:name w:val="Disclo Body"/>', styles)) == 1
    body = out.styles["Disclo Body"]
    assert body.font.size == Pt(16)
    assert body.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert out.styles["Normal"].font.size == Pt(12)  # the template's Normal is the template's
    assert doc.warnings == tuple(
        ("template-style-missing", {"style": name, "template": str(template)}) for name in DISCLO_STYLES if name != "Disclo Body"
    )


def test_template_fonts_stay_in_the_font_table(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx")
    with zipfile.ZipFile(template) as z:
        before = set(re.findall(r'<w:font w:name="([^"]+)"', z.read("word/fontTable.xml").decode()))
    out_path = tmp_path / "report.docx"
    fill(OfficialDocument.from_template(template), out_path)
    with zipfile.ZipFile(out_path) as z:
        after = re.findall(r'<w:font w:name="([^"]+)"', z.read("word/fontTable.xml").decode())
        app = z.read("docProps/app.xml").decode()
    assert len(after) == len(set(after))
    assert set(after) == before | {"方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体", "Times New Roman"}
    assert "Macintosh" not in app


def test_no_marker_fills_at_the_end_and_no_footer_gets_page_numbers(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", marker=False, footer=None)
    doc = OfficialDocument.from_template(template)
    out = fill(doc, tmp_path / "report.docx")
    texts = [p.text for p in out.paragraphs]
    assert texts[:3] == [LETTERHEAD, "柳街〔2019〕1号", "抄送：南安市人民政府办公室。"]
    assert texts[-2:] == ["南安市柳城街道办事处", "2020年1月15日"]
    section = out.sections[0]
    assert out.settings.odd_and_even_pages_header_footer is True
    assert section.footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert section.even_page_footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert "PAGE" in "".join(t.text for t in section.even_page_footer._element.iter(qn("w:instrText")))
    # the header shown on every page still is, now that even pages have their own
    assert section.header.paragraphs[0].text == section.even_page_header.paragraphs[0].text == "政务公开"


def test_empty_template_footer_is_replaced_by_page_numbers(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", footer="")
    out = fill(OfficialDocument.from_template(template), tmp_path / "report.docx")
    assert out.settings.odd_and_even_pages_header_footer is True
    assert out.sections[0].footer.paragraphs[0].text.startswith("— ")


def test_a_table_after_the_letterhead_lands_before_the_trailing_text(tmp_path: Path) -> None:
    from disclo_cli.report.docx_doc import HeaderCell

    doc = OfficialDocument.from_template(make_template(tmp_path / "t.docx"))
    doc.table([[HeaderCell("a"), HeaderCell("b")]], [["1", "2"]])
    doc.table([[HeaderCell("c"), HeaderCell("d")]], [["3", "4"]])
    doc.paragraph("表后。")
    path = tmp_path / "r.docx"
    doc.save(path)
    body = docx.Document(str(path)).element.body
    kinds = [(el.tag.split("}")[1], "".join(t.text or "" for t in el.iter(qn("w:t")))) for el in body if el.tag != qn("w:sectPr")]
    assert kinds == [("p", LETTERHEAD), ("p", "柳街〔2019〕1号"), ("tbl", "ab12"), ("p", ""), ("tbl", "cd34"),
                     ("p", "表后。"), ("p", "抄送：南安市人民政府办公室。")]  # fmt: skip


def test_repeated_marker_is_reported(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx")
    d = docx.Document(str(template))
    d.add_paragraph("{{正文}}")
    d.save(str(template))
    doc = OfficialDocument.from_template(template)
    out = fill(doc, tmp_path / "r.docx")
    assert not [p for p in out.paragraphs if "{{正文}}" in p.text]
    assert ("template-marker-repeated", {"template": str(template), "marker": "{{正文}}", "count": "2"}) in doc.warnings


# --- templates that cannot be used ------------------------------------------------------------------


def _rewrite(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, replace.get(item.filename, zin.read(item.filename)))
    return target


def _content_types(template: Path, old: str, new: str) -> bytes:
    with zipfile.ZipFile(template) as z:
        return z.read("[Content_Types].xml").replace(old.encode(), new.encode())


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d, t: d / "missing.docx", "does not exist"),
        (lambda d, t: _write(d / "模板.docx", "这不是文档".encode()), "is not a Word .docx file (not a ZIP package)"),
        (lambda d, t: _write(d / "模板.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504), "is a Word 97-2003 file (.doc or .wps), not a .docx"),
        (lambda d, t: _write(d / "模板.rtf", b"{\\rtf1\\ansi }"), "is an RTF file, not a .docx"),
        (lambda d, t: _write(d / "截断.docx", t.read_bytes()[:3000]), "is damaged (an incomplete ZIP package"),
        (lambda d, t: _rewrite(t, d / "模板.dotx", {"[Content_Types].xml": _content_types(t, "document.main+xml", "template.main+xml")}),
         "is a Word template (.dotx), not a document"),
        (lambda d, t: _rewrite(t, d / "宏.docm", {"[Content_Types].xml": _content_types(
            t, "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", "application/vnd.ms-word.document.macroEnabled.main+xml")}),
         "is a macro-enabled file (.docm)"),
        (lambda d, t: _rewrite(t, d / "坏.docx", {"word/document.xml": b"<w:document"}), "is damaged and cannot be opened"),
        (lambda d, t: _rewrite(t, d / "表.docx", {"[Content_Types].xml": _content_types(t, "wordprocessingml.document.main", "spreadsheetml.sheet.main")}),
         "is a ZIP package but not a Word document"),
    ],
)  # fmt: skip
def test_unusable_template_is_a_clear_error(tmp_path: Path, make, message: str) -> None:
    good = make_template(tmp_path / "good.docx")
    bad = make(tmp_path, good)
    with pytest.raises(InputError) as caught:
        OfficialDocument.from_template(bad)
    error = caught.value
    assert error.message.startswith(f"{bad}: the report template ")
    assert message in error.message
    assert error.hint


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_template_with_a_character_style_of_a_disclo_name(tmp_path: Path) -> None:
    template = tmp_path / "t.docx"
    d = docx.Document()
    d.styles.add_style("Disclo H1", WD_STYLE_TYPE.CHARACTER)
    d.save(str(template))
    with pytest.raises(InputError) as caught:
        OfficialDocument.from_template(template)
    assert caught.value.code == "template-style-not-paragraph"
    assert caught.value.message == f"{template}: the report template has a style named 'Disclo H1' that is not a paragraph style"


def test_first_page_footer_alone_does_not_stop_page_numbers(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", footer=None)
    d = docx.Document(str(template))
    d.sections[0].different_first_page_header_footer = True
    d.sections[0].first_page_footer.paragraphs[0].text = "首页页脚"
    d.save(str(template))
    out = fill(OfficialDocument.from_template(template), tmp_path / "r.docx")
    section = out.sections[0]
    assert section.first_page_footer.paragraphs[0].text == "首页页脚"
    assert section.footer.paragraphs[0].text.startswith("— ")
    assert section.even_page_footer.paragraphs[0].text.startswith("— ")


def test_warnings_render_from_the_catalogue(tmp_path: Path) -> None:
    from disclo_cli.messages import render, render_hint

    template = make_template(tmp_path / "t.docx")
    code, params = OfficialDocument.from_template(template).warnings[0]
    assert render(code, params) == f"{template}: the template has no paragraph style 'Disclo Title'; disclo's own was added"
    assert "样式" in render_hint(code, params)
