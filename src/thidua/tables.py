"""The CSV files of a year: what their columns are, and how each cell is read.

Cells are read by small parsers rather than one Pydantic model per row: a ledger may hold a million
rows, and plain functions read them several times faster (see PERF notes in the docs). A parser
returns the value or raises `CellError` with a message for the person who typed it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from thidua.csvfile import CsvFile, CsvRow
from thidua.findings import Finding, Severity, error
from thidua.models import Cluster, _parse_date
from thidua.names import did_you_mean, fold


class CellError(ValueError):
    def __init__(
        self, message: str, code: str = "value-invalid", severity: Severity = Severity.ERROR
    ):
        super().__init__(message)
        self.code = code
        self.severity = severity


_DECIMAL_COMMA = re.compile(r"[-+−]?\d+,\d+")
_GROUPED = re.compile(r"\d{1,3}(\.\d{3})+")


def parse_decimal(text: str) -> Decimal:
    """An exact number written with a decimal point: 6.3, -9.28, 235000."""
    clean = text.replace("\u2212", "-")
    if _DECIMAL_COMMA.fullmatch(clean):
        raise CellError(
            f"'{text}' uses a decimal comma; write {clean.replace(',', '.')} (a decimal point,"
            " no thousands separators)",
            code="decimal-comma",
        )
    try:
        value = Decimal(clean)
    except InvalidOperation:
        raise CellError(f"'{text}' is not a number; write it like 6.3 or 235000") from None
    if not value.is_finite():
        raise CellError(f"'{text}' is not a number; write it like 6.3 or 235000")
    return value


def parse_whole_figure(text: str) -> Decimal:
    """A figure of an indicator shown without decimals, where '55.632' is almost surely 55632
    written with a Vietnamese thousands dot, and taking it as 55.632 would be off a thousandfold."""
    if _GROUPED.fullmatch(text.strip()):
        raise CellError(
            f"'{text}' looks like {text.replace('.', '')} written with a thousands dot; write"
            f" {text.replace('.', '')} (no separators). If a fraction is meant, give the indicator"
            " decimals in cluster.yaml",
            code="number-grouping",
        )
    return parse_decimal(text)


def parse_count(text: str) -> int:
    """A whole number of awards, 1 or more."""
    if not text.isdigit() or int(text) < 1:
        raise CellError(f"'{text}' is not a count; write a whole number such as 1 or 18")
    return int(text)


def parse_date(text: str) -> date:
    """A date as 2024-03-13 or 13/03/2024."""
    try:
        value = _parse_date(text)
        return value if isinstance(value, date) else date.fromisoformat(text)
    except ValueError:
        raise CellError(f"'{text}' is not a date; write 2024-03-13 or 13/03/2024") from None


def choice(enum: type[StrEnum], aliases: dict[str, StrEnum]) -> Callable[[str], StrEnum]:
    """A parser for one of an enum's values, also accepting Vietnamese words for them."""
    table = {fold(e.value): e for e in enum} | {fold(k): v for k, v in aliases.items()}

    def parse(text: str) -> StrEnum:
        found = table.get(fold(text))
        if found is None:
            words = ", ".join(e.value for e in enum)
            raise CellError(f"'{text}' is not one of: {words}")
        return found

    return parse


class Status(StrEnum):
    """How final a figure is (tình trạng số liệu)."""

    ESTIMATE = "estimate"
    PRELIMINARY = "preliminary"
    OFFICIAL = "official"
    IMPUTED = "imputed"


STATUS_VI = {
    Status.ESTIMATE: "ước tính",
    Status.PRELIMINARY: "sơ bộ",
    Status.OFFICIAL: "chính thức",
    Status.IMPUTED: "không công bố, suy ra",
}
parse_status = choice(
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


parse_recipient_kind = choice(
    RecipientKind, {"tập thể": RecipientKind.COLLECTIVE, "cá nhân": RecipientKind.INDIVIDUAL}
)
parse_scope = choice(
    Scope, {"thành viên": Scope.MEMBER, "cụm": Scope.CLUSTER, "cụm trưởng": Scope.CHAIR}
)
parse_award_status = choice(
    AwardStatus,
    {"đề nghị": AwardStatus.PROPOSED, "quyết định": AwardStatus.DECIDED,
     "đã quyết định": AwardStatus.DECIDED},
)  # fmt: skip


def parse_text(text: str) -> str:
    return text.strip()


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    parse: Callable[[str], Any] = parse_text
    required: bool = False  # the header must have it
    mandatory: bool = False  # its cells may not be empty
    description: str = ""


@dataclass(slots=True)
class Row:
    """A row read against its columns: the parsed values, and where each cell stood."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Table:
    """A CSV file read against its columns; rows come out one at a time."""

    file: CsvFile
    columns: dict[str, Column]
    findings: list[Finding] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    header_ok: bool = False

    def position(self, row: Row, column: str):
        return self.file.position(row.line, self.index.get(column, 0))

    def rows(self) -> Iterator[Row]:
        """Valid cells are parsed; every problem becomes a finding in `findings`."""
        stream = self.file.rows()
        first = next(stream, None)
        self.header_ok = self._check_header()
        if not self.header_ok:
            return
        names = self.file.header
        width = len(names)
        parsers = [self.columns.get(name) for name in names]
        for raw in _chain(first, stream):
            cells = raw.cells
            if len(cells) != width:
                self.findings.append(
                    error(
                        "csv-row-length",
                        self.file.position(raw.line, min(len(cells), width)),
                        f"this row has {len(cells)} cells but the header has {width};"
                        " check for a missing or extra separator",
                    )
                )
                cells = (cells + [""] * width)[:width]
                # The cells after a missing or extra separator are shifted: read only the
                # row's key, so that one mistake is reported once.
                keys = [c if c is not None and c.required else None for c in parsers]
            else:
                keys = parsers
            row = Row(raw.line)
            for i, (column, cell) in enumerate(zip(keys, cells, strict=True)):
                if column is None:
                    continue
                text = cell.strip()
                if not text:
                    if column.mandatory:
                        self.findings.append(
                            error(
                                "field-missing",
                                self.file.position(raw.line, i),
                                f"the cell in column '{column.name}' is empty; it must be filled",
                            )
                        )
                    row.values[column.name] = None
                    continue
                try:
                    row.values[column.name] = column.parse(text)
                except CellError as exc:
                    self.findings.append(
                        Finding(
                            exc.code,
                            exc.severity,
                            self.file.position(raw.line, i),
                            f"column '{column.name}': {exc}",
                        )
                    )
                    row.values[column.name] = None
            yield row

    def _check_header(self) -> bool:
        header = self.file.header
        ok = True
        seen: set[str] = set()
        for i, name in enumerate(header):
            pos = self.file.position(1, i)
            if name in seen:
                self.findings.append(
                    error("csv-header", pos, f"the column '{name}' appears twice; keep one")
                )
                ok = False
            elif name not in self.columns:
                self.findings.append(
                    error(
                        "csv-header",
                        pos,
                        f"unknown column '{name}'{did_you_mean(name, self.columns)}",
                    )
                )
            seen.add(name)
            self.index.setdefault(name, i)
        for column in self.columns.values():
            if column.name not in seen and column.required:
                self.findings.append(
                    error(
                        "csv-header",
                        self.file.position(1, 0),
                        f"the header lacks the column '{column.name}'",
                    )
                )
                ok = False
        return ok


def _chain(first: CsvRow | None, rest: Iterator[CsvRow]) -> Iterator[CsvRow]:
    if first is not None:
        yield first
    yield from rest


# --- the columns of each file ----------------------------------------------------------------

FIGURE_SUFFIXES = ("plan", "status", "source")


def indicator_columns(cluster: Cluster) -> dict[str, Column]:
    """The columns of YEAR/indicators.csv, from the cluster's indicators."""
    columns = [
        Column("member", required=True, mandatory=True, description="member id"),
        Column("status", parse_status, description="status of the row's figures"),
        Column("source", description="where the row's figures come from"),
        Column("note"),
    ]
    for ind in cluster.indicators:
        if not ind.is_column:
            continue
        columns += [
            Column(
                ind.id,
                parse_whole_figure if ind.decimals == 0 else parse_decimal,
                description=f"{ind.label} ({ind.unit})",
            ),
            Column(f"{ind.id}.status", parse_status),
            Column(f"{ind.id}.source"),
        ]
        if ind.plan:
            columns.append(Column(f"{ind.id}.plan", parse_decimal, description=ind.plan))
    return {c.name: c for c in columns}


AWARD_COLUMNS: dict[str, Column] = {
    c.name: c
    for c in [
        Column("member", description="member id; empty when not broken down by member"),
        Column("award", required=True, mandatory=True, description="award type id"),
        Column("count", parse_count, description="how many (default 1)"),
        Column("recipient", description="who received it"),
        Column("recipient_kind", parse_recipient_kind, description="collective or individual"),
        Column("scope", parse_scope, description="member, cluster or chair (default member)"),
        Column("status", parse_award_status, description="proposed or decided (default decided)"),
        Column("decision_number", description="số quyết định"),
        Column("decision_date", parse_date, description="ngày quyết định"),
        Column("issuer", description="cơ quan/người ký quyết định"),
        Column("note"),
    ]
}
