"""What thidua prints: findings as text for people (with the line they concern), JSON for programs
and annotations for GitHub Actions; tables for the terminal. Colour and Rich's tables are used only
when the output is a terminal: piped, in CI or as JSON, the output is plain text, the same every time.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TextIO

from thidua.catalogue import CODES
from thidua.findings import Finding, Severity
from thidua.formatting import md
from thidua.i18n import _, ngettext

EXCERPT_WIDTH = 160
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _path(prefix: str, rel: str) -> str:
    return f"{prefix.rstrip('/')}/{rel}" if prefix not in ("", ".") else rel


def shown_path(root: Path | None, rel: str) -> str:
    """A file of the records as messages name it: under the data folder as the user gave it."""
    return _path("" if root is None else str(root), rel)


def summary(findings: Sequence[Finding], files: int) -> str:
    """'3 errors, 1 warning in 9 files', in the current language."""
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = len(findings) - errors
    return _("{errors}, {warnings} in {files}").format(
        errors=ngettext("{n} error", "{n} errors", errors).format(n=errors),
        warnings=ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings),
        files=ngettext("{n} file", "{n} files", files).format(n=files),
    )


def severity_word(severity: Severity) -> str:
    """'error' or 'warning' in the current language (the code in brackets stays as it is)."""
    return _("error") if severity is Severity.ERROR else _("warning")


def visible(text: str) -> str:
    """`text` with control, zero-width and direction characters shown as escapes, so that what a
    file holds cannot move the cursor, colour the terminal or reorder what is shown."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def source_lines(root: Path, findings: Iterable[Finding]) -> dict[tuple[str, int], str]:
    """The lines of the files that findings point into, read once per file, streaming (a ledger
    may be large); only lines that a finding needs are kept."""
    wanted: dict[str, set[int]] = {}
    for f in findings:
        if not CODES[f.code].whole_file:
            wanted.setdefault(f.position.path, set()).add(f.position.line)
    lines: dict[tuple[str, int], str] = {}
    for rel, numbers in wanted.items():
        last = max(numbers)
        try:
            with (root / rel).open("rb") as raw:
                for number, data in enumerate(raw, start=1):
                    if number in numbers:
                        text = data.decode("utf-8", errors="replace").rstrip("\r\n")
                        lines[(rel, number)] = text.removeprefix("\ufeff")
                    if number >= last:
                        break
        except OSError:
            continue
    return lines


def excerpt(line: str, number: int, column: int) -> list[str]:
    """The source line under a finding, with a caret under its column (long lines are cut around
    the column)."""
    text = line.replace("\t", " ")
    start = max(0, min(column - 1 - EXCERPT_WIDTH // 2, len(text) - EXCERPT_WIDTH))
    shown = text[start : start + EXCERPT_WIDTH]
    lead = "…" if start else ""
    tail = "…" if start + EXCERPT_WIDTH < len(text) else ""
    # the caret stands under the column as shown, after any character widened into an escape
    caret = len(visible(text[start : max(column - 1, start)])) + len(lead)
    gutter = " " * len(str(number))
    return [f"  {number} | {lead}{visible(shown)}{tail}", f"  {gutter} | {' ' * caret}^"]


def write_text(
    findings: Sequence[Finding],
    files: int,
    root: Path,
    out: TextIO,
    *,
    excerpts: bool = True,
    color: bool = False,
    max_per_code: int = 0,
) -> None:
    """`path:line:column: severity: message [code]` for each finding, the line it concerns under
    it (unless `excerpts` is off), then a count. With `max_per_code`, a code's findings after the
    first so many are summed up in one line (a ledger with one mistake repeated 4,000 times)."""
    prefix = str(root)
    totals = Counter(f.code for f in findings)
    shown_of: Counter[str] = Counter()
    if max_per_code > 0:
        kept = []
        for f in findings:
            shown_of[f.code] += 1
            if shown_of[f.code] <= max_per_code:
                kept.append(f)
        shown = kept
    else:
        shown = list(findings)
    lines = source_lines(root, shown) if excerpts else {}
    paint = _painter(out) if color else None
    seen: Counter[str] = Counter()
    for f in shown:
        p = f.position
        head = f"{visible(_path(prefix, p.path))}:{p.line}:{p.column}:"
        tail = f" {visible(f.message)} [{f.code}]"
        if paint is not None:
            paint(head, f.severity, tail)
        else:
            out.write(f"{head} {severity_word(f.severity)}:{tail}\n")
        source = lines.get((p.path, p.line))
        if source is not None:
            out.write("\n".join(excerpt(source, p.line, p.column)) + "\n")
        seen[f.code] += 1
        if max_per_code > 0 and seen[f.code] == max_per_code and totals[f.code] > max_per_code:
            more = totals[f.code] - max_per_code
            out.write(
                _("… and {n} more like this [{code}] (--max-per-code 0 shows them all)").format(
                    n=f"{more:,}", code=f.code
                )
                + "\n"
            )
    out.write(summary(findings, files) + "\n")


@contextmanager
def progress_bar(stream: TextIO, what: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on `stream` while work goes on, when it is a terminal (Rich, imported only
    then); elsewhere (a pipe, CI) nothing, so that what is printed stays the same."""
    if not is_terminal(stream):
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(file=stream), transient=True) as bar:
        task = bar.add_task(what, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _painter(out: TextIO) -> Callable[[str, Severity, str], None]:
    """Prints a finding's line with its severity in colour (Rich, imported only for a terminal)."""
    from rich.console import Console
    from rich.text import Text

    console = Console(file=out, highlight=False, soft_wrap=True)
    styles = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow"}

    def paint(head: str, severity: Severity, tail: str) -> None:
        word = severity_word(severity)
        console.print(Text.assemble(head, " ", (f"{word}:", styles[severity]), tail))

    return paint


def write_json(findings: Sequence[Finding], files: int, root: Path, out: TextIO) -> None:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    doc = {
        "findings": [f.as_dict() | {"path": _path(str(root), f.position.path)} for f in findings],
        "errors": errors,
        "warnings": len(findings) - errors,
        "files": files,
    }
    json.dump(doc, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def write_github(findings: Sequence[Finding], files: int, root: Path, out: TextIO) -> None:
    """GitHub Actions workflow commands: each finding shows on the line it concerns."""
    for f in findings:
        p = f.position
        props = (
            f"file={_escape(_path(str(root), p.path), prop=True)},line={p.line},col={p.column},"
            f"title={_escape(f'thidua {f.code}', prop=True)}"
        )
        out.write(f"::{f.severity} {props}::{_escape(f.message)}\n")
    out.write(summary(findings, files) + "\n")


def is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    out: TextIO,
    *,
    title: str | None = None,
) -> None:
    """Rows under their headers: a Rich table on a terminal; piped, a Markdown table, which reads
    as text and pastes into a document."""
    if is_terminal(out):
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        # Text, never markup: a name with [brackets] is shown as written
        grid = Table(title=Text(title) if title else None, title_justify="left")
        for header in headers:
            grid.add_column(Text(header))
        for row in rows:
            grid.add_row(*(Text(visible(cell)) for cell in row))
        Console(file=out, highlight=False).print(grid)
        return
    if title:
        out.write(f"{title}\n\n")
    out.write("| " + " | ".join(headers) + " |\n")
    out.write("|" + "---|" * len(headers) + "\n")
    for row in rows:
        cells = (md(visible(cell)) for cell in row)
        out.write("| " + " | ".join(cells) + " |\n")


WRITERS = {"json": write_json, "github": write_github}
