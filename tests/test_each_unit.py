"""Every unit's report in one go (disclo report --each-unit), the county's own report from the
combined tables, and the volume: DOCX read back; one unit's failure listed, the others written."""

from __future__ import annotations

import io
import runpy
from pathlib import Path

import docx
import pytest

from conftest import ROOT
from disclo_cli import config as cfg

MAKE = runpy.run_path(str(ROOT / "examples" / "make_county.py"))


@pytest.fixture
def county(tmp_path: Path) -> Path:
    """Four units, one of each kind: a workspace (u000), an export (u001), a unit filed with --unit
    (u002), a unit of the county's register's unit column (u003)."""
    dest = tmp_path / "县"
    MAKE["make_county"](dest, 4, ledgers=True)
    return dest


def titles(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs if p.text.endswith("政府信息公开工作年度报告")]


def test_each_unit_writes_a_draft_per_unit(run, county: Path) -> None:
    result = run("--config", county / "disclo.toml", "report", "--year", 2023, "--each-unit", "--date", "2024-01-10")
    assert result.exit_code == 0, result.stderr
    folder = county / "2023年各单位年度报告"
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["u000-示例单位000-2023.docx", "u001-示例单位001-2023.docx", "u002-示例单位002-2023.docx", "u003-示例单位003-2023.docx"]
    for i, name in enumerate(names):
        assert titles(folder / name) == [f"示例单位{i:03d}\n2023年政府信息公开工作年度报告"]
    assert f"wrote 4 report(s) into {folder}" in result.stderr
    assert "\r" not in result.stderr and "━" not in result.stderr  # no progress bar when stderr is not a terminal


def test_a_units_table_in_its_report_is_its_own(run, county: Path) -> None:
    from disclo_cli.rollup.core import roll_up

    run("--config", county / "disclo.toml", "report", "--year", 2023, "--each-unit", "-o", county / "out")
    r = roll_up(cfg.load(county / "disclo.toml"), 2023, tables=["三"])
    for u in r.units:
        document = docx.Document(str(county / "out" / f"{u.data.unit.key}-{u.data.unit.name}-2023.docx"))
        table = next(t for t in document.tables if t.rows[0].cells[0].text.startswith("（本列数据"))
        first = next(row for row in table.rows if row.cells[0].text.startswith("一、"))
        assert first.cells[-1].text == str(u.tables[0].row("一").values[-1])


def test_one_failure_does_not_stop_the_others_and_is_listed_with_its_reason(run, county: Path) -> None:
    (county / "exports" / "u001-2023.json").unlink()
    result = run("--config", county / "disclo.toml", "report", "--year", 2023, "--each-unit")
    assert result.exit_code == 1
    assert len(list((county / "2023年各单位年度报告").glob("*.docx"))) == 3
    lines = result.stderr.splitlines()
    assert "1 report(s) not written:" in lines
    assert any(line.startswith("  示例单位001（u001）: no data for 2023:") and "u001-2023.json does not exist" in line for line in lines)
    assert not [p for p in (county / "2023年各单位年度报告").iterdir() if p.name.startswith(".")]  # no temp file left


def test_the_volume_binds_the_county_and_every_unit(run, county: Path) -> None:
    result = run("--config", county / "disclo.toml", "report", "--year", 2023, "--each-unit", "--volume", "--date", "2024-01-10")
    assert result.exit_code == 0, result.stderr
    volume = county / "2023年各单位年度报告" / "2023年政府信息公开工作年度报告汇编.docx"
    assert f"wrote {volume}" in result.stderr
    assert titles(volume) == ["示例县人民政府\n2023年政府信息公开工作年度报告"] + [f"示例单位{i:03d}\n2023年政府信息公开工作年度报告" for i in range(4)]
    parts = [county / "2023年各单位年度报告" / "2023年政府信息公开工作年度报告（汇总）.docx", *sorted((county / "2023年各单位年度报告").glob("u*.docx"))]
    assert len(docx.Document(str(volume)).tables) == sum(len(docx.Document(str(p)).tables) for p in parts) == 5 * 3  # 二, 三, 四 of each


def test_the_countys_report_is_made_of_the_combined_tables(run, county: Path) -> None:
    from disclo_cli.rollup.core import roll_up

    result = run("--config", county / "disclo.toml", "report", "--year", 2023, "-o", county / "县.docx")
    assert result.exit_code == 0, result.stderr
    (three,) = roll_up(cfg.load(county / "disclo.toml"), 2023, tables=["三"]).combined
    document = docx.Document(str(county / "县.docx"))
    assert titles(county / "县.docx") == ["示例县人民政府\n2023年政府信息公开工作年度报告"]
    table = next(t for t in document.tables if t.rows[0].cells[0].text.startswith("（本列数据"))
    first = next(row for row in table.rows if row.cells[0].text.startswith("一、"))
    assert [c.text for c in first.cells[3:]] == [str(v) for v in three.row("一").values]


def test_the_reports_in_two_processes_are_the_same(county: Path, tmp_path: Path) -> None:
    import datetime as dt

    from disclo_cli.rollup.reports import each_unit_reports

    config = cfg.load(county / "disclo.toml")
    one = each_unit_reports(config, 2023, folder=tmp_path / "one", jobs=1, date=dt.date(2024, 1, 10))
    two = each_unit_reports(config, 2023, folder=tmp_path / "two", jobs=2, date=dt.date(2024, 1, 10))
    assert [r.key for r in one.written] == [r.key for r in two.written] == ["u000", "u001", "u002", "u003"]
    for a, b in zip(one.written, two.written, strict=True):
        assert [p.text for p in docx.Document(str(a.path)).paragraphs] == [p.text for p in docx.Document(str(b.path)).paragraphs]


def test_a_terminal_gets_a_progress_bar(monkeypatch) -> None:
    import sys

    from disclo_cli.cli import report

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with report._progress("Writing") as update:
        assert update is not None
        update(1, 2, "示例单位000")
        update(2, 2, "示例单位001")
    assert "Writing" in screen.getvalue()
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with report._progress("Writing") as update:
        assert update is None
