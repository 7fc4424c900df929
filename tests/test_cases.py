"""The catalogue of what `thidua check` reports: one golden case per finding code.

Each `tests/cases/CODE.case` holds a small repository written inline and the exact lines `check`
prints for it, like hledger's error catalogue. The format:

    # What the mistake is, in plain words (one or more lines; they document the code).
    --- 2023/leadership.yaml
    year: 2023
    chair: an-giang
    deputy: an-giang
    --- expect
    2023/leadership.yaml:3:9: error: 'an-giang' is both chair and deputy; ... [leadership-same]

- `--- PATH` starts a file (relative to the data folder); its content is every line up to the next
  `--- ` line, each ending in a line break. The files are written over the test cluster of
  conftest (`CLUSTER`); a case that needs another cluster.yaml gives it in full.
- A directive may follow the path in parentheses: `(bytes)`: the content is Python bytes-escape text
  (`\\x00`, `\\xb8`), for binary and legacy-encoded files; `(folder)`: a folder is made there;
  `(absent)`: the path is removed; `(repeat N)`: the content is written N times (a large file from a
  small case); `(unreadable)`: the file is written, then cannot be read (see `make_unreadable`).
- `--- expect`: the findings, one per line, in the order `check` sorts them, formatted
  `PATH:LINE:COL: SEVERITY: MESSAGE [CODE]` with paths relative to the data folder.

The repository is written to a folder `data` and checked from the folder that holds it, as
`thidua check` does by default, so that a message naming the folder reads `data`, not a temporary
path. `THIDUA_UPDATE_GOLDEN=1 pytest tests/test_cases.py` rewrites each expect section from what
`check` prints (after a deliberate change of messages); otherwise the two are compared.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, TODAY, write_repo

from thidua.catalogue import CODES, markdown
from thidua.inspection import check_repository
from thidua.output import write_text

CASES = Path(__file__).resolve().parent / "cases"


def known_codes() -> set[str]:
    """Every finding code: the catalogue's."""
    return set(CODES)


# --- the case format --------------------------------------------------------------------------

SEPARATOR = "--- "
EXPECT = "--- expect"
_SECTION = re.compile(
    r"--- (?P<path>.+?)(?: \((?P<directive>bytes|folder|absent|unreadable|repeat \d+)\))?"
)


@dataclass
class Section:
    """One file (or folder) of a case's repository."""

    path: str
    directive: str | None = None
    lines: list[str] = field(default_factory=list)

    @property
    def is_file(self) -> bool:
        return self.directive not in ("folder", "absent")

    @property
    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines)

    def content(self) -> str | bytes:
        if self.directive == "bytes":
            return codecs.escape_decode(self.text.encode("latin-1"))[0]
        if self.directive and self.directive.startswith("repeat "):
            return self.text * int(self.directive.split()[1])
        return self.text


@dataclass
class Case:
    code: str
    path: Path
    description: list[str]
    sections: list[Section]
    expect: list[str]
    head: str  # the file up to and including the `--- expect` line, to rewrite the rest


def parse_case(path: Path) -> Case:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    description: list[str] = []
    sections: list[Section] = []
    expect: list[str] | None = None
    for number, line in enumerate(lines, 1):
        if expect is not None:
            expect.append(line)
        elif line == EXPECT:
            expect = []
        elif line.startswith(SEPARATOR):
            match = _SECTION.fullmatch(line)
            if match is None:
                raise ValueError(f"{path.name}:{number}: not a section line: {line!r}")
            sections.append(Section(match["path"], match["directive"]))
        elif sections:
            sections[-1].lines.append(line)
        elif line == "#" or line.startswith("# "):
            description.append(line[2:])
        else:
            raise ValueError(f"{path.name}:{number}: before the first section, only '# ' lines")
    if expect is None:
        raise ValueError(f"{path.name}: no '{EXPECT}' section")
    while expect and not expect[-1].strip():
        expect.pop()
    head = "".join(line + "\n" for line in lines[: lines.index(EXPECT) + 1])
    return Case(path.stem, path, description, sections, expect, head)


def all_cases() -> list[Case]:
    return [parse_case(path) for path in sorted(CASES.glob("*.case"))]


# --- writing and checking a case ---------------------------------------------------------------


def make_unreadable(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Take away the right to read `path`. Root may read it still (permissions do not bind root);
    then opening it is made to fail as the system would for anyone else, with EACCES."""
    path.chmod(0)
    if not os.access(path, os.R_OK):
        return
    target = Path(path).absolute()
    real_open = os.open

    def refusing_open(name: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(name).absolute() == target:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(name))
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)


def write_case(case: Case, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The case's repository in `root`: the test cluster and the case's files (`write_repo`), then
    the folders, removals and unreadable files, in the case's order."""
    write_repo(root, {s.path: s.content() for s in case.sections if s.is_file})
    for section in case.sections:
        target = root / section.path
        if section.directive == "folder":
            target.mkdir(parents=True, exist_ok=True)
        elif section.directive == "absent":
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)
        elif section.directive == "unreadable":
            make_unreadable(monkeypatch, target)


@pytest.mark.parametrize("case", all_cases(), ids=lambda case: case.code)
def test_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_case(case, tmp_path / "data", monkeypatch)
    monkeypatch.chdir(tmp_path)
    findings, files = check_repository(Path("data"), today=TODAY)
    printed = io.StringIO()
    write_text(findings, files, Path("data"), printed)
    actual = printed.getvalue().splitlines()
    if os.environ.get("THIDUA_UPDATE_GOLDEN") == "1":
        case.path.write_text(case.head + "".join(f"{line}\n" for line in actual), encoding="utf-8")
        case.expect = actual
    assert actual == case.expect


def test_there_is_one_case_per_code() -> None:
    assert {path.stem for path in CASES.glob("*.case")} == known_codes()


@pytest.mark.parametrize("case", all_cases(), ids=lambda case: case.code)
def test_case_says_what_is_wrong_and_shows_its_code(case: Case) -> None:
    assert any(line.strip() for line in case.description), "the case has no '# ' description"
    assert any(line.endswith(f"[{case.code}]") for line in case.expect)


def printed(case: Case) -> list[str]:
    """What `thidua check` prints for the case now, in the current language."""
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as monkeypatch:
        write_case(case, Path(tmp) / "data", monkeypatch)
        monkeypatch.chdir(tmp)
        findings, files = check_repository(Path("data"), today=TODAY)
        out = io.StringIO()
        write_text(findings, files, Path("data"), out)
    return out.getvalue().splitlines()


def transcript_in(case: Case) -> str:
    """`transcript`, with what `check` prints in the current language."""
    return transcript(case, printed(case))


def transcript(case: Case, shown: list[str] | None = None) -> str:
    """The case as a console session: the files it writes, then what `thidua check` prints."""
    out: list[str] = []
    for section in case.sections:
        path = f"data/{section.path}"
        if section.directive == "folder":
            out.append(f"$ mkdir -p {path}")
        elif section.directive == "absent":
            out.append(f"$ rm {path}")
        elif section.directive == "unreadable":
            out += [f"$ cat {path}", *section.lines, f"$ chmod 000 {path}"]
        elif section.directive == "bytes":
            out += [f"$ printf '{section.text.rstrip()}' > {path}"]
        elif section.directive and section.directive.startswith("repeat "):
            times = section.directive.split()[1]
            out += [f"$ cat {path}    # this line, {times} times", *section.lines]
        else:
            out += [f"$ cat {path}", *section.lines]
    return "\n".join([*out, "$ thidua check", *(case.expect if shown is None else shown)])


def test_docs_are_generated_from_the_catalogue_and_the_cases() -> None:
    path = ROOT / "docs" / "checks.md"
    text = markdown({case.code: transcript(case) for case in all_cases()})
    if os.environ.get("THIDUA_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, (
        "docs/checks.md is stale: run THIDUA_UPDATE_GOLDEN=1 pytest tests/test_cases.py"
    )


def test_every_message_fills_its_fields() -> None:
    """Each wording of each code is a valid template whose fields all have names."""
    for entry in CODES.values():
        for message in entry.messages:
            assert "{}" not in message.template, message
            message.text(**dict.fromkeys(message.fields, 1))


@pytest.mark.parametrize("case", all_cases(), ids=lambda case: case.code)
def test_each_rule_reports_only_the_codes_it_declares(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run every rule alone on every case: what it finds is within the codes it is registered
    with, so the catalogue's and the docs' account of which rule reports what stays true."""
    from thidua.checks import LEDGER_RULES, REPOSITORY_RULES, YEAR_RULES, Context
    from thidua.csvfile import CsvFile
    from thidua.findings import FileProblem
    from thidua.repository import load
    from thidua.tables import AWARD_COLUMNS, Table

    write_case(case, tmp_path / "data", monkeypatch)
    records = load(tmp_path / "data").records
    if records is None:
        return  # cluster.yaml itself is the case: no rule runs on it
    context = Context(records, TODAY)
    for repository_rule in REPOSITORY_RULES:
        found = {f.code for f in repository_rule.function(context)}
        assert found <= {c.id for c in repository_rule.codes}, repository_rule.name
    for year in records.years.values():
        for year_rule in YEAR_RULES:
            found = {f.code for f in year_rule.function(context, year)}
            assert found <= {c.id for c in year_rule.codes}, year_rule.name
        ledger = tmp_path / "data" / str(year.year) / "awards.csv"
        if not ledger.is_file():
            continue
        for ledger_rule in LEDGER_RULES:
            try:
                table = Table(CsvFile(ledger, "awards.csv"), AWARD_COLUMNS)
                check = ledger_rule.function(records.cluster, year.year)
                found = {f.code for batch in table.batches() for f in check(table, batch)}
            except FileProblem:  # an unreadable ledger is the reader's finding, not the rule's
                continue
            assert found <= {c.id for c in ledger_rule.codes}, ledger_rule.name
