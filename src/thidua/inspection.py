"""`thidua check` as a library call: read the records with the ledger rules listening, run the
rules across files, and sort every finding. Commands that need valid records (a report, a rotation,
a signature) ask `valid_records`, which gives the records or the errors that stop them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from thidua.checks import LedgerChecks, ProposalClaims, run
from thidua.findings import Finding, Severity
from thidua.repository import LedgerConsumer, Records, load


@dataclass(slots=True)
class Inspection:
    """The records read (None when cluster.yaml is missing or invalid), every finding sorted, and
    how many files were read."""

    records: Records | None
    findings: list[Finding]
    files: int

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]


def inspect(
    root: Path,
    today: date | None = None,
    years: Collection[int] | None = None,
    ledgers: Collection[int] | None = None,
    consumers: Sequence[LedgerConsumer] = (),
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Inspection:
    """Read and check the repository at `root` (or only some of its years, see `load`); other
    `consumers` read the ledgers in the same pass as the checks."""
    reading = load(
        root,
        years,
        ledgers,
        consumers=[LedgerChecks(), ProposalClaims(), *consumers],
        jobs=jobs,
        progress=progress,
    )
    findings = reading.findings
    if reading.records is not None:
        findings += run(reading.records, today or date.today())
    findings.sort(key=lambda f: f.sort_key)
    return Inspection(reading.records, findings, reading.files)


def check_repository(root: Path, today: date | None = None) -> tuple[list[Finding], int]:
    """Read and check the repository at `root`: all findings, sorted, and how many files were
    read. This is what `thidua check` prints; `today` decides which pledges are in the past."""
    result = inspect(root, today)
    return result.findings, result.files


class InvalidRecords(Exception):
    """The records have errors, so the command cannot go on; carries them to be shown."""

    def __init__(self, root: Path, errors: list[Finding], files: int) -> None:
        super().__init__(f"the records in {root} have errors")
        self.root = root
        self.errors = errors
        self.files = files


def valid_records(
    root: Path,
    years: Collection[int] | None = None,
    ledgers: Collection[int] | None = None,
    consumers: Sequence[LedgerConsumer] = (),
    today: date | None = None,
) -> Records:
    """The records at `root` (or the years named) if they pass `check`; else `InvalidRecords`."""
    result = inspect(root, today, years, ledgers, consumers)
    if result.errors or result.records is None:
        raise InvalidRecords(root, result.errors, result.files)
    return result.records
