"""Per-row integer vectors (the codes of a sheet's columns) and what the readers do with them.

A column of a register is held coded: each distinct value once, and per row the index of its value
(`Coded`). The row reader's codes are Python lists; the columnar reader's are Arrow arrays (`Codes`,
read a row at a time through a memoryview, worked on a column at a time by pyarrow.compute). Every
function here takes either kind and gives the same answer, so the sheet reader (registers.py) and
its kinds' rules are written once for both. pyarrow is imported only for Arrow codes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Sequence, TypeGuard, Union

if TYPE_CHECKING:
    from disclo_cli.ingest.arrow_text import ArrowValues


class Codes:
    """Arrow int32 codes without nulls, indexable a row at a time (for the rows a rule looks at)."""

    __slots__ = ("arrow", "_view")

    def __init__(self, arrow) -> None:
        import pyarrow as pa

        if arrow.type != pa.int32():
            arrow = arrow.cast(pa.int32())
        if isinstance(arrow, pa.ChunkedArray):
            arrow = arrow.combine_chunks()
        if arrow.null_count:
            raise ValueError("codes must not be null")
        self.arrow = arrow
        buf = arrow.buffers()[1]
        view = memoryview(buf).cast("i") if buf is not None else memoryview(b"").cast("i")
        self._view = view[arrow.offset: arrow.offset + len(arrow)]

    def __len__(self) -> int:
        return len(self.arrow)

    def __getitem__(self, i: int) -> int:
        return self._view[i]

    def __iter__(self):
        return iter(self._view)

    def tolist(self) -> list[int]:
        return self._view.tolist()

    def slice_list(self, start: int, end: int) -> list[int]:
        return self._view[start:end].tolist()


IntVec = Union[list, Codes]


class Coded:
    """A column of values, each distinct value once: row i's value is `values[codes[i]]`."""

    __slots__ = ("codes", "values")

    def __init__(self, codes: IntVec, values: list | ArrowValues) -> None:
        self.codes, self.values = codes, values

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, i: int) -> object:
        return self.values[self.codes[i]]

    def mapped(self, values: list | ArrowValues) -> "Coded":
        """The same rows with other values per code (e.g. the normalised form of each raw value)."""
        return Coded(self.codes, values)

    def tolist(self) -> list:
        vals = self.values
        return [vals[c] for c in self.codes]


def is_arrow(codes: object) -> TypeGuard[Codes]:
    return isinstance(codes, Codes)


def _key(v: object) -> object:
    # 1, 1.0 and True are one dict key; their cells are not one value
    return v if v.__class__ is str or v is None else (v.__class__, v)


def coded(values: Sequence[object], *, distinct: bool = True) -> Coded:
    """A Python list coded (each distinct value once, in order of first appearance). With
    `distinct=False` every row keeps its own value (the reference reading: nothing shared)."""
    if not distinct:
        return Coded(list(range(len(values))), list(values))
    index: dict[object, int] = {}
    try:
        codes = [index.setdefault(_key(v), len(index)) for v in values]
    except TypeError:  # an unhashable cell value: every row its own
        return Coded(list(range(len(values))), list(values))
    out: list[object] = [None] * len(index)
    for k, c in index.items():
        out[c] = k[1] if k.__class__ is tuple else k
    return Coded(codes, out)


def constant(n: int, like: IntVec | None = None) -> IntVec:
    """n rows of code 0 (Arrow when `like` is)."""
    if like is not None and is_arrow(like):
        import pyarrow as pa

        return Codes(pa.repeat(pa.scalar(0, pa.int32()), n) if n else pa.array([], pa.int32()))
    return [0] * n


def remap(codes: IntVec, mapping: Sequence[int]) -> IntVec:
    """mapping[codes[i]] for every row."""
    if is_arrow(codes):
        import pyarrow as pa
        import pyarrow.compute as pc

        return Codes(pc.take(pa.array(mapping, pa.int32()), codes.arrow))
    return [mapping[c] for c in codes]


def dense(codes: IntVec) -> tuple[IntVec, list[int]]:
    """Codes renumbered 0, 1, … in order of first appearance, and each new code's first row."""
    if is_arrow(codes):
        import pyarrow.compute as pc

        enc = pc.dictionary_encode(codes.arrow)
        first = pc.index_in(enc.dictionary, value_set=codes.arrow)
        return Codes(enc.indices), first.to_pylist() if len(first) else []
    index: dict[int, int] = {}
    out = [index.setdefault(c, len(index)) for c in codes]
    return out, _firsts(out, len(index))


def _firsts(out: list[int], k: int) -> list[int]:
    """Each of k dense codes' first row."""
    firsts = [0] * k
    seen = [False] * k
    for i, c in enumerate(out):
        if not seen[c]:
            seen[c] = True
            firsts[c] = i
    return firsts


def combine(parts: Sequence[tuple[IntVec, int]], n: int) -> tuple[IntVec, list[int]]:
    """The combination of several coded columns (each with its number of codes) as one dense code
    per row, and each combination's first row."""
    parts = [p for p in parts if p[1] > 1] or parts[:1]  # a part of one code tells no rows apart
    if not parts:
        codes = constant(n)
        return codes, [0] if n else []
    if is_arrow(parts[0][0]):
        import pyarrow as pa
        import pyarrow.compute as pc

        acc = parts[0][0].arrow.cast(pa.int64())
        card = max(parts[0][1], 1)
        for codes, k in parts[1:]:
            k = max(k, 1)
            if card * k >= 1 << 62:  # keep the mixed radix in range: renumber what there is so far
                d, _ = dense(Codes(acc.cast(pa.int32())) if card < 1 << 31 else Codes(pc.dictionary_encode(acc).indices))
                acc, card = d.arrow.cast(pa.int64()), int(pc.max(d.arrow).as_py() or 0) + 1  # type: ignore[union-attr]
            acc = pc.add(pc.multiply(acc, k), codes.arrow.cast(pa.int64()))  # type: ignore[union-attr]
            card *= k
        enc = pc.dictionary_encode(acc)
        first = pc.index_in(enc.dictionary, value_set=acc)
        return Codes(enc.indices), first.to_pylist()
    if len(parts) == 1:
        return dense(parts[0][0])
    rows = zip(*(codes for codes, _ in parts), strict=True)
    index: dict[tuple, int] = {}
    out = [index.setdefault(r, len(index)) for r in rows]
    return out, _firsts(out, len(index))


def flagged(codes: IntVec, flags: Sequence[bool]) -> list[int]:
    """The rows (in order) whose code is flagged."""
    if not any(flags):
        return []
    if is_arrow(codes):
        import pyarrow as pa
        import pyarrow.compute as pc

        mask = pc.take(pa.array(flags, pa.bool_()), codes.arrow)
        return pc.indices_nonzero(mask).to_pylist()
    return [i for i, c in enumerate(codes) if flags[c]]


def counts(codes: IntVec, card: int) -> list[int]:
    """How many rows hold each code."""
    out = [0] * card
    if is_arrow(codes):
        import pyarrow.compute as pc

        vc = pc.value_counts(codes.arrow)
        for v, k in zip(vc.field("values").to_pylist(), vc.field("counts").to_pylist(), strict=True):
            out[v] = k
        return out
    for c in codes:
        out[c] += 1
    return out


def take(codes: IntVec, rows: IntVec | Sequence[int]) -> IntVec:
    """The codes of the given rows, in that order."""
    if is_arrow(codes):
        import pyarrow as pa
        import pyarrow.compute as pc

        idx = rows.arrow if isinstance(rows, Codes) else pa.array(rows, pa.int32())
        return Codes(pc.take(codes.arrow, idx))
    return [codes[i] for i in rows]


def replace(codes: IntVec, rows: Sequence[int], new: Sequence[int]) -> IntVec:
    """The codes with rows[j] set to new[j]."""
    if not rows:
        return codes
    if is_arrow(codes):
        import pyarrow as pa
        import pyarrow.compute as pc

        mask = [False] * len(codes)
        for r in rows:
            mask[r] = True
        order = sorted(range(len(rows)), key=rows.__getitem__)
        return Codes(pc.replace_with_mask(codes.arrow, pa.array(mask, pa.bool_()), pa.array([new[j] for j in order], pa.int32())))
    out = list(codes)
    for r, c in zip(rows, new, strict=True):
        out[r] = c
    return out


def without(n: int, rows: Iterable[int], like: IntVec | None = None) -> IntVec:
    """0 … n-1 without the given rows (the rows that became records)."""
    gone = set(rows)
    if like is not None and is_arrow(like):
        import pyarrow as pa
        import pyarrow.compute as pc

        keep = pc.cumulative_sum(pa.repeat(pa.scalar(1, pa.int32()), n)) if n else pa.array([], pa.int32())
        keep = pc.subtract(keep, 1) if n else keep
        if gone:
            mask = [True] * n
            for i in gone:
                mask[i] = False
            keep = pc.filter(keep, pa.array(mask, pa.bool_()))
        return Codes(keep)
    return [i for i in range(n) if i not in gone] if gone else list(range(n))
