"""The office ledger: an SQLite file holding every register row ever filed, keyed so that filing
the same row twice never counts it twice.

One ingest is one transaction (BEGIN IMMEDIATE: a second ingest waits for the first). Each row
remembers the files it came from (sources). A schema version in `meta` lets later versions migrate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import Decimal
from pathlib import Path
from typing import Iterator, Sequence

from disclo_cli.errors import LedgerError
from disclo_cli.model import Case, Item, Place, Request, record_key

SCHEMA_VERSION = 3
BUSY_TIMEOUT_S = 60.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,          -- file name as given
    path TEXT NOT NULL,          -- absolute path at ingest time
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS items (
    key TEXT PRIMARY KEY, date TEXT NOT NULL, title TEXT NOT NULL, category TEXT NOT NULL,
    category_known INTEGER NOT NULL, channels TEXT NOT NULL, id TEXT NOT NULL, unit TEXT NOT NULL,
    doc_type TEXT NOT NULL, abolished TEXT, digest TEXT NOT NULL,
    source_id INTEGER NOT NULL, sheet TEXT NOT NULL, row INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS requests (
    key TEXT PRIMARY KEY, id TEXT NOT NULL, received TEXT NOT NULL, channel TEXT NOT NULL,
    applicant TEXT NOT NULL, outcome TEXT NOT NULL, reason TEXT NOT NULL, answered TEXT,
    extended INTEGER, fee TEXT, subject TEXT NOT NULL, digest TEXT NOT NULL,
    source_id INTEGER NOT NULL, sheet TEXT NOT NULL, row INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cases (
    key TEXT PRIMARY KEY, id TEXT NOT NULL, type TEXT NOT NULL, route TEXT NOT NULL,
    filed TEXT NOT NULL, result TEXT NOT NULL, digest TEXT NOT NULL,
    source_id INTEGER NOT NULL, sheet TEXT NOT NULL, row INTEGER NOT NULL
);
-- every file a row was seen in (a row stays while any of its files is filed). payload is that
-- file's version of the row (JSON: the columns, sheet, row) once another file changed it, NULL while
-- it is the row's current content
CREATE TABLE IF NOT EXISTS row_sources (
    kind TEXT NOT NULL, key TEXT NOT NULL, source_id INTEGER NOT NULL, payload TEXT,
    PRIMARY KEY (kind, key, source_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS row_sources_source ON row_sources(source_id);
-- covering indexes in GROUP BY order: tables and tallies read these, not the wide rows
CREATE INDEX IF NOT EXISTS items_tally ON items(date, category, category_known, channels, doc_type, abolished, unit);
CREATE INDEX IF NOT EXISTS requests_tally ON requests(received, channel, applicant, outcome, reason, answered, fee);
CREATE INDEX IF NOT EXISTS cases_tally ON cases(filed, type, route, result);
"""

KINDS = ("items", "requests", "cases")


def _d(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@lru_cache(maxsize=4096)
def _iso(value: dt.date) -> str:
    return value.isoformat()


@lru_cache(maxsize=4096)
def _joined(channels: tuple[str, ...]) -> str:
    return "、".join(channels)


def _values(kind: str, rec) -> tuple:
    """The stored content of a record (without key and source)."""
    if kind == "items":
        return (_iso(rec.date), rec.title, rec.category, int(rec.category_known), _joined(rec.channels), rec.id, rec.unit, rec.doc_type, _d(rec.abolished))
    if kind == "requests":
        return (rec.id, _d(rec.received), rec.channel, rec.applicant, rec.outcome, rec.reason, _d(rec.answered),
                None if rec.extended is None else int(rec.extended), None if rec.fee is None else str(rec.fee), rec.subject)
    return (rec.id, rec.type, rec.route, _d(rec.filed), rec.result)


_COLUMNS = {
    "items": ("date", "title", "category", "category_known", "channels", "id", "unit", "doc_type", "abolished"),
    "requests": ("id", "received", "channel", "applicant", "outcome", "reason", "answered", "extended", "fee", "subject"),
    "cases": ("id", "type", "route", "filed", "result"),
}
_DATE_COLUMN = {"items": "date", "requests": "received", "cases": "filed"}


def _digest(values: tuple) -> str:
    return hashlib.sha1(repr(values).encode("utf-8")).hexdigest()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class FileResult:
    """What one ingest did with one file's rows."""

    file: str
    kind: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    repeated: int = 0  # the same key twice within this ingest: the later row wins
    rejected: int = 0


@dataclass(frozen=True)
class SourceInfo:
    id: int
    name: str
    path: str
    sha256: str
    kind: str
    ingested_at: str
    rows: int


@dataclass
class Batch:
    """Records of one file to file in the ledger."""

    path: Path
    kind: str
    records: Sequence = field(default_factory=list)
    rejected: int = 0


class Ledger:
    """An open ledger. Use `with Ledger.open(config) as ledger:`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, timeout: float = BUSY_TIMEOUT_S) -> None:
        self.conn = conn
        self.path = path
        self.timeout = timeout

    # --- opening ------------------------------------------------------------------------------
    @classmethod
    def open_path(cls, path: Path, *, create: bool = True, timeout: float = BUSY_TIMEOUT_S) -> "Ledger":
        if not create and not path.exists():
            raise LedgerError("ledger-missing", path=str(path))
        if path.exists() and path.is_dir():
            raise LedgerError("ledger-is-folder", path=str(path))
        try:
            conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
            conn.execute("PRAGMA foreign_keys = ON")
            # a bulk ingest touches index pages all over: keep up to ~256 MB of them in memory
            conn.execute("PRAGMA cache_size = -262144")
            version = cls._version(conn, path)
            if version is None:
                with _tx(conn, path, timeout):
                    for stmt in _SCHEMA.split(";"):
                        if stmt.strip():
                            conn.execute(stmt)
                    conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                    conn.execute("INSERT OR IGNORE INTO meta VALUES ('created_at', ?)", (dt.datetime.now().isoformat(timespec="seconds"),))
            elif version < SCHEMA_VERSION:
                with _tx(conn, path, timeout):
                    _migrate(conn, version)
            elif version > SCHEMA_VERSION:
                raise LedgerError("ledger-too-new", path=str(path), version=version, known=SCHEMA_VERSION)
        except sqlite3.DatabaseError as exc:
            raise LedgerError("ledger-damaged", path=str(path), problem=str(exc)) from exc
        return cls(conn, path, timeout)

    @classmethod
    def open(cls, config, *, create: bool = False) -> "Ledger":
        if config.db_path is None:
            raise LedgerError("ledger-none")
        return cls.open_path(Path(config.db_path), create=create, timeout=config.lock_timeout)

    @staticmethod
    def _version(conn: sqlite3.Connection, path: Path) -> int | None:
        has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if not has_meta:
            tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
            if tables:
                raise LedgerError("ledger-foreign", path=str(path))
            return None
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- writing ------------------------------------------------------------------------------
    def ingest(self, batches: Sequence[Batch], *, now: str | None = None) -> list[FileResult]:
        """File every batch in one transaction: all of it or, on any failure, none of it."""
        now = now or dt.datetime.now().isoformat(timespec="seconds")
        results: list[FileResult] = []
        with _tx(self.conn, self.path, self.timeout):
            for batch in batches:
                results.append(self._ingest_one(batch, now))
        return results

    def _ingest_one(self, batch: Batch, now: str) -> FileResult:
        kind = batch.kind
        cols = _COLUMNS[kind]
        res = FileResult(batch.path.name, kind, rejected=batch.rejected)
        cur = self.conn.execute(
            "INSERT INTO sources (name, path, sha256, kind, ingested_at) VALUES (?, ?, ?, ?, ?)",
            (batch.path.name, str(batch.path.resolve()), file_sha256(batch.path), kind, now),
        )
        source_id = cur.lastrowid
        fresh: dict[str, tuple] = {}
        for rec in batch.records:
            key = record_key(kind, rec)
            values = _values(kind, rec)
            if key in fresh:
                res.repeated += 1
            fresh[key] = (values, rec.place)
        existing: dict[str, str] = {}
        keys = list(fresh)
        for i in range(0, len(keys), 900):
            chunk = keys[i : i + 900]
            q = f"SELECT key, digest FROM {kind} WHERE key IN ({','.join('?' * len(chunk))})"
            existing.update(self.conn.execute(q, chunk).fetchall())
        insert_rows, update_rows = [], []
        for key, (values, place) in fresh.items():
            digest = _digest(values)
            old = existing.get(key)
            if old is None:
                insert_rows.append((key, *values, digest, source_id, place.sheet, place.row or 0))
                res.added += 1
            elif old != digest:
                update_rows.append((*values, digest, source_id, place.sheet, place.row or 0, key))
                res.updated += 1
            else:
                res.unchanged += 1
        if update_rows:
            # keep the versions other files gave these rows, so that forgetting this file restores them
            self._materialize(kind, [r[-1] for r in update_rows])
        all_cols = ("key", *cols, "digest", "source_id", "sheet", "row")
        self.conn.executemany(f"INSERT INTO {kind} ({','.join(all_cols)}) VALUES ({','.join('?' * len(all_cols))})", insert_rows)
        set_cols = (*cols, "digest", "source_id", "sheet", "row")
        self.conn.executemany(f"UPDATE {kind} SET {', '.join(c + ' = ?' for c in set_cols)} WHERE key = ?", update_rows)
        self.conn.executemany("INSERT OR IGNORE INTO row_sources (kind, key, source_id) VALUES (?, ?, ?)", ((kind, k, source_id) for k in fresh))
        return res

    def _materialize(self, kind: str, keys: Sequence[str]) -> None:
        """Store the current content as the version of every file that holds it implicitly (NULL)."""
        cols = ", ".join((*_COLUMNS[kind], "sheet", "row"))
        for i in range(0, len(keys), 900):
            chunk = list(keys[i : i + 900])
            self.conn.execute(
                f"UPDATE row_sources SET payload = (SELECT json_array({cols}) FROM {kind} t WHERE t.key = row_sources.key) "
                f"WHERE kind = ? AND payload IS NULL AND key IN ({','.join('?' * len(chunk))})",
                (kind, *chunk),
            )

    def _restore(self, kind: str, forgotten: Sequence[int]) -> int:
        """Rows whose current content came from a forgotten file get the latest remaining file's version."""
        marks = ",".join("?" * len(forgotten))
        q = (f"SELECT t.key, rs.source_id, rs.payload FROM {kind} t JOIN row_sources rs ON rs.kind = ? AND rs.key = t.key "
             f"AND rs.source_id = (SELECT max(source_id) FROM row_sources x WHERE x.kind = ? AND x.key = t.key) "
             f"WHERE t.source_id IN ({marks})")
        restored = 0
        set_cols = (*_COLUMNS[kind], "sheet", "row")
        for key, source_id, payload in self.conn.execute(q, (kind, kind, *forgotten)).fetchall():
            if payload is not None:
                self._materialize(kind, [key])
                values = json.loads(payload)
                digest = _digest(tuple(values[: len(_COLUMNS[kind])]))
                self.conn.execute(f"UPDATE {kind} SET {', '.join(c + ' = ?' for c in set_cols)}, digest = ?, source_id = ? WHERE key = ?", (*values, digest, source_id, key))
                self.conn.execute("UPDATE row_sources SET payload = NULL WHERE kind = ? AND key = ? AND source_id = ?", (kind, key, source_id))
                restored += 1
            else:
                self.conn.execute(f"UPDATE {kind} SET source_id = ? WHERE key = ?", (source_id, key))
        return restored

    def forget(self, name: str) -> dict[str, int]:
        """Take out the rows that only the named file (name, path or sha256) brought in."""
        with _tx(self.conn, self.path, self.timeout):
            # a path that was filed means that file only, not every file of the same name elsewhere
            ids = [r[0] for r in self.conn.execute("SELECT id FROM sources WHERE path = ?", (str(Path(name).resolve()),))]
            if not ids:
                ids = [r[0] for r in self.conn.execute("SELECT id FROM sources WHERE name = ? OR sha256 = ?", (Path(name).name, name))]
            if not ids:
                raise LedgerError("forget-unknown", name=name, path=str(self.path))
            removed: dict[str, int] = {}
            marks = ",".join("?" * len(ids))
            for kind in KINDS:
                self.conn.execute(f"DELETE FROM row_sources WHERE kind = ? AND source_id IN ({marks})", (kind, *ids))
                cur = self.conn.execute(f"DELETE FROM {kind} WHERE key NOT IN (SELECT key FROM row_sources WHERE kind = ?)", (kind,))
                removed[kind] = cur.rowcount
                # rows still held by another file take that file's version back
                self._restore(kind, ids)
            self.conn.execute(f"DELETE FROM sources WHERE id IN ({marks})", ids)
        return removed

    def backup(self, target: Path) -> None:
        """A consistent copy through SQLite's backup API (safe while others use the ledger)."""
        dest = sqlite3.connect(str(target))
        try:
            self.conn.backup(dest)
        finally:
            dest.close()

    # --- reading ------------------------------------------------------------------------------
    def _select(self, kind: str, where: str = "", args: Sequence = ()) -> Iterator[tuple]:
        cols = ", ".join(f"t.{c}" for c in _COLUMNS[kind])
        q = f"SELECT {cols}, s.name, t.sheet, t.row FROM {kind} t JOIN sources s ON s.id = t.source_id {where}"
        return self.conn.execute(q, args)

    def items(self, year: int | None = None, *, through: int | None = None) -> list[Item]:
        """Items dated in `year`, or all dated up to the end of `through`, or all."""
        return self._items(*_period("date", year, through))

    def _items(self, where: str, args: Sequence) -> list[Item]:
        out = []
        for date, title, cat, known, chans, id_, unit, doc_type, abolished, name, sheet, row in self._select("items", where, args):
            out.append(Item(_date(date), title, cat, bool(known), tuple(chans.split("、")) if chans else (), id_, unit, doc_type, _date(abolished), Place(name, sheet, row)))
        return out

    def requests(self, *, through: int | None = None) -> list[Request]:
        where, args = _period("received", None, through)
        out = []
        for id_, rec, ch, app, outc, reason, ans, ext, fee, subject, name, sheet, row in self._select("requests", where, args):
            out.append(Request(id_, _date(rec), ch, app, outc, reason, _date(ans), None if ext is None else bool(ext), None if fee is None else Decimal(fee), Place(name, sheet, row), subject))
        return out

    def cases(self, *, through: int | None = None) -> list[Case]:
        where, args = _period("filed", None, through)
        return [Case(id_, t, route, _date(filed), result, Place(name, sheet, row)) for id_, t, route, filed, result, name, sheet, row in self._select("cases", where, args)]

    def registers(self, *, through: int | None = None):
        """Every row filed up to the end of `through`, as engine Registers (one record a row)."""
        from disclo_cli.formats.engine import Registers

        return Registers(self.items(through=through), self.requests(through=through), self.cases(through=through))

    def grouped(self, *, through: int | None = None, year: int | None = None, by_unit: bool = False):
        """Registers with one record per distinct combination of what tables and tallies count,
        and counts saying how many rows each stands for (GROUP BY in SQLite: a million rows in a
        fraction of a second). Titles, ids and places are left out."""
        from disclo_cli.formats.engine import Registers

        here = Place(self.path.name)
        where, args = _period("date", year, through)
        items, item_n = [], []
        # grouped in the order of the covering index items_tally, so SQLite needs no sort
        unit_col = ", t.unit" if by_unit else ", ''"
        q = (f"SELECT t.date, t.category, t.category_known, t.channels, t.doc_type, t.abolished{unit_col}, count(*) FROM items t {where} "
             f"GROUP BY t.date, t.category, t.category_known, t.channels, t.doc_type, t.abolished{', t.unit' if by_unit else ''}")
        for date, cat, known, chans, doc_type, abolished, unit, n in self.conn.execute(q, args):
            items.append(Item(_date(date), "", cat, bool(known), tuple(chans.split("、")) if chans else (), "", unit, doc_type, _date(abolished), here))
            item_n.append(n)
        requests, request_n = [], []
        if year is None:
            where, args = _period("received", None, through)
            q = (f"SELECT t.received, t.channel, t.applicant, t.outcome, t.reason, t.answered, sum(CAST(t.fee AS REAL)), count(t.fee), count(*) FROM requests t {where} "
                 "GROUP BY t.received, t.channel, t.applicant, t.outcome, t.reason, t.answered")
            for rec, ch, app, outc, reason, ans, fee, fees, n in self.conn.execute(q, args):
                requests.append(Request("", _date(rec), ch, app, outc, reason, _date(ans), None, Decimal(str(fee)).normalize() if fees else None, here))
                request_n.append(n)
        cases, case_n = [], []
        if year is None:
            where, args = _period("filed", None, through)
            q = f"SELECT t.type, t.route, t.filed, t.result, count(*) FROM cases t {where} GROUP BY t.type, t.route, t.filed, t.result"
            for ctype, route, filed, result, n in self.conn.execute(q, args):
                cases.append(Case("", ctype, route, _date(filed), result, here))
                case_n.append(n)
        return Registers(items, requests, cases, {"items": item_n, "requests": request_n, "cases": case_n})

    def summary(self) -> list[tuple[str, int, int]]:
        """(kind, year, rows) for every year and kind in the ledger."""
        out = []
        for kind in KINDS:
            col = _DATE_COLUMN[kind]
            for year, n in self.conn.execute(f"SELECT substr({col}, 1, 4), count(*) FROM {kind} GROUP BY 1 ORDER BY 1"):
                out.append((kind, int(year), n))
        return out

    def sources(self) -> list[SourceInfo]:
        q = ("SELECT s.id, s.name, s.path, s.sha256, s.kind, s.ingested_at, "
             "(SELECT count(*) FROM row_sources rs WHERE rs.source_id = s.id) FROM sources s ORDER BY s.id")
        return [SourceInfo(*r) for r in self.conn.execute(q)]



def _migrate(conn: sqlite3.Connection, version: int) -> None:
    """Bring an older ledger up to SCHEMA_VERSION, step by step, inside the caller's transaction."""
    if version < 2:
        # v2: each file's own version of a row, so that 'ledger forget' can restore it
        conn.execute("ALTER TABLE row_sources ADD COLUMN payload TEXT")
    if version < 3:
        # v3: covering indexes for the grouped reads of tables and tallies (they lead with the date,
        # so the date-only indexes of v1 are dropped)
        for stmt in _SCHEMA.split(";"):
            if "_tally ON" in stmt:
                conn.execute(stmt)
        for name in ("items_date", "requests_received", "cases_filed"):
            conn.execute(f"DROP INDEX IF EXISTS {name}")
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))


def _period(column: str, year: int | None, through: int | None) -> tuple[str, tuple]:
    if year is not None:
        return f"WHERE t.{column} >= ? AND t.{column} <= ?", (f"{year}-01-01", f"{year}-12-31")
    if through is not None:
        return f"WHERE t.{column} <= ?", (f"{through}-12-31",)
    return "", ()


@contextmanager
def _tx(conn: sqlite3.Connection, path: Path, timeout: float):
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception; waits for another writer."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise LedgerError("ledger-locked", path=str(path), seconds=f"{timeout:g}") from exc
        raise LedgerError("ledger-write-failed", path=str(path), problem=str(exc)) from exc
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        conn.execute("ROLLBACK")
        raise LedgerError("ledger-commit-failed", path=str(path), problem=str(exc)) from exc
