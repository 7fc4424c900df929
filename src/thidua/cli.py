"""The `thidua` command: a thin layer over the library. Each command reads its options, calls one
library function and prints the result; heavy imports wait inside the commands that need them, so
that `thidua --version` and `--help` start fast.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from thidua import __version__

app = typer.Typer(
    name="thidua",
    help="Records, checks and reports for Vietnamese emulation clusters (cụm thi đua, khối thi đua).",
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
        help="The cluster's data folder (default ./data, or $THIDUA_DATA).",
        show_default=False,
    ),
]


class Lang(StrEnum):
    vi = "vi"
    en = "en"


class ReportFormat(StrEnum):
    md = "md"
    json = "json"


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


def _version(value: bool) -> None:
    if value:
        print(f"thidua {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Records, checks and reports for Vietnamese emulation clusters (cụm thi đua, khối thi đua).

    Example: thidua check --data data
    """


@app.command()
def check(
    folder: Annotated[
        Path | None,
        typer.Argument(help="The data folder to check (the same as --data).", show_default=False),
    ] = None,
    data: DataOption = Path("data"),
    format: Annotated[
        CheckFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="text (default), json, or github (the default inside GitHub Actions).",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[bool, typer.Option(help="Fail on warnings too.")] = False,
) -> None:
    """Check every file of a cluster's records and report all problems, each with its file and line.

    Exit code 0 when the records are valid, 1 when there are errors (or warnings with --strict).

    Example: thidua check data --format json
    """
    from thidua.checks import check_repository
    from thidua.findings import Severity
    from thidua.output import WRITERS

    root = folder or data
    if format is None:
        format = (
            CheckFormat.github if os.environ.get("GITHUB_ACTIONS") == "true" else CheckFormat.text
        )
    findings, files = check_repository(root)
    WRITERS[format.value](findings, files, str(root), sys.stdout)
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    if any(f.severity in failing for f in findings):
        raise typer.Exit(1)


@app.command()
def schema(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Folder to write the schemas into (default: DATA/schemas).",
            show_default=False,
        ),
    ] = None,
    data: DataOption = Path("data"),
) -> None:
    """Write the JSON Schema of each YAML file kind, for editors to validate files as they are typed.

    A YAML file points at its schema with a first line such as
    '# yaml-language-server: $schema=schemas/cluster.schema.json'.

    Example: thidua schema --output data/schemas
    """
    from thidua.schema import write_schemas

    folder = output or data / "schemas"
    for path in write_schemas(folder):
        print(path, file=sys.stderr)


def _fail(message: str) -> typer.Exit:
    print(f"thidua: {message}", file=sys.stderr)
    return typer.Exit(1)


@app.command()
def summarize(
    year: Annotated[int, typer.Argument(help="The emulation year to sum up, e.g. 2023.")],
    data: DataOption = Path("data"),
    lang: Annotated[Lang, typer.Option(help="Language of the report: vi or en.")] = Lang.vi,
    format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="md (the report) or json (its figures).")
    ] = ReportFormat.md,
    template: Annotated[
        Path | None,
        typer.Option(help="Your own Jinja template, rendered in a sandbox.", show_default=False),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write to this file instead of the screen.", show_default=False
        ),
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain", help="Show how each cluster figure was computed, from which rows."
        ),
    ] = False,
) -> None:
    """Write the year-end report (báo cáo tổng kết) of YEAR in Markdown, from the records.

    The records must pass 'thidua check' first.

    Example: thidua summarize 2023 --output bao-cao-2023.md
    """
    from thidua.checks import check_repository
    from thidua.findings import Severity
    from thidua.output import write_text
    from thidua.report import ReportError, as_json, build
    from thidua.repository import load
    from thidua.writes import write_atomic

    findings, files = check_repository(data)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        write_text(errors, files, str(data), sys.stderr)
        raise _fail(f"the records in {data} have errors (above); fix them, then summarize")
    repo, _ = load(data)
    try:
        summary = build(repo, year)
    except ReportError as exc:
        raise _fail(str(exc)) from None
    if explain:
        from thidua.report import explain as explanation

        text = explanation(summary, prefix=f"{data}/")
    elif format is ReportFormat.json:
        import json

        text = json.dumps(as_json(summary), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    else:
        text = _render(summary, lang.value, template)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)
        print(f"wrote {output}", file=sys.stderr)


def _render(summary: object, lang: str, template: Path | None) -> str:
    """The report, or a plain message naming the template's file and line when it is broken."""
    import jinja2

    from thidua.report import render

    if template is not None and not template.is_file():
        raise _fail(f"the template {template} does not exist")
    try:
        return render(summary, lang, template)  # type: ignore[arg-type]
    except jinja2.TemplateSyntaxError as exc:
        raise _fail(
            f"{exc.filename or template}:{exc.lineno}: template error: {exc.message}"
        ) from None
    except jinja2.TemplateError as exc:
        if template is None:
            raise  # the shipped templates failing is a bug in thidua
        line = _template_line(exc, template)
        raise _fail(f"{template}{line}: template error: {type(exc).__name__}: {exc}") from None
    except Exception as exc:
        if template is None:
            raise  # the shipped templates failing is a bug in thidua
        line = _template_line(exc, template)
        raise _fail(f"{template}{line}: the template failed: {type(exc).__name__}: {exc}") from None


def _template_line(exc: BaseException, template: Path) -> str:
    """':LINE' of the user's template where `exc` was raised, if the traceback shows it."""
    tb = exc.__traceback__
    line = ""
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == str(template):
            line = f":{tb.tb_lineno}"
        tb = tb.tb_next
    return line
