"""`thidua export`: the year's tables as an Excel workbook or a CSV file, read back with openpyxl
and the csv module. Numbers are numbers and equal the report's figures; text that a spreadsheet
would run as a formula stays inert in both formats, whatever the records hold."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from conftest import CLUSTER, DATA, ROOT, snapshot
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils.escape import unescape
from typer.testing import CliRunner

from thidua.cli import app
from thidua.export import TABLES, Column, Kind, Table
from thidua.spreadsheets import (
    EXCEL_CELL_LIMIT,
    FORMULA_START,
    csv_text,
    holdable,
    neutral,
    sheet_names,
    xlsx_bytes,
)

runner = CliRunner()
EXAMPLE = ROOT / "examples" / "khoi-kinh-te"
HYPERLINK = '=HYPERLINK("http://x","y")'


def export(*args: str):
    return runner.invoke(app, ["export", *args])


def workbook(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


def rows_of(sheet) -> list[list[object]]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def csv_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark by which Excel knows UTF-8
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def report_json(root: Path, year: int) -> dict:
    result = runner.invoke(app, ["summarize", str(year), "--data", str(root), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- the workbook of the example ------------------------------------------------------------


@pytest.fixture(scope="module")
def example_book(tmp_path_factory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("export") / "so-lieu-2023.xlsx"
    result = export("2023", "--data", str(DATA), "--output", str(path))
    assert result.exit_code == 0, result.output
    assert f"wrote {path}" in result.output
    return workbook(path)


def test_the_workbook_has_a_sheet_per_table_headed_in_vietnamese(example_book):
    assert example_book.sheetnames == [
        "Số liệu các thành viên",
        "Số liệu chung của Cụm",
        "Khen thưởng",
        "Cụm đề nghị khen thưởng",
        "Cụm trưởng, Cụm phó",
        "Ký giao ước thi đua",
    ]
    for sheet in example_book:
        assert sheet.freeze_panes == "A2"
        assert (
            sheet.auto_filter.ref
            == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
        )
        assert all(cell.font.bold for cell in sheet[1])
        assert all(sheet.column_dimensions[c.column_letter].width >= 8 for c in sheet[1])
    members = example_book["Số liệu các thành viên"]
    assert [c.value for c in members[1]][:4] == [
        "Thành viên",
        "Mã",
        "Tốc độ tăng trưởng GRDP (%)",
        "Tốc độ tăng trưởng GRDP: tình trạng",
    ]


def test_numbers_are_numbers_equal_to_the_reports_figures(example_book):
    doc = report_json(DATA, 2023)
    cluster = rows_of(example_book["Số liệu chung của Cụm"])
    header, body = cluster[0], cluster[1:]
    value = header.index("Số liệu của Cụm")
    by_label = {row[0]: row for row in body}
    assert len(body) == len(doc["indicators"])
    for ind in doc["indicators"]:
        row = by_label[ind["label"]]
        assert row[1] == ind["unit"]
        assert row[value] == ind["value"]
        assert isinstance(row[value], int | float)
        assert row[header.index("Cả nước")] == ind["national"]
        assert row[header.index("Số thành viên có số liệu")] == ind["reported"]
    growth = by_label["Tốc độ tăng trưởng GRDP"]
    assert (growth[value], growth[header.index("Tình trạng số liệu")]) == (6.3, "suy ra, ước tính")

    members = rows_of(example_book["Số liệu các thành viên"])
    header = members[0]
    names = {u["id"]: u["name"] for u in doc["members"]}
    for ind in doc["indicators"]:
        if ind["aggregate"] == "share":
            continue
        column = header.index(f"{ind['label']} ({ind['unit']})")
        shown = {row[0]: row[column] for row in members[1:]}
        assert shown == {names[m]: v["value"] for m, v in ind["members"].items()}


@pytest.mark.parametrize(("root", "year"), [(DATA, 2023), (EXAMPLE, 2024), (EXAMPLE, 2025)])
def test_every_cluster_figure_is_the_reports(tmp_path, root, year):
    """Sums, means, ranges, weighted means, shares and plans alike, in both clusters."""
    path = tmp_path / "x.xlsx"
    result = export(str(year), "--data", str(root), "-o", str(path), "--table", "cluster")
    assert result.exit_code == 0, result.output
    doc = report_json(root, year)
    rows = rows_of(workbook(path).worksheets[0])
    assert rows[0][3:8] == ["Số liệu của Cụm" if root == DATA else "Số liệu của Khối",
                            "Thấp nhất", "Cao nhất", "Kế hoạch", "Tỷ lệ so với kế hoạch (%)"]  # fmt: skip
    keys = ("value", "low", "high", "plan", "plan_ratio")
    got = {row[0]: dict(zip(keys, row[3:8], strict=True)) for row in rows[1:]}
    assert got == {
        ind["label"]: {
            "value": None if ind["aggregate"] == "range" else ind["value"],
            "low": ind["low"] if ind["aggregate"] == "range" else None,
            "high": ind["high"] if ind["aggregate"] == "range" else None,
            "plan": ind["plan"],
            "plan_ratio": ind["plan_ratio"],
        }
        for ind in doc["indicators"]
    }


def test_awards_are_split_by_member_where_the_ledger_says(tmp_path):
    path = tmp_path / "x.xlsx"
    assert (
        export("2024", "--data", str(EXAMPLE), "-o", str(path), "--table", "awards").exit_code == 0
    )
    rows = rows_of(workbook(path).worksheets[0])
    header = rows[0]
    assert header[:5] == ["Nhóm", "Hình thức khen thưởng", "Tổng số", "Tập thể", "Cá nhân"]
    assert header[-1] == "Không chia theo thành viên"
    labour = next(row for row in rows if row[1] == "Tập thể lao động xuất sắc")
    split = dict(zip(header[5:], labour[5:], strict=True))
    assert labour[2] == 3 and split["Sở Tài chính"] == 2 and split["Sở Xây dựng"] == 1
    for row in rows[1:]:
        assert row[2] == sum(n or 0 for n in row[5:])  # nothing lost or counted twice


def test_display_formats_keep_numbers_numeric(example_book):
    sheet = example_book["Số liệu các thành viên"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    growth, budget = rows["Bắc Ninh"][2], rows["Bắc Ninh"][6]
    assert (growth.value, growth.data_type, growth.number_format) == (-9.28, "n", "#,##0.00")
    assert (budget.value, budget.number_format) == (31000, "#,##0")
    assert rows["Bắc Ninh"][1].value == "27"  # a code is text: "01" keeps its zero
    status = rows["Bắc Ninh"][3]
    assert (status.value, status.data_type) == ("ước tính", "s")
    awards = rows_of(example_book["Khen thưởng"])
    assert awards[1][:5] == ["các thành viên được khen thưởng", "Huân chương", 76, None, None]


def test_years_and_dates_are_real(example_book):
    leaders = example_book["Cụm trưởng, Cụm phó"]
    assert rows_of(leaders)[1:] == [
        [2022, "Bắc Ninh", None, None, None, None, None],
        [2023, "Thái Bình", None, "bầu tại hội nghị tổng kết", "Bắc Ninh", datetime(2023, 3, 29), "Bắc Ninh"],
        [2024, "Nam Định", "Hải Dương", "suy tôn tại hội nghị tổng kết", "Thái Bình", datetime(2024, 3, 13), "Thái Bình"],
    ]  # fmt: skip
    assert leaders["A2"].number_format == "0"  # 2022, never 2.022
    assert leaders["F3"].is_date and leaders["F3"].number_format == "dd/mm/yyyy"
    pledges = rows_of(example_book["Ký giao ước thi đua"])
    assert len(pledges) == 10 and {row[2] for row in pledges[1:]} == {"đã ký"}
    decisions = rows_of(example_book["Cụm đề nghị khen thưởng"])
    assert decisions[1][:3] == ["Nam Định", "Cờ thi đua của Chính phủ", 1]
    assert decisions[1][6] == datetime(2024, 10, 14)


def test_english_headers_with_lang_en(tmp_path):
    path = tmp_path / "figures.xlsx"
    assert export("2023", "--data", str(DATA), "-o", str(path), "--lang", "en").exit_code == 0
    book = workbook(path)
    assert book.sheetnames[0] == "Members' figures"
    assert book["Chairs and deputies"]["F3"].number_format == "yyyy-mm-dd"


# --- CSV ------------------------------------------------------------------------------------


def test_a_csv_names_its_table(tmp_path):
    path = tmp_path / "so-lieu.csv"
    result = export("2023", "--data", str(DATA), "--output", str(path))
    assert result.exit_code == 1
    assert "a CSV file holds one table: add --table with one of: members (" in result.output
    assert all(name in result.output for name in TABLES)
    assert not path.exists()
    result = export("2023", "--data", str(DATA), "-o", str(path), "--table", "bogus")
    assert result.exit_code == 1 and "there is no table 'bogus'" in result.output


def test_csv_is_utf8_with_bom_and_reads_back(tmp_path):
    path = tmp_path / "thanh-vien.csv"
    result = export("2023", "--data", str(DATA), "-o", str(path), "--table", "members")
    assert result.exit_code == 0, result.output
    rows = csv_rows(path)
    assert rows[0][:3] == ["Thành viên", "Mã", "Tốc độ tăng trưởng GRDP (%)"]
    bac_ninh = next(row for row in rows if row[0] == "Bắc Ninh")
    assert bac_ninh[1:4] == ["27", "-9.28", "ước tính"]  # a negative number stays a number
    names = [row[0] for row in rows[1:]]
    assert names[:3] == ["Thái Bình", "Hà Nam", "Nam Định"]
    assert path.read_bytes().count(b"\r\n") == len(rows)


def test_one_table_of_the_workbook(tmp_path):
    path = tmp_path / "lanh-dao.xlsx"
    assert export("2023", "--data", str(DATA), "-o", str(path), "--table", "leaders").exit_code == 0
    assert workbook(path).sheetnames == ["Cụm trưởng, Cụm phó"]


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["so-lieu.xls", "so-lieu.txt", "so-lieu", "so-lieu.xlsm"])
def test_only_xlsx_and_csv_are_written(tmp_path, name):
    result = export("2023", "--data", str(DATA), "--output", str(tmp_path / name))
    assert result.exit_code == 1
    assert "writes an Excel workbook (.xlsx) or a CSV file (.csv)" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_csv_is_never_written_over_a_record(data_copy, monkeypatch):
    monkeypatch.chdir(data_copy.parent)
    before = snapshot(data_copy)
    for target in ("data/2023/indicators.csv", "data/so-lieu.csv"):
        result = export("2023", "-o", target, "--table", "members")
        assert result.exit_code == 1
        assert "records" in result.output
    assert snapshot(data_copy) == before
    assert export("2023", "-o", "data/so-lieu-2023.xlsx").exit_code == 0  # not a kind of record
    assert runner.invoke(app, ["check", "data"]).exit_code == 0


def test_a_bad_year_and_bad_records_are_refused_as_summarize_refuses_them(data_copy, tmp_path):
    out = tmp_path / "x.xlsx"
    for args in (["2031"], ["1900"]):
        exported = export(*args, "--data", str(data_copy), "-o", str(out))
        summarized = runner.invoke(app, ["summarize", *args, "--data", str(data_copy)])
        assert exported.exit_code == summarized.exit_code
        assert exported.output.split("\n")[-2] == summarized.output.split("\n")[-2]
    (data_copy / "2023/leadership.yaml").write_text(
        "year: 2023\nchair: thai-binh\ndeputy: thai-binh\n", encoding="utf-8"
    )
    exported = export("2023", "--data", str(data_copy), "-o", str(out))
    assert exported.exit_code == 1
    assert "[leadership-same]" in exported.output
    assert "have errors (above); fix them, then export" in exported.output
    assert not out.exists()


# --- hostile records ------------------------------------------------------------------------

HOSTILE = {
    "member": HYPERLINK,
    "label": "=1+1",
    "award": "@SUM(1+1)*cmd|' /C calc'!A0",
    "how": "+cmd|' /C calc'!A0",
    "place": "-2+3",
    "signer": '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
}


@pytest.fixture
def hostile(repo) -> Path:
    cluster = (
        CLUSTER.replace("name: Cà Mau", f"name: '{HOSTILE['member']}'")
        .replace("label: Thu ngân sách", f"label: '{HOSTILE['label']}'")
        .replace("title: Bằng khen\n", f'title: "{HOSTILE["award"]}"\n')
    )
    return repo(
        {
            "cluster.yaml": cluster,
            "2023/indicators.csv": "member,growth,revenue\nan-giang,6.5,12000\nbac-lieu,-7.1,5000\nca-mau,5.2,6000\n",
            "2023/awards.csv": "member,award,count,recipient_kind\nca-mau,bang-khen,3,collective\n",
            "2023/leadership.yaml": f"year: 2023\nchair: ca-mau\ndeputy: an-giang\nchosen:\n  how: \"{HOSTILE['how']}\"\nhandover:\n  from: an-giang\n  date: 2023-03-01\n  place: '{HOSTILE['place']}'\n",
            "2023/pledge.yaml": f"year: 2023\nsignatures:\n  - member: ca-mau\n    signer: '{HOSTILE['signer']}'\n    title: Chủ tịch\n    date: 2023-03-01\n",
        }
    )  # fmt: skip


def test_hostile_text_is_inert_in_the_workbook(hostile, tmp_path):
    path = tmp_path / "x.xlsx"
    result = export("2023", "--data", str(hostile), "-o", str(path))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any(re.search(rb"<f[ >]", xml) for xml in sheets)  # no formula at all
    found = set()
    for sheet in workbook(path):
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    assert cell.data_type == "s" and cell.quotePrefix
                    found.add(cell.value)
    assert set(HOSTILE.values()) <= found
    assert "=1+1 (tỷ đồng)" in found  # the label heads a column
    growth = workbook(path)["Số liệu các thành viên"]["C3"]
    assert (growth.value, growth.data_type) == (-7.1, "n")


def test_hostile_text_is_inert_in_csv(hostile, tmp_path):
    seen = set()
    for name in TABLES:
        path = tmp_path / f"{name}.csv"
        result = export("2023", "--data", str(hostile), "-o", str(path), "--table", name)
        assert result.exit_code == 0, result.output
        for row in csv_rows(path):
            for cell in row:
                if cell.startswith(FORMULA_START):
                    assert re.fullmatch(r"-?\d+(\.\d+)?", cell), cell  # only numbers
                seen.add(cell)
    assert {"'" + text for text in HOSTILE.values()} <= seen
    assert "-7.1" in seen  # a negative number, not neutralised


def test_tab_cr_and_dde_prefixes_by_class():
    texts = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\r\n=1", "'=1", " =1", "a=1", "1-2"]
    table = Table("t", "T", [Column("x")], [[t] for t in texts])
    rows = list(csv.reader(io.StringIO(csv_text(table)[0].lstrip("\ufeff"), newline="")))
    assert [r[0] for r in rows[1:]] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\t=1", "'\r=1", "'\r\n=1", "'=1", " =1", "a=1", "1-2"
    ]  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([table])[0]))
    cells = list(book.active["A"])[1:]
    assert [c.value for c in cells] == [t.replace("\r\n", "\n").replace("\r", "\n") for t in texts]
    assert [bool(c.quotePrefix) for c in cells] == [True] * 7 + [False] * 4
    assert {c.data_type for c in cells} == {"s"}


def test_text_a_file_cannot_hold_and_text_longer_than_excel_holds():
    long = "x" * (EXCEL_CELL_LIMIT + 10)
    table = Table("t", "T", [Column("a\x07b")], [["ok\x00\x1b\ufffe"], [long]])
    content, notes = xlsx_bytes([table])
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert [c.value for c in book.active["A"]] == [
        "a\ufffdb",
        "ok\ufffd\ufffd\ufffd",
        long[:EXCEL_CELL_LIMIT],
    ]
    assert notes == [
        "sheet 'T', cell A1: U+0007 cannot be kept in a spreadsheet and became U+FFFD",
        "sheet 'T', cell A2: U+0000, U+001B, U+FFFE cannot be kept in a spreadsheet and became U+FFFD",
        "sheet 'T', cell A3: the text has 32,777 characters and Excel holds at most 32,767: it was cut (a CSV export keeps it whole)",
    ]  # fmt: skip
    text, notes = csv_text(table)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert rows == [["a\ufffdb"], ["ok\ufffd\ufffd\ufffd"], [long]]
    assert len(notes) == 2


def test_control_characters_in_the_records_are_refused_before_export(repo, tmp_path):
    root = repo({"cluster.yaml": CLUSTER.replace("name: Cà Mau", 'name: "Cà\\x07Mau"')})
    (root / "2023").mkdir()
    (root / "2023/indicators.csv").write_text(
        "member,growth,revenue\nan-giang,1,2\nbac-lieu,1,2\nca-mau,1,2\n"
    )
    path = tmp_path / "x.xlsx"
    result = export("2023", "--data", str(root), "-o", str(path))
    assert result.exit_code == 1
    assert "the text holds the control character U+0007" in result.output
    assert not path.exists()


def test_sheet_names_excel_accepts():
    names = sheet_names(["a/b:c*d?e[f]g\\h", "x" * 40, "X" * 40, "'quoted'", "", "Số liệu"])
    assert names == ["a-b-c-d-e-f-g-h", "x" * 31, "X" * 27 + " (2)", "quoted", "Sheet", "Số liệu"]
    assert all(len(n) <= 31 for n in names)


# --- property: any text comes back inert ----------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_any_text_round_trips_inertly(text):
    table = Table("t", "T", [Column("h"), Column("n", Kind.NUMBER)], [[text, None]])
    content, _ = csv_text(table)
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"), newline="")))
    assert rows[1][0] == neutral(holdable(text))
    assert not rows[1][0].startswith(FORMULA_START)
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([table])[0]))
    cell = book.active["A2"]
    assert cell.data_type == "s" or (cell.value is None and text == "")
    if text:
        shown = holdable(text).replace("\r\n", "\n").replace("\r", "\n")
        assert unescape(cell.value) == shown


# --- start-up -------------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["--help"], ["check", str(DATA)], ["export", "--help"]])
def test_help_and_check_do_not_import_the_spreadsheet_library(argv):
    code = (
        f"import sys; sys.argv = ['thidua', *{argv!r}]\n"
        "from thidua.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('openpyxl', 'thidua.export', 'thidua.spreadsheets')\n"
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr.splitlines()[-1] == "[]"
