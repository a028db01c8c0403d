"""The annual report (政府信息公开工作年度报告) as a Word document, or as text for review.

``build_report`` fills the standard tables of the year from the ledger, runs the checks, reads the
office's prose file (``prose/{year}.md``), writes the tables and the generated figure sentences into
the report's outline, and saves the DOCX (and the tables as JSON) atomically. ``preview_report``
composes the same report as text and writes nothing.

Everything about the format is the definition's: its tables, its outline (data/outlines/: headings,
which sentences, tables, charts and extra figures go where, what prose the office is expected to
write) and the cells the sentences read. A section whose prose is missing gets a highlighted
【请填写：…】 line, never an empty space. What the office decides about its report (its template,
charts, who publishes it, last year's published tables, extra figures) is disclo.toml's
``[report]`` (report/settings.py); docs/report.md describes it all.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from disclo_cli.config import Config
from disclo_cli.errors import ConfigError, DataError, InputError, OutputError, UsageError
from disclo_cli.formats.definition import Definition, load_definition, standard_for_year
from disclo_cli.messages import Msg, msg
from disclo_cli.model import Finding, Place
from disclo_cli.report import prose as prose_mod
from disclo_cli.report.outline import Outline, Section, outline_for
from disclo_cli.report.sentences import SENTENCES, Facts, extra_paragraph, fill_in
from disclo_cli.report.settings import ReportSettings, report_settings
from disclo_cli.report.writer import ChartData, DocxWriter, TextWriter, Writer, chart_values_by_month

if TYPE_CHECKING:
    from disclo_cli.formats.engine import StatTable
    from disclo_cli.report.previous import LastYear

#: the largest prose file read (a year's text is a few thousand characters; /dev/zero is not one)
PROSE_MAX_BYTES = 2 << 20


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
    date: dt.date | None = None  # the date under the signature


@dataclass(frozen=True)
class PreviewResult:
    """The report as text (``disclo report --preview``); nothing was written."""

    text: str
    standard: str
    findings: tuple[Finding, ...]
    placeholders: tuple[str, ...]
    prose_path: Path
    prose_found: bool
    checked: bool
    date: dt.date


# --- building ------------------------------------------------------------------------------------

@dataclass
class _Context:
    facts: Facts
    outline: Outline
    tables: Mapping[str, StatTable]
    prose: prose_mod.Prose | None
    settings: ReportSettings
    charts: bool
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


_CHART_CAPTIONS = {"items_by_month": "{year}年主动公开政府信息数量（按月份）", "items_by_category": "{year}年主动公开政府信息数量（按类别）"}


def _chart(ctx: _Context, kind: str) -> ChartData | None:
    """A chart's data; None (and a warning) when there is nothing to draw."""
    f = ctx.facts
    caption = _CHART_CAPTIONS[kind].format(year=f.year)
    if kind == "items_by_month":
        values = chart_values_by_month(f.months)
    else:
        values = tuple((r.key, r.count) for r in f.categories.rows if r.count)
    if not any(n for _, n in values):
        ctx.findings.append(Finding.of("warning", "report-chart-empty", Place(), caption=caption, year=f.year))
        return None
    return ChartData(kind, caption, values)


def _render_block(ctx: _Context, w: Writer, spec: Section, block: prose_mod.Block | None, level: int) -> None:
    facts = ctx.facts
    start = w.chars
    paragraphs = [(ctx.fill(text, line), text) for text, line in (block.paragraphs if block else [])]
    placed = {name for _, raw in paragraphs for name in SENTENCES if f"sentence:{name}" in raw.replace(" ", "")}
    # each entry is a paragraph: its sentences (less those the office placed itself) written as one
    generated = ["".join(SENTENCES[n](facts) for n in names if n not in placed) for names in spec.sentences]
    extras = [n for n in spec.extra_figures if n in ctx.settings.extra_figures]
    if extras:
        text, missing = extra_paragraph(facts, extras)
        generated.append(text)
        for x in missing:
            ctx.findings.append(Finding.of("warning", "report-figure-missing", Place(), key=x.name, year=facts.year, label=x.label))
    child_specs = list(spec.children)
    matched, extra = prose_mod.match_blocks(child_specs, block.children if block else [], [_keys(c) for c in child_specs])
    missing_prose = spec.prose == "required" and not paragraphs and not extra
    heading = spec.heading

    if spec.inline:
        texts = [t for t, _ in paragraphs]
        if missing_prose:
            w.heading(level, f"{heading.rstrip('：')}：{fill_in(spec.hint or heading)}")
            return
        if len(texts) == 1 and not extra and len(texts[0]) <= 40:
            w.heading(level, f"{heading.rstrip('：')}：{texts[0]}")
            return
    w.heading(level, heading)
    start = w.chars  # the section's own heading does not count towards its length
    if spec.table:
        # the table follows its heading directly (readers of published reports look for it there);
        # a sentence about it comes after it
        table = ctx.tables[spec.table]
        w.table(table, caption=table.title if spec.caption else None)
    for sentence in generated:
        w.paragraph(sentence)
    for text, _ in paragraphs:
        w.paragraph(text)
    if missing_prose:
        w.paragraph(fill_in(spec.hint or prose_mod.heading_key(heading)))
    if ctx.charts:
        for kind in spec.charts:
            chart = _chart(ctx, kind)
            if chart is not None:
                w.chart(chart)
    for i, child in enumerate(child_specs):
        _render_block(ctx, w, child, matched.get(i), level + 1)
    for own in extra:  # the office's own subsections, after the standard ones
        w.heading(2, ctx.fill(own.heading, own.line))
        for text, line in own.paragraphs:
            w.paragraph(ctx.fill(text, line))
    limit = ctx.settings.overview_max_chars
    if spec.overview and limit and w.chars - start > limit:
        ctx.findings.append(Finding.of("warning", "report-overview-long", Place(ctx.prose.source if ctx.prose else ""),
                                       heading=heading, chars=w.chars - start, limit=limit))


def _compose(ctx: _Context, w: Writer, *, unchecked: Sequence[Finding], date: dt.date) -> None:
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


def _read_prose(path: Path, *, given: bool) -> prose_mod.Prose | None:
    """The parsed prose file; None when the default one does not exist (a file named with --prose
    must exist). Only a regular file of a sensible size is read."""
    try:
        with open(path, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise InputError("prose-not-a-file", path=str(path))
            data = fh.read(PROSE_MAX_BYTES + 1)
    except FileNotFoundError:
        if given:
            raise InputError("prose-missing", path=str(path)) from None
        return None
    except IsADirectoryError:
        raise InputError("prose-not-a-file", path=str(path)) from None
    except OSError as exc:
        raise InputError("prose-unreadable", path=str(path), problem=exc.strerror or str(exc)) from exc
    if len(data) > PROSE_MAX_BYTES:
        raise InputError("prose-too-big", path=str(path), limit=f"{PROSE_MAX_BYTES >> 20} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("prose-not-utf8", path=str(path)) from None
    return prose_mod.parse(text, str(path))


def _facts(config: Config, year: int, definition: Definition, outline: Outline, regs, tables: list, date: dt.date, *,
           settings: ReportSettings, previous=None, timeliness_of=None, companions=None) -> Facts:
    from disclo_cli.formats.engine import fill_all
    from disclo_cli.tally import tally

    # the companions' tables are filled from the same registers, for figures and {{cell:…}}
    if companions is None:
        companions = [t for name in definition.companions for t in fill_all(load_definition(name), regs, config, year)]
    pairs = [(i, n) for i, n in regs.weighted("items") if i.date.year == year]
    items, weights = [i for i, _ in pairs], [n for _, n in pairs]
    categories, channels = config.vocab["categories"].labels, config.vocab["channels"].labels
    cats, chans = (tally(items, (dim,), year=year, categories=categories, channels=channels, weights=weights) for dim in ("category", "channel"))
    months = [0] * 12
    for i, n in pairs:
        months[i.date.month - 1] += n
    received: Counter[str] = Counter()
    for r, n in regs.weighted("requests"):
        if r.received.year == year:
            received[r.channel] += n
    order = list(config.vocab["request_channels"].labels)
    request_channels = [(name, received[name]) for name in sorted(received, key=lambda k: order.index(k) if k in order else len(order))]
    fees = [r.fee for r in regs.requests if r.answered and r.answered.year == year and r.fee is not None]
    charged = sum(fees, Decimal(0)) if fees else 0
    charged = int(charged) if charged == int(charged) else charged
    return Facts(config, year, definition, outline.wording, {t.table: t for t in tables}, [*tables, *companions], cats, chans, request_channels,
                 charged, date, months=tuple(months), previous=previous, settings=settings, extra_figures=outline.extra_figures,
                 timeliness_of=timeliness_of)


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


@dataclass(frozen=True)
class Prepared:
    """What a caller filled and checked instead of the ledger (a county's roll-up, a unit without a
    ledger of its own): the registers, tables and findings; the companions' tables (None: filled from
    the registers), last year's figures (a LastYear; None: unknown), the year's timeliness, and
    where its prose file would be."""

    registers: object
    tables: tuple
    findings: tuple
    companions: tuple | None = None
    previous: LastYear | None = None
    timeliness_of: Callable[[], object] | None = None
    prose: Path | None = None  # where its prose file is when there is one (None: the workspace's)


@dataclass
class _Composed:
    definition: Definition
    tables: list
    findings: list[Finding]
    errors: list[Finding]
    writer: Writer
    prose_path: Path
    prose: prose_mod.Prose | None
    date: dt.date
    date_in_window: bool
    date_given: bool


def _compose_report(config: Config, year: int, make_writer: Callable[[ReportSettings], Writer], *, standard: str | None, prose_path: str | Path | None,
                    date: dt.date | None, force: bool, charts: bool | None, previous: str | Path | None, today: dt.date | None,
                    prepared: Prepared | None = None) -> _Composed:
    """Fill, check and compose the year's report into the writer `make_writer` makes."""
    from disclo_cli.report.previous import last_year
    from disclo_cli.report.signing import signature_date
    from disclo_cli.report.timeliness import answered_in
    from disclo_cli.tables import build_tables, check_year, load_registers

    settings = report_settings(config)
    definition = load_definition(standard or standard_for_year(year))
    outline = outline_for(definition)
    unknown = [n for n in settings.extra_figures if outline.extra_figure(n) is None]
    if unknown:
        raise ConfigError("report-extra-unknown", names=", ".join(unknown), outline=outline.source,
                         figures=", ".join(x.name for x in outline.extra_figures) or "—")
    signed = signature_date(year, today=today or dt.date.today(), level=settings.level, given=date)
    writer = make_writer(settings)  # a template that cannot be used stops the report before anything is counted

    if prepared is None:
        regs = load_registers(config, year)
        tables = build_tables(config, year, standard=standard, registers=regs)
        # the same rules as 'disclo check': identities, carry-over from last year, shares, unknown labels
        findings = list(check_year(config, year, standard=standard, registers=regs, tables=tables).findings)
    else:
        regs, tables, findings = prepared.registers, list(prepared.tables), list(prepared.findings)
    errors = [f for f in findings if f.severity == "error"]
    if errors and not force:
        raise DataError("report-checks-failed", errors, what=_what_failed(errors), lines=_failed_lines(errors))
    if not any(d.year == year for d in [*(i.date for i in regs.items), *(r.received for r in regs.requests), *(c.filed for c in regs.cases)]):
        findings.append(Finding.of("warning", "empty-year", Place(str(config.db_path)), year=year))
    if signed.finding is not None:
        findings.append(signed.finding)

    ppath = Path(prose_path) if prose_path else (prepared.prose if prepared is not None and prepared.prose else prose_path_for(config, year))
    text = _read_prose(ppath, given=prose_path is not None)
    if text is None:
        findings.append(Finding.of("warning", "no-prose", Place(), path=str(ppath), year=year))
    else:
        findings += text.findings
    last_json = Path(previous) if previous else settings.previous
    if prepared is None:
        last = last_year(config, year, definition, regs, previous=last_json, standard_given=standard is not None)
    else:
        from disclo_cli.report.previous import LastYear

        last = prepared.previous if prepared.previous is not None else LastYear(year - 1)
    facts = _facts(config, year, definition, outline, regs, tables, signed.date, settings=settings, previous=last,
                   timeliness_of=(lambda: answered_in(config, year)) if prepared is None else prepared.timeliness_of,
                   companions=prepared.companions if prepared is not None else None)
    ctx = _Context(facts, outline, {t.table: t for t in tables}, text, settings, settings.charts if charts is None else charts)
    _compose(ctx, writer, unchecked=errors, date=signed.date)
    findings += writer.findings + ctx.findings
    timely = vars(facts).get("timeliness")  # computed only if the report states it
    if timely is not None and timely.unjudged:
        findings.append(Finding.of("warning", "report-timeliness-unjudged", Place(), count=timely.unjudged, year=year))
    return _Composed(definition, tables, findings, errors, writer, ppath, text, signed.date, signed.in_window, signed.given)


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
    template: str | Path | None = None,
    charts: bool | None = None,
    previous: str | Path | None = None,
    today: dt.date | None = None,
    prepared: Prepared | None = None,
) -> ReportResult:
    """Fill, check and write the year's annual report (and its tables as JSON).

    `template` (default: [report] template), `charts` (default: [report] charts) and `previous`
    (last year's published tables; default: [report] previous) override disclo.toml; `today` is
    for tests (the date default depends on it).
    """
    from disclo_cli.fsio import atomic_write
    from disclo_cli.render import stat_json, to_json_text

    if force and final:
        raise UsageError("force-and-final")
    target = Path(output) if output else default_output(config, year)
    json_target = Path(json_path) if json_path else None
    for path in (target, json_target):
        if path is not None and not (path.parent if str(path.parent) else Path(".")).is_dir():
            raise OutputError("report-folder-missing", path=str(path), folder=str(path.parent))

    def docx_writer(settings: ReportSettings) -> Writer:
        chosen = Path(template) if template else settings.template
        return DocxWriter(chosen)

    done = _compose_report(config, year, docx_writer, standard=standard, prose_path=prose_path, date=date, force=force, charts=charts,
                           previous=previous, today=today, prepared=prepared)
    writer = done.writer
    assert isinstance(writer, DocxWriter)
    if final and writer.placeholders:
        shown = "\n".join(f"  {p}" for p in writer.placeholders[:15])
        raise DataError("final-placeholders", count=len(writer.placeholders), shown=shown, path=str(done.prose_path))
    if final and not done.date_given and not done.date_in_window:
        raise UsageError("report-final-date", year=year, date=done.date.isoformat())

    def write_docx(tmp: Path) -> None:
        # serialised in memory first: a full disk then fails on a plain write, never inside the ZIP
        # writer (which would leave a half-closed archive behind to complain when it is collected)
        tmp.write_bytes(writer.to_bytes())
        _keep_mode(tmp, target)

    if json_target is None:
        atomic_write(target, write_docx)
    else:
        def write_both(tmp: Path) -> None:
            tmp.write_text(to_json_text(stat_json(done.tables)), encoding="utf-8")
            _keep_mode(tmp, json_target)
            atomic_write(target, write_docx)  # the JSON replaces its target only once the DOCX is in place

        atomic_write(json_target, write_both)
    return ReportResult(target, json_target, done.definition.standard, tuple(done.tables), tuple(done.findings), tuple(writer.placeholders),
                        done.prose_path, done.prose is not None, not done.errors, done.date)


def _keep_mode(tmp: Path, target: Path) -> None:
    """The new file gets the old one's permissions, or the usual ones (0o666 less the umask): the
    temporary file is private (0600), and an office shares its report folder."""
    from disclo_cli.report.docx_doc import _target_mode

    os.chmod(tmp, _target_mode(str(target)))


def preview_report(
    config: Config,
    year: int,
    *,
    standard: str | None = None,
    prose_path: str | Path | None = None,
    date: dt.date | None = None,
    force: bool = False,
    charts: bool | None = None,
    previous: str | Path | None = None,
    today: dt.date | None = None,
) -> PreviewResult:
    """The year's report as text, composed exactly as ``build_report`` composes the DOCX (a chart is
    a line with its numbers; no template is opened, no file written)."""
    done = _compose_report(config, year, lambda _settings: TextWriter(), standard=standard, prose_path=prose_path, date=date, force=force,
                           charts=charts, previous=previous, today=today)
    writer = done.writer
    assert isinstance(writer, TextWriter)
    return PreviewResult(writer.text(), done.definition.standard, tuple(done.findings), tuple(writer.placeholders), done.prose_path,
                         done.prose is not None, not done.errors, done.date)


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
