"""The exceptions that cross from the core to the command line.

An error carries a message code and its parameters (see messages.py); its text, in the language
the person chose, names the place (file, sheet, row, column where there is one) and its hint says
what to do. Problems found *in* the data are not exceptions: they are Findings in a result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from disclo_cli.messages import render, render_hint

if TYPE_CHECKING:
    from disclo_cli.model import Finding


class DiscloError(Exception):
    """An error the user can act on; the CLI prints it as one line and exits with ``exit_code``."""

    exit_code = 1

    def __init__(self, code: str, /, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message(self) -> str:
        return render(self.code, self.params)

    @property
    def hint(self) -> str:
        return render_hint(self.code, self.params)

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  {self.hint}"


class UsageError(DiscloError):
    """Options or arguments that cannot work together."""

    exit_code = 2


class InputError(DiscloError):
    """A file that cannot be read as a register (missing, corrupt, no header...)."""


class ConfigError(DiscloError):
    """disclo.toml (or a table definition) is missing a key, has a wrong type, or cannot be parsed."""


class LedgerError(DiscloError):
    """The ledger cannot be opened, is locked, damaged, or is of an unknown schema version."""


class DataError(DiscloError):
    """Data problems that block a correct result (strict mode, broken table identities)."""

    def __init__(self, code: str, /, findings: Sequence[Finding] = (), **params: object) -> None:
        super().__init__(code, **params)
        self.findings: tuple[Finding, ...] = tuple(findings)


class OutputError(DiscloError):
    """An output file cannot be written (read-only folder, disk full, would overwrite an input...)."""
