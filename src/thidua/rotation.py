"""Who chairs the cluster next: a proposal from the cluster's own custom, with its reasons.

No national rule fixes the order (DOMAIN: chairs are elected or acclaimed each year at the
conference). A cluster names its custom in cluster.yaml, and `propose` applies it to the records:

- `deputy-succeeds`: last year's deputy becomes chair;
- `next-in-order`: the member after last year's chair in the agreed order becomes chair;
- `leader-becomes-chair`: the unit that led the cluster last year (conference.yaml, leading_unit)
  becomes chair.

The deputy is the next member after the new chair in the agreed order (`rotation.order`, or the
order of the members in cluster.yaml). Members not active in the year are skipped. A member that
left by merging into another member is followed to its successor; a member that absorbed others keeps
its own place in the order. When the custom cannot decide (the records lack last year's deputy,
chair or leading unit), each `fallback` custom is tried in turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from thidua.models import Cluster, Member, RotationCustom
from thidua.names import match_member
from thidua.repository import Repository

# How a custom is written in YEAR/leadership.yaml (chosen.how); {group} is "Cụm" or "Khối".
CUSTOM_VI = {
    RotationCustom.DEPUTY_SUCCEEDS: "{group} phó năm trước làm {group} trưởng",
    RotationCustom.NEXT_IN_ORDER: "luân phiên theo thứ tự đã thống nhất",
    RotationCustom.LEADER_BECOMES_CHAIR: "đơn vị dẫn đầu năm trước làm {group} trưởng",
}


@dataclass(slots=True)
class Proposal:
    year: int
    chair: Member | None = None
    deputy: Member | None = None
    custom: RotationCustom | None = None
    previous_chair: Member | None = None
    reasons: list[str] = field(default_factory=list)


def order_of(cluster: Cluster) -> list[str]:
    if cluster.rotation and cluster.rotation.order:
        return list(cluster.rotation.order)
    return [m.id for m in cluster.members]


def current_unit(cluster: Cluster, member_id: str, year: int) -> tuple[Member | None, str]:
    """The member itself if active in `year`, else the member it merged into; and a note."""
    by_id = {m.id: m for m in cluster.members}
    member = by_id.get(member_id)
    seen = set()
    note = ""
    while member is not None and not member.active_in(year) and member.id not in seen:
        seen.add(member.id)
        successor = member.became.member if member.became else None
        if successor is None or successor not in by_id:
            return None, f"{member.id} is not a member in {year}"
        note = f"{member.id} became {successor}"
        member = by_id[successor]
    return member, note


def next_after(cluster: Cluster, start: str | None, year: int, skip: set[str]) -> Member | None:
    """The first member after `start` in the agreed order that is active in `year`, not in `skip`."""
    order = order_of(cluster)
    by_id = {m.id: m for m in cluster.members}
    position = order.index(start) if start in order else -1
    for step in range(1, len(order) + 1):
        member = by_id.get(order[(position + step) % len(order)])
        if member is not None and member.active_in(year) and member.id not in skip:
            return member
    return None


def propose(repo: Repository, year: int) -> Proposal:
    """The chair and deputy for `year` by the cluster's custom, and why."""
    assert repo.cluster is not None
    cluster = repo.cluster.model
    proposal = Proposal(year)
    before = repo.years.get(year - 1)
    lead = before.leadership.model if before and before.leadership else None
    conference = before.conference.model if before and before.conference else None
    by_id = {m.id: m for m in cluster.members}
    if lead is not None:
        proposal.previous_chair = by_id.get(lead.chair)
    if cluster.rotation is None:
        proposal.reasons.append("cluster.yaml names no rotation custom (rotation: custom: …)")
        return proposal
    for custom in [cluster.rotation.custom, *cluster.rotation.fallback]:
        chair_id, why = None, ""
        if custom is RotationCustom.DEPUTY_SUCCEEDS:
            if lead is None or lead.deputy is None:
                proposal.reasons.append(f"{custom}: no deputy is recorded for {year - 1}")
                continue
            chair_id, why = lead.deputy, f"{lead.deputy} was deputy in {year - 1}"
        elif custom is RotationCustom.LEADER_BECOMES_CHAIR:
            if conference is None or conference.leading_unit is None:
                proposal.reasons.append(
                    f"{custom}: no leading unit is recorded for {year - 1}"
                    f" ({year - 1}/conference.yaml, leading_unit)"
                )
                continue
            chair_id, why = (
                conference.leading_unit,
                f"{conference.leading_unit} led the cluster in {year - 1}",
            )
        else:
            if lead is None:
                proposal.reasons.append(f"{custom}: no chair is recorded for {year - 1}")
                continue
            found = next_after(cluster, lead.chair, year, set())
            if found is None:
                proposal.reasons.append(f"{custom}: no member is active in {year}")
                continue
            chair_id, why = (
                found.id,
                f"{found.id} comes after {lead.chair} (chair in {year - 1}) in the order",
            )
        chair, note = current_unit(cluster, chair_id, year)
        if chair is None:
            proposal.reasons.append(f"{custom}: {why}, but {note}")
            continue
        proposal.chair, proposal.custom = chair, custom
        proposal.reasons.append(
            f"chair by the custom '{custom}': {why}" + (f"; {note}" if note else "")
        )
        break
    if proposal.chair is not None:
        proposal.deputy = next_after(cluster, proposal.chair.id, year, {proposal.chair.id})
        if proposal.deputy is not None:
            source = (
                "rotation.order"
                if cluster.rotation.order
                else "the order of members in cluster.yaml"
            )
            proposal.reasons.append(
                f"deputy: {proposal.deputy.id} comes after {proposal.chair.id} in {source}"
            )
    return proposal


class RotationError(Exception):
    """A leadership that cannot be recorded; the message says why."""


@dataclass(slots=True)
class Decision:
    """The leadership to record for a year: the proposal, or the conference's own choice."""

    proposal: Proposal
    chair: Member
    deputy: Member | None
    how: str
    previous_chair: str | None


def decide(
    repo: Repository,
    year: int,
    *,
    chair: str | None = None,
    deputy: str | None = None,
    how: str | None = None,
    replace: bool = False,
) -> Decision:
    """The chair and deputy to record for `year`: the conference's choice where given (members
    matched forgivingly), else the proposal by the custom. Refuses a year that already has
    leadership (unless `replace`), members not active in `year`, and one member in both roles."""
    assert repo.cluster is not None
    existing = repo.years.get(year)
    if existing is not None and existing.leadership is not None and not replace:
        lead = existing.leadership.model
        raise RotationError(
            f"{year} already has leadership (chair {lead.chair}, deputy {lead.deputy or '—'});"
            " add --replace to replace it"
        )
    proposal = propose(repo, year)
    members = repo.cluster.model.members
    try:
        chosen_chair = match_member(members, chair, year) if chair is not None else proposal.chair
        chosen_deputy = (
            match_member(members, deputy, year) if deputy is not None else proposal.deputy
        )
    except LookupError as exc:
        raise RotationError(str(exc)) from None
    if chosen_chair is None:
        why = "; ".join(proposal.reasons)
        raise RotationError(
            f"no chair can be proposed for {year} ({why}); give the conference's choice with --chair"
        )
    for role, member in (("chair", chosen_chair), ("deputy", chosen_deputy)):
        if member is not None and not member.active_in(year):
            raise RotationError(f"the {role} {member.id} is not a member in {year}")
    if chosen_deputy is not None and chosen_deputy.id == chosen_chair.id:
        raise RotationError(f"{chosen_chair.id} cannot be both chair and deputy")
    if how is None:
        by_custom = chair is None and deputy is None and proposal.custom is not None
        how = (
            CUSTOM_VI[proposal.custom].format(group=repo.cluster.model.group_word)  # type: ignore[index]
            if by_custom
            else "bầu tại hội nghị"
        )
    before = repo.years.get(year - 1)
    previous = before.leadership.model.chair if before and before.leadership else None
    return Decision(proposal, chosen_chair, chosen_deputy, how, previous)
