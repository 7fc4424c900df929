"""Turning a file's bytes into text, or into a clear finding that says why it cannot be read.

Every YAML and CSV file goes through here: size limit, empty and binary files, Excel's UTF-8
byte-order mark, text that is not UTF-8 (with the likely legacy Vietnamese encoding named), and
Unicode normalisation to NFC so that a name typed on a Mac (NFD) equals the same name typed on Windows.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import BinaryIO

from thidua.catalogue import (
    FILE_BINARY,
    FILE_EMPTY,
    FILE_ENCODING,
    FILE_NUL,
    FILE_TOO_LARGE,
    FILE_UNREADABLE,
    TEXT_COMBINING_MARKS,
)
from thidua.findings import FileProblem, Position
from thidua.i18n import N_, _
from thidua.legacy import ENCODING_NAMES, guess_encoding

BOM = b"\xef\xbb\xbf"
MiB = 1024 * 1024
YAML_LIMIT = 8 * MiB
CSV_LIMIT = 2048 * MiB
_SNIFF = 8192


# At most 30 combining marks in a row, as Unicode's stream-safe text format (UAX #15) allows:
# Vietnamese needs at most two on a letter (ệ: e, circumflex, dot below). Normalisation sorts a run
# of marks by their classes, in time the square of its length: a cell of a few hundred kB of
# alternating marks took minutes.
MAX_MARKS = 30
_RUN = b"\x01" * (MAX_MARKS + 1)


class MarksError(ValueError):
    """Text with a run of more than `MAX_MARKS` combining marks, starting at `index`; `count`
    marks long."""

    def __init__(self, index: int, count: int) -> None:
        super().__init__(index)
        self.index = index
        self.count = count


# a run of combining marks longer than MAX_MARKS in the blocks where such marks are: a screen
# that lets `check_marks` look only at text that may break the limit
_MARK_RUN = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u0e31-\u0e4e"
    "\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]{" + str(MAX_MARKS + 1) + ",}"
)


def check_marks(text: str) -> None:
    """Raise `MarksError` if `text` has a run of more than `MAX_MARKS` combining marks: linear,
    each character's class looked up by one `map` in C."""
    marks = bytes(map(bool, map(unicodedata.combining, text)))
    at = marks.find(_RUN)
    if at >= 0:
        end = marks.find(b"\x00", at)
        raise MarksError(at, (len(marks) if end < 0 else end) - at)


def nfc(text: str) -> str:
    """Text in NFC; the check is cheap where (as almost always) it is NFC already. Text that is not
    is first checked for a run of marks too long to normalise (`MarksError`)."""
    if unicodedata.is_normalized("NFC", text):
        if _MARK_RUN.search(text):  # the limit holds for normalised text too (one C-level scan)
            check_marks(text)
        return text
    check_marks(text)
    return unicodedata.normalize("NFC", text)


def marks_problem(exc: MarksError, position: Position) -> FileProblem:
    return FileProblem(TEXT_COMBINING_MARKS.at(position, count=f"{exc.count:,}", limit=MAX_MARKS))


def unreadable(rel: str, exc: OSError) -> FileProblem:
    reason = exc.strerror or str(exc)
    return FileProblem(FILE_UNREADABLE.at(Position(rel), reason=reason))


# What a path that is not a regular file is, in the words of a message. Such a path is refused
# from its `stat`, never opened: opening a FIFO waits for a writer, a device reads forever.
_KINDS = (
    (stat.S_ISDIR, N_("a folder")),
    (stat.S_ISFIFO, N_("a FIFO (named pipe)")),
    (stat.S_ISCHR, N_("a device")),
    (stat.S_ISBLK, N_("a device")),
    (stat.S_ISSOCK, N_("a socket")),
)


def not_a_file(mode: int) -> str | None:
    """What a path of this `st_mode` is when it is not a regular file ('a folder', …), else None."""
    if stat.S_ISREG(mode):
        return None
    return _(next((name for test, name in _KINDS if test(mode)), N_("not a regular file")))


def check_kind(path: Path, rel: str) -> os.stat_result:
    """The `stat` of `path`, which must be a regular file (symbolic links followed)."""
    try:
        info = path.stat()
    except OSError as exc:
        raise unreadable(rel, exc) from None
    kind = not_a_file(info.st_mode)
    if kind is not None:
        reason = _("{rel} is {kind}, not a file").format(rel=rel, kind=kind)
        raise FileProblem(FILE_UNREADABLE.at(Position(rel), reason=reason))
    return info


def open_regular(path: Path, *, buffered: bool = True) -> BinaryIO:
    """`path` opened for reading, only if it is a regular file when opened: a file swapped for a
    FIFO between its `stat` and its opening must not make the read wait for ever, so it is opened
    without waiting, and what was opened is looked at again. Raises OSError."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        kind = not_a_file(os.fstat(fd).st_mode)
        if kind is not None:
            raise IsADirectoryError(
                errno.EISDIR, _("it is {kind}, not a file").format(kind=kind), str(path)
            )
        return os.fdopen(fd, "rb", buffering=-1 if buffered else 0)
    except BaseException:
        os.close(fd)
        raise


def check_size(path: Path, rel: str, limit: int) -> int:
    size = check_kind(path, rel).st_size
    if size == 0:
        raise FileProblem(FILE_EMPTY.at(Position(rel)))
    if size > limit:
        raise FileProblem(
            FILE_TOO_LARGE.at(Position(rel), size=f"{size / MiB:.0f}", limit=limit // MiB)
        )
    return size


def check_not_binary(head: bytes, rel: str) -> None:
    """Refuse a file whose first bytes show it is not text (a spreadsheet, a picture, …)."""
    if b"\x00" in head:
        hint = ""
        if head.startswith(b"PK\x03\x04"):
            hint = _(" (it looks like an .xlsx or .zip file: save it as 'CSV UTF-8' instead)")
        elif head.startswith(b"\xd0\xcf\x11\xe0"):
            hint = _(" (it looks like an old .xls or .doc file: save it as 'CSV UTF-8' instead)")
        elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
            hint = _(" (it is UTF-16: save it as UTF-8)")
        if hint:
            raise FileProblem(FILE_BINARY.at(Position(rel), hint=hint))
        at = head.index(b"\x00")
        line_start = max(head.rfind(b"\n", 0, at), head.rfind(b"\r", 0, at)) + 1
        line = head.count(b"\n", 0, at) + head.count(b"\r", 0, at) - head.count(b"\r\n", 0, at)
        column = len(head[line_start:at].decode("utf-8", errors="replace")) + 1
        raise FileProblem(FILE_NUL.at(Position(rel, line + 1, column)))


def encoding_problem(
    data: bytes, exc: UnicodeDecodeError, rel: str, offset: int = 0
) -> FileProblem:
    """The finding for bytes that are not UTF-8: where the first bad byte is, and what it likely is."""
    start = offset + exc.start
    line = data.count(b"\n", 0, start) + 1
    line_start = data.rfind(b"\n", 0, start) + 1
    column = len(data[line_start:start].decode("utf-8", errors="replace")) + 1
    guess = guess_encoding(data[max(0, start - 4096) : start + 4096])
    return FileProblem(
        FILE_ENCODING.at(
            Position(rel, line, column), byte=data[start], encoding=ENCODING_NAMES[guess]
        )
    )


def read_text(path: Path, rel: str, limit: int = YAML_LIMIT) -> str:
    """The whole file as NFC text without a byte-order mark, or `FileProblem`."""
    check_size(path, rel, limit)
    try:
        with open_regular(path) as f:
            data = f.read()
    except OSError as exc:
        raise unreadable(rel, exc) from None
    check_not_binary(data[:_SNIFF], rel)
    skip = len(BOM) if data.startswith(BOM) else 0
    try:
        text = data[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise encoding_problem(data, exc, rel, skip) from None
    if "\x00" in text:  # past the bytes sniffed above: at its line
        raise FileProblem(FILE_NUL.at(text_position(text, text.index("\x00"), rel)))
    try:
        return nfc(text)
    except MarksError as exc:
        raise marks_problem(exc, text_position(text, exc.index, rel)) from None


def text_position(text: str, index: int, rel: str) -> Position:
    """The line and column of character `index` of a file's text (line breaks as YAML counts them)."""
    line_start = max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1
    line = text.count("\n", 0, index) + text.count("\r", 0, index) - text.count("\r\n", 0, index)
    return Position(rel, line + 1, index - line_start + 1)
