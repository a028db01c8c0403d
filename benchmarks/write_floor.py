"""SQLite's own floor for an idempotent keyed write of a register's rows (issue 14).

    python benchmarks/write_floor.py REGISTER.csv LEDGER.sqlite

Reads the register (untimed, with pyarrow), makes the rows as disclo's ledger stores a published
item (the key "id:" + the 索引号, the nine fields as text, a digest, the file, sheet, row and version),
then times only the write: one transaction of `INSERT … ON CONFLICT(key) DO UPDATE … WHERE the digest
differs` into a fresh WITHOUT ROWID table keyed by the key, with the covering index disclo's tables
are counted from, under the pragmas disclo's ledger uses. Prints {"rows": N, "write_s": S} as JSON.

This is what any keyed, idempotent store of these rows in SQLite costs, whatever computes them; an
ingest's floor is the read floor plus this.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import time
from pathlib import Path

COLUMNS = ("date", "title", "category", "category_known", "channels", "id", "unit", "doc_type", "abolished")
GROUPED = ("date", "category", "category_known", "channels", "doc_type", "abolished", "unit")  # the ledger's items_tally (schema 5)


def prepare(csv_path: Path) -> list[tuple]:
    """The rows as the ledger holds them (key, fields…, digest, source_id, sheet, row, seq)."""
    import pyarrow.csv as pacsv

    table = pacsv.read_csv(csv_path)
    cols = [table.column(i).cast("string").to_pylist() for i in range(table.num_columns)]
    ids, titles, dates, categories, channels, units, doc_types = cols[:7]
    out = []
    for i, (id_, title, date, category, chan, unit, doc) in enumerate(zip(ids, titles, dates, categories, channels, units, doc_types, strict=True)):
        values = (date, title, category, 1, chan, id_, unit, doc or "", None)
        dig = "2:" + hashlib.sha1(repr(values).encode("utf-8")).hexdigest()
        out.append(("id:" + id_.lower(), *values, dig, 1, "Sheet", i + 2, 1))
    return out


def write(rows: list[tuple], db: Path) -> float:
    conn = sqlite3.connect(str(db), isolation_level=None)
    conn.execute("PRAGMA cache_size = -262144")  # as disclo's ledger during an ingest
    cols = ("key", *COLUMNS, "digest", "source_id", "sheet", "row", "seq")
    conn.execute(f"CREATE TABLE items (key TEXT PRIMARY KEY, {', '.join(c + (' INTEGER' if c == 'category_known' else ' TEXT') for c in COLUMNS)}, digest TEXT NOT NULL, "
                 "source_id INTEGER NOT NULL, sheet TEXT NOT NULL, row INTEGER NOT NULL, seq INTEGER NOT NULL) WITHOUT ROWID")
    conn.execute(f"CREATE INDEX items_tally ON items({', '.join(GROUPED)})")
    updates = ", ".join(f"{c} = excluded.{c}" for c in cols[1:])
    sql = (f"INSERT INTO items ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
           f"ON CONFLICT(key) DO UPDATE SET {updates} WHERE items.digest IS NOT excluded.digest")
    t0 = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(sql, rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed


def main(argv: list[str]) -> int:
    csv_path, db = Path(argv[1]), Path(argv[2])
    rows = prepare(csv_path)
    for suffix in ("", "-journal"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    seconds = write(rows, db)
    print(json.dumps({"rows": len(rows), "write_s": round(seconds, 4)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
