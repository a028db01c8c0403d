"""Issue 17, the report a clerk can publish: category names as written, the signature date,
year-over-year, extra figures, charts, the office's template, the preview, placeholders that cannot
be filled, and the prose file's limits. Each read back from the DOCX (or the preview's text)."""
# ruff: noqa: F811  (the fixtures of test_report, imported, are the tests' parameters)

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from conftest import write_xlsx
from test_report import (  # noqa: F401
    OFFICE_DIR,
    REPORT_2018,
    REPORT_2023,
    SEED_SENTENCES,
    disclo,
    doc_text,
    highlighted,
    office,
    seed,
    squash,
)


def toml_append(ws: Path, text: str) -> None:
    path = ws / "disclo.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")


def prose(ws: Path, year: int, text: str) -> Path:
    path = ws / "prose" / f"{year}.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def report_2023(ws: Path, disclo, *args):
    result = disclo(ws, "report", "--year", 2023, "--date", "2024-01-20", *args)
    assert result.exit_code == 0, result.output
    return result, docx.Document(str(ws / REPORT_2023))


# --- category names exactly as the office writes them --------------------------------------------

def test_category_placeholders_take_the_office_names_with_or_without_lei(office, disclo) -> None:
    # the office's categories are 「工作动态」「政策文件」 (no 类); the README's own example says 工作动态类
    prose(office, 2023, "# 一、总体情况\n工作动态{{category:工作动态类}}条、{{category:工作动态}}条，占{{category_share:工作动态类}}；"
                        "政策文件{{category:政策文件}}条。\n不存在：{{category:不存在}}。\n")
    result, document = report_2023(office, disclo)
    text = doc_text(document)
    assert "工作动态50条、50条，占33.3%；政策文件14条。" in text
    assert "按信息类别分，机构职能3条，占2%；政策文件14条，占9.3%" in text and "政策文件类" not in text
    # never 0: a category the office does not have is a 【请填写】 and a warning naming the line
    assert "不存在：【请填写：没有类别「不存在」（disclo.toml [categories]）】。" in text
    assert "2023.md, line 3: {{category:不存在}} cannot be filled: there is no category '不存在'" in result.stderr


def test_a_cell_the_format_lacks_warns_and_never_prints_0(office, disclo) -> None:
    prose(office, 2023, "# 一、总体情况\n新收{{cell:三.一/总计}}件；附表{{cell:附表.items/year}}条；\n"
                        "没有的行{{cell:三.九/总计}}；没有的表{{cell:五.一/总计}}；{{fees_waived}}\n")
    result, document = report_2023(office, disclo)
    text = doc_text(document)
    assert "新收55件；附表150条；" in text
    marks = [m for m in highlighted(document) if "单元格" in m]
    assert len(marks) == 2 and all(m.startswith("【请填写：单元格 ") for m in marks)
    assert "2023.md, line 3: {{cell:三.九/总计}} cannot be filled" in result.stderr
    assert "2023.md, line 3: {{cell:五.一/总计}} cannot be filled" in result.stderr


# --- the date under the signature ------------------------------------------------------------------

@pytest.mark.parametrize(("text", "day"), [("2019-01-15", dt.date(2019, 1, 15)), ("2019/1/15", dt.date(2019, 1, 15)),
                                           ("2019年1月15日", dt.date(2019, 1, 15)), ("２０１９年１月５日", dt.date(2019, 1, 5)),
                                           ("2019.1.15", dt.date(2019, 1, 15))])
def test_report_date_forms(text, day) -> None:
    from disclo_cli.report.signing import parse_report_date

    assert parse_report_date(text) == day


def test_signature_date_within_and_outside_the_window() -> None:
    from disclo_cli.report.signing import deadline, signature_date

    assert deadline(2023, "department") == dt.date(2024, 1, 31)
    assert deadline(2023, "government") == dt.date(2024, 3, 31)
    assert deadline(2018, "department") == dt.date(2019, 3, 31)  # the 2007 text: 31 March for everyone
    inside = signature_date(2023, today=dt.date(2024, 1, 20), level="department")
    assert (inside.date, inside.finding) == (dt.date(2024, 1, 20), None)
    late = signature_date(2023, today=dt.date(2024, 2, 20), level="department")
    assert late.date == dt.date(2023, 12, 31) and late.finding.key == "report-date-default.late"
    assert signature_date(2023, today=dt.date(2024, 2, 20), level="government").date == dt.date(2024, 2, 20)
    draft = signature_date(2023, today=dt.date(2023, 12, 5), level="department")
    assert draft.date == dt.date(2023, 12, 31) and draft.finding.key == "report-date-default.draft"
    assert signature_date(2018, today=dt.date(2019, 3, 1), level="department").date == dt.date(2019, 3, 1)


def test_date_default_in_the_docx(seed, disclo) -> None:
    from disclo_cli import config as cfg
    from disclo_cli.report.builder import build_report

    config = cfg.load(seed / "disclo.toml")
    result = build_report(config, 2018, today=dt.date(2019, 1, 20))
    assert docx.Document(str(result.path)).paragraphs[-1].text == "2019年1月20日"
    assert not [f for f in result.findings if f.code == "report-date-default"]
    # today, long after the deadline: the year's last day (as the seed is dated), and a warning
    cli = disclo(seed, "report", "--year", 2018)
    assert cli.exit_code == 0
    assert docx.Document(str(seed / REPORT_2018)).paragraphs[-1].text == "2018年12月31日"
    assert "the report is dated 2018-12-31, the year's last day" in cli.stderr


def test_jobs_without_each_unit_is_refused_not_ignored(seed, disclo) -> None:
    got = disclo(seed, "report", "--year", 2018, "--jobs", 2)
    assert got.exit_code == 2
    assert "--jobs is for --each-unit" in got.stderr and "Leave out --jobs, or add --each-unit." in got.stderr
    assert not (seed / REPORT_2018).exists()


def test_date_options(seed, disclo) -> None:
    ok = disclo(seed, "report", "--year", 2018, "--date", "2019年1月15日")
    assert ok.exit_code == 0 and docx.Document(str(seed / REPORT_2018)).paragraphs[-1].text == "2019年1月15日"
    assert "dated" not in ok.stderr
    bad = disclo(seed, "report", "--year", 2018, "--date", "15.1.2019")
    assert bad.exit_code == 2 and "--date '15.1.2019' is not a date" in bad.stderr and "2019年1月15日" in bad.stderr
    early = disclo(seed, "report", "--year", 2018, "--date", "2018-06-01")
    assert early.exit_code == 2 and "before the end of 2018" in early.stderr
    # a final report made outside the window must say its date
    final = disclo(seed, "report", "--year", 2018, "--final")
    assert final.exit_code == 2 and "needs --date" in final.stderr
    assert disclo(seed, "report", "--year", 2018, "--final", "--date", "2019-01-15").exit_code == 0


def test_report_level_is_checked(seed, disclo) -> None:
    toml_append(seed, '[report]\nlevel = "county"')
    result = disclo(seed, "report", "--year", 2018)
    assert result.exit_code == 1
    assert ("[report] level must be \"department\" (a department, township or street office) or \"government\""
            " (a county-or-higher government's own report), not 'county'") in result.stderr
    assert "Traceback" not in result.output


def test_unknown_report_key_is_refused(seed, disclo) -> None:
    toml_append(seed, "[report]\nchart = true")
    result = disclo(seed, "report", "--year", 2018)
    assert result.exit_code == 1 and "[report] has unknown key(s) chart" in result.stderr and "charts" in result.stderr


# --- year over year --------------------------------------------------------------------------------

def test_change_text() -> None:
    from disclo_cli.render import change_text

    assert change_text(203, 190) == "同比增长6.8%"
    assert change_text(214, 200) == "同比增长7%"
    assert change_text(100, 107) == "同比下降6.5%"
    assert change_text(9, 8) == "同比增长12.5%"
    assert change_text(7, 8) == "同比下降12.5%"
    assert change_text(3, 0) == "上年为0" and change_text(0, 0) == "与上年持平" and change_text(5, 5) == "与上年持平"
    assert change_text(1, 3) == "同比下降66.7%"  # half up, as shares


@pytest.fixture
def two_years(seed, disclo):
    """The seed office with a 2017 item register beside 2018's: 200 items, 100 of them 工作动态类."""
    rows = [["发布日期", "标题", "类别", "公开渠道"]]
    rows += [[f"2017-{m:02d}-10", f"动态{m}-{i}", "工作动态类", "政府网站"] for m in range(1, 11) for i in range(10)]
    rows += [[f"2017-{m:02d}-12", f"其他{m}-{i}", "其他信息类", "政府网站"] for m in range(1, 11) for i in range(10)]
    path = write_xlsx(seed / "主动公开台账2017.xlsx", {"2017": rows})
    result = disclo(seed, "ingest", path)
    assert result.exit_code == 0, result.output
    return seed


def test_year_over_year_from_the_ledger(two_years, disclo) -> None:
    prose(two_years, 2018, "# 一、概述\n主动公开{{items}}条，{{items_yoy}}（上年{{prev:items}}条）；工作动态类{{category_yoy:工作动态类}}"
                           "（上年{{prev_category:工作动态类}}条）；政府网站{{channel_yoy:政府网站}}；申请{{requests_yoy}}。\n")
    result = disclo(two_years, "report", "--year", 2018, "--date", "2019-01-15")
    assert result.exit_code == 0, result.output
    text = doc_text(docx.Document(str(two_years / REPORT_2018)))
    assert "累计主动公开政府信息250条，同比增长25%，通过审核的250条" in text
    assert "主动公开250条，同比增长25%（上年200条）；工作动态类同比增长28%（上年100条）；政府网站同比增长25%；" in text
    # the ledger holds no 2017 request register: not 「上年为0」 but a 【请填写】 and a warning
    assert "申请【请填写：2017年的requests" in text
    assert "{{requests_yoy}} cannot be filled: 2017's requests is not known" in result.stderr
    assert "截止2018年12月31日，我街道共受理政府信息公开申请0件。" in text  # the sentence says nothing it does not know


def test_no_comparison_without_last_year_and_a_carry_over_is_not_last_year(office, disclo) -> None:
    # the 2023 request register lists three requests received in 2022: that is not 2022's register
    prose(office, 2023, "# 一、总体情况\n申请{{requests_yoy}}，上年{{prev:requests}}件。\n")
    result, document = report_2023(office, disclo)
    text = doc_text(document)
    assert "新收政府信息公开申请55件，上年结转3件" in text and "同比" not in text and "上年为0" not in text
    assert "申请【请填写：2022年的requests" in text
    assert result.stderr.count("2022's requests is not known") == 2


def test_year_over_year_from_last_years_json(office, disclo, tmp_path) -> None:
    table = disclo(office, "table", "--year", 2023, "--format", "json")
    last = json.loads(table.stdout)
    for t in last:
        t["year"] = 2022
        if t["table"] == "三":
            row = next(r for r in t["rows"] if r["id"] == "一")
            row["values"] = [30, 7, 2, 2, 3, 6, 50]
        if t["table"] == "四":
            t["rows"][0]["values"] = [2, 1, 0, 1, 4] + [0] * 10  # 4 reviews, no lawsuit
    path = tmp_path / "2022年统计表.json"
    path.write_text(json.dumps(last, ensure_ascii=False), encoding="utf-8")
    prose(office, 2023, "# 一、总体情况\n申请{{requests_yoy}}；复议{{yoy:reviews}}；诉讼{{lawsuits_yoy}}；主动公开{{items_yoy}}。\n")
    result, document = report_2023(office, disclo, "--previous", path)
    text = doc_text(document)
    assert "新收政府信息公开申请55件，同比增长10%，上年结转3件" in text
    assert "被申请行政复议4件，与上年持平，其中" in text and "（未经复议直接起诉2件，复议后起诉1件），上年为0，其中" in text
    assert "申请同比增长10%；复议与上年持平；诉讼上年为0；" in text
    # the national tables do not count items: not known from the JSON, and the ledger has no 2022
    assert "主动公开【请填写：2022年的items" in text
    assert "共主动公开政府信息150条。" in text
    missing = disclo(office, "report", "--year", 2023, "--previous", tmp_path / "nope.json")
    assert missing.exit_code == 1 and "Traceback" not in missing.output
    (tmp_path / "2023.json").write_text(table.stdout, encoding="utf-8")  # this year's own tables, by mistake
    same = disclo(office, "report", "--year", 2023, "--previous", tmp_path / "2023.json")
    assert same.exit_code == 1 and "these are the tables of 2023, not of 2022" in same.stderr


def test_year_over_year_of_an_amount_with_decimals(seed, disclo, tmp_path) -> None:
    # last year's published 1.5 (a float in its JSON) against this year's 3.5 (a Decimal): compared, not a crash
    last = json.loads(disclo(seed, "table", "--year", 2018, "--format", "json").stdout)
    last["year"] = 2017
    next(r for r in last["rows"] if r["id"] == "fees_waived")["values"] = [1.5, 1.5]
    path = tmp_path / "2017.json"
    path.write_text(json.dumps(last, ensure_ascii=False), encoding="utf-8")
    config = seed / "disclo.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[yearly.2018]\n", "[yearly.2018]\nfees_waived = 3.5\n", 1), encoding="utf-8")
    prose(seed, 2018, "# 一、概述\n减免{{fees_waived}}元，{{fees_waived_yoy}}（上年{{prev:fees_waived}}元）。\n")
    result = disclo(seed, "report", "--year", 2018, "--date", "2019-01-15", "--previous", path)
    assert result.exit_code == 0, result.output
    assert "减免3.5元，同比增长133.3%（上年1.5元）。" in doc_text(docx.Document(str(seed / REPORT_2018)))


def test_year_over_year_can_be_turned_off(two_years, disclo) -> None:
    toml_append(two_years, "[report]\nyear_over_year = false")
    result = disclo(two_years, "report", "--year", 2018, "--date", "2019-01-15")
    assert result.exit_code == 0
    text = squash(doc_text(docx.Document(str(two_years / REPORT_2018))))
    for sentence in SEED_SENTENCES:
        assert squash(sentence) in text


# --- extra figures and the overview's length --------------------------------------------------------

def test_extra_figures_from_yearly(office, disclo) -> None:
    toml_append(office, '[report]\nextra_figures = ["policy_interpretations", "concerns_responded", "platforms"]')
    text = (office / "disclo.toml").read_text(encoding="utf-8").replace("[yearly.2023]\n", "[yearly.2023]\npolicy_interpretations = 12\nplatforms = 3\n")
    (office / "disclo.toml").write_text(text, encoding="utf-8")
    prose(office, 2023, "# 一、总体情况\n政策解读{{policy_interpretations}}条，回应关切{{concerns_responded}}条。\n")
    result, document = report_2023(office, disclo)
    paragraphs = [p.text for p in document.paragraphs]
    first = paragraphs.index("（一）主动公开")
    assert paragraphs[first + 3] == "全年发布政策解读12条，发布回应关切信息【请填写：回应关切数量（disclo.toml [yearly.2023] concerns_responded）】条。"
    platform = paragraphs.index("（四）政府信息公开平台建设")
    assert paragraphs[platform + 1] == "全年设立政府信息公开平台3个。"
    assert "政策解读12条，回应关切【请填写：回应关切数量" in doc_text(document)
    assert "回应关切 is not given for 2023: the report shows a 【请填写】 (never a 0)" in result.stderr
    assert "[yearly.2023] concerns_responded" in result.stderr


def test_extra_figure_unknown_and_not_asked(office, disclo) -> None:
    _, document = report_2023(office, disclo)
    assert "政策解读" not in doc_text(document)  # an office that does not list them gets no such sentence
    toml_append(office, '[report]\nextra_figures = ["policy_interpretation"]')
    result = disclo(office, "report", "--year", 2023, "--date", "2024-01-20")
    assert result.exit_code == 1 and "policy_interpretation" in result.stderr and "policy_interpretations" in result.stderr


def test_overview_length_cap(office, disclo) -> None:
    toml_append(office, "[report]\noverview_max_chars = 300")
    prose(office, 2023, "# 一、总体情况\n" + "我局认真贯彻落实条例。" * 20 + "\n")
    result, _ = report_2023(office, disclo)
    assert "section '一、总体情况' has" in result.stderr and "more than the 300 allowed" in result.stderr


# --- keeping together, tables first -----------------------------------------------------------------

def _previous_paragraph(table):
    el = table._tbl.getprevious()
    while el is not None and el.tag != qn("w:p"):
        el = el.getprevious()
    return el


def test_every_table_follows_its_heading_and_is_kept_with_it(office, disclo) -> None:
    _, document = report_2023(office, disclo)
    headings = []
    for table in document.tables:
        before = _previous_paragraph(table)
        assert before is table._tbl.getprevious()  # nothing between the heading and its table
        ppr = before.find(qn("w:pPr"))
        assert ppr.find(qn("w:pStyle")).get(qn("w:val")) == document.styles["Disclo H1"].style_id
        assert ppr.find(qn("w:keepNext")) is not None  # the heading stays with the table
        headings.append("".join(t.text for t in before.iter(qn("w:t"))))
    assert headings == ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]
    # the sentence about Table 四 comes after it
    four = document.tables[-1]
    after = four._tbl.getnext()
    assert after.tag == qn("w:p") and "被申请行政复议" in "".join(t.text for t in after.iter(qn("w:t")))


def test_a_long_table_is_not_forced_onto_one_page(office, disclo) -> None:
    _, document = report_2023(office, disclo)
    three = next(t for t in document.tables if len(t.rows) > 20)
    flags = [any(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs) for row in three.rows]
    # the three header rows and 一 only: 二 is not kept with 「三、本年度办理结果」, which spans 22 rows
    # (kept with a row that starts a vertical merge, LibreOffice moves the whole table to the next page)
    assert flags == [True] * 4 + [False] * (len(flags) - 4)
    four = document.tables[-1]
    assert all(any(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs) for row in four.rows[:-1])


def test_headings_keep_with_next(seed, disclo) -> None:
    assert disclo(seed, "report", "--year", 2018, "--date", "2019-01-15").exit_code == 0
    document = docx.Document(str(seed / REPORT_2018))
    for name in ("Disclo H1", "Disclo H2", "Disclo Title", "Disclo Caption"):
        assert document.styles[name].paragraph_format.keep_with_next is True
    caption = next(p for p in document.paragraphs if p.style.name == "Disclo Caption")
    assert caption._p.getnext().tag == qn("w:tbl")  # the 附表 right under its caption


# --- charts -----------------------------------------------------------------------------------------

def _images(document) -> list:
    return document.inline_shapes


def test_charts_where_the_outline_says(office, disclo) -> None:
    pytest.importorskip("matplotlib")
    _, document = report_2023(office, disclo, "--charts")
    assert len(_images(document)) == 2
    paragraphs = [p.text for p in document.paragraphs]
    captions = [p.text for p in document.paragraphs if p.style.name == "Disclo Caption"]
    assert captions == ["图1　2023年主动公开政府信息数量（按月份）", "图2　2023年主动公开政府信息数量（按类别）"]
    # in 一（一）主动公开, after its sentences, before （二）
    assert paragraphs.index("（一）主动公开") < paragraphs.index(captions[0]) < paragraphs.index(captions[1]) < paragraphs.index("（二）依申请公开")
    _, plain = report_2023(office, disclo)
    assert len(_images(plain)) == 0


def test_charts_from_disclo_toml_in_the_legacy_outline(seed, disclo) -> None:
    pytest.importorskip("matplotlib")
    toml_append(seed, "[report]\ncharts = true")
    assert disclo(seed, "report", "--year", 2018, "--date", "2019-01-15").exit_code == 0
    document = docx.Document(str(seed / REPORT_2018))
    paragraphs = [p.text for p in document.paragraphs]
    assert len(document.inline_shapes) == 2
    month, category = "图1　2018年主动公开政府信息数量（按月份）", "图2　2018年主动公开政府信息数量（按类别）"
    assert paragraphs.index("（一）主动公开政府信息数量") < paragraphs.index(month) < paragraphs.index("（二）主动公开政府信息的主要类别情况")
    assert paragraphs.index("（二）主动公开政府信息的主要类别情况") < paragraphs.index(category) < paragraphs.index("（三）政府信息公开形式")
    assert disclo(seed, "report", "--year", 2018, "--no-charts", "--date", "2019-01-15").exit_code == 0
    assert len(docx.Document(str(seed / REPORT_2018)).inline_shapes) == 0


def test_a_missing_glyph_in_a_chart_is_a_finding(tmp_path, disclo, monkeypatch) -> None:
    pytest.importorskip("matplotlib")
    from disclo_cli.report import charts
    from test_report import copy_workspace

    monkeypatch.setattr(charts, "SYSTEM_CJK_FONTS", ())  # no system font to fall back on
    office = copy_workspace(OFFICE_DIR, tmp_path / "office")
    text = (office / "disclo.toml").read_text(encoding="utf-8").replace('"工作动态"]', '"工作動態"]')
    text = text.replace('# "工作动态" = "工作动态类"', '"工作动态" = "工作動態"')
    (office / "disclo.toml").write_text(text, encoding="utf-8")
    assert disclo(office, "ingest", *sorted(office.glob("*.xlsx"))).exit_code == 0
    result, _ = report_2023(office, disclo, "--charts")
    assert "chart items-by-category: no installed font has the characters '動態'" in result.stderr


def test_matplotlib_is_imported_only_for_charts(office, disclo) -> None:
    code = ("import sys, datetime\nfrom disclo_cli import config\nfrom disclo_cli.report.builder import build_report\n"
            f"build_report(config.load(config.Path({str(office / 'disclo.toml')!r})), 2023, date=datetime.date(2024, 1, 20))\n"
            "print('matplotlib' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- the office's template ------------------------------------------------------------------------

def _letterhead(path: Path) -> Path:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = docx.Document()
    doc.sections[0].header.paragraphs[0].text = "示例县自然资源局政务公开"
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.add_run("示例县自然资源局文件")
    doc.add_paragraph("{{正文}}")
    doc.save(str(path))
    return path


def test_the_offices_template(office, disclo) -> None:
    _letterhead(office / "红头模板.docx")
    toml_append(office, '[report]\ntemplate = "红头模板.docx"')
    result, document = report_2023(office, disclo)
    assert document.paragraphs[0].text == "示例县自然资源局文件"
    assert document.paragraphs[1].text == "示例县自然资源局\n2023年政府信息公开工作年度报告"
    assert document.sections[0].header.paragraphs[0].text == "示例县自然资源局政务公开"
    assert "2023年，我局共主动公开政府信息150条。" in doc_text(document)
    assert len(document.tables) == 3
    # the template lacks disclo's styles: each is added, with a warning naming it
    assert "红头模板.docx: the template has 8 of disclo's paragraph styles missing (Disclo Title, Disclo H1, " in result.stderr
    assert "template-style-missing" not in result.stderr and result.stderr.count("paragraph styles missing") == 1


def test_template_option_and_a_bad_template(office, disclo, tmp_path) -> None:
    template = _letterhead(tmp_path / "letterhead.docx")
    _, document = report_2023(office, disclo, "--template", template)
    assert document.paragraphs[0].text == "示例县自然资源局文件"
    before = (office / REPORT_2023).read_bytes()
    missing = disclo(office, "report", "--year", 2023, "--template", tmp_path / "nope.docx")
    assert missing.exit_code == 1 and "the report template does not exist" in missing.stderr
    (tmp_path / "模板.docx").write_text("not a word file", encoding="utf-8")
    bad = disclo(office, "report", "--year", 2023, "--template", tmp_path / "模板.docx")
    assert bad.exit_code == 1 and "not a Word .docx file" in bad.stderr and "Traceback" not in bad.output
    assert (office / REPORT_2023).read_bytes() == before  # a bad template changes nothing


# --- preview ----------------------------------------------------------------------------------------

def test_preview_prints_the_report_and_writes_nothing(office, disclo) -> None:
    result = disclo(office, "report", "--year", 2023, "--date", "2024-01-20", "--preview", "--charts")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("示例县自然资源局\n2023年政府信息公开工作年度报告\n")
    for line in ("一、总体情况", "（一）主动公开", "　　2023年，我局共主动公开政府信息150条。其中，通过政府网站公开135条",
                 "四、政府信息公开行政复议、行政诉讼情况", "2024年1月20日"):
        assert line in out, line
    assert "［图1　2023年主动公开政府信息数量（按月份）：1月" in out
    assert "│ 一、本年新收政府信息公开申请数量" in out and "│     39 │" in out  # Table 三 as disclo table draws it
    assert "【请填写：存在的主要问题" in out and "placeholder(s) to fill before publishing" in result.stderr
    assert not (office / REPORT_2023).exists()
    both = disclo(office, "report", "--year", 2023, "--preview", "-o", office / "x.docx")
    assert both.exit_code == 2 and "writes nothing" in both.stderr and not (office / "x.docx").exists()
    # the same sentences as the DOCX
    _, document = report_2023(office, disclo)
    for p in document.paragraphs:
        if p.style.name == "Disclo Body" and p.text:
            assert p.text in out, p.text


def test_preview_of_the_seed(seed, disclo) -> None:
    result = disclo(seed, "report", "--year", 2018, "--date", "2018-12-31", "--preview")
    assert result.exit_code == 0
    out = squash(result.stdout)
    for sentence in SEED_SENTENCES:
        assert squash(sentence) in out
    assert "2018年度政府信息公开工作情况统计表" in result.stdout and "其中：1.政府网站公开" in result.stdout
    assert not (seed / REPORT_2018).exists()


# --- the prose file and the write -------------------------------------------------------------------

def test_prose_given_must_exist_and_be_a_small_regular_file(seed, disclo, tmp_path) -> None:
    missing = disclo(seed, "report", "--year", 2018, "--prose", tmp_path / "nonexistent.md")
    assert missing.exit_code == 1 and "no such prose file" in missing.stderr
    device = disclo(seed, "report", "--year", 2018, "--prose", "/dev/zero")
    assert device.exit_code == 1 and "not a regular file" in device.stderr
    folder = disclo(seed, "report", "--year", 2018, "--prose", tmp_path)
    assert folder.exit_code == 2 and "is a directory" in folder.stderr
    huge = tmp_path / "huge.md"
    huge.write_bytes(b"# x\n" + b"a" * (3 << 20))
    big = disclo(seed, "report", "--year", 2018, "--prose", huge)
    assert big.exit_code == 1 and "larger than 2 MB" in big.stderr
    assert not (seed / REPORT_2018).exists()
    assert all("Traceback" not in r.output for r in (missing, device, folder, big))


def test_control_characters_in_prose_are_dropped_with_a_warning(seed, disclo) -> None:
    prose(seed, 2018, "# 一、概述\n第一段\x01文字\x0b。\n")
    result = disclo(seed, "report", "--year", 2018, "--date", "2019-01-15")
    assert result.exit_code == 0, result.output
    assert "第一段文字。" in doc_text(docx.Document(str(seed / REPORT_2018)))
    assert "2018.md, line 2: 2 control character(s) removed" in result.stderr


def test_a_failed_first_write_does_not_claim_a_previous_report(seed, disclo, monkeypatch) -> None:
    real = Path.write_bytes

    def full(self, data):
        if self.name.startswith("." + REPORT_2018):
            real(self, data[:10])
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    result = disclo(seed, "report", "--year", 2018, "--date", "2019-01-15")
    assert result.exit_code == 1
    assert "cannot be written (No space left on device); nothing was written" in result.stderr
    assert "previous" not in result.stderr and "kept" not in result.stderr
    assert sorted(p.name for p in seed.iterdir() if p.name.endswith((".docx", ".tmp"))) == []


def test_full_disk_for_real(seed, disclo, tmp_path) -> None:
    """On a real full file system (a tiny tmpfs; needs root), one message, no 'Exception ignored'."""
    import os

    if os.geteuid() != 0 or not Path("/bin/mount").exists():
        pytest.skip("needs root to mount a tmpfs")
    mnt = tmp_path / "full"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        out = subprocess.run([sys.executable, "-m", "disclo_cli", "--config", str(seed / "disclo.toml"), "report", "--year", "2018",
                              "--date", "2019-01-15", "-o", str(mnt / "r.docx")], capture_output=True, text=True,
                             env={**os.environ, "DISCLO_LANG": "en"})
        assert out.returncode == 1, out.stderr
        assert "No space left on device" in out.stderr and "nothing was written" in out.stderr
        assert "Exception ignored" not in out.stderr and "Traceback" not in out.stderr
        assert list(mnt.iterdir()) == []
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


# --- processing time (deadlines.md) -----------------------------------------------------------------

def test_processing_time_sentence(office, disclo) -> None:
    from disclo_cli import config as cfg
    from disclo_cli.render import decimal_text, share_text
    from disclo_cli.report.timeliness import answered_in

    t = answered_in(cfg.load(office / "disclo.toml"), 2023)
    assert t.answered == 54 and t.on_time + t.late + t.unjudged == 54
    prose(office, 2023, "# 一、总体情况\n按期{{on_time}}件，按期答复率{{on_time_rate}}，平均{{mean_days}}个工作日。\n")
    _, document = report_2023(office, disclo)
    text = doc_text(document)
    rate = share_text(t.on_time, t.on_time + t.late)
    assert rate and f"全年答复的54件申请中，按期答复{t.on_time}件，按期答复率{rate}，" in text
    assert f"平均用时{decimal_text(t.mean_days)}个工作日。" in text
    assert f"按期{t.on_time}件，按期答复率{rate}，平均{decimal_text(t.mean_days)}个工作日。" in text


def test_processing_time_sentence_never_claims_100_percent_of_nothing() -> None:
    from types import SimpleNamespace

    from disclo_cli.deadlines import timeliness
    from disclo_cli.report.sentences import sentence_timeliness

    none = SimpleNamespace(timeliness=timeliness([]), year=2023, we="我局")
    assert sentence_timeliness(none) == "2023年，我局没有答复的政府信息公开申请。"
    some = SimpleNamespace(timeliness=SimpleNamespace(answered=10, on_time=8, late=1, unjudged=1, mean_days=8.25), year=2023, we="我局")
    assert sentence_timeliness(some) == "全年答复的10件申请中，按期答复8件，按期答复率88.9%，平均用时8.3个工作日（1件无法判断是否按期，未计入按期答复率）。"
