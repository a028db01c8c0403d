"""disclo_cli.frames for analysts (pandas, an optional extra), and a command line that never imports it."""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from disclo_cli import config as cfg

MAKE = runpy.run_path(str(ROOT / "examples" / "make_county.py"))


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("frames") / "县"
    MAKE["make_county"](dest, 4, ledgers=True)
    return dest


def test_the_cells_of_a_county_long_with_its_units(county: Path) -> None:
    pd = pytest.importorskip("pandas")
    from disclo_cli import frames
    from disclo_cli.rollup.core import roll_up

    df = frames.cells(cfg.load(county / "disclo.toml"), 2023)
    assert list(df.columns) == ["unit", "year", "table", "row", "column", "value"]
    assert sorted(df.unit.unique()) == ["", "u000", "u001", "u002", "u003"]
    r = roll_up(cfg.load(county / "disclo.toml"), 2023)
    total = df[(df.unit == "") & (df.table == "三") & (df.row == "一") & (df.column == "总计")].value.item()
    assert total == r.combined[1].row("一").values[-1]
    by_unit = df[(df.unit != "") & (df.table == "三") & (df.row == "一") & (df.column == "总计")].value.sum()
    assert by_unit == total
    blank = df[(df.unit == "") & (df.table == "二") & (df.row == "行政事业性收费")].value
    assert blank.notna().all()  # figures given: a number (a blank would be NaN, never 0)
    assert df.value.dtype == "float64" and isinstance(df, pd.DataFrame)
    # what the filling found comes with the cells, as disclo check would list it
    assert df.attrs["findings"] == [f.as_dict() for f in sorted(r.all_findings, key=lambda f: ("error", "warning", "info").index(f.severity))]


def test_the_cells_of_an_office_carry_what_was_found(tmp_path) -> None:
    pytest.importorskip("pandas")
    from disclo_cli import frames
    from workspaces import EX23, copy_workspace

    ws = copy_workspace(EX23, tmp_path / "ws", edit=lambda t: t.replace("licence_decisions = 326", "# licence_decisions = 326"))
    df = frames.cells(cfg.load(ws / "disclo.toml"), 2023)
    missing = [f for f in df.attrs["findings"] if f["code"] == "missing-figure"]
    assert [f["message"] for f in missing] == ["no yearly figure 'licence_decisions' for 2023; the cell is left blank"]
    assert df[(df.table == "二") & (df.row == "行政许可")].value.isna().any()


def test_the_ledger_rows_of_an_office(county: Path) -> None:
    pytest.importorskip("pandas")
    from disclo_cli import frames

    df = frames.ledger_rows(cfg.load(county / "units" / "u000" / "disclo.toml"), "requests")
    assert {"received", "answered", "applicant", "outcome", "file", "sheet", "row"} <= set(df.columns)
    assert str(df.received.dtype).startswith("datetime64")
    assert set(df.file) <= {"依申请公开台账2022.csv", "依申请公开台账2023.csv"} and len(df) > 0


def test_the_command_line_never_imports_pandas(county: Path, tmp_path: Path) -> None:
    """Every command of a county's routine, in a fresh interpreter: pandas is not in sys.modules."""
    script = f"""
import sys
from click.testing import CliRunner
from disclo_cli.cli import main
config = {str(county / "disclo.toml")!r}
for args in (["table", "--year", "2023"], ["table", "--year", "2023", "--by", "unit", "--format", "xlsx", "-o", {str(tmp_path / "x.xlsx")!r}],
             ["check", "--year", "2023"], ["report", "--year", "2023", "--each-unit", "-o", {str(tmp_path / "r")!r}],
             ["--config", {str(county / "units" / "u000" / "disclo.toml")!r}, "export", "--year", "2023", "-o", {str(tmp_path / "e.json")!r}],
             ["--help"]):
    full = args if args[0] == "--config" else ["--config", config, *args]
    result = CliRunner().invoke(main, full)
    assert result.exit_code in (0, 1), (args, result.output)
print("pandas" in sys.modules, any(m.startswith("pandas") for m in sys.modules))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert out.stdout.split() == ["False", "False"]
