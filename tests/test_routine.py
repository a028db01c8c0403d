"""The monthly routine of the README: examples/routine/monthly.sh run for real in a workspace, and
monthly.bat (which this machine cannot run) held to the same files, commands and encoding."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from workspaces import EX23, FILES23, copy_workspace

ROUTINE = ROOT / "examples" / "routine"
SH = ROUTINE / "monthly.sh"
BAT = ROUTINE / "monthly.bat"

pytestmark = pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX sh")


def workspace(tmp_path: Path, registers: dict[str, str]) -> Path:
    """The 2023 office's workspace with the routine copied in and registers under 台账/ renamed."""
    ws = copy_workspace(EX23, tmp_path / "柳城街道", files=False)
    (ws / "台账").mkdir()
    for source, name in registers.items():
        shutil.copy2(EX23 / source, ws / "台账" / name)
    shutil.copy2(SH, ws / "monthly.sh")
    return ws


def routine(ws: Path, *args: str, today: str | None = None) -> subprocess.CompletedProcess:
    """sh monthly.sh ARGS in ws, with this venv's disclo first on PATH (and `date` saying `today`)."""
    bindir = ws.parent / "bin"
    bindir.mkdir(exist_ok=True)
    path = [str(Path(sys.executable).parent)]
    if today is not None:
        real = shutil.which("date")
        stub = bindir / "date"
        stub.write_text(f'#!/bin/sh\nexec {real} -d {today} "$@"\n', encoding="utf-8")
        stub.chmod(0o755)
        path.insert(0, str(bindir))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCLO_", "LC_", "LANG"))}
    env.update(PATH=os.pathsep.join([*path, env.get("PATH", "")]), LANG="C.UTF-8", DISCLO_LANG="zh_CN")
    return subprocess.run(["sh", str(ws / "monthly.sh"), *args], cwd=ws.parent, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120)


def rows(ws: Path) -> dict[str, int]:
    conn = sqlite3.connect(ws / "disclo.sqlite")
    try:
        return {kind: conn.execute(f"SELECT count(*) FROM {kind}").fetchone()[0] for kind in ("items", "requests", "cases")}
    finally:
        conn.close()


def test_files_the_month_then_tallies_lists_what_is_due_and_backs_up(tmp_path):
    ws = workspace(tmp_path, dict(zip(FILES23, ("主动公开台账2023.xlsx", "依申请公开台账2023.xlsx", "行政复议诉讼台账2023.xlsx"), strict=True)))
    done = routine(ws, "2023-12")
    assert "Traceback" not in done.stderr
    assert "== 2023-12：登记台账" in done.stderr
    assert "== 2023 年主动公开累计" in done.stderr
    filed = rows(ws)
    assert filed["items"] > 0 and filed["requests"] > 0 and filed["cases"] > 0
    backups = list((ws / "备份").glob("disclo-*.sqlite"))
    assert len(backups) == 1 and re.fullmatch(r"disclo-\d{4}-\d{2}-\d{2}\.sqlite", backups[0].name)
    assert "问题：错误 0 个，警告 0 个，提示 1 个——column-choice 1" in done.stderr
    # the tally of the year on stdout, then the requests still open: four of December 2023 are
    # overdue today, so the routine's status is requests' 1 (the worst of its commands')
    assert "│ 工作动态       │       50 │    33.3% │" in done.stdout
    assert "ZRZY-YSQ-2023-055" in done.stdout and "有 4 件申请已逾期" in done.stderr
    assert done.returncode == 1
    again = routine(ws, "2023-12")
    assert again.returncode == done.returncode
    assert rows(ws) == filed  # filing the same registers again changes nothing


def test_run_on_5_january_files_december_of_the_year_before(tmp_path):
    ws = workspace(tmp_path, {})
    done = routine(ws, today="2027-01-05")
    assert "== 2026-12：登记台账" in done.stderr
    assert "没有 台账/主动公开台账2026-12.xlsx，也没有 台账/主动公开台账2026.xlsx，本次不登记主动公开。" in done.stderr
    assert "「台账」文件夹中没有要登记的台账。" in done.stderr
    assert done.returncode == 1


def test_an_office_without_a_request_register_is_filed_all_the_same(tmp_path):
    ws = workspace(tmp_path, {FILES23[0]: "主动公开台账2023-12.xlsx"})
    done = routine(ws, "2023-12")
    assert "Traceback" not in done.stderr and done.returncode == 0, done.stderr
    assert rows(ws)["items"] > 0 and rows(ws)["requests"] == 0


def test_last_years_request_register_is_filed_again_for_answers_written_in_january(tmp_path):
    ws = workspace(tmp_path, {FILES23[1]: "依申请公开台账2023.xlsx"})
    done = routine(ws, today="2024-02-05")  # files 2024-01: the 2023 register still changes in January
    assert "== 2024-01：登记台账" in done.stderr
    assert rows(ws)["requests"] > 0


def test_a_month_not_written_as_yyyy_mm_is_refused(tmp_path):
    ws = workspace(tmp_path, {})
    done = routine(ws, "2023-13")
    assert done.returncode == 2
    assert "月份应写成 2026-11 这样，而不是「2023-13」。" in done.stderr


def test_the_windows_routine_is_gbk_with_crlf_and_does_what_the_sh_one_does():
    raw = BAT.read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""), "cmd.exe needs CRLF line ends"
    bat = raw.decode("gbk")  # cmd.exe reads a .bat in the console's code page (936 on a Chinese PC)
    sh = SH.read_text(encoding="utf-8")

    def commands(text: str, var: str) -> list[str]:
        return [re.sub(r"\s+", " ", m.group(1)).strip() for m in re.finditer(rf"{re.escape(var)} (\w+(?: (?:--[\w-]+|\w+))?)", text)]

    assert commands(bat, "%DISCLO%") == commands(sh, "$DISCLO") == ["ingest", "tally --year", "requests --due-within", "ledger backup"]

    def registers(text: str) -> list[str]:
        return sorted(set(re.findall(r"台账[/\\](\w+?台账)", text)))

    assert registers(bat) == registers(sh) == ["主动公开台账", "依申请公开台账", "行政复议诉讼台账"]
    for fallback in ("py -m disclo_cli", "python -m disclo_cli"):
        assert fallback in bat
    assert "python3 -m disclo_cli" in sh
    assert "AddMonths(-1)" in bat  # the previous month, whatever the PC's date format
