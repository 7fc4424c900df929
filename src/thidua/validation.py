"""Pydantic's validation errors, in plain words, at the line and column of the value."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from thidua.catalogue import (
    FIELD_MISSING,
    FIELD_UNKNOWN,
    NUMBER_DIGITS,
    NUMBER_PRECISION,
    VALUE_INVALID,
    Message,
)
from thidua.findings import Finding
from thidua.i18n import _
from thidua.names import did_you_mean, odd_characters
from thidua.yamlfile import YamlDocument


def _field_names(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names (as written in files) of the model found at `loc` inside `model`."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", {})
        info = next((f for n, f in fields.items() if (f.alias or n) == part), None)
        if info is None:
            return []
        current = _inner_model(info.annotation)
        if current is None:
            return []
    fields = getattr(current, "model_fields", {})
    return [f.alias or n for n, f in fields.items()]


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# Errors raised by the models' own validators with a catalogue code of their own (the numbers of
# `thidua.models.check_number`): their context holds the message's fields.
_OWN_CODES = {"number_digits": NUMBER_DIGITS.message, "number_precision": NUMBER_PRECISION.message}


def _describe(err: ErrorDetails, model: type[BaseModel]) -> tuple[Message, dict[str, Any]]:
    """The catalogue message for one Pydantic error, and its fields (`context` names the field
    for a message that does not)."""
    kind = err["type"]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    name = _where(loc) or _("the file")
    value = err.get("input")
    if kind in _OWN_CODES:
        return _OWN_CODES[kind], {"context": f"{name}: ", **err.get("ctx", {})}
    if kind == "number_quoted":
        text = err.get("ctx", {}).get("text", value)
        problem = _("write {text} without quotes: it is a number, and quotes make it text").format(
            text=text
        )
        return VALUE_INVALID.message, {"where": name, "problem": problem}
    if kind == "text_control":
        code = err.get("ctx", {}).get("code", "")
        problem = _("the text holds the control character {code}; remove it").format(code=code)
        return VALUE_INVALID.message, {"where": name, "problem": problem}
    if kind == "missing":
        return FIELD_MISSING.message, {"name": loc[-1]}
    if kind == "extra_forbidden":
        hint = did_you_mean(str(loc[-1]), _field_names(model, loc[:-1]))
        return FIELD_UNKNOWN.message, {"name": loc[-1], "hint": hint}
    return VALUE_INVALID.message, {"where": name, "problem": _problem(err, kind, value)}


def _problem(err: ErrorDetails, kind: str, value: Any) -> str:
    """What is wrong with a value, in plain words."""
    if kind == "string_type" and isinstance(value, int | Decimal | bool):
        return _('write {value} in quotes ("{value}"), as text').format(value=value)
    if kind == "string_pattern_mismatch":
        if "a-z0-9" in str(err.get("ctx", {}).get("pattern", "")):
            odd = odd_characters(str(value))
            where = _(" (it contains {odd})").format(odd=", ".join(odd)) if odd else ""
            return _(
                "'{value}' is not an id{where}; ids are lower-case ASCII letters, digits and"
                " hyphens, like 'thai-binh' (or underscores for indicators, like 'grdp_growth')"
            ).format(value=value, where=where)
        return _("'{value}' is not a valid code (letters and digits)").format(value=value)
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type"):
        return _("'{value}' is not a date; write 2024-03-13 or 13/03/2024").format(value=value)
    if kind in ("enum", "literal_error"):
        expected = str(err.get("ctx", {}).get("expected", "")).replace(" or ", _(" or "))
        return _("'{value}' is not one of {expected}").format(value=value, expected=expected)
    if kind in ("model_type", "dict_type"):
        return _("expected a mapping of 'key: value' lines here")
    if kind == "list_type":
        return _("expected a list here (lines starting with '- ')")
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    ctx = err.get("ctx", {})
    if kind in ("too_short",):
        return _("there must be at least {n} of them").format(n=ctx.get("min_length", 1))
    if kind in ("less_than_equal", "less_than"):
        limit = ctx.get("le", ctx.get("lt"))
        return _("'{value}' must be at most {limit}").format(value=value, limit=limit)
    if kind in ("greater_than_equal", "greater_than"):
        limit = ctx.get("ge", ctx.get("gt"))
        return _("'{value}' must be at least {limit}").format(value=value, limit=limit)
    if kind in ("int_parsing", "int_type", "int_from_float", "number_bool"):
        return _("'{value}' is not a whole number").format(value=value)
    if kind in ("bool_type", "bool_parsing"):
        return _("'{value}' is not true or false; write true or false").format(value=value)
    if kind in ("decimal_parsing", "decimal_type", "finite_number", "float_parsing"):
        return _("'{value}' is not a number; write it like 6.3 or 235000").format(value=value)
    if kind == "string_type":
        return _("expected text here")
    return f"{err['msg'].lower()}" + (
        f" (found '{value}')" if isinstance(value, str | int | Decimal) else ""
    )


def validation_findings(
    exc: ValidationError, doc: YamlDocument, model: type[BaseModel]
) -> list[Finding]:
    """One finding per error in `exc`, placed at the value it concerns."""
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        message, fields = _describe(err, model)
        key = err["type"] == "extra_forbidden"
        out.append(message.at(doc.position(loc, key=key), **fields))
    return out
