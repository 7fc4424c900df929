"""A streaming CSV reader that knows where each cell stood.

Rows are read one at a time (a ledger may hold a million of them) by the C `csv` module straight from
the decoded file, with or without Excel's byte-order mark, and each row carries the line it starts on.
The column of a cell is worked out only when a finding needs it, from the cells of its row. A file
that is not UTF-8 is reported with the line of the first bad byte and its likely legacy encoding; a
file that is not text at all is refused. Text is NFC-normalised by the parsers that read it.

Excel set to Vietnamese writes ';' between cells (the comma being the decimal mark there): the header
line decides which separator a file uses.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from thidua.catalogue import CSV_SYNTAX, FILE_EMPTY_CSV
from thidua.findings import FileProblem, Position
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

_NEEDS_QUOTES = frozenset('",;\r\n')


def _breaks(cell: str) -> int:
    return cell.count("\n") + cell.count("\r") - cell.count("\r\n")


def _starts(rows: list[list[str]], done: int) -> list[int]:
    """The line each row starts on, when some cells hold line breaks."""
    lines = []
    line = done + 1
    for row in rows:
        lines.append(line)
        line += 1 + sum(map(_breaks, row))
    return lines


def field_offset(cells: list[str], index: int, delimiter: str) -> tuple[int, int]:
    """(line offset, 1-based column) of cell `index` of a row, counting the quotes a cell needs
    (a cell that holds the separator, a quote or a line break) the way spreadsheets write them."""
    line, col = 0, 1
    for cell in cells[:index]:
        quoted = delimiter in cell or not _NEEDS_QUOTES.isdisjoint(cell)
        text = f'"{cell.replace(chr(34), chr(34) * 2)}"' if quoted else cell
        breaks = text.count("\n")
        if breaks:
            line += breaks
            col = len(text) - text.rfind("\n")
        else:
            col += len(text)
        col += 1  # the separator
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

    def batches(self, size: int = 4096) -> Iterator[tuple[list[int], list[list[str]]]]:
        """The header is read first (into `header`), then the non-blank rows come in batches of
        (line numbers, rows). The C reader takes a batch at a time; line numbers are worked out
        from the lines it has read, which needs a look inside the cells only when a batch holds a
        cell with a line break."""
        with self.path.open("rb") as raw:
            raw.seek(self._skip)
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            reader = csv.reader(text, delimiter=self.delimiter, strict=True)
            try:
                header = next(reader, None)
                if header is None:
                    raise FileProblem(FILE_EMPTY_CSV.at(Position(self.rel)))
                self.header = [nfc(h).strip() for h in header]
                done = reader.line_num
                while True:
                    rows = list(islice(reader, size))
                    if not rows:
                        return
                    if reader.line_num - done == len(rows):
                        lines = list(range(done + 1, reader.line_num + 1))
                    else:
                        lines = _starts(rows, done)
                    done = reader.line_num
                    if not all(rows) or not all(map(any, rows)):
                        kept = [
                            (n, r)
                            for n, r in zip(lines, rows, strict=True)
                            if any(c.strip() for c in r)
                        ]
                        lines, rows = [n for n, _ in kept], [r for _, r in kept]
                    if rows:
                        yield lines, rows
            except UnicodeDecodeError:
                data = self.path.read_bytes()
                try:
                    data[self._skip :].decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise encoding_problem(data, exc, self.rel, self._skip) from None
                raise
            except csv.Error as exc:
                line = self._record_start()
                raise FileProblem(CSV_SYNTAX.at(Position(self.rel, line, 1), problem=exc)) from None

    def _record_start(self) -> int:
        """The line where the record that the C reader could not parse starts (a quote that never
        closes is noticed only at the end of the file): the file is read again up to it."""
        line = 1
        with self.path.open("rb") as raw:
            raw.seek(self._skip)
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            reader = csv.reader(text, delimiter=self.delimiter, strict=True)
            try:
                for _ in reader:
                    line = reader.line_num + 1
            except csv.Error:
                pass
        return line

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """The non-blank rows one at a time, as (line, cells)."""
        for lines, rows in self.batches():
            yield from zip(lines, rows, strict=True)

    def position(self, line: int, index: int, cells: list[str]) -> Position:
        """Where cell `index` of the row starting at `line` stands."""
        dl, col = field_offset(cells, index, self.delimiter)
        return Position(self.rel, line + dl, col)
