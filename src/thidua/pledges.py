"""The emulation pledge (giao ước thi đua): a new year's pledge, signatures, and who has signed."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from thidua.findings import Refused
from thidua.i18n import N_, _
from thidua.models import Member, Pledge, Signature
from thidua.names import match_member
from thidua.recording import new_pledge_change, signatures_change
from thidua.repository import Records
from thidua.textfile import nfc
from thidua.writes import Change

NOT_RECORDED = N_("(name not recorded)")


class PledgeError(Refused):
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

    def headline(self) -> str:
        """'Pledge 2024: 9 of 9 members have signed.'"""
        total = len(self.signed) + len(self.unsigned)
        return _("Pledge {year}: {signed} of {total} members have signed.").format(
            year=self.year, signed=len(self.signed), total=total
        )

    def rows(self) -> list[list[str]]:
        """A row per member: signed or not, its id and name, the date and who signed."""
        out = []
        for member, sig in self.signed:
            signer = f"{sig.signer or _(NOT_RECORDED)}, {sig.title}"
            name = member.name_in(self.year)
            out.append([_("signed"), member.id, name, sig.date.isoformat(), signer])
        for member in self.unsigned:
            out.append([_("not signed"), member.id, member.name_in(self.year), "", ""])
        return out


def state(records: Records, year: int) -> PledgeState:
    """Who has signed the pledge of `year` and who has not; `PledgeError` if there is none."""
    record = records.years.get(year)
    if record is None or record.pledge is None:
        raise PledgeError(
            _("there is no pledge for {year}; start one with: thidua pledge new {year}").format(
                year=year
            )
        )
    pledge = record.pledge.model
    active = records.cluster.active(year)
    by_member = {s.member: s for s in pledge.signatures}
    return PledgeState(
        year,
        pledge,
        [(m, by_member[m.id]) for m in active if m.id in by_member],
        [m for m in active if m.id not in by_member],
    )


def new_pledge(records: Records, year: int, when: date | None, place: str | None) -> dict[str, Any]:
    """A new pledge for `year`, taking its bases, movements and criteria from the latest earlier
    one. Refuses a year that has a pledge already."""
    if (records.root / str(year) / "pledge.yaml").exists():
        raise PledgeError(_("{year}/pledge.yaml exists already").format(year=year))
    if place is not None:
        place = _plain(place, _("the place of the pledge"), "--place PLACE")
    earlier = [
        loaded.model
        for y, record in sorted(records.years.items(), reverse=True)
        if y < year and (loaded := record.pledge) is not None
    ]
    previous = earlier[0] if earlier else None
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


def _plain(text: str | None, what: str, option: str) -> str:
    """`text` stripped and NFC, if it is one line of printable text; else `PledgeError`."""
    value = nfc((text or "").strip())
    if not value:
        raise PledgeError(_("{what} is empty; give {option}").format(what=what, option=option))
    odd = [ch for ch in value if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cn")]
    if odd:
        names = ", ".join(f"U+{ord(ch):04X}" for ch in dict.fromkeys(odd))
        raise PledgeError(
            _("{what} contains {names}, which is not text a record can hold").format(
                what=what, names=names
            )
        )
    return value


def signature(
    records: Records,
    year: int,
    member_text: str,
    signer: str | None,
    title: str | None,
    when: date,
    taken: set[str],
) -> dict[str, Any]:
    """One signature for `year`, checked: a known member active in `year` that has not signed,
    a signer's name and title, a date inside the year."""
    try:
        member = match_member(records.cluster.members, member_text, year)
    except LookupError as exc:
        raise PledgeError(str(exc)) from None
    if not member.active_in(year):
        raise PledgeError(
            _("{id} ({name}) is not a member in {year}").format(
                id=member.id, name=member.name, year=year
            )
        )
    if member.id in taken:
        raise PledgeError(
            _("{id} ({name}) has already signed the {year} pledge").format(
                id=member.id, name=member.name_in(year), year=year
            )
        )
    signer = _plain(signer, _("the signer's name for {id}").format(id=member.id), "--signer NAME")
    title = _plain(title, _("the signer's title for {id}").format(id=member.id), "--title TITLE")
    if when.year != year:
        raise PledgeError(
            _("the date {date} is not in {year}, the pledge's year").format(
                date=when.isoformat(), year=year
            )
        )
    taken.add(member.id)
    return {"member": member.id, "signer": signer, "title": title, "date": when}


def signatures_from_csv(
    records: Records, year: int, path: Path, taken: set[str], today: date
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
        raise PledgeError(
            _("{path}: the header lacks the column(s) {columns}").format(
                path=path, columns=", ".join(sorted(missing))
            )
        )
    out, problems = [], []
    for line, row in rows:
        cells = dict(zip(header, row, strict=False))
        try:
            when = parse_date(cells["date"]) if cells.get("date", "").strip() else today
            out.append(
                signature(
                    records,
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
        raise PledgeError(_("nothing was recorded:") + "\n" + "\n".join(problems))
    if not out:
        raise PledgeError(_("{path} has no signatures").format(path=path))
    return out


def signing_change(
    records: Records,
    year: int,
    *,
    member: str | None = None,
    signer: str | None = None,
    title: str | None = None,
    when: date | None = None,
    from_csv: Path | None = None,
    today: date,
) -> Change:
    """The pledge of `year` with one signature (`member`, `signer`, `title`) or every signature of
    a CSV (`from_csv`) added, all checked before any is recorded; `when` defaults to `today`."""
    current = state(records, year)
    taken = {s.member for s in current.pledge.signatures}
    day = when or today
    if from_csv is not None:
        signatures = signatures_from_csv(records, year, from_csv, taken, day)
    elif member is not None:
        signatures = [signature(records, year, member, signer, title, day, taken)]
    else:
        raise PledgeError(_("give a member (with its signer and title) or a CSV of signatures"))
    return signatures_change(records.root, year, current.pledge, signatures)


def starting_change(records: Records, year: int, when: date | None, place: str | None) -> Change:
    """A new pledge.yaml for `year`, from the latest earlier pledge, listing who is to sign."""
    started = new_pledge(records, year, when, place)
    members = [m.id for m in records.cluster.active(year)]
    return new_pledge_change(records.root, year, started, members)
