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
from collections.abc import Iterator, Sequence
from itertools import accumulate, islice, repeat, zip_longest
from operator import add
from pathlib import Path
from typing import Any, overload
from unicodedata import is_normalized

from thidua.catalogue import CSV_SYNTAX, CSV_TOO_MANY_COLUMNS, FILE_EMPTY_CSV, FILE_NUL
from thidua.findings import FileProblem, Position
from thidua.textfile import (
    BOM,
    CSV_LIMIT,
    MarksError,
    check_not_binary,
    check_size,
    encoding_problem,
    marks_problem,
    nfc,
    open_regular,
    unreadable,
)

csv.field_size_limit(1024 * 1024)

# At most 1,000 cells on a line of a CSV file. A national cluster has 63 members and some 40
# indicators of up to four columns each (figure, status, source, plan): about 165 columns; a
# ledger has 11. A line of more is damaged or hostile, and the C reader would build a list of every
# cell of it: a 2 GiB line of commas is two billion cells.
MAX_COLUMNS = 1000

_NEEDS_QUOTES = frozenset('",;\r\n')

# Rows in a batch. A batch's cells should stay in the processor's cache while each column of it is
# read: measured on a ledger of a million rows, 512 rows read as fast as a bare `csv.reader` loop,
# while 4,096 rows cost a quarter more (bench/run.py).
BATCH_ROWS = 512


class _Breach(Exception):
    """A CSV file's bytes break a rule at `offset`: a NUL byte, or a line with too many cells."""

    def __init__(self, message: Any, offset: int, **fields: Any) -> None:
        super().__init__(offset)
        self.message = message
        self.offset = offset
        self.fields = fields


class _Guarded(io.BufferedReader):
    """A CSV file's bytes as the text layer reads them, checked a buffer at a time with C-level
    scans before the C reader parses them: no NUL byte anywhere, and no line with more than
    `MAX_COLUMNS` cells (separators are counted on each physical line, quoted or not, so that a
    row is bounded before the C reader builds it). The work is one count per buffer where the
    buffer holds fewer separators than the limit, else one split and one count per line."""

    def __init__(self, raw: Any, delimiter: str) -> None:
        super().__init__(raw, buffer_size=1 << 16)
        self._delimiter = delimiter.encode()
        self._carry = 0  # separators on the line the bytes so far end in
        self._offset = 0

    def read1(self, size: int = -1, /) -> bytes:
        return self._check(super().read1(size))

    def read(self, size: int | None = -1, /) -> bytes:
        return self._check(super().read(size))

    def seek(self, target: int, whence: int = 0, /) -> int:
        self._offset = super().seek(target, whence)
        return self._offset

    def _check(self, chunk: bytes) -> bytes:
        if b"\x00" in chunk:
            raise _Breach(FILE_NUL, self._offset + chunk.index(b"\x00"))
        delimiter = self._delimiter
        if self._carry + chunk.count(delimiter) >= MAX_COLUMNS:
            lines = (chunk.replace(b"\r", b"\n") if b"\r" in chunk else chunk).split(b"\n")
            counts = list(map(bytes.count, lines, repeat(delimiter)))
            counts[0] += self._carry
            if max(counts) >= MAX_COLUMNS:
                k = next(k for k, n in enumerate(counts) if n >= MAX_COLUMNS)
                at = sum(map(len, lines[:k])) + k
                raise _Breach(
                    CSV_TOO_MANY_COLUMNS,
                    self._offset + at,
                    limit=MAX_COLUMNS,
                    delimiter=self._delimiter.decode(),
                )
            self._carry = counts[-1]
        else:
            last = chunk.rfind(b"\n")
            if last < 0:
                last = chunk.rfind(b"\r")
            self._carry = chunk.count(delimiter, last + 1) + (self._carry if last < 0 else 0)
        self._offset += len(chunk)
        return chunk


def _breaks(cell: str) -> int:
    return cell.count("\n") + cell.count("\r") - cell.count("\r\n")


class LineNumbers(Sequence[int]):
    """The line each row of a batch starts on, worked out only when asked: when some cells hold
    line breaks, finding the lines means looking into cells, and most batches are read (checked,
    counted) without any line being asked for. The rows are the batch's own, unchanged."""

    def __init__(self, rows: list[list[str]], done: int) -> None:
        self._rows = rows
        self._done = done
        self._lines: list[int] | None = None

    def _all(self) -> list[int]:
        if self._lines is None:
            self._lines = _starts(self._rows, self._done)
        return self._lines

    def fix(self) -> None:
        """Work the lines out now, before the rows are changed (a row cut to the header's width)."""
        self._all()

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[int]: ...
    def __getitem__(self, index: int | slice) -> int | Sequence[int]:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[int]:
        return iter(self._all())


def _starts(rows: list[list[str]], done: int) -> list[int]:
    """The line each row starts on, when some cells hold line breaks. Only the columns that hold
    a break are looked at cell by cell (a note column, as a rule); the rest is C-level work."""
    extra = [0] * len(rows)
    for column in zip_longest(*rows, fillvalue=""):
        joined = "\x1f".join(column)
        if "\n" in joined or "\r" in joined:
            extra = list(map(add, extra, map(_breaks, column)))
    firsts = accumulate(map(add, extra[:-1], repeat(1)), initial=done + 1)
    return list(firsts)


def field_offset(
    cells: list[str], index: int, delimiter: str, quote_all: bool = False
) -> tuple[int, int]:
    """(line offset, 1-based column) of cell `index` of a row, counting the quotes a cell needs
    (a cell that holds the separator, a quote or a line break) the way spreadsheets write them."""
    return field_offsets(cells[:index], delimiter, quote_all)[-1]


def field_offsets(
    cells: list[str], delimiter: str, quote_all: bool = False
) -> list[tuple[int, int]]:
    """`field_offset` of every cell of a row and of the end of the row, in one pass (a finding per
    cell of a wide header must not cost a pass per cell)."""
    line, col = 0, 1
    out = [(line, col)]
    for cell in cells:
        quoted = quote_all or delimiter in cell or not _NEEDS_QUOTES.isdisjoint(cell)
        text = f'"{cell.replace(chr(34), chr(34) * 2)}"' if quoted else cell
        breaks = text.count("\n")
        if breaks:
            line += breaks
            col = len(text) - text.rfind("\n")
        else:
            col += len(text)
        col += 1  # the separator
        out.append((line, col))
    return out


class CsvFile:
    """One CSV file: its header, then its rows as they are read."""

    def __init__(self, path: Path, rel: str) -> None:
        self.path = path
        self.rel = rel
        check_size(path, rel, CSV_LIMIT)
        try:
            with open_regular(path) as f:
                head = f.read(8192)
        except OSError as exc:
            raise unreadable(rel, exc) from None
        check_not_binary(head, rel)
        self._skip = len(BOM) if head.startswith(BOM) else 0
        first_line = head[self._skip :].split(b"\n", 1)[0]
        self.delimiter = ";" if first_line.count(b";") > first_line.count(b",") else ","
        # a file whose header has every cell in quotes was saved quoting every cell (LibreOffice's
        # "quote all text cells", some exports): positions count those quotes
        fields = first_line.rstrip(b"\r").split(self.delimiter.encode())
        self.quote_all = all(len(f) >= 2 and f[:1] == f[-1:] == b'"' for f in fields)
        self.header: list[str] = []
        # The offsets of the cells of rows that findings are about, computed once per row: a
        # row's findings then cost one pass over it, not one per finding. Rows are known by
        # identity while their batch is alive; `forget` is called for each new batch.
        self._offsets: dict[int, tuple[list[str], list[tuple[int, int]]]] = {}

    def batches(self, size: int = BATCH_ROWS) -> Iterator[tuple[Sequence[int], list[list[str]]]]:
        """The header is read first (into `header`), then the non-blank rows come in batches of
        (line numbers, rows). The C reader takes a batch at a time; line numbers are worked out
        from the lines it has read, which needs a look inside the cells only when a batch holds a
        cell with a line break."""
        with (
            open_regular(self.path, buffered=False) as plain,
            _Guarded(plain, self.delimiter) as raw,
        ):
            raw.seek(self._skip)
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            reader = csv.reader(text, delimiter=self.delimiter, strict=True)
            try:
                header = next(reader, None)
                if header is None:
                    raise FileProblem(FILE_EMPTY_CSV.at(Position(self.rel)))
                try:
                    self.header = [nfc(h).strip() for h in header]
                except MarksError as exc:
                    cell = next(i for i, h in enumerate(header) if not is_normalized("NFC", h))
                    raise marks_problem(exc, self.position(1, cell, header)) from None
                done = reader.line_num
                while True:
                    rows = list(islice(reader, size))
                    if not rows:
                        return
                    lines: Sequence[int]
                    if reader.line_num - done == len(rows):
                        lines = range(done + 1, reader.line_num + 1)
                    else:
                        lines = LineNumbers(rows, done)
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
                with open_regular(self.path) as f:
                    data = f.read()
                try:
                    data[self._skip :].decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise encoding_problem(data, exc, self.rel, self._skip) from None
                raise
            except csv.Error as exc:
                line = self._record_start()
                raise FileProblem(CSV_SYNTAX.at(Position(self.rel, line, 1), problem=exc)) from None
            except _Breach as breach:
                position = self._where(breach.offset)
                raise FileProblem(breach.message.at(position, **breach.fields)) from None

    def _where(self, offset: int) -> Position:
        """The line and column of the byte at `offset`, the file read again up to it (only for a
        file that is refused: the guard keeps no count on the way)."""
        line, tail, crlf = 1, b"", False
        with open_regular(self.path) as raw:
            raw.seek(self._skip)
            left = offset - self._skip
            while left > 0:
                chunk = raw.read(min(left, 1 << 20))
                if not chunk:
                    break
                left -= len(chunk)
                line += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
                line -= crlf and chunk.startswith(b"\n")  # a CRLF split between two chunks
                crlf = chunk.endswith(b"\r")
                cut = max(chunk.rfind(b"\n"), chunk.rfind(b"\r")) + 1
                tail = chunk[cut:] if cut else (tail + chunk)[-(1 << 20) :]
        return Position(self.rel, line, len(tail.decode("utf-8", errors="replace")) + 1)

    def _record_start(self) -> int:
        """The line where the record that the C reader could not parse starts (a quote that never
        closes is noticed only at the end of the file): the file is read again up to it."""
        line = 1
        with open_regular(self.path) as raw:
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
        known = self._offsets.get(id(cells))
        if known is None or known[0] is not cells:
            known = (cells, field_offsets(cells, self.delimiter, self.quote_all))
            self._offsets[id(cells)] = known
        dl, col = known[1][min(index, len(cells))]
        return Position(self.rel, line + dl, col)

    def forget(self) -> None:
        """Drop the offsets of the rows of the last batch."""
        self._offsets.clear()
