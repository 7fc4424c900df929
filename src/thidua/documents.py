"""Which kind of document a command writes: the format follows --output's extension, and an
option or a template that says otherwise is refused rather than silently obeyed (Markdown in a
file named .docx was once written without a word)."""

from __future__ import annotations

from pathlib import Path

from thidua.findings import Refused
from thidua.i18n import _

EXTENSIONS = {".md": "md", ".json": "json", ".docx": "docx", ".xlsx": "xlsx", ".csv": "csv"}
WORD = "docx"
SPREADSHEETS = ("xlsx", "csv")


class FormatRefused(Refused):
    """A format, an --output name and a template that do not agree."""


def chosen_format(
    given: str | None,
    output: Path | None,
    template: Path | None = None,
    allowed: tuple[str, ...] = ("md", "json", "docx"),
) -> str:
    """The format to write: `given` (--format), else the one --output's extension names, else
    Markdown. Refused: an --output extension that is not one of `allowed`, one that disagrees
    with `given`, a Word document or a spreadsheet without --output (they are no text for the
    screen), and a
    template of the other kind (a .docx template for text, a text template for Word)."""
    named = None
    if output is not None:
        suffix = output.suffix.lower()
        named = EXTENSIONS.get(suffix)
        if named not in allowed:
            raise FormatRefused(
                _("{output}: thidua writes {kinds} files; name the file with one of these").format(
                    output=output, kinds=", ".join(f".{kind}" for kind in allowed)
                )
            )
        if given is not None and given != named:
            raise FormatRefused(
                _(
                    "--format {given} does not match {output}, a .{named} file; leave out"
                    " --format, or name the file .{given}"
                ).format(given=given, output=output, named=named)
            )
    chosen = given or named or "md"
    if chosen == WORD and output is None:
        raise FormatRefused(
            _("a Word document is not shown on the screen; write it with --output FILE.docx")
        )
    if chosen in SPREADSHEETS and output is None:
        raise FormatRefused(
            _(
                "a spreadsheet is not shown on the screen; write it with --output FILE.{kind}"
            ).format(kind=chosen)
        )
    if template is not None and chosen in ("md", WORD):
        word_template = template.suffix.lower() == ".docx"
        if chosen == WORD and not word_template:
            raise FormatRefused(
                _(
                    "{template} is a text template; a Word document needs a Word template"
                    " (.docx), such as thidua's own templates/report.vi.docx"
                ).format(template=template)
            )
        if chosen != WORD and word_template:
            raise FormatRefused(
                _(
                    "{template} is a Word template; write the document to a .docx file with"
                    " --output"
                ).format(template=template)
            )
    return chosen
