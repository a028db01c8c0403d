"""The core functions the commands call: one per command, from inputs to a typed result."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from disclo_cli.config import Config
from disclo_cli.errors import UsageError
from disclo_cli.model import Tally


def tally_files(files: Sequence[str], config: Config, *, by: Sequence[str], year: int | None, sheet: str | None = None, strict: bool = False) -> Tally:
    """Tally the published items of register files (every register sheet in them)."""
    from disclo_cli.ingest.registers import read_registers
    from disclo_cli.tally import dedupe, filter_year, tally

    parsed = read_registers(files, config, kind="items", sheet=sheet, year=year, strict=strict)
    items = parsed["items"]
    records, dup = dedupe(items.records)
    records, outside = filter_year(records, year)
    findings = items.findings + dup + outside
    sources = [f"{Path(f).name}:{s}" for f, s, _ in items.sheets]
    return tally(records, by, year=year, categories=config.vocab["categories"].labels, channels=config.vocab["channels"].labels, findings=findings, sources=sources)


def tally_ledger(config: Config, *, by: Sequence[str], year: int) -> Tally:
    """Tally the published items of a year from the office's ledger."""
    from disclo_cli.ledger import Ledger
    from disclo_cli.tally import tally

    with Ledger.open(config, create=False) as ledger:
        items = ledger.items(year)
    return tally(items, by, year=year, categories=config.vocab["categories"].labels, channels=config.vocab["channels"].labels, sources=[f"ledger {config.db_path}"])
