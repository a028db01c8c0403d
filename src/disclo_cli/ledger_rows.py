"""What the ledger stores of records held as columns (ingest/registers.RecordTable): each row's key,
its fields as SQL values, the digest of its version and where it was, made a column at a time.

The values and digests are those of schema.to_sql and schema.digest of the records, byte for byte
(tests/test_ledger_rows.py): the stored form and the JSON fragment of each distinct value are made
once, in Python; a row's digest joins its fields' fragments in Arrow and hashes them (sha1, one call
per row). A text column kept in Arrow (titles, ids) is escaped for JSON there, and in Python only
where a text holds a quote, a backslash or a control character.
"""

from __future__ import annotations

import hashlib
import json
from itertools import repeat
from typing import Iterator, Sequence

from disclo_cli.schema import DIGEST_VERSION, _stored_form, spec, to_sql

#: rows handed to SQLite at a time (the Python objects of that many rows at most)
CHUNK = 1 << 16


def _fragment(name: str, value: object) -> str | None:
    """`"name":value` as schema.digest writes a field, None for a field it leaves out (no value)."""
    if value in (None, "", ()):
        return None
    return json.dumps(name, ensure_ascii=False) + ":" + json.dumps(_stored_form(value), ensure_ascii=False, separators=(",", ":"))


def _arrow_fragments(name: str, arr):
    """_fragment of every string of an Arrow column of texts."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = arr.cast(pa.string())
    plain = pc.invert(pc.fill_null(pc.match_substring_regex(arr, r'["\\\x00-\x1f]'), False))
    head = json.dumps(name, ensure_ascii=False) + ':"'
    out = pc.binary_join_element_wise(head, arr, '"', "")
    if not pc.all(plain).as_py():
        odd = pc.indices_nonzero(pc.invert(plain)).to_pylist()
        fixed = [_fragment(name, arr[i].as_py()) for i in odd]
        out = pc.replace_with_mask(out, pc.invert(plain), pa.array(fixed, pa.string()))
    empty = pc.fill_null(pc.equal(pc.binary_length(arr), 0), True)
    return pc.if_else(empty, pa.scalar(None, pa.string()), out)


def rows(kind: str, tables: Sequence) -> Iterator[tuple]:
    """(key, SQL values in the schema's stored order, digest, sheet, row) of every record of the
    tables, in order."""
    for keys, columns, digests, sheet, where in chunks(kind, tables):
        yield from zip(keys, zip(*columns, strict=True), digests, repeat(sheet), where, strict=False)


def insert_rows(kind: str, tables: Sequence, source_id: int, seq: int) -> Iterator[tuple]:
    """The rows of an INSERT into the kind's table (key, fields…, digest, source_id, sheet, row,
    seq), made by zip from the columns of each chunk (no Python call per row)."""
    for keys, columns, digests, sheet, where in chunks(kind, tables):
        yield from zip(keys, *columns, digests, repeat(source_id), repeat(sheet), where, repeat(seq), strict=False)


def chunks(kind: str, tables: Sequence) -> Iterator[tuple]:
    """(keys, [a list per stored field], digests, sheet, rows) of up to CHUNK records at a time."""
    for table in tables:
        yield from _table_chunks(kind, table)


def _table_chunks(kind: str, table) -> Iterator[tuple]:
    import pyarrow as pa
    import pyarrow.compute as pc

    reg = spec(kind)
    n = len(table)
    if not n:
        return
    sql_cols = []  # per field: (distinct SQL values, codes) or an Arrow array
    fragments = []  # per field in name order: an Arrow column of fragments (null: no value)
    for f in reg.stored:
        col = table.fields.get(f.name)
        if col is None:
            sql_cols.append(([to_sql(f, f.default())], None))
            continue
        codes = col.codes.arrow if hasattr(col.codes, "arrow") else pa.array(col.codes, pa.int32())
        if isinstance(col.values, list):
            sql_cols.append(([to_sql(f, v) for v in col.values], col.codes))
        else:  # an Arrow column of texts: stored as they are
            sql_cols.append(pc.take(col.values.arrow, codes))
    for f in sorted(reg.stored, key=lambda f: f.name):  # schema.digest sorts the fields by name
        col = table.fields.get(f.name)
        if col is None:
            continue
        codes = col.codes.arrow if hasattr(col.codes, "arrow") else pa.array(col.codes, pa.int32())
        if isinstance(col.values, list):
            frag = pa.array([_fragment(f.name, v) for v in col.values], pa.string())
        else:
            frag = _arrow_fragments(f.name, col.values.arrow)
        fragments.append(pc.take(frag, codes))
    body = pc.binary_join_element_wise(*fragments, ",", null_handling="skip") if fragments else pa.repeat("", n)
    body = pc.binary_join_element_wise("{", body, "}", "")
    keys = table.keys if not isinstance(table.keys, list) else pa.array(table.keys, pa.string())
    rows_arrow = table.rows.arrow if hasattr(table.rows, "arrow") else pa.array(table.rows, pa.int32())
    numbers = table.numbers.arrow if hasattr(table.numbers, "arrow") else pa.array(table.numbers, pa.int32())
    where_all = pc.take(numbers, rows_arrow)  # each record's sheet row
    sheet = table.sheet
    prefix = DIGEST_VERSION + ":"
    sha1 = hashlib.sha1
    for start in range(0, n, CHUNK):
        end = min(n, start + CHUNK)
        digests = [prefix + sha1(b).hexdigest() for b in body.slice(start, end - start).cast(pa.binary()).to_pylist()]
        columns = []
        for c in sql_cols:
            if isinstance(c, tuple):
                values, codes = c
                if codes is None:
                    columns.append([values[0]] * (end - start))
                else:
                    columns.append(list(map(values.__getitem__, _slice(codes, start, end))))
            else:
                columns.append(c.slice(start, end - start).to_pylist())
        ks = keys.slice(start, end - start).to_pylist()
        where = where_all.slice(start, end - start).to_pylist()
        yield ks, columns, digests, sheet, where


def _slice(codes, start: int, end: int):
    if isinstance(codes, list):
        return codes[start:end]
    return codes.slice_list(start, end)
