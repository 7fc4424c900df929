"""The year-end review as files: the ranking as a spreadsheet (read back with openpyxl and as
CSV) and, in Word, the ranking, the proposals and the ballot minutes (read back with
python-docx)."""

from __future__ import annotations

import csv
import io
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT
from typer.testing import CliRunner

from thidua.cli import app

EXAMPLE = ROOT / "examples" / "khoi-kinh-te"
HYPERLINK = '=HYPERLINK("http://x","y")'


def run(*args: str):
    return CliRunner().invoke(app, list(args), env={"GITHUB_ACTIONS": ""})


@pytest.fixture
def bloc(tmp_path: Path) -> Path:
    """A copy of the illustrative bloc, to change."""
    target = tmp_path / "bloc"
    shutil.copytree(EXAMPLE, target)
    return target


# --- the ranking as a spreadsheet ------------------------------------------------------------


def test_the_ranking_as_a_workbook_has_numbers_as_numbers(tmp_path):
    out = tmp_path / "xep-hang.xlsx"
    result = run("score", "2024", "--data", str(EXAMPLE), "--output", str(out))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Xếp hạng 2024"]
    sheet = book.active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:10] == [
        "Hạng",
        "Đồng hạng",
        "Mã",
        "Thành viên",
        "Tự chấm",
        "Chấm lại",
        "Thông qua",
        "Chấm lại − tự chấm",
        "Điểm xếp hạng",
        "Lớp điểm xếp hạng",
    ]
    assert "c1_1. Giải ngân vốn đầu tư công được giao" in rows[0]
    assert [r[:10] for r in rows[1:3]] == [
        [1, None, "so-cong-thuong", "Sở Công Thương", 100, 96, 96, -4, 96, "Thông qua"],
        [2, None, "so-tai-chinh", "Sở Tài chính", 102.5, 95, 95, -7.5, 95, "Thông qua"],
    ]
    assert [(r[0], r[1], r[3]) for r in rows[4:6]] == [
        (4, "đồng hạng", "Sở Xây dựng"),
        (4, "đồng hạng", "Sở Nông nghiệp và Phát triển nông thôn"),
    ]
    assert sheet["E3"].data_type == "n" and sheet["E3"].number_format == "#,##0.0"
    assert sheet["A2"].data_type == "n"
    assert sheet.freeze_panes == "A2"


def test_the_ranking_as_csv_reads_back_exactly(tmp_path):
    out = tmp_path / "xep-hang.csv"
    result = run("score", "2024", "--data", str(EXAMPLE), "--lang", "en", "-o", str(out))
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Rank", "Tied", "Code", "Member"]
    assert rows[2][:10] == [
        "2", "", "so-tai-chinh", "Sở Tài chính", "102.5", "95", "95", "-7.5", "95", "Adopted"
    ]  # fmt: skip
    assert Decimal(rows[2][4]) == Decimal("102.5")
    assert len(rows) == 7


def test_a_name_that_looks_like_a_formula_stays_text(bloc, tmp_path):
    cluster = bloc / "cluster.yaml"
    cluster.write_text(
        cluster.read_text(encoding="utf-8").replace(
            "name: Sở Công Thương", "name: '" + HYPERLINK.replace("'", "''") + "'", 1
        ),
        encoding="utf-8",
    )
    xlsx, text = tmp_path / "x.xlsx", tmp_path / "x.csv"
    for out in (xlsx, text):
        result = run("score", "2024", "--data", str(bloc), "-o", str(out))
        assert result.exit_code == 0, result.output
    cell = openpyxl.load_workbook(xlsx).active["D2"]
    assert cell.value == HYPERLINK and cell.data_type == "s" and cell.quotePrefix
    rows = list(csv.reader(io.StringIO(text.read_text(encoding="utf-8-sig"))))
    assert rows[1][3] == "'" + HYPERLINK


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--format", "xlsx"], "a spreadsheet is not shown on the screen"),
        (["--format", "csv"], "write it with --output FILE.csv"),
        (["--format", "json", "-o", "{out}.xlsx"], "--format json does not match"),
        (["-o", "{out}.txt"], "thidua writes .md, .json, .xlsx, .csv files"),
        (["--explain", "-o", "{out}.xlsx"], "write it to a .md file"),
    ],
)
def test_a_format_that_does_not_match_is_refused(tmp_path, args, says):
    out = str(tmp_path / "xep-hang")
    args = [a.format(out=out) for a in args]
    result = run("score", "2024", "--data", str(EXAMPLE), *args)
    assert result.exit_code != 0
    assert says in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_format_follows_the_extension_for_text_too(tmp_path):
    out = tmp_path / "xep-hang.json"
    assert run("score", "2024", "--data", str(EXAMPLE), "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("{")
    md = tmp_path / "xep-hang.md"
    assert run("score", "2024", "--data", str(EXAMPLE), "-o", str(md)).exit_code == 0
    assert "| 4 (đồng hạng) | Sở Xây dựng |" in md.read_text(encoding="utf-8")
