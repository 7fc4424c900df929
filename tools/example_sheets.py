"""Write the example sheets of docs/importing.md: the shapes `thidua import` reads, as an office
makes them, with the figures of the illustrative bloc in examples/khoi-kinh-te (invented).

    python tools/example_sheets.py OUT_FOLDER

writes, into OUT_FOLDER:

- so-lieu-2025.xlsx: one row per member under two title rows, Vietnamese headers with units, a
  plan column (Kế hoạch, Dự toán), numbers typed as text with decimal commas, an estimate mark (*),
  a total row and a source line below;
- so-lieu-2025-ngang.xlsx: the same figures with the indicators down the rows and the members
  across, as many reports print them;
- so-lieu-2025.csv: the first sheet saved by Excel set to Vietnamese ("CSV (Comma delimited)":
  Windows-1258, ';');
- danh-sach-khen-thuong.xlsx: the list attached to an award decision, with its sections.

The tests import every one of them (tests/test_import.py), so the docs show sheets that work.
"""

from __future__ import annotations

import csv
import io
import sys
import unicodedata
from pathlib import Path

TITLE = ["BIỂU TỔNG HỢP SỐ LIỆU NĂM 2025", "(Kèm theo Báo cáo số …/BC-KKT)"]
HEADERS = [
    "STT",
    "Đơn vị",
    "Tỷ lệ giải ngân vốn đầu tư công được giao (%)",
    "Kim ngạch xuất khẩu của các dự án được hỗ trợ (triệu USD)",
    "Kế hoạch kim ngạch xuất khẩu",
    "Tiết kiệm chi thường xuyên (tỷ đồng)",
    "Dự toán tiết kiệm chi thường xuyên",
    "Số công chức",
    "Tỷ lệ công chức hoàn thành tốt nhiệm vụ trở lên (%)",
    "Hồ sơ giải quyết trực tuyến",
    "Tổng số hồ sơ thủ tục hành chính",
]
ROWS = [
    [1, "Sở Tài chính", "98,3", "352,0", "330", "65", "60", "140", "93,6*", "7.200", "7.600"],
    [2, "Sở Công Thương", "99,5", "905,8", "950", "27", "26", "68", "95,6", "5.800", "6.000"],
    [3, "Sở Xây dựng", "90,2", "", "", "55", "50", "160", "89,4", "7.300", "8.600"],
    [4, "Sở Nông nghiệp và Môi trường", "94,0", "160,4", "155", "48", "45", "190", "92,1", "5.600", "6.900"],
]  # fmt: skip
TOTAL = ["", "Tổng cộng", "", "1.418,2", "", "195", "", "558", "", "25.900", "29.100"]
FOOTER = ["Nguồn: báo cáo của các sở (số liệu minh họa)"]
AWARDS = [
    ["DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC TẶNG BẰNG KHEN"],
    ["(Kèm theo Quyết định số 45/QĐ-UBND ngày 12/3/2025 của Chủ tịch UBND tỉnh; minh họa)"],
    [],
    ["STT", "Họ và tên / Tên tập thể", "Chức vụ", "Đơn vị công tác"],
    ["I. TẬP THỂ"],
    [1, "Phòng Ngân sách", None, "Sở Tài chính"],
    [2, "Phòng Xuất nhập khẩu", None, "Sở Công Thương"],
    ["II. CÁ NHÂN"],
    [1, "Nguyễn Văn An", "Trưởng phòng", "Phòng Quản lý xây dựng, Sở Xây dựng"],
    [2, "Trần Thị Bình", "Chuyên viên", "Sở Nông nghiệp và Môi trường"],
    [],
    [None, "Người lập biểu"],
]


def table() -> list[list]:
    """The sheet as a member sends it, row by row."""
    return [[TITLE[0]], [TITLE[1]], [], HEADERS, *ROWS, TOTAL, [], FOOTER]


def across() -> list[list]:
    """The same figures with the indicators down the rows and the members across."""
    rows = [[TITLE[0]], [], ["STT", "Chỉ tiêu", *(r[1] for r in ROWS)]]
    for i, header in enumerate(HEADERS[2:], start=2):
        rows.append([i - 1, header, *(r[i] for r in ROWS)])
    return rows


def windows_1258(text: str) -> bytes:
    """Text as Excel saves it in Windows-1258: a letter and its tone as a combining mark."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        marks = "".join(c for c in parts if c in tones)
        out.append(
            unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones)) + marks
        )
    return "".join(out).encode("cp1258")


def typed(value: object) -> object:
    """A cell as Excel holds it once typed: whole numbers are numbers (shown 7.200 on a Vietnamese
    Excel); a decimal comma or a mark (98,3 / 93,6*) stays text, as pasted from a Word report."""
    if value == "":
        return None
    if isinstance(value, str) and value.replace(".", "").isdigit():
        return int(value.replace(".", ""))
    return value


def workbook(path: Path, rows: list[list], title: str) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append([typed(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, int) and cell.column > 2:
                cell.number_format = "#,##0"
    book.save(path)


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [
        folder / "so-lieu-2025.xlsx",
        folder / "so-lieu-2025-ngang.xlsx",
        folder / "so-lieu-2025.csv",
        folder / "danh-sach-khen-thuong.xlsx",
    ]
    workbook(paths[0], table(), "Số liệu 2025")
    workbook(paths[1], across(), "Số liệu 2025")
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(table())
    paths[2].write_bytes(windows_1258(buffer.getvalue()))
    workbook(paths[3], AWARDS, "Danh sách")
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for path in write(Path(sys.argv[1])):
        print(path)
