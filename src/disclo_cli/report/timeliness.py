"""The year's answered requests on the working-day calendar, for the report's processing-time
sentence (「全年答复的N件申请中，按期答复N件，按期答复率X%，平均用时X个工作日」).

A small adapter over :func:`disclo_cli.deadlines.timeliness`: the requests answered in the year,
read row by row from the ledger (the grouped reads drop the dates a deadline depends on), counted on
the package's calendar overridden by the workspace's calendar file. NOTE: the county roll-up's
办理时效 table (statistic cells in the table engine) is to replace this once it is on main, so that
the sentence reads its cells as the other sentences read theirs.
"""

from __future__ import annotations

from disclo_cli.config import Config
from disclo_cli.deadlines import Timeliness


def answered_in(config: Config, year: int) -> Timeliness:
    """How the requests answered in `year` stood against their deadlines."""
    from disclo_cli import calendar_file
    from disclo_cli.deadlines import clock_of, deadlines_of, timeliness
    from disclo_cli.ledger import Ledger
    from disclo_cli.workdays import Calendar

    with Ledger.open(config, create=False) as ledger:
        records = [r for r in ledger.requests_touching(year) if r.answered is not None and r.answered.year == year]
    calendar = Calendar.of(calendar_file.read(config.calendar_path))
    clocks = [clock_of(r) for r in records]
    return timeliness(zip(clocks, deadlines_of(clocks, calendar), strict=True))
