"""The ledger: schema, idempotent keyed ingest, updates, forget, atomicity, concurrency, kinds."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from disclo_cli.ledger import SCHEMA_VERSION, Ledger, file_sha256
from workspaces import (
    CASES23,
    EX18,
    EX23,
    FILES23,
    ITEMS23,
    MAIN18,
    REQUESTS23,
    SUPP18,
    config_of,
    copy_workspace,
    dump,
    ingest,
    write_items,
)

ROW = "{name}\t{kind}\tadded {a}\tchanged {u}\twithdrawn {w}\tunchanged {n}\trejected {r}"


def line(name: str, kind: str = "items", a: int = 0, u: int = 0, n: int = 0, r: int = 0, w: int = 0) -> str:
    return ROW.format(name=name, kind=kind, a=a, u=u, n=n, r=r, w=w)


@pytest.fixture
def ws(tmp_path):
    """The seed office's workspace (opening 1112 through 2017) with its 2018 registers and an empty ledger (as init makes it)."""
    return copy_workspace(EX18, tmp_path)


def items_by_id(ws) -> dict:
    with Ledger.open(config_of(ws)) as lg:
        return {i.id: i for i in lg.items()}


# --- schema ---------------------------------------------------------------------------------------

def test_new_ledger_stores_its_schema_version(tmp_path) -> None:
    path = tmp_path / "l.sqlite"
    Ledger.open_path(path).close()
    meta = dict(sqlite3.connect(path).execute("SELECT key, value FROM meta"))
    assert meta["schema_version"] == str(SCHEMA_VERSION) == "5"
    assert meta["created_at"][:2] == "20"
    assert {"meta", "sources", "versions", "items", "requests", "cases", "row_sources", "findings", "migrations"} <= set(dump(path))


def test_reopening_keeps_the_rows(ws) -> None:
    ingest(ws, MAIN18)
    before = dump(ws / "disclo.sqlite")
    Ledger.open(config_of(ws)).close()
    assert dump(ws / "disclo.sqlite") == before


def test_newer_schema_is_refused(ws, run) -> None:
    ingest(ws, MAIN18)
    with sqlite3.connect(ws / "disclo.sqlite") as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    result = run("ledger", "summary")
    assert result.exit_code == 1
    assert "ledger schema version 99 is newer than this disclo understands (5)" in result.stderr
    assert "Upgrade disclo" in result.stderr


def test_foreign_sqlite_and_garbage_are_refused(ws, run) -> None:
    other = ws / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    result = run("--db", other, "ledger", "summary")
    assert result.exit_code == 1
    assert "an SQLite file, but not a disclo ledger" in result.stderr
    junk = ws / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    result = run("--db", junk, "ledger", "summary")
    assert result.exit_code == 1
    assert f"{junk}: not an SQLite file (file is not a database), so not a ledger" in result.stderr
    assert "disclo ledger backup" in result.stderr


def test_table_without_a_ledger_says_what_to_do(ws, run) -> None:
    (ws / "disclo.sqlite").unlink()
    result = run("table", "--year", "2018")
    assert result.exit_code == 1
    assert "the ledger is missing: disclo.toml is here, its ledger is not" in result.stderr
    assert "restore the newest backup" in result.stderr and "'disclo init' makes an empty one" in result.stderr
    assert not (ws / "disclo.sqlite").exists()


# --- idempotence and updates ----------------------------------------------------------------------

def test_same_file_twice_counts_once(ws, run) -> None:
    first = run("ingest", MAIN18)
    assert (first.exit_code, first.stdout) == (0, line(MAIN18, a=250) + "\n")
    second = run("ingest", MAIN18)
    assert (second.exit_code, second.stdout) == (0, line(MAIN18, n=250) + "\n")
    assert len(items_by_id(ws)) == 250


def test_overlapping_export_adds_nothing(ws, run) -> None:
    result = run("ingest", MAIN18, SUPP18)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [line(MAIN18, a=250), line(SUPP18, n=20)]
    assert len(items_by_id(ws)) == 250


def test_corrected_row_is_updated(ws, run) -> None:
    rows = [["X-1", "甲", "工作动态类", "2018-02-01", "政府网站"],
            ["X-2", "乙", "工作动态类", "2018-02-02", "政府网站"],
            ["X-3", "丙", "工作动态类", "2018-02-03", "政府网站"]]
    write_items(ws / "v1.xlsx", rows)
    assert run("ingest", "v1.xlsx").stdout == line("v1.xlsx", a=3) + "\n"

    rows[1] = ["X-2", "乙（更正）", "工作动态类", "2018-02-02", "政府网站"]
    write_items(ws / "v2.xlsx", rows)
    result = run("ingest", "v2.xlsx")
    assert (result.exit_code, result.stdout) == (0, line("v2.xlsx", u=1, n=2) + "\n")
    got = items_by_id(ws)
    assert got["X-2"].title == "乙（更正）"
    assert (got["X-2"].place.file, got["X-2"].place.row) == ("v2.xlsx", 3)
    assert got["X-1"].place.file == "v1.xlsx"

    rows[2] = ["X-3", "丙", "其他信息类", "2018-02-03", "政府网站"]
    write_items(ws / "v3.xlsx", rows)
    assert run("ingest", "v3.xlsx").stdout == line("v3.xlsx", u=1, n=2) + "\n"
    got = items_by_id(ws)
    assert (got["X-3"].category, got["X-2"].title, len(got)) == ("其他信息类", "乙（更正）", 3)


def test_rows_without_an_id_are_keyed_on_their_content(ws, run) -> None:
    header = ["标题", "类别", "发布日期", "发布渠道"]
    write_items(ws / "a.xlsx", [["甲", "工作动态类", "2018-02-01", "政府网站"], ["乙", "工作动态类", "2018-02-02", "政府网站"]], header=header)
    write_items(ws / "b.xlsx", [["乙", "工作动态", "2018/2/2", "政府门户网站"], ["丙", "工作动态类", "2018-02-03", "政府网站"]], header=header)
    assert run("ingest", "a.xlsx").stdout == line("a.xlsx", a=2) + "\n"
    assert run("ingest", "b.xlsx").stdout == line("b.xlsx", a=1, n=1) + "\n"
    with Ledger.open(config_of(ws)) as lg:
        assert sorted(i.title for i in lg.items()) == ["丙", "乙", "甲"]


def test_the_same_id_twice_in_one_file_is_one_row(ws, run) -> None:
    write_items(ws / "a.xlsx", [["X-1", "甲", "工作动态类", "2018-02-01", "政府网站"], ["X-1", "甲（改）", "工作动态类", "2018-02-01", "政府网站"]])
    result = run("ingest", "a.xlsx")
    assert result.stdout == line("a.xlsx", a=1) + "\trepeated 1\n"
    assert items_by_id(ws)["X-1"].title == "甲（改）"  # the later row wins


# --- sources and forget ---------------------------------------------------------------------------

def test_each_row_remembers_its_source(ws) -> None:
    ingest(ws, MAIN18)
    first = items_by_id(ws)["FJ-NA-LC-2018-0001"]
    assert (first.place.file, first.place.sheet, first.place.row) == (MAIN18, "1-6月", 3)
    with Ledger.open(config_of(ws)) as lg:
        (src,) = lg.sources()
    assert (src.name, src.kind, src.rows) == (MAIN18, "items", 250)
    assert src.path == str((ws / MAIN18).resolve())
    assert src.sha256 == file_sha256(ws / MAIN18)
    assert src.ingested_at[:2] == "20" and "T" in src.ingested_at


def test_forget_takes_out_only_rows_no_other_file_holds(ws, run) -> None:
    supplement_ids = json.loads((EX18 / "expected_2018.json").read_text(encoding="utf-8"))["supplement_ids"]
    assert run("ingest", MAIN18, SUPP18).exit_code == 0
    result = run("ledger", "forget", MAIN18)
    assert (result.exit_code, result.stdout) == (0, "items removed 230\trequests removed 0\tcases removed 0\n")
    left = items_by_id(ws)
    assert sorted(left) == sorted(supplement_ids)
    assert {i.place.file for i in left.values()} == {SUPP18}  # the rows now point to the file that holds them
    with Ledger.open(config_of(ws)) as lg:
        assert [(s.name, s.rows) for s in lg.sources()] == [(SUPP18, 20)]
    result = run("ledger", "forget", SUPP18)
    assert result.stdout == "items removed 20\trequests removed 0\tcases removed 0\n"
    assert items_by_id(ws) == {}


def test_forget_by_path_or_hash(ws, run) -> None:
    assert run("ingest", MAIN18, SUPP18).exit_code == 0
    assert run("ledger", "forget", str((ws / SUPP18).resolve())).stdout.startswith("items removed 0\t")
    assert run("ledger", "forget", file_sha256(ws / MAIN18)).stdout.startswith("items removed 250\t")
    assert items_by_id(ws) == {}


def test_forget_an_unknown_file(ws, run) -> None:
    ingest(ws, MAIN18)
    result = run("ledger", "forget", "nosuch.xlsx")
    assert result.exit_code == 1
    assert "nosuch.xlsx: no such file was ingested into" in result.stderr
    assert "disclo ledger sources" in result.stderr
    assert len(items_by_id(ws)) == 250


# --- atomicity ------------------------------------------------------------------------------------

@pytest.fixture
def good_and_bad(ws):
    """A baseline ledger (the main file), a good new file and a file with one bad row."""
    ingest(ws, MAIN18)
    write_items(ws / "good.xlsx", [["G-1", "甲", "工作动态类", "2018-05-01", "政府网站"], ["G-2", "乙", "工作动态类", "2018-05-02", "政府网站"]])
    write_items(ws / "bad.xlsx", [["B-1", "丙", "工作动态类", "2018-05-03", "政府网站"], ["B-2", "丁", "工作动态类", "2018-13-45", "政府网站"]])
    return ws


def test_strict_failure_in_any_file_files_nothing(good_and_bad, run) -> None:
    ws = good_and_bad
    before = dump(ws / "disclo.sqlite")
    result = run("ingest", "--strict", "good.xlsx", "bad.xlsx")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "error: bad.xlsx, sheet 'Sheet1', row 3, column '发布日期'" in result.stderr
    assert "1 row problem(s) in strict mode; nothing was filed" in result.stderr
    assert dump(ws / "disclo.sqlite") == before


def test_without_strict_the_bad_row_is_rejected_and_the_rest_filed(good_and_bad, run) -> None:
    result = run("ingest", "good.xlsx", "bad.xlsx")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [line("good.xlsx", a=2), line("bad.xlsx", a=1, r=1)]
    assert "Rejected rows were not filed" in result.stderr
    got = items_by_id(good_and_bad)
    assert {"G-1", "G-2", "B-1"} <= set(got) and "B-2" not in got


def test_failure_in_the_second_file_leaves_nothing_of_the_first(good_and_bad, monkeypatch) -> None:
    ws = good_and_bad
    before = dump(ws / "disclo.sqlite")
    original = Ledger._ingest_one
    calls = []

    def failing(self, batch, now):
        calls.append(batch.path.name)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return original(self, batch, now)

    monkeypatch.setattr(Ledger, "_ingest_one", failing)
    write_items(ws / "good2.xlsx", [["G-3", "丙", "工作动态类", "2018-05-03", "政府网站"]])
    with pytest.raises(RuntimeError, match="disk on fire"):
        ingest(ws, "good.xlsx", "good2.xlsx")
    assert calls == ["good.xlsx", "good2.xlsx"]
    assert dump(ws / "disclo.sqlite") == before


def test_a_process_killed_mid_ingest_leaves_the_ledger_as_before(good_and_bad) -> None:
    ws = good_and_bad
    before = dump(ws / "disclo.sqlite")
    write_items(ws / "good2.xlsx", [["G-3", "丙", "工作动态类", "2018-05-03", "政府网站"]])
    code = textwrap.dedent(
        """
        import os, sys
        from disclo_cli import ledger
        original = ledger.Ledger._ingest_one
        calls = []
        def dying(self, batch, now):
            calls.append(1)
            if len(calls) == 2:
                os._exit(9)  # no rollback, no cleanup: as if the power went
            return original(self, batch, now)
        ledger.Ledger._ingest_one = dying
        from disclo_cli.cli import main
        main(["ingest", "good.xlsx", "good2.xlsx"])
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ws, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 9
    assert dump(ws / "disclo.sqlite") == before
    assert len(items_by_id(ws)) == 250


def test_two_ingests_at_once_wait_for_each_other(tmp_path) -> None:
    ws = copy_workspace(EX18, tmp_path)
    for name in FILES23:
        (ws / name).write_bytes((EX23 / name).read_bytes())
    # no ledger yet: both may try to create it; each holds its transaction open a while, so they overlap
    code = textwrap.dedent(
        """
        import sys, time
        from disclo_cli import ledger
        original = ledger.Ledger._ingest_one
        def slow(self, batch, now):
            result = original(self, batch, now)
            time.sleep(0.4)
            return result
        ledger.Ledger._ingest_one = slow
        from disclo_cli.cli import main
        main(["ingest", sys.argv[1]])
        """
    )
    env = {**os.environ, "DISCLO_LANG": "en"}
    procs = [subprocess.Popen([sys.executable, "-c", code, f], cwd=ws, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for f in (MAIN18, REQUESTS23)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert outs[0][0] == line(MAIN18, a=250) + "\n"
    assert outs[1][0] == line(REQUESTS23, "requests", a=60) + "\n"
    with Ledger.open(config_of(ws)) as lg:
        assert (len(lg.items()), len(lg.requests())) == (250, 60)
        assert sorted(s.name for s in lg.sources()) == sorted([MAIN18, REQUESTS23])


# --- kinds ----------------------------------------------------------------------------------------

def test_kind_is_detected_from_the_headers(tmp_path, run) -> None:
    ws = copy_workspace(EX23, tmp_path)
    result = run("ingest", *FILES23)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [line(ITEMS23, "items", a=152), line(REQUESTS23, "requests", a=60), line(CASES23, "cases", a=8)]
    with Ledger.open(config_of(ws)) as lg:
        assert sorted(lg.summary()) == [("cases", 2022, 1), ("cases", 2023, 7), ("items", 2019, 1), ("items", 2020, 1),
                                        ("items", 2023, 150), ("requests", 2022, 5), ("requests", 2023, 55)]


def test_kind_option_overrides_detection(ws, run) -> None:
    from conftest import write_xlsx

    write_xlsx(ws / "登记.xlsx", {"S": [["编号", "类型", "受理日期", "结果"], ["A-1", "行政复议", "2018-03-01", "维持"]]})
    detected = run("ingest", "登记.xlsx")
    assert detected.stdout == line("登记.xlsx", "cases", a=1) + "\n"
    forced = run("ingest", "--kind", "requests", "登记.xlsx")
    # read as requests, the register lacks what the 2018 table counts requests by: it is refused, the
    # fields named (issue "No silent wrong number"), instead of filing a request with no outcome
    assert (forced.exit_code, forced.stdout) == (1, line("登记.xlsx", "requests", r=1) + "\n")
    assert "the register has no 「办理结果」 column (outcome), which 附表 counts by" in forced.stderr
    assert "the register has no 「答复日期」 column (answered)" in forced.stderr
    with Ledger.open(config_of(ws)) as lg:
        assert lg.requests() == []
        assert len(lg.cases()) == 1


def test_kind_option_on_the_wrong_register_names_the_expected_columns(ws, run) -> None:
    result = run("ingest", "--kind", "requests", MAIN18)
    assert result.exit_code == 1
    assert f"{MAIN18}: no register header found in any of its 3 sheets" in result.stderr
    # the receipt-date wordings come first; 申请日期 (the date on the form) serves only when none is there
    assert "Expected columns — 依申请公开台账 (requests): received (收到日期/收到申请日期/受理日期)" in result.stderr
    assert not (ws / "disclo.sqlite").exists() or items_by_id(ws) == {}


def test_forget_a_path_leaves_a_same_named_file_from_another_folder(ws, run) -> None:
    (ws / "2017").mkdir()
    (ws / "2018").mkdir()
    write_items(ws / "2017" / "台账.xlsx", [["A-1", "甲", "工作动态类", "2017-05-01", "政府网站"]])
    write_items(ws / "2018" / "台账.xlsx", [["B-1", "乙", "工作动态类", "2018-05-01", "政府网站"]])
    assert run("ingest", "2017/台账.xlsx", "2018/台账.xlsx").exit_code == 0
    result = run("ledger", "forget", "2018/台账.xlsx")
    assert result.stdout == "items removed 1\trequests removed 0\tcases removed 0\n"
    assert sorted(items_by_id(ws)) == ["A-1"]
    # a bare name that is no path of a filed file still means every file of that name
    assert run("ledger", "forget", "台账.xlsx").stdout.startswith("items removed 1\t")
    assert items_by_id(ws) == {}


# --- forget restores what a wrongly filed file changed ----------------------------------------------

def test_forget_restores_the_version_of_the_remaining_file(ws, run) -> None:
    rows = [["X-1", "甲", "工作动态类", "2018-02-01", "政府网站"], ["X-2", "乙", "工作动态类", "2018-02-02", "政府网站"]]
    write_items(ws / "right.xlsx", rows)
    wrong = [["X-1", "甲", "其他信息类", "2018-03-01", "政府网站"], ["X-2", "乙", "工作动态类", "2018-02-02", "政府网站"], ["X-3", "丙", "工作动态类", "2018-02-03", "政府网站"]]
    write_items(ws / "wrong.xlsx", wrong)
    assert run("ingest", "right.xlsx").exit_code == 0
    assert run("ingest", "wrong.xlsx").stdout == line("wrong.xlsx", a=1, u=1, n=1) + "\n"
    assert items_by_id(ws)["X-1"].category == "其他信息类"

    result = run("ledger", "forget", "wrong.xlsx")
    assert (result.exit_code, result.stdout) == (0, "items removed 1\trequests removed 0\tcases removed 0\n")
    got = items_by_id(ws)
    assert sorted(got) == ["X-1", "X-2"]
    assert (got["X-1"].category, got["X-1"].date.isoformat(), got["X-1"].place.file, got["X-1"].place.row) == ("工作动态类", "2018-02-01", "right.xlsx", 2)
    # filing the right file again changes nothing: the ledger holds exactly its version
    assert run("ingest", "right.xlsx").stdout == line("right.xlsx", n=2) + "\n"


def test_forget_the_middle_of_three_versions_keeps_the_latest(ws, run) -> None:
    for name, category in (("a.xlsx", "工作动态类"), ("b.xlsx", "其他信息类"), ("c.xlsx", "监督检查类")):
        write_items(ws / name, [["X-1", "甲", category, "2018-02-01", "政府网站"]])
        assert run("ingest", name).exit_code == 0
    assert run("ledger", "forget", "b.xlsx").exit_code == 0
    assert items_by_id(ws)["X-1"].category == "监督检查类"
    assert run("ledger", "forget", "c.xlsx").exit_code == 0
    assert items_by_id(ws)["X-1"].category == "工作动态类"


V3_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,          -- file name as given
    path TEXT NOT NULL,          -- absolute path at ingest time
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS items (
    key TEXT PRIMARY KEY, date TEXT NOT NULL, title TEXT NOT NULL, category TEXT NOT NULL,
    category_known INTEGER NOT NULL, channels TEXT NOT NULL, id TEXT NOT NULL, unit TEXT NOT NULL,
    doc_type TEXT NOT NULL, abolished TEXT, digest TEXT NOT NULL,
    source_id INTEGER NOT NULL, sheet TEXT NOT NULL, row INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS requests (
    key TEXT PRIMARY KEY, id TEXT NOT NULL, received TEXT NOT NULL, channel TEXT NOT NULL,
    applicant TEXT NOT NULL, outcome TEXT NOT NULL, reason TEXT NOT NULL, answered TEXT,
    extended INTEGER, fee TEXT, subject TEXT NOT NULL, digest TEXT NOT NULL,
    source_id INTEGER NOT NULL, sheet TEXT NOT NULL, row INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cases (
    key TEXT PRIMARY KEY, id TEXT NOT NULL, type TEXT NOT NULL, route TEXT NOT NULL,
    filed TEXT NOT NULL, result TEXT NOT NULL, digest TEXT NOT NULL,
    source_id INTEGER NOT NULL, sheet TEXT NOT NULL, row INTEGER NOT NULL
);
-- every file a row was seen in (a row stays while any of its files is filed). payload is that
-- file's version of the row (JSON: the columns, sheet, row) once another file changed it, NULL while
-- it is the row's current content
CREATE TABLE IF NOT EXISTS row_sources (
    kind TEXT NOT NULL, key TEXT NOT NULL, source_id INTEGER NOT NULL, payload TEXT,
    PRIMARY KEY (kind, key, source_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS row_sources_source ON row_sources(source_id);
-- covering indexes in GROUP BY order: tables and tallies read these, not the wide rows
CREATE INDEX IF NOT EXISTS items_tally ON items(date, category, category_known, channels, doc_type, abolished, unit);
CREATE INDEX IF NOT EXISTS requests_tally ON requests(received, channel, applicant, outcome, reason, answered, fee);
CREATE INDEX IF NOT EXISTS cases_tally ON cases(filed, type, route, result);
"""

V3_COLUMNS = {"items": ("date", "title", "category", "category_known", "channels", "id", "unit", "doc_type", "abolished")}


def _old_ledger(ws, version: int) -> None:
    """The ledger of MAIN18 and SUPP18 as schema version 3 (or 1, without payloads) wrote it."""
    import hashlib

    fresh = ws / "fresh"
    copy_workspace(EX18, fresh)
    ingest(fresh, MAIN18, SUPP18)
    with Ledger.open(config_of(fresh)) as lg:
        items = lg.items()
    db = ws / "disclo.sqlite"
    db.unlink(missing_ok=True)
    with sqlite3.connect(db) as conn:
        for stmt in V3_SCHEMA.split(";"):
            if stmt.strip():
                conn.execute(stmt)
        conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(version),))
        for sid, name in ((1, MAIN18), (2, SUPP18)):
            conn.execute("INSERT INTO sources VALUES (?, ?, ?, ?, 'items', '2019-01-05T10:00:00')", (sid, name, str((ws / name).resolve()), file_sha256(ws / name)))
        supp = {i.id for i in items if i.place.file == SUPP18} | set(json.loads((EX18 / "expected_2018.json").read_text(encoding="utf-8"))["supplement_ids"])
        for it in items:
            values = (it.date.isoformat(), it.title, it.category, int(it.category_known), "、".join(it.channels), it.id, it.unit, it.doc_type, None)
            digest = hashlib.sha1(repr(values).encode("utf-8")).hexdigest()
            conn.execute("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)", (it.key, *values, digest, it.place.sheet, it.place.row))
            conn.execute("INSERT INTO row_sources (kind, key, source_id) VALUES ('items', ?, 1)", (it.key,))
            if it.id in supp:
                conn.execute("INSERT INTO row_sources (kind, key, source_id) VALUES ('items', ?, 2)", (it.key,))
        if version == 1:
            conn.execute("ALTER TABLE row_sources DROP COLUMN payload")


@pytest.mark.parametrize("version", [1, 3])
def test_an_older_ledger_is_migrated(ws, run, version: int) -> None:
    _old_ledger(ws, version)
    result = run("table", "--year", "2018", "--format", "json")
    assert result.exit_code == 0, result.stderr
    db = ws / "disclo.sqlite"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("5",)
        assert {r[0] for r in conn.execute("SELECT name FROM migrations")} >= {"0004_files_versions_and_holders", "0004_digests_v2",
                                                                                "0005_indexes_unit_last_source_dates"}
        assert [r[2] for r in conn.execute("PRAGMA index_info(items_tally)")][-1] == "unit"
        assert [r[2] for r in conn.execute("PRAGMA index_info(items_source)")] == ["source_id", "date"]
    assert len(items_by_id(ws)) == 250
    with Ledger.open(config_of(ws)) as lg:
        assert [(s.name, s.rows) for s in lg.sources()] == [(MAIN18, 250), (SUPP18, 20)]
    # the digests were recomputed: filing the same files again changes nothing
    again = run("ingest", MAIN18, SUPP18)
    assert again.stdout.splitlines() == [line(MAIN18, n=250), line(SUPP18, n=20)]
    assert run("ledger", "forget", SUPP18).stdout.startswith("items removed 0\t")
    assert len(items_by_id(ws)) == 250


def test_a_row_with_an_error_that_is_still_filed_is_not_counted_as_rejected(ws, run) -> None:
    header = ["索引号", "标题", "类别", "发布日期", "发布渠道", "文件类型", "废止日期"]
    write_items(ws / "docs.xlsx", [
        ["D-1", "甲", "工作动态类", "2018-02-01", "政府网站", "红头文件", None],      # unknown type: a warning, filed as an item
        ["D-2", "乙", "工作动态类", "2018-02-02", "政府网站", "规范性文件", "2018-13-45"],  # bad 废止日期: an error, filed
        ["D-3", "丙", "工作动态类", "不详", "政府网站", None, None],                     # no date: rejected
    ], header=header)
    result = run("ingest", "docs.xlsx")
    assert result.exit_code == 1
    assert result.stdout == line("docs.xlsx", a=2, r=1) + "\n"
    assert "warning: docs.xlsx, sheet 'Sheet1', row 2, column '文件类型': unknown document type '红头文件'" in result.stderr
    got = items_by_id(ws)
    assert (got["D-1"].doc_type, got["D-2"].doc_type, got["D-2"].abolished) == ("", "行政规范性文件", None)


@pytest.mark.parametrize("by_unit", [False, True])
def test_grouped_reads_group_on_the_covering_index_without_sorting(tmp_path, by_unit: bool) -> None:
    """A grouped read (tables, tallies, the roll-up by unit) walks a covering index in GROUP BY
    order: no temporary B-tree (a unit in the middle of the index sorted a million rows: 3× slower),
    and no read of the wide rows."""
    with Ledger.open_path(tmp_path / "disclo.sqlite", create=True) as lg:
        queries: list[str] = []
        lg.conn.set_trace_callback(lambda q: queries.append(q) if "GROUP BY" in q else None)
        lg.grouped(through=2023, by_unit=by_unit)
        lg.conn.set_trace_callback(None)
        assert len(queries) == 3
        for q in queries:
            plan = " | ".join(r[3] for r in lg.conn.execute("EXPLAIN QUERY PLAN " + q.replace("'2023-12-31'", "?"), ("2023-12-31",)
                                                          if "'2023-12-31'" in q else ()))
            assert "USING COVERING INDEX" in plan and "TEMP B-TREE" not in plan, (q, plan)


def test_another_workspaces_ledger_is_not_offered_as_a_backup(ws, run) -> None:
    """A unit's workspace in a folder beside the ledger holds a ledger of its own, not a backup."""
    import shutil

    (ws / "备份").mkdir()
    shutil.copy(ws / "disclo.sqlite", ws / "备份" / "disclo-2018-12.sqlite")
    (ws / "单位").mkdir()
    shutil.copy(ws / "disclo.sqlite", ws / "单位" / "disclo.sqlite")
    (ws / "单位" / "disclo.toml").write_text("", encoding="utf-8")
    (ws / "disclo.sqlite").unlink()
    result = run("table", "--year", "2018")
    assert result.exit_code == 1
    assert "disclo-2018-12.sqlite" in result.stderr and "单位" not in result.stderr
