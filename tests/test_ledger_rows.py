"""The ledger sees no difference however a register is read (issue 14): the SQL values and digests
made a column at a time (ledger_rows.py) are those made from the records, byte for byte; filing by
the columnar reader, by the row reader, or as records gives the same ledger; a file filed one way
and filed again the other is unchanged."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import ROOT, write_csv, write_xlsx
from disclo_cli.ledger import _digest_sql, _sql_values
from disclo_cli.schema import key_of, spec
from test_read_paths import CONFIGS, ITEM_ROWS, ITEMS, REQUEST_ROWS, REQUESTS, TODAY
from workspaces import EX23, config_of, copy_workspace

ODD = [["A-1", '标题"带引号"', "工作动态类", "2023-02-01", "政府网站"],
       ["A-2", "反斜杠\\与\t制表\n换行", "工作动态类", "2023-02-02", "政府网站、政务微信"],
       ["A-3", "行\u2028分隔\x7f", "其他信息类", "2023-02-03", "网站，公开栏"],
       ["A-4", "  前后空格  ", "其他信息类", "2023-02-04", None],
       ["A-5", "", "监督检查类", "2023-02-05", "政务微博"]]


@pytest.fixture(scope="module")
def registers(tmp_path_factory) -> list[Path]:
    d = tmp_path_factory.mktemp("regs")
    return [
        write_xlsx(d / "主动公开台账2023.xlsx", {"台账": [ITEMS, *ITEM_ROWS]}),
        write_csv(d / "主动公开台账2023-b.csv", [ITEMS, *ITEM_ROWS]),
        write_xlsx(d / "odd2023.xlsx", {"台账": [["索引号", "标题", "类别", "发布日期", "公开渠道"], *ODD]}),
        write_csv(d / "odd2023.csv", [["索引号", "标题", "类别", "发布日期", "公开渠道"], *([r[0], r[1].replace('"', "“"), *r[2:]] for r in ODD[1:]),
                                      ["A-9", "控制\x01字符", "其他信息类", "2023-02-09", "政府网站"]]),
        write_csv(d / "依申请公开台账2023.csv", [REQUESTS, *REQUEST_ROWS]),
        ROOT / "examples" / "2023-office" / "主动公开台账2023.xlsx",
        ROOT / "examples" / "2023-office" / "行政复议诉讼台账2023.xlsx",
    ]


def test_values_and_digests_made_from_columns_are_those_of_the_records(registers) -> None:
    from disclo_cli.ingest.registers import read_file
    from disclo_cli.ledger_rows import rows

    seen_columnar = 0
    for path in registers:
        for columnar in (False, True):
            for read in read_file(path, CONFIGS["2023"], columnar=columnar, today=TODAY):
                seen_columnar += not isinstance(read.table.keys, list)
                names = [f.name for f in spec(read.kind).stored]
                want = [(key_of(r), _sql_values(r), _digest_sql(r.kind, dict(zip(names, _sql_values(r), strict=True))), r.place.sheet, r.place.row)
                        for r in read.records]
                assert list(rows(read.kind, [read.table])) == want, (path.name, columnar)
    assert seen_columnar >= 4


def _ledger(db: Path) -> dict[str, list[tuple]]:
    """What a ledger holds, without the times it was filed."""
    conn = sqlite3.connect(str(db))
    try:
        out = {}
        for kind in ("items", "requests", "cases"):
            out[kind] = sorted(conn.execute(f"SELECT * FROM {kind}").fetchall(), key=repr)
        out["row_sources"] = sorted(conn.execute("SELECT * FROM row_sources").fetchall(), key=repr)
        out["findings"] = conn.execute("SELECT source_id, severity, code, variant, sheet, row, col, params FROM findings ORDER BY rowid").fetchall()
        out["versions"] = conn.execute("SELECT source_id, sha256, rows, added, changed, withdrawn, unchanged, rejected, repeated FROM versions ORDER BY id").fetchall()
        return out
    finally:
        conn.close()


WAYS = {"columnar": {"columnar": True}, "rows": {"columnar": False}, "records": {"columnar": False, "as_records": True}}


def _file(ws: Path, paths, **way):
    from disclo_cli.service import ingest_files

    cfg = config_of(ws)
    return ingest_files([str(p) for p in paths], cfg, today=TODAY, **way)


@pytest.mark.parametrize("way", sorted(WAYS))
def test_every_way_of_filing_gives_the_same_ledger(tmp_path, registers, way) -> None:
    ledgers = {}
    for name in (way, "records"):
        ws = copy_workspace(EX23, tmp_path / name, files=False)
        files = []
        for p in registers:
            shutil.copy2(p, ws / p.name)
            files.append(ws / p.name)
        results, _ = _file(ws, files, **WAYS[name])
        ledgers[name] = _ledger(ws / "disclo.sqlite")
    assert ledgers[way] == ledgers["records"]
    assert ledgers[way]["items"] and ledgers[way]["requests"]


@pytest.mark.parametrize(("first", "then"), [("records", "columnar"), ("columnar", "records"), ("rows", "columnar")])
def test_a_file_filed_one_way_and_again_the_other_is_unchanged(tmp_path, registers, first, then) -> None:
    ws = copy_workspace(EX23, tmp_path / "ws", files=False)
    files = []
    for p in registers:
        shutil.copy2(p, ws / p.name)
        files.append(ws / p.name)
    _file(ws, files, **WAYS[first])
    before = _ledger(ws / "disclo.sqlite")
    results, _ = _file(ws, files, **WAYS[then])
    assert all(r.added == r.changed == r.withdrawn == 0 for r in results), results
    after = _ledger(ws / "disclo.sqlite")
    assert after["items"] == before["items"] and after["requests"] == before["requests"] and after["row_sources"] == before["row_sources"]


def test_an_edited_file_filed_again_from_columns_is_held_as_it_now_is(tmp_path) -> None:
    """The general path (another file holds rows, the file held rows before) fed from columns."""
    head = ["索引号", "标题", "类别", "发布日期", "公开渠道"]
    rows = [[f"B-{i}", f"标题{i}", "工作动态类", f"2023-03-{i % 28 + 1:02d}", "政府网站"] for i in range(40)]
    ledgers = {}
    for way in ("columnar", "records"):
        ws = copy_workspace(EX23, tmp_path / way, files=False)
        a = write_csv(ws / "一月2023.csv", [head, *rows[:30]])
        b = write_csv(ws / "二月2023.csv", [head, *rows[20:]])  # ten rows in both files
        _file(ws, [a], **WAYS[way])
        _file(ws, [b], **WAYS[way])
        edited = [[*r[:1], r[1] + "（更正）", *r[2:]] if i % 7 == 0 else r for i, r in enumerate(rows[:25])]
        write_csv(a, [head, *edited])
        results, _ = _file(ws, [a], **WAYS[way])
        ledgers[way] = (_ledger(ws / "disclo.sqlite"), [(r.added, r.changed, r.withdrawn, r.unchanged) for r in results])
    assert ledgers["columnar"] == ledgers["records"]
    assert ledgers["columnar"][1] != [(0, 0, 0, 0)]


def _history(ws: Path, way: dict, steps: list) -> list:
    """A file's life in the ledger, each step filed the given way: what each step reported and what
    the ledger then held. Files alone and files sharing rows with others, edited, withdrawn, replaced,
    one sheet filed again on its own, forgotten — every branch of filing by columns (the set
    operations of a file that alone holds its rows, the plain inserts of a first filing, the general
    path of rows other files hold too)."""
    from disclo_cli.ledger import Ledger

    head = ["索引号", "标题", "类别", "发布日期", "公开渠道"]

    def row(i: int, note: str = "") -> list:
        return [f"C-{i}", f"标题{i}{note}", ("工作动态类", "其他信息类")[i % 2], f"2023-04-{i % 28 + 1:02d}", "政府网站"]

    a, b, c, c2, d = (ws / n for n in ("一月2023.csv", "二月2023.csv", "三月2023.csv", "三月2023-更正.csv", "分表2023.xlsx"))

    def held() -> dict:
        out = _ledger(ws / "disclo.sqlite")
        out["versions"] = [v[:1] + v[2:] for v in out["versions"]]  # an .xlsx written twice differs in its zip's times
        return out

    def step(paths, **extra):
        results, _ = _file(ws, paths, **way, **extra)
        steps.append(([(r.file, r.added, r.changed, r.withdrawn, r.unchanged, r.rejected, r.repeated) for r in results], held()))

    write_csv(a, [head, *(row(i) for i in range(30))])
    step([a])  # a first filing, alone
    step([a])  # the same file again: nothing moves
    write_csv(a, [head, *(row(i, "（更正）" if i % 7 == 0 else "") for i in range(3, 30)), row(30), row(31)])
    step([a])  # edited: three withdrawn, five changed, two added
    write_csv(b, [head, *(row(i) for i in range(25, 45))])
    step([b])  # shares 25–31 with a (the general path)
    write_csv(b, [head, *(row(i, "（二）" if i % 2 else "") for i in range(28, 45))])
    step([b])  # edited, while a holds some of its rows
    write_csv(c, [head, *(row(i) for i in range(50, 60))])
    step([c])  # a first filing beside other files (plain inserts)
    write_csv(c2, [head, *(row(i, "（改）" if i == 52 else "") for i in range(51, 62))])
    step([c2], replaces=[str(c)])  # replaces c: rows move to c2, one changed, one withdrawn
    write_xlsx(d, {"甲": [head, *(row(i) for i in range(70, 80))], "乙": [head, *(row(i) for i in range(80, 90))]})
    step([d])
    write_xlsx(d, {"甲": [head, *(row(i, "（甲）" if i % 3 == 0 else "") for i in range(72, 82))], "乙": [head, *(row(i, "（乙）") for i in range(80, 85))]})
    step([d], sheet="甲")  # one sheet again: 乙's rows stay as they were
    write_csv(b, [head, *(row(i) for i in range(60, 66))])
    step([b])  # b now shares rows with c2 only; a's rows it held go back to a
    with Ledger.open(config_of(ws), write=True) as ledger:
        ledger.forget(str(a))
    steps.append(("forgot a", held()))
    write_csv(a, [head, *(row(i) for i in range(12))])
    step([a])  # filed again after being forgotten
    return steps


def test_every_way_of_filing_a_file_again_gives_the_same_ledger_at_every_step(tmp_path, monkeypatch) -> None:
    from disclo_cli.ledger import Ledger

    general: list[int] = []  # the steps in which the columns took the general path
    staged = Ledger._general_rows
    histories: dict[str, list] = {"records": [], "columnar": []}

    def spy(self, kind, tables):
        general.append(len(histories["columnar"]) + 1)
        return staged(self, kind, tables)

    for way in ("records", "columnar"):
        ws = copy_workspace(EX23, tmp_path / way, files=False)
        if way == "columnar":
            monkeypatch.setattr(Ledger, "_general_rows", spy)
        _history(ws, WAYS[way], histories[way])
    for i, (got, want) in enumerate(zip(histories["columnar"], histories["records"], strict=True)):
        assert got == want, f"step {i + 1}"
    reported = [s[0][0][1:5] for s in histories["columnar"] if isinstance(s[0], list)]
    # the counts themselves (added, changed, withdrawn, unchanged), so that two ways going wrong alike cannot pass
    assert reported == [(30, 0, 0, 0), (0, 0, 0, 30), (2, 4, 3, 23), (13, 1, 0, 6), (0, 8, 3, 9), (10, 0, 0, 0),
                        (2, 1, 1, 8), (20, 0, 0, 0), (0, 4, 2, 6), (4, 0, 17, 2), (12, 0, 0, 0)]
    # c2 51–61, b 62–65, 甲 72–81, 乙 82–89 (80, 81 are 甲's now), a 0–11
    assert len(histories["columnar"][-1][1]["items"]) == 11 + 4 + 10 + 8 + 12
    # the rows b shares with a (4, 5, 10) and a key of 乙 filed again from 甲 (9) take the general path;
    # the rest are plain inserts (1, 6, 8, 12) or the set operations of a file alone with its rows (2, 3, 7)
    assert general == [4, 5, 9, 10]


@pytest.mark.parametrize("rows", [[], [["X-1", "t", "工作动态类", "不是日期", "政府网站"]]], ids=["header only", "every row refused"])
def test_a_file_without_rows_filed_again_leaves_the_ledger_as_it_was(tmp_path, rows) -> None:
    """Found in review: by columns, such a file took the first filing again each time (it holds no
    row) and wrote a new version; as records, the same file twice leaves the ledger as it is."""
    head = ["索引号", "标题", "类别", "发布日期", "公开渠道"]
    ledgers = {}
    for way in ("columnar", "records"):
        ws = copy_workspace(EX23, tmp_path / way, files=False)
        a = write_csv(ws / "空2023.csv", [head, *rows])
        _file(ws, [a], **WAYS[way])
        once = _ledger(ws / "disclo.sqlite")
        _file(ws, [a], **WAYS[way])
        ledgers[way] = _ledger(ws / "disclo.sqlite")
        assert ledgers[way] == once, way
    assert ledgers["columnar"] == ledgers["records"] and len(ledgers["columnar"]["versions"]) == 1
