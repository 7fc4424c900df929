"""Word output: the report and the pledge as .docx in Decree 30's layout, read back with
python-docx (never compared byte for byte); templates edited in Word; hostile Word templates."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import docx.enum.text
import pytest
from conftest import DATA, ROOT, snapshot
from docx.document import Document
from docx.oxml.ns import qn
from docx.shared import Length
from typer.testing import CliRunner

from thidua.cli import app
from thidua.rendering import TEMPLATES

sys.path.insert(0, str(ROOT / "tools"))

from build_docx_templates import build

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), env={"GITHUB_ACTIONS": ""})


def everything(document: Document) -> str:
    """The text of the body's paragraphs and of every table cell, nested ones too."""
    parts = [p.text for p in document.paragraphs]

    def cells(tables) -> None:
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    parts.append(cell.text)
                    cells(cell.tables)

    cells(document.tables)
    return "\n".join(parts)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Document:
    out = tmp_path_factory.mktemp("word") / "bc.docx"
    result = run("summarize", "2023", "--data", str(DATA), "--output", str(out))
    assert result.exit_code == 0, result.output
    return docx.Document(str(out))


def test_the_page_is_a4_with_decree_30s_margins(report):
    for section in report.sections:
        assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
        assert 20 <= round(section.top_margin.mm) <= 25
        assert 20 <= round(section.bottom_margin.mm) <= 25
        assert 30 <= round(section.left_margin.mm) <= 35
        assert 15 <= round(section.right_margin.mm) <= 20


def test_pages_are_numbered_in_the_top_margin_but_the_first(report, tmp_path):
    for document in (report, _pledge_document(tmp_path)):
        section = document.sections[0]
        assert section.different_first_page_header_footer
        assert not "".join(p.text for p in section.first_page_header.paragraphs).strip()
        (paragraph,) = section.header.paragraphs
        assert paragraph.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
        fields = paragraph._p.xpath(".//w:instrText/text()")
        assert [f.strip() for f in fields] == ["PAGE"]
        assert {r.font.size.pt for r in paragraph.runs if r.font.size} == {13}


def _pledge_document(tmp_path: Path) -> Document:
    out = tmp_path / "gu.docx"
    assert run("pledge", "2024", "--data", str(DATA), "--output", str(out)).exit_code == 0
    return docx.Document(str(out))


def test_the_body_is_times_new_roman_13_to_14_pt(report):
    normal = report.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt in (13, 14)
    fonts = normal.element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == fonts.get(qn("w:cs")) == "Times New Roman"
    # no paragraph of the body names another font
    named = {r.font.name for p in report.paragraphs for r in p.runs} - {None}
    assert named <= {"Times New Roman"}


def test_the_two_column_header(report):
    header = report.tables[0]
    left, right = (cell.text for cell in header.rows[0].cells)
    assert "CỤM THI ĐUA CÁC TỈNH ĐỒNG BẰNG SÔNG HỒNG" in left
    assert "Số: …/BC-…" in left  # no number in the records: the place an office fills in
    lines = right.splitlines()
    assert lines[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    quoc_hieu, tieu_ngu, rule, dateline = header.rows[0].cells[1].paragraphs[:4]
    assert all(r.bold for r in quoc_hieu.runs) and quoc_hieu.runs[0].font.size.pt in (12, 13)
    assert all(r.bold for r in tieu_ngu.runs) and tieu_ngu.runs[0].font.size.pt in (13, 14)
    line = rule._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))  # the solid line under it
    assert line.get(qn("w:val")) == "single" and not rule.text
    width = Length(header.rows[0].cells[1].width - rule.paragraph_format.left_indent * 2)
    assert 55 <= width.mm <= 65  # about as long as the Tiêu ngữ
    # the dateline in italics, with a leading zero only for days below 10 and months 1 and 2
    assert dateline.text == "Thái Bình, ngày 13 tháng 3 năm 2024"
    assert all(r.italic for r in dateline.runs if r.text)


def test_the_title_is_in_bold_capitals(report):
    paragraphs = report.paragraphs
    at = next(i for i, p in enumerate(paragraphs) if p.text.startswith("BÁO CÁO"))
    title, subject = paragraphs[at], paragraphs[at + 1]
    assert title.text == title.text.upper()
    assert all(r.bold for r in title.runs if r.text)
    assert subject.text == "Tổng kết công tác thi đua, khen thưởng năm 2023"
    assert all(r.bold for r in subject.runs if r.text)


def test_every_figure_of_the_markdown_report_is_in_the_document(report):
    text = everything(report)
    for said in (
        "6,3%, cao hơn mức chung của cả nước (5,05%)",
        "GRDP bình quân đầu người (bình quân của các thành viên): 103 triệu đồng",
        "Thu ngân sách nhà nước trên địa bàn: hơn 235.000 tỷ đồng",
        "Số xã đạt chuẩn nông thôn mới nâng cao: 571 xã",
        "Số xã đạt chuẩn nông thôn mới kiểu mẫu: 138 xã",
        "Tỷ lệ đơn vị cấp huyện đạt chuẩn nông thôn mới: 100%",
        "cho 18 tập thể, cá nhân",
        "Đơn vị dẫn đầu phong trào thi đua của Cụm năm 2023: tỉnh Nam Định.",
        "Cụm trưởng năm 2024: tỉnh Nam Định; Cụm phó: tỉnh Hải Dương",
    ):
        assert said in text, said
    awards = next(t for t in report.tables if t.rows[0].cells[0].text == "Hình thức khen thưởng")
    counts = {row.cells[0].text: row.cells[1].text for row in awards.rows[1:]}
    assert counts == {
        "Huân chương": "76",
        "Cờ thi đua của Chính phủ": "98",
        "Bằng khen của Thủ tướng Chính phủ": "267",
        "Chiến sĩ thi đua toàn quốc": "1",
    }
    assert "{{" not in text and "{%" not in text


def test_the_member_table_has_every_member_and_indicator(report):
    table = next(t for t in report.tables if t.rows[0].cells[0].text == "Thành viên")
    assert [row.cells[0].text for row in table.rows[1:]] == [
        "Thái Bình",
        "Hà Nam",
        "Nam Định",
        "Hưng Yên",
        "Bắc Ninh",
        "Quảng Ninh",
        "Hải Dương",
        "Vĩnh Phúc",
        "Ninh Bình",
    ]
    assert len(table.rows[0].cells) == 1 + 8
    assert table.rows[0].cells[1].text == "Tốc độ tăng trưởng GRDP (%)"
    assert [c.text for c in table.rows[3].cells[:3]] == ["Nam Định", "10,19¹", "46,1³"]
    assert len(table._tbl.tblGrid.gridCol_lst) == 9


def test_tables_repeat_their_header_row_on_every_page(report):
    for table in report.tables[1:-1]:  # not the layout tables of the header and the signature
        header = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
        assert header is not None and header.get(qn("w:val")) == "true"


def test_the_chart_is_a_picture(report):
    assert len(report.inline_shapes) == 1  # one indicator has chart: true
    shape = report.inline_shapes[0]
    assert 150 <= shape.width.mm <= 165
    blip = shape._inline.graphic.graphicData.pic.blipFill.blip
    png = report.part.related_parts[blip.embed].blob
    assert png.startswith(b"\x89PNG") and len(png) < 500_000


def test_recipients_and_signature_block(report):
    left, right = (cell.text for cell in report.tables[-1].rows[0].cells)
    assert left.splitlines() == ["Nơi nhận:", "- ……;", "- Lưu: VT."]
    lines = [line for line in right.splitlines() if line]
    assert lines == ["CỤM TRƯỞNG", "TỈNH THÁI BÌNH", "……………………"]


def test_the_document_parts_come_from_the_records_and_number(data_copy, tmp_path):
    conference = data_copy / "2023" / "conference.yaml"
    conference.write_text(
        conference.read_text(encoding="utf-8")
        + "report:\n  symbol: BC-CTĐ\n  parent: Hội đồng Thi đua - Khen thưởng Trung ương\n"
        '  recipients: [Ban Thi đua - Khen thưởng Trung ương, "Lưu: VT"]\n'
        "  signature:\n    authority: TM. Cụm thi đua\n    name: Nguyễn Văn A\n",
        encoding="utf-8",
    )
    out = tmp_path / "bc.docx"
    args = ["--data", str(data_copy), "--output", str(out), "--number", "15"]
    assert run("summarize", "2023", *args).exit_code == 0
    document = docx.Document(str(out))
    left = document.tables[0].rows[0].cells[0].text.splitlines()
    assert left[0] == "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TRUNG ƯƠNG"
    assert "Số: 15/BC-CTĐ" in left
    to, sign = (cell.text for cell in document.tables[-1].rows[0].cells)
    assert to.splitlines() == ["Nơi nhận:", "- Ban Thi đua - Khen thưởng Trung ương;", "- Lưu: VT."]
    assert [line for line in sign.splitlines() if line] == [
        "TM. CỤM THI ĐUA",
        "CỤM TRƯỞNG",
        "TỈNH THÁI BÌNH",
        "Nguyễn Văn A",
    ]


def test_text_from_the_records_is_text_in_the_document(data_copy, tmp_path):
    """A name with XML's own characters cannot add XML (a field, a link) to the document."""
    cluster = data_copy / "cluster.yaml"
    text = cluster.read_text(encoding="utf-8")
    cluster.write_text(
        text.replace(
            "name: Thái Bình\n",
            'name: "Thái Bình</w:t></w:r><w:fldSimple w:instr=\\"x\\"/> & <b>"\n',
            1,
        ),
        encoding="utf-8",
    )
    out = tmp_path / "bc.docx"
    result = run("summarize", "2023", "--data", str(data_copy), "--output", str(out))
    assert result.exit_code == 0, result.output
    document = docx.Document(str(out))
    assert 'Thái Bình</w:t></w:r><w:fldSimple w:instr="x"/> & <b>' in everything(document)
    assert b"<w:fldSimple" not in zipfile.ZipFile(out).read("word/document.xml")


def test_the_documents_properties_hold_the_text_as_written(data_copy, tmp_path):
    cluster = data_copy / "cluster.yaml"
    text = cluster.read_text(encoding="utf-8")
    cluster.write_text(text.replace("name: Thái Bình\n", 'name: "Thái Bình & <Hà Nam>"\n', 1))
    template = docx.Document()
    template.add_paragraph("{{ s.members[0].name }}")
    template.core_properties.title = "Báo cáo {{ s.year }}: {{ s.members[0].name }}"
    template.core_properties.subject = "Cụm & Khối"
    template.save(str(tmp_path / "mau.docx"))
    out = tmp_path / "bc.docx"
    args = [
        "--data",
        str(data_copy),
        "--template",
        str(tmp_path / "mau.docx"),
        "--output",
        str(out),
    ]
    result = run("summarize", "2023", *args)
    assert result.exit_code == 0, result.output
    written = docx.Document(str(out))
    assert written.paragraphs[0].text == "Thái Bình & <Hà Nam>"
    assert written.core_properties.title == "Báo cáo 2023: Thái Bình & <Hà Nam>"
    assert written.core_properties.subject == "Cụm & Khối"


# --- the format follows the file's name ---------------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--output", "{t}/bc.docx", "--format", "md"], "--format md does not match"),
        (["--output", "{t}/bc.md", "--format", "docx"], "--format docx does not match"),
        (["--output", "{t}/bc.txt"], "thidua writes .md, .json, .docx files"),
        (["--output", "{t}/bc"], "thidua writes .md, .json, .docx files"),
        (["--format", "docx"], "a Word document is not shown on the screen"),
        (["--output", "{t}/bc.docx", "--template", "{t}/mine.md.j2"], "is a text template"),
        (["--output", "{t}/bc.md", "--template", "{t}/mine.docx"], "is a Word template"),
        (["--output", "{t}/bc.docx", "--lang", "en"], "in Vietnamese"),
    ],
)
def test_a_format_that_does_not_match_is_refused(tmp_path, args, says):
    (tmp_path / "mine.md.j2").write_text("{{ s.year }}\n", encoding="utf-8")
    shutil_copy(TEMPLATES / "report.vi.docx", tmp_path / "mine.docx")
    before = snapshot(tmp_path)
    result = run("summarize", "2023", "--data", str(DATA), *[a.format(t=tmp_path) for a in args])
    assert result.exit_code == 1, result.output
    assert says in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(tmp_path) == before  # nothing written


def shutil_copy(source: Path, target: Path) -> None:
    target.write_bytes(source.read_bytes())


def test_number_is_for_word_documents_only(tmp_path):
    result = run("summarize", "2023", "--data", str(DATA), "--number", "15")
    assert result.exit_code == 2
    assert "--number numbers a Word document" in result.output


@pytest.mark.parametrize("number", ["15/BC-CTĐ", "", "1\x012", "9" * 100, "١٥", "-3"])
def test_number_is_a_number(tmp_path, number):
    out = tmp_path / "bc.docx"
    result = run("summarize", "2023", "--data", str(DATA), "--output", str(out), "--number", number)
    assert result.exit_code == 2, result.output
    assert "--number is the document's number in Arabic digits" in result.output
    assert not out.exists()


def test_the_extension_chooses_the_format(tmp_path):
    for name, starts in (("bc.md", b"# B"), ("bc.json", b"{"), ("bc.docx", b"PK")):
        assert (
            run("summarize", "2023", "--data", str(DATA), "-o", str(tmp_path / name)).exit_code == 0
        )
        assert (tmp_path / name).read_bytes().startswith(starts)
    assert (
        run("pledge", "2024", "--data", str(DATA), "-o", str(tmp_path / "gu.json")).exit_code == 1
    )


# --- the pledge -----------------------------------------------------------------------------


def test_the_pledge_has_a_signature_table_of_every_member(tmp_path):
    out = tmp_path / "giao-uoc.docx"
    result = run("pledge", "2024", "--data", str(DATA), "--output", str(out))
    assert result.exit_code == 0, result.output
    document = docx.Document(str(out))
    text = everything(document)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "BẢN GIAO ƯỚC THI ĐUA NĂM 2024" in text
    signatures = document.tables[-1]
    cells = [cell.text for row in signatures.rows for cell in row.cells]
    names = ["THÁI BÌNH", "HÀ NAM", "NAM ĐỊNH", "HƯNG YÊN", "BẮC NINH", "QUẢNG NINH"]
    names += ["HẢI DƯƠNG", "VĨNH PHÚC", "NINH BÌNH"]
    assert [c.splitlines()[0] for c in cells] == [f"ĐẠI DIỆN {n}" for n in names]
    assert all("Ngày ký: 13/3/2024" in c for c in cells)


def test_the_pledge_of_the_example_has_its_criteria_table(tmp_path):
    out = tmp_path / "giao-uoc.docx"
    data = ROOT / "examples" / "khoi-kinh-te"
    assert run("pledge", "2025", "--data", str(data), "--output", str(out)).exit_code == 0
    document = docx.Document(str(out))
    criteria = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
    assert criteria.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert criteria.rows[-1].cells[1].text == "Tổng cộng"
    unsigned = [c.text for r in document.tables[-1].rows for c in r.cells if "(chưa ký)" in c.text]
    markdown = run("pledge", "2025", "--data", str(data)).output
    assert len(unsigned) == markdown.count("| not signed |") + markdown.count("| unsigned |")


# --- templates edited in Word ----------------------------------------------------------------


def test_a_template_edited_in_word_renders(tmp_path):
    """Open the shipped template, change a heading's words and the body's font, split a tag
    across runs as Word does when one edits inside it, save: the report follows the edits."""
    template = docx.Document(str(TEMPLATES / "report.vi.docx"))
    title = next(p for p in template.paragraphs if p.text == "BÁO CÁO")
    title.runs[0].text = "BÁO CÁO CỦA CỤM"
    template.styles["Normal"].font.name = "Arial"
    subject = next(p for p in template.paragraphs if p.text.startswith("Tổng kết công tác"))
    for run_ in subject.runs:
        run_.text = ""
    subject.add_run("Năm {{ s.")
    subject.add_run("year").bold = True
    subject.add_run(" }} của Cụm")
    mine = tmp_path / "mau-cua-cum.docx"
    template.save(str(mine))
    out = tmp_path / "bc.docx"
    args = ["--data", str(DATA), "--template", str(mine), "--output", str(out)]
    result = run("summarize", "2023", *args)
    assert result.exit_code == 0, result.output
    document = docx.Document(str(out))
    texts = [p.text for p in document.paragraphs]
    assert "BÁO CÁO CỦA CỤM" in texts
    assert "Năm 2023 của Cụm" in texts
    assert document.styles["Normal"].font.name == "Arial"
    assert "hơn 235.000 tỷ đồng" in everything(document)
    assert len(document.inline_shapes) == 1


def test_an_edited_pledge_template_renders(tmp_path):
    template = docx.Document(str(TEMPLATES / "pledge.vi.docx"))
    template.add_paragraph("Số thành viên: {{ state.signed|length }}")
    mine = tmp_path / "gu.docx"
    template.save(str(mine))
    out = tmp_path / "out.docx"
    args = ["--data", str(DATA), "--template", str(mine), "--output", str(out)]
    assert run("pledge", "2024", *args).exit_code == 0
    assert "Số thành viên: 9" in [p.text for p in docx.Document(str(out)).paragraphs]


def word_template(path: Path, *texts: str) -> Path:
    document = docx.Document()
    for text in texts:
        document.add_paragraph(text)
    document.save(str(path))
    return path


HOSTILE = [
    "{{ s.__class__ }}",
    "{{ s.cluster|attr('__class__') }}",
    "{{ s.year.to_bytes(2, 'big') }}",
    "{{ ''.__class__.__mro__ }}",
    "{% include '/etc/passwd' %}",
    "{% include '../secret.txt' %}",
    "{% import 'x.j2' as x %}",
    "{% extends 'report.vi.md.j2' %}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% macro r() %}{{ r() }}{% endmacro %}{{ r() }}",
    "{{ 'a' * 10**9 }}",
    "{% for f in s.figures * 50 %}{{ f|chart }}{% endfor %}",
    "{{ 5|chart }}",
    "{{ s.year }",
    "{% autoescape false %}{{ s.cluster.name }}{% endautoescape %}",
    "{{a" * 300_000,  # docxtpl's regular expressions would take minutes: refused before them
    "{{ 1 }}" * 30_000,
]


@pytest.mark.parametrize("source", HOSTILE, ids=[h[:40] for h in HOSTILE])
def test_hostile_word_templates_are_refused(tmp_path, source):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-7f3a", encoding="utf-8")
    folder = tmp_path / "t"
    folder.mkdir()
    path = word_template(folder / "mau.docx", "Báo cáo", source)
    out = tmp_path / "bc.docx"
    args = ["--data", str(DATA), "--template", str(path), "--output", str(out)]
    result = run("summarize", "2023", *args)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"thidua: {path}"), result.stderr
    assert "Traceback" not in result.output and "SECRET-7f3a" not in result.output
    assert not out.exists()


def test_a_file_that_is_no_word_document_is_refused(tmp_path):
    fake = tmp_path / "mau.docx"
    fake.write_text("{{ s.year }}", encoding="utf-8")
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", "")
        package.writestr("big.bin", b"\0" * (101 * 2**20))
    out = tmp_path / "bc.docx"
    for template, says in ((fake, "is not a Word document"), (bomb, "unpacks to more than")):
        args = ["--data", str(DATA), "--template", str(template), "--output", str(out)]
        result = run("summarize", "2023", *args)
        assert result.exit_code == 1
        assert says in result.stderr
        assert not out.exists()


def repackaged(source: Path, target: Path, change) -> Path:
    """A copy of the .docx `source` with its parts changed by `change(parts)` (a dict of bytes)."""
    with zipfile.ZipFile(source) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    change(parts)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in parts.items():
            package.writestr(name, content)
    return target


def _replace(parts: dict, name: str, old: str, new: str) -> None:
    assert old in parts[name].decode(), name
    parts[name] = parts[name].decode().replace(old, new, 1).encode()


def _relationship(kind: str, target: str, external: bool = True):
    mode = ' TargetMode="External"' if external else ""
    rel = (
        f'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/{kind}" Target="{target}"{mode}/></Relationships>'
    )
    return lambda parts: _replace(parts, "word/_rels/document.xml.rels", "</Relationships>", rel)


def _body(xml: str):
    return lambda parts: _replace(parts, "word/document.xml", "<w:body>", "<w:body>" + xml)


def _attached_template(parts: dict) -> None:
    parts["word/_rels/settings.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
        b'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
        b'http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"'
        b' Target="http://example.org/t.dotm" TargetMode="External"/></Relationships>'
    )
    _replace(parts, "word/settings.xml", "<w:zoom", '<w:attachedTemplate r:id="rId1"/><w:zoom')


def _altchunk(parts: dict) -> None:
    parts["word/chunk.html"] = b"<html><body><img src='http://example.org/x.png'></body></html>"
    override = '<Override PartName="/word/chunk.html" ContentType="text/html"/></Types>'
    _replace(parts, "[Content_Types].xml", "</Types>", override)
    _relationship("aFChunk", "chunk.html", external=False)(parts)


def _field(instruction: str) -> str:
    return (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
        f"{instruction}</w:instrText></w:r>"
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


FETCHING = {
    "a picture linked from the web": _relationship("image", "http://example.org/x.png"),
    "a template attached from a server": _attached_template,
    "altChunk": _altchunk,
    "INCLUDEPICTURE": _body(_field(' INCLUDEPICTURE "http://example.org/p.png" \\d ')),
    "a field split over runs": _body(
        _field(
            "</w:instrText></w:r><w:r><w:instrText> INCLUDE</w:instrText></w:r><w:r>"
            '<w:instrText>TEXT "http://example.org/t"'
        )
    ),
    "a field a tag writes": _body(_field("{{ 'DDE' ~ 'AUTO' }} cmd /c calc")),
    "a simple field": _body('<w:p><w:fldSimple w:instr=" LINK Excel.Sheet.8 x.xls"/></w:p>'),
    "a mail merge": lambda parts: _replace(
        parts,
        "word/settings.xml",
        "<w:zoom",
        '<w:mailMerge><w:mainDocumentType w:val="formLetters"/></w:mailMerge><w:zoom',
    ),
}


@pytest.mark.parametrize("case", FETCHING)
def test_a_template_that_makes_word_fetch_or_run_something_is_refused(tmp_path, case):
    path = repackaged(
        word_template(tmp_path / "plain.docx", "Năm {{ s.year }}"),
        tmp_path / "mau.docx",
        FETCHING[case],
    )
    out = tmp_path / "bc.docx"
    args = ["--data", str(DATA), "--template", str(path), "--output", str(out)]
    result = run("summarize", "2023", *args)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"thidua: {path}: the document would make Word")
    assert "Traceback" not in result.output
    assert not out.exists()


def test_hyperlinks_and_fields_that_fetch_nothing_stay(tmp_path):
    add = [
        _relationship("hyperlink", "https://thiduakhenthuong.vn/"),
        _body(
            '<w:p><w:hyperlink r:id="rIdX"><w:r><w:t>{{ s.year }}</w:t></w:r></w:hyperlink></w:p>'
        ),
        _body(_field(" PAGE ")),
        _body('<w:p><w:fldSimple w:instr=" HYPERLINK &quot;https://example.org&quot; "/></w:p>'),
    ]

    def change(parts):
        for step in add:
            step(parts)

    path = repackaged(word_template(tmp_path / "plain.docx", "x"), tmp_path / "mau.docx", change)
    out = tmp_path / "bc.docx"
    args = ["--data", str(DATA), "--template", str(path), "--output", str(out)]
    assert run("summarize", "2023", *args).exit_code == 0
    written = docx.Document(str(out))
    assert "2023" in everything(written)
    links = [r for r in written.part.rels.values() if r.is_external]
    assert [r.target_ref for r in links] == ["https://thiduakhenthuong.vn/"]


def test_a_name_the_chart_font_cannot_draw_is_no_warning_on_the_screen():
    import warnings

    from thidua.word import draw_bars

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = draw_bars(
            "\uff1d 会议", ["\U0001f600 Hà Nam", "\uff1d1+1"], [Decimal("1.5"), Decimal(2)]
        )
    assert png.startswith(b"\x89PNG")


@pytest.mark.parametrize("tag", ["{{r s.cluster.name }}", "{{p s.cluster.name }}"])
def test_docxtpl_run_and_paragraph_tags_with_text_are_refused_not_lost(tmp_path, tag):
    path = word_template(tmp_path / "mau.docx", f"Năm {{{{ s.year }}}} {tag}")
    out = tmp_path / "bc.docx"
    args = ["--data", str(DATA), "--template", str(path), "--output", str(out)]
    result = run("summarize", "2023", *args)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"thidua: {path}: a tag writes text outside a run of text")
    assert "Cụm thi đua các tỉnh Đồng bằng sông Hồng" in result.stderr
    assert not out.exists()


def test_a_macro_enabled_document_or_a_word_template_is_refused_with_what_to_do(tmp_path):
    main = "wordprocessingml.document.main+xml"

    def macros(parts):
        _replace(parts, "[Content_Types].xml", main, "document.macroEnabled.main+xml")
        parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + bytes(60)

    def dotx(parts):
        _replace(parts, "[Content_Types].xml", main, "wordprocessingml.template.main+xml")

    plain = word_template(tmp_path / "plain.docx", "{{ s.year }}")
    for change, says in ((macros, "holds macros"), (dotx, "is not a Word document but")):
        path = repackaged(plain, tmp_path / "mau.docx", change)
        out = tmp_path / "bc.docx"
        args = ["--data", str(DATA), "--template", str(path), "--output", str(out)]
        result = run("summarize", "2023", *args)
        assert result.exit_code == 1
        assert result.stderr.startswith(f"thidua: {path} {says}"), result.stderr
        assert "save it from Word as a Word Document (.docx)" in result.stderr
        assert not out.exists()


def test_a_word_template_can_use_thidua_macros_only(tmp_path):
    path = word_template(
        tmp_path / "mau.docx",
        '{%p import "_macros.vi.md.j2" as w with context %}',
        "{% for f in s.figures[:1] %}{{ w.headline(f) }}{% endfor %}",
    )
    out = tmp_path / "bc.docx"
    args = ["--data", str(DATA), "--template", str(path), "--output", str(out)]
    assert run("summarize", "2023", *args).exit_code == 0
    assert [p.text for p in docx.Document(str(out)).paragraphs] == ["6,3%"]


# --- what is shipped ---------------------------------------------------------------------


def test_the_shipped_templates_are_what_the_script_builds(tmp_path):
    """The committed .docx and the script that makes them cannot drift apart."""
    for path in build(tmp_path):
        with zipfile.ZipFile(path) as built, zipfile.ZipFile(TEMPLATES / path.name) as shipped:
            for part in ("word/document.xml", "word/styles.xml"):
                assert built.read(part) == shipped.read(part), f"{path.name}: {part}"


def test_the_wheel_ships_the_word_templates(tmp_path):
    """The .docx files are package data, beside the Markdown templates (hatch takes every file
    under src/thidua)."""
    from importlib.resources import files

    for name in ("report.vi.docx", "pledge.vi.docx", "ranking.vi.docx", "proposals.vi.docx"):
        data = files("thidua").joinpath("templates", name).read_bytes()
        assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["check", "data"],
        ["summarize", "2023"],
        ["score", "2024", "--data", "examples/khoi-kinh-te"],
        ["propose", "2024", "--data", "examples/khoi-kinh-te"],
    ],
)
def test_commands_without_word_output_do_not_load_word_libraries(args):
    code = (
        "import sys\n"
        f"sys.argv = ['thidua', *{args!r}]\n"
        "from thidua.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('docx', 'docxtpl', 'matplotlib', 'lxml', 'PIL')\n"
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stderr.splitlines()[-1] == "[]"


def test_the_pledge_takes_a_markdown_template_too(tmp_path):
    mine = tmp_path / "gu.md.j2"
    mine.write_text("{{ cluster.name }}: {{ state.signed|length }}\n", encoding="utf-8")
    out = tmp_path / "gu.md"
    args = ["--data", str(DATA), "--template", str(mine), "--output", str(out)]
    assert run("pledge", "2024", *args).exit_code == 0
    assert out.read_text(encoding="utf-8") == "Cụm thi đua các tỉnh Đồng bằng sông Hồng: 9\n"
    assert run("pledge", "2024", "--data", str(DATA), "--template", str(mine)).exit_code == 2
