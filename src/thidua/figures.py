"""The year's figures, computed from the records: the numbers of the report, never its wording.

Every cluster figure comes from the indicator's definition in cluster.yaml (sum, mean, min, max,
range, weighted mean, share), with exact decimal arithmetic, and carries what it was computed from
(files, lines, members, the arithmetic) so `thidua summarize --explain` can show it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from thidua.decimals import HUNDRED, round_to
from thidua.findings import Finding
from thidua.models import Aggregate, Cluster, Indicator, Member, MissingPolicy, Rounding
from thidua.repository import Records, YearRecords
from thidua.tables import Batch, Status, Table

_ROUNDING = {
    Rounding.HALF_UP: ROUND_HALF_UP,
    Rounding.DOWN: ROUND_FLOOR,
    Rounding.UP: ROUND_CEILING,
}


@dataclass(slots=True)
class MemberValue:
    """One member's figure for one indicator, and where it came from."""

    member: str
    name: str
    value: Decimal | None
    plan: Decimal | None = None
    status: str | None = None
    source: str | None = None
    line: int | None = None
    parts: tuple[Decimal, Decimal] | None = None  # share: (numerator, denominator)
    weight: Decimal | None = None
    basis: str | None = None


@dataclass(slots=True)
class Figure:
    """The cluster figure of one indicator in one year."""

    indicator: Indicator
    members: list[MemberValue]
    value: Decimal | None = None  # exact; None when no member has a value (or a range)
    low: Decimal | None = None  # range (and min/max: the members that hold them)
    high: Decimal | None = None
    plan: Decimal | None = None
    plan_ratio: Decimal | None = None  # value / plan × 100
    national: Decimal | None = None
    previous: Decimal | None = None
    previous_note: str | None = None  # the members that joined or left since the year before
    previous_missing: bool = False  # not compared: no like-for-like figure last year
    previous_common: bool = False  # last year's figure is over this year's members only
    plan_note: str | None = None  # why the figure is not compared with the plan
    arithmetic: str = ""
    file: str | None = None

    @property
    def reported(self) -> list[MemberValue]:
        return [m for m in self.members if m.value is not None]

    @property
    def used(self) -> list[MemberValue]:
        """The members whose figures make the cluster figure (a weighted mean needs a weight)."""
        if self.indicator.aggregate is Aggregate.WEIGHTED_MEAN:
            return [m for m in self.reported if m.weight is not None]
        return self.reported

    @property
    def missing(self) -> list[str]:
        """The active members whose figure is not in the cluster figure."""
        used = {m.member for m in self.used}
        return [m.member for m in self.members if m.member not in used]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def coverage(self) -> str:
        """'9/12': the members the figure covers, of the members active that year."""
        return f"{len(self.used)}/{len(self.members)}"

    @property
    def withheld(self) -> bool:
        """Left out of the report: partial, and the indicator says not to give it then."""
        return not self.complete and self.indicator.missing is MissingPolicy.REFUSE

    @property
    def partial(self) -> bool:
        """Given with a word that it covers only some members."""
        return (
            not self.complete
            and self.value is not None
            and self.indicator.missing is MissingPolicy.NOTE
        )

    @property
    def statuses(self) -> list[str]:
        """The statuses of the figures used, most provisional first."""
        order = [
            s.value for s in (Status.IMPUTED, Status.ESTIMATE, Status.PRELIMINARY, Status.OFFICIAL)
        ]
        found = {m.status for m in self.reported if m.status}
        return [s for s in order if s in found]

    @property
    def rounded(self) -> Decimal | None:
        if self.value is None:
            return None
        return round_to(self.value, self.indicator.decimals)

    def headline(self) -> tuple[Decimal | None, int]:
        """(figure for the sentence, its comparison with the true one: -1 below, 0, 1 above)."""
        if self.value is None:
            return None, 0
        head = self.indicator.headline
        if head is None:
            return self.rounded, 0
        steps = (self.value / head.step).quantize(Decimal(1), rounding=_ROUNDING[head.rounding])
        shown = steps * head.step
        digits = head.decimals
        if digits is None:  # as many as the step has: a step of 1 or 1000 gives 23, 0.5 gives 23.5
            digits = max(-int(head.step.normalize().as_tuple().exponent), 0)
        shown = round_to(shown, digits)
        return shown, (shown > self.value) - (shown < self.value)


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def _fmt(values: Iterable[Decimal]) -> str:
    return " + ".join(str(v) for v in values)


def aggregate(figure: Figure) -> None:
    """Fill in the cluster figure of `figure` from its members' values."""
    ind = figure.indicator
    rep = figure.reported
    values = [m.value for m in rep if m.value is not None]
    if not values:
        figure.arithmetic = "no member has a figure"
        return
    n = len(values)
    match ind.aggregate:
        case Aggregate.SUM:
            figure.value = sum(values, Decimal(0))
            figure.arithmetic = f"{_fmt(values)} = {figure.value}"
        case Aggregate.MEAN:
            total = sum(values, Decimal(0))
            figure.value = total / n
            figure.arithmetic = f"({_fmt(values)}) / {n} = {total} / {n} = {figure.value:.6f}"
        case Aggregate.MIN | Aggregate.MAX | Aggregate.RANGE:
            figure.low, figure.high = min(values), max(values)
            if ind.aggregate is Aggregate.MIN:
                figure.value = figure.low
            elif ind.aggregate is Aggregate.MAX:
                figure.value = figure.high
            figure.arithmetic = f"{ind.aggregate} of {', '.join(map(str, values))}"
            figure.arithmetic += f": from {figure.low} to {figure.high}"
        case Aggregate.WEIGHTED_MEAN:
            pairs = [(m.value, m.weight) for m in figure.used if m.value is not None and m.weight]
            weights = sum((w for _, w in pairs), Decimal(0))
            if not pairs or not weights:
                figure.arithmetic = f"no weights ({ind.weight}) for the members with a figure"
                return
            total = sum((v * w for v, w in pairs), Decimal(0))
            figure.value = total / weights
            terms = " + ".join(f"{v} × {w}" for v, w in pairs)
            figure.arithmetic = f"({terms}) / {weights} = {figure.value:.6f}"
        case Aggregate.SHARE:
            parts = [m.parts for m in rep if m.parts is not None]
            num = sum((p for p, _ in parts), Decimal(0))
            den = sum((w for _, w in parts), Decimal(0))
            if not den:
                figure.value = None
                figure.arithmetic = f"{ind.denominator} adds up to 0"
                return
            figure.value = num / den * HUNDRED
            figure.arithmetic = f"{ind.numerator} / {ind.denominator} × 100 = {num} / {den} × 100 = {figure.value:.6f}"
    plans = [m.plan for m in rep if m.plan is not None]
    _compare_with_plan(figure, plans, rep)


def _compare_with_plan(figure: Figure, plans: list[Decimal], rep: list[MemberValue]) -> None:
    """The plan's figure and how much of it was reached; or, in `plan_note`, why not."""
    ind = figure.indicator
    if not plans or figure.value is None:
        return
    without = [m.member for m in rep if m.plan is None]
    if without:
        figure.plan_note = f"no {ind.plan or 'plan'} figure for: {', '.join(without)}"
        return
    if not figure.complete and ind.missing is not MissingPolicy.IGNORE:
        figure.plan_note = f"the figure covers {figure.coverage} members"
        return
    figure.plan = sum(plans, Decimal(0)) if ind.aggregate is Aggregate.SUM else _mean(plans)
    if not figure.plan:
        figure.plan_note = f"the {ind.plan or 'plan'} adds up to 0"
        return
    figure.plan_ratio = figure.value / figure.plan * HUNDRED
    figure.arithmetic += (
        f"; {ind.plan or 'plan'} {figure.plan}: {figure.value} / {figure.plan} × 100"
        f" = {figure.plan_ratio:.6f}%"
    )


def _member_values(year: YearRecords, ind: Indicator, active: list[Member]) -> list[MemberValue]:
    rows = {row.values.get("member"): row for row in year.indicators or []}
    out = []
    for member in active:
        row = rows.get(member.id)
        name = member.name_in(year.year)
        if row is None:
            out.append(MemberValue(member.id, name, None))
            continue
        v = row.values
        mv = MemberValue(
            member.id,
            name,
            None,
            plan=v.get(f"{ind.id}.plan"),
            status=str(v.get(f"{ind.id}.status") or v.get("status") or "") or None,
            source=v.get(f"{ind.id}.source") or v.get("source"),
            line=row.line,
            basis=v.get(f"{ind.id}.basis"),
        )
        if ind.aggregate is Aggregate.SHARE:
            num, den = v.get(ind.numerator or ""), v.get(ind.denominator or "")
            if num is not None and den:
                mv.parts = (num, den)
                mv.value = num / den * HUNDRED
                mv.status = str(v.get(f"{ind.numerator}.status") or v.get("status") or "") or None
        else:
            mv.value = v.get(ind.id)
            if ind.weight:
                mv.weight = v.get(ind.weight)
        out.append(mv)
    return out


def figure_of(year: YearRecords, ind: Indicator, active: list[Member]) -> Figure:
    """The cluster figure of one indicator in one year, from its members' rows."""
    fig = Figure(ind, _member_values(year, ind, active), file=year.indicators_file)
    aggregate(fig)
    return fig


def indicator_figures(records: Records, year: int) -> list[Figure]:
    """The cluster figure of every indicator in `year`, with last year's where it compares."""
    cluster = records.cluster
    current = records.years.get(year)
    if current is None or current.indicators is None:
        return []
    active = cluster.active(year)
    before = records.years.get(year - 1)
    figures = []
    for ind in cluster.indicators:
        fig = figure_of(current, ind, active)
        fig.national = ind.national.get(year)
        if before is not None and before.indicators is not None:
            _compare(fig, cluster, before, ind)
        figures.append(fig)
    return figures


def _compare(fig: Figure, cluster: Cluster, before: YearRecords, ind: Indicator) -> None:
    """Last year's figure, like for like: over the very members whose figures make this year's,
    or not at all. When membership changed (as cluster.yaml says: a missing figure is a missing
    figure, never a change of members), `previous_note` says who left or joined; a figure
    compared over fewer members than last year had is marked `previous_common`; one that cannot
    be compared like for like is marked `previous_missing`."""
    prev = Figure(ind, _member_values(before, ind, cluster.active(before.year)))
    if not prev.reported:
        return
    now_ids = {m.member for m in fig.members}
    prev_ids = {m.member for m in prev.members}
    if now_ids != prev_ids:
        left = sorted(prev_ids - now_ids)
        joined = sorted(now_ids - prev_ids)
        fig.previous_note = "; ".join(
            part
            for part in (
                f"left: {', '.join(left)}" if left else "",
                f"joined: {', '.join(joined)}" if joined else "",
            )
            if part
        )
        if ind.aggregate is Aggregate.SUM:
            return  # a total over other members is not comparable
    partial = not (fig.complete and prev.complete)
    totals = ind.aggregate in (Aggregate.SUM, Aggregate.SHARE)
    if totals and partial and ind.missing is not MissingPolicy.IGNORE:
        fig.previous_missing = True
        return
    used_now = {m.member for m in fig.used}
    used_before = {m.member for m in prev.used}
    if not used_now or not used_now <= used_before:
        # some member of this year's figure has none last year: no like-for-like comparison
        fig.previous_missing = fig.previous_note is None
        return
    if used_before != used_now:
        prev.members = [m for m in prev.members if m.member in used_now]
        fig.previous_common = True
    aggregate(prev)
    fig.previous = prev.value


# --- awards ----------------------------------------------------------------------------------


class Bucket(StrEnum):
    """Whose awards a count is: received inside the members, the cluster's own proposals that were
    decided, given by the chair, or still proposed."""

    MEMBER = "member"
    CLUSTER = "cluster"
    CHAIR = "chair"
    PROPOSED = "proposed"

    @classmethod
    def of(cls, status: str | None, scope: str | None) -> Bucket:
        return cls.PROPOSED if status == "proposed" else cls(scope or "member")


@dataclass(slots=True)
class AwardRow:
    """One award of the cluster's own, in full (they are few: the ledger's other rows are only
    counted)."""

    line: int
    member: str | None
    award: str
    count: int
    recipient_kind: str | None
    status: str
    decision_number: str | None = None
    decision_date: date | None = None
    issuer: str | None = None


@dataclass(slots=True)
class AwardGroup:
    """Awards of one type in one bucket, counted as the ledger streams past."""

    bucket: Bucket
    award: str
    total: int = 0
    collective: int = 0
    individual: int = 0
    members: dict[str, int] = field(default_factory=dict)
    rows: int = 0
    first_lines: list[int] = field(
        default_factory=list
    )  # where the first rows stand, for --explain


@dataclass(slots=True)
class LedgerTally:
    """What the award tally gathered from one year's ledger."""

    groups: dict[tuple[Bucket, str], AwardGroup] = field(default_factory=dict)
    cluster_rows: list[AwardRow] = field(default_factory=list)


FIRST_LINES = 20
# shapes of rows counted before they are added up (memory stays bounded whatever the ledger holds)
MAX_SHAPES = 50_000


class AwardTally:
    """Counts each year's award ledger by bucket and type as the loader streams it, so that a
    ledger of a million rows is never held in memory; a report's consumer of the loader."""

    name = "awards"

    def start(self, cluster: Cluster, year: int, table: Table) -> _TallyPass:
        return _TallyPass(table)

    @classmethod
    def of(cls, year: YearRecords) -> LedgerTally | None:
        """What the tally gathered from `year`'s ledger; None when the year has no ledger.
        Reading a ledger without the tally is a mistake of the caller, not of the data."""
        if year.awards_file is None:
            return None
        if cls.name not in year.ledger:
            raise LookupError(f"{year.awards_file} was read without counting its awards")
        result = year.ledger[cls.name]
        assert isinstance(result, LedgerTally)
        return result


@dataclass(slots=True)
class _TallyPass:
    """One ledger's tally. Rows are counted by their distinct shape (award, status, scope, kind,
    member, count) in one Counter for the whole ledger, inside C; the shapes are few beside the
    rows, and the Python work per shape is done once, at the end."""

    table: Table
    tally: LedgerTally = field(default_factory=LedgerTally)
    shapes: Counter[tuple[Any, ...]] = field(default_factory=Counter)
    # where the first rows of each (bucket, award) stand (a group made by `_fold` shares its list,
    # which may still grow), and the (award, status, scope) whose group has all the lines it needs
    first: dict[tuple[Bucket, str], list[int]] = field(default_factory=dict)
    full: set[tuple[Any, ...]] = field(default_factory=set)

    def finish(self) -> LedgerTally:
        self._fold()
        return self.tally

    def _fold(self) -> None:
        """Add the shapes counted so far to the groups."""
        groups = self.tally.groups
        for (award, status, scope, kind, member, count), rows in self.shapes.items():
            if award is None:
                continue
            bucket = Bucket.of(status, scope)
            group = groups.get((bucket, award))
            if group is None:
                group = groups[(bucket, award)] = AwardGroup(bucket, award)
                group.first_lines = self.first.setdefault((bucket, award), [])
            total = (count or 1) * rows
            group.total += total
            group.rows += rows
            if kind == "collective":
                group.collective += total
            elif kind == "individual":
                group.individual += total
            if member:
                group.members[member] = group.members.get(member, 0) + total
        self.shapes.clear()

    def feed(self, batch: Batch) -> Iterable[Finding]:
        """Add a batch to the counts."""
        v = batch.values
        none = [None] * len(batch)
        columns = (
            v["award"],
            v.get("status", none),
            v.get("scope", none),
            v.get("recipient_kind", none),
            v.get("member", none),
        )
        counts = v.get("count", none)
        self.shapes.update(zip(*columns, counts, strict=True))
        if len(self.shapes) > MAX_SHAPES:  # a ledger of a million different counts
            self._fold()
        kinds = set(zip(*columns[:3], strict=True))
        if not kinds <= self.full:
            self._first_lines(batch, columns[:3], kinds - self.full)
        if "cluster" in columns[2]:
            for k, (award, status, scope, kind, member) in enumerate(zip(*columns, strict=True)):
                if award is None or Bucket.of(status, scope) is not Bucket.CLUSTER:
                    continue
                row = batch.row(k)
                self.tally.cluster_rows.append(
                    AwardRow(
                        row.line,
                        member,
                        award,
                        counts[k] or 1,
                        kind,
                        status or "decided",
                        self.table.raw(row, "decision_number"),
                        row.values.get("decision_date"),
                        self.table.raw(row, "issuer"),
                    )
                )
        return ()

    def _first_lines(
        self, batch: Batch, columns: tuple[list[Any], ...], kinds: set[tuple[Any, ...]]
    ) -> None:
        """Note where the first rows of each group stand (for --explain). The rows are looked up
        by their (award, status, scope) with C-level searches, and only for the groups that still
        lack lines: a type that is rare in a ledger must not cost a Python step for every row."""
        wanted: dict[tuple[Bucket, str], list[int]] = {}
        keys: list[tuple[Any, ...]] | None = None
        for kind in kinds:
            award, status, scope = kind
            if award is None:
                self.full.add(kind)
                continue
            group = (Bucket.of(status, scope), award)
            need = FIRST_LINES - len(self.first.get(group, ()))
            if need <= 0:
                self.full.add(kind)
                continue
            if keys is None:
                keys = list(zip(*columns, strict=True))
            found = wanted.setdefault(group, [])
            k = -1
            for _ in range(need):
                try:
                    k = keys.index(kind, k + 1)
                except ValueError:
                    break
                found.append(k)
        for group, rows in wanted.items():
            lines = self.first.setdefault(group, [])
            lines += [batch.lines[k] for k in sorted(rows)[: FIRST_LINES - len(lines)]]


@dataclass(slots=True)
class AwardCount:
    """Awards of one type, counted by who received them."""

    award: str
    title: str
    title_en: str | None
    total: int
    collective: int
    individual: int
    members: dict[str, int]
    rows: int
    first_lines: Sequence[int]


@dataclass(slots=True)
class Awards:
    """The year's awards: received inside the members, proposed by the cluster, given by the chair."""

    file: str | None
    member: list[AwardCount] = field(default_factory=list)
    cluster: list[AwardCount] = field(default_factory=list)
    chair: list[AwardCount] = field(default_factory=list)
    proposed: list[AwardCount] = field(default_factory=list)
    cluster_rows: list[AwardRow] = field(default_factory=list)

    def buckets(self) -> dict[Bucket, list[AwardCount]]:
        return {
            Bucket.MEMBER: self.member,
            Bucket.CLUSTER: self.cluster,
            Bucket.CHAIR: self.chair,
            Bucket.PROPOSED: self.proposed,
        }


def award_counts(records: Records, year: int) -> Awards:
    """The year's award ledger counted by bucket and award type, in the order of cluster.yaml.
    The ledger must have been read with an `AwardTally` among the loader's consumers."""
    current = records.years.get(year)
    awards = Awards(current.awards_file if current else None)
    tally = AwardTally.of(current) if current else None
    if tally is None:
        return awards
    types = {t.id: t for t in records.cluster.award_types}
    order = {t.id: i for i, t in enumerate(records.cluster.award_types)}
    lists = awards.buckets()
    for (bucket, award), g in sorted(tally.groups.items(), key=lambda kv: order.get(kv[0][1], 0)):
        kind = types.get(award)
        lists[bucket].append(
            AwardCount(
                award,
                kind.title if kind else award,
                kind.title_en if kind else None,
                g.total,
                g.collective,
                g.individual,
                g.members,
                g.rows,
                g.first_lines,
            )
        )
    awards.cluster_rows = list(tally.cluster_rows)
    return awards
