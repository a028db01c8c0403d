"""Hardening, round two (issue 16): what a user or a machine can do to disclo ends in a clear message,
exit 1, and the ledger and every earlier output byte for byte as they were. Never exit 3."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import HEADER, write_csv, write_xlsx
from test_hardening import ROWS, _failed, _subprocess
from workspaces import EX18, EX23, MAIN18, SUPP18, copy_workspace

ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under a folder and its bytes: equal snapshots mean nothing was written."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def office(tmp_path, run, monkeypatch) -> Path:
    """The seed office (its prose file too) with its main register ingested; the current folder."""
    ws = copy_workspace(EX18, tmp_path / "office")
    shutil.copytree(EX18 / "prose", ws / "prose")
    monkeypatch.chdir(ws)
    done = run("ingest", MAIN18)
    assert done.exit_code == 0, done.output
    return ws


# --- 1. outputs never replace what the command must keep ------------------------------------------------

PROTECTED = {
    "report -o the ledger": (["report", "--year", "2018", "-o", "disclo.sqlite"], "disclo.sqlite", "the ledger"),
    "table -o the ledger": (["table", "--year", "2018", "--format", "csv", "-o", "disclo.sqlite"], "disclo.sqlite", "the ledger"),
    "table -o the journal": (["table", "--year", "2018", "-o", "disclo.sqlite-journal"], "disclo.sqlite-journal", "the ledger's journal"),
    "report --json disclo.toml": (["report", "--year", "2018", "--json", "disclo.toml"], "disclo.toml", "the workspace's disclo.toml"),
    "tally -o a prose file": (["tally", MAIN18, "-o", "prose/2018.md"], "prose/2018.md", "a prose file"),
    "tally -o the calendar": (["tally", MAIN18, "--format", "csv", "-o", "calendar.csv"], "calendar.csv", "the calendar file"),
    "-o X --json X": (["report", "--year", "2018", "-o", "r.docx", "--json", "r.docx"], "r.docx", "the report this command writes"),
    "tally a.xlsx -o a.xlsx": (["tally", MAIN18, "--format", "xlsx", "-o", MAIN18], MAIN18, "a file this command reads"),
    "report --prose X -o X": (["report", "--year", "2018", "--prose", "prose/2018.md", "-o", "prose/2018.md"], "prose/2018.md", "a file this command reads"),
    "ledger backup the ledger": (["ledger", "backup", "disclo.sqlite"], "disclo.sqlite", "the ledger"),
}


@pytest.mark.parametrize("case", list(PROTECTED))
def test_an_output_never_replaces_what_the_command_keeps(office, run, case: str) -> None:
    args, target, what = PROTECTED[case]
    (office / "calendar.csv").write_text("日期,类型,来源\n", encoding="utf-8")
    before = _files(office)
    stderr = _failed(run(*args))
    assert f"disclo: error: {target}: that is {what} (" in stderr and "); nothing was written" in stderr
    assert "disclo never writes over the ledger" in stderr
    assert _files(office) == before


@pytest.mark.parametrize("link", ["symlink", "hard link"])
def test_a_link_to_the_ledger_is_the_ledger(office, run, link: str) -> None:
    if link == "symlink":
        (office / "out.csv").symlink_to(office / "disclo.sqlite")
    else:
        os.link(office / "disclo.sqlite", office / "out.csv")
    before = _files(office)
    stderr = _failed(run("table", "--year", "2018", "--format", "csv", "-o", "out.csv"))
    assert f"out.csv: that is the ledger ({office / 'disclo.sqlite'}); nothing was written" in stderr
    assert _files(office) == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_an_output_is_never_put_in_place_of_a_device_or_a_pipe(office, run) -> None:
    os.mkfifo(office / "管道.csv")  # (a device such as /dev/null is the same case; as root, replacing it would break the machine)
    stderr = _failed(run("table", "--year", "2018", "--format", "csv", "-o", "管道.csv"))
    assert "disclo: error: 管道.csv: is a device or a pipe, not a file; nothing was written" in stderr
    assert stat_is_fifo(office / "管道.csv")
    stderr = _failed(run("--db", "管道.csv", "ledger", "summary"))
    assert "管道.csv: is a device or a pipe, not a ledger file" in stderr


def stat_is_fifo(path: Path) -> bool:
    import stat

    return stat.S_ISFIFO(os.stat(path).st_mode)


def test_other_outputs_are_still_written(office, run) -> None:
    assert run("table", "--year", "2018", "--format", "csv", "-o", "表.csv").exit_code == 0
    assert run("report", "--year", "2018", "-o", "r.docx", "--json", "r.json").exit_code == 0
    assert (office / "表.csv").stat().st_size and (office / "r.docx").stat().st_size and (office / "r.json").stat().st_size


# --- 2. a full disk, a read-only ledger or folder, a closed stdout ----------------------------------------

def _connect_with(monkeypatch, prepare):
    """Every connection the ledger opens goes through prepare(connection, path) first."""
    import disclo_cli.ledger as ledger_mod

    real = sqlite3.connect

    def connect(path, *args, **kwargs):
        conn = prepare(path, args, kwargs) if prepare else None
        conn = conn or real(path, *args, **kwargs)
        return conn

    monkeypatch.setattr(ledger_mod.sqlite3, "connect", connect)
    return real


def test_disk_full_during_ingest_is_a_clear_error(office, run, monkeypatch) -> None:
    real = sqlite3.connect

    def full_disk(path, args, kwargs):
        conn = real(path, *args, **kwargs)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")  # the file cannot grow: SQLite says SQLITE_FULL
        return conn

    _connect_with(monkeypatch, full_disk)
    before = (office / "disclo.sqlite").read_bytes()
    write_csv(office / "大.csv", [HEADER, *(["2018-03-05", f"标题{i}" * 20, "工作动态类", "政府网站", f"B-{i}"] for i in range(3000))])
    stderr = _failed(run("ingest", "大.csv"))
    assert f"disclo: error: {office / 'disclo.sqlite'}: the ledger cannot be written: the disk is full; nothing was changed" in stderr
    assert "cannot rollback" not in stderr and "Free some space" in stderr
    assert (office / "disclo.sqlite").read_bytes() == before
    assert not (office / "disclo.sqlite-journal").exists()


@pytest.fixture
def tiny_disk(tmp_path):
    """A 700 KiB tmpfs (root only, where mount works)."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if not ROOT_USER or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=700k", "tmpfs", str(folder)], capture_output=True).returncode:
        pytest.skip("mounting a tmpfs needs root")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_disk_full_for_real(tiny_disk) -> None:
    ws = copy_workspace(EX18, tiny_disk, files=False)
    before = (ws / "disclo.sqlite").read_bytes()
    lines = ["索引号,发布日期,标题,类别,公开渠道"] + [f"K-{i},2018-03-05,{'很长的标题' * 40}{i},工作动态类,政府网站" for i in range(3000)]
    big = tiny_disk.parent / "大.csv"
    big.write_text("\n".join(lines), encoding="utf-8")
    done = _subprocess("ingest", big, cwd=ws, env={"DISCLO_LANG": "en"})
    assert done.returncode == 1, done.stderr
    assert "the ledger cannot be written: the disk is full; nothing was changed" in done.stderr and "Traceback" not in done.stderr
    assert (ws / "disclo.sqlite").read_bytes() == before


def test_read_only_ledger_is_a_clear_error(office, run, monkeypatch) -> None:
    real = sqlite3.connect
    # what SQLite says of a file (or a folder) it may not write: the same as opening it read-only
    _connect_with(monkeypatch, lambda path, args, kwargs: real(f"file:{path}?mode=ro", *args, uri=True, **kwargs))
    before = _files(office)
    stderr = _failed(run("ingest", SUPP18))
    assert f"disclo: error: {office / 'disclo.sqlite'}: the ledger cannot be written: read-only (attempt to write a readonly database); nothing was changed" in stderr
    assert "Make the ledger and its folder writable" in stderr
    assert _files(office) == before
    summary = run("ledger", "summary", "--format", "csv")  # reading still works
    assert summary.exit_code == 0 and "items,2018,250" in summary.stdout


@pytest.mark.skipif(ROOT_USER, reason="root writes into read-only files and folders")
def test_read_only_ledger_and_folder_for_real(office, run) -> None:
    before = _files(office)
    (office / "disclo.sqlite").chmod(0o444)
    try:
        stderr = _failed(run("ingest", SUPP18))
    finally:
        (office / "disclo.sqlite").chmod(0o644)
    assert "the ledger cannot be written: read-only" in stderr
    office.chmod(0o555)
    try:
        stderr = _failed(run("ingest", SUPP18))
    finally:
        office.chmod(0o755)
    assert "the ledger cannot be" in stderr
    assert _files(office) == before


def test_read_only_disk_for_real(tiny_disk) -> None:
    ws = copy_workspace(EX18, tiny_disk)
    assert _subprocess("ingest", MAIN18, cwd=ws).returncode == 0
    before = _files(ws)
    assert subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], capture_output=True).returncode == 0
    done = _subprocess("ingest", SUPP18, cwd=ws, env={"DISCLO_LANG": "en"})
    assert done.returncode == 1 and "the ledger cannot be written: read-only" in done.stderr, done.stderr
    done = _subprocess("init", tiny_disk / "新", cwd=tiny_disk.parent, env={"DISCLO_LANG": "en"})
    assert done.returncode == 1 and "cannot make the workspace here (Read-only file system); nothing was written" in done.stderr, done.stderr
    assert _files(ws) == before


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("args", [["ledger", "summary"], ["table", "--year", "2018", "--format", "csv"], ["tally", MAIN18], ["--help"], ["--version"]])
def test_stdout_on_a_full_disk(office, args) -> None:
    with open("/dev/full", "w") as full:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("DISCLO_")}
        done = subprocess.run([sys.executable, "-m", "disclo_cli", *args], cwd=office, stdout=full, stderr=subprocess.PIPE, text=True,
                              env={**clean, "DISCLO_LANG": "en"}, timeout=60)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [
        "disclo: error: the output cannot be written (No space left on device): what was shown is incomplete",
        "  The disk is full: free some space, or write to another disk, and run this again. Or write it to a file with --output.",
    ]


def test_init_where_nothing_can_be_written(tmp_path, run, monkeypatch) -> None:
    import tempfile

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    folder = tmp_path / "只读"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "mkstemp", denied)  # as a folder without write permission answers
    stderr = _failed(run("init", folder))
    assert f"{folder / 'disclo.toml'}: cannot write in {folder} (Permission denied); nothing was written" in stderr
    assert list(folder.iterdir()) == []
    monkeypatch.setattr(Path, "mkdir", denied)  # a folder that cannot be made
    stderr = _failed(run("init", tmp_path / "新"))
    assert f"{tmp_path / '新'}: cannot make the workspace here (Permission denied); nothing was written" in stderr


def test_init_that_cannot_make_its_ledger_leaves_no_disclo_toml(tmp_path, run, monkeypatch) -> None:
    import disclo_cli.ledger as ledger_mod

    def cannot(*args, **kwargs):
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(ledger_mod.sqlite3, "connect", cannot)
    stderr = _failed(run("init", tmp_path / "ws"))
    assert "the ledger cannot be opened (unable to open database file); nothing was changed" in stderr
    assert list((tmp_path / "ws").iterdir()) == []


@pytest.mark.parametrize("command", [["init"], ["ledger", "summary"], ["tally", "a.csv"]])
def test_a_deleted_current_folder(tmp_path, command) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    script = ("import os, sys; os.chdir(sys.argv[1]); os.rmdir(sys.argv[1]); sys.argv = ['disclo', *sys.argv[2:]]; "
              "from disclo_cli.cli import run; run()")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DISCLO_")}
    done = subprocess.run([sys.executable, "-c", script, str(gone), *command], capture_output=True, text=True, env={**clean, "DISCLO_LANG": "en"}, timeout=60)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[0] == "disclo: error: the current folder no longer exists (it was deleted, moved or renamed)"


# --- 3. a damaged, empty or missing ledger ---------------------------------------------------------------

def _garbage_in_the_middle(db: Path) -> None:
    """Garbage over the second half of the file (a bad copy, a failing disk), the header intact."""
    size = db.stat().st_size
    start = size // 2 // 4096 * 4096
    with db.open("r+b") as fh:
        fh.seek(start)
        fh.write(bytes((i * 37 + 11) % 256 for i in range(size - start)))


DAMAGE_COMMANDS = [
    ["ledger", "summary"], ["ledger", "sources"], ["table", "--year", "2018"], ["ingest", SUPP18], ["check", "--year", "2018"],
    ["report", "--year", "2018", "-o", "r.docx"], ["tally", "--year", "2018"], ["explain", "--year", "2018", "items/2018年度"],
    ["ledger", "forget", MAIN18], ["ledger", "backup", "备份/new.sqlite"],
]


@pytest.mark.parametrize("args", DAMAGE_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_damaged_ledger_says_restore_a_backup(office, run, args) -> None:
    (office / "备份").mkdir()
    assert run("ledger", "backup", "备份/disclo-2019-01-05.sqlite").exit_code == 0
    _garbage_in_the_middle(office / "disclo.sqlite")
    before = _files(office)
    stderr = _failed(run(*args))
    assert stderr.startswith("disclo: error: ") and "the ledger is damaged" in stderr.splitlines()[0]
    assert "restore a backup" in stderr.splitlines()[0] or "no backup written" in stderr.splitlines()[0]
    assert "'disclo ledger backup'" in stderr or "Restore the newest good one" in stderr
    assert "the newest found beside the ledger: 备份/disclo-2019-01-05.sqlite (" in stderr
    assert _files(office) == before


def _damage_an_index(db: Path) -> None:
    """Change one key inside a leaf of an index: the file's structure holds (it opens, quick_check
    passes), the index no longer matches its table (integrity_check finds it)."""
    conn = sqlite3.connect(db)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'items_source'").fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    leaf = root
    while True:  # down the leftmost branch to a leaf
        conn.close()
        data = db.read_bytes()[(leaf - 1) * page : leaf * page]
        if data[0] != 0x02:  # 0x0a: a leaf index page
            break
        leaf = int.from_bytes(data[8:12], "big")
        conn = sqlite3.connect(db)
    offset = (leaf - 1) * page
    cell = int.from_bytes(data[8:10], "big")  # the first cell's offset
    with db.open("r+b") as fh:
        fh.seek(offset + cell + 3)
        byte = fh.read(1)
        fh.seek(offset + cell + 3)
        fh.write(bytes([byte[0] ^ 0x01]))
    check = sqlite3.connect(db)
    assert check.execute("PRAGMA quick_check").fetchone() == ("ok",)
    assert check.execute("PRAGMA integrity_check").fetchone() != ("ok",)
    check.close()


def test_check_verifies_the_ledger_first(office, run) -> None:
    _damage_an_index(office / "disclo.sqlite")
    assert run("ledger", "summary").exit_code == 0  # a read does not look at that index
    before = _files(office)
    stderr = _failed(run("check", "--year", "2018"))
    assert f"{office / 'disclo.sqlite'}: the ledger is damaged (" in stderr and "): restore a backup" in stderr
    assert _files(office) == before


def test_backup_refuses_to_call_a_damaged_copy_a_backup(office, run) -> None:
    (office / "备份").mkdir()
    target = office / "备份" / "disclo-2019-01-05.sqlite"
    assert run("ledger", "backup", target).exit_code == 0
    _damage_an_index(office / "disclo.sqlite")
    before = _files(office)
    stderr = _failed(run("ledger", "backup", target))
    assert f"disclo: error: {target}: no backup written: the copy of {office / 'disclo.sqlite'} fails SQLite's integrity check (" in stderr
    assert "do not overwrite a good one with a copy of a damaged ledger" in stderr
    assert _files(office) == before  # the good backup is as it was, and no temp file stays


def test_the_ledger_is_checked_before_it_is_written(office, run) -> None:
    db = office / "disclo.sqlite"
    conn = sqlite3.connect(db)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'items'").fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with db.open("r+b") as fh:  # a page of the items table whose header is garbage
        fh.seek((root - 1) * page)
        fh.write(b"\x07" * 16)
    before = _files(office)
    stderr = _failed(run("ingest", SUPP18))
    assert "the ledger is damaged (" in stderr and "restore a backup" in stderr
    assert _files(office) == before


@pytest.mark.parametrize("args", [["ledger", "summary"], ["ingest", SUPP18], ["table", "--year", "2018"], ["report", "--year", "2018"],
                                  ["ledger", "backup", "b.sqlite"], ["init"]], ids=lambda a: " ".join(a[:2]))
def test_an_empty_ledger_is_an_error_not_a_new_ledger(office, run, args) -> None:
    (office / "disclo.sqlite").write_bytes(b"")
    before = _files(office)
    stderr = _failed(run(*args))
    assert "disclo.sqlite: the ledger is an empty file (0 bytes): the office's history is not in it" in stderr
    assert "Only if it never held anything: delete the empty file and run 'disclo init'." in stderr
    assert _files(office) == before


@pytest.mark.parametrize("args", [["ledger", "summary"], ["ingest", SUPP18], ["table", "--year", "2018"], ["ledger", "forget", MAIN18]],
                         ids=lambda a: " ".join(a[:2]))
def test_a_missing_ledger_is_an_error_not_a_new_ledger(office, run, args) -> None:
    (office / "disclo.sqlite").unlink()
    before = _files(office)
    stderr = _failed(run(*args))
    assert f"disclo: error: {office / 'disclo.sqlite'}: the ledger is missing: disclo.toml is here, its ledger is not" in stderr
    assert "'disclo init' makes an empty one (disclo.toml is kept)" in stderr
    assert _files(office) == before


def test_init_makes_the_missing_ledger_and_keeps_disclo_toml(tmp_path, run) -> None:
    ws = copy_workspace(EX18, tmp_path / "ws", ledger=False)
    toml = (ws / "disclo.toml").read_bytes()
    result = run("init", ws)
    assert result.exit_code == 0, result.stderr
    assert f"wrote {ws / 'disclo.toml'}" not in result.stderr and f"ledger {ws / 'disclo.sqlite'}" in result.stderr
    assert (ws / "disclo.toml").read_bytes() == toml and (ws / "disclo.sqlite").stat().st_size > 0
    assert run("--config", ws / "disclo.toml", "ingest", ws / MAIN18).exit_code == 0
    assert "already exists; nothing was changed" in _failed(run("init", ws))


def test_a_schema_version_that_is_not_a_number(office, run) -> None:
    conn = sqlite3.connect(office / "disclo.sqlite")
    conn.execute("UPDATE meta SET value = 'vier' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    stderr = _failed(run("ledger", "summary"))
    assert "disclo.sqlite: the ledger is damaged (its schema version 'vier' is not a number): restore a backup" in stderr


# --- 4. a lock is a lock ------------------------------------------------------------------------------------

@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="only Linux tells who holds a POSIX lock")
def test_a_lock_names_the_process_that_holds_it(office, run) -> None:
    holder = subprocess.Popen([sys.executable, "-c", "import sqlite3, sys, time\n"
                               "c = sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN IMMEDIATE')\n"
                               "print('held', flush=True); time.sleep(30)", str(office / "disclo.sqlite")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        before = _files(office)
        stderr = _failed(run("ingest", SUPP18, env={"DISCLO_LOCK_TIMEOUT": "0.2"}))
    finally:
        holder.kill()
        holder.wait()
    assert f"disclo: error: {office / 'disclo.sqlite'}: another disclo is writing the ledger; waited 0.2 s (held by process {holder.pid}: " in stderr
    assert "The ledger is not damaged." in stderr and "restore" not in stderr and "damaged (" not in stderr
    assert _files(office) == before


def test_a_reader_waits_for_a_writer_then_says_it_is_locked(office, run) -> None:
    holder = sqlite3.connect(office / "disclo.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # the moment of another ingest's commit: nobody may read
    try:
        started = time.monotonic()
        stderr = _failed(run("ledger", "summary", env={"DISCLO_LOCK_TIMEOUT": "0.2"}))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert time.monotonic() - started >= 0.2
    assert "another disclo is writing the ledger; waited 0.2 s (SQLite cannot tell which program holds it)" in stderr
    assert "restore" not in stderr


# --- 5. inputs: special files, pipes, quotes, line endings, fees ---------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("command", [["tally"], ["ingest"], ["check", "--year", "2018"]])
def test_a_fifo_is_refused_before_anything_reads_it(office, command) -> None:
    os.mkfifo(office / "台账.csv")  # no writer: reading it would wait for ever
    before = (office / "disclo.sqlite").read_bytes()
    started = time.monotonic()
    done = _subprocess(*command, "台账.csv", cwd=office, env={"DISCLO_LANG": "en"}, timeout=30)
    assert time.monotonic() - started < 10
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[0] == "disclo: error: 台账.csv: is a FIFO (a named pipe), not a file; nothing was read"
    assert (office / "disclo.sqlite").read_bytes() == before


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
@pytest.mark.parametrize("args", [["tally", "/dev/zero"], ["ingest", "/dev/zero"], ["check", "--year", "2018", "/dev/zero"]])
def test_a_device_is_refused(office, run, args) -> None:
    before = _files(office)
    stderr = _failed(run(*args))
    assert "disclo: error: /dev/zero: is a device, not a file; nothing was read" in stderr
    assert _files(office) == before


@pytest.mark.parametrize("name", ["-", "/dev/stdin"])
def test_a_pipe_is_read_once(tmp_path, run, name: str) -> None:
    rows = [HEADER, *(["2018-03-05", f"标题{i}", "工作动态类", "政府网站", f"P-{i}"] for i in range(200))]
    data = write_csv(tmp_path / "x.csv", rows).read_bytes()
    from click.testing import CliRunner

    from disclo_cli.cli import main

    result = CliRunner().invoke(main, ["tally", name, "--format", "json"], input=data, env={"DISCLO_LANG": "en"})
    assert result.exit_code == 0, result.output
    import json

    assert json.loads(result.stdout)["total"] == 200  # not 200 minus what a sniffer read first


@pytest.mark.skipif(not os.path.exists("/dev/stdin"), reason="no /dev/stdin")
def test_a_real_pipe_is_read_once(tmp_path) -> None:
    rows = [HEADER, *(["2018-03-05", f"标题{i}", "工作动态类", "政府网站", f"P-{i}"] for i in range(500))]
    data = write_csv(tmp_path / "x.csv", rows).read_bytes()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DISCLO_")}
    done = subprocess.run([sys.executable, "-m", "disclo_cli", "tally", "/dev/stdin", "--format", "json"], input=data, capture_output=True,
                          cwd=tmp_path, env={**clean, "DISCLO_LANG": "en"}, timeout=60)
    assert done.returncode == 0, done.stderr
    assert b'"total": 500' in done.stdout


def test_ingest_refuses_standard_input(office, run) -> None:
    from click.testing import CliRunner

    from disclo_cli.cli import main

    before = _files(office)
    result = CliRunner().invoke(main, ["ingest", "-"], input=b"x", env={"DISCLO_LANG": "en"})
    assert result.exit_code == 1
    assert "disclo: error: ingest needs a file, not standard input: the ledger knows each register by its file" in result.stderr
    assert _files(office) == before


def test_an_unclosed_quote_names_its_row(office, run) -> None:
    text = ("发布日期,标题,类别,公开渠道,索引号\r\n2018-03-05,甲,工作动态类,政府网站,A-1\r\n"
            '2018-03-06,"乙,其他,政府网站,A-2\r\n2018-03-07,丙,其他,政府网站,A-3\r\n2018-03-08,丁,其他,政府网站,A-4\r\n')
    (office / "坏.csv").write_text(text, encoding="utf-8")
    before = _files(office)
    for command in (["tally", "坏.csv"], ["ingest", "坏.csv"]):
        stderr = _failed(run(*command))
        assert stderr.splitlines()[0] == ('disclo: error: 坏.csv: line 3 (row 3): a quote (") opened in this row is never closed: '
                                          "the rows after it would be read as one cell")
    assert _files(office) == before
    # a quote that a later quote closes, lines below, is the same mistake
    (office / "坏.csv").write_text(text.replace("2018-03-08,丁", '2018-03-08,"丁"'), encoding="utf-8")
    assert "line 3 (row 3): a quote" in _failed(run("tally", "坏.csv"))
    # a line break inside a quoted cell is a cell with a line break, as Excel writes it
    (office / "好.csv").write_text(text.replace('"乙,', '"乙\r\n通知",'), encoding="utf-8")
    assert run("tally", "好.csv").exit_code == 0


@pytest.mark.parametrize("newline", ["\r", "\n", "\r\n"])
def test_every_line_ending_is_read(tmp_path, run, newline: str) -> None:
    lines = ["发布日期,标题,类别,公开渠道", "2018-03-05,甲,工作动态类,政府网站", "2018-03-06,乙,其他,政府网站"]
    (tmp_path / "台账.csv").write_bytes(newline.join(lines).encode("utf-8") + newline.encode())
    result = run("tally", "台账.csv", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert '"total": 2' in result.stdout


def test_fees_are_amounts_of_0_to_100000_yuan(office, run) -> None:
    from workspaces import REQUEST_HEADER, write_requests

    fees = {"F-1": -5, "F-2": 1e308, "F-3": "NaN", "F-4": -0.0, "F-5": "-0", "F-6": "99999999999999999999", "F-7": "124元", "F-8": 12.5,
            "F-9": "1e308", "F-10": "inf"}
    rows = [[k, "2018-03-01", "网上", "自然人", "", "予以公开", "", "2018-03-10", v] for k, v in fees.items()]
    write_requests(office / "收费.xlsx", rows, header=[*REQUEST_HEADER, "收费金额"])
    result = run("ingest", "收费.xlsx")
    assert result.exit_code == 1
    bad = sorted(line.split("row ")[1].split(",")[0] for line in result.stderr.splitlines() if "not a fee" in line or "not an amount" in line)
    assert bad == sorted(["2", "3", "4", "7", "10", "11"]), result.stderr  # rows of F-1, F-2, F-3, F-6, F-9, F-10
    assert "'-5' is not a fee: an amount from 0 to 100,000 元 is expected" in result.stderr
    assert "'1e+308' is not a fee" in result.stderr
    conn = sqlite3.connect(office / "disclo.sqlite")
    got = dict(conn.execute("SELECT id, fee FROM requests"))
    conn.close()
    assert set(got) == {"F-4", "F-5", "F-7", "F-8"}
    assert got["F-4"] in ("0", "0.0") and got["F-5"] == "0" and (got["F-7"], got["F-8"]) == ("124", "12.5")  # -0 is 0


def test_a_date_without_a_year_says_what_ingest_can_do(office, run) -> None:
    write_xlsx(office / "台账.xlsx", {"S": [HEADER, ["3月5日", "甲", "工作动态类", "政府网站", "Y-1"]]})
    result = run("ingest", "台账.xlsx")
    assert result.exit_code == 1
    assert ("'3月5日' has no year, and neither the sheet's name nor the file's gives one (write it with its year, or put the year "
            "in the file name: 台账2018.xlsx)") in result.stderr
    assert "--year" not in result.stderr
    tally = run("tally", "台账.xlsx")
    assert "has no year and none is implied by --year, the sheet or the file name" in tally.stderr  # tally has --year
    shutil.copy(office / "台账.xlsx", office / "台账2018.xlsx")
    assert run("ingest", "台账2018.xlsx").exit_code == 0


# --- 6. time and memory on hostile workbooks -------------------------------------------------------------------

_CT = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
       b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
       b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
_RELS = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
         b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_BOOK = (b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
         b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
_BOOK_RELS = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
              b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
_SHEET_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
_SHEET_TAIL = b"</sheetData></worksheet>"


def _workbook(path: Path, head: bytes, block: bytes, times: int, *, shared: bytes = b"", declared: int | None = None) -> Path:
    """An .xlsx whose sheet is head + block × times + tail, packed by packing block once and
    repeating its deflate output (so that a gigabyte of rows costs the test milliseconds)."""
    import zipfile
    import zlib

    def deflated(data: bytes, final: bool) -> bytes:
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)

    head, tail = _SHEET_HEAD + head, _SHEET_TAIL
    packed = deflated(head, False) + deflated(block, False) * times + deflated(tail, True)
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(block) * times + len(tail)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in (("[Content_Types].xml", _CT), ("_rels/.rels", _RELS), ("xl/workbook.xml", _BOOK), ("xl/_rels/workbook.xml.rels", _BOOK_RELS),
                           ("xl/sharedStrings.xml", shared or b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"></sst>')):
            zf.writestr(name, data)
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", (2024, 1, 1, 0, 0, 0))
        info.compress_type, info.CRC, info.compress_size, info.file_size = zipfile.ZIP_DEFLATED, crc, len(packed), declared if declared is not None else size
        info.header_offset = zf.start_dir
        zf.fp.seek(zf.start_dir)
        zf.fp.write(info.FileHeader(zip64=False))
        zf.fp.write(packed)
        zf.start_dir = zf.fp.tell()
        zf.filelist.append(info)
        zf.NameToInfo[info.filename] = info
    return path


def _rows(n: int, cols: int, text: bytes) -> bytes:
    """n rows of cols inline strings, without references (so that the block can repeat)."""
    cell = b'<c t="inlineStr"><is><t>' + text + b"</t></is></c>"
    return (b"<row>" + cell * cols + b"</row>") * n


def _bounded(path: Path, cwd: Path) -> tuple[subprocess.CompletedProcess, float, int]:
    """disclo tally on path in its own process: the result, its seconds and its peak memory (MiB)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DISCLO_")}
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "disclo_cli", "tally", str(path)], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**clean, "DISCLO_LANG": "en"})
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    usage = 0
    try:
        import resource

        usage = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss >> 10  # KiB on Linux
    except ImportError:
        pass
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), time.monotonic() - started, usage


def test_a_few_mib_of_inline_strings_that_unpack_to_a_gigabyte(tmp_path) -> None:
    # the case: 6 MB unpacking to 1.1 GB of inline-string rows, under the old ratio guard
    path = _workbook(tmp_path / "炸.xlsx", b"", _rows(2000, 10, b"x" * 40 + b"%d"), 550)
    assert path.stat().st_size < (10 << 20)
    done, seconds, _ = _bounded(path, tmp_path)
    assert done.returncode == 1, done.stderr
    assert "炸.xlsx: refused: part xl/worksheets/sheet1.xml would unpack" in done.stderr and "(a zip bomb)" in done.stderr
    assert seconds < 10


def test_a_part_whose_size_is_a_lie_is_measured_as_it_unpacks(tmp_path) -> None:
    path = _workbook(tmp_path / "谎.xlsx", b"", _rows(2000, 10, b"y" * 40), 500, declared=1000)  # 781 MB declared as 1 KB
    done, seconds, _ = _bounded(path, tmp_path)
    assert done.returncode == 1, done.stderr
    assert "谎.xlsx: sheet 'S': refused: the workbook's sheets unpack to more than 640 MiB of XML (at least 6" in done.stderr
    assert seconds < 10


def test_one_shared_string_in_many_cells_is_refused(tmp_path) -> None:
    # a 32,000-character string in 20,000 cells: 640 MB of text from a file of a few hundred KB
    shared = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
              + b"z" * 32000 + b"</t></si></sst>")
    head = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>0</v></c></row>' % (r, r) for r in range(1, 20001))
    path = _workbook(tmp_path / "串.xlsx", head, b"", 0, shared=shared)
    assert path.stat().st_size < (1 << 20)
    done, seconds, _ = _bounded(path, tmp_path)
    assert done.returncode == 1, done.stderr
    assert "串.xlsx: sheet 'S': refused: its cells would hold 610 MiB of text (more than 384 MiB)" in done.stderr
    assert seconds < 10


def test_too_many_cells_with_a_value_are_refused(tmp_path) -> None:
    import random

    rnd = random.Random(5)  # numbers that do not pack a hundred times (that would be a zip bomb)
    block = b"".join(b"<row>" + b"".join(b"<c><v>%d</v></c>" % rnd.randrange(100) for _ in range(9)) + b"</row>" for _ in range(1000))
    path = _workbook(tmp_path / "多.xlsx", b"", block, 1000)  # 9,000,000 cells
    done, seconds, _ = _bounded(path, tmp_path)
    assert done.returncode == 1, done.stderr
    assert "多.xlsx: refused: 9,000,000 cells with a value, up to sheet 'S' (more than 8,000,000" in done.stderr
    assert seconds < 10


def test_a_far_cell_after_a_million_rows_is_found(tmp_path) -> None:
    # every row in order, then one cell far below and to the right: found without parsing the XML
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>v</t></is></c></row>' % (r, r) for r in range(1, 1001))
    path = _workbook(tmp_path / "远.xlsx", rows + b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>', b"", 0)
    done, seconds, _ = _bounded(path, tmp_path)
    assert done.returncode == 1, done.stderr
    assert "远.xlsx: sheet 'S': refused: its cells reach row 1,048,576 and column 16,384" in done.stderr
    assert seconds < 10


@pytest.mark.parametrize("order", ["in order", "far row first", "far column in the middle", "attributes in another order",
                                   "lower case", "eight digits", "leading zeros", "single quotes", "spaces and a tab", "a prefix"])
@pytest.mark.parametrize("prefetch", [False, True], ids=["serial", "prefetched"])
def test_the_guard_finds_the_extent_however_the_cells_are_written(tmp_path, monkeypatch, order: str, prefetch: bool) -> None:
    from disclo_cli.errors import InputError
    from disclo_cli.ingest import guards
    from disclo_cli.ingest.guards import MAX_CELLS, guard_xlsx

    if prefetch:  # every worksheet unpacked a piece ahead, in a thread, as a large one is
        monkeypatch.setattr(guards, "PREFETCH_BYTES", -1)

    cells = [b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>v</t></is></c><c r="G%d"><v>1</v></c></row>' % (r, r, r) for r in range(1, 3001)]
    far = b'<row r="2800000"><c r="F2800000"><v>1</v></c></row>'  # 2.8M rows × 7 columns > MAX_CELLS
    if order == "in order":
        body = b"".join(cells) + far
    elif order == "far row first":
        body = far + b"".join(cells)
    elif order == "far column in the middle":
        far = b'<row r="1501"><c r="A1501"><v>1</v></c><c r="ZZZ1501"><v>2</v></c></row>'
        body = b"".join(cells[:1500]) + far + b"".join(cells[1500:])
    elif order == "attributes in another order":
        far = b'<row r="2800000"><c s="1" r="F2800000"><v>1</v></c></row>'
        body = b"".join(cells[:10]) + far + b"".join(cells[10:])
    elif order in ("lower case", "eight digits", "leading zeros"):  # what calamine reads as far away too
        ref = {"lower case": b"f2800000", "eight digits": b"F12345678", "leading zeros": b"F002800000"}[order]
        body = b"".join(cells[:10]) + b'<row r="11"><c r="' + ref + b'"><v>1</v></c></row>' + b"".join(cells[10:])
    else:  # XML calamine reads the same: <c r='…'>, <c\tr = "…">, <x:c> of the same namespace
        cell = {"single quotes": b"<c r='F2800000'><v>1</v></c>", "spaces and a tab": b'<c\tr = "F2800000"><v>1</v></c>',
                "a prefix": b'<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="F2800000"><x:v>1</x:v></x:c>'}[order]
        body = b"".join(cells[:10]) + b'<row r="11">' + cell + b"</row>" + b"".join(cells[10:])
    path = _workbook(tmp_path / "x.xlsx", body, b"", 0)
    with pytest.raises(InputError) as info:
        guard_xlsx(path)
    assert info.value.code == "input-sheet-too-big" and info.value.params["limit"] == f"{MAX_CELLS:,}"


def test_a_register_at_the_limits_is_read(tmp_path, run) -> None:
    rows = [HEADER, *(["2018-03-05", f"标题{i}", "工作动态类", "政府网站", f"L-{i}"] for i in range(3000))]
    path = write_xlsx(tmp_path / "台账.xlsx", {"S": rows})
    result = run("tally", path, "--format", "json")
    assert result.exit_code == 0 and '"total": 3000' in result.stdout


def test_a_sheet_of_long_texts_is_not_said_to_have_no_text(tmp_path, run) -> None:
    path = write_xlsx(tmp_path / "长.xlsx", {"S": [["长" * 80, "文" * 90]] * 5})
    stderr = _failed(run("tally", path))
    assert "no register header found in sheet 'S'; found no text short enough to be a header (the first is 「" + "长" * 39 + "…」)" in stderr
    assert "no text at all" not in stderr


# --- 7. hidden sheets and rows, columns named twice, a header repeated -------------------------------------------

def _hidden_workbook(path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    for row in ROWS:
        ws.append(row)
    ws.row_dimensions[3].hidden = True  # a row hidden by hand (or by a filter): still a row of the register
    for title, state in (("旧表", "hidden"), ("宏表", "veryHidden")):
        extra = wb.create_sheet(title)
        extra.append(HEADER)
        extra.append(["2018-04-01", f"{title}的条目", "工作动态类", "政府网站", f"{title}-1"])
        extra.sheet_state = state
    wb.save(path)
    return path


def test_hidden_sheets_and_rows_are_counted_and_hidden_sheets_said(tmp_path, run) -> None:
    import json

    result = run("tally", _hidden_workbook(tmp_path / "台账.xlsx"), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["total"] == 4  # two rows of 台账 (one of them hidden), one of each hidden sheet
    warnings = {(p["sheet"], p["message"]) for p in data["problems"] if p["code"] == "hidden-sheet"}
    assert warnings == {
        ("旧表", "this sheet is hidden in the workbook; its 1 row(s) are counted like any other"),
        ("宏表", "this sheet is very hidden in the workbook (only a macro can show it); its 1 row(s) are counted like any other"),
    }
    only = run("tally", tmp_path / "台账.xlsx", "--sheet", "台账", "--format", "json")
    assert json.loads(only.stdout)["total"] == 2 and "hidden-sheet" not in only.stdout


def test_two_columns_with_the_same_header(tmp_path, run) -> None:
    rows = [["发布日期", "标题", "类别", "类别", "公开渠道"], ["2018-03-05", "甲", "工作动态类", "其他", "政府网站"]]
    result = run("tally", write_xlsx(tmp_path / "台账.xlsx", {"S": rows}), "--format", "json")
    assert result.exit_code == 0
    assert "two columns are headed 「类别」: the first is used, the other is ignored" in result.stderr
    assert '"工作动态类"' in result.stdout


def test_a_header_repeated_mid_sheet_is_skipped_and_said(tmp_path, run) -> None:
    import json

    rows = [HEADER, ROWS[1], HEADER, ROWS[2]]
    result = run("tally", write_xlsx(tmp_path / "台账.xlsx", {"S": rows}), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["total"] == 2
    assert [(p["code"], p["row"]) for p in data["problems"] if p["code"] == "repeated-header"] == [("repeated-header", 3)]


# --- 8. paper cuts ---------------------------------------------------------------------------------------------

def test_explain_csv_leaves_disclos_own_words_unquoted(tmp_path, run, monkeypatch) -> None:
    import csv
    import io

    from workspaces import EX23, FILES23

    ws = copy_workspace(EX23, tmp_path / "office")
    monkeypatch.chdir(ws)
    assert run("ingest", *FILES23).exit_code == 0
    result = run("explain", "--year", "2023", "二.行政规范性文件/现行有效件数", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    whats = [row[5] for row in csv.reader(io.StringIO(result.stdout))][1:]
    assert whats and not [w for w in whats if w.startswith(("'", "+", "-", "=", "@"))]
    assert sum(w.startswith("added: ") for w in whats) == 4 and sum(w.startswith("abolished ") for w in whats) == 2
    as_json = run("explain", "--year", "2023", "二.行政规范性文件/现行有效件数", "--format", "json")
    assert '"what": "+ ' in as_json.stdout  # JSON keeps the signs


def test_a_register_text_that_looks_like_a_formula_is_still_quoted(tmp_path, run) -> None:
    rows = [HEADER, ["2018-03-05", "甲", "=HYPERLINK(\"x\")", "政府网站", "A-1"]]
    path = write_xlsx(tmp_path / "台账.xlsx", {"S": rows})
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb["S"]["C2"].data_type = "s"
    wb.save(path)
    result = run("tally", path, "--format", "csv")
    assert "'=HYPERLINK(" in result.stdout


@pytest.mark.parametrize("lock", ["~$主动公开台账2018-12月补报.xlsx", ".~lock.主动公开台账2018-12月补报.xlsx#"])
def test_an_open_workbooks_lock_file_is_skipped_with_a_note(office, run, lock: str) -> None:
    (office / lock).write_bytes(b"\x0bAdministrator" + b"\x00" * 40)  # what Excel/WPS leave beside an open workbook
    result = run("ingest", SUPP18, lock)
    assert result.exit_code == 0, result.stderr
    assert (f"warning: {lock}: 主动公开台账2018-12月补报.xlsx is open in Excel/WPS ({lock} is the lock file they keep beside it): "
            "the lock file is skipped; save and close the workbook, so that what is read is what you see") in result.stderr
    assert result.stdout.startswith(f"{SUPP18}\titems\t")
    tally = run("tally", SUPP18, lock, "--format", "json")
    assert tally.exit_code == 0 and "owner-file" in tally.stdout


def test_one_unreadable_file_stops_the_batch_and_says_so(office, run) -> None:
    (office / "坏.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    before = _files(office)
    stderr = _failed(run("ingest", SUPP18, "坏.xlsx"))
    lines = stderr.splitlines()
    assert lines[0].startswith("disclo: error: 坏.xlsx: ")
    assert "Nothing was filed: one ingest files all its 2 files or none. Fix this file, or ingest the others without it." in lines[1]
    assert _files(office) == before


def test_backup_onto_a_folder(office, run) -> None:
    stderr = _failed(run("ledger", "backup", ""))  # "" is the current folder (a folder by name is click's usage error)
    assert "disclo: error: .: is a folder; nothing was written" in stderr and "Device or resource busy" not in stderr


def test_backup_into_a_missing_folder(office, run) -> None:
    stderr = _failed(run("ledger", "backup", "新备份/x.sqlite"))
    assert stderr.splitlines() == [
        "disclo: error: 新备份/x.sqlite: the folder 新备份 does not exist; nothing was written",
        "  Create the folder first (mkdir), or give a path in a folder that exists: disclo ledger backup 备份/disclo-2019-01-05.sqlite",
    ]
    assert "--output" not in stderr and not (office / "新备份").exists()


def test_ledger_sources_shows_where_in_the_workspace(office, run) -> None:
    import csv
    import io

    for folder in ("一月", "二月"):
        (office / folder).mkdir()
        write_xlsx(office / folder / "台账.xlsx", {"S": [HEADER, ["2018-03-05", f"{folder}的条目", "工作动态类", "政府网站", f"{folder}-1"]]})
    assert run("ingest", "一月/台账.xlsx", "二月/台账.xlsx").exit_code == 0
    rows = list(csv.reader(io.StringIO(run("ledger", "sources", "--format", "csv").stdout)))
    assert [r[1] for r in rows[1:]] == [MAIN18, "一月/台账.xlsx", "二月/台账.xlsx"]
    table = run("ledger", "sources").stdout
    assert "一月/台账.xlsx" in table and "二月/台账.xlsx" in table


@pytest.mark.skipif(not hasattr(os, "umask"), reason="no umask here")
def test_init_writes_files_with_the_folders_usual_mode(tmp_path, run) -> None:
    old = os.umask(0o022)
    try:
        assert run("init", tmp_path / "ws").exit_code == 0
        assert run("table", "--year", "2018", "--format", "csv", "-o", tmp_path / "t.csv").exit_code in (0, 1)
    finally:
        os.umask(old)
    assert (tmp_path / "ws" / "disclo.toml").stat().st_mode & 0o777 == 0o644  # an office shares the folder, not 0600
    target = tmp_path / "keep.csv"
    target.write_text("x", encoding="utf-8")
    target.chmod(0o640)
    assert run("tally", write_xlsx(tmp_path / "台账.xlsx", {"S": ROWS}), "--format", "csv", "-o", target).exit_code == 0
    assert target.stat().st_mode & 0o777 == 0o640  # an output written again keeps its mode


# --- already on main: held to a test here (issue 16, items 2, 6 and 12) -----------------------------------------

@pytest.mark.parametrize(("line", "message"), [
    ("items = 1.5", "[opening] items must be a whole number from 0 to 1,000,000,000, not 1.5"),
    ("items = 99999999999999999999", "[opening] items must be a whole number from 0 to 1,000,000,000, not 99999999999999999999"),
])
def test_opening_counts_are_whole_numbers(tmp_path, run, line: str, message: str) -> None:
    from workspaces import set_key

    ws = copy_workspace(EX18, tmp_path / "ws", edit=lambda t: set_key(t, "items", line.split(" = ")[1]))
    stderr = _failed(run("--config", ws / "disclo.toml", "table", "--year", "2018"))
    assert message in stderr


@pytest.mark.parametrize("value", ["inf", '"inf"', "nan", '"NaN"', '"sNaN"', "-5", '"五"', "true", "1e30"])
def test_a_yearly_figure_that_is_not_a_count_is_refused_when_read(tmp_path, run, value: str) -> None:
    """[yearly] figures are checked with the rest of disclo.toml: an infinity crashed the table
    (exit 3), a NaN was printed in 表二 and the report without a word, a negative count passed."""
    ws = copy_workspace(EX23, tmp_path / "ws", edit=lambda t: t.replace("licence_decisions = 326", f"licence_decisions = {value}"))
    for args in (("table", "--year", "2023"), ("report", "--year", "2023", "-o", "r.docx", "--force")):
        stderr = _failed(run("--config", ws / "disclo.toml", *args))
        assert "[yearly.2023] licence_decisions must be a number of at least 0 (only a year's change, *_change, may be negative), not " in stderr


@pytest.mark.parametrize(("section", "line", "message"), [
    ("channels", 'gazete = ["政府公报"]', "[channels] has keys disclo does not know: gazete"),
    ("categories", 'label = ["工作动态"]', "[categories] has keys disclo does not know: label"),
    ("ledger", "bogus = 2", "[ledger] has keys disclo does not know: bogus"),
])
def test_a_misspelt_key_is_refused(tmp_path, run, section: str, line: str, message: str) -> None:
    """A key disclo does not read would leave the built-in list in force without a word (a wrong
    政府公报 count for an office with its own gazette list)."""
    ws = copy_workspace(EX18, tmp_path / "ws", edit=lambda t: t + f"\n[{section}]\n{line}\n" if f"[{section}]" not in t
                        else t.replace(f"[{section}]\n", f"[{section}]\n{line}\n", 1))
    stderr = _failed(run("--config", ws / "disclo.toml", "table", "--year", "2018"))
    assert message in stderr and "Known keys:" in stderr


def test_yearly_figures_read_as_exact_numbers(tmp_path, run) -> None:
    from disclo_cli.config import load

    ws = copy_workspace(EX23, tmp_path / "ws", edit=lambda t: t.replace("fees_amount = 12.6", 'fees_amount = "12.6"\nlicence_items_change = -3'))
    cfg = load(ws / "disclo.toml")
    assert cfg.yearly[2023] == {"licence_decisions": 326, "penalty_decisions": 41, "enforcement_decisions": 3,
                                "fees_amount": Decimal("12.6"), "licence_items_change": -3}


@pytest.mark.parametrize(("value", "message"), [
    ("123", "[office] name must be a text in quotes, not 123"),
    ('"' + "街" * 10_000 + '"', "[office] name is 10000 characters long; at most 200 are accepted"),
    ('"柳城\\u0001街道"', "[office] name holds control characters"),
])
def test_office_name_is_a_short_text(tmp_path, run, value: str, message: str) -> None:
    from workspaces import set_key

    ws = copy_workspace(EX18, tmp_path / "ws", edit=lambda t: set_key(t, "name", value.replace("\\", "\\\\")))
    stderr = _failed(run("--config", ws / "disclo.toml", "ledger", "summary"))
    assert message in stderr and len(stderr) < 1000


def test_control_characters_in_a_cell_are_removed(office, run) -> None:
    rows = [HEADER, ["2018-03-05", "甲_x0001_通知", "工作动态_x0001_类", "政府网站", "C-1"]]  # how xlsx writes \x01
    write_xlsx(office / "控制.xlsx", {"S": rows})
    with zipfile_open(office / "控制.xlsx") as data:
        assert b"_x0001_" in data
    assert run("ingest", "控制.xlsx").exit_code == 0
    conn = sqlite3.connect(office / "disclo.sqlite")
    assert conn.execute("SELECT title, category FROM items WHERE id = 'C-1'").fetchone() == ("甲通知", "工作动态类")
    conn.close()
    assert run("report", "--year", "2018", "-o", "r.docx", "--force").exit_code == 0


def zipfile_open(path: Path):
    import contextlib
    import zipfile

    @contextlib.contextmanager
    def sheet():
        with zipfile.ZipFile(path) as zf:
            yield zf.read("xl/worksheets/sheet1.xml")

    return sheet()


def test_a_misspelt_required_header_is_named(tmp_path, run) -> None:
    rows = [["发布日起", "标题", "类别", "公开渠道"], ["2018-03-05", "甲", "工作动态类", "政府网站"]]
    stderr = _failed(run("tally", write_xlsx(tmp_path / "台账.xlsx", {"S": rows})))
    assert "it lacks the column(s) " in stderr and "「发布日起」" in stderr


def test_prefetched_pieces_come_in_order_and_what_the_unpacking_raises_is_raised_to_the_reader() -> None:
    import threading

    from disclo_cli.errors import InputError
    from disclo_cli.ingest.guards import prefetched

    def unpacking(n: int, fail_at: int | None = None):
        for i in range(n):
            if i == fail_at:
                raise InputError("input-sheet-xml-too-big", path="x.xlsx", sheet="S", mib=300, limit=256)
            yield b"%d" % i

    assert list(prefetched(unpacking(50))) == [b"%d" % i for i in range(50)]
    got = []
    with pytest.raises(InputError) as info:
        for piece in prefetched(unpacking(50, fail_at=7)):
            got.append(piece)
    assert info.value.code == "input-sheet-xml-too-big" and got == [b"%d" % i for i in range(7)]
    # a reader that stops early (a sheet refused on its third piece) leaves no thread behind
    it = prefetched(unpacking(10_000))
    assert [next(it) for _ in range(3)] == [b"0", b"1", b"2"]
    it.close()
    assert not [t for t in threading.enumerate() if t.name == "disclo-unpack"]


def test_a_workbook_refused_while_unpacked_ahead_leaves_no_thread(tmp_path, monkeypatch) -> None:
    """Found in review: when the guard refused a sheet unpacked a piece ahead, the unpacking thread
    lived on (polling, holding the file's bytes) for as long as the exception was kept."""
    import threading
    import zipfile

    from disclo_cli.errors import InputError
    from disclo_cli.ingest import guards

    monkeypatch.setattr(guards, "PREFETCH_BYTES", -1)
    monkeypatch.setattr(guards, "PREFETCH_RATIO", 1 << 30)
    path = tmp_path / "实体.xlsx"
    sheet = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet><sheetData>' + b'<row r="1"><c r="A1"><v>1</v></c></row>' * 5000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", '<workbook><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/worksheets/sheet1.xml", sheet + b"</sheetData></worksheet>")
    with pytest.raises(InputError) as kept:
        guards.guard_xlsx(path)
    assert kept.value is not None  # the exception (and its traceback) still held here
    assert not [t for t in threading.enumerate() if t.name == "disclo-unpack"]
