"""The figures of a report and the sentences written from them.

:class:`Facts` gathers every figure a report states — from the standard tables printed in the same
report wherever a table has it, so text and tables cannot disagree — and answers the ``{{name}}``
placeholders of the prose file. The ``sentence_*`` functions write the report's generated
sentences in the wording of the seed report (legacy) or of published national-format reports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from disclo_cli.config import Config
from disclo_cli.errors import ConfigError
from disclo_cli.formats.definition import Definition
from disclo_cli.messages import msg, render
from disclo_cli.model import Tally
from disclo_cli.render import change_text, decimal_text, fmt, share_text
from disclo_cli.report.outline import SENTENCE_NAMES, ExtraFigure
from disclo_cli.report.previous import LastYear
from disclo_cli.report.prose import Unfilled
from disclo_cli.report.settings import ReportSettings

if TYPE_CHECKING:
    from disclo_cli.formats.engine import StatTable

Number = int | Decimal


def fill_in(what: str) -> str:
    """A highlighted fill-in placeholder."""
    return f"【请填写：{what}】"


def category_phrase(label: str, *, legacy: bool) -> str:
    """A category as the office writes it ([categories] labels), never with a 类 of disclo's own:
    「政策文件」 stays 「政策文件」, 「工作动态类」 stays 「工作动态类」. The seed's wording (legacy) follows
    a name that ends in 类 with 信息 (「机构设置类信息」), except one already ending in 信息类 (「其他信息类」)."""
    if legacy and label.endswith("类") and not label.endswith("信息类"):
        return f"{label}信息"
    return label


#: how the sentences name a request channel where its label would read badly
_REQUEST_CHANNEL_WORDS = {"其他": "其他形式"}


def _num(value: object) -> str:
    return fmt(value)


def _sum(values: Sequence[Number | None]) -> Number | None:
    """The sum of cells, None (blank) if one of them is."""
    present = [v for v in values if v is not None]
    return sum(present) if len(present) == len(values) else None


@dataclass
class Facts:
    """Everything a report says in numbers, for one office and year.

    The figures that come from the tables are the definition's [figures]: each a cell address (or a
    list of them, added up) in the report's tables or its companions', so text and tables agree.
    """

    config: Config
    year: int
    definition: Definition
    wording: str  # legacy | national: which wording the sentences use (the outline's)
    tables: Mapping[str, StatTable]  # the report's own standard tables by id
    all_tables: Sequence[StatTable]  # those and the companions' tables, for figures and {{cell:…}}
    categories: Tally
    channels: Tally
    request_channels: Sequence[tuple[str, int]]  # (request channel label, requests received), report order
    fees_charged: Number | None
    date: dt.date
    months: Sequence[int] = ()  # items published in each month, January first
    previous: LastYear | None = None  # what is known of last year (None: no comparison asked)
    settings: ReportSettings = field(default_factory=ReportSettings)
    extra_figures: Sequence[ExtraFigure] = ()  # the outline's declared extra figures
    timeliness_of: Callable[[], object] | None = None  # the answered requests against their deadlines (read when asked)

    @cached_property
    def timeliness(self):
        """deadlines.Timeliness of the requests answered in the year (None: not available)."""
        return self.timeliness_of() if self.timeliness_of is not None else None

    # -- office ---------------------------------------------------------------------------------

    @property
    def office(self):
        return self.config.office

    @property
    def we(self) -> str:
        """「我街道」, 「我局」: 我 + the office's short name."""
        short = self.office.short_name.strip()
        return f"我{short}" if short else "我单位"

    def office_name(self) -> str:
        return self.office.name.strip() or fill_in("单位全称（disclo.toml [office] name）")

    @property
    def legacy_family(self) -> bool:
        return self.wording == "legacy"

    # -- figures from the tables -----------------------------------------------------------------

    def _at(self, address: str):
        from disclo_cli.tables import parse_cell

        _, row, column = parse_cell(address, list(self.all_tables))
        return row, column

    @cached_property
    def declared(self) -> dict[str, object]:
        """The definition's [figures], each the sum of its cells (blank if one of them is)."""
        out: dict[str, object] = {}
        for name, addresses in self.definition.figures:
            out[name] = _sum([row.values[column] for row, column in map(self._at, addresses)])
        return out

    def reader(self, sentence: str) -> Callable[[str], object]:
        """The figures one sentence reads: a figure the definition does not declare is an error
        naming the definition and the figure (never a sentence silently left out)."""

        def get(name: str) -> object:
            if name not in self.declared:
                raise ConfigError("figure-undeclared", source=self.definition.source, sentence=sentence, figure=name)
            return self.declared[name]

        return get

    def document_rows(self) -> list:
        """The rows of document counts (Table 二's 规章, 行政规范性文件) the definition names."""
        return [self._at(f"{address}/1")[0] for address in self.definition.document_rows]

    @cached_property
    def figures(self) -> dict[str, object]:
        """The named figures, as the placeholders of the prose file know them."""
        items = self.categories.total
        website = self.declared.get("items_website")
        return {
            "year": self.year,
            "prev_year": self.year - 1,
            "next_year": self.year + 1,
            "office": self.office_name(),
            "short_name": self.office.short_name,
            "we": self.we,
            "website": self.office.website or fill_in("发布网站（disclo.toml [office] website）"),
            "period": f"{self.year}年1月1日至12月31日",
            "date": f"{self.date.year}年{self.date.month}月{self.date.day}日",
            "items": items,
            "items_reviewed": self.items_reviewed(),
            "e_rate": share_text(website, items) if isinstance(website, int) and items else "",
            "fees": self.fees_charged,
            **self.declared,
        }

    def items_reviewed(self) -> object:
        """通过审核的条数: all items, unless [office] review_rate gives a count or a percentage."""
        total = self.categories.total
        rate = self.office.review_rate.strip().rstrip("条")
        if not rate:
            return total
        try:
            if rate.endswith("%"):
                return int((Decimal(rate[:-1]) * total / 100).to_integral_value())
            return int(rate)
        except ArithmeticError:
            return fill_in(f"通过审核的条数（[office] review_rate = {self.office.review_rate!r} 不是数字或百分比）")

    # -- extra figures ([yearly], declared by the outline) -------------------------------------------

    def extra(self, name: str) -> ExtraFigure | None:
        return next((x for x in self.extra_figures if x.name == name), None)

    def extra_value(self, name: str, year: int | None = None) -> Number | None:
        from disclo_cli.report.previous import yearly_figure

        return yearly_figure(self.config, self.year if year is None else year, name)

    def extra_unfilled(self, x: ExtraFigure) -> Unfilled:
        return Unfilled(fill_in(f"{x.label}数量（disclo.toml [yearly.{self.year}] {x.name}）"),
                        msg("unfilled.yearly", key=x.name, year=self.year, label=x.label))

    # -- last year ----------------------------------------------------------------------------------

    def current(self, name: str) -> Number | None:
        """This year's value of a figure or an extra figure (None: blank or unknown)."""
        if self.extra(name) is not None:
            return self.extra_value(name)
        value = self.figures.get(name)
        return value if isinstance(value, int | Decimal) and not isinstance(value, bool) else None

    def last(self, name: str) -> Number | None:
        """Last year's value of a figure (None: not known)."""
        if self.extra(name) is not None:
            return self.extra_value(name, self.year - 1)
        return self.previous.value(name) if self.previous else None

    def change(self, name: str) -> str | None:
        """「同比增长7%」… for a figure, None when this year's or last year's value is not known."""
        cur, prev = self.current(name), self.last(name)
        if cur is None or prev is None:
            return None
        return change_text(cur, prev)

    def yoy(self, name: str) -> str:
        """「，同比增长7%」 for a generated sentence, '' when not known or not wanted."""
        if not self.settings.year_over_year or self.previous is None:
            return ""
        text = self.change(name)
        return f"，{text}" if text else ""

    def _no_last_year(self, what: str) -> Unfilled:
        prev = self.year - 1
        return Unfilled(fill_in(f"{prev}年的{what}（台账中没有{prev}年的台账，或用 --previous 给出上年的统计表）"),
                        msg("unfilled.last-year", year=prev, what=what))

    # -- placeholders -------------------------------------------------------------------------------

    def _label(self, vocab: str, arg: str) -> str | None:
        """A label of a vocabulary named in a placeholder: exactly as disclo.toml writes it, or a
        wording that maps to one (an alias; with or without a final 类)."""
        v = self.config.vocab[vocab]
        return arg if arg in v.labels else v.lookup(arg)

    def resolver(self, sentences: Mapping[str, Callable[[], str]]) -> Callable[[str, str | None], str | Unfilled | None]:
        """The function that answers a prose placeholder: figures, categories, channels, cells,
        sentences, last year. None: no such placeholder; an Unfilled: known but not fillable."""
        figures = self.figures

        def number(value: object) -> str:
            return _num(value)

        def compare(name: str, what: str) -> str | Unfilled:
            if self.current(name) is None:
                return Unfilled(fill_in(f"{what}（本年度没有此数）"), msg("unfilled.blank-figure", name=name))
            text = self.change(name)
            return text if text is not None else self._no_last_year(what)

        def resolve(name: str, arg: str | None) -> str | Unfilled | None:
            if arg is None:
                if name in figures:
                    value = figures[name]
                    if value in (None, ""):
                        return Unfilled(fill_in(f"{name}（本年度报告格式中没有此数）"), msg("unfilled.blank-figure", name=name))
                    return number(value)
                x = self.extra(name)
                if x is not None:
                    value = self.extra_value(name)
                    return self.extra_unfilled(x) if value is None else number(value)
                if name.endswith("_yoy") and (name[:-4] in figures or self.extra(name[:-4])):
                    return compare(name[:-4], name[:-4])
                if name in ("on_time", "late", "on_time_rate", "mean_days"):
                    return self._timeliness_figure(name)
                return None
            arg = arg.strip()
            if name in ("yoy", "prev"):
                if arg not in figures and self.extra(arg) is None:
                    return None
                if name == "yoy":
                    return compare(arg, arg)
                value = self.last(arg)
                return self._no_last_year(arg) if value is None else number(value)
            if name in ("category", "category_share", "category_yoy", "prev_category"):
                label = self._label("categories", arg)
                if label is None:
                    labels = "、".join(self.config.vocab["categories"].labels)
                    return Unfilled(fill_in(f"没有类别「{arg}」（disclo.toml [categories]）"), msg("unfilled.no-category", name=arg, labels=labels))
                count = next((r.count for r in self.categories.rows if r.key == label), 0)
                if name == "category":
                    return str(count)
                if name == "category_share":
                    return share_text(count, self.categories.total) or "0%"
                last = self.previous.categories if self.previous else None
                if last is None:
                    return self._no_last_year(f"「{label}」条数")
                if name == "prev_category":
                    return str(last.get(label, 0))
                return change_text(count, last.get(label, 0))
            if name in ("channel", "channel_yoy", "prev_channel"):
                label = self._label("channels", arg)
                if label is None:
                    labels = "、".join(self.config.vocab["channels"].labels)
                    return Unfilled(fill_in(f"没有公开渠道「{arg}」"), msg("unfilled.no-channel", name=arg, labels=labels))
                count = next((r.count for r in self.channels.rows if r.key == label), 0)
                if name == "channel":
                    return str(count)
                last = self.previous.channels if self.previous else None
                if last is None:
                    return self._no_last_year(f"通过「{label}」公开的条数")
                return str(last.get(label, 0)) if name == "prev_channel" else change_text(count, last.get(label, 0))
            if name == "request_channel":
                label = self._label("request_channels", arg)
                if label is None:
                    labels = "、".join(self.config.vocab["request_channels"].labels)
                    return Unfilled(fill_in(f"没有申请方式「{arg}」"), msg("unfilled.no-request-channel", name=arg, labels=labels))
                return str(dict(self.request_channels).get(label, 0))
            if name == "cell":
                return self.cell(arg)
            if name == "sentence":
                make = sentences.get(arg)
                return make() if make else None
            return None

        return resolve

    def _timeliness_figure(self, name: str) -> str | Unfilled:
        t = self.timeliness
        if t is None or not t.answered:
            return Unfilled(fill_in(f"{name}（本年度没有答复的申请）"), msg("unfilled.none-answered", name=name, year=self.year))
        if name == "on_time":
            return str(t.on_time)
        if name == "late":
            return str(t.late)
        judged = t.on_time + t.late
        if name == "on_time_rate" and judged:
            return share_text(t.on_time, judged)
        if name == "mean_days" and t.mean_days is not None:
            return decimal_text(t.mean_days)
        return Unfilled(fill_in(f"{name}（没有可判断的答复）"), msg("unfilled.none-judged", name=name, year=self.year))

    def cell(self, address: str) -> str | Unfilled:
        from disclo_cli.errors import UsageError
        from disclo_cli.tables import parse_cell

        try:
            table, row, column = parse_cell(address, list(self.all_tables))
        except UsageError as exc:
            reason = render(exc.code, exc.params, language="zh_CN")
            return Unfilled(fill_in(f"单元格 {address}：{reason}"), msg("unfilled.cell", problem=msg(exc.code, **exc.params)))
        value = row.values[column]
        if value is None:
            return Unfilled(fill_in(f"单元格 {address} 为空"), msg("unfilled.blank-cell", cell=address))
        return _num(value)


# --- sentences --------------------------------------------------------------------------------

def _joined(parts: Sequence[str], sep: str = "，") -> str:
    return sep.join(parts)


def sentence_items(f: Facts) -> str:
    figures = f.figures
    n = figures["items"]
    if f.legacy_family:
        if not n:
            return f"截至{f.year}年12月31日，{f.we}本年度未主动公开政府信息。"
        rate = figures["e_rate"]
        tail = f"，全文电子化率达{rate}" if rate else ""
        return f"截至{f.year}年12月31日，累计主动公开政府信息{n}条{f.yoy('items')}，通过审核的{_num(figures['items_reviewed'])}条{tail}。"
    if not n:
        return f"{f.year}年，{f.we}未主动公开政府信息。"
    return f"{f.year}年，{f.we}共主动公开政府信息{n}条{f.yoy('items')}。"


def sentence_categories(f: Facts) -> str:
    t = f.categories
    rows = [r for r in t.rows if r.count]
    if not rows:
        return ""
    parts = [f"{category_phrase(r.key, legacy=f.legacy_family)}{r.count}条，占{share_text(r.share)}" for r in rows]
    if f.legacy_family:
        return f"{f.year}年度主动公开的信息中，{'；'.join(parts)}。"
    return f"按信息类别分，{'；'.join(parts)}。"


def _channel_rows(f: Facts) -> list[tuple[str, int]]:
    order = list(f.config.vocab["channels"].labels)
    rows = [(r.key, r.count) for r in f.channels.rows if r.count]
    return sorted(rows, key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))


def sentence_channels(f: Facts) -> str:
    rows = _channel_rows(f)
    if not rows:
        return ""
    parts = [f"通过{name}公开{count}条" for name, count in rows]
    note = "（同一信息可通过多个渠道公开）" if len(rows) > 1 else ""
    if f.legacy_family:
        return f"{f.year}年度，{f.we}主动公开的政府信息中，{_joined(parts)}{note}。"
    return f"其中，{_joined(parts)}{note}。"


_DOC_VERBS = {
    "本年制发件数": "本年度制发", "本年废止件数": "废止", "现行有效件数": "现行有效",
    "本年新制作数量": "本年度新制作", "本年新公开数量": "新公开", "对外公开总数量": "对外公开总数为",
}  # fmt: skip


def sentence_documents(f: Facts) -> str:
    """「本年度制发规章0件、行政规范性文件4件，废止…，现行有效…。」 from the definition's document rows."""
    rows = f.document_rows()
    if not rows:
        raise ConfigError("figure-undeclared", source=f.definition.source, sentence="documents", figure="document_rows")
    parts = []
    for i, header in enumerate(rows[0].headers):
        shown = [f"{r.label}{_num(r.values[i])}件" for r in rows if i < len(r.values) and r.values[i] is not None]
        if shown:
            parts.append(f"{_DOC_VERBS.get(header, header)}{'、'.join(shown)}")
    return f"{'，'.join(parts)}。" if parts else ""


def sentence_requests(f: Facts) -> str:
    get = f.reader("requests")
    n = get("requests")
    channels = [f"{_REQUEST_CHANNEL_WORDS.get(name, name)}申请{count}件" for name, count in f.request_channels if count]
    if f.legacy_family:
        head = f"截止{f.year}年12月31日，{f.we}共受理政府信息公开申请{_num(n)}件{f.yoy('requests')}"
        if not n:
            return head + "。"
        text = head + (f"，其中{'、'.join(channels)}" if channels else "") + "。"
        parts = [(label, get(key)) for label, key in (("同意公开", "requests_granted"), ("同意部分公开", "requests_partial"), ("否决公开", "requests_refused"))]
        return text + f"对申请的答复总数{_num(get('requests_answered'))}件，其中" + "，".join(f"{label}{_num(v)}件" for label, v in parts) + "。"
    head = f"{f.year}年，{f.we}新收政府信息公开申请{_num(n)}件{f.yoy('requests')}，上年结转{_num(get('requests_carried_in'))}件"
    if not n:
        return head + "。"
    return head + (f"。新收申请中，{'，'.join(channels)}" if channels else "") + "。"


def sentence_outcomes(f: Facts) -> str:
    if f.legacy_family:
        return ""
    get = f.reader("outcomes")
    answered, carried = get("requests_answered"), get("requests_carried_out")
    if not answered and not carried:
        return ""
    parts = [(label, get(key)) for label, key in (
        ("予以公开", "requests_granted"), ("部分公开", "requests_partial"), ("不予公开", "requests_withheld"),
        ("无法提供", "requests_unavailable"), ("不予处理", "requests_not_processed"), ("其他处理", "requests_other"))]
    shown = [f"{label}{_num(v)}件" for label, v in parts if v]
    text = f"本年度办结{_num(answered)}件" + (f"，其中{'，'.join(shown)}" if shown else "")
    return text + f"；结转下年度继续办理{_num(carried)}件。"


_RESULTS = (("结果维持", "upheld"), ("结果纠正", "corrected"), ("其他结果", "other"), ("尚未审结", "pending"))


def sentence_cases(f: Facts) -> str:
    get = f.reader("cases")
    reviews, lawsuits = get("reviews"), get("lawsuits")
    if f.legacy_family:
        complaints = get("complaints")
        if not reviews and not lawsuits and not complaints:
            return f"{f.year}年{f.we}未发生针对本部门有关政府信息公开事务的行政复议案和投诉案。"
        def change(name: str) -> str:
            text = f.yoy(name)
            return f"（{text[1:]}）" if text else ""

        return (f"{f.year}年{f.we}发生针对本部门有关政府信息公开事务的行政复议案{_num(reviews)}件{change('reviews')}、"
                f"行政诉讼案{_num(lawsuits)}件{change('lawsuits')}、行政申诉和举报{_num(complaints)}件。")
    if not reviews and not lawsuits:
        return f"{f.year}年，{f.we}未发生因政府信息公开引起的行政复议、行政诉讼案件。"

    def detail(kind: str) -> str:
        shown = [f"{name}{_num(v)}件" for name, key in _RESULTS if (v := get(f"{kind}_{key}"))]
        return f"，其中{'、'.join(shown)}" if shown else ""

    parts = [f"被申请行政复议{_num(reviews)}件{f.yoy('reviews')}{detail('reviews')}"]
    if lawsuits:
        parts.append(f"被提起行政诉讼{_num(lawsuits)}件（未经复议直接起诉{_num(get('lawsuits_direct'))}件，"
                     f"复议后起诉{_num(get('lawsuits_after_review'))}件）{f.yoy('lawsuits')}{detail('lawsuits')}")
    else:
        parts.append("未被提起行政诉讼")
    return f"{f.year}年，{f.we}因政府信息公开{'；'.join(parts)}。"


def sentence_fees(f: Facts) -> str:
    charged = f.fees_charged
    if f.legacy_family:
        waived = f.reader("fees")("fees_waived")
        waived_text = fill_in(f"政府信息公开收费减免金额（元），disclo.toml [yearly.{f.year}] fees_waived") if waived is None else _num(waived)
        if not charged and waived == 0:
            return f"{f.year}年{f.we}未收取政府信息公开相关费用。"
        return f"{f.year}年{f.we}收取政府信息公开相关费用{_num(charged or 0)}元，收费减免金额{waived_text}元。"
    if not charged:
        return f"{f.year}年，{f.we}未收取政府信息公开信息处理费。"
    return f"{f.year}年，{f.we}共收取政府信息公开信息处理费{_num(charged)}元。"


def sentence_timeliness(f: Facts) -> str:
    """「全年答复的54件申请中，按期答复52件，按期答复率96.3%，平均用时8.5个工作日。」 on the working-day
    calendar (deadlines.md); a year without answers says so, never 「100%」 of nothing."""
    t = f.timeliness
    if t is None:
        return ""
    if not t.answered:
        return f"{f.year}年，{f.we}没有答复的政府信息公开申请。"
    judged = t.on_time + t.late
    parts = [f"全年答复的{t.answered}件申请中，按期答复{t.on_time}件"]
    if judged:
        parts.append(f"按期答复率{share_text(t.on_time, judged)}")
    if t.mean_days is not None:
        parts.append(f"平均用时{decimal_text(t.mean_days)}个工作日")
    text = "，".join(parts)
    if t.unjudged:
        text += f"（{t.unjudged}件无法判断是否按期，未计入按期答复率）"
    return text + "。"


SENTENCES: dict[str, Callable[[Facts], str]] = {
    "items": sentence_items,
    "channels": sentence_channels,
    "categories": sentence_categories,
    "documents": sentence_documents,
    "requests": sentence_requests,
    "outcomes": sentence_outcomes,
    "cases": sentence_cases,
    "fees": sentence_fees,
    "timeliness": sentence_timeliness,
}
assert tuple(SENTENCES) == SENTENCE_NAMES  # the outline's list and this one are the same list


def extra_paragraph(f: Facts, names: Sequence[str]) -> tuple[str, list[ExtraFigure]]:
    """「全年发布政策解读12条，发布回应关切信息5条。」 for the extra figures `names` (those the office
    reports), and the ones not given for the year (printed as a 【请填写】, never as 0)."""
    phrases: list[str] = []
    missing: list[ExtraFigure] = []
    for name in names:
        x = f.extra(name)
        if x is None:
            continue
        value = f.extra_value(name)
        if value is None:
            missing.append(x)
            shown = f.extra_unfilled(x).text
        else:
            shown = _num(value)
        phrase = x.phrase.replace("{value}", shown).replace("{unit}", x.unit)
        phrases.append(phrase + (f.yoy(name) if value is not None else ""))
    return ("全年" + "，".join(phrases) + "。" if phrases else ""), missing
