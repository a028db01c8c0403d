"""Results -> text and files: a terminal table (rich), CSV, Markdown, XLSX, JSON.

Renderers take a Grid (what a table looks like) or a result's JSON dict; they never compute.
Numbers are formatted here and only here.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Sequence

from disclo_cli.model import Tally

FORMATS = ("table", "csv", "json", "markdown", "xlsx")
DIM_LABELS = {"category": "类别", "channel": "公开渠道", "month": "月份", "unit": "单位"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class Grid:
    """A table as shown: merged header rows, flat column labels, body rows; block rows span all columns."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    header: tuple[tuple[HeaderCell, ...], ...] = ()
    block_rows: frozenset[int] = frozenset()
    total_rows: frozenset[int] = frozenset()
    widths: tuple[float, ...] = ()  # column widths in characters, for xlsx
    note: str = ""

    def header_rows(self) -> tuple[tuple[HeaderCell, ...], ...]:
        return self.header or (tuple(HeaderCell(c) for c in self.columns),)


def fmt(value: object) -> str:
    """A cell as text: '' for blank (None), integers plain, Decimals without trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return format(Decimal(str(value)).normalize(), "f")
    return str(value)


def safe(text: str) -> str:
    """Text that Excel/WPS will not run as a formula: a leading = + - @ gets a quote in front."""
    if text and text.startswith(_FORMULA_START):
        try:
            float(text)
            return text
        except ValueError:
            return "'" + text
    return text


# --- Tally -----------------------------------------------------------------------------------

def tally_grid(t: Tally) -> Grid:
    first = DIM_LABELS[t.by[0]]
    if len(t.by) == 1:
        cols = (first, "条数", "占比")
        body = [(r.key if r.known else f"{r.key}（未识别）", r.count, r.share) for r in t.rows]
        body.append(("信息总数" if t.by[0] == "channel" else "合计", t.total, "100%" if t.total else ""))
        widths = (max([len(first) * 2, *(len(str(b[0])) * 2 for b in body)]) + 2, 8, 8)
    else:
        cols = (f"{first}＼{DIM_LABELS[t.by[1]]}", *t.columns, "合计", "占比")
        body = [(r.key if r.known else f"{r.key}（未识别）", *r.values, r.count, r.share) for r in t.rows]
        body.append(("合计", *t.column_totals, t.total, "100%" if t.total else ""))
        widths = (max(len(str(b[0])) * 2 for b in body) + 2, *([9] * (len(cols) - 1)))
    title = f"{t.year}年主动公开信息统计" if t.year else "主动公开信息统计"
    return Grid(title, cols, tuple(body), total_rows=frozenset({len(body) - 1}), widths=tuple(widths))


def tally_json(t: Tally) -> dict:
    """The stable JSON shape of `disclo tally` (documented in the README)."""
    rows = []
    for r in t.rows:
        row = {"key": r.key, "count": r.count, "share": r.share, "known": r.known}
        if len(t.by) == 2:
            row["values"] = list(r.values)
        rows.append(row)
    out = {"kind": "tally", "year": t.year, "by": list(t.by), "total": t.total}
    if len(t.by) == 2:
        out["columns"] = list(t.columns)
        out["column_totals"] = list(t.column_totals)
    out["rows"] = rows
    out["sources"] = list(t.sources)
    out["problems"] = [f.as_dict() for f in t.findings]
    return out


# --- generic renderers -------------------------------------------------------------------------

def to_csv(grid: Grid) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([safe(c) for c in grid.columns])
    for row in grid.rows:
        w.writerow([safe(fmt(v)) if isinstance(v, str) else fmt(v) for v in row])
    return buf.getvalue()


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(grid: Grid) -> str:
    lines = [f"**{grid.title}**", ""] if grid.title else []
    lines.append("| " + " | ".join(_md_escape(c) for c in grid.columns) + " |")
    lines.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(grid.columns))) + "|")
    for i, row in enumerate(grid.rows):
        if i in grid.block_rows:
            cells = [f"**{_md_escape(fmt(row[0]))}**"] + [""] * (len(grid.columns) - 1)
        else:
            cells = [_md_escape(fmt(v)) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    if grid.note:
        lines += ["", grid.note]
    return "\n".join(lines) + "\n"


def to_json_text(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n"


def _json_default(value: object):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    raise TypeError(type(value))


def to_rich(grid: Grid):
    """A rich Table for the terminal (imported lazily)."""
    from rich import box
    from rich.table import Table

    table = Table(title=grid.title or None, box=box.SQUARE, show_lines=False, header_style="bold")
    for i, c in enumerate(grid.columns):
        table.add_column(c, justify="left" if i == 0 else "right", overflow="fold", no_wrap=(i != 0))
    for i, row in enumerate(grid.rows):
        cells = [fmt(v) for v in row]
        if i in grid.block_rows:
            table.add_section()
            table.add_row(f"[bold]{cells[0]}[/bold]", *[""] * (len(grid.columns) - 1))
            continue
        if i in grid.total_rows:
            table.add_section()
            cells = [f"[bold]{c}[/bold]" for c in cells]
        table.add_row(*[c.replace("[", "\\[") if "[bold]" not in c else c for c in cells])
    if grid.note:
        table.caption = grid.note
    return table


def write_xlsx(grids: Sequence[Grid], path) -> None:
    """One sheet per grid in the official layout: merged header cells, borders, column widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    used_names: set[str] = set()
    for grid in grids:
        name = (grid.title or "表")[:31].replace("/", "_").replace("\\", "_").replace("?", "").replace("*", "").replace("[", "（").replace("]", "）").replace(":", "：")
        while name in used_names:
            name = name[:28] + str(len(used_names))
        used_names.add(name)
        ws = wb.create_sheet(name)
        ncols = len(grid.columns)
        r = 1
        if grid.title:
            ws.cell(row=1, column=1, value=safe(grid.title)).font = Font(bold=True, size=14)
            ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
            if ncols > 1:
                ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
            r = 2
        header = grid.header_rows()
        occupied: set[tuple[int, int]] = set()
        for hr, hrow in enumerate(header):
            c = 1
            for cell in hrow:
                while (r + hr, c) in occupied:
                    c += 1
                ws.cell(row=r + hr, column=c, value=safe(cell.text))
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        occupied.add((r + hr + dr, c + dc))
                        ws.cell(row=r + hr + dr, column=c + dc).border = border
                        ws.cell(row=r + hr + dr, column=c + dc).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                        ws.cell(row=r + hr + dr, column=c + dc).font = Font(bold=True)
                if cell.rowspan > 1 or cell.colspan > 1:
                    ws.merge_cells(start_row=r + hr, start_column=c, end_row=r + hr + cell.rowspan - 1, end_column=c + cell.colspan - 1)
                c += cell.colspan
        r += len(header)
        for i, row in enumerate(grid.rows):
            if i in grid.block_rows:
                ws.cell(row=r, column=1, value=safe(fmt(row[0])))
                for c in range(1, ncols + 1):
                    ws.cell(row=r, column=c).border = border
                if ncols > 1:
                    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
                ws.cell(row=r, column=1).alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
            else:
                for c, v in enumerate(row, start=1):
                    value: object = v
                    if isinstance(v, str):
                        value = safe(v)
                    elif isinstance(v, Decimal):
                        value = int(v) if v == v.to_integral() else float(v)
                    cell = ws.cell(row=r, column=c, value=value)
                    cell.border = border
                    cell.alignment = Alignment(horizontal="left" if c == 1 else "center", vertical="center", wrap_text=(c == 1))
                    if i in grid.total_rows:
                        cell.font = Font(bold=True)
            r += 1
        if grid.note:
            ws.cell(row=r + 1, column=1, value=safe(grid.note))
        for c in range(1, ncols + 1):
            width = grid.widths[c - 1] if c - 1 < len(grid.widths) else max(10, len(grid.columns[c - 1]) * 2 + 2)
            ws.column_dimensions[get_column_letter(c)].width = width
    wb.save(path)
