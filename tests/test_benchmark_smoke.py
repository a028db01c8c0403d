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


def test_generated_register_is_deterministic(tmp_path):
    gen = _load("generate")
    a = gen.write_csv(tmp_path / "a.csv", 50).read_bytes()
    b = gen.write_csv(tmp_path / "b.csv", 50).read_bytes()
    assert a == b
    rows = list(gen.rows(50))
    assert len(rows) == 50 and all(r[0].startswith("003598061/") for r in rows)


def test_smoke_run_writes_the_figures(run, tmp_path):
    out = tmp_path / "bench.json"
    assert run.main(["--sizes", "200", "--formats", "xlsx", "--repeat", "1", "--only", "floor,tally",
                     "--data-dir", str(tmp_path / "data"), "--json", str(out)]) == 0
    rep = json.loads(out.read_text(encoding="utf-8"))
    assert {"kind", "when", "machine", "settings", "measurements", "ratios", "targets", "notes"} <= set(rep)
    tally = next(m for m in rep["measurements"] if m["key"] == "tally/xlsx/200")
    assert {"cmd", "wall_s", "rss_mb", "rc", "ok", "size", "rows", "format", "repeat"} <= set(tally)
    assert tally["ok"], tally["stderr_tail"]
    assert tally["wall_s"] > 0 and tally["rows"] == 200
    floor = next(m for m in rep["measurements"] if m["key"] == "floor/xlsx/calamine/200")
    assert floor["ok"] and floor["wall_s"] > 0
    ratio = next(r for r in rep["ratios"] if r["key"] == "tally/xlsx/200")
    assert ratio["wall_ratio"] > 0
    assert any(t["target"].startswith("disclo tally, xlsx") for t in rep["targets"])
