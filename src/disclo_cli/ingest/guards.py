"""Limits on what a workbook may ask of the reader, checked before calamine unpacks anything.

A zip's directory tells the parts' sizes (decompression bombs). Each worksheet's XML is then
unpacked once, by zlib, and looked at in C only (a count and one regular-expression search per
megabyte, no Python per cell): how far its cells reach (one cell at XFD1048576 would make calamine
lay out half a terabyte), how many cells hold a value, how much XML it is. XML that declares
entities is refused. The limits are those of the largest register disclo is made for (a million
rows of about seven columns: some eight seconds and a gigabyte of memory to read); a workbook over
them is refused within seconds, saying which limit and by how much. An .ods is walked for its
extent and its merged ranges.

The totals count the whole workbook: every sheet is read and kept while its registers are found.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import struct
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Generator, Iterator

from disclo_cli.errors import InputError

#: refuse a workbook whose parts unpack to more than this (a decompression bomb) ...
MAX_UNPACKED = 2 << 30
#: ... or whose large parts unpack more than this many times their packed size (a real register
#: packs 5 to 20 times; text repeated to fill memory packs hundreds of times)
MAX_RATIO = 100
LARGE_PART = 64 << 20
#: refuse a workbook whose sheets, laid out from A1, would be more than this many cells (calamine
#: and Python hold every cell of that rectangle: about 40 bytes each even when empty)
MAX_CELLS = 16_000_000
#: ... or whose cells with a value are more than this many (a million rows × 8 columns)
MAX_VALUES = 8_000_000
#: ... or whose worksheet XML is more than this (the 1M-row benchmark register is 563 MiB)
MAX_SHEET_XML = 640 << 20
#: ... or whose shared strings (xl/sharedStrings.xml) are more than this
MAX_SHARED_XML = 256 << 20
#: ... or whose cells would hold more text than this (each cell of a shared string is a copy of it)
MAX_TEXT = 384 << 20

_CHUNK = 1 << 21  # unpacked bytes looked at at a time


def guard_zip(p: Path, data: bytes | None = None) -> list:
    """Refuse decompression bombs before anything is unpacked (the zip directory tells the sizes)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else p) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as exc:
        raise InputError("input-damaged", path=str(p), problem=str(exc)) from exc
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED:
        raise InputError("input-zip-too-big", path=str(p), mib=total >> 20)
    for i in infos:
        if i.file_size > LARGE_PART and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise InputError("input-zip-bomb", path=str(p), part=i.filename, ratio=i.file_size // max(i.compress_size, 1))
    return [i.filename for i in infos]


def zip_format(p: Path, names: list[str]) -> str:
    """xlsx, xlsb or ods by the parts a zip holds; a clear refusal for other zips (docx, plain zip)."""
    has = set(names)
    if "xl/workbook.xml" in has:
        return "xlsx"
    if "xl/workbook.bin" in has:
        return "xlsb"
    if "content.xml" in has:
        return "ods"
    if "word/document.xml" in has:
        raise InputError("input-word", path=str(p))
    if "ppt/presentation.xml" in has:
        raise InputError("input-powerpoint", path=str(p))
    raise InputError("input-zip", path=str(p))


def too_big(p: Path, sheet: str, rows: int, cols: int) -> InputError:
    return InputError("input-sheet-too-big", path=str(p), sheet=sheet, rows=f"{rows:,}", columns=f"{cols:,}", cells=f"{rows * cols:,}", limit=f"{MAX_CELLS:,}")


def _refuse_entities(p: Path, part: str) -> InputError:
    return InputError("input-xml-entities", path=str(p), part=part)


def _sheet_parts(zf) -> dict[str, str]:
    """Sheet name -> worksheet part (xl/worksheets/sheet1.xml) from the workbook and its relations."""
    import xml.etree.ElementTree as ET

    try:
        book = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    if b"<!DOCTYPE" in book or b"<!DOCTYPE" in rels or len(book) > (16 << 20) or len(rels) > (16 << 20):
        return {}
    try:
        targets = {}
        for rel in ET.fromstring(rels):
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[rel.get("Id")] = os.path.normpath(target).replace("\\", "/")
        out = {}
        for el in ET.fromstring(book).iter():
            if el.tag.endswith("}sheet"):
                rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
                if rid in targets:
                    out[el.get("name", "")] = targets[rid]
        return out
    except ET.ParseError:
        return {}


# --- unpacking a part once -------------------------------------------------------------------------

def _raw(data: bytes, info) -> memoryview:
    """A member's packed bytes, from its local header (as calamine reads them)."""
    import zipfile

    start = info.header_offset
    head = data[start : start + 30]
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header of {info.filename}")
    name_len, extra_len = struct.unpack("<HH", head[26:30])
    begin = start + 30 + name_len + extra_len
    return memoryview(data)[begin : begin + info.compress_size]


#: a worksheet packed larger than this is unpacked a piece ahead, in a thread (prefetched), unless it
#: claims to unpack to more than PREFETCH_RATIO times its size (worksheet XML packs about 10 to 1)
PREFETCH_BYTES = 4 << 20
PREFETCH_RATIO = 40


class _Raised:
    __slots__ = ("exc",)

    def __init__(self, exc: BaseException | None) -> None:
        self.exc = exc


def prefetched(pieces: Iterator[bytes], depth: int = 1) -> Generator[bytes, None, None]:
    """The pieces, each unpacked in a thread while the one before is searched: zlib lets go of the
    GIL while it inflates and RE2 while it searches, so the guard takes the longer of the two, not
    their sum (1M rows: 1.2 s → 0.8 s). At most `depth` pieces wait. What the unpacking raises (a
    part too large) is raised here; a consumer that stops early stops the thread, and it is joined
    before this returns."""
    import queue
    import threading

    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            for piece in pieces:
                if not put(piece):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            put(_Raised(exc))
            return
        put(_Raised(None))

    worker = threading.Thread(target=run, name="disclo-unpack", daemon=True)
    worker.start()
    try:
        while True:
            item = q.get()
            if isinstance(item, _Raised):
                if item.exc is not None:
                    raise item.exc
                return
            yield item
    finally:
        stop.set()
        worker.join()


def unpacked(data: bytes, info, limit: int, on_limit) -> Generator[bytes, None, None]:
    """A part's bytes, unpacked by zlib a piece at a time (never more than `limit` in all: past it,
    on_limit(size) raises). 256 KiB go in at a time: deflate packs at most 1032 to 1, so no piece
    that comes out is larger than 260 MiB, and one of an ordinary part a few MiB. Other compression
    methods go through zipfile."""
    total = 0
    if info.compress_type == 8:  # deflate
        raw = _raw(data, info)
        d = zlib.decompressobj(-15)
        step = 1 << 18
        for pos in range(0, len(raw), step):
            out = d.decompress(raw[pos : pos + step])
            if out:
                total += len(out)
                if total > limit:
                    on_limit(total)
                yield out
            if d.eof:
                return
        out = d.flush()
        if out:
            total += len(out)
            if total > limit:
                on_limit(total)
            yield out
        return
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open(info) as fh:
        while True:
            out = fh.read(_CHUNK)
            if not out:
                return
            total += len(out)
            if total > limit:
                on_limit(total)
            yield out


def tag_chunks(pieces: Iterator[bytes]) -> Iterator[bytes]:
    """Pieces re-cut to end at a '>' (no tag is cut in two)."""
    carry = b""
    for piece in pieces:
        buf = carry + piece if carry else piece
        cut = buf.rfind(b">") + 1
        if cut == 0 and len(buf) < (64 << 20):
            carry = buf
            continue
        yield buf[:cut] if cut else buf
        carry = buf[cut:] if cut else b""
    if carry:
        yield carry


def chunks(zf, part: str, size: int = 1 << 23):
    """A part's bytes in pieces that end at a '>' (no tag is cut in two), through zipfile."""
    def pieces():
        with zf.open(part) as fh:
            while True:
                chunk = fh.read(size)
                if not chunk:
                    return
                yield chunk

    return tag_chunks(pieces())


# --- the extent of a worksheet ------------------------------------------------------------------------

@dataclass
class Extent:
    rows: int = 0  # the last row and column a cell with a value reaches (1-based)
    cols: int = 0
    size: int = 0  # bytes of XML
    exact: bool = True  # False: cells not in the usual shape (no reference, a prefix): parse the XML
    prefixed: bool = False  # the worksheet's elements have a namespace prefix (<x:c>)
    # what the columnar reader (xlsx.py) needs to place fastexcel's cells, noted on the way:
    first_row: int = 0  # the row of the first cell with content (1-based; 0: none seen)
    col_a: bool = False  # a cell with content in column A (then calamine's cells start there)
    merges: set = field(default_factory=set)  # merged ranges (first row, first column, last row, last column), 0-based
    merge_count: int | None = None  # what <mergeCells count="…"> says


#: a cell reference as calamine reads it: letters in either case, any number of digits (leading zeros too)
_LAST_REF = re.compile(rb'<c r="([A-Za-z]{1,4})([0-9]{1,12})"')
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:worksheet[\s>]")
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s>/]")  # calamine reads <x:c> as a cell too
_SEAM = 256  # bytes either side of where two unpacked pieces meet: a cell tag is shorter


def _col_number(letters: bytes | str) -> int:
    n = 0
    for ch in (letters if isinstance(letters, str) else letters.decode("ascii")).upper():
        n = n * 26 + ord(ch) - 64
    return n


def _col_letters(n: int) -> str:
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _greater(text: str, alphabet: str, most: int) -> str:
    """A regular expression for the strings over `alphabet` (in its order, without leading zeros for
    digits) of up to `most` characters that are greater than `text` as numbers (longer is greater).
    Letters match in either case (calamine reads r="f12" as F12): the classes say so, which keeps
    the search case-sensitive and fast."""
    letters = alphabet[0] == "A"

    def span(a: str, b: str) -> str:
        return f"[{a}-{b}{a.lower()}-{b.lower()}]" if letters else f"[{a}-{b}]"

    low, high = alphabet[0], alphabet[-1]
    first = alphabet[1] if alphabet[0] == "0" else alphabet[0]  # no leading zero
    options = []
    n = len(text)
    if n < most:
        options.append(f"{span(first, high)}{span(low, high)}{{{n},{most - 1}}}")
    for i, ch in enumerate(text):
        k = alphabet.index(ch)
        if k + 1 < len(alphabet):
            rest = n - i - 1
            prefix = "".join(span(c, c) if letters else re.escape(c) for c in text[:i])
            options.append(prefix + span(alphabet[k + 1], high) + (f"{span(low, high)}{{{rest}}}" if rest else ""))
    return "(?:" + "|".join(options) + ")" if options else "(?!)"


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@lru_cache(maxsize=256)
def _beyond(cols: int, rows: int) -> re.Pattern:
    """A cell tag that is not <c r="A1"> in shape (no reference, or not as the first attribute), or
    whose reference reaches beyond column `cols` or row `rows`."""
    col_gt = _greater(_col_letters(cols), _LETTERS, 4)
    row_gt = _greater(str(rows) if rows else "", "0123456789", 12) + '"'
    return re.compile(rb'<c(?: r="(?:%s|[A-Za-z]{1,4}0*%s)|(?! r=")[\s>/])' % (col_gt.encode(), row_gt.encode()))


@lru_cache(maxsize=256)
def _beyond_re2(cols: int, rows: int) -> str | None:
    r"""_beyond for RE2 (pyarrow's match_substring_regex, linear in time, on bytes as Latin-1): the
    look-ahead `(?! r=")[\s>/]` spelt out — a cell tag followed by whitespace other than a space,
    '>' or '/', or by a space not starting ` r="`. It finds what _beyond finds except a ` r="` cut
    by the end of the piece, which _scan passes over anyway (the seam has it whole) — and a merged
    range (`<mergeCell`), so that a piece RE2 passes needs no search of its own for merges either
    (_note_facts). None where _greater gave a never-matching look-ahead of its own."""
    col_gt = _greater(_col_letters(cols), _LETTERS, 4)
    row_gt = _greater(str(rows) if rows else "", "0123456789", 12) + '"'
    if "(?!" in col_gt or "(?!" in row_gt:
        return None
    return '<(?:mergeCell|c(?: r="(?:%s|[A-Za-z]{1,4}0*%s)|[\\t\\n\\x0b\\x0c\\r>/]| (?:[^r]|r[^=]|r=[^"])))' % (col_gt, row_gt)


#: a worksheet's pieces are first searched by RE2 once this much of its XML is unpacked: Python's
#: search costs about 2 ms a megabyte, importing pyarrow about 120 ms (a sheet of a few thousand
#: rows never imports it)
_RE2_FROM = 32 << 20


def _none_beyond(ext: Extent, buf: bytes) -> bool:
    """Whether RE2 finds no cell in buf beyond ext and no merged range (then _scan's own search
    would find none that grows it: in a register, every piece but the last). False where it cannot
    tell: pyarrow missing, a sheet not yet large enough to gain by it, a pattern RE2 cannot take."""
    if ext.size < _RE2_FROM:
        return False
    pattern = _beyond_re2(ext.cols, ext.rows)
    if pattern is None:
        return False
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:
        return False
    offsets = pa.py_buffer(struct.pack("<ii", 0, len(buf)))
    one = pa.Array.from_buffers(pa.binary(), 1, [None, offsets, pa.py_buffer(buf)])  # no copy of the piece
    return not pc.match_substring_regex(one, pattern)[0].as_py()


def _empty(buf: bytes, start: int) -> bool | None:
    """Whether the cell tag at `start` is <c …/> or <c …></c> (formatting, no content); None when
    the tag runs past the end of buf."""
    end = buf.find(b">", start)
    if end < 0 or (buf[end - 1] != 0x2F and len(buf) < end + 5):  # 0x2F: '/'
        return None
    return buf[end - 1] == 0x2F or buf.startswith(b"</c>", end + 1)


def _ref(match: bytes) -> tuple[int, int] | None:
    m = _LAST_REF.match(match)
    return (_col_number(m.group(1)), int(m.group(2))) if m else None


def _scan(ext: Extent, buf: bytes) -> bool:
    """Grow ext by the cells of buf (see sheet_extent). True when RE2 found neither a cell beyond
    ext nor a merged range in buf (_none_beyond)."""
    last = buf.rfind(b'<c r="')
    while last >= 0:  # the last whole cell with content: in a register, the furthest down
        ref = _ref(buf[last : last + 32])
        if ref and _empty(buf, last) is False:
            ext.cols, ext.rows = max(ext.cols, ref[0]), max(ext.rows, ref[1])
            break
        last = buf.rfind(b'<c r="', 0, last)
    if _none_beyond(ext, buf):
        return True
    pos = 0
    while True:
        m = _beyond(ext.cols, ext.rows).search(buf, pos)
        if m is None:
            return False
        pos = m.end()
        ref = _ref(buf[m.start() : m.start() + 32])
        if ref is None:
            if m.start() + 32 > len(buf) and buf[m.start() + 2 : m.start() + 6] == b' r="'[: len(buf) - m.start() - 2]:
                continue  # a reference cut at the end of buf: the seam has it whole
            ext.exact = False  # no reference, not as the first attribute, or not A1-shaped: the XML must be parsed
            return False
        if _empty(buf, m.start()) is False:  # an empty cell (formatting only): calamine lays out no cell for it
            ext.cols, ext.rows = max(ext.cols, ref[0]), max(ext.rows, ref[1])


_CELL_A = re.compile(rb'<c r="[Aa][0-9]')
_MERGE_REF = re.compile(rb'<mergeCell ref="([A-Za-z]{1,4})([0-9]{1,12}):([A-Za-z]{1,4})([0-9]{1,12})"')
_MERGE_COUNT = re.compile(rb'<mergeCells count="([0-9]{1,9})"')


def _note_facts(ext: Extent, buf: bytes, quiet: bool = False) -> None:
    """The first row with content, a cell with content in column A, the merged ranges (xlsx.py);
    `quiet`: RE2 found no merged range in buf (_scan)."""
    if not ext.first_row:
        pos = buf.find(b'<c r="')
        while pos >= 0:
            ref = _ref(buf[pos : pos + 32])
            if ref and _empty(buf, pos) is False:
                ext.first_row = ref[1]
                break
            pos = buf.find(b'<c r="', pos + 1)
    if not ext.col_a:
        for m in _CELL_A.finditer(buf):
            if _empty(buf, m.start()) is False:
                ext.col_a = True
                break
    if not quiet and b"<mergeCell" in buf:
        counted = _MERGE_COUNT.search(buf)
        if counted:
            ext.merge_count = int(counted.group(1))
        for c0, r0, c1, r1 in _MERGE_REF.findall(buf):
            ext.merges.add((int(r0) - 1, _col_number(c0) - 1, int(r1) - 1, _col_number(c1) - 1))


def sheet_extent(pieces: Iterator[bytes], p: Path, part: str) -> Extent:
    """How far the cells with content of a worksheet reach, and its size, looking at the XML in C
    only: for each unpacked piece, its last cell reference, then one regular-expression search for a
    cell beyond what is known so far (rows and columns only grow, so in a register that search finds
    nothing); where two pieces meet, the few hundred bytes either side once more. exact=False when
    the cells are not in the usual shape and the XML must be parsed (see exact_extent)."""
    ext = Extent()
    tail = b""
    for piece in pieces:
        if not ext.size:
            head = piece[:4096]
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise _refuse_entities(p, part)
            if _PREFIXED.search(head):
                ext.exact, ext.prefixed = False, True  # cells in a prefixed namespace (<x:c>): parse them
        ext.size += len(piece)
        if b":" in piece and _PREFIXED_CELL.search(tail + piece):  # ':' is rare in cells (a memchr): the search seldom runs
            ext.exact, ext.prefixed = False, True
            return ext
        if tail:
            seam = tail + piece[:_SEAM]
            _note_facts(ext, seam, _scan(ext, seam))
        _note_facts(ext, piece, _scan(ext, piece))
        tail = piece[-_SEAM:]
        if not ext.exact or ext.rows * ext.cols > MAX_CELLS:
            return ext  # to be parsed, or refused: no need to look further
    return ext


_ROW_TAG = re.compile(rb'row\s+r\s*=\s*["\']([0-9]{1,12})')  # <row r="5">, <x:row r='5'>


def odd_extent(chunks: Iterator[bytes]) -> tuple[int, int]:
    """An upper bound on (last row, last column) of a sheet whose cells are not all <c r="A1">
    (calamine places a cell without a reference after the one before it, a row without one after
    the row before it), from C-level counts: rows at most the furthest reference plus the number of
    rows, columns at most the furthest cell reference plus the most cells in a row (exact for a
    sheet without any reference). No XML is parsed in Python."""
    from itertools import repeat

    ext = Extent()
    row_tags = rows = per_row = 0
    for buf in chunks:
        _scan_refs(ext, buf)
        row_tags += buf.count(b"<row") + buf.count(b":row")
        tags = _ROW_TAG.findall(buf)
        if tags:
            rows = max(rows, max(map(int, tags)))
        parts = buf.split(b"row>")  # the end of each row (</row>, </x:row>)
        per_row = max(per_row, *map(_add, map(bytes.count, parts, repeat(b"<c")), map(bytes.count, parts, repeat(b":c"))))
    return max(rows, ext.rows) + row_tags, ext.cols + per_row


def _add(a: int, b: int) -> int:
    return a + b


def _measured(pieces: Iterator[bytes], ext: Extent) -> Iterator[bytes]:
    """The pieces re-cut at tags, their size added up in ext."""
    for buf in tag_chunks(pieces):
        ext.size += len(buf)
        yield buf


#: a cell reference (r="B12"), whatever the order of attributes
_ANY_REF = re.compile(rb'\sr\s*=\s*["\']([A-Za-z]{1,4})([0-9]{1,12})["\']')


def _scan_refs(ext: Extent, buf: bytes) -> None:
    """Grow ext by every cell reference in buf, whatever the order of attributes (for odd_extent):
    one pass, the furthest column and row taken (a search for a reference beyond the extent so far,
    made again as the extent grew, compiled a pattern a row: 19 s for 70k rows)."""
    refs = _ANY_REF.findall(buf)
    if refs:
        letters, numbers = zip(*refs, strict=True)
        ext.cols = max(ext.cols, max(map(_col_number, set(letters))))
        ext.rows = max(ext.rows, max(map(int, set(numbers))))


def count_values(pieces: Iterator[bytes]) -> int:
    """Cells with content (a value, an inline string, a formula): their closing tags."""
    count, tail = 0, b""
    for piece in pieces:
        count += piece.count(b"</c>") + (tail + piece[:3]).count(b"</c>")
        tail = piece[-3:]
    return count


@dataclass(slots=True)
class _XlsxCursor:
    """Where exact_extent's parser is in a worksheet, and how far the cells with a value reach."""

    row: int = 0
    col: int = 0
    cell: tuple[int, int] | None = None  # (row, column) of the open <c>
    max_row: int = 0
    max_col: int = 0


def exact_extent(pieces: Iterator[bytes], p: Path, part: str) -> tuple[int, int]:
    """(last row, last column) of the cells that have a value, as calamine places them."""
    import xml.parsers.expat

    state = _XlsxCursor()
    ref = re.compile(r"([A-Za-z]{1,4})([0-9]{1,12})$")

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rsplit(" ", 1)[-1]
        if local == "row":
            r = attrs.get("r")
            state.row = int(r) if r and r.isdigit() else state.row + 1
            state.col = 0
        elif local == "c":
            m = ref.match(attrs.get("r", ""))
            if m:
                state.col, row = _col_number(m.group(1)), int(m.group(2))
            else:
                state.col, row = state.col + 1, state.row
            state.cell = (row, state.col)
        elif local in ("v", "is") and state.cell:
            row, col = state.cell
            state.max_row = max(state.max_row, row)
            state.max_col = max(state.max_col, col)

    def refuse(*_args) -> None:
        raise _refuse_entities(p, part)

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        for buf in pieces:
            parser.Parse(buf, False)
            if state.max_row * state.max_col > MAX_CELLS:
                break
        else:
            parser.Parse(b"", True)
    except xml.parsers.expat.ExpatError as exc:
        raise InputError("input-damaged-xml", path=str(p), part=part, problem=str(exc)) from exc
    return state.max_row, state.max_col


# --- shared strings ----------------------------------------------------------------------------------

_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>]")


def _shared_lengths(data: bytes, info, p: Path) -> list[int]:
    """The XML length of each shared string (<si>…</si>), an upper bound on its text."""
    def over(size: int) -> None:
        raise InputError("input-part-too-big", path=str(p), part=info.filename, mib=size >> 20, limit=MAX_SHARED_XML >> 20)

    if info.file_size > MAX_SHARED_XML:
        over(info.file_size)
    lengths: list[int] = []
    carry = b""
    first = True
    for buf in tag_chunks(unpacked(data, info, MAX_SHARED_XML, over)):
        if first:
            if b"<!DOCTYPE" in buf[:4096] or b"<!ENTITY" in buf[:4096]:
                raise _refuse_entities(p, info.filename)
            first = False
        pieces = _SI.split(carry + buf)
        carry = pieces.pop()
        lengths.extend(map(len, pieces))
    lengths.append(len(carry))
    return lengths[1:]  # what comes before the first <si> is the part's head


_SHARED_FAST = re.compile(rb't="s"><v>([0-9]{1,9})</v>')  # how Excel, WPS, LibreOffice and openpyxl write it
_SHARED_CELL = re.compile(rb'<c [^>]*?t="s"[^>]*>\s*<v>([0-9]{1,9})</v>')


def _shared_text(chunks: Iterator[bytes], lengths: list[int]) -> int:
    """The text (XML bytes) the shared-string cells of a worksheet hold, each copy counted."""
    total, n = 0, len(lengths)
    get = lengths.__getitem__
    for buf in chunks:
        found = _SHARED_FAST.findall(buf)
        if len(found) != buf.count(b't="s"'):
            found = _SHARED_CELL.findall(buf)  # another order of attributes
        total += sum(map(get, (k for k in map(int, found) if k < n)))
    return total


# --- the guard ---------------------------------------------------------------------------------------

def guard_xlsx(p: Path, data: bytes | None = None, extents: dict | None = None) -> dict[str, str]:
    """Refuse a workbook over the limits (cells laid out, cells with content, XML, text) or with XML
    entities. Returns sheet name -> worksheet part; `extents` (when given) gets each worksheet part's
    Extent (the columnar reader places its cells by it: the sheet is unpacked once for both).

    One pass over each worksheet (sheet_extent); a second only for a sheet whose extent could hold
    more than MAX_VALUES cells (count_values), or whose shared strings could hold more than
    MAX_TEXT (_shared_text), or whose cells are not in the usual shape (exact_extent)."""
    import zipfile

    if data is None:
        data = p.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = _sheet_parts(zf)
        infos = {i.filename: i for i in zf.infolist()}
        for part in ("xl/styles.xml", "xl/workbook.xml"):
            if part in infos:
                with zf.open(part) as fh:
                    if b"<!DOCTYPE" in fh.read(4096):
                        raise _refuse_entities(p, part)
    names = {v: k for k, v in parts.items()}
    sheets = [part for part in infos if part.startswith("xl/worksheets/") and part.endswith(".xml")]
    shared = infos.get("xl/sharedStrings.xml")
    lengths = _shared_lengths(data, shared, p) if shared is not None else []
    longest = max(lengths, default=0)
    laid_out = values = xml = 0
    for part in sheets:
        info, name = infos[part], names.get(part, part)

        def over(size: int, name: str = name, before: int = xml) -> None:
            raise InputError("input-sheet-xml-too-big", path=str(p), sheet=name, mib=(before + size) >> 20, limit=MAX_SHEET_XML >> 20)

        def pieces(info=info, before: int = xml) -> Generator[bytes, None, None]:
            return unpacked(data, info, MAX_SHEET_XML - before, over)

        if xml + info.file_size > MAX_SHEET_XML:
            over(info.file_size)
        # a large part unpacked a piece ahead; not one that packs far tighter than XML does (a bomb's
        # pieces are the largest there are: one at a time, as before), and closed even when refused
        ahead = info.compress_size > PREFETCH_BYTES and info.file_size <= PREFETCH_RATIO * info.compress_size
        with contextlib.closing(prefetched(pieces()) if ahead else pieces()) as unpacking:
            ext = sheet_extent(unpacking, p, part)
        if extents is not None:
            extents[part] = ext
        rows, cols = ext.rows, ext.cols
        if not ext.exact:  # cells without a reference, or in a prefixed namespace: a bound first, in C
            sized = Extent()
            rows, cols = odd_extent(_measured(pieces(), sized))
            ext.size = sized.size
            if rows * cols > MAX_CELLS:
                if ext.size > (64 << 20):  # too large to parse in Python within seconds
                    raise InputError("input-sheet-odd-too-big", path=str(p), sheet=name, rows=f"{rows:,}", columns=f"{cols:,}", limit=f"{MAX_CELLS:,}")
                rows, cols = exact_extent(tag_chunks(pieces()), p, part)
        if rows * cols > MAX_CELLS:
            raise too_big(p, name, rows, cols)
        laid_out, xml = laid_out + rows * cols, xml + ext.size
        if laid_out > MAX_CELLS:
            raise InputError("input-book-too-big", path=str(p), sheet=name, cells=f"{laid_out:,}", limit=f"{MAX_CELLS:,}")
        values += count_values(pieces()) if values + rows * cols > MAX_VALUES else rows * cols
        if values > MAX_VALUES:
            raise InputError("input-too-many-values", path=str(p), sheet=name, values=f"{values:,}", limit=f"{MAX_VALUES:,}")
        if lengths and rows * cols * longest > MAX_TEXT:  # the cheap bound says it might be: count it
            text = _shared_text(tag_chunks(pieces()), lengths)
            if text > MAX_TEXT:
                raise InputError("input-too-much-text", path=str(p), sheet=name, mib=text >> 20, limit=MAX_TEXT >> 20)
    return parts


@dataclass(slots=True)
class _OdsCursor:
    """Where guard_ods's parser is in content.xml, and how far the cells with a value reach."""

    sheet: str | None = None  # the open <table:table>'s name
    row: int = 0
    col: int = 0
    rrep: int = 1  # the open row's number-rows-repeated
    max_row: int = 0
    max_col: int = 0
    cell: tuple[int, int] | None = None  # (first column, column past the last) of the open cell


def guard_ods(p: Path, data: bytes | None = None) -> dict[str, list]:
    """Refuse an .ods whose repeated cells would be laid out over more than MAX_CELLS; return the
    merged ranges per sheet (calamine does not report them for .ods)."""
    import xml.parsers.expat
    import zipfile

    TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    merges: dict[str, list] = {}
    st = _OdsCursor()

    def num(attrs, key) -> int:
        value = attrs.get(f"{TABLE} {key}", "1")
        return int(value) if value.isdigit() else 1

    def valued(row_end: int, col_end: int) -> None:
        st.max_row = max(st.max_row, row_end)
        st.max_col = max(st.max_col, col_end)
        if st.max_row * st.max_col > MAX_CELLS:
            raise too_big(p, st.sheet or "?", st.max_row, st.max_col)

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == f"{TABLE} table":
            st.sheet, st.row, st.max_row, st.max_col = attrs.get(f"{TABLE} name", ""), 0, 0, 0
            merges[st.sheet] = []
        elif name == f"{TABLE} table-row":
            st.rrep = num(attrs, "number-rows-repeated")
            st.col = 0
        elif name in (f"{TABLE} table-cell", f"{TABLE} covered-table-cell"):
            crep = num(attrs, "number-columns-repeated")
            first_col = st.col
            st.col += crep
            st.cell = (first_col, st.col)
            if f"{OFFICE} value-type" in attrs:
                valued(st.row + st.rrep, st.col)
            rs, cs = num(attrs, "number-rows-spanned"), num(attrs, "number-columns-spanned")
            if (rs > 1 or cs > 1) and st.sheet is not None:
                merges[st.sheet].append(((st.row, first_col), (st.row + rs - 1, first_col + cs - 1)))
        elif name.endswith(" p") and st.cell:
            valued(st.row + st.rrep, st.cell[1])

    def end(name: str) -> None:
        if name == f"{TABLE} table-row":
            st.row += st.rrep
            st.rrep = 1
        elif name in (f"{TABLE} table-cell", f"{TABLE} covered-table-cell"):
            st.cell = None

    def refuse(*_args) -> None:
        raise _refuse_entities(p, "content.xml")

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else p) as zf:
            for buf in chunks(zf, "content.xml"):
                parser.Parse(buf, False)
        parser.Parse(b"", True)
    except xml.parsers.expat.ExpatError as exc:
        raise InputError("input-damaged-xml", path=str(p), part="content.xml", problem=str(exc)) from exc
    return merges
