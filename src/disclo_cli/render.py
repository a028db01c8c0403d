"""Results -> text and files: a terminal table (rich), CSV, Markdown, XLSX, JSON.

Renderers take a Grid (what a table looks like) or a result's JSON dict; they never compute.
Numbers are formatted here and only here.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Callable, Sequence, overload

from disclo_cli.model import Tally

if TYPE_CHECKING:
    from disclo_cli.formats.engine import StatRow, StatTable

DIM_LABELS = {"category": "类别", "channel": "公开渠道", "month": "月份", "unit": "单位"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class LayoutCell:
    """A cell of a table as printed: its text, how many columns and rows it spans, the number behind it."""

    text: str
    colspan: int = 1
    rowspan: int = 1
    value: object = None  # the number behind a value cell (for xlsx)


#: (header rows, body rows, column widths in mm) of a standard table as the official form prints it
OfficialLayout = tuple[list[list[LayoutCell]], list[list[LayoutCell]], list[float]]


@dataclass(frozen=True)
class Grid:
    """A table as shown: merged header rows, flat column labels, body rows; block rows span all columns."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    header: tuple[tuple[LayoutCell, ...], ...] = ()
    block_rows: frozenset[int] = frozenset()
    total_rows: frozenset[int] = frozenset()
    widths: tuple[float, ...] = ()  # column widths in characters, for xlsx
    note: str = ""
    layout: OfficialLayout | None = None  # (header, body, widths_mm) of the official layout, for xlsx/docx

    def header_rows(self) -> tuple[tuple[LayoutCell, ...], ...]:
        return self.header or (tuple(LayoutCell(c) for c in self.columns),)


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


def rounded(value: object, decimals: int | None) -> object:
    """A cell's number to the decimals its row is printed with (a mean, a rate: half up); others as they are."""
    if decimals is None or not isinstance(value, (Decimal, float)):
        return value
    d = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return int(d) if d == d.to_integral() else d


def rounded_share(value: Decimal | None) -> Decimal | None:
    """A share as reports print it: one decimal, half up."""
    return None if value is None else value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@overload
def share_text(count_or_share: int | Decimal | None) -> str: ...
@overload
def share_text(count_or_share: int, total: int) -> str: ...


def share_text(count_or_share: int | Decimal | None, total: int | None = None) -> str:
    """A share as the reports print it: one decimal, half up, trailing '.0' dropped ('0.4%', '2%');
    '' when there is no total. Takes a share (model.share) or a count and a total."""
    from disclo_cli.model import share

    if total is None:
        value = count_or_share
    elif isinstance(count_or_share, int):
        value = share(count_or_share, total)
    else:
        raise TypeError(f"share_text: a count (int) goes with a total, not {count_or_share!r}")
    if value is None:
        return ""
    return f"{decimal_text(value)}%"


def decimal_text(value: int | float | Decimal) -> str:
    """A number as the reports print a share or an average: one decimal, half up, a trailing '.0'
    dropped ('8.5', '12')."""
    text = format(rounded_share(Decimal(str(value))), "f")
    return text[:-2] if text.endswith(".0") else text


def change_text(current: int | Decimal, previous: int | Decimal) -> str:
    """This year against last year as reports print it: 「同比增长7%」, 「同比下降12.5%」, 「与上年持平」,
    and 「上年为0」 where there is no base to divide by (the percentage formatted as shares are)."""
    if current == previous:
        return "与上年持平"
    if previous == 0:
        return "上年为0"
    rate = share_text(abs(Decimal(current - previous)) * 100 / Decimal(previous))
    return f"同比增长{rate}" if current > previous else f"同比下降{rate}"


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
    cols: tuple[str, ...]
    body: list[tuple[object, ...]]
    widths: tuple[int, ...]
    if len(t.by) == 1:
        cols = (first, "条数", "占比")
        body = [(r.key if r.known else f"{r.key}（未识别）", r.count, share_text(r.share)) for r in t.rows]
        body.append(("信息总数" if t.by[0] == "channel" else "合计", t.total, "100%" if t.total else ""))
        widths = (max([len(first) * 2, *(len(str(b[0])) * 2 for b in body)]) + 2, 8, 8)
    else:
        cols = (f"{first}＼{DIM_LABELS[t.by[1]]}", *t.columns, "合计", "占比")
        body = [(r.key if r.known else f"{r.key}（未识别）", *r.values, r.count, share_text(r.share)) for r in t.rows]
        body.append(("合计", *t.column_totals, t.total, "100%" if t.total else ""))
        widths = (max(len(str(b[0])) * 2 for b in body) + 2, *([9] * (len(cols) - 1)))
    title = f"{t.year}年主动公开信息统计" if t.year else "主动公开信息统计"
    return Grid(title, cols, tuple(body), total_rows=frozenset({len(body) - 1}), widths=tuple(widths))


def tally_json(t: Tally) -> dict:
    """The stable JSON shape of `disclo tally` (documented in the README)."""
    rows = []
    for r in t.rows:
        row: dict[str, object] = {"key": r.key, "count": r.count, "share": share_text(r.share), "known": r.known}
        if len(t.by) == 2:
            row["values"] = list(r.values)
        rows.append(row)
    out: dict[str, object] = {"kind": "tally", "year": t.year, "by": list(t.by), "total": t.total}
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


def to_json_text(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n"


def _json_default(value: object) -> int | float:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    raise TypeError(type(value))


def to_rich(grid: Grid):
    """A rich Table for the terminal (imported lazily)."""
    from rich import box
    from rich.table import Table

    table = Table(title=grid.title or None, box=box.SQUARE, show_lines=False, header_style="bold")
    for i, c in enumerate(grid.columns):
        min_width = int(min(grid.widths[i], 40)) if i < len(grid.widths) else None
        numeric = i > 0 and all(isinstance(row[i], (int, float, Decimal)) or row[i] in (None, "") or str(row[i]).endswith("%") for row in grid.rows if i < len(row))
        table.add_column(c, justify="right" if numeric else "left", overflow="fold", min_width=min_width)
    from rich.markup import escape

    for i, row in enumerate(grid.rows):
        cells = [escape(fmt(v)) for v in row]  # a register's text is never markup ('[bold]x' stays as written)
        if i in grid.block_rows:
            table.add_section()
            table.add_row(f"[bold]{cells[0]}[/bold]", *[""] * (len(grid.columns) - 1))
            continue
        if i in grid.total_rows:
            table.add_section()
            cells = [f"[bold]{c}[/bold]" for c in cells]
        table.add_row(*cells)
    if grid.note:
        table.caption = grid.note
    return table


class _Sink(io.StringIO):
    """Where rich renders to when disclo prints the text itself; the encoding tells rich whether
    the box lines can be drawn (anything but Unicode gets ASCII boxes)."""

    def __init__(self, encoding: str) -> None:
        super().__init__()
        self._encoding = encoding

    @property
    def encoding(self) -> str:  # type: ignore[override]  # typeshed declares a plain attribute; StringIO's is read-only (None), so a property it must be
        return self._encoding


def _cell_len(text: str) -> int:
    """Terminal columns of a text: wide and full-width characters (CJK) take two."""
    import unicodedata

    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1 for ch in text)


def _numeric(grid: Grid, i: int) -> bool:
    return i > 0 and all(isinstance(row[i], (int, float, Decimal)) or row[i] in (None, "") or str(row[i]).endswith("%") for row in grid.rows if i < len(row))


def plain_text(grid: Grid, *, encoding: str = "utf-8") -> str:
    """A grid as a boxed text table at its full width, laid out as to_rich's table prints it (the
    same box, padding, justification, sections, title and caption), without rich: a table of
    thousands of rows (the open requests of a county) in a fraction of rich's time."""
    unicode = encoding.lower().replace("-", "").startswith("utf")
    (tl, h, td, tr), (vl, vm, vr), (hl, hc, hr), (bl, bd, br) = (
        (("┌", "─", "┬", "┐"), ("│", "│", "│"), ("├", "┼", "┤"), ("└", "┴", "┘")) if unicode else
        (("+", "-", "-", "+"), ("|", "|", "|"), ("|", "+", "|"), ("+", "-", "+")))
    n = len(grid.columns)
    body, widths = _plain_layout(grid)
    right = [_numeric(grid, i) for i in range(n)]

    def line(cells: Sequence[str]) -> str:
        parts = []
        for i, text in enumerate(cells):
            room = widths[i] - 2 - _cell_len(text)
            parts.append(" " + (" " * room + text if right[i] else text + " " * room) + " ")
        return vl + vm.join(parts) + vr

    def rule(left: str, mid: str, end: str, fill: str) -> str:
        return left + mid.join(fill * w for w in widths) + end

    total = sum(widths) + n + 1
    out = []
    if grid.title:
        out.append(" " * max((total - _cell_len(grid.title)) // 2, 0) + grid.title)
    out.append(rule(tl, td, tr, h))
    out.append(line(grid.columns))
    out.append(rule(hl, hc, hr, h if unicode else "-"))
    for k, (cells, section) in enumerate(body):
        if section and k:
            out.append(rule(hl, hc, hr, h if unicode else "-"))
        out.append(line(cells))
    out.append(rule(bl, bd, br, h))
    if grid.note:
        out.append(" " * max((total - _cell_len(grid.note)) // 2, 0) + grid.note)
    return "".join(x.rstrip() + "\n" for x in out)


def _wraps(grid: Grid) -> bool:
    """Whether rich would wrap the grid's title or caption (wider than the table): left to rich."""
    return max(_cell_len(grid.title), _cell_len(grid.note)) > sum(_plain_layout(grid)[1]) + len(grid.columns) + 1


def _plain_layout(grid: Grid) -> tuple[list[tuple[list[str], bool]], list[int]]:
    """The rows as shown (cells, whether a section line comes before) and each column's width with
    its padding, as to_rich lays them out."""
    n = len(grid.columns)
    body: list[tuple[list[str], bool]] = []
    for i, row in enumerate(grid.rows):
        cells = [fmt(v) for v in row] + [""] * (n - len(row))
        if i in grid.block_rows:
            body.append(([cells[0]] + [""] * (n - 1), True))
        else:
            body.append((cells[:n], i in grid.total_rows))
    widths = []
    for i, c in enumerate(grid.columns):
        content = max([_cell_len(c), *(_cell_len(cells[i]) for cells, _ in body)])
        minimum = int(min(grid.widths[i], 40)) if i < len(grid.widths) else 0
        widths.append(max(content, minimum) + 2)  # rich's min_width is of the text; one space each side
    return body, widths


#: above this many rows a table for a file or a pipe is laid out by plain_text, not rich (rich takes
#: seconds for a few thousand rows; the two give the same text, tests/test_console.py compares them)
PLAIN_ROWS = 200


def to_text(grids: Sequence[Grid], *, width: int | None = None, encoding: str = "utf-8", fit: Callable[[str], str] | None = None) -> str:
    """Grids as plain text tables at their full width (a file or a pipe is never cut to a
    terminal's width), or fitted into `width` columns when one is asked for; box lines in ASCII
    for an encoding that is not Unicode. `fit` turns each
    text into what will really be printed (a narrow console's substitutes), so that the columns are
    measured on that."""
    from dataclasses import replace

    from rich.console import Console

    out = []
    for grid in grids:
        if fit is not None:
            grid = replace(grid, title=fit(grid.title), columns=tuple(fit(c) for c in grid.columns), note=fit(grid.note),
                           rows=tuple(tuple(fit(v) if isinstance(v, str) else v for v in row) for row in grid.rows))
        if width is None and len(grid.rows) > PLAIN_ROWS and not _wraps(grid):
            out.append(plain_text(grid, encoding=encoding))
            continue
        table = to_rich(grid)
        if width is None:
            measure = Console(file=_Sink(encoding), width=100_000, color_system=None, legacy_windows=False)
            columns = max(measure.measure(table).maximum, 20)
        else:
            columns = width
        sink = _Sink(encoding)
        console = Console(file=sink, width=columns, color_system=None, legacy_windows=False, soft_wrap=False, highlight=False)
        console.print(table)
        out.append("".join(line.rstrip() + "\n" for line in sink.getvalue().splitlines()))
    return "".join(out)


def write_xlsx(grids: Sequence[Grid], path) -> None:
    """One sheet per grid; standard tables in the official layout (merged headers, borders, widths)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    used: set[str] = set()

    def put(ws, top: int, rows: Sequence[Sequence[LayoutCell]], *, bold: bool = False, total_rows: frozenset[int] = frozenset()) -> int:
        occupied: set[tuple[int, int]] = set()
        for i, cells in enumerate(rows):
            r, c = top + i, 1
            for cell in cells:
                while (r, c) in occupied:
                    c += 1
                value = getattr(cell, "value", None)
                if value is None or isinstance(value, str):
                    value = safe(cell.text)
                elif isinstance(value, Decimal):
                    value = int(value) if value == value.to_integral() else float(value)
                ws.cell(row=r, column=c, value=value)
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        occupied.add((r + dr, c + dc))
                        target = ws.cell(row=r + dr, column=c + dc)
                        target.border = border
                        numeric = not isinstance(getattr(cell, "value", None), (str, type(None)))
                        target.alignment = Alignment(horizontal="center" if (bold or numeric) else "left", vertical="center", wrap_text=True)
                        if bold or i in total_rows:
                            target.font = Font(bold=True)
                if cell.rowspan > 1 or cell.colspan > 1:
                    ws.merge_cells(start_row=r, start_column=c, end_row=r + cell.rowspan - 1, end_column=c + cell.colspan - 1)
                c += cell.colspan
        return top + len(rows)

    for grid in grids:
        name = (grid.title or "表")[:31]
        for bad, good in (("/", "_"), ("\\", "_"), ("?", ""), ("*", ""), ("[", "（"), ("]", "）"), (":", "：")):
            name = name.replace(bad, good)
        while name in used:
            name = name[:28] + str(len(used))
        used.add(name)
        ws = wb.create_sheet(name)
        header: Sequence[Sequence[LayoutCell]]
        body: Sequence[Sequence[LayoutCell]]
        if grid.layout:
            header, body, widths_mm = grid.layout
            widths = [round(w / 1.9 + 1, 1) for w in widths_mm]
        else:
            header = grid.header_rows()
            body = [[LayoutCell(fmt(v) if not isinstance(v, str) else v, len(grid.columns) if i in grid.block_rows else 1, 1, v)
                     for v in (row[:1] if i in grid.block_rows else row)] for i, row in enumerate(grid.rows)]
            widths = [grid.widths[c] if c < len(grid.widths) else max(10, len(grid.columns[c]) * 2 + 2) for c in range(len(grid.columns))]
        ncols = len(widths)
        r = 1
        if grid.title:
            ws.cell(row=1, column=1, value=safe(grid.title)).font = Font(bold=True, size=14)
            ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
            if ncols > 1:
                ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
            r = 2
        r = put(ws, r, header, bold=True)
        r = put(ws, r, body, total_rows=frozenset() if grid.layout else grid.total_rows)
        if grid.note:
            ws.cell(row=r + 1, column=1, value=safe(grid.note))
        for c, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = width
    wb.save(path)


# --- standard tables -----------------------------------------------------------------------------

def _label_cells(rows: Sequence[StatRow], label_columns: int) -> list[list[LayoutCell]]:
    """The merged label area of the official layout: equal label prefixes merge vertically,
    a row's last label spans the remaining label columns."""
    out: list[list[LayoutCell]] = []
    for i, r in enumerate(rows):
        cells: list[LayoutCell] = []
        labels = r.labels or (r.label,)
        for k, text in enumerate(labels):
            if i > 0 and (rows[i - 1].labels or (rows[i - 1].label,))[: k + 1] == labels[: k + 1]:
                continue
            span = 1
            while i + span < len(rows) and (rows[i + span].labels or (rows[i + span].label,))[: k + 1] == labels[: k + 1]:
                span += 1
            colspan = label_columns - k if k == len(labels) - 1 else 1
            cells.append(LayoutCell(text, colspan, span))
        out.append(cells)
    return out


def official_layout(t: StatTable) -> OfficialLayout:
    """(header rows, body rows, column widths in mm) of a standard table in the official layout."""
    d = t.definition
    ncols = d.label_columns + (1 if d.unit_header else 0) + d.width
    header: list[list[LayoutCell]] = []
    if d.header:
        for hrow in d.header:
            header.append([LayoutCell(d.corner if c.text == "@corner" else c.text.replace("{year}", str(t.year)), c.colspan, c.rowspan) for c in hrow])
    elif t.columns:
        first = [LayoutCell(d.label_header or "项目", d.label_columns)] if d.label_columns else []
        unit = [LayoutCell(d.unit_header)] if d.unit_header else []
        header.append(first + unit + [LayoutCell(c) for c in t.columns])
    data_rows = [r for r in t.rows]
    label_area = _label_cells(data_rows, d.label_columns) if d.label_columns and t.columns else None
    body: list[list[LayoutCell]] = []
    for i, r in enumerate(data_rows):
        if r.kind == "block":
            body.append([LayoutCell(r.label, ncols)])
            continue
        if r.kind == "subheader":
            spans = r.spans or (1,) * len(r.headers)
            body.append([LayoutCell(r.label)] + [LayoutCell(h, s) for h, s in zip(r.headers, spans, strict=False)])
            continue
        cells = list(label_area[i]) if label_area is not None else ([LayoutCell("\u3000" * r.indent + r.label)] if d.label_columns else [])
        if d.unit_header:
            cells.append(LayoutCell(r.unit))
        spans = r.spans or (1,) * len(r.values)
        values = [rounded(v, r.decimals) for v in r.values]
        cells += [LayoutCell(fmt(v), s, 1, v) for v, s in zip(values, spans, strict=False)]
        body.append(cells)
    widths: list[float]
    if d.widths_mm:
        widths = list(d.widths_mm)
    elif d.label_columns == 0:
        widths = [156 / max(ncols, 1)] * ncols
    elif d.unit_header:
        widths = [70, 22, *[32] * d.width]
    else:
        widths = [50, *[106 / max(d.width, 1)] * d.width]
    return header, body, widths


def _header_paths(header, width: int) -> list[tuple[str, ...]]:
    """For each column under merged heads, the texts of the head cells above it, top to bottom
    (a cell spanning several header rows counted once)."""
    grid: dict[tuple[int, int], int] = {}
    cells: list[str] = []
    for r, row in enumerate(header):
        c = 0
        for cell in row:
            while (r, c) in grid:
                c += 1
            cells.append(cell.text)
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    grid[(r + dr, c + dc)] = len(cells) - 1
            c += cell.colspan
    paths = []
    for c in range(width):
        ids = [grid[(r, c)] for r in range(len(header)) if (r, c) in grid]
        paths.append(tuple(cells[i] for k, i in enumerate(ids) if k == 0 or ids[k - 1] != i))
    return paths


def stat_grid(t: StatTable) -> Grid:
    """A flat view of a standard table for the terminal, CSV and Markdown (official layout: xlsx/docx)."""
    d = t.definition
    if d.label_columns == 0 and len(t.rows) == 1:
        grid = _one_row_grid(t)
        if grid is not None:
            return grid
    if not t.columns:
        return _block_grid(t)
    cols: tuple[str, ...] = (d.label_header or "项目",) + ((d.unit_header,) if d.unit_header else ()) + t.columns
    body: list[tuple[object, ...]] = []
    groups: set[int] = set()
    totals: set[int] = set()
    blank = ("",) * (len(cols) - 1)
    previous: tuple[str, ...] = ()
    for r in t.rows:
        labels = r.labels or (r.label,)
        if d.label_columns > 1:
            # the merged label cells of the official layout become group lines in a flat table
            for k in range(len(labels) - 1):
                if labels[: k + 1] != previous[: k + 1]:
                    groups.add(len(body))
                    body.append(("  " * k + labels[k], *blank))
            previous = labels
            label = "  " * (len(labels) - 1) + r.label.strip()
        else:
            label = "\u3000" * r.indent + r.label
        if r.total:
            totals.add(len(body))
        body.append((label, *((r.unit,) if d.unit_header else ()), *(rounded(v, r.decimals) for v in r.values)))
    total = frozenset(totals)
    # Table 三 must fit 100 columns: its seven value heads take ~80, so the label column may only
    # insist on 16 (it grows when the terminal is wider)
    widths = (16, *([6] * (len(cols) - 1))) if d.label_columns > 1 else (28, *([8] * (len(cols) - 1)))
    return Grid(t.title, cols, tuple(body), total_rows=total | frozenset(groups), widths=widths, layout=official_layout(t))


def _one_row_grid(t: StatTable) -> Grid | None:
    """A table of one row of numbers under grouped heads (Table 四: 15 numbers): one line per group
    of heads, so that it fits 100 columns; None when its groups do not have the same last heads."""
    d = t.definition
    paths = _header_paths(d.header, d.width) if d.header else [(c,) for c in t.columns]
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, path in enumerate(paths):
        groups.setdefault(path[:-1], []).append(i)
    heads = {tuple(paths[i][-1] for i in idx) for idx in groups.values()}
    if not (len(heads) == 1 and all(groups)):
        return None
    values = t.rows[0].values
    cols = ("项目", *next(iter(heads)))
    body = tuple(("·".join(group), *(values[i] for i in idx)) for group, idx in groups.items())
    return Grid(t.title, cols, body, widths=(26, *([10] * (len(cols) - 1))), layout=official_layout(t))


def _block_grid(t: StatTable) -> Grid:
    """Table 二: blocks with their own column heads."""
    width = t.definition.width
    body: list[tuple[object, ...]] = []
    blocks: set[int] = set()
    heads: set[int] = set()
    for r in t.rows:
        if r.kind == "block":
            blocks.add(len(body))
            body.append((r.label, *[""] * width))
        elif r.kind == "subheader":
            heads.add(len(body))
            body.append((r.label, *r.headers, *[""] * (width - len(r.headers))))
        else:
            body.append((r.label, *r.values, *[""] * (width - len(r.values))))
    cols = ("信息内容", *[f"{i + 1}" for i in range(width)])
    return Grid(t.title, cols, tuple(body), block_rows=frozenset(blocks), total_rows=frozenset(heads), widths=(24, *([16] * width)), layout=official_layout(t))


def stat_json(tables: Sequence[StatTable]) -> dict | list:
    """One table: its JSON object; several: a list of them (README documents the shape)."""
    items = [t.as_json() for t in tables]
    return items[0] if len(items) == 1 else items
