"""disclo as a clerk runs it, in its own process: on a console whose encoding is GBK (a Chinese
Windows PC writing to a file or a pipe), GB18030, ASCII or Latin-1 every command exits as on UTF-8,
with no traceback; tables in a file or a pipe keep every column; a reader that goes away early
(`| head -1`) means exit 141 and no noise; `python -m disclo_cli` works where `disclo` is not on PATH."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from workspaces import EX18, EX23, FILES23, ITEMS23, MAIN18, copy_workspace

LANGUAGE_VARS = ("DISCLO_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")
SLOW = pytest.mark.slow
#: GBK (a Chinese Windows PC's redirected output) and ASCII are what the issue names; UTF-8 (which
#: READS' exit codes are), GB18030 and Latin-1 take the same paths and are marked slow
ENCODINGS = ["gbk", "ascii", pytest.param("utf-8", marks=SLOW), pytest.param("gb18030", marks=SLOW), pytest.param("latin-1", marks=SLOW)]
CELL = "二.行政规范性文件/现行有效件数"  # its explanation has a − (U+2212), which GBK lacks

#: (workspace, arguments, exit code on UTF-8): commands that only read
READS = [
    ("23", ["--help"], 0),
    ("23", ["table", "--help"], 0),
    ("18", ["tally", "主动公开台账2018.csv"], 0),
    ("18", ["tally", "主动公开台账2018.csv", "--by", "category", "--by", "month", "--format", "csv"], 0),
    ("23", ["tally", "--year", "2023"], 0),
    ("23", ["tally", "--year", "2023", "--format", "json"], 0),
    ("23", ["table", "--year", "2023"], 0),
    ("23", ["table", "--year", "2023", "--format", "csv"], 0),
    ("23", ["table", "--year", "2023", "--format", "json"], 0),
    ("23", ["table", "--year", "2023", "--format", "markdown"], 0),
    ("18", ["table", "--year", "2018"], 0),
    ("23", ["explain", "--year", "2023", CELL], 0),
    ("23", ["explain", "--year", "2023", CELL, "--format", "csv"], 0),
    ("23", ["explain", "--year", "2023", CELL, "--format", "json"], 0),
    ("23", ["check", "--year", "2023"], 0),
    ("23", ["check", "--year", "2023", "--format", "json"], 0),
    ("23", ["calendar", "show", "2027"], 0),
    ("23", ["calendar", "show", "2024", "--format", "json"], 0),
    ("23", ["ledger", "summary"], 0),
    ("23", ["ledger", "sources"], 0),
    ("23", ["ledger", "sources", "--format", "csv"], 0),
    ("23", ["requests", "--as-of", "2024-01-10"], 1),
    ("23", ["requests", "--as-of", "2023-12-20", "--format", "json"], 0),
    ("23", ["requests", "explain", "ZRZY-YSQ-2023-052", "--as-of", "2024-01-10"], 0),
    ("23", ["vocab", "--year", "2023"], 0),
    ("23", ["vocab", "依申请公开台账2023.xlsx", "--format", "json"], 0),
    ("23", ["tally", "nosuch.xlsx"], 1),
    ("23", ["explain", "--year", "2023", "九.甲/乙"], 2),
    ("23", ["table"], 2),
    ("23", ["tally", "x.xlsx", "--by", "x"], 2),
]
#: commands that write, in this order, in a workspace of their own
NOTICES = Path(__file__).resolve().parent / "fixtures" / "notices"
WRITES = [
    ("23", ["init", "新单位", "--name", "示例县测试局"], 0),
    ("23", ["calendar", "import", NOTICES / "2026.txt", "--dry-run"], 0),
    ("23", ["calendar", "import", NOTICES / "2025.txt"], 0),
    ("23", ["ingest", *FILES23], 0),
    ("23", ["report", "--year", "2023"], 0),
    ("18", ["report", "--year", "2018"], 0),
    ("23", ["ledger", "backup", "备份.sqlite"], 0),
    ("23", ["ledger", "forget", ITEMS23], 0),
    ("23", ["ledger", "forget", ITEMS23 + ".old"], 1),
]


def disclo(*args: object, cwd: Path, encoding: str = "utf-8", env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """`python -m disclo_cli ARGS` with stdout/stderr in `encoding`, no language variables (Chinese)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DISCLO_") and k not in (*LANGUAGE_VARS, "COLUMNS", "PYTHONIOENCODING")}
    kw.setdefault("capture_output", True)
    return subprocess.run([sys.executable, "-m", "disclo_cli", *map(str, args)], cwd=cwd, env={**clean, "PYTHONIOENCODING": encoding, **(env or {})},
                          timeout=120, **kw)


def _no_crash(done: subprocess.CompletedProcess, expected: int, what: str) -> None:
    err = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "Exception ignored" not in err, (what, err)
    assert "内部错误" not in err and "internal error" not in err, (what, err)
    assert done.returncode == expected, (what, done.returncode, err)


def _workspace(root: Path, which: str) -> Path:
    return root / which


@pytest.fixture(scope="module")
def offices(tmp_path_factory) -> Path:
    """The two example offices, their registers ingested with `disclo ingest`."""
    root = tmp_path_factory.mktemp("offices")
    copy_workspace(EX23, root / "23")
    copy_workspace(EX18, root / "18")
    shutil.copy2(EX18 / "主动公开台账2018.csv", root / "18")
    shutil.copytree(EX18 / "prose", root / "18" / "prose")
    _no_crash(disclo("ingest", *FILES23, cwd=root / "23"), 0, "ingest 2023")
    _no_crash(disclo("ingest", MAIN18, cwd=root / "18"), 0, "ingest 2018")
    return root


@pytest.fixture(scope="module")
def json_on_utf8(offices) -> dict[tuple[str, ...], object]:
    """What each JSON command of READS prints on a UTF-8 console."""
    return {tuple(args): json.loads(disclo(*args, cwd=offices / which).stdout.decode("utf-8"))
            for which, args, expected in READS if "json" in args and expected == 0}


def _text(out: bytes, encoding: str) -> str:
    """stdout as text: in the encoding asked for (click writes UTF-8 to a stream that claims ASCII)."""
    return out.decode("utf-8" if encoding == "ascii" else encoding)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_command_exits_as_on_utf8_with_no_traceback(offices, json_on_utf8, tmp_path, encoding) -> None:
    def read(case):
        which, args, expected = case
        done = disclo(*args, cwd=offices / which, encoding=encoding)
        _no_crash(done, expected, args)
        text = _text(done.stdout, encoding)  # the bytes are in the console's encoding
        if "json" in args and expected == 0:
            assert json.loads(text) == json_on_utf8[tuple(args)], args  # lossless: what the encoding lacks is a \u escape
        return args

    with ThreadPoolExecutor(max_workers=3) as pool:
        assert len(list(pool.map(read, READS))) == len(READS)
    root = tmp_path / "offices"  # the commands that write, in a copy of their own
    shutil.copytree(offices, root)
    for which, args, expected in WRITES:
        _no_crash(disclo(*args, cwd=root / which, encoding=encoding), expected, args)
    assert (root / "23" / "备份.sqlite").stat().st_size > 0
    assert (root / "23" / "2023年政府信息公开工作年度报告.docx").exists()


def test_gbk_prints_what_gbk_has_and_json_escapes_the_rest(offices) -> None:
    ws = offices / "23"
    shown = disclo("explain", "--year", "2023", CELL, cwd=ws, encoding="gbk", env={"DISCLO_LANG": "en"})
    text = shown.stdout.decode("gbk")
    assert "- abolished 2023-06-30: 政策文件 示例县国土资源局关于农村村民建房用地审批的若干规定" in text  # − printed as -
    assert "\u2212" not in text and "?" not in text and shown.stderr == b""
    as_json = disclo("explain", "--year", "2023", CELL, "--format", "json", cwd=ws, encoding="gbk").stdout.decode("gbk")
    assert "\\u2212 abolished 2023-06-30: 政策文件" in as_json  # GBK has the Chinese, not the minus
    assert json.loads(as_json)["rows"][0]["what"].startswith("\u2212 abolished")


def test_a_console_that_lacks_characters_says_so_once(offices) -> None:
    done = disclo("ledger", "sources", cwd=offices / "23", encoding="latin-1")
    assert done.returncode == 0
    assert "主动公开" not in done.stdout.decode("latin-1") and "?" in done.stdout.decode("latin-1")
    note = done.stderr.decode("latin-1")
    assert note.count("\n") == 1 and "PYTHONIOENCODING=utf-8" in note and "(iso8859-1)" in note
    # the note would be ??? in Chinese there: it is in English, which the console shows
    assert "character(s) of the output cannot be shown in the console's encoding (iso8859-1) and were printed as ?" in note
    gbk = disclo("ledger", "sources", cwd=offices / "23", encoding="gbk")
    assert gbk.stderr == b""  # GBK shows every character of it: nothing lost, nothing said


@pytest.mark.parametrize("how", ["pipe", "file", "output", "gbk"])
def test_a_table_not_on_a_terminal_keeps_every_column(offices, tmp_path, how) -> None:
    ws = offices / "23"
    columns = ["项目", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    if how == "output":
        done = disclo("table", "--year", "2023", "--table", "三", "--output", tmp_path / "t3.txt", cwd=ws)
        text = (tmp_path / "t3.txt").read_text(encoding="utf-8")
    elif how == "file":
        with (tmp_path / "t3.txt").open("wb") as fh:
            done = disclo("table", "--year", "2023", "--table", "三", cwd=ws, stdout=fh, stderr=subprocess.PIPE, capture_output=False)
        text = (tmp_path / "t3.txt").read_text(encoding="utf-8")
    else:
        done = disclo("table", "--year", "2023", "--table", "三", cwd=ws, encoding="gbk" if how == "gbk" else "utf-8")
        text = done.stdout.decode("gbk" if how == "gbk" else "utf-8")
    assert done.returncode == 0
    bar = "|" if how == "gbk" else "│"  # a console that is not Unicode gets ASCII boxes
    header = next(line for line in text.splitlines() if "自然人" in line)
    assert [cell.strip() for cell in header.strip(bar).split(bar)] == columns
    total = next(line for line in text.splitlines() if "（七）总计" in line)
    assert [cell.strip() for cell in total.strip(bar).split(bar)][-1] == "54"
    assert all(len(line.rstrip()) == 0 or line.rstrip()[-1] in "│┐┘┤|+" or "三、" in line for line in text.splitlines())


def _first_line_then_close(args: list[str], cwd: Path) -> subprocess.Popen:
    """Like `disclo ARGS | head -1`: a pipe of one page, its reader gone after the first line."""
    import fcntl

    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, getattr(fcntl, "F_SETPIPE_SZ", 1031), 4096)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DISCLO_") and k not in LANGUAGE_VARS}
    proc = subprocess.Popen([sys.executable, "-m", "disclo_cli", *args], cwd=cwd, stdout=write_end, stderr=subprocess.PIPE, env=clean)
    os.close(write_end)
    line = b""
    while not line.endswith(b"\n"):
        byte = os.read(read_end, 1)
        assert byte, "no first line"
        line += byte
    os.close(read_end)
    proc.wait(timeout=60)
    return proc


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the pipe's size is set with a Linux fcntl")
def test_a_reader_that_goes_away_means_141_and_no_noise(offices) -> None:
    ws = offices / "23"
    proc = _first_line_then_close(["table", "--year", "2023"], ws)  # 16 kB of tables through a 4 kB pipe
    assert (proc.returncode, proc.stderr.read()) == (141, b"")
    for args in (["--help"], ["ledger", "sources"], ["table", "--year", "2023", "--format", "json"], ["tally", "--year", "2023", "--format", "csv"]):
        read_end, write_end = os.pipe()
        os.close(read_end)  # gone before anything was written
        done = disclo(*args, cwd=ws, stdout=write_end, stderr=subprocess.PIPE, capture_output=False)
        os.close(write_end)
        assert (done.returncode, done.stderr) == (141, b""), args


def test_python_m_disclo_cli_is_the_disclo_command(offices) -> None:
    assert disclo("--version", cwd=offices).stdout.decode() == "disclo，版本 0.1.0\n"
    assert disclo("--version", cwd=offices, env={"DISCLO_LANG": "en"}).stdout.decode() == "disclo, version 0.1.0\n"
    usage = disclo("--help", cwd=offices).stdout.decode()
    assert usage.startswith("用法：python -m disclo_cli [选项] 命令 [参数]...\n")
    failed = disclo("tally", "nosuch.xlsx", cwd=offices)
    assert (failed.returncode, failed.stderr.decode()) == (1, "disclo：错误：nosuch.xlsx：文件不存在\n  请核对文件名和所在文件夹。\n")
    summary = disclo("ledger", "summary", "--format", "csv", cwd=offices / "23", env={"DISCLO_LANG": "en"})
    assert summary.stdout.decode().splitlines()[:2] == ["kind,year,rows", "items,2019,1"]


def test_a_long_table_for_a_file_is_laid_out_as_rich_lays_it_out() -> None:
    """Above render.PLAIN_ROWS rows a table for a file or a pipe is drawn without rich (rich takes
    seconds for thousands of rows): the text is the same, box, padding, justification, sections, title
    and caption, in a Unicode and in a narrow encoding."""
    import random
    from decimal import Decimal

    from disclo_cli import render
    from disclo_cli.render import Grid

    rng = random.Random(5)
    words = ["自然人", "工作动态", "a", "通知公告123", "—", "x y", "2%", "33.3%", "", None, 5, 120, Decimal("12.5"), "ZRZY-YSQ-2023-055",
             "依申请公开台账2023.xlsx", "…", "√", "×", "Ａ全角", "é", "[bold]x", "ﾃｽﾄ"]
    for _ in range(150):
        n, m = rng.randint(1, 6), rng.randint(0, 12)
        grid = Grid(rng.choice(["", "2023年主动公开信息统计", "截至 2026-12-01 尚未办结的申请"]),
                    tuple(rng.choice(["编号", "收到日期", "条数", "占比", "Item", ""]) for _ in range(n)),
                    tuple(tuple(rng.choice(words) for _ in range(rng.randint(max(n - 1, 1), n))) for _ in range(m)),
                    block_rows=frozenset(i for i in range(m) if rng.random() < 0.1),
                    total_rows=frozenset(i for i in range(m) if rng.random() < 0.1),
                    widths=tuple(rng.choice([0, 5, 12, 50]) for _ in range(n)) if rng.random() < 0.5 else (),
                    note=rng.choice(["", "注：合计不含重复"]))
        for encoding in ("utf-8", "gbk"):
            if not render._wraps(grid):
                assert render.plain_text(grid, encoding=encoding) == render.to_text([grid], encoding=encoding)
    big = Grid("尚未办结的申请", ("编号", "剩余工作日"), tuple((f"YSQ-{i:05d}", i - 300) for i in range(render.PLAIN_ROWS + 1)))
    text = render.to_text([big])
    assert text.splitlines()[4] == "│ YSQ-00000 │       -300 │" and len(text.splitlines()) == render.PLAIN_ROWS + 6
