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
from typing import TYPE_CHECKING

from thidua.i18n import _

if TYPE_CHECKING:
    from thidua.models import Member

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


# words that stand before a member's name: Tỉnh Hà Nam, TP. Hải Phòng, UBND tỉnh … (folded)
NAME_PREFIXES = (
    "thanh-pho-truc-thuoc-trung-uong",
    "ubnd-tinh",
    "ubnd-thanh-pho",
    "ubnd",
    "tinh",
    "thanh-pho",
    "tp",
    "t-p",
    "huyen",
    "quan",
    "thi-xa",
    "tx",
    "t",
)


def bare(key: str) -> str:
    """A folded name without the word for its kind in front: 'tinh-ha-nam' → 'ha-nam'."""
    for prefix in NAME_PREFIXES:
        if key.startswith(prefix + "-") and len(key) > len(prefix) + 1:
            return key[len(prefix) + 1 :]
    return key


class MemberNames:
    """The members by every key a person may name them with in one year: the id, the name, the
    names they had (after a merger or a renaming), each with or without 'Tỉnh', 'TP.' in front."""

    def __init__(self, members: Iterable[Member], year: int) -> None:
        self.year = year
        self.members = list(members)
        self.by_key: dict[str, list[Member]] = {}
        for m in self.members:
            names = [m.id, m.name, m.name_in(year), *(c.name for c in m.changes if c.name)]
            for name in names:
                for key in {fold(name), bare(fold(name))}:
                    if key and m not in self.by_key.setdefault(key, []):
                        self.by_key[key].append(m)

    def find(self, text: str) -> list[Member]:
        """The members `text` names (more than one: it is ambiguous); of two, the active one."""
        key = fold(text)
        found = self.by_key.get(key) or self.by_key.get(bare(key)) or []
        if len(found) > 1:
            active = [m for m in found if m.active_in(self.year)]
            found = active or found
        return found

    def closest(self, text: str) -> list[str]:
        """Up to three names of that year close to `text`, for a message."""
        names = {fold(m.name_in(self.year)): m.name_in(self.year) for m in self.members}
        names |= {bare(k): v for k, v in names.items()}
        close = difflib.get_close_matches(bare(fold(text)), list(names), n=3, cutoff=0.6)
        return list(dict.fromkeys(names[c] for c in close))


def match_member(members: Iterable[Member], text: str, year: int) -> Member:
    """The member that `text` names, matched forgivingly by id or by its name in `year`.

    'Nam Định', 'nam dinh', 'Tỉnh Nam Định', 'NAM-DINH' and 'nam-dinh' all find Nam Định. Raises
    `LookupError` with a message for a person when no member, or more than one, matches.
    """
    members = list(members)
    found = MemberNames(members, year).find(text)
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
