"""Dates in the forms offices type them: Excel serials, datetime cells, and many text forms."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MD = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
#: 「2018.3」「2018年3月」: a year and a month, no day (a number to Excel, but not a date)
_YEAR_MONTH = re.compile(r"^((?:19|20)\d{2})\s*(?:\.|年)\s*(\d{1,2})\s*月?$")
#: the earliest date a register of the disclosure regime can hold (the first local rules are of 2002;
#: anything before 1990 is a misread number)
EARLIEST = dt.date(1990, 1, 1)


class DateProblem(ValueError):
    """A value that is not a date: a message code (date.*) and its parameters say why."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        from disclo_cli.messages import render

        return render(self.code, self.params)


def _shown(value: object) -> str:
    """repr() of a cell for a message, cut short (a 1 MB cell must not become a 1 MB message)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:58] + "…" + text[-1]


def year_hint(*names: str) -> int | None:
    """The year a sheet or file name implies ('2018年台账.xlsx' -> 2018), first name that has one."""
    for name in names:
        m = _YEAR_IN_NAME.search(name or "")
        if m:
            return int(m.group(1))
    return None


def _make(y: int, m: int, d: int, raw: object) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError as exc:
        raise DateProblem("date.not-real", value=_shown(raw)) from exc


def parse_date(value: object, implied_year: int | None = None) -> dt.date | None:
    """A date from a cell value; None for an empty cell. Raises DateProblem for anything else.

    Numbers are Excel serial dates (1900 system) unless they have eight digits (20180305).
    '3月5日' takes the implied year (from --year, the sheet or the file name) and fails without one.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise DateProblem("date.not-a-date", value=repr(value))
    if isinstance(value, (int, float)):
        if value != value:
            return None
        if 19000101 <= value <= 21001231 and float(value).is_integer():
            return parse_date(str(int(value)), implied_year)
        if 1 <= value < 2958466:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise DateProblem("date.number", value=_shown(value))
    if isinstance(value, dt.time):
        raise DateProblem("date.time-only", value=repr(value))
    if isinstance(value, dt.timedelta):
        raise DateProblem("date.duration", value=str(value))
    text = str(value)
    if len(text) > 200:  # no date is this long: do not normalise a 1 MB cell
        raise DateProblem("date.not-a-date", value=_shown(text))
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return None
    m = _YMD.match(text)
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)), value)
    m = _COMPACT.match(text)
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)), value)
    m = _MD.match(text)
    if m and ("月" in text or implied_year is not None):
        if implied_year is None:
            raise DateProblem("date.no-year", value=_shown(text))
        return _make(implied_year, int(m.group(1)), int(m.group(2)), value)
    if _YEAR_MONTH.match(text):
        raise DateProblem("date.no-day", value=_shown(text))
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return parse_date(float(text), implied_year)
    raise DateProblem("date.unknown-form", value=_shown(text))


def implausible(value: dt.date, raw: object, today: dt.date) -> DateProblem | None:
    """A date no register can hold: before 1990 (a number that is not an Excel date, such as 5), or
    later than a year from today. None when it is plausible."""
    if value < EARLIEST or value > today + dt.timedelta(days=366):
        kind = "date.too-early" if value < EARLIEST else "date.too-late"
        return DateProblem(kind, value=_shown(raw), date=value.isoformat())
    return None


def month_day(text: str) -> bool:
    """Whether a cell is a date without a year (「3月5日」, 「3/5」)."""
    return bool(_MD.match(unicodedata.normalize("NFKC", text).strip()))
