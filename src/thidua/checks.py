"""The rules across files. Each rule is a small function, registered where it is defined by one of
three decorators, one per shape:

- `@repository_check(...)`: `(context) -> findings`, once per repository (cluster.yaml's own rules);
- `@year_check(...)`: `(context, year) -> findings`, once per year folder read;
- `@ledger_check(...)`: `(cluster, year) -> (table, batch) -> findings`, on the award ledger as it
  streams past the loader a batch at a time (a ledger may hold a million rows).

Each decorator names the catalogue codes the rule reports; the rule's docstring says what it checks.
A record that failed validation is absent, and the rules skip it: its own findings say what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from thidua.catalogue import (
    AWARD_DECISION,
    AWARD_DECISION_MISSING,
    AWARD_RECIPIENT,
    AWARD_TYPE_UNKNOWN,
    BALLOT_ARITHMETIC,
    BALLOT_CONCLUSION,
    BALLOT_OVER_ISSUED,
    BALLOT_OVER_PRESENT,
    BALLOT_VOTES,
    BASIS_MISMATCH,
    FIGURE_INCOMPLETE,
    FIGURE_UNDEFINED,
    FIGURE_UNDEFINED_WEIGHTS,
    FIGURE_UNDEFINED_WHOLES,
    HANDOVER_MISMATCH,
    ID_DUPLICATE,
    INDICATOR_COLUMN_MISSING,
    INDICATOR_REF,
    INDICATOR_ROW_DUPLICATE,
    INDICATOR_ROW_MISSING,
    LEADERSHIP_SAME,
    LEADING_UNIT_NOT_FIRST,
    MEMBER_INACTIVE,
    MEMBER_UNKNOWN,
    PART_OVER_WHOLE,
    PLAN_INCOMPLETE,
    PLAN_ZERO,
    PLEDGE_UNSIGNED,
    PROPOSAL_CUT_RECORDED,
    PROPOSAL_LEDGER,
    PROPOSAL_MISMATCH,
    PROPOSAL_OVER_QUOTA,
    PROPOSAL_UNKNOWN,
    SCHEME_GROUP_TOTAL,
    SCHEME_ITEM_UNKNOWN,
    SCHEME_SCALE_TOTAL,
    SCHEME_YEARS,
    SCHEME_YEARS_TWICE,
    SCORE_CELL_MISSING,
    SCORE_MISSING,
    SCORE_NEGATIVE,
    SCORE_OVER_CAP,
    SCORE_OVER_MAX,
    SCORE_TOTAL,
    SIGNATURE_DATE,
    SIGNATURE_DUPLICATE,
    VALUE_INVALID,
    VALUE_OUT_OF_BOUNDS,
    WEIGHT_MISSING,
    Code,
)
from thidua.figures import Figure, MemberValue, figure_of
from thidua.findings import Finding, Position
from thidua.i18n import N_, _
from thidua.models import Aggregate, Ballot, Cluster, Denominator, Indicator, MissingPolicy, Scheme
from thidua.names import did_you_mean, fold, meant, odd_note, suggest
from thidua.repository import LedgerPass, Records, YearRecords
from thidua.scoring import ZERO, base_of, passes, ranking, scored, share
from thidua.tables import Batch, Row, Table


@dataclass(frozen=True, slots=True)
class Context:
    """What every rule may look at: the records, and the day that decides what is past."""

    records: Records
    today: date

    @property
    def cluster(self) -> Cluster:
        return self.records.cluster


RepositoryCheck = Callable[[Context], Iterable[Finding]]
YearCheck = Callable[[Context, YearRecords], Iterable[Finding]]
BatchCheck = Callable[[Table, Batch], Iterable[Finding]]
LedgerCheck = Callable[[Cluster, int], BatchCheck]
C = TypeVar("C", RepositoryCheck, YearCheck, LedgerCheck)


@dataclass(frozen=True, slots=True)
class Rule(Generic[C]):
    """A registered check: its function and the codes it reports."""

    function: C
    codes: tuple[Code, ...]

    @property
    def name(self) -> str:
        return getattr(self.function, "__name__", repr(self.function))

    @property
    def doc(self) -> str:
        return (self.function.__doc__ or "").strip()


REPOSITORY_RULES: list[Rule[RepositoryCheck]] = []
YEAR_RULES: list[Rule[YearCheck]] = []
LEDGER_RULES: list[Rule[LedgerCheck]] = []


def repository_check(*codes: Code) -> Callable[[RepositoryCheck], RepositoryCheck]:
    """Register a rule run once on the whole repository."""

    def register(function: RepositoryCheck) -> RepositoryCheck:
        REPOSITORY_RULES.append(Rule(function, codes))
        return function

    return register


def year_check(*codes: Code) -> Callable[[YearCheck], YearCheck]:
    """Register a rule run once on each year folder."""

    def register(function: YearCheck) -> YearCheck:
        YEAR_RULES.append(Rule(function, codes))
        return function

    return register


def ledger_check(*codes: Code) -> Callable[[LedgerCheck], LedgerCheck]:
    """Register a rule run on each batch of each award ledger read."""

    def register(function: LedgerCheck) -> LedgerCheck:
        LEDGER_RULES.append(Rule(function, codes))
        return function

    return register


def rules() -> list[Rule[Any]]:
    """Every registered rule, of every shape."""
    return [*REPOSITORY_RULES, *YEAR_RULES, *LEDGER_RULES]


def run(records: Records, today: date) -> Iterator[Finding]:
    """Every repository and year rule on the records (ledger rules run while they are read, by
    `LedgerChecks`)."""
    context = Context(records, today)
    for repository_rule in REPOSITORY_RULES:
        yield from repository_rule.function(context)
    for year in records.years.values():
        for year_rule in YEAR_RULES:
            yield from year_rule.function(context, year)


class LedgerChecks:
    """The ledger rules as a consumer of the loader: each ledger batch goes through every rule."""

    name = "checks"

    def start(self, cluster: Cluster, year: int, table: Table) -> LedgerPass:
        return _LedgerPass(table, [rule.function(cluster, year) for rule in LEDGER_RULES])


@dataclass(slots=True)
class _LedgerPass:
    table: Table
    checks: list[BatchCheck]

    def feed(self, batch: Batch) -> Iterable[Finding]:
        for check in self.checks:
            yield from check(self.table, batch)

    def finish(self) -> None:
        return None


def member_problems(
    cluster: Cluster, member_id: str, year: int | None, pos: Position, role: str
) -> Iterator[Finding]:
    """member-unknown, member-inactive: an id names a member, active in `year` (if given)."""
    member = cluster.member(member_id)
    if member is None:
        hint = did_you_mean(member_id, cluster.members_by_id)
        yield MEMBER_UNKNOWN.at(pos, role=role, id=member_id, hint=hint)
    elif year is not None and not member.active_in(year):
        span = f"{member.first_year or '…'}–{member.last_year or '…'}"
        yield MEMBER_INACTIVE.at(pos, role=role, id=member_id, year=year, span=span)


# --- cluster.yaml ----------------------------------------------------------------------------


@repository_check(ID_DUPLICATE)
def check_cluster_ids(context: Context) -> Iterator[Finding]:
    """Member, indicator and award type ids are each unique."""
    records = context.records
    cluster = records.cluster
    groups: tuple[tuple[str, list[Any]], ...] = (
        ("members", cluster.members),
        ("indicators", cluster.indicators),
        ("award_types", cluster.award_types),
    )
    for name, items in groups:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in seen:
                first = records.cluster_pos(name, seen[item.id], "id").line
                yield ID_DUPLICATE.at(
                    records.cluster_pos(name, i, "id"), id=item.id, field=name, first=first
                )
            else:
                seen[item.id] = i


@repository_check(MEMBER_UNKNOWN, INDICATOR_REF, VALUE_INVALID)
def check_cluster_references(context: Context) -> Iterator[Finding]:
    """What cluster.yaml names inside itself exists: the members that members became, the
    members of the rotation order, the indicators that weigh or make up another."""
    records = context.records
    cluster = records.cluster
    for i, member in enumerate(cluster.members):
        if member.became and member.became.member:
            pos = records.cluster_pos("members", i, "became", "member")
            yield from member_problems(cluster, member.became.member, None, pos, "became")
            chain = _successors(cluster, member.id)
            if chain[-1] in chain[:-1]:  # a member that becomes itself, at once or in a round
                problem = _("'{id}' becomes itself again: {chain}").format(
                    id=member.id, chain=" → ".join(chain)
                )
                yield VALUE_INVALID.at(pos, where=f"members[{i}].became.member", problem=problem)
    if cluster.rotation:
        for i, member_id in enumerate(cluster.rotation.order):
            pos = records.cluster_pos("rotation", "order", i)
            yield from member_problems(cluster, member_id, None, pos, "order")
    columns = {ind.id for ind in cluster.indicators if ind.is_column}
    for i, ind in enumerate(cluster.indicators):
        refs = (
            ("weight", ind.weight),
            ("numerator", ind.numerator),
            ("denominator", ind.denominator),
        )
        for field, ref in refs:
            if ref is not None and ref not in columns:
                yield INDICATOR_REF.at(
                    records.cluster_pos("indicators", i, field),
                    field=field,
                    ref=ref,
                    hint=did_you_mean(ref, columns),
                )


def _successors(cluster: Cluster, member_id: str) -> list[str]:
    """The chain of what a member became, ending at one that became nothing or at a repetition."""
    chain = [member_id]
    member = cluster.member(member_id)
    while member is not None and member.became and member.became.member:
        chain.append(member.became.member)
        if member.became.member in chain[:-1]:
            break
        member = cluster.member(member.became.member)
    return chain


# --- leadership, conference, pledge ----------------------------------------------------------


@year_check(MEMBER_UNKNOWN, MEMBER_INACTIVE, LEADERSHIP_SAME, HANDOVER_MISMATCH)
def check_leadership(context: Context, year: YearRecords) -> Iterator[Finding]:
    """The chair and deputy are different members active that year; the handover comes from the
    previous year's chair."""
    if year.leadership is None:
        return
    cluster = context.cluster
    lead = year.leadership
    model = lead.model
    yield from member_problems(cluster, model.chair, year.year, lead.pos("chair"), "chair")
    if model.deputy is not None:
        yield from member_problems(cluster, model.deputy, year.year, lead.pos("deputy"), "deputy")
        if model.deputy == model.chair:
            yield LEADERSHIP_SAME.at(lead.pos("deputy"), id=model.chair)
    if model.handover is not None:
        given = model.handover.from_
        pos = lead.pos("handover", "from")
        yield from member_problems(cluster, given, None, pos, "handover from")
        before = context.records.years.get(year.year - 1)
        if before and before.leadership and before.leadership.model.chair != given:
            chair = before.leadership.model.chair
            yield HANDOVER_MISMATCH.at(pos, given=given, previous=year.year - 1, chair=chair)


@year_check(MEMBER_UNKNOWN, MEMBER_INACTIVE)
def check_conference(context: Context, year: YearRecords) -> Iterator[Finding]:
    """The host and the leading unit are members that year."""
    if year.conference is None:
        return
    conf = year.conference
    for role, member_id in (("host", conf.model.host), ("leading_unit", conf.model.leading_unit)):
        if member_id:
            yield from member_problems(context.cluster, member_id, year.year, conf.pos(role), role)


@year_check(MEMBER_UNKNOWN, MEMBER_INACTIVE, SIGNATURE_DUPLICATE, SIGNATURE_DATE, PLEDGE_UNSIGNED)
def check_pledge(context: Context, year: YearRecords) -> Iterator[Finding]:
    """Only active members sign, once each, inside the pledge's year; a past year's pledge that an
    active member never signed is a warning."""
    if year.pledge is None:
        return
    pledge = year.pledge
    first_line: dict[str, int] = {}
    for i, sig in enumerate(pledge.model.signatures):
        pos = pledge.pos("signatures", i, "member")
        yield from member_problems(context.cluster, sig.member, year.year, pos, "signature of")
        if sig.member in first_line:
            yield SIGNATURE_DUPLICATE.at(pos, id=sig.member, first=first_line[sig.member])
        first_line.setdefault(sig.member, pos.line)
        if sig.date.year != year.year:
            yield SIGNATURE_DATE.at(
                pledge.pos("signatures", i, "date"), date=sig.date.isoformat(), year=year.year
            )
    if year.year < context.today.year:
        missing = [m.id for m in context.cluster.active(year.year) if m.id not in first_line]
        if missing:
            yield PLEDGE_UNSIGNED.at(
                pledge.pos("signatures"), year=year.year, members=", ".join(missing)
            )


# --- indicators.csv --------------------------------------------------------------------------


@year_check(MEMBER_UNKNOWN, MEMBER_INACTIVE, INDICATOR_ROW_DUPLICATE, INDICATOR_ROW_MISSING)
def check_indicator_members(context: Context, year: YearRecords) -> Iterator[Finding]:
    """Each row names a member active that year, once; every member active that year has a row."""
    table, rows = year.indicator_table, year.indicators
    if table is None or rows is None:
        return
    yield from _one_row_per_member(context, year.year, table, rows, INDICATOR_ROW_MISSING)


def _one_row_per_member(
    context: Context, year: int, table: Table, rows: list[Row], missing: Code
) -> Iterator[Finding]:
    """A sheet with a row for each member of `year`: each row names a member active that year,
    once; a member active that year without a row is `missing`."""
    seen: dict[str, int] = {}
    for row in rows:
        member_id = row.values.get("member")
        if member_id is None:
            continue
        pos = table.position(row, "member")
        yield from member_problems(context.cluster, member_id, year, pos, "member")
        if member_id in seen:
            yield INDICATOR_ROW_DUPLICATE.at(pos, id=member_id, first=seen[member_id])
        seen.setdefault(member_id, row.line)
    for member in context.cluster.active(year):
        if member.id not in seen:
            yield missing.at(Position(table.file.rel), id=member.id, year=year)


@year_check(INDICATOR_COLUMN_MISSING)
def check_indicator_columns(context: Context, year: YearRecords) -> Iterator[Finding]:
    """Every indicator that members report has a column."""
    table = year.indicator_table
    if table is None:
        return
    for ind in context.cluster.indicators:
        if ind.is_column and ind.id not in table.index:
            yield INDICATOR_COLUMN_MISSING.at(Position(table.file.rel), id=ind.id, label=ind.label)


@year_check(VALUE_OUT_OF_BOUNDS)
def check_indicator_bounds(context: Context, year: YearRecords) -> Iterator[Finding]:
    """Each figure lies inside its indicator's plausible bounds; a share's part lies between 0 and
    its whole."""
    table, rows = year.indicator_table, year.indicators
    if table is None or rows is None:
        return
    cluster = context.cluster
    bounded = [
        ind for ind in cluster.indicators if ind.is_column and (ind.min, ind.max) != (None, None)
    ]
    shares = [ind for ind in cluster.indicators if ind.aggregate is Aggregate.SHARE]
    for row in rows:
        for ind in bounded:
            value = row.values.get(ind.id)
            if value is None:
                continue
            if (ind.min is not None and value < ind.min) or (
                ind.max is not None and value > ind.max
            ):
                yield VALUE_OUT_OF_BOUNDS.at(
                    table.position(row, ind.id),
                    id=ind.id,
                    value=value,
                    low=_bound(ind.min),
                    high=_bound(ind.max),
                    unit=ind.unit,
                )
        for ind in shares:
            numerator, denominator = ind.numerator or "", ind.denominator or ""
            part, whole = row.values.get(numerator), row.values.get(denominator)
            if part is not None and whole is not None and not 0 <= part <= whole:
                yield PART_OVER_WHOLE.at(
                    table.position(row, numerator),
                    part_id=numerator,
                    part=part,
                    whole_id=denominator,
                    whole=whole,
                )


@year_check(
    FIGURE_INCOMPLETE, FIGURE_UNDEFINED, PLAN_INCOMPLETE, PLAN_ZERO, WEIGHT_MISSING, BASIS_MISMATCH
)
def check_indicator_figures(context: Context, year: YearRecords) -> Iterator[Finding]:
    """What the report's figures rely on: every active member has a figure (unless the indicator
    says `missing: ignore`), a weighted figure has its weight, a plan is given for every member or
    none and is not 0, and every figure is on the indicator's basis."""
    table, rows = year.indicator_table, year.indicators
    if table is None or rows is None:
        return
    cluster = context.cluster
    active = cluster.active(year.year)
    row_of = {row.values.get("member"): row for row in rows}
    for ind in cluster.indicators:
        column = ind.numerator if ind.aggregate is Aggregate.SHARE else ind.id
        if column is None or column not in table.index:
            continue  # indicator-column-missing says so
        fig = figure_of(year, ind, active)
        weight = ind.weight or ""
        without_weight = [  # an unreadable weight has its own finding
            m
            for m in fig.reported
            if ind.weight and m.weight is None and not table.raw(row_of[m.member], weight)
        ]
        for m in without_weight:
            yield WEIGHT_MISSING.at(
                table.position(row_of[m.member], weight), member=m.member, id=ind.id, weight=weight
            )
        yield from _undefined(table, ind, column, rows, fig)
        absent = [m.member for m in fig.members if _empty(table, row_of.get(m.member), ind)]
        if absent and ind.missing is not MissingPolicy.IGNORE:
            outcome = (
                _("is left out of the report")
                if ind.missing is MissingPolicy.REFUSE
                else _("is given with a note that it is partial")
            )
            yield FIGURE_INCOMPLETE.at(
                table.header_position(column),
                id=ind.id,
                missing=", ".join(absent),
                coverage=f"{len(fig.reported)}/{len(fig.members)}",
                outcome=outcome,
            )
        if ind.plan is not None:
            yield from _plan_problems(table, row_of, ind.id, ind.plan, fig.reported)
        if ind.basis is not None:
            for m in fig.reported:
                if m.basis is not None and fold(m.basis) != fold(ind.basis):
                    yield BASIS_MISMATCH.at(
                        table.position(row_of[m.member], f"{ind.id}.basis"),
                        id=ind.id,
                        member=m.member,
                        given=m.basis,
                        basis=ind.basis,
                    )


def _undefined(
    table: Table, ind: Indicator, column: str, rows: list[Row], fig: Figure
) -> Iterator[Finding]:
    """figure-undefined: the members' figures are there but their weights or wholes add up to 0."""
    why = None
    if ind.aggregate is Aggregate.WEIGHTED_MEAN and ind.weight:
        weights = [m.weight for m in fig.reported if m.weight is not None]
        if weights and not sum(weights):
            why = _(FIGURE_UNDEFINED_WEIGHTS).format(weight=ind.weight)
    elif ind.aggregate is Aggregate.SHARE and ind.denominator:
        wholes = [row.values.get(ind.denominator) for row in rows]
        present = [w for w in wholes if w is not None]
        if present and not sum(present):
            why = _(FIGURE_UNDEFINED_WHOLES).format(whole=ind.denominator)
    if why is not None:
        yield FIGURE_UNDEFINED.at(table.header_position(column), id=ind.id, why=why)


def _empty(table: Table, row: Row | None, ind: Indicator) -> bool:
    """Whether a member's row leaves the indicator's figure empty. A missing row, or a cell that
    holds something unreadable, is reported by its own finding, not as a missing figure."""
    if row is None or row.line in table.malformed:
        return False
    columns = [ind.numerator, ind.denominator] if ind.aggregate is Aggregate.SHARE else [ind.id]
    return any(not table.raw(row, column or "") for column in columns)


def _plan_problems(
    table: Table, row_of: dict[Any, Row], ind_id: str, plan: str, reported: list[MemberValue]
) -> Iterator[Finding]:
    """plan-incomplete and plan-zero for one indicator's plan column."""
    column = f"{ind_id}.plan"
    with_plan = [m for m in reported if m.plan is not None]
    without = [m.member for m in reported if m.plan is None]
    if with_plan and without:
        yield PLAN_INCOMPLETE.at(
            table.header_position(column), id=ind_id, plan=plan, members=", ".join(without)
        )
    for m in with_plan:
        if m.plan == 0:
            yield PLAN_ZERO.at(table.position(row_of[m.member], column), id=ind_id, plan=plan)


def _bound(value: object) -> str:
    return "…" if value is None else str(value)


# --- awards.csv ------------------------------------------------------------------------------


@ledger_check(
    MEMBER_UNKNOWN,
    MEMBER_INACTIVE,
    AWARD_TYPE_UNKNOWN,
    AWARD_RECIPIENT,
    AWARD_DECISION,
    AWARD_DECISION_MISSING,
)
def check_award_rows(cluster: Cluster, year: int) -> BatchCheck:
    """Each award names a known type and a member of that year, fits who the type is for, and an
    award of the cluster that is decided says by which decision, dated no earlier than its year.

    A ledger may hold a million rows: each batch is screened with set operations, and only the
    rows that may be wrong are looked at one by one."""
    active = {m.id for m in cluster.active(year)}
    types = {t.id: t for t in cluster.award_types}
    fits = {
        t.id: {"collective", "individual"} if t.recipients == "both" else {str(t.recipients)}
        for t in cluster.award_types
    }
    names = list(types) + [t.title for t in cluster.award_types]
    names += [a for t in cluster.award_types for a in t.aliases]
    by_name = {t.title: t.id for t in cluster.award_types}
    by_name |= {a: t.id for t in cluster.award_types for a in t.aliases}
    first_day = date(year, 1, 1)

    def check(table: Table, batch: Batch) -> list[Finding]:
        """Screen a batch with set operations; look at a row in detail only if it may be wrong."""
        v = batch.values
        absent = [None] * len(batch)
        members, awards, kinds = v.get("member", absent), v["award"], v.get("recipient_kind")
        suspects: set[int] = set()
        if not active.issuperset(filter(None, members)):
            suspects.update(k for k, m in enumerate(members) if m is not None and m not in active)
        if not fits.keys() >= set(awards):
            suspects.update(k for k, a in enumerate(awards) if a not in fits)
        if kinds is not None:
            for award, kind in set(zip(awards, kinds, strict=True)):
                if kind is not None and award in fits and kind not in fits[award]:
                    suspects.update(
                        k
                        for k, pair in enumerate(zip(awards, kinds, strict=True))
                        if pair == (award, kind)
                    )
        dates = v.get("decision_date")
        if dates is not None and min(filter(None, dates), default=first_day) < first_day:
            suspects.update(k for k, d in enumerate(dates) if d is not None and d < first_day)
        scopes = v.get("scope")
        if scopes is not None and "cluster" in scopes:
            suspects.update(k for k, scope in enumerate(scopes) if scope == "cluster")
        found: list[Finding] = []
        for k in sorted(suspects):
            found.extend(problems(table, batch.row(k)))
        return found

    def problems(table: Table, row: Row) -> Iterator[Finding]:
        v = row.values
        member = v.get("member")
        if member is not None and member not in active:
            yield from member_problems(
                cluster, member, year, table.position(row, "member"), "member"
            )
        award = v.get("award")
        kind = v.get("recipient_kind")
        if award is not None and award not in types:
            near = suggest(award, names)
            hint = meant(by_name.get(near, near)) if near else ""
            hint += odd_note(award)
            yield AWARD_TYPE_UNKNOWN.at(table.position(row, "award"), award=award, hint=hint)
        elif award is not None and kind is not None and kind not in fits[award]:
            yield AWARD_RECIPIENT.at(
                table.position(row, "recipient_kind"),
                award=award,
                allowed=types[award].recipients,
                kind=kind,
            )
        if v.get("status") != "proposed":
            decided = v.get("decision_date")
            if (
                decided is None
                and not table.raw(row, "decision_number")
                and v.get("scope") == "cluster"
            ):
                yield AWARD_DECISION_MISSING.at(table.position(row, "status"))
            if decided is not None and decided.year < year:
                yield AWARD_DECISION.at(
                    table.position(row, "decision_date"), date=decided.isoformat(), year=year
                )

    return check


# --- the year-end review: scheme, scores, ballot, proposals ----------------------------------


@repository_check(SCORE_TOTAL, AWARD_TYPE_UNKNOWN)
def check_schemes(context: Context) -> Iterator[Finding]:
    """Each scheme of scoring.yaml adds up: a group's criteria to the group's `max`, the groups to
    the `scale`; its quotas name known award types."""
    loaded = context.records.scoring
    if loaded is None:
        return
    types = {t.id for t in context.cluster.award_types}
    for i, scheme in enumerate(loaded.model.schemes):
        groups = ZERO
        for g, group in enumerate(scheme.groups):
            total = sum((c.max for c in group.criteria), ZERO)
            if group.max is not None and group.max != total:
                pos = loaded.pos("schemes", i, "groups", g, "max")
                yield SCHEME_GROUP_TOTAL.at(pos, group=group.id, total=total, max=group.max)
            groups += total if group.max is None else group.max
        if groups != scheme.scale:
            pos = loaded.pos("schemes", i, "scale")
            yield SCHEME_SCALE_TOTAL.at(pos, scheme=scheme.id, total=groups, scale=scheme.scale)
        for q, quota in enumerate(scheme.quotas):
            if quota.award not in types:
                yield AWARD_TYPE_UNKNOWN.at(
                    loaded.pos("schemes", i, "quotas", q, "award"),
                    award=quota.award,
                    hint=did_you_mean(quota.award, types),
                )


@year_check(SCHEME_YEARS)
def check_scheme_of_year(context: Context, year: YearRecords) -> Iterator[Finding]:
    """A year with score sheets has exactly one scoring scheme."""
    if not year.unscored:
        return
    scoring = context.records.scoring
    found = scoring.model.schemes_for(year.year) if scoring is not None else []
    for rel in year.unscored:
        if len(found) > 1:
            schemes = ", ".join(s.id for s in found)
            yield SCHEME_YEARS_TWICE.at(Position(rel), schemes=schemes, year=year.year)
        else:
            yield SCHEME_YEARS.at(Position(rel), year=year.year)


@year_check(SCHEME_ITEM_UNKNOWN)
def check_pledge_items(context: Context, year: YearRecords) -> Iterator[Finding]:
    """A pledge criterion's `item` is a group or criterion of the year's scheme."""
    if year.pledge is None:
        return
    scheme = context.records.scheme(year.year)
    known = [g.id for g in scheme.groups] + [c.id for c in scheme.criteria] if scheme else []
    for i, criterion in enumerate(year.pledge.model.criteria):
        if criterion.item is not None and criterion.item not in known:
            yield SCHEME_ITEM_UNKNOWN.at(
                year.pledge.pos("criteria", i, "item"),
                item=criterion.item,
                year=year.year,
                hint=did_you_mean(criterion.item, known),
            )


@year_check(MEMBER_UNKNOWN, MEMBER_INACTIVE, INDICATOR_ROW_DUPLICATE, SCORE_MISSING)
def check_score_members(context: Context, year: YearRecords) -> Iterator[Finding]:
    """Each score sheet has one row for each member active that year, and none for another."""
    for sheet in year.scores.values():
        yield from _one_row_per_member(context, year.year, sheet.table, sheet.rows, SCORE_MISSING)


@year_check(SCORE_OVER_MAX, SCORE_MISSING, SCORE_TOTAL)
def check_score_points(context: Context, year: YearRecords) -> Iterator[Finding]:
    """Every criterion is scored, within its maximum; bonus and penalty items keep within theirs
    and within their caps; a sheet's total is its criteria plus bonus less penalties."""
    scheme = context.records.scheme(year.year)
    if scheme is None:
        return
    criteria = {c.id for c in scheme.criteria}
    for layer, sheet in year.scores.items():
        table = sheet.table
        for row in sheet.rows:
            if row.line in table.malformed:
                continue
            for item in scheme.items:
                value = row.values.get(item.id)
                if value is None:
                    if item.id in criteria and not table.raw(row, item.id):
                        yield SCORE_CELL_MISSING.at(table.position(row, item.id), item=item.id)
                elif value < 0:
                    yield SCORE_NEGATIVE.at(table.position(row, item.id), item=item.id, value=value)
                elif value > item.max:
                    yield SCORE_OVER_MAX.at(
                        table.position(row, item.id), item=item.id, value=value, max=item.max
                    )
            score = scored(scheme, layer, row, sheet.file)
            member = row.values.get("member") or "?"
            caps = (
                (_("bonus"), score.bonus, scheme.bonus),
                (_("penalty"), score.penalty, scheme.penalties),
            )
            for what, value, adjustments in caps:
                if adjustments.cap is not None and value > adjustments.cap:
                    first = adjustments.items[0].id if adjustments.items else "member"
                    yield SCORE_OVER_CAP.at(
                        table.position(row, first),
                        what=what,
                        member=member,
                        value=value,
                        cap=adjustments.cap,
                    )
            given = row.values.get("total")
            if given is not None and given != score.total:
                yield SCORE_TOTAL.at(
                    table.position(row, "total"), given=given, computed=score.total
                )


@year_check(
    MEMBER_UNKNOWN, MEMBER_INACTIVE, AWARD_TYPE_UNKNOWN, BALLOT_ARITHMETIC, BALLOT_CONCLUSION
)
def check_ballot(context: Context, year: YearRecords) -> Iterator[Finding]:
    """The minutes add up: valid + invalid ballots = returned ≤ issued, returned ≤ members
    present, each nominee's for + against + abstaining = valid ballots; each conclusion follows
    from the threshold and its denominator; nominees are members of the year, awards known."""
    if year.ballot is None:
        return
    loaded = year.ballot
    ballot: Ballot = loaded.model
    counts = ballot.ballots
    if counts.valid + counts.invalid != counts.returned:
        yield BALLOT_ARITHMETIC.at(
            loaded.pos("ballots", "returned"),
            valid=counts.valid,
            invalid=counts.invalid,
            total=counts.valid + counts.invalid,
            returned=counts.returned,
        )
    if counts.returned > counts.issued:
        yield BALLOT_OVER_ISSUED.at(
            loaded.pos("ballots", "returned"), returned=counts.returned, issued=counts.issued
        )
    if ballot.present is not None and counts.returned > ballot.present:
        yield BALLOT_OVER_PRESENT.at(
            loaded.pos("ballots", "returned"), returned=counts.returned, present=ballot.present
        )
    types = {t.id for t in context.cluster.award_types}
    members = len(context.cluster.active(year.year))
    for q, question in enumerate(ballot.questions):
        if question.award is not None and question.award not in types:
            yield AWARD_TYPE_UNKNOWN.at(
                loaded.pos("questions", q, "award"),
                award=question.award,
                hint=did_you_mean(question.award, types),
            )
        threshold = question.threshold or ballot.threshold
        base = base_of(ballot, threshold, members)
        for n, vote in enumerate(question.nominees):
            pos = loaded.pos("questions", q, "nominees", n, "member")
            yield from member_problems(context.cluster, vote.member, year.year, pos, "nominee")
            total = vote.for_ + vote.against + vote.abstain
            if total != counts.valid:
                yield BALLOT_VOTES.at(
                    loaded.pos("questions", q, "nominees", n, "for"),
                    member=vote.member,
                    yes=vote.for_,
                    no=vote.against,
                    abstain=vote.abstain,
                    total=total,
                    valid=counts.valid,
                )
            expected = passes(vote.for_, base, threshold)
            if vote.passed != expected:
                rule = _("at least") if threshold.rule == "at-least" else _("more than")
                yield BALLOT_CONCLUSION.at(
                    loaded.pos("questions", q, "nominees", n, "passed"),
                    member=vote.member,
                    yes=vote.for_,
                    share=share(vote.for_, base),
                    base=base,
                    of=_(DENOMINATOR_WORDS[threshold.of]),
                    rule=rule,
                    percent=threshold.percent,
                    expected=str(expected).lower(),
                )


DENOMINATOR_WORDS = {
    Denominator.MEMBERS: N_("the members"),
    Denominator.ISSUED: N_("the ballots issued"),
    Denominator.VALID: N_("the valid ballots"),
}


@year_check(LEADING_UNIT_NOT_FIRST)
def check_leading_unit(context: Context, year: YearRecords) -> Iterator[Finding]:
    """The conference's leading unit is first in the year's ranking (one of the first, if tied),
    unless the conference says why not in `leading_note`."""
    conf = year.conference
    if conf is None or conf.model.leading_unit is None or conf.model.leading_note is not None:
        return
    standings = ranking(context.records, year.year)
    if standings is None or not standings.first:
        return
    first = standings.first
    if conf.model.leading_unit not in {s.member for s in first}:
        yield LEADING_UNIT_NOT_FIRST.at(
            conf.pos("leading_unit"),
            id=conf.model.leading_unit,
            year=year.year,
            first=", ".join(s.member for s in first),
            points=first[0].total,
        )


@year_check(
    MEMBER_UNKNOWN,
    MEMBER_INACTIVE,
    AWARD_TYPE_UNKNOWN,
    ID_DUPLICATE,
    AWARD_DECISION_MISSING,
    PROPOSAL_OVER_QUOTA,
    PROPOSAL_LEDGER,
)
def check_proposals(context: Context, year: YearRecords) -> Iterator[Finding]:
    """Each proposal has its own id, names a member of the year and a known award type; a decided
    one names its decision and has its row in the award ledger, and every ledger row that names a
    proposal names one that exists; the year's proposals keep within the scheme's quotas."""
    cluster = context.cluster
    sheet = year.proposals
    types = {t.id for t in cluster.award_types}
    ids: dict[str, int] = {}
    if sheet is not None:
        table = sheet.table
        totals: dict[str, int] = {}
        for row in sheet.rows:
            v = row.values
            proposal_id, award, member = v.get("id"), v.get("award"), v.get("member")
            if proposal_id is not None:
                if proposal_id in ids:
                    yield ID_DUPLICATE.at(
                        table.position(row, "id"),
                        id=proposal_id,
                        field="proposals.csv",
                        first=ids[proposal_id],
                    )
                ids.setdefault(proposal_id, row.line)
            if member is not None:
                yield from member_problems(
                    cluster, member, year.year, table.position(row, "member"), "member"
                )
            if award is not None and award not in types:
                hint = did_you_mean(award, types)
                yield AWARD_TYPE_UNKNOWN.at(table.position(row, "award"), award=award, hint=hint)
            if award is not None:
                totals[award] = totals.get(award, 0) + (v.get("count") or 1)
            decided = v.get("status") == "decided"
            if decided and v.get("decision_date") is None and not table.raw(row, "decision_number"):
                yield AWARD_DECISION_MISSING.at(table.position(row, "status"))
        yield from _quotas(context.records.scheme(year.year), totals, sheet.file)
    yield from _ledger_links(context, year, ids)


def _quotas(scheme: Scheme | None, totals: dict[str, int], file: str) -> Iterator[Finding]:
    """proposal-over-quota: more proposals of a type than the scheme of the year allows."""
    if scheme is None:
        return
    for quota in scheme.quotas:
        count = totals.get(quota.award, 0)
        if count > quota.max:
            yield PROPOSAL_OVER_QUOTA.at(
                Position(file), count=count, award=quota.award, max=quota.max, scheme=scheme.id
            )


def _ledger_links(context: Context, year: YearRecords, ids: dict[str, int]) -> Iterator[Finding]:
    """proposal-ledger, both ways, when the year's ledger was read to its end."""
    if not year.ledger_read:
        return
    claims: dict[str, Claim] | None = year.ledger.get(ProposalClaims.name)
    if claims is None:
        if year.awards_file is not None:
            return  # the ledger could not be read to its end: its finding says why
        claims = {}
    sheet = year.proposals
    proposed: dict[str, Row] = {}
    if sheet is not None:
        for row in sheet.rows:
            proposal_id = row.values.get("id")
            if proposal_id is None:
                continue
            proposed.setdefault(proposal_id, row)
            if row.values.get("status") == "decided" and proposal_id not in claims:
                yield PROPOSAL_LEDGER.at(
                    sheet.table.position(row, "status"),
                    id=proposal_id,
                    file=f"{year.year}/awards.csv",
                )
    elif (context.records.root / str(year.year) / "proposals.csv").exists():
        return  # proposals.csv could not be read: its finding says why
    for proposal_id, (pos, award, member) in claims.items():
        found = proposed.get(proposal_id)
        if found is None:
            yield PROPOSAL_UNKNOWN.at(
                pos,
                id=proposal_id,
                file=f"{year.year}/proposals.csv",
                hint=did_you_mean(proposal_id, ids),
            )
            continue
        v = found.values
        if v.get("status") == "cut":
            yield PROPOSAL_CUT_RECORDED.at(pos, id=proposal_id)
        elif award != v.get("award") or (v.get("member") is not None and member != v.get("member")):
            yield PROPOSAL_MISMATCH.at(
                pos,
                award=award or "",
                member=member or "",
                id=proposal_id,
                proposed=v.get("award") or "",
                recipient=v.get("member") or "",
            )


# a ledger row's claim on a proposal: where it is, and the award and member it records
Claim = tuple[Position, str | None, str | None]


class ProposalClaims:
    """The proposals the award ledger says it records (its column `proposal`): each id with the
    first row that names it, gathered as the ledger streams past."""

    name = "proposals"

    def start(self, cluster: Cluster, year: int, table: Table) -> LedgerPass:
        return _ClaimsPass(table, {})


@dataclass(slots=True)
class _ClaimsPass:
    table: Table
    claims: dict[str, Claim]

    def feed(self, batch: Batch) -> Iterable[Finding]:
        column = batch.values.get("proposal")
        if column is not None and any(column):
            awards, members = batch.values["award"], batch.values.get("member")
            for k, proposal_id in enumerate(column):
                if proposal_id is not None and proposal_id not in self.claims:
                    pos = self.table.position(batch.row(k), "proposal")
                    member = members[k] if members is not None else None
                    self.claims[proposal_id] = (pos, awards[k], member)
        return ()

    def finish(self) -> dict[str, Claim]:
        return self.claims
