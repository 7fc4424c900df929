"""thidua init: a new cluster repository that passes check from the first minute, and nothing
written where something already is."""

from __future__ import annotations

import pytest
from conftest import findings_of, snapshot
from typer.testing import CliRunner

from thidua.cli import app

runner = CliRunner()
NAME = "Cụm thi đua các tỉnh miền Tây Nam Bộ"


def init(*args: str, stdin: str | None = None):
    return runner.invoke(app, ["init", *args], input=stdin, env={"GITHUB_ACTIONS": ""})


def test_a_new_repository_passes_check(tmp_path):
    folder = tmp_path / "cum"
    members = ["--member", "An Giang", "--member", "Cà Mau", "--member", "TP. Cần Thơ"]
    result = init(str(folder), "--name", NAME, *members, "--pre-commit")
    assert result.exit_code == 0, result.output
    assert findings_of(folder) == []
    text = (folder / "cluster.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=schemas/cluster.schema.json\n")
    assert (folder / "schemas" / "cluster.schema.json").is_file()  # the $schema line resolves
    assert (folder / "schemas" / "awards.table.json").is_file()
    assert "- id: tp-can-tho\n    name: TP. Cần Thơ" in text
    assert (folder / ".pre-commit-config.yaml").is_file()
    assert (folder / "README.md").read_text(encoding="utf-8").startswith(f"# Hồ sơ {NAME}")


def test_members_from_a_sheet(tmp_path):
    sheet = tmp_path / "members.csv"
    sheet.write_text('\ufeffTên;Ghi chú\nThái Bình;\nHà Nam;\n"Nam Định";x\n', encoding="utf-8")
    folder = tmp_path / "dbsh"
    result = init(str(folder), "--name", "Cụm Đồng bằng sông Hồng", "--members-from", str(sheet))
    assert result.exit_code == 0, result.output
    text = (folder / "cluster.yaml").read_text(encoding="utf-8")
    assert [line for line in text.splitlines() if line.startswith("  - id: ")][:3] == [
        "  - id: thai-binh",
        "  - id: ha-nam",
        "  - id: nam-dinh",
    ]
    assert findings_of(folder) == []


def test_a_folder_with_something_in_it_is_never_written(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    before = snapshot(folder)
    result = init(str(folder), "--name", NAME, "--member", "An Giang")
    assert result.exit_code == 1
    assert "not an empty folder" in result.output
    assert snapshot(folder) == before


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--name", NAME], "needs members"),
        (["--name", NAME, "--member", "An Giang", "--member", "an giang"], "the same id"),
        (["--name", " ", "--member", "An Giang"], "name is empty"),
        (["--name", NAME, "--member", "!!!"], "gives no id"),
    ],
)
def test_refusals_leave_nothing_behind(tmp_path, args, says):
    folder = tmp_path / "new"
    result = init(str(folder), *args)
    assert result.exit_code == 1, result.output
    assert says in result.output
    assert not folder.exists()


def test_without_a_terminal_nothing_is_asked(tmp_path):
    result = init(str(tmp_path / "x"), "--member", "An Giang", stdin="")
    assert result.exit_code == 2
    assert "--name" in result.output


def test_members_from_a_workbook_with_a_title_and_numbers(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    for row in [
        ["DANH SÁCH THÀNH VIÊN"],
        ["STT", "Đơn vị", "Ghi chú"],
        [1, "An Giang", None],
        [2, "Cà Mau", "x"],
    ]:
        book.active.append(row)
    book.save(tmp_path / "tv.xlsx")
    folder = tmp_path / "mt"
    result = init(str(folder), "--name", NAME, "--members-from", str(tmp_path / "tv.xlsx"))
    assert result.exit_code == 0, result.output
    text = (folder / "cluster.yaml").read_text(encoding="utf-8")
    assert [line for line in text.splitlines() if line.startswith("  - id: ")][:3] == [
        "  - id: an-giang",
        "  - id: ca-mau",
        "  - id: co-thi-dua-chinh-phu",  # the award types that follow the members
    ]
    assert findings_of(folder) == []


def test_members_from_a_windows_1258_list(tmp_path):
    # as Excel saves it: 'ì' is 'i' and a combining grave accent (0xCC)
    (tmp_path / "tv.txt").write_bytes(b"Th\xe1i Bi\xccnh\r\nH\xe0 Nam\r\n")
    folder = tmp_path / "ds"
    result = init(str(folder), "--name", NAME, "--members-from", str(tmp_path / "tv.txt"))
    assert result.exit_code == 0, result.output
    assert "- id: thai-binh\n    name: Thái Bình" in (folder / "cluster.yaml").read_text(
        encoding="utf-8"
    )
