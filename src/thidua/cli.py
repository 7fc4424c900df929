"""The `thidua` command: a thin layer over the library. Each command reads its options, calls one
library function and prints the result; heavy imports wait inside the commands that need them, so
that `thidua --version` and `--help` start fast.

Annotations here are objects, not strings (no `from __future__ import annotations`): Typer reads
the signature of every command each time it builds the app, and would compile and evaluate each
string twice, about 15 ms on every command.
"""

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from thidua.repository import Records
    from thidua.writes import Change

from thidua import __version__
from thidua.i18n import _, ngettext


def _typer_in_the_current_language() -> None:
    """Typer writes 'Usage:' and the text of -h/--help in English, outside gettext: in another
    language they are replaced here, guarded so that a change inside Typer only leaves them in
    English (the rest of its words come from the catalogue through gettext)."""
    from thidua.i18n import language

    if language() == "en":
        return
    try:
        from typer._click.core import Command
        from typer._click.formatting import HelpFormatter
    except ImportError:
        return
    write_usage = HelpFormatter.write_usage
    get_help_option = Command.get_help_option

    def usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, _("Usage: ") if prefix is None else prefix)

    def help_option(self: Any, ctx: Any) -> Any:
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = _("Show this message and exit.")
        return option

    HelpFormatter.write_usage = usage  # type: ignore[method-assign]
    Command.get_help_option = help_option  # type: ignore[method-assign]


_typer_in_the_current_language()

app = typer.Typer(
    name="thidua",
    help=_(
        "Records, checks and reports for Vietnamese emulation clusters (cụm thi đua, khối thi đua)."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

DataOption = Annotated[
    Path,
    typer.Option(
        "--data",
        envvar="THIDUA_DATA",
        help=_("The cluster's data folder (default ./data, or $THIDUA_DATA)."),
        show_default=False,
    ),
]


class Lang(StrEnum):
    vi = "vi"
    en = "en"


# The language is chosen before the commands are built (see thidua.i18n); the option is declared on
# every command so that it is accepted wherever it is written.
LangOption = Annotated[
    Lang | None,
    typer.Option(
        "--lang",
        help=_("Language of the messages: vi or en (default: $THIDUA_LANG, cluster.yaml, system)."),
        show_default=False,
    ),
]


class ReportFormat(StrEnum):
    md = "md"
    json = "json"
    docx = "docx"


class ScoreFormat(StrEnum):
    md = "md"
    json = "json"
    docx = "docx"
    xlsx = "xlsx"
    csv = "csv"


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


def _version(value: bool) -> None:
    if value:
        print(f"thidua {__version__}")
        raise typer.Exit()


@app.callback(
    help=_(
        "Records, checks and reports for Vietnamese emulation clusters (cụm thi đua, khối thi đua).\n\nExample: thidua check --data data"
    )
)
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=_("Print the version.")),
    ] = False,
    lang: LangOption = None,
) -> None:
    """The commands' common options (their language is chosen before they are built)."""


@app.command(
    help=_(
        "Check every file of a cluster's records and report all problems, each with its file and line.\n\nExit code 0 when the records are valid, 1 when there are errors (or warnings with --strict).\n\nExample: thidua check data --format json"
    )
)
def check(
    folder: Annotated[
        Path | None,
        typer.Argument(
            help=_("The data folder to check (the same as --data)."), show_default=False
        ),
    ] = None,
    data: DataOption = Path("data"),
    format: Annotated[
        CheckFormat | None,
        typer.Option(
            "--format",
            "-f",
            help=_("text (default), json, or github (the default inside GitHub Actions)."),
            show_default=False,
        ),
    ] = None,
    strict: Annotated[bool, typer.Option(help=_("Fail on warnings too."))] = False,
    excerpt: Annotated[
        bool,
        typer.Option(
            "--excerpt/--no-excerpt", help=_("Show the line each finding concerns (text format).")
        ),
    ] = True,
    max_per_code: Annotated[
        int,
        typer.Option(
            "--max-per-code",
            min=0,
            help=_("Show at most N findings of each code, then how many more (0: all)."),
        ),
    ] = 20,
    lang: LangOption = None,
) -> None:
    from thidua.findings import Severity
    from thidua.inspection import inspect
    from thidua.output import WRITERS, is_terminal, progress_bar, write_text

    root = folder or data
    if format is None:
        format = (
            CheckFormat.github if os.environ.get("GITHUB_ACTIONS") == "true" else CheckFormat.text
        )
    with progress_bar(sys.stderr, _("Checking {folder}").format(folder=root)) as progress:
        result = inspect(root, progress=progress)
    if format is CheckFormat.text:
        color = is_terminal(sys.stdout) and "NO_COLOR" not in os.environ
        write_text(
            result.findings,
            result.files,
            root,
            sys.stdout,
            excerpts=excerpt,
            color=color,
            max_per_code=max_per_code,
        )
    else:
        WRITERS[format.value](result.findings, result.files, root, sys.stdout)
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    if any(f.severity in failing for f in result.findings):
        raise typer.Exit(1)


@app.command(
    help=_(
        "Write the JSON Schema of each YAML file kind, and the Table Schemas of the CSV files.\n\nEditors validate YAML files with them as they are typed; other tools (frictionless) validate\nthe CSV files.\n\nA YAML file points at its schema with a first line such as\n'# yaml-language-server: $schema=schemas/cluster.schema.json'.\n\nExample: thidua schema --output data/schemas"
    )
)
def schema(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=_("Folder to write the schemas into (default: DATA/schemas)."),
            show_default=False,
        ),
    ] = None,
    data: DataOption = Path("data"),
    lang: LangOption = None,
) -> None:
    from thidua.schema import cluster_of, scoring_of, write_schemas
    from thidua.writes import check_schema_folder

    folder = output or data / "schemas"
    with _refusals(data, _("write the schemas")):
        check_schema_folder(data, folder)
        cluster = cluster_of(data)
        for path in write_schemas(folder, cluster, scoring_of(data)):
            print(path, file=sys.stderr)
    if cluster is None:
        print(
            _(
                "thidua: no valid cluster.yaml in {data}: the Table Schemas of the CSV files, which"
                " come from it, were not written"
            ).format(data=data),
            file=sys.stderr,
        )


def _fail(message: str) -> typer.Exit:
    from thidua.output import visible

    lines = message.split("\n")  # a refusal may list one problem a line; each is shown escaped
    print("thidua: " + "\n".join(visible(line) for line in lines), file=sys.stderr)
    return typer.Exit(1)


@contextmanager
def _refusals(data: Path, action: str) -> Iterator[None]:
    """Turns the library's refusals into a plain message on stderr and exit code 1: records with
    errors (each shown), a request the records cannot satisfy, a write that must not happen."""
    from thidua.findings import Refused
    from thidua.inspection import InvalidRecords
    from thidua.output import write_text

    try:
        yield
    except InvalidRecords as exc:
        write_text(exc.errors, exc.files, data, sys.stderr)
        raise _fail(
            _("the records in {data} have errors (above); fix them, then {action}").format(
                data=data, action=action
            )
        ) from None
    except Refused as exc:
        raise _fail(str(exc)) from None


def _valid(data: Path) -> "Records":
    from thidua.inspection import valid_records

    return valid_records(data)


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    from thidua.tables import CellError, parse_date

    try:
        return parse_date(value)
    except CellError as exc:
        raise typer.BadParameter(str(exc)) from None


def _complete_years(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of a year: the year folders of the data folder."""
    data = Path(ctx.params.get("data") or os.environ.get("THIDUA_DATA") or "data")
    try:
        years = sorted(p.name for p in data.iterdir() if p.is_dir() and p.name.isdigit())
    except OSError:
        return []
    return [y for y in years if y.startswith(incomplete)]


def _complete_members(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of a member: its id, or its name as written."""
    from thidua.names import fold
    from thidua.schema import cluster_of

    data = Path(ctx.params.get("data") or os.environ.get("THIDUA_DATA") or "data")
    cluster = cluster_of(data)
    if cluster is None:
        return []
    key = fold(incomplete)
    found = [m.id for m in cluster.members] + [m.name for m in cluster.members]
    return [text for text in found if fold(text).startswith(key)]


def _year(value: int) -> int:
    """A year as the records accept it; anything else is a usage error."""
    from thidua.models import FIRST_YEAR, LAST_YEAR

    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise typer.BadParameter(
            _("{value} is not a year between {first} and {last}").format(
                value=value, first=FIRST_YEAR, last=LAST_YEAR
            )
        )
    return value


DateOption = Annotated[
    str | None,
    typer.Option("--date", help=_("The date: 2025-03-12 or 12/03/2025."), show_default=False),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help=_("Show the change as a diff and write nothing."))
]


def _write(changes: "list[Change]", data: Path, dry_run: bool) -> None:
    from thidua.writes import apply

    diff = apply(changes, data, dry_run=dry_run)
    if dry_run:
        sys.stdout.write(diff)
        print(_("(dry run: nothing was written)"), file=sys.stderr)
    else:
        for change in changes:
            print(_("wrote {path}").format(path=change.path), file=sys.stderr)


def _output(data: Path, output: Path, content: str | bytes) -> None:
    """Write a report, document or spreadsheet to --output, never over a record (see
    thidua.writes)."""
    from thidua.output import visible
    from thidua.writes import write_output

    with _refusals(data, _("write")):
        write_output(data, output, content)
    print(_("wrote {path}").format(path=visible(str(output))), file=sys.stderr)


def _check_output(data: Path, output: Path | None) -> None:
    """Refuse a bad --output before any work is done."""
    if output is not None:
        from thidua.writes import check_output_path

        with _refusals(data, _("write")):
            check_output_path(data, output)


def _format(
    data: Path,
    given: str | None,
    output: Path | None,
    template: Path | None,
    allowed: tuple[str, ...] = ("md", "json", "docx"),
) -> str:
    """The format to write, from --format, --output's extension and the template (see
    `thidua.documents.chosen_format`); a disagreement is a message and exit code 1."""
    from thidua.documents import chosen_format

    with _refusals(data, _("write")):
        return chosen_format(given, output, template, allowed)


TemplateOption = Annotated[
    Path | None,
    typer.Option(
        help=_(
            "Your own template, rendered in a sandbox: Jinja text (.md.j2) or a Word document"
            " (.docx) with Jinja tags."
        ),
        show_default=False,
    ),
]


@app.command(
    help=_(
        "Write the year-end report (báo cáo tổng kết) of YEAR, from the records: Markdown, JSON, or a Word document in the layout of Decree 30/2020 (--output FILE.docx).\n\nThe format follows the --output file's extension (.md, .json, .docx). The records must pass 'thidua check' first.\n\nExample: thidua summarize 2023 --output bao-cao-2023.docx"
    )
)
def summarize(
    year: Annotated[
        int,
        typer.Argument(
            help=_("The emulation year to sum up, e.g. 2023."),
            callback=_year,
            autocompletion=_complete_years,
            metavar="YEAR",
        ),
    ],
    data: DataOption = Path("data"),
    lang: Annotated[Lang, typer.Option(help=_("Language of the report: vi or en."))] = Lang.vi,
    format: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help=_(
                "md (the report), json (its figures) or docx (a Word document); default: the"
                " --output file's extension, else md."
            ),
            show_default=False,
        ),
    ] = None,
    template: TemplateOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=_("Write to this file (.md, .json or .docx) instead of the screen."),
            show_default=False,
        ),
    ] = None,
    number: Annotated[
        str | None,
        typer.Option(
            help=_(
                "The Word document's number (số), e.g. 15; default: conference.yaml's report:"
                " number, else a dotted place to fill in."
            ),
            show_default=False,
        ),
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain", help=_("Show how each cluster figure was computed, from which rows.")
        ),
    ] = False,
) -> None:
    from thidua import report

    if explain and (format not in (None, ReportFormat.md) or template is not None):
        raise typer.BadParameter(
            _("--explain shows the arithmetic; leave out --format and --template")
        )
    _check_output(data, output)
    if output is not None and template is not None and output.resolve() == template.resolve():
        raise _fail(
            _("--output {output} is your template; write the report to another file").format(
                output=output
            )
        )
    chosen = _format(data, format.value if format else None, output, template)
    if number is not None and chosen != "docx":
        raise typer.BadParameter(_("--number numbers a Word document; write it to a .docx file"))
    if number is not None and not re.fullmatch(r"[0-9]{1,9}", number):
        raise typer.BadParameter(
            _(
                "--number is the document's number in Arabic digits, e.g. 15; {number!r} is not"
                " one (the symbol, such as BC-CTĐ, goes under report: symbol in the year's"
                " conference.yaml)"
            ).format(number=number[:40])
        )
    if explain and chosen != "md":
        raise typer.BadParameter(
            _("--explain shows the arithmetic as text; write it to a .md file")
        )
    with _refusals(data, _("summarize")):
        summary = report.build(report.report_records(data, year), year)
        content: str | bytes
        if explain:
            content = report.explain(summary, root=data)
        elif chosen == "json":
            content = report.as_json_text(summary)
        elif chosen == "docx":
            content = _word_report(summary, lang.value, template, number)
        else:
            content = report.render(summary, lang.value, template)
    if output is None:
        assert isinstance(content, str)
        sys.stdout.write(content)
    else:
        _output(data, output, content)


def _word_report(summary: Any, lang: str, template: Path | None, number: str | None) -> bytes:
    """The report as a Word document, from the shipped template or the user's."""
    from thidua import word
    from thidua.findings import Refused

    if template is None and lang != "vi":
        raise Refused(
            _(
                "thidua's Word report is in Vietnamese, in the layout of Decree 30/2020; for"
                " another language give your own Word template with --template"
            )
        )
    context = word.report_context(summary, lang, number)
    return word.render_docx(template, word.REPORT_TEMPLATE, lang, context)


def _complete_tables(incomplete: str) -> list[str]:
    """Shell completion of --table: the tables' names."""
    from thidua.export import TABLES

    return [name for name in TABLES if name.startswith(incomplete)]


@app.command(
    help=_(
        "Export the tables of YEAR for a spreadsheet: an Excel workbook (.xlsx) with one sheet per"
        " table, or one table as CSV (.csv, with --table).\n\nThe tables: the members' figures"
        " with their status, the cluster figures, the awards by type and member, the cluster's own"
        " award proposals, the chairs and deputies, the pledge signatures. Numbers are numbers;"
        " text that a spreadsheet would take for a formula is kept as text. The records must pass"
        " 'thidua check' first.\n\nExample: thidua export 2023 --output so-lieu-2023.xlsx"
    )
)
def export(
    year: Annotated[
        int,
        typer.Argument(
            help=_("The emulation year to export, e.g. 2023."),
            callback=_year,
            autocompletion=_complete_years,
            metavar="YEAR",
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help=_("The file to write: FILE.xlsx (every table) or FILE.csv (one table)."),
            show_default=False,
        ),
    ],
    table: Annotated[
        str | None,
        typer.Option(
            "--table",
            help=_(
                "Only this table (required for CSV): members, cluster, awards, decisions,"
                " leaders or pledges."
            ),
            autocompletion=_complete_tables,
            show_default=False,
        ),
    ] = None,
    data: DataOption = Path("data"),
    lang: Annotated[Lang, typer.Option(help=_("Language of the headers: vi or en."))] = Lang.vi,
) -> None:
    from thidua import export as exporting
    from thidua import spreadsheets
    from thidua.output import visible

    _check_output(data, output)
    with _refusals(data, _("export")):
        csv = exporting.output_kind(output) == "csv"
        chosen = exporting.choose(table, csv)
        records = exporting.export_records(data, year)
        tables = [
            t for t in exporting.tables(records, year, lang.value) if chosen in (None, t.name)
        ]
        content: str | bytes
        if csv:
            content, notes = spreadsheets.csv_text(tables[0])
        else:
            content, notes = spreadsheets.xlsx_bytes(tables, lang.value)
    for note in notes:
        print(f"thidua: {visible(note)}", file=sys.stderr)
    _output(data, output, content)


@app.command(
    help=_(
        "Rank the members on the year-end scores of YEAR (chấm điểm, xếp hạng): the total on each\nsheet (self, reviewed, adopted), the difference between self and reviewed, the rank; ties\nare listed as ties. Each member is ranked on its last sheet.\n\nThe format follows the --output file's extension: Markdown (.md), JSON (.json), a Word\ndocument in the layout of Decree 30/2020 (.docx), an Excel workbook (.xlsx) or CSV (.csv);\nin a spreadsheet, numbers are numbers.\n\nExample: thidua score 2024 --output xep-hang-2024.xlsx"
    )
)
def score(
    year: Annotated[
        int,
        typer.Argument(
            help=_("The emulation year, e.g. 2024."),
            callback=_year,
            autocompletion=_complete_years,
            metavar="YEAR",
        ),
    ],
    data: DataOption = Path("data"),
    format: Annotated[
        ScoreFormat | None,
        typer.Option(
            "--format",
            "-f",
            help=_(
                "md (the ranking table), json, docx (a Word document), xlsx (an Excel workbook)"
                " or csv; default: the --output file's extension, else md."
            ),
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=_("Write to this file (.md, .json, .docx, .xlsx or .csv) instead of the screen."),
            show_default=False,
        ),
    ] = None,
    template: TemplateOption = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain", help=_("Show each member's points, sheet by sheet, and the arithmetic.")
        ),
    ] = False,
    lang: Annotated[Lang, typer.Option(help=_("Language of the table: vi or en."))] = Lang.vi,
) -> None:
    from thidua import review

    if explain and (format not in (None, ScoreFormat.md) or template is not None):
        raise typer.BadParameter(
            _("--explain shows the arithmetic; leave out --format and --template")
        )
    _check_output(data, output)
    _not_the_template(output, template)
    chosen = _format(data, format.value if format else None, output, template, SCORE_FORMATS)
    if template is not None and chosen not in ("md", "docx"):
        raise typer.BadParameter(
            _("--template makes a document (.md or .docx); a {kind} file has no template").format(
                kind=chosen
            )
        )
    if chosen == "docx" and lang is not Lang.vi and template is None:
        raise _fail(
            _(
                "thidua's Word ranking is in Vietnamese, in the layout of Decree 30/2020; for"
                " another language give your own Word template with --template"
            )
        )
    if explain and chosen != "md":
        raise typer.BadParameter(
            _("--explain shows the arithmetic as text; write it to a .md file")
        )
    notes: list[str] = []
    with _refusals(data, _("rank the members")):
        records = review.review_records(data, year, ledger=False)
        ranking = review.year_ranking(records, year)
        content: str | bytes
        if explain:
            content = review.explain(ranking, root=data)
        elif chosen == "json":
            content = review.ranking_json_text(ranking)
        elif chosen == "docx":
            from thidua import word

            content = word.ranking_docx(records, ranking, template)
        elif chosen in ("xlsx", "csv"):
            from thidua import export as exporting
            from thidua import spreadsheets

            table = exporting.ranking_table(records, ranking, lang.value)
            if chosen == "csv":
                content, notes = spreadsheets.csv_text(table)
            else:
                content, notes = spreadsheets.xlsx_bytes([table], lang.value)
        else:
            content = review.render_ranking(records, ranking, lang.value, template)
    if output is None:
        assert isinstance(content, str)
        sys.stdout.write(content)
        return
    from thidua.output import visible

    for note in notes:
        print(f"thidua: {visible(note)}", file=sys.stderr)
    _output(data, output, content)


SCORE_FORMATS = ("md", "json", "docx", "xlsx", "csv")


def _not_the_template(output: Path | None, template: Path | None) -> None:
    """Refuse an --output that would overwrite the --template it is made from."""
    if output is not None and template is not None and output.resolve() == template.resolve():
        raise _fail(
            _("--output {output} is your template; write the document to another file").format(
                output=output
            )
        )


@app.command(
    help=_(
        "Write the award proposals of YEAR (tờ trình đề nghị khen thưởng, one per awarding authority,\nin the shape of Decree 98/2023/NĐ-CP, Appendix I, Form 01) and the vote-count minutes\n(biên bản kiểm phiếu), from the records: Markdown, or a Word document in the layout of\nDecree 30/2020 (--output FILE.docx), each document on pages of its own.\n\nExample: thidua propose 2024 --output de-nghi-2024.docx"
    )
)
def propose(
    year: Annotated[
        int,
        typer.Argument(
            help=_("The emulation year, e.g. 2024."),
            callback=_year,
            autocompletion=_complete_years,
            metavar="YEAR",
        ),
    ],
    data: DataOption = Path("data"),
    template: TemplateOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=_("Write to this file instead of the screen: .md (Markdown) or .docx (Word)."),
            show_default=False,
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    from thidua import review

    _check_output(data, output)
    _not_the_template(output, template)
    chosen = _format(data, None, output, template, ("md", "docx"))
    with _refusals(data, _("write the proposals")):
        records = review.review_records(data, year)
        content: str | bytes
        if chosen == "docx":
            from thidua import word

            content = word.proposals_docx(records, year, template)
        else:
            content = review.render_proposals(records, year, template)
    if output is None:
        assert isinstance(content, str)
        sys.stdout.write(content)
    else:
        _output(data, output, content)


@app.command(
    help=_(
        'Propose YEAR\'s chair (cụm trưởng) and deputy (cụm phó) by the cluster\'s custom, and record them.\n\nWithout --yes it only shows the proposal and why. --chair/--deputy record the conference\'s own\nchoice instead. A year that already has leadership is refused unless --replace.\n\nExample: thidua rotate 2025 --yes --date 2025-03-12 --place "Nam Định" --ref "Biên bản hội nghị"'
    )
)
def rotate(
    year: Annotated[
        int,
        typer.Argument(
            help=_("The year whose chair and deputy to name, e.g. 2025."),
            callback=_year,
            autocompletion=_complete_years,
            metavar="YEAR",
        ),
    ],
    data: DataOption = Path("data"),
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help=_("Record the proposal (or --chair/--deputy)."))
    ] = False,
    chair: Annotated[
        str | None, typer.Option(help=_("The chair the conference chose."), show_default=False)
    ] = None,
    deputy: Annotated[
        str | None, typer.Option(help=_("The deputy the conference chose."), show_default=False)
    ] = None,
    when: DateOption = None,
    place: Annotated[
        str | None, typer.Option(help=_("Where the handover took place."), show_default=False)
    ] = None,
    ref: Annotated[
        str | None,
        typer.Option(help=_("The minutes or decision that records it."), show_default=False),
    ] = None,
    how: Annotated[
        str | None,
        typer.Option(help=_("How they were chosen (bầu, suy tôn, …)."), show_default=False),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help=_("Replace the year's recorded leadership."))
    ] = False,
    dry_run: DryRunOption = False,
    lang: LangOption = None,
) -> None:
    from thidua.recording import leadership_change
    from thidua.rotation import decide
    from thidua.writes import locked

    recording = yes or dry_run
    with _refusals(data, _("rotate")), locked(data) if recording else nullcontext():
        decision = decide(_valid(data), year, chair=chair, deputy=deputy, how=how, replace=replace)
        for reason in decision.proposal.reasons:
            print(f"  {reason}")
        print(decision.summary())
        if not recording:
            print(_("Nothing was recorded: add --yes to record it."), file=sys.stderr)
            return
        change = leadership_change(data, decision, when=_date(when), ref=ref, place=place)
        _write([change], data, dry_run)


@app.command(
    help=_(
        "Print the history of chairs (cụm trưởng) and deputies (cụm phó): a table on the screen,\nMarkdown when piped.\n\nExample: thidua leaders --data data > lanh-dao.md"
    )
)
def leaders(data: DataOption = Path("data"), lang: LangOption = None) -> None:
    from thidua.output import table
    from thidua.rotation import HISTORY_HEADERS, history

    with _refusals(data, _("list the leaders")):
        rows = history(_valid(data))
    table([_(h) for h in HISTORY_HEADERS], [row.cells() for row in rows], sys.stdout)


@app.command(
    name="sign-pledge",
    help=_(
        'Record a member\'s signature on the YEAR pledge (ký giao ước thi đua).\n\nRefuses an unknown or inactive member, a second signature, an empty name, a date outside YEAR.\nThe date defaults to today.\n\nExample: thidua sign-pledge 2025 --member "Nam Định" --signer "Nguyễn Văn A" --title "Phó Chủ tịch UBND tỉnh"'
    ),
)
def sign_pledge(
    year: Annotated[
        int,
        typer.Argument(
            help=_("The pledge's year."),
            callback=_year,
            autocompletion=_complete_years,
            metavar="YEAR",
        ),
    ],
    member: Annotated[
        str | None,
        typer.Option(
            help=_("The member: its id or name (Nam Định, nam dinh)."),
            show_default=False,
            autocompletion=_complete_members,
        ),
    ] = None,
    signer: Annotated[
        str | None, typer.Option(help=_("The signer's name."), show_default=False)
    ] = None,
    title: Annotated[
        str | None, typer.Option(help=_("The signer's title."), show_default=False)
    ] = None,
    when: DateOption = None,
    from_csv: Annotated[
        Path | None,
        typer.Option(
            "--from-csv",
            help=_("A CSV of signatures (member,signer,title,date): all or nothing."),
            show_default=False,
        ),
    ] = None,
    data: DataOption = Path("data"),
    dry_run: DryRunOption = False,
    lang: LangOption = None,
) -> None:
    from thidua.pledges import signing_change
    from thidua.writes import locked

    if (from_csv is None) == (member is None):
        raise typer.BadParameter(
            _("give either --member (with --signer and --title) or --from-csv")
        )
    day = _date(when)
    with _refusals(data, _("sign")), locked(data):
        change = signing_change(
            _valid(data),
            year,
            member=member,
            signer=signer,
            title=title,
            when=day,
            from_csv=from_csv,
            today=date.today(),
        )
        _write([change], data, dry_run)


@app.command(
    help=_(
        "Show who has signed the YEAR pledge and who has not; 'new YEAR' starts a pledge.\n\n'pledge new YEAR' copies the bases, movements and criteria of the latest earlier pledge.\n--output writes the pledge document, with the national header and a signature table:\nMarkdown (.md) or a Word document (.docx), as the file's extension says.\n\nExample: thidua pledge 2024 --output giao-uoc-2024.docx"
    )
)
def pledge(
    what: Annotated[
        str,
        typer.Argument(
            help=_("YEAR to show who has signed, or 'new' (then YEAR) to start a pledge."),
            metavar="new|YEAR",
            show_default=False,
        ),
    ],
    new_year: Annotated[
        int | None,
        typer.Argument(help=_("With 'new': the year."), metavar="YEAR", show_default=False),
    ] = None,
    data: DataOption = Path("data"),
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=_("Write the pledge document to this file: .md (Markdown) or .docx (Word)."),
            show_default=False,
        ),
    ] = None,
    template: TemplateOption = None,
    when: DateOption = None,
    place: Annotated[
        str | None, typer.Option(help=_("Where it is signed (with 'new')."), show_default=False)
    ] = None,
    dry_run: DryRunOption = False,
    lang: LangOption = None,
) -> None:
    if what == "new" and new_year is not None:
        _new_pledge(_year(new_year), data, _date(when), place, dry_run)
    elif what.isascii() and what.isdigit() and new_year is None:
        _show_pledge(_year(int(what)), data, output, template)
    else:
        raise typer.BadParameter(
            _("give a year (thidua pledge 2024) or 'new' and a year (thidua pledge new 2025)")
        )


def _show_pledge(year: int, data: Path, output: Path | None, template: Path | None) -> None:
    """`thidua pledge YEAR`: who has signed, and the document with --output."""
    from thidua.output import table
    from thidua.pledges import state

    _check_output(data, output)
    if template is not None and output is None:
        raise typer.BadParameter(_("--template makes the document: give --output too"))
    if output is not None and template is not None and output.resolve() == template.resolve():
        raise _fail(
            _("--output {output} is your template; write the document to another file").format(
                output=output
            )
        )
    chosen = _format(data, None, output, template, ("md", "docx")) if output else None
    with _refusals(data, _("show the pledge")):
        records = _valid(data)
        current = state(records, year)
        if output is not None:
            from thidua.pledge_document import render_pledge, render_pledge_docx

            content: str | bytes = (
                render_pledge_docx(records, current, template)
                if chosen == "docx"
                else render_pledge(records, current, template)
            )
    print(current.headline())
    table(["", _("member"), _("name"), _("date"), _("signer")], current.rows(), sys.stdout)
    if output is not None:
        _output(data, output, content)


def _new_pledge(year: int, data: Path, when: date | None, place: str | None, dry_run: bool) -> None:
    """`thidua pledge new YEAR`: start YEAR/pledge.yaml from the latest earlier pledge."""
    from thidua.pledges import starting_change
    from thidua.writes import locked

    with _refusals(data, _("start the pledge")), locked(data):
        _write([starting_change(_valid(data), year, when, place)], data, dry_run)


@app.command(
    help=_(
        "Start a new cluster repository in FOLDER: cluster.yaml with its members, the schemas,"
        " a README for the secretariat and a .gitignore, valid for 'thidua check' at once.\n\n"
        "FOLDER must be new or empty. On a terminal, what is not given as an option is asked.\n\n"
        'Example: thidua init cum-thi-dua --name "Cụm thi đua các tỉnh miền Tây Nam Bộ"'
        ' --member "An Giang" --member "Cà Mau"'
    )
)
def init(
    folder: Annotated[
        Path, typer.Argument(help=_("The folder of the new repository (default: data)."))
    ] = Path("data"),
    name: Annotated[
        str | None, typer.Option(help=_("The cluster's name, as documents write it."))
    ] = None,
    member: Annotated[
        list[str] | None,
        typer.Option("--member", help=_("A member's name; give the option once per member.")),
    ] = None,
    members_from: Annotated[
        Path | None,
        typer.Option(
            "--members-from",
            help=_("A file of member names: one a line, or the first column of a CSV."),
            show_default=False,
        ),
    ] = None,
    kind: Annotated[
        str, typer.Option(help=_("What the members are: tỉnh, thành phố, sở, huyện, …"))
    ] = "tỉnh",
    pre_commit: Annotated[
        bool, typer.Option("--pre-commit", help=_("Also write a pre-commit configuration."))
    ] = False,
    lang: LangOption = None,
) -> None:
    from thidua.findings import Refused
    from thidua.i18n import language
    from thidua.newcluster import NewCluster, start
    from thidua.newcluster import members_from as read_members
    from thidua.output import is_terminal

    asking = is_terminal(sys.stdin)
    try:
        names = list(member or [])
        if members_from is not None:
            names += read_members(members_from)
        if name is None and asking:
            name = typer.prompt(_("The cluster's name"))
        if not names and asking:
            answer = typer.prompt(_("The members' names, separated by commas"))
            names = [n.strip() for n in answer.split(",") if n.strip()]
        if name is None:
            raise typer.BadParameter(_("give the cluster's name with --name"))
        new = NewCluster(name, names, kind=kind, lang=language(), pre_commit=pre_commit)
        written = start(folder, new)
    except Refused as exc:
        raise _fail(str(exc)) from None
    for path in written:
        print(_("wrote {path}").format(path=path), file=sys.stderr)
    print(
        _("Next: add the indicators to {path}, then run: thidua check {folder}").format(
            path=folder / "cluster.yaml", folder=folder
        )
    )


import_app = typer.Typer(
    name="import",
    help=_(
        "Bring an office's spreadsheet (.xlsx, or a CSV as Excel saves it) into the records.\n\n"
        "The sheet is read forgivingly and written as canonical records that pass 'thidua check';"
        " whatever cannot be understood is refused with its cell, and nothing is written.\n\n"
        'Example: thidua import indicators 2025 "So lieu 2025.xlsx" --dry-run'
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(import_app)


@import_app.callback()
def _import_root(lang: LangOption = None) -> None:
    """The group's options (its language is chosen before it is built)."""


SheetOption = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        help=_("The sheet of the workbook to read (needed when several hold data)."),
        show_default=False,
    ),
]


class Encoding(StrEnum):
    utf_8 = "utf-8"
    cp1258 = "cp1258"
    tcvn3 = "tcvn3"
    vni = "vni"
    cp1252 = "cp1252"


EncodingOption = Annotated[
    Encoding | None,
    typer.Option(
        "--encoding",
        help=_("The encoding of a CSV file, when it is not found by itself."),
        show_default=False,
    ),
]


class DecimalSign(StrEnum):
    comma = ","
    point = "."


def _read_sheet(file: Path, sheet: str | None, encoding: Encoding | None, max_rows: int) -> Any:
    from thidua.sheets import read_sheet

    return read_sheet(
        file, sheet=sheet, encoding=encoding.value if encoding else None, max_rows=max_rows
    )


def _show_understood(understood: Any) -> None:
    from thidua.output import table, visible

    out = sys.stdout
    for note in understood.notes:
        print(f"- {visible(note)}", file=out)
    print(file=out)
    table(
        [_("cell"), _("header"), _("column of indicators.csv")],
        understood.headers,
        out,
        title=_("Columns"),
    )
    print(file=out)
    table([_("cell"), _("name"), _("member")], understood.rows, out, title=_("Rows"))
    if understood.skipped:
        print(file=out)
        table([_("cell"), _("text")], understood.skipped, out, title=_("Rows left out (no figure)"))
    print(file=out)


@import_app.command(
    "indicators",
    help=_(
        "Import the members' figures of YEAR from a sheet into YEAR/indicators.csv.\n\n"
        "Headers are matched to indicators by id, label, label_en, 'aliases' and 'import_map' in"
        " cluster.yaml, or --map; rows to members by id or name; numbers are read as the sheet"
        " writes them (6,3 or 6.3). The sheet's cells replace those of its rows and columns; the"
        " rest of the file is kept.\n\n"
        'Example: thidua import indicators 2025 "So lieu 2025.xlsx" --dry-run'
    ),
)
def import_indicators(
    year: Annotated[
        int,
        typer.Argument(
            help=_("The year of the figures, e.g. 2025."),
            callback=_year,
            autocompletion=_complete_years,
            metavar="YEAR",
        ),
    ],
    file: Annotated[Path, typer.Argument(help=_("The .xlsx or .csv file."), metavar="FILE")],
    data: DataOption = Path("data"),
    sheet: SheetOption = None,
    encoding: EncodingOption = None,
    decimal: Annotated[
        DecimalSign | None,
        typer.Option(
            "--decimal",
            help=_("The decimal sign of numbers written as text, where the sheet leaves it open."),
            show_default=False,
        ),
    ] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help=_('A header and its column: --map "Thu NSNN=budget_revenue" (- leaves it out).'),
            show_default=False,
        ),
    ] = None,
    save_map: Annotated[
        bool,
        typer.Option("--save-map", help=_("Remember the --map options in cluster.yaml.")),
    ] = False,
    dry_run: DryRunOption = False,
    lang: LangOption = None,
) -> None:
    from thidua.importing import import_indicators as run
    from thidua.writes import locked

    with _refusals(data, _("import")):
        read = _read_sheet(file, sheet, encoding, max_rows=10_000)
        with locked(data) if not dry_run else nullcontext():
            imported = run(
                data,
                year,
                read,
                maps=map_ or [],
                decimal=decimal.value if decimal else None,
                save_map=save_map,
            )
            if dry_run:
                _show_understood(imported.understood)
            if not imported.changes:
                print(
                    _("nothing to change: {path} already holds these figures").format(
                        path=data / str(year) / "indicators.csv"
                    ),
                    file=sys.stderr,
                )
                return
            _write(imported.changes, data, dry_run)
    if not dry_run:
        print(_("Next: thidua check {data}").format(data=data), file=sys.stderr)


class RecipientKindOption(StrEnum):
    collective = "collective"
    individual = "individual"


@import_app.command(
    "awards",
    help=_(
        "Import the list attached to an award decision into YEAR/awards.csv: one ledger row per"
        " collective or person, with the decision's number, date and issuer.\n\n"
        "The member of each row is found in its unit ('Sở Tài chính tỉnh Thái Bình'); a row that"
        " names no member, or two, is refused. A list imported again changes nothing.\n\n"
        'Example: thidua import awards 2024 "DS kem QD 123.xlsx" --decision "123/QĐ-TTg"'
        ' --date 12/03/2024 --issuer "Thủ tướng Chính phủ" --award bang-khen-thu-tuong'
    ),
)
def import_awards(
    year: Annotated[
        int,
        typer.Argument(
            help=_("The year the awards count for, e.g. 2024."),
            callback=_year,
            autocompletion=_complete_years,
            metavar="YEAR",
        ),
    ],
    file: Annotated[Path, typer.Argument(help=_("The .xlsx or .csv file."), metavar="FILE")],
    decision: Annotated[
        str,
        typer.Option(
            "--decision", help=_("The decision's number, e.g. 123/QĐ-TTg."), show_default=False
        ),
    ],
    when: Annotated[
        str,
        typer.Option(
            "--date", help=_("The decision's date: 2025-03-12 or 12/03/2025."), show_default=False
        ),
    ],
    award: Annotated[
        str,
        typer.Option("--award", help=_("The award type: its id or its title."), show_default=False),
    ],
    issuer: Annotated[
        str | None,
        typer.Option("--issuer", help=_("Who signed the decision."), show_default=False),
    ] = None,
    kind: Annotated[
        RecipientKindOption | None,
        typer.Option(
            "--kind",
            help=_("collective or individual, for a list that does not say."),
            show_default=False,
        ),
    ] = None,
    member: Annotated[
        str | None,
        typer.Option(
            "--member",
            help=_("Every row is this member's (a member's own list)."),
            show_default=False,
            autocompletion=_complete_members,
        ),
    ] = None,
    data: DataOption = Path("data"),
    sheet: SheetOption = None,
    encoding: EncodingOption = None,
    dry_run: DryRunOption = False,
    lang: LangOption = None,
) -> None:
    from thidua.award_import import Decision
    from thidua.award_import import import_awards as run
    from thidua.output import table, visible
    from thidua.writes import locked

    day = _date(when)
    assert day is not None
    with _refusals(data, _("import")):
        read = _read_sheet(file, sheet, encoding, max_rows=50_000)
        with locked(data) if not dry_run else nullcontext():
            the_decision = Decision(
                decision.strip(), day, issuer, award, kind.value if kind else None, member
            )
            imported = run(data, year, read, the_decision)
            if dry_run:
                for note in imported.notes:
                    print(f"- {visible(note)}")
                print()
                table(
                    [_("cell"), _("recipient"), _("kind"), _("member"), _("note")],
                    [(r.ref, r.recipient, r.kind, r.member, r.note) for r in imported.rows],
                    sys.stdout,
                    title=_("Rows of {award}").format(award=imported.award.title),
                )
                print()
            if not imported.changes:
                print(
                    _("nothing to change: {path} already holds this list").format(
                        path=data / str(year) / "awards.csv"
                    ),
                    file=sys.stderr,
                )
                return
            _write(imported.changes, data, dry_run)
    if not dry_run:
        print(
            ngettext(
                "{count} row added. Next: thidua check {data}",
                "{count} rows added. Next: thidua check {data}",
                len(imported.rows),
            ).format(count=len(imported.rows), data=data),
            file=sys.stderr,
        )
