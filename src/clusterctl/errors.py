"""Exit codes and the exceptions that carry them.

Users script against these codes, so they are a contract: a filter, search or
`show` that finds nothing is not an error but exits 1; anything the user must
fix (bad flag, bad file) exits 2. Standard library only.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit statuses, grep-style."""

    OK = 0
    NO_RESULT = 1
    USAGE = 2
    INTERRUPTED = 130


class ClusterctlError(Exception):
    """An expected failure: printed as one line on stderr, never a traceback."""

    exit_code: ExitCode = ExitCode.USAGE


class UsageError(ClusterctlError):
    """A bad option value (unknown sector, region, field...)."""


class DataFileError(ClusterctlError):
    """A dataset, profile or batch file that cannot be read or is invalid.

    `problems` holds every `FILE:LINE: path: message` line when there are several.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class ProfileError(DataFileError):
    """A company profile that cannot be used."""


class NotFoundError(ClusterctlError):
    """Nothing matched: exit 1, with a message (and suggestions) on stderr."""

    exit_code = ExitCode.NO_RESULT
