"""Hostile input, by class: whatever a stranger's pull request holds, `check` ends, in bounded
time and memory, with findings at a file, line and column; never a traceback, a hang or a silent
wrong value. Work is bounded by construction; the tests count it or measure memory, never time."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from conftest import INDICATORS, findings_of, write_repo

KNOWN_FILES = [
    "cluster.yaml",
    "2023/leadership.yaml",
    "2023/conference.yaml",
    "2023/pledge.yaml",
    "2023/indicators.csv",
    "2023/awards.csv",
]


def _only(root: Path, rel: str) -> list[tuple[str, str]]:
    return [(f.code, f.message) for f in findings_of(root) if f.position.path == rel]


# --- a known file's name taken by something that is not a file ---------------------------------


@pytest.mark.parametrize("rel", KNOWN_FILES)
def test_a_folder_where_a_file_should_be(repo, rel):
    root = repo({"2023/indicators.csv": INDICATORS} if rel != "2023/indicators.csv" else {})
    target = root / rel
    if target.exists():
        target.unlink()
    target.mkdir(parents=True)
    assert _only(root, rel) == [
        ("file-unreadable", f"the file cannot be read: {rel} is a folder, not a file")
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("rel", KNOWN_FILES)
def test_a_fifo_is_refused_without_being_opened(repo, rel):
    """Opening a FIFO for reading waits for a writer: the test would hang if the reader did."""
    root = repo({})
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    os.mkfifo(target)
    assert _only(root, rel) == [
        ("file-unreadable", f"the file cannot be read: {rel} is a FIFO (named pipe), not a file")
    ]


@pytest.mark.parametrize("rel", KNOWN_FILES)
def test_a_link_to_a_device_is_refused(repo, rel):
    root = repo({})
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    target.symlink_to("/dev/null")
    assert _only(root, rel) == [
        ("file-unreadable", f"the file cannot be read: {rel} is a device, not a file")
    ]


@pytest.mark.parametrize("rel", ["cluster.yaml", "2023/awards.csv"])
def test_a_socket_is_refused(tmp_path, rel):
    root = tmp_path / "r"  # a short path: socket paths are limited to about 100 bytes
    write_repo(root, {})
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(target))
        assert _only(root, rel) == [
            ("file-unreadable", f"the file cannot be read: {rel} is a socket, not a file")
        ]
    finally:
        server.close()


@pytest.mark.parametrize("rel", ["cluster.yaml", "2023/leadership.yaml", "2023/awards.csv"])
def test_a_link_that_leads_nowhere_is_unreadable(repo, rel):
    root = repo({})
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    target.symlink_to(root / "nowhere")
    assert [code for code, _ in _only(root, rel)] == ["file-unreadable"]


# --- YAML: what a message shows ------------------------------------------------------------------

REFUSED_KEYS = [
    "year: 2023\nchair: an-giang\n? [a, b]\n: x\n",
    "year: 2023\nchair: an-giang\n? {a: 1}\n: x\n",
    "year: 2023\nchair: an-giang\n[a]: x\n[a]: y\n",
    "year: 2023\nchair: &c an-giang\n*c : x\n",
]


@pytest.mark.parametrize("text", REFUSED_KEYS)
def test_a_refused_key_is_reported_once_and_no_internal_name_leaks(repo, text):
    root = repo({"2023/leadership.yaml": text})
    found = findings_of(root)
    assert found, text
    assert all("\x00" not in f.message and "complex-key" not in f.message for f in found)
    assert "field-unknown" not in {f.code for f in found}


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("!!str", "!!str"),
        ("!!int", "!!int"),
        ("!local", "!local"),
        ("!<tag:x.org,1:y>", "tag:x.org,1:y"),
    ],
)
def test_a_tag_is_named_as_typed(repo, typed, shown):
    root = repo({"2023/leadership.yaml": f"year: 2023\nchair: {typed} an-giang\n"})
    messages = [f.message for f in findings_of(root) if f.code == "yaml-tag"]
    assert messages == [
        f"tags such as '{shown}' are not allowed; remove it and write a plain value"
    ]


# --- CSV: where a syntax error is reported ------------------------------------------------------

AWARDS_HEAD = "member,award,count,recipient,recipient_kind\n"
AWARD_ROW = "an-giang,bang-khen,1,Sở Nội vụ,collective\n"


@pytest.mark.parametrize(("before", "after"), [(0, 0), (1, 3), (5000, 10), (9000, 9000)])
def test_an_unterminated_quote_is_reported_where_its_record_starts(repo, before, after):
    broken = 'bac-lieu,bang-khen,1,"Sở Tài chính,collective\n'
    text = AWARDS_HEAD + AWARD_ROW * before + broken + AWARD_ROW * after
    root = repo({"2023/awards.csv": text})
    found = [(f.code, f.position.line) for f in findings_of(root)]
    assert found == [("csv-syntax", before + 2)]


def test_a_stray_quote_is_reported_at_its_record(repo):
    text = AWARDS_HEAD + AWARD_ROW + 'bac-lieu,"bang"-khen,1,,collective\n' + AWARD_ROW
    root = repo({"2023/awards.csv": text})
    assert [(f.code, f.position.line) for f in findings_of(root)] == [("csv-syntax", 3)]
