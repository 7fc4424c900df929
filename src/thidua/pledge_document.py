"""The pledge as a document (bản giao ước thi đua), rendered from a template like the report."""

from __future__ import annotations

from thidua.pledges import PledgeState
from thidua.repository import Records


def render_pledge(records: Records, current: PledgeState) -> str:
    """The pledge of `current.year` in Markdown: the national header, the bases, the movements and
    criteria with their points, and a table of the members' signatures."""
    from thidua.rendering import render_shipped

    return render_shipped(
        "pledge.vi.md.j2",
        "vi",
        cluster=records.cluster,
        p=current.pledge,
        state=current,
        year=current.year,
    )
