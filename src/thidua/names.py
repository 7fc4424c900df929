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


def did_you_mean(text: str, candidates: Iterable[str]) -> str:
    """' (did you mean 'x'?)' or nothing."""
    found = suggest(text, candidates)
    return f" (did you mean '{found}'?)" if found and found != text else ""
