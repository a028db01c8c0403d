"""Read a spreadsheet or CSV file into sheets of raw cell rows.

python-calamine reads .xlsx/.xlsm/.xlsb/.xls/.ods (and WPS .et, which is an .xls inside); the
stdlib csv module reads .csv/.txt in UTF-8 (with or without BOM), UTF-16 or GB18030/GBK. The file's
first bytes, not its extension, decide the reader, because CMS exports often lie about their type.
"""

from __future__ import annotations

import csv
import io
import os
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


@dataclass(frozen=True)
class Sheet:
    """One sheet's cells as Python values (str, int, float, bool, date, datetime, None), row-major."""

    file: str
    name: str
    index: int
    rows: list[list[object]]


def sniff(path: Path) -> str:
    """'excel' or 'csv', from the file's first bytes; raises InputError for what is neither."""
    try:
        with path.open("rb") as fh:
            head = fh.read(2048)
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file", hint="Name the spreadsheet files inside it.") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file", hint="Check the name and the folder.") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied", hint="Close the file in Excel/WPS or ask for read access.") from None
    if not head:
        raise InputError(f"{path}: the file is empty (0 bytes)", hint="Export the register again.")
    if head.startswith(_ZIP) or head.startswith(_OLE):
        return "excel"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<html", b"<!doctype", b"<table", b"<?xml")):
        return "html"
    if b"\x00" in head and not (head.startswith((b"\xff\xfe", b"\xfe\xff"))):
        raise InputError(f"{path}: not a spreadsheet or CSV file (binary content)", hint="Save it from Excel/WPS as .xlsx or .csv.")
    return "csv"


def read_sheets(path: str | os.PathLike) -> list[Sheet]:
    """Every sheet of a workbook, or the one 'sheet' of a CSV file."""
    p = Path(path)
    kind = sniff(p)
    if kind == "excel":
        return _read_excel(p)
    if kind == "html":
        return _read_html(p)
    return [Sheet(str(p), p.stem, 0, _read_csv(p))]


def _guard_zip(p: Path) -> None:
    """Refuse decompression bombs before anything is unpacked (the zip directory tells the sizes)."""
    import zipfile

    try:
        with zipfile.ZipFile(p) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise InputError(f"{p}: not a readable spreadsheet (damaged or truncated: {exc})", hint="Open it in Excel/WPS and save it again as .xlsx.") from None
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED:
        raise InputError(f"{p}: refused: its parts would unpack to {total >> 20} MiB (a zip bomb or a damaged file)", hint="Save the register again from Excel/WPS; split a very large one.")
    for i in infos:
        if i.file_size > (64 << 20) and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise InputError(f"{p}: refused: part {i.filename} would unpack {i.file_size // max(i.compress_size, 1)} times its size (a zip bomb)",
                             hint="This is not an ordinary register: do not open it; ask where it came from.")


def _read_excel(p: Path) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    with p.open("rb") as fh:
        is_zip = fh.read(4) == _ZIP
    if is_zip:
        _guard_zip(p)
    try:
        wb = CalamineWorkbook.from_path(str(p))
    except Exception as exc:  # calamine raises its own error types for corrupt/encrypted files
        raise InputError(_excel_problem(p, exc), hint="Open it in Excel/WPS and save it again as .xlsx (no password).") from exc
    sheets = []
    for i, name in enumerate(wb.sheet_names):
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise InputError(f"{p}: sheet {name!r} cannot be read ({exc})", hint="Open it in Excel/WPS and save it again as .xlsx.") from exc
        sheets.append(Sheet(str(p), name, i, rows))
    return sheets


def _excel_problem(p: Path, exc: Exception) -> str:
    text = str(exc)
    low = text.lower()
    if type(exc).__name__ == "PasswordError" or "password" in low or "encrypt" in low:
        return f"{p}: the workbook is password-protected"
    return f"{p}: not a readable spreadsheet ({text.splitlines()[0] if text else type(exc).__name__})"


def decode(data: bytes, name: str) -> str:
    """Text of a CSV file: UTF-8 (BOM or not), UTF-16 with BOM, else GB18030 (a superset of GBK)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: the text is neither UTF-8 nor GBK/GB18030 (byte {exc.start})",
            hint="Save it again from Excel/WPS as 'CSV UTF-8' or as .xlsx.",
        ) from None


def _read_csv(p: Path) -> list[list[object]]:
    text = decode(p.read_bytes(), str(p))
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    csv.field_size_limit(MAX_CSV_FIELD)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return [[c if c != "" else None for c in row] for row in reader]
    except csv.Error as exc:
        raise InputError(f"{p}: row {reader.line_num}: not readable as CSV ({exc})", hint="Save it again from Excel/WPS as CSV or .xlsx.") from None


def _read_html(p: Path) -> list[Sheet]:
    """A CMS 'xls' that is really an HTML table: read its tables with pandas (lxml)."""
    import pandas as pd

    text = decode(p.read_bytes(), str(p))
    try:
        frames = pd.read_html(io.StringIO(text), header=None)
    except (ValueError, ImportError) as exc:
        raise InputError(f"{p}: an HTML file with no table in it", hint="Export the register as .xlsx or .csv.") from exc
    sheets = []
    for i, frame in enumerate(frames):
        rows = [[None if (isinstance(v, float) and v != v) else v for v in row] for row in frame.itertuples(index=False)]
        sheets.append(Sheet(str(p), f"table{i + 1}", i, rows))
    return sheets
