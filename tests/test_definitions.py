"""Table definitions as checked data: a copy given by path makes the same report, a typo is refused
naming the file, table and key, the report reads cells by address (a 16-column Table 四 keeps its
sentence), and every record is counted in exactly one cell or named as unplaced."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from importlib import resources
from pathlib import Path

import docx
import pytest

from disclo_cli.formats.definition import STANDARDS
from disclo_cli.formats.engine import Registers, fill_all, load_definition, standard_for_year
from disclo_cli.model import Case, Place, Request
from disclo_cli.schema import spec
from workspaces import EX18, EX23, FILES23, MAIN18, SUPP18, config_of, copy_workspace, ingest


def builtin_text(name: str) -> bytes:
    return resources.files("disclo_cli.data").joinpath("formats", f"{name}.toml").read_bytes()


def variant(tmp_path: Path, name: str, *edits: tuple[str, str], file: str = "province.toml") -> Path:
    """A copy of a built-in definition with each (old, new) replaced once (old must be there)."""
    text = builtin_text(name).decode("utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / file
    path.write_text(text, encoding="utf-8")
    return path


def content(path: Path) -> list:
    """A DOCX as read back: its paragraphs (style, text) and tables (cell texts), in body order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    out: list = []
    for element in document.element.body:
        if element.tag.endswith("}p"):
            p = Paragraph(element, document)
            out.append(("p", p.style.name, p.text))
        elif element.tag.endswith("}tbl"):
            out.append(("table", [[c.text for c in row.cells] for row in Table(element, document).rows]))
    return out


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> Path:
    """The 2018 example office (with its prose file) and its two item registers ingested."""
    ws = tmp_path_factory.mktemp("seed") / "ws"
    shutil.copytree(EX18, ws, ignore=shutil.ignore_patterns("*.sqlite*"))
    ingest(ws, MAIN18, SUPP18)
    return ws


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Path:
    ws = copy_workspace(EX23, tmp_path_factory.mktemp("office") / "ws")
    ingest(ws, *FILES23)
    return ws


def report(run, ws: Path, year: int, standard: str, out: Path):
    result = run("--config", ws / "disclo.toml", "report", "--year", year, "--standard", standard, "--date", "2024-01-20", "-o", out)
    assert result.exit_code == 0, result.output
    return result


# --- a definition given by path -------------------------------------------------------------------

@pytest.mark.parametrize(("name", "year", "where"), [("legacy", 2018, "seed"), ("legacy6", 2018, "seed"), ("2019", 2023, "office"), ("2021", 2023, "office")])
def test_a_byte_copy_of_a_builtin_definition_gives_the_same_report(request, run, tmp_path, name, year, where) -> None:
    ws = request.getfixturevalue(where)
    copy = tmp_path / "福建附表.toml"
    copy.write_bytes(builtin_text(name))
    report(run, ws, year, name, tmp_path / "builtin.docx")
    report(run, ws, year, str(copy), tmp_path / "copy.docx")
    built, copied = content(tmp_path / "builtin.docx"), content(tmp_path / "copy.docx")
    assert copied == built
    tables = [x for x in built if x[0] == "table"]
    assert len(tables) == (1 if name.startswith("legacy") else 3)  # the format's tables are all there
    headings = [x[2] for x in built if x[0] == "p" and x[1] == "Disclo H1"]
    assert headings[0] == ("一、概述" if name.startswith("legacy") else "一、总体情况")


def test_every_table_follows_its_heading_directly(run, office, tmp_path) -> None:
    report(run, office, 2023, "2021", tmp_path / "r.docx")
    body = content(tmp_path / "r.docx")
    after = {body[i - 1][2]: body[i + 1] for i, x in enumerate(body) if x[0] == "table"}
    assert list(after) == ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]
    # the sentence about Table 四 comes after it
    assert after["四、政府信息公开行政复议、行政诉讼情况"][2].startswith("2023年，我局因政府信息公开被申请行政复议4件")


def test_the_format_of_a_year_comes_from_the_definitions_years() -> None:
    assert [standard_for_year(y) for y in (1990, 2018, 2019, 2020, 2021, 2100)] == ["legacy", "legacy", "2019", "2019", "2021", "2021"]
    for year in range(1990, 2101):
        assert load_definition(standard_for_year(year)).covers(year)
    assert {name: load_definition(name).years for name in STANDARDS} == {
        "legacy": (1990, 2018), "legacy6": (1990, 2018), "2019": (2019, 2020), "2021": (2021, 2100)}


# --- typos are refused, naming the file, the table and the key -----------------------------------------

TYPOS = [
    pytest.param(
        ('{ id = "一", label = "一、本年新收政府信息公开申请数量", labels = ["一、本年新收政府信息公开申请数量"], count = "requests"',
         '{ id = "一", label = "一、本年新收政府信息公开申请数量", labels = ["一、本年新收政府信息公开申请数量"], coutn = "requests"'),
        "table 三, row 一: unknown key 'coutn'", "Keys allowed here: id, label, labels, unit, block", id="key"),
    pytest.param(
        ('{ id = "自然人", label = "自然人", where = { applicant = "自然人" } }', '{ id = "自然人", label = "自然人", where = { aplicant = "自然人" } }'),
        "table 三, column 自然人: where.aplicant: requests records have no field 'aplicant'",
        "Fields a where may test in requests: channel, applicant, outcome, reason.", id="attribute"),
    pytest.param(
        ('count = "requests", on = "received" }', 'count = "requests", on = "recieved" }'),
        "table 三, row 一: on = 'recieved' is not a date event of the requests register",
        "Events of requests: received, answered, carried_in, carried_out.", id="event"),
    pytest.param(
        ('count = "requests", on = "carried_in" }', 'count = "request", on = "carried_in" }'),
        "table 三, row 二: count = 'request' is not a register", "Registers: items, requests, cases.", id="register"),
    pytest.param(
        ('right = ["（七）", "四"] }', 'right = ["（七）", "肆"] }'),
        "table 三, identities[1]: right names '肆', which is not a data row of the table", "It has: 一、二、（一）", id="identity-id"),
    pytest.param(
        ('sum = ["自然人", "商业企业",', 'sum = ["自然人", "商业企",'),
        "table 三, column 总计: sum names '商业企', which is not a column to the left of this one of the table", "It has: 自然人、商业企业", id="sum-id"),
    pytest.param(
        ('reviews = "四/行政复议/总计"', 'reviews = "四/行政复议/合计"'),
        "top level: figures.reviews: cell '四/行政复议/合计': no column '行政复议/合计'", "TABLE.ROW/COLUMN", id="figure-address"),
    pytest.param(
        ('{ name = "本年度办理结果", of = "（七）", rows = ["（一）", "（二）",', '{ name = "本年度办理结果", of = "（七）", rows = ["（一）", "（一）", "（二）",'),
        "table 三, partitions[1]: '（一）' and '（一）' can take the same record", "counted twice", id="partition-overlap"),
    pytest.param(
        ('label_columns = 3', 'label_columns = "3"'), "table 三: label_columns must be a whole number, 0 or more, not '3'", "docs/formats.md", id="type"),
    pytest.param(
        ('outline = "national"', 'outline = "nationl"'), "outline = 'nationl' is neither a built-in outline nor an outline .toml file",
        "Built-in outlines: legacy, national", id="outline"),
    pytest.param(('outline = "national"\n', ""), "top level: 'outline' is missing", "docs/formats.md", id="no-outline"),
    pytest.param(('{ id = "（五）表头", subheader = ["信息内容", "本年处理决定数量"], spans = [1, 3] }',
                  '{ id = "（五）表头", subheader = ["信息内容", "本年处理决定数量"], spans = [4] }'),
                 "table 二, row （五）表头: spans = [4] gives 1 span(s), but the row has 2 value(s) (each span at least 1)",
                 "Give one span per value", id="spans"),
]


@pytest.mark.parametrize(("edit", "message", "hint"), TYPOS)
def test_a_typo_in_a_definition_exits_1_naming_file_table_and_key(office, run, tmp_path, edit, message, hint) -> None:
    path = variant(tmp_path, "2021", edit)
    command = "report" if "outline" in message else "table"
    result = run("--config", office / "disclo.toml", command, "--year", 2023, "--standard", path)
    assert (result.exit_code, result.stdout) == (1, "")
    assert f"disclo: error: {path}: {message}" in result.stderr.splitlines()[0], result.stderr
    assert hint in result.stderr and "Traceback" not in result.output
    if command == "table":  # check reads the same definition (the outline is the report's)
        check = run("--config", office / "disclo.toml", "check", "--year", 2023, "--standard", path)
        assert check.exit_code == 1 and message in check.stderr


def test_an_outline_file_beside_the_definition_is_checked_too(office, run, tmp_path) -> None:
    outline = resources.files("disclo_cli.data").joinpath("outlines", "national.toml").read_text(encoding="utf-8")
    (tmp_path / "提纲.toml").write_text(outline.replace('sentences = [["cases"]]', 'sentences = [["casess"]]'), encoding="utf-8")
    path = variant(tmp_path, "2021", ('outline = "national"', 'outline = "提纲.toml"'))
    result = run("--config", office / "disclo.toml", "report", "--year", 2023, "--standard", path, "-o", tmp_path / "r.docx")
    assert result.exit_code == 1
    assert f"disclo: error: {tmp_path / '提纲.toml'}: section '四、政府信息公开行政复议、行政诉讼情况': no generated sentence 'casess'" in result.stderr
    assert "Sentences: items, channels, categories, documents, requests, outcomes, cases, fees, timeliness." in result.stderr
    (tmp_path / "提纲.toml").write_text(outline.replace('table = "四"', 'table = "肆"'), encoding="utf-8")
    result = run("--config", office / "disclo.toml", "report", "--year", 2023, "--standard", path, "-o", tmp_path / "r.docx")
    assert result.exit_code == 1 and f"section '四、政府信息公开行政复议、行政诉讼情况': table = '肆' is not a table of {path}" in result.stderr
    (tmp_path / "提纲.toml").write_text(outline, encoding="utf-8")  # the same outline by path: the same report
    report(run, office, 2023, str(path), tmp_path / "by-path.docx")
    report(run, office, 2023, "2021", tmp_path / "builtin.docx")
    assert content(tmp_path / "by-path.docx") == content(tmp_path / "builtin.docx")


# --- the report reads cells by address --------------------------------------------------------------

SIXTEEN = (
    ('[ { text = "行政复议", colspan = 5, rowspan = 2 }, { text = "行政诉讼", colspan = 10 } ],',
     '[ { text = "行政复议", colspan = 5, rowspan = 2 }, { text = "行政诉讼", colspan = 10 }, { text = "合计", rowspan = 3 } ],'),
    ('  { id = "复议后起诉/总计", label = "复议后起诉/总计", sum = ["复议后起诉/结果维持", "复议后起诉/结果纠正", "复议后起诉/其他结果", "复议后起诉/尚未审结"] },\n]',
     '  { id = "复议后起诉/总计", label = "复议后起诉/总计", sum = ["复议后起诉/结果维持", "复议后起诉/结果纠正", "复议后起诉/其他结果", "复议后起诉/尚未审结"] },\n'
     '  { id = "合计", label = "合计", sum = ["行政复议/总计", "未经复议直接起诉/总计", "复议后起诉/总计"] },\n]'),
)


def test_a_provincial_table_four_with_16_columns_keeps_its_sentence(office, run, tmp_path) -> None:
    from disclo_cli.service import load_registers

    path = variant(tmp_path, "2021", *SIXTEEN)
    (four,) = fill_all(load_definition(str(path)), load_registers(config_of(office), 2023), config_of(office), 2023, ["四"])
    assert four.rows[0].values == (2, 1, 0, 1, 4, 1, 0, 1, 0, 2, 0, 0, 0, 1, 1, 7) and four.findings == ()
    report(run, office, 2023, str(path), tmp_path / "r.docx")
    body = content(tmp_path / "r.docx")
    table = next(x[1] for x in body if x[0] == "table" and x[1][0][0] == "行政复议")
    assert len(table[0]) == 16 and table[0][15] == "合计" and table[3][15] == "7"
    text = "\n".join(x[2] for x in body if x[0] == "p")
    assert ("2023年，我局因政府信息公开被申请行政复议4件，其中结果维持2件、结果纠正1件、尚未审结1件；被提起行政诉讼3件"
            "（未经复议直接起诉2件，复议后起诉1件），其中结果维持1件、其他结果1件、尚未审结1件。") in text
    explained = run("--config", office / "disclo.toml", "explain", "--year", 2023, "四/合计", "--standard", path, "--format", "json")
    payload = json.loads(explained.stdout)
    assert (payload["cell"], payload["value"], len(payload["rows"])) == ("四.案件/合计", 7, 7)


def test_a_sentence_whose_figure_the_definition_lacks_is_an_error_not_a_silence(office, run, tmp_path) -> None:
    path = variant(tmp_path, "2021", ('reviews = "四/行政复议/总计"\n', ""))
    result = run("--config", office / "disclo.toml", "report", "--year", 2023, "--standard", path, "-o", tmp_path / "r.docx")
    assert result.exit_code == 1
    assert f"disclo: error: {path}: the report's 'cases' sentence needs the figure 'reviews', which the definition does not declare" in result.stderr
    assert not (tmp_path / "r.docx").exists()


# --- every record in exactly one cell --------------------------------------------------------------------

def _request(n: int, applicant: str = "自然人", outcome: str = "予以公开", reason: str = "", year: int = 2023) -> Request:
    return spec("requests").make(Place("申请台账.xlsx", "依申请公开", n + 1), id=f"R-{n}", received=dt.date(year, 3, 1), channel="网上",
                                 applicant=applicant, outcome=outcome, reason=reason, answered=dt.date(year, 3, 9))


def _case(n: int, type_: str, route: str, result: str) -> Case:
    return spec("cases").make(Place("复议诉讼.xlsx", "S", n), id=f"S-{n}", type=type_, route=route, filed=dt.date(2023, 5, 1), result=result)


def test_a_request_whose_applicant_cannot_be_placed_is_named_with_its_row(config) -> None:
    regs = Registers(requests=[_request(1), _request(2, applicant="")])
    (t,) = fill_all(load_definition("2021"), regs, config, 2023, ["三"])
    assert t.row("一").values == (1, 0, 0, 0, 0, 0, 1)  # the request without an applicant type is in no column…
    assert t.findings == tuple(t.findings[:1])  # …and the one finding says so (the identities hold: 2 = 2 is not asked)
    (f,) = t.findings
    assert (f.severity, f.code, f.place) == ("error", "unplaced", Place("申请台账.xlsx", "依申请公开", 3))
    assert f.message == "table 三: 1 register row(s) counted in no cell of '申请人情况': applicant is empty"
    assert f.hint.startswith("The register has no column for applicant, or the cell is blank")
    assert "自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他" in f.hint


def test_unplaced_rows_beyond_twenty_are_counted(config) -> None:
    regs = Registers(requests=[_request(n, outcome="不予公开", reason="重复申请") for n in range(25)])
    (t,) = fill_all(load_definition("2021"), regs, config, 2023, ["三"])
    unplaced = [f for f in t.findings if f.code == "unplaced"]
    assert len(unplaced) == 21
    assert {f.variant for f in unplaced[:20]} == {"combination"} and [f.place.row for f in unplaced[:20]] == list(range(1, 21))
    assert unplaced[0].message == "table 三: 1 register row(s) counted in no cell of '本年度办理结果': no cell takes outcome = '不予公开'，reason = '重复申请'"
    assert unplaced[-1].message == "table 三: 5 more register row(s) counted in no cell of '本年度办理结果'"


def test_a_lawsuit_without_route_and_an_unknown_answer_are_unplaced(config) -> None:
    lawsuit = _case(2, "行政诉讼", "", "结果维持")
    (four,) = fill_all(load_definition("2021"), Registers(cases=[lawsuit]), config, 2023, ["四"])
    assert [(f.code, f.place.row, f.message) for f in four.findings] == [
        ("unplaced", 2, "table 四: 1 register row(s) counted in no cell of '复议、诉讼的类型和结果': route is empty")]
    assert "The table takes: 未经复议直接起诉、复议后起诉." in four.findings[0].hint
    no_reason = _request(1, outcome="不予公开")
    (three,) = fill_all(load_definition("2021"), Registers(requests=[no_reason]), config, 2023, ["三"])
    (f,) = [f for f in three.findings if f.code == "unplaced"]
    assert f.message == "table 三: 1 register row(s) counted in no cell of '本年度办理结果': reason is empty"
    assert "The table takes: 属于国家秘密、其他法律行政法规禁止公开、" in f.hint
    complaint = _case(3, "申诉举报", "", "")
    (four,) = fill_all(load_definition("2021"), Registers(cases=[complaint]), config, 2023, ["四"])
    assert four.findings == ()  # a complaint is not a Table 四 case
    answers = [_request(1, outcome="部分公开", year=2018), _request(2, outcome="其他处理", year=2018)]
    (legacy,) = fill_all(load_definition("legacy"), Registers(requests=answers), config, 2018)
    assert [f.code for f in legacy.findings if f.severity == "error"] == []  # 其他处理 is not an answer (formats.md §1)
    assert (legacy.value("answers"), legacy.value("answers_partial")) == (1, 1)


def test_check_fails_on_unplaced_rows_and_the_report_refuses(office, run, monkeypatch, tmp_path) -> None:
    from disclo_cli import tables as year_tables

    real = year_tables.load_registers
    missing = _request(90, applicant="")

    def with_one_unplaced(config, year, *, grouped=True):
        regs = real(config, year, grouped=grouped)
        if not grouped:  # read row by row: the row with its file, sheet and row
            return Registers(regs.items, [*regs.requests, missing], regs.cases)
        # a grouped record, as the ledger gives it: no file, sheet or row
        counts = {k: [*v, 1] if k == "requests" else v for k, v in regs.counts.items()}
        return Registers(regs.items, [*regs.requests, dataclasses.replace(missing, place=Place("disclo.sqlite"))], regs.cases, counts)

    monkeypatch.setattr(year_tables, "load_registers", with_one_unplaced)
    result = run("--config", office / "disclo.toml", "check", "--year", 2023)
    assert result.exit_code == 1
    line = "error [unplaced] 申请台账.xlsx, sheet '依申请公开', row 91: table 三: 1 register row(s) counted in no cell of '申请人情况': applicant is empty"
    assert line in result.stdout.splitlines()
    refused = run("--config", office / "disclo.toml", "report", "--year", 2023, "-o", tmp_path / "r.docx")
    assert refused.exit_code == 1 and "no report was written" in refused.stderr and not (tmp_path / "r.docx").exists()
    assert run("--config", office / "disclo.toml", "report", "--year", 2023, "-o", tmp_path / "r.docx", "--force").exit_code == 0


def test_every_cell_check_names_is_an_address_explain_takes(office, run, tmp_path) -> None:
    table = run("--config", office / "disclo.toml", "table", "--year", 2022, "--standard", "2019", "--format", "json")
    published = json.loads(table.stdout)
    for t in published:
        for row in t["rows"]:
            if row["id"] == "四":
                row["values"] = [4, 0, 0, 0, 0, 0, 4]  # last year's report said 4 were carried over
    previous = tmp_path / "2022.json"
    previous.write_text(json.dumps(published, ensure_ascii=False), encoding="utf-8")
    result = run("--config", office / "disclo.toml", "check", "--year", 2023, "--standard", "2019", "--previous", previous, "--format", "json")
    cells = sorted({f["cell"] for f in json.loads(result.stdout)["findings"] if f["cell"]} - {"主动公开"})  # 主动公开: the items tally, not a table
    assert "三.二/自然人" in cells and "二.行政许可/上一年项目数量" in cells and len(cells) > 10
    for cell in cells:
        explained = run("--config", office / "disclo.toml", "explain", "--year", 2023, "--standard", "2019", cell, "--format", "json")
        assert explained.exit_code == 0, (cell, explained.stderr)


# --- row-level and grouped registers give the same tables ----------------------------------------------

@pytest.mark.parametrize("name", STANDARDS)
@pytest.mark.parametrize(("where", "year"), [("seed", 2018), ("office", 2023)])
def test_row_level_and_grouped_tables_are_equal(request, name, where, year) -> None:
    from disclo_cli.ledger import Ledger

    config = config_of(request.getfixturevalue(where))
    definition = load_definition(name)
    with Ledger.open(config) as ledger:
        rows, grouped = ledger.registers(through=year), ledger.grouped(through=year)
    assert len(rows.items) > len(grouped.items)  # grouping did group
    by_rows, by_groups = fill_all(definition, rows, config, year), fill_all(definition, grouped, config, year)
    assert [t.as_json() for t in by_rows] == [t.as_json() for t in by_groups]
    assert [[(f.code, f.message) for f in t.findings] for t in by_rows] == [[(f.code, f.message) for f in t.findings] for t in by_groups]


def test_a_definition_file_that_is_not_there_is_said_so(office, run, tmp_path) -> None:
    missing = run("--config", office / "disclo.toml", "table", "--year", 2023, "--standard", tmp_path / "福建表四.toml")
    assert missing.exit_code == 1 and f"disclo: error: {tmp_path / '福建表四.toml'}: no such file" in missing.stderr
    unknown = run("--config", office / "disclo.toml", "table", "--year", 2023, "--standard", "2020")
    assert unknown.exit_code == 2 and "disclo: error: unknown standard '2020'" in unknown.stderr
