"""The office's disclo.toml: profile, vocabularies, channel mapping, opening balances.

Core code receives a Config; only this module reads the file, and only the CLI decides which file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
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
    lock_timeout: float = 60.0  # seconds to wait for another disclo's write to the ledger

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
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise ConfigError("config-missing", path=str(path)) from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError("config-not-toml", path=str(path), problem=str(exc)) from exc
        except UnicodeDecodeError:
            raise ConfigError("config-not-utf8", path=str(path)) from None
    return replace(from_dict(data, path, db), lock_timeout=lock_timeout_of(lock_timeout))


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError("config-not-strings", where=where)
    return list(value)


def _mapping(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError("config-not-aliases", where=where)
    return dict(value)


def from_dict(data: Mapping, path: Path | None = None, db: Path | None = None) -> Config:
    where = str(path) if path else "disclo.toml"
    office_data = data.get("office", {})
    unknown = set(office_data) - set(OFFICE_KEYS)
    if unknown:
        raise ConfigError("config-unknown-office-keys", where=where, keys=", ".join(sorted(unknown)), known=", ".join(OFFICE_KEYS))
    office = Office(**{k: str(v) for k, v in office_data.items()})

    vocab: dict[str, Vocabulary] = {}
    for name in VOCABS:
        base = builtin(name)
        section = data.get(name, {})
        if not isinstance(section, dict):
            raise ConfigError("config-not-table", where=where, section=name)
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
            raise ConfigError("config-unknown-channel", where=where, label=label, labels="、".join(vocab["channels"].labels))

    col_data = builtin_columns()
    extra_cols = data.get("columns", {})
    columns = {k: ColumnSpec.build(k, col_data[k], extra_cols.get(k)) for k in KINDS}

    opening_data = data.get("opening", {})
    opening: dict[str, int] = {}
    through = opening_data.get("through")
    if through is not None and (isinstance(through, bool) or not isinstance(through, int)):
        raise ConfigError("config-opening-through", where=where)
    for key, value in opening_data.items():
        if key == "through":
            continue
        if key not in OPENING_KEYS:
            raise ConfigError("config-unknown-opening-key", where=where, key=key, known=", ".join(OPENING_KEYS))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ConfigError("config-opening-value", where=where, key=key, value=repr(value))
        opening[key] = value

    yearly: dict[int, dict] = {}
    for key, value in data.get("yearly", {}).items():
        try:
            yearly[int(key)] = dict(value)
        except (TypeError, ValueError):
            raise ConfigError("config-yearly-key", where=where, key=key) from None

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
