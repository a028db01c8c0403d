"""The annual report (政府信息公开工作年度报告) as a Word document.

``build_report`` fills the standard tables of the year from the ledger, runs the checks, reads the
office's prose file (``prose/{year}.md``), writes the tables and the generated figure sentences into
the report's outline, and saves the DOCX (and the tables as JSON) atomically.

Everything about the format is the definition's: its tables, its outline (data/outlines/: headings,
which sentences go where, which table, what prose the office is expected to write) and the cells the
sentences read. A section whose prose is missing gets a highlighted 【请填写：…】 line, never an
empty space.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Mapping, Sequence

from disclo_cli.config import Config
from disclo_cli.errors import DataError, InputError, OutputError, UsageError
from disclo_cli.formats.definition import Definition, load_definition, standard_for_year
from disclo_cli.messages import Msg, msg
from disclo_cli.model import Finding, Place
from disclo_cli.report import prose as prose_mod
from disclo_cli.report.outline import Outline, Section, outline_for
from disclo_cli.report.sentences import SENTENCES, Facts, fill_in

_REQUEST_CHANNEL_WORDS = {"其他": "其他形式"}


def default_output(config: Config, year: int) -> Path:
    return config.workspace / f"{year}年政府信息公开工作年度报告.docx"


def prose_path_for(config: Config, year: int) -> Path:
    return config.workspace / prose_mod.PROSE_DIR / f"{year}.md"


# --- result ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportResult:
    """What ``build_report`` wrote and what the clerk still has to do."""

    path: Path
    json_path: Path | None
    standard: str
    tables: tuple
    findings: tuple[Finding, ...]
    placeholders: tuple[str, ...]  # the 【请填写：…】 left in the report, in reading order
    prose_path: Path
    prose_found: bool
    checked: bool  # False when written with --force over broken identities


# --- building ------------------------------------------------------------------------------------

class _Writer:
    """The document plus a record of the placeholders written into it."""

    def __init__(self) -> None:
        from disclo_cli.report.docx_doc import OfficialDocument

        self.doc = OfficialDocument()
        self.placeholders: list[str] = []

    def _seen(self, text: str) -> str:
        from disclo_cli.report.docx_doc import PLACEHOLDER_RE

        self.placeholders += PLACEHOLDER_RE.findall(text)
        return text

    def title(self, text: str) -> None:
        self.doc.title(self._seen(text))

    def notice(self, text: str) -> None:
        self.doc.notice(text)

    def heading(self, level: int, text: str) -> None:
        (self.doc.heading1 if level == 1 else self.doc.heading2)(self._seen(text))

    def paragraph(self, text: str) -> None:
        if text:
            self.doc.paragraph(self._seen(text))

    def table(self, header, body, **kwargs) -> None:
        for row in (*header, *body):
            for cell in row:
                self._seen(cell if isinstance(cell, str) else cell.text)
        self.doc.table(header, body, **kwargs)

    def signature(self, office: str, date_text: str) -> None:
        self.doc.signature(self._seen(office), date_text)


@dataclass
class _Context:
    facts: Facts
    outline: Outline
    tables: Mapping[str, object]
    prose: prose_mod.Prose | None
    findings: list[Finding] = field(default_factory=list)

    def fill(self, text: str, line: int = 0) -> str:
        sentences = {name: (lambda make=make: make(self.facts)) for name, make in SENTENCES.items()}
        place = Place(self.prose.source if self.prose else "", line=line or None)
        return prose_mod.fill(text, self.facts.resolver(sentences), place=place, findings=self.findings)


def _keys(spec: Section) -> set[str]:
    return {prose_mod.heading_key(spec.heading), *(prose_mod.heading_key(a) for a in spec.aliases)}


def _contact(facts: Facts) -> str:
    o = facts.office
    parts = [f"{label}：{value}" for label, value in (("地址", o.address), ("邮编", o.postcode), ("电话", o.phone), ("传真", o.fax), ("电子邮箱", o.email)) if value.strip()]
    if not o.address.strip() and not o.phone.strip():
        parts.append(fill_in("联系地址、电话（disclo.toml [office] address、phone）"))
    return "；".join(parts)


def _rules_abbreviation(rules: str) -> str:
    """《福建省政府信息公开办法》 → 《办法》; 《示例省政府信息公开规定》 → 《规定》."""
    inner = rules.strip().strip("《》")
    return f"《{inner[-2:]}》" if len(inner) >= 2 else rules


def preamble(ctx: _Context) -> str:
    f, words = ctx.facts, ctx.outline.preamble
    o = f.office
    rules = o.provincial_rules.strip()
    website = o.website.strip() or fill_in("发布本报告的网站（disclo.toml [office] website）")
    contact_office = o.contact_office.strip() or fill_in("联系办公室（disclo.toml [office] contact_office）")
    parts = [s.part or prose_mod.heading_key(s.heading) for s in ctx.outline.sections]
    basis = (words.basis_with_rules if rules else words.basis).format(
        rules=rules, rules_short=_rules_abbreviation(rules), document=f.definition.format_title)
    return words.text.format(basis=basis, parts="、".join(parts), count=len(parts), year=f.year, website=website,
                             contact_office=contact_office, contact=_contact(f))


def _render_table(w: _Writer, table, *, caption: str | None) -> None:
    from disclo_cli.render import official_layout
    from disclo_cli.report.docx_doc import TEXT_WIDTH_MM, TableCell

    header, body, widths = official_layout(table)
    cells = []
    for row, layout in zip(table.rows, body, strict=True):
        center = row.kind in ("subheader", "block")
        cells.append([
            TableCell(c.text or fill_in("数字"), c.colspan, c.rowspan, "center" if center else None,
                      row.indent if c.text == row.label else 0)
            for c in layout
        ])
    total = sum(widths)
    if total > TEXT_WIDTH_MM:  # the official widths of a wide table are scaled into the type area
        widths = [w_ * TEXT_WIDTH_MM / total for w_ in widths]
    size = 9.0 if len(widths) > 8 else 10.5  # 小五 for the 10- and 15-column national tables
    w.table(header, cells, col_widths_mm=widths, caption=caption, font_size_pt=size,
            label_columns=table.definition.label_columns, keep_together=len(header) + len(cells) <= 20)


def _render_block(ctx: _Context, w: _Writer, spec: Section, block: prose_mod.Block | None, level: int) -> None:
    facts = ctx.facts
    paragraphs = [(ctx.fill(text, line), text) for text, line in (block.paragraphs if block else [])]
    placed = {name for _, raw in paragraphs for name in SENTENCES if f"sentence:{name}" in raw.replace(" ", "")}
    # each entry is a paragraph: its sentences (less those the office placed itself) written as one
    generated = ["".join(SENTENCES[n](facts) for n in names if n not in placed) for names in spec.sentences]
    child_specs = list(spec.children)
    matched, extra = prose_mod.match_blocks(child_specs, block.children if block else [], [_keys(c) for c in child_specs])
    missing = spec.prose == "required" and not paragraphs and not extra
    heading = spec.heading

    if spec.inline:
        texts = [t for t, _ in paragraphs]
        if missing:
            w.heading(level, f"{heading.rstrip('：')}：{fill_in(spec.hint or heading)}")
            return
        if len(texts) == 1 and not extra and len(texts[0]) <= 40:
            w.heading(level, f"{heading.rstrip('：')}：{texts[0]}")
            return
    w.heading(level, heading)
    if spec.table:
        # the table follows its heading directly (readers of published reports look for it there);
        # a sentence about it comes after it
        table = ctx.tables[spec.table]
        _render_table(w, table, caption=table.title if spec.caption else None)  # type: ignore[attr-defined]
    for sentence in generated:
        w.paragraph(sentence)
    for text, _ in paragraphs:
        w.paragraph(text)
    if missing:
        w.paragraph(fill_in(spec.hint or prose_mod.heading_key(heading)))
    for i, child in enumerate(child_specs):
        _render_block(ctx, w, child, matched.get(i), level + 1)
    for child in extra:
        w.heading(2, ctx.fill(child.heading, child.line))
        for text, line in child.paragraphs:
            w.paragraph(ctx.fill(text, line))


def _compose(ctx: _Context, w: _Writer, *, unchecked: Sequence[Finding], date: dt.date) -> None:
    facts = ctx.facts
    w.title(ctx.outline.title.format(year=facts.year, office=facts.office_name()))
    if unchecked:
        w.notice(f"【未通过数据校验：统计表有{len(unchecked)}处勾稽关系不成立（disclo report --force），核对更正前不得印发】")
    intro = ctx.prose.section("前言") if ctx.prose else None
    if intro is not None and intro.paragraphs:
        for text, line in intro.paragraphs:
            w.paragraph(ctx.fill(text, line))
    else:
        w.paragraph(preamble(ctx))
    specs = list(ctx.outline.sections)
    blocks = [s for s in (ctx.prose.sections if ctx.prose else []) if s is not intro]
    matched, unused = prose_mod.match_blocks(specs, blocks, [_keys(s) for s in specs])
    for i, spec in enumerate(specs):
        _render_block(ctx, w, spec, matched.get(i), 1)
    for s in unused:
        names = "、".join(x.heading for x in specs)
        ctx.findings.append(Finding.of("warning", "prose-section", Place(ctx.prose.source if ctx.prose else "", line=s.line), heading=s.heading, sections=names))
    w.signature(facts.office_name(), f"{date.year}年{date.month}月{date.day}日")


def _read_prose(path: Path) -> prose_mod.Prose | None:
    if not path.exists():
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("prose-not-utf8", path=str(path)) from None
    except OSError as exc:
        raise InputError("prose-unreadable", path=str(path), problem=exc.strerror or str(exc)) from exc
    return prose_mod.parse(text, str(path))


def _facts(config: Config, year: int, definition: Definition, outline: Outline, regs, tables: list, date: dt.date) -> Facts:
    from disclo_cli.formats.engine import fill_all
    from disclo_cli.tally import tally

    # the companions' tables are filled from the same registers, for figures and {{cell:…}}
    companions = [t for name in definition.companions for t in fill_all(load_definition(name), regs, config, year)]
    pairs = [(i, n) for i, n in regs.weighted("items") if i.date.year == year]
    items, weights = [i for i, _ in pairs], [n for _, n in pairs]
    labels = {"categories": config.vocab["categories"].labels, "channels": config.vocab["channels"].labels}
    cats, chans = (tally(items, (dim,), year=year, **labels, weights=weights) for dim in ("category", "channel"))
    received: Counter[str] = Counter()
    for r, n in regs.weighted("requests"):
        if r.received.year == year:
            received[r.channel] += n
    order = list(config.vocab["request_channels"].labels)
    request_channels = [(_REQUEST_CHANNEL_WORDS.get(name, name), received[name]) for name in sorted(received, key=lambda k: order.index(k) if k in order else len(order))]
    fees = [r.fee for r in regs.requests if r.answered and r.answered.year == year and r.fee is not None]
    charged = sum(fees, Decimal(0)) if fees else 0
    charged = int(charged) if charged == int(charged) else charged
    return Facts(config, year, definition, outline.wording, {t.table: t for t in tables}, [*tables, *companions], cats, chans, request_channels, charged, date)


def _what_failed(errors: Sequence[Finding]) -> Msg:
    identities = sum(1 for e in errors if e.code == "identity")
    if identities == len(errors):
        return msg("failed-identities", count=identities)
    return msg("failed-checks", count=len(errors), identities=identities)


class _FailedLines:
    """The failed checks, one a line, rendered when the error is shown (in its language)."""

    def __init__(self, errors: Sequence[Finding]) -> None:
        self.errors = errors

    def __str__(self) -> str:
        lines = [str(msg("failed-line", message=e.message, cell=e.place.cell or e.place.column)) for e in self.errors[:20]]
        if len(self.errors) > 20:
            lines.append(str(msg("failed-more", count=len(self.errors) - 20)))
        return "\n".join(lines)


def _failed_lines(errors: Sequence[Finding]) -> Msg:
    return msg("failed-lines", text=_FailedLines(errors))


def build_report(
    config: Config,
    year: int,
    *,
    standard: str | None = None,
    output: str | Path | None = None,
    json_path: str | Path | None = None,
    prose_path: str | Path | None = None,
    date: dt.date | None = None,
    force: bool = False,
    final: bool = False,
) -> ReportResult:
    """Fill, check and write the year's annual report (and its tables as JSON)."""
    from disclo_cli.render import stat_json, to_json_text
    from disclo_cli.service import build_tables, load_registers

    if force and final:
        raise UsageError("force-and-final")
    standard = standard or standard_for_year(year)
    definition = load_definition(standard)
    outline = outline_for(definition)
    target = Path(output) if output else default_output(config, year)
    json_target = Path(json_path) if json_path else None
    for path in (target, json_target):
        if path is not None and not (path.parent if str(path.parent) else Path(".")).is_dir():
            raise OutputError("report-folder-missing", path=str(path), folder=str(path.parent))
    from disclo_cli.service import check_year

    regs = load_registers(config, year)
    tables = build_tables(config, year, standard=standard, registers=regs)
    # the same rules as 'disclo check': identities, carry-over from last year, shares, unknown labels
    findings = list(check_year(config, year, standard=standard, registers=regs, tables=tables).findings)
    errors = [f for f in findings if f.severity == "error"]
    if errors and not force:
        raise DataError("report-checks-failed", errors, what=_what_failed(errors), lines=_failed_lines(errors))
    if not any(d.year == year for d in [*(i.date for i in regs.items), *(r.received for r in regs.requests), *(c.filed for c in regs.cases)]):
        findings.append(Finding.of("warning", "empty-year", Place(str(config.db_path)), year=year))

    day = date or dt.date.today()
    ppath = Path(prose_path) if prose_path else prose_path_for(config, year)
    text = _read_prose(ppath)
    if text is None:
        findings.append(Finding.of("warning", "no-prose", Place(), path=str(ppath), year=year))
    else:
        findings += text.findings
    ctx = _Context(_facts(config, year, definition, outline, regs, tables, day), outline, {t.table: t for t in tables}, text)
    writer = _Writer()
    _compose(ctx, writer, unchecked=errors, date=day)
    findings += ctx.findings
    if final and writer.placeholders:
        shown = "\n".join(f"  {p}" for p in writer.placeholders[:15])
        raise DataError("final-placeholders", count=len(writer.placeholders), shown=shown, path=str(ppath))

    def save_docx() -> None:
        try:
            writer.doc.save(target)
        except OSError as exc:
            raise OutputError("report-write-failed", target=str(target), problem=exc.strerror or str(exc)) from exc

    if json_target is None:
        save_docx()
    else:
        from disclo_cli.fsio import atomic_write

        def write_both(tmp: Path) -> None:
            tmp.write_text(to_json_text(stat_json(tables)), encoding="utf-8")
            save_docx()  # the JSON replaces its target only once the DOCX is in place

        atomic_write(json_target, write_both)
    return ReportResult(target, json_target, definition.standard, tuple(tables), tuple(findings), tuple(writer.placeholders), ppath, text is not None, not errors)


# --- a new prose file -------------------------------------------------------------------------------

def new_prose(config: Config, year: int, *, standard: str | None = None) -> tuple[Path, Msg]:
    """Write prose/{year}.md from last year's (years moved on) or as a skeleton of the outline.

    Returns (the new file, how it was made). Never overwrites.
    """
    from disclo_cli.fsio import write_bytes

    target = prose_path_for(config, year)
    if target.exists():
        raise OutputError("prose-exists", path=str(target))
    definition = load_definition(standard or standard_for_year(year))
    outline = outline_for(definition)
    previous = prose_path_for(config, year - 1)
    how = msg("prose-how.skeleton")
    if previous.exists() and outline_for(load_definition(standard_for_year(year - 1))) == outline:
        try:
            text = prose_mod.carry_forward(previous.read_text(encoding="utf-8-sig"), year - 1)
        except UnicodeDecodeError:
            raise InputError("prose-previous-not-utf8", path=str(previous)) from None
        how = msg("prose-how.copied", name=previous.name)
    else:
        text = prose_mod.skeleton(outline, year, definition.name)
        if previous.exists():
            old = previous.read_text(encoding="utf-8-sig", errors="replace").replace("-->", "--＞")
            text += f"\n<!-- {year - 1}年的文字稿（格式不同，仅供参考，不会印出）：\n{old}\n-->\n"
            how = msg("prose-how.skeleton-with-old", name=previous.name)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError("prose-folder", folder=str(target.parent), problem=exc.strerror or str(exc)) from exc
    write_bytes(target, text.encode("utf-8"))
    return target, how
