"""The year-end report: the figures of a year gathered for a template, JSON, or an explanation.

`build()` computes; `render()` hands the result to a Jinja template, which decides the wording.
The report is only built from records that pass `thidua check`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from thidua.decimals import round_to
from thidua.figures import (
    AwardCount,
    Awards,
    AwardTally,
    Figure,
    award_counts,
    indicator_figures,
)
from thidua.findings import Refused
from thidua.i18n import _
from thidua.models import Ballot, Cluster, Conference, Indicator, Leadership, Member, Pledge
from thidua.names import fold
from thidua.repository import Records
from thidua.scoring import Ranking, ranking

if TYPE_CHECKING:
    from thidua.rendering import FrozenDict


class ReportError(Refused):
    """The report cannot be made; the message says why, in plain words."""


@dataclass(slots=True)
class Unit:
    """A member as it was in the report's year."""

    id: str
    name: str
    kind: str
    code: str | None

    @property
    def title(self) -> str:
        """'tỉnh Thái Bình'; a name that already says its kind ('Sở Tài chính') stays as it is."""
        if fold(self.name).startswith(fold(self.kind)):
            return self.name
        return f"{self.kind} {self.name}"


@dataclass(slots=True)
class TermHandover:
    """Who handed the chair over, when and where."""

    from_unit: Unit | None
    date: date | None
    place: str | None


@dataclass(slots=True)
class Term:
    """The leadership of one year."""

    year: int
    chair: Unit | None = None
    deputy: Unit | None = None
    how: str | None = None
    handover: TermHandover | None = None


@dataclass(slots=True)
class PledgeStatus:
    year: int
    date: date | None
    place: str | None
    signed: list[Unit]
    unsigned: list[Unit]
    movements: list[str]


@dataclass(slots=True)
class Summary:
    """Everything the report of one year says."""

    cluster: Cluster
    year: int
    members: list[Unit]
    figures: list[Figure]
    awards: Awards
    term: Term | None
    next_term: Term | None
    conference: Conference | None
    leading_unit: Unit | None
    next_pledge: PledgeStatus | None
    previous_year: int | None
    changes: dict[str, list[Unit]] = field(default_factory=dict)
    ranking: Ranking | None = None  # the year-end ranking, where the year has score sheets
    ballot: Ballot | None = None  # the vote-count minutes, where the year has them


def _unit(member: Member, year: int) -> Unit:
    name, code, kind = member.as_of(year)
    return Unit(member.id, name, kind, code)


def report_records(root: Path, year: int) -> Records:
    """The records the report of `year` needs, checked: its year, the year before (to compare)
    and the year after (the next chair and pledge); only its own year's award ledger, counted as
    it is read. Raises `thidua.inspection.InvalidRecords` when they have errors."""
    from thidua.inspection import valid_records

    return valid_records(
        root, years={year - 1, year, year + 1}, ledgers={year}, consumers=[AwardTally()]
    )


def build(records: Records, year: int) -> Summary:
    """The report of `year` from valid records (see `report_records`)."""
    cluster = records.cluster
    if year not in records.years:
        have = ", ".join(str(y) for y in records.folders) or _("none")
        raise ReportError(
            _("there is no folder {year}/ in the data (years with records: {have})").format(
                year=year, have=have
            )
        )

    def unit(member_id: str | None, in_year: int = year) -> Unit | None:
        member = cluster.member(member_id)
        return _unit(member, in_year) if member is not None else None

    current = records.years[year]
    following = records.years.get(year + 1)
    members = [_unit(m, year) for m in cluster.active(year)]
    previous_ids = {m.id for m in cluster.active(year - 1)}
    current_ids = {m.id for m in members}
    changes = {
        "joined": [u for u in members if u.id not in previous_ids],
        "left": [
            _unit(cluster.members_by_id[i], year - 1) for i in sorted(previous_ids - current_ids)
        ],
    }

    def term(lead: Leadership | None, in_year: int) -> Term | None:
        if lead is None:
            return None
        handover = None
        if lead.handover is not None:
            handover = TermHandover(
                unit(lead.handover.from_, in_year - 1), lead.handover.date, lead.handover.place
            )
        how = lead.chosen.how if lead.chosen else None
        return Term(in_year, unit(lead.chair, in_year), unit(lead.deputy, in_year), how, handover)

    next_pledge = None
    if following is not None and following.pledge is not None:
        pledge: Pledge = following.pledge.model
        signed_ids = [s.member for s in pledge.signatures]
        active_next = [_unit(m, year + 1) for m in cluster.active(year + 1)]
        next_pledge = PledgeStatus(
            year + 1,
            pledge.date,
            pledge.place,
            [u for u in active_next if u.id in signed_ids],
            [u for u in active_next if u.id not in signed_ids],
            list(pledge.movements),
        )
    conference = current.conference.model if current.conference else None
    before = records.years.get(year - 1)
    return Summary(
        cluster=cluster,
        year=year,
        members=members,
        figures=indicator_figures(records, year),
        awards=award_counts(records, year),
        term=term(current.leadership.model if current.leadership else None, year),
        next_term=term(
            following.leadership.model if following and following.leadership else None, year + 1
        ),
        conference=conference,
        leading_unit=unit(conference.leading_unit) if conference else None,
        next_pledge=next_pledge,
        previous_year=year - 1 if before is not None and before.indicators is not None else None,
        changes=changes,
        ranking=ranking(records, year),
        ballot=current.ballot.model if current.ballot is not None else None,
    )


# --- JSON ------------------------------------------------------------------------------------


def _award_count(c: AwardCount) -> dict[str, Any]:
    """Awards of one type as data: for JSON and for templates alike."""
    return {
        "award": c.award,
        "title": c.title,
        "title_en": c.title_en,
        "total": c.total,
        "collective": c.collective,
        "individual": c.individual,
        "members": dict(sorted(c.members.items())),
    }


def _num(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _unit_json(u: Unit | None) -> dict[str, Any] | None:
    return None if u is None else {"id": u.id, "name": u.name, "kind": u.kind, "code": u.code}


def as_json(summary: Summary) -> dict[str, Any]:
    """The report's figures as data: stable keys, exact values rounded as the report shows them."""

    def figure(f: Figure) -> dict[str, Any]:
        shown, direction = f.headline()
        dec = f.indicator.decimals
        return {
            "id": f.indicator.id,
            "label": f.indicator.label,
            "unit": f.indicator.unit,
            "aggregate": str(f.indicator.aggregate),
            "value": _num(f.rounded),
            "exact": str(f.value) if f.value is not None else None,
            "headline": _num(shown),
            "headline_vs_exact": direction,
            "low": _num(f.low),
            "high": _num(f.high),
            "plan": _num(f.plan),
            "plan_ratio": _num(round_to(f.plan_ratio, 1)) if f.plan_ratio is not None else None,
            "national": _num(f.national),
            "previous": _num(round_to(f.previous, dec)) if f.previous is not None else None,
            "previous_note": f.previous_note,
            "previous_missing": f.previous_missing,
            "previous_common": f.previous_common,
            "reported": len(f.used),
            "expected": len(f.members),
            "missing": f.missing,
            "complete": f.complete,
            "withheld": f.withheld,
            "plan_note": f.plan_note,
            "statuses": f.statuses,
            "members": {
                m.member: {"value": _num(m.value), "plan": _num(m.plan), "status": m.status}
                for m in f.members
            },
        }

    def counts(items: list[AwardCount]) -> list[dict[str, Any]]:
        return [_award_count(c) for c in items]

    def term(t: Term | None) -> dict[str, Any] | None:
        if t is None:
            return None
        out: dict[str, Any] = {
            "year": t.year,
            "chair": _unit_json(t.chair),
            "deputy": _unit_json(t.deputy),
            "how": t.how,
            "handover": None,
        }
        if t.handover:
            out["handover"] = {
                "from": _unit_json(t.handover.from_unit),
                "date": t.handover.date.isoformat() if t.handover.date else None,
                "place": t.handover.place,
            }
        return out

    conf = summary.conference
    pledge = summary.next_pledge
    review = {}  # only where the year has them, so that reports of other years stay as they were
    if summary.ranking is not None:
        from thidua.review import ranking_json

        review["ranking"] = ranking_json(summary.ranking)
    if summary.ballot is not None:
        review["ballot"] = summary.ballot.model_dump(mode="json", by_alias=True)
    return review | {
        "cluster": {"id": summary.cluster.id, "name": summary.cluster.name},
        "year": summary.year,
        "members": [_unit_json(u) for u in summary.members],
        "membership_changes": {k: [u.id for u in v] for k, v in summary.changes.items()},
        "indicators": [figure(f) for f in summary.figures],
        "awards": {
            str(bucket): counts(items) for bucket, items in summary.awards.buckets().items()
        },
        "leadership": term(summary.term),
        "next_leadership": term(summary.next_term),
        "conference": None
        if conf is None
        else {"date": conf.date.isoformat(), "place": conf.place, "host": conf.host},
        "leading_unit": _unit_json(summary.leading_unit),
        "next_pledge": None
        if pledge is None
        else {
            "year": pledge.year,
            "signed": [u.id for u in pledge.signed],
            "unsigned": [u.id for u in pledge.unsigned],
        },
        "previous_year": summary.previous_year,
    }


def as_json_text(summary: Summary) -> str:
    """`as_json` as text: sorted keys, stable from run to run."""
    import json

    return json.dumps(as_json(summary), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# --- explanation -----------------------------------------------------------------------------


def explain(summary: Summary, root: Path | None = None) -> str:
    """For every cluster figure: the rows and files it came from (named as `check` names them,
    under `root`), and the arithmetic."""
    from thidua.output import shown_path

    def where(rel: str | None) -> str:
        return shown_path(root, rel or "")

    out = [f"{summary.cluster.name}: figures of {summary.year}", ""]
    for f in summary.figures:
        ind = f.indicator
        out.append(f"{ind.id} ({ind.label}, {ind.unit}): {ind.aggregate}")
        out.append(f"  = {f.arithmetic}")
        covers = f"  covers {f.coverage} members"
        if f.missing:
            covers += f"; no figure for: {', '.join(f.missing)} (missing: {ind.missing})"
        out.append(covers)
        if f.plan_note:
            out.append(f"  not compared with the {ind.plan or 'plan'}: {f.plan_note}")
        if f.rounded is not None:
            shown, direction = f.headline()
            out.append(f"  shown as {f.rounded} ({ind.decimals} decimals, half up)")
            if ind.headline is not None:
                word = {1: ind.headline.below, -1: ind.headline.above}.get(direction)
                out.append(
                    f"  in the sentence: {(word + ' ') if word else ''}{shown}"
                    f" (to a multiple of {ind.headline.step}, rounding {ind.headline.rounding})"
                )
        for m in f.members:
            row = f"{where(f.file)}:{m.line}" if m.line else "no row"
            value = "empty" if m.value is None else str(m.value)
            if m.parts is not None:
                value = f"{m.parts[0]} / {m.parts[1]} × 100 = {round_to(m.value or Decimal(0), 6)}"
            extra = ", ".join(x for x in (m.status, m.source) if x)
            out.append(f"    {row}: {m.member} {value}" + (f" ({extra})" if extra else ""))
        if f.national is not None:
            out.append(
                f"  national {summary.year}: {f.national} (cluster.yaml, indicator {ind.id})"
            )
        if f.previous is not None:
            note = f"; {f.previous_note}" if f.previous_note else ""
            out.append(f"  {summary.year - 1}: {round_to(f.previous, ind.decimals)}{note}")
        elif f.previous_missing:
            out.append(f"  {summary.year - 1}: not compared: no figure over the same members")
        out.append("")
    for bucket, items in summary.awards.buckets().items():
        for c in items:
            lines = ", ".join(map(str, c.first_lines)) + (
                " …" if c.rows > len(c.first_lines) else ""
            )
            out.append(
                f"awards {bucket} {c.award}: {c.total} ({c.rows} rows of"
                f" {where(summary.awards.file)}: lines {lines})"
            )
    return "\n".join(out).rstrip() + "\n"


# --- template data ---------------------------------------------------------------------------


def _unit_data(u: Unit | None) -> dict[str, Any] | None:
    if u is None:
        return None
    return {"id": u.id, "name": u.name, "kind": u.kind, "code": u.code, "title": u.title}


def _indicator_data(ind: Indicator) -> dict[str, Any]:
    head = ind.headline
    return {
        "id": ind.id,
        "label": ind.label,
        "label_en": ind.label_en,
        "unit": ind.unit,
        "unit_en": ind.unit_en,
        "aggregate": str(ind.aggregate),
        "decimals": ind.decimals,
        "plan": ind.plan,
        "plan_en": ind.plan_en,
        "chart": ind.chart,
        "note": ind.note,
        "headline": None
        if head is None
        else {
            "step": head.step,
            "rounding": str(head.rounding),
            "above": head.above,
            "above_en": head.above_en,
            "below": head.below,
            "below_en": head.below_en,
        },
    }


def _figure_data(f: Figure) -> dict[str, Any]:
    shown, direction = f.headline()
    members = [
        {
            "member": m.member,
            "name": m.name,
            "value": m.value,
            "plan": m.plan,
            "status": m.status,
            "source": m.source,
            "line": m.line,
        }
        for m in f.members
    ]
    return {
        "indicator": _indicator_data(f.indicator),
        "value": f.value,
        "rounded": f.rounded,
        "headline": {"value": shown, "direction": direction},
        "low": f.low,
        "high": f.high,
        "plan": f.plan,
        "plan_ratio": f.plan_ratio,
        "national": f.national,
        "previous": f.previous,
        "previous_note": f.previous_note,
        "previous_missing": f.previous_missing,
        "previous_common": f.previous_common,
        "statuses": f.statuses,
        "members": members,
        "reported": [m for m in members if m["value"] is not None],
        "coverage": _coverage(f),
        "complete": f.complete,
        "partial": f.partial,
        "withheld": f.withheld,
        "plan_note": f.plan_note,
    }


def _coverage(f: Figure) -> dict[str, Any]:
    """How many of the year's members a figure covers, and the names of those it lacks."""
    missing = set(f.missing)
    return {
        "reported": len(f.used),
        "expected": len(f.members),
        "missing": [m.name for m in f.members if m.member in missing],
    }


def _term_data(t: Term | None) -> dict[str, Any] | None:
    if t is None:
        return None
    handover = None
    if t.handover is not None:
        handover = {
            "from_unit": _unit_data(t.handover.from_unit),
            "date": t.handover.date,
            "place": t.handover.place,
        }
    return {
        "year": t.year,
        "chair": _unit_data(t.chair),
        "deputy": _unit_data(t.deputy),
        "how": t.how,
        "handover": handover,
    }


def template_data(summary: Summary) -> FrozenDict:
    """The summary as a template reads it, `s`: frozen mappings and tuples of plain values, with
    everything the shipped templates need computed already, so that no template can reach a
    method of a model. docs/report.md lists every key."""
    from thidua.rendering import FrozenDict, freeze

    awards = summary.awards
    conf = summary.conference
    pledge = summary.next_pledge

    def counts(items: list[AwardCount]) -> list[dict[str, Any]]:
        return [_award_count(c) for c in items]

    data = {
        "year": summary.year,
        "previous_year": summary.previous_year,
        "cluster": {
            "id": summary.cluster.id,
            "name": summary.cluster.name,
            "name_en": summary.cluster.name_en,
            "organizer": summary.cluster.organizer,
            "group_word": summary.cluster.group_word,
        },
        "members": [_unit_data(u) for u in summary.members],
        "changes": {k: [_unit_data(u) for u in v] for k, v in summary.changes.items()},
        "figures": [_figure_data(f) for f in summary.figures],
        "awards": {
            **{str(bucket): counts(items) for bucket, items in awards.buckets().items()},
            "cluster_rows": [
                {
                    "member": r.member,
                    "award": r.award,
                    "count": r.count,
                    "recipient_kind": r.recipient_kind,
                    "status": r.status,
                    "decision_number": r.decision_number,
                    "decision_date": r.decision_date,
                    "issuer": r.issuer,
                    "line": r.line,
                }
                for r in awards.cluster_rows
            ],
        },
        "term": _term_data(summary.term),
        "next_term": _term_data(summary.next_term),
        "conference": None
        if conf is None
        else {
            "year": conf.year,
            "title": conf.title,
            "date": conf.date,
            "place": conf.place,
            "host": conf.host,
            "leading_unit": conf.leading_unit,
            "notes": conf.notes,
            "sources": conf.sources,
        },
        "leading_unit": _unit_data(summary.leading_unit),
        "next_pledge": None
        if pledge is None
        else {
            "year": pledge.year,
            "date": pledge.date,
            "place": pledge.place,
            "signed": [_unit_data(u) for u in pledge.signed],
            "unsigned": [_unit_data(u) for u in pledge.unsigned],
            "movements": pledge.movements,
        },
    }
    from thidua.review import ballot_data, ranking_data

    data["ranking"] = ranking_data(summary.cluster, summary.ranking) if summary.ranking else None
    data["ballot"] = ballot_data(summary.cluster, summary.ballot) if summary.ballot else None
    frozen = freeze(data)
    assert isinstance(frozen, FrozenDict)
    return frozen


# --- rendering -------------------------------------------------------------------------------


def render(summary: Summary, lang: str = "vi", template: Path | None = None) -> str:
    """The report as Markdown, from the shipped template of `lang` or from a user's template
    (rendered in the sandbox; a broken one raises `thidua.rendering.TemplateProblem`). Either
    template gets the same data: `s` (see `template_data`) and `lang`."""
    from thidua.rendering import render_shipped, render_user

    context = {"s": template_data(summary), "lang": lang}
    if template is None:
        return render_shipped(f"report.{lang}.md.j2", lang, context)
    return render_user(template, lang, context)
