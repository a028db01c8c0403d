"""The rules of each register kind: what a row needs to be counted, what its fields mean together.

A rule gets one row (its fields already normalised by type, see registers.py) and returns the
record's stored values, or None when the row cannot be counted; each problem is a finding on the row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, cast

from disclo_cli.config import Config
from disclo_cli.ingest.cells import MAX_PARTS, Bad, Row, Unknown, clip
from disclo_cli.ingest.outcomes import NOT_A_REQUEST, OPEN, OutcomeRules, Reading
from disclo_cli.messages import msg
from disclo_cli.vocab import builtin_data

_INVALID = ("否", "失效", "已废止", "废止", "无效")
_RULES_CACHE: dict[int, tuple[Config, OutcomeRules, dict]] = {}


def outcome_rules(config: Config) -> tuple[OutcomeRules, dict]:
    """The outcome rules of a configuration (built once per Config), and a memo of readings."""
    hit = _RULES_CACHE.get(id(config))
    if hit is None or hit[0] is not config:
        data = builtin_data()
        merged = {**data["outcomes"], "articles": data.get("articles", {})}
        rules = OutcomeRules.build(merged, config.outcome_aliases, config.vocab["outcomes"], config.vocab["reasons"], config.reason_families)
        hit = _RULES_CACHE[id(config)] = (config, rules, {})
    return hit[1], hit[2]


def items(row: Row, config: Config) -> dict | None:
    date = row.date("date", required=True)
    title = row["title"] or ""
    if not title:
        row.add("warning", "missing-title", "title")
    category = row.label("category", "category", required=True, unknown="warning", reject=False)
    known = True
    if category is None:
        known = False
        value = row["category"]
        if isinstance(value, Unknown) and value.candidates:
            return None
        category = value.text if isinstance(value, Unknown) else row.raw("category")
    channels: tuple[str, ...] = ()
    value = row["channels"]
    if value is not None:
        channels, unknown = cast("tuple[tuple[str, ...], tuple[Unknown, ...]]", value)  # registers._labels
        undecided = [u for u in unknown if u.candidates]
        for part in undecided:
            row.add("error", "needs-decision", "channels", variant="channels", reject=True, value=clip(part.text),
                    candidates="、".join(part.candidates), vocabulary="channels")
        plain = [u for u in unknown if not u.candidates]
        severity = "error" if row.read.strict else "warning"
        vocab = config.vocab["channels"]
        for part in plain[:MAX_PARTS]:
            close = vocab.closest(part.text)
            row.add(severity, "unknown-channel", "channels", value=clip(part.text), vocabulary="channels",
                    close=msg("closest-known", labels="、".join(close)) if close else "")
        if len(plain) > MAX_PARTS:
            row.add(severity, "unknown-channel", "channels", variant="more", count=len(plain) - MAX_PARTS)
    if not channels and config.default_channel:
        channels = (config.default_channel,)
    doc_labels = config.vocab["doc_types"].labels
    doc_type = ""
    if row["doc_type"]:
        doc_type = row.label("doc_type", "document-type", unknown="warning", reject=False) or ""
    elif category in doc_labels:
        doc_type = category
    abolished = row.date("abolished", reject=False) if row.has("abolished") else None
    if abolished is None and row.has("valid") and row.raw("valid") in _INVALID and not isinstance(row["abolished"], Exception):
        row.add("warning", "abolished-without-date", "valid")
    if date is None or not category:
        return None
    return {"date": date, "title": title, "category": category, "category_known": known, "channels": channels,
            "id": row["id"] or "", "unit": row["unit"] or "", "doc_type": doc_type, "abolished": abolished}


def _reading(row: Row, config: Config, received: dt.date | None) -> Reading:
    rules, memo = outcome_rules(config)
    outcome, reason = row.raw("outcome"), row.raw("reason")
    if not row.has("outcome"):  # the legal basis alone (答复依据) says the outcome: read it as one
        outcome, reason = reason, ""
    regime = received is not None and received >= dt.date(2019, 5, 15)
    key = (outcome, reason, regime)
    hit = memo.get(key)
    if hit is None:
        hit = memo[key] = rules.read(outcome, reason, received)
    return hit


def requests(row: Row, config: Config) -> dict | None:
    received = row.date("received", required=True)
    answered = row.date("answered") if row.has("answered") else None
    channel = row.label("channel", "request-channel", unknown="warning", reject=False) or "" if row["channel"] is not None else ""
    applicant = row.label("applicant", "applicant-type", required=True) if row.has("applicant") else (row["applicant"] or "")
    reading = _reading(row, config, received)
    family, reason = _outcome(row, config, reading)
    if row.excluded:
        return None
    if answered is not None and family == "" and row.ok:
        row.add("error", "answer-without-outcome", "outcome", reject=True)
    if family and answered is None and row.has("answered") and row["answered"] is None:
        row.add("error", "outcome-without-answer-date", "answered", reject=True, family=family)
    if received and answered and answered < received:
        row.add("error", "answer-before-receipt", "answered", reject=True, answered=answered.isoformat(), received=received.isoformat())
    extended = row["extended"]
    if isinstance(extended, Bad):
        row.add("warning", "bad-extended", "extended", value=extended.text)
        extended = None
    fee = row["fee"]
    if isinstance(fee, Bad):
        row.add("error", "bad-fee", "fee", reject=True, value=fee.text, why=fee.why)
        fee = None
    dates = {name: row.date(name, reject=False) for name in ("extended_on", "correction_sent", "correction_received", "consult_sent", "consult_received", "fee_notice", "fee_paid")}
    if received is None or applicant is None or family is None or reason is None:
        return None
    return {"id": row["id"] or "", "received": received, "channel": channel, "applicant": applicant, "name": row["name"] or "",
            "subject": row["subject"] or "", "outcome": family, "reason": reason, "answered": answered, "extended": extended,
            **dates, "fee": fee, "unit": row["unit"] or ""}


def _outcome(row: Row, config: Config, reading: Reading) -> tuple[str | None, str | None]:
    """(family, reason) of a row's reading, each problem reported on the row."""
    rules, _ = outcome_rules(config)
    text = clip(row.raw("outcome") or row.raw("reason"))
    if reading.candidates:
        shown = "、".join(_shown(c) for c in reading.candidates)
        row.add("error", "needs-decision", "outcome", variant="outcome", reject=True, value=text, candidates=shown)
        return None, None
    family = reading.family
    if family is None:
        close = config.vocab["outcomes"].closest(text)
        row.add("error", "unknown-outcome", "outcome", reject=True, value=text,
                close=msg("closest-known", labels="、".join(close)) if close else "", labels="、".join(config.vocab["outcomes"].labels))
        return None, None
    if family == NOT_A_REQUEST:
        row.excluded = True
        row.add("info", "not-a-request", "outcome", value=text)
        return None, None
    if family == OPEN:
        return "", ""
    if not family:
        return "", ""
    members = rules.reason_families.get(family, ())
    reason = reading.reason
    name = "reason" if row.has("reason") else "outcome"
    if reason is None:
        what = "conflict" if reading.via == "conflict" else ""
        row.add("error", "unknown-reason", name, variant=what, reject=True, value=clip(row.raw("reason") or row.raw("outcome")), family=family, labels="、".join(members))
        return family, None
    if reason and reason not in members:
        row.add("error", "reason-mismatch", name, reject=True, reason=reason, family=family, labels="、".join(members))
        return family, None
    if family in rules.needs_reason and not reason:
        row.add("error", "missing-reason", name, reject=True, family=family, labels="、".join(members))
        return family, None
    return family, reason


def _shown(target: tuple[str, str]) -> str:
    family, reason = target
    return {OPEN: "办理中", NOT_A_REQUEST: "不计为申请"}.get(family, family + (f"/{reason}" if reason else ""))


def cases(row: Row, config: Config) -> dict | None:
    filed = row.date("filed", required=True)
    ctype = row.label("type", "case-type", required=True)
    route: str | None = ""
    if ctype == "行政诉讼":
        if row.has("route"):
            route = row.label("route", "lawsuit-route", required=True)
            if route == "":
                route = None
        else:
            row.add("error", "missing-lawsuit-route", "type", variant="no-column", reject=True)
            route = None
    result = row.label("result", "case-result") if row.has("result") else ""
    if result == "":
        result = "尚未审结"  # a blank result means the case is not concluded (as registers keep it)
    if filed is None or not ctype or route is None or result is None:
        return None
    return {"id": row["id"] or "", "type": ctype, "route": route, "filed": filed, "result": result, "unit": row["unit"] or ""}


RULES: dict[str, Callable[[Row, Config], dict | None]] = {"items": items, "requests": requests, "cases": cases}


# --- what each rule only passes on ------------------------------------------------------------------

@dataclass(frozen=True)
class Through:
    """A field a kind's rule only passes on: whatever the rule finds depends on the field's value
    only through `state(value)` (a small number), and the record holds `out(value)`. The reader
    runs a rule once per combination of the other fields' values and these states (registers.py);
    it checks `out` on every combination it runs, and reads row by row if a rule does otherwise."""

    state: Callable[[object], int]
    out: Callable[[object], object]


def _date_state(value: object) -> int:
    return 0 if isinstance(value, dt.date) else 1 if value is None else 2


def _date_out(value: object) -> object:
    return value if isinstance(value, dt.date) else None


def _text_out(value: object) -> object:
    return value or ""


DATE = Through(_date_state, _date_out)  # a date, none, or a cell that is not a date
TEXT = Through(lambda v: 0 if v else 1, _text_out)  # empty or not
PASSED = Through(lambda v: 0, _text_out)  # never looked at
MONEY = Through(lambda v: 1 if isinstance(v, Bad) else 0, lambda v: None if isinstance(v, Bad) else v)

THROUGH: dict[str, dict[str, Through]] = {
    "items": {"date": DATE, "title": TEXT, "id": PASSED, "unit": PASSED, "abolished": DATE},
    "requests": {"id": PASSED, "name": PASSED, "subject": PASSED, "unit": PASSED, "fee": MONEY,
                 **{name: DATE for name in ("extended_on", "correction_sent", "correction_received", "consult_sent", "consult_received", "fee_notice", "fee_paid")}},
    "cases": {"id": PASSED, "unit": PASSED, "filed": DATE},
}
