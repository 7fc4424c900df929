"""The CSV files of a year: what their columns are, and how each cell is read.

Cells are read by small parsers rather than one Pydantic model per row: a ledger may hold a million
rows, and plain functions read them several times faster (see PERF notes in the docs). A parser
returns the value or raises `CellError` with a message for the person who typed it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from operator import itemgetter
from typing import Any

from thidua.catalogue import (
    CELL_MISSING,
    CSV_COLUMN_LACKING,
    CSV_COLUMN_TWICE,
    CSV_HEADER,
    CSV_ROW_LENGTH,
    DECIMAL_COMMA,
    NOT_A_COUNT,
    NOT_A_DATE,
    NOT_A_NUMBER,
    NOT_ONE_OF,
    NUMBER_DIGITS,
    NUMBER_GROUPING,
    NUMBER_PRECISION,
    SCIENTIFIC,
    Code,
    Message,
)
from thidua.csvfile import BATCH_ROWS, CsvFile, LineNumbers
from thidua.findings import Finding, Position
from thidua.i18n import _
from thidua.models import Cluster, Scheme, parse_dmy
from thidua.names import did_you_mean, fold, meant
from thidua.numbers import MAX_DIGITS, other_digits, shown, written_digits
from thidua.textfile import MarksError, marks_problem, nfc

_Batch = tuple[Sequence[int], list[list[str]]]


class CellError(ValueError):
    """A cell that cannot be read: the catalogue's message for it, and the message's fields."""

    def __init__(self, message: Message | Code, **fields: Any) -> None:
        super().__init__(message.text(**fields))
        self.message = message
        self.fields = fields


# a plan column under another name: budget_revenue_estimate, budget_revenue kế hoạch, … (folded)
_PLAN_WORDS = re.compile(
    r"(?P<id>[a-z0-9-]+?)-(plan|plans|estimate|estimates|target|du-toan|ke-hoach|kh|dt|uoc)"
)
_DECIMAL_COMMA = re.compile(r"[-+−]?[0-9]+,[0-9]+")
_GROUPED = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+")


def not_a_number(text: str, usual: Message) -> CellError:
    """The error for a cell that is not a number: other digits than 0-9 are named as such."""
    if other_digits(text):
        return CellError(NUMBER_DIGITS, text=shown(text))
    return CellError(usual, text=text)


def parse_decimal(text: str) -> Decimal:
    """An exact number written with a decimal point: 6.3, -9.28, 235000."""
    clean = text.replace("\u2212", "-")
    if _DECIMAL_COMMA.fullmatch(clean):
        raise CellError(DECIMAL_COMMA, text=text, fixed=clean.replace(",", "."))
    digits = written_digits(clean)
    if digits is None:
        raise not_a_number(text, NOT_A_NUMBER)
    if digits > MAX_DIGITS:
        raise CellError(NUMBER_PRECISION, text=shown(text), digits=digits, limit=MAX_DIGITS)
    try:
        return Decimal(clean)
    except InvalidOperation:  # not reached: `written_digits` reads what Decimal reads, and less
        raise CellError(NOT_A_NUMBER, text=text) from None


def looks_grouped(text: str, decimals: int) -> bool:
    """Whether `text` reads as a whole number with Vietnamese thousands dots: '1.234.567' always
    (it is no decimal number), '55.632' where the indicator counts whole things (`decimals: 0`).
    Where it has decimals, '7.125' is a figure given more exactly than the tables show it."""
    if not _GROUPED.fullmatch(text):
        return False
    return text.count(".") > 1 or decimals == 0


@dataclass(frozen=True, slots=True)
class FigureParser:
    """The parser of every number column of an indicator (its figure, its plan): a number with a
    decimal point, refusing decimal commas, thousands dots and scientific notation alike, so that a
    plan cell is read by the same rules as a figure."""

    decimals: int

    def __call__(self, text: str) -> Decimal:
        clean = text.strip()
        if looks_grouped(clean, self.decimals):
            raise CellError(NUMBER_GROUPING, text=text, fixed=clean.replace(".", ""))
        if "e" in clean or "E" in clean:
            raise CellError(SCIENTIFIC, text=shown(text))
        return parse_decimal(text)


def parse_count(text: str) -> int:
    """A whole number of awards, 1 or more."""
    if not (text.isascii() and text.isdigit()):
        raise not_a_number(text, NOT_A_COUNT)
    digits = len(text.lstrip("0"))
    if digits > MAX_DIGITS:
        raise CellError(NUMBER_PRECISION, text=shown(text), digits=digits, limit=MAX_DIGITS)
    if int(text) < 1:
        raise CellError(NOT_A_COUNT, text=text)
    return int(text)


def parse_date(text: str) -> date:
    """A date as 2024-03-13 or 13/03/2024."""
    try:
        value: date = parse_dmy(text)  # these two forms only: not 20240313, nor 2024-W10-3
    except ValueError:
        raise CellError(NOT_A_DATE, text=text) from None
    return value


# The fast readers below work on a whole column of a batch, with the loops inside C built-ins
# (map, all, set) wherever they can; anything unusual raises, and the cell-by-cell reader takes over.


def fast_ids(texts: list[str]) -> list[str | None]:
    """A column of ids or codes, when all are ASCII (no normalisation needed)."""
    if not all(map(str.isascii, texts)):
        raise ValueError
    return [t or None for t in texts] if "" in texts else texts  # type: ignore[return-value]


def fast_counts(texts: list[str]) -> list[int | None]:
    """A column of counts, each distinct text read once (a ledger's counts are 1, 2, 3 …). Anything
    unusual — not ASCII digits (int() reads '٣' as 3), 0, more digits than a number may have —
    raises, and the cell-by-cell reader says what is wrong."""
    known: dict[str, int | None] = {}
    for text in set(texts):
        if not text:
            known[text] = None
        elif text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS and int(text):
            known[text] = int(text)
        else:
            raise ValueError(text)
    return list(map(known.__getitem__, texts))


def fast_dates(texts: list[str]) -> list[date | None]:
    """A column of dates, each distinct text read once: a ledger repeats a few decision dates
    thousands of times, in whichever form the office wrote them."""
    known = {text: _date_of(text) if text else None for text in set(texts)}
    return list(map(known.__getitem__, texts))


@lru_cache(maxsize=4096)
def _date_of(text: str) -> date:
    """A date's text read once for the whole ledger, not once per batch."""
    value: date = parse_dmy(text)
    return value


class EnumParser:
    """A parser for one of an enum's values, also accepting Vietnamese words for them. A whole
    column of exact values is read at once by `batch`; anything else cell by cell."""

    def __init__(self, enum: type[StrEnum], aliases: dict[str, StrEnum]) -> None:
        self.enum = enum
        self.aliases = list(aliases)
        self.exact: dict[str, StrEnum | None] = {e.value: e for e in enum}
        self.folded = {fold(e.value): e for e in enum} | {fold(k): v for k, v in aliases.items()}

    def __call__(self, text: str) -> StrEnum:
        found = self.exact.get(text) or self.folded.get(fold(text))
        if found is None:
            words = ", ".join(e.value for e in self.enum)
            raise CellError(NOT_ONE_OF, text=text, words=words)
        return found

    def words(self) -> list[str]:
        """Every spelling read exactly (the values and their Vietnamese words), for schemas."""
        return [e.value for e in self.enum] + self.aliases

    def batch(self, texts: list[str]) -> list[StrEnum | None]:
        exact = self.exact | {"": None}
        return list(map(exact.__getitem__, texts))


class Status(StrEnum):
    """How final a figure is (tình trạng số liệu)."""

    ESTIMATE = "estimate"
    PRELIMINARY = "preliminary"
    OFFICIAL = "official"
    IMPUTED = "imputed"


parse_status = EnumParser(
    Status,
    {"ước tính": Status.ESTIMATE, "ước": Status.ESTIMATE, "sơ bộ": Status.PRELIMINARY,
     "chính thức": Status.OFFICIAL, "suy ra": Status.IMPUTED},
)  # fmt: skip


class RecipientKind(StrEnum):
    COLLECTIVE = "collective"
    INDIVIDUAL = "individual"


class Scope(StrEnum):
    """Whose award a ledger row records."""

    MEMBER = "member"  # received by collectives and individuals inside a member unit
    CLUSTER = "cluster"  # proposed by the cluster itself (e.g. the flag for the leading unit)
    CHAIR = "chair"  # given by the chair at the cluster's conference


class AwardStatus(StrEnum):
    PROPOSED = "proposed"
    DECIDED = "decided"


parse_recipient_kind = EnumParser(
    RecipientKind, {"tập thể": RecipientKind.COLLECTIVE, "cá nhân": RecipientKind.INDIVIDUAL}
)
parse_scope = EnumParser(
    Scope, {"thành viên": Scope.MEMBER, "cụm": Scope.CLUSTER, "cụm trưởng": Scope.CHAIR}
)
parse_award_status = EnumParser(
    AwardStatus,
    {"đề nghị": AwardStatus.PROPOSED, "quyết định": AwardStatus.DECIDED,
     "đã quyết định": AwardStatus.DECIDED},
)  # fmt: skip


def parse_text(text: str) -> str:
    """Text as written, NFC-normalised."""
    return text if text.isascii() else nfc(text)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    parse: Callable[[str], Any] | None = parse_text  # None: free text that no check reads
    required: bool = False  # the header must have it
    mandatory: bool = False  # its cells may not be empty
    description: str = ""
    # Reads a whole column of a batch at once (stripped texts), raising on anything unusual so
    # that `parse` looks at each cell and says what is wrong. An `EnumParser` brings its own.
    fast: Callable[[list[str]], list[Any]] | None = None

    def __post_init__(self) -> None:
        if self.fast is None and isinstance(self.parse, EnumParser):
            object.__setattr__(self, "fast", self.parse.batch)


@dataclass(slots=True)
class Row:
    """A row read against its columns: the parsed values, and its cells for positions."""

    line: int
    values: dict[str, Any]
    cells: list[str]


@dataclass(slots=True)
class Batch:
    """Rows read together, their values by column: a ledger is checked a batch at a time."""

    lines: Sequence[int]
    cells: list[list[str]]
    values: dict[str, list[Any]]

    def __len__(self) -> int:
        return len(self.lines)

    def row(self, k: int) -> Row:
        return Row(
            self.lines[k], {name: column[k] for name, column in self.values.items()}, self.cells[k]
        )


@dataclass(slots=True)
class Table:
    """A CSV file read against its columns; rows come out a batch at a time."""

    file: CsvFile
    columns: dict[str, Column]
    findings: list[Finding] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    header_ok: bool = False
    # rows with a wrong number of cells (reported once): their cells say nothing more
    malformed: set[int] = field(default_factory=set)
    batch_size: int = BATCH_ROWS

    def position(self, row: Row, column: str) -> Position:
        """Where a row's cell in `column` stands."""
        return self.file.position(row.line, self.index.get(column, 0), row.cells)

    def header_position(self, column: str) -> Position:
        """Where a column's name stands in the header (the file's start if it has none)."""
        if column not in self.index:
            return Position(self.file.rel)
        return self.file.position(1, self.index[column], self.file.header)

    def raw(self, row: Row, column: str) -> str | None:
        """The text of a row's cell in a column that is not parsed (free text), or None."""
        i = self.index.get(column)
        if i is None or i >= len(row.cells):
            return None
        try:
            return parse_text(row.cells[i].strip()) or None
        except MarksError as exc:  # stops the file: `FileProblem` ends the reading of a ledger
            raise marks_problem(exc, self.position(row, column)) from None

    def rows(self) -> Iterator[Row]:
        """The rows one at a time; every problem becomes a finding in `findings`."""
        for batch in self.batches():
            for k in range(len(batch)):
                yield batch.row(k)

    def batches(self) -> Iterator[Batch]:
        """Valid cells are parsed, a column of a batch at a time; every problem becomes a finding."""
        stream = self.file.batches(self.batch_size)
        first = next(stream, None)
        self.header_ok = self._check_header()
        if not self.header_ok:
            return
        width = len(self.file.header)
        plan = [
            (i, c)
            for i, c in enumerate(self.columns.get(name) for name in self.file.header)
            if c is not None and c.parse is not None
        ]
        for lines, rows in _chain(first, stream):
            self.file.forget()
            shifted = self._fix_lengths(lines, rows, width)
            values: dict[str, list[Any]] = {}
            for i, column in plan:
                texts = list(map(str.strip, map(itemgetter(i), rows)))
                parsed = None
                if column.fast is not None and not (column.mandatory and "" in texts):
                    try:
                        parsed = column.fast(texts)
                    except Exception:  # anything unusual: read cell by cell below
                        parsed = None
                if parsed is None:
                    parsed = self._slow(column, i, texts, lines, rows, shifted)
                elif shifted and not column.required:
                    for k in shifted:
                        parsed[k] = None
                values[column.name] = parsed
            yield Batch(lines, rows, values)

    def _fix_lengths(self, lines: Sequence[int], rows: list[list[str]], width: int) -> set[int]:
        """Pad or cut rows with a wrong number of cells, reporting each; their indexes."""
        if set(map(len, rows)) == {width}:
            return set()
        if isinstance(lines, LineNumbers):
            lines.fix()  # the rows are about to change
        shifted = set()
        for k, row in enumerate(rows):
            if len(row) != width:
                self.findings.append(
                    CSV_ROW_LENGTH.at(
                        self.file.position(lines[k], min(len(row), width), row),
                        cells=len(row),
                        width=width,
                    )
                )
                rows[k] = (row + [""] * width)[:width]
                shifted.add(k)
                self.malformed.add(lines[k])
        return shifted

    def _slow(
        self,
        column: Column,
        i: int,
        texts: list[str],
        lines: Sequence[int],
        rows: list[list[str]],
        shifted: set[int],
    ) -> list[Any]:
        """A column of a batch read cell by cell, with a finding for each cell that is wrong.

        In a row with a wrong number of cells only the key columns are read: the other cells are
        shifted, and one mistake is reported once."""
        out: list[Any] = []
        parse = column.parse
        assert parse is not None
        for k, text in enumerate(texts):
            if k in shifted and not column.required:
                out.append(None)
                continue
            if not text:
                if column.mandatory:
                    self.findings.append(
                        CELL_MISSING.at(
                            self.file.position(lines[k], i, rows[k]), column=column.name
                        )
                    )
                out.append(None)
                continue
            try:
                if not text.isascii():
                    nfc(text)  # a run of marks too long to normalise stops the file
                out.append(parse(text))
            except MarksError as exc:
                raise marks_problem(exc, self.file.position(lines[k], i, rows[k])) from None
            except CellError as exc:
                self.findings.append(
                    exc.message.at(
                        self.file.position(lines[k], i, rows[k]),
                        _("column '{column}': ").format(column=column.name),
                        **exc.fields,
                    )
                )
                out.append(None)
        return out

    def _hint(self, name: str) -> str:
        """The column an unknown one most likely means: a plan written as 'x_estimate', 'x kế
        hoạch' or 'x_dt' is 'x.plan'; otherwise the closest name."""
        match = _PLAN_WORDS.fullmatch(fold(name))
        plan = f"{match['id'].replace('-', '_')}.plan" if match else None
        if plan in self.columns:
            return meant(plan)
        return did_you_mean(name, self.columns)

    def _check_header(self) -> bool:
        header = self.file.header
        ok = True
        seen: set[str] = set()
        for i, name in enumerate(header):
            pos = self.file.position(1, i, header)
            if name in seen:
                self.findings.append(CSV_COLUMN_TWICE.at(pos, name=name))
                ok = False
            elif name not in self.columns:
                self.findings.append(CSV_HEADER.at(pos, name=name, hint=self._hint(name)))
            seen.add(name)
            self.index.setdefault(name, i)
        for column in self.columns.values():
            if column.name not in seen and column.required:
                self.findings.append(
                    CSV_COLUMN_LACKING.at(self.file.position(1, 0, header), name=column.name)
                )
                ok = False
        return ok


def _chain(first: _Batch | None, rest: Iterator[_Batch]) -> Iterator[_Batch]:
    if first is not None:
        yield first
    yield from rest


# --- the columns of each file ----------------------------------------------------------------


def indicator_columns(cluster: Cluster) -> dict[str, Column]:
    """The columns of YEAR/indicators.csv, from the cluster's indicators."""
    columns = [
        Column("member", required=True, mandatory=True, description="member id", fast=fast_ids),
        Column("status", parse_status, description="status of the row's figures"),
        Column("source", description="where the row's figures come from"),
        Column("note"),
        # the member's name beside its id, for the people who read the sheet; thidua reads the id
        Column("name", None, description="the member's name, for people (not read)"),
    ]
    for ind in cluster.indicators:
        if not ind.is_column:
            continue
        columns += [
            Column(ind.id, FigureParser(ind.decimals), description=f"{ind.label} ({ind.unit})"),
            Column(f"{ind.id}.status", parse_status),
            Column(f"{ind.id}.source"),
            Column(f"{ind.id}.basis", description="the price basis or method of the figure"),
        ]
        if ind.plan:
            columns.append(
                Column(f"{ind.id}.plan", FigureParser(ind.decimals), description=ind.plan)
            )
    return {c.name: c for c in columns}


AWARD_COLUMNS: dict[str, Column] = {
    c.name: c
    for c in [
        Column(
            "member", description="member id; empty when not broken down by member", fast=fast_ids
        ),
        Column("award", required=True, mandatory=True, description="award type id", fast=fast_ids),
        Column("count", parse_count, description="how many (default 1)", fast=fast_counts),
        Column("recipient", None, description="who received it"),
        Column(
            "recipient_kind",
            parse_recipient_kind,
            description="collective or individual",
        ),
        Column(
            "scope",
            parse_scope,
            description="member, cluster or chair (default member)",
        ),
        Column(
            "status",
            parse_award_status,
            description="proposed or decided (default decided)",
        ),
        Column("decision_number", None, description="số quyết định"),
        Column("decision_date", parse_date, description="ngày quyết định", fast=fast_dates),
        Column("issuer", None, description="cơ quan/người ký quyết định"),
        Column("note", None),
        Column(
            "proposal",
            description="the id of the proposal it decides (proposals.csv)",
            fast=fast_ids,
        ),
    ]
}


# --- the year-end review ---------------------------------------------------------------------


class Layer(StrEnum):
    """Who gave a score sheet: the member itself, the chair on review, the preparatory meeting."""

    SELF = "self"  # tự chấm
    REVIEWED = "reviewed"  # kiểm tra chéo, chấm điểm lại
    ADOPTED = "adopted"  # thông qua tại cuộc họp trù bị


SCORE_FILES = {f"scores-{layer}.csv": layer for layer in Layer}

# points are exact and may have decimals (0.5); two digits after the point read as written
POINTS = FigureParser(2)


def score_columns(scheme: Scheme) -> dict[str, Column]:
    """The columns of a score sheet (YEAR/scores-LAYER.csv) under a scheme: one per item."""
    columns = [
        Column("member", required=True, mandatory=True, description="member id", fast=fast_ids),
        Column("name", None, description="the member's name, for people (not read)"),
        *(
            Column(item.id, POINTS, description=f"{item.label} (≤ {item.max})")
            for item in scheme.items
        ),
        Column("total", POINTS, description="the total as the sheet gives it (checked)"),
        Column("by", description="who gave the scores"),
        Column("date", parse_date, description="when", fast=fast_dates),
        Column("note", None),
    ]
    return {c.name: c for c in columns}


class ProposalStatus(StrEnum):
    """Where a proposal stands: proposed by the cluster, kept or cut by the council, decided."""

    PROPOSED = "proposed"
    KEPT = "kept"
    CUT = "cut"
    DECIDED = "decided"


class Merit(StrEnum):
    """The kind of commendation (loại hình khen thưởng, Decree 98/2023/NĐ-CP)."""

    ACHIEVEMENT = "achievement"  # theo công trạng và thành tích đạt được
    SUDDEN = "sudden"  # đột xuất
    THEMATIC = "thematic"  # theo chuyên đề
    DEDICATION = "dedication"  # quá trình cống hiến
    SENIORITY = "seniority"  # niên hạn
    FOREIGN = "foreign"  # đối ngoại


parse_proposal_status = EnumParser(
    ProposalStatus,
    {"đề nghị": ProposalStatus.PROPOSED, "giữ": ProposalStatus.KEPT,
     "thẩm định": ProposalStatus.KEPT, "loại": ProposalStatus.CUT,
     "quyết định": ProposalStatus.DECIDED, "đã quyết định": ProposalStatus.DECIDED},
)  # fmt: skip
parse_merit = EnumParser(
    Merit,
    {"công trạng": Merit.ACHIEVEMENT, "đột xuất": Merit.SUDDEN, "chuyên đề": Merit.THEMATIC,
     "cống hiến": Merit.DEDICATION, "niên hạn": Merit.SENIORITY, "đối ngoại": Merit.FOREIGN},
)  # fmt: skip

PROPOSAL_COLUMNS: dict[str, Column] = {
    c.name: c
    for c in [
        Column("id", required=True, mandatory=True, description="the proposal's id", fast=fast_ids),
        Column("award", required=True, mandatory=True, description="award type id", fast=fast_ids),
        Column("member", description="member id", fast=fast_ids),
        Column("recipient", description="who is proposed (default: the member)"),
        Column("recipient_kind", parse_recipient_kind, description="collective or individual"),
        Column("count", parse_count, description="how many (default 1)", fast=fast_counts),
        Column("merit", parse_merit, description="the kind of commendation (default achievement)"),
        Column("status", parse_proposal_status, description="proposed, kept, cut or decided"),
        Column("date", parse_date, description="when the cluster proposed it", fast=fast_dates),
        Column("review_note", description="the council's review (why it was cut)"),
        Column("decision_number", description="số quyết định"),
        Column("decision_date", parse_date, description="ngày quyết định", fast=fast_dates),
        Column("issuer", description="cơ quan/người ký quyết định"),
        Column("achievements", description="a summary of the achievements (tóm tắt thành tích)"),
        Column("note", None),
    ]
}
