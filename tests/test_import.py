"""thidua import indicators: from the sheets offices send to canonical records.

Every workbook here is made by the test with openpyxl, and every CSV written the way Excel writes
it (Windows-1258 with its combining tone marks, TCVN3 as the .VnTime fonts store it, UTF-8 with a
byte-order mark), so what each test reads is visible in the test.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import unicodedata
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, findings_of, snapshot
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from thidua.cli import app
from thidua.importing import NumberColumn, Target, _strip_words, header_key
from thidua.legacy import TCVN3, decode_tcvn3, decode_vni
from thidua.sheets import Cell, Sheet, column_letters

runner = CliRunner()
BLOC = ROOT / "examples" / "khoi-kinh-te"

TITLE = "BIỂU TỔNG HỢP SỐ LIỆU NĂM 2025"
HEADERS = [
    "STT",
    "Đơn vị",
    "Tỷ lệ giải ngân vốn đầu tư công được giao (%)",
    "Kim ngạch xuất khẩu của các dự án được hỗ trợ (triệu USD)",
    "Kế hoạch kim ngạch xuất khẩu của các dự án được hỗ trợ",
    "Tiết kiệm chi thường xuyên (tỷ đồng)",
    "Dự toán tiết kiệm chi thường xuyên",
    "Số công chức",
    "Tỷ lệ công chức hoàn thành tốt nhiệm vụ trở lên (%)",
    "Hồ sơ giải quyết trực tuyến",
    "Tổng số hồ sơ thủ tục hành chính",
]
# the bloc's 2025 figures as a member sends them: names, decimal commas, an estimate mark (*)
ROWS = [
    [1, "Sở Tài chính", "98,3", "352,0", 330, 65, 60, 140, "93,6*", 7200, 7600],
    [2, "Sở Công Thương", 99.5, "905,8", 950, 27, 26, 68, 95.6, 5800, 6000],
    [3, "Sở Xây dựng", "90,2", None, None, 55, 50, 160, 89.4, 7300, 8600],
    [4, "Sở Nông nghiệp và Môi trường", 94.5, "160,4", 155, 48, 45, 190, 92.1, 5600, 6900],
]
TOTAL = [None, "Tổng cộng", None, "1.418,2", None, 195, None, 558, None, None, None]
# the same figures written by hand in the records' own form
HAND = """\
member,disbursement,exports_supported,exports_supported.plan,savings,savings.plan,staff,staff_rated_good,staff_rated_good.status,online_files,all_files
so-tai-chinh,98.3,352.0,330,65,60,140,93.6,estimate,7200,7600
so-cong-thuong,99.5,905.8,950,27,26,68,95.6,,5800,6000
so-xay-dung,90.2,,,55,50,160,89.4,,7300,8600
so-nong-nghiep,94.5,160.4,155,48,45,190,92.1,,5600,6900
"""


def workbook(path: Path, rows: list[list], title: str = "Số liệu 2025", **more: list[list]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, extra in more.items():
        other = book.create_sheet(name)
        for row in extra:
            other.append(row)
    book.save(path)
    return path


def office_sheet() -> list[list]:
    return [
        [TITLE],
        ["(Kèm theo Báo cáo số 12/BC-KKT)"],
        [],
        HEADERS,
        *ROWS,
        TOTAL,
        [],
        ["Nguồn: báo cáo của các sở"],
    ]


def run(*args: str):
    return runner.invoke(app, ["import", *args], env={"GITHUB_ACTIONS": ""})


def import_figures(bloc: Path, book: Path, *more: str):
    """`thidua import indicators 2025 BOOK --data BLOC MORE…`."""
    return run("indicators", "2025", str(book), "--data", str(bloc), *more)


def imported(root: Path) -> str:
    return (root / "2025" / "indicators.csv").read_text(encoding="utf-8")


def summary(root: Path) -> dict:
    result = runner.invoke(app, ["summarize", "2025", "--data", str(root), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- the "done when" of the import ---------------------------------------------------------------


def test_an_office_workbook_gives_the_same_report_as_hand_written_records(bloc, tmp_path):
    book = workbook(tmp_path / "so-lieu.xlsx", office_sheet())
    result = import_figures(bloc, book, "--decimal", ",")
    assert result.exit_code == 0, result.output
    assert findings_of(bloc) == []
    from_sheet = summary(bloc)
    (bloc / "2025" / "indicators.csv").write_text(HAND, encoding="utf-8")
    assert findings_of(bloc) == []
    assert from_sheet == summary(bloc)


def test_the_written_file_is_canonical(bloc, tmp_path):
    book = workbook(tmp_path / "so-lieu.xlsx", office_sheet())
    assert import_figures(bloc, book, "--decimal", ",").exit_code == 0
    lines = imported(bloc).splitlines()
    assert lines[0] == (
        "member,name,disbursement,exports_supported,exports_supported.plan,savings,savings.plan,"
        "staff,staff_rated_good,staff_rated_good.status,online_files,all_files"
    )
    assert lines[1] == "so-tai-chinh,Sở Tài chính,98.3,352.0,330,65,60,140,93.6,estimate,7200,7600"
    # the member's name as it was that year (the department was renamed in 2025)
    assert lines[4].startswith("so-nong-nghiep,Sở Nông nghiệp và Môi trường,94.5,")
    assert len(lines) == 5  # the total row and the footer are not members


def test_importing_the_same_sheet_again_changes_nothing(bloc, tmp_path):
    book = workbook(tmp_path / "so-lieu.xlsx", office_sheet())
    assert import_figures(bloc, book, "--decimal", ",").exit_code == 0
    before = snapshot(bloc)
    again = import_figures(bloc, book, "--decimal", ",")
    assert again.exit_code == 0
    assert "nothing to change" in again.output
    assert snapshot(bloc) == before


def test_dry_run_shows_what_was_understood_and_writes_nothing(bloc, tmp_path):
    book = workbook(tmp_path / "so-lieu.xlsx", office_sheet())
    before = snapshot(bloc)
    result = import_figures(bloc, book, "--decimal", ",", "--dry-run")
    assert result.exit_code == 0, result.output
    assert snapshot(bloc) == before
    out = result.stdout
    assert (
        "'Số liệu 2025'!E4 | Kế hoạch kim ngạch xuất khẩu của các dự án được hỗ trợ | exports\\_supported.plan"
        in out
    )
    assert "'Số liệu 2025'!B8 | Sở Nông nghiệp và Môi trường | so-nong-nghiep" in out
    assert "'Số liệu 2025'!D9: the total row's 'exports_supported' (1.418,2) matches" in out
    assert "+so-tai-chinh,Sở Tài chính,98.3" in out  # the diff


# --- one sheet, every way Excel saves it -----------------------------------------------------------


def _example_sheets():
    """tools/example_sheets.py, which writes the sheets the docs offer."""
    import importlib.util

    path = ROOT / "tools" / "example_sheets.py"
    spec = importlib.util.spec_from_file_location("example_sheets", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# text as Excel saves it in Windows-1258: a letter and its tone as a combining mark
to_cp1258 = _example_sheets().windows_1258


def to_tcvn3(text: str) -> bytes:
    """Text as the .VnTime fonts store it: a capital with a mark is the small letter's byte
    (the .VnTimeH font draws it as a capital)."""
    codes = {letter: code for code, letter in TCVN3.items()}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch not in codes and ch.lower() in codes:
            ch = ch.lower()
        out.append(codes.get(ch, ord(ch)))
    return bytes(out)


def to_vni(text: str) -> bytes:
    """Text as the VNI fonts store it: a vowel, then its marks as Windows-1252 letters."""
    marks = {
        "\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï",
        "\u0302": "â", "\u0306": "ê",
    }  # fmt: skip
    both = {
        ("\u0302", "\u0301"): "á", ("\u0302", "\u0300"): "à", ("\u0302", "\u0309"): "å",
        ("\u0302", "\u0303"): "ã", ("\u0302", "\u0323"): "ä", ("\u0306", "\u0301"): "é",
        ("\u0306", "\u0300"): "è", ("\u0306", "\u0309"): "ú", ("\u0306", "\u0303"): "ü",
        ("\u0306", "\u0323"): "ë",
    }  # fmt: skip
    letters = {"ơ": "ô", "ư": "ö", "đ": "ñ", "Ơ": "Ô", "Ư": "Ö", "Đ": "Ñ"}
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base, rest = parts[0], parts[1:]
        if "\u031b" in rest:  # horn: ơ, ư
            base, rest = unicodedata.normalize("NFC", base + "\u031b"), rest.replace("\u031b", "")
        base = letters.get(base, base)
        rest = "".join(
            sorted(rest, key=lambda m: m not in "\u0302\u0306")
        )  # the vowel's mark first
        upper = base.isupper()
        if len(rest) == 2 and (rest[0], rest[1]) in both:
            tail = both[(rest[0], rest[1])]
        else:
            tail = "".join(marks[m] for m in rest)
        out.append(base + (tail.upper() if upper else tail))
    return "".join(out).encode("cp1252")


def excel_csv(rows: list[list], sep: str = ";") -> str:
    """The sheet as Excel set to Vietnamese saves it: every number as it is shown."""

    def shown(value) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:.1f}".replace(".", ",")
        if isinstance(value, int) and value >= 1000:
            return f"{value:,}".replace(",", ".")
        return str(value)

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\r\n").writerows(
        [[shown(v) for v in row] for row in rows]
    )
    return buffer.getvalue() + ";;;;\r\n"


@pytest.mark.parametrize(
    "encode",
    [
        to_cp1258,
        to_tcvn3,
        to_vni,
        lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
        lambda text: text.encode("utf-8"),
    ],
    ids=["windows-1258", "tcvn3", "vni", "utf-8-bom", "utf-8"],
)
def test_every_encoding_excel_saves_imports_to_the_same_bytes(bloc, tmp_path, encode):
    reference = tmp_path / "reference.csv"
    reference.write_bytes(b"\xef\xbb\xbf" + excel_csv(office_sheet()).encode("utf-8"))
    assert import_figures(bloc, reference).exit_code == 0
    expected = imported(bloc)
    (bloc / "2025" / "indicators.csv").unlink()
    sheet = tmp_path / "so-lieu.csv"
    sheet.write_bytes(encode(excel_csv(office_sheet())))
    result = import_figures(bloc, sheet)
    assert result.exit_code == 0, result.output
    assert imported(bloc) == expected
    assert findings_of(bloc) == []


def test_a_semicolon_csv_reads_thousands_dots_as_excel_wrote_them(bloc, tmp_path):
    """Excel separates with ';' exactly where the decimal sign is ',': 7.200 is seven thousand."""
    sheet = tmp_path / "so-lieu.csv"
    sheet.write_bytes(to_cp1258(excel_csv(office_sheet())))
    result = import_figures(bloc, sheet)
    assert result.exit_code == 0, result.output
    assert "so-tai-chinh,Sở Tài chính,98.3,352.0,330,65,60,140,93.6,estimate,7200,7600" in imported(
        bloc
    )


def test_legacy_encodings_are_converted_by_their_tables():
    assert decode_tcvn3("TiÕng ViÖt".encode("cp1252")) == "Tiếng Việt"
    assert decode_vni("Tieáng Vieät".encode("cp1252")) == "Tiếng Việt"
    letters = "aàảãáạăằẳẵắặâầẩẫấậeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵđ"
    assert decode_tcvn3(to_tcvn3(letters)) == letters
    assert decode_vni(to_vni(letters)) == letters
    assert decode_vni(to_vni(letters.upper())) == letters.upper()


# --- shapes of sheets ---------------------------------------------------------------------------


def test_indicators_down_the_rows_and_members_across(bloc, tmp_path):
    members = [r[1] for r in ROWS]
    rows = [[TITLE], [], ["STT", "Chỉ tiêu", "ĐVT", *members]]
    for i, header in enumerate(HEADERS[2:], start=2):
        rows.append([i - 1, header, "", *(r[i] for r in ROWS)])
    book = workbook(tmp_path / "ngang.xlsx", rows)
    result = import_figures(bloc, book, "--decimal", ",", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "indicators down the rows" in result.stdout
    assert import_figures(bloc, book, "--decimal", ",").exit_code == 0
    expected = tmp_path / "expected"
    shutil.copytree(bloc, expected)
    (expected / "2025" / "indicators.csv").unlink()
    assert import_figures(expected, workbook(tmp_path / "doc.xlsx", office_sheet()), "--decimal", ",").exit_code == 0  # fmt: skip
    assert imported(bloc) == imported(expected)


def test_a_two_row_header_under_merged_cells(bloc, tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Đơn vị", "Tiết kiệm chi thường xuyên (tỷ đồng)", None, "Số công chức"])
    ws.append([None, "Dự toán", "Thực hiện", None])
    ws.merge_cells("B1:C1")
    ws.append(["Sở Tài chính", 60, 65, 140])
    ws.append(["Sở Công Thương", 26, 27, 68])
    book.save(tmp_path / "hai-tang.xlsx")
    result = import_figures(bloc, tmp_path / "hai-tang.xlsx")
    assert result.exit_code == 0, result.output
    # every member of the year has its row, the others' figures still to come
    assert imported(bloc).splitlines() == [
        "member,name,savings,savings.plan,staff",
        "so-tai-chinh,Sở Tài chính,65,60,140",
        "so-cong-thuong,Sở Công Thương,27,26,68",
        "so-xay-dung,Sở Xây dựng,,,",
        "so-nong-nghiep,Sở Nông nghiệp và Môi trường,,,",
    ]
    assert [f for f in findings_of(bloc) if f.severity == "error"] == []


def test_one_members_sheet_merges_into_the_years_file(bloc, tmp_path):
    (bloc / "2025" / "indicators.csv").write_text(HAND, encoding="utf-8")
    book = workbook(
        tmp_path / "xd.xlsx",
        [["Đơn vị", "Số công chức", "Ghi chú"], ["Sở Xây dựng", 162, "đã rà soát"]],
    )
    result = import_figures(bloc, book)
    assert result.exit_code == 0, result.output
    lines = imported(bloc).splitlines()
    old = HAND.splitlines()
    assert lines[0] == old[0] + ",note"
    assert lines[1] == old[1] + ","
    assert lines[3] == "so-xay-dung,90.2,,,55,50,160,89.4,,7300,8600,đã rà soát".replace(
        ",160,", ",162,"
    )
    assert findings_of(bloc) == []


def test_cells_already_right_keep_their_text(bloc, tmp_path):
    """94.50 in the file and 94,5 in the sheet are one number: the line is not rewritten."""
    text = HAND.replace("so-nong-nghiep,94.5,", "so-nong-nghiep,94.50,")
    (bloc / "2025" / "indicators.csv").write_text(text, encoding="utf-8")
    book = workbook(
        tmp_path / "nn.xlsx",
        [
            ["Đơn vị", "Tỷ lệ giải ngân vốn đầu tư công được giao"],
            ["Sở Nông nghiệp và Môi trường", "94,5"],
        ],
    )
    result = import_figures(bloc, book)
    assert "nothing to change" in result.output
    assert imported(bloc) == text


def test_member_names_are_matched_forgivingly(tmp_path):
    root = tmp_path / "dbsh"
    shutil.copytree(ROOT / "data", root)
    spelled = {
        "Tỉnh Thái Bình": "thai-binh",
        "tinh ha nam": "ha-nam",
        "NAM ĐỊNH": "nam-dinh",
        "Hưng  Yên ": "hung-yen",
        "bac-ninh": "bac-ninh",
        "T. Quảng Ninh": "quang-ninh",
        "UBND tỉnh Hải Dương": "hai-duong",
        "Vinh Phuc": "vinh-phuc",
        "Ninh Bình": "ninh-binh",
    }
    rows = [["Tỉnh, thành phố", "Tốc độ tăng trưởng GRDP (%)"]]
    rows += [[name, "7,5"] for name in spelled]
    out = run(
        "indicators",
        "2023",
        str(workbook(tmp_path / "a.xlsx", rows)),
        "--data",
        str(root),
        "--dry-run",
    ).output
    for k, (name, member) in enumerate(spelled.items(), start=2):
        assert f"'Số liệu 2025'!A{k} | {' '.join(name.split())} | {member}" in out.replace(
            "\\-", "-"
        )
    rows[5][0] = "Quang Nin"
    out = run(
        "indicators", "2023", str(workbook(tmp_path / "b.xlsx", rows)), "--data", str(root)
    ).output
    assert (
        "'Số liệu 2025'!A6: 'Quang Nin' is not a member of the cluster (the closest: Quảng Ninh"
        in out
    )


def test_one_member_given_twice(tmp_path):
    root = tmp_path / "dbsh"
    shutil.copytree(ROOT / "data", root)
    rows = [["Tỉnh", "Tốc độ tăng trưởng GRDP"], ["tinh ha nam", "9,41"], ["Hà Nam", "9,41"]]
    result = run(
        "indicators", "2023", str(workbook(tmp_path / "a.xlsx", rows)), "--data", str(root)
    )
    assert result.exit_code == 1
    assert (
        "'Số liệu 2025'!A3: 'Hà Nam' is ha-nam, whose figures are already in 'Số liệu 2025'!A2"
        in result.output
    )


def test_percent_cells_are_read_as_shown(bloc, tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Đơn vị", "Tỷ lệ giải ngân vốn đầu tư công được giao (%)"])
    ws.append(["Sở Tài chính", 0.983])
    ws["B2"].number_format = "0.0%"
    book.save(tmp_path / "pct.xlsx")
    assert import_figures(bloc, tmp_path / "pct.xlsx").exit_code == 0
    assert "so-tai-chinh,Sở Tài chính,98.3" in imported(bloc)


def test_a_float_from_excel_is_its_shortest_decimal(bloc, tmp_path):
    rows = [["Đơn vị", "Tiết kiệm chi thường xuyên"], ["Sở Tài chính", 6.3], ["Sở Xây dựng", 1 / 3]]
    assert import_figures(bloc, workbook(tmp_path / "f.xlsx", rows)).exit_code == 0
    lines = imported(bloc).splitlines()
    assert lines[1] == "so-tai-chinh,Sở Tài chính,6.3"
    assert lines[3] == "so-xay-dung,Sở Xây dựng,0.3333333333333333"


# --- --map and --save-map -------------------------------------------------------------------------


def test_map_saved_in_cluster_yaml_makes_next_years_import_one_command(bloc, tmp_path):
    rows = [["Đơn vị", "Biên chế có mặt"], ["Sở Tài chính", 140]]
    book = workbook(tmp_path / "m.xlsx", rows)
    refused = import_figures(bloc, book)
    assert refused.exit_code == 1
    assert "'Số liệu 2025'!B1: the header 'Biên chế có mặt' cannot be placed" in refused.output
    assert '--map "Biên chế có mặt=COLUMN"' in refused.output
    before = (bloc / "cluster.yaml").read_text(encoding="utf-8")
    result = import_figures(bloc, book, "--map", "Biên chế có mặt=staff", "--save-map")
    assert result.exit_code == 0, result.output
    after = (bloc / "cluster.yaml").read_text(encoding="utf-8")
    assert after.startswith(before)  # every line kept, comments included
    assert after.endswith("import_map:\n  Biên chế có mặt: staff\n")
    (bloc / "2025" / "indicators.csv").unlink()
    assert import_figures(bloc, book).exit_code == 0
    assert [f for f in findings_of(bloc) if f.severity == "error"] == []


def test_a_map_to_no_column_is_refused(bloc, tmp_path):
    book = workbook(tmp_path / "m.xlsx", [["Đơn vị", "Số công chức"], ["Sở Tài chính", 140]])
    result = import_figures(bloc, book, "--map", "Số công chức=staf")
    assert result.exit_code == 1
    assert (
        "--map names 'staf', which is no column of indicators.csv (did you mean 'staff'?)"
        in result.output
    )


# --- refusals: each names the cell and the fix, and writes nothing ---------------------------------


def refused(bloc: Path, book: Path, *args: str) -> str:
    before = snapshot(bloc)
    result = import_figures(bloc, book, *args)
    assert result.exit_code == 1, result.output
    assert snapshot(bloc) == before
    assert "Traceback" not in result.output
    return result.output


def test_unknown_header(bloc, tmp_path):
    rows = office_sheet()
    rows[3] = [*HEADERS[:7], "Số lượng cán bộ", *HEADERS[8:]]
    out = refused(bloc, workbook(tmp_path / "a.xlsx", rows), "--decimal", ",")
    assert "'Số liệu 2025'!H4: the header 'Số lượng cán bộ' cannot be placed" in out
    assert "--map" in out


def test_unknown_member_names_the_closest(bloc, tmp_path):
    rows = office_sheet()
    rows[5] = [2, "Sở Công Thuong mại", *ROWS[1][2:]]
    out = refused(bloc, workbook(tmp_path / "a.xlsx", rows), "--decimal", ",")
    assert (
        "'Số liệu 2025'!B6: 'Sở Công Thuong mại' is not a member of the cluster (the closest: Sở Công Thương"
        in out
    )


def test_ambiguous_member(tmp_path):
    root = tmp_path / "c"
    shutil.copytree(BLOC, root)
    text = (root / "cluster.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    name: Sở Xây dựng\n",
        "    name: Sở Xây dựng\n    changes:\n      - year: 2025\n        name: Sở Tài chính\n",
    )
    (root / "cluster.yaml").write_text(text, encoding="utf-8")
    book = workbook(tmp_path / "a.xlsx", [["Đơn vị", "Số công chức"], ["Sở Tài chính", 140]])
    before = snapshot(root)
    result = import_figures(root, book)
    assert result.exit_code == 1
    assert (
        "'Số liệu 2025'!A2: 'Sở Tài chính' could be so-tai-chinh (Sở Tài chính), so-xay-dung (Sở Tài chính)"
        in result.output
    )
    assert snapshot(root) == before


def test_ambiguous_number_is_refused_until_decimal_settles_it(bloc, tmp_path):
    rows = [
        ["Đơn vị", "Hồ sơ giải quyết trực tuyến"],
        ["Sở Tài chính", "7.200"],
        ["Sở Xây dựng", "7.300"],
    ]
    book = workbook(tmp_path / "a.xlsx", rows)
    out = refused(bloc, book)
    assert (
        "'Số liệu 2025'!B2 '7.200', 'Số liệu 2025'!B3 '7.300': written so that it reads two ways"
        in out
    )
    assert "--decimal , or --decimal ." in out
    assert import_figures(bloc, book, "--decimal", ",").exit_code == 0
    assert "so-tai-chinh,Sở Tài chính,7200" in imported(bloc)


def test_a_cell_settles_its_column(bloc, tmp_path):
    rows = [
        ["Đơn vị", "Tiết kiệm chi thường xuyên"],
        ["Sở Tài chính", "1.234"],
        ["Sở Xây dựng", "1.234,5"],
    ]
    assert import_figures(bloc, workbook(tmp_path / "a.xlsx", rows)).exit_code == 0
    assert "so-tai-chinh,Sở Tài chính,1234\n" in imported(bloc)


def test_a_column_mixing_both_ways_is_refused(bloc, tmp_path):
    rows = [
        ["Đơn vị", "Tiết kiệm chi thường xuyên"],
        ["Sở Tài chính", "1,5"],
        ["Sở Xây dựng", "2.25"],
    ]
    out = refused(bloc, workbook(tmp_path / "a.xlsx", rows))
    assert "mixes numbers written the Vietnamese way" in out


def test_total_mismatch(bloc, tmp_path):
    rows = office_sheet()
    rows[8] = [None, "Tổng cộng", None, "1.418,2", None, 196, None, 558, None, None, None]
    out = refused(bloc, workbook(tmp_path / "a.xlsx", rows), "--decimal", ",")
    assert (
        "'Số liệu 2025'!F9: the total row says 196 for 'savings', but the members' rows add up to 195"
        in out
    )


def test_two_sheets_and_no_sheet_option(bloc, tmp_path):
    book = workbook(tmp_path / "a.xlsx", office_sheet(), **{"Năm trước": office_sheet()})
    out = refused(bloc, book, "--decimal", ",")
    assert (
        "has 2 sheets with data ('Số liệu 2025', 'Năm trước'); say which one to import with --sheet NAME"
        in out
    )
    result = import_figures(bloc, book, "--decimal", ",", "--sheet", "Số liệu 2025")
    assert result.exit_code == 0, result.output


def test_a_row_of_figures_without_a_member(bloc, tmp_path):
    rows = [["Đơn vị", "Số công chức"], ["Sở Tài chính", 140], [None, 68]]
    assert "'Số liệu 2025'!A3: a row of figures with no member named" in refused(
        bloc, workbook(tmp_path / "a.xlsx", rows)
    )


def test_a_member_not_in_the_cluster_that_year(bloc, tmp_path):
    rows = [["Đơn vị", "Số công chức"], ["Sở Giao thông vận tải", 40]]
    out = refused(bloc, workbook(tmp_path / "a.xlsx", rows))
    assert "'Sở Giao thông vận tải' (so-giao-thong) was not a member of the cluster in 2025" in out


def test_a_plan_column_of_an_indicator_without_a_plan(bloc, tmp_path):
    rows = [["Đơn vị", "Kế hoạch số công chức"], ["Sở Tài chính", 140]]
    assert "which has no plan column: declare `plan:`" in refused(
        bloc, workbook(tmp_path / "a.xlsx", rows)
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old Excel 97-2003 workbook (.xls)"),
        (b"PK\x03\x04not really a zip", "is not a readable .xlsx workbook"),
        (b"member,staff\n\x00\x00", "NUL characters"),
        (b"\x81\x8d\x8f\x90\x9d" * 50, "does not read as Vietnamese"),
    ],
    ids=["empty", "xls", "broken-zip", "nul", "undecodable"],
)
def test_files_that_are_not_sheets(bloc, tmp_path, content, message):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    assert message in refused(bloc, path)


def test_a_zip_that_is_no_workbook(bloc, tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "a.xlsx", "w") as z:
        z.writestr("hello.txt", "hi")
    assert "is a zip file but not an Excel workbook" in refused(bloc, tmp_path / "a.xlsx")


def test_a_workbook_that_unpacks_too_large_is_refused_unread(bloc, tmp_path, monkeypatch):
    import thidua.sheets

    monkeypatch.setattr(thidua.sheets, "UNPACKED_LIMIT", 1024)
    book = workbook(tmp_path / "a.xlsx", office_sheet())
    assert "unpacks to 0 MB; a workbook to import may unpack to at most 0 MB" in refused(bloc, book)


def test_too_many_rows(bloc, tmp_path):
    rows = [["Đơn vị", "Số công chức"]] + [["Sở Tài chính", 1]] * 10_001
    assert "more than 10,000 rows" in refused(bloc, workbook(tmp_path / "a.xlsx", rows))


def test_an_excel_error_and_a_date_in_a_number_column(bloc, tmp_path):
    from datetime import date

    rows = [
        ["Đơn vị", "Số công chức", "Tiết kiệm chi thường xuyên"],
        ["Sở Tài chính", "#DIV/0!", date(2025, 3, 1)],
    ]
    book = workbook(tmp_path / "a.xlsx", rows)
    out = refused(bloc, book)
    assert "'Số liệu 2025'!C2: '2025-03-01' is a date, not a number" in out


def test_records_with_errors_are_not_imported_into(bloc, tmp_path):
    (bloc / "2025" / "indicators.csv").write_text(
        "member,staff\nso-tai-chinh,1,2\n", encoding="utf-8"
    )
    book = workbook(tmp_path / "a.xlsx", [["Đơn vị", "Số công chức"], ["Sở Tài chính", 140]])
    assert "has errors already; fix them first" in refused(bloc, book)


# --- the pieces --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "key", "plan", "status"),
    [
        ("Kế hoạch năm 2025", "", True, None),
        ("Thu ngân sách - KH", "thu-ngan-sach", True, None),
        ("Ước thực hiện thu ngân sách", "thu-ngan-sach", False, "estimate"),
        ("Thu ngân sách (sơ bộ)", "thu-ngan-sach", False, None),
        ("Tăng trưởng GRDP năm 2025 (%)", "tang-truong-grdp", False, None),
    ],
)
def test_header_words(header, key, plan, status):
    rest, is_plan, said = _strip_words(header_key(header))
    assert (rest, is_plan, said) == (key or rest, plan, status)


def test_column_letters():
    assert [column_letters(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def read_column(
    texts: list[str], decimal: str | None = None, semicolon: bool = False
) -> tuple[list, list[str]]:
    sheet = Sheet("S", [], decimal_comma=semicolon)
    cells = [Cell(t, r, 1) for r, t in enumerate(texts)]
    column = NumberColumn(Target("x"), cells)
    return [r.value for r in column.read(sheet, decimal, False)], column.problems


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False),
    st.sampled_from(["vi", "en"]),
)
def test_a_number_written_either_way_reads_back(value, locale):
    from babel.numbers import format_decimal

    text = format_decimal(value, format="#,##0.00", locale=locale)
    sign = "," if locale == "vi" else "."
    values, problems = read_column([text], decimal=sign)
    assert problems == []
    assert values == [value]
    # with a digit after the decimal sign that is not three digits long, no option is needed
    values, problems = read_column([text, format_decimal(Decimal("1.5"), locale=locale)])
    assert problems == [] and values[0] == value


def test_no_figure_marks():
    values, problems = read_column(["-", "x", "…", "", "12"])
    assert problems == [] and values == [None, None, None, None, Decimal(12)]


def test_estimate_marks_in_cells():
    sheet = Sheet("S", [])
    cells = [Cell(t, r, 1) for r, t in enumerate(["6,3*", "6,3 (ước)", "ước 6,3", "sơ bộ 7,1"])]
    readings = NumberColumn(Target("x"), cells).read(sheet, ",", False)
    assert [(r.value, r.status) for r in readings] == [
        (Decimal("6.3"), "estimate"),
        (Decimal("6.3"), "estimate"),
        (Decimal("6.3"), "estimate"),
        (Decimal("7.1"), "preliminary"),
    ]


def test_a_member_whose_name_starts_like_a_total_is_a_member(bloc, tmp_path):
    text = (bloc / "cluster.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "\nindicators:\n",
        "\n  - id: cong-an\n    name: Công an tỉnh\n    kind: sở\n\nindicators:\n",
        1,
    )
    (bloc / "cluster.yaml").write_text(text, encoding="utf-8")
    rows = [
        ["Đơn vị", "Số công chức"],
        ["Sở Tài chính", 140],
        ["Công an tỉnh", 900],
        ["Cộng", 1040],
    ]
    result = import_figures(bloc, workbook(tmp_path / "a.xlsx", rows))
    assert result.exit_code == 0, result.output
    assert "cong-an,Công an tỉnh,900" in imported(bloc)


@pytest.mark.parametrize(
    "text", ["Thái Bình", "Hà Nam", "Sở Nông nghiệp và Môi trường", "Tỷ lệ (%)", "Người lập biểu"]
)
@pytest.mark.parametrize(
    ("encode", "name"), [(to_cp1258, "cp1258"), (to_tcvn3, "tcvn3"), (to_vni, "vni")]
)
def test_even_a_short_text_names_its_encoding(text, encode, name):
    from thidua.legacy import guess_encoding

    assert guess_encoding(encode(text)) == name


def test_what_export_writes_imports_back_to_the_same_report(tmp_path):
    """`thidua export --table members` then `thidua import indicators`: the report is unchanged."""
    root = tmp_path / "dbsh"
    shutil.copytree(ROOT / "data", root)
    sheet = tmp_path / "members.csv"
    exported = runner.invoke(
        app, ["export", "2023", "--data", str(root), "--output", str(sheet), "--table", "members"]
    )
    assert exported.exit_code == 0, exported.output
    before = runner.invoke(app, ["summarize", "2023", "--data", str(root)]).stdout
    (root / "2023" / "indicators.csv").unlink()
    result = run("indicators", "2023", str(sheet), "--data", str(root))
    assert result.exit_code == 0, result.output
    assert findings_of(root) == []
    assert runner.invoke(app, ["summarize", "2023", "--data", str(root)]).stdout == before


def test_the_documented_example_sheets_import(tmp_path):
    """The sheets docs/importing.md offers to try (tools/example_sheets.py) all import."""
    table, across, semicolons, awards = _example_sheets().write(tmp_path / "sheets")
    texts = []
    for sheet in (table, across, semicolons):
        root = tmp_path / sheet.name
        shutil.copytree(BLOC, root)
        (root / "2025" / "indicators.csv").unlink()
        result = import_figures(root, sheet)
        assert result.exit_code == 0, result.output
        assert findings_of(root) == []
        texts.append(imported(root))
    assert texts[0] == texts[1] == texts[2]
    root = tmp_path / "so-lieu-2025.xlsx"
    decision = [
        "--decision",
        "45/QĐ-UBND",
        "--date",
        "12/3/2025",
        "--award",
        "bang-khen-chu-tich-ubnd-tinh",
    ]
    result = runner.invoke(
        app, ["import", "awards", "2025", str(awards), "--data", str(root), *decision]
    )
    assert result.exit_code == 0, result.output
    assert "4 rows added" in result.output


def test_a_shortened_header_names_one_indicator_or_is_refused(tmp_path):
    root = tmp_path / "dbsh"
    shutil.copytree(ROOT / "data", root)
    rows = [["Tỉnh", "Thu ngân sách nhà nước", "Số xã đạt chuẩn"], ["Thái Bình", 22000, 120]]
    result = run(
        "indicators", "2023", str(workbook(tmp_path / "a.xlsx", rows)), "--data", str(root)
    )
    assert result.exit_code == 1
    assert (
        "'Số liệu 2025'!C1: the header 'Số xã đạt chuẩn' cannot be placed: it could be ntm_advanced_communes, ntm_model_communes"
        in result.output
    )
    assert "B1" not in result.output  # 'Thu ngân sách nhà nước' is budget_revenue, the only one


def test_a_folder_given_as_the_sheet(bloc, tmp_path):
    assert "is a folder; name the file to import" in refused(bloc, tmp_path)


def test_a_sheet_left_beside_the_records_is_named_with_the_import(tmp_path):
    root = tmp_path / "dbsh"
    shutil.copytree(ROOT / "data", root)
    workbook(root / "2023" / "so-lieu.xlsx", [["Tỉnh", "Số công chức"]])
    (root / "2023" / "bao-cao.docx").write_bytes(b"PK")
    found = {f.position.path: f.message for f in findings_of(root)}
    assert found["2023/so-lieu.xlsx"].endswith(
        '(a sheet to bring in: thidua import indicators 2023 "so-lieu.xlsx", then move it out)'
    )
    assert found["2023/bao-cao.docx"].endswith(
        "(a document: keep documents outside the data folder)"
    )
