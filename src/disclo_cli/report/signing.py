"""The date under the report's signature (成文日期).

An annual report is published after its year, within the reporting window (deadlines.md): a
department, township or street office by 31 January of the next year; a county-or-higher
government's own report by 31 March (2019 text, art. 49); a report on a year up to 2018 (the 2007
text) by 31 March. Without ``--date``, a report made within that window is dated today; made at any
other time (a draft during the year, or a late report), it is dated the year's last day, as the seed
report is, and a warning says so. A final report made outside the window needs ``--date``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from disclo_cli.errors import UsageError
from disclo_cli.model import Finding, Place

_DATE = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$")


def parse_report_date(text: str, option: str = "--date") -> dt.date:
    """``2019-01-15``, ``2019/1/15``, ``2019.1.15`` or ``2019年1月15日`` (full-width digits too);
    UsageError report-date-bad naming the option otherwise."""
    raw = str(text)
    m = _DATE.match(unicodedata.normalize("NFKC", raw).strip())
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise UsageError("report-date-bad", option=option, value=raw[:60])


def deadline(year: int, level: str) -> dt.date:
    """The last day to publish the report on `year` (deadlines.md: reporting deadlines)."""
    if year <= 2018 or level == "government":
        return dt.date(year + 1, 3, 31)
    return dt.date(year + 1, 1, 31)


@dataclass(frozen=True)
class Signed:
    """The date printed under the signature, and whether it is a default outside the window."""

    date: dt.date
    given: bool
    in_window: bool
    finding: Finding | None = None


def signature_date(year: int, *, today: dt.date, level: str, given: dt.date | None = None) -> Signed:
    """The given date (refused if before the year's last day), else today within the window, else
    the year's last day and a warning."""
    last = dt.date(year, 12, 31)
    due = deadline(year, level)
    if given is not None:
        if given < last:
            raise UsageError("report-date-early", date=given.isoformat(), year=year)
        return Signed(given, True, given <= due)
    if last < today <= due:
        return Signed(today, False, True)
    why = "draft" if today <= last else "late"
    finding = Finding.of("warning", "report-date-default", Place(), variant=why, today=today.isoformat(), year=year,
                         date=last.isoformat(), deadline=due.isoformat())
    return Signed(last, False, False, finding)
