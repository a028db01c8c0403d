"""The pure tally: shares, ordering, channels, months, cross tables, repeats, --year; the seed example."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from conftest import EXAMPLES, SEED
from disclo_cli.model import Item, Place, share
from disclo_cli.render import rounded_share, share_text
from disclo_cli.service import tally_files
from disclo_cli.tally import NO_CHANNEL, NO_UNIT, dedupe, filter_year, tally
from disclo_cli.vocab import builtin

CATS = builtin("categories").labels
CHANS = builtin("channels").labels


def item(date: str, category: str = "工作动态类", *, channels: tuple[str, ...] = ("政府网站",), id: str = "", title: str = "t", unit: str = "",
         known: bool = True, row: int = 2) -> Item:
    return Item(dt.date.fromisoformat(date), title, category, known, channels, id, unit, "", None, Place("f.xlsx", "S", row))


def run(items, *by: str, year: int | None = None):
    return tally(items, by or ("category",), year=year, categories=CATS, channels=CHANS)


def rows(t):
    return [(r.key, r.count, share_text(r.share)) for r in t.rows if r.count]


# --- shares ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("count", "total", "text"),
    [
        (1, 250, "0.4%"),
        (5, 250, "2%"),
        (128, 250, "51.2%"),
        (88, 250, "35.2%"),
        (1, 3, "33.3%"),
        (2, 3, "66.7%"),
        (1, 8, "12.5%"),
        (1, 16, "6.3%"),  # 6.25 rounds half up, not to even
        (1, 400, "0.3%"),  # 0.25
        (1, 2000, "0.1%"),  # 0.05
        (1, 2001, "0%"),  # 0.04997...
        (0, 250, "0%"),
        (250, 250, "100%"),
        (3, 2, "150%"),  # channel shares may pass 100%
    ],
)
def test_share_text(count: int, total: int, text: str) -> None:
    assert share_text(count, total) == text


def test_share_of_nothing_is_blank() -> None:
    assert share_text(0, 0) == ""
    assert share(0, 0) is None  # the share is a number in results; rendering rounds and formats it
    assert rounded_share(share(1, 16)) == Decimal("6.3")


# --- one dimension -----------------------------------------------------------------------------

def test_every_category_appears_in_the_office_order_unknown_last() -> None:
    items = [item("2018-01-02", "其他信息类"), item("2018-01-03", "机构设置类"), item("2018-01-04", "新闻", known=False), item("2018-01-05", "其他信息类"),
             item("2018-01-06", "动态", known=False)]
    t = run(items)
    assert [r.key for r in t.rows] == [*CATS, "动态", "新闻"]
    assert [(r.key, r.count, share_text(r.share), r.known) for r in t.rows if r.count] == [
        ("机构设置类", 1, "20%", True),
        ("其他信息类", 2, "40%", True),
        ("动态", 1, "20%", False),
        ("新闻", 1, "20%", False),
    ]
    assert t.rows[1] == t.rows[1].__class__("预决算公开类", 0, Decimal(0), True, ())  # the share is a number; "0%" is its rendering
    assert t.total == 5


def test_multi_channel_items_count_once_per_channel() -> None:
    items = [item("2018-01-02", channels=("政府网站", "政务公开栏")), item("2018-01-03", channels=("政府网站",)),
             item("2018-01-04", channels=("政务微信", "政府网站", "政务公开栏")), item("2018-01-05", channels=())]
    t = run(items, "channel")
    assert rows(t) == [("政府网站", 3, "75%"), ("政务微信", 1, "25%"), ("政务公开栏", 2, "50%"), (NO_CHANNEL, 1, "25%")]
    assert t.total == 4  # the number of items, not of channel mentions


def test_by_month_with_year_lists_twelve_months() -> None:
    items = [item("2018-01-31"), item("2018-03-01"), item("2018-03-31"), item("2018-12-01")]
    t = run(items, "month", year=2018)
    assert [(r.key, r.count, share_text(r.share)) for r in t.rows] == [
        ("2018-01", 1, "25%"), ("2018-02", 0, "0%"), ("2018-03", 2, "50%"), ("2018-04", 0, "0%"), ("2018-05", 0, "0%"), ("2018-06", 0, "0%"),
        ("2018-07", 0, "0%"), ("2018-08", 0, "0%"), ("2018-09", 0, "0%"), ("2018-10", 0, "0%"), ("2018-11", 0, "0%"), ("2018-12", 1, "25%"),
    ]


def test_by_month_without_year_lists_the_months_present_in_order() -> None:
    t = run([item("2018-03-01"), item("2017-12-31"), item("2018-03-02")], "month")
    assert rows(t) == [("2017-12", 1, "33.3%"), ("2018-03", 2, "66.7%")]
    assert len(t.rows) == 2


def test_by_unit() -> None:
    t = run([item("2018-01-02", unit="党政办"), item("2018-01-03"), item("2018-01-04", unit="城建办"), item("2018-01-05", unit="党政办")], "unit")
    assert rows(t) == [("党政办", 2, "50%"), ("城建办", 1, "25%"), (NO_UNIT, 1, "25%")]


def test_cross_table_category_by_month() -> None:
    items = [item("2018-01-05", "工作动态类"), item("2018-01-09", "工作动态类"), item("2018-02-01", "其他信息类"), item("2018-12-30", "工作动态类"),
             item("2018-02-02", "新闻", known=False)]
    t = run(items, "category", "month", year=2018)
    assert t.by == ("category", "month")
    assert t.columns == tuple(f"2018-{m:02d}" for m in range(1, 13))
    assert t.column_totals == (2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)
    by_key = {r.key: r for r in t.rows}
    assert by_key["工作动态类"].values == (2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)
    assert (by_key["工作动态类"].count, share_text(by_key["工作动态类"].share)) == (3, "60%")
    assert by_key["其他信息类"].values == (0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert by_key["新闻"].values == (0, 1) + (0,) * 10 and not by_key["新闻"].known
    assert by_key["机构设置类"].values == (0,) * 12
    assert sum(t.column_totals) == t.total == 5


def test_cross_table_category_by_channel_counts_mentions_per_column() -> None:
    items = [item("2018-01-05", channels=("政府网站", "政务公开栏")), item("2018-01-06", "其他信息类", channels=("政府网站",))]
    t = run(items, "category", "channel")
    assert t.columns == ("政府网站", "政务公开栏")
    assert t.column_totals == (2, 1)
    assert {r.key: (r.values, r.count) for r in t.rows if r.count} == {"工作动态类": ((1, 1), 1), "其他信息类": ((1, 0), 1)}


def test_three_dimensions_are_refused() -> None:
    with pytest.raises(ValueError):
        run([item("2018-01-02")], "category", "month", "channel")


def test_empty_tally() -> None:
    t = run([], year=2018)
    assert t.total == 0
    assert [r.count for r in t.rows] == [0] * 11
    assert {share_text(r.share) for r in t.rows} == {""}


# --- repeats and --year ------------------------------------------------------------------------

def test_same_id_is_counted_once_with_a_warning_naming_both_places() -> None:
    first, again = item("2018-12-04", id="FJ-1", row=5), item("2018-12-04", id="fj-1", row=9)
    kept, findings = dedupe([first, item("2018-12-05", id="FJ-2"), again])
    assert [k.id for k in kept] == ["fj-1", "FJ-2"]  # the later row wins, as in the ledger (issue "Declared once")
    assert [(f.severity, f.code, f.place.row) for f in findings] == [("warning", "duplicate", 9)]
    assert findings[0].message == "repeated item 索引号 'fj-1', first at f.xlsx, sheet 'S', row 5; counted once"


def test_without_id_date_title_and_category_make_the_key() -> None:
    items = [item("2018-01-02", title="甲"), item("2018-01-02", title="甲 "), item("2018-01-03", title="甲"), item("2018-01-02", "其他信息类", title="甲")]
    kept, findings = dedupe(items)
    assert len(kept) == 3
    assert findings[0].message.startswith("repeated item '甲 ' of 2018-01-02, first at f.xlsx, sheet 'S', row 2")


def test_different_ids_with_the_same_title_are_two_items() -> None:
    kept, findings = dedupe([item("2018-01-02", id="A", title="甲"), item("2018-01-02", id="B", title="甲")])
    assert (len(kept), findings) == (2, [])


def test_filter_year_warns_for_each_item_outside() -> None:
    inside, findings = filter_year([item("2017-12-31", row=3), item("2018-01-01"), item("2019-01-01", row=7)], 2018)
    assert [i.date.year for i in inside] == [2018]
    assert [(f.severity, f.code, f.place.row, f.message) for f in findings] == [
        ("warning", "outside-year", 3, "dated 2017-12-31, outside 2018; not counted"),
        ("warning", "outside-year", 7, "dated 2019-01-01, outside 2018; not counted"),
    ]
    assert filter_year([item("2017-12-31")], None)[1] == []


# --- the seed example, through the library -----------------------------------------------------

MAIN = EXAMPLES / "主动公开台账2018.xlsx"
CSV = EXAMPLES / "主动公开台账2018.csv"
SUPPLEMENT = EXAMPLES / "主动公开台账2018-12月补报.xlsx"
EXPECTED = json.loads((EXAMPLES / "expected_2018.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("files", "repeats"),
    [([MAIN], 0), ([CSV], 0), ([MAIN, SUPPLEMENT], 20), ([SUPPLEMENT, CSV, MAIN], 20 + 250)],
    ids=["xlsx", "csv", "xlsx+supplement", "all three"],
)
def test_seed_categories(config, files, repeats: int) -> None:
    t = tally_files([str(f) for f in files], config, by=("category",), year=2018)
    assert [(r.key, r.count, share_text(r.share)) for r in t.rows] == [(k, n, s) for k, (n, s) in SEED.items()]
    assert all(r.known for r in t.rows)
    assert t.total == 250
    assert [f.code for f in t.findings if f.severity != "info"] == ["duplicate"] * repeats  # notes are not problems


def test_seed_supplement_adds_nothing_and_names_its_repeats(config) -> None:
    t = tally_files([str(MAIN), str(SUPPLEMENT)], config, by=("category",), year=None)
    assert t.total == 250
    assert t.sources == ("主动公开台账2018.xlsx:1-6月", "主动公开台账2018.xlsx:7-12月", "主动公开台账2018-12月补报.xlsx:导出数据")
    problems = [f for f in t.findings if f.severity != "info"]  # notes (a year assumed) are not problems
    assert [f.place.row for f in problems] == list(range(2, 22))
    assert {f.place.file for f in problems} == {SUPPLEMENT.name}
    ids = [f.message.split("'")[1] for f in problems]
    assert ids == EXPECTED["supplement_ids"]


def test_seed_months_and_channels(config) -> None:
    months = tally_files([str(MAIN)], config, by=("month",), year=2018)
    assert [r.count for r in months.rows] == [EXPECTED["items_by_month"][str(m)] for m in range(1, 13)]
    assert [share_text(r.share) for r in months.rows] == ["7.2%", "5.6%", "9.6%", "8.8%", "8.4%", "8.8%", "8%", "8%", "8.4%", "7.2%", "9.2%", "10.8%"]
    channels = tally_files([str(CSV)], config, by=("channel",), year=2018)
    # the seed's 微信公众号 is the vocabulary's 政务微信
    assert rows(channels) == [("政府网站", 250, "100%"), ("政务微信", 24, "9.6%"), ("公共查阅点", 8, "3.2%"), ("政务公开栏", 22, "8.8%")]


def test_seed_cross_table(config) -> None:
    t = tally_files([str(MAIN)], config, by=("category", "month"), year=2018)
    by_key = {r.key: r.values for r in t.rows}
    assert by_key["工作动态类"] == (10, 6, 13, 10, 10, 13, 9, 9, 12, 12, 13, 11)
    assert by_key["机构设置类"] == (0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert t.column_totals == (18, 14, 24, 22, 21, 22, 20, 20, 21, 18, 23, 27)
    assert sum(r.count for r in t.rows) == t.total == 250


@pytest.mark.parametrize(("keys", "want"), [
    ([["id:1", "id:2"], ["id:3", "id:4"]], [[], []]),  # in order across sheets: none twice
    ([["id:2", "id:1"], ["id:4", "id:3"]], [[], []]),  # out of order, all different
    ([["id:1", "id:2", "id:2"], ["id:3"]], [[1, 2], []]),  # in order but one twice
    ([["id:1", "id:3"], ["id:2", "id:3"]], [[1], [1]]),  # across sheets
    ([["id:1"], []], [[], []]),
])
def test_repeated_rows_on_arrow_keys_in_order_and_not(keys, want) -> None:
    pa = pytest.importorskip("pyarrow")
    from types import SimpleNamespace

    from disclo_cli.tally import repeated_rows

    assert repeated_rows([SimpleNamespace(keys=pa.array(k, pa.string())) for k in keys]) == want
    assert repeated_rows([SimpleNamespace(keys=list(k)) for k in keys]) == want  # the row reader's lists
