"""The year-end scores, ranking and ballot (chấm điểm, xếp hạng): a scoring scheme and the score sheets of
a year give each member's total on each sheet, and the ranking.

Three sheets may score a member: its own (tự chấm), the chair's review (kiểm tra chéo, chấm điểm
lại) and the preparatory meeting's (thông qua). A member is ranked on the last of them that scores
it, and the ranking says which. Equal totals are compared on the scheme's tie-break order (groups
or items, in turn); members still equal are listed as tied: the same rank, the next ranks skipped
(1, 2, 2, 4). Nothing is rounded and nothing is floating point: points are exact decimals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from thidua.decimals import HUNDRED, round_to
from thidua.models import Ballot, Cluster, Denominator, Scheme, Threshold, ThresholdRule
from thidua.repository import Records, Sheet
from thidua.tables import Layer, Row

ZERO = Decimal(0)
LAYERS = (Layer.SELF, Layer.REVIEWED, Layer.ADOPTED)  # in the order they are given


@dataclass(frozen=True, slots=True)
class Scored:
    """One member's points on one sheet, and where they come from."""

    layer: Layer
    points: Mapping[str, Decimal]  # item id → points (an empty bonus or penalty cell: 0)
    criteria: Decimal
    bonus: Decimal
    penalty: Decimal
    given_total: Decimal | None  # the sheet's own total column, if filled
    by: str | None
    when: date | None
    file: str
    line: int

    @property
    def total(self) -> Decimal:
        """The criteria, plus the bonus, less the penalties."""
        return self.criteria + self.bonus - self.penalty


def scored(scheme: Scheme, layer: Layer, row: Row, file: str) -> Scored:
    """A sheet's row under its scheme. A cell that could not be read counts as 0 here (its own
    finding says what is wrong)."""
    values = row.values

    def points(item_id: str) -> Decimal:
        value = values.get(item_id)
        return value if isinstance(value, Decimal) else ZERO

    return Scored(
        layer=layer,
        points={item.id: points(item.id) for item in scheme.items},
        criteria=sum((points(c.id) for c in scheme.criteria), ZERO),
        bonus=sum((points(i.id) for i in scheme.bonus.items), ZERO),
        penalty=sum((points(i.id) for i in scheme.penalties.items), ZERO),
        given_total=values.get("total"),
        by=values.get("by"),
        when=values.get("date"),
        file=file,
        line=row.line,
    )


def part(scheme: Scheme, score: Scored, ref: str) -> Decimal:
    """The points of a group (its criteria's sum) or of one item: a step of the tie-break."""
    group = scheme.group(ref)
    if group is not None:
        return sum((score.points[c.id] for c in group.criteria), ZERO)
    return score.points.get(ref, ZERO)


@dataclass(slots=True)
class Standing:
    """One member in the ranking."""

    member: str
    name: str
    sheets: dict[Layer, Scored]
    rank: int = 0
    tied: bool = False
    key: tuple[Decimal, ...] = ()  # the total, then each tie-break part

    @property
    def layer(self) -> Layer:
        """The last layer that scores the member: the one it is ranked on."""
        return max(self.sheets, key=LAYERS.index)

    @property
    def used(self) -> Scored:
        return self.sheets[self.layer]

    @property
    def total(self) -> Decimal:
        return self.used.total

    def total_of(self, layer: Layer) -> Decimal | None:
        sheet = self.sheets.get(layer)
        return sheet.total if sheet is not None else None

    @property
    def difference(self) -> Decimal | None:
        """The chair's reviewed total less the member's own (negative: marked down)."""
        own, reviewed = self.total_of(Layer.SELF), self.total_of(Layer.REVIEWED)
        return reviewed - own if own is not None and reviewed is not None else None


@dataclass(slots=True)
class Ranking:
    """The ranking of one year under its scheme."""

    year: int
    scheme: Scheme
    standings: list[Standing]
    unscored: list[str] = field(default_factory=list)  # active members no sheet scores
    layers: list[Layer] = field(default_factory=list)  # the sheets the year has

    @property
    def first(self) -> list[Standing]:
        """The member(s) ranked first (several when tied)."""
        return [s for s in self.standings if s.rank == 1]

    def standing(self, member_id: str) -> Standing | None:
        return next((s for s in self.standings if s.member == member_id), None)


def rank(
    scheme: Scheme,
    year: int,
    members: Iterable[tuple[str, str]],
    sheets: Mapping[Layer, Iterable[tuple[str, Scored]]],
) -> Ranking:
    """The ranking of `members` ((id, name) in the cluster's order) from their scored rows,
    by layer. A member is ranked on its last layer; members that no sheet scores are named in
    `unscored`, not ranked."""
    by_member: dict[str, dict[Layer, Scored]] = {}
    for layer in LAYERS:
        for member_id, score in sheets.get(layer, ()):
            by_member.setdefault(member_id, {}).setdefault(layer, score)
    standings: list[Standing] = []
    unscored: list[str] = []
    for member_id, name in members:
        found = by_member.get(member_id)
        if not found:
            unscored.append(member_id)
            continue
        standing = Standing(member_id, name, found)
        used = standing.used
        standing.key = (used.total, *(part(scheme, used, ref) for ref in scheme.tie_break))
        standings.append(standing)
    keys = [s.key for s in standings]
    for standing in standings:
        standing.rank = 1 + sum(1 for k in keys if k > standing.key)
        standing.tied = keys.count(standing.key) > 1
    order = {s.member: i for i, s in enumerate(standings)}
    standings.sort(key=lambda s: (s.rank, order[s.member]))
    layers = [layer for layer in LAYERS if layer in sheets]
    return Ranking(year, scheme, standings, unscored, layers)


def ranking(records: Records, year: int) -> Ranking | None:
    """The ranking of `year` from the records, or None when the year has no score sheet (or no
    scheme to read them by)."""
    scheme = records.scheme(year)
    found = records.years.get(year)
    if scheme is None or found is None or not found.scores:
        return None
    return rank(scheme, year, _members(records.cluster, year), _sheets(scheme, found.scores))


def _members(cluster: Cluster, year: int) -> list[tuple[str, str]]:
    return [(m.id, m.name_in(year)) for m in cluster.active(year)]


def _sheets(scheme: Scheme, scores: Mapping[Layer, Sheet]) -> dict[Layer, list[tuple[str, Scored]]]:
    out: dict[Layer, list[tuple[str, Scored]]] = {}
    for layer, sheet in scores.items():
        out[layer] = [
            (row.values["member"], scored(scheme, layer, row, sheet.file))
            for row in sheet.rows
            if row.values.get("member") is not None
        ]
    return out


# --- the ballot --------------------------------------------------------------------------------


def base_of(ballot: Ballot, threshold: Threshold, members: int) -> int:
    """What a threshold's share is taken of: the members entitled to vote (`voters`, else the
    `members` of the year), the ballots issued, or the valid ballots."""
    if threshold.of is Denominator.ISSUED:
        return ballot.ballots.issued
    if threshold.of is Denominator.VALID:
        return ballot.ballots.valid
    return ballot.voters if ballot.voters is not None else members


def passes(votes: int, base: int, threshold: Threshold) -> bool:
    """Whether `votes` for, of `base`, reach the threshold: compared exactly (votes × 100 against
    percent × base), so that 2/3 against 66.67% is never decided by a rounded share. Nothing
    passes of a base of 0."""
    if base <= 0:
        return False
    if threshold.rule is ThresholdRule.MORE_THAN:
        return votes * HUNDRED > threshold.percent * base
    return votes * HUNDRED >= threshold.percent * base


def share(votes: int, base: int) -> Decimal | None:
    """The votes as a percentage of the base, to at most two decimals, as minutes write it
    (100, 83.33, 16.7)."""
    if base <= 0:
        return None
    value = round_to(Decimal(votes) * HUNDRED / Decimal(base), 2)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
