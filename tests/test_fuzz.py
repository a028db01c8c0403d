"""Hundreds of malformed registers fed to `disclo tally` and `disclo ingest`: never a traceback, an
exit code of 0, 1 or 2, and the ledger unchanged whenever a strict ingest fails (issue 6).

Registers are built from the header wordings disclo knows and junk, cell values from real labels,
dates in every form and none, huge strings, numbers, formulas, control characters; sheets are xlsx,
CSV in several encodings, HTML 'xls' and random bytes behind a workbook's magic number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from workspaces import EX18, copy_workspace, dump

#: a short run by default (the suite stays fast); DISCLO_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py for a long one
EXAMPLES = int(os.environ.get("DISCLO_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], derandomize=True)


def _wordings() -> list[str]:
    return [w for fields in _fields().values() for words in fields.values() for w in words]


def _labels() -> list[str]:
    from disclo_cli.vocab import builtin_data

    out = []
    for data in builtin_data().values():
        for key, value in data.items():
            if isinstance(value, list):
                out += [v for v in value if isinstance(v, str)]
            elif key == "aliases" and isinstance(value, dict):
                out += list(value)
    return out


def _fields() -> dict[str, dict[str, list[str]]]:
    """The header wordings of every field, from the register schema."""
    from disclo_cli.schema import schema

    return {kind: {f.name: [*f.headers, *f.fallback] for f in reg.readable if f.headers or f.fallback} for kind, reg in schema().items()}


WORDINGS = _wordings()
LABELS = _labels()
DATE_TEXTS = ["2018-03-05", "2018/3/5", "2018.3.5", "2018年3月5日", "3月5日", "20180305", "2018-02-30", "0000-01-01",
              "9999-12-31", "99999999", "2018-13-01", "昨天", "43164", "1e308", "-5", "nan", "inf", "２０１８－０３－０５",
              "2018-03-05 12:30", "3/5", "0", "12:30:00"]
FORMULAS = ["=DATE(2018,3,5)", "=A1", '=HYPERLINK("http://x","y")', "=1/0", "=SUM(A1:A3)", '=B2&"类"']
CONTROL = "".join(map(chr, range(32))) + "\x7f\u200b\ufeff\u2028"

junk_text = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(CONTROL), max_size=30)
value = st.one_of(
    st.none(),
    st.sampled_from(LABELS),
    st.sampled_from(DATE_TEXTS),
    st.sampled_from(WORDINGS),
    junk_text,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 12, 31)),
    st.booleans(),
    st.sampled_from(FORMULAS),
    st.sampled_from(["长" * 70_000, "合计", "小计：3条", "办理中", "不予公开（属于国家秘密）", "124元", "是", "/"]),
)
header = st.lists(st.one_of(st.sampled_from(WORDINGS), junk_text, st.none()), min_size=1, max_size=12)


FIELDS = _fields()
DATE_FIELDS = {"date", "received", "answered", "filed", "abolished"}
date_value = st.one_of(st.sampled_from(DATE_TEXTS), st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 12, 31)),
                       st.integers(-100, 3_000_000), st.none())


@st.composite
def plausible(draw) -> list[list[object]]:
    """A register of one kind: its fields' headers (some missing, some doubled), values that
    mostly fit the field, and junk."""
    kind = draw(st.sampled_from(sorted(FIELDS)))
    fields = draw(st.lists(st.sampled_from(sorted(FIELDS[kind])), min_size=1, max_size=8))
    head = [draw(st.sampled_from(FIELDS[kind][f])) for f in fields]
    rows: list[list[object]] = [head]
    for _ in range(draw(st.integers(0, 10))):
        row = [draw(st.one_of(date_value if f in DATE_FIELDS else st.sampled_from(LABELS), value)) for f in fields]
        rows.append(row)
    return rows


@st.composite
def sheet(draw) -> list[list[object]]:
    rows: list[list[object]] = [draw(st.lists(value, max_size=3)) for _ in range(draw(st.integers(0, 2)))]  # title rows
    if draw(st.booleans()):
        return rows + draw(plausible())
    head = draw(header)
    rows.append(head)
    width = len(head) + draw(st.integers(0, 2))
    rows += draw(st.lists(st.lists(value, min_size=0, max_size=width), max_size=8))
    return rows


workbook = st.dictionaries(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="[]:*?/\\'"), min_size=1, max_size=12),
                           sheet(), min_size=1, max_size=3)


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Path:
    ws = copy_workspace(EX18, tmp_path_factory.mktemp("fuzz") / "office", files=False)
    return ws


def _invoke(*args: object):
    from disclo_cli.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args], env={"COLUMNS": "200", "DISCLO_DEBUG": None, "DISCLO_CONFIG": None, "DISCLO_DB": None})
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stderr, result.exception)
    text = result.stdout + result.stderr
    assert "Traceback" not in text and "internal error" not in text, text[-3000:]
    return result


def _exercise(path: Path, office: Path, strict: bool, by: str, year: int | None) -> None:
    """tally the file, then ingest it; a strict ingest that fails leaves the ledger as it was."""
    args = ["tally", path, "--by", by, "--format", "json"] + (["--year", year] if year else []) + (["--strict"] if strict else [])
    _invoke(*args)
    db = office / "disclo.sqlite"
    before = dump(db) if db.exists() else None
    result = _invoke("--config", office / "disclo.toml", "ingest", path, *(["--strict"] if strict else []))
    if result.exit_code != 0 and (strict or not result.stdout):
        # strict: any problem files nothing; otherwise a file that cannot be read files nothing
        assert (dump(db) if db.exists() else None) == before


def _xlsx(path: Path, book: dict[str, list[list[object]]], merge: bool) -> Path:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in book.items():
        ws = wb.create_sheet(ILLEGAL_CHARACTERS_RE.sub("", name).strip() or "S")
        for row in rows:
            ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
        if merge and ws.max_row >= 3:
            ws.merge_cells(start_row=2, start_column=1, end_row=ws.max_row, end_column=1)
    try:
        wb.save(path)
    except (ValueError, TypeError, OverflowError):
        reject()  # openpyxl cannot write this value (e.g. a number too large for a cell)
    return path


@FUZZ
@given(book=workbook, strict=st.booleans(), by=st.sampled_from(["category", "channel", "month", "unit"]),
       year=st.sampled_from([None, 2018]), merge=st.booleans())
def test_fuzz_xlsx(office, book, strict, by, year, merge) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _xlsx(Path(tmp) / "台账2018.xlsx", book, merge)
        _exercise(path, office, strict, by, year)


ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "big5", "shift_jis", "latin-1"]


def _csv_text(rows: list[list[object]], delimiter: str) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        w.writerow(["" if v is None else str(v) for v in row])
    return buf.getvalue()


@FUZZ
@given(rows=sheet(), encoding=st.sampled_from(ENCODINGS), delimiter=st.sampled_from([",", "\t", ";"]),
       strict=st.booleans(), by=st.sampled_from(["category", "month"]), name=st.sampled_from(["台账.csv", "导出.xls", "台账.txt"]))
def test_fuzz_csv(office, rows, encoding, delimiter, strict, by, name) -> None:
    data = _csv_text(rows, delimiter).encode(encoding, errors="replace")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        _exercise(path, office, strict, by, None)


def _html(rows: list[list[object]], spans: list[tuple[int, int]]) -> str:
    import html

    out = ["<html><head><meta charset='utf-8'></head><body><table>"]
    for r, row in enumerate(rows):
        cells = []
        for c, v in enumerate(row):
            rs, cs = spans[(r + c) % len(spans)] if spans else (1, 1)
            cells.append(f"<td rowspan='{rs}' colspan='{cs}'>{html.escape('' if v is None else str(v))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table></body></html>")
    return "".join(out)


@settings(FUZZ, max_examples=100)
@given(rows=sheet(), spans=st.lists(st.tuples(st.sampled_from([-1, 0, 1, 2, 3, 70000]), st.sampled_from([-1, 0, 1, 2, 5, 2000])), max_size=3), strict=st.booleans())
def test_fuzz_html(office, rows, spans, strict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "导出.xls"
        path.write_text(_html(rows, spans), encoding="utf-8")
        _exercise(path, office, strict, "category", None)


def _sources() -> list[bytes]:
    """Real workbooks (xls, ods, xlsx) to cut short and damage."""
    from openpyxl import Workbook

    from conftest import FIXTURES, HEADER

    wb = Workbook()
    wb.active.append(HEADER)
    wb.active.append(["2018-03-05", "甲", "工作动态类", "政府网站", "A-1"])
    buf = io.BytesIO()
    wb.save(buf)
    return [(FIXTURES / "register2018.xls").read_bytes(), (FIXTURES / "merged2018.ods").read_bytes(), buf.getvalue()]


SOURCES = _sources()
MAGIC = [b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<html>", b"<?xml version='1.0'?>", b"\xef\xbb\xbf", b"\xff\xfe", b""]


@settings(FUZZ, max_examples=200)
@given(magic=st.sampled_from(MAGIC), body=st.binary(max_size=3000), cut=st.integers(0, 100), strict=st.booleans())
def test_fuzz_bytes(office, magic, body, cut, strict) -> None:
    """Random bytes, and real workbooks cut short or with bytes changed."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "台账.xlsx"
        if cut % 3 == 0:
            source = SOURCES[cut % len(SOURCES)]
            data = bytearray(source[: len(source) * (cut + 1) // 101])
            for i, b in enumerate(body[:64]):
                if data:
                    data[(i * 7919 + b) % len(data)] = b
            path.write_bytes(bytes(data))
        else:
            path.write_bytes(magic + body)
        _exercise(path, office, strict, "category", None)


def test_fuzz_corrupted_xlsx(office, tmp_path) -> None:
    """A real register's xlsx with one part damaged in turn: each is refused or read, never a crash."""
    import zipfile

    from conftest import HEADER, write_xlsx

    src = write_xlsx(tmp_path / "ok.xlsx", {"S": [HEADER, ["2018-03-05", "甲", "工作动态类", "政府网站", "A-1"]]})
    with zipfile.ZipFile(src) as zf:
        parts = zf.namelist()
    for part in parts:
        for damage in (lambda d: d[: len(d) // 2], lambda d: b"", lambda d: d.replace(b"<", b"[", 3), lambda d: b"<!DOCTYPE x [<!ENTITY a 'b'>]>" + d):
            dest = tmp_path / "damaged.xlsx"
            with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
                for info in zin.infolist():
                    data = zin.read(info.filename)
                    zout.writestr(info, damage(data) if info.filename == part else data)
            _exercise(dest, office, True, "category", None)
