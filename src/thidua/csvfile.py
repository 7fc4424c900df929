"""A streaming CSV reader that knows where each cell stood.

Rows are read one at a time (a ledger may hold a million of them), decoded as UTF-8 with or without
Excel's byte-order mark, NFC-normalised, and given the line they start on. The character column of a
cell is worked out only when a finding needs it. A file that is not UTF-8 is reported with the line of
the first bad byte and its likely legacy encoding; a file that is not text at all is refused.

Excel set to Vietnamese writes ';' between cells (the comma being the decimal mark there): the header
line decides which separator a file uses.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from thidua.findings import FileProblem, Position, error
from thidua.textfile import (
    BOM,
    CSV_LIMIT,
    check_not_binary,
    check_size,
    encoding_problem,
    nfc,
    unreadable,
)

csv.field_size_limit(1024 * 1024)


@dataclass(slots=True)
class CsvRow:
    line: int
    cells: list[str]


class _Lines:
    """Feeds lines to `csv.reader`, counting them and keeping the raw text of the current record."""

    __slots__ = ("count", "file", "record")

    def __init__(self, file: io.TextIOWrapper) -> None:
        self.file = file
        self.count = 0
        self.record: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = nfc(next(self.file))
        self.count += 1
        self.record.append(line)
        return line


def field_offset(record: str, index: int, delimiter: str) -> tuple[int, int]:
    """(line offset, 1-based column) of field `index` in the raw text of one CSV record."""
    line, col, field, quoted, start_of_field = 0, 1, 0, False, True
    for ch in record.rstrip("\r\n"):
        if field == index:
            return line, col
        if ch == '"' and (quoted or start_of_field):
            quoted = not quoted
        elif ch == delimiter and not quoted:
            field += 1
            start_of_field = True
            col += 1
            continue
        elif ch == "\n":
            line, col = line + 1, 0
        start_of_field = False
        col += 1
    return line, col


class CsvFile:
    """One CSV file: its header, then its rows as they are read."""

    def __init__(self, path: Path, rel: str) -> None:
        self.path = path
        self.rel = rel
        check_size(path, rel, CSV_LIMIT)
        try:
            with path.open("rb") as f:
                head = f.read(8192)
        except OSError as exc:
            raise unreadable(rel, exc) from None
        check_not_binary(head, rel)
        self._skip = len(BOM) if head.startswith(BOM) else 0
        first_line = head[self._skip :].split(b"\n", 1)[0]
        self.delimiter = ";" if first_line.count(b";") > first_line.count(b",") else ","
        self.header: list[str] = []
        self._lines: _Lines | None = None
        self._records: dict[int, str] = {}

    def rows(self) -> Iterator[CsvRow]:
        """The header is read first (into `header`), then each non-blank row is yielded."""
        with self.path.open("rb") as raw:
            raw.seek(self._skip)
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            lines = self._lines = _Lines(text)
            reader = csv.reader(lines, delimiter=self.delimiter, strict=True)
            try:
                header = next(reader, None)
                if header is None:
                    raise FileProblem(error("file-empty", Position(self.rel), "the file is empty"))
                self.header = [nfc(h).strip() for h in header]
                self._records[1] = "".join(lines.record)
                while True:
                    start = lines.count + 1
                    lines.record = []
                    cells = next(reader, None)
                    if cells is None:
                        return
                    if any(c.strip() for c in cells):
                        self._records[start] = "".join(lines.record)
                        if len(self._records) > 64:
                            self._records.pop(next(iter(self._records)))
                        yield CsvRow(start, cells)
            except UnicodeDecodeError:
                data = self.path.read_bytes()
                try:
                    data[self._skip :].decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise encoding_problem(data, exc, self.rel, self._skip) from None
                raise
            except csv.Error as exc:
                raise FileProblem(
                    error(
                        "csv-syntax",
                        Position(self.rel, lines.count, 1),
                        f"CSV syntax: {exc}; check the quotes on this line"
                        ' (a cell that holds a quote or a line break must be inside "…")',
                    )
                ) from None

    def position(self, line: int, index: int) -> Position:
        """Where field `index` of the record starting at `line` stands, as exactly as is known."""
        record = self._records.get(line)
        if record is None:
            return Position(self.rel, line, 1)
        dl, col = field_offset(record, index, self.delimiter)
        return Position(self.rel, line + dl, col)
