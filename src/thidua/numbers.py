"""How a number is written in the records, wherever one is read (CSV cells, YAML values).

A number is written with the ASCII digits 0-9, an optional sign and a decimal point: `6.3`,
`-9.28`, `235000`. Python's `Decimal()` and `int()` (and Pydantic, which calls them) also read
Arabic-Indic `٣`, full-width `３` and other scripts' digits, and `7_0.3` as 70.3: a figure that a
reviewer reads one way and the tool another. Those are refused, with one message, everywhere.

A number has at most `MAX_DIGITS` significant digits, counted as it is written out in full
(`1e25` has 26). The decimal context of the figures computes with 28 digits: a figure of 29 digits
that `check` let through would crash `summarize`. Digits are counted from the text, before any
conversion, so that a cell of a million digits or an exponent of a million costs no arithmetic.
"""

from __future__ import annotations

import re
from decimal import Decimal

# Twenty significant digits: a figure in đồng of a national budget (10^16) with four decimals fits,
# and the sum of 63 members' figures stays well within the 28 digits of the decimal context.
MAX_DIGITS = 20

_NUMBER = re.compile(r"[-+]?(?P<whole>[0-9]*)(?:\.(?P<frac>[0-9]*))?(?:[eE](?P<exp>[-+]?[0-9]+))?")
_PUNCTUATION = re.compile(r"[-+\u2212.,_eE\s]")
_HUGE = 10**9  # the count given for an exponent too long to read: far over any limit


def written_digits(text: str) -> int | None:
    """The significant digits of `text` written out in full, or None if `text` is not a number
    written with ASCII digits (as `Decimal` reads it, less underscores, other digits, inf, nan)."""
    m = _NUMBER.fullmatch(text)
    if m is None or not (m["whole"] or m["frac"]):
        return None
    frac = m["frac"] or ""
    mantissa = (m["whole"] + frac).lstrip("0")
    exp_text = m["exp"] or "0"
    if len(exp_text.lstrip("+-").lstrip("0")) > 9:
        return _HUGE if not exp_text.startswith("-") else max(len(mantissa), 1)
    shift = int(exp_text) - len(frac)
    return max(len(mantissa), 1) + max(shift, 0)


def decimal_digits(value: Decimal | int) -> int:
    """The significant digits of a number already read, written out in full."""
    if isinstance(value, int):
        return len(str(abs(value)))
    _sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # inf, nan
        return _HUGE
    significant = len(digits) - next((i for i, d in enumerate(digits) if d), len(digits) - 1)
    return significant + max(exponent, 0)


def other_digits(text: str) -> bool:
    """Whether `text` is a number written with digits other than ASCII 0-9 (`٣`, `３`, `²`) or with
    underscores (`7_0.3`): what `Decimal()`, `int()` or `str.isdigit()` would take for a number."""
    core = _PUNCTUATION.sub("", text)
    if not core or not all(ch.isdigit() for ch in core):
        return False
    return not text.isascii() or "_" in text


def shown(text: str, width: int = 40) -> str:
    """`text` for a message, cut in the middle when it is long (a cell may hold a megabyte)."""
    if len(text) <= width:
        return text
    return f"{text[: width // 2]}…{text[-(width // 4) :]} ({len(text)} characters)"
