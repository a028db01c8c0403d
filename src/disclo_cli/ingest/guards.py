"""Limits on what a workbook may ask of the reader, checked before calamine unpacks anything.

A zip's directory tells the parts' sizes (decompression bombs); a quick scan of each worksheet's XML
tells how far its cells reach (one cell at XFD1048576 would make calamine lay out half a terabyte);
XML that declares entities is refused; an .ods is walked for its extent and its merged ranges.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from disclo_cli.errors import InputError

#: refuse a workbook whose parts unpack to more than this (a decompression bomb) ...
MAX_UNPACKED = 4 << 30
#: ... or whose large parts unpack more than this many times their packed size
MAX_RATIO = 250
#: refuse a sheet whose cells, laid out from A1, would be more than this many (a million rows × 30 columns)
MAX_CELLS = 30_000_000



def guard_zip(p: Path) -> list:
    """Refuse decompression bombs before anything is unpacked (the zip directory tells the sizes)."""
    import zipfile

    try:
        with zipfile.ZipFile(p) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as exc:
        raise InputError("input-damaged", path=str(p), problem=str(exc)) from exc
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED:
        raise InputError("input-zip-too-big", path=str(p), mib=total >> 20)
    for i in infos:
        if i.file_size > (64 << 20) and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise InputError("input-zip-bomb", path=str(p), part=i.filename, ratio=i.file_size // max(i.compress_size, 1))
    return [i.filename for i in infos]


def zip_format(p: Path, names: list[str]) -> str:
    """xlsx, xlsb or ods by the parts a zip holds; a clear refusal for other zips (docx, plain zip)."""
    has = set(names)
    if "xl/workbook.xml" in has:
        return "xlsx"
    if "xl/workbook.bin" in has:
        return "xlsb"
    if "content.xml" in has:
        return "ods"
    if "word/document.xml" in has:
        raise InputError("input-word", path=str(p))
    if "ppt/presentation.xml" in has:
        raise InputError("input-powerpoint", path=str(p))
    raise InputError("input-zip", path=str(p))


def too_big(p: Path, sheet: str, rows: int, cols: int) -> InputError:
    return InputError("input-sheet-too-big", path=str(p), sheet=sheet, rows=f"{rows:,}", columns=f"{cols:,}", cells=f"{rows * cols:,}", limit=f"{MAX_CELLS:,}")


def _refuse_entities(p: Path, part: str) -> InputError:
    return InputError("input-xml-entities", path=str(p), part=part)


def _sheet_parts(zf) -> dict[str, str]:
    """Sheet name -> worksheet part (xl/worksheets/sheet1.xml) from the workbook and its relations."""
    import xml.etree.ElementTree as ET

    try:
        book = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    if b"<!DOCTYPE" in book or b"<!DOCTYPE" in rels or len(book) > (16 << 20) or len(rels) > (16 << 20):
        return {}
    try:
        targets = {}
        for rel in ET.fromstring(rels):
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[rel.get("Id")] = os.path.normpath(target).replace("\\", "/")
        out = {}
        for el in ET.fromstring(book).iter():
            if el.tag.endswith("}sheet"):
                rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
                if rid in targets:
                    out[el.get("name", "")] = targets[rid]
        return out
    except ET.ParseError:
        return {}


def guard_xlsx(p: Path) -> dict[str, str]:
    """Refuse sheets whose cells would be laid out over more than MAX_CELLS, and XML entities.

    One cheap pass over each worksheet's XML (no parse) for the usual shape; a finer scan of the cell
    references when it is not; an XML parse counting only the cells that have a value when that
    still looks too big. Returns sheet name -> worksheet part.
    """
    import zipfile

    with zipfile.ZipFile(p) as zf:
        parts = _sheet_parts(zf)
        names = {v: k for k, v in parts.items()}
        for part in zf.namelist():
            if not (part.startswith("xl/worksheets/") and part.endswith(".xml")):
                continue
            rows, cols, exact = _quick_extent(zf, p, part)
            if not exact or rows * cols > MAX_CELLS:
                rows, cols, exact = _scan_extent(zf, p, part)
            if not exact or rows * cols > MAX_CELLS:
                rows, cols = _exact_extent(zf, p, part)
            if rows * cols > MAX_CELLS:
                raise too_big(p, names.get(part, part), rows, cols)
        for part in ("xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml"):
            if part in zf.namelist():
                with zf.open(part) as fh:
                    if b"<!DOCTYPE" in fh.read(4096):
                        raise _refuse_entities(p, part)
    return parts


_ROW_TAG = re.compile(rb'<row r="([0-9]{1,8})"')
_CELL_ROW = re.compile(rb'<c(?: r="[A-Z]{1,3}([0-9]{1,7})")?[ >/]')
_CELL_COL = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
_ODD_CELL: dict[int, re.Pattern] = {}


def _odd_cell(digits: int) -> re.Pattern:
    """A cell tag that is not <c r="X123"> with one column letter and at most `digits` row digits."""
    if digits not in _ODD_CELL:
        _ODD_CELL[digits] = re.compile(rb'<c(?! r="[A-Z][0-9]{1,%d}")[ >/]' % digits)
    return _ODD_CELL[digits]


def chunks(zf, part: str, size: int = 1 << 23):
    """A part's bytes in pieces that end at a '>' (no tag is cut in two)."""
    carry = b""
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(size)
            if not chunk:
                if carry:
                    yield carry
                return
            buf = carry + chunk
            cut = buf.rfind(b">") + 1
            if cut == 0 and len(buf) < (64 << 20):
                carry = buf
                continue
            yield buf[:cut] if cut else buf
            carry = buf[cut:] if cut else b""


def _quick_extent(zf, p: Path, part: str) -> tuple[int, int, bool]:
    """A bound on (last row, last column) from one cheap pass; exact=False when the sheet is not
    the usual shape (columns beyond Z, cells whose first attribute is not their reference), and
    then _scan_extent measures it.

    The usual shape: every cell is <c r="X123"> with one column letter and no more row digits than
    the rows so far, so the cells fit in 26 columns by 10**digits rows; only rows of seven digits
    (a million and more) are looked at one by one.
    """
    digits, max_row, exact, first = 1, 0, True, True
    for buf in chunks(zf, part):
        if first and (b"<!DOCTYPE" in buf[:4096] or b"<!ENTITY" in buf[:4096]):
            raise _refuse_entities(p, part)
        first = False
        tags = _ROW_TAG.findall(buf)
        if tags:
            digits = max(digits, max(map(len, tags)))
        if _odd_cell(digits).search(buf):
            return 0, 0, False
        if 26 * (10 ** digits - 1) > MAX_CELLS:
            cells = re.findall(rb'<c r="[A-Z]([0-9]{%d})"' % digits, buf)
            max_row = max(max_row, *map(int, cells), *map(int, tags)) if cells or tags else max_row
        else:
            max_row = max(max_row, 10 ** digits - 1)
    return max_row, 26 if max_row else 0, exact


def _scan_extent(zf, p: Path, part: str) -> tuple[int, int, bool]:
    """(last row, last column) over every cell reference, and whether every cell had one."""
    max_row, max_col, exact = 0, 0, True
    for buf in chunks(zf, part):
        if b":c " in buf or b":c>" in buf:
            exact = False  # cells in a prefixed namespace (<x:c>): let the exact scan count them
        cols = _CELL_COL.findall(buf)
        if cols:
            longest = max(map(len, cols))
            top = max(c for c in cols if len(c) == longest) if longest > 1 else max(cols)
            max_col = max(max_col, _col_number(top))
        rows = _CELL_ROW.findall(buf)
        if rows:
            if b"" in rows:
                exact = False
            digits = max(map(len, rows))
            bound = 10 ** digits - 1  # the largest row these digits can write: exact enough mostly
            if bound * max(max_col, 1) > MAX_CELLS:
                bound = max(map(int, filter(None, rows)))
            max_row = max(max_row, bound)
    return max_row, max_col, exact


def _col_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode("ascii"):
        n = n * 26 + ord(ch) - 64
    return n


def _exact_extent(zf, p: Path, part: str) -> tuple[int, int]:
    """(last row, last column) of the cells that have a value, as calamine places them."""
    import xml.parsers.expat

    state = {"row": 0, "col": 0, "cell": None, "max_row": 0, "max_col": 0}
    ref = re.compile(r"([A-Z]{1,3})([0-9]{1,7})$")

    def start(name: str, attrs: dict) -> None:
        local = name.rsplit(" ", 1)[-1]
        if local == "row":
            r = attrs.get("r")
            state["row"] = int(r) if r and r.isdigit() else state["row"] + 1
            state["col"] = 0
        elif local == "c":
            m = ref.match(attrs.get("r", ""))
            if m:
                state["col"], row = _col_number(m.group(1)), int(m.group(2))
            else:
                state["col"], row = state["col"] + 1, state["row"]
            state["cell"] = (row, state["col"])
        elif local in ("v", "is") and state["cell"]:
            row, col = state["cell"]
            state["max_row"] = max(state["max_row"], row)
            state["max_col"] = max(state["max_col"], col)

    def refuse(*_args) -> None:
        raise _refuse_entities(p, part)

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        for buf in chunks(zf, part):
            parser.Parse(buf, False)
        parser.Parse(b"", True)
    except xml.parsers.expat.ExpatError as exc:
        raise InputError("input-damaged-xml", path=str(p), part=part, problem=str(exc)) from exc
    return state["max_row"], state["max_col"]


def guard_ods(p: Path) -> dict[str, list]:
    """Refuse an .ods whose repeated cells would be laid out over more than MAX_CELLS; return the
    merged ranges per sheet (calamine does not report them for .ods)."""
    import xml.parsers.expat
    import zipfile

    TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    merges: dict[str, list] = {}
    st = {"sheet": None, "row": 0, "col": 0, "rrep": 1, "max_row": 0, "max_col": 0, "cell": None}

    def num(attrs, key) -> int:
        value = attrs.get(f"{TABLE} {key}", "1")
        return int(value) if value.isdigit() else 1

    def valued(row_end: int, col_end: int) -> None:
        st["max_row"] = max(st["max_row"], row_end)
        st["max_col"] = max(st["max_col"], col_end)
        if st["max_row"] * st["max_col"] > MAX_CELLS:
            raise too_big(p, st["sheet"] or "?", st["max_row"], st["max_col"])

    def start(name: str, attrs: dict) -> None:
        if name == f"{TABLE} table":
            st.update(sheet=attrs.get(f"{TABLE} name", ""), row=0, max_row=0, max_col=0)
            merges[st["sheet"]] = []
        elif name == f"{TABLE} table-row":
            st["rrep"] = num(attrs, "number-rows-repeated")
            st["col"] = 0
        elif name in (f"{TABLE} table-cell", f"{TABLE} covered-table-cell"):
            crep = num(attrs, "number-columns-repeated")
            first_col = st["col"]
            st["col"] += crep
            st["cell"] = (first_col, st["col"])
            if f"{OFFICE} value-type" in attrs:
                valued(st["row"] + st["rrep"], st["col"])
            rs, cs = num(attrs, "number-rows-spanned"), num(attrs, "number-columns-spanned")
            if (rs > 1 or cs > 1) and st["sheet"] is not None:
                merges[st["sheet"]].append(((st["row"], first_col), (st["row"] + rs - 1, first_col + cs - 1)))
        elif name.endswith(" p") and st["cell"]:
            valued(st["row"] + st["rrep"], st["cell"][1])

    def end(name: str) -> None:
        if name == f"{TABLE} table-row":
            st["row"] += st["rrep"]
            st["rrep"] = 1
        elif name in (f"{TABLE} table-cell", f"{TABLE} covered-table-cell"):
            st["cell"] = None

    def refuse(*_args) -> None:
        raise _refuse_entities(p, "content.xml")

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        with zipfile.ZipFile(p) as zf:
            for buf in chunks(zf, "content.xml"):
                parser.Parse(buf, False)
        parser.Parse(b"", True)
    except xml.parsers.expat.ExpatError as exc:
        raise InputError("input-damaged-xml", path=str(p), part="content.xml", problem=str(exc)) from exc
    return merges
