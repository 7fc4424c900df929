"""Reading a cluster repository: `cluster.yaml` and one folder per year, into validated records.

`load()` reads every file it knows, records every problem as a finding and goes on, so that one run
reports everything. Records that fail validation are left out (as `None`) and the checks across
files skip what is missing, so one mistake is reported once, where it is.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable
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
    """One award of the ledger in full (kept only for the cluster's own awards, which are few)."""

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
    rows: int = 0
    # where the first rows stand, for --explain
    first_lines: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Year:
    """The records of one emulation year (its folder YEAR/)."""

    year: int
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
    folders: list[int] = field(default_factory=list)  # every year folder, read or not


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


def load(
    root: Path,
    years: Collection[int] | None = None,
    ledgers: Collection[int] | None = None,
    jobs: int | None = None,
) -> tuple[Repository, list[Finding]]:
    """Read the repository at `root`: every record that is valid, and every finding.

    `years` limits the year folders read (a report needs its year and the two beside it);
    `ledgers` limits the years whose award ledger is read. None reads everything. Year folders are
    independent until the checks across years, so a large repository is read by `jobs` processes
    at once (None: one per core when the ledgers are large, see `PARALLEL_BYTES`)."""
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

    todo: list[tuple[Path, bool]] = []
    for entry in sorted(root.iterdir()):
        if entry.name == "cluster.yaml" or _IGNORED.fullmatch(entry.name):
            continue
        if entry.is_dir() and _YEAR_DIR.fullmatch(entry.name):
            repo.folders.append(int(entry.name))
            if years is None or int(entry.name) in years:
                todo.append((entry, ledgers is None or int(entry.name) in ledgers))
        elif entry.suffix.lower() in (".yaml", ".yml", ".csv") or entry.is_dir():
            findings.append(
                warning(
                    "file-unknown",
                    Position(entry.name + ("/" if entry.is_dir() else "")),
                    "thidua does not read this; year folders are named by the year (2023/)",
                )
            )
    jobs = _jobs(todo) if jobs is None else jobs
    if jobs > 1 and len(todo) > 1 and repo.cluster is not None:
        findings += _load_years_in_parallel(repo, todo, jobs)
    else:
        for folder, ledger in todo:
            findings += _load_year(repo, folder, ledger)
    return repo, findings


PARALLEL_BYTES = 32 * 1024 * 1024


def _jobs(todo: list[tuple[Path, bool]]) -> int:
    """One process per core (at most 4) when the ledgers to read are large; else one."""
    size = sum(
        (folder / "awards.csv").stat().st_size
        for folder, ledger in todo
        if ledger and (folder / "awards.csv").is_file()
    )
    return min(os.cpu_count() or 1, 4) if size >= PARALLEL_BYTES else 1


def _year_job(args: tuple[Path, Loaded[Cluster], Path, bool]) -> tuple[Year, list[Finding], int]:
    root, cluster, folder, ledger = args
    repo = Repository(root, cluster)
    found = _load_year(repo, folder, ledger)
    return repo.years[int(folder.name)], found, repo.files


def _load_years_in_parallel(
    repo: Repository, todo: list[tuple[Path, bool]], jobs: int
) -> list[Finding]:
    """Read year folders in worker processes; the results come back in year order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    assert repo.cluster is not None
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    findings: list[Finding] = []
    with ProcessPoolExecutor(jobs, mp_context=context) as pool:
        work = [(repo.root, repo.cluster, folder, ledger) for folder, ledger in todo]
        for year, found, files in pool.map(_year_job, work):
            repo.years[year.year] = year
            repo.files += files
            findings += found
    return findings


def _load_year(repo: Repository, folder: Path, ledger: bool = True) -> list[Finding]:
    findings: list[Finding] = []
    number = int(folder.name)
    year = repo.years[number] = Year(number)
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
    if ledger and path.is_file():
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


FIRST_LINES = 20


def _bucket(status: str | None, scope: str | None) -> str:
    return "proposed" if status == "proposed" else (scope or "member")


def _count(
    batch: Batch, table: Table, groups: dict[tuple[str, str], AwardGroup], year: Year
) -> None:
    """Add a batch of the ledger to the counts. Rows are counted by their distinct shape (award,
    status, scope, kind, member, count) inside C's Counter; the shapes are few, so the Python work
    is per shape, not per row."""
    v = batch.values
    none = [None] * len(batch)
    columns = (
        v["award"],
        v.get("status", none),
        v.get("scope", none),
        v.get("recipient_kind", none),
        v.get("member", none),
    )
    counts = v.get("count", none)
    shapes = Counter(zip(zip(*columns, strict=True), counts, strict=True))
    for ((award, status, scope, kind, member), count), rows in shapes.items():
        if award is None:
            continue
        bucket = _bucket(status, scope)
        group = groups.get((bucket, award))
        if group is None:
            group = groups[(bucket, award)] = AwardGroup(bucket, award)
        total = (count or 1) * rows
        group.total += total
        group.rows += rows
        if kind == "collective":
            group.collective += total
        elif kind == "individual":
            group.individual += total
        if member:
            group.members[member] = group.members.get(member, 0) + total
    if any(len(g.first_lines) < FIRST_LINES for g in groups.values()):
        for line, award, status, scope in zip(batch.lines, *columns[:3], strict=True):
            group = groups.get((_bucket(status, scope), award)) if award is not None else None
            if group is not None and len(group.first_lines) < FIRST_LINES:
                group.first_lines.append(line)
    if "cluster" in columns[2]:
        for k, (award, status, scope, kind, member) in enumerate(zip(*columns, strict=True)):
            if award is None or _bucket(status, scope) != "cluster":
                continue
            row = batch.row(k)
            year.cluster_awards.append(
                AwardRow(
                    row.line,
                    member,
                    award,
                    counts[k] or 1,
                    kind,
                    "cluster",
                    status or "decided",
                    table.raw(row, "decision_number"),
                    row.values.get("decision_date"),
                    table.raw(row, "issuer"),
                )
            )


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
            _count(batch, table, groups, year)
    except FileProblem as exc:
        return [*table.findings, *found, exc.finding]
    year.awards = groups
    return table.findings + found
