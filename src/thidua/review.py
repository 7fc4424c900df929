"""The year-end review as output: the ranking (`thidua score`) as a table, JSON or an explanation,
and the award proposals with the ballot minutes (`thidua propose`) as documents, rendered from
templates like the report. The numbers come from `thidua.scoring`; templates decide the wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from thidua.findings import Refused
from thidua.i18n import _
from thidua.models import Ballot, Cluster, Question
from thidua.repository import Records
from thidua.scoring import LAYERS, Ranking, Standing, base_of, passes, ranking, share

if TYPE_CHECKING:
    from thidua.rendering import FrozenDict


class ReviewError(Refused):
    """The review's output cannot be made; the message says why."""


def review_records(root: Path, year: int, *, ledger: bool = True) -> Records:
    """The records of `year`, checked; raises `thidua.inspection.InvalidRecords` when they have
    errors. With `ledger`, its award ledger is read too, so that proposals and ledger are checked
    together (the ranking needs no ledger, which may hold a million rows)."""
    from thidua.inspection import valid_records

    return valid_records(root, years={year}, ledgers={year} if ledger else set())


def _year(records: Records, year: int) -> None:
    if year not in records.years:
        have = ", ".join(str(y) for y in records.folders) or _("none")
        raise ReviewError(
            _("there is no folder {year}/ in the data (years with records: {have})").format(
                year=year, have=have
            )
        )


def year_ranking(records: Records, year: int) -> Ranking:
    """The ranking of `year`, or a refusal saying what is missing."""
    _year(records, year)
    found = ranking(records, year)
    if found is None:
        raise ReviewError(
            _(
                "{year}/ has no score sheet (scores-self.csv, scores-reviewed.csv or"
                " scores-adopted.csv) read under a scheme of scoring.yaml; nothing to rank"
            ).format(year=year)
        )
    return found


# --- the ranking -------------------------------------------------------------------------------


def _num(value: Decimal | None) -> int | float | str | None:
    """A number for JSON: whole numbers as integers, others as exact text."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else str(value)


def _standing_json(s: Standing, scheme_tie_break: list[str]) -> dict[str, Any]:
    return {
        "rank": s.rank,
        "tied": s.tied,
        "member": s.member,
        "name": s.name,
        "layer": str(s.layer),
        "total": _num(s.total),
        "totals": {str(layer): _num(s.total_of(layer)) for layer in LAYERS},
        "reviewed_minus_self": _num(s.difference),
        "tie_break": dict(zip(scheme_tie_break, (_num(k) for k in s.key[1:]), strict=True)),
        "points": {k: _num(v) for k, v in s.used.points.items()},
    }


def ranking_json(r: Ranking) -> dict[str, Any]:
    """The ranking as data: stable keys, exact numbers (decimals as text)."""
    scheme = r.scheme
    return {
        "year": r.year,
        "scheme": {
            "id": scheme.id,
            "issued": {
                "number": scheme.issued.number,
                "date": scheme.issued.date.isoformat() if scheme.issued.date else None,
                "by": scheme.issued.by,
            },
            "scale": _num(scheme.scale),
            "tie_break": list(scheme.tie_break),
        },
        "layers": [str(layer) for layer in r.layers],
        "ranking": [_standing_json(s, list(scheme.tie_break)) for s in r.standings],
        "unscored": r.unscored,
    }


def ranking_json_text(r: Ranking) -> str:
    import json

    return json.dumps(ranking_json(r), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def explain(r: Ranking, root: Path | None = None) -> str:
    """For every member: each sheet's points and where they are, the arithmetic of the total,
    the layer it is ranked on, and what decided its place."""
    from thidua.output import shown_path

    scheme = r.scheme
    out = [
        f"ranking of {r.year}: scheme {scheme.id} ({scheme.issued.number}, {scheme.issued.by})",
        "  order: total, then " + (", ".join(scheme.tie_break) or "nothing") + ", then tied",
        "",
    ]
    for s in r.standings:
        tied = " (tied)" if s.tied else ""
        out.append(f"{s.rank}{tied}. {s.member} ({s.name}): {s.total} on the {s.layer} scores")
        for layer in LAYERS:
            sheet = s.sheets.get(layer)
            if sheet is None:
                continue
            criteria = " + ".join(str(sheet.points[c.id]) for c in scheme.criteria)
            arithmetic = f"({criteria}) = {sheet.criteria}"
            if scheme.bonus.items:
                arithmetic += f"; + bonus {sheet.bonus}"
            if scheme.penalties.items:
                arithmetic += f"; − penalties {sheet.penalty}"
            who = ", ".join(str(x) for x in (sheet.by, sheet.when) if x)
            out.append(
                f"  {layer}: {shown_path(root, sheet.file)}:{sheet.line}"
                + (f" ({who})" if who else "")
            )
            out.append(f"    {arithmetic}; total {sheet.total}")
        if s.difference is not None:
            out.append(f"  reviewed − self: {s.difference}")
        if scheme.tie_break:
            parts = ", ".join(
                f"{ref} {k}" for ref, k in zip(scheme.tie_break, s.key[1:], strict=True)
            )
            out.append(f"  tie-break: {parts}")
        out.append("")
    if r.unscored:
        out.append("not scored: " + ", ".join(r.unscored))
    return "\n".join(out).rstrip() + "\n"


def _standing_data(s: Standing) -> dict[str, Any]:
    return {
        "rank": s.rank,
        "tied": s.tied,
        "member": s.member,
        "name": s.name,
        "layer": str(s.layer),
        "total": s.total,
        "totals": {str(layer): s.total_of(layer) for layer in LAYERS},
        "difference": s.difference,
        "points": dict(s.used.points),
    }


def ranking_data(cluster: Cluster, r: Ranking) -> dict[str, Any]:
    """The ranking as a template reads it (`r`)."""
    scheme = r.scheme
    return {
        "year": r.year,
        "cluster": {
            "id": cluster.id,
            "name": cluster.name,
            "name_en": cluster.name_en,
            "group_word": cluster.group_word,
        },
        "scheme": {
            "id": scheme.id,
            "number": scheme.issued.number,
            "date": scheme.issued.date,
            "by": scheme.issued.by,
            "title": scheme.issued.title,
            "scale": scheme.scale,
            "tie_break": list(scheme.tie_break),
        },
        "layers": [str(layer) for layer in r.layers],
        "standings": [_standing_data(s) for s in r.standings],
        "unscored": r.unscored,
    }


def render_ranking(
    records: Records, r: Ranking, lang: str = "vi", template: Path | None = None
) -> str:
    """The ranking as a Markdown table, in `lang`, from the shipped template or a user's."""
    from thidua.rendering import render_shipped, render_user

    context = {"r": ranking_data(records.cluster, r), "lang": lang}
    if template is None:
        return render_shipped(f"ranking.{lang}.md.j2", lang, context)
    return render_user(template, lang, context)


def ranking_word_context(records: Records, r: Ranking) -> dict[str, Any]:
    """What the Word ranking's template reads: `r`, as the Markdown template gets it, and `doc`:
    `date` and `place` (the year's conference, or none: a dotted place), `chair` (the name of
    the year's chair, or none)."""
    current = records.years[r.year]
    conference = current.conference.model if current.conference is not None else None
    chair = None
    if current.leadership is not None:
        member = records.cluster.member(current.leadership.model.chair)
        chair = member.name_in(r.year) if member is not None else None
    doc = {
        "date": conference.date if conference else None,
        "place": conference.place if conference else None,
        "chair": chair,
    }
    return {"r": ranking_data(records.cluster, r), "lang": "vi", "doc": doc}


# --- the ballot and the proposals --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Authority:
    """Who decides a group of proposals: the award types' level (Thủ tướng Chính phủ, tỉnh, …)."""

    level: str
    proposals: list[dict[str, Any]]


def _question_data(
    ballot: Ballot, question: Question, members: int, names: dict[str, str]
) -> dict[str, Any]:
    threshold = question.threshold or ballot.threshold
    base = base_of(ballot, threshold, members)
    return {
        "id": question.id,
        "subject": question.subject,
        "leading_unit": question.leading_unit,
        "award": question.award,
        "threshold": {
            "percent": threshold.percent,
            "of": str(threshold.of),
            "rule": str(threshold.rule),
            "base": base,
        },
        "nominees": [
            {
                "member": v.member,
                "name": names.get(v.member, v.member),
                "for": v.for_,
                "against": v.against,
                "abstain": v.abstain,
                "share_for": share(v.for_, base),
                "share_against": share(v.against, base),
                "share_abstain": share(v.abstain, base),
                "passed": v.passed,
                "follows": passes(v.for_, base, threshold) == v.passed,
            }
            for v in question.nominees
        ],
        "conclusion": question.conclusion,
    }


def ballot_data(cluster: Cluster, ballot: Ballot) -> dict[str, Any]:
    """The vote-count minutes as a template reads them: the counts, and for each question its
    threshold (with the number it is a share of, `base`) and each nominee's votes and shares."""
    year = ballot.year
    names = {m.id: m.name_in(year) for m in cluster.members}
    members = len(cluster.active(year))
    return {
        "title": ballot.title,
        "date": ballot.date,
        "place": ballot.place,
        "voters": ballot.voters if ballot.voters is not None else members,
        "present": ballot.present,
        "board": list(ballot.board),
        "ballots": {
            "issued": ballot.ballots.issued,
            "returned": ballot.ballots.returned,
            "valid": ballot.ballots.valid,
            "invalid": ballot.ballots.invalid,
        },
        "questions": [_question_data(ballot, q, members, names) for q in ballot.questions],
        "note": ballot.note,
    }


MERIT_VI = {
    "achievement": "Khen thưởng theo công trạng và thành tích đạt được",
    "sudden": "Khen thưởng đột xuất",
    "thematic": "Khen thưởng theo chuyên đề",
    "dedication": "Khen thưởng quá trình cống hiến",
    "seniority": "Khen thưởng theo niên hạn",
    "foreign": "Khen thưởng đối ngoại",
}


def _proposals(records: Records, year: int) -> list[Authority]:
    """The year's proposals that are still proposed (not cut), grouped by who decides them, in
    the order of the award types."""
    sheet = records.years[year].proposals
    if sheet is None:
        return []
    cluster = records.cluster
    types = {t.id: t for t in cluster.award_types}
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in sheet.rows:
        v = row.values
        award = types.get(v.get("award") or "")
        if award is None or v.get("status") == "cut":
            continue
        member = cluster.member(v.get("member"))
        name = member.name_in(year) if member is not None else None
        merit = str(v.get("merit") or "achievement")
        groups.setdefault(award.level, []).append(
            {
                "id": v.get("id"),
                "award": award.id,
                "title": award.title,
                "basis": award.basis,
                "member": v.get("member"),
                "recipient": sheet.table.raw(row, "recipient") or name,
                "recipient_kind": str(v.get("recipient_kind") or "") or None,
                "count": v.get("count") or 1,
                "merit": merit,
                "merit_vi": MERIT_VI[merit],
                "status": str(v.get("status") or "proposed"),
                "date": v.get("date"),
                "achievements": sheet.table.raw(row, "achievements"),
                "decision_number": sheet.table.raw(row, "decision_number"),
                "decision_date": v.get("decision_date"),
                "issuer": sheet.table.raw(row, "issuer"),
                "line": row.line,
            }
        )
    order = {t.level: i for i, t in enumerate(cluster.award_types)}
    return [Authority(level, groups[level]) for level in sorted(groups, key=order.__getitem__)]


def proposal_data(records: Records, year: int) -> FrozenDict:
    """What the proposal template reads: `cluster` (`id`, `name`, `organizer`, `group_word`),
    `year`, `chair` (`id`, `name` of the year's chair, or None), `date` and `place` (the ballot's,
    else the conference's), `authorities` (each `level` and its `proposals`: `id`, `award`,
    `title`, `basis`, `member`, `recipient`, `recipient_kind`, `count`, `merit`, `merit_vi`,
    `status`, `date`, `achievements`, `decision_number`, `decision_date`, `issuer`), `ballot`
    (the minutes, or None: `title`, `date`, `place`, `voters`, `present`, `board`, `ballots`,
    `questions` with their `threshold` and `nominees`), and `ranking` (as `thidua score` gives
    it to its template, or None)."""
    from thidua.rendering import FrozenDict, freeze

    _year(records, year)
    cluster = records.cluster
    current = records.years[year]
    authorities = _proposals(records, year)
    found_ballot = current.ballot
    ballot = ballot_data(cluster, found_ballot.model) if found_ballot is not None else None
    if not authorities and ballot is None:
        raise ReviewError(
            _("{year}/ has no proposals.csv and no ballot.yaml: nothing to propose").format(
                year=year
            )
        )
    chair = None
    if current.leadership is not None:
        member = cluster.member(current.leadership.model.chair)
        if member is not None:
            chair = {"id": member.id, "name": member.name_in(year)}
    conf = current.conference.model if current.conference is not None else None
    found = ranking(records, year)
    data = {
        "cluster": {
            "id": cluster.id,
            "name": cluster.name,
            "organizer": cluster.organizer,
            "group_word": cluster.group_word,
        },
        "year": year,
        "chair": chair,
        "date": ballot["date"] if ballot else (conf.date if conf else None),
        "place": ballot["place"] if ballot and ballot["place"] else (conf.place if conf else None),
        "authorities": [{"level": a.level, "proposals": a.proposals} for a in authorities],
        "ballot": ballot,
        "ranking": ranking_data(cluster, found) if found is not None else None,
    }
    frozen = freeze(data)
    assert isinstance(frozen, FrozenDict)
    return frozen


def render_proposals(records: Records, year: int, template: Path | None = None) -> str:
    """The proposal documents (one tờ trình per awarding authority) and the ballot minutes, in
    Markdown, from the shipped template or a user's (rendered in the sandbox)."""
    from thidua.rendering import render_shipped, render_user

    context = {"d": proposal_data(records, year), "lang": "vi"}
    if template is None:
        return render_shipped("proposals.vi.md.j2", "vi", context)
    return render_user(template, "vi", context)
