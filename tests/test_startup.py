"""Start-up stays small (issue 14): pyarrow and fastexcel are imported only by the commands that read
registers, and only for registers large enough to gain by the columnar read."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

HEAVY = ("pyarrow", "fastexcel", "polars", "numpy", "pandas")
PROBE = """
import atexit, sys
def _report():
    print("LOADED", sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
atexit.register(_report)
sys.argv = ["disclo", *{args!r}]
from disclo_cli.cli import run
run()
"""


def _loaded(*args: str, cwd=ROOT) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY, args=list(args))], cwd=cwd, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "DISCLO_LANG": "en"})
    line = next(x for x in done.stderr.splitlines() if x.startswith("LOADED"))
    return eval(line.split(" ", 1)[1])  # noqa: S307 - our own print of a list of names


def test_help_imports_no_arrow() -> None:
    assert _loaded("--help") == []
    assert _loaded("tally", "--help") == []


def test_a_small_register_is_read_without_arrow() -> None:
    assert _loaded("tally", "examples/2018-liucheng/主动公开台账2018.xlsx", "--format", "json") == []
    assert _loaded("tally", "examples/2018-liucheng/主动公开台账2018.csv", "--format", "json") == []


def test_a_small_register_is_filed_without_arrow(tmp_path) -> None:
    """Filing by columns needs pyarrow; a small register is filed as records (the same ledger:
    tests/test_ledger_rows.py), so ingest starts as quickly as tally."""
    assert _loaded("init", str(tmp_path), cwd=tmp_path) == []
    assert _loaded("ingest", str(ROOT / "examples" / "2018-liucheng" / "主动公开台账2018.xlsx"), cwd=tmp_path) == []


def test_a_large_register_is_read_by_arrow_without_pandas(tmp_path) -> None:
    """pyarrow would import pandas (installed here, with the test extra) the first time it is handed
    a Python list; the command line tells it there is none."""
    header, *rows = (ROOT / "examples" / "2018-liucheng" / "主动公开台账2018.csv").read_bytes().splitlines()
    copies = (3 << 20) // len(b"\n".join(rows)) + 1  # past the 2 MB from which the columnar reader serves
    big = tmp_path / "主动公开台账2018.csv"
    big.write_bytes(b"\n".join([header, *rows * copies]) + b"\n")
    assert _loaded("tally", str(big), "--format", "json", cwd=tmp_path) == ["pyarrow"]  # nor numpy, which pyarrow imports as it loads


def test_pyarrow_is_told_there_is_no_numpy_and_everything_else_may_import_it() -> None:
    """The command line's finder refuses numpy to pyarrow only: matplotlib (the report's charts)
    still gets it. (pyarrow then takes no numpy object: the command line hands it none.)"""
    probe = (
        "import sys\n"
        "from disclo_cli.cli import _NoPandas\n"
        "sys.meta_path.insert(0, _NoPandas())\n"
        "import pyarrow, pyarrow.compute as pc\n"
        "assert 'numpy' not in sys.modules and pc.sum(pyarrow.array([1, 2])).as_py() == 3\n"
        "import numpy\n"
        "print(numpy.__name__, int(numpy.arange(3).sum()))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["numpy", "3"]


BLOCKED = """
import sys
class _Gone:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("pyarrow", "fastexcel"):
            raise ModuleNotFoundError(name, name=name)
sys.meta_path.insert(0, _Gone())
sys.argv = ["disclo", *{args!r}]
from disclo_cli.cli import run
run()
"""


def test_without_pyarrow_a_large_register_is_read_by_rows_alike(tmp_path) -> None:
    """disclo installed where pyarrow and fastexcel have no wheel: the large register is read by rows,
    to the same tally."""
    header, *rows = (ROOT / "examples" / "2018-liucheng" / "主动公开台账2018.csv").read_bytes().splitlines()
    big = tmp_path / "主动公开台账2018.csv"
    big.write_bytes(b"\n".join([header, *rows * ((3 << 20) // len(b"\n".join(rows)) + 1)]) + b"\n")
    args = ["tally", str(big), "--format", "json"]
    env = {"PATH": "/usr/bin:/bin", "DISCLO_LANG": "en"}
    normal = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY, args=args)], cwd=tmp_path, capture_output=True, text=True, env=env)
    without = subprocess.run([sys.executable, "-c", BLOCKED.format(args=args)], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert without.returncode == normal.returncode == 0, without.stderr  # the copied rows repeat: counted once, a warning each
    assert without.stdout == normal.stdout and '"total"' in normal.stdout
    assert "Traceback" not in without.stderr
    assert "duplicate 35000" in without.stderr and "duplicate 35000" in normal.stderr


def test_without_pyarrow_a_large_register_is_filed_by_rows(tmp_path) -> None:
    """Found in review: filing by columns imported pyarrow where the read had fallen back to rows
    (no pyarrow, or one too old to load without numpy): exit 3. It is filed as records now."""
    header, *rows = (ROOT / "examples" / "2018-liucheng" / "主动公开台账2018.csv").read_bytes().splitlines()
    big = tmp_path / "主动公开台账2018.csv"
    big.write_bytes(b"\n".join([header, *rows * ((3 << 20) // len(b"\n".join(rows)) + 1)]) + b"\n")
    env = {"PATH": "/usr/bin:/bin", "DISCLO_LANG": "en"}
    assert subprocess.run([sys.executable, "-m", "disclo_cli", "init", str(tmp_path)], capture_output=True, env=env).returncode == 0
    done = subprocess.run([sys.executable, "-c", BLOCKED.format(args=["ingest", str(big)])], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "added 250" in done.stdout and "internal error" not in done.stderr
