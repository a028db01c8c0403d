"""Charts: PNG at print resolution with the shipped CJK font, missing glyphs reported, placed in the DOCX."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

from disclo_cli.errors import DiscloError

pytest.importorskip("matplotlib")

from disclo_cli.report import charts  # noqa: E402
from disclo_cli.report.docx_doc import OfficialDocument  # noqa: E402

MONTHS = [12, 8, 15, 20, 9, 11, 30, 25, 14, 18, 22, 16]
SEED_CATEGORIES = [
    ("机构设置类", 1), ("预决算公开类", 2), ("应急管理类", 2), ("为民办实事类", 6), ("落实与反馈类", 2), ("依法行政类", 2),
    ("民政工作类", 5), ("监督检查类", 9), ("工作动态类", 128), ("其他信息类", 88),
    ("环境卫生、公共卫生、安全生产、食品药品、产品质量监督检查情况类", 5),
]  # fmt: skip


def _pixels(png: bytes):  # type: ignore[no-untyped-def]
    from matplotlib import image

    return image.imread(io.BytesIO(png), format="png")


def test_month_chart_is_a_print_resolution_png() -> None:
    chart = charts.items_by_month(MONTHS, width_mm=150, height_mm=70)
    assert chart.png[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = _pixels(chart.png)
    assert pixels.shape[:2] == (826, 1771)  # 70 x 150 mm at 300 dpi
    assert (pixels[..., :3] < 0.5).any() and (pixels[..., :3] > 0.9).any()  # bars on white, not blank
    assert chart.warnings == ()
    assert (chart.width_mm, chart.height_mm, chart.dpi) == (150, 70, 300)


def test_category_chart_grows_with_categories_and_renders_gb2312_names_without_fallback() -> None:
    few = charts.items_by_category(SEED_CATEGORIES[:3], fallback_fonts=())
    every = charts.items_by_category(SEED_CATEGORIES, fallback_fonts=())
    assert every.height_mm > few.height_mm
    assert abs(_pixels(every.png).shape[0] - every.height_mm / 25.4 * 300) < 1
    # the shipped subset alone has every character of the seed office's categories
    assert every.warnings == few.warnings == ()


def test_character_outside_the_subset_is_reported_when_no_font_has_it() -> None:
    chart = charts.items_by_category([("丟失類", 3), ("工作动态类", 5)], fallback_fonts=())
    assert chart.warnings == (("chart-glyph-missing", {"chart": "items-by-category", "chars": "丟類"}),)


def test_character_outside_the_subset_comes_from_a_system_font() -> None:
    from matplotlib import font_manager

    if "Noto Sans CJK SC" not in {f.name for f in font_manager.fontManager.ttflist}:
        pytest.skip("no Noto Sans CJK SC installed (apt-get install fonts-noto-cjk)")
    chart = charts.items_by_category([("丟失類", 3)], fallback_fonts=("Noto Sans CJK SC",))
    assert chart.warnings == ()


def test_shipped_font_is_renamed_and_licensed() -> None:
    from matplotlib.ft2font import FT2Font

    path = charts.font_path()
    font = FT2Font(str(path))
    assert font.family_name == "Disclo Sans SC" and font.postscript_name == "DiscloSansSC-Regular"
    cmap = font.get_charmap()
    gb2312 = [bytes((row, cell)).decode("gb2312") for row in range(0xB0, 0xF8) for cell in range(0xA1, 0xFF)
              if (row, cell) not in {(0xD7, c) for c in range(0xFA, 0xFF)}]  # fmt: skip
    assert len(gb2312) == 6763 and all(ord(ch) in cmap for ch in gb2312)  # every level-1 and level-2 hanzi
    licence = (path.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Reserved Font Name 'Source'" in licence


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="12 monthly counts"):
        charts.items_by_month([1, 2, 3])
    with pytest.raises(ValueError, match="negative"):
        charts.items_by_month([-1] + [0] * 11)
    with pytest.raises(ValueError, match="at least one"):
        charts.items_by_category([])


def test_without_matplotlib_the_error_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(DiscloError) as caught:
        charts.items_by_month(MONTHS)
    assert caught.value.code == "charts-no-matplotlib"
    assert caught.value.message == "charts need matplotlib, which is not installed"
    assert 'pip install "disclo[charts]"' in caught.value.hint


def test_importing_charts_does_not_import_matplotlib() -> None:
    code = "import sys, disclo_cli.report.charts, disclo_cli.report.docx_doc; print('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_chart_as_a_figure_in_the_docx(tmp_path: Path) -> None:
    chart = charts.items_by_month(MONTHS)
    doc = OfficialDocument()
    doc.heading1("二、主动公开政府信息情况")
    caption = doc.figure(chart.png, "2023年主动公开政府信息按月分布", width_mm=chart.width_mm)
    path = tmp_path / "chart.docx"
    doc.save(path)
    document = docx.Document(str(path))
    assert [p.text for p in document.paragraphs] == ["二、主动公开政府信息情况", "", caption]
    assert caption == "图1　2023年主动公开政府信息按月分布"
    shape = document.inline_shapes[0]
    assert abs(shape.width.mm - 150) < 0.1 and abs(shape.height.mm - 70) < 0.2
    with zipfile.ZipFile(path) as z:
        (media,) = [n for n in z.namelist() if n.startswith("word/media/")]
        assert z.read(media) == chart.png


def test_glyph_warning_renders_from_the_catalogue() -> None:
    from disclo_cli.messages import render

    (warning,) = charts.items_by_category([("丟失", 1)], fallback_fonts=()).warnings
    assert render(*warning) == "chart items-by-category: no installed font has the characters '丟'; they print as empty boxes"
