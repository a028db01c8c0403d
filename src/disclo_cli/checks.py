"""Consistency rules for a year's figures, as findings with a severity, a rule code and a place.

`disclo check` and `disclo report` run the same rules: the identities of every standard table, the
carry-over from last year, shares that add up, cumulative figures not below the year's, and the row
problems found while reading registers.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Sequence

from disclo_cli.errors import InputError
from disclo_cli.model import Finding, Place, Tally


@dataclass(frozen=True)
class CheckResult:
    year: int
    standard: str
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    def as_json(self) -> dict:
        return {"year": self.year, "standard": self.standard, "errors": self.errors, "warnings": self.warnings,
                "findings": [f.as_dict() for f in self.findings]}


def check_tally(t: Tally) -> list[Finding]:
    """The category counts add up to the total; rounded shares add up to 100% (info when they don't)."""
    out: list[Finding] = []
    counted = sum(r.count for r in t.rows)
    if counted != t.total:
        out.append(Finding.of("error", "shares-sum", Place(cell="主动公开"), counted=counted, total=t.total))
    unknown = [r for r in t.rows if not r.known and r.count]
    for r in unknown:
        out.append(Finding.of("error", "unknown-category", Place(cell="主动公开"), variant="items", count=r.count, year=t.year, label=r.key))
    if t.total:
        from disclo_cli.render import rounded_share

        shares = sum((rounded_share(r.share) or Decimal(0) for r in t.rows if r.share is not None), Decimal(0))
        if shares != 100:
            out.append(Finding.of("info", "shares-rounding", Place(cell="主动公开"), shares=shares))
    return out


def previous_figures(path: Path) -> list[dict]:
    """Last year's tables as `disclo table --format json` wrote them (an object or a list)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise InputError("previous-missing", path=str(path)) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError("previous-not-json", path=str(path), problem=str(exc)) from exc
    tables = data if isinstance(data, list) else [data]
    if not all(isinstance(t, dict) and "rows" in t for t in tables):
        raise InputError("previous-not-tables", path=str(path))
    return tables


def _number(value: object) -> int | Decimal | None:
    """A published cell as a number, exact as the tables' own are: 12.1 is the Decimal its text says
    (a float would differ from this year's 15.3 − 3.2, and cannot be added to a Decimal). Blanks,
    '/', '-' stay None (blank is not zero), and so do NaN and infinities."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip().rstrip("件条元")
        try:
            value = float(text) if "." in text else int(text)
        except ValueError:
            return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        d = Decimal(str(value))
        return int(d) if d == d.to_integral() else d
    return None


def check_carry_over(this_tables, previous: Sequence[dict], year: int) -> list[Finding]:
    """The carry-over rules of each table's definition against last year's table of the same id
    (as `disclo table --format json` gives it): a row carried into this year's row, in every column
    (Table 三: 二 上年结转 = last year's 四 结转下年度), or a cumulative column (附表: 历年累计 − 本年度
    = last year's 历年累计), in every row. A blank on either side is not checked."""
    out: list[Finding] = []
    prev = {str(t.get("table")): t for t in previous}
    for t in this_tables:
        last = prev.get(t.table)
        if last is None:
            continue
        prev_rows = {r.get("id"): r.get("values", []) for r in last.get("rows", [])}
        d = t.definition
        for rule in d.carry_over:
            if rule.by == "row":
                before = prev_rows.get(rule.source)
                if before is None:
                    continue
                now = t.row(rule.target).values
                for i, col in enumerate(t.columns):
                    a, b = _number(before[i]) if i < len(before) else None, now[i]
                    if a is not None and b is not None and a != b:
                        out.append(Finding.of("error", "carry-over", Place(cell=f"{t.table}.{rule.target}/{col}"), variant="row", table=t.table, column=col,
                                              row=rule.target_name or rule.target, now=b, previous=a, source=rule.source_name or rule.source, previous_year=year - 1))
                continue
            ti, li, si = (d.column_index(c) for c in (rule.target, rule.less, rule.source))
            for r in t.rows:
                before = prev_rows.get(r.id)
                if r.kind != "data" or not before or si >= len(before):
                    continue
                last_value, total, less = _number(before[si]), r.values[ti], r.values[li]
                if last_value is None or total is None or less is None:
                    continue
                if total - less != last_value:
                    out.append(Finding.of("error", "carry-over", Place(cell=f"{t.table}.{r.id}/{t.columns[ti]}"), variant="column", table=t.table,
                                          row=r.label.strip(), column=t.columns[ti], total=total, less_column=t.columns[li], less=less,
                                          previous=last_value, previous_year=year - 1))
    return out
