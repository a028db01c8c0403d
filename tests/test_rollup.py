"""The example county (examples/county/, made by examples/make_county.py): 30 units of 2023 in the
three kinds of place, one unit's register broken, one unit missing. Its combined tables equal the
sum of the units' own tables, cell by cell; the roll-up checks find what is wrong and only that."""

from __future__ import annotations

import csv
import json
import runpy
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT
from disclo_cli import config as cfg
from disclo_cli.service import build_tables
from workspaces import new_ledger

COUNTY = ROOT / "examples" / "county"
MAKE = runpy.run_path(str(ROOT / "examples" / "make_county.py"))


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    """The example county copied, every register filed as its routine says (read-only for the tests)."""
    dest = tmp_path_factory.mktemp("county") / "示例县"
    shutil.copytree(COUNTY, dest)
    MAKE["file_ledgers"](dest)
    return dest


@pytest.fixture(scope="module")
def rollup(county):
    from disclo_cli.rollup.core import roll_up

    return roll_up(cfg.load(county / "disclo.toml"), 2023)


def test_the_example_is_what_its_generator_makes(tmp_path: Path) -> None:
    MAKE["make_county"](tmp_path / "c")
    made = sorted(p.relative_to(tmp_path / "c").as_posix() for p in (tmp_path / "c").rglob("*") if p.is_file())
    kept = sorted(p.relative_to(COUNTY).as_posix() for p in COUNTY.rglob("*") if p.is_file() and p.suffix != ".sqlite")
    assert made == kept
    assert all((tmp_path / "c" / name).read_bytes() == (COUNTY / name).read_bytes() for name in made if not name.startswith("exports/"))


# --- the sum of the units' own tables ---------------------------------------------------------------

def _own_tables(county: Path, unit, tmp: Path) -> list[dict]:
    """A unit's tables as the unit itself would fill them: its workspace's, the tables of its
    export, or (a unit of the county's registers) a workspace of its own rows alone."""
    if unit.source == "workspace":
        return [t.as_json() for t in build_tables(cfg.load(unit.path(county, 2023) / "disclo.toml"), 2023)]
    if unit.source == "export":
        return json.loads(unit.path(county, 2023).read_text(encoding="utf-8"))["tables"]
    ws = tmp / unit.key
    ws.mkdir()
    county_config = cfg.load(county / "disclo.toml")
    labels = ", ".join(f'"{c}"' for c in county_config.vocab["categories"].labels)
    yearly = "".join(f"[yearly.{y}]\n" + "".join(f"{k} = {v}\n" for k, v in f.items()) for y, f in unit.yearly.items())
    opening = "".join(f"{k} = {v}\n" for k, v in unit.opening.items())
    (ws / "disclo.toml").write_text(f'[office]\nname = "{unit.name}"\n[categories]\nlabels = [{labels}]\n[opening]\nthrough = {unit.opening_through}\n'
                                    f"{opening}{yearly}", encoding="utf-8")
    files = sorted((county / "台账" / unit.key).glob("*.csv")) if (county / "台账" / unit.key).is_dir() else []
    for source in sorted((county / "台账").glob("县本级*.csv")):
        rows = list(csv.reader(source.read_text(encoding="utf-8-sig").splitlines()))
        mine = [r for r in rows[1:] if r[-1] == unit.name]
        if mine:
            (ws / source.name).write_text("\n".join(",".join(r) for r in [rows[0], *mine]) + "\n", encoding="utf-8")
            files.append(ws / source.name)
    from disclo_cli.service import ingest_files

    own = cfg.load(ws / "disclo.toml")
    new_ledger(ws)  # as 'disclo init' makes it
    ingest_files([str(f) for f in files], own)
    return [t.as_json() for t in build_tables(own, 2023)]


def test_the_combined_tables_are_the_sum_of_the_units_own_every_cell(county, rollup, tmp_path: Path) -> None:
    config = cfg.load(county / "disclo.toml")
    present = [u for u in config.units if u.exists_in(2023) and u.key != MAKE["MISSING"]]
    assert len([u for u in config.units if u.exists_in(2023)]) == 30 and len(present) == 29
    assert {u.source for u in present} == {"workspace", "export", "column"}
    own = {u.key: {t["table"]: t for t in _own_tables(county, u, tmp_path)} for u in present}
    checked = 0
    for table in rollup.combined:
        assert table.table in ("二", "三", "四")
        for row in table.rows:
            if row.kind != "data":
                continue
            stock = [c.stock for c in table.definition.row(row.id).cells] or [False] * len(row.values)
            for i, value in enumerate(row.values):
                units = [u for u in present if not (stock[i] and u.stock_in)]
                parts = [next(r for r in own[u.key][table.table]["rows"] if r["id"] == row.id)["values"][i] for u in units]
                assert value == sum(Decimal(str(p)) for p in parts), (table.table, row.id, i)
                checked += 1
    assert checked == 10 + 25 * 7 + 15  # Table 二 (its ten value cells), 三, 四


def test_a_stock_leaves_out_the_unit_counted_by_another(rollup) -> None:
    (two,) = [t for t in rollup.combined if t.table == "二"]
    kfq = next(u for u in rollup.units if u.data.unit.key == "kfq")
    in_force = two.row("行政规范性文件").values[2]
    others = sum(u.tables[0].row("行政规范性文件").values[2] for u in rollup.units if u.data.unit.key != "kfq")
    assert kfq.tables[0].row("行政规范性文件").values[2] > 0 and in_force == others


# --- what is wrong, named ------------------------------------------------------------------------------

def test_the_broken_register_and_the_missing_unit_are_named_and_the_others_computed(run, county) -> None:
    result = run("--config", county / "disclo.toml", "table", "--year", 2023, "--table", "三", "--format", "csv")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any(line.startswith("error: 示例县统计局（tjj）: no data for 2023:") and "tjj-2023.json does not exist" in line for line in lines)
    assert any(line.startswith("error: 示例县西河乡人民政府（xhx）, 依申请公开台账2023.csv") and "unknown outcome '转办他处'" in line for line in lines)
    assert "problems: 2 error(s), 0 warning(s) — unit-missing 1, unknown-outcome 1" in lines
    total = next(r for r in csv.reader(result.stdout.splitlines()) if r[0].startswith("一、"))
    assert int(total[-1]) > 0  # computed from the 29 units that are there


def test_check_finds_the_missing_unit_the_broken_row_and_the_jump_and_no_more(run, county) -> None:
    result = run("--config", county / "disclo.toml", "check", "--year", 2023, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    found = sorted((f["severity"], f["code"], f.get("unit", "")) for f in data["findings"] if f["severity"] != "info")
    assert ("error", "unit-missing", "示例县统计局（tjj）") in found
    assert ("error", "unknown-outcome", "示例县西河乡人民政府（xhx）") in found
    assert ("warning", "unit-jump", "示例县公安局（gaj）") in found
    assert not [f for f in found if f[1] in ("rollup-sum", "rollup-statistic", "carry-over", "unit-duplicate", "unit-file-twice", "statistic-order")]
    assert data["errors"] == 2


def test_the_unit_that_took_over_another_carries_its_open_requests_and_a_break_is_found(county, tmp_path: Path) -> None:
    from disclo_cli.rollup.checks import check_rollup

    ws = tmp_path / "c"
    shutil.copytree(county, ws)
    wlj = ws / "units" / "wlj" / "依申请公开台账2023.csv"
    wlj.write_text("".join(line for line in wlj.read_text(encoding="utf-8-sig").splitlines(keepends=True) if "WHJ-2022-099" not in line), encoding="utf-8")
    before = [f for f in check_rollup(cfg.load(county / "disclo.toml"), 2023).findings if f.code == "carry-over"]
    MAKE["_ingest"](ws / "units" / "wlj", [wlj])
    after = [f for f in check_rollup(cfg.load(ws / "disclo.toml"), 2023).findings if f.code == "carry-over"]
    assert before == []
    assert [(f.place.unit, f.place.cell, f.args["now"], f.args["previous"]) for f in after] == [
        ("示例县文化和旅游局（wlj）", "三.二/自然人", 0, 1), ("示例县文化和旅游局（wlj）", "三.二/总计", 0, 1)]


def test_an_export_filed_for_two_units_and_rows_of_no_unit_are_errors(county, tmp_path: Path) -> None:
    from disclo_cli.rollup.checks import check_rollup

    ws = tmp_path / "c"
    shutil.copytree(county, ws)
    shutil.copy(ws / "exports" / "czj-2023.json", ws / "exports" / "tjj-2023.json")  # 统计局's file is 财政局's
    rows = ws / "台账" / "县本级依申请公开台账2023.csv"
    rows.write_text(rows.read_text(encoding="utf-8-sig") + "X-1,2023-05-06,网上申请,自然人,x,予以公开,,2023-05-10,,县档案局\r\n", encoding="utf-8")
    MAKE["_ingest"](ws, [rows])
    codes = {(f.code, f.variant, f.place.unit): f for f in check_rollup(cfg.load(ws / "disclo.toml"), 2023).findings if f.severity == "error"}
    assert codes[("unit-duplicate", "", "示例县财政局（czj）")].args["other"] == "示例县统计局（tjj）"
    assert codes[("export-other-unit", "known", "示例县统计局（tjj）")].args["named"] == "czj"
    stray = codes[("unit-rows-unassigned", "", "")]
    assert (stray.args["rows"], stray.args["value"]) == (1, "县档案局") and "in no table" in stray.hint


def test_a_register_filed_in_two_units_ledgers_is_an_error(county, tmp_path: Path) -> None:
    from disclo_cli.rollup.checks import check_rollup

    ws = tmp_path / "c"
    shutil.copytree(county, ws)
    shutil.copy(ws / "units" / "cgz" / "主动公开台账2023.csv", ws / "units" / "dlz" / "城关镇的台账.csv")
    MAKE["_ingest"](ws / "units" / "dlz", [ws / "units" / "dlz" / "城关镇的台账.csv"])
    (twice,) = [f for f in check_rollup(cfg.load(ws / "disclo.toml"), 2023).findings if f.code == "unit-file-twice"]
    assert (twice.place.unit, twice.place.file, twice.args["other"], twice.args["first"]) == (
        "示例县东岭镇人民政府（dlz）", "城关镇的台账.csv", "示例县城关镇人民政府（cgz）", "主动公开台账2023.csv")


# --- the invariant and FOIA.gov's rules can fail -----------------------------------------------------

def test_a_combined_cell_that_is_not_the_sum_is_an_error(rollup) -> None:
    import dataclasses

    from disclo_cli.rollup.checks import statistics_rules, sums

    assert sums(rollup) == [] and statistics_rules(rollup) == []
    three = next(t for t in rollup.combined if t.table == "三")
    rows = list(three.rows)
    i = next(k for k, r in enumerate(rows) if r.id == "一")
    rows[i] = dataclasses.replace(rows[i], values=(rows[i].values[0] + 1, *rows[i].values[1:]))
    broken = dataclasses.replace(rollup, combined=tuple(dataclasses.replace(t, rows=tuple(rows)) if t is three else t for t in rollup.combined))
    (f,) = sums(broken)
    assert (f.code, f.place.cell, f.args["combined"] - f.args["expected"]) == ("rollup-sum", "三.一/自然人", 1)


def test_the_timeliness_of_the_county_is_recomputed_and_lies_between_its_units(county) -> None:
    import dataclasses
    import statistics

    from disclo_cli.deadlines import clock_of, deadline
    from disclo_cli.rollup.checks import statistics_rules
    from disclo_cli.rollup.core import roll_up
    from disclo_cli.workdays import Calendar

    r = roll_up(cfg.load(county / "disclo.toml"), 2023, tables=["办理时效"])
    (t,) = r.combined
    cal = Calendar.of()
    days = [deadline(clock_of(rec), cal).processing_days for u in r.units for rec, n in u.data.registers.weighted("requests")
            if rec.answered and rec.answered.year == 2023 for _ in range(n)]
    assert t.row("中位数").values[0] == Decimal(str(statistics.median(days)))
    assert t.row("答复").values[0] == len(days) == sum(u.tables[0].row("答复").values[0] for u in r.units)
    medians = [u.tables[0].row("中位数").values[0] for u in r.units if u.tables[0].row("中位数").values[0] is not None]
    assert min(medians) <= t.row("中位数").values[0] <= max(medians)
    assert t.row("中位数").values[0] != sum(medians)  # not added up
    assert statistics_rules(r) == []
    rows = tuple(dataclasses.replace(row, values=(max(medians) + 1,)) if row.id == "中位数" else row for row in t.rows)
    broken = dataclasses.replace(r, combined=(dataclasses.replace(t, rows=rows),))
    assert [(f.code, f.variant) for f in statistics_rules(broken)] == [("rollup-statistic", "between")]


# --- views ----------------------------------------------------------------------------------------------

def test_by_unit_a_column_per_unit_after_the_total(run, county, rollup) -> None:
    result = run("--config", county / "disclo.toml", "table", "--year", 2023, "--table", "四", "--by", "unit", "--format", "csv")
    rows = list(csv.reader(result.stdout.splitlines()))
    assert rows[0][:3] == ["item", "total", "示例县人民政府办公室"] and len(rows[0]) == 2 + 29
    for row in rows[1:]:
        assert int(row[1]) == sum(int(v) for v in row[2:])
    as_json = json.loads(run("--config", county / "disclo.toml", "table", "--year", 2023, "--table", "三", "--by", "unit", "--format", "json").stdout)
    cell = next(c for c in as_json["tables"][0]["cells"] if c["cell"] == "三.一/总计")
    assert cell["total"] == sum(cell["units"].values()) and len(cell["units"]) == 29
    assert as_json["missing"][0]["key"] == "tjj"


def test_one_unit_alone(run, county, rollup) -> None:
    result = run("--config", county / "disclo.toml", "table", "--year", 2023, "--unit", "czj", "--table", "三", "--format", "json")
    assert result.exit_code == 0, result.stderr
    czj = json.loads((county / "exports" / "czj-2023.json").read_text(encoding="utf-8"))
    assert json.loads(result.stdout)["rows"] == next(t for t in czj["tables"] if t["table"] == "三")["rows"]
    wrong = run("--config", county / "disclo.toml", "table", "--year", 2023, "--unit", "nope")
    assert wrong.exit_code == 2 and "no unit 'nope'" in wrong.stderr


def test_the_xlsx_has_a_reconciliation_sheet_naming_each_units_source(run, county, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "县.xlsx"
    run("--config", county / "disclo.toml", "table", "--year", 2023, "-o", out, "--format", "xlsx")
    wb = load_workbook(out)
    sheet = wb[wb.sheetnames[-1]]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    keys = {r[0] for r in rows}
    assert len(keys) == 30
    czj = next(r for r in rows if r[0] == "czj")
    assert czj[3:6] == ["export", str(county / "exports" / "czj-2023.json"), "czj-2023.json"] and czj[6].startswith("sha256:")
    cgz = [r for r in rows if r[0] == "cgz"]
    assert {r[5] for r in cgz} == {p.name for p in (county / "units" / "cgz").glob("*.csv")}  # a line per file filed
    assert all(len(r[6]) == 64 and r[7] == "2024-01-08T09:00:00" for r in cgz)
    assert [r[8] for r in cgz if r[8] not in ("", None)] == [sum(c for k in ("items", "requests", "cases") for c in rollup_rows(county, "cgz", k))]
    assert next(r for r in rows if r[0] == "tjj")[9].startswith("no data for 2023")


def rollup_rows(county: Path, key: str, kind: str) -> list[int]:
    from disclo_cli.ledger import Ledger

    with Ledger.open(cfg.load(county / "units" / key / "disclo.toml")) as ledger:
        return [n for _k, _y, n in ledger.summary() if _k == kind and _y <= 2023]


def test_a_table_of_an_office_refuses_the_county_options(run, tmp_path: Path) -> None:
    run("init", "ws")
    result = run("--config", "ws/disclo.toml", "table", "--year", 2023, "--by", "unit")
    assert result.exit_code == 2 and "lists no units" in result.stderr
