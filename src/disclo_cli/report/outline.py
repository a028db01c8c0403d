"""The outline of an annual report (data/outlines/*.toml) as typed, checked values.

An outline is data: the title, the preamble's wording, the sections with their headings and the
names the office's prose file may give them, which generated sentences go where, which of the
definition's tables, and what the office is expected to write. A definition names its outline; the
outline is checked against it (every table it places exists, every sentence is one disclo writes)
when a report is made. docs/formats.md describes every key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from disclo_cli.errors import ConfigError
from disclo_cli.formats.definition import Definition, Part
from disclo_cli.messages import msg

OUTLINES = ("legacy", "national")
#: the charts an outline may place (report/charts.py draws them)
CHARTS = ("items_by_month", "items_by_category")


@dataclass(frozen=True)
class Section:
    heading: str
    aliases: tuple[str, ...] = ()  # other headings the prose file may use for it
    part: str = ""  # its name in the preamble's list of parts (default: the heading without its number)
    prose: str = ""  # "" | optional | required (a 【请填写】 when the office wrote nothing)
    hint: str = ""  # what the office should write here
    sentences: tuple[tuple[str, ...], ...] = ()  # generated paragraphs, each a run of sentence names
    table: str = ""  # a table of the definition, right under the heading
    caption: bool = False  # print the table's title above it
    inline: bool = False  # a short text goes on the heading's own line (「（一）需要说明的其他事项：无」)
    children: tuple["Section", ...] = ()
    charts: tuple[str, ...] = ()  # charts printed here when charts are asked for (after the sentences)
    extra_figures: tuple[str, ...] = ()  # the outline's extra figures stated here, when the office reports them
    overview: bool = False  # the 总体情况 a notice may cap in length ([report] overview_max_chars)


@dataclass(frozen=True)
class ExtraFigure:
    """A figure of [yearly.YYYY] an office may have to report (政策解读, 回应关切, platforms …)."""

    name: str  # its [yearly.YYYY] key and {{placeholder}}
    label: str  # what it counts, for the 【请填写】 and messages (「政策解读」)
    unit: str  # 「条」「个」
    phrase: str  # its part of the sentence, with {value} and {unit} (「发布政策解读{value}{unit}」)


@dataclass(frozen=True)
class Preamble:
    text: str  # with {basis} {parts} {count} {year} {website} {contact_office} {contact}
    basis: str  # the legal basis cited ({document}: the definition's format_title)
    basis_with_rules: str  # the same, with the province's rules ({rules}, {rules_short})


@dataclass(frozen=True)
class Outline:
    name: str
    title: str  # {year} {office}
    wording: str  # legacy | national: which wording the generated sentences use
    preamble: Preamble
    sections: tuple[Section, ...]
    source: str
    extra_figures: tuple[ExtraFigure, ...] = ()

    def extra_figure(self, name: str) -> ExtraFigure | None:
        return next((x for x in self.extra_figures if x.name == name), None)

    @property
    def legacy(self) -> bool:
        return self.wording == "legacy"


def outline_for(definition: Definition) -> Outline:
    """The outline a definition names, checked against the definition's tables."""
    name = definition.outline
    if not name:
        raise ConfigError("definition-missing", source=definition.source, where=msg("definition-at.top"), key="outline")
    if name in OUTLINES:
        outline = _builtin(name)
    else:
        path = Path(name)
        if path.suffix != ".toml" or not path.is_file():
            raise ConfigError("outline-unknown", source=definition.source, outline=name, outlines=", ".join(OUTLINES))
        try:
            outline = parse_outline(path.read_text(encoding="utf-8-sig"), str(path))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError("definition-invalid", source=str(path), problem=str(exc)) from exc
    tables = [t.id for t in definition.tables]
    for section, part in _walk(outline.sections, outline.source):
        if section.table and section.table not in tables:
            raise ConfigError("outline-table", **part, table=section.table, definition=definition.source, tables="、".join(tables))
    return outline


@lru_cache(maxsize=None)
def _builtin(name: str) -> Outline:
    text = resources.files("disclo_cli.data").joinpath("outlines", f"{name}.toml").read_text(encoding="utf-8")
    return parse_outline(text, f"outlines/{name}.toml")


def _walk(sections: tuple[Section, ...], source: str):
    for s in sections:
        yield s, {"source": source, "where": msg("outline-at.section", heading=s.heading)}
        yield from _walk(s.children, source)


#: the generated sentences an outline may place: report/sentences.py makes one of each (its
#: SENTENCES is checked against this list), so that an outline is read without the sentences' code
SENTENCE_NAMES = ("items", "channels", "categories", "documents", "requests", "outcomes", "cases", "fees", "timeliness")


def parse_outline(text: str, source: str) -> Outline:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("definition-invalid", source=source, problem=str(exc)) from exc
    top = Part(source, msg("definition-at.top"), data, ("name", "title", "wording", "preamble", "sections", "extra_figures"))
    p = Part(source, msg("outline-at.preamble"), top.mapping("preamble"), ("text", "basis", "basis_with_rules"))
    preamble = Preamble(p.text("text"), p.text("basis"), p.text("basis_with_rules"))

    def section(data: object, index: int) -> Section:
        heading = data.get("heading") if isinstance(data, dict) else None
        s = Part(source, msg("outline-at.section", heading=heading if isinstance(heading, str) else f"#{index + 1}"), data, _SECTION_KEYS)
        paragraphs = []
        for entry in s.parts("sentences", required=False):
            names = (entry,) if isinstance(entry, str) else entry
            if not isinstance(names, list | tuple) or not all(isinstance(n, str) for n in names):
                raise ConfigError("definition-type", **s.at, key="sentences", expected=msg("outline-expects.sentences"), value=entry)
            for n in names:
                if n not in SENTENCE_NAMES:
                    raise ConfigError("outline-sentence", **s.at, sentence=n, sentences=", ".join(SENTENCE_NAMES))
            paragraphs.append(tuple(names))
        charts = s.texts("charts")
        for name in charts:
            if name not in CHARTS:
                raise ConfigError("outline-chart", **s.at, chart=name, charts=", ".join(CHARTS))
        extras = s.texts("extra_figures")
        for name in extras:
            if name not in declared:
                raise ConfigError("outline-extra-figure", **s.at, figure=name, figures=", ".join(declared) or "—")
        return Section(
            s.text("heading"), s.texts("aliases"), s.text("part", ""), s.choice("prose", ("", "optional", "required"), ""),
            s.text("hint", ""), tuple(paragraphs), s.text("table", ""), s.flag("caption"), s.flag("inline"),
            tuple(section(c, i) for i, c in enumerate(s.parts("children", required=False))),
            charts, extras, s.flag("overview"),
        )

    declared: dict[str, ExtraFigure] = {}
    for name, entry in top.mapping("extra_figures").items():
        x = Part(source, msg("outline-at.extra-figure", name=name), entry, ("label", "unit", "phrase"))
        phrase = x.text("phrase")
        if "{value}" not in phrase:
            raise ConfigError("outline-extra-phrase", **x.at, phrase=phrase)
        declared[name] = ExtraFigure(name, x.text("label"), x.text("unit", ""), phrase)
    sections = tuple(section(d, i) for i, d in enumerate(top.parts("sections")))
    return Outline(top.text("name"), top.text("title"), top.choice("wording", ("legacy", "national"), "national"), preamble, sections, source,
                   tuple(declared.values()))


_SECTION_KEYS = ("heading", "aliases", "part", "prose", "hint", "sentences", "table", "caption", "inline", "children", "charts", "extra_figures",
                 "overview")
