"""The `thidua` command: a thin layer over the library. Each command reads its options, calls one
library function and prints the result; heavy imports wait inside the commands that need them, so
that `thidua --version` and `--help` start fast.
"""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from thidua.repository import Repository
    from thidua.writes import Change

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


def _valid(
    data: Path, action: str, years: set[int] | None = None, ledgers: set[int] | None = None
) -> Repository:
    """The repository at `data` (or the years named) if it passes `check`; otherwise print its
    errors and stop."""
    from thidua.checks import inspect
    from thidua.findings import Severity
    from thidua.output import write_text

    repo, findings = inspect(data, years=years, ledgers=ledgers)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        write_text(errors, repo.files, str(data), sys.stderr)
        raise _fail(f"the records in {data} have errors (above); fix them, then {action}")
    return repo


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    from thidua.tables import CellError, parse_date

    try:
        return parse_date(value)
    except CellError as exc:
        raise typer.BadParameter(str(exc)) from None


DateOption = Annotated[
    str | None,
    typer.Option("--date", help="The date: 2025-03-12 or 12/03/2025.", show_default=False),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Show the change as a diff and write nothing.")
]


def _write(changes: list[Change], data: Path, dry_run: bool) -> None:
    from thidua.writes import WriteRefused, apply

    try:
        diff = apply(changes, data, dry_run=dry_run)
    except WriteRefused as exc:
        raise _fail(str(exc)) from None
    if dry_run:
        sys.stdout.write(diff)
        print("(dry run: nothing was written)", file=sys.stderr)
    else:
        for change in changes:
            print(f"wrote {change.path}", file=sys.stderr)


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
    from thidua.report import ReportError, as_json, build
    from thidua.writes import write_atomic

    # The report reads its year, the year before (to compare) and the year after (the next chair
    # and pledge): only those are read and checked, and only its own year's award ledger.
    repo = _valid(data, "summarize", years={year - 1, year, year + 1}, ledgers={year})
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


@app.command()
def rotate(
    year: Annotated[
        int, typer.Argument(help="The year whose chair and deputy to name, e.g. 2025.")
    ],
    data: DataOption = Path("data"),
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Record the proposal (or --chair/--deputy).")
    ] = False,
    chair: Annotated[
        str | None, typer.Option(help="The chair the conference chose.", show_default=False)
    ] = None,
    deputy: Annotated[
        str | None, typer.Option(help="The deputy the conference chose.", show_default=False)
    ] = None,
    when: DateOption = None,
    place: Annotated[
        str | None, typer.Option(help="Where the handover took place.", show_default=False)
    ] = None,
    ref: Annotated[
        str | None,
        typer.Option(help="The minutes or decision that records it.", show_default=False),
    ] = None,
    how: Annotated[
        str | None, typer.Option(help="How they were chosen (bầu, suy tôn, …).", show_default=False)
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the year's recorded leadership.")
    ] = False,
    dry_run: DryRunOption = False,
) -> None:
    """Propose YEAR's chair (cụm trưởng) and deputy (cụm phó) by the cluster's custom, and record them.

    Without --yes it only shows the proposal and why. --chair/--deputy record the conference's own
    choice instead. A year that already has leadership is refused unless --replace.

    Example: thidua rotate 2025 --yes --date 2025-03-12 --place "Nam Định" --ref "Biên bản hội nghị"
    """
    from thidua.recording import leadership_change
    from thidua.rotation import RotationError, decide
    from thidua.writes import locked

    with locked(data) if yes or dry_run else nullcontext():
        repo = _valid(data, "rotate")
        try:
            decision = decide(repo, year, chair=chair, deputy=deputy, how=how, replace=replace)
        except RotationError as exc:
            raise _fail(str(exc)) from None
        for reason in decision.proposal.reasons:
            print(f"  {reason}")
        chosen, deputy_ = decision.chair, decision.deputy
        print(
            f"{year}: chair {chosen.id} ({chosen.as_of(year)[0]}), deputy "
            + (f"{deputy_.id} ({deputy_.as_of(year)[0]})" if deputy_ else "—")
        )
        if not (yes or dry_run):
            print("Nothing was recorded: add --yes to record it.", file=sys.stderr)
            return
        change = leadership_change(
            data,
            year,
            chair=chosen.id,
            deputy=deputy_.id if deputy_ else None,
            how=decision.how,
            when=_date(when),
            ref=ref,
            handover_from=decision.previous_chair,
            place=place,
        )
        _write([change], data, dry_run)


@app.command()
def leaders(data: DataOption = Path("data")) -> None:
    """Print the history of chairs (cụm trưởng) and deputies (cụm phó), as a Markdown table.

    Example: thidua leaders --data data
    """
    from thidua.formatting import md, short_date

    repo = _valid(data, "list the leaders")
    by_id = {m.id: m for m in repo.cluster.model.members}

    def name(member_id: str | None, year: int) -> str:
        return md(by_id[member_id].as_of(year)[0]) if member_id in by_id else "—"

    word = repo.cluster.model.group_word
    print(f"| Năm | {word} trưởng | {word} phó | Cách chọn | Bàn giao |")
    print("|---|---|---|---|---|")
    for year in sorted(repo.years):
        record = repo.years[year].leadership
        if record is None:
            continue
        lead = record.model
        handover = ""
        if lead.handover:
            parts = [name(lead.handover.from_, year - 1)]
            if lead.handover.date:
                parts.append(short_date(lead.handover.date))
            if lead.handover.place:
                parts.append(md(lead.handover.place))
            handover = ", ".join(parts)
        how = md(lead.chosen.how) if lead.chosen else ""
        print(
            f"| {year} | {name(lead.chair, year)} | {name(lead.deputy, year)} | {how} | {handover} |"
        )


@app.command(name="sign-pledge")
def sign_pledge(
    year: Annotated[int, typer.Argument(help="The pledge's year.")],
    member: Annotated[
        str | None,
        typer.Option(help="The member: its id or name (Nam Định, nam dinh).", show_default=False),
    ] = None,
    signer: Annotated[
        str | None, typer.Option(help="The signer's name.", show_default=False)
    ] = None,
    title: Annotated[
        str | None, typer.Option(help="The signer's title.", show_default=False)
    ] = None,
    when: DateOption = None,
    from_csv: Annotated[
        Path | None,
        typer.Option(
            "--from-csv",
            help="A CSV of signatures (member,signer,title,date): all or nothing.",
            show_default=False,
        ),
    ] = None,
    data: DataOption = Path("data"),
    dry_run: DryRunOption = False,
) -> None:
    """Record a member's signature on the YEAR pledge (ký giao ước thi đua).

    Refuses an unknown or inactive member, a second signature, an empty name, a date outside YEAR.
    The date defaults to today.

    Example: thidua sign-pledge 2025 --member "Nam Định" --signer "Nguyễn Văn A" --title "Phó Chủ tịch UBND tỉnh"
    """
    from thidua.pledges import PledgeError, signature, signatures_from_csv, state
    from thidua.recording import signatures_change
    from thidua.writes import locked

    if (from_csv is None) == (member is None):
        raise typer.BadParameter("give either --member (with --signer and --title) or --from-csv")
    with locked(data):
        repo = _valid(data, "sign")
        try:
            current = state(repo, year)
            taken = {s.member for s in current.pledge.signatures}
            today = date.today()
            if from_csv is not None:
                signatures = signatures_from_csv(repo, year, from_csv, taken, _date(when) or today)
            else:
                signatures = [
                    signature(repo, year, member, signer, title, _date(when) or today, taken)
                ]  # type: ignore[arg-type]
        except PledgeError as exc:
            raise _fail(str(exc)) from None
        _write([signatures_change(data, year, current.pledge, signatures)], data, dry_run)


@app.command()
def pledge(
    year: Annotated[
        list[str],
        typer.Argument(
            help="YEAR to show who has signed, or 'new YEAR' to start a pledge.", show_default=False
        ),
    ],
    data: DataOption = Path("data"),
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the pledge document (Markdown) to this file.",
            show_default=False,
        ),
    ] = None,
    when: DateOption = None,
    place: Annotated[
        str | None, typer.Option(help="Where it is signed (with 'new').", show_default=False)
    ] = None,
    dry_run: DryRunOption = False,
) -> None:
    """Show who has signed the YEAR pledge and who has not; 'new YEAR' starts a pledge.

    'pledge new YEAR' copies the bases, movements and criteria of the latest earlier pledge.
    --output writes the pledge document (Markdown, with the national header and a signature table).

    Example: thidua pledge 2024 --output giao-uoc-2024.md
    """
    from thidua.pledges import PledgeError, state

    match year:
        case ["new", number] if number.isdigit():
            _new_pledge(int(number), data, _date(when), place, dry_run)
            return
        case [number] if number.isdigit():
            pass
        case _:
            raise typer.BadParameter(
                "give a year (thidua pledge 2024) or 'new' and a year (thidua pledge new 2025)"
            )
    repo = _valid(data, "show the pledge")
    try:
        current = state(repo, int(number))
    except PledgeError as exc:
        raise _fail(str(exc)) from None
    total = len(current.signed) + len(current.unsigned)
    print(f"Pledge {current.year}: {len(current.signed)} of {total} members have signed.")
    for m, sig in current.signed:
        print(
            f"  signed      {m.id:<20} {sig.date.isoformat()}  {sig.signer or '(name not recorded)'}, {sig.title}"
        )
    for m in current.unsigned:
        print(f"  not signed  {m.id:<20} {m.as_of(current.year)[0]}")
    if output is not None:
        from thidua.pledge_document import render_pledge
        from thidua.writes import write_atomic

        write_atomic(output, render_pledge(repo, current))
        print(f"wrote {output}", file=sys.stderr)


def _new_pledge(year: int, data: Path, when: date | None, place: str | None, dry_run: bool) -> None:
    """`thidua pledge new YEAR`: start YEAR/pledge.yaml from the latest earlier pledge."""
    from thidua.pledges import new_pledge
    from thidua.recording import new_pledge_change
    from thidua.writes import locked

    with locked(data):
        repo = _valid(data, "start the pledge")
        if (data / str(year) / "pledge.yaml").exists():
            raise _fail(f"{year}/pledge.yaml exists already")
        members = [m.id for m in repo.cluster.model.members if m.active_in(year)]
        change = new_pledge_change(data, year, new_pledge(repo, year, when, place), members)
        _write([change], data, dry_run)
