"""The State Council's holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知), read into days.

The notice has a fixed shape: numbered sections, one per holiday, e.g.

    一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
        2月14日（周六）、2月28日（周六）上班。

A clause with 放假 (or 补休) gives days off, as ranges (至) or single dates; a clause ending in 上班
gives make-up working days. A date without a month takes the month of the date before it; a date
without a year takes the notice's year (dates in another year, as in the 2019 notice's
「2018年12月30日至2019年1月1日」, say their year). What the text says about each date is checked:
a weekday in brackets must be that date's weekday, 「共N天」 must be the number of days off. A clause
with a date that is neither (「安排职工在除夕（2月9日）休息」, the old 「公休日调至」 form) is not
read, and is listed so that the clerk sees it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from disclo_cli.calendar_file import OFF, ON, DayType
from disclo_cli.errors import InputError, UsageError

_SECTION = re.compile(r"(?:^|(?<=[\n。\s]))([一二三四五六七八九十]{1,3})、([^:\n。]{1,40}?):")
_DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\(([^()]*)\))?")
_RANGE = re.compile(r"^\s*(?:至|到|—|–|-|~)\s*$")
_WEEKDAY = re.compile(r"(?:周|星期)([一二三四五六日天])")
_COUNT = re.compile(r"共(\d+)天")
_TITLE_YEAR = re.compile(r"关于(\d{4})年(?:部分)?节假日安排")
_BODY_YEAR = re.compile(r"现将(\d{4})年")
_NUMBER = re.compile(r"国办发明电〔\d{4}〕\d+号")
_TITLE = re.compile(r"国务院办公厅关于\d{4}年部分节假日安排的通知")
WEEKDAYS = "一二三四五六日"
LONGEST_HOLIDAY = 15  # days; a longer range is a misreading


@dataclass(frozen=True, slots=True)
class NoticeDay:
    date: dt.date
    kind: DayType  # 休 or 班
    name: str  # the section's holiday: 元旦, 国庆节、中秋节 …


@dataclass(frozen=True, slots=True)
class Notice:
    year: int
    title: str
    number: str  # 国办发明电〔2024〕12号, "" when the text does not give it
    days: tuple[NoticeDay, ...]  # in date order
    unread: tuple[str, ...]  # clauses with a date that were not read, as "name: clause"

    @property
    def source(self) -> str:
        """What the calendar file's 来源 column says of these days."""
        return self.number or self.title


def parse_notice(text: str, *, year: int | None = None, name: str = "") -> Notice:
    """The days of a notice's text; `year` when the text does not say it (it must agree if it does)."""
    text = unicodedata.normalize("NFKC", text).replace("\r", "")
    said = _TITLE_YEAR.search(text) or _BODY_YEAR.search(text)
    if said and year is not None and int(said.group(1)) != year:
        raise UsageError("notice-year-differs", path=name, given=year, found=int(said.group(1)))
    if year is not None:
        notice_year = year
    elif said is not None:
        notice_year = int(said.group(1))
    else:
        raise UsageError("notice-no-year", path=name)
    heads = list(_SECTION.finditer(text))
    if not heads:
        raise InputError("notice-no-sections", path=name)
    days: dict[dt.date, NoticeDay] = {}
    unread: list[str] = []
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        body = text[head.end():end].split("\n", 1)[0]
        holiday = head.group(2).strip()
        for day in _section(body, holiday, notice_year, name, unread):
            if day.date in days:
                raise InputError("notice-day-twice", path=name, date=day.date.isoformat(), first=days[day.date].name, second=holiday)
            days[day.date] = day
    title = _TITLE.search(text)
    number = _NUMBER.search(text)
    return Notice(notice_year, title.group(0) if title else f"国务院办公厅关于{notice_year}年部分节假日安排的通知",
                  number.group(0) if number else "", tuple(sorted(days.values(), key=lambda d: d.date)), tuple(unread))


def _section(body: str, holiday: str, year: int, name: str, unread: list[str]) -> list[NoticeDay]:
    out: list[NoticeDay] = []
    last: tuple[int, int] | None = None  # (year, month) of the date before, for 「至3日」, 「、21日」
    for clause in _clauses(body):
        tokens = list(_DATE.finditer(clause))
        count = _COUNT.search(clause)
        if count and not tokens:
            off = sum(1 for d in out if d.kind == OFF)
            if off != int(count.group(1)):
                raise InputError("notice-count", path=name, holiday=holiday, said=int(count.group(1)), found=off)
            continue
        if not tokens:
            continue
        kind = _kind(clause)
        if kind is None:
            unread.append(f"{holiday}: {clause}")
            continue
        dates: list[dt.date] = []
        for token in tokens:
            date, last = _token_date(token, last, year, name, holiday)
            dates.append(date)
        for j, date in enumerate(dates):
            between = clause[tokens[j - 1].end():tokens[j].start()] if j else ""
            if j and _RANGE.match(between):
                out.extend(NoticeDay(dates[j - 1] + dt.timedelta(days=k), kind, holiday) for k in range(1, _span(dates[j - 1], date, name, holiday)))
            if kind == ON and date.weekday() < 5:
                unread.append(f"{holiday}: {clause}")  # a weekday 上班 is no make-up day
                continue
            out.append(NoticeDay(date, kind, holiday))
    return out


def _kind(clause: str) -> DayType | None:
    if "起" in clause:  # 「2月3日起正常上班」, 「自…起放假」: a start, not a list of days
        return None
    if clause.endswith("上班"):
        return ON
    if "放假" in clause or clause.endswith("补休"):
        return OFF
    return None


def _clauses(body: str) -> list[str]:
    """The body split at ， ； 。 outside brackets (「（农历正月初九，星期日）」 stays whole)."""
    out: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in body:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if depth == 0 and ch in ",;。":
            out.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    out.append("".join(current).strip())
    return [c for c in out if c]


def _token_date(token: re.Match, last: tuple[int, int] | None, year: int, name: str, holiday: str) -> tuple[dt.date, tuple[int, int]]:
    y_text, m_text, d_text, note = token.groups()
    if m_text is None:
        if last is None:
            raise InputError("notice-no-month", path=name, holiday=holiday, text=token.group(0))
        y, m = last[0] if y_text is None else int(y_text), last[1]
    else:
        y, m = (int(y_text) if y_text else year), int(m_text)
    try:
        date = dt.date(y, m, int(d_text))
    except ValueError as exc:
        raise InputError("notice-bad-date", path=name, holiday=holiday, text=token.group(0)) from exc
    said = _WEEKDAY.search(note or "")
    if said:
        expected = WEEKDAYS[date.weekday()]
        if said.group(1).replace("天", "日") != expected:
            raise InputError("notice-weekday", path=name, holiday=holiday, text=token.group(0), date=date.isoformat(), said=said.group(1), weekday=expected)
    return date, (y, m)


def _span(start: dt.date, end: dt.date, name: str, holiday: str) -> int:
    days = (end - start).days
    if not 0 < days < LONGEST_HOLIDAY:
        raise InputError("notice-bad-range", path=name, holiday=holiday, start=start.isoformat(), end=end.isoformat())
    return days


@dataclass(frozen=True, slots=True)
class Imported:
    """What `disclo calendar import` read and what it did to the calendar file."""

    notice: Notice
    path: str  # the calendar file
    added: int
    unchanged: int
    replaced: int
    written: bool  # False for a dry run (or when nothing changed)


def import_notice(notice_path: Path, calendar_path: Path, *, year: int | None = None, replace_lines: bool = False, dry_run: bool = False) -> Imported:
    """Read a notice's text into the calendar file, merged by date (see calendar_file.merge); the
    file is written atomically, and not at all for a dry run."""
    from disclo_cli import calendar_file
    from disclo_cli.fsio import write_bytes
    from disclo_cli.ingest.readers import decode_as

    try:
        data = notice_path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("input-missing", path=str(notice_path)) from exc
    except OSError as exc:
        raise InputError("input-unreadable", path=str(notice_path), problem=exc.strerror or str(exc)) from exc
    notice = parse_notice(decode_as(data, str(notice_path))[0], year=year, name=str(notice_path))
    if not notice.days:
        raise InputError("notice-no-days", path=str(notice_path))
    existing = calendar_file.read(calendar_path) or calendar_file.CalendarFile(str(calendar_path))
    source = notice.source
    lines = [calendar_file.DayLine(d.date, d.kind, d.name, source) for d in notice.days]
    merged = calendar_file.merge(existing, lines, [calendar_file.NoticeLine(notice.year, notice.title, source)], replace_lines=replace_lines)
    changed = bool(merged.added or merged.replaced)
    if changed and not dry_run:
        write_bytes(calendar_path, calendar_file.render(merged.file), own="protected.calendar")  # the calendar file is its to write
    return Imported(notice, str(calendar_path), merged.added, merged.unchanged, merged.replaced, changed and not dry_run)
