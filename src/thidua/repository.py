"""Reading a cluster repository: `cluster.yaml` and one folder per year, into validated records.

`load()` reads every file it knows, records every problem as a finding and goes on, so that one run
reports everything. Records that fail validation are left out (as `None`) and the checks across
files skip what is missing, so one mistake is reported once, where it is.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from thidua import checks
from thidua.csvfile import CsvFile
from thidua.findings import FileProblem, Finding, Position, error, warning
from thidua.models import Cluster, Conference, Leadership, Pledge, Record
from thidua.names import did_you_mean
from thidua.tables import AWARD_COLUMNS, Batch, Row, Table, indicator_columns
from thidua.textfile import read_text
from thidua.validation import validation_findings
from thidua.yamlfile import YamlDocument, load_yaml

M = TypeVar("M", bound=Record)

YEAR_YAML: dict[str, type[Record]] = {
    "leadership.yaml": Leadership,
    "conference.yaml": Conference,
    "pledge.yaml": Pledge,
}
YEAR_CSV = ("indicators.csv", "awards.csv")
_YEAR_DIR = re.compile(r"\d{4}")
_IGNORED = re.compile(r"(README.*|\..*|.*\.md|.*~|schemas)", re.IGNORECASE)


@dataclass(slots=True)
class Loaded(Generic[M]):
    """A validated YAML record and the document it came from (for positions)."""

    model: M
    doc: YamlDocument

    def pos(self, *loc: str | int) -> Position:
        return self.doc.position(loc)


@dataclass(slots=True)
class AwardRow:
    line: int
    member: str | None
    award: str
    count: int
    recipient_kind: str | None
    scope: str
    status: str
    decision_number: str | None = None
    decision_date: date | None = None
    issuer: str | None = None


@dataclass(slots=True)
class AwardGroup:
    """Awards of one type in one bucket (member, cluster, chair, proposed), counted as the ledger is
    read: a ledger of a million rows is never held in memory."""

    bucket: str
    award: str
    total: int = 0
    collective: int = 0
    individual: int = 0
    members: dict[str, int] = field(default_factory=dict)
    lines: array = field(default_factory=lambda: array("I"))


@dataclass(slots=True)
class Year:
    year: int
    folder: str
    leadership: Loaded[Leadership] | None = None
    conference: Loaded[Conference] | None = None
    pledge: Loaded[Pledge] | None = None
    indicators: list[Row] | None = None
    indicators_file: str | None = None
    awards: dict[tuple[str, str], AwardGroup] | None = None  # by (bucket, award type)
    cluster_awards: list[AwardRow] = field(default_factory=list)  # the cluster's own, in full
    awards_file: str | None = None


@dataclass(slots=True)
class Repository:
    root: Path
    cluster: Loaded[Cluster] | None = None
    years: dict[int, Year] = field(default_factory=dict)
    files: int = 0


def load_record(path: Path, rel: str, model: type[M]) -> tuple[Loaded[M] | None, list[Finding]]:
    """Read and validate one YAML file."""
    try:
        doc, findings = load_yaml(read_text(path, rel), rel)
    except FileProblem as exc:
        return None, [exc.finding]
    try:
        record = model.model_validate(doc.data)
    except ValidationError as exc:
        return None, findings + validation_findings(exc, doc, model)
    return Loaded(record, doc), findings


def _year_of(loaded: Loaded[Any], folder: int) -> list[Finding]:
    if loaded.model.year != folder:
        return [
            error(
                "year-mismatch",
                loaded.pos("year"),
                f"the file says year {loaded.model.year} but sits in the folder {folder}/;"
                " move it or correct the year",
            )
        ]
    return []


def load(root: Path) -> tuple[Repository, list[Finding]]:
    """Read the repository at `root`: every record that is valid, and every finding."""
    repo = Repository(root)
    findings: list[Finding] = []
    if not root.is_dir():
        what = "is not a folder" if root.exists() else "does not exist"
        findings.append(
            error(
                "cluster-missing",
                Position("cluster.yaml"),
                f"the data folder {root} {what}; give the cluster's folder with --data DIR",
            )
        )
        return repo, findings
    cluster_path = root / "cluster.yaml"
    if not cluster_path.is_file():
        findings.append(
            error(
                "cluster-missing",
                Position("cluster.yaml"),
                f"no cluster.yaml in {root}; is this a cluster's data folder?"
                " (give it with --data DIR or THIDUA_DATA)",
            )
        )
    else:
        repo.files += 1
        repo.cluster, found = load_record(cluster_path, "cluster.yaml", Cluster)
        findings += found

    for entry in sorted(root.iterdir()):
        if entry.name == "cluster.yaml" or _IGNORED.fullmatch(entry.name):
            continue
        if entry.is_dir() and _YEAR_DIR.fullmatch(entry.name):
            findings += _load_year(repo, entry)
        elif entry.suffix.lower() in (".yaml", ".yml", ".csv") or entry.is_dir():
            findings.append(
                warning(
                    "file-unknown",
                    Position(entry.name + ("/" if entry.is_dir() else "")),
                    "thidua does not read this; year folders are named by the year (2023/)",
                )
            )
    return repo, findings


def _load_year(repo: Repository, folder: Path) -> list[Finding]:
    findings: list[Finding] = []
    number = int(folder.name)
    year = repo.years[number] = Year(number, folder.name)
    known = set(YEAR_YAML) | set(YEAR_CSV)
    for entry in sorted(folder.iterdir()):
        rel = f"{folder.name}/{entry.name}"
        if entry.name in known or _IGNORED.fullmatch(entry.name):
            continue
        findings.append(
            warning(
                "file-unknown",
                Position(rel),
                f"thidua does not read this file; the files of a year are"
                f" {', '.join(sorted(known))}{did_you_mean(entry.name, known)}",
            )
        )
    for name, model in YEAR_YAML.items():
        path = folder / name
        if not path.is_file():
            continue
        repo.files += 1
        loaded, found = load_record(path, f"{folder.name}/{name}", model)
        findings += found
        if loaded is not None:
            findings += _year_of(loaded, number)
            setattr(year, name.removesuffix(".yaml"), loaded)
    if repo.cluster is None:
        return findings  # the CSV columns come from cluster.yaml
    cluster = repo.cluster.model
    path = folder / "indicators.csv"
    if path.is_file():
        repo.files += 1
        year.indicators_file = f"{folder.name}/indicators.csv"
        table = _table(path, year.indicators_file, indicator_columns(cluster))
        seen: dict[str, int] = {}
        row_check = checks.indicator_row_checks(cluster, number, seen)
        year.indicators, found = _read(table, row_check)
        findings += found
        if year.indicators is not None and isinstance(table, Table) and table.header_ok:
            findings += checks.check_indicator_rows(repo, year, seen, table.file.header)
    path = folder / "awards.csv"
    if path.is_file():
        repo.files += 1
        year.awards_file = f"{folder.name}/awards.csv"
        table = _table(path, year.awards_file, AWARD_COLUMNS)
        findings += _tally(table, checks.award_row_checks(cluster, number), year)
    return findings


def _table(path: Path, rel: str, columns: dict[str, Any]) -> Table | Finding:
    try:
        return Table(CsvFile(path, rel), columns)
    except FileProblem as exc:
        return exc.finding


def _read(
    table: Table | Finding, row_check: Callable[[Table, Row], Iterable[Finding]]
) -> tuple[list[Row] | None, list[Finding]]:
    """All rows of a table, each checked as it is read; `None` if the file cannot be read."""
    if isinstance(table, Finding):
        return None, [table]
    rows: list[Row] = []
    found: list[Finding] = []
    try:
        for row in table.rows():
            rows.append(row)
            found.extend(row_check(table, row))
    except FileProblem as exc:
        return None, [*table.findings, *found, exc.finding]
    return rows, table.findings + found


def _tally(
    table: Table | Finding, check: Callable[[Table, Batch], list[Finding]], year: Year
) -> list[Finding]:
    """Read the award ledger a batch at a time into `year.awards`, checking each batch."""
    if isinstance(table, Finding):
        return [table]
    groups: dict[tuple[str, str], AwardGroup] = {}
    found: list[Finding] = []
    try:
        for batch in table.batches():
            found.extend(check(table, batch))
            v = batch.values
            n = len(batch)
            none = [None] * n
            columns = zip(
                batch.lines,
                v["award"],
                v.get("status", none),
                v.get("scope", none),
                v.get("count", none),
                v.get("recipient_kind", none),
                v.get("member", none),
                strict=True,
            )
            for k, (line, award, status, scope, count, kind, member) in enumerate(columns):
                if award is None:
                    continue
                scope = scope or "member"
                bucket = "proposed" if status == "proposed" else scope
                group = groups.get((bucket, award))
                if group is None:
                    group = groups[(bucket, award)] = AwardGroup(bucket, award)
                count = count or 1
                group.total += count
                if kind == "collective":
                    group.collective += count
                elif kind == "individual":
                    group.individual += count
                if member:
                    group.members[member] = group.members.get(member, 0) + count
                group.lines.append(line)
                if bucket == "cluster":
                    row = batch.row(k)
                    year.cluster_awards.append(
                        AwardRow(
                            line,
                            member,
                            award,
                            count,
                            kind,
                            scope,
                            status or "decided",
                            table.raw(row, "decision_number"),
                            row.values.get("decision_date"),
                            table.raw(row, "issuer"),
                        )
                    )
    except FileProblem as exc:
        return [*table.findings, *found, exc.finding]
    year.awards = groups
    return table.findings + found
