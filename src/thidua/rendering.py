"""The Jinja environment every document is rendered in: the report, the pledge, users' templates.

Templates run in Jinja's sandbox (a user's template cannot reach Python's internals or the file
system), a missing value is an error rather than a blank (`StrictUndefined`), and a small set of
filters formats numbers, units and dates the way the document's language writes them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

TEMPLATES = Path(__file__).parent / "templates"


def environment(lang: str = "vi", folder: Path = TEMPLATES) -> jinja2.Environment:
    """A sandboxed environment loading templates from `folder`, with filters for `lang`."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    from thidua import formatting as fmt
    from thidua.decimals import round_to

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


class TemplateProblem(Exception):
    """A user's template that cannot be rendered; the message names its file and line."""


def render_shipped(name: str, lang: str, /, **context: Any) -> str:
    """A template shipped with thidua; its failing is a bug in thidua, and is not caught."""
    return environment(lang, TEMPLATES).get_template(name).render(**context)


def render_user(template: Path, lang: str, /, **context: Any) -> str:
    """A user's template, in the sandbox: any failure becomes a `TemplateProblem` that names the
    template's file and line."""
    import jinja2

    if not template.is_file():
        raise TemplateProblem(f"the template {template} does not exist")
    try:
        return environment(lang, template.parent).get_template(template.name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        where = f"{exc.filename or template}:{exc.lineno}"
        raise TemplateProblem(f"{where}: template error: {exc.message}") from None
    except jinja2.TemplateError as exc:
        line = _template_line(exc, template)
        raise TemplateProblem(
            f"{template}{line}: template error: {type(exc).__name__}: {exc}"
        ) from None
    except Exception as exc:  # the template's own arithmetic, a filter given the wrong value, …
        line = _template_line(exc, template)
        raise TemplateProblem(
            f"{template}{line}: the template failed: {type(exc).__name__}: {exc}"
        ) from None


def _template_line(exc: BaseException, template: Path) -> str:
    """':LINE' of the user's template where `exc` was raised, if the traceback shows it."""
    tb = exc.__traceback__
    line = ""
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == str(template):
            line = f":{tb.tb_lineno}"
        tb = tb.tb_next
    return line
