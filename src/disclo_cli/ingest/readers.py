"""Read a spreadsheet or CSV file into sheets of raw cell rows.

python-calamine reads .xlsx/.xlsm/.xlsb/.xls/.ods (and WPS .et, which is an .xls inside); the
stdlib csv module reads .csv/.txt in UTF-8 (with or without BOM), UTF-16 or GB18030/GBK; lxml reads
an HTML table. The file's first bytes, not its extension, decide the reader, because CMS exports
often lie about their type.

Everything here is bounded: a workbook's parts are measured before anything is unpacked (zip bombs),
its sheets' extent before calamine lays the cells out (one cell at XFD1048576 would ask for half a
terabyte), and XML that declares entities is refused.
"""

from __future__ import annotations

import csv
import io
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from disclo_cli.errors import InputError

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: refuse a workbook whose parts unpack to more than this (a decompression bomb) ...
MAX_UNPACKED = 4 << 30
#: ... or whose large parts unpack more than this many times their packed size
MAX_RATIO = 250
MAX_CSV_FIELD = 64 << 20
#: refuse a sheet whose cells, laid out from A1, would be more than this many (a million rows × 30 columns)
MAX_CELLS = 30_000_000
#: HTML limits (as browsers clip them)
_MAX_COLSPAN, _MAX_ROWSPAN = 1000, 65534

_RESAVE = "Open it in Excel/WPS and save it again as .xlsx."
_DAMAGED = "The file is damaged or truncated (an interrupted download or copy?): get it again, or " + _RESAVE[0].lower() + _RESAVE[1:]


@dataclass(frozen=True)
class Sheet:
    """One sheet's cells as Python values (str, int, float, bool, date, datetime, None), row-major.

    `merged` lists merged ranges as (first row, first column, last row, last column), 0-based and
    inclusive, in the coordinates of `rows` (row 0 is the sheet's first row, column 0 its column A);
    `format` is what the file really is (xlsx, xls, ods, csv, html…); `encoding` is the text
    encoding a CSV or HTML file was read in.
    """

    file: str
    name: str
    index: int
    rows: list[list[object]]
    merged: tuple[tuple[int, int, int, int], ...] = ()
    format: str = ""
    encoding: str = ""
    part: str = ""  # an .xlsx sheet's worksheet part (xl/worksheets/sheet1.xml), to look up formulas


def sniff(path: Path) -> str:
    """'excel', 'html' or 'csv', from the file's first bytes; raises InputError for what is neither."""
    try:
        with path.open("rb") as fh:
            head = fh.read(2048)
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file", hint="Name the spreadsheet files inside it.") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file", hint="Check the name and the folder.") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied", hint="Close the file in Excel/WPS or ask for read access.") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})", hint="Copy the file to a local folder and try again.") from None
    if not head:
        raise InputError(f"{path}: the file is empty (0 bytes)", hint="Export the register again.")
    if head.startswith(_ZIP) or head.startswith(_OLE):
        return "excel"
    text = head
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore").encode("utf-8")
    stripped = text.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<head", b"<body", b"<meta", b"<!--", b"<style")):
        return "html"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path}: not a spreadsheet or CSV file (binary content)", hint="Save it from Excel/WPS as .xlsx or .csv.")
    return "csv"


def read_sheets(path: str | os.PathLike) -> list[Sheet]:
    """Every sheet of a workbook, the tables of an HTML file, or the one 'sheet' of a CSV file."""
    p = Path(path)
    kind = sniff(p)
    if kind == "excel":
        return _read_excel(p)
    if kind == "html":
        return _read_html(p)
    rows, encoding = _read_csv(p)
    return [Sheet(str(p), p.stem, 0, rows, format="csv", encoding=encoding)]


# --- workbooks -----------------------------------------------------------------------------------

def _guard_zip(p: Path) -> list:
    """Refuse decompression bombs before anything is unpacked (the zip directory tells the sizes)."""
    import zipfile

    try:
        with zipfile.ZipFile(p) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as exc:
        raise InputError(f"{p}: not a readable spreadsheet (damaged or truncated: {exc})", hint=_DAMAGED) from None
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED:
        raise InputError(f"{p}: refused: its parts would unpack to {total >> 20} MiB (a zip bomb or a damaged file)", hint="Save the register again from Excel/WPS; split a very large one.")
    for i in infos:
        if i.file_size > (64 << 20) and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise InputError(f"{p}: refused: part {i.filename} would unpack {i.file_size // max(i.compress_size, 1)} times its size (a zip bomb)",
                             hint="This is not an ordinary register: do not open it; ask where it came from.")
    return [i.filename for i in infos]


def _zip_format(p: Path, names: list[str]) -> str:
    """xlsx, xlsb or ods by the parts a zip holds; a clear refusal for other zips (docx, plain zip)."""
    has = set(names)
    if "xl/workbook.xml" in has:
        return "xlsx"
    if "xl/workbook.bin" in has:
        return "xlsb"
    if "content.xml" in has:
        return "ods"
    if "word/document.xml" in has:
        raise InputError(f"{p}: a Word document, not a spreadsheet", hint="Give the register itself (.xlsx, .xls, .et, .ods or .csv).")
    if "ppt/presentation.xml" in has:
        raise InputError(f"{p}: a PowerPoint file, not a spreadsheet", hint="Give the register itself (.xlsx, .xls, .et, .ods or .csv).")
    raise InputError(f"{p}: a zip archive, not a spreadsheet", hint="Unpack it and give the register files inside it.")


def _read_excel(p: Path) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    with p.open("rb") as fh:
        is_zip = fh.read(4) == _ZIP
    fmt, parts, ods_merges = "xls", {}, {}
    if is_zip:
        import zipfile
        import zlib

        fmt = _zip_format(p, _guard_zip(p))
        try:
            if fmt == "xlsx":
                parts = _guard_xlsx(p)
            elif fmt == "ods":
                ods_merges = _guard_ods(p)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, KeyError) as exc:
            # a part that does not unpack (bytes damaged in a copy): calamine would fail on it too
            raise InputError(f"{p}: not a readable spreadsheet (damaged or truncated: {_first_line(exc)})", hint=_DAMAGED) from exc
    try:
        with _quiet_panics():
            wb = CalamineWorkbook.from_path(str(p))
    except BaseException as exc:  # calamine's own error types for corrupt/encrypted files, or a panic
        if not _calamine_failure(exc):
            raise
        message, hint = _excel_problem(p, exc)
        raise InputError(message, hint=hint) from exc
    sheets = []
    for i, name in enumerate(wb.sheet_names):
        try:
            with _quiet_panics():
                sheet = wb.get_sheet_by_name(name)
            height, width = getattr(sheet, "end", None) or (-1, -1)
            if (height + 1) * (width + 1) > MAX_CELLS:
                raise InputError(_too_big(p, name, height + 1, width + 1), hint=_TOO_BIG_HINT)
            with _quiet_panics():
                rows = sheet.to_python(skip_empty_area=False)
            # python-calamine reports merged ranges for xlsx and xls (not for ods: _guard_ods finds them)
            merged = getattr(sheet, "merged_cell_ranges", None) if fmt != "ods" else ods_merges.get(name)
        except InputError:
            raise
        except BaseException as exc:
            if not _calamine_failure(exc):
                raise
            raise InputError(f"{p}: sheet {name!r} cannot be read ({_first_line(exc)})", hint=_DAMAGED) from exc
        spans = tuple((r0, c0, r1, c1) for (r0, c0), (r1, c1) in (merged or ()))
        sheets.append(Sheet(str(p), name, i, rows, spans, fmt, part=parts.get(name, "")))
    return sheets


@contextmanager
def _quiet_panics():
    """Keep a Rust panic's own report (written straight to file descriptor 2, with a backtrace when
    RUST_BACKTRACE is set) off the clerk's screen: its text is in the exception, which becomes one
    clear line."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as sink:
            os.dup2(sink.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _calamine_failure(exc: BaseException) -> bool:
    """An error of calamine reading a damaged file: its exceptions, or a Rust panic (pyo3's
    PanicException derives from BaseException), but never Ctrl-C or an exit."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _excel_problem(p: Path, exc: BaseException) -> tuple[str, str]:
    """(message, hint) for a workbook calamine cannot open."""
    text = str(exc)
    low = text.lower()
    if type(exc).__name__ == "PasswordError" or "password" in low or "encrypt" in low:
        return (f"{p}: the workbook is password-protected",
                "Open it in Excel/WPS with its password, remove the password (文件 → 信息 → 保护工作簿 → 用密码进行加密, clear it) and save it.")
    return f"{p}: not a readable spreadsheet ({_first_line(exc)})", _DAMAGED


_TOO_BIG_HINT = "Delete the empty rows and columns beyond the register (or copy the register into a new workbook) and save it again."


def _too_big(p: Path, sheet: str, rows: int, cols: int) -> str:
    return f"{p}: sheet {sheet!r}: refused: its cells reach row {rows:,} and column {cols:,} ({rows * cols:,} cells, more than {MAX_CELLS:,})"


def _refuse_entities(p: Path, part: str) -> InputError:
    return InputError(f"{p}: refused: part {part} declares XML entities (not something Excel or WPS writes)",
                      hint="This is not an ordinary register: do not open it; ask where it came from.")


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


def _guard_xlsx(p: Path) -> dict[str, str]:
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
                raise InputError(_too_big(p, names.get(part, part), rows, cols), hint=_TOO_BIG_HINT)
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


def _chunks(zf, part: str, size: int = 1 << 23):
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
    for buf in _chunks(zf, part):
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
    for buf in _chunks(zf, part):
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
        for buf in _chunks(zf, part):
            parser.Parse(buf, False)
        parser.Parse(b"", True)
    except xml.parsers.expat.ExpatError as exc:
        raise InputError(f"{p}: not a readable spreadsheet (damaged XML in {part}: {exc})", hint=_DAMAGED) from None
    return state["max_row"], state["max_col"]


def _guard_ods(p: Path) -> dict[str, list]:
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
            raise InputError(_too_big(p, st["sheet"] or "?", st["max_row"], st["max_col"]), hint=_TOO_BIG_HINT)

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
            for buf in _chunks(zf, "content.xml"):
                parser.Parse(buf, False)
        parser.Parse(b"", True)
    except xml.parsers.expat.ExpatError as exc:
        raise InputError(f"{p}: not a readable spreadsheet (damaged XML in content.xml: {exc})", hint=_DAMAGED) from None
    return merges


_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[ >/]")


def formulas(sheet: Sheet, cells: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The formulas (as written, '=DATE(2018,3,5)') of the given 0-based cells of an .xlsx sheet.

    Only for messages: calamine reads a formula cell that has no saved value as empty, and this
    says why. Lazy (only when a required cell came out empty) and best effort: {} when unsure.
    """
    if sheet.format != "xlsx" or not cells or not sheet.part:
        return {}
    import zipfile

    try:
        with zipfile.ZipFile(sheet.file) as zf:
            if not any(_FORMULA.search(buf) for buf in _chunks(zf, sheet.part)):
                return {}
        from openpyxl import load_workbook

        wb = load_workbook(sheet.file, read_only=True, data_only=False)
        try:
            ws = wb[sheet.name]
            rows = [r for r, _ in cells]
            cols = [c for _, c in cells]
            out: dict[tuple[int, int], str] = {}
            for row in ws.iter_rows(min_row=min(rows) + 1, max_row=max(rows) + 1, max_col=max(cols) + 1):
                for cell in row:
                    key = (getattr(cell, "row", 0) - 1, getattr(cell, "column", 0) - 1)
                    if key in cells and getattr(cell, "data_type", "") == "f":
                        value = cell.value
                        text = value if isinstance(value, str) else getattr(value, "text", "") or ""
                        out[key] = text if text.startswith("=") else "=" + text
            return out
        finally:
            wb.close()
    except Exception:  # a message that cannot be improved stays as it was; it must never fail
        return {}


# --- CSV -----------------------------------------------------------------------------------------

ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (with BOM)", "utf-16": "UTF-16", "gb18030": "GBK/GB18030"}


def decode_as(data: bytes, name: str) -> tuple[str, str]:
    """(text, encoding) of a CSV file: UTF-8 (BOM or not), UTF-16 with BOM, else GB18030 (a superset of GBK)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: not valid UTF-16 text (byte {exc.start})", hint="Save it again from Excel/WPS as 'CSV UTF-8' or as .xlsx.") from None
    try:
        return data.decode("utf-8-sig"), "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: the text is neither UTF-8 nor GBK/GB18030 (byte {exc.start})",
            hint="Save it again from Excel/WPS as 'CSV UTF-8' or as .xlsx.",
        ) from None


def decode(data: bytes, name: str) -> str:
    """Text of a CSV file (see decode_as)."""
    return decode_as(data, name)[0]


def _read_bytes(p: Path) -> bytes:
    try:
        return p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot be read ({exc.strerror or exc})", hint="Copy the file to a local folder and try again.") from None


def _read_csv(p: Path) -> tuple[list[list[object]], str]:
    text, encoding = decode_as(_read_bytes(p), str(p))
    text = text.replace("\x00", "")  # NULs (from a UTF-16 file read wrongly, or junk) are never data
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    csv.field_size_limit(MAX_CSV_FIELD)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[list[object]] = []
    cells = 0
    try:
        for row in reader:
            cells += len(row)
            if cells > MAX_CELLS:
                raise InputError(f"{p}: refused: more than {MAX_CELLS:,} cells", hint="Split the file, or keep only the register's columns.")
            rows.append([c if c != "" else None for c in row])
    except csv.Error as exc:
        raise InputError(f"{p}: row {reader.line_num}: not readable as CSV ({exc})", hint="Save it again from Excel/WPS as CSV or .xlsx.") from None
    return rows, encoding


# --- HTML ----------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")


def _html_text(p: Path) -> tuple[str, str]:
    """The page's text: in the charset its <meta> declares (when Python knows it), else as a CSV's."""
    import codecs

    data = _read_bytes(p)
    if not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        m = _META_CHARSET.search(data[:4096])
        if m:
            try:
                name = codecs.lookup(m.group(1).decode("ascii")).name
            except LookupError:
                name = ""
            if name in ("gbk", "gb2312", "cp936"):
                name = "gb18030"
            if name:
                try:
                    return data.decode(name), name
                except UnicodeDecodeError:
                    pass
    return decode_as(data, str(p))


def _read_html(p: Path) -> list[Sheet]:
    """A CMS 'xls' that is really an HTML page: each <table> is a sheet, cell text kept exactly."""
    text, encoding = _html_text(p)
    if text.lstrip("\ufeff \t\r\n").startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in text[:4096]:
        raise InputError(f"{p}: an Excel 2003 XML spreadsheet", hint=_RESAVE)
    from lxml import etree, html

    text = _XML_DECL.sub("", text.lstrip("\ufeff"), count=1)
    try:
        doc = html.document_fromstring(text, parser=html.HTMLParser(recover=True, no_network=True, huge_tree=False))
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"{p}: an HTML file that cannot be read ({exc})", hint="Export the register as .xlsx or .csv.") from None
    tables = doc.xpath("//table")
    sheets = []
    for i, table in enumerate(tables):
        rows, merged = _html_table(table, p)
        sheets.append(Sheet(str(p), f"table{i + 1}", i, rows, merged, "html", encoding))
    if not sheets:
        raise InputError(f"{p}: an HTML file with no table in it", hint="Export the register as .xlsx or .csv.")
    return sheets


def _html_cell_text(cell) -> str:
    """The text of a cell as shown: <br> is a line break; a table inside it is its own sheet."""
    parts: list[str] = []
    stack: list = [cell]
    while stack:
        node = stack.pop()
        if isinstance(node, str):  # a tail, queued after the element it follows
            parts.append(node)
            continue
        tag = node.tag if isinstance(node.tag, str) else ""
        if node is not cell and node.tail:
            stack.append(node.tail)
        if tag == "br":
            parts.append("\n")
            continue
        if not tag or tag in ("script", "style") or (tag == "table" and node is not cell):
            continue
        if node.text:
            parts.append(node.text)
        stack.extend(reversed(list(node)))
    return "".join(parts).strip()


def _span(cell, attr: str, cap: int) -> int:
    value = (cell.get(attr) or "1").strip()
    digits = re.match(r"\d+", value)
    n = int(digits.group(0)) if digits else 1
    return max(1, min(n, cap))


def _html_table(table, p: Path) -> tuple[list[list[object]], tuple[tuple[int, int, int, int], ...]]:
    """Rows of one <table>: a colspan leaves the covered cells empty (as a merged Excel cell does),
    a rowspan repeats the text in every row it spans (a category written once for several rows)."""
    trs = [tr for tr in table.iter("tr") if _owner(tr) is table]
    grid: dict[tuple[int, int], object] = {}
    merged = []
    width = 0
    for r, tr in enumerate(trs):
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            text = _html_cell_text(cell) or None
            colspan = _span(cell, "colspan", _MAX_COLSPAN)
            rowspan = _span(cell, "rowspan", _MAX_ROWSPAN)
            rowspan = min(rowspan, len(trs) - r) if rowspan > 1 else 1
            if len(grid) + rowspan * colspan > MAX_CELLS:
                raise InputError(f"{p}: refused: a table of more than {MAX_CELLS:,} cells", hint="Export the register as .xlsx or .csv.")
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text if dc == 0 else None
            if rowspan > 1 or colspan > 1:
                merged.append((r, c, r + rowspan - 1, c + colspan - 1))
            c += colspan
            width = max(width, c)
    if len(trs) * width > MAX_CELLS:
        raise InputError(f"{p}: refused: a table of more than {MAX_CELLS:,} cells", hint="Export the register as .xlsx or .csv.")
    rows = [[grid.get((r, c)) for c in range(width)] for r in range(len(trs))]
    return rows, tuple(merged)


def _owner(tr):
    node = tr.getparent()
    while node is not None and node.tag != "table":
        node = node.getparent()
    return node
