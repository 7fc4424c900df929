"""Vietnamese and English numbers, dates and Markdown safety."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thidua.figures import round_to
from thidua.formatting import date_vi, md, number, place_date, short_date, with_unit


@pytest.mark.parametrize(
    ("value", "decimals", "vi", "en"),
    [
        (Decimal("235384"), 0, "235.384", "235,384"),
        (Decimal("6.3"), 1, "6,3", "6.3"),
        (Decimal("6.25"), 1, "6,3", "6.3"),  # half up, not Babel's half even
        (Decimal("0.125"), 2, "0,13", "0.13"),
        (Decimal("-9.28"), None, "-9,28", "-9.28"),
        (Decimal("7.40"), None, "7,40", "7.40"),  # as written
        (Decimal("1418.2"), 1, "1.418,2", "1,418.2"),
        (None, 0, "–", "–"),
    ],
)
def test_number(value, decimals, vi, en):
    assert number(value, decimals, "vi") == vi
    assert number(value, decimals, "en") == en


@given(
    st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
        lambda d: abs(d.adjusted()) < 20 and d.as_tuple().exponent >= -12
    ),
    st.one_of(st.none(), st.integers(0, 8)),
    st.sampled_from(["vi", "en"]),
)
def test_number_as_babel_writes_it(value, decimals, lang):
    """The separators written out for vi and en are CLDR's: the result is Babel's, digit for digit."""
    from babel.numbers import format_decimal

    expected_decimals = max(-int(value.as_tuple().exponent), 0) if decimals is None else decimals
    pattern = "#,##0" + ("." + "0" * expected_decimals if expected_decimals else "")
    rounded = round_to(value, expected_decimals)
    assert number(value, decimals, lang) == format_decimal(rounded, format=pattern, locale=lang)


def test_units():
    assert with_unit("6,3", "%") == "6,3%"
    assert with_unit("103", "triệu đồng") == "103 triệu đồng"


@pytest.mark.parametrize(
    ("when", "text"),
    [
        (date(2024, 3, 13), "ngày 13 tháng 3 năm 2024"),
        (date(2024, 3, 5), "ngày 05 tháng 3 năm 2024"),
        (date(2023, 2, 28), "ngày 28 tháng 02 năm 2023"),
        (date(2025, 1, 16), "ngày 16 tháng 01 năm 2025"),
        (date(2024, 12, 1), "ngày 01 tháng 12 năm 2024"),
        (date(2024, 10, 14), "ngày 14 tháng 10 năm 2024"),
    ],
)
def test_decree_30_dates(when, text):
    assert date_vi(when) == text


def test_place_date_and_short_date():
    assert place_date("Thái Bình", date(2024, 3, 13)) == "Thái Bình, ngày 13 tháng 3 năm 2024"
    assert place_date("Thái Bình", date(2024, 3, 13), "en") == "Thái Bình, 13 March 2024"
    assert short_date(date(2024, 10, 14)) == "14/10/2024"


@given(st.text())
def test_markdown_escaping_cannot_break_a_table_cell(text):
    out = md(text)
    assert "\n" not in out and "\r" not in out
    unescaped = out.replace("\\\\", "").replace("\\|", "")
    assert "|" not in unescaped


@given(st.decimals(-(10**15), 10**15, places=4), st.integers(0, 3))
def test_rounding_is_half_up_and_close(value, decimals):
    rounded = round_to(value, decimals)
    step = Decimal(1).scaleb(-decimals)
    assert abs(rounded - value) <= step / 2
    if abs(rounded - value) == step / 2:
        assert abs(rounded) > abs(value)  # ties go away from zero


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("1. item", "1\\. item"),
        ("12) item", "12\\) item"),
        ("---", "\\---"),
        ("=== x", "\\=== x"),
        ("~~~", "\\~\\~\\~"),
        ("x\r\n# y", "x \\# y"),
        ("Hà Nam - Ninh Bình", "Hà Nam - Ninh Bình"),  # a hyphen inside the text is text
    ],
)
def test_markdown_escaping_opens_no_block_at_the_start_of_a_line(text, safe):
    assert md(text) == safe


def test_the_dateline_and_the_unit_escape_the_users_text():
    assert place_date("x\n# y", date(2024, 3, 13)) == "x \\# y, ngày 13 tháng 3 năm 2024"
    assert with_unit("5", "[x](javascript:y)") == "5 \\[x\\](javascript:y)"
