"""Office spreadsheets as a grid of cells: an Excel workbook (.xlsx) or a CSV as Excel saves it.

This is the forgiving reader behind `thidua import`, and only it: the records themselves are read by
the strict readers (`csvfile`, `tables`). It accepts what offices produce — a workbook with title
rows, a CSV in UTF-8 with or without a byte-order mark, in Windows-1258 or in the legacy TCVN3 and
VNI encodings, separated by commas, semicolons or tabs — and says how it read it, so that the
command can print it. Every cell keeps where it stood in the sheet (`Sheet1!D7`), whatever the
importer later does with the grid (it may turn it on its side).

The work is bounded whatever the file holds: its size, the unpacked size of a workbook's parts, the
number of rows and columns read.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from thidua.findings import Refused
from thidua.i18n import _
from thidua.legacy import ENCODING_NAMES, decode_cp1258, decode_tcvn3, decode_vni, guess_encoding
from thidua.textfile import MarksError, nfc

MiB = 1024 * 1024
FILE_LIMIT = 64 * MiB  # a sheet of a cluster's figures or an award list is a few hundred kB
UNPACKED_LIMIT = 256 * MiB  # the parts of a workbook, unpacked (a zip bomb stops here)
MAX_COLUMNS = 256
TEXT_LIMIT = 32_767  # what one Excel cell holds

# the encodings `--encoding` accepts, and how each is decoded
DECODERS: dict[str, Callable[[bytes], str]] = {
    "utf-8": lambda data: data.decode("utf-8-sig"),
    "cp1258": decode_cp1258,
    "tcvn3": decode_tcvn3,
    "vni": decode_vni,
    "cp1252": lambda data: data.decode("cp1252", errors="replace"),
}
ENCODINGS = tuple(DECODERS)


class SheetRefused(Refused):
    """A spreadsheet that cannot be read: the message says which file and why."""


Value = str | int | Decimal | date | None


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its value as the sheet holds it, and where it stands (0-based row and column)."""

    value: Value
    row: int
    column: int
    percent: bool = False  # a number Excel shows as a percentage (0.063 shown 6,3%)
    error: bool = False  # an Excel error value (#DIV/0!, #REF!, …), kept as its text

    @property
    def text(self) -> str:
        """The cell as text (numbers written plainly); '' for an empty cell."""
        if self.value is None:
            return ""
        if isinstance(self.value, Decimal):
            return format(self.value, "f")
        if isinstance(self.value, date):
            return self.value.isoformat()
        return str(self.value)

    @property
    def empty(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


def column_letters(index: int) -> str:
    """Excel's name of a column: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(slots=True)
class Sheet:
    """The cells of one sheet, row by row, and how the file was read."""

    name: str  # the sheet's name, or the CSV file's name
    rows: list[list[Cell]]
    how: list[str] = field(default_factory=list)  # "Windows-1258", "separator ';'", …
    decimal_comma: bool = (
        False  # a CSV separated by ';', as Excel writes it where the decimal sign is ','
    )
    # the merged cells of a workbook's sheet: (first row, first column, last row, last column)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    def ref(self, cell: Cell) -> str:
        """Where a cell stands, as Excel names it: Sheet1!D7, 'Bảng 1'!B3."""
        return cell_ref(self.name, cell.row, cell.column)


def cell_ref(sheet: str, row: int, column: int) -> str:
    """Where a cell stands (0-based row and column), as Excel names it: Sheet1!D7, 'Bảng 1'!B3."""
    name = sheet
    if not name.replace("_", "").replace(".", "").replace("-", "").isalnum():
        name = "'" + name.replace("'", "''") + "'"
    return f"{name}!{column_letters(column)}{row + 1}"


def read_sheet(
    path: Path, *, sheet: str | None = None, encoding: str | None = None, max_rows: int = 10_000
) -> Sheet:
    """The sheet of an .xlsx workbook or a CSV file, or `SheetRefused` saying why not."""
    try:
        if not path.is_file():
            if path.is_dir():
                raise SheetRefused(
                    _("{path} is a folder; name the file to import").format(path=path)
                )
            if path.exists():
                raise SheetRefused(
                    _("{path} is not a regular file (a device or a pipe)").format(path=path)
                )
            raise SheetRefused(_("{path}: no such file").format(path=path))
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8)
    except OSError as exc:
        raise SheetRefused(
            _("cannot read {path}: {why}").format(path=path, why=exc.strerror)
        ) from None
    if size == 0:
        raise SheetRefused(_("{path} is empty").format(path=path))
    if size > FILE_LIMIT:
        raise SheetRefused(
            _("{path} is {size} MB; a sheet to import may be at most {limit} MB").format(
                path=path, size=size // MiB, limit=FILE_LIMIT // MiB
            )
        )
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, sheet, max_rows)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if _encrypted(path):
            raise SheetRefused(
                _(
                    "{path} is protected by a password; open it in Excel, remove the password"
                    " (File > Info > Protect Workbook > Encrypt with Password), save it, then"
                    " import that file"
                ).format(path=path)
            )
        raise SheetRefused(
            _(
                "{path} is an old Excel 97-2003 workbook (.xls); open it in Excel and save it as"
                " 'Excel Workbook (.xlsx)', then import that file"
            ).format(path=path)
        )
    if sheet is not None:
        raise SheetRefused(
            _("{path} is a CSV file, which has one sheet only: leave out --sheet").format(path=path)
        )
    return _read_csv(path, encoding, max_rows)


def _encrypted(path: Path) -> bool:
    """Whether a compound file (the container of .xls) holds an encrypted .xlsx: Excel stores a
    workbook saved with a password as the streams EncryptionInfo and EncryptedPackage."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return "EncryptionInfo".encode("utf-16-le") in data


# --- CSV ----------------------------------------------------------------------------------------


def decode(data: bytes, encoding: str | None, path: Path) -> tuple[str, str]:
    """The text of a CSV file, and the name of the encoding it was read in."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) and encoding is None:
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    if encoding in (None, "utf-8"):
        try:
            if data.startswith(b"\xef\xbb\xbf"):
                return data[3:].decode("utf-8"), _("UTF-8 with a byte-order mark")
            return data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError as exc:
            if encoding == "utf-8":
                raise SheetRefused(
                    _(
                        "{path} is not UTF-8 (byte {byte:#04x} at offset {offset}); say which"
                        " encoding it is in with --encoding ({encodings})"
                    ).format(
                        path=path,
                        byte=data[exc.start],
                        offset=exc.start,
                        encodings=", ".join(ENCODINGS),
                    )
                ) from None
    guess = encoding or guess_encoding(data)
    if guess == "cp1252" and encoding is None:
        raise SheetRefused(
            _(
                "{path} is not UTF-8, and it does not read as Vietnamese in Windows-1258, TCVN3 or"
                " VNI either; say which encoding it is in with --encoding ({encodings}), or save"
                " it from Excel as 'CSV UTF-8'"
            ).format(path=path, encodings=", ".join(ENCODINGS))
        )
    return DECODERS[guess](data), ENCODING_NAMES.get(guess, guess)


def _separator(text: str) -> str:
    """The separator that gives the most rows of one width (more than one column) in the first lines."""
    sample = text[: 64 * 1024].splitlines()[:60]
    best, best_score = ",", (0, 0)
    for sep in (",", ";", "\t"):
        try:
            widths = Counter(len(r) for r in csv.reader(sample, delimiter=sep) if any(r))
        except csv.Error:
            continue
        width, rows = max(
            widths.items(), key=lambda kv: (kv[1] if kv[0] > 1 else 0, kv[0]), default=(0, 0)
        )
        score = (rows if width > 1 else 0, width)
        if score > best_score:
            best, best_score = sep, score
    return best


def _read_csv(path: Path, encoding: str | None, max_rows: int) -> Sheet:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SheetRefused(
            _("cannot read {path}: {why}").format(path=path, why=exc.strerror)
        ) from None
    text, read_as = decode(data, encoding, path)
    if "\x00" in text:
        sample = data[:4096]
        if sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4:
            raise SheetRefused(
                _(
                    "{path} looks like UTF-16 text without its byte-order mark; save it from Excel"
                    " as 'CSV UTF-8', then import that file"
                ).format(path=path)
            )
        raise SheetRefused(
            _("{path} holds NUL characters: it is not a text file").format(path=path)
        )
    sep = _separator(text)
    rows: list[list[Cell]] = []
    # strict: a quote left open is an error at the end of the file, not a cell that swallows
    # every row below it
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    try:
        for r, record in enumerate(reader):
            if r >= max_rows:
                raise SheetRefused(
                    _("{path} has more than {limit} rows; import it in parts").format(
                        path=path, limit=f"{max_rows:,}"
                    )
                )
            if len(record) > MAX_COLUMNS:
                raise SheetRefused(
                    _(
                        "{path}: row {row} has {count} cells; a sheet may have at most {limit} columns"
                    ).format(path=path, row=r + 1, count=len(record), limit=MAX_COLUMNS)
                )
            rows.append([_text_cell(value, r, c, path) for c, value in enumerate(record)])
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise SheetRefused(
                _(
                    '{path}: row {row} opens a quote (") that no later quote closes, so every row'
                    " below it would be one cell; correct the quotes in that row"
                ).format(path=path, row=len(rows) + 1)
            ) from None
        raise SheetRefused(
            _("{path}: row {row} cannot be read as CSV: {why}").format(
                path=path, row=len(rows) + 1, why=exc
            )
        ) from None
    names = {",": "','", ";": "';'", "\t": _("tab")}
    how = [read_as, _("separator {sep}").format(sep=names[sep])]
    return Sheet(path.name, rows, how, decimal_comma=sep == ";")


def _text_cell(value: str, row: int, column: int, path: Path) -> Cell:
    if len(value) > TEXT_LIMIT:
        raise SheetRefused(
            _(
                "{path}: the cell {ref} holds {count} characters; a cell may hold at most {limit}"
            ).format(
                path=path,
                ref=f"{column_letters(column)}{row + 1}",
                count=f"{len(value):,}",
                limit=f"{TEXT_LIMIT:,}",
            )
        )
    try:
        text = nfc(value.strip()) if not value.isascii() else value.strip()
    except MarksError:
        raise SheetRefused(
            _("{path}: the cell {ref} holds a run of combining marks that is not text").format(
                path=path, ref=f"{column_letters(column)}{row + 1}"
            )
        ) from None
    return Cell(text or None, row, column)


# --- xlsx ---------------------------------------------------------------------------------------


def _check_zip(path: Path) -> None:
    """Refuse a workbook whose parts unpack to more than the limit, before openpyxl reads any."""
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(info.file_size for info in z.infolist())
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SheetRefused(
            _("{path} is not a readable .xlsx workbook: {why}").format(path=path, why=exc)
        ) from None
    if total > UNPACKED_LIMIT:
        raise SheetRefused(
            _(
                "{path} unpacks to {size} MB; a workbook to import may unpack to at most {limit} MB"
            ).format(path=path, size=total // MiB, limit=UNPACKED_LIMIT // MiB)
        )
    if "xl/workbook.xml" not in names:
        raise SheetRefused(
            _("{path} is a zip file but not an Excel workbook (.xlsx)").format(path=path)
        )


def _read_xlsx(path: Path, wanted: str | None, max_rows: int) -> Sheet:
    _check_zip(path)
    import warnings
    from contextlib import ExitStack

    import openpyxl  # only `import` loads it, never `check`

    with ExitStack() as stack:
        books = []
        # read twice: the values Excel computed, and the formulas, to tell a formula whose value
        # the file does not keep (saved by a program that does not compute them) from a blank
        for data_only in (True, False):
            # an open file rather than the path: openpyxl would refuse a workbook by its name
            # (a .xlsx saved as "so-lieu.csv"); the content decides
            f = stack.enter_context(path.open("rb"))
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # openpyxl warns about styles it skips
                    book = openpyxl.load_workbook(f, read_only=True, data_only=data_only)
            except Exception as exc:  # openpyxl raises many kinds on a damaged file
                raise SheetRefused(
                    _("{path} is not a readable .xlsx workbook: {why}").format(path=path, why=exc)
                ) from None
            stack.callback(book.close)
            books.append(book)
        return _sheet_of(books[0], books[1], path, wanted, max_rows)


def _sheet_of(book: Any, formulas: Any, path: Path, wanted: str | None, max_rows: int) -> Sheet:
    def read(ws: Any) -> list[list[Cell]]:
        return _rows(ws, formulas[ws.title], path, max_rows)

    if wanted is not None:
        found = [ws for ws in book.worksheets if ws.title == wanted] or [
            ws for ws in book.worksheets if ws.title.strip().casefold() == wanted.strip().casefold()
        ]
        if not found:
            names = ", ".join(repr(ws.title) for ws in book.worksheets)
            raise SheetRefused(
                _("{path} has no sheet named '{name}'; its sheets are: {names}").format(
                    path=path, name=wanted, names=names
                )
            )
        ws = found[0]
        rows = read(ws)
    else:
        # each sheet read as it would be imported; a refusal counts as content (a sheet that is
        # refused for what it holds is not empty) and is raised only if that sheet is the one
        filled: list[tuple[Any, list[list[Cell]] | SheetRefused]] = []
        hidden: list[Any] = []
        for ws in book.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                hidden.append(ws)
                continue
            try:
                content: list[list[Cell]] | SheetRefused = read(ws)
            except SheetRefused as exc:
                content = exc
            if isinstance(content, SheetRefused) or any(not c.empty for r in content for c in r):
                filled.append((ws, content))
        if not filled:
            # hidden sheets are looked at only now: a hidden sheet of lookups beside the data
            # must not stop the import
            with_data = []
            for ws in hidden:
                try:
                    if any(not c.empty for r in read(ws) for c in r):
                        with_data.append(ws)
                except SheetRefused:
                    with_data.append(ws)
            if with_data:
                names = ", ".join(repr(ws.title) for ws in with_data)
                raise SheetRefused(
                    _(
                        "{path}: only hidden sheets hold data ({names}); say which one to import"
                        " with --sheet NAME"
                    ).format(path=path, names=names)
                )
            raise SheetRefused(_("{path}: every sheet is empty").format(path=path))
        if len(filled) > 1:
            names = ", ".join(repr(ws.title) for ws, _rows_ in filled)
            raise SheetRefused(
                _(
                    "{path} has {count} sheets with data ({names}); say which one to import with"
                    " --sheet NAME"
                ).format(path=path, count=len(filled), names=names)
            )
        ws, content = filled[0]
        if isinstance(content, SheetRefused):
            raise content
        rows = content
    sheet = Sheet(ws.title, rows, [_("Excel workbook, sheet '{name}'").format(name=ws.title)])
    sheet.merged = _merged(ws, path)
    return sheet


def _openpyxl_rows(ws: Any, path: Path, **where: Any) -> Iterator[tuple[Any, ...]]:
    """The rows of a sheet as openpyxl reads them, lazily: a part that turns out damaged only now
    (malformed XML, a bad checksum) is a refusal like any unreadable workbook."""
    rows = ws.iter_rows(**({"max_col": MAX_COLUMNS} | where))
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # openpyxl raises many kinds on a damaged part
            raise SheetRefused(
                _("{path} is not a readable .xlsx workbook: {why}").format(path=path, why=exc)
            ) from None
        yield row


def _rows(ws: Any, formulas: Any, path: Path, max_rows: int) -> list[list[Cell]]:
    from openpyxl.cell.read_only import EMPTY_CELL

    rows: list[list[Cell]] = []
    as_written = _AsWritten(formulas, path)
    for r, row in enumerate(_openpyxl_rows(ws, path)):
        if r >= max_rows:
            if any(c.value is not None for c in row):
                raise SheetRefused(
                    _(
                        "{path}: the sheet '{name}' has more than {limit} rows; import it in parts"
                    ).format(path=path, name=ws.title, limit=f"{max_rows:,}")
                )
            break
        cells: list[Cell] = []
        for c, cell in enumerate(row):
            if cell is EMPTY_CELL:
                continue  # openpyxl fills a row out to max_col with it: most cells of most rows
            value = getattr(cell, "value", None)
            data_type = getattr(cell, "data_type", "")
            if value is None and data_type == "n":  # a blank, or a formula without its value
                _uncomputed(as_written.cell(r, c), ws.title, r, c, path)
            typed = _typed_cell(
                value, r, c, getattr(cell, "number_format", "") or "", data_type, path
            )
            if not typed.empty:
                cells += [Cell(None, r, gap) for gap in range(len(cells), c)]
                cells.append(typed)
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    _beyond_columns(ws, path, max_rows)
    return rows


MAX_MERGED = 100_000
_MERGE = re.compile(
    rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?ref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"'
)


def _merged(ws: Any, path: Path) -> list[tuple[int, int, int, int]]:
    """The merged cells of a sheet, which openpyxl's streaming reader does not give: its part is
    scanned for them (they stand after the cells, so the whole part, bounded by the unpacked
    size). A sheet whose part cannot be reached so has none."""
    source = getattr(ws, "_get_source", None)
    if source is None:
        return []
    found: set[tuple[int, int, int, int]] = set()
    tail = b""
    try:
        with source() as part:
            while chunk := part.read(1 << 20):
                text = tail + chunk
                for m in _MERGE.finditer(text):
                    first, last = (
                        (_column_index(m[1]), int(m[2]) - 1),
                        (_column_index(m[3]), int(m[4]) - 1),
                    )
                    found.add((first[1], first[0], last[1], last[0]))
                if len(found) > MAX_MERGED:
                    raise SheetRefused(
                        _("{path}: the sheet '{name}' has more than {limit} merged cells").format(
                            path=path, name=ws.title, limit=f"{MAX_MERGED:,}"
                        )
                    )
                tail = text[-512:]
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise SheetRefused(
            _("{path} is not a readable .xlsx workbook: {why}").format(path=path, why=exc)
        ) from None
    return sorted(found)


def _column_index(letters: bytes) -> int:
    """A column's 0-based index from Excel's letters: b'A' → 0, b'AA' → 26."""
    index = 0
    for letter in letters:
        index = index * 26 + letter - ord("A") + 1
    return index - 1


class _AsWritten:
    """The cells of a sheet as written (formulas, not their values), read row by row alongside
    the values only once a cell needs it: a sheet without blank cells is parsed once."""

    def __init__(self, ws: Any, path: Path) -> None:
        self.ws, self.path = ws, path
        self.rows: Iterator[tuple[Any, ...]] | None = None
        self.at, self.row = -1, ()

    def cell(self, r: int, c: int) -> Any:
        if self.rows is None:
            self.rows = _openpyxl_rows(self.ws, self.path)
        while self.at < r:
            self.row, self.at = next(self.rows, ()), self.at + 1
        return self.row[c] if c < len(self.row) else None


def _beyond_columns(ws: Any, path: Path, max_rows: int) -> None:
    """Refuse a value to the right of the columns read: left out, a column of figures would be
    dropped without a word. The sheet's recorded size (which Excel keeps exact) says whether there
    is anything to look for."""
    width = getattr(ws, "max_column", None)
    if not isinstance(width, int) or width <= MAX_COLUMNS:
        return
    rows = _openpyxl_rows(
        ws, path, min_col=MAX_COLUMNS + 1, max_col=width, max_row=max_rows, values_only=True
    )
    for r, values in enumerate(rows):
        if values.count(None) == len(values):  # counted in C: a row may be 16,000 cells wide
            continue
        c = next(c for c, value in enumerate(values) if value is not None)
        raise SheetRefused(
            _(
                "{path}: the cell {ref} is beyond the {limit} columns a sheet to import may"
                " have; move the data left, or delete the columns beyond"
            ).format(path=path, ref=cell_ref(ws.title, r, MAX_COLUMNS + c), limit=MAX_COLUMNS)
        )


def _uncomputed(cell: Any, sheet: str, row: int, column: int, path: Path) -> None:
    """Refuse a formula without the value it computes (Excel keeps both; a file written by a
    program that does not compute formulas keeps the formula only): read as a blank, its figure
    would be dropped without a word."""
    if getattr(cell, "data_type", "") != "f":
        return
    formula = str(getattr(cell, "value", ""))
    raise SheetRefused(
        _(
            "{path}: the cell {ref} holds the formula {formula} but not its value: the file was"
            " saved by a program that does not compute formulas. Open it in Excel or LibreOffice"
            " and save it again (that computes them), then import"
        ).format(
            path=path,
            ref=cell_ref(sheet, row, column),
            formula=formula if len(formula) <= 40 else formula[:40] + "…",
        )
    )


def _typed_cell(
    value: Any, row: int, column: int, number_format: str, data_type: str, path: Path
) -> Cell:
    """A workbook cell as the sheet holds it: a float becomes the shortest decimal that reads back
    as the same float (6.3, not 6.29999999999999982236431605997495353221893310546875)."""
    percent = "%" in number_format
    if value is None:
        return Cell(None, row, column)
    if isinstance(value, bool):
        return Cell("TRUE" if value else "FALSE", row, column)
    if isinstance(value, int):
        return Cell(value, row, column, percent)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return Cell(str(value), row, column, error=True)
        if value.is_integer() and abs(value) < 2**53:
            return Cell(int(value), row, column, percent)
        return Cell(Decimal(repr(value)), row, column, percent)
    if isinstance(value, Decimal):
        return Cell(value, row, column, percent)
    if isinstance(value, datetime):
        return Cell(value.date(), row, column)
    if isinstance(value, date):
        return Cell(value, row, column)
    if isinstance(value, time):
        return Cell(value.isoformat(), row, column)
    cell = _text_cell(str(value), row, column, path)
    if data_type == "e":
        return Cell(cell.value, row, column, error=True)
    return cell
