"""The pledge as a document (bản giao ước thi đua), rendered from a template like the report."""

from __future__ import annotations

from thidua.pledges import PledgeState
from thidua.repository import Repository


def render_pledge(repo: Repository, current: PledgeState) -> str:
    """The pledge of `current.year` in Markdown: the national header, the bases, the movements and
    criteria with their points, and a table of the members' signatures."""
    from thidua.rendering import environment

    assert repo.cluster is not None
    return (
        environment("vi")
        .get_template("pledge.vi.md.j2")
        .render(cluster=repo.cluster.model, p=current.pledge, state=current, year=current.year)
    )
