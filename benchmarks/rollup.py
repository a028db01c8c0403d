"""Benchmark: a county of 200 units, every unit's report written in one go (not a timed test).

    python benchmarks/rollup.py [--units 200] [--jobs 1]

Makes the county with examples/make_county.py (a quarter each: member workspaces, exports, units
of the county's register's unit column, units filed with --unit KEY; a few rows per unit and
year), files every register, then times `disclo report --year 2023 --each-unit` (the same core
function), and `disclo table` and `disclo check` of the county. The county is written under
benchmarks/data/ (ignored by git).
"""

from __future__ import annotations

import argparse
import gc
import runpy
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    make = runpy.run_path(str(ROOT / "examples" / "make_county.py"))["make_county"]
    dest = ROOT / "benchmarks" / "data" / f"county-{args.units}"
    t = time.perf_counter()
    make(dest, args.units, ledgers=True)
    print(f"made a county of {args.units} units (registers filed) in {time.perf_counter() - t:.1f} s")

    from disclo_cli import config
    from disclo_cli.rollup.checks import check_rollup
    from disclo_cli.rollup.core import roll_up
    from disclo_cli.rollup.reports import each_unit_reports

    gc.disable()  # as the console script does
    county = config.load(dest / "disclo.toml")
    t = time.perf_counter()
    r = roll_up(county, 2023)
    print(f"disclo table (roll-up of {len(r.units)} units): {time.perf_counter() - t:.2f} s")
    t = time.perf_counter()
    check = check_rollup(county, 2023)
    print(f"disclo check: {time.perf_counter() - t:.2f} s ({check.errors} errors, {check.warnings} warnings)")
    t = time.perf_counter()
    result = each_unit_reports(county, 2023, folder=dest / "reports", force=True, jobs=args.jobs)
    took = time.perf_counter() - t
    print(f"disclo report --each-unit: {len(result.written)} reports written in {took:.1f} s "
          f"({took / max(len(result.written), 1) * 1000:.0f} ms each), {len(result.failed)} not written")


if __name__ == "__main__":
    main()
