"""Counts and shares of published items: pure functions from records to a Tally."""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

from disclo_cli.messages import msg
from disclo_cli.model import Finding, Item, Tally, TallyRow, share
from disclo_cli.schema import latest

NO_CHANNEL = "（未注明渠道）"
NO_UNIT = "（未注明单位）"


def dedupe(items: Iterable[Item]) -> tuple[list[Item], list[Finding]]:
    """Items with repeats taken once (the later row wins, as in the ledger: schema.latest); a
    warning at each repeat naming the earlier place."""
    kept, repeats = latest(list(items))
    findings = []
    for first, item in repeats:
        what = msg("repeat-by-id", id=item.id) if item.id else msg("repeat-by-title", title=item.title, date=item.date.isoformat())
        findings.append(Finding.of("warning", "duplicate", item.place, variant="item", what=what, first=first.place))
    return kept, findings


def filter_year(items: Iterable[Item], year: int | None) -> tuple[list[Item], list[Finding]]:
    if year is None:
        return list(items), []
    inside, findings = [], []
    for item in items:
        if item.date.year == year:
            inside.append(item)
        else:
            findings.append(Finding.of("warning", "outside-year", item.place, variant="item", date=item.date.isoformat(), year=year))
    return inside, findings


def _keys(item: Item, dim: str) -> Sequence[str]:
    if dim == "category":
        return (item.category,)
    if dim == "channel":
        return item.channels or (NO_CHANNEL,)
    if dim == "month":
        return (f"{item.date.year}-{item.date.month:02d}",)
    if dim == "unit":
        return (item.unit or NO_UNIT,)
    raise ValueError(dim)


def _order(dim: str, keys: Iterable[str], categories: Sequence[str], channels: Sequence[str], year: int | None) -> list[str]:
    keys = set(keys)
    if dim == "category":
        return list(categories) + sorted(keys - set(categories))
    if dim == "channel":
        return [c for c in channels if c in keys] + sorted(keys - set(channels), key=lambda k: (k == NO_CHANNEL, k))
    if dim == "month":
        if year is not None:
            months = [f"{year}-{m:02d}" for m in range(1, 13)]
            return months + sorted(keys - set(months))
        return sorted(keys)
    return sorted(keys, key=lambda k: (k == NO_UNIT, k))


def tally(items: Sequence[Item], by: Sequence[str], *, year: int | None, categories: Sequence[str], channels: Sequence[str],
          findings: Sequence[Finding] = (), sources: Sequence[str] = (), weights: Sequence[int] | None = None) -> Tally:
    """Counts by one dimension, or a cross table by two; shares are of the number of items.

    `weights` (from a grouped ledger) says how many items each record stands for.

    Every category of the office's list appears (with 0), in its order; unknown labels follow. An
    item with several channels counts once under each, so channel shares may add up to over 100%.
    """
    if not by:
        by = ("category",)
    if len(by) > 2:
        raise ValueError("at most two dimensions")
    weights = weights if weights is not None else [1] * len(items)
    total = sum(weights)
    first = by[0]
    counts: Counter[str] = Counter()
    cross: Counter[tuple[str, str]] = Counter()
    for item, n in zip(items, weights, strict=True):
        for k in _keys(item, first):
            counts[k] += n
            if len(by) == 2:
                for k2 in _keys(item, by[1]):
                    cross[(k, k2)] += n
    row_keys = _order(first, counts, categories, channels, year)
    known_cats = set(categories)
    columns: tuple[str, ...] = ()
    column_totals: tuple[int, ...] = ()
    if len(by) == 2:
        col_counts: Counter[str] = Counter()
        for (_, k2), n in cross.items():
            col_counts[k2] += n
        columns = tuple(_order(by[1], col_counts, categories, channels, year))
        column_totals = tuple(col_counts[c] for c in columns)
    rows = tuple(
        TallyRow(
            key=k,
            count=counts[k],
            share=share(counts[k], total),
            known=(k in known_cats) if first == "category" else True,
            values=tuple(cross[(k, c)] for c in columns),
        )
        for k in row_keys
    )
    return Tally(tuple(by), year, total, rows, columns, column_totals, tuple(findings), tuple(sources))
