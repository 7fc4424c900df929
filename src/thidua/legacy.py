"""Recognise text saved in a legacy Vietnamese encoding, to name it in the error message.

Offices still exchange files typed with the TCVN3 (ABC, ".VnTime" fonts) and VNI fonts, or saved by
Excel as Windows-1258. None of them is valid UTF-8 once it holds a Vietnamese letter. To tell which one a
file most likely is, the bytes are decoded with each candidate and the candidate whose result reads most
like Vietnamese wins: the share of words that read as Vietnamese syllables.

Only recognition lives here; the file is never converted behind the user's back.
"""

from __future__ import annotations

import re
import unicodedata

# TCVN 5712:1993 (TCVN3, "ABC"): one byte per precomposed lower-case letter; capitals of the base
# letters with marks sit at 0xA1-0xA7 (other capitals come from a separate upper-case font).
_TCVN3_LETTERS = (
    "ĂÂÊÔƠƯĐăâêôơưđ",
    "àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ",
)
_TCVN3_CODES = (
    [0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE],
    [
        *(0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
        *(0xCC, 0xCE, 0xCF, 0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
        *(0xDF, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xEB, 0xEC, 0xED, 0xEE),
        *(0xEF, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
    ],
)
TCVN3: dict[int, str] = {
    code: letter
    for letters, codes in zip(_TCVN3_LETTERS, _TCVN3_CODES, strict=True)
    for letter, code in zip(letters[: len(codes)], codes, strict=True)
}

# VNI-Windows: an ASCII vowel followed by a mark, written as a Windows-1252 letter.
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE = "\u0302", "\u0306"
VNI_MARKS: dict[str, str] = {
    "ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT,
    "â": _CIRC, "ê": _BREVE,
    "á": _CIRC + _ACUTE, "à": _CIRC + _GRAVE, "å": _CIRC + _HOOK, "ã": _CIRC + _TILDE,
    "ä": _CIRC + _DOT,
    "é": _BREVE + _ACUTE, "è": _BREVE + _GRAVE, "ú": _BREVE + _HOOK, "ü": _BREVE + _TILDE,
    "ë": _BREVE + _DOT,
}  # fmt: skip
VNI_LETTERS: dict[str, str] = {
    "ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị",
    "Ô": "Ơ", "Ö": "Ư", "Ñ": "Đ", "Í": "Í", "Ì": "Ì", "Æ": "Ỉ", "Ó": "Ĩ", "Ò": "Ị",
}  # fmt: skip
_VOWELS = set("aeiouyAEIOUYơưƠƯ")

ENCODING_NAMES = {
    "tcvn3": "TCVN3 (ABC, phông .VnTime)",
    "vni": "VNI-Windows (phông VNI-Times)",
    "cp1258": "Windows-1258",
    "cp1252": "Windows-1252 (Latin-1)",
}

_VIETNAMESE = set(
    "ăâêôơưđĂÂÊÔƠƯĐ"
    "àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
    "ÀẢÃÁẠẰẲẴẮẶẦẨẪẤẬÈẺẼÉẸỀỂỄẾỆÌỈĨÍỊÒỎÕÓỌỒỔỖỐỘỜỞỠỚỢÙỦŨÚỤỪỬỮỨỰỲỶỸÝỴ"
)


def decode_tcvn3(data: bytes) -> str:
    return "".join(TCVN3.get(b) or chr(b) for b in data)


def decode_vni(data: bytes) -> str:
    text = data.decode("cp1252", errors="replace")
    out: list[str] = []
    for ch in text:
        lower = ch.lower()
        if out and out[-1][-1:] in _VOWELS and lower in VNI_MARKS:
            out[-1] = unicodedata.normalize("NFC", out[-1] + VNI_MARKS[lower])
        elif ch in VNI_LETTERS:
            out.append(VNI_LETTERS[ch])
        else:
            out.append(ch)
    return "".join(out)


def decode_cp1258(data: bytes) -> str:
    return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


_TONES = set("\u0300\u0301\u0303\u0309\u0323")
_WORD = re.compile(r"[^\W\d_]+")


# A Vietnamese syllable without its tone: an initial consonant, a vowel group, a final consonant.
_NUCLEI = [
    "iêu",
    "yêu",
    "uyê",
    "uyu",
    "uya",
    "oai",
    "oay",
    "oao",
    "oeo",
    "uây",
    "uôi",
    "ươi",
    "ươu",
    "ai",
    "ao",
    "au",
    "ay",
    "âu",
    "ây",
    "eo",
    "êu",
    "ia",
    "iê",
    "iu",
    "oa",
    "oă",
    "oe",
    "oi",
    "ôi",
    "ơi",
    "oo",
    "ua",
    "uâ",
    "uê",
    "ui",
    "uô",
    "uy",
    "ưa",
    "ưi",
    "ươ",
    "ưu",
    "uơ",
    "yê",
    "a",
    "ă",
    "â",
    "e",
    "ê",
    "i",
    "o",
    "ô",
    "ơ",
    "u",
    "ư",
    "y",
]
_SYLLABLE = re.compile(
    "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    f"(?:{'|'.join(_NUCLEI)})"
    "(?:ch|ng|nh|[cmnpt])?"
)


def _is_syllable(word: str) -> bool:
    """Whether a word could be one Vietnamese syllable: Vietnamese letters in the shape of a
    syllable (initial, vowels, final), one tone at most, on a vowel."""
    if any(ord(ch) > 127 and ch not in _VIETNAMESE for ch in word):
        return False
    parts = unicodedata.normalize("NFD", word.lower())
    if sum(ch in _TONES for ch in parts) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in parts if ch not in _TONES))
    return _SYLLABLE.fullmatch(bare) is not None


def _vietnamese_share(text: str) -> float:
    """The share of words with non-ASCII letters that read as Vietnamese syllables."""
    words = [w for w in _WORD.findall(text) if not w.isascii()]
    if not words:
        return 0.0
    return sum(map(_is_syllable, words)) / len(words)


def guess_encoding(data: bytes) -> str:
    """The likely legacy encoding of bytes that are not UTF-8: a key of `ENCODING_NAMES`."""
    scores = {  # on a tie, Windows-1258: what Excel saves today
        "cp1258": _vietnamese_share(decode_cp1258(data)),
        "tcvn3": _vietnamese_share(decode_tcvn3(data)),
        "vni": _vietnamese_share(decode_vni(data)),
    }
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] >= 0.5 else "cp1252"
