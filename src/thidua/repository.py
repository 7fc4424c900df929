"""Reading a cluster repository: `cluster.yaml` and one folder per year, into validated records.

`load()` reads every file it knows, records every problem as a finding and goes on, so that one run
reports everything. Records that fail validation are left out (as `None`), so one mistake is reported
once, where it is. The loader only reads: it knows no rule across files and no figure of a report.

The award ledger (`YEAR/awards.csv`) may hold a million rows and is never held in memory: it streams
past, a batch at a time, to the `LedgerConsumer`s the caller gives (the checks of `thidua check`,
the award tally of a report), each of which keeps what it needs. Year folders are independent, so a
large repository is read by one process per core, each year with its own consumers.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from pydantic import ValidationError

from thidua.catalogue import (
    CLUSTER_MISSING,
    DATA_FOLDER_MISSING,
    FILE_LEFTOVER,
    FILE_UNKNOWN,
    FILE_UNKNOWN_TOP,
    FILE_UNREADABLE,
    YEAR_MISMATCH,
)
from thidua.csvfile import CsvFile
from thidua.findings import FileProblem, Finding, Position
from thidua.i18n import _
from thidua.models import (
    Ballot,
    Cluster,
    Conference,
    Leadership,
    Pledge,
    Record,
    Scheme,
    Scoring,
)
from thidua.names import did_you_mean
from thidua.tables import (
    AWARD_COLUMNS,
    PROPOSAL_COLUMNS,
    SCORE_FILES,
    Batch,
    Column,
    Layer,
    Row,
    Table,
    indicator_columns,
    score_columns,
)
from thidua.textfile import read_text
from thidua.validation import validation_findings
from thidua.yamlfile import YamlDocument, load_yaml

M = TypeVar("M", bound=Record)

YEAR_YAML: dict[str, type[Record]] = {
    "leadership.yaml": Leadership,
    "conference.yaml": Conference,
    "pledge.yaml": Pledge,
    "ballot.yaml": Ballot,
}
YEAR_CSV = ("indicators.csv", "awards.csv", "proposals.csv", *SCORE_FILES)
YEAR_FILES = (*YEAR_YAML, *YEAR_CSV)
TOP_FILES = ("cluster.yaml", "scoring.yaml")
_YEAR_DIR = re.compile(r"\d{4}")
_LEFTOVER = re.compile(r"\.thidua-.*\.tmp")  # see thidua.writes: a crashed write's temporary file
_IGNORED = re.compile(r"(README.*|\..*|.*\.md|.*~|schemas)", re.IGNORECASE)
PARALLEL_BYTES = 32 * 1024 * 1024
# fork only where it is the platform's own safe default (Linux); spawn elsewhere (Windows, macOS),
# where the workers import thidua afresh
START_METHOD = "fork" if sys.platform == "linux" else "spawn"


@dataclass(slots=True)
class Loaded(Generic[M]):
    """A validated YAML record and the document it came from (for positions)."""

    model: M
    doc: YamlDocument

    def pos(self, *loc: str | int) -> Position:
        return self.doc.position(loc)


@dataclass(slots=True)
class Sheet:
    """A CSV file of a year read whole: its rows and the table (for positions)."""

    table: Table
    rows: list[Row]

    @property
    def file(self) -> str:
        return self.table.file.rel


class LedgerPass(Protocol):
    """One consumer's pass over one year's award ledger."""

    def feed(self, batch: Batch) -> Iterable[Finding]:
        """Take a batch of rows; return the findings it has about them."""
        ...

    def finish(self) -> Any:
        """What the pass gathered (it crosses process boundaries: plain, picklable data)."""
        ...


class LedgerConsumer(Protocol):
    """Something that reads award ledgers as they stream past the loader."""

    name: str

    def start(self, cluster: Cluster, year: int, table: Table) -> LedgerPass:
        """Begin a pass over the ledger of `year`."""
        ...


@dataclass(slots=True)
class YearRecords:
    """The records of one emulation year (its folder YEAR/), as read."""

    year: int
    leadership: Loaded[Leadership] | None = None
    conference: Loaded[Conference] | None = None
    pledge: Loaded[Pledge] | None = None
    # indicators.csv: one row per member, kept whole; None when it is absent or cannot be read
    indicators: list[Row] | None = None
    indicator_table: Table | None = None
    # awards.csv streamed to the consumers: what each gathered, by its name
    awards_file: str | None = None
    ledger: dict[str, Any] = field(default_factory=dict)
    ledger_read: bool = False  # whether the ledger was to be read (it may be absent)
    # the year-end review: the vote-count minutes, the score sheets by layer, the proposals
    ballot: Loaded[Ballot] | None = None
    scores: dict[Layer, Sheet] = field(default_factory=dict)
    unscored: list[str] = field(default_factory=list)  # score sheets left unread: no scheme
    proposals: Sheet | None = None

    @property
    def indicators_file(self) -> str | None:
        return self.indicator_table.file.rel if self.indicator_table is not None else None


@dataclass(slots=True)
class Records:
    """A repository whose cluster.yaml is valid: what checks, figures and reports work on."""

    root: Path
    cluster: Cluster
    cluster_doc: YamlDocument
    years: dict[int, YearRecords] = field(default_factory=dict)
    folders: list[int] = field(default_factory=list)  # every year folder, read or not
    scoring: Loaded[Scoring] | None = None  # scoring.yaml, if it is there and valid

    def scheme(self, year: int) -> Scheme | None:
        """The scoring scheme of `year`, when exactly one applies."""
        return self.scoring.model.scheme_for(year) if self.scoring is not None else None

    def cluster_pos(self, *loc: str | int) -> Position:
        """Where a value of cluster.yaml stands."""
        return self.cluster_doc.position(loc)


@dataclass(slots=True)
class Reading:
    """What `load` gives: the records (None when cluster.yaml is missing or invalid), every
    finding of the reading itself, and how many files were read."""

    records: Records | None
    findings: list[Finding]
    files: int


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


_SHEETS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
_DOCUMENTS = (".docx", ".doc", ".pdf", ".json", ".odt")


def _unknown_hint(year: str, name: str) -> str:
    """What an office file beside the records most likely is, and what to do with it."""
    suffix = Path(name).suffix.lower()
    if suffix in _SHEETS:
        return _(
            ' (a sheet to bring in: thidua import indicators {year} "{name}", then move it out)'
        ).format(year=year, name=name)
    if suffix in _DOCUMENTS:
        return _(" (a document: keep documents outside the data folder)")
    return ""


def load(
    root: Path,
    years: Collection[int] | None = None,
    ledgers: Collection[int] | None = None,
    consumers: Sequence[LedgerConsumer] = (),
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Reading:
    """Read the repository at `root`: every record that is valid, and every finding.
    `progress(done, total)` is told of each year folder read, for a progress bar.

    `years` limits the year folders read (a report needs its year and the two beside it);
    `ledgers` limits the years whose award ledger is read. None reads everything. Each ledger read
    streams past every consumer. A large repository is read by `jobs` processes at once (None: one
    per core when the ledgers are large, see `PARALLEL_BYTES`)."""
    findings: list[Finding] = []
    if not root.is_dir():
        what = _("is not a folder") if root.exists() else _("does not exist")
        return Reading(
            None, [DATA_FOLDER_MISSING.at(Position("cluster.yaml"), root=root, what=what)], 0
        )
    files = 0
    cluster: Loaded[Cluster] | None = None
    cluster_path = root / "cluster.yaml"
    if not _present(cluster_path):
        findings.append(CLUSTER_MISSING.at(Position("cluster.yaml"), root=root))
    elif (away := _outside(root, cluster_path, "cluster.yaml")) is not None:
        findings.append(away)
    else:
        files += 1
        cluster, found = load_record(cluster_path, "cluster.yaml", Cluster)
        findings += found
    scoring: Loaded[Scoring] | None = None
    scoring_path = root / "scoring.yaml"
    if _present(scoring_path):
        if (away := _outside(root, scoring_path, "scoring.yaml")) is not None:
            findings.append(away)
        else:
            files += 1
            scoring, found = load_record(scoring_path, "scoring.yaml", Scoring)
            findings += found

    folders: list[int] = []
    todo: list[tuple[Path, bool]] = []
    for entry in sorted(root.iterdir()):
        if _LEFTOVER.fullmatch(entry.name):
            findings.append(FILE_LEFTOVER.at(Position(entry.name)))
            continue
        if entry.name in TOP_FILES or _IGNORED.fullmatch(entry.name):
            continue
        if entry.is_dir() and _YEAR_DIR.fullmatch(entry.name):
            folders.append(int(entry.name))
            if (away := _outside(root, entry, f"{entry.name}/")) is not None:
                findings.append(away)
            elif years is None or int(entry.name) in years:
                todo.append((entry, ledgers is None or int(entry.name) in ledgers))
        elif entry.suffix.lower() in (".yaml", ".yml", ".csv") or entry.is_dir():
            findings.append(
                FILE_UNKNOWN_TOP.at(Position(entry.name + ("/" if entry.is_dir() else "")))
            )
    model = cluster.model if cluster is not None else None
    rules = scoring.model if scoring is not None else None
    work = [
        _YearJob(
            root,
            folder,
            model,
            rules.scheme_for(int(folder.name)) if rules is not None else None,
            ledger,
            tuple(consumers),
        )
        for folder, ledger in todo
    ]
    jobs = _jobs(todo) if jobs is None else jobs
    read: dict[int, YearRecords] = {}
    for done, (year, found, count) in enumerate(_run(work, jobs), start=1):
        if progress is not None:
            progress(done, len(work))
        read[year.year] = year
        findings += found
        files += count
    if cluster is None:
        return Reading(None, findings, files)
    records = Records(root, cluster.model, cluster.doc, read, folders, scoring)
    return Reading(records, findings, files)


def _outside(root: Path, path: Path, rel: str) -> Finding | None:
    """A finding when `path` is a symbolic link (or lies behind one) that leads out of the data
    folder: thidua reads nothing outside it (a pull request could point a record at any file)."""
    try:
        target = path.resolve()
        if target.is_relative_to(root.resolve()):
            return None
    except (OSError, RuntimeError) as exc:  # a loop of links, or a name too long
        return FILE_UNREADABLE.at(Position(rel), reason=str(exc))
    reason = _(
        "{rel} is a link that leads out of the data folder (to {target}); thidua reads only"
        " inside it"
    ).format(rel=rel, target=target)
    return FILE_UNREADABLE.at(Position(rel), reason=reason)


def _present(path: Path) -> bool:
    """Whether a known file's name is taken, by anything: a folder, a FIFO or a device there is
    refused by the reader (from its `stat`, without opening it), not skipped as if absent. A
    symbolic link that leads nowhere is there too, and is reported as unreadable."""
    return os.path.lexists(path)


def _jobs(todo: list[tuple[Path, bool]]) -> int:
    """One process per core (at most 4) when the ledgers to read are large; else one."""
    size = sum(
        (folder / "awards.csv").stat().st_size
        for folder, ledger in todo
        if ledger and (folder / "awards.csv").is_file()
    )
    return min(usable_cores(), 4) if size >= PARALLEL_BYTES else 1


def usable_cores() -> int:
    """The cores this process may run on (fewer than the machine's under `taskset` or a CI limit)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class _YearJob:
    """Reading one year folder: a plain, picklable call, so that it can run in a worker."""

    root: Path
    folder: Path
    cluster: Cluster | None
    scheme: Scheme | None
    ledger: bool
    consumers: tuple[LedgerConsumer, ...]

    def __call__(self) -> tuple[YearRecords, list[Finding], int]:
        return _load_year(
            self.root, self.folder, self.cluster, self.scheme, self.ledger, self.consumers
        )


def _run_job(job: _YearJob) -> tuple[YearRecords, list[Finding], int]:
    return job()


def _run(work: list[_YearJob], jobs: int) -> Iterator[tuple[YearRecords, list[Finding], int]]:
    """Each year's job, in worker processes when `jobs` > 1; the results come in year order."""
    if jobs <= 1 or len(work) <= 1:
        yield from (job() for job in work)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context(START_METHOD)
    with ProcessPoolExecutor(jobs, mp_context=context) as pool:
        yield from pool.map(_run_job, work)


def _load_year(
    root: Path,
    folder: Path,
    cluster: Cluster | None,
    scheme: Scheme | None,
    ledger: bool,
    consumers: Sequence[LedgerConsumer],
) -> tuple[YearRecords, list[Finding], int]:
    """One year folder: its records, its findings, and how many files were read. The score
    sheets are read against the year's scoring scheme (`scheme`), and left unread without one."""
    findings: list[Finding] = []
    files = 0
    number = int(folder.name)
    year = YearRecords(number)
    refused: set[str] = set()  # known files that lead out of the data folder
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        reason = f"the folder cannot be read: {exc.strerror or exc}"
        return year, [FILE_UNREADABLE.at(Position(f"{folder.name}/"), reason=reason)], 0
    for entry in entries:
        rel = f"{folder.name}/{entry.name}"
        if _LEFTOVER.fullmatch(entry.name):
            findings.append(FILE_LEFTOVER.at(Position(rel)))
            continue
        if entry.name in YEAR_FILES:
            if (away := _outside(root, entry, rel)) is not None:
                findings.append(away)
                refused.add(entry.name)
            continue
        if _IGNORED.fullmatch(entry.name):
            continue
        findings.append(
            FILE_UNKNOWN.at(
                Position(f"{folder.name}/{entry.name}"),
                known=", ".join(sorted(YEAR_FILES)),
                hint=did_you_mean(entry.name, YEAR_FILES) or _unknown_hint(folder.name, entry.name),
            )
        )

    def present(name: str) -> bool:
        return name not in refused and _present(folder / name)

    for name in YEAR_YAML:
        files += present(name)
    if present("leadership.yaml"):
        year.leadership = _year_record(folder, "leadership.yaml", Leadership, findings)
    if present("conference.yaml"):
        year.conference = _year_record(folder, "conference.yaml", Conference, findings)
    if present("pledge.yaml"):
        year.pledge = _year_record(folder, "pledge.yaml", Pledge, findings)
    if present("ballot.yaml"):
        year.ballot = _year_record(folder, "ballot.yaml", Ballot, findings)
    for name, layer in SCORE_FILES.items():
        if not present(name):
            continue
        if scheme is None:
            year.unscored.append(f"{folder.name}/{name}")
            continue
        files += 1
        sheet = _sheet(folder / name, f"{folder.name}/{name}", score_columns(scheme), findings)
        if sheet is not None:
            year.scores[layer] = sheet
    if present("proposals.csv"):
        files += 1
        path = folder / "proposals.csv"
        year.proposals = _sheet(path, f"{folder.name}/proposals.csv", PROPOSAL_COLUMNS, findings)
    if cluster is None:
        return year, findings, files  # the CSV columns come from cluster.yaml
    path = folder / "indicators.csv"
    if present("indicators.csv"):
        files += 1
        table = _table(path, f"{folder.name}/indicators.csv", indicator_columns(cluster))
        if isinstance(table, Finding):
            findings.append(table)
        else:
            rows, found = _rows(table)
            findings += found
            if rows is not None and table.header_ok:
                year.indicators, year.indicator_table = rows, table
    path = folder / "awards.csv"
    year.ledger_read = ledger
    if ledger and present("awards.csv"):
        files += 1
        year.awards_file = f"{folder.name}/awards.csv"
        table = _table(path, year.awards_file, AWARD_COLUMNS)
        if isinstance(table, Finding):
            findings.append(table)
        else:
            findings += _stream(table, cluster, year, consumers)
    return year, findings, files


Y = TypeVar("Y", Leadership, Conference, Pledge, Ballot)


def _year_record(
    folder: Path, name: str, model: type[Y], findings: list[Finding]
) -> Loaded[Y] | None:
    """A YAML record of a year folder, if it is there and valid; its year must be the folder's."""
    path = folder / name
    if not _present(path):
        return None
    loaded, found = load_record(path, f"{folder.name}/{name}", model)
    findings += found
    if loaded is not None and loaded.model.year != int(folder.name):
        findings.append(
            YEAR_MISMATCH.at(loaded.pos("year"), year=loaded.model.year, folder=folder.name)
        )
    return loaded


def _table(path: Path, rel: str, columns: dict[str, Column]) -> Table | Finding:
    try:
        return Table(CsvFile(path, rel), columns)
    except FileProblem as exc:
        return exc.finding


def _sheet(
    path: Path, rel: str, columns: dict[str, Column], findings: list[Finding]
) -> Sheet | None:
    """A CSV file read whole, if it can be read to its end with a valid header."""
    table = _table(path, rel, columns)
    if isinstance(table, Finding):
        findings.append(table)
        return None
    rows, found = _rows(table)
    findings += found
    return Sheet(table, rows) if rows is not None and table.header_ok else None


def _rows(table: Table) -> tuple[list[Row] | None, list[Finding]]:
    """All rows of a table; `None` if the file cannot be read to its end."""
    try:
        rows = list(table.rows())
    except FileProblem as exc:
        return None, [*table.findings, exc.finding]
    return rows, table.findings


def _stream(
    table: Table, cluster: Cluster, year: YearRecords, consumers: Sequence[LedgerConsumer]
) -> list[Finding]:
    """Stream the award ledger a batch at a time past every consumer; keep what each gathered,
    unless the file cannot be read to its end."""
    passes = {c.name: c.start(cluster, year.year, table) for c in consumers}
    found: list[Finding] = []
    try:
        for batch in table.batches():
            for ledger_pass in passes.values():
                found.extend(ledger_pass.feed(batch))
    except FileProblem as exc:
        return [*table.findings, *found, exc.finding]
    year.ledger = {name: ledger_pass.finish() for name, ledger_pass in passes.items()}
    return table.findings + found
