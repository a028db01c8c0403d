"""How long the deadlines of a large ledger take: N requests (1M by default), in memory.

    python benchmarks/deadlines.py                 # 1M requests, best of 3
    python benchmarks/deadlines.py --size 100k --repeat 5

Requests are received over 2019-05-15 … 2026-12-31 (so the last ones fall due in 2027, a year no
calendar covers: provisional), 60 % answered, 10 % extended, 5 % with a 补正, 5 % with a third
party's consultation, 2 % with a fee notice; seeded, so every run computes the same. Measured, in
this process: building the calendar (chinesecalendar + the counting index), the deadline and status
of every request as of one date, and the per-year figures of one year. Not a test: see the README.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from disclo_cli.deadlines import Pause, RequestClock, deadline, deadlines_of, timeliness  # noqa: E402
from disclo_cli.workdays import Calendar  # noqa: E402

FIRST, LAST = dt.date(2019, 5, 15), dt.date(2026, 12, 31)


def size_of(text: str) -> int:
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def requests(n: int, seed: int = 7) -> list[RequestClock]:
    rng = random.Random(seed)
    span = (LAST - FIRST).days
    out = []
    for i in range(n):
        received = FIRST + dt.timedelta(days=rng.randrange(span + 1))
        kind = rng.random()
        answered = received + dt.timedelta(days=rng.randrange(0, 45)) if rng.random() < 0.6 else None
        extra: dict = {}
        if kind < 0.10:
            extra.update(extended=True, extension_date=received + dt.timedelta(days=20))
        elif kind < 0.15:
            extra.update(clarification_sent=received + dt.timedelta(days=3), corrected_received=received + dt.timedelta(days=10))
        elif kind < 0.20:
            start = received + dt.timedelta(days=5)
            extra.update(pauses=(Pause(start, start + dt.timedelta(days=rng.randrange(3, 25))),))
        elif kind < 0.22:
            extra.update(fee_notice=received + dt.timedelta(days=7), fee_paid=received + dt.timedelta(days=12))
        out.append(RequestClock(received, answered, id=f"R{i}", **extra))
    return out


def best(repeat: int, work) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    import gc

    gc.disable()  # as the console script runs (cli.run): a million small objects, no cycles
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1M")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = size_of(args.size)
    clocks = requests(n)
    as_of = dt.date(2026, 12, 28)

    def build() -> Calendar:
        from disclo_cli.workdays import package_calendar

        package_calendar.cache_clear()
        cal = Calendar.of()
        cal.working_days_between(FIRST, LAST + dt.timedelta(days=120))  # build the index over the years asked
        return cal

    t_cal, cal = best(args.repeat, build)
    t_one, _ = best(1, lambda: [deadline(c, cal, as_of) for c in clocks[: n // 10]])
    t_all, results = best(args.repeat, lambda: deadlines_of(clocks, cal, as_of))
    pairs = [(c, d) for c, d in zip(clocks, results, strict=True) if c.answered is not None and c.answered.year == 2025]
    t_year, figures = best(args.repeat, lambda: timeliness(pairs))
    overdue = sum(1 for d in results if d.status == "overdue")
    provisional = sum(1 for d in results if d.status == "provisional")
    print(f"requests: {n:,}  (overdue as of {as_of}: {overdue:,}; provisional: {provisional:,})")
    print(f"calendar (package + index):   {t_cal * 1000:8.1f} ms")
    print(f"deadline() one by one:        {t_one / (n // 10) * 1e6:8.2f} µs a request")
    print(f"deadlines_of() all requests:  {t_all:8.2f} s   ({t_all / n * 1e6:.2f} µs a request)")
    print(f"figures of 2025 ({len(pairs):,} answered): {t_year * 1000:8.1f} ms   on time {figures.on_time:,}, late {figures.late:,}")


if __name__ == "__main__":
    main()
