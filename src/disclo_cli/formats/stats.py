"""The statistics a `stat` cell takes (办理时效): figures of the requests a cell selects, on their
deadlines (deadlines.py, counted on the workspace's working-day calendar).

Two kinds, declared here once:

* **additive** statistics are counts of the requests whose deadline passes a test (answered on
  time, late, unjudged, with a processing time, within a range of days): they add across units
  like any count, and `disclo explain` lists the requests behind them;
* the others (a rate, a median, a mean, the shortest and longest time) do **not** add: a roll-up
  recomputes them from every unit's requests, and checks them by a rule (FOIA.gov's: an overall
  median lies between the units' smallest and largest; the overall maximum is the largest).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable, Literal

from disclo_cli.deadlines import Deadline, RequestClock, timeliness
from disclo_cli.formats.definition import STAT_NAMES, CellSpec

#: how a roll-up checks a combined statistic against the units': the sum, the smallest, the
#: largest, or between the smallest and the largest of the units' values
Rule = Literal["sum", "min", "max", "between"]


@dataclass(frozen=True)
class Stat:
    name: str
    additive: bool
    rule: Rule


STATS: dict[str, Stat] = {s.name: s for s in (
    Stat("on_time", True, "sum"), Stat("late", True, "sum"), Stat("unjudged", True, "sum"),
    Stat("timed", True, "sum"), Stat("days", True, "sum"),
    Stat("on_time_rate", False, "between"), Stat("median_days", False, "between"), Stat("mean_days", False, "between"),
    Stat("min_days", False, "min"), Stat("max_days", False, "max"),
)}
assert tuple(STATS) == STAT_NAMES  # the definition's list and this one are the same list

Timed = tuple[RequestClock, Deadline, int]  # a request (or a group of equal ones), its deadline, how many rows


def additive(spec: CellSpec) -> bool:
    """Whether a cell's values add across units (every cell but the non-additive statistics)."""
    return not spec.stat or STATS[spec.stat].additive


def selects(spec: CellSpec) -> Callable[[RequestClock, Deadline], bool]:
    """The test an additive statistic counts requests by (every answered request for the others)."""
    name = spec.stat
    if name == "on_time":
        return lambda c, d: c.answered is not None and d.on_time is True
    if name == "late":
        return lambda c, d: c.answered is not None and d.on_time is False
    if name == "unjudged":
        return lambda c, d: c.answered is not None and d.on_time is None
    if name in ("timed", "days"):
        low = spec.days[0] if spec.days else 0
        high = spec.days[1] if len(spec.days) > 1 else None
        return lambda c, d: (c.answered is not None and d.processing_days is not None and d.processing_days >= low
                             and (high is None or d.processing_days <= high))
    return lambda c, d: c.answered is not None


def value(spec: CellSpec, timed: Iterable[Timed]) -> int | Decimal | None:
    """The statistic of the requests (with how many rows each stands for). None where there is
    nothing to state: no rate of nothing judged, no median of nothing answered."""
    test = selects(spec)
    chosen = [(c, d, n) for c, d, n in timed if test(c, d)]
    if STATS[spec.stat].additive:
        return sum(n for _c, _d, n in chosen)
    if spec.stat == "on_time_rate":
        rate = timeliness((c, d) for c, d, n in chosen for _ in range(n)).on_time_rate
        return None if rate is None else _exact(Decimal(rate.numerator) * 100 / Decimal(rate.denominator))
    days = [d.processing_days for _c, d, n in chosen if d.processing_days is not None for _ in range(n)]
    if not days:
        return None
    if spec.stat == "median_days":
        return _exact(Decimal(str(statistics.median(days))))
    if spec.stat == "mean_days":
        return _exact(Decimal(sum(days)) / Decimal(len(days)))
    return min(days) if spec.stat == "min_days" else max(days)


def _exact(d: Decimal) -> int | Decimal:
    return int(d) if d == d.to_integral() else d
