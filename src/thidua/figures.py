"""The year's figures, computed from the records: the numbers of the report, never its wording.

Every cluster figure comes from the indicator's definition in cluster.yaml (sum, mean, min, max,
range, weighted mean, share), with exact decimal arithmetic, and carries what it was computed from
(files, lines, members, the arithmetic) so `thidua summarize --explain` can show it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from thidua.models import Aggregate, Cluster, Indicator, Member, Rounding
from thidua.repository import AwardRow, Repository, Year
from thidua.tables import Status

HUNDRED = Decimal(100)
_ROUNDING = {
    Rounding.HALF_UP: ROUND_HALF_UP,
    Rounding.DOWN: ROUND_FLOOR,
    Rounding.UP: ROUND_CEILING,
}


def round_to(value: Decimal, decimals: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    """`value` rounded to `decimals` places (half up unless told), exactly."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=rounding)


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
    previous_note: str | None = None
    arithmetic: str = ""
    file: str | None = None

    @property
    def reported(self) -> list[MemberValue]:
        return [m for m in self.members if m.value is not None]

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
        shown = round_to(shown, max(self.indicator.decimals, -shown.as_tuple().exponent, 0))
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
            pairs = [
                (m.value, m.weight) for m in rep if m.value is not None and m.weight is not None
            ]
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
    if plans and figure.value is not None and len(plans) == len(rep):
        figure.plan = sum(plans, Decimal(0)) if ind.aggregate is Aggregate.SUM else _mean(plans)
        if figure.plan:
            figure.plan_ratio = figure.value / figure.plan * HUNDRED
            figure.arithmetic += (
                f"; {ind.plan or 'plan'} {figure.plan}: {figure.value} / {figure.plan} × 100"
                f" = {figure.plan_ratio:.6f}%"
            )


def _member_values(
    cluster: Cluster, year: Year, ind: Indicator, active: list[Member]
) -> list[MemberValue]:
    rows = {row.values.get("member"): row for row in year.indicators or []}
    out = []
    for member in active:
        row = rows.get(member.id)
        name = member.as_of(year.year)[0]
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


def indicator_figures(repo: Repository, year: int) -> list[Figure]:
    """The cluster figure of every indicator in `year`, with last year's where it compares."""
    assert repo.cluster is not None
    cluster = repo.cluster.model
    current = repo.years.get(year)
    if current is None or current.indicators is None:
        return []
    active = [m for m in cluster.members if m.active_in(year)]
    before = repo.years.get(year - 1)
    figures = []
    for ind in cluster.indicators:
        fig = Figure(
            ind, _member_values(cluster, current, ind, active), file=current.indicators_file
        )
        aggregate(fig)
        fig.national = ind.national.get(year)
        if before is not None and before.indicators is not None:
            _compare(fig, cluster, before, ind)
        figures.append(fig)
    return figures


def _compare(fig: Figure, cluster: Cluster, before: Year, ind: Indicator) -> None:
    """Last year's figure, over the same members; when membership changed, say so."""
    active_before = [m for m in cluster.members if m.active_in(before.year)]
    prev = Figure(ind, _member_values(cluster, before, ind, active_before))
    now_ids = {m.member for m in fig.reported}
    prev_ids = {m.member for m in prev.reported}
    if not prev_ids:
        return
    if now_ids != prev_ids:
        common = now_ids & prev_ids
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
        if ind.aggregate is Aggregate.SUM or not common:
            return  # a total over other members is not comparable
        prev.members = [m for m in prev.members if m.member in common]
    aggregate(prev)
    fig.previous = prev.value


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


def award_counts(repo: Repository, year: int) -> Awards:
    """The year's award ledger counted by bucket and award type, in the order of cluster.yaml."""
    assert repo.cluster is not None
    current = repo.years.get(year)
    awards = Awards(current.awards_file if current else None)
    if current is None or current.awards is None:
        return awards
    types = {t.id: t for t in repo.cluster.model.award_types}
    order = {t.id: i for i, t in enumerate(repo.cluster.model.award_types)}
    for (bucket, award), g in sorted(current.awards.items(), key=lambda kv: order.get(kv[0][1], 0)):
        kind = types.get(award)
        getattr(awards, bucket).append(
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
    awards.cluster_rows = list(current.cluster_awards)
    return awards
