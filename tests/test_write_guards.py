"""No command writes outside the data folder and its --output, never over a record, and never
through a symbolic link; every refusal is a message with exit 1 (2 for a bad option) and leaves
every file as it was."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path

import pytest
from conftest import snapshot
from typer.testing import CliRunner

from thidua.cli import app
from thidua.writes import TEMPORARY_PREFIX, WriteRefused, locked, write_atomic

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), env={"GITHUB_ACTIONS": ""})


SIGN = ["--member", "ha-nam", "--signer", "Nguyễn Văn A", "--title", "Phó Chủ tịch UBND tỉnh"]


@pytest.mark.parametrize(
    "target",
    [
        "data/cluster.yaml",
        "data/2023/indicators.csv",
        "data/2023/awards.csv",
        "data/2024/pledge.yaml",
        "data/2023/new.yaml",
        "data/notes.CSV",
    ],
)
def test_a_report_is_never_written_over_a_record(data_copy, monkeypatch, target):
    monkeypatch.chdir(data_copy.parent)
    before = snapshot(data_copy)
    result = run("summarize", "2023", "--output", target)
    assert result.exit_code == 1
    assert "records" in result.output
    assert snapshot(data_copy) == before


def test_a_report_may_be_kept_beside_the_records_as_markdown(data_copy, monkeypatch):
    monkeypatch.chdir(data_copy.parent)
    assert run("summarize", "2023", "--output", "data/bao-cao-2023.md").exit_code == 0
    assert (data_copy / "bao-cao-2023.md").read_text(encoding="utf-8").startswith("# BÁO CÁO")
    assert run("check", "data").exit_code == 0  # thidua does not read .md files


def test_output_through_a_symbolic_link_is_refused(data_copy, monkeypatch):
    monkeypatch.chdir(data_copy.parent)
    outside = data_copy.parent / "elsewhere.md"
    outside.write_text("mine\n")
    Path("link.md").symlink_to(outside)
    result = run("summarize", "2023", "--output", "link.md")
    assert result.exit_code == 1
    assert "symbolic link" in result.output
    assert outside.read_text() == "mine\n"
    assert Path("link.md").is_symlink()


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("data", "is a folder"),
        ("data/cluster.yaml/x.md", "a file stands where a folder is needed"),
        ("x" * 300 + ".md", "the name is too long"),
    ],
)
def test_bad_output_names_are_messages(data_copy, monkeypatch, name, says):
    monkeypatch.chdir(data_copy.parent)
    before = snapshot(data_copy)
    for command in (["summarize", "2023"], ["pledge", "2024"]):
        result = run(*command, "--output", name)
        assert result.exit_code == 1, result.output
        assert says in result.output
    assert snapshot(data_copy) == before


def test_a_year_folder_that_leads_out_of_the_data_folder_is_not_written(data_copy, tmp_path):
    outside = tmp_path / "outside-2025"
    outside.mkdir()
    (outside / "pledge.yaml").write_text("year: 2025\nsignatures: []\n", encoding="utf-8")
    (data_copy / "2025").symlink_to(outside, target_is_directory=True)
    before = (outside / "pledge.yaml").read_bytes()
    result = run("sign-pledge", "2025", "--data", str(data_copy), *SIGN, "--date", "2025-03-01")
    assert result.exit_code == 1
    assert "leads out of the data folder" in result.output
    assert (outside / "pledge.yaml").read_bytes() == before


def test_a_read_only_folder_is_a_message_and_nothing_changes(tmp_path, monkeypatch):
    path = tmp_path / "f.md"
    path.write_text("old\n")

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    with pytest.raises(WriteRefused, match="permission denied"):
        write_atomic(path, "new\n")
    assert path.read_text() == "old\n"


def test_a_leftover_of_a_crashed_write_is_removed_under_the_lock(tmp_path):
    (tmp_path / "2024").mkdir()
    stale = tmp_path / "2024" / f"{TEMPORARY_PREFIX}pledge.yaml.abc123.tmp"
    stale.write_text("half a file")
    kept = tmp_path / "2024" / ".notes.tmp"  # not ours
    kept.write_text("x")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    with locked(tmp_path):
        pass
    assert not stale.exists()
    assert kept.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["rotate", "99999"],
        ["rotate", "0099"],
        ["pledge", "new", "99999"],
        ["pledge", "0099"],
        ["summarize", "1800"],
        ["sign-pledge", "3000", *SIGN],
    ],
)
def test_a_year_out_of_range_is_a_usage_error(data_copy, args):
    before = snapshot(data_copy)
    result = run(*args, "--data", str(data_copy))
    assert result.exit_code == 2, result.output
    assert "is not a year between 1945 and 2100" in result.output
    assert snapshot(data_copy) == before


@pytest.mark.parametrize("name", ["data/README.md", "data/2023/awards.csv.", "data/2023/x.yaml "])
def test_the_data_folders_own_files_are_not_overwritten(data_copy, monkeypatch, name):
    monkeypatch.chdir(data_copy.parent)
    (data_copy / "README.md").write_text("# Our cluster\n")
    before = snapshot(data_copy)
    result = run("summarize", "2023", "--output", name)
    assert result.exit_code == 1, result.output
    assert snapshot(data_copy) == before


@pytest.mark.parametrize(
    "args",
    [
        ["summarize", "2023", "--output", "data/schemas/cluster.schema.json"],
        ["summarize", "2023", "--output", "data/schemas/bao-cao.docx"],
        ["export", "2023", "--output", "data/schemas/x.xlsx"],
    ],
)
def test_the_schemas_are_not_overwritten_by_an_output(data_copy, monkeypatch, args):
    monkeypatch.chdir(data_copy.parent)
    before = snapshot(data_copy)
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert "is in the folder of the records' schemas" in result.output
    assert snapshot(data_copy) == before


def test_the_report_never_replaces_its_own_template(data_copy, tmp_path):
    template = tmp_path / "mine.md.j2"
    template.write_text("{{ s.year }}\n")
    args = ["--data", str(data_copy), "--template", str(template), "--output", str(template)]
    result = run("summarize", "2023", *args)
    assert result.exit_code == 1
    assert "is your template" in result.output
    assert template.read_text() == "{{ s.year }}\n"


def test_schemas_are_not_written_into_a_year_folder(data_copy):
    before = snapshot(data_copy)
    result = run("schema", "--data", str(data_copy), "--output", str(data_copy / "2023"))
    assert result.exit_code == 1
    assert "is a year folder" in result.output
    assert snapshot(data_copy) == before


def test_a_recent_temporary_file_is_left_to_the_write_that_owns_it(tmp_path):
    fresh = tmp_path / f"{TEMPORARY_PREFIX}report.md.xyz.tmp"
    fresh.write_text("being written")
    with locked(tmp_path):
        pass
    assert fresh.exists()


def test_nothing_is_read_through_a_link_out_of_the_data_folder(data_copy, tmp_path):
    """A pull request could point a record at any file of the machine that runs check."""
    secret = tmp_path / "secret.yaml"
    secret.write_text("year: 2023\nchair: SECRET-VALUE-42\n")
    (data_copy / "2023/leadership.yaml").unlink()
    (data_copy / "2023/leadership.yaml").symlink_to(secret)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "pledge.yaml").write_text("year: 2030\nsignatures: []\n")
    (data_copy / "2030").symlink_to(elsewhere, target_is_directory=True)
    result = run("check", str(data_copy))
    assert result.exit_code == 1
    assert "SECRET-VALUE-42" not in result.output
    lines = [line for line in result.output.splitlines() if "[file-unreadable]" in line]
    assert len(lines) == 2
    assert all("leads out of the data folder" in line for line in lines)


def test_a_leftover_is_reported_by_check_and_removed_by_the_next_write(data_copy):
    leftover = data_copy / "2024" / f"{TEMPORARY_PREFIX}pledge.yaml.abc.tmp"
    leftover.write_text("half")
    old = time.time() - 3600
    os.utime(leftover, (old, old))
    result = run("check", str(data_copy))
    assert "[file-leftover]" in result.output
    assert result.exit_code == 0  # a warning: the records themselves are whole
    signed = run("rotate", "2025", "--data", str(data_copy), "--yes")
    assert signed.exit_code == 0, signed.output
    assert not leftover.exists()


@pytest.mark.parametrize(
    ("number", "says"),
    [
        (errno.EROFS, "the disk is read-only"),
        (errno.ENOSPC, "the disk is full"),
        (errno.EDQUOT, "the disk quota is used up"),
        (errno.EFBIG, "larger than this system allows"),
        (errno.ENAMETOOLONG, "the name is too long"),
        (errno.EACCES, "permission denied"),
    ],
)
def test_every_refusal_of_the_machine_is_a_message_and_the_record_stays(
    data_copy, monkeypatch, number, says
):
    before = snapshot(data_copy)

    def refuse(*args, **kwargs):
        raise OSError(number, os.strerror(number))

    monkeypatch.setattr("os.fsync", refuse)
    result = run("rotate", "2025", "--data", str(data_copy), "--yes")
    assert result.exit_code == 1
    assert says in result.output
    assert "Traceback" not in result.output
    assert snapshot(data_copy) == before  # no record changed, no temporary file left


def test_an_unreadable_year_folder_is_a_finding(data_copy, monkeypatch):
    real = Path.iterdir

    def iterdir(self):
        if self.name == "2023":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    result = run("check", str(data_copy))
    assert result.exit_code == 1
    assert "2023/:1:1: error: the file cannot be read: the folder cannot be read" in result.output


def test_an_empty_output_name_is_a_message(data_copy, monkeypatch):
    monkeypatch.chdir(data_copy.parent)
    result = run("summarize", "2023", "--output", "")
    assert result.exit_code == 1
    assert "is a folder" in result.output


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("nowhere/at/all/x.md", "does not exist; create it first"),
        ("data/2023/.thidua-x.tmp", "named like a temporary file"),
    ],
)
def test_output_is_not_written_into_a_new_tree_or_under_a_temporary_name(
    data_copy, monkeypatch, name, says
):
    monkeypatch.chdir(data_copy.parent)
    before = snapshot(data_copy)
    result = run("summarize", "2023", "--output", name)
    assert result.exit_code == 1
    assert says in result.output
    assert snapshot(data_copy) == before
    assert not (data_copy.parent / "nowhere").exists()


def test_a_pledges_place_with_control_characters_is_refused(data_copy):
    before = snapshot(data_copy)
    result = run("pledge", "new", "2025", "--data", str(data_copy), "--place", "Nam\x1b[31m Định")
    assert result.exit_code == 1
    assert "U+001B" in result.output
    assert snapshot(data_copy) == before
