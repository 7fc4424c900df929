"""Reading bytes as text: limits, binary files, byte-order marks, legacy Vietnamese encodings, NFC."""

from __future__ import annotations

import unicodedata

import pytest

from thidua import textfile
from thidua.findings import FileProblem
from thidua.legacy import TCVN3, VNI_LETTERS, VNI_MARKS, guess_encoding
from thidua.textfile import read_text

SAMPLE = "cộng hòa xã hội chủ nghĩa việt nam, tỉnh thái bình, hưng yên, nam định, bằng khen"


def to_tcvn3(text: str) -> bytes:
    table = {letter: code for code, letter in TCVN3.items()}
    return bytes(table[ch] if ord(ch) > 127 else ord(ch) for ch in text)


def to_vni(text: str) -> bytes:
    marks = {v: k for k, v in VNI_MARKS.items()}
    letters = {v: k for k, v in VNI_LETTERS.items()}
    out = []
    for ch in text:
        if ord(ch) < 128:
            out.append(ch)
            continue
        if ch in letters:
            out.append(letters[ch])
            continue
        base, *rest = unicodedata.normalize("NFD", ch)
        if base in "ou" and "\u031b" in rest:  # ơ, ư with a tone
            rest.remove("\u031b")
            base = letters[unicodedata.normalize("NFC", base + "\u031b")]
        if base == "i" and rest:
            out.append(letters[ch])
            continue
        rest.sort(key=lambda mark: mark not in "\u0302\u0306")  # vowel mark, then tone
        out.append(base + marks["".join(rest)])
    return "".join(out).encode("cp1252")


def to_cp1258(text: str) -> bytes:
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tone = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tone))
            out += (base + tone).encode("cp1258")
    return out


@pytest.mark.parametrize(
    ("encode", "expected"), [(to_tcvn3, "tcvn3"), (to_vni, "vni"), (to_cp1258, "cp1258")]
)
def test_legacy_encodings_are_recognised(encode, expected):
    assert guess_encoding(encode(SAMPLE)) == expected


@pytest.mark.parametrize(
    ("encode", "name", "column"),
    [(to_tcvn3, "TCVN3", 8), (to_vni, "VNI", 8), (to_cp1258, "Windows-1258", 9)],
)
def test_legacy_file_is_refused_with_its_likely_encoding(tmp_path, encode, name, column):
    path = tmp_path / "f.yaml"
    path.write_bytes(b"id: x\nname: " + encode("tỉnh thái bình, nam định") + b"\n")
    with pytest.raises(FileProblem) as info:
        read_text(path, "f.yaml")
    finding = info.value.finding
    assert finding.code == "file-encoding"
    assert (finding.position.line, finding.position.column) == (2, column)
    assert name in finding.message


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_bytes(b"\xef\xbb\xbfname: Th\xc3\xa1i B\xc3\xacnh\n")
    assert read_text(path, "f.yaml") == "name: Thái Bình\n"


def test_nfd_text_is_normalised_to_nfc(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(unicodedata.normalize("NFD", "name: Thái Bình\n"), encoding="utf-8")
    text = read_text(path, "f.yaml")
    assert text == "name: Thái Bình\n"
    assert unicodedata.is_normalized("NFC", text)


def test_empty_file(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_bytes(b"")
    with pytest.raises(FileProblem) as info:
        read_text(path, "f.yaml")
    assert info.value.finding.code == "file-empty"


@pytest.mark.parametrize(
    ("head", "hint"),
    [
        (b"PK\x03\x04\x14\x00\x00\x00", "xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "xls"),
        ("name: x\n".encode("utf-16"), "UTF-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", ""),
    ],
)
def test_binary_file(tmp_path, head, hint):
    path = tmp_path / "f.yaml"
    path.write_bytes(head + b"\x00" * 64)
    with pytest.raises(FileProblem) as info:
        read_text(path, "f.yaml")
    assert info.value.finding.code == "file-binary"
    assert hint in info.value.finding.message


def test_file_too_large(tmp_path, monkeypatch):
    path = tmp_path / "f.yaml"
    path.write_text("a: 1\n" * 1000)
    with pytest.raises(FileProblem) as info:
        read_text(path, "f.yaml", limit=1024)
    assert info.value.finding.code == "file-too-large"
    assert textfile.YAML_LIMIT >= 1024 * 1024


def test_unreadable_file(tmp_path):
    path = tmp_path / "f.yaml"
    path.mkdir()
    with pytest.raises(FileProblem) as info:
        read_text(path, "f.yaml")
    assert info.value.finding.code in ("file-unreadable", "file-empty")
