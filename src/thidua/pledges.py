"""The emulation pledge (giao ước thi đua): a new year's pledge, signatures, and who has signed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from thidua.models import Member, Pledge, Signature
from thidua.names import match_member
from thidua.repository import Repository


class PledgeError(Exception):
    """A pledge request that cannot be done; the message says why."""


@dataclass(slots=True)
class PledgeState:
    """A year's pledge against the members of that year."""

    year: int
    pledge: Pledge
    signed: list[tuple[Member, Signature]]
    unsigned: list[Member]

    @property
    def complete(self) -> bool:
        return not self.unsigned


def state(repo: Repository, year: int) -> PledgeState:
    assert repo.cluster is not None
    record = repo.years.get(year)
    if record is None or record.pledge is None:
        raise PledgeError(
            f"there is no pledge for {year}; start one with: thidua pledge new {year}"
        )
    pledge = record.pledge.model
    active = [m for m in repo.cluster.model.members if m.active_in(year)]
    by_member = {s.member: s for s in pledge.signatures}
    return PledgeState(
        year,
        pledge,
        [(m, by_member[m.id]) for m in active if m.id in by_member],
        [m for m in active if m.id not in by_member],
    )


def new_pledge(repo: Repository, year: int, when: date | None, place: str | None) -> dict[str, Any]:
    """A new pledge for `year`, taking its bases, movements and criteria from the latest earlier one."""
    previous = None
    for y in sorted((y for y in repo.years if y < year), reverse=True):
        if repo.years[y].pledge is not None:
            previous = repo.years[y].pledge.model  # type: ignore[union-attr]
            break
    data: dict[str, Any] = {
        "year": year,
        "title": f"Bản giao ước thi đua năm {year}",
        "date": when,
        "place": place,
    }
    if previous is not None:
        data["bases"] = list(previous.bases)
        data["movements"] = list(previous.movements)
        data["criteria"] = [c.model_dump(exclude_none=True) for c in previous.criteria]
    return data


def signature(
    repo: Repository,
    year: int,
    member_text: str,
    signer: str | None,
    title: str | None,
    when: date,
    taken: set[str],
) -> dict[str, Any]:
    """One signature for `year`, checked: a known member active in `year` that has not signed,
    a signer's name and title, a date inside the year."""
    assert repo.cluster is not None
    try:
        member = match_member(repo.cluster.model.members, member_text, year)
    except LookupError as exc:
        raise PledgeError(str(exc)) from None
    if not member.active_in(year):
        raise PledgeError(f"{member.id} ({member.name}) is not a member in {year}")
    if member.id in taken:
        raise PledgeError(
            f"{member.id} ({member.as_of(year)[0]}) has already signed the {year} pledge"
        )
    if not (signer or "").strip():
        raise PledgeError(f"the signer's name for {member.id} is empty; give --signer NAME")
    if not (title or "").strip():
        raise PledgeError(f"the signer's title for {member.id} is empty; give --title TITLE")
    if when.year != year:
        raise PledgeError(f"the date {when.isoformat()} is not in {year}, the pledge's year")
    taken.add(member.id)
    return {"member": member.id, "signer": signer.strip(), "title": title.strip(), "date": when}  # type: ignore[union-attr]


def signatures_from_csv(
    repo: Repository, year: int, path: Path, taken: set[str], today: date
) -> list[dict[str, Any]]:
    """Every signature in a CSV (member, signer, title, date), all checked before any is recorded."""
    from thidua.csvfile import CsvFile
    from thidua.findings import FileProblem
    from thidua.tables import parse_date

    try:
        table = CsvFile(path, str(path))
        rows = list(table.rows())
    except FileProblem as exc:
        raise PledgeError(exc.finding.message + f" ({path})") from None
    header = [h.lower() for h in table.header]
    missing = {"member", "signer", "title"} - set(header)
    if missing:
        raise PledgeError(f"{path}: the header lacks the column(s) {', '.join(sorted(missing))}")
    out, problems = [], []
    for line, row in rows:
        cells = dict(zip(header, row, strict=False))
        try:
            when = parse_date(cells["date"]) if cells.get("date", "").strip() else today
            out.append(
                signature(
                    repo,
                    year,
                    cells["member"],
                    cells.get("signer"),
                    cells.get("title"),
                    when,
                    taken,
                )
            )
        except (PledgeError, ValueError) as exc:
            problems.append(f"{path}:{line}: {exc}")
    if problems:
        raise PledgeError("nothing was recorded:\n" + "\n".join(problems))
    if not out:
        raise PledgeError(f"{path} has no signatures")
    return out
