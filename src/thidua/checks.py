"""The rules across files. Each check is a small function that yields findings; its docstring is
its documentation, and `docs/checks.md` has a section per code with a bad example and the fix.

Checks take what `thidua.repository.load` read. A record that failed validation is absent, and the
checks skip it: its own findings already say what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from thidua.findings import Finding, Position, error, warning
from thidua.models import Aggregate, Cluster, Member
from thidua.names import did_you_mean, suggest

if TYPE_CHECKING:
    from thidua.repository import Repository, Year
    from thidua.tables import Batch, Row, Table


class Members:
    """The cluster's members, for looking up ids by year."""

    def __init__(self, cluster: Cluster) -> None:
        self.by_id: dict[str, Member] = {m.id: m for m in cluster.members}

    def active(self, year: int) -> list[Member]:
        return [m for m in self.by_id.values() if m.active_in(year)]

    def check(
        self, member_id: str, year: int | None, pos: Position, role: str
    ) -> Iterator[Finding]:
        """member-unknown, member-inactive: an id names a member, active in that year."""
        member = self.by_id.get(member_id)
        if member is None:
            yield error(
                "member-unknown",
                pos,
                f"{role} '{member_id}' is not a member in cluster.yaml"
                f"{did_you_mean(member_id, self.by_id)}",
            )
        elif year is not None and not member.active_in(year):
            span = f"{member.first_year or '…'}–{member.last_year or '…'}"
            yield error(
                "member-inactive",
                pos,
                f"{role} '{member_id}' was not a member in {year} (member {span})",
            )


# --- cluster.yaml ----------------------------------------------------------------------------


def check_cluster_ids(repo: Repository) -> Iterator[Finding]:
    """id-duplicate: member, indicator and award type ids are each unique."""
    assert repo.cluster is not None
    model = repo.cluster.model
    for field, items in (
        ("members", model.members),
        ("indicators", model.indicators),
        ("award_types", model.award_types),
    ):
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in seen:
                yield error(
                    "id-duplicate",
                    repo.cluster.pos(field, i, "id"),
                    f"the id '{item.id}' is used twice in {field} (first at line"
                    f" {repo.cluster.pos(field, seen[item.id], 'id').line}); ids must be unique",
                )
            else:
                seen[item.id] = i


def check_cluster_references(repo: Repository) -> Iterator[Finding]:
    """member-unknown, indicator-ref: what cluster.yaml names inside itself exists."""
    assert repo.cluster is not None
    loaded = repo.cluster
    model = loaded.model
    members = Members(model)
    for i, member in enumerate(model.members):
        if member.became and member.became.member:
            yield from members.check(
                member.became.member, None, loaded.pos("members", i, "became", "member"), "became"
            )
    if model.rotation:
        for i, member_id in enumerate(model.rotation.order):
            yield from members.check(member_id, None, loaded.pos("rotation", "order", i), "order")
    columns = {ind.id for ind in model.indicators if ind.is_column}
    for i, ind in enumerate(model.indicators):
        for field in ("weight", "numerator", "denominator"):
            ref = getattr(ind, field)
            if ref is not None and ref not in columns:
                yield error(
                    "indicator-ref",
                    loaded.pos("indicators", i, field),
                    f"{field} '{ref}' is not an indicator reported in indicators.csv"
                    f"{did_you_mean(ref, columns)}",
                )


# --- leadership, conference, pledge ----------------------------------------------------------


def check_leadership(repo: Repository, year: Year) -> Iterator[Finding]:
    """member-unknown, member-inactive, leadership-same, handover-mismatch: the chair and deputy
    are different members active that year; the handover comes from the previous year's chair."""
    if year.leadership is None or repo.cluster is None:
        return
    members = Members(repo.cluster.model)
    lead = year.leadership
    model = lead.model
    yield from members.check(model.chair, year.year, lead.pos("chair"), "chair")
    if model.deputy is not None:
        yield from members.check(model.deputy, year.year, lead.pos("deputy"), "deputy")
        if model.deputy == model.chair:
            yield error(
                "leadership-same",
                lead.pos("deputy"),
                f"'{model.chair}' is both chair and deputy; the deputy must be another member",
            )
    if model.handover is not None:
        yield from members.check(
            model.handover.from_, None, lead.pos("handover", "from"), "handover from"
        )
        before = repo.years.get(year.year - 1)
        if before and before.leadership and before.leadership.model.chair != model.handover.from_:
            yield warning(
                "handover-mismatch",
                lead.pos("handover", "from"),
                f"the handover is from '{model.handover.from_}' but {year.year - 1}/leadership.yaml"
                f" names '{before.leadership.model.chair}' as chair",
            )


def check_conference(repo: Repository, year: Year) -> Iterator[Finding]:
    """member-unknown, member-inactive: the host and the leading unit are members that year."""
    if year.conference is None or repo.cluster is None:
        return
    members = Members(repo.cluster.model)
    conf = year.conference
    if conf.model.host:
        yield from members.check(conf.model.host, year.year, conf.pos("host"), "host")
    if conf.model.leading_unit:
        yield from members.check(
            conf.model.leading_unit, year.year, conf.pos("leading_unit"), "leading_unit"
        )


def check_pledge(repo: Repository, year: Year, today: date) -> Iterator[Finding]:
    """member-unknown, member-inactive, signature-duplicate, signature-date, pledge-unsigned:
    only active members sign, once each, inside the pledge's year; a past year's pledge that an
    active member never signed is a warning."""
    if year.pledge is None or repo.cluster is None:
        return
    members = Members(repo.cluster.model)
    pledge = year.pledge
    first_line: dict[str, int] = {}
    for i, sig in enumerate(pledge.model.signatures):
        pos = pledge.pos("signatures", i, "member")
        yield from members.check(sig.member, year.year, pos, "signature of")
        if sig.member in first_line:
            yield error(
                "signature-duplicate",
                pos,
                f"'{sig.member}' has signed already (line {first_line[sig.member]}); a member"
                " signs once: remove one of the two",
            )
        first_line.setdefault(sig.member, pos.line)
        if sig.date.year != year.year:
            yield error(
                "signature-date",
                pledge.pos("signatures", i, "date"),
                f"the signature is dated {sig.date.isoformat()}, outside the pledge's year"
                f" {year.year}",
            )
    if year.year < today.year:
        missing = [m.id for m in members.active(year.year) if m.id not in first_line]
        if missing:
            yield warning(
                "pledge-unsigned",
                pledge.pos("signatures"),
                f"the {year.year} pledge was never signed by: {', '.join(missing)}",
            )


# --- indicators.csv --------------------------------------------------------------------------


def indicator_row_checks(
    cluster: Cluster, year: int, seen: dict[str, int]
) -> Callable[[Table, Row], Iterable[Finding]]:
    """member-unknown, member-inactive, indicator-row-duplicate, value-out-of-bounds: each row
    names an active member once, and each figure lies inside its indicator's bounds. The first line
    of each member's row is recorded in `seen`."""
    members = Members(cluster)
    bounded = [
        ind for ind in cluster.indicators if ind.is_column and (ind.min, ind.max) != (None, None)
    ]
    shares = [ind for ind in cluster.indicators if ind.aggregate is Aggregate.SHARE]

    def check(table: Table, row: Row) -> Iterator[Finding]:
        member_id = row.values.get("member")
        if member_id is None:
            return
        pos = table.position(row, "member")
        yield from members.check(member_id, year, pos, "member")
        if member_id in seen:
            yield error(
                "indicator-row-duplicate",
                pos,
                f"'{member_id}' has a second row (first at line {seen[member_id]});"
                " each member has one row",
            )
        seen.setdefault(member_id, row.line)
        for ind in bounded:
            value = row.values.get(ind.id)
            if value is None:
                continue
            if (ind.min is not None and value < ind.min) or (
                ind.max is not None and value > ind.max
            ):
                yield error(
                    "value-out-of-bounds",
                    table.position(row, ind.id),
                    f"{ind.id} = {value} is outside its plausible range"
                    f" [{_bound(ind.min)}, {_bound(ind.max)}] {ind.unit}; check for a typo, or widen"
                    " min/max in cluster.yaml",
                )
        for ind in shares:
            part, whole = row.values.get(ind.numerator or ""), row.values.get(ind.denominator or "")
            if part is not None and whole is not None and not 0 <= part <= whole:
                yield error(
                    "value-out-of-bounds",
                    table.position(row, ind.numerator or ""),
                    f"{ind.numerator} = {part} must lie between 0 and {ind.denominator} = {whole}",
                )

    return check


def _bound(value: object) -> str:
    return "…" if value is None else str(value)


def check_indicator_rows(
    repo: Repository, year: Year, seen: Iterable[str], header: list[str]
) -> Iterator[Finding]:
    """indicator-row-missing, indicator-column-missing: every member active that year has a row,
    and every reported indicator has a column."""
    assert repo.cluster is not None and year.indicators_file is not None
    pos = Position(year.indicators_file, 1, 1)
    seen = set(seen)
    for member in Members(repo.cluster.model).active(year.year):
        if member.id not in seen:
            yield error(
                "indicator-row-missing",
                pos,
                f"no row for '{member.id}', a member in {year.year}; add its row (leave unknown"
                " figures empty)",
            )
    for ind in repo.cluster.model.indicators:
        if ind.is_column and ind.id not in header:
            yield warning(
                "indicator-column-missing",
                pos,
                f"no column '{ind.id}' ({ind.label}); the report will have no figures for it",
            )


# --- awards.csv ------------------------------------------------------------------------------


def award_row_checks(cluster: Cluster, year: int) -> Callable[[Table, Batch], list[Finding]]:
    """member-unknown, member-inactive, award-type-unknown, award-recipient, award-decision:
    each award names a known type and a member of that year, fits who the type is for, and a
    decided award says by which decision.

    A ledger may hold a million rows: each batch is screened with set operations, and only the
    rows that may be wrong are looked at one by one."""
    members = Members(cluster)
    active = {m.id for m in members.active(year)}
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
        members_, awards, kinds = v.get("member", absent), v["award"], v.get("recipient_kind")
        suspects: set[int] = set()
        if not active.issuperset(filter(None, members_)):
            suspects.update(k for k, m in enumerate(members_) if m is not None and m not in active)
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
            yield from members.check(member, year, table.position(row, "member"), "member")
        award = v.get("award")
        if award is not None and award not in types:
            near = suggest(award, names)
            hint = f" (did you mean '{by_name.get(near, near)}'?)" if near else ""
            yield error(
                "award-type-unknown",
                table.position(row, "award"),
                f"'{award}' is not an award type id in cluster.yaml{hint}",
            )
        elif award is not None and v.get("recipient_kind") is not None:
            allowed = types[award].recipients
            if v["recipient_kind"] not in fits[award]:
                yield error(
                    "award-recipient",
                    table.position(row, "recipient_kind"),
                    f"'{award}' goes to {allowed} recipients only, not {v['recipient_kind']}",
                )
        if v.get("status") != "proposed":
            decided = v.get("decision_date")
            if (
                decided is None
                and not table.raw(row, "decision_number")
                and v.get("scope") == "cluster"
            ):
                yield warning(
                    "award-decision",
                    table.position(row, "status"),
                    "a decided award should say its decision_number and decision_date;"
                    " if it is not decided yet, set status to 'proposed'",
                )
            if decided is not None and decided.year < year:
                yield error(
                    "award-decision",
                    table.position(row, "decision_date"),
                    f"the decision is dated {decided.isoformat()}, before the year {year} it rewards",
                )

    return check


CLUSTER_CHECKS: tuple[Callable[[Repository], Iterable[Finding]], ...] = (
    check_cluster_ids,
    check_cluster_references,
)


def run(repo: Repository, today: date) -> Iterator[Finding]:
    """Every check on the records of a loaded repository (row checks run while it is loaded)."""
    if repo.cluster is None:
        return
    for check in CLUSTER_CHECKS:
        yield from check(repo)
    for year in repo.years.values():
        yield from check_leadership(repo, year)
        yield from check_conference(repo, year)
        yield from check_pledge(repo, year, today)


def check_repository(root: Path, today: date | None = None) -> tuple[list[Finding], int]:
    """Read and check the repository at `root`: all findings, sorted, and how many files were read.

    This is what `thidua check` prints; `today` decides which pledges are in the past.
    """
    repo, findings = inspect(root, today)
    return findings, repo.files


def inspect(
    root: Path,
    today: date | None = None,
    years: Collection[int] | None = None,
    ledgers: Collection[int] | None = None,
) -> tuple[Repository, list[Finding]]:
    """Read and check the repository at `root` (or only some of its years, see `load`): the
    records read, and all findings, sorted."""
    from thidua.repository import load

    repo, findings = load(root, years, ledgers)
    findings += run(repo, today or date.today())
    findings.sort(key=lambda f: f.sort_key)
    return repo, findings
