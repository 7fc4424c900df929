"""Exact decimal arithmetic shared by the figures and their formatting."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)


def round_to(value: Decimal, decimals: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    """`value` rounded to `decimals` places (half up unless told), exactly."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=rounding)
