"""The office's calendar file: the days it adds to (or corrects in) the package's calendar.

``calendar.csv`` in the workspace, a CSV a clerk can edit in Excel or WPS (read in UTF-8, UTF-16 or
GBK like any register; written back in UTF-8 with a BOM so that Excel shows it right)::

    日期,类型,名称,来源
    2027,通知,国务院办公厅关于2027年部分节假日安排的通知,国办发明电〔2026〕N号
    2027-01-01,休,元旦,国办发明电〔2026〕N号
    2027-02-06,班,春节,国办发明电〔2026〕N号

One line per day: 类型 is 休 (not a working day) or 班 (a working day: a weekend day worked, 调休上班),
名称 the holiday's name, 来源 where it came from (the notice's number, a page, a phone call). A line of
type 通知 whose 日期 is a year says that the State Council's notice for that year is in the file: only
then is the year *covered*, i.e. its other days are ordinary weekdays and weekends for sure. A day line
alone (a local holiday, a correction) changes that day and nothing else. The model is holiday-cn's
schema (a year, its ``papers``, and ``days`` of name, date and isOffDay), flattened into one table.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final, Iterable, Literal

from disclo_cli.config import CALENDAR_NAME
from disclo_cli.errors import DataError, InputError
from disclo_cli.model import Finding, Place

CALENDAR_FILE = CALENDAR_NAME  # the name is the workspace's (config.py)
HEADER = ("日期", "类型", "名称", "来源")
OFF: Final = "休"
ON: Final = "班"
NOTICE: Final = "通知"
DayType = Literal["休", "班"]
#: what a clerk may type in 类型, and what it means
KIND_WORDS: dict[str, DayType | Literal["通知"]] = {"休": OFF, "放假": OFF, "休息": OFF, "班": ON, "上班": ON, "补班": ON, "通知": NOTICE}
_YEAR = re.compile(r"^(\d{4})\s*年?$")


@dataclass(frozen=True, slots=True)
class DayLine:
    """One day the file sets: 休 or 班, the holiday's name, where it came from, its line."""

    date: dt.date
    kind: DayType
    name: str
    source: str
    line: int = 0

    @property
    def working(self) -> bool:
        return self.kind == ON


@dataclass(frozen=True, slots=True)
class NoticeLine:
    """The State Council's notice of a year is in the file: the year is covered."""

    year: int
    name: str
    source: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class CalendarFile:
    name: str  # the file as shown in messages
    days: tuple[DayLine, ...] = ()
    notices: tuple[NoticeLine, ...] = ()

    @property
    def years(self) -> frozenset[int]:
        """The years the file covers (those with a 通知 line)."""
        return frozenset(n.year for n in self.notices)


def read(path: Path) -> CalendarFile | None:
    """The calendar file at path, None when there is none."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError("input-unreadable", path=str(path), problem=exc.strerror or str(exc)) from exc
    return parse(data, str(path))


def parse(data: bytes, name: str) -> CalendarFile:
    """The lines of a calendar file; the first wrong line is an InputError naming it."""
    from disclo_cli.ingest.readers import decode_as

    text, _encoding = decode_as(data, name)
    rows = list(csv.reader(io.StringIO(text)))
    numbered = [(i, [_clean(c) for c in row]) for i, row in enumerate(rows, 1) if any(_clean(c) for c in row)]
    if not numbered:
        return CalendarFile(name)
    head_line, head = numbered[0]
    columns = _columns(head, Place(name, line=head_line))
    days: dict[dt.date, DayLine] = {}
    notices: dict[int, NoticeLine] = {}
    for number, cells in numbered[1:]:
        place = Place(name, line=number)
        extra = [c for i, c in enumerate(cells) if i not in columns.values() and c]
        if extra:
            raise InputError("calendar-extra-cell", place=place, value=extra[0])
        when, kind_text, holiday, source = (cells[columns[h]] if columns[h] < len(cells) else "" for h in HEADER)
        kind = KIND_WORDS.get(kind_text)
        if kind is None:
            raise InputError("calendar-bad-kind", place=place, value=kind_text)
        if not source:
            raise InputError("calendar-no-source", place=place)
        if kind == NOTICE:
            year = _YEAR.match(when)
            if not year:
                raise InputError("calendar-bad-year", place=place, value=when)
            if int(year.group(1)) in notices:
                raise InputError("calendar-twice", place=place, value=when, first=notices[int(year.group(1))].line)
            notices[int(year.group(1))] = NoticeLine(int(year.group(1)), holiday, source, number)
            continue
        date = _date(when, place)
        if date in days:
            raise InputError("calendar-twice", place=place, value=date.isoformat(), first=days[date].line)
        days[date] = DayLine(date, kind, holiday, source, number)
    return CalendarFile(name, tuple(sorted(days.values(), key=lambda d: d.date)), tuple(sorted(notices.values(), key=lambda n: n.year)))


def _clean(cell: str) -> str:
    return unicodedata.normalize("NFKC", cell).strip()


def _columns(head: list[str], place: Place) -> dict[str, int]:
    found = {cell: i for i, cell in enumerate(head) if cell}
    if set(found) != set(HEADER):
        raise InputError("calendar-bad-header", place=place, found="、".join(c for c in head if c), expected=",".join(HEADER))
    return {h: found[h] for h in HEADER}


def _date(text: str, place: Place) -> dt.date:
    from disclo_cli.ingest.dates import DateProblem, parse_date

    if re.fullmatch(r"\d{1,5}(\.\d+)?", text) and not re.fullmatch(r"\d{8}", text):
        raise InputError("calendar-bad-date", place=place, value=text)  # not an Excel serial here
    try:
        date = parse_date(text)
    except DateProblem:
        date = None
    if date is None:
        raise InputError("calendar-bad-date", place=place, value=text)
    return date


def render(file: CalendarFile) -> bytes:
    """The file's text: header, then per year its 通知 line and its days in date order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    lines: list[tuple[tuple[int, int, str], list[str]]] = []
    for n in file.notices:
        lines.append(((n.year, 0, ""), [str(n.year), NOTICE, n.name, n.source]))
    for d in file.days:
        lines.append(((d.date.year, 1, d.date.isoformat()), [d.date.isoformat(), d.kind, d.name, d.source]))
    for _key, row in sorted(lines, key=lambda item: item[0]):
        writer.writerow(row)
    return out.getvalue().encode("utf-8-sig")


@dataclass(frozen=True, slots=True)
class Merged:
    """A calendar file with new lines merged in, and what happened to each new line."""

    file: CalendarFile
    added: int
    unchanged: int
    replaced: int


def merge(file: CalendarFile, days: Iterable[DayLine], notices: Iterable[NoticeLine], *, replace_lines: bool = False) -> Merged:
    """Merge by date (and year for 通知 lines). A new line that says something else than the file's
    line for that day is a conflict: all of them are a DataError, unless replace_lines."""
    old_days = {d.date: d for d in file.days}
    old_notices = {n.year: n for n in file.notices}
    conflicts: list[Finding] = []
    added = unchanged = replaced = 0
    for new in days:
        old = old_days.get(new.date)
        if old is not None and (old.kind, old.name) == (new.kind, new.name):
            unchanged += 1
            continue
        if old is not None:
            conflicts.append(Finding.of("error", "calendar-conflict", Place(file.name, line=old.line), date=new.date.isoformat(),
                                        old=f"{old.kind} {old.name}".strip(), new=f"{new.kind} {new.name}".strip()))
            replaced += 1
        else:
            added += 1
        old_days[new.date] = replace(new, line=0)
    for notice in notices:
        old_notice = old_notices.get(notice.year)
        if old_notice is not None and old_notice.name == notice.name:
            unchanged += 1
            continue
        if old_notice is not None:
            conflicts.append(Finding.of("error", "calendar-conflict", Place(file.name, line=old_notice.line), date=str(notice.year),
                                        old=f"{NOTICE} {old_notice.name}", new=f"{NOTICE} {notice.name}"))
            replaced += 1
        else:
            added += 1
        old_notices[notice.year] = replace(notice, line=0)
    if conflicts and not replace_lines:
        raise DataError("calendar-conflicts", findings=conflicts, path=file.name, count=len(conflicts))
    merged = CalendarFile(file.name, tuple(sorted(old_days.values(), key=lambda d: d.date)), tuple(sorted(old_notices.values(), key=lambda n: n.year)))
    return Merged(merged, added, unchanged, replaced)
