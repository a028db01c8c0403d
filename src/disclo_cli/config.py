"""The office's disclo.toml: profile, vocabularies, channel mapping, opening balances.

Core code receives a Config; only this module reads the file, and only the CLI decides which file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from disclo_cli.errors import ConfigError
from disclo_cli.ingest.layout import KINDS, ColumnSpec
from disclo_cli.vocab import Vocabulary, builtin, builtin_columns

CONFIG_NAME = "disclo.toml"
DB_NAME = "disclo.sqlite"

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

VOCABS = ("categories", "channels", "request_channels", "applicants", "outcomes", "reasons", "case_types", "case_routes", "case_results", "doc_types")


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
    columns: Mapping[str, ColumnSpec]
    website_channels: tuple[str, ...] = ("政府网站",)
    gazette_channels: tuple[str, ...] = ("政府公报",)
    default_channel: str = ""
    needs_reason: tuple[str, ...] = ()
    reason_families: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    opening: Mapping[str, int] = field(default_factory=dict)
    opening_through: int | None = None  # the last year the opening balances cover
    yearly: Mapping[int, Mapping[str, object]] = field(default_factory=dict)
    db_path: Path | None = None

    @property
    def workspace(self) -> Path:
        return self.path.parent if self.path else Path.cwd()


def find_config(start: Path | None = None) -> Path | None:
    """disclo.toml in the folder or the nearest parent folder that has one."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load(path: Path | None, db: Path | None = None) -> Config:
    """The Config of a disclo.toml (or the built-in defaults when path is None)."""
    data: dict = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: no such config file", hint="Run 'disclo init' to create one, or fix --config / DISCLO_CONFIG.") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})", hint="Fix the line it names; strings need quotes.") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{path}: not UTF-8 text", hint="Save disclo.toml as UTF-8.") from None
    return from_dict(data, path, db)


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings, like [\"政府网站\"]")
    return list(value)


def _mapping(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(f"{where} must be a table of \"wording\" = \"label\" lines")
    return dict(value)


def from_dict(data: Mapping, path: Path | None = None, db: Path | None = None) -> Config:
    where = str(path) if path else "disclo.toml"
    office_data = data.get("office", {})
    unknown = set(office_data) - set(OFFICE_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) in [office]: {', '.join(sorted(unknown))}", hint=f"Known keys: {', '.join(OFFICE_KEYS)}.")
    office = Office(**{k: str(v) for k, v in office_data.items()})

    vocab: dict[str, Vocabulary] = {}
    for name in VOCABS:
        base = builtin(name)
        section = data.get(name, {})
        if not isinstance(section, dict):
            raise ConfigError(f"{where}: [{name}] must be a table")
        labels = _strings(section["labels"], f"{where}: [{name}] labels") if "labels" in section else None
        aliases = _mapping(section.get("aliases", {}), f"{where}: [{name}.aliases]")
        replace = name == "categories"  # an office's category list is its own, in its own order
        vocab[name] = base.extend(labels, aliases, replace=replace) if (labels or aliases) else base

    builtin_vocab = __import__("disclo_cli.vocab", fromlist=["builtin_data"]).builtin_data()
    needs_reason = tuple(builtin_vocab["outcomes"]["needs_reason"])
    families = {k: tuple(v) for k, v in builtin_vocab["reasons"].items() if k != "aliases"}

    channels = data.get("channels", {})
    website = tuple(_strings(channels.get("website", ["政府网站"]), f"{where}: [channels] website"))
    gazette = tuple(_strings(channels.get("gazette", ["政府公报"]), f"{where}: [channels] gazette"))
    default_channel = str(channels.get("default", ""))
    for label in (*website, *gazette, *([default_channel] if default_channel else [])):
        if label not in vocab["channels"].labels:
            raise ConfigError(f"{where}: [channels] names {label!r}, which is not a channel label", hint=f"Channel labels: {'、'.join(vocab['channels'].labels)}.")

    col_data = builtin_columns()
    extra_cols = data.get("columns", {})
    columns = {k: ColumnSpec.build(k, col_data[k], extra_cols.get(k)) for k in KINDS}

    opening_data = data.get("opening", {})
    opening: dict[str, int] = {}
    through = opening_data.get("through")
    if through is not None and (isinstance(through, bool) or not isinstance(through, int)):
        raise ConfigError(f"{where}: [opening] through must be a year, like through = 2017")
    for key, value in opening_data.items():
        if key == "through":
            continue
        if key not in OPENING_KEYS:
            raise ConfigError(f"{where}: unknown key in [opening]: {key!r}", hint=f"Known keys: {', '.join(OPENING_KEYS)}.")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ConfigError(f"{where}: [opening] {key} must be a number ≥ 0, not {value!r}")
        opening[key] = value

    yearly: dict[int, dict] = {}
    for key, value in data.get("yearly", {}).items():
        try:
            yearly[int(key)] = dict(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{where}: [yearly.{key}] must be a year, like [yearly.2023]") from None

    db_path = db
    if db_path is None and path is not None:
        db_name = data.get("ledger", {}).get("path", DB_NAME)
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
        opening=opening,
        opening_through=through,
        yearly=yearly,
        db_path=db_path,
    )
