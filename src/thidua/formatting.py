"""Numbers, units and dates as Vietnamese (and English) administrative documents write them.

Numbers are rounded exactly, half up, by our own code (Babel alone rounds half to even), then written
with CLDR's decimal and group separators. Those of Vietnamese and English are written out below (a
test compares the result with Babel's): loading Babel's locale data for two characters cost every
report about 20 ms. Other languages go through Babel. Dates follow Nghị định 30/2020/NĐ-CP: "ngày 05
tháng 3 năm 2024", with a leading zero for days below 10 and for months 1 and 2, which Babel's
Vietnamese formats do not do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from thidua.decimals import round_to

MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


# CLDR's decimal separator and group separator (the minus sign is '-' in both)
SEPARATORS = {"vi": (",", "."), "en": (".", ",")}


def number(value: Decimal | int | None, decimals: int | None = None, lang: str = "vi") -> str:
    """235384 → '235.384' (vi) or '235,384' (en); 6.3 → '6,3'. `decimals` None keeps the value's own."""
    if value is None:
        return "–"
    value = Decimal(value)
    if decimals is None:
        decimals = max(-int(value.as_tuple().exponent), 0)
    value = round_to(value, decimals)
    separators = SEPARATORS.get(lang)
    if separators is None or not value.is_finite():
        from babel.numbers import format_decimal

        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=lang)
    point, group = separators
    text = f"{value:,.{decimals}f}"  # exact: a Decimal is formatted digit by digit
    return text.translate({ord(","): group, ord("."): point})


def with_unit(text: str, unit: str, escape: Callable[[object], str] | None = None) -> str:
    """'6,3' + '%' → '6,3%'; '103' + 'triệu đồng' → '103 triệu đồng'. The unit comes from
    cluster.yaml: it is escaped for Markdown (`md`, or `escape`), the figure is the document's own."""
    shown = (escape or md)(unit)
    return f"{text}{shown}" if unit == "%" else f"{text} {shown}"


def date_vi(when: date) -> str:
    """'ngày 13 tháng 3 năm 2024'; 'ngày 05 tháng 02 năm 2024' (Decree 30/2020)."""
    month = f"{when.month:02d}" if when.month <= 2 else str(when.month)
    return f"ngày {when.day:02d} tháng {month} năm {when.year}"


def date_en(when: date) -> str:
    return f"{when.day} {MONTHS_EN[when.month - 1]} {when.year}"


def short_date(when: date, lang: str = "vi") -> str:
    """'13/3/2024' as running text writes it; '13 March 2024' in English."""
    return f"{when.day}/{when.month}/{when.year}" if lang == "vi" else date_en(when)


def place_date(
    place: str | None, when: date, lang: str = "vi", escape: Callable[[object], str] | None = None
) -> str:
    """'Thái Bình, ngày 13 tháng 3 năm 2024', the dateline of a document; the place, a user's
    text, is escaped for Markdown (`md`, or `escape`)."""
    text = date_vi(when) if lang == "vi" else date_en(when)
    return f"{(escape or md)(place)}, {text}" if place else text


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
# what opens a block when it starts a line: a list item (-, +, 1. or 1)), a thematic break or
# setext underline (---, ===), a code fence (~~~; ``` is escaped anyway)
_MD_LEADING = re.compile(r"^(?:([-+=])|\d+([.)]))")


def md(text: object) -> str:
    """Text made safe anywhere in Markdown (a table cell, a list item, the start of a line): on one
    line, and no character can open a block, a heading, a link, an HTML tag, code or emphasis.
    Every user's text reaches a document through this one function."""
    out = _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    lead = _MD_LEADING.match(out)
    if lead is not None:
        at = lead.start(1) if lead.group(1) else lead.start(2)
        out = f"{out[:at]}\\{out[at:]}"
    return out


def plain(text: object) -> str:
    """Text on one line, as a Word document takes a user's text (its XML escaping is the
    template's): `md`'s counterpart there."""
    return " ".join(str(text).split())


def sentence(text: str) -> str:
    """The first letter in upper case, the rest as written: 'tỉnh Thái Bình' → 'Tỉnh Thái Bình'."""
    return text[:1].upper() + text[1:]


def mermaid_text(text: str) -> str:
    """A label inside a Mermaid chart, between double quotes: on one line (no line break of any
    kind can end the chart's code block), no double quote."""
    return " ".join(str(text).split()).replace('"', "'")
