"""RE2 (pyarrow) as a prefilter, and the Arrow-side checks beside it. The workbook guard
(guards._none_beyond): where RE2 finds no cell beyond the known extent, the guard's own search would
have grown nothing — the same extent, the same verdict on every piece, however the cell tags are
written. The columnar CSV reader's lone-CR check; its blank cells."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disclo_cli.ingest import guards

pytest.importorskip("pyarrow")

TOKENS = [
    b'<c r="A1">', b'<c r="B2" s="1">', b'<c r="G9" t="s">', b'<c r="H3">', b'<c r="AA1">', b'<c r="a7">',
    b'<c r="A1000003">', b'<c r="A0000012">', b'<c r="C12"/>', b'<c s="1" r="A1">', b'<c>', b'<c/>', b'<c\tr="A1">',
    b'<c\nr="B1">', b'<c r=', b'<c r', b'<c ', b'<c', b'<c \xff', b'<c r="', b'<col min="1"/>', b'<cols>', b'</c>',
    b'<v>1</v>', b'<is><t>\xe5\xb7\xa5</t></is>', b'<row r="5">', b'</row>', b' ', b'r="', b'\xff', b'"', b'>', b'<c  r="A1">',
]


def _scan(ext: guards.Extent, buf: bytes, *, re2: bool) -> guards.Extent:
    before = guards._RE2_FROM
    guards._RE2_FROM = 0 if re2 else 1 << 62
    try:
        guards._scan(ext, buf)
    finally:
        guards._RE2_FROM = before
    return ext


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=40), st.integers(0, 9), st.sampled_from([0, 5, 12, 1000002]))
def test_the_prefilter_changes_no_extent(tokens, cols, rows) -> None:
    buf = b"".join(tokens)
    with_re2 = _scan(guards.Extent(rows=rows, cols=cols), buf, re2=True)
    without = _scan(guards.Extent(rows=rows, cols=cols), buf, re2=False)
    assert (with_re2.rows, with_re2.cols, with_re2.exact) == (without.rows, without.cols, without.exact)


MERGES = [b'<mergeCells count="2">', b'<mergeCell ref="A1:C1"/>', b'<mergeCell ref="B3:B9"/>', b"</mergeCells>", b"<merge", b'Cell ref="D2:E2"/>']


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS + MERGES), max_size=40), st.integers(0, 9), st.sampled_from([0, 5, 12]))
def test_the_prefilter_changes_no_merged_range(tokens, cols, rows) -> None:
    """A piece RE2 passes is not searched for merges again: RE2 looks for them too."""
    buf = b"".join(tokens)
    got = {}
    for re2 in (True, False):
        ext = guards.Extent(rows=rows, cols=cols)
        before = guards._RE2_FROM
        guards._RE2_FROM = 0 if re2 else 1 << 62
        try:
            guards._note_facts(ext, buf, guards._scan(ext, buf))
        finally:
            guards._RE2_FROM = before
        got[re2] = (ext.rows, ext.cols, ext.exact, sorted(ext.merges), ext.merge_count)
    assert got[True] == got[False]


def test_merged_ranges_at_the_end_of_a_large_sheet_are_found_with_re2(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(guards, "_RE2_FROM", 1 << 20)  # RE2 from the second piece on, as from 32 MB in a real sheet
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>v</t></is></c></row>' % (r, r) for r in range(1, 200_001))
    pieces = [rows[i : i + (1 << 20)] for i in range(0, len(rows), 1 << 20)]
    pieces[-1] += b'</sheetData><mergeCells count="1"><mergeCell ref="A2:A5"/></mergeCells>'
    ext = guards.sheet_extent(iter(pieces), tmp_path / "x.xlsx", "xl/worksheets/sheet1.xml")
    assert ext.size >= guards._RE2_FROM  # the later pieces went through RE2
    assert ext.merges == {(1, 0, 4, 0)} and ext.merge_count == 1 and (ext.rows, ext.cols) == (200_000, 1)


@pytest.mark.parametrize("buf, beyond", [
    (b'<c r="A1"><v>1</v></c><c r="B1"/>' * 20000, False),
    (b'<c r="A1"><v>1</v></c>' * 20000 + b'<c r="XFD1048576"><v>1</v></c>', True),  # a far cell in the middle of a sheet
    (b'<c r="A1"><v>1</v></c>' * 20000 + b'<c t="s"><v>1</v></c>', True),  # a cell without a reference: parse the XML
    (b'<c r="A1"><v>1</v></c>' * 20000 + b'<c\tr="A1"/>', True),
])
def test_a_cell_beyond_is_seen_by_re2(buf: bytes, beyond: bool) -> None:
    assert guards._none_beyond(guards.Extent(rows=1, cols=2, size=guards._RE2_FROM), buf) is not beyond
    assert guards._none_beyond(guards.Extent(rows=1, cols=2, size=guards._RE2_FROM - 1), buf) is False  # a small sheet: Python's search alone


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"\r", b"\n", b"\r\n", b"a", b"\xff", b"\xe5\xb7\xa5", b","]), max_size=30))
def test_a_lone_cr_is_found_as_counting_finds_it(parts) -> None:
    """The columnar CSV reader's lone-CR check (RE2) agrees with counting CRs and CRLFs."""
    from disclo_cli.ingest.columnar import _lone_cr

    data = b"".join(parts)
    assert _lone_cr(data) is (data.count(b"\r") != data.count(b"\r\n"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.sampled_from(
    [*" \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000", "a", "工", "\u200b", "\ufeff", "\x00"]),
    max_size=5)), max_size=30))
def test_a_blank_cell_is_found_as_python_strips_it(values) -> None:
    """arrow_text.blank agrees with the row reader's blank cell: None, or nothing left after
    str.strip()."""
    import pyarrow as pa

    from disclo_cli.ingest.arrow_text import blank

    assert blank(pa.array(values, pa.string())).to_pylist() == [v is None or not v.strip() for v in values]
