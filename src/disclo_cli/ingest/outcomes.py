"""How the outcome and reason cells of a request register become a Table 三 row: a family (予以公开 …
其他处理) and, where the family needs one, a numbered reason.

Offices write outcomes every way: a family (「不予公开」), a family with the reason in brackets
(「不予公开（涉及个人隐私）」), a reason alone (「信息不存在」), a CMS answer type (「非本机关政府信息」),
prose (「已答复，予以公开」), or a citation of the Regulations (「《条例》第三十六条第（四）项」). Each is
read by rules declared as data (data/vocab.toml [outcomes], [reasons], [articles]); what the rules
cannot place is reported — unknown, or a judgement call with its candidates — never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Mapping

from disclo_cli.text import norm
from disclo_cli.vocab import Vocabulary

OPEN = "open"  # still being handled: no outcome yet
NOT_A_REQUEST = "not-a-request"  # the office decided such a row is not counted at all
#: the 2019 Regulations apply to requests received from this day (国务院令第711号)
REGIME_2019 = dt.date(2019, 5, 15)

_NUMBERED = re.compile(r"^\s*(?:[（(]?[0-9一二三四五六七八九十]+[)）]?[.、．:：\s]|[（(][0-9一二三四五六七八九十]+[)）])\s*")
_BRACKETS = re.compile(r"^(.*?)[（(【\[](.*?)[）)】\]]\s*$")
_DASH = re.compile(r"^(.*?)\s*[-—–:：]+\s*(.+)$")
_CLAUSES = re.compile(r"[，,；;。、]+")
_CITATION = re.compile(r"第\s*([0-9一二三四五六七八九十百零〇]+)\s*条"
                       r"(?:\s*第\s*([0-9一二三四五六七八九十]+)\s*款)?(?:\s*第\s*[（(]?\s*([0-9一二三四五六七八九十]+)\s*[)）]?\s*项)?")
_CN = "零一二三四五六七八九"


def _cn(number: str) -> str:
    """'36' or '三十六' as the Regulations write it: 三十六."""
    if not number.isdigit():
        return number.replace("〇", "零")
    n = int(number)
    if n < 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n % 10] if n % 10 else "")
    if n < 100:
        return _CN[n // 10] + "十" + (_CN[n % 10] if n % 10 else "")
    return number


def citation_key(text: str) -> list[str]:
    """The article keys a citation names, most specific first: 第三十六条第（四）项, then 第三十六条."""
    m = _CITATION.search(text)
    if not m:
        return []
    article, paragraph, item = m.group(1), m.group(2), m.group(3)
    base = f"第{_cn(article)}条"
    keys = []
    if paragraph and item:
        keys.append(f"{base}第{_cn(paragraph)}款第（{_cn(item)}）项")
    if item:
        keys.append(f"{base}第（{_cn(item)}）项")
    if paragraph:
        keys.append(f"{base}第{_cn(paragraph)}款")
    keys.append(base)
    return keys


Target = tuple[str, str]  # (family, reason), family may be OPEN or NOT_A_REQUEST


def _target(value: str) -> Target:
    family, _, reason = value.partition("/")
    return family, reason


@dataclass(frozen=True)
class Reading:
    """What the two cells say: a family and reason, or why not."""

    family: str | None = None  # None: unknown; "" open (no outcome)
    reason: str | None = ""  # None: a reason that maps nowhere; "" none
    candidates: tuple[Target, ...] = ()  # a judgement call: the cells it may be
    via: str = ""  # how it was read: alias, reason, citation, brackets, clause


@dataclass(frozen=True)
class OutcomeRules:
    """Everything that reads an outcome: the families, aliases (family or family/reason), reasons,
    citations per text of the Regulations, wordings that need the office's decision."""

    families: Vocabulary
    reasons: Vocabulary
    reason_families: Mapping[str, tuple[str, ...]]
    needs_reason: tuple[str, ...]
    combined: Mapping[str, Target]  # folded wording -> (family, reason)
    judgement: Mapping[str, tuple[Target, ...]]
    articles: Mapping[str, Mapping[str, Target]]  # regime -> citation key -> target
    article_judgement: Mapping[str, Mapping[str, tuple[Target, ...]]]
    open_words: frozenset[str]
    prefixes: tuple[str, ...]
    reason_prefixes: tuple[str, ...] = ()

    @classmethod
    def build(cls, data: Mapping, office_aliases: Mapping[str, str], families: Vocabulary, reasons: Vocabulary,
              reason_families: Mapping[str, tuple[str, ...]]) -> "OutcomeRules":
        """From data/vocab.toml's [outcomes] and [articles] and the office's [outcomes.aliases]
        (which may name a family, "family/reason", "open" or "not-a-request")."""
        combined: dict[str, Target] = {}
        for wording, value in {**data.get("aliases", {}), **office_aliases}.items():
            if "/" in value or value in (OPEN, NOT_A_REQUEST):
                combined[norm(wording)] = _target(value)
        judgement = {norm(w): tuple(_target(c) for c in cands) for w, cands in data.get("judgement", {}).items()
                     if norm(w) not in {norm(k) for k in office_aliases}}
        articles = {regime: {k: _target(v) for k, v in table.items() if not isinstance(v, dict)} for regime, table in data.get("articles", {}).items()}
        article_judgement = {regime: {k: tuple(_target(c) for c in v) for k, v in table.get("judgement", {}).items()}
                             for regime, table in data.get("articles", {}).items()}
        return cls(families, reasons, dict(reason_families), tuple(data.get("needs_reason", ())), combined, judgement,
                   articles, article_judgement, frozenset(norm(w) for w in data.get("open", ())),
                   tuple(sorted((norm(p) for p in data.get("prefixes", ())), key=len, reverse=True)),
                   tuple(data.get("reason_prefixes", ())))

    def reason(self, text: str) -> str | None:
        """A reason wording, with or without the words before it that add nothing (属于, 涉及)."""
        hit = self.reasons.lookup(text)
        if hit is None:
            stripped = text.strip()
            for prefix in self.reason_prefixes:
                if stripped.startswith(prefix) and len(stripped) > len(prefix):
                    hit = self.reasons.lookup(stripped[len(prefix):])
                    if hit:
                        break
        return hit

    # -- reading ---------------------------------------------------------------------------------

    def family_of(self, reason: str) -> str | None:
        for family, members in self.reason_families.items():
            if reason in members:
                return family
        return None

    def _whole(self, text: str, regime: str) -> Reading | None:
        """A wording read as a whole: an alias, a reason, a citation, a judgement call."""
        key = norm(text)
        if not key:
            return None
        if key in self.open_words:
            return Reading("", "", via="open")
        hit = self.combined.get(key)
        if hit is not None:
            return Reading(hit[0], hit[1], via="alias")
        family = self.families.lookup(text)
        if family:
            return Reading(family, "", via="alias")
        reason = self.reason(text)
        if reason:
            return Reading(self.family_of(reason), reason, via="reason")
        if key in self.judgement:
            return Reading(None, "", self.judgement[key], via="judgement")
        for cite in citation_key(text):
            hit = self.articles.get(regime, {}).get(cite)
            if hit is not None:
                return Reading(hit[0], hit[1], via="citation")
            cands = self.article_judgement.get(regime, {}).get(cite)
            if cands:
                return Reading(None, "", cands, via="citation")
        return None

    def _strip(self, text: str) -> str:
        """The cell without its numbering and the words that only say it was answered."""
        text = _NUMBERED.sub("", text).strip()
        folded = norm(text)
        for prefix in self.prefixes:
            if folded.startswith(prefix) and len(folded) > len(prefix):
                for cut in range(1, len(text) + 1):
                    if norm(text[:cut]) == prefix:
                        return text[cut:].lstrip("，,：:；; 、\u3000")
        return text

    def read_one(self, text: str, regime: str) -> Reading | None:
        """One cell: whole, then without numbering and answer words, then family + bracketed or
        dashed reason, then clause by clause (every clause that means something must agree)."""
        if not text.strip():
            return Reading("", "", via="empty")
        for candidate in dict.fromkeys((text, _NUMBERED.sub("", text).strip(), self._strip(text))):
            hit = self._whole(candidate, regime)
            if hit is not None:
                return hit
        stripped = self._strip(text)
        # 「已答复，不予公开（涉及个人隐私）」: the answer words go, then family and bracketed reason
        for pattern in (_BRACKETS, _DASH):
            m = pattern.match(stripped)
            if not m:
                continue
            head = self._whole(m.group(1), regime) if m.group(1).strip() else None
            if head is None or head.family is None:
                continue
            if head.family not in self.needs_reason or head.reason:
                return Reading(head.family, head.reason, via="brackets")  # a note in brackets after 予以公开 is a note
            tail = self.read_reason(m.group(2), regime, head.family)
            return Reading(head.family, tail, via="brackets")
        readings = [r for r in (self._whole(self._strip(c), regime) for c in _CLAUSES.split(stripped) if c.strip()) if r is not None]
        if readings:
            known = [r for r in readings if r.family]
            families = {r.family for r in known}
            if len(families) == 1:
                family = families.pop()
                reasons = {r.reason for r in known if r.reason}
                if len(reasons) <= 1:
                    return Reading(family, reasons.pop() if reasons else "", via="clause")
            if not known and len(readings) == 1:
                return readings[0]
        return None

    def read_reason(self, text: str, regime: str, family: str) -> str | None:
        """The reason cell (or the bracketed part) for a family: a reason wording or a citation."""
        text = _NUMBERED.sub("", text).strip()
        if not text:
            return ""
        reason = self.reason(text) or self.reason(self._strip(text))
        if reason:
            return reason
        whole = self._whole(text, regime)
        if whole is not None and whole.family == family and whole.reason:
            return whole.reason
        for clause in _CLAUSES.split(text):
            reason = self.reason(self._strip(clause)) if clause.strip() else None
            if reason:
                return reason
        return None

    def read(self, outcome: str, reason: str, received: dt.date | None) -> Reading:
        """The family and reason the two cells say together."""
        regime = "2019" if received is None or received >= REGIME_2019 else "2007"
        first = self.read_one(outcome, regime) if outcome.strip() else Reading("", "", via="empty")
        if first is None:
            # the outcome cell says nothing known: the reason cell may name both (a citation, 「信息不存在」)
            alone = self.read_one(reason, regime) if reason.strip() else None
            if alone is not None and alone.family:
                return alone
            return Reading(None, "")
        if first.family is None or first.candidates:
            if reason.strip() and first.candidates:
                # the reason cell may settle the judgement (「第十四条」 + 「属于国家秘密」)
                settled = self.read_reason(reason, regime, first.candidates[0][0])
                if settled:
                    fam = self.family_of(settled)
                    if any(c == (fam, settled) or (c[0] == fam and not c[1]) for c in first.candidates):
                        return Reading(fam, settled, via="reason")
            return first
        if not first.family:  # open, or no outcome written
            if reason.strip() and not outcome.strip():
                # only the reason cell is filled: a reason names its family (信息不存在 → 无法提供)
                alone = self.read_one(reason, regime)
                if alone is not None and (alone.family or alone.candidates):
                    return alone
            return first
        if first.family not in self.needs_reason:
            return Reading(first.family, "", via=first.via)
        if first.reason:
            if reason.strip():
                other = self.read_reason(reason, regime, first.family)
                if other and other != first.reason:
                    return Reading(first.family, None, via="conflict")
            return first
        if not reason.strip():
            return Reading(first.family, "", via=first.via)
        return Reading(first.family, self.read_reason(reason, regime, first.family), via=first.via)
