"""Where something was found, and what: the one result type every core function returns its
problems in (a code, a severity, a place, the parameters of the code's message; messages.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Place:
    """Where something was found: a file, a sheet, a 1-based row (or line of a text file) and a
    column header; or a cell of a standard table."""

    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    cell: str = ""  # a standard table cell, e.g. 三.（七）/自然人
    line: int | None = None  # a line of a text file (a prose file, disclo.toml)
    unit: str = ""  # in a county's roll-up: the unit whose data it is in (its name and key)

    def render(self, language: str | None = None) -> str:
        """The place as a person reads it, in the given (or the active) language."""
        from disclo_cli.messages import render

        head = [self.unit] if self.unit else []
        if self.cell and not self.file:
            return render("place.join", language=language).join([*head, render("place.cell", {"cell": self.cell}, language=language)])
        parts = [*head, self.file] if self.file else head
        if self.sheet:
            parts.append(render("place.sheet", {"sheet": self.sheet}, language=language))
        if self.row is not None:
            parts.append(render("place.row", {"row": self.row}, language=language))
        if self.line is not None:
            parts.append(render("place.line", {"line": self.line}, language=language))
        if self.column:
            parts.append(render("place.column", {"column": self.column}, language=language))
        return render("place.join", language=language).join(parts)

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem in the data: severity, rule code, place, and the parameters of the code's message.

    The message and the hint are made from the code's templates in the active language (messages.py);
    JSON carries them in English, with the code and the parameters, whatever the language.
    """

    severity: Severity
    code: str
    place: Place = field(default_factory=Place)
    params: tuple[tuple[str, object], ...] = ()
    variant: str = ""  # one rule, several wordings: the message is the template of code.variant

    @classmethod
    def of(cls, severity: Severity, code: str, place: Place | None = None, /, *, variant: str = "", **params: object) -> "Finding":
        return cls(severity, code, place or Place(), tuple(params.items()), variant)

    @property
    def key(self) -> str:
        """The message catalogue entry of this finding (its hint is key + '.hint')."""
        return f"{self.code}.{self.variant}" if self.variant else self.code

    @property
    def args(self) -> dict[str, object]:
        return dict(self.params)

    @property
    def message(self) -> str:
        from disclo_cli.messages import render

        return render(self.key, self.args)

    @property
    def hint(self) -> str:
        from disclo_cli.messages import render_hint

        return render_hint(self.key, self.args)

    def with_severity(self, severity: Severity) -> "Finding":
        return Finding(severity, self.code, self.place, self.params, self.variant)

    def in_unit(self, unit: str) -> "Finding":
        """The finding placed in a unit of a county's roll-up."""
        from dataclasses import replace

        return Finding(self.severity, self.code, replace(self.place, unit=unit), self.params, self.variant)

    def as_dict(self) -> dict:
        from disclo_cli.messages import render, render_hint

        args = self.args
        out = {
            "severity": self.severity,
            "code": self.code,
            "message": render(self.key, args, language="en"),
            "file": self.place.file,
            "sheet": self.place.sheet,
            "row": self.place.row if self.place.row is not None else self.place.line,
            "column": self.place.column,
            "cell": self.place.cell,
            "hint": render_hint(self.key, args, language="en"),
        }
        if self.place.unit:  # a finding in a unit of a county's roll-up
            out["unit"] = self.place.unit
        return out


def blocking(findings: Iterable[Finding]) -> bool:
    """Whether any finding blocks a correct result (severity error): what makes a command exit 1."""
    return any(f.severity == "error" for f in findings)


def errors_of(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]
