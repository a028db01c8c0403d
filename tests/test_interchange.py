"""The interchange file (disclo export): what a unit sends its county, read back exactly, and refused
with a reason naming the file when it is not JSON, cut short, of another schema version, edited
after it was written, of another year, or holding values the register schema does not take."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from disclo_cli import config as cfg
from disclo_cli.errors import InputError
from disclo_cli.rollup.interchange import VERSION, checksum, export_text, read_export
from workspaces import EX23, FILES23, copy_workspace, ingest


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Path:
    ws = copy_workspace(EX23, tmp_path_factory.mktemp("unit"))
    ingest(ws, *FILES23)
    return ws


@pytest.fixture(scope="module")
def exported(office, tmp_path_factory) -> Path:
    from click.testing import CliRunner

    from disclo_cli.cli import main

    out = tmp_path_factory.mktemp("sent") / "zrzyj-2023.json"
    result = CliRunner().invoke(main, ["--config", str(office / "disclo.toml"), "export", "--year", "2023", "--unit", "zrzyj", "-o", str(out)],
                                env={"DISCLO_LANG": "en"})
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.stderr
    return out


def test_an_export_read_back_gives_the_units_rows_figures_and_tables(office, exported) -> None:
    from disclo_cli.formats.engine import fill_all, load_definition
    from disclo_cli.ledger import Ledger
    from disclo_cli.schema import KINDS

    unit = cfg.load(office / "disclo.toml")
    sent = read_export(exported, 2023)
    with Ledger.open(unit) as ledger:
        grouped = ledger.grouped(through=2023)
    for kind in KINDS:
        assert [r.values() for r in getattr(sent.registers, kind)] == [r.values() for r in getattr(grouped, kind)]
        assert list(sent.registers.counts[kind]) == list(grouped.counts[kind])
    assert (sent.unit, sent.standard, sent.office.name, dict(sent.opening), sent.opening_through) == (
        "zrzyj", "2021", "示例县自然资源局", dict(unit.opening), 2022)
    assert dict(sent.yearly[2023]) == dict(unit.yearly[2023])
    county_view = sent.config(cfg.from_dict({}))
    again = [t.as_json() for t in fill_all(load_definition("2021"), sent.registers, county_view, 2023)]
    assert again == list(sent.tables) == [t.as_json() for t in fill_all(load_definition("2021"), grouped, unit, 2023)]
    answered = [(r, d, n) for r, d, n in zip(sent.registers.requests, sent.days, sent.registers.counts["requests"], strict=True) if r.answered]
    assert sum(n for r, _d, n in answered if r.answered.year == 2023) == 54
    assert all(d is not None for _r, d, _n in answered)  # the processing days of each answered request
    assert {s["name"] for s in sent.sources} == set(FILES23)


def put(folder: Path, data: str | bytes) -> Path:
    path = folder / "x.json"
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def edited(exported: Path, tmp_path: Path, change, *, keep_checksum: bool = False) -> Path:
    payload = json.loads(exported.read_text(encoding="utf-8"))
    change(payload)
    if not keep_checksum:
        payload["checksum"] = checksum(payload)
    out = tmp_path / "edited.json"
    out.write_text(export_text(payload), encoding="utf-8")
    return out


@pytest.mark.parametrize(("make", "code", "words"), [
    (lambda e, t: put(t, "台账"), "export-not-json", "is not an export of disclo: line 1, column 1"),
    *[(lambda e, t, k=k: put(t, e.read_bytes()[: len(e.read_bytes()) * k // 10 + 1]), "export-truncated", "it was cut short") for k in range(10)],
    (lambda e, t: put(t, '{"a": 1}'), "export-not-export", "is not a disclo export file"),
    (lambda e, t: edited(e, t, lambda p: p.update(version=VERSION + 1)), "export-version", f"schema version {VERSION + 1}; this disclo reads version {VERSION}"),
    (lambda e, t: edited(e, t, lambda p: p["registers"]["requests"]["rows"][0].__setitem__(-1, 99), keep_checksum=True), "export-checksum",
     "was changed after it was exported"),
    (lambda e, t: edited(e, t, lambda p: p.update(year=2022)), "export-year", "is the export of 2022, not of 2023"),
    (lambda e, t: edited(e, t, lambda p: p["registers"]["requests"]["rows"][0].__setitem__(0, "去年")), "export-bad-content",
     "registers.requests.rows[0].received: '去年' is not a date"),
    (lambda e, t: edited(e, t, lambda p: p["registers"]["cases"]["fields"].__setitem__(0, "kind")), "export-bad-content",
     "are not the fields of the cases register"),
    (lambda e, t: edited(e, t, lambda p: p["figures"]["opening"].update(reqests=3)), "export-bad-content", "reqests"),
    (lambda e, t: t / "absent.json", "export-missing", "does not exist"),
])
def test_a_bad_file_is_refused_with_its_reason_naming_the_file(exported, tmp_path: Path, make, code: str, words: str) -> None:
    path = make(exported, tmp_path)
    with pytest.raises(InputError) as err:
        read_export(path, 2023)
    assert err.value.code == code
    assert str(path) in err.value.message and words in err.value.message, err.value.message
    assert err.value.hint


def test_the_county_refuses_a_tampered_file_and_counts_the_others(run, exported, tmp_path: Path) -> None:
    county = tmp_path / "县"
    (county / "exports").mkdir(parents=True)
    shutil.copy(exported, county / "exports" / "zrzyj-2023.json")
    tampered = json.loads(exported.read_text(encoding="utf-8"))
    tampered["figures"]["yearly"]["2023"]["licence_decisions"] = 1000
    (county / "exports" / "other-2023.json").write_text(export_text(tampered), encoding="utf-8")
    (county / "disclo.toml").write_text('[office]\nname = "县"\n'
                                        '[[units]]\nkey = "zrzyj"\nname = "自然资源局"\ntype = "部门"\nexport = "exports/zrzyj-{year}.json"\n'
                                        '[[units]]\nkey = "other"\nname = "另一局"\ntype = "部门"\nexport = "exports/other-{year}.json"\n', encoding="utf-8")
    result = run("--config", county / "disclo.toml", "table", "--year", 2023, "--table", "二", "--format", "json")
    assert result.exit_code == 1
    assert "error: 另一局（other）: its data for 2023 was refused:" in result.stderr
    assert "other-2023.json was changed after it was exported" in result.stderr
    licences = next(r for r in json.loads(result.stdout)["rows"] if r["id"] == "行政许可")
    assert licences["values"] == [326]  # zrzyj's alone: nothing of the refused file
