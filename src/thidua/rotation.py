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
from datetime import date

from thidua.findings import Refused
from thidua.i18n import N_, _
from thidua.models import Cluster, Member, RotationCustom
from thidua.names import match_member
from thidua.repository import Records

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
    member = cluster.member(member_id)
    seen = set()
    note = ""
    while member is not None and not member.active_in(year) and member.id not in seen:
        seen.add(member.id)
        successor = member.became.member if member.became else None
        following = cluster.member(successor)
        if following is None:
            return None, _("{id} is not a member in {year}").format(id=member.id, year=year)
        note = _("{id} became {successor}").format(id=member.id, successor=following.id)
        member = following
    return member, note


def next_after(cluster: Cluster, start: str | None, year: int, skip: set[str]) -> Member | None:
    """The first member after `start` in the agreed order that is active in `year`, not in `skip`."""
    order = order_of(cluster)
    position = order.index(start) if start in order else -1
    for step in range(1, len(order) + 1):
        member = cluster.member(order[(position + step) % len(order)])
        if member is not None and member.active_in(year) and member.id not in skip:
            return member
    return None


def propose(records: Records, year: int) -> Proposal:
    """The chair and deputy for `year` by the cluster's custom, and why."""
    cluster = records.cluster
    proposal = Proposal(year)
    before = records.years.get(year - 1)
    lead = before.leadership.model if before and before.leadership else None
    conference = before.conference.model if before and before.conference else None
    if lead is not None:
        proposal.previous_chair = cluster.member(lead.chair)
    if cluster.rotation is None:
        proposal.reasons.append(_("cluster.yaml names no rotation custom (rotation: custom: …)"))
        return proposal
    for custom in [cluster.rotation.custom, *cluster.rotation.fallback]:
        chair_id, why = None, ""
        if custom is RotationCustom.DEPUTY_SUCCEEDS:
            if lead is None or lead.deputy is None:
                proposal.reasons.append(
                    _("{custom}: no deputy is recorded for {year}").format(
                        custom=custom, year=year - 1
                    )
                )
                continue
            chair_id = lead.deputy
            why = _("{id} was deputy in {year}").format(id=lead.deputy, year=year - 1)
        elif custom is RotationCustom.LEADER_BECOMES_CHAIR:
            if conference is None or conference.leading_unit is None:
                proposal.reasons.append(
                    _(
                        "{custom}: no leading unit is recorded for {year}"
                        " ({year}/conference.yaml, leading_unit)"
                    ).format(custom=custom, year=year - 1)
                )
                continue
            chair_id = conference.leading_unit
            why = _("{id} led the cluster in {year}").format(id=chair_id, year=year - 1)
        else:
            if lead is None:
                proposal.reasons.append(
                    _("{custom}: no chair is recorded for {year}").format(
                        custom=custom, year=year - 1
                    )
                )
                continue
            found = next_after(cluster, lead.chair, year, set())
            if found is None:
                proposal.reasons.append(
                    _("{custom}: no member is active in {year}").format(custom=custom, year=year)
                )
                continue
            chair_id = found.id
            why = _("{id} comes after {chair} (chair in {year}) in the order").format(
                id=found.id, chair=lead.chair, year=year - 1
            )
        chair, note = current_unit(cluster, chair_id, year)
        if chair is None:
            proposal.reasons.append(
                _("{custom}: {why}, but {note}").format(custom=custom, why=why, note=note)
            )
            continue
        proposal.chair, proposal.custom = chair, custom
        proposal.reasons.append(
            _("chair by the custom '{custom}': {why}").format(custom=custom, why=why)
            + (f"; {note}" if note else "")
        )
        break
    if proposal.chair is not None:
        proposal.deputy = next_after(cluster, proposal.chair.id, year, {proposal.chair.id})
        if proposal.deputy is not None:
            source = (
                "rotation.order"
                if cluster.rotation.order
                else _("the order of members in cluster.yaml")
            )
            proposal.reasons.append(
                _("deputy: {deputy} comes after {chair} in {source}").format(
                    deputy=proposal.deputy.id, chair=proposal.chair.id, source=source
                )
            )
    return proposal


class RotationError(Refused):
    """A leadership that cannot be recorded; the message says why."""


@dataclass(slots=True)
class Decision:
    """The leadership to record for a year: the proposal, or the conference's own choice."""

    year: int
    proposal: Proposal
    chair: Member
    deputy: Member | None
    how: str
    previous_chair: str | None

    def summary(self) -> str:
        """'2025: chair hai-duong (Hải Dương), deputy vinh-phuc (Vĩnh Phúc)'."""
        deputy = self.deputy
        named = f"{deputy.id} ({deputy.name_in(self.year)})" if deputy else "—"
        chair = f"{self.chair.id} ({self.chair.name_in(self.year)})"
        return _("{year}: chair {chair}, deputy {deputy}").format(
            year=self.year, chair=chair, deputy=named
        )


def decide(
    records: Records,
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
    existing = records.years.get(year)
    if existing is not None and existing.leadership is not None and not replace:
        lead = existing.leadership.model
        raise RotationError(
            _(
                "{year} already has leadership (chair {chair}, deputy {deputy});"
                " add --replace to replace it"
            ).format(year=year, chair=lead.chair, deputy=lead.deputy or "—")
        )
    proposal = propose(records, year)
    members = records.cluster.members
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
            _(
                "no chair can be proposed for {year} ({why}); give the conference's choice"
                " with --chair"
            ).format(year=year, why=why)
        )
    roles = ((_("the chair {id}"), chosen_chair), (_("the deputy {id}"), chosen_deputy))
    for role, member in roles:
        if member is not None and not member.active_in(year):
            raise RotationError(
                _("{who} is not a member in {year}").format(
                    who=role.format(id=member.id), year=year
                )
            )
    if chosen_deputy is not None and chosen_deputy.id == chosen_chair.id:
        raise RotationError(_("{id} cannot be both chair and deputy").format(id=chosen_chair.id))
    if how is None:
        by_custom = chair is None and deputy is None and proposal.custom is not None
        how = (
            CUSTOM_VI[proposal.custom].format(group=records.cluster.group_word)
            if by_custom and proposal.custom is not None
            else "bầu tại hội nghị"
        )
    before = records.years.get(year - 1)
    previous = before.leadership.model.chair if before and before.leadership else None
    return Decision(year, proposal, chosen_chair, chosen_deputy, how, previous)


HISTORY_HEADERS = (N_("Year"), N_("Chair"), N_("Deputy"), N_("How chosen"), N_("Handover"))


@dataclass(frozen=True, slots=True)
class Term:
    """One year of the leadership history, with the members' names as they were that year."""

    year: int
    chair: str
    deputy: str | None
    how: str | None
    handover_from: str | None
    handover_date: date | None
    handover_place: str | None

    def cells(self) -> list[str]:
        """The row of `HISTORY_HEADERS`."""
        from thidua.formatting import short_date

        handover = [self.handover_from or ""]
        if self.handover_date:
            handover.append(short_date(self.handover_date))
        if self.handover_place:
            handover.append(self.handover_place)
        shown = ", ".join(handover) if self.handover_from else ""
        return [str(self.year), self.chair, self.deputy or "—", self.how or "", shown]


def history(records: Records) -> list[Term]:
    """The chair and deputy of every year that records them, oldest first."""
    cluster = records.cluster

    def name(member_id: str | None, year: int) -> str | None:
        member = cluster.member(member_id)
        return member.name_in(year) if member is not None else None

    out = []
    for year in sorted(records.years):
        loaded = records.years[year].leadership
        if loaded is None:
            continue
        lead = loaded.model
        handover = lead.handover
        out.append(
            Term(
                year,
                name(lead.chair, year) or lead.chair,
                name(lead.deputy, year),
                lead.chosen.how if lead.chosen else None,
                (name(handover.from_, year - 1) or handover.from_) if handover else None,
                handover.date if handover else None,
                handover.place if handover else None,
            )
        )
    return out
