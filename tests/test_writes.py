"""Writes that never lose data: text edits keep every line people wrote, writes are atomic, locked,
and refuse files that changed on disk."""

from __future__ import annotations

import difflib
import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY, findings_of, snapshot
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.inspection import check_repository
from thidua.models import Pledge
from thidua.recording import signatures_change
from thidua.writes import Change, WriteRefused, apply, locked, write_atomic
from thidua.yamledit import append_item, scalar, set_key
from thidua.yamlfile import load_yaml

COMMENTED = """\
# yaml-language-server: $schema=../schemas/pledge.schema.json
# Hand-written notes at the top.
year: 2023   # the year, as the folder says
title: 'Bản giao ước thi đua năm 2023'   # quoted on purpose

movements:
  - Cả nước chung sức xây dựng nông thôn mới   # movement note
signatures:
  # the first to sign
  - member: an-giang
    signer: "Nguyễn Văn A"
    title: Phó Chủ tịch UBND tỉnh   # title note
    date: 2023-03-13

  # a comment after the last signature
# a comment at the end
"""


def only_insertions(old: str, new: str) -> list[str]:
    """The lines `new` adds to `old`, failing if any line of `old` changed or went."""
    matcher = difflib.SequenceMatcher(a=old.splitlines(), b=new.splitlines(), autojunk=False)
    added = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        assert tag in ("equal", "insert"), f"line(s) {i1 + 1}-{i2} changed: {tag}"
        added += new.splitlines()[j1:j2] if tag == "insert" else []
    return added


def test_signing_keeps_every_comment_and_adds_only_the_signature(repo):
    root = repo({"2023/pledge.yaml": COMMENTED})
    pledge = Pledge.model_validate(load_yaml(COMMENTED, "p")[0].data)
    change = signatures_change(
        root,
        2023,
        pledge,
        [{"member": "bac-lieu", "signer": "Trần B", "title": "Chủ tịch", "date": "2023-03-13"}],
    )
    added = only_insertions(COMMENTED, change.after)
    assert added == [
        "  - member: bac-lieu",
        "    signer: Trần B",
        "    title: Chủ tịch",
        "    date: 2023-03-13",
    ]
    apply([change], root)
    assert findings_of(root)[0].code == "pledge-unsigned"  # ca-mau has not signed: still valid


@pytest.mark.parametrize(
    ("bom", "newline"), [(b"", b"\n"), (b"\xef\xbb\xbf", b"\n"), (b"", b"\r\n")]
)
def test_byte_order_mark_and_line_ends_are_kept(repo, bom, newline):
    raw = bom + COMMENTED.encode().replace(b"\n", newline)
    root = repo({"2023/pledge.yaml": raw})
    pledge = Pledge.model_validate(load_yaml(COMMENTED, "p")[0].data)
    change = signatures_change(
        root, 2023, pledge, [{"member": "ca-mau", "title": "x", "date": "2023-03-13"}]
    )
    apply([change], root)
    after = (root / "2023/pledge.yaml").read_bytes()
    assert after.startswith(bom) and after.count(b"\xef\xbb\xbf") == len(bom) // 3
    lines = after[len(bom) :].split(b"\n")
    assert all(line.endswith(b"\r") for line in lines[:-1]) == (newline == b"\r\n")
    text = after[len(bom) :].decode().replace("\r\n", "\n")
    assert only_insertions(COMMENTED, text) == [
        "  - member: ca-mau",
        "    title: x",
        "    date: 2023-03-13",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "year: 2023\nsignatures: []\n",
        "year: 2023\nsignatures:\n",
        "year: 2023\n",
        "year: 2023\nsignatures:\n- member: an-giang\n  title: x\n  date: 2023-01-02\n",
        "year: 2023\nsignatures:\n    -   member: an-giang\n        title: x\n        date: 2023-01-02",
        "year: 2023\nsignatures: [{member: an-giang, title: x, date: 2023-01-02}]\nnote: y\n",
    ],
)
def test_append_to_any_shape_of_list(text):
    new = append_item(
        text, "signatures", {"member": "ca-mau", "title": "Giám đốc: Sở", "date": "2023-03-01"}
    )
    data = load_yaml(new, "p")[0].data
    assert data["signatures"][-1] == {
        "member": "ca-mau",
        "title": "Giám đốc: Sở",
        "date": "2023-03-01",
    }
    assert len(data["signatures"]) == text.count("an-giang") + 1
    assert data["year"] == 2023


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.text(min_size=1, max_size=30).filter(lambda t: t.strip() == t and t.isprintable()),
        min_size=1,
        max_size=4,
    ),
    comments=st.lists(
        st.sampled_from(["", "  # c", "  # note: x", "\n", "  # ghi chú: Hoà Bình"]),
        min_size=4,
        max_size=4,
    ),
)
def test_appending_any_text_reads_back_and_keeps_all_lines(values, comments):
    text = (
        f"year: 2023{comments[0]}\n"
        f"signatures:{comments[1]}\n"
        f"  - member: an-giang{comments[2]}\n    title: x\n{comments[3]}\n"
        "note: end\n"
    )
    new = text
    for i, value in enumerate(values):
        new = append_item(new, "signatures", {"member": f"m{i}", "title": value})
    only_insertions(text, new)
    data = load_yaml(new, "p")[0].data
    assert [s["title"] for s in data["signatures"][1:]] == values
    assert data["note"] == "end"


@given(st.text(max_size=40))
def test_scalars_read_back_as_written(value):
    data = load_yaml(f"a: {scalar(value)}\n", "s")[0].data
    assert data["a"] == value


def test_set_key_replaces_only_its_lines():
    text = "year: 2024 # c\nchair: a  # chair note\nchosen:\n  how: bầu  # inner\n  date: 2024-01-01\n# after\nnote: n\n"
    new = set_key(set_key(text, "chair", "b"), "chosen", {"how": "suy tôn"})
    assert (
        new == "year: 2024 # c\nchair: b  # chair note\nchosen:\n  how: suy tôn\n# after\nnote: n\n"
    )


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "f.yaml"
    path.write_text("old\n")

    def broken_replace(self, target):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "replace", broken_replace)
    with pytest.raises(WriteRefused, match="the disk is full"):
        write_atomic(path, "new\n")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.yaml"]


def test_a_file_changed_on_disk_is_not_overwritten(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("a: 1\n")
    change = Change.of(path, "a: 2\n")
    path.write_text("a: 3\n")  # someone saved the file meanwhile
    with pytest.raises(WriteRefused):
        apply([change], tmp_path)
    assert path.read_text() == "a: 3\n"


def test_dry_run_writes_nothing_and_shows_a_diff(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("a: 1\n")
    diff = apply([Change.of(path, "a: 2\n")], tmp_path, dry_run=True)
    assert "-a: 1\n+a: 2\n" in diff
    assert path.read_text() == "a: 1\n"


def test_the_lock_refuses_a_second_writer(tmp_path):
    with locked(tmp_path), pytest.raises(WriteRefused) as info, locked(tmp_path, timeout=0.1):
        pass
    assert "another thidua command" in str(info.value)


def test_concurrent_signers_all_get_their_signature(data_copy):
    """Nine processes sign the same new pledge at the same moment; none is lost."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    thidua = [sys.executable, "-m", "thidua"]
    subprocess.run(
        [*thidua, "pledge", "new", "2025", "--data", str(data_copy)],
        check=True,
        env=env,
        capture_output=True,
    )
    members = [
        "thai-binh",
        "ha-nam",
        "nam-dinh",
        "hung-yen",
        "bac-ninh",
        "quang-ninh",
        "hai-duong",
        "vinh-phuc",
        "ninh-binh",
    ]
    procs = [
        subprocess.Popen(
            [*thidua, "sign-pledge", "2025", "--data", str(data_copy), "--member", m, "--signer", f"Người ký {m}",
             "--title", "Phó Chủ tịch UBND tỉnh", "--date", "2025-03-12"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for m in members
    ]  # fmt: skip
    assert [p.wait(timeout=120) for p in procs] == [0] * len(members)
    pledge = load_yaml((data_copy / "2025/pledge.yaml").read_text(encoding="utf-8"), "p")[0].data
    assert sorted(s["member"] for s in pledge["signatures"]) == sorted(members)
    assert check_repository(data_copy, today=TODAY)[0] == []


def test_real_data_files_survive_a_round_of_writes_byte_for_byte(data_copy):
    """Recording 2025 touches only the 2025 folder: every existing file stays byte-identical."""
    before = snapshot(data_copy)
    from typer.testing import CliRunner

    from thidua.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["rotate", "2025", "--data", str(data_copy), "--yes"]).exit_code == 0
    assert runner.invoke(app, ["pledge", "new", "2025", "--data", str(data_copy)]).exit_code == 0
    after = snapshot(data_copy)
    assert {k: v for k, v in after.items() if not k.startswith("2025")} == before
    assert sorted(k for k in after if k.startswith("2025")) == [
        "2025/leadership.yaml",
        "2025/pledge.yaml",
    ]
