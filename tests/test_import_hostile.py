"""thidua import against hostile and odd input, class by class: containers, grids, numbers, CSV
text and award lists. Every file is made here: workbooks with openpyxl (and, where openpyxl would
not write the odd thing, its parts rewritten in the zip by hand), CSVs as bytes.

Each refusal is a message naming the file or cell, exit code 1, the data folder unchanged, no
traceback; each import that goes through is read back.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, snapshot
from typer.testing import CliRunner

from thidua.cli import app

runner = CliRunner()
BLOC = ROOT / "examples" / "khoi-kinh-te"
HEADER = ["Đơn vị", "Số công chức", "Ghi chú"]
ROWS = [["Sở Tài chính", 140, "đủ"], ["Sở Công Thương", 68, None]]
DECISION = [
    "--decision",
    "45/QĐ-UBND",
    "--date",
    "12/3/2025",
    "--award",
    "bang-khen-chu-tich-ubnd-tinh",
]


def workbook(path: Path, rows: list[list], title: str = "S") -> Path:
    book = openpyxl.Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def rewritten(path: Path, part: str, change: Callable[[str], str]) -> Path:
    """The workbook with one of its XML parts changed by hand."""
    with zipfile.ZipFile(path) as z:
        parts = {info.filename: z.read(info.filename) for info in z.infolist()}
    parts[part] = change(parts[part].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


SHEET_XML = "xl/worksheets/sheet1.xml"


def run(*args: str):
    result = runner.invoke(app, ["import", *args], env={"GITHUB_ACTIONS": ""})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def refused(bloc: Path, file: Path, *args: str, what: str = "indicators") -> str:
    before = snapshot(bloc)
    extra = DECISION if what == "awards" else []
    result = run(what, "2025", str(file), "--data", str(bloc), *extra, *args)
    assert result.exit_code == 1, result.output
    assert snapshot(bloc) == before
    assert "Traceback" not in result.output and "please report" not in result.output
    return result.output


def imported(bloc: Path, file: Path, *args: str) -> list[str]:
    result = run("indicators", "2025", str(file), "--data", str(bloc), *args)
    assert result.exit_code == 0, result.output
    return (bloc / "2025" / "indicators.csv").read_text(encoding="utf-8").splitlines()


# --- containers -----------------------------------------------------------------------------------


def test_entity_expansion_in_a_sheet_is_refused(bloc, tmp_path):
    laughs = '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    book = rewritten(
        workbook(tmp_path / "a.xlsx", [HEADER, *ROWS]),
        SHEET_XML,
        lambda xml: laughs + "]>" + xml.replace("Sở Tài chính", "&i;"),
    )
    assert "is not a readable .xlsx workbook" in refused(bloc, book)


def test_an_external_entity_is_not_read(bloc, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("Sở Tài chính", encoding="utf-8")
    book = rewritten(
        workbook(tmp_path / "a.xlsx", [HEADER, *ROWS]),
        SHEET_XML,
        lambda xml: (
            f'<!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
            + xml.replace("Sở Công Thương", "&x;")
        ),
    )
    assert "is not a readable .xlsx workbook" in refused(bloc, book)


@pytest.mark.parametrize(
    "change",
    [lambda xml: xml[: len(xml) // 2], lambda xml: xml.replace("<row", "<row><c><v>1</c>", 1)],
    ids=["truncated", "malformed"],
)
def test_a_sheet_damaged_inside_is_refused(bloc, tmp_path, change):
    # openpyxl reads a sheet's XML only when its rows are asked for, after the workbook opened
    book = rewritten(workbook(tmp_path / "a.xlsx", [HEADER, *ROWS]), SHEET_XML, change)
    assert "is not a readable .xlsx workbook" in refused(bloc, book)


def test_a_workbook_with_many_sheets(bloc, tmp_path):
    book = openpyxl.Workbook()
    for row in [HEADER, *ROWS]:
        book.active.append(row)
    for i in range(300):
        book.create_sheet(f"Trống {i}")
    book.save(tmp_path / "a.xlsx")
    assert "so-tai-chinh,Sở Tài chính,140,đủ" in imported(bloc, tmp_path / "a.xlsx")


def hidden(path: Path, state: str, visible_rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Hiện"
    for row in visible_rows:
        book.active.append(row)
    sheet = book.create_sheet("Ẩn")
    for row in [HEADER, ["Sở Xây dựng", 999, None]]:
        sheet.append(row)
    sheet.sheet_state = state
    book.save(path)
    return path


def test_data_on_a_hidden_sheet_only_is_named(bloc, tmp_path):
    book = hidden(tmp_path / "a.xlsx", "hidden", [])
    assert "only hidden sheets hold data ('Ẩn'); say which one" in refused(bloc, book)
    assert "so-xay-dung,Sở Xây dựng,999," in imported(bloc, book, "--sheet", "Ẩn")


def test_a_very_hidden_sheet_is_not_taken_for_the_visible_one(bloc, tmp_path):
    book = hidden(tmp_path / "a.xlsx", "veryHidden", [HEADER, *ROWS])
    lines = imported(bloc, book)
    assert "so-tai-chinh,Sở Tài chính,140,đủ" in lines
    assert not any("999" in line for line in lines)


def test_a_hidden_sheet_beside_the_data_is_no_matter(bloc, tmp_path):
    # a hidden sheet of lookups, wide and written by a program that does not compute formulas
    book = openpyxl.Workbook()
    book.active.title = "S"
    for row in [HEADER, *ROWS]:
        book.active.append(row)
    lookups = book.create_sheet("Tra cứu")
    lookups.append(["=1+1"])
    lookups.cell(row=1, column=300, value="x")
    lookups.sheet_state = "hidden"
    book.save(tmp_path / "a.xlsx")
    assert "so-tai-chinh,Sở Tài chính,140,đủ" in imported(bloc, tmp_path / "a.xlsx")


def test_a_visible_sheet_refused_for_its_content_counts_as_data(bloc, tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "S"
    for row in [HEADER, *ROWS]:
        book.active.append(row)
    book.create_sheet("Khác").append(["=1+1"])
    book.save(tmp_path / "a.xlsx")
    assert "has 2 sheets with data ('S', 'Khác')" in refused(bloc, tmp_path / "a.xlsx")
    assert "the cell Khác!A1 holds the formula" in refused(
        bloc, tmp_path / "a.xlsx", "--sheet", "Khác"
    )
    assert "so-tai-chinh,Sở Tài chính,140,đủ" in imported(bloc, tmp_path / "a.xlsx", "--sheet", "S")


def test_a_password_protected_workbook_is_named_so(bloc, tmp_path):
    # Excel saves an encrypted .xlsx as a compound file with an EncryptionInfo stream
    path = tmp_path / "a.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 504
        + "EncryptionInfo".encode("utf-16-le")
        + b"\0" * 512
    )
    out = refused(bloc, path)
    assert "is protected by a password" in out and "97-2003" not in out


def test_a_file_is_read_by_its_content_not_its_name(bloc, tmp_path):
    as_csv = tmp_path / "so-lieu.csv"
    shutil.copy(workbook(tmp_path / "a.xlsx", [HEADER, *ROWS]), as_csv)
    assert "so-tai-chinh,Sở Tài chính,140,đủ" in imported(bloc, as_csv)
    as_xlsx = tmp_path / "so-lieu.xlsx"
    as_xlsx.write_text("Đơn vị,Số công chức\nSở Xây dựng,160\n", encoding="utf-8")
    assert "so-xay-dung,Sở Xây dựng,160,đủ" not in imported(bloc, as_xlsx)
    assert "so-xay-dung,Sở Xây dựng,160," in imported(bloc, as_xlsx)


def test_a_folder_or_a_pipe_is_no_sheet(bloc, tmp_path):
    assert "is a folder; name the file to import" in refused(bloc, tmp_path)
    fifo = tmp_path / "so-lieu.csv"
    os.mkfifo(fifo)
    assert "is not a regular file" in refused(bloc, fifo)
    assert "no such file" in refused(bloc, tmp_path / "none.xlsx")


# --- grids ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("column", [1, 2], ids=["figure", "note"])
def test_a_formula_without_its_value_is_refused(bloc, tmp_path, column):
    # openpyxl (and other programs that write workbooks) keeps a formula but not its value: read as
    # a blank, the member's figure or note would be dropped without a word
    row = list(ROWS[0])
    row[column] = "=70*2"
    book = workbook(tmp_path / "a.xlsx", [HEADER, row, ROWS[1]])
    out = refused(bloc, book)
    ref = "B2" if column == 1 else "C2"
    assert f"the cell S!{ref} holds the formula =70*2 but not its value" in out
    assert "save it again" in out


def test_a_formula_without_its_value_under_blank_styled_cells(bloc, tmp_path):
    # the formulas are read only once a blank cell asks: a styled blank above must not shift them
    book = openpyxl.Workbook()
    book.active.title = "S"
    for row in [HEADER, ROWS[0], ["Sở Công Thương", "=34*2", None], ["Sở Xây dựng", 160, None]]:
        book.active.append(row)
    book.active["C2"].number_format = "0.0"  # a blank cell with a style: written, with no value
    book.active["C4"].number_format = "0.0"
    book.save(tmp_path / "a.xlsx")
    assert "the cell S!B3 holds the formula =34*2" in refused(bloc, tmp_path / "a.xlsx")
    book.active["B3"] = 68
    book.save(tmp_path / "a.xlsx")
    assert "so-xay-dung,Sở Xây dựng,160," in imported(bloc, tmp_path / "a.xlsx")


def test_a_formula_excel_computed_to_nothing_is_a_blank(bloc, tmp_path):
    # Excel writes =IF(...;"";...) that gave "" as a string formula with an empty value
    book = rewritten(
        workbook(tmp_path / "a.xlsx", [HEADER, *ROWS]),
        SHEET_XML,
        lambda xml: (
            xml.replace(
                '<c r="C3" t="inlineStr"', '<c r="C3" t="str"><f>IF(1,"",2)</f><v></v></c><c r="D3"'
            )
            if 'r="C3"' in xml
            else xml.replace(
                "</row></sheetData>",
                '<c r="C3" t="str"><f>IF(1,"",2)</f><v></v></c></row></sheetData>',
            )
        ),
    )
    assert "so-cong-thuong,Sở Công Thương,68," in imported(bloc, book)


def test_a_formula_excel_computed_is_its_value(bloc, tmp_path):
    book = rewritten(
        workbook(tmp_path / "a.xlsx", [HEADER, *ROWS]),
        SHEET_XML,
        lambda xml: xml.replace(
            '<c r="B2" t="n"><v>140</v></c>', '<c r="B2"><f>70*2</f><v>140</v></c>'
        ),
    )
    assert "so-tai-chinh,Sở Tài chính,140,đủ" in imported(bloc, book)


def merged(path: Path, rows: list[list], *ranges: str) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "S"
    for row in rows:
        book.active.append(row)
    for cells in ranges:
        book.active.merge_cells(cells)
    book.save(path)
    return path


@pytest.mark.parametrize(
    "cells", ["B2:B3", "B1:B2", "B3:C3", "A5:C9"], ids=["two-members", "header", "row", "far"]
)
def test_merged_cells_over_members_figures_are_refused(bloc, tmp_path, cells):
    rows = [
        ["Đơn vị", "Số công chức", "Hồ sơ giải quyết trực tuyến"],
        ["Sở Tài chính", 140, 7200],
        ["Sở Công Thương", 68, 5800],
        ["Sở Xây dựng", 160, 7300],
    ]
    if cells == "A5:C9":  # merged cells below the table (a signature block) are no matter
        lines = imported(bloc, merged(tmp_path / "a.xlsx", rows, cells))
        assert "so-xay-dung,Sở Xây dựng,160,7300" in lines
        return
    out = refused(bloc, merged(tmp_path / "a.xlsx", rows, cells))
    assert f"S!{cells}: merged cells over the figures of members' rows" in out


def test_merged_cells_across_a_sheet_turned_on_its_side(bloc, tmp_path):
    rows = [
        ["Chỉ tiêu", "Sở Tài chính", "Sở Công Thương"],
        ["Số công chức", 140, None],
        ["Hồ sơ giải quyết trực tuyến", 7200, 5800],
    ]
    out = refused(bloc, merged(tmp_path / "a.xlsx", rows, "B2:C2"))
    assert "S!B2:C2: merged cells over the figures" in out


def test_a_header_row_under_too_many_title_rows_is_named(bloc, tmp_path):
    rows = [[f"Dòng tiêu đề {i}"] for i in range(31)] + [HEADER, *ROWS]
    out = refused(bloc, workbook(tmp_path / "a.xlsx", rows))
    assert "S: the header row seems to be row 32, below the first 30 rows" in out


@pytest.mark.parametrize(
    ("value", "shown"),
    [(10**30, "1000000000000000000000000000000"), (1e308, "10000000000000000000…")],
    ids=["1e30", "1e308"],
)
def test_a_huge_number_names_its_cell(bloc, tmp_path, value, shown):
    book = workbook(tmp_path / "a.xlsx", [HEADER, ["Sở Tài chính", value, None]])
    assert f"S!B2: {shown}" in refused(bloc, book)


@pytest.mark.parametrize(
    "text", ["１４０", "١٤٠", "1٤0"], ids=["full-width", "arabic-indic", "mixed"]
)
def test_digits_other_than_ascii_are_refused_as_in_the_records(bloc, tmp_path, text):
    book = workbook(tmp_path / "a.xlsx", [HEADER, ["Sở Tài chính", text, None]])
    assert "S!B2: '" in refused(bloc, book)
    assert "digits other than 0-9" in refused(bloc, book)


@pytest.mark.parametrize("value", ["nan", "nan.0", "inf", "-inf.0", "1e999", "1.5.5"])
def test_a_number_excel_never_writes_is_refused(bloc, tmp_path, value):
    book = rewritten(
        workbook(tmp_path / "a.xlsx", [HEADER, *ROWS]),
        SHEET_XML,
        lambda xml: xml.replace("<v>140</v>", f"<v>{value}</v>"),
    )
    out = refused(bloc, book)
    assert "S!B2" in out or "is not a readable .xlsx workbook" in out


@pytest.mark.parametrize("column", [300, 16_384], ids=["KN", "XFD"])
def test_a_value_beyond_the_columns_read_is_refused(bloc, tmp_path, column):
    book = openpyxl.Workbook()
    book.active.title = "S"
    for row in [HEADER, *ROWS]:
        book.active.append(row)
    book.active.cell(row=2, column=column, value=7200)
    book.save(tmp_path / "a.xlsx")
    letters = openpyxl.utils.get_column_letter(column)
    assert f"the cell S!{letters}2 is beyond the 256 columns" in refused(bloc, tmp_path / "a.xlsx")


@pytest.mark.parametrize("header", ["Ghi chú", "Tình trạng", "Số công chức"])
def test_an_excel_error_is_refused_in_every_kind_of_column(bloc, tmp_path, header):
    book = workbook(tmp_path / "a.xlsx", [["Đơn vị", header], ["Sở Tài chính", "#N/A"]])
    assert "S!B2: the cell shows the Excel error #N/A" in refused(bloc, book)


def test_a_row_of_excel_errors_under_an_unknown_name_is_not_left_out(bloc, tmp_path):
    book = workbook(tmp_path / "a.xlsx", [HEADER, *ROWS, ["Sở Tài chánh", "#REF!", None]])
    assert "S!A4: 'Sở Tài chánh' is not a member of the cluster" in refused(bloc, book)


def test_a_thousand_wrong_rows_are_told_in_fifty_lines(bloc, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(
        "Đơn vị;Số công chức\n" + "".join(f"Sở {i};1\n" for i in range(1000)), encoding="utf-8"
    )
    lines = refused(bloc, path).splitlines()
    assert len(lines) == 51 and lines[-1] == "… and 950 more problems"


# --- the data folder ------------------------------------------------------------------------------


def test_a_year_file_with_a_bom_and_crlf_keeps_them(bloc, tmp_path):
    path = bloc / "2025" / "indicators.csv"
    path.write_bytes(
        b"\xef\xbb\xbfmember,name,staff\r\nso-tai-chinh,S\xe1\xbb\x9f T\xc3\xa0i ch\xc3\xadnh,1\r\n"
    )
    book = workbook(tmp_path / "a.xlsx", [HEADER[:2], ["Sở Tài chính", 140]])
    assert run("indicators", "2025", str(book), "--data", str(bloc)).exit_code == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == data.count(b"\n") == 2
    assert data.decode("utf-8-sig").splitlines()[1] == "so-tai-chinh,Sở Tài chính,140"


@pytest.mark.parametrize("what", ["indicators", "awards"])
def test_a_year_folder_linked_out_of_the_data_folder_is_not_written(bloc, tmp_path, what):
    outside = tmp_path / "outside"
    shutil.move(bloc / "2025", outside)
    (bloc / "2025").symlink_to(outside)
    before = snapshot(outside)
    if what == "indicators":
        book = workbook(tmp_path / "a.xlsx", [HEADER, *ROWS])
    else:
        book = workbook(
            tmp_path / "a.xlsx",
            [["STT", "Họ và tên", "Đơn vị"], [1, "Nguyễn Văn An", "Sở Tài chính"]],
        )
    out = refused(bloc, book, *(["--kind", "individual"] if what == "awards" else []), what=what)
    assert "leads out of the data folder" in out
    assert snapshot(outside) == before


@pytest.mark.parametrize(
    "before",
    ["import_map: {}  # filled by thidua import", "import_map: {Thu NSNN: -}  # filled by thidua"],
    ids=["empty", "flow"],
)
def test_save_map_into_a_flow_mapping_keeps_its_comment(bloc, tmp_path, before):
    cluster = bloc / "cluster.yaml"
    text = cluster.read_text(encoding="utf-8")
    cluster.write_text(text.replace("\nindicators:", f"\n{before}\nindicators:", 1), "utf-8")
    book = workbook(tmp_path / "a.xlsx", [["Đơn vị", "Biên chế = có mặt"], ["Sở Tài chính", 140]])
    result = run(
        "indicators",
        "2025",
        str(book),
        "--data",
        str(bloc),
        "--map",
        "Biên chế = có mặt=staff",
        "--save-map",
    )
    assert result.exit_code == 0, result.output
    after = cluster.read_text(encoding="utf-8")
    assert f"import_map:  {before.split('  ', 1)[1]}\n" in after
    assert '  "Biên chế = có mặt": staff\n' in after or "  Biên chế = có mặt: staff\n" in after
    book = workbook(tmp_path / "b.xlsx", [["Đơn vị", "Biên chế = có mặt"], ["Sở Tài chính", 141]])
    assert "so-tai-chinh,Sở Tài chính,141" in imported(bloc, book)


def test_a_percentage_cell_for_an_indicator_not_in_percent_is_refused(bloc, tmp_path):
    book = workbook(tmp_path / "a.xlsx", [HEADER, ["Sở Tài chính", 0.5, None]])
    loaded = openpyxl.load_workbook(book)
    loaded.active["B2"].number_format = "0%"
    loaded.save(book)
    out = refused(bloc, book)
    assert "S!B2: the cell shows a percentage (50%), but 'staff' is not measured in %" in out


@pytest.mark.parametrize("value", ["-0", "−0", "-0,0", -0.0])
def test_negative_zero_is_written_as_zero(bloc, tmp_path, value):
    book = workbook(tmp_path / "a.xlsx", [HEADER, ["Sở Tài chính", value, None]])
    lines = imported(bloc, book, "--decimal", ",")
    assert lines[1] in ("so-tai-chinh,Sở Tài chính,0,", "so-tai-chinh,Sở Tài chính,0.0,")


# --- CSV text -------------------------------------------------------------------------------------


def test_a_quote_left_open_names_its_row(bloc, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes('Đơn vị;Số công chức\r\n"Sở Tài chính;140\r\nSở Công Thương;68\r\n'.encode())
    assert "row 2 opens a quote" in refused(bloc, path)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_its_bom_is_named(bloc, tmp_path, codec):
    path = tmp_path / "a.csv"
    path.write_bytes("Đơn vị;Số công chức\r\nSở Tài chính;140\r\n".encode(codec))
    assert "looks like UTF-16 text without its byte-order mark" in refused(bloc, path)


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"\r\n\r\n",
        b";;;\r\n;;;\r\n",
        "Đơn vị;Số công chức\r\nSở Tài chính;1\x0b40\r\n".encode(),
        "Đơn vị;Số công chức\nSở Tài chính".encode() + "\u0301".encode() * 5000 + b";1\n",
        b"a;" * 20_000,
        b'"' + b"x" * 40_000 + b'"\n',
    ],
    ids=["bom", "utf16-bom", "newlines", "separators", "control", "marks", "wide", "long-cell"],
)
def test_odd_csv_text_is_refused_with_a_message(bloc, tmp_path, data):
    path = tmp_path / "a.csv"
    path.write_bytes(data)
    assert "thidua:" in refused(bloc, path)


# --- award lists ----------------------------------------------------------------------------------


def award_rows(bloc: Path, tmp_path: Path, rows: list[list], *args: str) -> list[str]:
    path = workbook(tmp_path / "ds.xlsx", rows)
    result = run("awards", "2025", str(path), "--data", str(bloc), *DECISION, *args)
    assert result.exit_code == 0, result.output
    ledger = (bloc / "2025" / "awards.csv").read_text(encoding="utf-8").splitlines()
    return [line for line in ledger if "45/QĐ-UBND" in line]


@pytest.mark.parametrize(
    "name", ["Tống", "Cộng", "Nguồn Thị Hoa", "Tổng Văn Hùng", "Công ty Sông Đà"]
)
def test_a_numbered_row_is_an_entry_whatever_its_name(bloc, tmp_path, name):
    rows = [
        ["STT", "Họ và tên", "Đơn vị công tác"],
        [1, "Nguyễn Văn An", "Sở Tài chính"],
        [2, name, "Sở Xây dựng"],
        [None, "Tổng cộng: 2 cá nhân"],
    ]
    added = award_rows(bloc, tmp_path, rows, "--kind", "individual")
    assert [line.split(",")[3] for line in added] == ["Nguyễn Văn An", name]


def test_a_footer_alone_in_its_row_is_left_out_of_an_unnumbered_list(bloc, tmp_path):
    rows = [
        ["Họ và tên", "Đơn vị công tác"],
        ["Tống Văn Cường", "Sở Tài chính"],
        ["Tổng cộng"],
        ["Nguồn: Sở Nội vụ"],
    ]
    added = award_rows(bloc, tmp_path, rows, "--kind", "individual")
    assert [line.split(",")[3] for line in added] == ["Tống Văn Cường"]


@pytest.mark.parametrize(
    ("collective", "individual"),
    [
        ("I. TẬP THỂ", "II. CÁ NHÂN"),
        ("A. Tập thể", "B - Cá nhân:"),
        ("1. Tập thể", "2/ Cá nhân"),
        ("I. Tập thể (02 tập thể)", "II. Cá nhân (01 cá nhân)"),
        ("I|TẬP THỂ", "II|CÁ NHÂN"),
    ],
)
def test_section_rows_as_offices_write_them(bloc, tmp_path, collective, individual):
    rows = [
        ["STT", "Tên tập thể, cá nhân", "Đơn vị"],
        collective.split("|"),
        [1, "Phòng Ngân sách", "Sở Tài chính"],
        individual.split("|"),
        [1, "Nguyễn Văn An", "Sở Xây dựng"],
    ]
    added = award_rows(bloc, tmp_path, rows)
    assert [line.split(",")[4] for line in added] == ["collective", "individual"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--decision", "  "], "--decision is empty"),
        (["--decision", "45\n46"], "--decision '45\\n46' holds a line break"),
        (["--issuer", "Chủ tịch\nUBND"], "--issuer 'Ch"),
    ],
    ids=["empty", "decision-line-break", "issuer-line-break"],
)
def test_a_decision_given_oddly_is_refused(bloc, tmp_path, args, message):
    path = workbook(
        tmp_path / "ds.xlsx", [["STT", "Họ và tên", "Đơn vị"], [1, "Nguyễn Văn An", "Sở Tài chính"]]
    )
    assert message in refused(bloc, path, *args, what="awards")


@pytest.mark.parametrize("column", [1, 2, 3], ids=["name", "unit", "count"])
def test_an_excel_error_in_an_award_list_is_refused(bloc, tmp_path, column):
    row = [1, "Nguyễn Văn An", "Sở Tài chính", 1]
    row[column] = "#REF!"
    path = workbook(tmp_path / "ds.xlsx", [["STT", "Họ và tên", "Đơn vị", "Số lượng"], row])
    out = refused(bloc, path, "--kind", "individual", what="awards")
    assert f"S!{'ABCD'[column]}2: the cell shows the Excel error #REF!" in out


def test_a_unit_merged_over_its_people_is_each_ones_unit(bloc, tmp_path):
    rows = [
        ["STT", "Họ và tên", "Chức vụ", "Đơn vị công tác"],
        [1, "Nguyễn Văn An", "Trưởng phòng", "Sở Tài chính"],
        [2, "Trần Thị Bình", "Chuyên viên", None],
        [3, "Lê Văn Cường", "Chuyên viên", None],
        [4, "Phạm Thị Dung", "Phó Giám đốc", "Sở Xây dựng"],
        [None, "Người lập biểu"],
    ]
    path = merged(tmp_path / "ds.xlsx", rows, "D2:D4", "A7:D9")
    result = run(
        "awards", "2025", str(path), "--data", str(bloc), *DECISION, "--kind", "individual"
    )
    assert result.exit_code == 0, result.output
    ledger = (bloc / "2025" / "awards.csv").read_text(encoding="utf-8").splitlines()
    added = [line.split(",") for line in ledger if "45/QĐ-UBND" in line]
    assert [(cells[0], cells[3]) for cells in added] == [
        ("so-tai-chinh", "Nguyễn Văn An"),
        ("so-tai-chinh", "Trần Thị Bình"),
        ("so-tai-chinh", "Lê Văn Cường"),
        ("so-xay-dung", "Phạm Thị Dung"),
    ]


def test_a_numbered_entry_without_a_name_is_refused(bloc, tmp_path):
    rows = [
        ["STT", "Họ và tên", "Đơn vị", "Số lượng"],
        [1, "Nguyễn Văn An", "Sở Tài chính", "02"],
        [2, None, "Sở Xây dựng", None],
        [3],  # a template's numbered empty row
    ]
    path = workbook(tmp_path / "ds.xlsx", rows)
    out = refused(bloc, path, "--kind", "individual", what="awards")
    assert "S!A3: entry 2 of the list names no one" in out
    csv_list = tmp_path / "ds.csv"
    csv_list.write_text("STT;Họ và tên;Đơn vị\n1;Nguyễn Văn An;Sở Tài chính\n2;;Sở Xây dựng\n")
    assert "ds.csv!A3: entry 2" in refused(bloc, csv_list, "--kind", "individual", what="awards")
    del rows[2]
    added = award_rows(bloc, tmp_path, rows, "--kind", "individual")
    assert [line.split(",")[2] for line in added] == ["2"]


def test_an_uncomputed_count_is_refused(bloc, tmp_path):
    path = workbook(
        tmp_path / "ds.xlsx",
        [["STT", "Họ và tên", "Đơn vị", "Số lượng"], [1, "Nguyễn Văn An", "Sở Tài chính", "=1+1"]],
    )
    assert "S!D2 holds the formula =1+1" in refused(
        bloc, path, "--kind", "individual", what="awards"
    )
