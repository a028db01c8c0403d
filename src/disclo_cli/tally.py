"""Counts and shares of published items: pure functions from records to a Tally (or from the records
of register sheets held as columns, ingest/registers.RecordTable: the same Tally, the repeats and the
year's findings the same, with Python objects made only of the rows they name)."""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

from disclo_cli.messages import msg
from disclo_cli.model import Finding, Item, Place, Tally, TallyRow, share
from disclo_cli.schema import latest

NO_CHANNEL = "（未注明渠道）"
_NOWHERE = Place()
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


# --- from records held as columns ---------------------------------------------------------------------

#: the fields each dimension of a tally counts by
_DIM_FIELDS = {"category": ("category",), "channel": ("channels",), "month": ("date",), "unit": ("unit",)}


def repeated_rows(tables: Sequence) -> list[list[int]]:
    """Per table, the rows (in order) whose key some other record of any of the tables has too."""
    arrow = [t for t in tables if not isinstance(t.keys, list)]
    if not arrow:
        seen: Counter[str] = Counter(k for t in tables for k in t.keys)
        return [[j for j, k in enumerate(t.keys) if seen[k] > 1] for t in tables]
    import pyarrow as pa
    import pyarrow.compute as pc

    keys = [t.keys if not isinstance(t.keys, list) else pa.array(t.keys, pa.string()) for t in tables]
    every = pa.chunked_array(keys, pa.string()).combine_chunks()
    if len(every) < 2 or (not every.null_count and pc.all(pc.greater(every.slice(1), every.slice(0, len(every) - 1))).as_py()):
        return [[] for _ in tables]  # keys in increasing order (索引号 as registers number them): none twice
    if len(pc.unique(every)) == len(every):
        return [[] for _ in tables]  # no key twice: nothing to look at
    vc = pc.value_counts(every)
    twice = pc.filter(vc.field("values"), pc.greater(vc.field("counts"), 1))
    if not len(twice):
        return [[] for _ in tables]
    return [pc.indices_nonzero(pc.is_in(k, value_set=twice)).to_pylist() for k in keys]


def tally_tables(tables: Sequence, by: Sequence[str], *, year: int | None, categories: Sequence[str], channels: Sequence[str],
                 findings: Sequence[Finding] = (), sources: Sequence[str] = ()) -> Tally:
    """tally(filter_year(dedupe(the tables' records))), read a column at a time: the rows whose key
    repeats are made Python objects (dedupe says which repeats which), and those outside the year
    (filter_year says so, in dedupe's order); the rest are only counted."""
    from disclo_cli.ingest.vectors import combine, counts, flagged, take, without
    from disclo_cli.schema import key_of, spec

    by = tuple(by) or ("category",)
    fields = sorted({f for d in by for f in _DIM_FIELDS[d]})
    rep = repeated_rows(tables)
    # the repeats: Python records, in order; dedupe keeps each key's last record at its first place
    tagged = [((ti, j), rec) for ti, (t, rows) in enumerate(zip(tables, rep, strict=True)) if rows for j, rec in zip(rows, t.subset(rows), strict=True)]
    kept, dup = dedupe([rec for _, rec in tagged])
    first_at: dict[str, tuple[int, int]] = {}
    for where, rec in tagged:
        first_at.setdefault(key_of(rec), where)
    placed = [(first_at[key_of(rec)], rec) for rec in kept]
    outside: list[tuple[tuple[int, int], Item]] = []
    groups: Counter[tuple] = Counter()
    for where, rec in placed:
        if year is not None and rec.date.year != year:
            outside.append((where, rec))
        else:
            groups[tuple(getattr(rec, f) for f in fields)] += 1
    for ti, (t, rows) in enumerate(zip(tables, rep, strict=True)):
        date = t.fields["date"]
        out_rows: list[int] = []
        if year is not None:
            bad = [v is None or v.year != year for v in date.values]
            skip = set(rows)
            out_rows = [j for j in flagged(date.codes, bad) if j not in skip]
            outside += [((ti, j), rec) for j, rec in zip(out_rows, t.subset(out_rows), strict=True)]
        counted = without(len(t), [*rows, *out_rows], date.codes)
        cols = [t.fields[f] for f in fields]
        parts = [(take(c.codes, counted), len(c.values)) for c in cols]
        combo, firsts = combine(parts, len(counted))
        for k, n in enumerate(counts(combo, len(firsts))):
            if n:
                groups[tuple(c.values[codes[firsts[k]]] for c, (codes, _) in zip(cols, parts, strict=True))] += n
    outside.sort(key=lambda x: x[0])
    late = [Finding.of("warning", "outside-year", rec.place, variant="item", date=rec.date.isoformat(), year=year) for _, rec in outside]
    reg = spec("items")
    items = [reg.make(_NOWHERE, **dict(zip(fields, values, strict=True))) for values in groups]
    return tally(items, by, year=year, categories=categories, channels=channels, findings=[*findings, *dup, *late], sources=sources,
                 weights=list(groups.values()))
