"""The pledge as a document (bản giao ước thi đua), rendered from a template like the report."""

from __future__ import annotations

from thidua.pledges import PledgeState
from thidua.repository import Repository


def render_pledge(repo: Repository, current: PledgeState) -> str:
    """The pledge of `current.year` in Markdown: the national header, the bases, the movements and
    criteria with their points, and a table of the members' signatures."""
    import jinja2

    from thidua import formatting as fmt
    from thidua.report import TEMPLATES

    assert repo.cluster is not None
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        md=fmt.md,
        number=lambda v, d=None: fmt.number(v, d, "vi"),
        long_date=fmt.date_vi,
        short_date=fmt.short_date,
        place_date=lambda d, place=None: fmt.place_date(place, d, "vi"),
    )
    return env.get_template("pledge.vi.md.j2").render(
        cluster=repo.cluster.model, p=current.pledge, state=current, year=current.year
    )
