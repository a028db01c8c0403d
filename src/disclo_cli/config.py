"""The office's disclo.toml: profile, vocabularies, header wordings, defaults, opening balances.

Core code receives a Config; only this module reads the file, and only the CLI decides which file.
Values are checked for their type here (a name is a string, a count an integer), so that nothing
downstream meets a surprise.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping, Sequence

from disclo_cli.errors import ConfigError
from disclo_cli.schema import KINDS, spec
from disclo_cli.text import XML_ILLEGAL, norm
from disclo_cli.vocab import Vocabulary, builtin, builtin_data

CONFIG_NAME = "disclo.toml"
DB_NAME = "disclo.sqlite"
CALENDAR_NAME = "calendar.csv"  # the workspace's working-day calendar (calendar_file.py)
#: longest text a profile value may be (an office name is a line of a title page)
MAX_TEXT = 200
#: largest opening balance or yearly count accepted (a typo like 99999999999999999999 is not a count)
MAX_COUNT = 10**9

OFFICE_KEYS = ("name", "short_name", "provincial_rules", "website", "address", "postcode", "phone", "fax", "email", "contact_office", "review_rate")

#: The legacy table's indicators; [opening] may set each (cumulative totals from before the ledger).
OPENING_KEYS = (
    "items", "items_website", "items_gazette",
    "requests", "requests_in_person", "requests_online", "requests_letter",
    "requests_fax", "requests_email", "requests_other",
    "answers", "answers_granted", "answers_partial", "answers_refused",
    "fees_waived", "reviews", "lawsuits", "complaints",
    "rules_in_force", "normative_docs_in_force", "rules_published", "normative_docs_published",
)
#: [opening] figures that are amounts (may have decimals); the others are counts
OPENING_AMOUNTS = ("fees_waived",)

VOCABS = ("categories", "channels", "request_channels", "applicants", "outcomes", "reasons", "case_types", "case_routes", "case_results", "doc_types")
SECTIONS = ("office", "channels", "columns", "defaults", "opening", "yearly", "ledger", "report", "units", *VOCABS)
#: the keys of the sections read here (a misspelt key would otherwise leave the built-in list in force without a word)
SECTION_KEYS = {**{name: ("labels", "aliases") for name in VOCABS}, "channels": ("labels", "aliases", "website", "gazette", "default"),
                "ledger": ("path",)}


@dataclass(frozen=True)
class Office:
    name: str = ""
    short_name: str = ""
    provincial_rules: str = ""
    website: str = ""
    address: str = ""
    postcode: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    contact_office: str = ""
    review_rate: str = ""


@dataclass(frozen=True)
class Config:
    """Everything disclo needs to know about an office; defaults when there is no disclo.toml."""

    path: Path | None
    office: Office
    vocab: Mapping[str, Vocabulary]
    columns: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)  # kind -> field -> extra header wordings
    website_channels: tuple[str, ...] = ("政府网站",)
    gazette_channels: tuple[str, ...] = ("政府公报",)
    default_channel: str = ""
    needs_reason: tuple[str, ...] = ()
    reason_families: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    outcome_aliases: Mapping[str, str] = field(default_factory=dict)  # the office's [outcomes.aliases], as written
    defaults: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # kind -> field -> value for registers without the column
    opening: Mapping[str, int | float] = field(default_factory=dict)
    opening_through: int | None = None  # the last year the opening balances cover
    yearly: Mapping[int, Mapping[str, int | Decimal]] = field(default_factory=dict)  # exact numbers, checked when read
    none_kept: Mapping[int, frozenset[str]] = field(default_factory=dict)  # [yearly.Y] none: kinds the office truly had no row of
    db_path: Path | None = None
    lock_timeout: float = 60.0  # seconds to wait for another disclo's write to the ledger
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)  # the file's other sections, for the modules that own them
    units: tuple = ()  # a county's [[units]] (Unit, below), checked when the file is read

    @property
    def workspace(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    @property
    def calendar_path(self) -> Path:
        """The workspace's working-day calendar file (docs/deadlines.md)."""
        return self.workspace / CALENDAR_NAME


def find_config(start: Path | None = None) -> Path | None:
    """disclo.toml in the folder or the nearest parent folder that has one."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def lock_timeout_of(raw: str | None) -> float:
    """Seconds to wait for another disclo's write (DISCLO_LOCK_TIMEOUT as the CLI read it), 60 by default."""
    text = (raw or "").strip()
    if not text:
        return 60.0
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86400:
        raise ConfigError("lock-timeout-value", value=text)
    return value


def load(path: Path | None, db: Path | None = None, *, lock_timeout: str | None = None) -> Config:
    """The Config of a disclo.toml (or the built-in defaults when path is None)."""
    data: dict = {}
    if path is not None:
        try:
            if path.exists() and not path.is_file():
                raise ConfigError("config-not-a-file", path=str(path))
            raw = path.read_bytes()
            if len(raw) > 10 << 20:
                raise ConfigError("config-too-big", path=str(path))
            text = raw.decode("utf-8-sig")
            data = tomllib.loads(text)
        except FileNotFoundError as exc:
            raise ConfigError("config-missing", path=str(path)) from exc
        except tomllib.TOMLDecodeError as exc:
            import re

            at = re.search(r"line (\d+)", str(exc))
            lines = text.splitlines()
            bad = lines[int(at.group(1)) - 1] if at and 0 < int(at.group(1)) <= len(lines) else ""
            quotes = any(q in bad.split("#", 1)[0] for q in "“”‘’")
            raise ConfigError("config-not-toml.quotes" if quotes else "config-not-toml", path=str(path), problem=str(exc)) from exc
        except UnicodeDecodeError as exc:
            raise ConfigError("config-not-utf8", path=str(path)) from exc
        except OSError as exc:
            raise ConfigError("config-unreadable", path=str(path), problem=exc.strerror or str(exc)) from exc
    return replace(from_dict(data, path, db), lock_timeout=lock_timeout_of(lock_timeout))


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError("config-not-strings", where=where)
    return [_text(v, where) for v in value]


def _text(value: object, where: str) -> str:
    """A profile string: a string, of a sensible length, without control characters."""
    if not isinstance(value, str):
        raise ConfigError("config-not-text", where=where, value=repr(value)[:60])
    if len(value) > MAX_TEXT:
        raise ConfigError("config-too-long", where=where, length=len(value), limit=MAX_TEXT)
    if XML_ILLEGAL.search(value):
        raise ConfigError("config-control-characters", where=where)
    return value


def _mapping(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError("config-not-aliases", where=where)
    return {_text(k, where): _text(v, where) for k, v in value.items()}


def _table(data: Mapping, name: str, where: str) -> dict:
    section = data.get(name, {})
    if not isinstance(section, dict):
        raise ConfigError("config-not-table", where=where, section=name)
    known = SECTION_KEYS.get(name)
    unknown = sorted(set(section) - set(known)) if known else []
    if unknown:
        raise ConfigError("config-unknown-keys", where=where, section=name, keys=", ".join(unknown), known=", ".join(known or ()))
    return section


def _count(value: object, where: str, *, amount: bool = False) -> int | float:
    """A non-negative count (an integer), or an amount (decimals allowed), not absurdly large."""
    ok = not isinstance(value, bool) and isinstance(value, (int, float) if amount else int)
    if ok and isinstance(value, float) and value != value:
        ok = False
    if not ok or value < 0 or value > MAX_COUNT:  # type: ignore[operator]
        raise ConfigError("config-not-count" if not amount else "config-not-amount", where=where, value=repr(value)[:60], limit=f"{MAX_COUNT:,}")
    return value  # type: ignore[return-value]


def _yearly_number(value: object, where: str, year: int, key: str) -> int | Decimal:
    """A [yearly.YYYY] figure as an exact number: finite, not absurdly large, not below 0 — except
    a year's change (`*_change`: 本年新增/减少), which may be. A text such as "12.6" is read too."""
    from decimal import InvalidOperation

    number: Decimal | None = None
    if not isinstance(value, bool) and isinstance(value, (int, float, str)):
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            number = None
    if number is None or not number.is_finite() or abs(number) > MAX_COUNT or (number < 0 and not key.endswith("_change")):
        raise ConfigError("config-yearly-value", where=where, year=year, key=key, value=repr(value)[:60])
    return int(number) if number == number.to_integral_value() else number


def from_dict(data: Mapping, path: Path | None = None, db: Path | None = None) -> Config:
    where = str(path) if path else "disclo.toml"
    unknown_sections = set(data) - set(SECTIONS)
    if unknown_sections:
        raise ConfigError("config-unknown-sections", where=where, sections=", ".join(sorted(unknown_sections)), known=", ".join(SECTIONS))
    office_data = _table(data, "office", where)
    unknown = set(office_data) - set(OFFICE_KEYS)
    if unknown:
        raise ConfigError("config-unknown-office-keys", where=where, keys=", ".join(sorted(unknown)), known=", ".join(OFFICE_KEYS))
    office = Office(**{k: _text(v, f"{where}: [office] {k}") for k, v in office_data.items()})

    builtin_vocab = builtin_data()
    vocab: dict[str, Vocabulary] = {}
    office_outcomes: dict[str, str] = {}
    for name in VOCABS:
        base = builtin(name)
        section = _table(data, name, where)
        labels = _strings(section["labels"], f"{where}: [{name}] labels") if "labels" in section else None
        aliases = _mapping(section.get("aliases", {}), f"{where}: [{name}.aliases]")
        if name == "outcomes":
            # an outcome alias may name a family, "family/reason", "open" or "not-a-request"
            office_outcomes = _outcome_aliases(aliases, builtin_vocab, where)
            aliases = {w: v for w, v in aliases.items() if "/" not in v and v not in ("open", "not-a-request")}
            labels = None  # the families are Table 三's, not the office's
        replace_labels = name == "categories"  # an office's category list is its own, in its own order
        vocab[name] = base.extend(labels, aliases, replace=replace_labels) if (labels or aliases) else base

    needs_reason = tuple(builtin_vocab["outcomes"]["needs_reason"])
    families = {k: tuple(v) for k, v in builtin_vocab["reasons"].items() if k not in ("aliases", "judgement")}

    channels = _table(data, "channels", where)
    website = tuple(_strings(channels.get("website", ["政府网站"]), f"{where}: [channels] website"))
    gazette = tuple(_strings(channels.get("gazette", ["政府公报"]), f"{where}: [channels] gazette"))
    default_channel = _text(channels.get("default", ""), f"{where}: [channels] default")
    for label in (*website, *gazette, *([default_channel] if default_channel else [])):
        if label not in vocab["channels"].labels:
            raise ConfigError("config-unknown-channel", where=where, label=label, labels="、".join(vocab["channels"].labels))

    columns = _columns(_table(data, "columns", where), where)
    defaults = _defaults(_table(data, "defaults", where), vocab, where)

    opening_data = _table(data, "opening", where)
    opening: dict[str, int | float] = {}
    through = opening_data.get("through")
    if through is not None and (isinstance(through, bool) or not isinstance(through, int) or not 1990 <= through <= 2100):
        raise ConfigError("config-opening-through", where=where)
    for key, value in opening_data.items():
        if key == "through":
            continue
        if key not in OPENING_KEYS:
            raise ConfigError("config-unknown-opening-key", where=where, key=key, known=", ".join(OPENING_KEYS))
        opening[key] = _count(value, f"{where}: [opening] {key}", amount=key in OPENING_AMOUNTS)

    yearly: dict[int, dict] = {}
    none_kept: dict[int, frozenset[str]] = {}
    for key, value in _table(data, "yearly", where).items():
        try:
            year = int(key)
        except (TypeError, ValueError) as exc:
            raise ConfigError("config-yearly-key", where=where, key=key) from exc
        if not isinstance(value, dict):
            raise ConfigError("config-not-table", where=where, section=f"yearly.{key}")
        figures = dict(value)
        if "none" in figures:
            kinds = _strings(figures.pop("none"), f"{where}: [yearly.{key}] none")
            wrong = [k for k in kinds if k not in KINDS]
            if wrong:
                raise ConfigError("config-yearly-none", where=where, year=year, value=wrong[0], kinds=", ".join(KINDS))
            none_kept[year] = frozenset(kinds)
        yearly[year] = {k: _yearly_number(v, where, year, k) for k, v in figures.items()}

    db_path = db
    ledger = _table(data, "ledger", where)
    if db_path is None and path is not None:
        db_name = _text(ledger.get("path", DB_NAME), f"{where}: [ledger] path")
        db_path = (path.parent / db_name).resolve()
    return Config(
        path=path,
        office=office,
        vocab=vocab,
        columns=columns,
        website_channels=website,
        gazette_channels=gazette,
        default_channel=default_channel,
        needs_reason=needs_reason,
        reason_families=families,
        outcome_aliases=office_outcomes,
        defaults=defaults,
        opening=opening,
        opening_through=through,
        yearly=yearly,
        none_kept=none_kept,
        db_path=db_path,
        raw={k: data[k] for k in ("report", "units") if k in data},
        units=_units(data.get("units"), where, path),
    )


def _units(raw: object, where: str, path: Path | None) -> tuple:
    if raw is None:
        return ()

    return parse_units(raw, where, path.parent if path else None)


def _outcome_aliases(aliases: Mapping[str, str], builtin_vocab: Mapping, where: str) -> dict[str, str]:
    """The office's outcome aliases checked: a family, family/reason of that family, open, not-a-request."""
    families = builtin_vocab["outcomes"]["labels"]
    reasons = {k: v for k, v in builtin_vocab["reasons"].items() if k not in ("aliases", "judgement")}
    for wording, value in aliases.items():
        family, _, reason = value.partition("/")
        if value in ("open", "not-a-request") or (family in families and (not reason or reason in reasons.get(family, ()))):
            continue
        examples = "「予以公开」「无法提供/本机关不掌握相关政府信息」「open」「not-a-request」"
        raise ConfigError("config-outcome-alias", where=where, wording=wording, value=value, examples=examples)
    return dict(aliases)


def _columns(section: Mapping, where: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """[columns.<kind>] field = ["wording", …]: extra header wordings, checked against the schema."""
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for kind, fields in section.items():
        if kind not in KINDS or not isinstance(fields, dict):
            raise ConfigError("config-columns-kind", where=where, kind=kind, kinds=", ".join(KINDS))
        known = {f.name for f in spec(kind).readable}
        for name, words in fields.items():
            if name not in known:
                raise ConfigError("config-columns-field", where=where, kind=kind, field=name, fields=", ".join(sorted(known)))
            out.setdefault(kind, {})[name] = tuple(_strings(words, f"{where}: [columns.{kind}] {name}"))
    return out


def _defaults(section: Mapping, vocab: Mapping[str, Vocabulary], where: str) -> dict[str, dict[str, str]]:
    """[defaults.<kind>] field = "value": what a register without that column means (reported when used)."""
    out: dict[str, dict[str, str]] = {}
    for kind, fields in section.items():
        if kind not in KINDS or not isinstance(fields, dict):
            raise ConfigError("config-columns-kind", where=where, kind=kind, kinds=", ".join(KINDS))
        reg = spec(kind)
        for name, value in fields.items():
            f = next((x for x in reg.readable if x.name == name), None)
            if f is None or f.type not in ("label", "text", "flag"):
                allowed = ", ".join(x.name for x in reg.readable if x.type in ("label", "text", "flag"))
                raise ConfigError("config-defaults-field", where=where, kind=kind, field=name, fields=allowed)
            text = _text(value, f"{where}: [defaults.{kind}] {name}")
            if f.type == "label" and vocab[f.vocab].lookup(text) is None:
                raise ConfigError("config-defaults-value", where=where, kind=kind, field=name, value=text, labels="、".join(vocab[f.vocab].labels))
            out.setdefault(kind, {})[name] = vocab[f.vocab].lookup(text) if f.type == "label" else text  # type: ignore[assignment]
    return out


# --- a county's units ([[units]]): values checked when the file is read; rollup/ counts them --------
# A key (a unit's name is not a key — every county has a 财政局), a display name, a type, a parent,
# the years it existed, and the one place its data is — a member workspace, an exported JSON file, or
# the rows of the county's own registers whose unit column names it. docs/rollup.md describes every key.

SOURCES = ("workspace", "export", "column")
UNIT_KEYS = ("key", "name", "type", "parent", "years", *SOURCES, "stock_in", "follows", "opening", "yearly")
KEY_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,39}")
FIRST_YEAR, LAST_YEAR = 1990, 2100


@dataclass(frozen=True)
class Unit:
    """One unit of a county: where its data is and the years it existed."""

    key: str
    name: str
    type: str
    source: str  # workspace | export | column
    location: str = ""  # workspace: a folder; export: a file ({year} replaced); relative to the county's disclo.toml
    wordings: tuple[str, ...] = ()  # column: what the county's registers' unit column says for it
    parent: str = ""
    years: tuple[int, int] = (FIRST_YEAR, LAST_YEAR)
    stock_in: str = ""  # its stocks (documents in force) are counted by this unit too: stock cells leave it out
    follows: tuple[str, ...] = ()  # the units it continues (renamed from, merged from)
    opening: Mapping[str, int | float] = field(default_factory=dict)  # column units: their [opening]
    opening_through: int | None = None
    yearly: Mapping[int, Mapping[str, int | Decimal]] = field(default_factory=dict)  # column units: their [yearly]

    def exists_in(self, year: int) -> bool:
        return self.years[0] <= year <= self.years[1]

    def path(self, workspace: Path, year: int) -> Path:
        """The folder (workspace) or the file (export) of the unit's data for a year."""
        path = Path(self.location.replace("{year}", str(year)))
        return path if path.is_absolute() else workspace / path

    @property
    def label(self) -> str:
        """How messages name the unit: its name and key."""
        return f"{self.name}（{self.key}）"


def parse_units(raw: object, where: str, workspace: Path | None) -> tuple[Unit, ...]:
    """The `[[units]]` of a disclo.toml, checked: unknown keys, a missing or duplicate key, a unit
    with no place or two, two units in one place, a parent, stock_in or follows that names no unit."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError("units-not-list", where=where)
    units = [_unit_of(entry, i, where) for i, entry in enumerate(raw)]
    _check_unit_keys(units, where)
    _check_unit_places(units, where, workspace)
    return tuple(units)


def _unit_of(entry: object, index: int, where: str) -> Unit:
    at = f"{where}: [[units]] #{index + 1}"
    if not isinstance(entry, dict):
        raise ConfigError("units-not-list", where=where)
    if isinstance(entry.get("key"), str):
        at = f"{where}: [[units]] key = {entry['key']!r}"
    unknown = [k for k in entry if k not in UNIT_KEYS]
    if unknown:
        raise ConfigError("units-unknown-key", where=at, keys=", ".join(unknown), known=", ".join(UNIT_KEYS))
    for required in ("key", "name", "type"):
        if not entry.get(required):
            raise ConfigError("units-missing", where=at, key=required)
    key = _text(entry["key"], f"{at} key")
    if not KEY_RE.fullmatch(key):
        raise ConfigError("units-bad-key", where=at, value=key)
    sources = [s for s in SOURCES if s in entry]
    if len(sources) != 1:
        raise ConfigError("units-source" if not sources else "units-two-sources", where=at, sources=", ".join(sources or SOURCES))
    source = sources[0]
    wordings: tuple[str, ...] = ()
    location = ""
    if source == "column":
        value = entry["column"]
        wordings = tuple(_strings([value] if isinstance(value, str) else value, f"{at} column"))
        if not wordings or not all(w.strip() for w in wordings):
            raise ConfigError("units-missing", where=at, key="column")
    else:
        location = _text(entry[source], f"{at} {source}")
        if not location.strip():
            raise ConfigError("units-missing", where=at, key=source)
    if source != "column" and ("opening" in entry or "yearly" in entry):
        raise ConfigError("units-figures-not-column", where=at, source=source)
    opening, through, yearly = _unit_figures(entry, at)
    return Unit(key, _text(entry["name"], f"{at} name"), _text(entry["type"], f"{at} type"), source, location, wordings,
                _text(entry.get("parent", ""), f"{at} parent"), _unit_years(entry.get("years"), at),
                _text(entry.get("stock_in", ""), f"{at} stock_in"), tuple(_strings(entry.get("follows", []), f"{at} follows")),
                opening, through, yearly)


def _unit_years(value: object, at: str) -> tuple[int, int]:
    if value is None:
        return (FIRST_YEAR, LAST_YEAR)
    ok = isinstance(value, list) and len(value) == 2 and all(isinstance(y, int) and not isinstance(y, bool) and FIRST_YEAR <= y <= LAST_YEAR for y in value)
    if not ok or value[0] > value[1]:  # type: ignore[index]
        raise ConfigError("units-years", where=at, value=repr(value)[:60])
    return (value[0], value[1])  # type: ignore[index]


def _unit_figures(entry: Mapping[str, Any], at: str) -> tuple[dict[str, int | float], int | None, dict[int, dict[str, int | Decimal]]]:
    """A column unit's own [opening] and [yearly] figures (the same keys as disclo.toml's)."""
    if "opening" not in entry and "yearly" not in entry:
        return {}, None, {}
    sub = from_dict({k: entry[k] for k in ("opening", "yearly") if k in entry}, Path(at))  # messages name the unit
    return dict(sub.opening), sub.opening_through, {y: dict(v) for y, v in sub.yearly.items()}


def _check_unit_keys(units: Sequence[Unit], where: str) -> None:
    seen: dict[str, Unit] = {}
    for u in units:
        folded = u.key.lower()
        if folded in seen:
            raise ConfigError("units-duplicate-key", where=where, key=u.key, other=seen[folded].key)
        seen[folded] = u
    keys = {u.key for u in units}
    for u in units:
        for name, value in (("parent", u.parent), ("stock_in", u.stock_in), *(("follows", f) for f in u.follows)):
            if value and (value not in keys or value == u.key):
                raise ConfigError("units-no-such-unit", where=where, unit=u.key, key=name, value=value, keys=", ".join(sorted(keys)))
    parents = {u.key: u.parent for u in units}
    for u in units:  # a parent chain that comes back to the unit
        chain, current = [u.key], u.parent
        while current:
            if current in chain:
                raise ConfigError("units-parent-loop", where=where, units=" → ".join([*chain, current]))
            chain.append(current)
            current = parents.get(current, "")


def _units_overlap(a: Unit, b: Unit) -> bool:
    return a.years[0] <= b.years[1] and b.years[0] <= a.years[1]


def _check_unit_places(units: Sequence[Unit], where: str, workspace: Path | None) -> None:
    """Two units of the same years in one place would count the same rows twice."""
    base = workspace or Path(".")
    places: list[tuple[Unit, str]] = []
    for u in units:
        if u.source == "column":
            places += [(u, "column:" + norm(w)) for w in u.wordings]
        else:
            places.append((u, f"{u.source}:{Path(base, u.location).resolve(strict=False)}".lower()))
    for i, (a, pa) in enumerate(places):
        for b, pb in places[i + 1:]:
            if pa == pb and a.key != b.key and _units_overlap(a, b):
                shown = a.location if a.source != "column" else pa.split(":", 1)[1]
                raise ConfigError("units-same-place", where=where, first=a.key, second=b.key, place=shown)
