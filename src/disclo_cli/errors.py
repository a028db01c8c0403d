"""The exceptions that cross from the core to the command line.

Every message names the place (file, sheet, row, column where there is one) and says what to do.
Problems found *in* the data are not exceptions: they are Findings in a result.
"""

from __future__ import annotations


class DiscloError(Exception):
    """An error the user can act on; the CLI prints it as one line and exits with ``exit_code``."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  {self.hint}"


class UsageError(DiscloError):
    """Options or arguments that cannot work together."""

    exit_code = 2


class InputError(DiscloError):
    """A file that cannot be read as a register (missing, corrupt, no header...)."""


class ConfigError(DiscloError):
    """disclo.toml is missing a key, has a wrong type, or cannot be parsed."""


class LedgerError(DiscloError):
    """The ledger cannot be opened, is locked, or is of an unknown schema version."""


class DataError(DiscloError):
    """Data problems that block a correct result (strict mode, broken table identities)."""


class OutputError(DiscloError):
    """An output file cannot be written (read-only folder, disk full...)."""
