"""A tiny run of the benchmark harness (benchmarks/run.py): it measures, and its JSON has the figures.

The benchmark itself is not part of the test suite; this only checks that the harness works.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name: str):
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture(scope="module")
def run():
    return _load("run")


def test_measure_times_a_fresh_process(run):
    result = run.measure([sys.executable, "-c", "pass"], repeat=1)
    assert result["ok"] and result["repeat"] == 1
    assert result["wall_s"] > 0
    assert result["rc"] == [0]


def test_write_floor_times_the_upsert_of_the_rows(run, tmp_path):
    gen = _load("generate")
    csv_path = gen.write_csv(tmp_path / "r.csv", 50)
    db = tmp_path / "w.sqlite"
    one = run._write_seconds(run._run_once([sys.executable, str(run.WRITE_FLOOR), str(csv_path), str(db)], cwd=tmp_path, env=None,
                                           timeout=60, capture=True))
    assert one["rc"] == 0 and one["write_s"] is not None and 0 < one["write_s"] < one["wall_s"]
    import sqlite3

    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*), count(DISTINCT key) FROM items").fetchone() == (50, 50)


def test_generated_register_is_deterministic(tmp_path):
    gen = _load("generate")
    a = gen.write_csv(tmp_path / "a.csv", 50).read_bytes()
    b = gen.write_csv(tmp_path / "b.csv", 50).read_bytes()
    assert a == b
    rows = list(gen.rows(50))
    assert len(rows) == 50 and all(r[0].startswith("003598061/") for r in rows)


def test_smoke_run_writes_the_figures(run, tmp_path):
    out = tmp_path / "bench.json"
    assert run.main(["--sizes", "200", "--formats", "xlsx", "--repeat", "2", "--only", "floor,tally",
                     "--data-dir", str(tmp_path / "data"), "--json", str(out)]) == 0
    rep = json.loads(out.read_text(encoding="utf-8"))
    assert {"kind", "when", "machine", "settings", "measurements", "ratios", "targets", "notes"} <= set(rep)
    tally = next(m for m in rep["measurements"] if m["key"] == "tally/xlsx/200")
    assert {"cmd", "wall_s", "rss_mb", "rc", "ok", "size", "rows", "format", "repeat"} <= set(tally)
    assert tally["ok"], tally["stderr_tail"]
    assert tally["wall_s"] > 0 and tally["rows"] == 200
    floor = next(m for m in rep["measurements"] if m["key"] == "floor/xlsx/fastexcel/200")
    assert floor["ok"] and floor["wall_s"] > 0 and floor["repeat"] == 2
    ratio = next(r for r in rep["ratios"] if r["key"] == "tally/xlsx/200")
    # the ratio is the median of the rounds' own ratios (disclo over the floor run beside it)
    assert len(ratio["wall_ratios"]) == 2 and ratio["floor"] == floor["key"]
    expected = [round(t / f, 3) for t, f in zip(tally["wall_all_s"], floor["wall_all_s"], strict=True)]
    assert ratio["wall_ratios"] == expected and ratio["wall_ratio"] == round(sum(expected) / 2, 2)
    assert any(t["target"].startswith("disclo tally, xlsx") for t in rep["targets"])


def test_edited_register_has_one_title_corrected_and_one_row_gone(tmp_path):
    gen = _load("generate")
    rows, edited = list(gen.rows(300)), list(gen.rows(300, edited=True))
    assert len(edited) == 299
    assert edited[gen.EDITED_ROW] == (rows[gen.EDITED_ROW][0], rows[gen.EDITED_ROW][1] + "（更正）", *rows[gen.EDITED_ROW][2:])
    assert [r[0] for r in edited] == [r[0] for i, r in enumerate(rows) if i != gen.DELETED_ROW]


def test_smoke_run_measures_filing_again_against_both_floors(run, tmp_path):
    out = tmp_path / "bench.json"
    assert run.main(["--sizes", "300", "--formats", "csv", "--repeat", "1", "--only", "ingest",
                     "--data-dir", str(tmp_path / "data"), "--json", str(out)]) == 0
    rep = json.loads(out.read_text(encoding="utf-8"))
    refile = next(m for m in rep["measurements"] if m["key"] == "refile/csv/300")
    assert refile["ok"], refile.get("stderr_tail")
    ratio = next(r for r in rep["ratios"] if r["key"] == "refile/csv/300")
    assert ratio["write_floor"] == "write-floor/csv/300" and len(ratio["wall_ratios"]) == 1
    assert any(t["target"].startswith("disclo ingest again, csv") for t in rep["targets"])
    assert (tmp_path / "data" / "filed-csv-300" / "disclo.sqlite").exists()
