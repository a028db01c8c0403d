"""`disclo vocab`: the wordings of registers that disclo does not know yet, per field, with how
often they occur, where, and what they may mean — so that a clerk maps each wording once in
disclo.toml (straight to what it means: "非本机关政府信息" = "无法提供/本机关不掌握相关政府信息").

Unknown wordings are found while reading (the same findings ingest reports), from register files or
from what the ledger kept of its files' filings; suggestions come from the vocabularies
(vocab.Vocabulary.suggest), each with why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from disclo_cli.config import Config
from disclo_cli.model import Finding, Place
from disclo_cli.vocab import Suggestion

#: finding code -> the disclo.toml section its wording is mapped in (None: from the finding's vocabulary)
SECTIONS = {
    "unknown-category": "categories", "unknown-channel": "channels", "unknown-request-channel": "request_channels",
    "unknown-applicant-type": "applicants", "unknown-document-type": "doc_types", "unknown-case-type": "case_types",
    "unknown-lawsuit-route": "case_routes", "unknown-case-result": "case_results", "unknown-outcome": "outcomes",
    "unknown-reason": "outcomes", "needs-decision": None,
}
_EXAMPLES = 3


@dataclass
class Wording:
    """One wording not yet known: where it is mapped, how often and where it occurs, what it may mean."""

    section: str  # the vocabulary: its disclo.toml section is [<section>.aliases]
    wording: str
    rows: int = 0
    examples: list[Place] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    candidates: tuple[str, ...] = ()  # a judgement call: the labels it may be (the office decides)
    family: str = ""  # an unknown reason: the outcome family it was written for

    @property
    def judgement(self) -> bool:
        return bool(self.candidates)

    def as_json(self) -> dict:
        return {"section": f"{self.section}.aliases", "wording": self.wording, "rows": self.rows,
                "examples": [{"file": p.file, "sheet": p.sheet, "row": p.row} for p in self.examples],
                "judgement": self.judgement, "candidates": list(self.candidates),
                "suggestions": [{"label": s.label, "why": s.why, "via": s.via} for s in self.suggestions]}


@dataclass(frozen=True)
class Review:
    """Every wording not yet known, in the order of the sections and then by how often."""

    wordings: tuple[Wording, ...]
    sources: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()  # problems met while reading (not the wordings themselves)

    @property
    def exit_code(self) -> int:
        return 1 if self.wordings else 0  # a script can tell whether anything is left to map


def collect(findings: Iterable[Finding], config: Config) -> list[Wording]:
    """The unknown wordings among findings, grouped by section and wording."""
    from disclo_cli.ingest.rules import outcome_rules

    groups: dict[tuple[str, str], Wording] = {}
    for f in findings:
        if f.code not in SECTIONS or f.variant == "more":
            continue
        args = f.args
        value = str(args.get("value", ""))
        if not value:
            continue
        section = SECTIONS[f.code] or _section_of(f, args)
        w = groups.get((section, value))
        if w is None:
            w = groups[(section, value)] = Wording(section, value)
            if f.code == "needs-decision":
                w.candidates = tuple(c for c in str(args.get("candidates", "")).split("、") if c)
            if f.code == "unknown-reason":
                w.family = str(args.get("family", ""))
        w.rows += 1
        if len(w.examples) < _EXAMPLES:
            w.examples.append(f.place)
    rules, _ = outcome_rules(config)
    for w in groups.values():
        if not w.judgement:
            w.suggestions = _suggest(w, config, rules)
    order = {name: i for i, name in enumerate(("categories", "channels", "request_channels", "applicants", "outcomes", "doc_types",
                                                 "case_types", "case_routes", "case_results"))}
    return sorted(groups.values(), key=lambda w: (order.get(w.section, 99), -w.rows, w.wording))


def _section_of(f: Finding, args: dict) -> str:
    vocabulary = str(args.get("vocabulary", ""))
    if vocabulary:
        return vocabulary
    return "outcomes" if f.variant == "outcome" else "applicants"


def _suggest(w: Wording, config: Config, rules) -> list[Suggestion]:
    """Ranked labels an unknown wording may mean; for outcomes, the row it may be (family/reason)."""
    if w.section != "outcomes":
        return config.vocab[w.section].suggest(w.wording)
    out: list[Suggestion] = []
    if w.family:  # a reason written for a known family: the reasons of that family
        members = rules.reason_families.get(w.family, ())
        for s in config.vocab["reasons"].suggest(w.wording, 6):
            if s.label in members:
                out.append(Suggestion(f"{w.family}/{s.label}", s.why, s.via, s.score))
        return out[:3]
    for s in config.vocab["reasons"].suggest(w.wording):
        family = rules.family_of(s.label)
        out.append(Suggestion(f"{family}/{s.label}" if family else s.label, s.why, s.via, s.score + 0.5))
    out += config.vocab["outcomes"].suggest(w.wording)
    out.sort(key=lambda s: -s.score)
    unique: dict[str, Suggestion] = {}
    for s in out:
        unique.setdefault(s.label, s)
    return list(unique.values())[:3]


def review_files(files: Sequence[str], config: Config) -> Review:
    """The wordings not yet known in register files (nothing is filed)."""
    from disclo_cli.ingest.registers import read_registers

    parsed = read_registers(files, config)
    findings = [f for p in parsed.values() for f in p.findings]
    sources = tuple(f"{Path(file).name}:{sheet}" for p in parsed.values() for file, sheet, _ in p.sheets)
    return Review(tuple(collect(findings, config)), sources, tuple(f for f in findings if f.code not in SECTIONS and f.severity == "error"))


def review_ledger(config: Config, year: int) -> Review:
    """The wordings not yet known in the files the ledger holds for a year (kept from their filing)."""
    from disclo_cli.ledger import Ledger

    with Ledger.open(config, create=False) as ledger:
        findings = ledger.stored_findings(year)
    return Review(tuple(collect(findings, config)), (f"ledger {config.db_path}",))


# --- writing them into disclo.toml -------------------------------------------------------------------

def _toml_string(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)  # JSON's escapes are TOML's


def proposal(review: Review, today: dt.date) -> dict[str, list[str]]:
    """section -> commented-out alias lines for disclo.toml, each saying how often, where and why."""
    out: dict[str, list[str]] = {}
    for w in review.wordings:
        where = "、".join(f"{p.file} {p.sheet} {p.row}" if p.row else f"{p.file} {p.sheet}" for p in w.examples)
        if w.judgement:
            target = "…"  # the office decides: disclo proposes no candidate over another
            note = f"需本单位决定，填入其一 / a judgement call, write one of: {'、'.join(w.candidates)}"
        elif w.suggestions:
            target = w.suggestions[0].label
            note = "建议 / suggested: " + "；".join(f"{s.label}（{s.why} {s.via}）" for s in w.suggestions)
        else:
            target = "…"
            note = "无建议 / no suggestion"
        out.setdefault(f"{w.section}.aliases", []).append(
            f"# {_toml_string(w.wording)} = {_toml_string(target)}  # {w.rows} 行 rows: {where}; {note}")
    if out:
        stamp = f"# disclo vocab {today.isoformat()}: 核对后删去行首的 # / check, then remove the leading #"
        for lines in out.values():
            lines.insert(0, stamp)
    return out


def write_proposal(path: Path, review: Review, today: dt.date) -> int:
    """Add the proposal to disclo.toml (atomically; nothing of the file changes but the added lines):
    under each section's existing header, or in a new section at the end. Returns the lines added."""
    from disclo_cli.fsio import write_bytes

    blocks = proposal(review, today)
    if not blocks:
        return 0
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    added = 0
    for section, block in blocks.items():
        header = f"[{section}]"
        at = next((i for i, line in enumerate(lines) if line.strip() == header), None)
        if at is None:  # a section the file lacks: its header commented out too, so that the file means what it meant
            lines += ["", f"# {header}", *block]
        else:
            lines[at + 1 : at + 1] = block
        added += len(block)
    write_bytes(path, ("\n".join(lines) + "\n").encode("utf-8"), own="protected.config")  # disclo.toml is its to write
    return added
