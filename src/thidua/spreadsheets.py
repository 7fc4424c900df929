"""Tables (`thidua.export`) written for spreadsheets: an Excel workbook, or one table as CSV.

Both are safe to open, whatever the records hold:

- **No formula from text.** A spreadsheet reads a cell that begins with `=`, `+`, `-`, `@`, a tab
  or a carriage return as a formula, or a DDE command (OWASP, "CSV injection"); so is text that
  begins so after spaces (a program may trim them) or with the full-width `＝ ＋ － ＠` (an input
  method may turn them into the plain ones). In CSV such a text cell gets a leading apostrophe
  (`'=1+1`), and a cell holding a comma, a semicolon, a tab, a quote or a line break is quoted:
  Excel in a language that separates with `;` (Vietnamese among them) splits an unquoted line at
  each `;`, and the text after one would begin a cell of its own. In the workbook it is a string cell, never a formula,
  marked with the quote prefix: that is how Excel stores text typed after an apostrophe, so it
  stays text even when someone edits the cell. Headers are text cells too (an indicator's label or
  a member's name heads a column). Numbers are written as numbers: -9,28 is a number, not text.
- **Only characters a file can hold.** Control characters other than tab, line feed and carriage
  return, U+FFFE, U+FFFF and lone surrogates cannot be stored in a workbook (XML) and have no place
  in text: they become U+FFFD (�), in both formats, with a note.
- **Excel's limit.** A cell holds at most 32,767 characters: longer text is cut in the workbook,
  with a note; the CSV keeps it whole.

The workbook has one sheet per table: numbers as numbers with display formats (`#,##0`,
`#,##0.00`) that Excel shows in the reader's own settings (235.000 and 6,3 in Vietnamese ones),
years without a thousands separator, dates as dates (`dd/mm/yyyy`; ISO in English), a bold header
row that stays in view, a filter on it, columns as wide as their content, the header on every
printed page. openpyxl is imported only here, when a workbook is written.

A CSV file is UTF-8 with a byte-order mark (by which Excel knows the encoding), separated by
commas, lines ending in CRLF; numbers with a decimal point and dates as 2024-03-13, as the records
write them, so the file reads back into any program exactly.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from thidua.export import Cell, Kind, Table
from thidua.i18n import _
from thidua.sheets import column_letters

if TYPE_CHECKING:
    from openpyxl.cell import Cell as SheetCell
    from openpyxl.cell import MergedCell
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# the full-width and small forms of = + - @, which an input method may turn into the plain ones
_WIDE_FORMULA_START = (
    "\uff1d",
    "\uff0b",
    "\uff0d",
    "\uff20",
    "\ufe66",
    "\ufe62",
    "\ufe63",
    "\ufe6b",
)
# what a spreadsheet may take for a separator, or a quote: a cell holding one is quoted
_CSV_QUOTED = re.compile('[,;\t"\r\n]')
EXCEL_CELL_LIMIT = 32767
SHEET_NAME_LIMIT = 31
# what XML 1.0 cannot hold: C0 controls but tab, LF and CR; lone surrogates; U+FFFE and U+FFFF
_UNHOLDABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EXCEL_ESCAPE = re.compile("_x[0-9A-Fa-f]{4}_")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
REPLACEMENT = "\ufffd"
DATE_FORMATS = {"vi": "dd/mm/yyyy", "en": "yyyy-mm-dd"}
WIDTH_MIN, WIDTH_MAX, HEADER_WIDTH = 6, 60, 24


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could read `text` as a formula or a command: it begins with one of
    FORMULA_START, or a full-width form of one, perhaps after spaces."""
    trimmed = text.lstrip(" \u00a0\u3000\n\x0b\x0c")
    return text.startswith(FORMULA_START) or trimmed.startswith(FORMULA_START + _WIDE_FORMULA_START)


def neutral(text: str) -> str:
    """`text` as a CSV cell that no spreadsheet runs: a leading apostrophe before a formula."""
    return "'" + text if formula_like(text) else text


def holdable(text: str) -> str:
    """`text` with every character a file cannot hold replaced by U+FFFD."""
    return _UNHOLDABLE.sub(REPLACEMENT, text)


def _cleaned(text: str, where: str, notes: list[str]) -> str:
    cleaned = holdable(text)
    if cleaned != text:
        odd = dict.fromkeys(f"U+{ord(ch):04X}" for ch in _UNHOLDABLE.findall(text))
        notes.append(
            _("{where}: {names} cannot be kept in a spreadsheet and became U+FFFD").format(
                where=where, names=", ".join(odd)
            )
        )
    return cleaned


# --- CSV -------------------------------------------------------------------------------------


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return neutral(value)


def csv_text(table: Table) -> tuple[str, list[str]]:
    """The table as CSV text (with its byte-order mark), and notes on what had to change."""
    notes: list[str] = []
    out = io.StringIO()
    out.write("\ufeff")
    header = [
        _cleaned(c.header, _("the header of column {n}").format(n=n), notes)
        for n, c in enumerate(table.columns, 1)
    ]
    _write_line(out, [neutral(h) for h in header])
    for line, row in enumerate(table.rows, 2):
        cells = []
        for n, value in enumerate(row, 1):
            if isinstance(value, str):
                where = _("line {line}, column {n}").format(line=line, n=n)
                value = _cleaned(value, where, notes)
            cells.append(_csv_cell(value))
        _write_line(out, cells)
    return out.getvalue(), notes


def _write_line(out: io.StringIO, cells: list[str]) -> None:
    """One CSV line, a cell quoted when it holds what a spreadsheet may split at (`_CSV_QUOTED`)
    or begins or ends with a space (which a reader may trim); CRLF at its end."""
    quoted = (
        '"' + cell.replace('"', '""') + '"'
        if _CSV_QUOTED.search(cell) or cell != cell.strip(" ")
        else cell
        for cell in cells
    )
    out.write(",".join(quoted) + "\r\n")


# --- xlsx ------------------------------------------------------------------------------------


def sheet_names(titles: Sequence[str]) -> list[str]:
    """Names Excel accepts for the sheets: at most 31 characters, none of []:*?/\\, not starting
    or ending with an apostrophe, not empty, and unique whatever the case."""
    names: list[str] = []
    taken: set[str] = set()
    for title in titles:
        base = _SHEET_FORBIDDEN.sub("-", holdable(title)).strip().strip("'").strip()
        base = base or "Sheet"
        name, n = base[:SHEET_NAME_LIMIT], 1
        while name.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            name = base[: SHEET_NAME_LIMIT - len(suffix)].rstrip() + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def _number_format(value: Decimal) -> str:
    decimals = max(-int(value.as_tuple().exponent), 0)
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _shown_width(value: Cell) -> int:
    """About how many characters the cell takes on screen."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return len(f"{value:,f}")
    if isinstance(value, date):
        return 10
    if isinstance(value, int):
        return len(f"{value:,}")
    return max((len(line) for line in value.split("\n")), default=0)


def _widths(table: Table) -> Iterator[float]:
    for n, column in enumerate(table.columns):
        content = max((_shown_width(row[n]) for row in table.rows), default=0)
        wanted = max(content, min(len(column.header), HEADER_WIDTH))
        yield min(max(wanted, WIDTH_MIN), WIDTH_MAX) + 2


def xlsx_bytes(tables: Sequence[Table], lang: str = "vi") -> tuple[bytes, list[str]]:
    """The tables as an Excel workbook, one sheet each, and notes on what had to change."""
    from openpyxl import Workbook

    notes: list[str] = []
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    book.properties.creator = "thidua"
    for table, name in zip(tables, sheet_names([t.title for t in tables]), strict=True):
        _sheet(book.create_sheet(name), table, lang, notes)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), notes


def _sheet(sheet: Worksheet, table: Table, lang: str, notes: list[str]) -> None:
    from openpyxl.styles import Alignment, Font

    for n, width in enumerate(_widths(table)):
        sheet.column_dimensions[column_letters(n)].width = width
    bold, wrapped = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for n, column in enumerate(table.columns, 1):
        cell = _text(sheet, 1, n, column.header, notes)
        cell.font, cell.alignment = bold, wrapped
    for line, row in enumerate(table.rows, 2):
        for n, (column, value) in enumerate(zip(table.columns, row, strict=True), 1):
            if isinstance(value, str):
                _text(sheet, line, n, value, notes)
            elif value is not None:
                _value(sheet, line, n, column.kind, value, lang)
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.auto_filter.ref = f"A1:{column_letters(len(table.columns) - 1)}{len(table.rows) + 1}"


def _text(
    sheet: Worksheet, row: int, column: int, value: str, notes: list[str]
) -> SheetCell | MergedCell:
    """A text cell that holds `value` as text, never as a formula (see the module docstring)."""
    where = _("sheet '{sheet}', cell {cell}").format(
        sheet=sheet.title, cell=f"{column_letters(column - 1)}{row}"
    )
    value = _cleaned(value, where, notes)
    if len(value) > EXCEL_CELL_LIMIT:
        notes.append(
            _(
                "{where}: the text has {length} characters and Excel holds at most {limit}:"
                " it was cut (a CSV export keeps it whole)"
            ).format(where=where, length=f"{len(value):,}", limit=f"{EXCEL_CELL_LIMIT:,}")
        )
        value = value[:EXCEL_CELL_LIMIT]
    cell = sheet.cell(row, column)
    cell.value = _stored(value)
    cell.data_type = "s"  # openpyxl takes text that begins with '=' for a formula
    if formula_like(value):
        cell.quotePrefix = True
    return cell


def _stored(text: str) -> str:
    """`text` as a workbook stores it: a line break is a line feed (XML would read a carriage
    return as one anyway), and text that looks like the workbook's own escape of a character
    (`_x000D_`) is escaped in turn, so that Excel shows it as written."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _EXCEL_ESCAPE.sub(r"_x005F\g<0>", text)


def _value(sheet: Worksheet, row: int, column: int, kind: Kind, value: Cell, lang: str) -> None:
    """A number, a count, a year or a date, stored as one, with its display format."""
    cell = sheet.cell(row, column)
    if isinstance(value, Decimal):
        cell.value = int(value) if value == value.to_integral_value() else float(value)
        cell.number_format = _number_format(value)
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMATS.get(lang, DATE_FORMATS["vi"])
    else:
        cell.value = value
        cell.number_format = "0" if kind is Kind.YEAR else "#,##0"
