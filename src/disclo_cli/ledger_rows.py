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
from operator import methodcaller
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


def _run_fragments(run: Sequence[tuple]):
    """The fragments of consecutive coded fields joined (",", a field without a value left out; null
    when none has one), row by row: made once for each distinct combination of their codes that the
    rows hold, then taken. Fields sharing one code column (a combination) count once."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def arrow(codes):
        return codes.arrow if hasattr(codes, "arrow") else pa.array(codes, pa.int32())

    per_field = [[_fragment(name, v) for v in col.values] for name, col in run]
    if len(run) == 1:
        return pc.take(pa.array(per_field[0], pa.string()), arrow(run[0][1].codes))
    columns: list = []  # the distinct code columns, each with its radix (how many values its codes reach)
    radix: list[int] = []
    where: list[int] = []  # each field's code column
    for _, col in run:
        i = next((i for i, c in enumerate(columns) if c is col.codes), len(columns))
        if i == len(columns):
            columns.append(col.codes)
            radix.append(1)
        radix[i] = max(radix[i], len(col.values))
        where.append(i)
    total = 1
    for r in radix:
        total *= r
    if total >= 1 << 62:  # too many combinations for one number: field by field
        return pc.binary_join_element_wise(*(_run_fragments([f]) for f in run), ",", null_handling="skip")
    combined = arrow(columns[0]).cast(pa.int64())
    for codes, r in zip(columns[1:], radix[1:], strict=True):
        combined = pc.add(pc.multiply(combined, r), arrow(codes).cast(pa.int64()))
    encoded = pc.dictionary_encode(combined)
    texts = []
    for value in encoded.dictionary.to_pylist():
        codes = [0] * len(radix)
        for i in range(len(radix) - 1, -1, -1):
            value, codes[i] = divmod(value, radix[i])
        joined = ",".join(p for frag, w in zip(per_field, where, strict=True) if (p := frag[codes[w]]) is not None)
        texts.append(joined or None)
    return pc.take(pa.array(texts, pa.string()), encoded.indices)


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


def keyed_digests(kind: str, tables: Sequence) -> Iterator[tuple[list[str], list[str]]]:
    """(keys, digests) of up to CHUNK records at a time, in order: what a file filed again is
    compared by (its fields' SQL values are made only for the rows that changed)."""
    for table in tables:
        for keys, _, digests, _, _ in _table_chunks(kind, table, values=False):
            yield keys, digests


def chunks(kind: str, tables: Sequence) -> Iterator[tuple]:
    """(keys, [a list per stored field], digests, sheet, rows) of up to CHUNK records at a time."""
    for table in tables:
        yield from _table_chunks(kind, table)


def _table_chunks(kind: str, table, *, values: bool = True) -> Iterator[tuple]:
    import pyarrow as pa
    import pyarrow.compute as pc

    reg = spec(kind)
    n = len(table)
    if not n:
        return
    sql_cols = []  # per field: (distinct SQL values, codes) or an Arrow array
    fragments = []  # per field in name order: an Arrow column of fragments (null: no value)
    for f in reg.stored if values else ():
        col = table.fields.get(f.name)
        if col is None:
            sql_cols.append(([to_sql(f, f.default())], None))
            continue
        codes = col.codes.arrow if hasattr(col.codes, "arrow") else pa.array(col.codes, pa.int32())
        if isinstance(col.values, list):
            sql_cols.append(([to_sql(f, v) for v in col.values], col.codes))
        else:  # an Arrow column of texts: stored as they are
            sql_cols.append(pc.take(col.values.arrow, codes))
    run: list = []  # consecutive coded fields (in name order): their fragments are joined per distinct combination
    for f in sorted(reg.stored, key=lambda f: f.name):  # schema.digest sorts the fields by name
        col = table.fields.get(f.name)
        if col is None:
            continue
        if isinstance(col.values, list):
            run.append((f.name, col))
            continue
        if run:
            fragments.append(_run_fragments(run))
            run = []
        codes = col.codes.arrow if hasattr(col.codes, "arrow") else pa.array(col.codes, pa.int32())
        if len(col.values.arrow) > 2 * n:  # a few rows of a big column (RecordTable.only): theirs only
            fragments.append(_arrow_fragments(f.name, pc.take(col.values.arrow, codes)))
        else:
            fragments.append(pc.take(_arrow_fragments(f.name, col.values.arrow), codes))
    if run:
        fragments.append(_run_fragments(run))
    body = pc.binary_join_element_wise(*fragments, ",", null_handling="skip") if fragments else pa.repeat("", n)
    body = pc.binary_join_element_wise("{", body, "}", "")
    keys = table.keys if not isinstance(table.keys, list) else pa.array(table.keys, pa.string())
    rows_arrow = table.rows.arrow if hasattr(table.rows, "arrow") else pa.array(table.rows, pa.int32())
    numbers = table.numbers.arrow if hasattr(table.numbers, "arrow") else pa.array(table.numbers, pa.int32())
    where_all = pc.take(numbers, rows_arrow)  # each record's sheet row
    sheet = table.sheet
    prefix = DIGEST_VERSION + ":"
    sha1 = hashlib.sha1
    hexdigest = methodcaller("hexdigest")
    for start in range(0, n, CHUNK):
        end = min(n, start + CHUNK)
        digests = list(map(prefix.__add__, map(hexdigest, map(sha1, body.slice(start, end - start).cast(pa.binary()).to_pylist()))))
        columns = [_sql_column(c, start, end) for c in sql_cols] if values else None
        ks = keys.slice(start, end - start).to_pylist()
        where = where_all.slice(start, end - start).to_pylist() if values else None
        yield ks, columns, digests, sheet, where


def _sql_column(c, start: int, end: int) -> list:
    """The SQL values of one field for records start … end-1."""
    if not isinstance(c, tuple):
        return c.slice(start, end - start).to_pylist()
    values, codes = c
    if codes is None:
        return [values[0]] * (end - start)
    return list(map(values.__getitem__, _slice(codes, start, end)))


def _slice(codes, start: int, end: int):
    if isinstance(codes, list):
        return codes[start:end]
    return codes.slice_list(start, end)
