"""Consistency rules for a year's figures, as findings with a severity, a rule code and a place.

`disclo check` and `disclo report` run the same rules: the identities of every standard table, the
carry-over from last year, shares that add up, cumulative figures not below the year's, and the row
problems found while reading registers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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

        shares = sum(rounded_share(r.share) for r in t.rows if r.share is not None)
        if shares != 100:
            out.append(Finding.of("info", "shares-rounding", Place(cell="主动公开"), shares=shares))
    return out


def previous_figures(path: Path) -> list[dict]:
    """Last year's tables as `disclo table --format json` wrote them (an object or a list)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError("previous-missing", path=str(path)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError("previous-not-json", path=str(path), problem=str(exc)) from exc
    tables = data if isinstance(data, list) else [data]
    if not all(isinstance(t, dict) and "rows" in t for t in tables):
        raise InputError("previous-not-tables", path=str(path))
    return tables


def _number(value):
    """A published cell as a number; blanks, '/', '-' stay None (blank is not zero)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        text = value.strip().rstrip("件条元")
        try:
            return float(text) if "." in text else int(text)
        except ValueError:
            return None
    return None


def check_carry_over(this_tables, previous: Sequence[dict], year: int) -> list[Finding]:
    """This year's 二 (上年结转) equals last year's 四 (结转下年度), per applicant column; for the legacy
    table, this year's 历年累计 − 本年度 equals last year's 历年累计."""
    out: list[Finding] = []
    prev = {str(t.get("table")): t for t in previous}
    for t in this_tables:
        if t.table == "三" and "三" in prev:
            prev_rows = {r["id"]: r for r in prev["三"]["rows"]}
            if "四" not in prev_rows:
                continue
            last = prev_rows["四"]["values"]
            now = t.row("二").values
            for i, col in enumerate(t.columns):
                a, b = _number(last[i]) if i < len(last) else None, now[i]
                if a is None or b is None:
                    continue
                if a != b:
                    out.append(Finding.of("error", "carry-over", Place(cell=f"三.二/{col}"), column=col, now=b, previous=a, previous_year=year - 1))
        if t.table == "附表" and "附表" in prev:
            prev_rows = {r["id"]: r for r in prev["附表"]["rows"]}
            ci = len(t.columns) - 1
            for r in t.rows:
                p = prev_rows.get(r.id)
                if not p or len(r.values) < 2:
                    continue
                last_cum = _number(p["values"][-1])
                if last_cum is None or r.values[0] is None or r.values[ci] is None:
                    continue
                if r.values[ci] - r.values[0] != last_cum:
                    out.append(Finding.of("error", "carry-over", Place(cell=f"附表.{r.id}/历年累计"), variant="cumulative", row=r.label.strip(),
                                          cumulative=r.values[ci], this_year=r.values[0], previous=last_cum, previous_year=year - 1))
    return out
