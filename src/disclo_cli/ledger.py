"""The office ledger: an SQLite file holding every register row filed, keyed so that filing the same
row twice never counts it twice, and a file filed again is held exactly as it now is.

A file is the unit of truth. Filing a file the ledger already holds (the same path in the workspace,
or one named by --replaces) makes the ledger hold that file's new content: changed rows change, rows
no longer in it are withdrawn (unless another file holds them too), new rows are added. The same
row in two files counts once; its content is that of the file that last changed it, and each other
file's version is kept (`row_sources`), so that forgetting or re-filing a file restores the rest.

Tables (their columns come from the register schema, schema.py):
  sources      one per filed file and register kind (path, name, the latest version's sha256)
  versions     every time a file was filed: what it changed
  items, requests, cases
               one row per record key: the current content, the file it came from (source_id),
               where (sheet, row) and the version that set it (seq)
  row_sources  the other files that hold a row, each with its own version (payload)
  findings     the problems found in each file's latest version (rows left out, …), for check
One ingest is one transaction (BEGIN IMMEDIATE: a second ingest waits for the first).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

from disclo_cli.errors import LedgerError
from disclo_cli.messages import msg
from disclo_cli.model import Finding, Place, Registers
from disclo_cli.schema import KINDS, Record, RegisterSpec, digest, from_sql, key_of, spec, to_sql

SCHEMA_VERSION = 5
BUSY_TIMEOUT_S = 60.0
_CHUNK = 900  # SQLite's bound-parameter limit, with room


# --- the schema, made from the register schema ----------------------------------------------------

def _record_ddl(reg: RegisterSpec) -> list[str]:
    columns = ", ".join(f"{f.name} {f.sql_type}" for f in reg.stored)
    grouped = ", ".join(f.name for f in reg.grouped)
    return [
        f"CREATE TABLE IF NOT EXISTS {reg.kind} (key TEXT PRIMARY KEY, {columns}, digest TEXT NOT NULL, "
        f"source_id INTEGER NOT NULL, sheet TEXT NOT NULL, row INTEGER NOT NULL, seq INTEGER NOT NULL DEFAULT 0)",
        # covering index in GROUP BY order, the date first: tables and tallies read it, not the wide rows
        f"CREATE INDEX IF NOT EXISTS {reg.kind}_tally ON {reg.kind}({grouped}{''.join(', ' + f.name for f in reg.summed)})",
        # a file's rows and their dates (which years a file holds: check and report ask per file)
        f"CREATE INDEX IF NOT EXISTS {reg.kind}_source ON {reg.kind}(source_id, {reg.date})",
    ]


_BASE_DDL = [
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS sources (
        id INTEGER PRIMARY KEY,
        file_key TEXT NOT NULL,      -- the path relative to the workspace (absolute when outside it)
        name TEXT NOT NULL,          -- file name as given
        path TEXT NOT NULL,          -- absolute path at the latest ingest
        sha256 TEXT NOT NULL,        -- of the latest version
        kind TEXT NOT NULL,
        ingested_at TEXT NOT NULL,   -- of the latest version
        status TEXT NOT NULL DEFAULT 'active'  -- active | forgotten | replaced
    )""",
    "CREATE INDEX IF NOT EXISTS sources_file ON sources(file_key, kind)",
    """CREATE TABLE IF NOT EXISTS versions (
        id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL, sha256 TEXT NOT NULL, ingested_at TEXT NOT NULL,
        rows INTEGER NOT NULL, added INTEGER NOT NULL, changed INTEGER NOT NULL, withdrawn INTEGER NOT NULL,
        unchanged INTEGER NOT NULL, rejected INTEGER NOT NULL, repeated INTEGER NOT NULL, replaces TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS row_sources (
        kind TEXT NOT NULL, key TEXT NOT NULL, source_id INTEGER NOT NULL, digest TEXT NOT NULL,
        seq INTEGER NOT NULL, payload TEXT NOT NULL,  -- that file's version of the row (JSON: fields, sheet, row)
        PRIMARY KEY (kind, key, source_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS row_sources_source ON row_sources(source_id)",
    """CREATE TABLE IF NOT EXISTS findings (
        source_id INTEGER NOT NULL, severity TEXT NOT NULL, code TEXT NOT NULL, variant TEXT NOT NULL,
        sheet TEXT NOT NULL, row INTEGER, col TEXT NOT NULL, params TEXT NOT NULL, year INTEGER
    )""",
    "CREATE INDEX IF NOT EXISTS findings_source ON findings(source_id)",
]


def schema_ddl() -> list[str]:
    return [*_BASE_DDL, *(stmt for kind in KINDS for stmt in _record_ddl(spec(kind)))]


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --- what goes in and what comes out ----------------------------------------------------------------

@dataclass
class Batch:
    """The records of one file (of one register kind) to file in the ledger."""

    path: Path
    kind: str
    records: Sequence[Record] = field(default_factory=list)
    file_key: str = ""  # the file's identity; its path when empty
    sha256: str = ""
    rejected: int = 0
    repeated: int = 0
    findings: Sequence[Finding] = ()  # the file's problems, kept for 'disclo check'
    replaces: Sequence[str] = ()  # files (name, path or key) this one replaces (--replaces)
    sheets: Sequence[str] | None = None  # only these sheets were read: rows of other sheets stay
    tables: Sequence | None = None  # the records held as columns (ingest/registers.RecordTable), instead of `records`


@dataclass
class FileResult:
    """What one ingest did with one file's rows."""

    file: str
    kind: str
    added: int = 0
    changed: int = 0
    withdrawn: int = 0
    unchanged: int = 0
    rejected: int = 0
    repeated: int = 0  # the same key twice within this file: the later row wins

    @property
    def updated(self) -> int:  # the name of schema version 3
        return self.changed


@dataclass(frozen=True)
class SourceInfo:
    id: int
    name: str
    path: str
    sha256: str
    kind: str
    ingested_at: str
    rows: int
    file_key: str = ""
    versions: int = 1


@dataclass(frozen=True)
class Stored:
    """A finding kept with the file it was found in."""

    finding: Finding
    year: int | None


# --- migrations ------------------------------------------------------------------------------------

def _add_missing_columns(conn: sqlite3.Connection) -> None:
    """Every field of the register schema has its column (a field added to registers.toml)."""
    for kind in KINDS:
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({kind})")}
        for f in spec(kind).stored:
            if f.name not in have:
                conn.execute(f"ALTER TABLE {kind} ADD COLUMN {f.name} {f.sql_type}")


def _v3_payloads(conn: sqlite3.Connection) -> None:
    """Schema 3 kept a row's source links with a NULL payload meaning "the current content"; schema 4
    keeps only the other files, each with its own version, and the sources as files with versions."""
    have = {r[1] for r in conn.execute("PRAGMA table_info(sources)")}
    for column, ddl in (("file_key", "TEXT NOT NULL DEFAULT ''"), ("status", "TEXT NOT NULL DEFAULT 'active'")):
        if column not in have:
            conn.execute(f"ALTER TABLE sources ADD COLUMN {column} {ddl}")
    conn.execute("UPDATE sources SET file_key = path WHERE file_key = ''")
    for stmt in _BASE_DDL:
        if "versions" in stmt or "findings" in stmt or "migrations" in stmt:
            conn.execute(stmt)
    conn.execute("INSERT INTO versions (source_id, sha256, ingested_at, rows, added, changed, withdrawn, unchanged, rejected, repeated) "
                 "SELECT id, sha256, ingested_at, 0, 0, 0, 0, 0, 0, 0 FROM sources WHERE id NOT IN (SELECT source_id FROM versions)")
    rs_columns = {r[1] for r in conn.execute("PRAGMA table_info(row_sources)")}
    old = conn.execute(f"SELECT kind, key, source_id, {'payload' if 'payload' in rs_columns else 'NULL'} FROM row_sources").fetchall()
    conn.execute("DROP TABLE row_sources")
    conn.execute(next(s for s in _BASE_DDL if "TABLE IF NOT EXISTS row_sources" in s))
    conn.execute("CREATE INDEX IF NOT EXISTS row_sources_source ON row_sources(source_id)")
    for kind in KINDS:
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({kind})")}
        if "seq" not in have:
            conn.execute(f"ALTER TABLE {kind} ADD COLUMN seq INTEGER NOT NULL DEFAULT 0")
        conn.execute(f"UPDATE {kind} SET seq = source_id")
    _add_missing_columns(conn)
    v3_columns = {
        "items": ("date", "title", "category", "category_known", "channels", "id", "unit", "doc_type", "abolished"),
        "requests": ("id", "received", "channel", "applicant", "outcome", "reason", "answered", "extended", "fee", "subject"),
        "cases": ("id", "type", "route", "filed", "result"),
    }
    for kind, key, source_id, payload in old:
        current = conn.execute(f"SELECT source_id FROM {kind} WHERE key = ?", (key,)).fetchone()
        if current is None or current[0] == source_id:
            continue  # the current holder lives in the row itself now
        if payload is None:
            values = _row_values(conn, kind, key)
        else:
            arr = json.loads(payload)
            names = v3_columns[kind]
            values = {**dict(zip(names, arr[: len(names)], strict=True)), "sheet": arr[len(names)], "row": arr[len(names) + 1]}
        conn.execute("INSERT OR REPLACE INTO row_sources VALUES (?, ?, ?, ?, ?, ?)",
                     (kind, key, source_id, _digest_sql(kind, values), source_id, json.dumps(values, ensure_ascii=False)))
    # one file per path and kind: re-ingests of the same path were separate sources in schema 3
    for file_key, kind, keep in conn.execute("SELECT file_key, kind, max(id) FROM sources GROUP BY file_key, kind HAVING count(*) > 1").fetchall():
        olds = [r[0] for r in conn.execute("SELECT id FROM sources WHERE file_key = ? AND kind = ? AND id <> ?", (file_key, kind, keep))]
        marks = ",".join("?" * len(olds))
        conn.execute(f"UPDATE {kind} SET source_id = ? WHERE source_id IN ({marks})", (keep, *olds))
        conn.execute(f"DELETE FROM row_sources WHERE source_id IN ({marks}) AND key IN (SELECT key FROM row_sources WHERE source_id = ?)", (*olds, keep))
        conn.execute(f"UPDATE row_sources SET source_id = ? WHERE source_id IN ({marks})", (keep, *olds))
        conn.execute(f"DELETE FROM row_sources WHERE source_id = ? AND key IN (SELECT key FROM {kind} WHERE source_id = ?)", (keep, keep))
        conn.execute(f"UPDATE versions SET source_id = ? WHERE source_id IN ({marks})", (keep, *olds))
        conn.execute(f"DELETE FROM sources WHERE id IN ({marks})", olds)


def _v3_indexes(conn: sqlite3.Connection) -> None:
    """The covering indexes of schema 3 are rebuilt over the schema's grouped fields."""
    for kind in KINDS:
        conn.execute(f"DROP INDEX IF EXISTS {kind}_tally")
        for stmt in _record_ddl(spec(kind)):
            if "INDEX" in stmt:
                conn.execute(stmt)
    for name in ("items_date", "requests_received", "cases_filed"):
        conn.execute(f"DROP INDEX IF EXISTS {name}")
    conn.execute("CREATE INDEX IF NOT EXISTS sources_file ON sources(file_key, kind)")


def _v5_indexes(conn: sqlite3.Connection) -> None:
    """Schema 5: the covering indexes with the unit last (a grouped read without it groups on the
    index's prefix, no sort), the source indexes with each row's date (the years a file holds)."""
    for kind in KINDS:
        conn.execute(f"DROP INDEX IF EXISTS {kind}_tally")
        conn.execute(f"DROP INDEX IF EXISTS {kind}_source")
        for stmt in _record_ddl(spec(kind)):
            if "INDEX" in stmt:
                conn.execute(stmt)


def _digests_v2(conn: sqlite3.Connection) -> None:
    """Row digests over the stored fields that have a value (schema.digest): a field added later
    leaves them as they are. Schema 3's digests (of every field in a fixed order) are recomputed."""
    for kind in KINDS:
        reg = spec(kind)
        names = [f.name for f in reg.stored]
        rows = conn.execute(f"SELECT key, {', '.join(names)} FROM {kind}").fetchall()
        conn.executemany(f"UPDATE {kind} SET digest = ? WHERE key = ?",
                         ((_digest_sql(kind, dict(zip(names, r[1:], strict=True))), r[0]) for r in rows))


@dataclass(frozen=True)
class Migration:
    name: str
    applies_to: int  # the schema versions below this one need it
    run: object


#: Named migrations, in order (sqlite-utils' migrations are the model). Each runs once, inside the
#: transaction that opens an older ledger; the `migrations` table records which ran.
MIGRATIONS: tuple[Migration, ...] = (
    Migration("0002_row_source_payloads", 2, lambda c: _v1_payload(c)),
    Migration("0004_files_versions_and_holders", 4, _v3_payloads),
    Migration("0004_covering_indexes", 4, _v3_indexes),
    Migration("0004_digests_v2", 4, _digests_v2),
    Migration("0005_indexes_unit_last_source_dates", 5, _v5_indexes),
)


def _v1_payload(conn: sqlite3.Connection) -> None:
    """Schema 2: each file's version of a row, so that 'ledger forget' can restore it."""
    if "payload" not in {r[1] for r in conn.execute("PRAGMA table_info(row_sources)")}:
        conn.execute("ALTER TABLE row_sources ADD COLUMN payload TEXT")


def pending(conn: sqlite3.Connection, version: int) -> list[Migration]:
    """The migrations an open ledger of `version` still needs: the named structural ones, then one
    per field the register schema has that the ledger has no column for (a field added to
    registers.toml: its column comes with it, empty in the rows filed before)."""
    done: set[str] = set()
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='migrations'").fetchone():
        done = {r[0] for r in conn.execute("SELECT name FROM migrations")}
    todo = [m for m in MIGRATIONS if m.name not in done and version < m.applies_to]
    for kind in KINDS:
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({kind})")}
        for f in spec(kind).stored:
            if have and f.name not in have:
                todo.append(Migration(f"column_{kind}.{f.name}", 99, _add_column(kind, f.name, f.sql_type)))
    return todo


def _add_column(kind: str, name: str, sql_type: str):
    def run(conn: sqlite3.Connection) -> None:
        if name not in {r[1] for r in conn.execute(f"PRAGMA table_info({kind})")}:  # a structural migration may have added it
            conn.execute(f"ALTER TABLE {kind} ADD COLUMN {name} {sql_type}")
            for stmt in _record_ddl(spec(kind)):  # the covering index takes a new grouped field
                if "_tally" in stmt:
                    conn.execute(f"DROP INDEX IF EXISTS {kind}_tally")
                    conn.execute(stmt)
    return run


def _apply(conn: sqlite3.Connection, migrations: Iterable[Migration]) -> None:
    conn.execute(next(s for s in _BASE_DDL if "migrations" in s))
    now = dt.datetime.now().isoformat(timespec="seconds")
    for m in migrations:
        m.run(conn)  # type: ignore[operator]
        conn.execute("INSERT OR REPLACE INTO migrations VALUES (?, ?)", (m.name, now))
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))


# --- values ----------------------------------------------------------------------------------------

def _row_values(conn: sqlite3.Connection, kind: str, key: str) -> dict:
    names = [f.name for f in spec(kind).stored]
    row = conn.execute(f"SELECT {', '.join(names)}, sheet, row FROM {kind} WHERE key = ?", (key,)).fetchone()
    return {**dict(zip(names, row[: len(names)], strict=True)), "sheet": row[-2], "row": row[-1]}


def _digest_sql(kind: str, values: Mapping[str, object]) -> str:
    """The digest of stored (SQL) values."""
    reg = spec(kind)
    return digest({f.name: from_sql(f, values.get(f.name)) for f in reg.stored})


def _sql_values(rec: Record) -> tuple:
    return tuple(to_sql(f, getattr(rec, f.name)) for f in spec(rec.kind).stored)


def _period(column: str, year: int | None, through: int | None) -> tuple[str, tuple]:
    if year is not None:
        return f"WHERE t.{column} >= ? AND t.{column} <= ?", (f"{year}-01-01", f"{year}-12-31")
    if through is not None:
        return f"WHERE t.{column} <= ?", (f"{through}-12-31",)
    return "", ()


class Ledger:
    """An open ledger. Use `with Ledger.open(config) as ledger:`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, timeout: float = BUSY_TIMEOUT_S) -> None:
        self.conn = conn
        self.path = path
        self.timeout = timeout

    # --- opening ------------------------------------------------------------------------------
    @classmethod
    def open_path(cls, path: Path, *, create: bool = True, timeout: float = BUSY_TIMEOUT_S, write: bool = False,
                  workspace: bool = False) -> "Ledger":
        """Open (or, with create, make) the ledger at path. `write`: it is about to be written, so it
        is checked first (PRAGMA quick_check: half a second on a ledger of a million rows; writing
        into a damaged file would spread the damage). `workspace`: path is a workspace's ledger
        (disclo.toml beside it): missing or empty, it is an error (the office's history gone), not
        a new ledger."""
        if path.exists() and path.is_dir():
            raise LedgerError("ledger-is-folder", path=str(path))
        if path.exists() and not path.is_file():  # a device, a FIFO: not a file SQLite can keep a ledger in
            raise LedgerError("ledger-not-a-file", path=str(path))
        size = path.stat().st_size if path.exists() else None
        if size is None and not create:
            raise LedgerError("ledger-gone" if workspace else "ledger-missing", path=str(path), found=backups_note(path))
        if size == 0 and (workspace or not create):
            raise LedgerError("ledger-empty", path=str(path), found=backups_note(path))
        try:
            conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise ledger_error(exc, path, timeout) from exc
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            # a bulk ingest touches index pages all over: keep up to ~256 MB of them in memory
            conn.execute("PRAGMA cache_size = -262144")
            version = cls._version(conn, path)
            if version is not None and write:
                _verify(conn, path, "quick_check")
            if version is None:
                with _tx(conn, path, timeout):
                    for stmt in schema_ddl():
                        conn.execute(stmt)
                    _apply(conn, list(MIGRATIONS))  # a new ledger has them all (they find nothing to do)
                    conn.execute("INSERT OR IGNORE INTO meta VALUES ('created_at', ?)", (dt.datetime.now().isoformat(timespec="seconds"),))
            elif version > SCHEMA_VERSION:
                raise LedgerError("ledger-too-new", path=str(path), version=version, known=SCHEMA_VERSION)
            else:
                todo = pending(conn, version)
                if todo or version < SCHEMA_VERSION:
                    with _tx(conn, path, timeout):
                        _apply(conn, todo)
        except BaseException as exc:
            conn.close()
            if _translatable(exc):
                raise ledger_error(exc, path, timeout) from exc
            raise
        return cls(conn, path, timeout)

    @classmethod
    def open(cls, config, *, create: bool = False, write: bool = False) -> "Ledger":
        if config.db_path is None:
            raise LedgerError("ledger-none")
        workspace = config.path is not None and not create
        return cls.open_path(Path(config.db_path), create=create, timeout=config.lock_timeout, write=write, workspace=workspace)

    @staticmethod
    def _version(conn: sqlite3.Connection, path: Path) -> int | None:
        has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if not has_meta:
            tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
            if tables:
                raise LedgerError("ledger-foreign", path=str(path))
            return None
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is None:
            return None
        try:
            return int(row[0])
        except (TypeError, ValueError) as exc:
            raise LedgerError("ledger-is-damaged", path=str(path), problem=msg("damage.version", value=str(row[0])[:40]),
                              found=backups_note(path)) from exc

    def verify(self) -> None:
        """SQLite's full integrity check (every page, every index against its table); LedgerError
        ledger-is-damaged when it finds anything."""
        _verify(self.conn, self.path, "integrity_check")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, typ, exc, tb) -> None:
        self.close()
        if exc is not None and _translatable(exc):
            raise ledger_error(exc, self.path, self.timeout) from exc  # an SQLite error in a `with` block says what it means

    # --- writing ------------------------------------------------------------------------------
    def ingest(self, batches: Sequence[Batch], *, now: str | None = None) -> list[FileResult]:
        """File every batch in one transaction: all of it or, on any failure, none of it."""
        now = now or dt.datetime.now().isoformat(timespec="seconds")
        with _tx(self.conn, self.path, self.timeout):
            return [self._ingest_one(batch, now) for batch in batches]

    def _source_ids(self, name: str, kind: str | None = None) -> list[int]:
        """Active files a name means: a filed path (exactly), else a file key, name or sha256."""
        kind_sql, kind_args = (" AND kind = ?", (kind,)) if kind else ("", ())
        resolved = str(Path(name).resolve())
        for where, args in (("path = ?", (resolved,)), ("file_key = ?", (name,)), ("name = ? OR sha256 = ?", (Path(name).name, name))):
            ids = [r[0] for r in self.conn.execute(f"SELECT id FROM sources WHERE status = 'active' AND ({where}){kind_sql}", (*args, *kind_args))]
            if ids:
                return ids
        q = f"SELECT DISTINCT source_id FROM versions WHERE sha256 = ? AND source_id IN (SELECT id FROM sources WHERE status = 'active'{kind_sql})"
        ids = [r[0] for r in self.conn.execute(q, (name, *kind_args))]
        return ids

    def _ingest_one(self, batch: Batch, now: str) -> FileResult:
        kind = batch.kind
        reg = spec(kind)
        res = FileResult(batch.path.name, kind, rejected=batch.rejected, repeated=batch.repeated)
        file_key = batch.file_key or str(batch.path.resolve())
        sha = batch.sha256 or file_sha256(batch.path)
        row = self.conn.execute("SELECT id, sha256 FROM sources WHERE file_key = ? AND kind = ? AND status = 'active'", (file_key, kind)).fetchone()
        replaced = []
        for name in batch.replaces:
            ids = self._source_ids(name, kind)
            if not ids:
                raise LedgerError("replaces-unknown", name=name, path=str(self.path))
            replaced += ids
        if row is None:
            # a file forgotten before and filed again keeps its id: its history stays together
            old = self.conn.execute("SELECT id FROM sources WHERE file_key = ? AND kind = ?", (file_key, kind)).fetchone()
            if old is not None:
                self.conn.execute("UPDATE sources SET status = 'active' WHERE id = ?", (old[0],))
                source_id, old_sha = old[0], ""
            else:
                cur = self.conn.execute("INSERT INTO sources (file_key, name, path, sha256, kind, ingested_at) VALUES (?, ?, ?, ?, ?, ?)",
                                        (file_key, batch.path.name, str(batch.path.resolve()), sha, kind, now))
                source_id, old_sha = int(cur.lastrowid or 0), ""
        else:
            source_id, old_sha = row
        olds = sorted({source_id, *replaced} - {0})
        seq = (self.conn.execute("SELECT coalesce(max(id), 0) FROM versions").fetchone()[0]) + 1
        names = [f.name for f in reg.stored]

        sheet_filter = set(batch.sheets) if batch.sheets is not None else None
        new: dict[str, tuple[tuple, str, str, int]]
        if batch.tables is not None:
            filed = self._file_columns(batch, res, source_id, seq, sha, old_sha, now, olds, sheet_filter)
            if filed is not None:
                return filed
            new = self._general_rows(kind, batch.tables)  # rows other files hold too: the general path below, row by row
        prev = self._holdings(kind, olds, sheet_filter)  # key -> (digest, is_current, holder id) of the old versions
        if batch.tables is None:
            new = {}
            for rec in batch.records:
                values = _sql_values(rec)
                new[key_of(rec)] = (values, _digest_sql(kind, dict(zip(names, values, strict=True))), rec.place.sheet, rec.place.row or 0)
        current = self._current(kind, [k for k in new if k not in prev or not prev[k][1]])
        inserts: list[tuple] = []
        updates: list[tuple] = []
        holders_add: list[tuple] = []
        holders_del: list[tuple] = []
        demote: list[str] = []
        new_links = 0
        for key, (values, dig, sheet, row_no) in new.items():
            mine = prev.get(key)
            now_held = current.get(key) if mine is None or not mine[1] else (mine[0], mine[2])
            if now_held is None and mine is None:
                inserts.append((key, *values, dig, source_id, sheet, row_no, seq))
                res.added += 1
                continue
            if mine is not None and mine[1]:  # this file (or one it replaces) holds the current content
                if mine[0] == dig:
                    res.unchanged += 1
                    if mine[2] != source_id:
                        updates.append((*values, dig, source_id, sheet, row_no, seq, key))
                else:
                    updates.append((*values, dig, source_id, sheet, row_no, seq, key))
                    res.changed += 1
                continue
            cur_digest = now_held[0] if now_held is not None else ""
            if cur_digest == dig or (mine is not None and mine[0] == dig):
                # the same content as the ledger's, or this file's version as it was: nothing moves
                res.unchanged += 1
                if mine is None or mine[0] != dig or mine[2] != source_id:  # a new link, or a new version of this file's
                    new_links += 1
                    holders_add.append((kind, key, source_id, dig, seq, _payload(names, values, sheet, row_no)))
                continue
            # this file's new version of a row another file holds becomes the current content
            demote.append(key)
            updates.append((*values, dig, source_id, sheet, row_no, seq, key))
            holders_del.append((kind, key, source_id))
            res.changed += 1
        withdrawn = [k for k in prev if k not in new]
        res.withdrawn = len(withdrawn)
        if res.added == res.changed == res.withdrawn == 0 and not replaced and old_sha == sha and not new_links:
            res.unchanged = len(new)
            return res  # the same file as last time: the ledger stays exactly as it is
        if demote:
            self._demote(kind, demote)
        cols = ("key", *names, "digest", "source_id", "sheet", "row", "seq")
        self.conn.executemany(f"INSERT INTO {kind} ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})", inserts)
        set_cols = (*names, "digest", "source_id", "sheet", "row", "seq")
        self.conn.executemany(f"UPDATE {kind} SET {', '.join(c + ' = ?' for c in set_cols)} WHERE key = ?", updates)
        self.conn.executemany("DELETE FROM row_sources WHERE kind = ? AND key = ? AND source_id = ?", holders_del)
        self.conn.executemany("INSERT OR REPLACE INTO row_sources VALUES (?, ?, ?, ?, ?, ?)", holders_add)
        # the replaced files' hold on rows the new file has is now the new file's
        self._drop_links(kind, [o for o in olds if o != source_id], [k for k in new if k in prev])
        self._remove_holders(kind, olds, withdrawn)
        self._record_version(batch, res, source_id, seq, sha, now, len(new), olds, sheet_filter)
        return res

    def _record_version(self, batch: Batch, res: FileResult, source_id: int, seq: int, sha: str, now: str, rows: int,
                        olds: Sequence[int], sheet_filter: set[str] | None) -> None:
        """The file's new version: what it changed, the file's latest path and sha256, the files it
        replaces marked so, and its findings kept for check."""
        self.conn.execute("INSERT INTO versions (id, source_id, sha256, ingested_at, rows, added, changed, withdrawn, unchanged, rejected, repeated, replaces) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          (seq, source_id, sha, now, rows, res.added, res.changed, res.withdrawn, res.unchanged, res.rejected, res.repeated,
                           json.dumps(list(batch.replaces), ensure_ascii=False) if batch.replaces else None))
        self.conn.execute("UPDATE sources SET name = ?, path = ?, sha256 = ?, ingested_at = ? WHERE id = ?",
                          (batch.path.name, str(batch.path.resolve()), sha, now, source_id))
        others = [o for o in olds if o != source_id]
        if others:
            marks = ",".join("?" * len(others))
            self.conn.execute(f"UPDATE sources SET status = 'replaced' WHERE id IN ({marks})", others)
            self.conn.execute(f"DELETE FROM findings WHERE source_id IN ({marks})", others)
        self._keep_findings(source_id, batch, sheet_filter)

    # --- filing rows held as columns ----------------------------------------------------------
    def _file_columns(self, batch: Batch, res: FileResult, source_id: int, seq: int, sha: str, old_sha: str, now: str,
                      olds: Sequence[int], sheet_filter: set[str] | None) -> FileResult | None:
        """File a batch held as columns (ledger_rows.py) by set operations in SQLite, where no other
        file holds (a version of) any row it touches; None when one does (the general path then
        takes the rows, _general_rows).

        A first filing is plain inserts, straight from the columns (a key the ledger already holds
        stops them: the savepoint undoes them). A file filed again has its keys and digests staged
        (temp.incoming), compared with what the ledger holds in one join (added, changed, withdrawn),
        and is written as one upsert (`ON CONFLICT(key) DO UPDATE`) of only the rows that are new,
        changed or move from a file it replaces — their SQL values made for those rows alone — and
        one delete of the rows withdrawn. The result is what the general path gives
        (tests/test_ledger_rows.py)."""
        from disclo_cli.ledger_rows import insert_rows

        kind, tables = batch.kind, batch.tables
        assert tables is not None, "_file_columns files a batch held as columns"
        names = [f.name for f in spec(kind).stored]
        cols = ("key", *names, "digest", "source_id", "sheet", "row", "seq")
        insert = f"INSERT INTO {kind} ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})"
        if not batch.replaces and not self._holds_any(kind, olds):
            if old_sha == sha and not any(len(t) for t in tables):
                return res  # the same file as last time, and it holds no row: the ledger stays exactly as it is
            self.conn.execute("SAVEPOINT first_filing")
            try:
                self.conn.executemany(insert, insert_rows(kind, tables, source_id, seq))
            except sqlite3.IntegrityError as exc:
                if f"{kind}.key" not in str(exc):
                    raise
                self.conn.execute("ROLLBACK TO first_filing")  # a row another file holds: staged below
                self.conn.execute("RELEASE first_filing")
            else:
                self.conn.execute("RELEASE first_filing")
                res.added = sum(len(t) for t in tables)
                self._record_version(batch, res, source_id, seq, sha, now, res.added, olds, sheet_filter)
                return res
        rows = self._stage(kind, tables)
        if not self._sole_holder(kind, olds, sheet_filter):
            return None
        marks = ",".join("?" * len(olds))
        sheet_args: tuple[str, ...]
        in_sheets, sheet_args = "", ()
        if sheet_filter is not None:
            in_sheets, sheet_args = f" AND k.sheet IN ({','.join('?' * len(sheet_filter))})", tuple(sorted(sheet_filter))
        # the rows to write: new ones, changed ones, and unchanged ones that move to this file from one it replaces
        todo = self.conn.execute(f"SELECT i.n, k.key IS NULL, k.key IS NOT NULL AND k.digest IS NOT i.digest FROM temp.incoming i "
                                 f"LEFT JOIN {kind} k ON k.key = i.key WHERE k.key IS NULL OR k.digest IS NOT i.digest OR k.source_id IS NOT ?",
                                 (source_id,)).fetchall()
        added, changed = sum(r[1] for r in todo), sum(r[2] for r in todo)
        # every staged row the ledger holds is these files' (a sole holder): the rest of theirs are withdrawn
        held = self.conn.execute(f"SELECT count(*) FROM {kind} k WHERE k.source_id IN ({marks}){in_sheets}", (*olds, *sheet_args)).fetchone()[0]
        withdrawn = held - (rows - added)
        res.added, res.changed, res.withdrawn, res.unchanged = added, changed, withdrawn, rows - added - changed
        if added == changed == withdrawn == 0 and not batch.replaces and old_sha == sha:
            self._unstage()
            return res  # the same file as last time: the ledger stays exactly as it is
        if withdrawn:
            self.conn.execute(f"DELETE FROM {kind} WHERE source_id IN ({marks}){in_sheets.replace('k.', kind + '.')} "
                              f"AND NOT EXISTS (SELECT 1 FROM temp.incoming i WHERE i.key = {kind}.key)", (*olds, *sheet_args))
        self._unstage()
        updates = ", ".join(f"{c} = excluded.{c}" for c in cols[1:])
        upsert = f"{insert} ON CONFLICT(key) DO UPDATE SET {updates}"
        self.conn.executemany(upsert, insert_rows(kind, _positions(tables, sorted(r[0] for r in todo)), source_id, seq))
        self._record_version(batch, res, source_id, seq, sha, now, rows, olds, sheet_filter)
        return res

    def _holds_any(self, kind: str, sources: Sequence[int]) -> bool:
        """Whether these files hold any row of this kind (or a version of one)."""
        marks = ",".join("?" * len(sources)) or "NULL"
        if self.conn.execute(f"SELECT 1 FROM {kind} WHERE source_id IN ({marks}) LIMIT 1", sources).fetchone():
            return True
        return bool(self.conn.execute(f"SELECT 1 FROM row_sources WHERE kind = ? AND source_id IN ({marks}) LIMIT 1", (kind, *sources)).fetchone())

    def _stage(self, kind: str, tables: Sequence) -> int:
        """The batch's keys and digests in temp.incoming, each with its position in the batch (n);
        returns how many. The fields' SQL values are made later, only for the rows to write."""
        from disclo_cli.ledger_rows import keyed_digests

        self._unstage()
        self.conn.execute("PRAGMA temp.cache_size = -262144")  # as the ledger's: a million keys stay in memory
        self.conn.execute("CREATE TEMP TABLE incoming (key TEXT PRIMARY KEY, digest TEXT NOT NULL, n INTEGER NOT NULL) WITHOUT ROWID")
        start = 0
        for keys, digests in keyed_digests(kind, tables):
            # a key twice (the later row wins, as schema.latest): the repeats are taken out before filing
            self.conn.executemany("INSERT OR REPLACE INTO temp.incoming VALUES (?, ?, ?)", zip(keys, digests, range(start, start + len(keys)), strict=True))
            start += len(keys)
        return self.conn.execute("SELECT count(*) FROM temp.incoming").fetchone()[0]

    def _sole_holder(self, kind: str, olds: Sequence[int], sheet_filter: set[str] | None) -> bool:
        """Whether the staged rows' keys are held, if at all, only by these files (in the sheets
        read), and no file keeps a version of any of them or of the rows these files hold."""
        marks = ",".join("?" * len(olds)) or "NULL"
        other = f"k.source_id NOT IN ({marks})"
        args: tuple = tuple(olds)
        if sheet_filter is not None:
            other += f" OR k.sheet NOT IN ({','.join('?' * len(sheet_filter))})"
            args += tuple(sorted(sheet_filter))
        if self.conn.execute(f"SELECT 1 FROM temp.incoming i JOIN {kind} k ON k.key = i.key WHERE {other} LIMIT 1", args).fetchone():
            return False
        if not self.conn.execute("SELECT 1 FROM row_sources WHERE kind = ? LIMIT 1", (kind,)).fetchone():
            return True
        return not self.conn.execute(
            f"SELECT 1 FROM row_sources r WHERE r.kind = ? AND (r.source_id IN ({marks}) OR r.key IN (SELECT key FROM temp.incoming) "
            f"OR r.key IN (SELECT key FROM {kind} WHERE source_id IN ({marks}))) LIMIT 1", (kind, *olds, *olds)).fetchone()

    def _general_rows(self, kind: str, tables: Sequence) -> dict[str, tuple[tuple, str, str, int]]:
        """The batch's rows as the general path takes them: key -> (SQL values, digest, sheet, row);
        the staged keys are dropped."""
        from disclo_cli.ledger_rows import rows as table_rows

        self._unstage()
        return {k: (v, d, sh, r or 0) for k, v, d, sh, r in table_rows(kind, tables)}

    def _unstage(self) -> None:
        self.conn.execute("DROP TABLE IF EXISTS temp.incoming")

    def _holdings(self, kind: str, sources: Sequence[int], sheets: set[str] | None) -> dict[str, tuple[str, bool, int]]:
        """key -> (digest, whether the file holds the current content, holder id) of the rows the
        files hold (only rows of the given sheets, when the ingest read only those)."""
        if not sources:
            return {}
        marks = ",".join("?" * len(sources))
        out: dict[str, tuple[str, bool, int]] = {}
        for key, dig, holder, sheet in self.conn.execute(f"SELECT key, digest, source_id, sheet FROM {kind} WHERE source_id IN ({marks})", sources):
            if sheets is None or sheet in sheets:
                out[key] = (dig, True, holder)
        for key, dig, holder, payload in self.conn.execute(f"SELECT key, digest, source_id, payload FROM row_sources WHERE kind = ? AND source_id IN ({marks})", (kind, *sources)):
            if key not in out and (sheets is None or json.loads(payload).get("sheet") in sheets):
                out[key] = (dig, False, holder)
        return out

    def _current(self, kind: str, keys: Sequence[str]) -> dict[str, tuple[str, int]]:
        out: dict[str, tuple[str, int]] = {}
        for i in range(0, len(keys), _CHUNK):
            chunk = list(keys[i : i + _CHUNK])
            q = f"SELECT key, digest, source_id FROM {kind} WHERE key IN ({','.join('?' * len(chunk))})"
            out.update((k, (d, s)) for k, d, s in self.conn.execute(q, chunk))
        return out

    def _demote(self, kind: str, keys: Sequence[str]) -> None:
        """The current content of these rows becomes a version kept for its file (another file's
        version is about to take its place)."""
        names = [f.name for f in spec(kind).stored]
        cols = ", ".join(names)
        for i in range(0, len(keys), _CHUNK):
            chunk = list(keys[i : i + _CHUNK])
            q = f"SELECT key, {cols}, digest, source_id, sheet, row, seq FROM {kind} WHERE key IN ({','.join('?' * len(chunk))})"
            rows = []
            for r in self.conn.execute(q, chunk):
                key, values, (dig, holder, sheet, row_no, seq) = r[0], r[1 : 1 + len(names)], r[1 + len(names):]
                rows.append((kind, key, holder, dig, seq, _payload(names, values, sheet, row_no)))
            self.conn.executemany("INSERT OR REPLACE INTO row_sources VALUES (?, ?, ?, ?, ?, ?)", rows)

    def _drop_links(self, kind: str, sources: Sequence[int], keys: Sequence[str]) -> None:
        """The extra links of these files to these rows (the new version holds them now)."""
        if not sources or not keys:
            return
        marks = ",".join("?" * len(sources))
        for i in range(0, len(keys), _CHUNK):
            chunk = list(keys[i : i + _CHUNK])
            self.conn.execute(f"DELETE FROM row_sources WHERE kind = ? AND source_id IN ({marks}) AND key IN ({','.join('?' * len(chunk))})",
                              (kind, *sources, *chunk))

    def _remove_holders(self, kind: str, sources: Sequence[int], keys: Sequence[str]) -> int:
        """These files no longer hold these rows: a row another file holds takes that file's latest
        version back; a row no file holds leaves the ledger. Returns the rows removed."""
        if not sources or not keys:
            return 0
        names = [f.name for f in spec(kind).stored]
        marks = ",".join("?" * len(sources))
        removed = 0
        for i in range(0, len(keys), _CHUNK):
            chunk = list(keys[i : i + _CHUNK])
            kmarks = ",".join("?" * len(chunk))
            self.conn.execute(f"DELETE FROM row_sources WHERE kind = ? AND source_id IN ({marks}) AND key IN ({kmarks})", (kind, *sources, *chunk))
            held = [k for (k,) in self.conn.execute(f"SELECT key FROM {kind} WHERE source_id IN ({marks}) AND key IN ({kmarks})", (*sources, *chunk))]
            for key in held:
                heir = self.conn.execute("SELECT source_id, digest, seq, payload FROM row_sources WHERE kind = ? AND key = ? ORDER BY seq DESC, source_id DESC LIMIT 1",
                                         (kind, key)).fetchone()
                if heir is None:
                    self.conn.execute(f"DELETE FROM {kind} WHERE key = ?", (key,))
                    removed += 1
                    continue
                holder, dig, seq, payload = heir
                values = json.loads(payload)
                set_cols = (*names, "digest", "source_id", "sheet", "row", "seq")
                self.conn.execute(f"UPDATE {kind} SET {', '.join(c + ' = ?' for c in set_cols)} WHERE key = ?",
                                  (*(values.get(n) for n in names), dig, holder, values.get("sheet", ""), values.get("row", 0), seq, key))
                self.conn.execute("DELETE FROM row_sources WHERE kind = ? AND key = ? AND source_id = ?", (kind, key, holder))
        return removed

    def _keep_findings(self, source_id: int, batch: Batch, sheets: set[str] | None) -> None:
        if sheets is None:
            self.conn.execute("DELETE FROM findings WHERE source_id = ?", (source_id,))
        else:
            marks = ",".join("?" * len(sheets))
            self.conn.execute(f"DELETE FROM findings WHERE source_id = ? AND sheet IN ({marks})", (source_id, *sheets))
        rows = []
        for f in batch.findings:
            if f.severity == "info":
                continue
            params = {k: (v.text("en") if hasattr(v, "text") and callable(v.text) else v if isinstance(v, (int, float, str)) or v is None else str(v))
                      for k, v in f.params}
            rows.append((source_id, f.severity, f.code, f.variant, f.place.sheet, f.place.row, f.place.column,
                         json.dumps(params, ensure_ascii=False, default=str), None))
        self.conn.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def forget(self, name: str) -> dict[str, int]:
        """Take out the rows that only the named file (name, path or sha256) brought in."""
        with _tx(self.conn, self.path, self.timeout):
            ids = self._source_ids(name)
            if not ids:
                raise LedgerError("forget-unknown", name=name, path=str(self.path))
            removed: dict[str, int] = {}
            marks = ",".join("?" * len(ids))
            for kind in KINDS:
                keys = [k for (k,) in self.conn.execute(f"SELECT key FROM {kind} WHERE source_id IN ({marks}) UNION "
                                                        f"SELECT key FROM row_sources WHERE kind = ? AND source_id IN ({marks})", (*ids, kind, *ids))]
                removed[kind] = self._remove_holders(kind, ids, keys)
            self.conn.execute(f"UPDATE sources SET status = 'forgotten' WHERE id IN ({marks})", ids)
            self.conn.execute(f"DELETE FROM findings WHERE source_id IN ({marks})", ids)
        return removed

    def backup(self, target: Path, *, shown: str | Path | None = None) -> None:
        """A consistent copy through SQLite's backup API (safe while others use the ledger), checked
        (integrity_check) before it is called a backup: a copy of a damaged ledger is refused
        (LedgerError backup-damaged), so that it never replaces a good backup."""
        dest = sqlite3.connect(str(target))
        try:
            self.conn.backup(dest)
            problems = [r[0] for r in dest.execute("PRAGMA integrity_check(20)")]
        except sqlite3.DatabaseError as exc:
            if _kind(exc) != "damaged":
                raise  # the copy cannot be written (a full disk …): an output error
            problems = [str(exc)]
        finally:
            dest.close()
        if problems != ["ok"]:
            raise LedgerError("backup-damaged", target=str(shown or target), path=str(self.path), problem=_problem(problems),
                              found=backups_note(self.path))

    # --- reading ------------------------------------------------------------------------------
    def _select(self, kind: str, where: str = "", args: Sequence = ()) -> Iterator[Record]:
        reg = spec(kind)
        cols = ", ".join(f"t.{f.name}" for f in reg.stored)
        q = f"SELECT t.key, {cols}, s.name, t.sheet, t.row FROM {kind} t JOIN sources s ON s.id = t.source_id {where}"
        n = len(reg.stored)
        fields = reg.stored
        for r in self.conn.execute(q, args):
            values = {f.name: from_sql(f, v) for f, v in zip(fields, r[1 : 1 + n], strict=True)}
            yield reg.record(**values, place=Place(r[1 + n], r[2 + n], r[3 + n]), key=r[0])

    def records(self, kind: str, *, year: int | None = None, through: int | None = None) -> list[Record]:
        """The rows of a kind dated in `year`, or up to the end of `through`, or all."""
        return list(self._select(kind, *_period(spec(kind).date, year, through)))

    def open_requests(self) -> list[Record]:
        """The requests not answered yet (an index on `answered` would not help: most rows have one)."""
        return list(self._select("requests", "WHERE t.answered IS NULL"))

    def requests_touching(self, year: int) -> list[Record]:
        """The requests received or answered in a year, or open at its end."""
        return list(self._select("requests", "WHERE (t.received >= ? AND t.received <= ?) OR (t.answered >= ? AND t.answered <= ?) OR (t.answered IS NULL AND t.received <= ?)",
                                 (f"{year}-01-01", f"{year}-12-31", f"{year}-01-01", f"{year}-12-31", f"{year}-12-31")))

    def items(self, year: int | None = None, *, through: int | None = None) -> list[Record]:
        return self.records("items", year=year, through=through)

    def requests(self, *, through: int | None = None) -> list[Record]:
        return self.records("requests", through=through)

    def cases(self, *, through: int | None = None) -> list[Record]:
        return self.records("cases", through=through)

    def registers(self, *, through: int | None = None):
        """Every row filed up to the end of `through`, as engine Registers (one record a row)."""
        return Registers(self.items(through=through), self.requests(through=through), self.cases(through=through))

    def grouped(self, *, through: int | None = None, year: int | None = None, by_unit: bool = False):
        """Registers with one record per distinct combination of the grouped fields (what tables and
        tallies count), and counts saying how many rows each stands for (GROUP BY in SQLite on the
        covering indexes: a million rows in a fraction of a second). With `year`, only items of the
        year (a tally). Titles, ids and places are left out."""
        here = Place(self.path.name)
        out: dict[str, list] = {}
        counts: dict[str, list[int]] = {}
        for kind in KINDS:
            reg = spec(kind)
            records, weights = out.setdefault(kind, []), counts.setdefault(kind, [])
            if year is not None and kind != "items":
                continue
            grouped = [f for f in reg.grouped if by_unit or f.name != "unit"]
            select = ", ".join(f"t.{f.name}" for f in grouped)
            sums = "".join(f", sum(CAST(t.{f.name} AS REAL)), count(t.{f.name})" for f in reg.summed)
            where, args = _period(reg.date, year, through)
            q = f"SELECT {select}{sums}, count(*) FROM {kind} t {where} GROUP BY {select}"
            n = len(grouped)
            for r in self.conn.execute(q, args):
                values = {f.name: from_sql(f, v) for f, v in zip(grouped, r[:n], strict=True)}
                for i, f in enumerate(reg.summed):
                    total, present = r[n + 2 * i], r[n + 2 * i + 1]
                    values[f.name] = from_sql(f, str(_decimal(total))) if present else None
                records.append(reg.make(here, **values))
                weights.append(r[-1])
        return Registers(out["items"], out["requests"], out["cases"], counts)

    def summary(self) -> list[tuple[str, int, int]]:
        """(kind, year, rows) for every year and kind in the ledger."""
        out = []
        for kind in KINDS:
            col = spec(kind).date
            for year, n in self.conn.execute(f"SELECT substr({col}, 1, 4), count(*) FROM {kind} GROUP BY 1 ORDER BY 1"):
                out.append((kind, int(year), n))
        return out

    def sources(self) -> list[SourceInfo]:
        """The files the ledger holds, with how many rows each holds and how often it was filed."""
        out = []
        for sid, name, path, sha, kind, at, file_key in self.conn.execute(
                "SELECT id, name, path, sha256, kind, ingested_at, file_key FROM sources WHERE status = 'active' ORDER BY id").fetchall():
            rows = self.conn.execute(f"SELECT count(*) FROM {kind} WHERE source_id = ?", (sid,)).fetchone()[0]
            rows += self.conn.execute("SELECT count(*) FROM row_sources WHERE source_id = ?", (sid,)).fetchone()[0]
            versions = self.conn.execute("SELECT count(*) FROM versions WHERE source_id = ?", (sid,)).fetchone()[0]
            out.append(SourceInfo(sid, name, path, sha, kind, at, rows, file_key, versions))
        return out

    def versions(self) -> list[dict]:
        """Every version of every file, oldest first."""
        q = ("SELECT v.id, s.id, s.name, s.file_key, s.kind, s.status, v.sha256, v.ingested_at, v.rows, v.added, v.changed, v.withdrawn, "
             "v.unchanged, v.rejected FROM versions v JOIN sources s ON s.id = v.source_id ORDER BY v.id")
        names = ("version", "source", "name", "file_key", "kind", "status", "sha256", "ingested_at", "rows", "added", "changed", "withdrawn", "unchanged", "rejected")
        return [dict(zip(names, r, strict=True)) for r in self.conn.execute(q)]

    def rows_of_year(self, year: int) -> dict[str, int]:
        """kind -> how many rows of that kind the ledger holds dated in the year (the kind's date)."""
        out = {}
        for kind in KINDS:
            col = spec(kind).date
            out[kind] = self.conn.execute(f"SELECT count(*) FROM {kind} WHERE {col} >= ? AND {col} <= ?", (f"{year}-01-01", f"{year}-12-31")).fetchone()[0]
        return out

    def files_named_for(self, year: int) -> set[str]:
        """The kinds of the active files whose name gives the year (依申请公开台账2023.xlsx), rows or not."""
        from disclo_cli.ingest.dates import year_hint

        return {kind for kind, name in self.conn.execute("SELECT kind, name FROM sources WHERE status = 'active'") if year_hint(name) == year}

    def stored_findings(self, year: int | None = None) -> list[Finding]:
        """The problems found in the latest version of every file the ledger holds; with `year`, of
        the files that may hold rows of that year: rows dated in it, no row filed at all (a refused
        sheet), or the year in the file's name."""
        from disclo_cli.ingest.dates import year_hint

        sources = None
        if year is not None:
            sources = set()
            for sid, kind, name in self.conn.execute("SELECT id, kind, name FROM sources WHERE status = 'active'").fetchall():
                col = spec(kind).date
                held = self.conn.execute(f"SELECT count(*), sum({col} >= ? AND {col} <= ?) FROM {kind} WHERE source_id = ?",
                                         (f"{year}-01-01", f"{year}-12-31", sid)).fetchone()
                if not held[0] or held[1] or year_hint(name) == year:
                    sources.add(sid)
        out = []
        q = ("SELECT f.source_id, s.name, f.severity, f.code, f.variant, f.sheet, f.row, f.col, f.params FROM findings f "
             "JOIN sources s ON s.id = f.source_id WHERE s.status = 'active' ORDER BY f.source_id, f.rowid")
        for sid, name, severity, code, variant, sheet, row, col, params in self.conn.execute(q):
            if sources is None or sid in sources:
                out.append(Finding(severity, code, Place(name, sheet, row, col), tuple(json.loads(params).items()), variant))
        return out


def _positions(tables: Sequence, positions: Sequence[int]) -> list:
    """The tables with only the records at these positions of the whole batch (sorted)."""
    if len(positions) == sum(len(t) for t in tables):
        return list(tables)
    out, base, i = [], 0, 0
    for t in tables:
        n = len(t)
        j = i
        while j < len(positions) and positions[j] < base + n:
            j += 1
        if j > i:
            out.append(t.only([p - base for p in positions[i:j]]))
        i, base = j, base + n
    return out


def _payload(names: Sequence[str], values: Sequence[object], sheet: str, row: int) -> str:
    return json.dumps({**dict(zip(names, values, strict=True)), "sheet": sheet, "row": row}, ensure_ascii=False)


def _decimal(value: float) -> object:
    from decimal import Decimal

    return Decimal(str(value)).normalize()


@contextmanager
def _tx(conn: sqlite3.Connection, path: Path, timeout: float):
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception; waits for another writer. An SQLite
    error is a LedgerError that says what it means (locked, read-only, disk full, damaged)."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise ledger_error(exc, path, timeout) from exc
    try:
        yield
    except BaseException as exc:
        _rollback(conn)
        if _translatable(exc):
            raise ledger_error(exc, path, timeout) from exc
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        _rollback(conn)
        raise ledger_error(exc, path, timeout) from exc


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back what is left of a transaction: SQLite may have rolled it back itself (a full disk,
    an I/O error), and a failed ROLLBACK must not hide the error that caused it."""
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass


# --- what an SQLite error means ------------------------------------------------------------------------

_TRANSLATED = (sqlite3.OperationalError, sqlite3.IntegrityError, sqlite3.DataError, sqlite3.InternalError)


def _translatable(exc: BaseException) -> bool:
    """An SQLite error that is about the ledger file (not a bug in disclo's SQL: ProgrammingError)."""
    return isinstance(exc, _TRANSLATED) or type(exc) is sqlite3.DatabaseError


def _kind(exc: BaseException) -> str:
    """locked, full, read-only, cannot-open, io or damaged."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text or "busy" in text:
        return "locked"
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return "full"
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH")) or "readonly" in text or "read-only" in text:
        return "read-only"
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return "cannot-open"
    if name.startswith(("SQLITE_IOERR", "SQLITE_NOLFS")) or "disk i/o" in text:
        return "io"
    return "damaged"  # SQLITE_CORRUPT, SQLITE_NOTADB, a table or column missing, a constraint broken …


def ledger_error(exc: BaseException, path: Path, timeout: float = BUSY_TIMEOUT_S) -> LedgerError:
    """The LedgerError an SQLite error on the ledger means; never a suggestion to restore a backup
    when the ledger is only busy."""
    kind = _kind(exc)
    problem = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    if kind == "locked":
        return LedgerError("ledger-busy", path=str(path), seconds=f"{timeout:g}", holder=lock_holder(path))
    if kind == "full":
        return LedgerError("ledger-disk-full", path=str(path))
    if kind == "read-only":
        return LedgerError("ledger-read-only", path=str(path), problem=problem)
    if kind == "cannot-open":
        return LedgerError("ledger-cannot-open", path=str(path), problem=problem)
    if kind == "io":
        return LedgerError("ledger-io", path=str(path), problem=problem)
    if not _sqlite_header(path):  # disclo.toml or a workbook given as --db: restoring a backup over it would be wrong
        return LedgerError("ledger-not-sqlite", path=str(path), problem=problem, found=backups_note(path))
    return LedgerError("ledger-is-damaged", path=str(path), problem=problem, found=backups_note(path))


def _sqlite_header(path: Path) -> bool:
    """Whether a file begins as every SQLite database does (an empty or unreadable one: False)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _problem(lines: Sequence[str]) -> str:
    first = lines[0] if lines else ""
    more = f" (+{len(lines) - 1})" if len(lines) > 1 else ""
    return first[:160] + more


def _verify(conn: sqlite3.Connection, path: Path, pragma: str) -> None:
    """PRAGMA quick_check or integrity_check; LedgerError ledger-is-damaged unless it says ok."""
    try:
        lines = [r[0] for r in conn.execute(f"PRAGMA {pragma}(20)")]
    except sqlite3.DatabaseError as exc:
        if not _translatable(exc):
            raise
        raise ledger_error(exc, path) from exc
    if lines != ["ok"]:
        raise LedgerError("ledger-is-damaged", path=str(path), problem=_problem(lines), found=backups_note(path))


def lock_holder(path: Path):
    """Who holds the ledger's lock, as a message: the process (its id and command line) where the
    system can tell (Linux: the lock SQLite took is a POSIX lock, and F_GETLK names its owner), else
    that SQLite cannot tell. SQLite itself keeps no record of who holds a lock."""
    import os
    import sys

    if not sys.platform.startswith("linux"):
        return msg("lock-holder.unknown")
    try:
        import fcntl
        import struct

        pending = 0x40000000  # SQLite's lock bytes: PENDING, RESERVED, then the SHARED range
        fmt = "hhqqi4x"  # struct flock on Linux: l_type, l_whence, l_start, l_len, l_pid
        fd = os.open(path, os.O_RDONLY)
        try:
            query = struct.pack(fmt, fcntl.F_WRLCK, os.SEEK_SET, pending, 512, 0)
            l_type, _, _, _, pid = struct.unpack(fmt, fcntl.fcntl(fd, fcntl.F_GETLK, query))
        finally:
            os.close(fd)
    except (OSError, ImportError, struct.error, ValueError):
        return msg("lock-holder.unknown")
    if l_type == fcntl.F_UNLCK or pid <= 0:
        return msg("lock-holder.unknown")  # released meanwhile, or held in this very process
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            command = " ".join(fh.read(4096).replace(b"\0", b" ").decode("utf-8", "replace").split())
    except OSError:
        command = ""
    if len(command) > 80:
        command = command[:79] + "…"
    return msg("lock-holder.process", pid=pid, command=command or "?")


def backups_note(path: Path):
    """Where the newest backup near a ledger is (an SQLite file in its folder or a folder beside
    it, newest first), as a message for the hint; or that none was found there."""
    import os

    from disclo_cli.fsio import same_file

    folder = path.parent if str(path.parent) else Path(".")
    found: list[tuple[float, Path]] = []
    try:
        candidates = [*folder.glob("*"), *folder.glob("*/*")]
    except OSError:
        candidates = []
    for c in candidates[:5000]:
        try:
            if c.name.startswith(".") or not c.is_file() or c.stat().st_size <= 100 or same_file(c, path):
                continue  # a temp file (.x.tmp), the ledger itself
            if c.parent != folder and (c.parent / "disclo.toml").exists():
                continue  # another workspace's own ledger (a unit's folder beside it), not a backup of this one
            with c.open("rb") as fh:
                if fh.read(16) == b"SQLite format 3\x00":
                    found.append((c.stat().st_mtime, c))
        except OSError:
            continue
    if not found:
        return msg("backup-found.none", folder=str(folder))
    mtime, newest = max(found)
    try:
        shown = os.path.relpath(newest)
    except ValueError:
        shown = str(newest)
    when = dt.datetime.fromtimestamp(mtime).isoformat(sep=" ", timespec="minutes")
    return msg("backup-found.newest", backup=shown, when=when)
