"""The catalogue of problem codes: every finding `thidua check` can report, declared once.

Each `Code` says what the problem is (a stable id, such as `leadership-same`, that CI rules and docs
refer to), how grave it is, what it means, how to fix it and in which files it can occur, and carries
the message template(s) a finding of it is written with. A reader or check never spells a code or a
severity itself: it calls `SOME_CODE.at(position, **fields)`, and so a finding with a code that is
not here cannot be made. `docs/checks.md` is generated from this table together with the golden case
of each code (`tests/cases/`), so that the docs, the messages and the tests cannot drift apart.

Adding a rule: one `Code` here (with its message), one check function, one golden case.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any

from thidua.findings import Finding, Position, Severity
from thidua.i18n import N_, _

ERROR = Severity.ERROR
WARNING = Severity.WARNING

# Which files a code can concern, for the docs.
ANY_FILE = N_("any file")
YAML_FILES = N_("YAML files")
CSV_FILES = N_("CSV files")
CLUSTER = "cluster.yaml"
LEADERSHIP = "YEAR/leadership.yaml"
CONFERENCE = "YEAR/conference.yaml"
PLEDGE = "YEAR/pledge.yaml"
INDICATORS = "YEAR/indicators.csv"
AWARDS = "YEAR/awards.csv"
SCORING = "scoring.yaml"
BALLOT = "YEAR/ballot.yaml"
SCORES = "YEAR/scores-*.csv"
PROPOSALS = "YEAR/proposals.csv"
YEAR_DOCUMENTS = (LEADERSHIP, CONFERENCE, PLEDGE)


@dataclass(frozen=True, slots=True)
class Message:
    """One way a finding of `code` is worded: a `str.format` template with named fields."""

    code: Code
    template: str

    def at(self, position: Position, context: str = "", **fields: Any) -> Finding:
        """The finding of this message at `position`, its fields filled in; `context` goes
        before the text (which column of a CSV row, for instance)."""
        return Finding(self.code.id, self.code.severity, position, context + self.text(**fields))

    def text(self, **fields: Any) -> str:
        """The message with its fields filled in; a field's text that is very long (a cell may
        hold a megabyte) is cut in the middle, so that no message repeats a whole file."""
        return _(self.template).format(**{k: _short(v) for k, v in fields.items()})

    @property
    def fields(self) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(self.template) if name}


@dataclass(frozen=True, slots=True)
class Code:
    """A problem code: what it is, how grave, how to fix it, and how its findings are worded."""

    id: str
    severity: Severity
    section: str
    title: str
    doc: str
    fix: str
    files: tuple[str, ...]
    template: str
    # True when the problem is with a file as a whole (it has no line to show).
    whole_file: bool = False
    variants: list[Message] = field(default_factory=list, compare=False)

    def at(self, position: Position, context: str = "", **fields: Any) -> Finding:
        """A finding of this code at `position`, worded by its main message."""
        return self.message.at(position, context, **fields)

    def text(self, **fields: Any) -> str:
        return self.message.text(**fields)

    @property
    def message(self) -> Message:
        return Message(self, self.template)

    def variant(self, template: str) -> Message:
        """Another wording of the same problem, declared next to the code."""
        message = Message(self, template)
        self.variants.append(message)
        return message

    @property
    def messages(self) -> list[Message]:
        return [self.message, *self.variants]


FIELD_WIDTH = 300  # characters of one field's text in a message


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > FIELD_WIDTH:
        keep = FIELD_WIDTH // 2
        return f"{value[:keep]}…{value[-keep // 2 :]} ({len(value):,} characters)"
    return value


CODES: dict[str, Code] = {}

SECTIONS = (
    N_("Reading files"),
    N_("YAML"),
    N_("Fields and values"),
    N_("CSV"),
    N_("cluster.yaml"),
    N_("Members across files"),
    N_("Leadership and conference"),
    N_("Pledge"),
    N_("indicators.csv"),
    N_("awards.csv"),
    N_("Year-end review"),
)


def code(
    id: str,
    severity: Severity,
    section: str,
    *,
    title: str,
    doc: str,
    fix: str,
    files: tuple[str, ...],
    message: str,
    whole_file: bool = False,
) -> Code:
    """Declare a code; each id once."""
    if id in CODES:
        raise ValueError(f"the code {id} is declared twice")
    if section not in SECTIONS:
        raise ValueError(f"unknown section {section}")
    entry = Code(id, severity, section, title, doc, fix, files, message, whole_file)
    CODES[id] = entry
    return entry


# --- reading files ---------------------------------------------------------------------------

FILE_EMPTY = code(
    "file-empty",
    ERROR,
    "Reading files",
    title=N_("The file is empty"),
    doc=N_("The file has nothing in it, or only comments."),
    fix=N_("Fill it in or delete it."),
    files=(ANY_FILE,),
    message=N_("the file is empty; fill it in or delete it"),
    whole_file=True,
)
FILE_EMPTY_CSV = FILE_EMPTY.variant("the file is empty")
FILE_ONLY_COMMENTS = FILE_EMPTY.variant("the file has no content, only comments or blanks")

FILE_TOO_LARGE = code(
    "file-too-large",
    ERROR,
    "Reading files",
    title=N_("The file is too large"),
    doc=N_("A YAML file over 8 MiB or a CSV file over 2 GiB."),
    fix=N_("Keep large ledgers in CSV; split the file."),
    files=(ANY_FILE,),
    message=N_(
        "the file is {size} MiB, more than the {limit} MiB this kind of file may have;"
        " split it, or keep large ledgers in CSV"
    ),
    whole_file=True,
)

FILE_BINARY = code(
    "file-binary",
    ERROR,
    "Reading files",
    title=N_("The file is not text"),
    doc=N_(
        "The file is not text: often an `.xlsx` renamed to `.csv`, or a file saved as UTF-16. A"
        " NUL byte anywhere in a file, however far in, is refused at its line."
    ),
    fix=N_("In Excel, *Save As* → *CSV UTF-8 (Comma delimited)*."),
    files=(ANY_FILE,),
    message=N_("this is not a text file{hint}"),
    whole_file=True,
)

FILE_NUL = FILE_BINARY.variant(
    "a NUL byte here: a text file has none, so this is not a text file, or it is damaged;"
    " save it again as 'CSV UTF-8' (or as UTF-8 text)"
)

FILE_ENCODING = code(
    "file-encoding",
    ERROR,
    "Reading files",
    title=N_("The file is not UTF-8"),
    doc=N_(
        "The file is not UTF-8; the message names its likely encoding (TCVN3/ABC, VNI-Windows or"
        " Windows-1258), e.g. `Th¸i B×nh` is TCVN3 for *Thái Bình*."
    ),
    fix=N_(
        "Convert it to Unicode with UniKey's converter (*Công cụ chuyển mã*), or save it as"
        " *CSV UTF-8* in Excel."
    ),
    files=(ANY_FILE,),
    message=N_(
        "the file is not UTF-8 (byte 0x{byte:02X}); it looks like {encoding}. Convert it to"
        " Unicode UTF-8 (in Excel: Save As 'CSV UTF-8'; in UniKey: Công cụ chuyển mã, to 'Unicode')"
    ),
)

FILE_UNREADABLE = code(
    "file-unreadable",
    ERROR,
    "Reading files",
    title=N_("The file cannot be read"),
    doc=N_(
        "The file exists but cannot be read: permissions, or its name taken by something that is"
        " not a file (a folder, a FIFO, a device, a socket), which is refused without being opened."
    ),
    fix=N_("As the message says."),
    files=(ANY_FILE,),
    message=N_("the file cannot be read: {reason}"),
    whole_file=True,
)

TEXT_COMBINING_MARKS = code(
    "text-combining-marks",
    ERROR,
    "Reading files",
    title=N_("More than 30 combining marks in a row"),
    doc=N_(
        "Text with more than 30 combining marks (accents written as separate characters) in a row:"
        " Vietnamese needs at most two on a letter (`ệ` is `e`, a circumflex and a dot below), and"
        " Unicode's stream-safe format allows 30. Such a run is damaged or hostile text, and"
        " normalising it costs time in the square of its length; the file is read no further."
    ),
    fix=N_("Retype the text named; remove the run of marks."),
    files=(ANY_FILE,),
    message=N_(
        "{count} combining marks in a row here, more than the {limit} any text may have;"
        " retype this text (the file is read no further)"
    ),
)

FILE_UNKNOWN = code(
    "file-unknown",
    WARNING,
    "Reading files",
    title=N_("A file thidua does not read"),
    doc=N_(
        "A file or folder that thidua does not read, such as `2023/indicator.csv` (a typo for"
        " `indicators.csv`)."
    ),
    fix=N_("Rename it; notes belong in `.md` files, which are ignored."),
    files=(ANY_FILE,),
    message=N_("thidua does not read this file; the files of a year are {known}{hint}"),
    whole_file=True,
)
FILE_UNKNOWN_TOP = FILE_UNKNOWN.variant(
    "thidua does not read this; year folders are named by the year (2023/)"
)

FILE_LEFTOVER = code(
    "file-leftover",
    WARNING,
    "Reading files",
    title=N_("A temporary file left by an interrupted write"),
    doc=N_(
        "A `.thidua-….tmp` file: thidua writes a record to such a file first and renames it over"
        " the record, so an interrupted write (a power cut, a killed process) leaves it behind. The"
        " record itself is whole. The next thidua command that writes removes it once it is ten"
        " minutes old."
    ),
    fix=N_("Delete it; do not commit it."),
    files=(ANY_FILE,),
    message=N_(
        "a temporary file left by an interrupted write; the record itself is whole: delete"
        " this file"
    ),
    whole_file=True,
)

CLUSTER_MISSING = code(
    "cluster-missing",
    ERROR,
    "Reading files",
    title=N_("No cluster.yaml"),
    doc=N_("There is no `cluster.yaml` in the folder, or the folder does not exist."),
    fix=N_(
        "Run thidua in the repository that holds `data/`, or name the folder with `--data DIR`."
    ),
    files=(CLUSTER,),
    message=N_(
        "no cluster.yaml in {root}; is this a cluster's data folder?"
        " (give it with --data DIR or THIDUA_DATA)"
    ),
    whole_file=True,
)
DATA_FOLDER_MISSING = CLUSTER_MISSING.variant(
    "the data folder {root} {what}; give the cluster's folder with --data DIR"
)

# --- YAML ------------------------------------------------------------------------------------

YAML_SYNTAX = code(
    "yaml-syntax",
    ERROR,
    "YAML",
    title=N_("The YAML cannot be parsed"),
    doc=N_(
        "The YAML cannot be parsed. Common causes: a value with `: ` in it"
        ' (`title: Hội nghị: tổng kết` → `title: "Hội nghị: tổng kết"`), a tab used for indenting,'
        " a key out of line with the keys above it."
    ),
    fix=N_("Correct the line named, as the message says."),
    files=(YAML_FILES,),
    message=N_("YAML syntax: {problem}{hint}"),
)
YAML_COMPLEX_KEY = YAML_SYNTAX.variant("a key must be plain text, not a list or a mapping")

YAML_DUPLICATE_KEY = code(
    "yaml-duplicate-key",
    ERROR,
    "YAML",
    title=N_("A key written twice"),
    doc=N_("The same key twice in one mapping. (Most YAML tools silently keep the last one.)"),
    fix=N_("Keep one."),
    files=(YAML_FILES,),
    message=N_(
        "the key '{key}' is written twice (first at line {first}); only one may stay: merge them"
    ),
)

YAML_ALIAS = code(
    "yaml-alias",
    ERROR,
    "YAML",
    title=N_("An anchor or alias"),
    doc=N_(
        "`&anchor` and `*alias` are refused: they hide what a value is, and can blow up in size."
    ),
    fix=N_("Write each value out."),
    files=(YAML_FILES,),
    message=N_("aliases (*{name}) are not allowed; write the value out in full"),
)
YAML_ANCHOR = YAML_ALIAS.variant("anchors (&{name}) are not allowed; write each value out in full")

YAML_TAG = code(
    "yaml-tag",
    ERROR,
    "YAML",
    title=N_("A YAML tag"),
    doc=N_("`!!python/object…`, `!!str`, or any other tag."),
    fix=N_("Remove the tag; quote the value if it must be text."),
    files=(YAML_FILES,),
    message=N_("tags such as '{tag}' are not allowed; remove it and write a plain value"),
)

YAML_TOO_LARGE = code(
    "yaml-too-large",
    ERROR,
    "YAML",
    title=N_("A YAML file with too many keys, items or values"),
    doc=N_(
        "A mapping with more than 1,000 keys, a list with more than 10,000 items, or a file with"
        " more than 100,000 keys and values in all. A national cluster's `cluster.yaml` has 63 members, some 40"
        " indicators and a few thousand values; a file past these limits is damaged or hostile, and is"
        " read no further."
    ),
    fix=N_("Check the line named: a list or mapping that runs on, often a paste gone wrong."),
    files=(YAML_FILES,),
    message=N_(
        "this {what} has more than {limit} {things}, more than a file of thidua may have;"
        " the file is read no further"
    ),
)

YAML_DOCUMENTS = code(
    "yaml-documents",
    ERROR,
    "YAML",
    title=N_("More than one YAML document"),
    doc=N_("A second `---` starts another document."),
    fix=N_("One document per file."),
    files=(YAML_FILES,),
    message=N_("the file holds more than one YAML document ('---'); keep one"),
)

# --- fields and values -----------------------------------------------------------------------

FIELD_MISSING = code(
    "field-missing",
    ERROR,
    "Fields and values",
    title=N_("A required field or cell is empty"),
    doc=N_("A required field or cell is empty: `kind` of a member, `member` of a CSV row."),
    fix=N_("Add it."),
    files=(YAML_FILES, CSV_FILES),
    message=N_("'{name}' is missing; add it"),
)
CELL_MISSING = FIELD_MISSING.variant("the cell in column '{column}' is empty; it must be filled")

FIELD_UNKNOWN = code(
    "field-unknown",
    ERROR,
    "Fields and values",
    title=N_("A key the format does not have"),
    doc=N_("A key the format does not have: `frist_year: 2020` (did you mean `first_year`?)."),
    fix=N_("Correct the spelling, or remove it (put free text in `note`)."),
    files=(YAML_FILES,),
    message=N_("'{name}' is not a field here{hint}"),
)

VALUE_INVALID = code(
    "value-invalid",
    ERROR,
    "Fields and values",
    title=N_("A value of the wrong kind"),
    doc=N_(
        "A value of the wrong kind: a code not in quotes (`code: 34`), an id that is not lower-case"
        " ASCII (`id: Thái Bình`), a date that does not exist (`date: 31/13/2024`), a word outside"
        " its list (`aggregate: avg`)."
    ),
    fix=N_("As the message says."),
    files=(YAML_FILES, CSV_FILES),
    message=N_("{where}: {problem}"),
)
NOT_A_NUMBER = VALUE_INVALID.variant("'{text}' is not a number; write it like 6.3 or 235000")
SCIENTIFIC = VALUE_INVALID.variant(
    "'{text}' is in scientific notation, as Excel shows a number too long for its column, and"
    " digits may have been lost; format the column as Number and write the figure in full"
)
NOT_A_COUNT = VALUE_INVALID.variant("'{text}' is not a count; write a whole number such as 1 or 18")
NOT_A_DATE = VALUE_INVALID.variant("'{text}' is not a date; write 2024-03-13 or 13/03/2024")
NOT_ONE_OF = VALUE_INVALID.variant("'{text}' is not one of: {words}")

NUMBER_DIGITS = code(
    "number-digits",
    ERROR,
    "Fields and values",
    title=N_("A number not written with the digits 0-9"),
    doc=N_(
        "A number written with another script's digits (Arabic-Indic `٣`, full-width `３`,"
        " superscript `²`, circled `①`) or with underscores (`7_0.3`): many programs read these as"
        " numbers, and a reviewer reads what the file shows. Refused in every CSV number cell and every"
        " number of the YAML files."
    ),
    fix=N_(
        "Type the number with the digits 0-9, a decimal point and an optional minus sign: `70.3`."
    ),
    files=(YAML_FILES, CSV_FILES),
    message=N_(
        "'{text}' is not written with the digits 0-9; write numbers with the digits 0-9 and"
        " a decimal point only, like 6.3 or 235000"
    ),
)

NUMBER_PRECISION = code(
    "number-precision",
    ERROR,
    "Fields and values",
    title=N_("A number with more than 20 significant digits"),
    doc=N_(
        "A number with more than 20 significant digits, counted as it is written out in full"
        " (`1e25` has 26): no real figure has so many, and figures are computed with 28 digits, so"
        " such a number is surely a typo or a paste gone wrong. Refused in every CSV number cell and"
        " every number of the YAML files."
    ),
    fix=N_("Correct the number; round it to the digits that are known."),
    files=(YAML_FILES, CSV_FILES),
    message=N_(
        "'{text}' has {digits} significant digits, more than the {limit} a number may have;"
        " check for a typo"
    ),
)

DECIMAL_COMMA = code(
    "decimal-comma",
    ERROR,
    "Fields and values",
    title=N_("A decimal comma"),
    doc=N_('A number written with a decimal comma, as Vietnamese Excel shows it: `"9,41"`.'),
    fix=N_("`9.41`: numbers use a decimal point and no thousands separators."),
    files=(CSV_FILES,),
    message=N_(
        "'{text}' uses a decimal comma; write {fixed} (a decimal point, no thousands separators)"
    ),
)

NUMBER_GROUPING = code(
    "number-grouping",
    ERROR,
    "Fields and values",
    title=N_("A thousands dot in a whole figure"),
    doc=N_(
        "Dots between groups of three digits: `1.234.567` anywhere, or `55.632` in an indicator"
        " that counts whole things (`decimals: 0`): almost surely thousands separators, and reading"
        " `55.632` as 55,632 would be a thousandfold error. The same rule reads a figure and its plan"
        " cell (`<id>.plan`); where the indicator has decimals, `6.150` is a figure."
    ),
    fix=N_(
        "`55632`. If a fraction is really meant, give the indicator `decimals` in `cluster.yaml`."
    ),
    files=(INDICATORS,),
    message=N_(
        "'{text}' looks like {fixed} written with a thousands dot; write"
        " {fixed} (no separators). If a fraction is meant, give the indicator decimals in cluster.yaml"
    ),
)

YEAR_MISMATCH = code(
    "year-mismatch",
    ERROR,
    "Fields and values",
    title=N_("A file in another year's folder"),
    doc=N_("`2024/leadership.yaml` says `year: 2023`."),
    fix=N_("Move the file to its year's folder, or correct the year."),
    files=YEAR_DOCUMENTS,
    message=N_(
        "the file says year {year} but sits in the folder {folder}/; move it or correct the year"
    ),
)

# --- CSV -------------------------------------------------------------------------------------

CSV_SYNTAX = code(
    "csv-syntax",
    ERROR,
    "CSV",
    title=N_("The CSV cannot be parsed"),
    doc=N_(
        "A quote opened and never closed, or a stray quote inside a cell; reported at the line"
        " where the row with the quote starts."
    ),
    fix=N_(
        'A cell that holds a quote, a separator or a line break must be inside `"…"`, with quotes'
        ' inside it doubled (`""`).'
    ),
    files=(CSV_FILES,),
    message=N_(
        "CSV syntax: {problem}; check the quotes on this line"
        ' (a cell that holds a quote or a line break must be inside "…")'
    ),
)

CSV_HEADER = code(
    "csv-header",
    ERROR,
    "CSV",
    title=N_("A wrong header"),
    doc=N_(
        "An unknown column (`grwth` for `growth`), a column twice, or a required column missing."
    ),
    fix=N_("Correct the header line; the columns of each file are in [format.md](format.md)."),
    files=(CSV_FILES,),
    message=N_("unknown column '{name}'{hint}"),
)
CSV_COLUMN_TWICE = CSV_HEADER.variant("the column '{name}' appears twice; keep one")
CSV_COLUMN_LACKING = CSV_HEADER.variant("the header lacks the column '{name}'")

CSV_ROW_LENGTH = code(
    "csv-row-length",
    ERROR,
    "CSV",
    title=N_("A row of the wrong length"),
    doc=N_(
        "A row with more or fewer cells than the header: usually a `,` inside a cell that is not"
        " quoted (`9,41`)."
    ),
    fix=N_("Quote the cell, or add the missing separators."),
    files=(CSV_FILES,),
    message=N_(
        "this row has {cells} cells but the header has {width};"
        " check for a missing or extra separator"
    ),
)

CSV_TOO_MANY_COLUMNS = code(
    "csv-too-many-columns",
    ERROR,
    "CSV",
    title=N_("A line with more than 1,000 cells"),
    doc=N_(
        "A line of a CSV file with more than 1,000 cells (more than 999 separators, counting those"
        " inside quotes): a national cluster's `indicators.csv` has some 165 columns, so such a line is"
        " a damaged or hostile file. The file is read no further."
    ),
    fix=N_(
        "Check the file's separators; a cell that holds many commas is a note that belongs in a"
        " `.md` file."
    ),
    files=(CSV_FILES,),
    message=N_(
        "this line has more than {limit} cells (separators '{delimiter}'), more than a CSV"
        " file of thidua may have; the file is read no further"
    ),
)

# --- cluster.yaml ----------------------------------------------------------------------------

ID_DUPLICATE = code(
    "id-duplicate",
    ERROR,
    "cluster.yaml",
    title=N_("An id used twice"),
    doc=N_("Two members (or indicators, or award types) with the same id."),
    fix=N_("Ids are unique: rename one."),
    files=(CLUSTER, PROPOSALS),
    message=N_(
        "the id '{id}' is used twice in {field} (first at line {first}); ids must be unique"
    ),
)

INDICATOR_REF = code(
    "indicator-ref",
    ERROR,
    "cluster.yaml",
    title=N_("A reference to an indicator that is not reported"),
    doc=N_(
        "A `share` whose `numerator` or `denominator`, or a `weighted_mean` whose `weight`, is not"
        " an indicator that members report."
    ),
    fix=N_("Name an indicator that members report (not another `share`)."),
    files=(CLUSTER,),
    message=N_("{field} '{ref}' is not an indicator reported in indicators.csv{hint}"),
)

# --- members across files --------------------------------------------------------------------

MEMBER_UNKNOWN = code(
    "member-unknown",
    ERROR,
    "Members across files",
    title=N_("An id that is not a member"),
    doc=N_(
        "An id that is not a member: `chair: nam-dinhh`. The message suggests the closest member."
    ),
    fix=N_("Use the member's id from `cluster.yaml`."),
    files=(CLUSTER, *YEAR_DOCUMENTS, INDICATORS, AWARDS, BALLOT, SCORES, PROPOSALS),
    message=N_("{role} '{id}' is not a member in cluster.yaml{hint}"),
)

MEMBER_INACTIVE = code(
    "member-inactive",
    ERROR,
    "Members across files",
    title=N_("A member named in a year it was not a member"),
    doc=N_("`chair: thai-binh` in `2026/` when Thái Bình's `last_year` is 2025."),
    fix=N_("Name a member of that year, or correct `first_year`/`last_year`."),
    files=(*YEAR_DOCUMENTS, INDICATORS, AWARDS, BALLOT, SCORES, PROPOSALS),
    message=N_("{role} '{id}' was not a member in {year} (member {span})"),
)

# --- leadership and conference ---------------------------------------------------------------

LEADERSHIP_SAME = code(
    "leadership-same",
    ERROR,
    "Leadership and conference",
    title=N_("One member is chair and deputy"),
    doc=N_("The same member is named as chair and as deputy."),
    fix=N_("The deputy is another member."),
    files=(LEADERSHIP,),
    message=N_("'{id}' is both chair and deputy; the deputy must be another member"),
)

HANDOVER_MISMATCH = code(
    "handover-mismatch",
    WARNING,
    "Leadership and conference",
    title=N_("The handover is not from last year's chair"),
    doc=N_(
        "`2024/leadership.yaml` says the handover came from `bac-ninh`, but"
        " `2023/leadership.yaml` names `thai-binh` as chair."
    ),
    fix=N_("Correct whichever is wrong."),
    files=(LEADERSHIP,),
    message=N_(
        "the handover is from '{given}' but {previous}/leadership.yaml names '{chair}' as chair"
    ),
)

# --- pledge ----------------------------------------------------------------------------------

SIGNATURE_DUPLICATE = code(
    "signature-duplicate",
    ERROR,
    "Pledge",
    title=N_("A member signed twice"),
    doc=N_("A member signs the pledge twice."),
    fix=N_("Keep one signature."),
    files=(PLEDGE,),
    message=N_(
        "'{id}' has signed already (line {first}); a member signs once: remove one of the two"
    ),
)

SIGNATURE_DATE = code(
    "signature-date",
    ERROR,
    "Pledge",
    title=N_("A signature outside the pledge's year"),
    doc=N_("A 2024 pledge signature dated in 2023."),
    fix=N_("Correct the date."),
    files=(PLEDGE,),
    message=N_("the signature is dated {date}, outside the pledge's year {year}"),
)

PLEDGE_UNSIGNED = code(
    "pledge-unsigned",
    WARNING,
    "Pledge",
    title=N_("A past pledge some member never signed"),
    doc=N_("A past year's pledge that a member active that year never signed."),
    fix=N_("Add the signature, or correct the member's years."),
    files=(PLEDGE,),
    message=N_("the {year} pledge was never signed by: {members}"),
)

# --- indicators.csv --------------------------------------------------------------------------

INDICATOR_ROW_MISSING = code(
    "indicator-row-missing",
    ERROR,
    "indicators.csv",
    title=N_("A member has no row"),
    doc=N_("A member active that year has no row in the year's `indicators.csv`."),
    fix=N_("Add its row; leave unknown figures empty."),
    files=(INDICATORS,),
    message=N_("no row for '{id}', a member in {year}; add its row (leave unknown figures empty)"),
    whole_file=True,
)

INDICATOR_ROW_DUPLICATE = code(
    "indicator-row-duplicate",
    ERROR,
    "indicators.csv",
    title=N_("A member has two rows"),
    doc=N_("A member has two rows in the year's `indicators.csv`, or in a score sheet."),
    fix=N_("Keep one."),
    files=(INDICATORS, SCORES),
    message=N_("'{id}' has a second row (first at line {first}); each member has one row"),
)

INDICATOR_COLUMN_MISSING = code(
    "indicator-column-missing",
    WARNING,
    "indicators.csv",
    title=N_("An indicator has no column"),
    doc=N_(
        "An indicator defined in `cluster.yaml` has no column this year, so the report has no"
        " figures for it."
    ),
    fix=N_("Add the column, even if its cells are empty."),
    files=(INDICATORS,),
    message=N_("no column '{id}' ({label}); the report will have no figures for it"),
    whole_file=True,
)

VALUE_OUT_OF_BOUNDS = code(
    "value-out-of-bounds",
    ERROR,
    "indicators.csv",
    title=N_("A figure outside its plausible range"),
    doc=N_(
        "A figure outside its indicator's plausible `min`/`max`, e.g. growth `101.9` for `10.19`;"
        " or a share's part larger than its whole."
    ),
    fix=N_("Correct the typo, or widen `min`/`max` in `cluster.yaml` if the figure is real."),
    files=(INDICATORS,),
    message=N_(
        "{id} = {value} is outside its plausible range [{low}, {high}] {unit}; check for a"
        " typo, or widen min/max in cluster.yaml"
    ),
)
PART_OVER_WHOLE = VALUE_OUT_OF_BOUNDS.variant(
    "{part_id} = {part} must lie between 0 and {whole_id} = {whole}"
)

FIGURE_INCOMPLETE = code(
    "figure-incomplete",
    WARNING,
    "indicators.csv",
    title=N_("A cluster figure some members have no figure for"),
    doc=N_(
        "Some members active that year have no figure for an indicator, so its cluster total,"
        ' share or mean covers only the others. The report says so ("9/12 thành viên có số liệu"),'
        " or leaves the figure out when the indicator says `missing: refuse`."
    ),
    fix=N_(
        "Fill in the members' figures; or, when the indicator concerns only some members, say"
        " `missing: ignore` for it in `cluster.yaml`."
    ),
    files=(INDICATORS,),
    message=N_(
        "{id}: no figure for {missing} ({coverage} members have one); the cluster figure {outcome}"
    ),
)

FIGURE_UNDEFINED = code(
    "figure-undefined",
    WARNING,
    "indicators.csv",
    title=N_("A cluster figure that cannot be computed"),
    doc=N_(
        "The members' figures are there, but the cluster figure cannot be formed from them: the"
        " weights of a weighted mean add up to 0, or the wholes of a share do. The report says"
        " it has no figure."
    ),
    fix=N_(
        "Correct the weights or the wholes (a 0 typed for an unknown figure is a common cause)."
    ),
    files=(INDICATORS,),
    message=N_("{id}: the cluster figure cannot be computed: {why}"),
)
FIGURE_UNDEFINED_WEIGHTS = N_("the weights ({weight}) add up to 0")
FIGURE_UNDEFINED_WHOLES = N_("the wholes ({whole}) add up to 0")

PLAN_INCOMPLETE = code(
    "plan-incomplete",
    WARNING,
    "indicators.csv",
    title=N_("A plan comparison that cannot be made"),
    doc=N_(
        "Some members have a plan figure (`<id>.plan`) and others do not, so the report cannot"
        " say how much of the plan the cluster reached."
    ),
    fix=N_("Fill in every member's plan figure, or none."),
    files=(INDICATORS,),
    message=N_("{id}: no {plan} figure for {members}; the report will not compare with the {plan}"),
)

PLAN_ZERO = code(
    "plan-zero",
    WARNING,
    "indicators.csv",
    title=N_("A plan of 0"),
    doc=N_("A plan figure of 0: the share of it reached cannot be computed."),
    fix=N_("Correct the plan figure, or leave the cell empty if there is no plan."),
    files=(INDICATORS,),
    message=N_("{id}: a {plan} of 0 cannot be compared with; correct it or leave the cell empty"),
)

WEIGHT_MISSING = code(
    "weight-missing",
    ERROR,
    "indicators.csv",
    title=N_("A figure without its weight"),
    doc=N_(
        "An indicator averaged with weights (`weighted_mean`) has a member's figure but not its"
        " weight, so the member would silently drop out of the mean."
    ),
    fix=N_("Fill in the weight, or remove the figure."),
    files=(INDICATORS,),
    message=N_("{member} has a figure for {id} but no {weight}, its weight; fill in {weight}"),
)

BASIS_MISMATCH = code(
    "basis-mismatch",
    ERROR,
    "indicators.csv",
    title=N_("A figure on another basis than its indicator"),
    doc=N_(
        "The indicator declares its `basis` (e.g. `giá so sánh 2010`) and a member's figure says"
        " another one in its `<id>.basis` cell (e.g. current prices): the figures cannot be added"
        " up or averaged together."
    ),
    fix=N_("Give the member's figure on the indicator's basis, or correct the `.basis` cell."),
    files=(INDICATORS,),
    message=N_(
        "{id} of {member} is on the basis '{given}', not '{basis}' as the indicator says;"
        " it cannot be totalled with the others"
    ),
)

# --- awards.csv ------------------------------------------------------------------------------

AWARD_TYPE_UNKNOWN = code(
    "award-type-unknown",
    ERROR,
    "awards.csv",
    title=N_("An award type that is not in cluster.yaml"),
    doc=N_(
        "An award named by its title, or misspelt, instead of its type's id:"
        " `nam-dinh,Cờ thi đua của Chính phủ`."
    ),
    fix=N_("Use the award type's id from `cluster.yaml`; add the type there if it is new."),
    files=(AWARDS, PROPOSALS, BALLOT, SCORING),
    message=N_("'{award}' is not an award type id in cluster.yaml{hint}"),
)

AWARD_RECIPIENT = code(
    "award-recipient",
    ERROR,
    "awards.csv",
    title=N_("An award given to the wrong kind of recipient"),
    doc=N_(
        "A collective-only award (a Government flag) given to an individual, or the other way round."
    ),
    fix=N_("Correct `recipient_kind`, or the award type's `recipients`."),
    files=(AWARDS,),
    message=N_("'{award}' goes to {allowed} recipients only, not {kind}"),
)

AWARD_DECISION = code(
    "award-decision",
    ERROR,
    "awards.csv",
    title=N_("A decision dated before the year it rewards"),
    doc=N_("An award's decision is dated before the year the award is for."),
    fix=N_("Correct the date, or move the row to the year it rewards."),
    files=(AWARDS,),
    message=N_("the decision is dated {date}, before the year {year} it rewards"),
)

AWARD_DECISION_MISSING = code(
    "award-decision-missing",
    WARNING,
    "awards.csv",
    title=N_("A decided award of the cluster names no decision"),
    doc=N_("An award the cluster proposed is `decided` but names no decision."),
    fix=N_("Add `decision_number` and `decision_date`, or set `status` to `proposed`."),
    files=(AWARDS, PROPOSALS),
    message=N_(
        "a decided award should say its decision_number and decision_date;"
        " if it is not decided yet, set status to 'proposed'"
    ),
)


# --- the year-end review ---------------------------------------------------------------------

SCHEME_YEARS = code(
    "scheme-years",
    ERROR,
    "Year-end review",
    title=N_("Score sheets without one scoring scheme for their year"),
    doc=N_(
        "A year has score sheets (`scores-self.csv`, `scores-reviewed.csv`, `scores-adopted.csv`)"
        " but no scheme of `scoring.yaml` applies to it, or two do: the sheets' columns and"
        " maxima come from the year's one scheme, so they are not read."
    ),
    fix=N_(
        "Add the scheme that was in force that year to `scoring.yaml`, or correct the"
        " `first_year`/`last_year` of the schemes so that exactly one covers it."
    ),
    files=(SCORING, SCORES),
    message=N_(
        "no scoring scheme of scoring.yaml applies to {year}, so this score sheet is not read;"
        " add the scheme in force that year"
    ),
    whole_file=True,
)
SCHEME_YEARS_TWICE = SCHEME_YEARS.variant(
    "the schemes {schemes} of scoring.yaml all apply to {year}, so this score sheet is not read;"
    " correct their first_year and last_year so that one does"
)

SCHEME_ITEM_UNKNOWN = code(
    "scheme-item-unknown",
    ERROR,
    "Year-end review",
    title=N_("A pledge criterion that refers to no item of the scheme"),
    doc=N_(
        "A criterion of the pledge says which group or criterion of the scoring scheme it is"
        " (`item:`), and the scheme of that year has none of that id, or there is no scheme."
    ),
    fix=N_("Use the id of a group or criterion of the year's scheme in `scoring.yaml`."),
    files=(PLEDGE,),
    message=N_("'{item}' is no group or criterion of the scoring scheme of {year}{hint}"),
)

SCORE_OVER_MAX = code(
    "score-over-max",
    ERROR,
    "Year-end review",
    title=N_("Points above their maximum"),
    doc=N_(
        "A score sheet gives a criterion more points than its maximum in the scheme, a bonus or"
        " penalty item more than its own maximum, all the bonus (or penalty) items together more"
        " than their cap, or a negative number of points."
    ),
    fix=N_("Correct the points; a penalty is written as the points taken off (a positive number)."),
    files=(SCORES,),
    message=N_("{item} = {value} is more than its maximum, {max} points"),
)
SCORE_OVER_CAP = SCORE_OVER_MAX.variant(
    "the {what} points of {member} add up to {value}, more than their cap, {cap} points"
)
SCORE_NEGATIVE = SCORE_OVER_MAX.variant(
    "{item} = {value} is below 0; a penalty is written as the points taken off"
)

SCORE_MISSING = code(
    "score-missing",
    ERROR,
    "Year-end review",
    title=N_("A member without scores"),
    doc=N_(
        "A score sheet of the year has no row for a member active that year, or a row leaves a"
        " criterion empty: the ranking would compare the member on less than the others."
    ),
    fix=N_("Add the member's row, and a score for every criterion (0 where it earned none)."),
    files=(SCORES,),
    message=N_("no row for '{id}', a member in {year}; every member is scored on every sheet"),
    whole_file=True,
)
SCORE_CELL_MISSING = SCORE_MISSING.variant(
    "no score for the criterion '{item}'; write 0 where the member earned none"
)

SCORE_TOTAL = code(
    "score-total",
    ERROR,
    "Year-end review",
    title=N_("Totals that do not add up"),
    doc=N_(
        "A score sheet's `total` is not the member's criteria plus its bonus less its penalties;"
        " or in `scoring.yaml` a group's criteria do not add up to the group's `max`, or the"
        " groups do not add up to the `scale`."
    ),
    fix=N_("Correct the points or the total (in a spreadsheet, recompute the total column)."),
    files=(SCORES, SCORING),
    message=N_("the total {given} is not the sum of the points, {computed}"),
)
SCHEME_GROUP_TOTAL = SCORE_TOTAL.variant(
    "the criteria of the group '{group}' add up to {total}, not to its max {max}"
)
SCHEME_SCALE_TOTAL = SCORE_TOTAL.variant(
    "the groups of the scheme '{scheme}' add up to {total}, not to its scale {scale}"
)

BALLOT_ARITHMETIC = code(
    "ballot-arithmetic",
    ERROR,
    "Year-end review",
    title=N_("Vote counts that do not add up"),
    doc=N_(
        "The counts of the minutes disagree: valid plus invalid ballots are not the ballots"
        " returned, more ballots are returned than were issued or than members were present, or"
        " a nominee's votes for, against and abstaining are not the valid ballots."
    ),
    fix=N_("Copy the counts again from the signed minutes (biên bản kiểm phiếu)."),
    files=(BALLOT,),
    message=N_("{valid} valid + {invalid} invalid ballots = {total}, not the {returned} returned"),
)
BALLOT_OVER_ISSUED = BALLOT_ARITHMETIC.variant(
    "{returned} ballots returned, more than the {issued} issued"
)
BALLOT_OVER_PRESENT = BALLOT_ARITHMETIC.variant(
    "{returned} ballots returned, more than the {present} members present"
)
BALLOT_VOTES = BALLOT_ARITHMETIC.variant(
    "{member}: {yes} for + {no} against + {abstain} abstaining = {total}, not the {valid} valid"
    " ballots"
)

BALLOT_CONCLUSION = code(
    "ballot-conclusion",
    ERROR,
    "Year-end review",
    title=N_("A conclusion that does not follow from the threshold"),
    doc=N_(
        "A nominee is marked `passed` (or not) against what its votes and the threshold give:"
        " the share of votes for is taken of the denominator the minutes name (the members, the"
        " ballots issued or the valid ballots)."
    ),
    fix=N_("Correct `passed`, the votes, or the threshold and what it is a share of."),
    files=(BALLOT,),
    message=N_(
        "{member} has {yes} votes for out of {base} ({of}), that is {share}%; the threshold is"
        " {rule} {percent}%, so it should say passed: {expected}"
    ),
)

LEADING_UNIT_NOT_FIRST = code(
    "leading-unit-not-first",
    WARNING,
    "Year-end review",
    title=N_("The leading unit is not first in the ranking"),
    doc=N_(
        "The conference names a `leading_unit` that is not the top of the year's ranking (by the"
        " last layer of scores each member has). The conference may decide otherwise; it then"
        " says why in `leading_note`, and the warning goes."
    ),
    fix=N_("Correct `leading_unit` or the scores, or say why in `leading_note`."),
    files=(CONFERENCE,),
    message=N_(
        "the leading unit '{id}' is not first in the {year} ranking ({first} is, with {points}"
        " points); if the conference decided so, say why in leading_note"
    ),
)

PROPOSAL_OVER_QUOTA = code(
    "proposal-over-quota",
    WARNING,
    "Year-end review",
    title=N_("More proposals than the cluster's quota"),
    doc=N_(
        "The year's proposals of an award type add up to more than the quota the scheme of the"
        " year declares (`quotas:` in `scoring.yaml`)."
    ),
    fix=N_("Propose fewer, or correct the quota if the rules changed."),
    files=(PROPOSALS,),
    message=N_("{count} proposed of '{award}', more than the quota of {max} ({scheme})"),
    whole_file=True,
)

PROPOSAL_LEDGER = code(
    "proposal-ledger",
    ERROR,
    "Year-end review",
    title=N_("A proposal and the ledger disagree"),
    doc=N_(
        "A proposal is `decided` but no row of the year's `awards.csv` records it (its"
        " `proposal` column names the proposal's id); or a ledger row names a proposal that"
        " `proposals.csv` does not have, one that was cut, or one of another award or member."
    ),
    fix=N_(
        "Add the award's row to `awards.csv` with the proposal's id in the column `proposal`,"
        " or correct the id."
    ),
    files=(PROPOSALS, AWARDS),
    message=N_(
        "the proposal '{id}' is decided but no row of {file} records it; add the row, with"
        " proposal = {id}"
    ),
)
PROPOSAL_UNKNOWN = PROPOSAL_LEDGER.variant("the proposal '{id}' is not in {file}{hint}")
PROPOSAL_CUT_RECORDED = PROPOSAL_LEDGER.variant(
    "the proposal '{id}' was cut, yet this row records it; correct the proposal's status or the id"
)
PROPOSAL_MISMATCH = PROPOSAL_LEDGER.variant(
    "this row records '{award}' for '{member}', but the proposal '{id}' is '{proposed}' for"
    " '{recipient}'"
)


def markdown(examples: dict[str, str]) -> str:
    """docs/checks.md (or, in Vietnamese, docs/vi/kiem-tra.md): a section per code, in the
    catalogue's order, each with its golden case (`examples`: a code's console transcript, from
    the files it is given to what `check` prints). Written in the current language."""
    out = [
        _("# What `thidua check` reports"),
        "",
        "<!-- Generated from src/thidua/catalogue.py and tests/cases/ by"
        " `THIDUA_UPDATE_GOLDEN=1 pytest tests/test_cases.py`; do not edit by hand. -->",
        "",
        _(
            "Each finding is printed as `path:line:column: error|warning: message [code]`, with"
            " the line it concerns under it (`--no-excerpt` leaves that out). Errors make `check`"
            " exit with 1; warnings do too with `--strict`. The code in brackets is stable: CI"
            " rules and these docs refer to it. Every example below is a test."
        ),
        "",
    ]
    for section in SECTIONS:
        out += [f"## {_(section)}", ""]
        for entry in CODES.values():
            if entry.section != section:
                continue
            marker = _(" (warning)") if entry.severity is WARNING else ""
            out += [f"### {entry.id}{marker}", f"**{_(entry.title)}.** {_(entry.doc)}", ""]
            out += [_("**Fix:** {fix}").format(fix=_(entry.fix)), ""]
            places = ", ".join(_(f) for f in entry.files)
            out += [_("*Found in:* {places}.").format(places=places), ""]
            if entry.id in examples:
                out += ["```console", examples[entry.id].rstrip("\n"), "```", ""]
    return "\n".join(out).rstrip("\n") + "\n"
