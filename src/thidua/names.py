"""Forgiving comparison of Vietnamese names and ids.

`Thái Bình`, `thai binh`, `THAI-BINH` and the id `thai-binh` name the same member; `Hòa Bình` and
`Hoà Bình` are the same name written with the old and the new tone-mark placement, which NFC keeps
apart. `fold` gives the key that makes them equal: no tone or vowel marks, `đ` → `d`, lower case,
words joined by hyphens. It is a key for comparing, never text to store or show.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from thidua.i18n import _

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """The ASCII comparison key of a name or id: 'Hoà Bình' → 'hoa-binh'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_ALNUM.sub("-", bare.lower()).strip("-")


def suggest(text: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to `text` once both are folded, if one is close enough."""
    by_key = {fold(c): c for c in candidates}
    key = fold(text)
    if key in by_key:
        return by_key[key]
    close = difflib.get_close_matches(key, list(by_key), n=1, cutoff=0.6)
    return by_key[close[0]] if close else None


# The combining marks Vietnamese is written with (tones, breve, circumflex, horn).
_VIETNAMESE_MARKS = frozenset("\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323")


def odd_characters(text: str) -> list[str]:
    """The characters of `text` that look like something else or like nothing: letters of other
    scripts (a Cyrillic 'а' for a Latin 'a'), invisible ones (a zero-width space), control
    characters, digits other than 0-9; each as 'U+0430 CYRILLIC SMALL LETTER A'."""
    out: list[str] = []
    for ch in dict.fromkeys(text):
        if ch.isascii() and (ch.isprintable() or ch == " "):
            continue
        category = unicodedata.category(ch)
        name = unicodedata.name(ch, "")
        if category.startswith("L") and name.startswith("LATIN"):
            continue
        if category == "Mn" and ch in _VIETNAMESE_MARKS:
            continue
        out.append(f"U+{ord(ch):04X} {name or unicodedata.category(ch)}")
    return out


def did_you_mean(text: str, candidates: Iterable[str]) -> str:
    """' (did you mean 'x'?)' or nothing; a text with characters that only look right says which."""
    found = suggest(text, candidates)
    hint = meant(found) if found and found != text else ""
    return hint + odd_note(text)


def meant(found: str) -> str:
    """ " (did you mean 'x'?)", in the current language."""
    return _(" (did you mean '{found}'?)").format(found=found)


def odd_note(text: str) -> str:
    """A note naming the odd characters of `text` (see `odd_characters`), or ''."""
    odd = odd_characters(text)
    return _(" ('{text}' contains {odd})").format(text=text, odd=", ".join(odd)) if odd else ""


def match_member(members: Iterable[Any], text: str, year: int) -> Any:
    """The member that `text` names, matched forgivingly by id or by its name in `year`.

    'Nam Định', 'nam dinh', 'NAM-DINH' and 'nam-dinh' all find Nam Định. Raises `LookupError` with
    a message for a person when no member, or more than one, matches.
    """
    key = fold(text)
    members = list(members)
    found = [m for m in members if key in (fold(m.id), fold(m.name_in(year)), fold(m.name))]
    if len(found) > 1:
        active = [m for m in found if m.active_in(year)]
        found = active if len(active) == 1 else found
    if len(found) == 1:
        return found[0]
    if found:
        raise LookupError(
            _("'{text}' could be {ids}; give the id").format(
                text=text, ids=", ".join(m.id for m in found)
            )
        )
    hint = did_you_mean(text, [m.id for m in members] + [m.name_in(year) for m in members])
    raise LookupError(
        _("'{text}' is not a member of the cluster{hint}").format(text=text, hint=hint)
    )
