"""The parts of a DOCX package around the text: font table, properties, theme, template checks.

:mod:`disclo_cli.report.docx_doc` lays out the document; this module keeps the rest of the package
honest, so that Word and WPS on a clerk's PC resolve the right fonts and show the right metadata:

* ``word/fontTable.xml`` lists the fonts disclo uses (:data:`FONTS`) with ``w:altName``, the GB 2312
  charset (86), family, pitch, PANOSE and Unicode/code-page signature, so that a PC without
  方正小标宋简体 or 仿宋_GB2312 substitutes 宋体 / 仿宋 rather than a Latin face;
* the theme's fonts and ``w:themeFontLang`` are Chinese (python-docx's template says Cambria,
  ＭＳ 明朝 and ``ja-JP``), so that nothing resolves to a Japanese or Latin theme font;
* ``docProps/app.xml`` names disclo, not "Microsoft Macintosh Word", and carries no stale counts or
  company; the blank thumbnail and the Word 2010 ``stylesWithEffects`` copy of the styles are dropped;
  what makes Word open a file in "Compatibility Mode" is not the application named there but
  ``compatibilityMode`` in settings.xml, which disclo's own documents set to 15 (Word 2013 and later);
* the core properties (title, author, dates) are set from the report, with XML-illegal characters
  removed and the 255-character limit of the format respected.

:func:`open_template` opens an office's own DOCX and turns every way it can fail into an
:class:`~disclo_cli.errors.InputError` that names the file and says what to do.
"""

from __future__ import annotations

import datetime as _dt
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.package import OpcPackage
from docx.opc.part import Part
from docx.oxml.ns import qn
from lxml import etree

from disclo_cli.errors import InputError

__all__ = [
    "FONTS",
    "FontEntry",
    "open_template",
    "reset_core_properties",
    "set_compatibility_mode",
    "set_core_properties",
    "tidy_package",
    "use_chinese_theme_fonts",
    "xml_safe",
]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
_EXTENDED_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

#: Core properties are limited to 255 characters by python-docx (and by Word's dialog).
CORE_PROPERTY_MAX = 255


@dataclass(frozen=True)
class FontEntry:
    """One ``w:font`` of the font table: what Word needs to pick a substitute for a missing font."""

    name: str
    alt_name: str | None
    charset: str  # hex: 86 = GB 2312 (Simplified Chinese), 00 = ANSI
    family: str  # roman, swiss, modern, script, decorative, auto
    pitch: str  # fixed, variable, default
    panose: str | None  # 10 bytes in hex, None where not known
    sig: tuple[str, str, str, str, str, str] | None  # usb0-3, csb0-1 (Unicode ranges, code pages)


_GB2312_SIG = ("00000001", "080E0000", "00000000", "00000000", "00040000", "00000000")

#: The fonts disclo's documents use, as Windows describes them (values as Word and WPS write them).
FONTS: tuple[FontEntry, ...] = (
    FontEntry("Times New Roman", None, "00", "roman", "variable", "02020603050405020304",
              ("E0002EFF", "C000785B", "00000009", "00000000", "000001FF", "00000000")),
    FontEntry("宋体", "SimSun", "86", "auto", "variable", "02010600030101010101",
              ("00000003", "288F0000", "00000016", "00000000", "00040001", "00000000")),
    FontEntry("黑体", "SimHei", "86", "modern", "fixed", "02010609060101010101",
              ("800002BF", "38CF7CFA", "00000016", "00000000", "00040001", "00000000")),
    FontEntry("仿宋_GB2312", "仿宋", "86", "modern", "fixed", "02010609030101010101", _GB2312_SIG),
    FontEntry("楷体_GB2312", "楷体", "86", "modern", "fixed", "02010609030101010101", _GB2312_SIG),
    # A Song (Ming) display face: where it is missing, 宋体 is the right substitute.
    FontEntry("方正小标宋简体", "宋体", "86", "roman", "variable", None, _GB2312_SIG),
)  # fmt: skip

_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str, *, limit: int | None = None) -> str:
    """``text`` without the characters XML 1.0 cannot carry (control characters, lone surrogates),
    cut to ``limit`` characters when given."""
    text = _XML_ILLEGAL.sub("", text)
    return text if limit is None else text[:limit]


# --- the template ---------------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "dotx",
    "application/vnd.ms-word.document.macroEnabled.main+xml": "docm",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": "dotm",
}


def open_template(path: str | Path) -> DocxDocument:
    """The office's template DOCX opened with python-docx, or an :class:`InputError` saying why not
    (missing, unreadable, a .doc/.wps, an RTF, not a ZIP, cut short, a .dotx/.docm/.dotm, another
    Office file, damaged)."""
    import docx
    from docx.opc.exceptions import OpcError

    path = Path(path)
    if not path.is_file():
        raise InputError("template-missing", path=str(path))
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise InputError("template-unreadable", path=str(path), problem=exc.strerror or str(exc)) from None
    if head.startswith(_OLE_MAGIC):
        raise InputError("template-doc", path=str(path))
    if not zipfile.is_zipfile(path):
        if head.startswith(b"PK"):
            raise InputError("template-truncated", path=str(path))
        if head.startswith(b"{\\rtf"):
            raise InputError("template-rtf", path=str(path))
        raise InputError("template-not-zip", path=str(path))
    kind = _main_part_kind(path)
    if kind == "dotx":
        raise InputError("template-dotx", path=str(path))
    if kind in ("docm", "dotm"):
        raise InputError("template-macros", path=str(path), kind=kind)
    if kind is None:
        raise InputError("template-not-word", path=str(path))
    try:
        return docx.Document(str(path))
    except (OpcError, KeyError, ValueError, zipfile.BadZipFile, EOFError, etree.XMLSyntaxError) as exc:
        raise InputError("template-damaged", path=str(path), problem=str(exc)) from None


def _main_part_kind(path: Path) -> str | None:
    """docx, dotx, docm or dotm by the main part's content type; None for another package.

    An unreadable [Content_Types].xml counts as a document: python-docx then says what is wrong.
    """
    try:
        with zipfile.ZipFile(path) as package:
            types = etree.fromstring(package.read("[Content_Types].xml"))
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, EOFError, OSError):
        return "docx"
    kinds = [_MAIN_TYPES.get(override.get("ContentType", "")) for override in types]
    return next((kind for kind in kinds if kind), None)


# --- package parts ---------------------------------------------------------------------------------


def tidy_package(document: DocxDocument, *, application: str, keep_fonts: bool) -> None:
    """Rewrite the parts around the text: font table, app.xml, no thumbnail, no stylesWithEffects.

    ``keep_fonts`` keeps the font-table entries already there (an office's template names its own
    letterhead fonts); otherwise the table lists only :data:`FONTS`.
    """
    write_font_table(document, keep_existing=keep_fonts)
    write_app_properties(document, application)
    _drop_relationships(document.part.package, RT.THUMBNAIL)
    _drop_relationships(document.part, _STYLES_WITH_EFFECTS)
    settings = document.settings.element
    for preview in settings.findall(qn("w:savePreviewPicture")):
        settings.remove(preview)


def _drop_relationships(source: OpcPackage | Part, reltype: str) -> None:
    """Remove ``source``'s relationships of ``reltype``; an unreferenced part is not saved."""
    rels = source.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype == reltype]:
        del rels[rid]


def _xml_part(document: DocxDocument, reltype: str) -> Part | None:
    for rel in document.part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            return rel.target_part
    return None


def _font_element(entry: FontEntry) -> etree._Element:
    font = etree.Element(qn("w:font"), {qn("w:name"): entry.name})
    if entry.alt_name:
        etree.SubElement(font, qn("w:altName"), {qn("w:val"): entry.alt_name})
    if entry.panose:
        etree.SubElement(font, qn("w:panose1"), {qn("w:val"): entry.panose})
    etree.SubElement(font, qn("w:charset"), {qn("w:val"): entry.charset})
    etree.SubElement(font, qn("w:family"), {qn("w:val"): entry.family})
    etree.SubElement(font, qn("w:pitch"), {qn("w:val"): entry.pitch})
    if entry.sig:
        names = ("usb0", "usb1", "usb2", "usb3", "csb0", "csb1")
        etree.SubElement(font, qn("w:sig"), {qn(f"w:{n}"): v for n, v in zip(names, entry.sig, strict=True)})
    return font


def write_font_table(document: DocxDocument, *, keep_existing: bool) -> None:
    """``word/fontTable.xml``: :data:`FONTS` (replacing same-named entries), plus the existing ones
    when ``keep_existing``."""
    part = _xml_part(document, RT.FONT_TABLE)
    if part is None:
        return
    root = etree.Element(qn("w:fonts"), nsmap={"w": W_NS})
    ours = {entry.name for entry in FONTS}
    if keep_existing:
        for font in etree.fromstring(part.blob).findall(qn("w:font")):
            if font.get(qn("w:name")) not in ours:
                root.append(font)
    for entry in FONTS:
        root.append(_font_element(entry))
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def write_app_properties(document: DocxDocument, application: str) -> None:
    """``docProps/app.xml`` naming ``application``; no page/word counts (Word recounts on save)."""
    package = document.part.package
    part = next((rel.target_part for rel in package.rels.values() if rel.reltype == RT.EXTENDED_PROPERTIES), None)
    if part is None:
        return
    root = etree.Element(f"{{{_EXTENDED_NS}}}Properties", nsmap={None: _EXTENDED_NS, "vt": _VT_NS})
    for tag, text in (
        ("Template", "Normal.dotm"),
        ("Application", xml_safe(application, limit=CORE_PROPERTY_MAX)),
        ("DocSecurity", "0"),
        ("ScaleCrop", "false"),
        ("LinksUpToDate", "false"),
        ("SharedDoc", "false"),
        ("HyperlinksChanged", "false"),
    ):
        etree.SubElement(root, f"{{{_EXTENDED_NS}}}{tag}").text = text
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def use_chinese_theme_fonts(document: DocxDocument, *, body: str, heading: str, latin: str) -> None:
    """Point the theme's minor (body) and major (heading) fonts at disclo's fonts and make the
    theme's East Asian language Chinese, so that a style naming a theme font gets a Chinese one."""
    part = _xml_part(document, RT.THEME)
    if part is not None:
        theme = etree.fromstring(part.blob)
        for kind, east_asia in (("minorFont", body), ("majorFont", heading)):
            for scheme in theme.iter(f"{{{A_NS}}}{kind}"):
                for child in list(scheme):
                    tag = etree.QName(child).localname
                    if tag == "latin":
                        child.set("typeface", latin)
                    elif tag == "ea":
                        child.set("typeface", east_asia)
                    elif tag == "font" and child.get("script") in ("Jpan", "Hans", "Hant", "Hang"):
                        scheme.remove(child)
        part._blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)
    lang = document.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


_WORD_COMPAT_URI = "http://schemas.microsoft.com/office/word"


def set_compatibility_mode(document: DocxDocument, mode: int = 15) -> None:
    """Declare the Word layout version (``w:compatSetting compatibilityMode``): python-docx's
    template says 14 (Word 2010), which Word 2013 and later open in "Compatibility Mode"; 15 is
    what they write themselves.  The application named in app.xml plays no part in this."""
    settings = document.settings.element
    compat = settings.find(qn("w:compat"))
    if compat is None:
        return  # python-docx's template always has one; a document without it is left alone
    name = "compatibilityMode"
    setting = next((el for el in compat.findall(qn("w:compatSetting")) if el.get(qn("w:name")) == name), None)
    if setting is None:
        setting = etree.SubElement(compat, qn("w:compatSetting"), {qn("w:name"): name, qn("w:uri"): _WORD_COMPAT_URI})
    setting.set(qn("w:val"), str(mode))


def reset_core_properties(document: DocxDocument, now: _dt.datetime) -> None:
    """Created and modified ``now``, revision 1, and no text left from python-docx or a template."""
    props = document.core_properties
    for attr in ("title", "author", "last_modified_by", "comments", "keywords", "subject", "category",
                 "content_status", "identifier", "version"):
        setattr(props, attr, "")
    props.created = props.modified = now
    props.revision = 1


def set_core_properties(document: DocxDocument, *, title: str | None = None, author: str | None = None) -> None:
    """Set the title and the author (also the last editor), cleaned and cut to 255 characters."""
    props = document.core_properties
    if title is not None:
        props.title = xml_safe(title, limit=CORE_PROPERTY_MAX)
    if author is not None:
        props.author = props.last_modified_by = xml_safe(author, limit=CORE_PROPERTY_MAX)
