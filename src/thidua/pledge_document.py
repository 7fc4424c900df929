"""The pledge as a document (bản giao ước thi đua), rendered from a template like the report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from thidua.pledges import PledgeState
from thidua.repository import Records

if TYPE_CHECKING:
    from thidua.rendering import FrozenDict


def pledge_data(records: Records, current: PledgeState) -> FrozenDict:
    """What the pledge's template reads, as frozen template data (no model, no method):
    `cluster` (`id`, `name`, `name_en`), `year`, `p` (the pledge: `year`, `title`, `date`,
    `place`, `bases`, `movements`, `criteria` with `content`, `points`, `group`) and `state`
    (`signed`: each `member` with its `name` that year, `signer`, `title`, `date`; `unsigned`:
    each `member` and `name`)."""
    from thidua.rendering import FrozenDict, freeze

    pledge = current.pledge
    year = current.year
    data: dict[str, Any] = {
        "cluster": {
            "id": records.cluster.id,
            "name": records.cluster.name,
            "name_en": records.cluster.name_en,
        },
        "year": year,
        "p": {
            "year": pledge.year,
            "title": pledge.title,
            "date": pledge.date,
            "place": pledge.place,
            "bases": pledge.bases,
            "movements": pledge.movements,
            "criteria": [
                {"content": c.content, "points": c.points, "group": c.group}
                for c in pledge.criteria
            ],
        },
        "state": {
            "signed": [
                {
                    "member": member.id,
                    "name": member.as_of(year)[0],
                    "signer": sig.signer,
                    "title": sig.title,
                    "date": sig.date,
                }
                for member, sig in current.signed
            ],
            "unsigned": [
                {"member": member.id, "name": member.as_of(year)[0]} for member in current.unsigned
            ],
        },
    }
    frozen = freeze(data)
    assert isinstance(frozen, FrozenDict)
    return frozen


def render_pledge(records: Records, current: PledgeState, template: Path | None = None) -> str:
    """The pledge of `current.year` in Markdown: the national header, the bases, the movements and
    criteria with their points, and a table of the members' signatures; from a user's template
    (in the sandbox) when one is given."""
    from thidua.rendering import render_shipped, render_user

    data = pledge_data(records, current)
    if template is not None:
        return render_user(template, "vi", data)
    return render_shipped("pledge.vi.md.j2", "vi", data)


def render_pledge_docx(
    records: Records, current: PledgeState, template: Path | None = None
) -> bytes:
    """The pledge as a Word document (Decree 30 layout), from the shipped Word template or a
    user's: the same data as the Markdown pledge, and a signature table of every member."""
    from thidua.word import PLEDGE_TEMPLATE, render_docx

    return render_docx(template, PLEDGE_TEMPLATE, "vi", pledge_data(records, current))
