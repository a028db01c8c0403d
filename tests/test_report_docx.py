"""The annual report's DOCX layer read back: the 附表's indented sub-rows, page numbers, fonts."""

from __future__ import annotations

import shutil
import zipfile

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from conftest import ROOT
from workspaces import new_ledger

REPORT_2018 = "2018年政府信息公开工作年度报告.docx"


def _seed_report(tmp_path, run):  # type: ignore[no-untyped-def]
    ws = tmp_path / "liucheng"
    shutil.copytree(ROOT / "examples" / "2018-liucheng", ws, ignore=shutil.ignore_patterns("*.sqlite*"))
    config = ws / "disclo.toml"
    new_ledger(ws)  # as 'disclo init' makes it
    assert run("--config", config, "ingest", ws / "主动公开台账2018.xlsx").exit_code == 0
    result = run("--config", config, "report", "--year", 2018, "--date", "2019-01-15")
    assert result.exit_code == 0, result.output
    return ws / REPORT_2018


def test_seed_appendix_sub_rows_keep_their_indent(tmp_path, run) -> None:
    path = _seed_report(tmp_path, run)
    table = docx.Document(str(path)).tables[-1]
    indents = {}
    for row in table.rows[1:]:
        label = row.cells[0].paragraphs[0]
        ind = label._p.pPr.find(qn("w:ind"))
        indents[label.text] = None if ind is None else ind.get(qn("w:leftChars"))
    # 「2.」 and 「3.」 sit under the 「1.」 of 「其中：1.」: three characters in
    assert indents == {
        "主动公开信息数": None, "其中：1.政府网站公开": None, "2.政府公报公开": "300",
        "受理政府信息公开申请总数": None, "其中：1.当面申请数": None, "2.网上申请数": "300", "3.信函申请数": "300",
        "对申请的答复总数": None, "其中：1.同意公开答复数": None, "2.同意部分公开答复数": "300", "3.否决公开答复总数": "300",
        "政府信息公开收费减免金额": None, "行政复议数": None, "行政诉讼数": None, "接受行政申诉、举报数": None,
    }  # fmt: skip


def test_seed_report_page_numbers_and_package(tmp_path, run) -> None:
    path = _seed_report(tmp_path, run)
    document = docx.Document(str(path))
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer is True
    assert section.footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert section.even_page_footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert document.core_properties.author == "南安市柳城街道办事处"
    with zipfile.ZipFile(path) as z:
        assert "Macintosh" not in z.read("docProps/app.xml").decode()
        assert "仿宋_GB2312" in z.read("word/fontTable.xml").decode()
        assert not [n for n in z.namelist() if "thumbnail" in n]
