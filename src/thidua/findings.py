"""Findings: what `thidua check` reports, one value per problem.

Every problem the reader or a check finds is a `Finding` with a stable code, a severity, the file
(relative to the data directory), a 1-based line and column, and a message that says what is wrong and
how to fix it. One list of findings feeds the text, JSON and GitHub outputs. Findings are made only by
the codes of `thidua.catalogue`, which fix each code's severity and wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Position:
    """Where a value stands: a file relative to the data directory, 1-based line and column.

    A problem with the file as a whole (missing, unreadable) stands at line 1, column 1.
    """

    path: str
    line: int = 1
    column: int = 1


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in the records."""

    code: str
    severity: Severity
    position: Position
    message: str

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        p = self.position
        return (p.path, p.line, p.column, self.code, self.message)

    def as_dict(self) -> dict[str, object]:
        p = self.position
        return {
            "path": p.path,
            "line": p.line,
            "column": p.column,
            "severity": str(self.severity),
            "code": self.code,
            "message": self.message,
        }


class FileProblem(Exception):
    """A file cannot be read at all; carries the finding that says why."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


class Refused(Exception):
    """A request that cannot be done on these records (a pledge already signed, a template that
    goes over a limit, a write the machine refuses); the message says why, in plain words. Each
    part of thidua refuses with its own subclass; the commands print any of them the same way."""
