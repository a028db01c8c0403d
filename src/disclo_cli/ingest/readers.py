"""Read a spreadsheet or CSV file into sheets of raw cell rows.

python-calamine reads .xlsx/.xlsm/.xlsb/.xls/.ods (and WPS .et, which is an .xls inside); the
stdlib csv module reads .csv/.txt in UTF-8 (with or without BOM), UTF-16 or GB18030/GBK; lxml reads
an HTML table. The file's first bytes, not its extension, decide the reader, because CMS exports
often lie about their type.

Everything here is bounded: guards.py measures a workbook (zip bombs, far-reaching cells, XML
entities) before calamine lays its cells out.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from disclo_cli.errors import InputError
from disclo_cli.ingest.guards import MAX_CELLS, chunks, guard_ods, guard_xlsx, guard_zip, too_big, zip_format
from disclo_cli.messages import msg

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_CSV_FIELD = 64 << 20
_WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".et", ".ods"}
#: HTML limits (as browsers clip them)
_MAX_COLSPAN, _MAX_ROWSPAN = 1000, 65534



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
    rows: Sequence[Sequence[object]]  # read, never changed: the readers hand over their own lists
    merged: tuple[tuple[int, int, int, int], ...] = ()
    format: str = ""
    encoding: str = ""
    part: str = ""  # an .xlsx sheet's worksheet part (xl/worksheets/sheet1.xml), to look up formulas
    hidden: str = ""  # "hidden" or "very-hidden" for a sheet the workbook hides (its rows are read all the same)


@dataclass(frozen=True)
class Input:
    """A file's bytes, read once: the sniffer, the readers and the ledger's sha256 all use these (a
    pipe cannot be read twice, and a file changed between two reads would be two files)."""

    path: Path  # as given; "-" for standard input
    data: bytes = field(repr=False)

    @property
    def name(self) -> str:
        return str(self.path)

    @property
    def stdin(self) -> bool:
        return str(self.path) == "-"

    @property
    def sha256(self) -> str:
        import hashlib

        return hashlib.sha256(self.data).hexdigest()


#: the largest input file read (a register of a million rows is well under 200 MB)
MAX_INPUT = 1 << 30
_KINDS = ((stat.S_ISFIFO, "kind.fifo"), (stat.S_ISCHR, "kind.device"), (stat.S_ISBLK, "kind.device"), (stat.S_ISSOCK, "kind.socket"))


def _special(mode: int) -> str:
    """The message code of what a non-regular, non-folder file is ('' for a regular file or a folder)."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return ""
    return next((what for test, what in _KINDS if test(mode)), "kind.special")


def is_stdin(path: Path) -> bool:
    """'-', or a name of this process's standard input (/dev/stdin, /dev/fd/0, /proc/self/fd/0)."""
    return str(path) in ("-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0")


def owner_file(path: str | os.PathLike) -> str:
    """The workbook a lock file stands for ('台账.xlsx' for '~$台账.xlsx', Excel's and WPS's, or for
    '.~lock.台账.xlsx#', LibreOffice's), '' for any other file. Such a file lies beside a workbook that
    is open; it is not a register (a few bytes naming who has it open)."""
    name = Path(path).name
    if name.startswith("~$") and len(name) > 2:
        return name[2:]
    if name.startswith(".~lock.") and name.endswith("#"):
        return name[len(".~lock.") : -1]
    return ""


def check_input(path: Path, *, must_exist: bool = False) -> None:
    """Refuse, before anything opens it, a path that is a FIFO, a device or a socket (reading one
    could wait for ever, or never end); with must_exist, a missing file too. Standard input ('-',
    /dev/stdin) is read as a stream (see read_input)."""
    if is_stdin(path):
        return
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if must_exist:
            raise InputError("input-missing", path=str(path)) from None
        return
    except OSError:
        return  # read_input says what is wrong
    what = _special(mode)
    if what:
        raise InputError("input-not-regular", path=str(path), what=msg(what))


def read_input(path: str | os.PathLike | Input) -> Input:
    """The bytes of a register file (or of standard input), read once; InputError for a file that
    cannot be read, is not a regular file, or is larger than MAX_INPUT."""
    if isinstance(path, Input):
        return path
    p = Path(path)
    if is_stdin(p):
        return _read_stdin(p)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(p, flags)  # O_NONBLOCK: a FIFO without a writer does not hold the open
    except IsADirectoryError:
        raise InputError("input-is-folder", path=str(p)) from None
    except FileNotFoundError:
        raise InputError("input-missing", path=str(p)) from None
    except PermissionError:
        if p.is_dir():  # Windows answers a folder with 'permission denied'
            raise InputError("input-is-folder", path=str(p)) from None
        raise InputError("input-permission", path=str(p)) from None
    except OSError as exc:
        raise InputError("input-unreadable", path=str(p), problem=exc.strerror or str(exc)) from exc
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("input-is-folder", path=str(p))
        what = _special(info.st_mode)
        if what:
            raise InputError("input-not-regular", path=str(p), what=msg(what))
        if info.st_size > MAX_INPUT:
            raise InputError("input-too-big", path=str(p), mib=info.st_size >> 20, limit=MAX_INPUT >> 20)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(MAX_INPUT + 1)
    except OSError as exc:
        raise InputError("input-unreadable", path=str(p), problem=exc.strerror or str(exc)) from exc
    finally:
        os.close(fd)
    if len(data) > MAX_INPUT:
        raise InputError("input-too-big", path=str(p), mib=len(data) >> 20, limit=MAX_INPUT >> 20)
    return Input(p, data)


def _read_stdin(p: Path) -> Input:
    import sys

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None or (hasattr(sys.stdin, "isatty") and sys.stdin.isatty()):
        raise InputError("input-stdin-terminal", path=str(p))
    try:
        data = stream.read(MAX_INPUT + 1)
    except OSError as exc:
        raise InputError("input-unreadable", path=str(p), problem=exc.strerror or str(exc)) from exc
    if len(data) > MAX_INPUT:
        raise InputError("input-too-big", path=str(p), mib=len(data) >> 20, limit=MAX_INPUT >> 20)
    return Input(Path("-"), data)


def sniff(source: Path | Input | bytes, name: str = "") -> str:
    """'excel', 'html' or 'csv', from the file's first bytes; raises InputError for what is neither."""
    if isinstance(source, bytes):
        head, name = source[:2048], name or "-"
    else:
        inp = read_input(source)
        head, name = inp.data[:2048], inp.name
    if not head:
        raise InputError("input-empty", path=name)
    if head.startswith((_ZIP, _OLE)):
        return "excel"
    text = head
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore").encode("utf-8")
    stripped = text.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<head", b"<body", b"<meta", b"<!--", b"<style")):
        return "html"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("input-binary", path=name)
    return "csv"


def read_sheets(path: str | os.PathLike | Input) -> list[Sheet]:
    """Every sheet of a workbook, the tables of an HTML file, or the one 'sheet' of a CSV file."""
    inp = read_input(path)
    p = inp.path
    kind = sniff(inp.data, inp.name)
    if kind == "excel":
        return _read_excel(inp)
    if kind == "html":
        return _read_html(inp)
    try:
        rows, encoding = _read_csv(inp)
    except InputError as exc:
        if p.suffix.lower() in _WORKBOOK_SUFFIXES:  # say first what the clerk expects it to be
            raise InputError("input-fake-workbook", path=str(p), suffix=p.suffix, problem=exc.message.split(": ", 1)[-1]) from exc
        raise
    return [Sheet(str(p), p.stem if not inp.stdin else "-", 0, rows, format="csv", encoding=encoding)]


# --- workbooks -----------------------------------------------------------------------------------

def _read_excel(inp: Input) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    p, data = inp.path, inp.data
    fmt, parts, ods_merges = "xls", {}, {}
    if data.startswith(_ZIP):
        import zipfile
        import zlib

        fmt = zip_format(p, guard_zip(p, data))
        try:
            if fmt == "xlsx":
                parts = guard_xlsx(p, data)
            elif fmt == "ods":
                ods_merges = guard_ods(p, data)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, KeyError) as exc:
            # a part that does not unpack (bytes damaged in a copy): calamine would fail on it too
            raise InputError("input-damaged", path=str(p), problem=_first_line(exc)) from exc
    elif "EncryptedPackage".encode("utf-16-le") in data:  # an encrypted .xlsx is an OLE file with this stream
        raise InputError("input-password", path=str(p))
    try:
        with _quiet_panics():
            wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except BaseException as exc:  # calamine's own error types for corrupt/encrypted files, or a panic
        if not _calamine_failure(exc):
            raise
        raise _excel_problem(p, exc) from exc
    hidden = _hidden_sheets(wb)
    sheets = []
    for i, name in enumerate(wb.sheet_names):
        try:
            with _quiet_panics():
                sheet = wb.get_sheet_by_name(name)
            height, width = getattr(sheet, "end", None) or (-1, -1)
            if (height + 1) * (width + 1) > MAX_CELLS:
                raise too_big(p, name, height + 1, width + 1)
            with _quiet_panics():
                rows = sheet.to_python(skip_empty_area=False)
            # python-calamine reports merged ranges for xlsx and xls (not for ods: _guard_ods finds them)
            merged = getattr(sheet, "merged_cell_ranges", None) if fmt != "ods" else ods_merges.get(name)
        except InputError:
            raise
        except BaseException as exc:
            if not _calamine_failure(exc):
                raise
            raise InputError("input-sheet-unreadable", path=str(p), sheet=name, problem=_first_line(exc)) from exc
        spans = tuple((r0, c0, r1, c1) for (r0, c0), (r1, c1) in (merged or ()))
        sheets.append(Sheet(str(p), name, i, rows, spans, fmt, part=parts.get(name, ""), hidden=hidden.get(name, "")))
    return sheets


def _hidden_sheets(wb) -> dict[str, str]:
    """Sheet name -> 'hidden' / 'very-hidden' for the sheets a workbook hides (calamine's metadata)."""
    try:
        metadata = wb.sheets_metadata
    except Exception:  # an older python-calamine, or a format without it: nothing is known hidden
        return {}
    out = {}
    for m in metadata:
        state = str(getattr(m, "visible", "")).rsplit(".", 1)[-1]
        if state in ("Hidden", "VeryHidden"):
            out[m.name] = "very-hidden" if state == "VeryHidden" else "hidden"
    return out


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


def _excel_problem(p: Path, exc: BaseException) -> InputError:
    """The error for a workbook calamine cannot open."""
    text = str(exc)
    low = text.lower()
    if type(exc).__name__ == "PasswordError" or "password" in low or "encrypt" in low:
        return InputError("input-password", path=str(p))
    return InputError("input-not-spreadsheet", path=str(p), problem=_first_line(exc))


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
            if not any(_FORMULA.search(buf) for buf in chunks(zf, sheet.part)):
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
            raise InputError("input-bad-utf16", path=name, byte=exc.start) from exc
    try:
        return data.decode("utf-8-sig"), "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise InputError("input-bad-encoding", path=name, byte=exc.start) from exc


def decode(data: bytes, name: str) -> str:
    """Text of a CSV file (see decode_as)."""
    return decode_as(data, name)[0]


def _read_csv(inp: Input) -> tuple[list[list[object]], str]:
    p = inp.path
    text, encoding = decode_as(inp.data, str(p))
    text = text.replace("\x00", "")  # NULs (from a UTF-16 file read wrongly, or junk) are never data
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    csv.field_size_limit(MAX_CSV_FIELD)
    # newline="": lines end at CR LF, LF or a lone CR (old Mac exports), and a line break inside a
    # quoted cell stays in the cell; strict: a quote that is never closed is an error, not the rest
    # of the file swallowed into one cell
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[object]] = []
    cells = 0
    start = 1  # the line the row being read starts on
    try:
        for row in reader:
            cells += len(row)
            if cells > MAX_CELLS:
                raise InputError("input-csv-too-big", path=str(p), cells=f"{MAX_CELLS:,}")
            rows.append([c if c != "" else None for c in row])
            start = reader.line_num + 1
    except csv.Error as exc:
        problem = str(exc)
        if "unexpected end of data" in problem or ("expected after" in problem and reader.line_num > start):
            raise InputError("input-csv-open-quote", path=str(p), line=start, row=len(rows) + 1) from exc
        raise InputError("input-bad-csv", path=str(p), row=start, problem=problem) from exc
    return rows, encoding


# --- HTML ----------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")


def _html_text(inp: Input) -> tuple[str, str]:
    """The page's text: in the charset its <meta> declares (when Python knows it), else as a CSV's."""
    import codecs

    p, data = inp.path, inp.data
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


def _read_html(inp: Input) -> list[Sheet]:
    """A CMS 'xls' that is really an HTML page: each <table> is a sheet, cell text kept exactly."""
    p = inp.path
    text, encoding = _html_text(inp)
    if text.lstrip("\ufeff \t\r\n").startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in text[:4096]:
        raise InputError("input-xml-spreadsheet", path=str(p))
    from lxml import etree, html

    text = _XML_DECL.sub("", text.lstrip("\ufeff"), count=1)
    try:
        doc = html.document_fromstring(text, parser=html.HTMLParser(recover=True, no_network=True, huge_tree=False))
    except (etree.ParserError, ValueError) as exc:
        raise InputError("input-bad-html", path=str(p), problem=str(exc)) from exc
    tables = doc.xpath("//table")
    sheets = []
    for i, table in enumerate(tables):
        rows, merged = _html_table(table, p)
        sheets.append(Sheet(str(p), f"table{i + 1}", i, rows, merged, "html", encoding))
    if not sheets:
        raise InputError("input-html-no-table", path=str(p))
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
                raise InputError("input-html-too-big", path=str(p), cells=f"{MAX_CELLS:,}")
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text if dc == 0 else None
            if rowspan > 1 or colspan > 1:
                merged.append((r, c, r + rowspan - 1, c + colspan - 1))
            c += colspan
            width = max(width, c)
    if len(trs) * width > MAX_CELLS:
        raise InputError("input-html-too-big", path=str(p), cells=f"{MAX_CELLS:,}")
    rows = [[grid.get((r, c)) for c in range(width)] for r in range(len(trs))]
    return rows, tuple(merged)


def _owner(tr):
    node = tr.getparent()
    while node is not None and node.tag != "table":
        node = node.getparent()
    return node
