"""The working-day calendar a request's answer period is counted on (docs/deadlines.md).

Sources, strongest first: the office's calendar file (calendar_file.py: one line per day, 休 or 班),
then the ``chinesecalendar`` package (the State Council's notices from 2004). A year that neither
covers is never guessed silently: its days count Monday to Friday only, and every day of it says
``provisional``, so that whatever is computed from it can say so too.

Counting is done on a precomputed index (per day: how many working days up to it; per working day:
its date), built once per range of years, so adding N working days or counting the working days
between two dates takes constant time however many requests are counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, Literal, Mapping

if TYPE_CHECKING:
    from disclo_cli.calendar_file import CalendarFile

DayKind = Literal["workday", "weekend", "holiday", "make-up"]


@dataclass(frozen=True, slots=True)
class Setting:
    """What a source says of one day: a working day or not, the holiday's name, where it came from."""

    working: bool
    name: str
    source: str


@dataclass(frozen=True, slots=True)
class Day:
    """One day of the calendar and why it is (not) a working day."""

    date: dt.date
    working: bool
    kind: DayKind  # workday, weekend, holiday (named), make-up (a weekend day worked: 调休上班)
    name: str = ""  # the holiday's name, for a holiday or a make-up day
    source: str = ""  # the notice or file line that says so; "" for an ordinary weekday or weekend
    provisional: bool = False  # no source covers the year: Monday to Friday assumed


@dataclass(frozen=True, slots=True)
class _Index:
    """cum[i]: working days in [base, base + i]; nth[k]: the ordinal of working day k + 1; end: the
    first ordinal past the index."""

    first: int
    last: int
    base: int
    end: int
    cum: tuple[int, ...]
    nth: tuple[int, ...]


class Calendar:
    """Working days from the calendar file, the package, and Monday to Friday for uncovered years.

    Immutable from outside: built once from its sources; the counting index grows lazily as dates
    further out are asked for.
    """

    __slots__ = ("_days", "_covered", "_sources", "_index")

    def __init__(self, days: Mapping[dt.date, Setting], covered: Iterable[int], sources: Iterable[str] = ()) -> None:
        self._days = dict(days)
        self._covered = frozenset(covered)
        self._sources = tuple(sources)
        self._index: _Index | None = None

    @classmethod
    def of(cls, file: CalendarFile | None = None, *, package: bool = True) -> "Calendar":
        """The calendar of the package (unless package=False) overridden day by day by the file."""
        days: dict[dt.date, Setting] = {}
        covered: set[int] = set()
        sources: list[str] = []
        if package:
            pkg_days, pkg_years, pkg_source = package_calendar()
            days.update(pkg_days)
            covered.update(pkg_years)
            if pkg_years:
                sources.append(f"{pkg_source} ({pkg_years[0]}–{pkg_years[-1]})")
        if file is not None:
            for line in file.days:
                where = f"{file.name}:{line.line}" if line.line else file.name
                days[line.date] = Setting(line.working, line.name, f"{where} {line.source}".strip())
            covered.update(file.years)
            if file.days or file.notices:
                years = "、".join(str(y) for y in sorted(file.years))
                sources.append(f"{file.name} ({years})" if years else file.name)
        return cls(days, covered, sources)

    # --- what the calendar knows -------------------------------------------------------------

    @property
    def covered_years(self) -> frozenset[int]:
        return self._covered

    @property
    def sources(self) -> tuple[str, ...]:
        return self._sources

    def covers(self, year: int) -> bool:
        return year in self._covered

    def uncovered_years(self, after: dt.date, through: dt.date) -> tuple[int, ...]:
        """The years no source covers among the days after `after` up to `through` (none if empty)."""
        first = after.year + (after.month == 12 and after.day == 31)
        last = through.year
        covered = self._covered
        if first in covered and (last == first or (last == first + 1 and last in covered)):
            return ()  # the usual case, without building a range
        return tuple(y for y in range(first, last + 1) if y not in covered)

    def day(self, date: dt.date) -> Day:
        setting = self._days.get(date)
        provisional = date.year not in self._covered
        weekend = date.weekday() >= 5
        if setting is None:
            return Day(date, not weekend, "weekend" if weekend else "workday", provisional=provisional)
        if setting.working:
            return Day(date, True, "make-up" if weekend else "workday", setting.name, setting.source, provisional)
        return Day(date, False, "holiday", setting.name, setting.source, provisional)

    def is_working(self, date: dt.date) -> bool:
        setting = self._days.get(date)
        return setting.working if setting is not None else date.weekday() < 5

    def month(self, year: int, month: int) -> tuple[Day, ...]:
        first = dt.date(year, month, 1)
        following = dt.date(year + (month == 12), month % 12 + 1, 1)
        return tuple(self.day(first + dt.timedelta(days=i)) for i in range((following - first).days))

    # --- counting ---------------------------------------------------------------------------------

    def add_working_days(self, date: dt.date, n: int) -> dt.date:
        """The n-th working day after `date` (the day itself is not counted); n ≥ 1."""
        if n < 1:
            raise ValueError(f"n must be at least 1, not {n}")
        ordinal = date.toordinal()
        index = self._index
        if index is None or not index.base <= ordinal < index.end:
            index = self._covering(ordinal, ordinal)
        k = index.cum[ordinal - index.base] + n - 1
        while k >= len(index.nth):  # further out than the index reaches: a year more
            index = self._covering(ordinal, dt.date(min(index.last + 1, dt.MAXYEAR), 12, 31).toordinal())
        return dt.date.fromordinal(index.nth[k])

    def working_days_between(self, after: dt.date, through: dt.date) -> int:
        """Working days after `after` up to and including `through` (negative when through < after)."""
        a, b = after.toordinal(), through.toordinal()
        index = self._index
        if index is None or not (index.base <= a < index.end and index.base <= b < index.end):
            index = self._covering(min(a, b), max(a, b))
        return index.cum[b - index.base] - index.cum[a - index.base]

    def _covering(self, low: int, high: int) -> _Index:
        """The index, rebuilt over a wider range of years (one more on each side) when it does not
        reach from ordinal `low` to `high`."""
        index = self._index
        if index is None or low < index.base or high >= index.end:
            first = dt.date.fromordinal(low).year - 1
            last = dt.date.fromordinal(high).year + 1
            if index is not None:
                first, last = min(first, index.first), max(last, index.last)
            index = self._index = self._build(max(first, dt.MINYEAR), min(last, dt.MAXYEAR))
        return index

    def _build(self, first: int, last: int) -> _Index:
        base = dt.date(first, 1, 1).toordinal()
        end = dt.date(last, 12, 31).toordinal()
        overrides = {d.toordinal(): s.working for d, s in self._days.items() if first <= d.year <= last}
        cum: list[int] = []
        nth: list[int] = []
        for ordinal in range(base, end + 1):  # once per range of years, never per request
            working = overrides.get(ordinal)
            if working if working is not None else (ordinal - 1) % 7 < 5:  # ordinal 1 is a Monday
                nth.append(ordinal)
            cum.append(len(nth))
        return _Index(first, last, base, end + 1, tuple(cum), tuple(nth))


@lru_cache(maxsize=1)
def package_calendar() -> tuple[dict[dt.date, Setting], tuple[int, ...], str]:
    """The days chinesecalendar knows (holidays and make-up days, Chinese names), the years it
    covers and its name and version; nothing when it is not installed (every year uncovered)."""
    try:
        import chinese_calendar
        from chinese_calendar import constants
    except ImportError:
        return {}, (), ""
    source = f"chinesecalendar {getattr(chinese_calendar, '__version__', '')}".strip()
    names = {h.value: h.chinese for h in constants.Holiday}
    days = {d: Setting(False, names.get(v, v), source) for d, v in constants.holidays.items()}
    days.update({d: Setting(True, names.get(v, v), source) for d, v in constants.workdays.items()})
    years = tuple(range(min(d.year for d in constants.holidays), max(d.year for d in constants.holidays) + 1))
    return days, years, source
