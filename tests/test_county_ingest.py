"""Filing the registers of units without disclo into the county's ledger: by their unit column, or
with --unit KEY; two units' rows with the same 申请编号 are two requests."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_csv
from workspaces import new_ledger

COUNTY = '''[office]
name = "示例县人民政府"

[[units]]
key = "fgj"
name = "发改局"
type = "部门"
column = ["县发改局", "发改局"]

[[units]]
key = "sfj"
name = "司法局"
type = "部门"
column = "县司法局"
'''
HEADER = ["申请编号", "收到日期", "申请方式", "申请人类型", "申请内容", "办理结果", "具体情形", "答复日期"]


def county(tmp_path: Path) -> Path:
    (tmp_path / "disclo.toml").write_text(COUNTY, encoding="utf-8")
    new_ledger(tmp_path)  # as 'disclo init' makes it
    return tmp_path / "disclo.toml"


def requests_of(run, config: Path) -> dict[str, int]:
    result = run("--config", config, "table", "--year", 2023, "--table", "三", "--by", "unit", "--format", "json")
    cell = next(c for c in json.loads(result.stdout)["tables"][0]["cells"] if c["cell"] == "三.一/总计")
    return {"total": cell["total"], **cell["units"]}


def test_two_units_files_with_the_same_numbers_filed_with_unit_are_two_units_requests(run, tmp_path: Path) -> None:
    config = county(tmp_path)
    rows = [["2023-001", "2023-03-01", "网上申请", "自然人", "x", "予以公开", "", "2023-03-10"],
            ["2023-002", "2023-03-02", "网上申请", "自然人", "y", "予以公开", "", "2023-03-10"]]
    write_csv(tmp_path / "发改局.csv", [HEADER, *rows])
    write_csv(tmp_path / "司法局.csv", [HEADER, rows[0]])
    assert run("--config", config, "ingest", "--unit", "fgj", tmp_path / "发改局.csv").exit_code == 0
    assert run("--config", config, "ingest", "--unit", "sfj", tmp_path / "司法局.csv").exit_code == 0
    assert requests_of(run, config) == {"total": 3, "fgj": 2, "sfj": 1}
    again = run("--config", config, "ingest", "--unit", "fgj", tmp_path / "发改局.csv")  # filed again: nothing twice
    assert "added 0" in again.stdout and requests_of(run, config)["total"] == 3


def test_a_county_register_with_a_unit_column_counts_each_units_rows(run, tmp_path: Path) -> None:
    config = county(tmp_path)
    write_csv(tmp_path / "县本级.csv", [[*HEADER, "承办单位"],
                                        ["2023-001", "2023-03-01", "网上申请", "自然人", "x", "予以公开", "", "2023-03-10", "县发改局"],
                                        ["2023-001", "2023-03-01", "网上申请", "自然人", "x", "予以公开", "", "2023-03-10", "县司法局"],
                                        ["2023-002", "2023-03-05", "当面申请", "自然人", "z", "予以公开", "", "2023-03-12", "发改局"],
                                        ["2023-003", "2023-03-05", "当面申请", "自然人", "z", "予以公开", "", "2023-03-12", "县档案局"]])
    assert run("--config", config, "ingest", tmp_path / "县本级.csv").exit_code == 0
    result = run("--config", config, "table", "--year", 2023, "--table", "三", "--format", "csv")
    assert result.exit_code == 1
    assert "1 依申请公开台账 row(s) of 2023 name the unit '县档案局', which is no unit of the year" in result.stderr
    assert requests_of(run, config) == {"total": 3, "fgj": 2, "sfj": 1}


def test_unit_names_a_unit_of_the_countys_registers(run, tmp_path: Path) -> None:
    config = county(tmp_path)
    write_csv(tmp_path / "x.csv", [HEADER])
    result = run("--config", config, "ingest", "--unit", "czj", tmp_path / "x.csv")
    assert result.exit_code == 1 and "no unit with the key 'czj' in [[units]]" in result.stderr and "Units: fgj, sfj." in result.stderr


def test_a_unit_row_its_tables_leave_unplaced_is_named_by_file_sheet_and_row(run, tmp_path: Path) -> None:
    """A column unit's rows come from the county ledger grouped, without row numbers; a row that
    lands in no cell (here one without an applicant type, filed by an older disclo or another tool)
    is counted again row by row, so that the roll-up names it as check does."""
    import datetime as dt

    from disclo_cli.config import load
    from disclo_cli.ledger import Batch, Ledger
    from disclo_cli.model import Place
    from disclo_cli.schema import spec

    config = county(tmp_path)
    reg = spec("requests")
    rows = [reg.make(Place("县本级.csv", "县本级", n), id=f"2023-00{n}", received=dt.date(2023, 3, n), channel="网上", applicant=applicant,
                     outcome="予以公开", answered=dt.date(2023, 3, 10 + n), unit="县发改局")
            for n, applicant in ((2, "自然人"), (3, ""))]
    with Ledger.open(load(config), write=True) as ledger:
        ledger.ingest([Batch(tmp_path / "县本级.csv", "requests", rows, sha256="0" * 64)])
    result = run("--config", config, "table", "--year", 2023, "--table", "三")
    unplaced = [line for line in result.stderr.splitlines() if "counted in no cell" in line]
    assert unplaced, result.stderr
    assert all("县本级.csv, sheet '县本级', row 3" in line for line in unplaced), unplaced
    assert not any("disclo.sqlite" in line for line in unplaced)
