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
