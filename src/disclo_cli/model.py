"""Typed records and results that flow between the layers."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Mapping, Sequence

from disclo_cli.findings import Finding, Place, Severity, blocking, errors_of

__all__ = ["Case", "Finding", "Item", "Place", "Registers", "Request", "Severity", "Tally", "TallyRow", "blocking", "errors_of", "share"]


def share(count: int, total: int) -> Decimal | None:
    """count as a percentage of total, exact (rounding is the renderer's: render.share_text)."""
    if total <= 0:
        return None
    return Decimal(count) * 100 / Decimal(total)


@dataclass(frozen=True, slots=True)
class TallyRow:
    key: str
    count: int
    share: Decimal | None  # percentage of the total, exact; None when the total is 0
    known: bool = True
    values: tuple[int, ...] = ()  # cross table: one count per column


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts of items by one dimension (or two, as a cross table), with shares of the total."""

    by: tuple[str, ...]
    year: int | None
    total: int
    rows: tuple[TallyRow, ...]
    columns: tuple[str, ...] = ()  # second dimension's values for a cross table
    column_totals: tuple[int, ...] = ()
    findings: tuple[Finding, ...] = ()
    sources: tuple[str, ...] = ()


# --- the data a table is filled from --------------------------------------------------------------

@dataclass
class Registers:
    """All records the engine may need (everything filed up to the report year's end).

    A grouped register (from the ledger's GROUP BY) holds one record per distinct combination of the
    attributes tables look at, and `counts[kind][i]` says how many rows record i stands for.
    """

    items: Sequence[Item] = ()
    requests: Sequence[Item] = ()
    cases: Sequence[Item] = ()
    counts: Mapping[str, Sequence[int]] = field(default_factory=dict)

    def weighted(self, kind: str) -> Iterable[tuple[Item, int]]:
        records = getattr(self, kind)
        counts = self.counts.get(kind)
        return zip(records, counts, strict=True) if counts is not None else ((r, 1) for r in records)


# The register records are made from the register schema (data/registers.toml; see schema.py).
from typing import TYPE_CHECKING  # noqa: E402

if TYPE_CHECKING:  # to a type checker a record is a Record: any field, typed Any
    from disclo_cli.schema import Record as Case
    from disclo_cli.schema import Record as Item
    from disclo_cli.schema import Record as Request
else:
    from disclo_cli.schema import spec as _spec  # schema needs Place, defined above

    Item = _spec("items").record
    Request = _spec("requests").record
    Case = _spec("cases").record
