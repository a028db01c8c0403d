"""The office's report settings: disclo.toml ``[report]``, checked when a report is made.

Core code receives these values (config.py keeps the section as ``Config.raw["report"]`` for the
module that owns it, this one). Every key is checked for its type; an unknown key is refused with the
list of known ones, so that a typo (``chart = true``) never silently does nothing. docs/report.md
describes every key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from disclo_cli.config import Config
from disclo_cli.errors import ConfigError
from disclo_cli.messages import Msg, msg

#: who publishes the report, which decides its deadline (deadlines.md, 2019 text art. 49)
LEVELS = ("department", "government")
KEYS = ("level", "charts", "template", "previous", "year_over_year", "extra_figures", "overview_max_chars")


@dataclass(frozen=True)
class ReportSettings:
    """What an office's disclo.toml says about its report (defaults without a [report] section)."""

    level: str = "department"  # department (部门、乡镇、街道: by 31 January) | government (县级以上人民政府本级: by 31 March)
    charts: bool = False
    template: Path | None = None  # the office's letterhead DOCX, resolved against the workspace
    previous: Path | None = None  # last year's published tables (disclo table --format json)
    year_over_year: bool = True  # the generated sentences compare with last year where it is known
    extra_figures: tuple[str, ...] = ()  # figures from [yearly] the office must report (the outline declares them)
    overview_max_chars: int | None = None  # a notice's cap on section 一 (e.g. 1000)


def report_settings(config: Config) -> ReportSettings:
    """The [report] section of the office's disclo.toml, checked."""
    data: Any = config.raw.get("report", {})
    where = str(config.path) if config.path else "disclo.toml"
    if not isinstance(data, Mapping):
        raise ConfigError("config-not-table", where=where, section="report")
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise ConfigError("report-config-key", where=where, keys=", ".join(unknown), known=", ".join(KEYS))

    def typed(key: str, kind: type | tuple[type, ...], expected: Msg) -> Any:
        value = data[key]
        if isinstance(value, bool) and kind is not bool:
            raise ConfigError("report-config-type", where=where, key=key, expected=expected, value=repr(value)[:60])
        if not isinstance(value, kind):
            raise ConfigError("report-config-type", where=where, key=key, expected=expected, value=repr(value)[:60])
        return value

    out: dict[str, Any] = {}
    if "level" in data:
        level = typed("level", str, msg("expected.level"))
        if level not in LEVELS:
            raise ConfigError("report-config-type", where=where, key="level", expected=msg("expected.level"), value=repr(level)[:60])
        out["level"] = level
    for key in ("charts", "year_over_year"):
        if key in data:
            out[key] = typed(key, bool, msg("expected.flag"))
    for key in ("template", "previous"):
        if key in data:
            text = typed(key, str, msg("expected.file"))
            if not text.strip():
                raise ConfigError("report-config-type", where=where, key=key, expected=msg("expected.file"), value=repr(text))
            out[key] = config.workspace / text
    if "extra_figures" in data:
        names = typed("extra_figures", list, msg("expected.names"))
        if not all(isinstance(n, str) and n.strip() for n in names):
            raise ConfigError("report-config-type", where=where, key="extra_figures", expected=msg("expected.names"), value=repr(names)[:60])
        out["extra_figures"] = tuple(dict.fromkeys(n.strip() for n in names))
    if "overview_max_chars" in data:
        limit = typed("overview_max_chars", int, msg("expected.chars"))
        if limit <= 0:
            raise ConfigError("report-config-type", where=where, key="overview_max_chars", expected=msg("expected.chars"), value=repr(limit))
        out["overview_max_chars"] = limit
    return ReportSettings(**out)
