"""`disclo init`, workspace discovery, --config/--db and their variables, `disclo ledger …`, the routine."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import tomllib

import pytest

from disclo_cli.config import OPENING_KEYS
from disclo_cli.ledger import Ledger, file_sha256
from workspaces import EX18, EX23, FILES23, MAIN18, SUPP18, copy_workspace, dump, set_key

SEED = {"items": [250, 1362], "items_website": [250, 1362], "items_gazette": [0, 0]}


# --- init -------------------------------------------------------------------------------------------------

def test_init_writes_a_commented_config_and_creates_the_ledger(tmp_path, run) -> None:
    result = run("init", "柳城", "--name", "南安市柳城街道办事处")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr.splitlines() == [
        "wrote 柳城/disclo.toml",
        f"ledger {tmp_path / '柳城' / 'disclo.sqlite'}",
        "Next: fill in [office] and [opening] in disclo.toml, then 'disclo ingest FILE…'.",
    ]
    text = (tmp_path / "柳城" / "disclo.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["office"]["name"] == "南安市柳城街道办事处"
    assert data["opening"] == {k: 0 for k in OPENING_KEYS}  # every key written, all 0, no `through` yet
    opening = text[text.index("[opening]"):]
    for key in OPENING_KEYS:
        (line,) = re.findall(rf"^{key} = 0 +# (.+)$", opening, re.M)
        assert re.search(r"[\u4e00-\u9fff]", line), key  # each key is explained
    assert "# through = 2017" in opening
    meta = dict(sqlite3.connect(tmp_path / "柳城" / "disclo.sqlite").execute("SELECT key, value FROM meta"))
    assert meta["schema_version"] == "5"
    assert {k: v for k, v in dump(tmp_path / "柳城" / "disclo.sqlite").items() if k not in ("meta", "migrations")} == {
        "cases": [], "findings": [], "items": [], "requests": [], "row_sources": [], "sources": [], "versions": []}


def test_init_here_and_a_name_that_needs_escaping(tmp_path, run) -> None:
    result = run("init", "--name", 'X"局\\Y')
    assert result.exit_code == 0, result.stderr
    assert tomllib.loads((tmp_path / "disclo.toml").read_text(encoding="utf-8"))["office"]["name"] == 'X"局\\Y'
    assert (tmp_path / "disclo.sqlite").is_file()


def test_init_does_not_overwrite_unless_forced(tmp_path, run) -> None:
    assert run("init", "--name", "甲").exit_code == 0
    assert run("ingest", EX18 / MAIN18).exit_code == 0
    again = run("init", "--name", "乙")
    assert again.exit_code == 1
    assert "disclo: error: disclo.toml: already exists; nothing was changed" in again.stderr
    assert "--force" in again.stderr
    assert 'name = "甲"' in (tmp_path / "disclo.toml").read_text(encoding="utf-8")
    forced = run("init", "--name", "乙", "--force")
    assert forced.exit_code == 0
    assert 'name = "乙"' in (tmp_path / "disclo.toml").read_text(encoding="utf-8")
    with Ledger.open_path(tmp_path / "disclo.sqlite", create=False) as lg:
        assert len(lg.items()) == 250  # the ledger is kept


# --- finding the workspace --------------------------------------------------------------------------------

def test_commands_need_a_workspace(run) -> None:
    result = run("ingest", EX18 / MAIN18)
    assert result.exit_code == 1
    assert "disclo: error: no disclo.toml here or in any parent folder" in result.stderr
    assert "disclo init" in result.stderr


def test_the_workspace_is_found_from_a_subfolder(tmp_path, run, monkeypatch) -> None:
    copy_workspace(EX18, tmp_path)
    (tmp_path / "2018" / "12月").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "2018" / "12月")
    assert run("ingest", tmp_path / MAIN18).exit_code == 0
    assert (tmp_path / "disclo.sqlite").is_file()
    assert not (tmp_path / "2018" / "12月" / "disclo.sqlite").exists()


def test_config_and_db_options_and_variables(tmp_path, run) -> None:
    ws = copy_workspace(EX18, tmp_path / "ws", ledger=False)
    other = tmp_path / "elsewhere.sqlite"
    assert run("--config", ws / "disclo.toml", "--db", other, "init", ws).exit_code == 0  # only init makes a ledger
    result = run("--config", ws / "disclo.toml", "--db", other, "ingest", ws / MAIN18)
    assert result.exit_code == 0, result.stderr
    assert other.is_file() and not (ws / "disclo.sqlite").exists()
    env = {"DISCLO_CONFIG": str(ws / "disclo.toml"), "DISCLO_DB": str(other)}
    table = run("table", "--year", "2018", "--format", "json", env=env)
    assert table.exit_code == 0, table.stderr
    got = {r["id"]: r["values"] for r in json.loads(table.stdout)["rows"]}
    assert {k: got[k] for k in SEED} == SEED  # the opening balance came from DISCLO_CONFIG
    # without the variable, the folder's own (empty) ledger is meant
    assert run("--config", ws / "disclo.toml", "table", "--year", "2018").exit_code == 1


# --- disclo ledger ----------------------------------------------------------------------------------------

@pytest.fixture
def office(tmp_path, run):
    ws = copy_workspace(EX23, tmp_path)
    assert run("ingest", *FILES23).exit_code == 0
    return ws


def test_ledger_summary(office, run) -> None:
    result = run("ledger", "summary", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"ledger": str(office / "disclo.sqlite"), "rows": [
        {"kind": "items", "year": 2019, "rows": 1}, {"kind": "items", "year": 2020, "rows": 1}, {"kind": "items", "year": 2023, "rows": 150},
        {"kind": "requests", "year": 2022, "rows": 5}, {"kind": "requests", "year": 2023, "rows": 55},
        {"kind": "cases", "year": 2022, "rows": 1}, {"kind": "cases", "year": 2023, "rows": 7},
    ]}
    as_csv = run("ledger", "summary", "--format", "csv").stdout
    assert list(csv.reader(io.StringIO(as_csv)))[:3] == [["kind", "year", "rows"], ["items", "2019", "1"], ["items", "2020", "1"]]
    shown = run("ledger", "summary")  # English, as the runner asks: no mixed title (issue "Chinese")
    assert "Ledger contents" in shown.stdout and "requests" in shown.stdout and "台账内容" not in shown.stdout
    chinese = run("ledger", "summary", env={"DISCLO_LANG": "zh_CN"})
    assert "台账内容" in chinese.stdout and "依申请公开" in chinese.stdout and "requests" not in chinese.stdout


def test_ledger_sources(office, run) -> None:
    result = run("ledger", "sources", "--format", "json")
    assert result.exit_code == 0
    sources = json.loads(result.stdout)["sources"]
    assert [(s["id"], s["name"], s["kind"], s["rows"]) for s in sources] == [(1, FILES23[0], "items", 152), (2, FILES23[1], "requests", 60), (3, FILES23[2], "cases", 8)]
    assert [s["sha256"] for s in sources] == [file_sha256(office / n) for n in FILES23]
    assert sources[0]["path"] == str((office / FILES23[0]).resolve())
    rows = list(csv.reader(io.StringIO(run("ledger", "sources", "--format", "csv").stdout)))
    assert rows[0] == ["id", "file", "kind", "ingested_at", "rows", "sha256"]
    assert rows[1][:3] == ["1", FILES23[0], "items"] and rows[1][5] == sources[0]["sha256"]  # whole in CSV (issue "Hardening")


def test_ledger_backup_is_a_ledger_with_the_same_rows(office, run) -> None:
    (office / "backup").mkdir()
    result = run("ledger", "backup", "backup/2024-01-05.sqlite")
    assert (result.exit_code, result.stderr) == (0, "wrote backup/2024-01-05.sqlite\n")
    copy = office / "backup" / "2024-01-05.sqlite"
    assert dump(copy) == dump(office / "disclo.sqlite")
    with Ledger.open_path(copy, create=False) as b, Ledger.open_path(office / "disclo.sqlite", create=False) as lg:
        assert (b.items(), b.requests(), b.cases(), b.sources()) == (lg.items(), lg.requests(), lg.cases(), lg.sources())
    # the copy serves as a ledger for the tables too
    original = run("table", "--year", "2023", "--format", "json").stdout
    assert run("--db", copy, "table", "--year", "2023", "--format", "json").stdout == original
    assert [p.name for p in (office / "backup").iterdir()] == ["2024-01-05.sqlite"]  # no temp file left


def test_ledger_backup_into_a_missing_folder(office, run) -> None:
    result = run("ledger", "backup", "nosuch/b.sqlite")
    assert result.exit_code == 1
    assert "nosuch/b.sqlite: the folder nosuch does not exist" in result.stderr


# --- the monthly routine ---------------------------------------------------------------------------------

def test_monthly_routine_from_init_to_the_annual_table(tmp_path, run) -> None:
    """init once with the opening balances; each month ingest and tally; at the year's end the table."""
    assert run("init", "--name", "南安市柳城街道办事处").exit_code == 0
    text = (tmp_path / "disclo.toml").read_text(encoding="utf-8").replace("# through = 2017", "through = 2017")
    text = set_key(set_key(text, "items", "1112"), "items_website", "1112")
    (tmp_path / "disclo.toml").write_text(text, encoding="utf-8")
    for f in (MAIN18, MAIN18, SUPP18):  # the main file filed twice by mistake, then December's supplement
        assert run("ingest", EX18 / f).exit_code == 0
    tally = json.loads(run("tally", "--year", "2018", "--format", "json").stdout)
    assert (tally["total"], tally["sources"]) == (250, [f"ledger {tmp_path / 'disclo.sqlite'}"])
    table = run("table", "--year", "2018", "--format", "json")
    # no request or case register was filed: their zeros are said to be only that, until the office says
    # in disclo.toml that 2018 truly had none
    assert (table.exit_code, table.stderr.splitlines()[:2]) == (0, [
        "warning: no 依申请公开台账 of 2018 is filed: the figures of 附表 that count it are 0 only because nothing was filed",
        "warning: no 行政复议诉讼台账 of 2018 is filed: the figures of 附表 that count it are 0 only because nothing was filed"])
    got = {r["id"]: r["values"] for r in json.loads(table.stdout)["rows"]}
    assert got == {k: SEED.get(k, [0, 0]) for k in got} and len(got) == 15
    (tmp_path / "disclo.toml").write_text(text + '\n[yearly.2018]\nnone = ["requests", "cases"]\n', encoding="utf-8")
    declared = run("table", "--year", "2018", "--format", "json")
    assert (declared.exit_code, declared.stderr, declared.stdout) == (0, "", table.stdout)


def test_tally_of_the_ledger_needs_a_year(tmp_path, run) -> None:
    copy_workspace(EX18, tmp_path, files=False)
    result = run("tally")
    assert result.exit_code == 2
    assert "give register files, or --year to tally the ledger" in result.stderr


def test_disclo_toml_is_read_once_a_command(tmp_path, run, monkeypatch) -> None:
    """The calendar's path asks for the workspace too: the file is read (and the prose folder
    looked at) once, not once per asker."""
    from disclo_cli import config as cfg
    from workspaces import EX23, copy_workspace

    ws = copy_workspace(EX23, tmp_path / "ws")
    real, calls = cfg.load, []
    monkeypatch.setattr(cfg, "load", lambda *a, **k: calls.append(a) or real(*a, **k))
    assert run("--config", ws / "disclo.toml", "requests", "--as-of", "2023-12-31").exit_code in (0, 1)
    assert len(calls) == 1
