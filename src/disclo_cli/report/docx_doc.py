"""Official-document (公文) typography for DOCX output, after GB/T 9704-2012.

:class:`OfficialDocument` is a thin, append-only wrapper around a python-docx ``Document`` that
produces the layout expected of a Chinese government information-disclosure annual report:

* A4 paper, margins top 37 mm / bottom 35 mm / left 28 mm / right 26 mm (type area 156 x 225 mm);
* title 方正小标宋简体 二号 (22 pt), centred;
* body 仿宋_GB2312 三号 (16 pt), first-line indent of two characters, fixed 28 pt line spacing,
  justified; Latin text and digits in Times New Roman;
* 「一、」 headings 黑体 三号 (not bold), 「（一）」 headings 楷体_GB2312 三号;
* tables in 仿宋_GB2312 五号 (10.5 pt) with full single-line borders; a label's indent (the 附表's
  「2.政府公报公开」 under 「其中：1.」) is paragraph indentation in characters, not spaces;
* page numbers per §7.5: 4号 (14 pt) 宋体 Arabic numerals between 一字线, 「— 1 —」, on the outside
  edge one character in: odd pages right, even pages left (``w:evenAndOddHeaders`` and an even
  footer beside the default one);
* figures (:meth:`OfficialDocument.figure`) centred, numbered 「图1」, kept with their caption.

All formatting lives in named paragraph styles (``Disclo Title``, ``Disclo H1``, ``Disclo H2``,
``Disclo Body``, ``Disclo Caption``, ``Disclo Table``, ``Disclo Figure``, ``Disclo Signature``) so a
user can restyle the document in Word.  Text placeholders of the form ``【请填写：...】`` are
separate runs highlighted in yellow wherever text is written.

Keeping together: headings keep with the next paragraph, and so does a paragraph written with
``keep_with_next`` (one that introduces a table).  A table asked to stay together does so only when
its estimated height is at most half the type area (:func:`estimated_table_height_mm`); a longer
table is never forced onto one page, which would leave most of the page before it empty.  Rows never
split across pages and header rows repeat on every page.

The office's template (:meth:`OfficialDocument.from_template`): its styles, headers, footers, page
setup and first-page letterhead are kept, and the report fills the body at the first body-level
paragraph containing 「{{正文}}」 (that paragraph is replaced), or at the end of the document when
there is none.  disclo's styles that the template already has are redefined in place, not added a
second time; the ones it lacks are added, and each is reported in :attr:`OfficialDocument.warnings`
as ``("template-style-missing", {"style": ..., "template": ...})``.  A template whose footers show
nothing gets disclo's page numbers; one with its own footer keeps it.

WPS and Word compatibility.  Checked by reading the DOCX back (python-docx and the XML parts, in
``tests/test_docx_doc.py``) and by rendering with LibreOffice (soffice → PDF → PNG); WPS and Word
themselves were not available where this was written.  What is done, and why:

* every run carries explicit ``w:rFonts`` with ``w:eastAsia`` (body, table cells, placeholders,
  line and page breaks, the footer's field runs): WPS falls back to 宋体 for a run whose East Asian
  font comes only from a style it does not resolve;
* tables state their borders in ``w:tblPr/w:tblBorders`` and, on merged cells, in
  ``w:tcPr/w:tcBorders`` rather than through a named table style, which WPS and older LibreOffice
  ignore; ``w:tblGrid/w:gridCol`` widths equal the cells' ``w:tcW`` and the table is
  ``w:tblLayout fixed`` in ``dxa``, so WPS does not re-fit the columns;
* the page number is a complex field (``fldChar`` begin / ``instrText PAGE`` / separate / a result
  / end), the form Word itself writes and WPS updates in footers;
* the font table, theme fonts and document properties are set in :mod:`.docx_package`.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as _dt
import functools
import io
import math
import os
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
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
from docx.section import Section, _Footer, _Header
from docx.shared import Mm, Pt, Twips
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.parfmt import ParagraphFormat
from docx.text.run import Run

from disclo_cli.report import docx_package as package

__all__ = [
    "PLACEHOLDER_RE",
    "TEMPLATE_MARKER",
    "HeaderCell",
    "OfficialDocument",
    "TableCell",
    "estimated_table_height_mm",
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
TEXT_HEIGHT_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM  # 225 mm
#: A table taller than this (half the type area) is never forced onto one page.
KEEP_TOGETHER_MAX_MM = TEXT_HEIGHT_MM / 2

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
#: The paragraph of an office's template that the report replaces.
TEMPLATE_MARKER = "{{正文}}"

_ALIGNMENTS: dict[str, WD_ALIGN_PARAGRAPH] = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}

_TABLE_CELL_MARGIN_TWIPS = 57  # 1 mm left/right padding inside table cells
_TABLE_ROW_MIN_HEIGHT_MM = 7.0
_TABLE_BORDER_SIZE = 4  # eighths of a point -> 0.5 pt single line
_TABLE_LINE_FACTOR = 1.3  # single line spacing of the CJK fonts, in font sizes
#: A table that may break still starts with its header and this many body rows on one page.
_TABLE_LEAD_ROWS = 3
_BORDER_EDGES = ("top", "left", "bottom", "right")

Warning = tuple[str, dict[str, str]]


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
STYLE_FIGURE = "Disclo Figure"
STYLE_SIGNATURE = "Disclo Signature"

_J = WD_ALIGN_PARAGRAPH
_SPECS: dict[str, _StyleSpec] = {
    spec.name: spec
    for spec in (
        _StyleSpec(STYLE_TITLE, FONT_TITLE, SIZE_TITLE_PT, _J.CENTER, line_exact_pt=36.0,
                   space_after_pt=LINE_PITCH_PT, keep_with_next=True),
        _StyleSpec(STYLE_H1, FONT_H1, SIZE_BODY_PT, _J.JUSTIFY, first_line_chars=2, keep_with_next=True,
                   outline_level=0),
        _StyleSpec(STYLE_H2, FONT_H2, SIZE_BODY_PT, _J.JUSTIFY, first_line_chars=2, keep_with_next=True,
                   outline_level=1),
        _StyleSpec(STYLE_BODY, FONT_BODY, SIZE_BODY_PT, _J.JUSTIFY, first_line_chars=2),
        _StyleSpec(STYLE_CAPTION, FONT_H1, SIZE_BODY_PT, _J.CENTER, space_before_pt=6.0, space_after_pt=6.0,
                   keep_with_next=True),
        _StyleSpec(STYLE_TABLE, FONT_BODY, SIZE_TABLE_PT, _J.CENTER, line_exact_pt=None),
        # a picture in a paragraph of exact line spacing would be cut to one line's height
        _StyleSpec(STYLE_FIGURE, FONT_BODY, SIZE_BODY_PT, _J.CENTER, line_exact_pt=None, space_before_pt=6.0,
                   keep_with_next=True),
        _StyleSpec(STYLE_SIGNATURE, FONT_BODY, SIZE_BODY_PT, _J.RIGHT),
    )
}  # fmt: skip
_HEADING_STYLES = {1: STYLE_H1, 2: STYLE_H2}

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
_TCPR_AFTER_TCBORDERS = (
    "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
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


def _set_indent_chars(
    ppr: CT_PPr, size_pt: float, *, first_line: float | None = None, left: float | None = None,
    right: float | None = None,
) -> None:
    """Indent in characters (``w:firstLineChars``/``leftChars``/``rightChars``, hundredths of a
    character) with the twips equivalent at ``size_pt`` for programs that read only those."""
    ind = ppr.get_or_add_ind()
    if first_line is not None:
        for attr in ("w:hanging", "w:hangingChars"):
            ind.attrib.pop(qn(attr), None)
    for name, chars in (("firstLine", first_line), ("left", left), ("right", right)):
        if chars is not None:
            ind.set(qn(f"w:{name}Chars"), str(round(chars * 100)))
            ind.set(qn(f"w:{name}"), str(round(chars * size_pt * 20)))


def _apply_line_spacing(fmt: ParagraphFormat, spec: _StyleSpec) -> None:
    if spec.line_exact_pt is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing = Pt(spec.line_exact_pt)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.space_before = Pt(spec.space_before_pt)
    fmt.space_after = Pt(spec.space_after_pt)


def _set_document_defaults(document: DocxDocument) -> None:
    """docDefaults and Normal: disclo's fonts, Chinese language, 28 pt lines, no spacing after.

    Only for disclo's own document; an office's template keeps its Normal style, which its
    letterhead may rely on.
    """
    styles = document.styles
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


def _apply_spec(style: ParagraphStyle, spec: _StyleSpec) -> None:
    """Give ``style`` every property of ``spec`` explicitly, so that it does not depend on what a
    template's Normal style says."""
    style.quick_style = True
    rpr = style.element.get_or_add_rPr()
    _set_rfonts(rpr, spec.east_asia, spec.latin, hint=False)
    style.font.size = Pt(spec.size_pt)
    _set_rpr_size_cs(rpr, spec.size_pt)
    style.font.bold = False
    style.font.italic = False
    _set_rpr_lang(rpr)
    fmt = style.paragraph_format
    fmt.alignment = spec.align
    _apply_line_spacing(fmt, spec)
    _set_indent_chars(style.element.get_or_add_pPr(), spec.size_pt, first_line=spec.first_line_chars, left=0, right=0)
    fmt.keep_with_next = spec.keep_with_next
    if spec.outline_level is not None:
        style.element.get_or_add_pPr().get_or_add_outlineLvl().set(qn("w:val"), str(spec.outline_level))


def _style_clash(document: DocxDocument) -> str | None:
    """The name of one of disclo's styles that the document has as another kind of style."""
    names = {style.name: style for style in document.styles}
    return next((name for name in _SPECS if name in names and not isinstance(names[name], ParagraphStyle)), None)


def _define_styles(document: DocxDocument) -> list[str]:
    """Define disclo's paragraph styles (redefining same-named ones); the names that were added."""
    styles = document.styles
    normal = styles["Normal"]
    added: list[str] = []
    for spec in _SPECS.values():
        try:
            style = styles[spec.name]
        except KeyError:
            style = styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
            added.append(spec.name)
        assert isinstance(style, ParagraphStyle), _style_clash(document)
        style.base_style = normal
        _apply_spec(style, spec)
    body = styles[STYLE_BODY]
    for name in (STYLE_TITLE, STYLE_H1, STYLE_H2, STYLE_CAPTION):
        heading = styles[name]
        assert isinstance(heading, ParagraphStyle)
        heading.next_paragraph_style = body
    return added


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
    for index, line in enumerate(_lines(text)):
        if index:
            br_run = paragraph.add_run()
            br_run.add_break()
            _style_run(br_run, spec, size_pt)
        for chunk, is_placeholder in _split_placeholders(line):
            run = paragraph.add_run(chunk)
            _style_run(run, spec, size_pt)
            if is_placeholder or highlight_all:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _lines(text: str) -> list[str]:
    """``text`` split at line ends (``\\n``, ``\\r\\n`` or ``\\r``), without the characters XML
    cannot carry (control characters), which would otherwise fail the save."""
    return package.xml_safe(text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")


def _text_width_chars(text: str) -> float:
    """Approximate width in em: wide/ambiguous (CJK, “”, —) = 1, everything else = 0.5."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in text)


# --------------------------------------------------------------------------
# Table layout
# --------------------------------------------------------------------------


class CellLike(Protocol):
    """Anything with ``text``, ``colspan`` and ``rowspan`` (e.g. ``render.LayoutCell``).

    An optional ``align`` attribute (``"left"``, ``"center"``, ``"right"``, ``"justify"``)
    overrides the table's default alignment for that cell; an optional ``indent`` (characters)
    indents its text.
    """

    @property
    def text(self) -> str: ...

    @property
    def colspan(self) -> int: ...

    @property
    def rowspan(self) -> int: ...


@dataclass(frozen=True)
class TableCell:
    """A body cell spanning ``colspan`` columns and ``rowspan`` rows, optionally aligned, its text
    indented by ``indent`` characters (the 附表's 「2.政府公报公开」 under 「其中：1.」)."""

    text: str
    colspan: int = 1
    rowspan: int = 1
    align: str | None = None
    indent: float = 0

    def __post_init__(self) -> None:
        if self.colspan < 1 or self.rowspan < 1:
            raise ValueError(f"TableCell spans must be >= 1: {self!r}")
        if self.align is not None and self.align not in _ALIGNMENTS:
            raise ValueError(f"align must be one of {sorted(_ALIGNMENTS)}, not {self.align!r}")
        if self.indent < 0:
            raise ValueError(f"TableCell indent must be >= 0: {self!r}")


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


def _layout_header(header: Sequence[Sequence[CellLike]]) -> list[list[_Slot]]:
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


def _border(tag: str) -> BaseOxmlElement:
    el = OxmlElement(tag)
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(_TABLE_BORDER_SIZE))
    el.set(qn("w:space"), "0")
    el.set(qn("w:color"), "000000")
    return el


def _new_tc(width_twips: int, *, grid_span: int = 1, vmerge: str | None = None) -> CT_Tc:
    """A cell of ``width_twips``; a merged one states its own borders (WPS draws a merged cell's
    edges from the cell, not from the table). A copy of the first one made of its kind (lxml
    copies in C: a report's hundreds of cells cost a fraction of building each)."""
    return copy.deepcopy(_tc_prototype(width_twips, grid_span, vmerge))


@functools.lru_cache(maxsize=512)
def _tc_prototype(width_twips: int, grid_span: int, vmerge: str | None) -> CT_Tc:
    tc = cast(CT_Tc, OxmlElement("w:tc"))
    tcpr = tc.get_or_add_tcPr()
    tcpr.width = Twips(width_twips)
    if grid_span > 1:
        tcpr.grid_span = grid_span
    if vmerge is not None:
        tcpr.vMerge_val = vmerge
    if grid_span > 1 or vmerge is not None:
        borders = OxmlElement("w:tcBorders")
        for edge in _BORDER_EDGES:
            borders.append(_border(f"w:{edge}"))
        tcpr.insert_element_before(borders, *_TCPR_AFTER_TCBORDERS)
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
    for edge in (*_BORDER_EDGES, "insideH", "insideV"):
        borders.append(_border(f"w:{edge}"))
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


def _cell_lines(cell: CellLike, width_mm: float, font_size_pt: float) -> int:
    """How many lines ``cell``'s text takes in a column ``width_mm`` wide (padding taken off)."""
    usable_pt = max(width_mm * 72 / 25.4 - 2 * _TABLE_CELL_MARGIN_TWIPS / 20, font_size_pt)
    indent = float(getattr(cell, "indent", 0) or 0)
    return sum(
        max(1, math.ceil((_text_width_chars(line) + indent) * font_size_pt / usable_pt))
        for line in cell.text.split("\n")
    )


def _grid_height_mm(grid: list[list[_Slot]], widths_mm: Sequence[float], font_size_pt: float) -> float:
    """The estimated height of a slot grid: each row as tall as its tallest cell, at least the
    minimum row height; a cell spanning rows shares its lines among them."""
    line_mm = font_size_pt * _TABLE_LINE_FACTOR * 25.4 / 72
    total = 0.0
    for r, row in enumerate(grid):
        height = _TABLE_ROW_MIN_HEIGHT_MM
        for c, slot in enumerate(row):
            if slot.origin_col != c or slot.origin_row != r:
                continue
            width = sum(widths_mm[c : c + slot.cell.colspan])
            lines = _cell_lines(slot.cell, width, font_size_pt)
            height = max(height, lines * line_mm / slot.cell.rowspan + 1.0)
        total += height
    return total


def estimated_table_height_mm(
    header: Sequence[Sequence[CellLike]],
    body: Sequence[Sequence[str | CellLike]],
    *,
    col_widths_mm: Sequence[float] | None = None,
    font_size_pt: float = SIZE_TABLE_PT,
) -> float:
    """A table's printed height, estimated from its rows, the column widths and the font size
    (what :meth:`OfficialDocument.table` compares with :data:`KEEP_TOGETHER_MAX_MM`)."""
    header_slots, body_slots, widths = _table_grids(header, body, col_widths_mm)
    return sum(_grid_height_mm(grid, widths, font_size_pt) for grid in (header_slots, body_slots))


def _table_grids(
    header: Sequence[Sequence[CellLike]],
    body: Sequence[Sequence[str | CellLike]],
    col_widths_mm: Sequence[float] | None,
) -> tuple[list[list[_Slot]], list[list[_Slot]], list[float]]:
    """The header's and the body's slot grids and the column widths (default: equal columns)."""
    slots = _layout_header(header)
    if slots:
        ncols = len(slots[0])
    elif body:
        ncols = sum(1 if isinstance(cell, str) else cell.colspan for cell in body[0])
    else:
        raise ValueError("table needs a header or at least one body row")
    body_slots = _layout_grid(_body_cells(body, ncols), ncols, "body")
    widths = list(col_widths_mm) if col_widths_mm is not None else [TEXT_WIDTH_MM / ncols] * ncols
    if len(widths) != ncols:
        raise ValueError(f"col_widths_mm has {len(widths)} entries; table has {ncols} columns")
    return slots, body_slots, widths


def _cell_alignment(slot: _Slot, ncols: int, label_columns: int, is_header: bool) -> WD_ALIGN_PARAGRAPH:
    """A cell's own ``align``; else header cells centred, labels and full-width cells left, values centred."""
    own = getattr(slot.cell, "align", None)
    if own:
        return _ALIGNMENTS[own]
    if is_header:
        return _J.CENTER
    if slot.cell.colspan == ncols or slot.origin_col < label_columns:
        return _J.LEFT
    return _J.CENTER


def _rows_kept_with_next(header_rows: int, body_rows: int, height_mm: float, *, keep_together: bool,
                         first_merge: int | None = None) -> int:
    """How many rows, from the top, get ``keepNext`` (which keeps a row on the next row's page):
    all but the last for a table to keep together that is short enough, else the header rows and
    the first :data:`_TABLE_LEAD_ROWS` - 1, so that the first rows stay together.

    A tall table is never kept with a body row that starts a vertical merge (``first_merge``, its
    index among the body rows): LibreOffice then moves the whole table to the next page, leaving
    most of a page empty before it (Table 三's 「三、本年度办理结果」 spans 22 rows)."""
    last_row = header_rows + body_rows - 1
    if keep_together and height_mm <= KEEP_TOGETHER_MAX_MM:
        return last_row
    kept = min(last_row, header_rows + _TABLE_LEAD_ROWS - 1)
    if first_merge is not None:
        kept = min(kept, max(0, header_rows + first_merge - 1))
    return kept


# --------------------------------------------------------------------------
# Page numbers, headers and footers
# --------------------------------------------------------------------------

_PAGE_NUMBER_SPEC = _StyleSpec("page number", FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER_PT, _J.RIGHT, latin=FONT_PAGE_NUMBER)


def _fld_char(kind: str) -> BaseOxmlElement:
    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    return el


def _write_page_number(footer: _Footer, *, odd: bool) -> None:
    """Replace ``footer``'s content by 「— N —」: a PAGE field between 一字线, 宋体 四号, on the
    outside edge one character in (odd pages right, even pages left)."""
    element = footer._element
    for child in list(element):
        element.remove(child)
    paragraph = footer.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = _J.RIGHT if odd else _J.LEFT
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    side = {"right": 1.0, "left": 0.0} if odd else {"left": 1.0, "right": 0.0}
    _set_indent_chars(paragraph._p.get_or_add_pPr(), SIZE_PAGE_NUMBER_PT, first_line=0, **side)

    def run(text: str = "") -> Run:
        r = paragraph.add_run(text)
        _style_run(r, _PAGE_NUMBER_SPEC, SIZE_PAGE_NUMBER_PT)
        return r

    run("— ")
    run()._r.append(_fld_char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = " PAGE "
    run()._r.append(instr)
    run()._r.append(_fld_char("separate"))
    run("1" if odd else "2")
    run()._r.append(_fld_char("end"))
    run(" —")


def _shows_something(element: BaseOxmlElement) -> bool:
    """Whether a header or footer has visible content: text, a field or a drawing."""
    if any((t.text or "").strip() for t in element.iter(qn("w:t"))):
        return True
    visible = (qn("w:fldChar"), qn("w:fldSimple"), qn("w:drawing"), qn("w:pict"), qn("w:object"))
    return any(el.tag in visible for el in element.iter())


def _has_footer_content(section: Section) -> bool:
    """Whether the footers page numbers go in (odd/default and even) show something; a
    different first page keeps its own footer either way."""
    return any(
        not footer.is_linked_to_previous and _shows_something(footer._element)
        for footer in (section.footer, section.even_page_footer)
    )


def _copy_header(source: _Header, target: _Header) -> None:
    """Give ``target`` (a header not yet defined) a copy of ``source``'s content, relationships
    (images, links) included."""
    target.is_linked_to_previous = False
    element = target._element
    for child in list(element):
        element.remove(child)
    source_part, target_part = source.part, target.part
    r_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    for child in source._element:
        clone = copy.deepcopy(child)
        for el in clone.iter():
            for attr, rid in list(el.attrib.items()):
                if attr.startswith(r_ns) and rid in source_part.rels:
                    rel = source_part.rels[rid]
                    target_ref = rel.target_ref if rel.is_external else rel.target_part
                    el.set(attr, target_part.relate_to(target_ref, rel.reltype, is_external=rel.is_external))
        element.append(clone)


# --------------------------------------------------------------------------
# The office's template
# --------------------------------------------------------------------------


def _take_marker(document: DocxDocument) -> tuple[BaseOxmlElement | None, int]:
    """Remove the template's 「{{正文}}」 paragraphs; return the element the report goes before
    (None: the end of the body) and how many marker paragraphs there were.

    A marker paragraph that ends a section (it carries ``w:sectPr``) is emptied instead of removed.
    """
    markers = [p._p for p in document.paragraphs if TEMPLATE_MARKER in p.text]
    if not markers:
        return None, 0
    for p in markers[1:]:
        _remove_paragraph(p)
    first = markers[0]
    ppr = first.pPr
    if ppr is not None and ppr.sectPr is not None:
        for child in list(first):
            if child is not ppr:
                first.remove(child)
        return first, len(markers)
    following = first.getnext()
    first.getparent().remove(first)
    if following is not None and following.tag == qn("w:sectPr"):
        following = None  # the end of the body: python-docx appends before the body's sectPr
    return following, len(markers)


def _remove_paragraph(p: BaseOxmlElement) -> None:
    ppr = p.find(qn("w:pPr"))
    if ppr is not None and ppr.find(qn("w:sectPr")) is not None:
        for child in list(p):
            if child is not ppr:
                p.remove(child)
    else:
        p.getparent().remove(p)


# --------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------


class OfficialDocument:
    """An append-only official document; call the block methods in reading order, then :meth:`save`.

    ``OfficialDocument()`` starts from disclo's own layout; :meth:`from_template` from an office's
    DOCX.
    """

    def __init__(self) -> None:
        self._start(docx.Document(), template=None)
        self._setup_page()
        _set_document_defaults(self._doc)
        package.use_chinese_theme_fonts(self._doc, body=FONT_BODY, heading=FONT_H1, latin=FONT_LATIN)
        package.set_compatibility_mode(self._doc)
        _define_styles(self._doc)
        self._setup_page_numbers()

    @classmethod
    def from_template(cls, path: str | os.PathLike[str]) -> OfficialDocument:
        """Start from the office's own DOCX (红头模板): keep its styles, page setup, headers,
        footers and letterhead; the report goes where 「{{正文}}」 is, or at the end.

        Raises :class:`~disclo_cli.errors.InputError` for a file that is missing, not a .docx
        (a .doc, .dotx, .docm, an RTF or any other file) or damaged.  What was adapted is in
        :attr:`warnings`.
        """
        from disclo_cli.errors import InputError

        path = Path(path)
        self = cls.__new__(cls)
        self._start(package.open_template(path), template=path)
        self._before, markers = _take_marker(self._doc)
        if markers > 1:
            self._warnings.append(("template-marker-repeated", {"template": str(path), "marker": TEMPLATE_MARKER,
                                                                "count": str(markers)}))
        clash = _style_clash(self._doc)
        if clash:
            raise InputError("template-style-not-paragraph", path=str(path), style=clash)
        added = _define_styles(self._doc)
        self._warnings += [("template-style-missing", {"style": name, "template": str(path)}) for name in added]
        if not _has_footer_content(self._doc.sections[0]):
            self._setup_page_numbers()
        return self

    def _start(self, document: DocxDocument, *, template: Path | None) -> None:
        from disclo_cli import __version__

        self._doc = document
        self._page_break_pending = False
        self._before: BaseOxmlElement | None = None
        self._warnings: list[Warning] = []
        self._figures = 0
        package.reset_core_properties(document, _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0))
        package.tidy_package(document, application=f"disclo {__version__}", keep_fonts=template is not None)

    # -- setup ------------------------------------------------------------

    @property
    def document(self) -> DocxDocument:
        """The underlying python-docx document (escape hatch; prefer the block methods)."""
        return self._doc

    @property
    def warnings(self) -> tuple[Warning, ...]:
        """What was adapted in the template, as ``(code, params)``: ``template-style-missing``
        (style, template), ``template-marker-repeated`` (template, marker, count)."""
        return tuple(self._warnings)

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

    def _setup_page_numbers(self) -> None:
        """Odd and even footers with the page number on the outside edge (GB/T 9704 §7.5).

        Separate even pages need ``w:evenAndOddHeaders``, which also separates the headers: a
        header the template shows on every page is copied to the even pages.
        """
        section = self._doc.sections[0]
        settings = self._doc.settings
        if not settings.odd_and_even_pages_header_footer:
            settings.odd_and_even_pages_header_footer = True
            header = section.header
            if not header.is_linked_to_previous and section.even_page_header.is_linked_to_previous:
                _copy_header(header, section.even_page_header)
        section.footer.is_linked_to_previous = False
        section.even_page_footer.is_linked_to_previous = False
        _write_page_number(section.footer, odd=True)
        _write_page_number(section.even_page_footer, odd=False)

    # -- blocks -------------------------------------------------------------

    def _place(self, element: BaseOxmlElement) -> None:
        """Move a block just added at the end of the body to where the report goes."""
        if self._before is not None:
            self._before.addprevious(element)

    def _previous_block(self) -> BaseOxmlElement | None:
        """The paragraph or table just before where the next block goes."""
        blocks = (qn("w:p"), qn("w:tbl"))
        if self._before is not None:
            el = self._before.getprevious()
            while el is not None and el.tag not in blocks:
                el = el.getprevious()
            return el
        found = [el for el in self._doc.element.body if el.tag in blocks]
        return found[-1] if found else None

    def _new_paragraph(self, style: str) -> Paragraph:
        paragraph = self._doc.add_paragraph(style=style)
        self._place(paragraph._p)
        if self._page_break_pending:
            paragraph.paragraph_format.page_break_before = True
            self._page_break_pending = False
        return paragraph

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
            package.set_core_properties(self._doc, title=text.replace("\n", ""))

    def heading(self, text: str, level: int = 1, *, keep_with_next: bool = True) -> None:
        """Add a heading: level 1 such as ``一、总体情况`` (黑体 三号, not bold), level 2 such as
        ``（一）主动公开`` (楷体_GB2312 三号).  It keeps with the next paragraph unless told not to."""
        try:
            style = _HEADING_STYLES[level]
        except KeyError:
            raise ValueError(f"heading level must be 1 or 2, not {level!r}") from None
        paragraph = self._styled(style, text)
        if not keep_with_next:
            paragraph.paragraph_format.keep_with_next = False

    def heading1(self, text: str) -> None:
        """``heading(text, 1)``."""
        self.heading(text, 1)

    def heading2(self, text: str) -> None:
        """``heading(text, 2)``."""
        self.heading(text, 2)

    def paragraph(
        self, text: str, *, indent: bool = True, align: str = "justify", keep_with_next: bool = False
    ) -> None:
        """Add a body paragraph (仿宋_GB2312 三号, 28 pt exact line spacing).

        ``indent`` controls the two-character first-line indent; ``align`` is one of
        ``"justify"``, ``"left"``, ``"center"``, ``"right"``.  ``keep_with_next`` keeps it on the
        page of what follows (a paragraph introducing a table).  A ``\\n`` in ``text`` starts a
        new paragraph with the same settings (each kept with the next when asked).  Every
        ``【请填写：...】`` span becomes its own yellow-highlighted run.
        """
        try:
            alignment = _ALIGNMENTS[align]
        except KeyError:
            raise ValueError(f"align must be one of {sorted(_ALIGNMENTS)}, not {align!r}") from None
        for line in _lines(text):
            paragraph = self._new_paragraph(STYLE_BODY)
            _add_text(paragraph, line, _SPECS[STYLE_BODY])
            if align != "justify":
                paragraph.paragraph_format.alignment = alignment
            if not indent:
                _set_indent_chars(paragraph._p.get_or_add_pPr(), SIZE_BODY_PT, first_line=0)
            if keep_with_next:
                paragraph.paragraph_format.keep_with_next = True

    def notice(self, text: str) -> None:
        """Add a centred, yellow-highlighted body-size line (e.g. a draft or unchecked warning)."""
        paragraph = self._new_paragraph(STYLE_BODY)
        _add_text(paragraph, text, _SPECS[STYLE_BODY], highlight_all=True)
        paragraph.paragraph_format.alignment = _J.CENTER
        _set_indent_chars(paragraph._p.get_or_add_pPr(), SIZE_BODY_PT, first_line=0)

    def _before_table(self) -> None:
        """Before a table (which cannot carry ``pageBreakBefore``): an explicit page break when one
        is pending; an empty paragraph after another table (adjacent tables fuse in Word); or the
        paragraph that introduces the table kept with it (unless it says otherwise)."""
        if self._page_break_pending:
            self._page_break_pending = False
            paragraph = self._doc.add_paragraph(style=STYLE_BODY)
            self._place(paragraph._p)
            run = paragraph.add_run()
            run.add_break(WD_BREAK.PAGE)
            _style_run(run, _SPECS[STYLE_BODY], None)
            return
        previous = self._previous_block()
        if previous is None:
            return
        if previous.tag == qn("w:tbl"):
            self._new_paragraph(STYLE_BODY)
            return
        fmt = Paragraph(previous, self._doc._body).paragraph_format
        if fmt.keep_with_next is None:
            fmt.keep_with_next = True

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
        wins, and its ``indent`` (characters) becomes paragraph indentation.
        ``\\n`` inside a cell is a line break.  ``col_widths_mm`` defaults
        to equal columns across the full 156 mm type area.  ``caption`` is placed
        centred above the table, kept with it; without a caption, the paragraph just before the
        table (a heading, or a sentence introducing it) is kept with it.

        ``keep_together`` keeps the table on one page (``keepNext`` on every row but the last;
        the heading before it then moves along) when its estimated height is at most
        :data:`KEEP_TOGETHER_MAX_MM`; a taller table, or one not asked to stay together, breaks
        between rows, but starts with its header rows and first three body rows on one page, so
        that a heading is never left with a single row (fewer when a body row among them starts a
        vertical merge: LibreOffice would move the whole table).  Rows never split and header rows repeat
        on every page.

        Raises :class:`ValueError` for inconsistent spans or row lengths.
        """
        slots, body_slots, widths_mm = _table_grids(header, body, col_widths_mm)
        ncols = len(widths_mm)
        widths = [Mm(w).twips for w in widths_mm]
        height_mm = sum(_grid_height_mm(grid, widths_mm, font_size_pt) for grid in (slots, body_slots))
        first_merge = next((r for r, row in enumerate(body_slots)
                            if any(slot.origin_row == r and slot.cell.rowspan > 1 for slot in row)), None)
        kept_rows = _rows_kept_with_next(len(slots), len(body_slots), height_mm, keep_together=keep_together,
                                         first_merge=first_merge)

        if caption is not None:
            self._styled(STYLE_CAPTION, caption)
        else:
            self._before_table()

        table = self._doc.add_table(rows=0, cols=ncols)
        self._place(table._tbl)
        _set_table_properties(table, widths)
        spec = _SPECS[STYLE_TABLE]

        row_index = 0

        # the style's id, looked up once: python-docx's lookup scans every style each time (most of a report's time)
        style_id = self._doc.styles[STYLE_TABLE].style_id

        def cell_paragraph(tc: CT_Tc) -> Paragraph:
            paragraph = _Cell(tc, table).paragraphs[0]
            paragraph._p.style = style_id
            if row_index < kept_rows:
                paragraph.paragraph_format.keep_with_next = True
            return paragraph

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
                        cell_paragraph(tc)
                    else:
                        tc = _new_tc(width, grid_span=span, vmerge="restart" if slot.cell.rowspan > 1 else None)
                        paragraph = cell_paragraph(tc)
                        paragraph.paragraph_format.alignment = _cell_alignment(slot, ncols, label_columns, is_header)
                        indent = float(getattr(slot.cell, "indent", 0) or 0)
                        if indent:
                            _set_indent_chars(paragraph._p.get_or_add_pPr(), font_size_pt, left=indent)
                        _add_text(paragraph, slot.cell.text, spec, size_pt=font_size_pt)
                    tr.append(tc)
                    c += span
                row_index += 1

    def figure(self, png: bytes, caption: str, width_mm: float = TEXT_WIDTH_MM) -> str:
        """Add a picture (PNG or JPEG bytes) ``width_mm`` wide, centred, with its numbered
        caption below (「图1　caption」, 黑体 三号), the picture kept on the caption's page.

        The height follows the picture's aspect ratio.  Returns the caption as printed.
        Raises :class:`ValueError` for a width outside (0, 156] mm.
        """
        if not 0 < width_mm <= TEXT_WIDTH_MM:
            raise ValueError(f"width_mm must be in (0, {TEXT_WIDTH_MM:g}], not {width_mm!r}")
        self._figures += 1
        printed = f"图{self._figures}　{caption}"
        picture = self._new_paragraph(STYLE_FIGURE)
        run = picture.add_run()
        _style_run(run, _SPECS[STYLE_FIGURE], None)
        shape = run.add_picture(io.BytesIO(png), width=Mm(width_mm))
        shape._inline.docPr.set("descr", package.xml_safe(printed))
        label = self._styled(STYLE_CAPTION, printed)
        label.paragraph_format.keep_with_next = False
        return printed

    def signature(self, office: str, date_text: str) -> None:
        """Add the issuing office and date at the end, laid out per GB/T 9704 §7.3.5.2.

        One blank line after the text, the office name 右空二字, the date on the
        next line starting two characters right of the office's first
        character (or 右空二字 itself when it is the longer of the two).  Pass
        the date in Arabic numerals, e.g. ``"2019年1月15日"`` (see
        :func:`format_date`).  The office also becomes the document's author.
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
            _set_indent_chars(paragraph._p.get_or_add_pPr(), SIZE_BODY_PT, right=right_chars)
        if not self._doc.core_properties.author:
            package.set_core_properties(self._doc, author=office)

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
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _fsync_directory(directory)


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
