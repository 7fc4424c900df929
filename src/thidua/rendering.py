"""The Jinja environment every document is rendered in: the report, the pledge, users' templates.

Templates run in Jinja's sandbox (a user's template cannot reach Python's internals or the file
system), a missing value is an error rather than a blank (`StrictUndefined`), and a small set of
filters formats numbers, units and dates the way the document's language writes them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

TEMPLATES = Path(__file__).parent / "templates"


def environment(lang: str = "vi", folder: Path = TEMPLATES) -> jinja2.Environment:
    """A sandboxed environment loading templates from `folder`, with filters for `lang`."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    from thidua import formatting as fmt
    from thidua.figures import round_to

    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(folder)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        number=lambda v, d=None: fmt.number(v, d, lang),
        unit=fmt.with_unit,
        md=fmt.md,
        sentence=fmt.sentence,
        mermaid=fmt.mermaid_text,
        long_date=fmt.date_vi if lang == "vi" else fmt.date_en,
        short_date=lambda d: fmt.short_date(d, lang),
        place_date=lambda d, place=None: fmt.place_date(place, d, lang),
    )
    env.globals.update(round_to=round_to)
    return env
