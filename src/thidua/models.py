"""The records, as Pydantic models: one model per YAML file kind, and the rows of the CSV files.

The models say what each field is; the checks in `thidua.checks` say how files agree with each other.
Field names are English ASCII so that they are easy to type; the Vietnamese term is in each docstring
and in `docs/format.md`.

Annotations are objects, not strings (no `from __future__ import annotations`): Pydantic would
evaluate each string as it makes the classes, a few milliseconds of every command that reads records.
"""

import re
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Literal, NamedTuple, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from thidua.i18n import _
from thidua.numbers import MAX_DIGITS, decimal_digits, other_digits, shown, written_digits

FORMAT_VERSION = 1

_DMY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def parse_dmy(value: Any) -> Any:
    """A date written as 2024-03-13, or as Vietnamese offices write it, 13/03/2024 (or 13/3/2024);
    nothing else: a number is not taken for a timestamp, nor another form guessed."""
    if isinstance(value, date):
        return value
    text = value.strip() if isinstance(value, str) else None
    m = _DMY.fullmatch(text) if text is not None else None
    iso = _ISO.fullmatch(text) if text is not None and m is None else None
    if m is None and iso is None:
        raise ValueError(
            _("'{text}' is not a date; write 2024-03-13 or 13/03/2024").format(text=value)
        )
    if m is not None:
        day, month, year = map(int, m.groups())
    else:
        assert iso is not None
        year, month, day = map(int, iso.groups())
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(
            _("'{text}' is not a real date ({why})").format(text=text, why=exc)
        ) from None


# The days each month may have, written as a pattern, so that editors refuse 31/04 or 30/02 as
# check does. (29/02 of a year that is not a leap year is the one date the pattern lets through.)
_DAY31 = "0?[1-9]|[12][0-9]|3[01]"
_DAY30 = "0?[1-9]|[12][0-9]|30"
_DAY29 = "0?[1-9]|1[0-9]|2[0-9]"
_DMY_PATTERN = f"(({_DAY31})/(0?[13578]|1[02])|({_DAY30})/(0?[469]|11)|({_DAY29})/0?2)/[0-9]{{4}}"
_ISO_PATTERN = (
    "[0-9]{4}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])"
    "|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-9]))"
)
Date = Annotated[
    date,
    BeforeValidator(parse_dmy),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": f"^({_ISO_PATTERN}|{_DMY_PATTERN})$",
            "description": "A date: 2024-03-13, or 13/03/2024",
        }
    ),
]
FIRST_YEAR, LAST_YEAR = 1945, 2100  # the years a record may name
YEAR_PATTERN = "^(194[5-9]|19[5-9][0-9]|20[0-9][0-9]|2100)$"  # the same years, as text


def check_number(value: Any) -> Any:
    """A number of a YAML file as `thidua.numbers` says numbers are written: Pydantic's lax mode
    would read the text '٣' or '7_0.3' as a number. The error types are the catalogue's
    `number-digits` and `number-precision` (see `thidua.validation`); anything else that is not a
    number is left to the field's own validation and its usual message."""
    return _check_number(value, quoted=False)


def check_number_key(value: Any) -> Any:
    """`check_number` for a mapping's key (a year in `national`), which YAML keys write as text."""
    return _check_number(value, quoted=True)


def _check_number(value: Any, *, quoted: bool) -> Any:
    if isinstance(value, bool):  # `year: true` is no year (Pydantic would read it as 1)
        raise PydanticCustomError("number_bool", "a truth value, not a number")
    if not isinstance(value, str | int | Decimal):
        return value
    if isinstance(value, str):
        text = value.strip()
        digits = written_digits(text)
        if digits is None:
            if other_digits(text):
                raise PydanticCustomError("number_digits", "other digits", {"text": shown(text)})
            return value
    else:
        text = str(value)
        digits = decimal_digits(value)
    if digits > MAX_DIGITS:  # the YAML reader leaves such a number as text: refused here first
        context = {"text": shown(text), "digits": digits, "limit": MAX_DIGITS}
        raise PydanticCustomError("number_precision", "too many digits", context)
    if isinstance(value, str) and not quoted:
        # "2024" in quotes is text in YAML: a number is written without them
        raise PydanticCustomError("number_quoted", "a number in quotes", {"text": text})
    return value


# The check comes last, so that it runs first and the constraints stay in the JSON Schema.
# A number in YAML is a number, never text: the schema says so too (Pydantic's would accept text).
Number = Annotated[Decimal, BeforeValidator(check_number), WithJsonSchema({"type": "number"})]
YearNumber = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR), BeforeValidator(check_number)]
YearKey = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR), BeforeValidator(check_number_key)]
# C0 and C1 controls (a tab and a line break are text), and the controls that reorder text
# shown right to left (an override makes 'Hà Nam' display as another name)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def no_control(text: str) -> str:
    """Text without control characters: a YAML escape ("\\x07", "\\u202e") can write one, and it
    would reach the documents (a report, a Word file, a spreadsheet) unseen."""
    found = _CONTROL.search(text)
    if found:
        code = f"U+{ord(found.group()):04X}"
        raise PydanticCustomError("text_control", "a control character", {"code": code})
    return text


Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(no_control)
]
# true or false as YAML writes them, nothing else: Pydantic's lax mode would read 'yes', 'on' or 1
Flag = Annotated[bool, Strict()]
Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$"),
    Field(description="An id: lower-case ASCII letters, digits and hyphens, e.g. thai-binh"),
]
ColumnId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"),
    Field(description="An indicator id, used as a CSV column: e.g. grdp_growth"),
]
Code = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9A-Za-z.-]+$"),
    Field(description='An official code, always in quotes so leading zeros stay: "01"'),
]


class Record(BaseModel):
    # built on first use: a command pays only for the kinds of records it reads
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --- cluster.yaml ----------------------------------------------------------------------------


class MemberChange(Record):
    """A change of a member's name, code or kind from a year on (e.g. a new code after a merger)."""

    year: YearNumber
    name: Text | None = None
    code: Code | None = None
    kind: Text | None = None
    note: Text | None = None


class Successor(Record):
    """What a member became when it left (sáp nhập, hợp nhất): a member of this cluster, or a unit
    outside it."""

    member: Slug | None = None
    name: Text | None = None
    code: Code | None = None
    date: Date | None = None
    basis: Text | None = Field(None, description="The legal basis, e.g. Nghị quyết 202/2025/QH15")

    @model_validator(mode="after")
    def _named(self) -> Self:
        if self.member is None and self.name is None:
            raise ValueError(_("say what the member became: 'member' (an id) or 'name'"))
        return self


class MemberAsOf(NamedTuple):
    """A member as it was in one year."""

    name: str
    code: str | None
    kind: str


class Member(Record):
    """A member unit of the cluster (đơn vị thành viên), with its history."""

    id: Slug
    name: Text
    kind: Text = Field(description="tỉnh, thành phố, sở, huyện, …")
    code: Code | None = None
    first_year: YearNumber | None = Field(
        None, description="First year of membership; empty: always"
    )
    last_year: YearNumber | None = Field(
        None, description="Last year of membership; empty: still a member"
    )
    changes: list[MemberChange] = []
    became: Successor | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _years(self) -> Self:
        if self.first_year and self.last_year and self.last_year < self.first_year:
            raise ValueError(
                _("last_year {last} is before first_year {first}").format(
                    last=self.last_year, first=self.first_year
                )
            )
        years = [c.year for c in self.changes]
        if years != sorted(set(years)):
            raise ValueError(_("changes must be in order of year, one entry per year"))
        if self.became and self.last_year is None:
            raise ValueError(_("a member that became another unit needs its last_year"))
        return self

    def active_in(self, year: int) -> bool:
        return (self.first_year is None or self.first_year <= year) and (
            self.last_year is None or year <= self.last_year
        )

    def as_of(self, year: int) -> MemberAsOf:
        """The name, code and kind that the member had in `year`."""
        name, code, kind = self.name, self.code, self.kind
        for change in self.changes:
            if change.year <= year:
                name = change.name or name
                code = change.code or code
                kind = change.kind or kind
        return MemberAsOf(name, code, kind)

    def name_in(self, year: int) -> str:
        """The member's name in `year` (names change with mergers)."""
        return self.as_of(year).name


class Aggregate(StrEnum):
    """How the cluster figure of an indicator is formed from the members' figures."""

    SUM = "sum"
    MEAN = "mean"
    MIN = "min"
    MAX = "max"
    RANGE = "range"
    WEIGHTED_MEAN = "weighted_mean"
    SHARE = "share"


class Rounding(StrEnum):
    HALF_UP = "half-up"
    DOWN = "down"
    UP = "up"


class Headline(Record):
    """How the cluster figure is rounded for the report's sentence: "hơn 235.000 tỷ đồng".

    The tables show the figure to the indicator's decimals; the sentence may round it further, to a
    multiple of `step`, shown with `decimals` digits (default: as many as the step has), and put a
    word before it when the rounded figure is below the true one (`above`: "hơn", "trên") or above it
    (`below`: "gần", "khoảng").
    """

    # from a millionth to a million million: past these the sentence says nothing ("hơn 0")
    step: Annotated[
        Decimal,
        Field(ge=Decimal("0.000001"), le=Decimal("1000000000000")),
        BeforeValidator(check_number),
        WithJsonSchema({"type": "number", "minimum": 0.000001, "maximum": 1000000000000}),
    ] = Decimal(1)
    decimals: Annotated[int, Field(ge=0, le=6), BeforeValidator(check_number)] | None = Field(
        None, description="Digits after the decimal mark in the sentence (default: the step's)"
    )
    rounding: Rounding = Rounding.HALF_UP
    above: Text | None = None
    above_en: Text | None = None
    below: Text | None = None
    below_en: Text | None = None


class MissingPolicy(StrEnum):
    """What the report does with a cluster figure when some active member has no figure."""

    NOTE = "note"  # give the figure and say how many members it covers ("9/12 thành viên")
    REFUSE = "refuse"  # leave the figure out, saying why
    IGNORE = "ignore"  # give it as the cluster's figure: the indicator concerns only some members


class Indicator(Record):
    """An indicator (chỉ tiêu) that each member reports and the cluster sums up."""

    id: ColumnId
    label: Text = Field(description="Vietnamese label, as the report writes it")
    label_en: Text | None = None
    unit: Text = Field(description="%, triệu đồng, tỷ đồng, tỷ USD, xã, …")
    unit_en: Text | None = None
    aggregate: Aggregate
    weight: ColumnId | None = Field(None, description="weighted_mean: the indicator weighing it")
    numerator: ColumnId | None = Field(None, description="share: the part")
    denominator: ColumnId | None = Field(None, description="share: the whole")
    decimals: Annotated[int, Field(ge=0, le=6), BeforeValidator(check_number)] = 0
    min: Number | None = Field(None, description="Lowest plausible value of a member's figure")
    max: Number | None = Field(None, description="Highest plausible value of a member's figure")
    plan: Text | None = Field(
        None, description="What the plan column is called (kế hoạch, dự toán); enables <id>.plan"
    )
    plan_en: Text | None = None
    national: dict[YearKey, Number] = Field(
        {},
        description="The national figure by year, to compare the cluster's with",
        json_schema_extra={"propertyNames": {"pattern": YEAR_PATTERN}},
    )
    headline: Headline | None = None
    missing: MissingPolicy = Field(
        MissingPolicy.NOTE,
        description="When a member's figure is missing: note (say so), refuse (leave the figure"
        " out) or ignore (the indicator concerns only the members that report it)",
    )
    basis: Text | None = Field(
        None,
        description="The price basis or method every member's figure must use (e.g. giá so sánh"
        " 2010); a member's <id>.basis cell must then say the same",
    )
    chart: Flag = Field(False, description="Draw a bar chart of the members' figures")
    aliases: list[Text] = Field(
        [], description="Other headers that name this indicator in the sheets members send"
    )
    plan_aliases: list[Text] = Field(
        [], description="Headers that name this indicator's plan column in those sheets"
    )
    note: Text | None = None

    @model_validator(mode="after")
    def _shape(self) -> Self:
        share = self.aggregate is Aggregate.SHARE
        weighted = self.aggregate is Aggregate.WEIGHTED_MEAN
        if share != (self.numerator is not None and self.denominator is not None):
            raise ValueError(
                _("aggregate 'share' takes both 'numerator' and 'denominator', and only it does")
            )
        if weighted != (self.weight is not None):
            raise ValueError(_("aggregate 'weighted_mean' takes 'weight', and only it does"))
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(
                _("min {low} is greater than max {high}").format(low=self.min, high=self.max)
            )
        return self

    @property
    def is_column(self) -> bool:
        """Whether members report it in indicators.csv (a share is computed from two others)."""
        return self.aggregate is not Aggregate.SHARE


class Recipients(StrEnum):
    COLLECTIVE = "collective"
    INDIVIDUAL = "individual"
    BOTH = "both"


class AwardType(Record):
    """A form of commendation or an emulation title (hình thức khen thưởng, danh hiệu thi đua)."""

    id: Slug
    title: Text = Field(description="As the law writes it, e.g. Cờ thi đua của Chính phủ")
    title_en: Text | None = None
    level: Text = Field(description="Who confers it: Nhà nước, Chính phủ, Thủ tướng, tỉnh, …")
    recipients: Recipients
    aliases: list[Text] = []
    basis: Text | None = None


class RotationCustom(StrEnum):
    DEPUTY_SUCCEEDS = "deputy-succeeds"
    NEXT_IN_ORDER = "next-in-order"
    LEADER_BECOMES_CHAIR = "leader-becomes-chair"


class Rotation(Record):
    """The cluster's custom for naming next year's chair (cụm trưởng) and deputy (cụm phó).

    `custom` is tried first, then each of `fallback` until one gives an answer. The agreed `order`
    defaults to the order of the members in cluster.yaml.
    """

    custom: RotationCustom
    fallback: list[RotationCustom] = []
    order: list[Slug] = []
    note: Text | None = None


class Cluster(Record):
    """cluster.yaml: the cluster, its members and the catalogs that make the tool generic."""

    format: Literal[1] = Field(description="Version of the records format")
    id: Slug
    name: Text
    name_en: Text | None = None
    organizer: Text | None = Field(None, description="The council that organises it (cấp tổ chức)")
    members: Annotated[list[Member], Field(min_length=1)]
    indicators: list[Indicator] = []
    award_types: list[AwardType] = []
    rotation: Rotation | None = None
    lang: Literal["vi", "en"] | None = Field(
        None, description="The language thidua speaks in this repository: vi or en"
    )
    import_map: dict[Text, Text] = Field(
        {},
        description="Headers of the sheets members send, and the column of indicators.csv each"
        " fills (an indicator id, id.plan, note, source, status, or - to leave it out);"
        " written by 'thidua import --save-map'",
    )
    note: Text | None = None

    @model_validator(mode="after")
    def _import_map(self) -> Self:
        known = {"-", "member", "name", "note", "source", "status"}
        for ind in self.indicators:
            known |= {ind.id, f"{ind.id}.status", f"{ind.id}.source", f"{ind.id}.basis"}
            if ind.plan:
                known.add(f"{ind.id}.plan")
        for header, column in self.import_map.items():
            if column not in known:
                raise ValueError(
                    _(
                        "import_map: '{header}' goes to '{column}', which is no column of"
                        " indicators.csv"
                    ).format(header=header, column=column)
                )
        return self

    @cached_property
    def members_by_id(self) -> dict[str, Member]:
        """The members by id (the first of two with one id: `check` reports the second)."""
        out: dict[str, Member] = {}
        for member in self.members:
            out.setdefault(member.id, member)
        return out

    def member(self, member_id: str | None) -> Member | None:
        """The member with this id, or None."""
        return self.members_by_id.get(member_id) if member_id is not None else None

    def active(self, year: int) -> list[Member]:
        """The members of the cluster in `year`, in the order of cluster.yaml."""
        return [m for m in self.members if m.active_in(year)]

    @property
    def group_word(self) -> str:
        """'Khối' for a bloc (khối thi đua), else 'Cụm': as in "Cụm trưởng", "Khối phó"."""
        return "Khối" if self.name.startswith("Khối") else "Cụm"


# --- YEAR/*.yaml -----------------------------------------------------------------------------


class Election(Record):
    """How the chair and deputy were chosen (bầu, suy tôn) and where it is recorded."""

    how: Text = Field(description="bầu, suy tôn, hiệp thương, …")
    date: Date | None = None
    ref: Text | None = Field(None, description="The minutes or decision that records it")
    source: Text | None = None


class Handover(Record):
    """The handover (bàn giao) from the outgoing chair."""

    from_: Slug = Field(alias="from")
    date: Date | None = None
    place: Text | None = None
    ref: Text | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Leadership(Record):
    """YEAR/leadership.yaml: the chair (cụm trưởng) and deputy (cụm phó) of the year."""

    year: YearNumber
    chair: Slug
    deputy: Slug | None = None
    chosen: Election | None = None
    handover: Handover | None = None
    note: Text | None = None


class ReportSignature(Record):
    """Who signs the year's report, as the signature block writes it (Decree 30/2020)."""

    authority: Text | None = Field(
        None, description="The line above the position, when one signs on behalf: TM. …, KT. …"
    )
    position: Text | None = Field(None, description="e.g. CỤM TRƯỞNG (default: the group's chair)")
    title: Text | None = Field(None, description="e.g. PHÓ CHỦ TỊCH UBND TỈNH THÁI BÌNH")
    name: Text | None = Field(None, description="The signer's full name")


class ReportDocument(Record):
    """What the year's report as an administrative document needs beyond its figures: its
    number, its issuing body, its recipients (nơi nhận) and its signer. Each is optional: a
    document without it shows the dotted place an office fills in by hand."""

    number: Text | None = Field(None, description="The number (số), e.g. 15")
    symbol: Text | None = Field(None, description="The symbol (ký hiệu), e.g. BC-CTĐ")
    parent: Text | None = Field(None, description="The body above the issuer (cơ quan chủ quản)")
    issuer: Text | None = Field(
        None, description="The issuing body (cơ quan ban hành); default: the cluster's name"
    )
    recipients: list[Text] = Field([], description="Nơi nhận, one per line")
    signature: ReportSignature | None = None


class Conference(Record):
    """YEAR/conference.yaml: the conference that summed up the year (hội nghị tổng kết)."""

    year: YearNumber
    title: Text | None = None
    date: Date
    place: Text
    host: Slug | None = None
    leading_unit: Slug | None = Field(
        None, description="The unit acclaimed as leading the cluster this year (đơn vị dẫn đầu)"
    )
    leading_note: Text | None = Field(
        None,
        description="Why the conference acclaimed a leading unit other than the top of the ranking",
    )
    notes: list[Text] = []
    sources: list[Text] = []
    report: ReportDocument | None = Field(
        None, description="The report as a document: number, issuer, recipients, signer"
    )


class Criterion(Record):
    """One item of the pledge (chỉ tiêu, nội dung thi đua) and its maximum points."""

    content: Text
    points: (
        Annotated[
            Decimal,
            Field(ge=0),
            BeforeValidator(check_number),
            WithJsonSchema({"type": "number", "minimum": 0}),
        ]
        | None
    ) = None
    group: Text | None = None
    item: ColumnId | None = Field(
        None, description="The criterion or group of the year's scoring scheme it refers to"
    )


class Signature(Record):
    """One member's signature on the pledge."""

    member: Slug
    signer: Text | None = Field(None, description="The signer's name; empty if not published")
    title: Text = Field(description="e.g. Phó Chủ tịch UBND tỉnh")
    date: Date


class Pledge(Record):
    """YEAR/pledge.yaml: the emulation pledge (bản giao ước thi đua) and its signatures."""

    year: YearNumber
    title: Text | None = None
    date: Date | None = None
    place: Text | None = None
    bases: list[Text] = Field([], description="Legal bases (căn cứ)")
    movements: list[Text] = Field([], description="Movements to pursue (phong trào thi đua)")
    criteria: list[Criterion] = []
    signatures: list[Signature] = []


# --- scoring.yaml: the year-end review's rules ---------------------------------------------

Points = Annotated[
    Decimal,
    Field(ge=0),
    BeforeValidator(check_number),
    WithJsonSchema({"type": "number", "minimum": 0}),
]
Count = Annotated[
    int,
    Field(ge=0, le=10**9),
    BeforeValidator(check_number),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": 10**9}),
]
# columns of a score sheet that are not items of a scheme
SHEET_COLUMNS = ("member", "name", "total", "by", "date", "note")


class Issued(Record):
    """The document that issued a scoring scheme (quyết định, quy định): its number, date and body."""

    number: Text = Field(description="e.g. 15/QĐ-KTĐ")
    date: Date | None = None
    by: Text = Field(description="The body that issued it")
    title: Text | None = None


class ScoreItem(Record):
    """A criterion (tiêu chí), a bonus item (điểm thưởng) or a penalty item (điểm trừ), and the
    most points it may give or take."""

    id: ColumnId
    label: Text
    max: Points


class CriterionGroup(Record):
    """A group of criteria (nhóm tiêu chí) and its maximum points."""

    id: ColumnId
    label: Text
    max: Points | None = Field(None, description="The group's maximum: its criteria's maxima")
    criteria: Annotated[list[ScoreItem], Field(min_length=1)]


class Adjustments(Record):
    """Bonus or penalty items, and the most points they may give or take in all (cap)."""

    cap: Points | None = None
    items: list[ScoreItem] = []


class Quota(Record):
    """The most awards of one type the cluster may propose in a year (a warning past it)."""

    award: Slug
    max: Count
    note: Text | None = None


class Scheme(Record):
    """A scoring scheme (thang điểm, bảng điểm): the criteria and their points, bonus and penalty
    items, the scale, the tie-break order, for the years it applies to."""

    id: Slug
    first_year: YearNumber
    last_year: YearNumber | None = Field(None, description="Last year it applies to; empty: still")
    issued: Issued
    scale: Points = Field(description="The most points the criteria give: 100, 1000, …")
    groups: Annotated[list[CriterionGroup], Field(min_length=1)]
    # none: made without validation (`Adjustments()` would build its validator on import)
    bonus: Adjustments = Adjustments.model_construct()
    penalties: Adjustments = Adjustments.model_construct()
    tie_break: list[ColumnId] = Field(
        [], description="Groups or criteria compared in order when totals are equal; then tied"
    )
    quotas: list[Quota] = []
    note: Text | None = None

    @model_validator(mode="after")
    def _ids(self) -> Self:
        if self.last_year is not None and self.last_year < self.first_year:
            raise ValueError(
                _("last_year {last} is before first_year {first}").format(
                    last=self.last_year, first=self.first_year
                )
            )
        seen: set[str] = set()
        for item_id in [g.id for g in self.groups] + [i.id for i in self.items]:
            if item_id in SHEET_COLUMNS:
                raise ValueError(
                    _("'{id}' is a column of every score sheet; give the item another id").format(
                        id=item_id
                    )
                )
            if item_id in seen:
                raise ValueError(
                    _("the id '{id}' is used twice in the scheme; ids must be unique").format(
                        id=item_id
                    )
                )
            seen.add(item_id)
        for ref in self.tie_break:
            if ref not in seen:
                raise ValueError(
                    _("tie_break names '{id}', which is no group or item of the scheme").format(
                        id=ref
                    )
                )
        return self

    def applies_to(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    @property
    def criteria(self) -> list[ScoreItem]:
        return [c for g in self.groups for c in g.criteria]

    @property
    def items(self) -> list[ScoreItem]:
        """Every column of a score sheet: criteria, bonus items, penalty items."""
        return [*self.criteria, *self.bonus.items, *self.penalties.items]

    def group(self, group_id: str) -> CriterionGroup | None:
        return next((g for g in self.groups if g.id == group_id), None)


class Scoring(Record):
    """scoring.yaml: the cluster's scoring schemes, each for a range of years."""

    schemes: Annotated[list[Scheme], Field(min_length=1)]

    def schemes_for(self, year: int) -> list[Scheme]:
        """The schemes that apply to `year` (check says when that is not exactly one)."""
        return [s for s in self.schemes if s.applies_to(year)]

    def scheme_for(self, year: int) -> Scheme | None:
        found = self.schemes_for(year)
        return found[0] if len(found) == 1 else None


# --- YEAR/ballot.yaml: the vote-count minutes ------------------------------------------------


class Denominator(StrEnum):
    """What a share of votes is a share of: it differs between forms, so it is data."""

    MEMBERS = "members"  # the members entitled to vote
    ISSUED = "issued"  # the ballots issued
    VALID = "valid"  # the valid ballots


class ThresholdRule(StrEnum):
    AT_LEAST = "at-least"  # từ … trở lên
    MORE_THAN = "more-than"  # trên, quá


class Threshold(Record):
    """What a nominee needs: `percent` of `of`, at least or more than."""

    percent: Annotated[
        Decimal,
        Field(ge=0, le=100),
        BeforeValidator(check_number),
        WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100}),
    ]
    of: Denominator
    rule: ThresholdRule = ThresholdRule.AT_LEAST


class BallotCounts(Record):
    """Ballots issued (phát ra), returned (thu về), valid (hợp lệ) and invalid (không hợp lệ)."""

    issued: Count
    returned: Count
    valid: Count
    invalid: Count


class Vote(Record):
    """One nominee's votes on one question: for (đồng ý), against (không đồng ý), abstaining (không
    ý kiến), and whether the count passed it (the conclusion)."""

    member: Slug
    for_: Count = Field(alias="for")
    against: Count
    abstain: Count
    passed: Flag

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Question(Record):
    """One question of the ballot: acclaiming the leading unit, or proposing an award."""

    id: Slug
    subject: Text = Field(description="e.g. Suy tôn đơn vị dẫn đầu Khối")
    leading_unit: Flag = Field(False, description="The question that acclaims the leading unit")
    award: Slug | None = Field(None, description="The award type the question proposes")
    threshold: Threshold | None = Field(None, description="Default: the ballot's threshold")
    nominees: Annotated[list[Vote], Field(min_length=1)]
    conclusion: Text | None = None


class Ballot(Record):
    """YEAR/ballot.yaml: the vote-count minutes (biên bản kiểm phiếu) of the year-end review."""

    year: YearNumber
    title: Text | None = None
    date: Date
    place: Text | None = None
    voters: Count | None = Field(
        None, description="Members entitled to vote (default: the members of the year)"
    )
    present: Count | None = Field(None, description="Members present")
    board: list[Text] = Field([], description="The counting board (ban kiểm phiếu)")
    ballots: BallotCounts
    threshold: Threshold
    questions: Annotated[list[Question], Field(min_length=1)]
    note: Text | None = None


YAML_MODELS: dict[str, type[Record]] = {
    "cluster": Cluster,
    "leadership": Leadership,
    "conference": Conference,
    "pledge": Pledge,
    "scoring": Scoring,
    "ballot": Ballot,
}
