"""Bad input, a locked ledger, unwritable outputs, a killed ingest, formula injection, --debug: each
case with its exit code and its message (issue 6). No case may end in a traceback."""

from __future__ import annotations

import csv
import errno
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import FIXTURES, HEADER, write_csv, write_xlsx
from workspaces import EX18, MAIN18, SUPP18, copy_workspace, dump

ROWS = [HEADER, ["2018-03-05", "甲", "工作动态类", "政府网站", "A-1"], ["2018-03-06", "乙", "其他", "政府网站", "A-2"]]


def _failed(result, code: int = 1) -> str:
    """stderr of a run that failed cleanly with `code`: no traceback, no internal error."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert "internal error" not in result.stderr
    return result.stderr


def _subprocess(*args: object, cwd: Path, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """disclo in its own process: for inputs that could abort the interpreter if a guard failed."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DISCLO_")}
    return subprocess.run([sys.executable, "-m", "disclo_cli", *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**clean, "DISCLO_LANG": "en", **(env or {})})


def _rewrite_part(src: Path, dest: Path, part: str, change) -> Path:
    """A copy of a zip-based workbook with one part's bytes changed."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info, change(data) if info.filename == part else data)
    return dest


# --- files that cannot be read ----------------------------------------------------------------------

def _truncated_xlsx(tmp: Path) -> Path:
    full = write_xlsx(tmp / "full.xlsx", {"S": ROWS}).read_bytes()
    path = tmp / "台账.xlsx"
    path.write_bytes(full[: len(full) // 2])
    return path


def _damaged_xlsx(tmp: Path) -> Path:
    """Bytes changed inside the packed sheet (a bad copy): the zip directory is fine, the part is not."""
    src = write_xlsx(tmp / "full.xlsx", {"S": ROWS})
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(src.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(10, 15):
        data[start + k] ^= 0x55
    path = tmp / "台账.xlsx"
    path.write_bytes(bytes(data))
    return path


def _zip_of(tmp: Path, name: str, parts: dict[str, bytes]) -> Path:
    path = tmp / name
    with zipfile.ZipFile(path, "w") as zf:
        for part, data in parts.items():
            zf.writestr(part, data)
    return path


def _bytes(name: str, data: bytes):
    def make(tmp: Path) -> Path:
        (tmp / name).write_bytes(data)
        return tmp / name

    return make


BAD_INPUTS = {
    "missing": (lambda tmp: tmp / "没有.xlsx", "没有.xlsx: no such file", "Check the name"),
    "folder": (lambda tmp: (tmp / "台账").mkdir() or tmp / "台账", "台账: is a folder, not a file", "Name the spreadsheet files"),
    "empty csv": (_bytes("空.csv", b""), "空.csv: the file is empty (0 bytes)", "Export the register again"),
    "zero-byte xlsx": (_bytes("空.xlsx", b""), "空.xlsx: the file is empty (0 bytes)", "Export the register again"),
    "truncated xlsx": (_truncated_xlsx, "台账.xlsx: not a readable spreadsheet (damaged or truncated", "save it again as .xlsx"),
    "damaged xlsx": (_damaged_xlsx, "台账.xlsx: not a readable spreadsheet (damaged or truncated: Error -3 while decompressing data", "get it again"),
    "truncated xls": (lambda tmp: _bytes("台账.xls", (FIXTURES / "register2018.xls").read_bytes()[:3000])(tmp), "台账.xls: not a readable spreadsheet (", "damaged or truncated"),
    "corrupt xls": (_bytes("台账.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x07" * 5000),
                    "台账.xls: not a readable spreadsheet (", "damaged or truncated"),
    "password": (lambda tmp: shutil.copy(FIXTURES / "encrypted.xlsx", tmp / "加密.xlsx") and tmp / "加密.xlsx",
                 "加密.xlsx: the workbook is password-protected", "remove the password"),
    "binary": (_bytes("x.xlsx", b"\x00\x01\x02binary\x00" * 10),
               "x.xlsx: not a spreadsheet or CSV file (binary content)", "Save it from Excel/WPS"),
    "word document": (lambda tmp: _zip_of(tmp, "台账.xlsx", {"word/document.xml": b"<w/>", "[Content_Types].xml": b"<x/>"}),
                      "台账.xlsx: a Word document, not a spreadsheet", "Give the register itself"),
    "plain zip": (lambda tmp: _zip_of(tmp, "台账.zip", {"a/台账.xlsx": b"x"}), "台账.zip: a zip archive, not a spreadsheet", "Unpack it"),
    "Excel 2003 XML": (_bytes("导出.xls", b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
                                         b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>'),
                       "导出.xls: an Excel 2003 XML spreadsheet", "save it again as .xlsx"),
    "HTML without a table": (_bytes("导出.xls", "<html><body><p>没有数据</p></body></html>".encode()),
                             "导出.xls: an HTML file with no table in it", "Export the register as .xlsx or .csv"),
    "no known encoding": (_bytes("台账.csv", b"\x81\x30\x81\xff,a\r\n"), "台账.csv: the text is neither UTF-8 nor GBK/GB18030 (byte 0)", "CSV UTF-8"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_unreadable_file_is_one_clear_error(tmp_path, run, case: str) -> None:
    make, message, hint = BAD_INPUTS[case]
    path = make(tmp_path)
    stderr = _failed(run("tally", path))
    lines = stderr.splitlines()
    assert lines[0].startswith("disclo: error: ") and message in lines[0], lines
    assert str(path) in lines[0]
    assert len(lines) == 2 and lines[1].startswith("  ") and hint in lines[1], lines


def test_the_same_errors_stop_ingest_before_the_ledger(tmp_path, run) -> None:
    ws = copy_workspace(EX18, tmp_path / "ws")
    assert run("--config", ws / "disclo.toml", "ingest", ws / SUPP18).exit_code == 0
    before = dump(ws / "disclo.sqlite")
    bad = _truncated_xlsx(tmp_path)
    stderr = _failed(run("--config", ws / "disclo.toml", "ingest", ws / MAIN18, bad))
    assert "not a readable spreadsheet" in stderr
    assert dump(ws / "disclo.sqlite") == before  # the good file before it was not filed either


def test_no_register_header_says_what_was_expected_and_found(tmp_path, run) -> None:
    path = write_xlsx(tmp_path / "台账.xlsx", {"目录": [["2018年目录"], ["序号", "文件", "备注"], [1, "甲", ""]]})
    stderr = _failed(run("tally", path))
    assert f"disclo: error: {path}: no register header found in sheet '目录'; found 「序号」「文件」「备注」" in stderr
    assert "Expected columns — 主动公开台账 (published items): date (发布日期/公开日期/发布时间), title (标题/" in stderr
    assert "[columns]" in stderr


@pytest.mark.parametrize(("encoding", "header"), [("big5", "發布日期,標題,類別"), ("shift_jis", "発行日,タイトル,分類")])
def test_csv_in_an_unexpected_encoding(tmp_path, run, encoding: str, header: str) -> None:
    path = tmp_path / "台账.csv"
    path.write_bytes(f"{header}\r\n2018-03-05,甲,工作\r\n".encode(encoding))
    stderr = _failed(run("tally", path))
    # GB18030 decodes most Big5 and Shift-JIS bytes into nonsense: say how the file was read
    assert "(read as GBK/GB18030 text)" in stderr or "neither UTF-8 nor GBK/GB18030" in stderr
    assert "CSV UTF-8" in stderr


def test_no_header_in_a_utf8_csv_names_its_encoding_too(tmp_path, run) -> None:
    path = write_csv(tmp_path / "台账.csv", [["甲", "乙"], ["1", "2"]])
    assert f"{path}: no register header found in sheet '台账' (read as UTF-8 text); found 「甲」「乙」" in _failed(run("tally", path))


def test_csv_field_over_the_limit(tmp_path, run, monkeypatch) -> None:
    from disclo_cli.ingest import readers

    monkeypatch.setattr(readers, "MAX_CSV_FIELD", 1000)
    path = write_csv(tmp_path / "台账.csv", [HEADER[:3], ["2018-03-05", "甲" * 2000, "工作动态类"]])
    stderr = _failed(run("tally", path))
    assert f"{path}: row 2: not readable as CSV (field larger than field limit (1000))" in stderr


def test_wps_et_file_is_read_like_xls(tmp_path, run) -> None:
    path = tmp_path / "台账2018.et"
    shutil.copy(FIXTURES / "register2018.xls", path)
    result = run("tally", path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    import json

    assert json.loads(result.stdout)["total"] == 3


# --- bombs: bounded time and memory, then a clear refusal -------------------------------------------

def test_zip_bomb_is_refused(tmp_path, run) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\x00" * (65 << 20))
    assert path.stat().st_size < (1 << 20)
    stderr = _failed(run("tally", path))
    assert f"{path}: refused: part xl/worksheets/sheet1.xml would unpack" in stderr and "(a zip bomb)" in stderr


def test_entity_expansion_bomb_is_refused(tmp_path, run) -> None:
    src = write_xlsx(tmp_path / "ok.xlsx", {"S": ROWS})
    lol = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i + 1, (b"&lol%d;" % i if i else b"&lol;") * 10) for i in range(9)) + b"]>"

    def explode(data: bytes) -> bytes:
        body = data[data.index(b"?>") + 2:] if data.startswith(b"<?xml") else data
        return lol + body.replace(b"<t>A-1</t>", b"<t>&lol9;</t>")

    path = _rewrite_part(src, tmp_path / "bomb.xlsx", "xl/worksheets/sheet1.xml", explode)
    started = time.monotonic()
    stderr = _failed(run("tally", path))
    assert f"{path}: refused: part xl/worksheets/sheet1.xml declares XML entities" in stderr
    assert time.monotonic() - started < 5


def test_one_far_cell_is_refused_not_laid_out(tmp_path) -> None:
    # calamine would ask for 16384 × 1048576 cells (half a terabyte) and abort the process
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "S"
    for row in ROWS:
        ws.append(row)
    ws["XFD1048576"] = "x"
    wb.save(tmp_path / "far.xlsx")
    done = _subprocess("tally", "far.xlsx", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "far.xlsx: sheet 'S': refused: its cells reach row 1,048,576 and column 16,384" in done.stderr
    assert "Delete the empty rows and columns" in done.stderr and "Traceback" not in done.stderr


def test_cells_without_references_are_counted_too(tmp_path) -> None:
    src = write_xlsx(tmp_path / "ok.xlsx", {"S": ROWS})
    cells = b'<c t="inlineStr"><is><t>x</t></is></c>' * 20000
    path = _rewrite_part(src, tmp_path / "wide.xlsx", "xl/worksheets/sheet1.xml",
                         lambda d: d.replace(b"</sheetData>", b'<row r="1000000">' + cells + b"</row></sheetData>"))
    done = _subprocess("tally", path.name, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "refused: its cells reach row 1,000,000 and column 20,000" in done.stderr


def test_ods_repeated_cells_bomb_is_refused(tmp_path) -> None:
    row = (b'<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="1000" '
           b'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>')
    path = _rewrite_part(FIXTURES / "merged2018.ods", tmp_path / "bomb.ods", "content.xml", lambda d: d.replace(b"</table:table>", row + b"</table:table>", 1))
    done = _subprocess("tally", path.name, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "bomb.ods: sheet '合并': refused: its cells reach row" in done.stderr


def test_huge_used_range_with_few_rows_is_fast(tmp_path, run) -> None:
    # formatting applied far away (a whole-sheet border) makes a huge used range but no cells
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    for row in ROWS:
        ws.append(row)
    for ref in ("XFD1048576", "Z900000", "A1048576"):
        ws[ref].font = Font(bold=True)
    wb.save(tmp_path / "台账.xlsx")
    started = time.monotonic()
    result = run("tally", tmp_path / "台账.xlsx", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert '"total": 2' in result.stdout
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_megabyte_cells_and_ten_thousand_columns(tmp_path, run, fmt: str) -> None:
    big = "长" * (1 << 20)
    rows = [
        ["说明：" + big],
        [*HEADER[:3], *(f"附加{i}" for i in range(10_000))],
        ["2018-03-05", big, "工作动态类", *(["v"] * 10_000)],
        [big, "乙", big],
        ["2018-03-06", "丙", "其他", big],
    ]
    path = write_xlsx(tmp_path / "台账.xlsx", {"S": rows}) if fmt == "xlsx" else write_csv(tmp_path / "台账.csv", rows)
    started = time.monotonic()
    result = run("tally", path, "--format", "json")
    assert time.monotonic() - started < 10
    assert result.exit_code == 1  # the row whose date is a 1 MB text cannot be placed
    import json

    data = json.loads(result.stdout)
    assert data["total"] == 2
    assert [p["code"] for p in data["problems"]] == ["bad-date", "unknown-category"]
    assert all(len(p["message"]) < 200 for p in data["problems"])
    assert max(map(len, result.stderr.splitlines())) < 300  # a 1 MB cell never becomes a 1 MB message


# --- what an office's files contain ------------------------------------------------------------------

def test_formula_without_a_saved_value_is_named(tmp_path, run) -> None:
    # openpyxl (and other programs) write formulas without their values; calamine reads them as empty
    rows = [HEADER, ["=DATE(2018,3,5)", "甲", "工作动态类", "政府网站", "A-1"], ["2018-03-06", "乙", '=B2&"类"', "政府网站", "A-2"],
            ["2018-03-07", "丙", "其他", "政府网站", "A-3"], [None, "丁", "其他", "政府网站", "A-4"]]
    path = write_xlsx(tmp_path / "台账.xlsx", {"S": rows})
    result = run("tally", path)
    stderr = _failed(result)
    assert "error: 台账.xlsx, sheet 'S', row 2, column '发布日期': a formula (=DATE(2018,3,5)) with no saved value" in stderr
    assert "error: 台账.xlsx, sheet 'S', row 3, column '类别': a formula (=B2&\"类\") with no saved value" in stderr
    assert "error: 台账.xlsx, sheet 'S', row 5, column '发布日期': 发布日期 is empty" in stderr  # really empty stays so
    assert "formula-without-value 2" in stderr


@pytest.mark.parametrize("name", ["merged2018.xls", "merged2018.ods", "merged2018.xlsx"])
def test_merged_data_cells_apply_to_every_row(tmp_path, config, name: str) -> None:
    from disclo_cli.ingest.registers import read_registers

    if name.endswith(".xlsx"):
        rows = [["序号", "发布日期", "标题", "类别", "公开渠道"], [1, "2018-03-05", "甲", "工作动态类", "政府网站"], [2, "2018-03-06", "乙"],
                [3, "2018-03-07", "丙"], [4, "2018-03-08", "丁", "其他"], [], [5, "2018-03-09", "戊", "机构设置"]]
        path = write_xlsx(tmp_path / name, {"合并": rows}, merges={"合并": ["D2:D4", "E2:E7"]})
    else:
        path = FIXTURES / name
    parsed = read_registers([path], config, kind="items")["items"]
    assert parsed.findings == []  # the blank row 6 inside the merge stays blank
    assert [(i.title, i.category, i.channels) for i in parsed.records] == [
        ("甲", "工作动态类", ("政府网站",)), ("乙", "工作动态类", ("政府网站",)), ("丙", "工作动态类", ("政府网站",)),
        ("丁", "其他信息类", ("政府网站",)), ("戊", "机构设置类", ("政府网站",)),
    ]


def test_html_xls_keeps_cell_text_exactly(tmp_path, config) -> None:
    from disclo_cli.ingest.registers import read_registers

    html = (
        "<html><head><meta charset='gbk'></head><body><table>"
        "<tr><td colspan='4'>2018年主动公开信息</td></tr>"
        "<tr><th>索引号</th><th>发布日期</th><th>标题</th><th>类别</th></tr>"
        "<tr><td>001</td><td>20180305</td><td>甲<br>通知</td><td rowspan='2'>工作动态类</td></tr>"
        "<tr><td>002</td><td>2018-03-06</td><td><b>乙</b> &amp; 丙</td></tr>"
        "<tr><td>0.10</td><td>2018-03-07</td><td>丁</td><td>其他</td></tr>"
        "</table></body></html>"
    )
    path = tmp_path / "导出.xls"
    path.write_bytes(html.encode("gbk"))
    parsed = read_registers([path], config, kind="items")["items"]
    assert parsed.findings == []
    assert [(i.id, i.title, i.category) for i in parsed.records] == [
        ("001", "甲\n通知", "工作动态类"), ("002", "乙 & 丙", "工作动态类"), ("0.10", "丁", "其他信息类")]


# --- the ledger: locked, killed, backed up -------------------------------------------------------------

def test_locked_ledger_waits_then_says_so(tmp_path, run) -> None:
    ws = copy_workspace(EX18, tmp_path / "ws")
    cfg = ws / "disclo.toml"
    assert run("--config", cfg, "ingest", ws / SUPP18).exit_code == 0
    before = dump(ws / "disclo.sqlite")
    holder = sqlite3.connect(ws / "disclo.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another disclo in the middle of an ingest
    try:
        started = time.monotonic()
        result = run("--config", cfg, "ingest", ws / MAIN18, env={"DISCLO_LOCK_TIMEOUT": "0.3"})
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    stderr = _failed(result)
    assert f"disclo: error: {ws / 'disclo.sqlite'}: another disclo is writing the ledger; waited 0.3 s (SQLite cannot tell which program holds it)" in stderr
    assert "The ledger is not damaged. Wait for the other ingest or backup to finish" in stderr and "restore" not in stderr
    assert waited >= 0.3
    assert dump(ws / "disclo.sqlite") == before
    assert run("--config", cfg, "ingest", ws / MAIN18).exit_code == 0  # once free, it goes through


def test_lock_timeout_default_and_bad_value(tmp_path, run, monkeypatch) -> None:
    from disclo_cli.config import lock_timeout_of
    from disclo_cli.ledger import BUSY_TIMEOUT_S

    monkeypatch.delenv("DISCLO_LOCK_TIMEOUT", raising=False)
    assert lock_timeout_of(None) == BUSY_TIMEOUT_S == 60  # the CLI reads the variable; config turns it into seconds
    ws = copy_workspace(EX18, tmp_path / "ws")
    stderr = _failed(run("--config", ws / "disclo.toml", "ingest", ws / SUPP18, env={"DISCLO_LOCK_TIMEOUT": "soon"}))
    assert "disclo: error: DISCLO_LOCK_TIMEOUT='soon' is not a number of seconds (0 to 86400)" in stderr


def _big_register(path: Path, n: int) -> Path:
    lines = ["索引号,发布日期,标题,类别,公开渠道"] + [f"K-{i},2018-{1 + i % 12:02d}-{1 + i % 28:02d},大批量标题{i},工作动态类,政府网站" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


HOT_JOURNAL = bytes.fromhex("d9d505f920a163d7")  # the magic of a rollback journal SQLite has synced


def test_killed_ingest_leaves_the_ledger_as_it_was(tmp_path) -> None:
    ws = copy_workspace(EX18, tmp_path / "ws")
    assert _subprocess("ingest", MAIN18, cwd=ws).returncode == 0
    db, journal = ws / "disclo.sqlite", ws / "disclo.sqlite-journal"
    before = dump(db)
    _big_register(ws / "大批量.csv", 60_000)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DISCLO_")}
    proc = subprocess.Popen([sys.executable, "-m", "disclo_cli", "ingest", "大批量.csv"], cwd=ws, env=clean,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # wait until SQLite is writing into the ledger file itself: its rollback journal is then
        # "hot" (synced, with its magic header), which is the worst moment to be killed
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                with journal.open("rb") as fh:
                    if fh.read(8) == HOT_JOURNAL:
                        break
            except FileNotFoundError:
                pass
            time.sleep(0.0002)
        assert proc.poll() is None, "the ingest finished before it could be killed in its transaction"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert journal.exists()
    assert dump(db) == before  # SQLite rolls the hot journal back on the next open
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    assert not journal.exists()
    summary = _subprocess("ledger", "summary", "--format", "csv", cwd=ws)
    assert summary.returncode == 0 and "items,2018,250" in summary.stdout.replace("\r", "")


def test_backup_and_restore_as_the_readme_says(tmp_path, run) -> None:
    ws = copy_workspace(EX18, tmp_path / "ws")
    cfg = ws / "disclo.toml"
    assert run("--config", cfg, "ingest", ws / MAIN18).exit_code == 0
    at_backup = dump(ws / "disclo.sqlite")
    (ws / "备份").mkdir()
    result = run("--config", cfg, "ledger", "backup", ws / "备份" / "disclo-2019-01-05.sqlite")
    assert result.exit_code == 0 and f"wrote {ws / '备份' / 'disclo-2019-01-05.sqlite'}" in result.stderr
    assert dump(ws / "备份" / "disclo-2019-01-05.sqlite") == at_backup
    assert run("--config", cfg, "ingest", ws / SUPP18).exit_code == 0
    assert dump(ws / "disclo.sqlite") != at_backup
    # README, Troubleshooting: no disclo running; the current ledger aside and its journal removed; the backup copied in
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    steps = ["mv disclo.sqlite disclo.sqlite.old ; rm -f disclo.sqlite-journal", "cp 备份/disclo-2019-01-05.sqlite disclo.sqlite", "disclo ledger summary"]
    assert all(f"    {step}\n" in readme for step in steps)
    (ws / "disclo.sqlite").rename(ws / "disclo.sqlite.old")
    (ws / "disclo.sqlite-journal").unlink(missing_ok=True)
    shutil.copy(ws / "备份" / "disclo-2019-01-05.sqlite", ws / "disclo.sqlite")
    assert dump(ws / "disclo.sqlite") == at_backup
    summary = run("--config", cfg, "ledger", "summary", "--format", "csv")
    assert summary.exit_code == 0 and "items,2018,250" in summary.stdout


# --- outputs: unwritable, full, never half-written -------------------------------------------------------

def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_full_disk_keeps_the_previous_output(tmp_path, run, monkeypatch, fmt: str) -> None:
    register = write_xlsx(tmp_path / "台账.xlsx", {"S": ROWS})
    out = tmp_path / "out" / f"分类.{fmt}"
    out.parent.mkdir()
    assert run("tally", register, "--format", fmt, "-o", out).exit_code == 0
    before, listing = out.read_bytes(), _listing(out.parent)

    def full(*args, **kwargs):
        if fmt == "xlsx":
            Path(args[1]).write_bytes(b"PK partial")  # the writer got half-way
        raise OSError(errno.ENOSPC, "No space left on device")

    if fmt == "xlsx":
        monkeypatch.setattr("disclo_cli.render.write_xlsx", full)
    else:
        monkeypatch.setattr(os, "replace", full)
    stderr = _failed(run("tally", register, "--format", fmt, "-o", out))
    assert f"disclo: error: {out}: cannot be written (No space left on device); the previous file is unchanged" in stderr
    assert "The disk is full" in stderr
    assert out.read_bytes() == before
    assert _listing(out.parent) == listing  # no temp file left behind


def test_read_only_output_folder(tmp_path, run, monkeypatch) -> None:
    import tempfile

    register = write_xlsx(tmp_path / "台账.xlsx", {"S": ROWS})
    out = tmp_path / "只读" / "分类.csv"
    out.parent.mkdir()
    out.write_text("old", encoding="utf-8")

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)  # as a read-only folder answers (root ignores chmod)
    stderr = _failed(run("tally", register, "--format", "csv", "-o", out))
    assert f"disclo: error: {out}: cannot write in {out.parent} (Permission denied); nothing was written" in stderr
    assert "Choose a folder you can write to" in stderr
    assert out.read_text(encoding="utf-8") == "old" and _listing(out.parent) == ["分类.csv"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_output_folder_for_real(tmp_path, run) -> None:
    register = write_xlsx(tmp_path / "台账.xlsx", {"S": ROWS})
    folder = tmp_path / "只读"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        stderr = _failed(run("tally", register, "--format", "xlsx", "-o", folder / "分类.xlsx"))
    finally:
        folder.chmod(0o755)
    assert "cannot write in" in stderr and "Permission denied" in stderr


def test_ledger_backup_on_a_full_disk(tmp_path, run, monkeypatch) -> None:
    from disclo_cli.ledger import Ledger

    ws = copy_workspace(EX18, tmp_path / "ws")
    cfg = ws / "disclo.toml"
    assert run("--config", cfg, "ingest", ws / SUPP18).exit_code == 0
    target = ws / "备份.sqlite"
    assert run("--config", cfg, "ledger", "backup", target).exit_code == 0
    before, listing = target.read_bytes(), _listing(ws)

    def full(self, dest, **kwargs):
        sqlite3.connect(str(dest)).execute("CREATE TABLE half (x)")  # the copy got under way
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Ledger, "backup", full)
    stderr = _failed(run("--config", cfg, "ledger", "backup", target))
    assert f"disclo: error: {target}: cannot be written (database or disk is full); the previous file is unchanged" in stderr
    assert target.read_bytes() == before and _listing(ws) == listing


# --- output safety: nothing from the input is run by Excel/WPS ----------------------------------------------

INJECTIONS = ['=HYPERLINK("http://x.example","点我")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)", "=1+1"]


def _risky(text: str) -> bool:
    if not text or text[0] not in "=+-@":
        return False
    try:
        float(text)
        return False
    except ValueError:
        return True


def _register_with_injections(tmp_path: Path) -> Path:
    """Text cells (not formulas) that begin with = + - @, as a register may hold them."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "S"
    ws.append(["发布日期", "标题", "类别", "发布机构"])
    for i, text in enumerate(INJECTIONS):
        ws.append([f"2018-03-0{i + 1}"])
        for col in (2, 3, 4):
            cell = ws.cell(row=i + 2, column=col, value=text)
            cell.data_type = "s"  # openpyxl takes a leading '=' for a formula: store it as text
    wb.save(tmp_path / "台账.xlsx")
    return tmp_path / "台账.xlsx"


@pytest.mark.parametrize("by", ["category", "unit"])
def test_csv_output_never_starts_a_text_cell_with_a_formula(tmp_path, run, by: str) -> None:
    result = run("tally", _register_with_injections(tmp_path), "--by", by, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    cells = [c for row in csv.reader(io.StringIO(result.stdout)) for c in row]
    assert not [c for c in cells if _risky(c)]
    quoted = [c for c in cells if c.startswith("'")]
    assert any(c.startswith("'=HYPERLINK(") for c in quoted) and any(c.startswith("'@SUM") for c in quoted)


@pytest.mark.parametrize("by", ["category", "unit"])
def test_xlsx_output_has_no_formula(tmp_path, run, by: str) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "分类.xlsx"
    result = run("tally", _register_with_injections(tmp_path), "--by", by, "--format", "xlsx", "-o", out)
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(out) as zf:
        assert not any(b"<f>" in zf.read(n) or b"<f " in zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    wb = load_workbook(out)
    texts = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)
    assert not [t for t in texts if _risky(t)]
    assert any(t.startswith("'=HYPERLINK(") for t in texts)


def test_input_text_is_never_evaluated(tmp_path, run) -> None:
    import json

    result = run("tally", _register_with_injections(tmp_path), "--format", "json")
    keys = {r["key"] for r in json.loads(result.stdout)["rows"] if not r["known"]}
    assert keys == set(INJECTIONS)  # '=1+1' is the label '=1+1', not 2


def test_ledger_sources_csv_quotes_a_formula_like_file_name(tmp_path, run) -> None:
    ws = copy_workspace(EX18, tmp_path / "ws", files=False)
    name = '=HYPERLINK("x")2018.xlsx'
    write_xlsx(ws / name, {"S": ROWS})
    assert run("--config", ws / "disclo.toml", "ingest", ws / name).exit_code == 0
    result = run("--config", ws / "disclo.toml", "ledger", "sources", "--format", "csv")
    cells = [c for row in csv.reader(io.StringIO(result.stdout)) for c in row]
    assert "'" + name in cells and not [c for c in cells if _risky(c)]


# --- bugs: one line without --debug, the traceback with it ---------------------------------------------------

def _boom(*args, **kwargs):
    raise RuntimeError("boom")


def test_unexpected_error_is_one_line_and_exit_3(tmp_path, run, monkeypatch) -> None:
    monkeypatch.setattr("disclo_cli.service.tally_files", _boom)
    result = run("tally", write_xlsx(tmp_path / "台账.xlsx", {"S": ROWS}))
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "disclo: internal error: RuntimeError: boom",
        "  This is a bug in disclo. Rerun the same command with --debug and send the output to the maintainers.",
    ]
    assert result.stdout == ""


@pytest.mark.parametrize("how", ["--debug", "DISCLO_DEBUG=1"])
def test_debug_shows_the_traceback(tmp_path, run, monkeypatch, how: str) -> None:
    monkeypatch.setattr("disclo_cli.service.tally_files", _boom)
    path = write_xlsx(tmp_path / "台账.xlsx", {"S": ROWS})
    result = run("--debug", "tally", path) if how == "--debug" else run("tally", path, env={"DISCLO_DEBUG": "1"})
    assert result.exit_code == 3
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert 'raise RuntimeError("boom")' in result.stderr and "RuntimeError: boom" in result.stderr
    assert "disclo: internal error: RuntimeError: boom" in result.stderr


def test_debug_shows_the_cause_of_a_clear_error(tmp_path, run) -> None:
    path = BAD_INPUTS["corrupt xls"][0](tmp_path)
    plain, debug = run("tally", path), run("--debug", "tally", path)
    assert plain.exit_code == debug.exit_code == 1
    assert "Traceback" not in plain.stderr
    assert "Traceback" in debug.stderr and debug.stderr.splitlines()[-2].startswith("disclo: error: ")


def test_a_reader_panic_is_one_clear_error(tmp_path) -> None:
    # damaged bytes that make calamine's OLE reader panic (a Rust panic, not a Python exception)
    import random

    rnd = random.Random(2)
    source = (FIXTURES / "register2018.xls").read_bytes()
    data = bytearray(source[: len(source) * rnd.randrange(1, 101) // 101])
    for _ in range(rnd.randrange(0, 64)):
        data[rnd.randrange(len(data))] = rnd.randrange(256)
    (tmp_path / "坏.xls").write_bytes(bytes(data))
    done = _subprocess("tally", "坏.xls", cwd=tmp_path, env={"RUST_BACKTRACE": "1"})
    assert done.returncode == 1
    assert done.stderr.splitlines()[0].startswith("disclo: error: 坏.xls: not a readable spreadsheet (")
    assert len(done.stderr.splitlines()) == 2 and "panicked" not in done.stderr and "backtrace" not in done.stderr


def test_a_damaged_file_named_xlsx_says_it_is_not_a_workbook(tmp_path, run) -> None:
    (tmp_path / "台账.xlsx").write_bytes(b"\xff\xfe\x00junk")
    result = run("tally", "台账.xlsx")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "disclo: error: 台账.xlsx: not a workbook, although named .xlsx (nor readable as CSV: not valid UTF-16 text (byte 6))"
    assert "Traceback" not in result.stderr
