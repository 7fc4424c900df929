"""The year-end review as files: the ranking as a spreadsheet (read back with openpyxl and as
CSV) and, in Word, the ranking, the proposals and the ballot minutes (read back with
python-docx)."""

from __future__ import annotations

import csv
import io
import shutil
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import ROOT
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table
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
        (["-o", "{out}.txt"], "thidua writes .md, .json, .docx, .xlsx, .csv files"),
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


# --- the ranking, the proposals and the minutes in Word --------------------------------------


def everything(document: Document) -> str:
    """The text of the body's paragraphs and of every table cell."""
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def grids(document: Document) -> list[Table]:
    """The tables with lines: the listings (the header and signature tables have none)."""
    return [t for t in document.tables if t.style is not None and t.style.name == "Table Grid"]


def repeated(table: Table) -> bool:
    properties = table.rows[0]._tr.trPr
    return properties is not None and properties.find(qn("w:tblHeader")) is not None


def page_breaks(document: Document) -> int:
    return len(document.element.body.findall(".//" + qn("w:br") + "[@" + qn("w:type") + "]"))


@pytest.fixture(scope="module")
def proposal(tmp_path_factory) -> Document:
    out = tmp_path_factory.mktemp("word") / "de-nghi.docx"
    result = run("propose", "2024", "--data", str(EXAMPLE), "--output", str(out))
    assert result.exit_code == 0, result.output
    return docx.Document(str(out))


def test_the_proposal_has_the_national_header_number_and_dateline(proposal):
    header = proposal.tables[0].rows[0].cells
    left, right = header[0].text, header[1].text
    assert "KHỐI THI ĐUA CÁC SỞ, NGÀNH KINH TẾ (VÍ DỤ MINH HỌA)" in left
    assert "Số: ……/TTr-……" in left  # the records give no number: a place to fill in
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right
    assert "Độc lập - Tự do - Hạnh phúc" in right
    assert "Hội trường Sở Tài chính, ngày 16 tháng 01 năm 2025" in right


def test_the_proposal_follows_form_01(proposal):
    paragraphs = [p.text for p in proposal.paragraphs]
    assert "TỜ TRÌNH" in paragraphs
    assert (
        "Về việc đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh, Bằng khen của Chủ tịch Ủy ban"
        " nhân dân tỉnh năm 2024" in paragraphs
    )
    assert "Kính gửi: Hội đồng Thi đua - Khen thưởng tỉnh (ví dụ)." in paragraphs
    text = everything(proposal)
    assert "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023" in text
    assert "cho 2 tập thể (có danh sách kèm theo)" in text
    listed = grids(proposal)[0]
    assert [c.text for c in listed.rows[0].cells] == [
        "STT",
        "Tên tập thể, cá nhân",
        "Hình thức khen thưởng",
        "Loại hình khen thưởng",
        "Số lượng",
        "Tóm tắt thành tích",
    ]
    assert [[c.text for c in row.cells][:3] for row in listed.rows[1:]] == [
        ["1", "Sở Công Thương (tập thể)", "Cờ thi đua của Ủy ban nhân dân tỉnh"],
        ["2", "Sở Tài chính (tập thể)", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"],
    ]
    assert "Sở Kế hoạch và Đầu tư (tập thể)" not in text  # cut by the council
    assert "Nơi nhận:" in text and "- Lưu: VT." in text
    assert "KHỐI TRƯỞNG" in text and "SỞ TÀI CHÍNH" in text


def test_the_minutes_follow_the_proposal_on_a_page_of_their_own(proposal):
    paragraphs = [p.text for p in proposal.paragraphs]
    assert paragraphs.index("BIÊN BẢN KIỂM PHIẾU") > paragraphs.index("TỜ TRÌNH")
    assert page_breaks(proposal) == 1
    assert "- Số phiếu hợp lệ: 6 phiếu;" in paragraphs
    assert "Tỷ lệ phiếu cần đạt: từ 70% tổng số thành viên (6) trở lên." in paragraphs
    votes = grids(proposal)[2]
    assert [c.text for c in votes.rows[0].cells] == [
        "Đơn vị", "Đồng ý", "Tỷ lệ", "Không đồng ý", "Tỷ lệ", "Không ý kiến", "Tỷ lệ", "Kết quả"
    ]  # fmt: skip
    assert [[c.text for c in row.cells] for row in votes.rows[1:]] == [
        ["Sở Tài chính", "6", "100%", "0", "0%", "0", "0%", "Đạt"],
        ["Sở Kế hoạch và Đầu tư", "5", "83,33%", "1", "16,67%", "0", "0%", "Đạt"],
        ["Sở Giao thông vận tải", "3", "50%", "2", "33,33%", "1", "16,67%", "Không đạt"],
    ]
    assert "TRƯỞNG BAN KIỂM PHIẾU" in everything(proposal)


def test_every_listing_repeats_its_header_row(proposal, tmp_path):
    assert len(grids(proposal)) == 3  # the proposal list, and a vote table per question
    assert all(repeated(t) for t in grids(proposal))
    out = tmp_path / "xep-hang.docx"
    assert run("score", "2024", "--data", str(EXAMPLE), "-o", str(out)).exit_code == 0
    ranking = docx.Document(str(out))
    assert [repeated(t) for t in grids(ranking)] == [True]


def test_the_ranking_in_word(tmp_path):
    out = tmp_path / "xep-hang.docx"
    result = run("score", "2024", "--data", str(EXAMPLE), "--output", str(out))
    assert result.exit_code == 0, result.output
    document = docx.Document(str(out))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in document.tables[0].rows[0].cells[1].text
    paragraphs = [p.text for p in document.paragraphs]
    assert "Kết quả chấm điểm, xếp hạng thi đua năm 2024" in paragraphs
    rows = [[c.text for c in row.cells] for row in grids(document)[0].rows]
    assert rows[0][:2] == ["Hạng", "Thành viên"]
    assert rows[2] == ["2", "Sở Tài chính", "102,5", "95", "95", "-7,5", "95 (thông qua)"]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4 (đồng hạng)", "4 (đồng hạng)", "6"]
    assert (
        "Kết quả chấm điểm" not in run("score", "2024", "--data", str(EXAMPLE), "-f", "json").output
    )


def test_what_the_records_lack_is_a_dotted_place(bloc, tmp_path):
    cluster = bloc / "cluster.yaml"
    text = cluster.read_text(encoding="utf-8")
    cluster.write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("organizer:")) + "\n",
        encoding="utf-8",
    )
    proposals = bloc / "2024" / "proposals.csv"
    lines = proposals.read_text(encoding="utf-8").splitlines()
    column = lines[0].split(",").index("achievements")
    emptied = []
    for line in lines[1:]:
        cells = next(csv.reader([line]))
        cells[column] = ""
        emptied.append(cells)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([lines[0].split(","), *emptied])
    proposals.write_text(out.getvalue(), encoding="utf-8")
    target = tmp_path / "de-nghi.docx"
    result = run("propose", "2024", "--data", str(bloc), "--output", str(target))
    assert result.exit_code == 0, result.output
    document = docx.Document(str(target))
    assert "Kính gửi: ……………………." in [p.text for p in document.paragraphs]
    listed = grids(document)[0]
    assert [row.cells[5].text for row in listed.rows[1:]] == ["……………………"] * 2


def test_one_document_per_authority_each_on_its_pages(tmp_path):
    from conftest import write_repo

    root = write_repo(
        tmp_path / "repo",
        {
            "2023/proposals.csv": (
                "id,award,member,recipient_kind,count,status\n"
                "dn-1,co-thi-dua-chinh-phu,an-giang,collective,1,proposed\n"
                "dn-2,bang-khen,ca-mau,individual,3,proposed\n"
            ),
        },
    )
    out = tmp_path / "de-nghi.docx"
    result = run("propose", "2023", "--data", str(root), "-o", str(out))
    assert result.exit_code == 0, result.output
    document = docx.Document(str(out))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs.count("TỜ TRÌNH") == 2
    assert page_breaks(document) == 1
    assert "BIÊN BẢN KIỂM PHIẾU" not in paragraphs  # no ballot.yaml that year
    text = everything(document)
    assert "cho 1 tập thể và 3 cá nhân (có danh sách kèm theo)" not in text
    assert "cho 3 cá nhân (có danh sách kèm theo)" in text


def word_template(path: Path, *texts: str) -> Path:
    document = docx.Document()
    for text in texts:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def test_a_users_word_template_renders(tmp_path):
    mine = word_template(
        tmp_path / "mau.docx",
        "{% for a in d.authorities %}{{ a.level }}: {{ a.proposals|length }}{% endfor %}",
        "{{ d.ballot.questions[1].nominees[2].name }}: {{ d.ballot.questions[1].nominees[2].for }}",
    )
    out = tmp_path / "de-nghi.docx"
    args = ["--data", str(EXAMPLE), "--template", str(mine), "--output", str(out)]
    assert run("propose", "2024", *args).exit_code == 0
    assert [p.text for p in docx.Document(str(out)).paragraphs] == [
        "tỉnh: 2",
        "Sở Giao thông vận tải: 3",
    ]
    ranking = word_template(tmp_path / "xh.docx", "{{ r.standings[0].name }} {{ doc.chair }}")
    out = tmp_path / "xep-hang.docx"
    args = ["--data", str(EXAMPLE), "--template", str(ranking), "--output", str(out)]
    assert run("score", "2024", *args).exit_code == 0
    assert [p.text for p in docx.Document(str(out)).paragraphs] == ["Sở Công Thương Sở Tài chính"]


HOSTILE = [
    "{{ d.__class__ }}",
    "{{ d.cluster|attr('__class__') }}",
    "{% include '/etc/passwd' %}",
    "{% include '../secret.txt' %}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{{ 'a' * 10**9 }}",
    "{{ d.year }",
]


@pytest.mark.parametrize("command", ["propose", "score"])
@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_word_templates_are_refused(tmp_path, command, source):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-7f3a", encoding="utf-8")
    folder = tmp_path / "t"
    folder.mkdir()
    source = source.replace("d.", "r.") if command == "score" else source
    path = word_template(folder / "mau.docx", "Tờ trình", source)
    out = tmp_path / "out.docx"
    args = ["--data", str(EXAMPLE), "--template", str(path), "--output", str(out)]
    result = run(command, "2024", *args)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"thidua: {path}"), result.stderr
    assert "Traceback" not in result.output and "SECRET-7f3a" not in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["propose", "2024", "-o", "{out}.docx", "--template", "{out}.md.j2"], "text template"),
        (["propose", "2024", "--template", "{out}.docx"], "is a Word template"),
        (["score", "2024", "-f", "docx"], "not shown on the screen"),
        (["score", "2024", "-o", "{out}.xlsx", "--template", "{out}.docx"], "has no template"),
        (["score", "2024", "-o", "{out}.docx", "--lang", "en"], "Word ranking is in Vietnamese"),
    ],
)
def test_word_output_that_cannot_be_made_is_refused(tmp_path, args, says):
    out = str(tmp_path / "f")
    result = run(*(a.format(out=out) for a in args), "--data", str(EXAMPLE))
    assert result.exit_code != 0
    assert says in result.output
    assert not any(p.suffix == ".docx" and p.stat().st_size for p in tmp_path.iterdir())


def test_text_from_the_records_is_text_in_the_word_documents(bloc, tmp_path):
    """A name holding XML or Jinja is shown as written, not run nor read as the document's
    markup."""
    odd = "A & <w:p>B</w:p> {{ 7*7 }}"
    cluster = bloc / "cluster.yaml"
    cluster.write_text(
        cluster.read_text(encoding="utf-8").replace("name: Sở Công Thương", f"name: '{odd}'", 1),
        encoding="utf-8",
    )
    for command in ("propose", "score"):
        out = tmp_path / f"{command}.docx"
        result = run(command, "2024", "--data", str(bloc), "--output", str(out))
        assert result.exit_code == 0, result.output
        assert odd in everything(docx.Document(str(out)))
