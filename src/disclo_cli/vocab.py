"""Vocabularies: canonical labels in a fixed order, the wordings (aliases) that mean them, and the
wordings that are a judgement call (律师: 自然人 or 法律服务机构?) until the office decides in
disclo.toml."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Mapping, Sequence

from disclo_cli.errors import ConfigError
from disclo_cli.text import norm


@dataclass(frozen=True)
class Suggestion:
    """A known label that an unknown wording may mean, and why it is suggested."""

    label: str
    why: str  # alias | contains | shares | similar
    via: str = ""  # the alias or characters it is suggested by
    score: float = 0.0


@dataclass(frozen=True)
class Vocabulary:
    """Canonical labels (their order is the report order), a folded-alias lookup, and the wordings
    that need the office's decision (folded wording -> candidate labels)."""

    name: str
    labels: tuple[str, ...]
    aliases: Mapping[str, str] = field(default_factory=dict)  # folded wording -> canonical label
    judgement: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    clauses: bool = False  # a wording of several clauses means a label when every clause means it
    # suggest's answers by folded wording: an unknown wording repeated down a register is looked
    # at once (difflib against every alias costs ~0.3 ms)
    _suggested: dict = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    @classmethod
    def build(cls, name: str, labels: Sequence[str], aliases: Mapping[str, str] | None = None,
              judgement: Mapping[str, Sequence[str]] | None = None, *, clauses: bool = False) -> "Vocabulary":
        table: dict[str, str] = {}
        for label in labels:
            table[norm(label)] = label
        for wording, label in (aliases or {}).items():
            if label not in labels:
                # an alias to a label outside the list would silently create a category
                raise ConfigError("vocab-alias-target", vocabulary=name, wording=wording, label=label)
            table.setdefault(norm(wording), label)
        pending: dict[str, tuple[str, ...]] = {}
        for wording, candidates in (judgement or {}).items():
            bad = [c for c in candidates if c not in labels]
            if bad:
                raise ConfigError("vocab-alias-target", vocabulary=name, wording=wording, label=bad[0])
            key = norm(wording)
            table.pop(key, None)  # a judgement call is never mapped silently
            pending[key] = tuple(candidates)
        return cls(name, tuple(labels), table, pending, clauses)

    def extend(self, labels: Sequence[str] | None = None, aliases: Mapping[str, str] | None = None, *, replace: bool = False) -> "Vocabulary":
        """A copy with the office's labels (replacing or appended) and extra aliases (taking
        precedence; an office alias for a judgement-call wording is the office's decision)."""
        new_labels = list(labels) if replace and labels else list(self.labels) + [x for x in (labels or []) if x not in self.labels]
        base_aliases = {w: lbl for w, lbl in self.aliases.items() if lbl in new_labels}
        table = dict(base_aliases)
        table.update({norm(lbl): lbl for lbl in new_labels})
        pending = {w: tuple(c for c in cands if c in new_labels) for w, cands in self.judgement.items()}
        for wording, label in (aliases or {}).items():
            if label not in new_labels:
                raise ConfigError("config-alias-target", vocabulary=self.name, wording=wording, label=label)
            table[norm(wording)] = label
            pending.pop(norm(wording), None)
        return Vocabulary(self.name, tuple(new_labels), table, {w: c for w, c in pending.items() if c}, self.clauses)

    def lookup(self, raw: str) -> str | None:
        """The canonical label for a wording, or None when it maps nowhere (or needs a decision)."""
        key = norm(raw)
        hit = self.aliases.get(key)
        if hit is None and key not in self.judgement:
            if key.endswith("类"):
                hit = self.aliases.get(key[:-1])
            else:
                hit = self.aliases.get(key + "类")
        if hit is None and self.clauses and key not in self.judgement:
            parts = [p for p in _CLAUSES.split(raw) if p.strip()]
            if len(parts) > 1:
                found = {self.lookup(p) for p in parts}
                if len(found) == 1 and None not in found:
                    hit = found.pop()
        return hit

    def pending(self, raw: str) -> tuple[str, ...]:
        """The candidate labels of a judgement-call wording the office has not decided; () otherwise."""
        return self.judgement.get(norm(raw), ())

    def suggest(self, raw: str, n: int = 3) -> list[Suggestion]:
        """Known labels an unknown wording may mean, best first, each with why: an alias it is
        close to, a label it contains or is contained in, characters they share."""
        key = norm(raw)
        if not key or len(key) > 200:
            return []
        known = self._suggested.get((key, n))
        if known is None:
            known = self._suggested[(key, n)] = tuple(self._suggest(key, n))
        return list(known)

    def _suggest(self, key: str, n: int) -> list[Suggestion]:
        scored: dict[str, Suggestion] = {}

        def offer(s: Suggestion) -> None:
            old = scored.get(s.label)
            if old is None or s.score > old.score:
                scored[s.label] = s

        for alias, label in self.aliases.items():
            if len(alias) >= 2 and (alias in key or key in alias):
                offer(Suggestion(label, "contains", alias, 2.0 + len(alias) / max(len(key), 1)))
                continue
            ratio = difflib.SequenceMatcher(None, key, alias).ratio()
            shared = set(key) & set(alias)
            # shared characters count only when they are not the commonest ones (政府, 信息, 公开)
            meaningful = shared - _COMMON
            if ratio >= 0.5 and meaningful:
                offer(Suggestion(label, "similar", alias, 1.0 + ratio))
            elif meaningful and len(meaningful) * 2 >= min(len(set(key)), len(set(alias))):
                offer(Suggestion(label, "shares", "".join(sorted(meaningful, key=alias.index)), len(meaningful) / max(len(set(key)), 1)))
        for wording, candidates in self.judgement.items():
            if len(wording) >= 2 and wording in key and wording != key:
                for label in candidates:
                    offer(Suggestion(label, "contains", wording, 1.5 + len(wording) / max(len(key), 1)))
        ranked = sorted(scored.values(), key=lambda s: -s.score)
        return ranked[:n]

    def closest(self, raw: str, n: int = 3) -> list[str]:
        """Known labels that look most like an unknown wording, for the error message."""
        return [s.label for s in self.suggest(raw, n)]


_CLAUSES = re.compile(r"[，,；;。]+")
#: characters shared by so many labels that sharing them says nothing about meaning
_COMMON = frozenset("政府信息公开申请类其他部门单位机关行事项情况和与的、")


@lru_cache(maxsize=1)
def builtin_data() -> dict:
    """data/vocab.toml as shipped with the package."""
    return tomllib.loads(resources.files("disclo_cli.data").joinpath("vocab.toml").read_text(encoding="utf-8"))


def builtin(name: str) -> Vocabulary:
    data = builtin_data()[name]
    if name == "reasons":  # one list per outcome family; the vocabulary is all of them in order
        labels = [label for family, members in data.items() if family not in ("aliases", "judgement") for label in members]
        return Vocabulary.build(name, labels, data.get("aliases", {}), data.get("judgement", {}))
    if name == "outcomes":  # "family/reason" aliases and the judgement calls are read by ingest/outcomes.py
        plain = {w: v for w, v in data.get("aliases", {}).items() if "/" not in v}
        return Vocabulary.build(name, data["labels"], plain)
    return Vocabulary.build(name, data["labels"], data.get("aliases", {}), data.get("judgement", {}), clauses=bool(data.get("clauses")))
