"""thidua import awards: the list attached to a decision, as ledger rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, findings_of, snapshot
from typer.testing import CliRunner

from thidua.cli import app

runner = CliRunner()
BLOC = ROOT / "examples" / "khoi-kinh-te"
DECISION = ["--decision", "45/QĐ-UBND", "--date", "12/3/2025", "--issuer", "Chủ tịch UBND tỉnh"]
LIST = [
    ["DANH SÁCH KHEN THƯỞNG"],
    ["(Kèm theo Quyết định số 45/QĐ-UBND ngày 12/3/2025 của Chủ tịch UBND tỉnh)"],
    [],
    ["STT", "Họ và tên / Tên tập thể", "Chức vụ", "Đơn vị công tác"],
    ["I. TẬP THỂ"],
    [1, "Phòng Ngân sách", None, "Sở Tài chính"],
    [2, "Phòng Xuất nhập khẩu", None, "Sở Công Thương tỉnh"],
    ["II. CÁ NHÂN"],
    [1, "Nguyễn Văn An", "Trưởng phòng", "Phòng Quản lý xây dựng, Sở Xây dựng"],
    [2, "Trần Thị Bình", "Chuyên viên", "Sở Nông nghiệp và Môi trường"],
    [3, "Tống Văn Cường", "Chuyên viên", "Sở Xây dựng"],
    [],
    [None, "Người lập biểu"],
]


@pytest.fixture
def bloc(tmp_path: Path) -> Path:
    root = tmp_path / "bloc"
    shutil.copytree(BLOC, root)
    return root


def workbook(path: Path, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def run(*args: str):
    return runner.invoke(app, ["import", "awards", *args], env={"GITHUB_ACTIONS": ""})


def import_list(bloc: Path, book: Path, award: str = "bang-khen-chu-tich-ubnd-tinh", *more: str):
    """`thidua import awards 2025 BOOK` into `bloc`, for decision 45/QĐ-UBND and `award`."""
    return run("2025", str(book), "--data", str(bloc), *DECISION, "--award", award, *more)


def ledger(root: Path) -> list[str]:
    return (root / "2025" / "awards.csv").read_text(encoding="utf-8").splitlines()


def test_a_decision_list_becomes_ledger_rows(bloc, tmp_path):
    before = ledger(bloc)
    book = workbook(tmp_path / "ds.xlsx", LIST)
    award = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
    result = import_list(bloc, book, award)
    assert result.exit_code == 0, result.output
    assert "5 rows added" in result.output
    lines = ledger(bloc)
    assert lines[: len(before)] == before  # the rows already there are kept as written
    tail = ",decided,45/QĐ-UBND,2025-03-12,Chủ tịch UBND tỉnh,"
    assert lines[len(before) :] == [
        f"so-tai-chinh,bang-khen-chu-tich-ubnd-tinh,,Phòng Ngân sách,collective,{tail}Sở Tài chính",
        f"so-cong-thuong,bang-khen-chu-tich-ubnd-tinh,,Phòng Xuất nhập khẩu,collective,{tail}Sở Công Thương tỉnh",
        f'so-xay-dung,bang-khen-chu-tich-ubnd-tinh,,Nguyễn Văn An,individual,{tail}"Trưởng phòng, Phòng Quản lý xây dựng, Sở Xây dựng"',
        f'so-nong-nghiep,bang-khen-chu-tich-ubnd-tinh,,Trần Thị Bình,individual,{tail}"Chuyên viên, Sở Nông nghiệp và Môi trường"',
        f'so-xay-dung,bang-khen-chu-tich-ubnd-tinh,,Tống Văn Cường,individual,{tail}"Chuyên viên, Sở Xây dựng"',
    ]
    assert [f for f in findings_of(bloc) if f.severity == "error"] == []
    again = import_list(bloc, book, award)
    assert again.exit_code == 0
    assert "nothing to change" in again.output
    assert ledger(bloc) == lines


def test_a_different_list_for_the_same_decision_is_refused(bloc, tmp_path):
    assert import_list(bloc, workbook(tmp_path / "a.xlsx", LIST)).exit_code == 0
    changed = [row[:] for row in LIST]
    changed[9][1] = "Trần Thị Bích"
    before = snapshot(bloc)
    result = import_list(bloc, workbook(tmp_path / "b.xlsx", changed))
    assert result.exit_code == 1
    assert "already holds 5 rows of decision 45/QĐ-UBND" in result.output
    assert snapshot(bloc) == before


def test_a_row_that_names_no_member_is_refused_with_its_cell(bloc, tmp_path):
    rows = [row[:] for row in LIST]
    rows[8][3] = "Văn phòng Tỉnh ủy"
    before = snapshot(bloc)
    result = import_list(bloc, workbook(tmp_path / "a.xlsx", rows))
    assert result.exit_code == 1
    assert (
        "Sheet!D9: cannot tell which member 'Nguyễn Văn An' belongs to: it names no member of the cluster"
        in result.output
    )
    assert snapshot(bloc) == before


def test_a_row_that_names_two_members_is_refused(bloc, tmp_path):
    rows = [row[:] for row in LIST]
    rows[8][3] = "Sở Tài chính và Sở Xây dựng"
    result = import_list(bloc, workbook(tmp_path / "a.xlsx", rows))
    assert result.exit_code == 1
    assert (
        "it names Sở Tài chính, Sở Xây dựng" in result.output
        or "it names Sở Xây dựng, Sở Tài chính" in result.output
    )


def test_a_members_own_list(bloc, tmp_path):
    rows = [["STT", "Họ và tên", "Chức vụ"], [1, "Lê Văn Cường", "Phó Giám đốc"]]
    book = workbook(tmp_path / "a.xlsx", rows)
    refused = import_list(bloc, book)
    assert refused.exit_code == 1 and "it names no member" in refused.output
    result = import_list(bloc, book, "bang-khen-chu-tich-ubnd-tinh", "--member", "Sở Xây dựng")
    assert result.exit_code == 0, result.output
    assert ledger(bloc)[-1].startswith(
        "so-xay-dung,bang-khen-chu-tich-ubnd-tinh,,Lê Văn Cường,individual,"
    )


def test_an_award_given_to_both_needs_to_know_which(bloc, tmp_path):
    rows = [["STT", "Tên", "Đơn vị"], [1, "Phòng Ngân sách", "Sở Tài chính"]]
    result = import_list(bloc, workbook(tmp_path / "a.xlsx", rows))
    assert result.exit_code == 1
    assert "--kind collective or --kind individual" in result.output


def test_an_unknown_award(bloc, tmp_path):
    result = import_list(bloc, workbook(tmp_path / "a.xlsx", LIST), "Huân chương Lao động")
    assert result.exit_code == 1
    assert "--award 'Huân chương Lao động' is no award type of the cluster" in result.output


def test_a_new_ledger_gets_the_canonical_header(bloc, tmp_path):
    (bloc / "2025" / "awards.csv").unlink()
    result = import_list(bloc, workbook(tmp_path / "a.xlsx", LIST))
    assert result.exit_code == 0, result.output
    assert (
        ledger(bloc)[0]
        == "member,award,count,recipient,recipient_kind,scope,status,decision_number,decision_date,issuer,note"
    )


def test_a_ledger_with_crlf_and_fewer_columns_is_extended_in_place(bloc, tmp_path):
    path = bloc / "2025" / "awards.csv"
    path.write_bytes(b'member,award,count\r\nso-xay-dung,bang-khen-chu-tich-ubnd-tinh,"4"\r\n')
    result = import_list(bloc, workbook(tmp_path / "a.xlsx", LIST))
    assert result.exit_code == 0, result.output
    raw = path.read_bytes()
    assert raw.startswith(
        b'member,award,count,recipient,recipient_kind,scope,status,decision_number,decision_date,issuer,note\r\nso-xay-dung,bang-khen-chu-tich-ubnd-tinh,"4",,,,,,,,\r\n'
    )
    assert raw.count(b"\r\n") == 7 and b"\n" not in raw.replace(b"\r\n", b"")
