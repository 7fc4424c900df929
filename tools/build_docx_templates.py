"""Build the shipped Word templates in src/thidua/templates: report.vi.docx (the year-end report),
pledge.vi.docx (the pledge), ranking.vi.docx (the scores and ranking) and proposals.vi.docx (the
award proposals, one per awarding authority after Nghị định 98/2023/NĐ-CP, Phụ lục I, Mẫu số 01,
and the vote-count minutes).

    .venv/bin/python tools/build_docx_templates.py

The .docx files are committed beside this script's output of them; tests/test_docx.py builds them
again and fails when the committed ones differ in text or layout, so that neither drifts. A
secretariat edits its copy in Word; this script is how thidua's own copy changes.

Layout after Nghị định 30/2020/NĐ-CP, Phụ lục I: A4, margins top and bottom 20 mm, left 30 mm,
right 15 mm; Times New Roman, body 14 pt; the two-column header (issuing body and number on the
left; Quốc hiệu 13 pt bold caps and Tiêu ngữ 14 pt bold with a rule under it on the right); the
dateline in italics; the kind of document in bold capitals and its subject in bold; Nơi nhận and
the signature block at the end. Every table's first row repeats on each page.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

TEMPLATES = Path(__file__).resolve().parent.parent / "src" / "thidua" / "templates"
FONT = "Times New Roman"
PAGE = (Mm(210), Mm(297))
MARGINS = {"top": 20, "bottom": 20, "left": 30, "right": 15}  # mm
TEXT_WIDTH = 210 - MARGINS["left"] - MARGINS["right"]  # 165 mm
LEFT, RIGHT = 60, TEXT_WIDTH - 60  # the header's two columns, mm
CENTER, JUSTIFY, LEFT_ALIGN = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
    WD_ALIGN_PARAGRAPH.LEFT,
)

Container = DocumentObject | _Cell


def new_document(title: str) -> DocumentObject:
    """An empty A4 document with Decree 30's margins and Times New Roman 14 pt."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE
    section.top_margin = Mm(MARGINS["top"])
    section.bottom_margin = Mm(MARGINS["bottom"])
    section.left_margin = Mm(MARGINS["left"])
    section.right_margin = Mm(MARGINS["right"])
    section.header_distance = section.footer_distance = Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    normal.element.get_or_add_rPr().append(lang)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.0
    page_numbers(section)
    props = doc.core_properties
    props.title, props.author, props.comments = title, "thidua", ""
    props.subject = props.keywords = props.category = props.identifier = props.language = ""
    props.last_modified_by = "thidua"
    props.revision = 1
    return doc


def page_numbers(section: Section) -> None:
    """Decree 30's page numbers: Arabic digits, 13 pt upright, centred in the top margin, none
    on the first page (a header of its own, left empty)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2")):
        run = paragraph.add_run()
        run.font.size = Pt(13)
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            run.text = text
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def para(
    where: Container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: float | None = None,
    after: float | None = None,
) -> Paragraph:
    """A paragraph of one run (a cell's first, empty paragraph is used before a new one)."""
    if isinstance(where, _Cell) and len(where.paragraphs) == 1 and not where.paragraphs[0].text:
        paragraph = where.paragraphs[0]
        if paragraph.runs:
            paragraph.runs[0].text = ""
    else:
        paragraph = where.add_paragraph()
    run = paragraph.add_run(text)
    run.bold, run.italic = bold or None, italic or None
    if size is not None:
        run.font.size = Pt(size)
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    if indent is not None:
        fmt.first_line_indent = Mm(indent)
    if after is not None:
        fmt.space_after = Pt(after)
    return paragraph


def tag(where: Container, statement: str) -> Paragraph:
    """A paragraph that holds only a docxtpl `{%p … %}` tag: it leaves no paragraph behind."""
    return para(where, "{%p " + statement + " %}")


def body(where: Container, text: str, **options: object) -> Paragraph:
    """A paragraph of running text: justified, its first line indented 10 mm."""
    return para(where, text, align=JUSTIFY, indent=10, **options)  # type: ignore[arg-type]


def heading(where: Container, text: str) -> Paragraph:
    return para(where, text, bold=True, align=JUSTIFY, indent=10)


def rule_under(paragraph: Paragraph, left_mm: float, right_mm: float) -> None:
    """A solid line under `paragraph`, as wide as the paragraph between its indents."""
    fmt = paragraph.paragraph_format
    fmt.left_indent, fmt.right_indent = Mm(left_mm), Mm(right_mm)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    # Word refuses a document whose elements are out of the schema's order
    paragraph._p.get_or_add_pPr().insert_element_before(
        borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc"
    )


def short_rule(where: Container, width_mm: float, line_mm: float) -> Paragraph:
    """A line `line_mm` long, centred in a column `width_mm` wide, on a paragraph of its own."""
    paragraph = para(where, "", size=2, after=6, align=CENTER)
    side = (width_mm - line_mm) / 2
    rule_under(paragraph, side, side)
    return paragraph


def table(
    where: DocumentObject, rows: int, widths: Iterable[float], grid: bool, fit: bool = False
) -> Table:
    """A table of `rows` rows and columns `widths` mm wide; `grid` draws its lines; `fit` lets
    Word fit the columns to their text, across the page's width."""
    widths = list(widths)
    made = where.add_table(rows=rows, cols=len(widths))
    made.alignment = WD_TABLE_ALIGNMENT.CENTER
    made.autofit = fit
    if grid:
        made.style = where.styles["Table Grid"]
    if fit:
        for width in made._tbl.xpath(".//w:tcW"):
            width.getparent().remove(width)
        whole = made._tbl.tblPr.find(qn("w:tblW"))
        whole.set(qn("w:type"), "pct")
        whole.set(qn("w:w"), "5000")
        for column, width in zip(made.columns, widths, strict=True):
            made._tbl.tblGrid.gridCol_lst[column._index].w = Mm(width)
        return made
    for row in made.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)
    for column, width in zip(made.columns, widths, strict=True):
        column.width = Mm(width)
    return made


def repeat_header(row: _Row) -> None:
    """The row repeats at the top of every page the table runs onto (w:tblHeader)."""
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def cell_text(cell: _Cell, text: str, *, bold: bool = False, size: float = 12, align=None) -> None:
    para(cell, text, bold=bold, size=size, align=align, after=0)


def national_header(
    doc: DocumentObject, left: list[tuple[str, dict[str, object]]], dateline: str
) -> None:
    """The two columns above every document: `left` (the issuing body, the number) beside the
    Quốc hiệu and Tiêu ngữ with its rule, and the dateline (`dateline`, a Jinja expression of
    the date and place) in italics under them."""
    header = table(doc, 1, (LEFT, RIGHT), grid=False)
    left_cell, right_cell = header.rows[0].cells
    for text, options in left:
        if text == "RULE":
            short_rule(left_cell, LEFT, 30)
        elif text.startswith("{%p"):
            para(left_cell, text)
        else:
            para(left_cell, text, align=CENTER, after=0, **options)  # type: ignore[arg-type]
    para(
        right_cell, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13, align=CENTER, after=0
    )
    para(right_cell, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14, align=CENTER, after=0)
    short_rule(right_cell, RIGHT, 60)  # as long as the Tiêu ngữ (57 mm in Times New Roman)
    para(
        right_cell,
        "{% if "
        + dateline
        + ".date %}{{ "
        + dateline
        + ".date|place_date("
        + dateline
        + ".place) }}{% else %}……, ngày … tháng … năm …{% endif %}",
        italic=True,
        align=CENTER,
        after=12,
    )


def report() -> DocumentObject:
    """The year-end report (báo cáo tổng kết): the Markdown report's wording, in Decree 30's
    layout, with the macros of templates/_macros.vi.md.j2."""
    doc = new_document("Báo cáo tổng kết công tác thi đua, khen thưởng")
    for statement in (
        'import "_macros.vi.md.j2" as w with context',
        "set section = namespace(n=0)",
        'set roman = ["I", "II", "III", "IV", "V"]',
        "set group = s.cluster.group_word",
    ):
        tag(doc, statement)
    national_header(
        doc,
        [
            ("{%p if doc.parent %}", {}),
            ("{{ doc.parent|upper }}", {"size": 13}),
            ("{%p endif %}", {}),
            ("{{ doc.issuer|upper }}", {"bold": True, "size": 13}),
            ("RULE", {}),
            ('Số: {{ doc.number or "…" }}/{{ doc.symbol or "BC-…" }}', {"size": 13}),
        ],
        "doc",
    )
    para(doc, "BÁO CÁO", bold=True, align=CENTER, after=0).paragraph_format.space_before = Pt(12)
    para(
        doc,
        "Tổng kết công tác thi đua, khen thưởng năm {{ s.year }}",
        bold=True,
        align=CENTER,
        after=0,
    )
    short_rule(doc, TEXT_WIDTH, 40)

    body(
        doc,
        '{{ group }} gồm {{ s.members|length }} thành viên: {{ s.members|map(attribute="name")'
        '|join(", ") }}.',
    )
    tag(doc, "if s.changes.joined and s.previous_year")
    body(
        doc,
        'Thành viên mới so với năm {{ s.year - 1 }}: {{ s.changes.joined|map(attribute="name")'
        '|join(", ") }}.',
    )
    tag(doc, "endif")
    tag(doc, "if s.changes.left and s.previous_year")
    body(
        doc,
        "Không còn là thành viên so với năm {{ s.year - 1 }}: {{ s.changes.left"
        '|map(attribute="name")|join(", ") }}.',
    )
    tag(doc, "endif")
    tag(doc, "if s.term and s.term.chair")
    body(
        doc,
        "{{ group }} trưởng năm {{ s.year }}: {{ s.term.chair.title }}{% if s.term.deputy %};"
        " {{ group }} phó: {{ s.term.deputy.title }}{% endif %}.",
    )
    tag(doc, "endif")

    # I. the figures
    tag(doc, "if s.figures")
    heading(
        doc,
        "{% set section.n = section.n + 1 %}{{ roman[section.n - 1] }}."
        " KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
    )
    tag(doc, "for f in s.figures if (f.value is not none or f.low is not none) and not f.withheld")
    body(
        doc,
        "- {{ f.indicator.label }}{{ w.aggregate_word(f) }}: {{ w.headline(f) }}"
        "{{ w.coverage(f) }}{{ w.comparisons(f) }}.",
    )
    tag(doc, "endfor")
    tag(doc, "for f in s.figures if f.withheld and (f.value is not none or f.low is not none)")
    body(
        doc,
        "- {{ f.indicator.label }}: chưa đủ số liệu để tổng hợp ({{ f.coverage.reported }}/"
        "{{ f.coverage.expected }} thành viên có số liệu; chưa có số liệu của"
        ' {{ f.coverage.missing|join(", ") }}).',
    )
    tag(doc, "endfor")
    tag(doc, "for f in s.figures if f.value is none and f.low is none")
    body(doc, "- {{ f.indicator.label }}: chưa có số liệu.")
    tag(doc, "endfor")
    tag(doc, 'set provisional = s.figures|map(attribute="statuses")|sum(start=())')
    tag(doc, "if provisional")
    body(
        doc,
        '{% set notes = (["một số số liệu là số ước tính"] if "estimate" in provisional else [])'
        ' + (["một số là số sơ bộ"] if "preliminary" in provisional else [])'
        ' + (["một số không được công bố, được suy ra từ số liệu chung của " ~ group]'
        ' if "imputed" in provisional else []) %}'
        'Ghi chú: {{ notes|join("; ") }} (đánh dấu trong bảng số liệu của các thành viên).',
        italic=True,
    )
    tag(doc, "endif")
    tag(doc, "endif")

    # II. the awards
    heading(
        doc,
        "{% set section.n = section.n + 1 %}{{ roman[section.n - 1] }}. CÔNG TÁC KHEN THƯỞNG",
    )
    tag(doc, "if s.awards.member")
    body(doc, "Các tập thể, cá nhân thuộc các thành viên của {{ group }} được khen thưởng:")
    awards = table(doc, 4, (85, 25, 25, 25), grid=True)
    repeat_header(awards.rows[0])
    for cell, text in zip(
        awards.rows[0].cells,
        ("Hình thức khen thưởng", "Tổng số", "Tập thể", "Cá nhân"),
        strict=True,
    ):
        cell_text(cell, text, bold=True, align=CENTER)
    cell_text(awards.rows[1].cells[0], "{%tr for a in s.awards.member %}")
    right = WD_ALIGN_PARAGRAPH.RIGHT
    for cell, text, align in zip(
        awards.rows[2].cells,
        (
            "{{ a.title }}",
            "{{ a.total|number }}",
            '{{ a.collective|number if a.collective else "" }}',
            '{{ a.individual|number if a.individual else "" }}',
        ),
        (LEFT_ALIGN, right, right, right),
        strict=True,
    ):
        cell_text(cell, text, align=align)
    cell_text(awards.rows[3].cells[0], "{%tr endfor %}")
    para(doc, "", size=6, after=0)
    tag(doc, "endif")
    tag(doc, "for a in s.awards.chair")
    body(
        doc,
        "{{ group }} trưởng{% if s.term and s.term.chair %} ({{ s.term.chair.title }}){% endif %}"
        " tặng {{ a.title }} cho {{ a.total|number }} tập thể, cá nhân có thành tích trong"
        " phong trào thi đua của {{ group }}.",
    )
    tag(doc, "endfor")
    tag(doc, "if s.leading_unit")
    body(
        doc,
        "Đơn vị dẫn đầu phong trào thi đua của {{ group }} năm {{ s.year }}:"
        " {{ s.leading_unit.title }}.",
    )
    tag(doc, "endif")
    tag(doc, "for row in s.awards.cluster_rows")
    body(
        doc,
        "{{ group }} đề nghị tặng"
        ' {{ (s.awards.cluster|selectattr("award", "equalto", row.award)|first).title }}'
        '{% if row.member %} cho {{ (s.members|selectattr("id", "equalto", row.member)|first)'
        ".title }}{% endif %}{% if row.decision_number or row.decision_date %}: đã có quyết định"
        "{% if row.decision_number %} số {{ row.decision_number }}{% endif %}"
        "{% if row.decision_date %} ngày {{ row.decision_date|short_date }}{% endif %}"
        "{% if row.issuer %} của {{ row.issuer }}{% endif %}{% endif %}.",
    )
    tag(doc, "endfor")
    tag(doc, "for a in s.awards.proposed")
    body(doc, "Đề nghị {{ a.title }}: {{ a.total|number }}.")
    tag(doc, "endfor")
    tag(
        doc,
        "if not (s.awards.member or s.awards.chair or s.awards.cluster or s.awards.proposed)",
    )
    body(doc, "Chưa có số liệu khen thưởng.")
    tag(doc, "endif")

    # III. the members' figures, and the charts
    tag(doc, "if s.figures")
    heading(
        doc,
        "{% set section.n = section.n + 1 %}{{ roman[section.n - 1] }}. SỐ LIỆU CỦA CÁC THÀNH VIÊN",
    )
    # as many columns as indicators: docxtpl scales these four to the columns it makes, the
    # names' column twice as wide as the others; Word then fits them to their text
    members = table(doc, 4, [TEXT_WIDTH * 2 / 5] + [TEXT_WIDTH / 5] * 3, grid=True, fit=True)
    repeat_header(members.rows[0])
    head = members.rows[0].cells
    cell_text(head[0], "Thành viên", bold=True, size=10, align=CENTER)
    cell_text(head[1], "{%tc for f in s.figures %}", size=10)
    cell_text(
        head[2],
        "{{ f.indicator.label }} ({{ f.indicator.unit }})",
        bold=True,
        size=10,
        align=CENTER,
    )
    cell_text(head[3], "{%tc endfor %}", size=10)
    cell_text(members.rows[1].cells[0], "{%tr for u in s.members %}")
    row = members.rows[2].cells
    cell_text(row[0], "{% set i = loop.index0 %}{{ u.name }}", size=10)
    cell_text(row[1], "{%tc for f in s.figures %}", size=10)
    cell_text(row[2], "{{ w.member_cell(f.members[i], f.indicator) }}", size=10, align=right)
    cell_text(row[3], "{%tc endfor %}", size=10)
    cell_text(members.rows[3].cells[0], "{%tr endfor %}")
    para(
        doc,
        "¹ ước tính; ² sơ bộ; ³ không công bố, suy ra. – chưa có số liệu.",
        italic=True,
        size=11,
    )
    tag(doc, "for f in s.figures if f.indicator.chart and f.reported")
    para(doc, "{{ f|chart }}", align=CENTER)
    tag(doc, "endfor")
    tag(doc, "endif")

    # IV. the next year
    tag(doc, "if s.next_term or s.next_pledge")
    heading(
        doc,
        "{% set section.n = section.n + 1 %}{{ roman[section.n - 1] }}. NĂM {{ s.year + 1 }}",
    )
    tag(doc, "if s.next_term and s.next_term.chair")
    body(
        doc,
        "{{ group }} trưởng năm {{ s.year + 1 }}: {{ s.next_term.chair.title }}"
        "{% if s.next_term.deputy %}; {{ group }} phó: {{ s.next_term.deputy.title }}{% endif %}"
        "{% if s.next_term.how %} ({{ s.next_term.how }}){% endif %}.",
    )
    tag(doc, "if s.next_term.handover and s.next_term.handover.from_unit")
    body(
        doc,
        "{{ s.next_term.handover.from_unit.title|sentence }} bàn giao nhiệm vụ {{ group }} trưởng"
        "{% if s.next_term.handover.date %} {{ s.next_term.handover.date|long_date }}{% endif %}"
        "{% if s.next_term.handover.place %} tại {{ s.next_term.handover.place }}{% endif %}.",
    )
    tag(doc, "endif")
    tag(doc, "endif")
    tag(doc, "if s.next_pledge")
    body(
        doc,
        "Giao ước thi đua năm {{ s.next_pledge.year }}{% if s.next_pledge.date %} ký"
        " {{ s.next_pledge.date|long_date }}{% endif %}{% if s.next_pledge.place %} tại"
        " {{ s.next_pledge.place }}{% endif %}: {% if not s.next_pledge.unsigned %}"
        "{{ s.next_pledge.signed|length }}/{{ s.next_pledge.signed|length }} thành viên đã ký"
        "{% else %}{{ s.next_pledge.signed|length }}/{{ s.next_pledge.signed|length"
        " + s.next_pledge.unsigned|length }} thành viên đã ký; chưa ký:"
        ' {{ s.next_pledge.unsigned|map(attribute="name")|join(", ") }}{% endif %}.',
    )
    tag(doc, "if s.next_pledge.movements")
    body(doc, "Các phong trào thi đua trong giao ước:")
    tag(doc, "for m in s.next_pledge.movements")
    body(doc, "- {{ m }}")
    tag(doc, "endfor")
    tag(doc, "endif")
    tag(doc, "endif")
    tag(doc, "endif")

    # Nơi nhận and the signature
    para(doc, "", after=0)
    signing = table(doc, 1, (80, TEXT_WIDTH - 80), grid=False)
    to, sign = signing.rows[0].cells
    para(to, "Nơi nhận:", bold=True, italic=True, size=12, after=0)
    para(to, "{%p for r in doc.recipients %}")
    para(to, '- {{ r }}{{ "." if loop.last else ";" }}', size=11, after=0)
    para(to, "{%p else %}")
    para(to, "- ……;", size=11, after=0)
    para(to, "- Lưu: VT.", size=11, after=0)
    para(to, "{%p endfor %}")
    signature_block(
        sign,
        authority="doc.signature.authority",
        position='doc.signature.position or (group ~ " trưởng")|upper',
        title="doc.signature.title or (s.term.chair.title|upper if s.term and s.term.chair"
        ' else "")',
        name="doc.signature.name",
    )
    return doc


def signature_block(cell: _Cell, *, authority: str, position: str, title: str, name: str) -> None:
    """The signature block: on behalf of whom, the position, room to sign, the name (or the
    dotted place for it). Each argument is a Jinja expression."""
    para(cell, "{%p if " + authority + " %}")
    para(cell, "{{ " + authority + "|upper }}", bold=True, align=CENTER, after=0)
    para(cell, "{%p endif %}")
    para(cell, "{{ " + position + " }}", bold=True, align=CENTER, after=0)
    para(cell, "{{ " + title + " }}", bold=True, align=CENTER, after=0)
    for _ in range(4):
        para(cell, "", after=0)
    para(cell, "{{ " + name + ' or "……………………" }}', bold=True, align=CENTER, after=0)


def pledge() -> DocumentObject:
    """The emulation pledge (bản giao ước thi đua): its bases, movements and criteria, and a
    signature table of every member, three to a row."""
    doc = new_document("Bản giao ước thi đua")
    tag(doc, 'set roman = ["I", "II", "III", "IV"]')
    tag(doc, "set n = namespace(section=0)")
    national_header(
        doc, [("{{ cluster.name|upper }}", {"bold": True, "size": 13}), ("RULE", {})], "p"
    )
    title = para(
        doc,
        '{{ (p.title or ("Bản giao ước thi đua năm " ~ year))|upper }}',
        bold=True,
        align=CENTER,
        after=0,
    )
    title.paragraph_format.space_before = Pt(12)
    short_rule(doc, TEXT_WIDTH, 40)
    tag(doc, "if p.bases")
    body(doc, "Căn cứ:")
    tag(doc, "for basis in p.bases")
    body(doc, "- {{ basis }};")
    tag(doc, "endfor")
    tag(doc, "endif")
    body(
        doc,
        "Các thành viên {{ cluster.name }} thống nhất ký kết giao ước thi đua năm {{ year }}"
        " với các nội dung sau:",
    )
    tag(doc, "if p.movements")
    heading(
        doc,
        "{% set n.section = n.section + 1 %}{{ roman[n.section - 1] }}. CÁC PHONG TRÀO THI ĐUA",
    )
    tag(doc, "for m in p.movements")
    body(doc, "{{ loop.index }}. {{ m }}")
    tag(doc, "endfor")
    tag(doc, "endif")
    tag(doc, "if p.criteria")
    heading(
        doc,
        "{% set n.section = n.section + 1 %}{{ roman[n.section - 1] }}."
        " CHỈ TIÊU VÀ NỘI DUNG THI ĐUA",
    )
    criteria = table(doc, 5, (15, 120, 30), grid=True)
    repeat_header(criteria.rows[0])
    for cell, text in zip(criteria.rows[0].cells, ("STT", "Nội dung", "Điểm tối đa"), strict=True):
        cell_text(cell, text, bold=True, align=CENTER)
    cell_text(criteria.rows[1].cells[0], "{%tr for c in p.criteria %}")
    right = WD_ALIGN_PARAGRAPH.RIGHT
    cell_text(criteria.rows[2].cells[0], "{{ loop.index }}", align=CENTER)
    cell_text(criteria.rows[2].cells[1], "{{ c.content }}")
    cell_text(
        criteria.rows[2].cells[2],
        '{{ c.points|number if c.points is not none else "" }}',
        align=right,
    )
    cell_text(criteria.rows[3].cells[0], "{%tr endfor %}")
    total = criteria.rows[4].cells
    cell_text(
        total[0],
        '{%tr if p.criteria|selectattr("points")|list %}',
    )
    # the total row is a row of its own between two row tags
    total_row = criteria.add_row()
    cell_text(total_row.cells[1], "Tổng cộng", bold=True)
    cell_text(
        total_row.cells[2],
        '{{ p.criteria|selectattr("points")|map(attribute="points")|sum|number }}',
        bold=True,
        align=right,
    )
    end_row = criteria.add_row()
    cell_text(end_row.cells[0], "{%tr endif %}")
    para(doc, "", size=6, after=0)
    tag(doc, "endif")
    heading(
        doc,
        "{% set n.section = n.section + 1 %}{{ roman[n.section - 1] }}. CHỮ KÝ CỦA CÁC THÀNH VIÊN",
    )
    tag(doc, "set everyone = state.signed + state.unsigned")
    # each member's cell repeats the middle one, so every column is a third of the page
    grid = table(doc, 3, [TEXT_WIDTH / 3] * 3, grid=False)
    cell_text(grid.rows[0].cells[0], "{%tr for three in everyone|batch(3) %}")
    place = grid.rows[1].cells
    cell_text(place[0], "{%tc for m in three %}")
    sign = place[1]
    para(sign, "ĐẠI DIỆN {{ m.name|upper }}", bold=True, size=13, align=CENTER, after=0)
    para(
        sign,
        '{{ m.title if m.title is defined else "" }}',
        bold=True,
        size=13,
        align=CENTER,
        after=0,
    )
    para(
        sign,
        '{{ ("Ngày ký: " ~ m.date|short_date) if m.date is defined else "(chưa ký)" }}',
        italic=True,
        size=12,
        align=CENTER,
        after=0,
    )
    for _ in range(3):
        para(sign, "", after=0)
    para(
        sign,
        '{{ m.signer if m.signer is defined and m.signer else "……………………" }}',
        bold=True,
        size=13,
        align=CENTER,
        after=12,
    )
    cell_text(place[2], "{%tc endfor %}")
    cell_text(grid.rows[2].cells[0], "{%tr endfor %}")
    return doc


DOTS = "……………………"


def page_break(doc: DocumentObject) -> None:
    """A paragraph that starts a new page: between the documents of one file."""
    paragraph = para(doc, "", after=0)
    paragraph.runs[0].add_break(WD_BREAK.PAGE)


def keep_together(row: _Row) -> None:
    """The row is never split across two pages (w:cantSplit): a signature block moves whole to
    the next page rather than leave the signer's name alone there."""
    cant = OxmlElement("w:cantSplit")
    cant.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(cant)


def header_row(made: Table, titles: Iterable[str], size: float = 12) -> None:
    """The table's first row: bold, centred titles, repeated on every page."""
    repeat_header(made.rows[0])
    for cell, text in zip(made.rows[0].cells, titles, strict=True):
        cell_text(cell, text, bold=True, size=size, align=CENTER)


def looped_rows(
    made: Table, loop: str, cells: Iterable[tuple[str, WD_ALIGN_PARAGRAPH | None]], size: float
) -> None:
    """Rows 2 to 4 of `made`: `{%tr for … %}`, one row of `cells` for each item, `{%tr endfor %}`."""
    cell_text(made.rows[1].cells[0], "{%tr " + loop + " %}")
    for cell, (text, align) in zip(made.rows[2].cells, cells, strict=True):
        cell_text(cell, text, size=size, align=align)
    cell_text(made.rows[3].cells[0], "{%tr endfor %}")


def ranking() -> DocumentObject:
    """The scores and ranking of the year (bảng tổng hợp kết quả chấm điểm, xếp hạng thi đua):
    the wording of templates/ranking.vi.md.j2, in Decree 30's layout, signed by the chair."""
    doc = new_document("Kết quả chấm điểm, xếp hạng thi đua")
    # a {%p …%} tag holds no braces: the words of a dict are written where they are used
    tag(doc, "set group = r.cluster.group_word")
    national_header(
        doc, [("{{ r.cluster.name|upper }}", {"bold": True, "size": 13}), ("RULE", {})], "doc"
    )
    title = para(doc, "BẢNG TỔNG HỢP", bold=True, align=CENTER, after=0)
    title.paragraph_format.space_before = Pt(12)
    para(
        doc,
        "Kết quả chấm điểm, xếp hạng thi đua năm {{ r.year }}",
        bold=True,
        align=CENTER,
        after=0,
    )
    short_rule(doc, TEXT_WIDTH, 40)
    body(
        doc,
        'Thang điểm theo {{ r.scheme.title or "văn bản" }} số {{ r.scheme.number }}'
        "{% if r.scheme.date %} ngày {{ r.scheme.date|short_date }}{% endif %} của"
        " {{ r.scheme.by }}; tối đa {{ r.scheme.scale|number }} điểm.",
    )
    body(
        doc,
        "Xếp hạng theo lớp điểm sau cùng của mỗi thành viên{% if r.scheme.tie_break %}; bằng"
        ' điểm thì so lần lượt {{ r.scheme.tie_break|join(", ") }}{% endif %}; vẫn bằng nhau'
        " thì đồng hạng.",
    )
    standings = table(doc, 4, (16, 50, 16, 16, 16, 21, 30), grid=True)
    header_row(
        standings,
        (
            "Hạng",
            "Thành viên",
            "Tự chấm",
            "Chấm lại",
            "Thông qua",
            "Chấm lại − tự chấm",
            "Điểm xếp hạng",
        ),
        size=11,
    )
    right = WD_ALIGN_PARAGRAPH.RIGHT
    points = "{% if s.totals.LAYER is not none %}{{ s.totals.LAYER|number }}{% endif %}"
    looped_rows(
        standings,
        "for s in r.standings",
        (
            ("{{ s.rank }}{% if s.tied %} (đồng hạng){% endif %}", CENTER),
            ("{{ s.name }}", LEFT_ALIGN),
            (points.replace("LAYER", "self"), right),
            (points.replace("LAYER", "reviewed"), right),
            (points.replace("LAYER", "adopted"), right),
            ("{% if s.difference is not none %}{{ s.difference|number }}{% endif %}", right),
            (
                "{{ s.total|number }} ({{ {'self': 'tự chấm', 'reviewed': 'chấm lại',"
                " 'adopted': 'thông qua'}[s.layer] }})",
                right,
            ),
        ),
        size=11,
    )
    para(doc, "", size=6, after=0)
    tag(doc, "if r.unscored")
    body(doc, 'Chưa chấm điểm: {{ r.unscored|join(", ") }}.')
    tag(doc, "endif")
    para(doc, "", after=0)
    signing = table(doc, 1, (80, TEXT_WIDTH - 80), grid=False)
    keep_together(signing.rows[0])
    signature_block(
        signing.rows[0].cells[1],
        authority='"TM. " ~ r.cluster.name',
        position='(group ~ " trưởng")|upper',
        title='doc.chair|upper if doc.chair else ""',
        name="none",
    )
    return doc


def proposals() -> DocumentObject:
    """The award proposals (tờ trình đề nghị khen thưởng), one per awarding authority, each on
    pages of its own, in the shape of Nghị định 98/2023/NĐ-CP, Phụ lục I, Mẫu số 01; then the
    vote-count minutes (biên bản kiểm phiếu) with a table per question. The wording is that of
    templates/proposals.vi.md.j2; what the records do not say is a dotted place to fill in."""
    doc = new_document("Tờ trình đề nghị khen thưởng")
    tag(doc, "set group = d.cluster.group_word")
    tag(doc, 'set to = d.cluster.organizer or "' + DOTS + '"')
    tag(doc, "for a in d.authorities")
    tag(doc, "if not loop.first")
    page_break(doc)
    tag(doc, "endif")
    national_header(
        doc,
        [
            ("{{ d.cluster.name|upper }}", {"bold": True, "size": 13}),
            ("RULE", {}),
            ("Số: ……/TTr-……", {"size": 13}),
        ],
        "d",
    )
    title = para(doc, "TỜ TRÌNH", bold=True, align=CENTER, after=0)
    title.paragraph_format.space_before = Pt(12)
    para(
        doc,
        'Về việc đề nghị tặng {{ a.proposals|map(attribute="title")|unique|join(", ") }}'
        " năm {{ d.year }}",
        bold=True,
        align=CENTER,
        after=0,
    )
    short_rule(doc, TEXT_WIDTH, 40)
    para(doc, "Kính gửi: {{ to }}.", align=CENTER, after=12)
    body(doc, "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;", italic=True)
    body(
        doc,
        "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi"
        " tiết thi hành một số điều của Luật Thi đua, khen thưởng;",
        italic=True,
    )
    tag(doc, 'for basis in a.proposals|map(attribute="basis")|select|unique')
    body(doc, "Căn cứ {{ basis }};", italic=True)
    tag(doc, "endfor")
    tag(doc, "if d.ranking")
    body(
        doc,
        "Căn cứ kết quả chấm điểm, xếp hạng thi đua năm {{ d.year }} theo"
        ' {{ d.ranking.scheme.title or "quy định" }} số {{ d.ranking.scheme.number }} của'
        " {{ d.ranking.scheme.by }};",
        italic=True,
    )
    tag(doc, "endif")
    tag(doc, "if d.ballot")
    body(
        doc,
        "Căn cứ kết quả bỏ phiếu bình xét thi đua ngày {{ d.ballot.date|short_date }};",
        italic=True,
    )
    tag(doc, "endif")
    body(
        doc,
        "{% set n = namespace(c=0, i=0) %}{% for p in a.proposals %}"
        '{% if p.recipient_kind == "individual" %}{% set n.i = n.i + p.count %}'
        "{% else %}{% set n.c = n.c + p.count %}{% endif %}{% endfor %}"
        "{{ d.cluster.name }} trình {{ to }} xem xét, đề nghị cấp có thẩm quyền khen thưởng cho"
        "{% if n.c %} {{ n.c }} tập thể{% endif %}{% if n.c and n.i %} và{% endif %}"
        "{% if n.i %} {{ n.i }} cá nhân{% endif %} (có danh sách kèm theo).",
    )
    para(doc, "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", bold=True, align=CENTER, after=6)
    listed = table(doc, 4, (12, 45, 35, 28, 15, 30), grid=True)
    header_row(
        listed,
        (
            "STT",
            "Tên tập thể, cá nhân",
            "Hình thức khen thưởng",
            "Loại hình khen thưởng",
            "Số lượng",
            "Tóm tắt thành tích",
        ),
        size=11,
    )
    right = WD_ALIGN_PARAGRAPH.RIGHT
    looped_rows(
        listed,
        "for p in a.proposals",
        (
            ("{{ loop.index }}", CENTER),
            (
                '{{ p.recipient or p.member or "' + DOTS + '" }}'
                "{% if p.recipient_kind %} ({{ 'cá nhân' if p.recipient_kind == 'individual'"
                " else 'tập thể' }}){% endif %}",
                LEFT_ALIGN,
            ),
            ("{{ p.title }}", LEFT_ALIGN),
            ("{{ p.merit_vi }}", LEFT_ALIGN),
            ("{{ p.count }}", right),
            ('{{ p.achievements or "' + DOTS + '" }}', LEFT_ALIGN),
        ),
        size=11,
    )
    para(doc, "", size=6, after=0)
    # the last lines go with the signature to its page: a page with the signature alone is not
    # a page of the document
    body(
        doc,
        "Hồ sơ kèm theo: báo cáo thành tích của các tập thể, cá nhân; biên bản họp và biên bản"
        " kiểm phiếu của {{ group }}.",
    ).paragraph_format.keep_with_next = True
    para(doc, "", after=0).paragraph_format.keep_with_next = True
    signing = table(doc, 1, (80, TEXT_WIDTH - 80), grid=False)
    keep_together(signing.rows[0])
    to, sign = signing.rows[0].cells
    para(to, "Nơi nhận:", bold=True, italic=True, size=12, after=0)
    para(to, "- Như trên;", size=11, after=0)
    para(to, "- Các thành viên {{ group }};", size=11, after=0)
    para(to, "- Lưu: VT.", size=11, after=0)
    signature_block(
        sign,
        authority='"TM. " ~ d.cluster.name',
        position='(group ~ " trưởng")|upper',
        title='d.chair.name|upper if d.chair else ""',
        name="none",
    )
    tag(doc, "endfor")

    # the vote-count minutes
    tag(doc, "if d.ballot")
    tag(doc, "set b = d.ballot")
    tag(doc, "if d.authorities")
    page_break(doc)
    tag(doc, "endif")
    national_header(
        doc, [("{{ d.cluster.name|upper }}", {"bold": True, "size": 13}), ("RULE", {})], "b"
    )
    title = para(doc, "BIÊN BẢN KIỂM PHIẾU", bold=True, align=CENTER, after=0)
    title.paragraph_format.space_before = Pt(12)
    para(
        doc,
        '(V/v: {{ b.title or ("bình xét thi đua năm " ~ d.year) }})',
        bold=True,
        align=CENTER,
        after=0,
    )
    short_rule(doc, TEXT_WIDTH, 40)
    body(
        doc,
        'Ban kiểm phiếu gồm: {{ b.board|join("; ") if b.board else "' + DOTS + '" }}.',
    )
    body(
        doc,
        "Tổng số thành viên: {{ b.voters }}{% if b.present is not none %}; có mặt:"
        " {{ b.present }}{% endif %}.",
    )
    body(doc, "- Số phiếu phát ra: {{ b.ballots.issued }} phiếu;")
    body(doc, "- Số phiếu thu về: {{ b.ballots.returned }} phiếu;")
    body(doc, "- Số phiếu hợp lệ: {{ b.ballots.valid }} phiếu;")
    body(doc, "- Số phiếu không hợp lệ: {{ b.ballots.invalid }} phiếu.")
    body(doc, "Kết quả kiểm phiếu:")
    tag(doc, "for q in b.questions")
    heading(doc, "{{ loop.index }}. {{ q.subject }}")
    body(
        doc,
        'Tỷ lệ phiếu cần đạt: {{ "trên" if q.threshold.rule == "more-than" else "từ" }}'
        " {{ q.threshold.percent|number }}% {{ {'members': 'tổng số thành viên', 'issued':"
        " 'số phiếu phát ra', 'valid': 'số phiếu hợp lệ'}[q.threshold.of] }}"
        ' ({{ q.threshold.base }}){% if q.threshold.rule != "more-than" %} trở lên{% endif %}.',
    )
    votes = table(doc, 4, (38, 17, 17, 17, 17, 17, 17, 25), grid=True)
    header_row(
        votes,
        (
            "Đơn vị",
            "Đồng ý",
            "Tỷ lệ",
            "Không đồng ý",
            "Tỷ lệ",
            "Không ý kiến",
            "Tỷ lệ",
            "Kết quả",
        ),
        size=11,
    )
    share = "{% if v.share_WHAT is not none %}{{ v.share_WHAT|number }}%{% endif %}"
    looped_rows(
        votes,
        "for v in q.nominees",
        (
            ("{{ v.name }}", LEFT_ALIGN),
            ("{{ v.for }}", right),
            (share.replace("WHAT", "for"), right),
            ("{{ v.against }}", right),
            (share.replace("WHAT", "against"), right),
            ("{{ v.abstain }}", right),
            (share.replace("WHAT", "abstain"), right),
            ('{{ "Đạt" if v.passed else "Không đạt" }}', CENTER),
        ),
        size=11,
    )
    para(doc, "", size=6, after=0)
    tag(doc, "if q.conclusion")
    body(doc, "Kết luận: {{ q.conclusion }}").paragraph_format.keep_with_next = True
    tag(doc, "endif")
    tag(doc, "endfor")
    para(doc, "", after=0).paragraph_format.keep_with_next = True
    board = table(doc, 1, (TEXT_WIDTH / 2, TEXT_WIDTH / 2), grid=False)
    keep_together(board.rows[0])
    head, members = board.rows[0].cells
    para(head, "TRƯỞNG BAN KIỂM PHIẾU", bold=True, align=CENTER, after=0)
    for _ in range(4):
        para(head, "", after=0)
    para(
        head,
        '{{ b.board[0] if b.board else "' + DOTS + '" }}',
        bold=True,
        align=CENTER,
        after=0,
    )
    para(members, "CÁC THÀNH VIÊN BAN KIỂM PHIẾU", bold=True, align=CENTER, after=0)
    for _ in range(4):
        para(members, "", after=0)
    para(
        members,
        '{{ b.board[1:]|join("; ") if b.board[1:] else "' + DOTS + '" }}',
        bold=True,
        align=CENTER,
        after=0,
    )
    tag(doc, "endif")
    return doc


BUILDERS = {
    "report.vi.docx": report,
    "pledge.vi.docx": pledge,
    "ranking.vi.docx": ranking,
    "proposals.vi.docx": proposals,
}


def build(folder: Path = TEMPLATES) -> list[Path]:
    """Write every shipped Word template into `folder`; the paths written."""
    written = []
    for name, builder in BUILDERS.items():
        path = folder / name
        builder().save(str(path))
        written.append(path)
    return written


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Build thidua's shipped Word templates.")
    parser.add_argument(
        "folder", nargs="?", type=Path, default=TEMPLATES, help="where to write them"
    )
    for path in build(parser.parse_args().folder):
        print(path)
