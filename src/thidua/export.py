"""The year's records as tables for a spreadsheet (`thidua export`): plain values, no wording.

`tables()` turns valid records into named tables of typed cells: text, exact numbers (a `Decimal`
keeps the decimals it is shown with), counts, years and dates. `thidua.spreadsheets` writes them as
an Excel workbook (one sheet per table) or as CSV (one table). Nothing here knows a file format.

The tables, by their stable names (`--table NAME`):

- `members`: each member's figure for each indicator, its plan where the indicator has one, and its
  status (estimate, preliminary, imputed, official), one row per member active in the year;
- `cluster`: the cluster figure of each indicator as the report gives it (rounded to the indicator's
  decimals; a figure the report withholds is left empty, and the note says why);
- `awards`: awards by bucket and type, with the split by member where the ledger gives one;
- `decisions`: the awards the cluster itself proposed, with their decisions;
- `leaders`: the chair and deputy of every year up to the one elected at the year's conference;
- `pledges`: who signed the year's pledge and the one signed at its closing conference (the next
  year's), and who has not.

`ranking_table()` is the year-end ranking as one table, for `thidua score --output FILE.xlsx|.csv`:
rank, member, the total of each sheet, reviewed − self, the total ranked on and its sheet, and every
item's points on that sheet.

Headers are the document's words in its language (Vietnamese by default, as the report), not
messages: like the report's templates they are written here, per language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from thidua.decimals import round_to
from thidua.figures import AwardCount, AwardRow, Bucket, Figure
from thidua.findings import Refused
from thidua.i18n import N_, _
from thidua.models import FIRST_YEAR, Aggregate, Cluster
from thidua.repository import Records
from thidua.scoring import LAYERS, Ranking

if TYPE_CHECKING:
    from thidua.report import Unit

Cell = str | int | Decimal | date | None


class Kind(StrEnum):
    """What a column holds, which decides how a spreadsheet shows it."""

    TEXT = "text"
    NUMBER = "number"  # a Decimal, shown with its own decimals
    COUNT = "count"  # a whole number, with thousands separators
    YEAR = "year"  # a whole number, without them
    DATE = "date"


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    kind: Kind = Kind.TEXT


@dataclass(slots=True)
class Table:
    """One table: `name` is stable (`--table NAME`); `title` is the sheet's name in the
    document's language."""

    name: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)


class ExportError(Refused):
    """An export that cannot be done; the message says why."""


TABLES = {
    "members": N_("each member's figures, plans and statuses"),
    "cluster": N_("the cluster figures"),
    "awards": N_("awards by type and member"),
    "decisions": N_("the cluster's own award proposals and decisions"),
    "leaders": N_("the chairs and deputies"),
    "pledges": N_("the pledge signatures"),
}

# The document's words. {group} is the cluster's word for itself: Cụm or Khối.
WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "members": "Số liệu các thành viên",
        "cluster": "Số liệu chung của {group}",
        "awards": "Khen thưởng",
        "decisions": "{group} đề nghị khen thưởng",
        "leaders": "{group} trưởng, {group} phó",
        "pledges": "Ký giao ước thi đua",
        "member": "Thành viên",
        "code": "Mã",
        "status": "tình trạng",
        "indicator": "Chỉ tiêu",
        "unit": "Đơn vị tính",
        "aggregate": "Cách tính",
        "value": "Số liệu của {group}",
        "low": "Thấp nhất",
        "high": "Cao nhất",
        "plan_total": "Kế hoạch",
        "plan_ratio": "Tỷ lệ so với kế hoạch (%)",
        "national": "Cả nước",
        "previous": "Năm {year}",
        "reported": "Số thành viên có số liệu",
        "expected": "Số thành viên",
        "statuses": "Tình trạng số liệu",
        "note": "Ghi chú",
        "bucket": "Nhóm",
        "award": "Hình thức khen thưởng",
        "total": "Tổng số",
        "collective": "Tập thể",
        "individual": "Cá nhân",
        "unassigned": "Không chia theo thành viên",
        "count": "Số lượng",
        "recipient_kind": "Đối tượng",
        "decision_status": "Trạng thái",
        "decision_number": "Số quyết định",
        "decision_date": "Ngày quyết định",
        "issuer": "Cơ quan quyết định",
        "year": "Năm",
        "chair": "{group} trưởng",
        "deputy": "{group} phó",
        "how": "Hình thức bầu",
        "handover_from": "Bàn giao từ",
        "handover_date": "Ngày bàn giao",
        "handover_place": "Nơi bàn giao",
        "pledge_year": "Giao ước năm",
        "signed": "Đã ký",
        "signer": "Người ký",
        "title": "Chức vụ",
        "signed_on": "Ngày ký",
        "yes": "đã ký",
        "no": "chưa ký",
        "withheld": "chưa đủ số liệu để tổng hợp; chưa có số liệu của {names}",
        "partial": "tính trên {reported}/{expected} thành viên; chưa có số liệu của {names}",
        "no_figure": "chưa có số liệu",
        "estimate": "ước tính",
        "preliminary": "sơ bộ",
        "official": "chính thức",
        "imputed": "suy ra",
        "sum": "tổng",
        "mean": "bình quân",
        "weighted_mean": "bình quân gia quyền",
        "min": "thấp nhất",
        "max": "cao nhất",
        "range": "từ … đến …",
        "share": "tỷ lệ",
        "bucket_member": "các thành viên được khen thưởng",
        "bucket_cluster": "{group} đề nghị, đã có quyết định",
        "bucket_chair": "{group} trưởng tặng",
        "bucket_proposed": "đang đề nghị",
        "decided": "đã có quyết định",
        "proposed": "đề nghị",
    },
    "en": {
        "members": "Members' figures",
        "cluster": "Cluster figures",
        "awards": "Awards",
        "decisions": "Cluster's award proposals",
        "leaders": "Chairs and deputies",
        "pledges": "Pledge signatures",
        "member": "Member",
        "code": "Code",
        "status": "status",
        "plan": "plan",
        "indicator": "Indicator",
        "unit": "Unit",
        "aggregate": "Computed as",
        "value": "Cluster figure",
        "low": "Lowest",
        "high": "Highest",
        "plan_total": "Plan",
        "plan_ratio": "Share of the plan (%)",
        "national": "National",
        "previous": "{year}",
        "reported": "Members with a figure",
        "expected": "Members",
        "statuses": "Status of the figures",
        "note": "Note",
        "bucket": "Group",
        "award": "Award",
        "total": "Total",
        "collective": "Collectives",
        "individual": "Individuals",
        "unassigned": "Not split by member",
        "count": "Count",
        "recipient_kind": "Recipient",
        "decision_status": "Status",
        "decision_number": "Decision number",
        "decision_date": "Decision date",
        "issuer": "Issued by",
        "year": "Year",
        "chair": "Chair",
        "deputy": "Deputy",
        "how": "How chosen",
        "handover_from": "Handed over by",
        "handover_date": "Handover date",
        "handover_place": "Handover place",
        "pledge_year": "Pledge of",
        "signed": "Signed",
        "signer": "Signer",
        "title": "Title",
        "signed_on": "Date signed",
        "yes": "signed",
        "no": "not signed",
        "withheld": "too few figures to sum up; none from {names}",
        "partial": "over {reported}/{expected} members; none from {names}",
        "no_figure": "no figure",
        "estimate": "estimate",
        "preliminary": "preliminary",
        "official": "official",
        "imputed": "imputed",
        "sum": "sum",
        "mean": "mean",
        "weighted_mean": "weighted mean",
        "min": "lowest",
        "max": "highest",
        "range": "from … to …",
        "share": "share",
        "bucket_member": "received by members",
        "bucket_cluster": "proposed by the cluster, decided",
        "bucket_chair": "given by the chair",
        "bucket_proposed": "proposed",
        "decided": "decided",
        "proposed": "proposed",
    },
}


SUFFIXES = {".xlsx": "xlsx", ".csv": "csv"}


def output_kind(path: Path) -> str:
    """'xlsx' or 'csv', from the name of the file to write; any other name is refused."""
    suffix = Path(path.name.rstrip(". ")).suffix.lower()  # Windows drops trailing dots and spaces
    if suffix not in SUFFIXES:
        raise ExportError(
            _(
                "{path}: thidua export writes an Excel workbook (.xlsx) or a CSV file (.csv);"
                " give a name that ends in one of them"
            ).format(path=path)
        )
    return SUFFIXES[suffix]


def choose(name: str | None, csv: bool) -> str | None:
    """The table asked for by `--table`, checked; a CSV holds one table, so it must name one."""
    if name is None:
        if csv:
            raise ExportError(
                _("a CSV file holds one table: add --table with one of: {tables}").format(
                    tables=described()
                )
            )
        return None
    if name not in TABLES:
        raise ExportError(
            _("there is no table '{name}'; the tables are: {tables}").format(
                name=name, tables=described()
            )
        )
    return name


def described() -> str:
    """'members (each member's figures), cluster (…), …', for a message or --help."""
    return ", ".join(f"{name} ({_(what)})" for name, what in TABLES.items())


def export_records(root: Path, year: int) -> Records:
    """The records an export of `year` needs, checked: every year up to the next one (for the
    leadership history, the next chair and pledge) and only `year`'s award ledger, counted as it
    is read. Raises `thidua.inspection.InvalidRecords` when they have errors."""
    from thidua.figures import AwardTally
    from thidua.inspection import valid_records

    return valid_records(
        root,
        years=range(FIRST_YEAR, year + 2),
        ledgers={year},
        consumers=[AwardTally()],
    )


def tables(records: Records, year: int, lang: str = "vi") -> list[Table]:
    """Every table of `year` (see the module's docstring), headed in `lang` ('vi' or 'en').
    Refuses a year without a folder as the report does."""
    from thidua.report import build

    summary = build(records, year)
    group = records.cluster.group_word  # only the Vietnamese words name it
    words = {k: v.replace("{group}", group) for k, v in WORDS[lang].items()}
    return [
        _members(summary.figures, summary.members, words, lang),
        _cluster(summary.figures, year, words, lang),
        _awards(summary.awards.buckets(), summary.members, words, lang),
        _decisions(summary.awards.cluster_rows, records.cluster, year, words, lang),
        _leaders(records, year, words),
        _pledges(records, year, words),
    ]


def _label(figure: Figure, lang: str) -> tuple[str, str]:
    ind = figure.indicator
    if lang == "en":
        return ind.label_en or ind.label, ind.unit_en or ind.unit
    return ind.label, ind.unit


def _members(figures: list[Figure], members: list[Unit], words: dict[str, str], lang: str) -> Table:
    # a plan column where the indicator has a plan, a status column where a figure has a status
    with_status = [any(m.status for m in f.members) for f in figures]
    columns = [Column(words["member"]), Column(words["code"])]
    for f, status in zip(figures, with_status, strict=True):
        label, unit = _label(f, lang)
        columns.append(Column(f"{label} ({unit})", Kind.NUMBER))
        if f.indicator.plan is not None:
            plan = f.indicator.plan if lang == "vi" else f.indicator.plan_en or words["plan"]
            columns.append(Column(f"{label}: {plan}", Kind.NUMBER))
        if status:
            columns.append(Column(f"{label}: {words['status']}"))
    table = Table("members", words["members"], columns)
    values = [{m.member: m for m in f.members} for f in figures]
    for member in members:
        row: list[Cell] = [member.name, member.code]
        for f, by_member, status in zip(figures, values, with_status, strict=True):
            m = by_member.get(member.id)
            value = m.value if m is not None else None
            if value is not None and f.indicator.aggregate is Aggregate.SHARE:
                value = round_to(value, f.indicator.decimals)  # computed: as the report shows it
            row.append(value)
            if f.indicator.plan is not None:
                row.append(m.plan if m is not None else None)
            if status:
                row.append(words.get(m.status, m.status) if m and m.status else None)
        table.rows.append(row)
    return table


def _cluster(figures: list[Figure], year: int, words: dict[str, str], lang: str) -> Table:
    columns = [
        Column(words["indicator"]),
        Column(words["unit"]),
        Column(words["aggregate"]),
        Column(words["value"], Kind.NUMBER),
        Column(words["low"], Kind.NUMBER),
        Column(words["high"], Kind.NUMBER),
        Column(words["plan_total"], Kind.NUMBER),
        Column(words["plan_ratio"], Kind.NUMBER),
        Column(words["national"], Kind.NUMBER),
        Column(words["previous"].format(year=year - 1), Kind.NUMBER),
        Column(words["reported"], Kind.COUNT),
        Column(words["expected"], Kind.COUNT),
        Column(words["statuses"]),
        Column(words["note"]),
    ]
    table = Table("cluster", words["cluster"], columns)
    for f in figures:
        label, unit = _label(f, lang)
        dec = f.indicator.decimals
        names = ", ".join(m.name for m in f.members if m.member in set(f.missing))
        note: str | None = None
        if f.withheld:
            note = words["withheld"].format(names=names)
        elif f.partial:
            note = words["partial"].format(
                reported=len(f.used), expected=len(f.members), names=names
            )
        elif f.value is None and f.low is None:
            note = words["no_figure"]
        shown = None if f.withheld else f.rounded
        table.rows.append(
            [
                label,
                unit,
                words[str(f.indicator.aggregate)],
                shown,
                None if f.withheld else f.low,
                None if f.withheld else f.high,
                f.plan,
                round_to(f.plan_ratio, 1) if f.plan_ratio is not None else None,
                f.national,
                round_to(f.previous, dec) if f.previous is not None else None,
                len(f.used),
                len(f.members),
                ", ".join(words[s] for s in f.statuses) or None,
                note,
            ]
        )
    return table


def _awards(
    buckets: dict[Bucket, list[AwardCount]], members: list[Unit], words: dict[str, str], lang: str
) -> Table:
    columns = [
        Column(words["bucket"]),
        Column(words["award"]),
        Column(words["total"], Kind.COUNT),
        Column(words["collective"], Kind.COUNT),
        Column(words["individual"], Kind.COUNT),
        *(Column(u.name, Kind.COUNT) for u in members),
        Column(words["unassigned"], Kind.COUNT),
    ]
    table = Table("awards", words["awards"], columns)
    for bucket, counts in buckets.items():
        for c in counts:
            title = (c.title_en if lang == "en" else None) or c.title
            split = [c.members.get(u.id) for u in members]
            # a member that is not active this year (an error `check` reports) is not lost
            unassigned = c.total - sum(n for n in split if n)
            table.rows.append(
                [
                    words[f"bucket_{bucket}"],
                    title,
                    c.total,
                    c.collective or None,
                    c.individual or None,
                    *split,
                    unassigned or None,
                ]
            )
    return table


def _decisions(
    rows: list[AwardRow], cluster: Cluster, year: int, words: dict[str, str], lang: str
) -> Table:
    columns = [
        Column(words["member"]),
        Column(words["award"]),
        Column(words["count"], Kind.COUNT),
        Column(words["recipient_kind"]),
        Column(words["decision_status"]),
        Column(words["decision_number"]),
        Column(words["decision_date"], Kind.DATE),
        Column(words["issuer"]),
    ]
    table = Table("decisions", words["decisions"], columns)
    types = {t.id: t for t in cluster.award_types}
    for r in rows:
        member = cluster.member(r.member)
        kind = types.get(r.award)
        title = kind.title if kind else r.award
        if lang == "en" and kind and kind.title_en:
            title = kind.title_en
        table.rows.append(
            [
                member.name_in(year) if member is not None else r.member,
                title,
                r.count,
                words.get(r.recipient_kind, r.recipient_kind) if r.recipient_kind else None,
                words.get(r.status, r.status),
                r.decision_number,
                r.decision_date,
                r.issuer,
            ]
        )
    return table


def _leaders(records: Records, year: int, words: dict[str, str]) -> Table:
    from thidua.rotation import history

    columns = [
        Column(words["year"], Kind.YEAR),
        Column(words["chair"]),
        Column(words["deputy"]),
        Column(words["how"]),
        Column(words["handover_from"]),
        Column(words["handover_date"], Kind.DATE),
        Column(words["handover_place"]),
    ]
    table = Table("leaders", words["leaders"], columns)
    for term in history(records):
        if term.year > year + 1:
            continue
        table.rows.append(
            [
                term.year,
                term.chair,
                term.deputy,
                term.how,
                term.handover_from,
                term.handover_date,
                term.handover_place,
            ]
        )
    return table


def _pledges(records: Records, year: int, words: dict[str, str]) -> Table:
    from thidua.pledges import state

    columns = [
        Column(words["pledge_year"], Kind.YEAR),
        Column(words["member"]),
        Column(words["signed"]),
        Column(words["signer"]),
        Column(words["title"]),
        Column(words["signed_on"], Kind.DATE),
    ]
    table = Table("pledges", words["pledges"], columns)
    for pledge_year in (year, year + 1):
        record = records.years.get(pledge_year)
        if record is None or record.pledge is None:
            continue
        current = state(records, pledge_year)
        for member, sig in current.signed:
            name = member.name_in(pledge_year)
            table.rows.append([pledge_year, name, words["yes"], sig.signer, sig.title, sig.date])
        for member in current.unsigned:
            table.rows.append(
                [pledge_year, member.name_in(pledge_year), words["no"], None, None, None]
            )
    return table


# --- the ranking (thidua score) ------------------------------------------------------------


# The ranking table's words, per language: a document's words, like the report's templates.
RANKING_WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Xếp hạng {year}",
        "rank": "Hạng",
        "tied": "Đồng hạng",
        "tied_yes": "đồng hạng",
        "member": "Mã",
        "name": "Thành viên",
        "self": "Tự chấm",
        "reviewed": "Chấm lại",
        "adopted": "Thông qua",
        "difference": "Chấm lại − tự chấm",
        "total": "Điểm xếp hạng",
        "layer": "Lớp điểm xếp hạng",
        "unscored": "chưa chấm điểm",
    },
    "en": {
        "title": "Ranking {year}",
        "rank": "Rank",
        "tied": "Tied",
        "tied_yes": "tied",
        "member": "Code",
        "name": "Member",
        "self": "Self",
        "reviewed": "Reviewed",
        "adopted": "Adopted",
        "difference": "Reviewed − self",
        "total": "Ranked on",
        "layer": "Layer ranked on",
        "unscored": "not scored",
    },
}


def ranking_table(records: Records, r: Ranking, lang: str = "vi") -> Table:
    """The ranking as a table for a spreadsheet (`thidua score --output FILE.xlsx|.csv`): rank,
    member, the total of each sheet, reviewed − self, the total ranked on and its sheet, then
    the points of every item of the scheme on that sheet; numbers as numbers. Members active in
    the year but not scored follow, with no rank."""
    words = RANKING_WORDS.get(lang, RANKING_WORDS["vi"])
    items = r.scheme.items
    columns = [
        Column(words["rank"], Kind.COUNT),
        Column(words["tied"]),
        Column(words["member"]),
        Column(words["name"]),
        *(Column(words[str(layer)], Kind.NUMBER) for layer in LAYERS),
        Column(words["difference"], Kind.NUMBER),
        Column(words["total"], Kind.NUMBER),
        Column(words["layer"]),
        *(Column(f"{item.id}. {item.label}", Kind.NUMBER) for item in items),
    ]
    table = Table("ranking", words["title"].format(year=r.year), columns)
    for s in r.standings:
        table.rows.append(
            [
                s.rank,
                words["tied_yes"] if s.tied else None,
                s.member,
                s.name,
                *(s.total_of(layer) for layer in LAYERS),
                s.difference,
                s.total,
                words[str(s.layer)],
                *(s.used.points.get(item.id) for item in items),
            ]
        )
    names = {m.id: m.name_in(r.year) for m in records.cluster.members}
    for member in r.unscored:
        row: list[Cell] = [None, None, member, names.get(member, member)]
        row += [None] * (len(columns) - len(row))
        row[len(columns) - len(items) - 1] = words["unscored"]
        table.rows.append(row)
    return table
