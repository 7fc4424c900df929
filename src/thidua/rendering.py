"""The Jinja environment every document is rendered in: the report, the pledge, users' templates.

Templates run in Jinja's sandbox (a user's template cannot reach Python's internals or the file
system), a missing value is an error rather than a blank (`StrictUndefined`), and a small set of
filters formats numbers, units and dates the way the document's language writes them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

TEMPLATES = Path(__file__).parent / "templates"


class FrozenDict(Mapping[str, Any]):
    """A read-only mapping of names to template data. A template reads its values as attributes
    (`s.year`) or items (`s["year"]`); it has no methods a template could reach."""

    __slots__ = ("_items",)
    _items: dict[str, Any]

    def __init__(self, items: Mapping[str, Any] | None = None, /, **more: Any) -> None:
        object.__setattr__(self, "_items", dict(items or {}, **more))

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"FrozenDict({self._items!r})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("template data cannot be changed")

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (self._items,))


Data = FrozenDict | tuple[Any, ...] | str | int | Decimal | bool | date | None


def freeze(value: Any) -> Data:
    """`value` as template data: mappings become `FrozenDict`s, lists and tuples tuples, and the
    leaves plain str, int, bool, Decimal, date or None (a str or int subclass, such as an enum,
    becomes its plain value). Anything else, a model or a function, is a `TypeError`: no object
    with methods ever reaches a template."""
    if value is None or type(value) in (str, int, bool, Decimal, date):
        return value  # type: ignore[no-any-return]
    if isinstance(value, Mapping):
        return FrozenDict({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, Decimal):
        return Decimal(value)
    if isinstance(value, datetime):
        return value.date()
    raise TypeError(f"{type(value).__name__} is not template data")


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


def render_shipped(name: str, lang: str, context: Mapping[str, Any]) -> str:
    """A template shipped with thidua, given `context` as template data (see `freeze`); its
    failing is a bug in thidua, and is not caught."""
    data = freeze(context)
    assert isinstance(data, FrozenDict)
    return environment(lang, TEMPLATES).get_template(name).render(data)


def render_user(template: Path, lang: str, context: Mapping[str, Any]) -> str:
    """A user's template, in the sandbox, given `context` as template data (see `freeze`): any
    failure becomes a `TemplateProblem` that names the template's file and line."""
    import jinja2

    if not template.is_file():
        raise TemplateProblem(f"the template {template} does not exist")
    data = freeze(context)
    assert isinstance(data, FrozenDict)
    try:
        return environment(lang, template.parent).get_template(template.name).render(data)
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
