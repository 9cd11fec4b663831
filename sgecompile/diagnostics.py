"""Findings as data: one record per problem, with where it is and what to write instead.

Nothing in the pipeline raises on a user's mistake; it returns these records,
and the command line decides what to print and which exit code to use.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@attrs.frozen
class Location:
    """A place in a profile file; line and column are 1-based, ``None`` where unknown."""

    file: str | None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file or "<defaults>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@attrs.frozen
class Diagnostic:
    code: str
    severity: Severity
    message: str
    location: Location
    hint: str | None = None

    def as_json(self) -> dict[str, object]:
        """The record as the documented ``--format json`` object."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "hint": self.hint,
        }


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


def sort_key(d: Diagnostic) -> tuple[str, int, int, str, str, str]:
    """Order findings as a reader meets them: by file, line, column, then code (then the text, so every run agrees)."""
    return (d.location.file or "", d.location.line or 0, d.location.column or 0, d.code, d.message, d.hint or "")
