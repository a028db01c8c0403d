"""Where a composed report goes: a Word document (:class:`DocxWriter`) or text (:class:`TextWriter`,
``disclo report --preview``).

The builder composes the report once, calling the same methods on either writer, so the preview
says exactly what the DOCX says: the title, the headings, every sentence with its figures, the
tables (as ``disclo table`` shows them) and a line for each chart. Both count the 【请填写：…】
placeholders they are given and the characters written, for ``--final`` and the 总体情况 length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from disclo_cli.model import Finding, Place

if TYPE_CHECKING:
    from disclo_cli.formats.engine import StatTable

_PLACEHOLDER = re.compile(r"【请填写[：:][^】]*】")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ChartData:
    """What a chart shows: its kind (outline.CHARTS), its caption, and (label, count) pairs."""

    kind: str
    caption: str
    values: tuple[tuple[str, int], ...]
    unit: str = "条"


def _blank(text: str) -> str:
    from disclo_cli.report.sentences import fill_in

    return text or fill_in("数字")


class Writer:
    """The common part: placeholders seen, characters written, findings of the writer itself."""

    def __init__(self) -> None:
        self.placeholders: list[str] = []
        self.findings: list[Finding] = []
        self.chars = 0  # characters of headings and paragraphs written, spaces not counted

    def _seen(self, text: str) -> str:
        self.placeholders += _PLACEHOLDER.findall(text)
        return text

    def _count(self, text: str) -> None:
        self.chars += len(_SPACE.sub("", text))

    # the blocks, in reading order
    def title(self, text: str) -> None:
        raise NotImplementedError

    def notice(self, text: str) -> None:
        raise NotImplementedError

    def heading(self, level: int, text: str) -> None:
        raise NotImplementedError

    def paragraph(self, text: str) -> None:
        raise NotImplementedError

    def table(self, table: StatTable, *, caption: str | None) -> None:
        raise NotImplementedError

    def chart(self, chart: ChartData) -> None:
        raise NotImplementedError

    def signature(self, office: str, date_text: str) -> None:
        raise NotImplementedError


class DocxWriter(Writer):
    """The report as an :class:`~disclo_cli.report.docx_doc.OfficialDocument` (disclo's own layout,
    or the office's template); the template's and the charts' warnings become findings."""

    def __init__(self, template: Path | None = None) -> None:
        super().__init__()
        from disclo_cli.report.docx_doc import OfficialDocument

        if template is None:
            self.doc = OfficialDocument()
        else:
            self.doc = OfficialDocument.from_template(template)
            warnings = self.doc.warnings
            # a template made in Word has none of disclo's styles: one warning naming them all, not eight
            missing = [params["style"] for code, params in warnings if code == "template-style-missing"]
            if len(missing) > 1:
                self.findings.append(Finding.of("warning", "report-template-styles", Place(str(template)), template=str(template),
                                                styles=", ".join(missing), count=len(missing)))
                warnings = tuple(w for w in warnings if w[0] != "template-style-missing")
            self.findings += [Finding.of("warning", code, Place(str(template)), **params) for code, params in warnings]

    def title(self, text: str) -> None:
        self.doc.title(self._seen(text))

    def notice(self, text: str) -> None:
        self.doc.notice(text)

    def heading(self, level: int, text: str) -> None:
        self._count(text)
        (self.doc.heading1 if level == 1 else self.doc.heading2)(self._seen(text))

    def paragraph(self, text: str) -> None:
        if text:
            self._count(text)
            self.doc.paragraph(self._seen(text))

    def table(self, table: StatTable, *, caption: str | None) -> None:
        from disclo_cli.render import official_layout
        from disclo_cli.report.docx_doc import TEXT_WIDTH_MM, TableCell

        header, body, widths = official_layout(table)
        cells: list[list[TableCell]] = []
        for row, layout in zip(table.rows, body, strict=True):
            center = row.kind in ("subheader", "block")
            # a sub-row's label keeps its indent (「2.政府公报公开」 under 「其中：1.」)
            cells.append([TableCell(_blank(c.text), c.colspan, c.rowspan, "center" if center else None, row.indent if c.text == row.label else 0)
                          for c in layout])
        for text in [c.text for row in header for c in row] + [c.text for row in cells for c in row]:
            self._seen(text)
        total = sum(widths)
        if total > TEXT_WIDTH_MM:  # the official widths of a wide table are scaled into the type area
            widths = [w * TEXT_WIDTH_MM / total for w in widths]
        size = 9.0 if len(widths) > 8 else 10.5  # 小五 for the 10- and 15-column national tables
        # a short table stays on one page with what introduces it; the DOCX layer never forces a table
        # taller than half a page together (it would leave most of a page empty before it)
        self.doc.table(header, cells, col_widths_mm=widths, caption=self._seen(caption) if caption else None, font_size_pt=size,
                       label_columns=table.definition.label_columns, keep_together=True)

    def chart(self, chart: ChartData) -> None:
        from disclo_cli.report import charts

        if chart.kind == "items_by_month":
            drawn = charts.items_by_month([n for _, n in chart.values], unit=chart.unit)
        else:
            drawn = charts.items_by_category(list(chart.values), unit=chart.unit)
        self.findings += [Finding.of("warning", code, Place(), **params) for code, params in drawn.warnings]
        self.doc.figure(drawn.png, self._seen(chart.caption), width_mm=drawn.width_mm)

    def signature(self, office: str, date_text: str) -> None:
        self.doc.signature(self._seen(office), date_text)

    def to_bytes(self) -> bytes:
        """The DOCX, serialised in memory (so that a full disk fails on a plain write, not inside
        the ZIP writer)."""
        import io

        buffer = io.BytesIO()
        self.doc.document.save(buffer)
        return buffer.getvalue()


class TextWriter(Writer):
    """The report as text, for a terminal or a diff: one paragraph a line, tables as ``disclo table``
    draws them, a line for each chart."""

    WIDTH = 120

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self._figures = 0

    def title(self, text: str) -> None:
        self.lines += [*self._seen(text).split("\n"), ""]

    def notice(self, text: str) -> None:
        self.lines += [text, ""]

    def heading(self, level: int, text: str) -> None:
        self._count(text)
        if level == 1 and self.lines and self.lines[-1]:
            self.lines.append("")
        self.lines.append(self._seen(text))

    def paragraph(self, text: str) -> None:
        if text:
            self._count(text)
            self.lines += ["\u3000\u3000" + line for line in self._seen(text).split("\n")]

    def table(self, table: StatTable, *, caption: str | None) -> None:
        import io

        from rich.console import Console

        from disclo_cli.render import Grid, stat_grid, to_rich

        grid = stat_grid(table)
        rows = tuple(tuple(_blank("") if v is None else v for v in row) for row in grid.rows)
        for row in rows:
            for v in row:
                if isinstance(v, str):
                    self._seen(v)
        # the title only where the DOCX prints one (a caption): elsewhere the heading above says it
        grid = Grid(caption or "", grid.columns, rows, grid.header, grid.block_rows, grid.total_rows, grid.widths, grid.note)
        console = Console(record=True, width=self.WIDTH, file=io.StringIO(), color_system=None, emoji=False, highlight=False)
        console.print(to_rich(grid))
        self.lines += [line.rstrip() for line in console.export_text().rstrip("\n").split("\n")]

    def chart(self, chart: ChartData) -> None:
        self._figures += 1
        values = "、".join(f"{label}{n}{chart.unit}" for label, n in chart.values)
        self.lines.append(f"［图{self._figures}　{self._seen(chart.caption)}：{values}］")

    def signature(self, office: str, date_text: str) -> None:
        def right(text: str) -> str:  # right-aligned in a line of 30 full-width characters, as printed
            return "\u3000" * max(0, 30 - len(text)) + text

        self.lines += ["", right(self._seen(office)), right(date_text)]

    def text(self) -> str:
        return "\n".join(self.lines).rstrip("\n") + "\n"


def chart_values_by_month(months: Sequence[int]) -> tuple[tuple[str, int], ...]:
    return tuple((f"{m}月", n) for m, n in zip(range(1, 13), months, strict=True))
