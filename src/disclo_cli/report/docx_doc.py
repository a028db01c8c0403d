"""Official-document (公文) typography for DOCX output, after GB/T 9704-2012.

:class:`OfficialDocument` is a thin, append-only wrapper around a python-docx
``Document`` that produces the layout expected of a Chinese government
information-disclosure annual report:

* A4 paper, margins top 37 mm / bottom 35 mm / left 28 mm / right 26 mm
  (type area 156 mm x 225 mm);
* title 方正小标宋简体 二号 (22 pt), centred;
* body 仿宋_GB2312 三号 (16 pt), first-line indent of two characters, fixed
  28 pt line spacing, justified; Latin text and digits in Times New Roman;
* 「一、」 headings 黑体 三号 (not bold), 「（一）」 headings 楷体_GB2312 三号;
* tables in 仿宋_GB2312 五号 (10.5 pt) with full single-line borders;
* page numbers 「— 1 —」 centred in the footer, 宋体 四号 (14 pt).

All formatting lives in named paragraph styles (``Disclo Title``,
``Disclo H1``, ``Disclo H2``, ``Disclo Body``, ``Disclo Caption``,
``Disclo Table``, ``Disclo Signature``) so a user can restyle the document in
Word.  Font names are nevertheless repeated on every run (``w:rFonts`` with
``w:eastAsia``) because Word and WPS ignore a Latin-only font name for CJK
text, and viewers differ in how they resolve style inheritance.

Text placeholders of the form ``【请填写：...】`` are rendered as separate runs
highlighted in yellow wherever text is written (title, headings, paragraphs,
table cells, signature).
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, cast

import docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row, CT_Tc
from docx.oxml.text.font import CT_RPr
from docx.oxml.text.parfmt import CT_PPr
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt, Twips
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.parfmt import ParagraphFormat
from docx.text.run import Run

__all__ = [
    "PLACEHOLDER_RE",
    "HeaderCell",
    "OfficialDocument",
    "TableCell",
    "format_date",
]

# --------------------------------------------------------------------------
# Layout constants (GB/T 9704-2012)
# --------------------------------------------------------------------------

PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 37.0
MARGIN_BOTTOM_MM = 35.0
MARGIN_LEFT_MM = 28.0
MARGIN_RIGHT_MM = 26.0
#: Footer baseline sits roughly 7 mm below the type area, as the standard asks.
FOOTER_DISTANCE_MM = 25.0
HEADER_DISTANCE_MM = 15.0
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156 mm

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_PAGE_NUMBER = "宋体"
FONT_LATIN = "Times New Roman"

SIZE_TITLE_PT = 22.0  # 二号
SIZE_BODY_PT = 16.0  # 三号
SIZE_PAGE_NUMBER_PT = 14.0  # 四号
SIZE_TABLE_PT = 10.5  # 五号
LINE_PITCH_PT = 28.0

#: Matches a fill-in placeholder such as ``【请填写：本年度新制发规章件数】``.
PLACEHOLDER_RE = re.compile(r"【请填写[：:][^】]*】")

_ALIGNMENTS: dict[str, WD_ALIGN_PARAGRAPH] = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}

_TABLE_CELL_MARGIN_TWIPS = 57  # 1 mm left/right padding inside table cells
_TABLE_ROW_MIN_HEIGHT_MM = 7.0
_TABLE_BORDER_SIZE = 4  # eighths of a point -> 0.5 pt single line


# --------------------------------------------------------------------------
# Public helpers
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class HeaderCell:
    """One cell of a table header, spanning ``colspan`` columns and ``rowspan`` rows.

    Header rows are laid out like an HTML ``<thead>``: each cell takes the
    next grid slot not already covered by a ``rowspan`` from a row above.
    """

    text: str
    colspan: int = 1
    rowspan: int = 1

    def __post_init__(self) -> None:
        if self.colspan < 1 or self.rowspan < 1:
            raise ValueError(f"HeaderCell spans must be >= 1: {self!r}")


def format_date(day: _dt.date) -> str:
    """Format a date the way GB/T 9704 wants 成文日期: ``2019年1月15日`` (Arabic, no padding)."""
    return f"{day.year}年{day.month}月{day.day}日"


# --------------------------------------------------------------------------
# Style definitions
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _StyleSpec:
    name: str
    east_asia: str
    size_pt: float
    align: WD_ALIGN_PARAGRAPH
    latin: str = FONT_LATIN
    first_line_chars: int = 0
    line_exact_pt: float | None = LINE_PITCH_PT  # None -> single line spacing
    space_before_pt: float = 0.0
    space_after_pt: float = 0.0
    keep_with_next: bool = False
    outline_level: int | None = None


STYLE_TITLE = "Disclo Title"
STYLE_H1 = "Disclo H1"
STYLE_H2 = "Disclo H2"
STYLE_BODY = "Disclo Body"
STYLE_CAPTION = "Disclo Caption"
STYLE_TABLE = "Disclo Table"
STYLE_SIGNATURE = "Disclo Signature"

_J = WD_ALIGN_PARAGRAPH
_SPECS: dict[str, _StyleSpec] = {
    spec.name: spec
    for spec in (
        _StyleSpec(
            STYLE_TITLE,
            FONT_TITLE,
            SIZE_TITLE_PT,
            _J.CENTER,
            line_exact_pt=36.0,
            space_after_pt=LINE_PITCH_PT,
            keep_with_next=True,
        ),
        _StyleSpec(
            STYLE_H1,
            FONT_H1,
            SIZE_BODY_PT,
            _J.JUSTIFY,
            first_line_chars=2,
            keep_with_next=True,
            outline_level=0,
        ),
        _StyleSpec(
            STYLE_H2,
            FONT_H2,
            SIZE_BODY_PT,
            _J.JUSTIFY,
            first_line_chars=2,
            keep_with_next=True,
            outline_level=1,
        ),
        _StyleSpec(STYLE_BODY, FONT_BODY, SIZE_BODY_PT, _J.JUSTIFY, first_line_chars=2),
        _StyleSpec(
            STYLE_CAPTION,
            FONT_H1,
            SIZE_BODY_PT,
            _J.CENTER,
            space_before_pt=6.0,
            space_after_pt=6.0,
            keep_with_next=True,
        ),
        _StyleSpec(STYLE_TABLE, FONT_BODY, SIZE_TABLE_PT, _J.CENTER, line_exact_pt=None),
        _StyleSpec(STYLE_SIGNATURE, FONT_BODY, SIZE_BODY_PT, _J.RIGHT),
    )
}

# Element orderings from the OOXML schema, used when inserting children that
# python-docx has no API for.
_RPR_AFTER_SZCS = (
    "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign",
    "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
)  # fmt: skip
_RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
_TBLPR_AFTER_TBLBORDERS = (
    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
)  # fmt: skip
_TBLPR_AFTER_TBLCELLMAR = ("w:tblLook", "w:tblCaption", "w:tblDescription")
_TBLPR_AFTER_TBLW = (
    "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
    "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
)  # fmt: skip


def _set_rfonts(rpr: CT_RPr, east_asia: str, latin: str, *, hint: bool) -> None:
    """Set explicit fonts on an ``w:rPr``, dropping theme-font references that would win."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)
    if hint:
        # Ambiguous-width characters (“ ” ‘ ’ — …) then use the CJK font.
        rfonts.set(qn("w:hint"), "eastAsia")


def _set_rpr_lang(rpr: CT_RPr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, *_RPR_AFTER_LANG)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")


def _set_rpr_size_cs(rpr: CT_RPr, size_pt: float) -> None:
    """Set ``w:szCs`` (python-docx only writes ``w:sz``)."""
    szcs = rpr.find(qn("w:szCs"))
    if szcs is None:
        szcs = OxmlElement("w:szCs")
        rpr.insert_element_before(szcs, *_RPR_AFTER_SZCS)
    szcs.set(qn("w:val"), str(round(size_pt * 2)))


def _set_first_line_chars(ppr: CT_PPr, chars: int, size_pt: float) -> None:
    """Indent the first line by ``chars`` characters (``w:firstLineChars`` plus a twips fallback)."""
    ind = ppr.get_or_add_ind()
    for attr in ("w:hanging", "w:hangingChars"):
        ind.attrib.pop(qn(attr), None)
    ind.set(qn("w:firstLineChars"), str(chars * 100))
    ind.set(qn("w:firstLine"), str(round(chars * size_pt * 20)))


def _apply_line_spacing(fmt: ParagraphFormat, spec: _StyleSpec) -> None:
    if spec.line_exact_pt is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing = Pt(spec.line_exact_pt)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.space_before = Pt(spec.space_before_pt)
    fmt.space_after = Pt(spec.space_after_pt)


def _define_styles(document: DocxDocument) -> None:
    styles = document.styles

    # Document defaults: no theme fonts, Chinese language, no spacing after.
    doc_defaults = styles.element.find(qn("w:docDefaults"))
    if doc_defaults is not None:
        rpr = doc_defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            _set_rfonts(cast(CT_RPr, rpr), FONT_BODY, FONT_LATIN, hint=False)
            _set_rpr_lang(cast(CT_RPr, rpr))

    normal = styles["Normal"]
    assert isinstance(normal, ParagraphStyle)
    nrpr = normal.element.get_or_add_rPr()
    _set_rfonts(nrpr, FONT_BODY, FONT_LATIN, hint=False)
    normal.font.size = Pt(SIZE_BODY_PT)
    _set_rpr_size_cs(nrpr, SIZE_BODY_PT)
    _set_rpr_lang(nrpr)
    nfmt = normal.paragraph_format
    nfmt.space_before = Pt(0)
    nfmt.space_after = Pt(0)
    nfmt.line_spacing = Pt(LINE_PITCH_PT)
    nfmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY

    for spec in _SPECS.values():
        style = styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
        assert isinstance(style, ParagraphStyle)
        style.base_style = normal
        style.quick_style = True
        rpr = style.element.get_or_add_rPr()
        _set_rfonts(rpr, spec.east_asia, spec.latin, hint=False)
        style.font.size = Pt(spec.size_pt)
        _set_rpr_size_cs(rpr, spec.size_pt)
        style.font.bold = False
        _set_rpr_lang(rpr)
        fmt = style.paragraph_format
        fmt.alignment = spec.align
        _apply_line_spacing(fmt, spec)
        if spec.first_line_chars:
            _set_first_line_chars(style.element.get_or_add_pPr(), spec.first_line_chars, spec.size_pt)
        if spec.keep_with_next:
            fmt.keep_with_next = True
        if spec.outline_level is not None:
            style.element.get_or_add_pPr().get_or_add_outlineLvl().set(
                qn("w:val"), str(spec.outline_level)
            )

    body = styles[STYLE_BODY]
    for name in (STYLE_TITLE, STYLE_H1, STYLE_H2, STYLE_CAPTION):
        heading = styles[name]
        assert isinstance(heading, ParagraphStyle)
        heading.next_paragraph_style = body  # type: ignore[assignment]


# --------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------


def _split_placeholders(text: str) -> list[tuple[str, bool]]:
    """Split ``text`` into ``(chunk, is_placeholder)`` pieces, dropping empty chunks."""
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for match in PLACEHOLDER_RE.finditer(text):
        if match.start() > pos:
            pieces.append((text[pos : match.start()], False))
        pieces.append((match.group(0), True))
        pos = match.end()
    if pos < len(text):
        pieces.append((text[pos:], False))
    return pieces


def _style_run(run: Run, spec: _StyleSpec, size_pt: float | None) -> None:
    rpr = run._r.get_or_add_rPr()
    _set_rfonts(rpr, spec.east_asia, spec.latin, hint=True)
    if size_pt is not None:
        run.font.size = Pt(size_pt)
        _set_rpr_size_cs(rpr, size_pt)


def _add_text(
    paragraph: Paragraph, text: str, spec: _StyleSpec, *, size_pt: float | None = None, highlight_all: bool = False
) -> None:
    """Append ``text`` as runs: ``\\n`` becomes a line break, placeholders get a yellow highlight."""
    for index, line in enumerate(text.split("\n")):
        if index:
            br_run = paragraph.add_run()
            br_run.add_break()
            _style_run(br_run, spec, size_pt)
        for chunk, is_placeholder in _split_placeholders(line):
            run = paragraph.add_run(chunk)
            _style_run(run, spec, size_pt)
            if is_placeholder or highlight_all:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _text_width_chars(text: str) -> float:
    """Approximate width in em: wide/ambiguous (CJK, “”, —) = 1, everything else = 0.5."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in text)


# --------------------------------------------------------------------------
# Table layout
# --------------------------------------------------------------------------


class CellLike(Protocol):
    """Anything with ``text``, ``colspan`` and ``rowspan`` (e.g. ``render.LayoutCell``).

    An optional ``align`` attribute (``"left"``, ``"center"``, ``"right"``,
    ``"justify"``) overrides the table's default alignment for that cell.
    """

    text: str
    colspan: int
    rowspan: int


@dataclass(frozen=True)
class TableCell:
    """A body cell spanning ``colspan`` columns and ``rowspan`` rows, optionally aligned."""

    text: str
    colspan: int = 1
    rowspan: int = 1
    align: str | None = None

    def __post_init__(self) -> None:
        if self.colspan < 1 or self.rowspan < 1:
            raise ValueError(f"TableCell spans must be >= 1: {self!r}")
        if self.align is not None and self.align not in _ALIGNMENTS:
            raise ValueError(f"align must be one of {sorted(_ALIGNMENTS)}, not {self.align!r}")


@dataclass(frozen=True)
class _Slot:
    """A grid slot: the cell covering it and the cell's top-left slot."""

    cell: CellLike
    origin_row: int
    origin_col: int


def _layout_grid(rows: Sequence[Sequence[CellLike]], ncols: int, what: str) -> list[list[_Slot]]:
    """Resolve col/row spans into a rectangular grid of slots (HTML table algorithm).

    Each cell takes the next slot not already covered by a ``rowspan`` from a
    row above.  Raises :class:`ValueError` when a cell overflows the columns,
    spans past the last row, overlaps another, or a row leaves slots empty.
    """
    nrows = len(rows)
    grid: list[list[_Slot | None]] = [[None] * ncols for _ in range(nrows)]
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            if cell.colspan < 1 or cell.rowspan < 1:
                raise ValueError(f"{what} cell {cell.text!r} has a span < 1")
            while c < ncols and grid[r][c] is not None:
                c += 1
            if c + cell.colspan > ncols:
                raise ValueError(f"{what} row {r} overflows {ncols} columns at {cell.text!r}")
            if r + cell.rowspan > nrows:
                raise ValueError(f"{what} cell {cell.text!r} spans past the last {what} row")
            slot = _Slot(cell, r, c)
            for rr in range(r, r + cell.rowspan):
                for cc in range(c, c + cell.colspan):
                    if grid[rr][cc] is not None:
                        raise ValueError(f"{what} cell {cell.text!r} overlaps another cell")
                    grid[rr][cc] = slot
            c += cell.colspan
    result: list[list[_Slot]] = []
    for r, grid_row in enumerate(grid):
        missing = [c for c, s in enumerate(grid_row) if s is None]
        if missing:
            raise ValueError(f"{what} row {r} leaves columns {missing} empty")
        result.append([s for s in grid_row if s is not None])
    return result


def _layout_header(header: Sequence[Sequence[HeaderCell]]) -> list[list[_Slot]]:
    """The header's slot grid; its width is the sum of the first row's colspans."""
    if not header:
        return []
    return _layout_grid(header, sum(cell.colspan for cell in header[0]), "header")


def _body_cells(body: Sequence[Sequence[str | CellLike]], ncols: int) -> list[list[CellLike]]:
    """Body rows as cells: a plain string is a 1x1 cell; a row of one string spans all columns."""
    rows: list[list[CellLike]] = []
    for row in body:
        if len(row) == 1 and isinstance(row[0], str) and ncols > 1:
            rows.append([TableCell(row[0], colspan=ncols)])
            continue
        rows.append([TableCell(cell) if isinstance(cell, str) else cell for cell in row])
    return rows


def _new_tc(width_twips: int, *, grid_span: int = 1, vmerge: str | None = None) -> CT_Tc:
    tc = cast(CT_Tc, OxmlElement("w:tc"))
    tcpr = tc.get_or_add_tcPr()
    tcpr.width = Twips(width_twips)
    if grid_span > 1:
        tcpr.grid_span = grid_span
    if vmerge is not None:
        tcpr.vMerge_val = vmerge
    tcpr.vAlign_val = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    tc.add_p()
    return tc


def _set_table_properties(table: Table, widths_twips: list[int]) -> None:
    tbl = table._tbl
    tblpr = tbl.tblPr
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout fixed

    tblw = tblpr.find(qn("w:tblW"))
    if tblw is None:
        tblw = OxmlElement("w:tblW")
        tblpr.insert_element_before(tblw, *_TBLPR_AFTER_TBLW)
    tblw.set(qn("w:w"), str(sum(widths_twips)))
    tblw.set(qn("w:type"), "dxa")

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), str(_TABLE_BORDER_SIZE))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tblpr.insert_element_before(borders, *_TBLPR_AFTER_TBLBORDERS)

    margins = OxmlElement("w:tblCellMar")
    pad = _TABLE_CELL_MARGIN_TWIPS
    for edge, value in (("top", 0), ("left", pad), ("bottom", 0), ("right", pad)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(value))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tblpr.insert_element_before(margins, *_TBLPR_AFTER_TBLCELLMAR)

    grid = tbl.tblGrid
    for col in list(grid):
        grid.remove(col)
    for width in widths_twips:
        col = OxmlElement("w:gridCol")
        col.set(qn("w:w"), str(width))
        grid.append(col)


def _new_tr(table: Table, *, header: bool) -> CT_Row:
    tr = cast(CT_Row, OxmlElement("w:tr"))
    trpr = tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    height = OxmlElement("w:trHeight")
    height.set(qn("w:val"), str(Mm(_TABLE_ROW_MIN_HEIGHT_MM).twips))
    height.set(qn("w:hRule"), "atLeast")
    trpr.append(height)
    if header:
        trpr.append(OxmlElement("w:tblHeader"))
    table._tbl.append(tr)
    return tr


# --------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------


class OfficialDocument:
    """An append-only official document; call the block methods in reading order, then :meth:`save`."""

    def __init__(self) -> None:
        self._doc = docx.Document()
        self._page_break_pending = False
        self._setup_core_properties()
        self._setup_page()
        _define_styles(self._doc)
        self._setup_footer()

    # -- setup ------------------------------------------------------------

    @property
    def document(self) -> DocxDocument:
        """The underlying python-docx document (escape hatch; prefer the block methods)."""
        return self._doc

    def _setup_core_properties(self) -> None:
        props = self._doc.core_properties
        now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
        props.author = ""
        props.last_modified_by = ""
        props.comments = ""
        props.title = ""
        props.created = now
        props.modified = now
        props.revision = 1

    def _setup_page(self) -> None:
        section = self._doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Mm(PAGE_WIDTH_MM)
        section.page_height = Mm(PAGE_HEIGHT_MM)
        section.top_margin = Mm(MARGIN_TOP_MM)
        section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
        section.left_margin = Mm(MARGIN_LEFT_MM)
        section.right_margin = Mm(MARGIN_RIGHT_MM)
        section.header_distance = Mm(HEADER_DISTANCE_MM)
        section.footer_distance = Mm(FOOTER_DISTANCE_MM)
        section.gutter = Mm(0)

    def _setup_footer(self) -> None:
        """Centred 「— N —」 page number: 宋体 四号, PAGE field between em-dashes."""
        footer = self._doc.sections[0].footer
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.first_line_indent = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        spec = _StyleSpec(
            "footer", FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER_PT, _J.CENTER, latin=FONT_PAGE_NUMBER
        )

        def run(text: str = "") -> Run:
            r = paragraph.add_run(text)
            _style_run(r, spec, SIZE_PAGE_NUMBER_PT)
            return r

        run("— ")
        run()._r.append(_fld_char("begin"))
        instr = OxmlElement("w:instrText")
        instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        instr.text = " PAGE "
        run()._r.append(instr)
        run()._r.append(_fld_char("separate"))
        run("1")
        run()._r.append(_fld_char("end"))
        run(" —")

    # -- blocks -------------------------------------------------------------

    def _new_paragraph(self, style: str) -> Paragraph:
        paragraph = self._doc.add_paragraph(style=style)
        if self._page_break_pending:
            paragraph.paragraph_format.page_break_before = True
            self._page_break_pending = False
        return paragraph

    def _last_block_is_table(self) -> bool:
        blocks = [el for el in self._doc.element.body if el.tag in (qn("w:p"), qn("w:tbl"))]
        return bool(blocks) and blocks[-1].tag == qn("w:tbl")

    def _styled(self, style: str, text: str) -> Paragraph:
        paragraph = self._new_paragraph(style)
        _add_text(paragraph, text, _SPECS[style])
        return paragraph

    def title(self, text: str) -> None:
        """Add the document title (二号 方正小标宋简体, centred); ``\\n`` splits it into lines.

        Also records the title (newlines removed) as the DOCX core-property title.
        """
        self._styled(STYLE_TITLE, text)
        if not self._doc.core_properties.title:
            self._doc.core_properties.title = text.replace("\n", "")

    def heading1(self, text: str) -> None:
        """Add a first-level heading such as ``一、总体情况`` (黑体 三号, not bold)."""
        self._styled(STYLE_H1, text)

    def heading2(self, text: str) -> None:
        """Add a second-level heading such as ``（一）主动公开`` (楷体_GB2312 三号)."""
        self._styled(STYLE_H2, text)

    def paragraph(self, text: str, *, indent: bool = True, align: str = "justify") -> None:
        """Add a body paragraph (仿宋_GB2312 三号, 28 pt exact line spacing).

        ``indent`` controls the two-character first-line indent; ``align`` is one
        of ``"justify"``, ``"left"``, ``"center"``, ``"right"``.  A ``\\n`` in
        ``text`` starts a new paragraph with the same settings.  Every
        ``【请填写：...】`` span becomes its own yellow-highlighted run.
        """
        try:
            alignment = _ALIGNMENTS[align]
        except KeyError:
            raise ValueError(f"align must be one of {sorted(_ALIGNMENTS)}, not {align!r}") from None
        for line in text.split("\n"):
            paragraph = self._new_paragraph(STYLE_BODY)
            _add_text(paragraph, line, _SPECS[STYLE_BODY])
            if align != "justify":
                paragraph.paragraph_format.alignment = alignment
            if not indent:
                _set_first_line_chars(paragraph._p.get_or_add_pPr(), 0, SIZE_BODY_PT)

    def notice(self, text: str) -> None:
        """Add a centred, yellow-highlighted body-size line (e.g. a draft or unchecked warning)."""
        paragraph = self._new_paragraph(STYLE_BODY)
        _add_text(paragraph, text, _SPECS[STYLE_BODY], highlight_all=True)
        paragraph.paragraph_format.alignment = _J.CENTER
        _set_first_line_chars(paragraph._p.get_or_add_pPr(), 0, SIZE_BODY_PT)

    def table(
        self,
        header: Sequence[Sequence[CellLike]],
        body: Sequence[Sequence[str | CellLike]],
        *,
        col_widths_mm: Sequence[float] | None = None,
        caption: str | None = None,
        font_size_pt: float = SIZE_TABLE_PT,
        label_columns: int = 1,
        keep_together: bool = False,
    ) -> None:
        """Add a bordered table with a (possibly multi-row, merged) header and merged body cells.

        ``header`` rows are laid out like HTML: each :class:`HeaderCell` fills the
        next free column, ``colspan``/``rowspan`` produce merged cells, and all
        header rows repeat at the top of every page.  The column count is the sum
        of the first header row's colspans (or of the first body row's, when
        there is no header).

        A ``body`` row is a sequence of cells laid out the same way: plain
        strings (1x1 cells) or objects with ``text``/``colspan``/``rowspan``
        such as :class:`TableCell` or ``render.LayoutCell``; a rowspan reaches
        into the rows below, whose cells then skip the covered columns.  A row
        made of a single string becomes a full-width block row.  Cells that start
        in the first ``label_columns`` columns, and full-width cells, are
        left-aligned; the others are centred; a cell's own ``align`` attribute
        wins.  ``\\n`` inside a cell is a line break.  ``col_widths_mm`` defaults
        to equal columns across the full 156 mm type area.  ``caption`` is placed
        centred above the table.  ``keep_together`` keeps a table that fits on
        one page from being split (``keepNext`` on every row but the last, which
        Word and LibreOffice honour; the heading before it then moves along).

        Raises :class:`ValueError` for inconsistent spans or row lengths.
        """
        slots = _layout_header(header)
        if slots:
            ncols = len(slots[0])
        elif body:
            first = body[0]
            ncols = sum(1 if isinstance(cell, str) else cell.colspan for cell in first)
        else:
            raise ValueError("table needs a header or at least one body row")
        body_slots = _layout_grid(_body_cells(body, ncols), ncols, "body")
        if col_widths_mm is None:
            col_widths_mm = [TEXT_WIDTH_MM / ncols] * ncols
        if len(col_widths_mm) != ncols:
            raise ValueError(f"col_widths_mm has {len(col_widths_mm)} entries; table has {ncols} columns")
        widths = [Mm(w).twips for w in col_widths_mm]

        if caption is not None:
            self._styled(STYLE_CAPTION, caption)
        elif self._page_break_pending:
            # A table cannot carry pageBreakBefore; use an explicit break paragraph.
            self._page_break_pending = False
            self._doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif self._last_block_is_table():
            # Adjacent tables would fuse into one in Word; keep them apart.
            self._doc.add_paragraph(style=STYLE_BODY)

        table = self._doc.add_table(rows=0, cols=ncols)
        _set_table_properties(table, widths)
        spec = _SPECS[STYLE_TABLE]

        last_row = len(slots) + len(body_slots) - 1
        row_index = 0

        def fill(tc: CT_Tc, text: str, align: WD_ALIGN_PARAGRAPH) -> None:
            paragraph = _Cell(tc, table).paragraphs[0]
            paragraph.style = self._doc.styles[STYLE_TABLE]
            paragraph.paragraph_format.alignment = align
            if keep_together and row_index < last_row:
                paragraph.paragraph_format.keep_with_next = True
            _add_text(paragraph, text, spec, size_pt=font_size_pt)

        def blank(tc: CT_Tc) -> None:
            paragraph = _Cell(tc, table).paragraphs[0]
            paragraph.style = self._doc.styles[STYLE_TABLE]
            if keep_together and row_index < last_row:
                paragraph.paragraph_format.keep_with_next = True

        def alignment(slot: _Slot, *, is_header: bool) -> WD_ALIGN_PARAGRAPH:
            own = getattr(slot.cell, "align", None)
            if own:
                return _ALIGNMENTS[own]
            if is_header:
                return _J.CENTER
            if slot.cell.colspan == ncols or slot.origin_col < label_columns:
                return _J.LEFT
            return _J.CENTER

        for grid, is_header in ((slots, True), (body_slots, False)):
            for r, slot_row in enumerate(grid):
                tr = _new_tr(table, header=is_header)
                c = 0
                while c < ncols:
                    slot = slot_row[c]
                    span = slot.cell.colspan
                    width = sum(widths[c : c + span])
                    if slot.origin_row != r:
                        tc = _new_tc(width, grid_span=span, vmerge="continue")
                        blank(tc)
                    else:
                        tc = _new_tc(width, grid_span=span, vmerge="restart" if slot.cell.rowspan > 1 else None)
                        fill(tc, slot.cell.text, alignment(slot, is_header=is_header))
                    tr.append(tc)
                    c += span
                row_index += 1

    def signature(self, office: str, date_text: str) -> None:
        """Add the issuing office and date at the end, laid out per GB/T 9704 §7.3.5.2.

        One blank line after the text, the office name 右空二字, the date on the
        next line starting two characters right of the office's first
        character (or 右空二字 itself when it is the longer of the two).  Pass
        the date in Arabic numerals, e.g. ``"2019年1月15日"`` (see
        :func:`format_date`).
        """
        office_w = _text_width_chars(office)
        date_w = _text_width_chars(date_text)
        office_right = 2.0
        date_right = office_right + office_w - 2.0 - date_w
        if date_right < 2.0:
            date_right = 2.0
            office_right = date_right + date_w + 2.0 - office_w

        spec = _SPECS[STYLE_SIGNATURE]
        office_p = self._new_paragraph(STYLE_SIGNATURE)
        office_p.paragraph_format.space_before = Pt(LINE_PITCH_PT)
        office_p.paragraph_format.keep_with_next = True
        _add_text(office_p, office, spec)
        date_p = self._new_paragraph(STYLE_SIGNATURE)
        _add_text(date_p, date_text, spec)
        for paragraph, right_chars in ((office_p, office_right), (date_p, date_right)):
            ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
            ind.set(qn("w:rightChars"), str(round(right_chars * 100)))
            ind.set(qn("w:right"), str(round(right_chars * SIZE_BODY_PT * 20)))

    def page_break(self) -> None:
        """Start the next block on a new page (``pageBreakBefore`` on the next paragraph)."""
        self._page_break_pending = True

    # -- output -------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the DOCX atomically.

        The document is written to a temporary file in the target directory,
        fsynced and then ``os.replace``-d over ``path``.  On any failure the
        temporary file is removed, the exception propagates, and an existing
        file at ``path`` is left untouched.  A missing directory raises
        :class:`FileNotFoundError`.
        """
        target = os.path.abspath(os.fspath(path))
        directory, name = os.path.split(target)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "wb") as handle:
                self._doc.save(handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, _target_mode(target))
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
        _fsync_directory(directory)


def _fld_char(kind: str) -> BaseOxmlElement:
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    return el


def _target_mode(target: str) -> int:
    """Keep an existing file's permissions; otherwise the usual 0o666 minus umask."""
    try:
        return os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_directory(directory: str) -> None:
    """Persist the rename (best effort; not supported on every platform)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
