"""Charts for the annual report: items by month (bars) and by category (horizontal bars), as PNG.

The charts are drawn at print resolution (300 dpi by default) in the size they are printed at, so
that :meth:`~disclo_cli.report.docx_doc.OfficialDocument.figure` places them 1:1 and the text in
them has its nominal size on paper (五号 labels, 小五 values).

Chinese labels are drawn in "Disclo Sans SC" (``data/fonts/DiscloSansSC-Regular.otf``), a subset
of Noto Sans CJK SC to the characters of GB 2312 that ships with disclo under the SIL OFL 1.1
(``data/fonts/OFL.txt``; made by ``tools/make_font_subset.py``), so any office's category names
render on a PC without Chinese fonts.  A character outside the subset is drawn from a Chinese
system font when one is installed (matplotlib falls back glyph by glyph along the family list);
when no font has it, the chart says so in :attr:`Chart.warnings` as
``("chart-glyph-missing", {"chart": ..., "chars": ...})`` rather than printing a box silently.

matplotlib is an optional dependency (``pip install "disclo[charts]"``), imported only inside
these functions; without it they raise a :class:`~disclo_cli.errors.DiscloError` that says so.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Callable

from disclo_cli.errors import DiscloError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["FONT_FAMILY", "Chart", "font_path", "items_by_category", "items_by_month"]

FONT_FAMILY = "Disclo Sans SC"
FONT_FILE = "DiscloSansSC-Regular.otf"
PRINT_DPI = 300
#: Chinese system fonts tried, in this order, for a character the shipped subset lacks.
SYSTEM_CJK_FONTS = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Microsoft YaHei", "DengXian", "SimHei",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Droid Sans Fallback", "Noto Sans CJK JP", "SimSun",
    "AR PL UMing CN", "Noto Serif CJK SC",
)  # fmt: skip
_LAST_RESORT = "DejaVu Sans"  # ships with matplotlib: symbols the CJK fonts lack

_BAR_COLOUR = "#3a5f8f"  # a dark blue that prints as a mid grey in black and white
_GRID_COLOUR = "#c8c8c8"
_LABEL_PT = 10.5  # 五号
_VALUE_PT = 9.0  # 小五
_LABEL_WIDTH_CHARS = 12  # a category name wraps after this many characters
_GLYPH_MISSING = re.compile(r"Glyph (\d+)")
_MM_PER_INCH = 25.4

Warning = tuple[str, dict[str, str]]


@dataclass(frozen=True)
class Chart:
    """A chart as PNG bytes at ``dpi``, meant to be printed ``width_mm`` x ``height_mm``."""

    png: bytes
    width_mm: float
    height_mm: float
    dpi: int
    warnings: tuple[Warning, ...] = ()


def font_path() -> Path:
    """The shipped font file (package data); a :class:`DiscloError` if the installation lacks it."""
    path = Path(str(resources.files("disclo_cli.data").joinpath("fonts", FONT_FILE)))
    if not path.is_file():
        raise DiscloError("chart-font-missing", path=str(path))
    return path


def items_by_month(
    counts: Sequence[int],
    *,
    unit: str = "条",
    width_mm: float = 150.0,
    height_mm: float = 70.0,
    dpi: int = PRINT_DPI,
    fallback_fonts: Sequence[str] | None = None,
) -> Chart:
    """Bars of the twelve months' counts (January first), each bar labelled with its number.

    ``fallback_fonts`` are the font families tried for characters the shipped font lacks (None:
    the Chinese system fonts that are installed).  Raises :class:`ValueError` unless there are
    exactly 12 counts, none negative.
    """
    values = _counts(counts)
    if len(values) != 12:
        raise ValueError(f"items_by_month needs 12 monthly counts, not {len(values)}")

    def draw(ax: Axes) -> None:
        from matplotlib.ticker import MaxNLocator

        months = range(12)
        bars = ax.bar(months, values, width=0.6, color=_BAR_COLOUR, zorder=2)
        ax.bar_label(bars, labels=[str(v) for v in values], padding=2, fontsize=_VALUE_PT)
        ax.set_xticks(list(months), [f"{m}月" for m in range(1, 13)], fontsize=_LABEL_PT)
        ax.set_ylabel(f"数量（{unit}）", fontsize=_LABEL_PT)
        ax.set_ylim(0, max(max(values) * 1.15, 1))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.tick_params(axis="y", labelsize=_VALUE_PT)
        ax.grid(axis="y", color=_GRID_COLOUR, linewidth=0.5, zorder=0)

    return _render("items-by-month", draw, width_mm, height_mm, dpi, fallback_fonts)


def items_by_category(
    counts: Sequence[tuple[str, int]],
    *,
    unit: str = "条",
    width_mm: float = 150.0,
    dpi: int = PRINT_DPI,
    fallback_fonts: Sequence[str] | None = None,
) -> Chart:
    """Horizontal bars of ``(category, count)`` pairs, top to bottom in the order given; long
    category names wrap.  The height follows the number of categories and of label lines.

    Raises :class:`ValueError` for no categories or a negative count.
    """
    if not counts:
        raise ValueError("items_by_category needs at least one category")
    names = [_wrap(name, _LABEL_WIDTH_CHARS) for name, _ in counts]
    values = _counts([count for _, count in counts])
    lines = sum(name.count("\n") + 1 for name in names)
    height_mm = 18.0 + 3.0 * len(names) + 4.2 * lines  # axis and margins, bar gaps, label lines

    def draw(ax: Axes) -> None:
        from matplotlib.ticker import MaxNLocator

        rows = range(len(names))
        bars = ax.barh(rows, values, height=0.6, color=_BAR_COLOUR, zorder=2)
        ax.bar_label(bars, labels=[str(v) for v in values], padding=3, fontsize=_VALUE_PT)
        ax.set_yticks(list(rows), names, fontsize=_LABEL_PT)
        ax.invert_yaxis()
        ax.set_xlabel(f"数量（{unit}）", fontsize=_LABEL_PT)
        ax.set_xlim(0, max(max(values) * 1.15, 1))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.tick_params(axis="x", labelsize=_VALUE_PT)
        ax.grid(axis="x", color=_GRID_COLOUR, linewidth=0.5, zorder=0)

    return _render("items-by-category", draw, width_mm, height_mm, dpi, fallback_fonts)


def _counts(counts: Sequence[int]) -> list[int]:
    values = [int(c) for c in counts]
    if any(v < 0 for v in values):
        raise ValueError(f"counts must not be negative: {values}")
    return values


def _wrap(text: str, width: int) -> str:
    """``text`` in lines of at most ``width`` display characters (a Latin letter counts half)."""
    lines, line, used = [], "", 0.0
    for ch in text:
        w = 1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.5
        if line and used + w > width:
            lines.append(line)
            line, used = "", 0.0
        line += ch
        used += w
    return "\n".join([*lines, line])


def _matplotlib() -> ModuleType:
    """The matplotlib package (3.7 or later), or a :class:`DiscloError` saying how to get it."""
    try:
        import matplotlib
    except ImportError:
        raise DiscloError("charts-no-matplotlib") from None
    major, minor = (int(part) for part in re.findall(r"\d+", matplotlib.__version__)[:2])
    if (major, minor) < (3, 7):
        raise DiscloError("charts-old-matplotlib", version=matplotlib.__version__)
    return matplotlib


def _font_families(fallback_fonts: Sequence[str] | None) -> list[str]:
    """The shipped font first, then the fallbacks (by default the installed system CJK fonts)."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    if FONT_FAMILY not in installed:
        font_manager.fontManager.addfont(str(font_path()))
    if fallback_fonts is None:
        fallback_fonts = [name for name in SYSTEM_CJK_FONTS if name in installed]
    return [FONT_FAMILY, *fallback_fonts, _LAST_RESORT]


def _render(name: str, draw: Callable[[Axes], None], width_mm: float, height_mm: float, dpi: int,
            fallback_fonts: Sequence[str] | None) -> Chart:
    """Draw one chart on a fresh Agg figure (no pyplot, no global state) and encode it as PNG;
    glyphs no font had become a warning."""
    matplotlib = _matplotlib()
    from matplotlib.figure import Figure

    from disclo_cli import __version__

    rc = {"font.family": _font_families(fallback_fonts), "axes.unicode_minus": False,
          "axes.spines.top": False, "axes.spines.right": False, "svg.fonttype": "none"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with matplotlib.rc_context(rc):
            figure = Figure(figsize=(width_mm / _MM_PER_INCH, height_mm / _MM_PER_INCH), dpi=dpi, layout="constrained")
            draw(figure.subplots())
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": f"disclo {__version__}"})
    missing: set[str] = set()
    for caught_warning in caught:
        match = _GLYPH_MISSING.match(str(caught_warning.message))
        if match:
            missing.add(chr(int(match.group(1))))
        else:
            warnings.warn_explicit(caught_warning.message, caught_warning.category, caught_warning.filename,
                                   caught_warning.lineno)
    found = (("chart-glyph-missing", {"chart": name, "chars": "".join(sorted(missing))}),) if missing else ()
    return Chart(buffer.getvalue(), width_mm, height_mm, dpi, found)
