"""Vocabularies: canonical labels in a fixed order, and the wordings (aliases) that mean them."""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Mapping

from disclo_cli.text import norm


@dataclass(frozen=True)
class Vocabulary:
    """Canonical labels (their order is the report order) and a folded-alias lookup."""

    name: str
    labels: tuple[str, ...]
    aliases: Mapping[str, str] = field(default_factory=dict)  # folded wording -> canonical label

    @classmethod
    def build(cls, name: str, labels: list[str] | tuple[str, ...], aliases: Mapping[str, str] | None = None) -> "Vocabulary":
        table: dict[str, str] = {}
        for label in labels:
            table[norm(label)] = label
        for wording, label in (aliases or {}).items():
            if label not in labels:
                # an alias to a label outside the list would silently create a category
                from disclo_cli.errors import ConfigError

                raise ConfigError("vocab-alias-target", vocabulary=name, wording=wording, label=label)
            table.setdefault(norm(wording), label)
        return cls(name, tuple(labels), table)

    def extend(self, labels: list[str] | None = None, aliases: Mapping[str, str] | None = None, *, replace: bool = False) -> "Vocabulary":
        """A copy with the office's labels (replacing or appended) and extra aliases (taking precedence)."""
        new_labels = list(labels) if replace and labels else list(self.labels) + [x for x in (labels or []) if x not in self.labels]
        base_aliases = {w: lbl for w, lbl in self.aliases.items() if lbl in new_labels}
        merged = Vocabulary.build(self.name, new_labels, None)
        table = dict(base_aliases)
        table.update(merged.aliases)
        for wording, label in (aliases or {}).items():
            if label not in new_labels:
                from disclo_cli.errors import ConfigError

                raise ConfigError("config-alias-target", vocabulary=self.name, wording=wording, label=label)
            table[norm(wording)] = label
        return Vocabulary(self.name, tuple(new_labels), table)

    def lookup(self, raw: str) -> str | None:
        """The canonical label for a wording, or None when it maps nowhere."""
        key = norm(raw)
        hit = self.aliases.get(key)
        if hit is None and key.endswith("类"):
            hit = self.aliases.get(key[:-1])
        elif hit is None:
            hit = self.aliases.get(key + "类")
        return hit

    def closest(self, raw: str, n: int = 3) -> list[str]:
        """Known labels that look most like an unknown wording, for the error message."""
        key = norm(raw)
        hits = difflib.get_close_matches(key, list(self.aliases), n=n * 3, cutoff=0.3)
        out: list[str] = []
        for h in hits:
            label = self.aliases[h]
            if label not in out:
                out.append(label)
        if not out:
            out = [lbl for lbl in self.labels if set(norm(lbl)) & set(key)][:n]
        return out[:n]


@lru_cache(maxsize=1)
def builtin_data() -> dict:
    """data/vocab.toml as shipped with the package."""
    return tomllib.loads(resources.files("disclo_cli.data").joinpath("vocab.toml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def builtin_columns() -> dict:
    """data/columns.toml as shipped with the package."""
    return tomllib.loads(resources.files("disclo_cli.data").joinpath("columns.toml").read_text(encoding="utf-8"))


def builtin(name: str) -> Vocabulary:
    data = builtin_data()[name]
    if name == "reasons":  # one list per outcome family; the vocabulary is all of them in order
        labels = [label for family, members in data.items() if family != "aliases" for label in members]
        return Vocabulary.build(name, labels, data.get("aliases", {}))
    return Vocabulary.build(name, data["labels"], data.get("aliases", {}))
