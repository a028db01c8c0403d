"""The columnar read of a register: the file read into Arrow columns (pyarrow's CSV reader; fastexcel,
calamine → Arrow, for .xlsx), the data area found with masks, every column coded from Arrow's
dictionary encoding. The sheet reader (registers.py) and the kinds' rules then run on those codes as
they run on the row reader's: each distinct value normalised once, each rule once per distinct
combination, Python objects made only of the rows with something to report.

It serves only where it reads exactly what the row reader (readers.py) reads, cell for cell, and
says so by returning None otherwise (the caller then reads the file row by row): a CSV whose quoting
pyarrow and the csv module could read differently, a lone CR line ending, ragged rows; a workbook
whose cells fastexcel renders in a way that could stand for two values (see xlsx.py), or whose
merged-down cells the row reader could fill otherwise (_fill_merged_down); small files
(the row reader is quicker there: no pyarrow to import). tests/test_read_paths.py holds the two to
each other on every example, fixture and the fuzz corpus.

pyarrow is imported here only, and this module only by the commands that read registers.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from disclo_cli.ingest.arrow_sheet import Columnar
from disclo_cli.ingest.arrow_text import ArrowValues, _patched, blank, cell_texts, fold_plain, python_values
from disclo_cli.ingest.layout import _NOTE, SCAN_ROWS, Block, Layout, data_totals, detect, is_total_row
from disclo_cli.ingest.readers import MAX_CELLS, Sheet, sniff
from disclo_cli.ingest.vectors import Coded, Codes, is_arrow
from disclo_cli.schema import spec
from disclo_cli.text import norm

if TYPE_CHECKING:
    from disclo_cli.config import Config

#: below this size a file is read row by row (importing pyarrow alone takes longer than the read)
MIN_BYTES = 2 << 20

# --- the file --------------------------------------------------------------------------------------

def arrow_available() -> bool:
    """Whether pyarrow imports here (not on a platform it has no wheel for, nor a pyarrow older
    than the command line's import finder allows): without it large registers are read and filed
    by rows, to the same results."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def memory_pool() -> None:
    """Arrow's jemalloc pool where pyarrow has one, in disclo's own process (ingest.CHOOSE_ARROW_POOL):
    the default, mimalloc, spends a second or more taking fresh pages from the system for the
    hundreds of megabytes a million rows pass through (benchmarks/README.md: filing a 1M-row file
    again, 7.4 s with mimalloc, 6.1 s with jemalloc; Windows wheels have no jemalloc and keep theirs)."""
    import pyarrow as pa

    from disclo_cli import ingest

    if not ingest.CHOOSE_ARROW_POOL or pa.default_memory_pool().backend_name != "mimalloc":
        return
    with contextlib.suppress(NotImplementedError, AttributeError, pa.ArrowException):
        pa.set_memory_pool(pa.jemalloc_memory_pool())


def read(path: str | Path, config: Config, kind: str | None, sheet: str | None, *, data: bytes | None = None,
         min_bytes: int = MIN_BYTES, today: dt.date | None = None) -> list[tuple[Sheet, Layout, Block]] | None:
    """The register sheets of a file read column-wise with their layouts and data blocks; None when
    the columnar read cannot promise to read exactly what the row reader reads (read it by rows)."""
    p = Path(path)
    if sheet is not None:
        return None  # --sheet: the row reader picks the sheets (and says which exist)
    try:
        if data is None:
            if p.stat().st_size < min_bytes:
                return None
            data = p.read_bytes()
        elif len(data) < min_bytes:
            return None
        kind_of = sniff(data, str(p))
    except Exception:  # the row reader says what is wrong with the file
        return None
    if not arrow_available():  # a platform pyarrow has no wheel for, installed without it: read by rows
        return None
    memory_pool()
    if kind_of == "csv":
        found = _csv(p, data, config, kind)
    elif kind_of == "excel" and data[:4] == b"PK\x03\x04":
        from disclo_cli.ingest.xlsx import read_xlsx

        found = read_xlsx(p, data, config, kind, sheet, today)
    else:
        return None
    if not found:
        return None
    out = []
    for col, layout in found:
        block = arrow_block(col, layout, spec(layout.kind))
        if block is None:
            return None
        if col.check is not None:
            unsure = col.check(block)
            if unsure is False:
                return None
            col.unsure = unsure
        if col.unsure and _content_keyed(block, layout):
            return None  # a row without an id is keyed by every column, and one of them may read otherwise by rows
        out.append((col.sheet, layout, block))
    return out


def _content_keyed(block: Block, layout: Layout) -> bool:
    """Whether some row has no id (its key is made of all its columns)."""
    import pyarrow.compute as pc

    c = layout.columns.get("id")
    if c is None:
        return bool(len(block.numbers))
    ids = block.cells[c]
    if not isinstance(ids.values, ArrowValues):
        return True  # not kept as text: assume so
    texts = cell_texts(ids.values.arrow)
    return bool(texts.null_count) or pc.any(pc.equal(pc.binary_length(texts), 0)).as_py()


def _lines_with_ends(text: str):
    """The text's lines (split at \n, as io.StringIO gives them to the csv module), and after each the
    offset where the next begins."""
    pos = 0
    for line in io.StringIO(text):
        pos += len(line)
        yield line, pos


def _head(data: bytes, encoding: str, bom: int) -> tuple[str, bool] | None:
    """The text of the file's first rows (at least SCAN_ROWS + 1 lines and 8192 characters, cut at a
    line end), and whether that is the whole file. \n is never part of another character in UTF-8
    or GB18030, so a cut there splits no character."""
    size = 1 << 16
    while True:
        end = data.find(b"\n", bom + size)
        whole = end < 0
        chunk = data[bom:] if whole else data[bom:end + 1]
        try:
            text = chunk.decode(encoding)
        except UnicodeDecodeError:
            return None
        if whole or (text.count("\n") > 4 * SCAN_ROWS and len(text) > 8192):
            return text, whole
        size *= 4


def _lone_cr(data: bytes) -> bool:
    """Whether a CR in data is not followed by a LF (RE2 over the bytes, no copy: a tenth of the
    time of counting CRs and CRLFs)."""
    import struct

    import pyarrow as pa
    import pyarrow.compute as pc

    one = pa.Array.from_buffers(pa.large_binary(), 1, [None, pa.py_buffer(struct.pack("<qq", 0, len(data))), pa.py_buffer(data)])
    return bool(pc.match_substring_regex(one, r"\r(?:[^\n]|$)")[0].as_py())


def _csv(p: Path, data: bytes, config: Config, kind: str | None) -> list[tuple[Columnar, Layout]] | None:
    """A CSV file's one sheet, read by pyarrow where the csv module would read the same: the bytes
    as they are when they are UTF-8 (pyarrow checks that), GB18030 through pyarrow's transcoder, no
    quotes, no lone CR, every row as wide as the head's widest; the head rows by the csv module."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        return None  # UTF-16, NULs: read by rows
    if b"\r" in data and _lone_cr(data):
        return None  # a lone CR: the csv module and pyarrow end lines differently there
    utf8_bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if b'"' in data:
        return None  # quoting: read by rows (the csv module's quoting rules are the rows' truth)
    for encoding in ("utf-8", "gb18030"):  # readers.decode_as: UTF-8 if the whole file is, else GB18030
        bom = utf8_bom if encoding == "utf-8" else 0
        got = _head(data, encoding, bom)
        if got is None:
            continue
        text, whole = got
        try:
            delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",\t;").delimiter
        except csv.Error:
            delimiter = ","
        head: list[list[object]] = []
        ends: list[int] = []
        offset = [0]
        lines = _lines_with_ends(text)

        def feed(lines=lines, offset=offset):
            for line, end in lines:
                offset[0] = end
                yield line

        try:
            for row in csv.reader(feed(), delimiter=delimiter):
                head.append([c if c != "" else None for c in row])
                ends.append(offset[0])
                if len(head) > SCAN_ROWS:
                    break
        except csv.Error:
            return None
        name = encoding if encoding != "utf-8" else ("utf-8-sig" if bom else "utf-8")
        sheet = Sheet(str(p), p.stem, 0, head, format="csv", encoding=name)
        layout = detect(sheet, config.columns, kind)
        if layout is None:
            return None
        first = layout.header_row + 1 + layout.sub_rows
        if first >= len(head):
            return None  # no data rows after the head: a small file
        start = bom + len(text[:ends[first - 1]].encode(encoding))
        if text.startswith("\ufeff", ends[first - 1]):
            return None  # pyarrow would take the first data cell's U+FEFF for a byte-order mark and drop it
        width = max(len(r) for r in head)
        names = [f"c{i}" for i in range(max(width, 1))]
        # the bytes after the head, not copied (a last line without its line end: copied once, ended)
        body = pa.py_buffer(data).slice(start) if data.endswith(b"\n") else pa.py_buffer(data[start:] + b"\n")
        try:
            table = pacsv.read_csv(pa.BufferReader(body),
                                   read_options=pacsv.ReadOptions(column_names=names, encoding="utf8" if encoding == "utf-8" else encoding),
                                   parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char=False, ignore_empty_lines=False),
                                   convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                                                                       quoted_strings_can_be_null=False))
        except (pa.ArrowInvalid, ValueError) as exc:
            if encoding == "utf-8" and "utf8" in str(exc).lower().replace("-", ""):
                continue  # not UTF-8 after all: GB18030, as the row reader decides
            return None  # ragged rows, a row longer than a block: the row reader reads them
        if (table.num_rows + first) * table.num_columns > MAX_CELLS:
            return None  # the row reader refuses it, and says why
        return [(Columnar(sheet, [table.column(i) for i in range(table.num_columns)], first), layout)]
    return None


# --- the data area ---------------------------------------------------------------------------------

def arrow_block(col: Columnar, layout: Layout, reg) -> Block | None:
    """The data rows of a register read column-wise, as layout.data_block finds them: blank rows,
    合计 rows, notes and the header repeated among the data left out, each column coded.

    A column with few distinct values is dictionary-encoded first and looked at a distinct value at
    a time (blank, a total's 计); a text column nearly every row of which differs (titles, ids) is
    looked at in Arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    first = layout.header_row + 1 + layout.sub_rows
    skip = first - col.start  # rows of the columns before the data area
    if skip < 0:
        return None
    arrays = col.columns
    n = (len(arrays[0]) if arrays else 0) - skip
    mapped = sorted(set(layout.columns.values()))
    if n < 0 or not mapped:
        return None
    wanted = sorted({*mapped, *(c for c, _ in layout.content_columns())})
    looked = sorted({*wanted, *range(min(6, len(arrays)))})  # the first six cells are where a 合计 is written
    plain = _plain_columns(layout, reg)
    columns: dict[int, _Column] = {}
    for c in looked:
        a = arrays[c].slice(skip) if c < len(arrays) else pa.nulls(n, pa.string())
        columns[c] = _Column(a, plain=c in plain)
    filled = None
    for c in mapped:
        v = pc.cast(columns[c].valid(), pa.int32())
        filled = v if filled is None else pc.add(filled, v)
    drop = pc.equal(filled, 0)
    # 合计 rows: a short text with 计 in one of the first six cells (the row reader checks those rows)
    maybe = None
    for c in range(min(6, len(arrays))):
        m = columns[c].maybe_total()
        if m is not None:
            maybe = m if maybe is None else pc.or_(maybe, m)
    totals = set()
    if maybe is not None:
        for i in pc.indices_nonzero(pc.fill_null(maybe, False)).to_pylist():
            if is_total_row([columns[c].raw(i) for c in range(min(6, len(arrays)))]):
                totals.add(i)
    headers = _repeated_headers(columns, layout)
    notes = {i: t for i, t in _notes(columns, mapped, filled).items() if i not in totals and i not in headers}
    skip_rows = totals | headers | set(notes)
    if skip_rows:
        mask = [False] * n
        for i in skip_rows:
            mask[i] = True
        drop = pc.or_(drop, pa.array(mask, pa.bool_()))
    keep = pc.indices_nonzero(pc.invert(drop))
    all_kept = len(keep) == n
    if col.merged and not _fill_merged_down(col.merged, columns, wanted, first, n, drop):
        return None
    cells = {c: columns[c].coded(None if all_kept else keep) for c in wanted}
    numbers = Codes(pc.add(keep.cast(pa.int32()), first + 1))
    six = range(min(6, len(arrays)))
    flagged = data_totals(totals, lambda i: [columns[c].raw(i) for c in six], layout, lambda c, i: columns[c].cleaned(i), first) if totals else ()
    return Block(numbers, cells, tuple(sorted(first + i + 1 for i in headers)), tuple(sorted((first + i + 1, t) for i, t in notes.items())), flagged)


def _fill_merged_down(merged, columns: dict, wanted: Sequence[int], first: int, n: int, drop) -> bool:
    """A cell merged down over data rows gives its value to each kept row of the merge whose own
    cell is blank, as layout.data_block does (a category written once for a block of items): the
    row's code becomes the top cell's (a take). False — read by rows — where the row reader's
    filling could come out otherwise: a merge over a text column kept in Arrow, merges overlapping
    in one column, a top cell of whitespace only (the row reader gives the rows its raw text)."""
    import pyarrow as pa

    spans: dict[int, list[tuple[int, int]]] = {}
    for r0, c0, r1, c1 in merged:
        if r1 <= r0 or r0 < first or r0 >= first + n:
            continue  # across one row, or starting above the data: the row reader fills nothing
        for c in wanted:
            if c0 <= c <= c1:
                spans.setdefault(c, []).append((r0, r1))
    dropped: list[bool] | None = None
    for c, ranges in spans.items():
        column = columns[c]
        if column.plain:
            return False
        ranges.sort()
        if any(b[0] <= a[1] for a, b in zip(ranges, ranges[1:], strict=False)):
            return False
        if dropped is None:
            dropped = drop.to_pylist()
        codes = column.codes.to_pylist()
        values, raw = column.values, column.raw_values
        changed = False
        for r0, r1 in ranges:
            top = r0 - first
            if raw[codes[top]] in (None, ""):
                continue  # nothing written in the merge: nothing to give
            if values[codes[top]] is None:
                return False
            for i in range(top + 1, min(r1 - first, n - 1) + 1):
                if not dropped[i] and values[codes[i]] is None:
                    codes[i] = codes[top]
                    changed = True
        if changed:
            column.codes = pa.array(codes, pa.int32())
    return True


class _Column:
    """One column of the data area while its rows are sorted out: dictionary-encoded (its values in
    Python, the row reader's blank cells one code), or kept one value per row (plain)."""

    def __init__(self, a, *, plain: bool) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        self.string = a.type == pa.string()
        self.plain = plain and self.string and _mostly_distinct(a)
        if self.plain:
            if isinstance(a, pa.ChunkedArray):
                a = a.combine_chunks()
            empty = blank(a)
            self.arrow = pc.if_else(empty, pa.scalar(None, pa.string()), a) if pc.any(empty).as_py() else a
            self.raw_arrow = a
            return
        dictionary, codes = _encoded(a)
        values = python_values(dictionary.to_pylist(), a.type)
        # a blank cell (None, '', spaces) is None, as the row reader's _column makes it
        self.values = [v if (v.__class__ is not str or v.strip()) else None for v in values] + [None]
        self.raw_values = values + [None]
        if codes.null_count:
            codes = pc.fill_null(codes, len(values))
        self.codes = codes

    def raw(self, i: int) -> object:
        """The cell of row i as the row reader has it before blanks are made None."""
        if self.plain:
            return self.raw_arrow[i].as_py()
        return self.raw_values[self.codes[i].as_py()]

    def cleaned(self, i: int) -> object:
        if self.plain:
            return self.arrow[i].as_py()
        return self.values[self.codes[i].as_py()]

    def valid(self):
        import pyarrow as pa
        import pyarrow.compute as pc

        if self.plain:
            return pc.is_valid(self.arrow)
        return pc.take(pa.array([v is not None for v in self.values], pa.bool_()), self.codes)

    def per_value(self, flags: list[bool]):
        import pyarrow as pa
        import pyarrow.compute as pc

        return pc.take(pa.array(flags, pa.bool_()), self.codes)

    def maybe_total(self):
        import pyarrow.compute as pc

        if self.plain:
            a = self.raw_arrow
            if pc.all(pc.fill_null(pc.string_is_ascii(a), True)).as_py():
                return None  # 计 is not ASCII
            hit = pc.fill_null(pc.match_substring(a, "计"), False)
            # the length only of the texts with a 计 in them
            return _patched(hit, hit, lambda x: pc.less_equal(pc.utf8_length(x), 60), a)
        flags = [v.__class__ is str and "计" in v and len(v) <= 60 for v in self.values]
        return self.per_value(flags) if any(flags) else None

    def coded(self, keep) -> Coded:
        import pyarrow as pa
        import pyarrow.compute as pc

        if self.plain:
            a = self.arrow if keep is None else pc.take(self.arrow, keep)
            return Coded(Codes(_arange(len(a))), ArrowValues(a))
        codes = self.codes if keep is None else pc.take(self.codes, keep)
        # blank values share the None code, so that a row's code says what it holds
        none = len(self.values) - 1
        remap = [none if v is None else k for k, v in enumerate(self.values)]
        if remap != list(range(len(remap))):
            codes = pc.take(pa.array(remap, pa.int32()), codes)
        return Coded(Codes(codes), self.values)


def _mostly_distinct(a, sample: int = 4096) -> bool:
    """Whether most values of a column differ (titles, ids): not worth a dictionary."""
    import pyarrow.compute as pc

    head = a.slice(0, sample)
    n = len(head) - head.null_count
    return n > 0 and pc.count_distinct(head).as_py() * 2 > n


def _encoded(a):
    """(dictionary, int32 indices with nulls) of a column, one Array even from a chunked read."""
    import pyarrow as pa
    import pyarrow.compute as pc

    enc = pc.dictionary_encode(a)
    if isinstance(enc, pa.ChunkedArray):
        if enc.num_chunks == 0:
            return pa.array([], a.type), pa.array([], pa.int32())
        enc = enc.unify_dictionaries()
        return enc.chunk(0).dictionary, pa.chunked_array([c.indices for c in enc.chunks], pa.int32()).combine_chunks()
    return enc.dictionary, enc.indices


def _arange(n: int):
    """0 … n-1 as int32 (no numpy)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if n == 0:
        return pa.array([], pa.int32())
    return pc.subtract(pc.cumulative_sum(pa.repeat(pa.scalar(1, pa.int32()), n)), 1)


def _plain_columns(layout: Layout, reg) -> set[int]:
    """Columns kept one value per row (not dictionary-encoded): the text fields a kind's rule only
    passes on (titles, ids: nearly every row its own), and columns no field reads."""
    from disclo_cli.ingest.rules import PASSED, TEXT, THROUGH

    through = THROUGH.get(layout.kind, {})
    by_col = {c: f for f, c in layout.columns.items()}
    out = set()
    for c, _ in layout.content_columns():
        name = by_col.get(c)
        if name is None:
            out.add(c)
            continue
        f = reg.field(name)
        if f.type in ("text", "id") and through.get(name) in (TEXT, PASSED):
            out.add(c)
    return out


def _repeated_headers(columns: dict, layout: Layout) -> set[int]:
    """Rows that repeat the header (every mapped column holds its own header text)."""
    import pyarrow.compute as pc

    mapped = [(c, norm(layout.headers[c])) for c in sorted(set(layout.columns.values()))]
    if not all(columns[c].string for c, _ in mapped):
        return set()  # a typed column never holds a header's text
    cand = None
    # the columns of few values first: if none of them holds its header anywhere, no row repeats it
    for c, head in sorted(mapped, key=lambda x: columns[x[0]].plain):
        col = columns[c]
        if col.plain:
            # a text that folds to the header in Arrow, or one Arrow cannot fold (Python does)
            folded = fold_plain(col.arrow)
            m = pc.or_(pc.fill_null(pc.equal(folded, head), False), pc.and_(pc.is_null(folded), pc.is_valid(col.arrow)))
        else:
            flags = [isinstance(v, str) and norm(v) == head for v in col.values]
            if not any(flags):
                return set()
            m = col.per_value(flags)
        cand = m if cand is None else pc.and_(cand, m)
        if not pc.any(cand).as_py():
            return set()
    out = set()
    for i in (pc.indices_nonzero(cand).to_pylist() if cand is not None else []):
        if all(isinstance(v := columns[c].cleaned(i), str) and norm(v) == head for c, head in mapped):
            out.add(i)
    return out


def _notes(columns: dict, mapped: list[int], filled) -> dict[int, str]:
    """Rows whose only cell says there is nothing (「本月无申请」): a note in a monthly sheet."""
    import pyarrow.compute as pc

    if len(mapped) <= 1:
        return {}
    out: dict[int, str] = {}
    for i in pc.indices_nonzero(pc.equal(filled, 1)).to_pylist():
        values = [v for c in mapped if (v := columns[c].cleaned(i)) is not None]
        if len(values) == 1 and isinstance(values[0], str) and _NOTE.match(norm(values[0])):
            out[i] = values[0].strip()
    return out


def id_keys(ids: Coded):
    """schema.id_key of every row's id (null where a row has none), as an Arrow column: folded in
    Arrow where the folding is ASCII's, in Python for the rest."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from disclo_cli.schema import id_key

    values, codes = ids.values, ids.codes
    assert is_arrow(codes), "a column of the columnar reader's block has Arrow codes"
    if isinstance(values, ArrowValues):
        arr = pc.take(values.arrow, codes.arrow)
    else:
        arr = pc.take(pa.array([v if isinstance(v, str) else None for v in values], pa.string()), codes.arrow)
        if any(v is not None and not isinstance(v, str) for v in values):
            return None  # ids that are not text (numbers of a workbook): keyed in Python
    empty = pc.fill_null(pc.equal(arr, ""), True)
    if pc.all(pc.fill_null(pc.string_is_ascii(arr), True)).as_py() and not pc.any(pc.fill_null(pc.match_substring_regex(arr, r"[A-Z\t\n\x0b\x0c\r\x1c-\x1f :*]"), False)).as_py():
        folded = arr  # ASCII with nothing to fold (no capitals, spaces or trailing : *): norm leaves it as it is
    else:
        folded = fold_plain(arr)
    keys = pc.binary_join_element_wise("id:", folded, "")
    todo = pc.indices_nonzero(pc.and_(pc.invert(empty), pc.is_null(folded))).to_pylist()
    if todo:
        fixes = [id_key(arr[i].as_py()) for i in todo]
        mask = [False] * len(arr)
        for i in todo:
            mask[i] = True
        keys = pc.replace_with_mask(keys, pa.array(mask), pa.array(fixes, pa.string()))
    return pc.if_else(empty, pa.scalar(None, pa.string()), keys)


