"""Word documents: the report, the pledge, the ranking and the award proposals as .docx, from .docx templates a secretariat edits
in Word (Decree 30/2020 layout).

A Word template is a .docx whose text holds Jinja tags; docxtpl (python-docx and Jinja) joins the
tags that Word splits across runs, adds its own tags for whole paragraphs, rows and cells (`{%p`,
`{%tr`, `{%tc`), renders the XML, and saves the document. It renders with the sandbox of
`thidua.rendering` (markup "docx"): the same data (`freeze`), the same refusals and limits, the
text escaped as XML, no file but thidua's own macros; a user's template renders in a process of
its own, as a Markdown one does. docxtpl's own objects (RichText, InlineImage, Subdoc) never
reach a template: the one picture a template can make is the `chart` filter's, drawn here.

docxtpl, python-docx, lxml and matplotlib are imported inside the functions that need them, so
that `check` and `--help` never load them.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from thidua.i18n import _
from thidua.rendering import (
    MAX_STEPS,
    TEMPLATES,
    FrozenDict,
    LimitExceeded,
    TemplateProblem,
    environment,
    freeze,
    serve_child,
)

if TYPE_CHECKING:
    from thidua.report import Summary
    from thidua.repository import Records
    from thidua.scoring import Ranking

SUFFIX = ".docx"
REPORT_TEMPLATE = "report.vi.docx"
PLEDGE_TEMPLATE = "pledge.vi.docx"
RANKING_TEMPLATE = "ranking.vi.docx"
PROPOSALS_TEMPLATE = "proposals.vi.docx"

# --- limits of a Word template, beyond those of the sandbox ----------------------------------
MAX_DOCX_BYTES = 20 * 2**20  # the .docx file (a template with a logo is some 100 KB)
MAX_DOCX_UNPACKED = 100 * 2**20  # all its parts unpacked: a zip bomb is refused before it opens
MAX_DOCX_TAGS = 20_000  # braces in one part of a template: a report's has a few hundred
MAX_DOCX_PARTS = 1000  # files inside the .docx
MAX_FIELDS = 10_000  # fields (page numbers, dates, …) looked at in one document
MAX_CHARTS = 20  # pictures `chart` draws in one document
MAX_BARS = 200  # bars of one chart
MAX_LABEL = 200  # characters of a chart's title or of a bar's name
CHART_INCHES = (6.3, 3.4)  # the picture's size: 945 × 510 pixels at CHART_DPI
CHART_DPI = 150
CHART_WIDTH_MM = 160  # as wide as the text between the margins (210 − 30 − 20 mm)

# --- what a document thidua writes never holds: Word would run it, or fetch it from elsewhere,
# when the document is opened (see `_refuse_active_content`)
_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# relationships to parts that run, or that import another program's content: macros, ActiveX
# controls, OLE objects and packages, and altChunk (HTML, MHT or RTF taken in as it opens)
_ACTIVE_PARTS = ("vbaproject", "control", "activex", "oleobject", "package", "afchunk")
# fields that take content from a file or a web address, or run another program (DDE)
_FETCHING_FIELDS = frozenset({"INCLUDEPICTURE", "INCLUDETEXT", "LINK", "DDE", "DDEAUTO", "IMPORT"})


def report_context(summary: Summary, lang: str, number: str | None = None) -> dict[str, Any]:
    """What a Word report's template reads: `s` and `lang`, as a Markdown template gets them, and
    `doc`, the document's own parts (docs/report.md lists its keys): from the records'
    `conference.yaml` `report:` and `--number`; a part the records lack is none, and the template
    shows the dotted place an office fills in by hand."""
    from thidua.report import template_data

    conference = summary.conference
    recorded = conference.report if conference is not None else None
    signature = recorded.signature if recorded is not None else None
    doc = {
        "number": number or (recorded.number if recorded else None),
        "symbol": recorded.symbol if recorded else None,
        "parent": recorded.parent if recorded else None,
        "issuer": (recorded.issuer if recorded else None) or summary.cluster.name,
        "date": conference.date if conference else None,
        "place": conference.place if conference else None,
        "recipients": list(recorded.recipients) if recorded else [],
        "signature": {
            "authority": signature.authority if signature else None,
            "position": signature.position if signature else None,
            "title": signature.title if signature else None,
            "name": signature.name if signature else None,
        },
    }
    return {"s": template_data(summary), "lang": lang, "doc": doc}


def ranking_docx(records: Records, ranking: Ranking, template: Path | None = None) -> bytes:
    """The ranking (`thidua score`) as a Word document, from the shipped template or a user's;
    the template reads `r` and `doc` (see `thidua.review.ranking_word_context`)."""
    from thidua.review import ranking_word_context

    context = ranking_word_context(records, ranking)
    return render_docx(template, RANKING_TEMPLATE, "vi", context)


def proposals_docx(records: Records, year: int, template: Path | None = None) -> bytes:
    """The award proposals and the ballot minutes (`thidua propose`) as one Word document, each
    on pages of its own; the template reads `d` (see `thidua.review.proposal_data`)."""
    from thidua.review import proposal_data

    context = {"d": proposal_data(records, year), "lang": "vi"}
    return render_docx(template, PROPOSALS_TEMPLATE, "vi", context)


def render_docx(
    template: Path | None, shipped: str, lang: str, context: Mapping[str, Any]
) -> bytes:
    """The document from the shipped Word template `shipped`, or from a user's `template` (in a
    process of its own; any failure is a `TemplateProblem` naming the template)."""
    data = freeze(context)
    assert isinstance(data, FrozenDict)
    if template is None:
        return _render(TEMPLATES / shipped, lang, data)
    if not template.is_file():
        raise TemplateProblem(_("the template {template} does not exist").format(template=template))
    import base64

    from thidua.rendering import _render_in_child

    return base64.b64decode(_render_in_child(str(template), lang, data, "thidua.word"))


def _child_main() -> None:
    """The child process that renders a user's Word template (see `thidua.rendering`)."""
    serve_child(_render_user)


def _render_user(template: str, lang: str, data: FrozenDict) -> str:
    """A user's Word template rendered, as base64 text for the parent; any failure is a
    `TemplateProblem` that names the template."""
    import base64

    from thidua.rendering import _message

    path = Path(template)
    try:
        return base64.b64encode(_render(path, lang, data)).decode("ascii")
    except TemplateProblem:
        raise
    except Exception as exc:
        raise TemplateProblem(_word_message(exc, path) or _message(exc, path, set())) from None


def _word_message(exc: BaseException, path: Path) -> str | None:
    """A syntax error with the text around it: its line is one of the document's XML, which
    no one editing in Word sees."""
    import jinja2

    if not isinstance(exc, jinja2.TemplateSyntaxError):
        return None
    near = " / ".join(t.strip() for t in getattr(exc, "docx_context", ()) if t.strip())
    return _("{where}: template error: {problem} (near: {text})").format(
        where=path, problem=exc.message, text=near[:300] or "–"
    )


def _check_package(path: Path) -> bytes:
    """The template's bytes, if it is a .docx within the limits: a zip of at most
    MAX_DOCX_PARTS files that unpack to at most MAX_DOCX_UNPACKED bytes."""
    with path.open("rb") as file:
        content = file.read(MAX_DOCX_BYTES + 1)
    if len(content) > MAX_DOCX_BYTES:
        raise LimitExceeded(
            _("{path} is larger than {mb} MB, the limit of a Word template").format(
                path=path, mb=MAX_DOCX_BYTES // 2**20
            )
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            parts = package.infolist()
            if "word/document.xml" not in {p.filename for p in parts}:
                raise zipfile.BadZipFile("no word/document.xml")
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise TemplateProblem(
            _("{path} is not a Word document (.docx); save it from Word as .docx").format(path=path)
        ) from None
    if len(parts) > MAX_DOCX_PARTS or sum(p.file_size for p in parts) > MAX_DOCX_UNPACKED:
        raise LimitExceeded(
            _("{path} unpacks to more than {mb} MB or {parts} files, the limit").format(
                path=path, mb=MAX_DOCX_UNPACKED // 2**20, parts=MAX_DOCX_PARTS
            )
        )
    _refuse_other_kinds(content, path)
    _refuse_unpaired_tags(content, path)
    return content


def _refuse_unpaired_tags(content: bytes, path: Path) -> None:
    """Refuse, before docxtpl reads it, a template whose braces do not pair up or are too many:
    docxtpl rewrites the tags with regular expressions that take minutes over a few hundred
    thousand unclosed '{{', long before the sandbox's own limits apply."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        for info in package.infolist():
            if not (info.filename.startswith("word/") and info.filename.endswith(".xml")):
                continue
            xml = package.read(info)
            opening, closing = xml.count(b"{"), xml.count(b"}")
            if opening > MAX_DOCX_TAGS:
                raise LimitExceeded(
                    _(
                        "{path} holds more than {limit} tags ('{{'), the limit of a Word template"
                    ).format(path=path, limit=f"{MAX_DOCX_TAGS:,}")
                )
            if opening != closing:
                raise TemplateProblem(
                    _(
                        "{path}: its tags do not pair up ({opening} '{{' and {closing} '}}' in"
                        " {part}); close every {{{{ … }}}} and {{% … %}}"
                    ).format(path=path, opening=opening, closing=closing, part=info.filename)
                )


def _refuse_other_kinds(content: bytes, path: Path) -> None:
    """A document with macros (.docm), or a Word template (.dotx, .dotm), is refused with what to
    do: thidua reads a plain Word document, and writes one."""
    import re

    with zipfile.ZipFile(io.BytesIO(content)) as package:
        try:
            types = package.read("[Content_Types].xml").decode("utf-8", "replace")
        except KeyError:
            types = ""
    main = re.search(r'PartName="/word/document\.xml"\s+ContentType="([^"]*)"', types)
    kind = main.group(1) if main else _MAIN
    if "macroenabled" in kind.lower() or "vbaproject" in types.lower():
        raise TemplateProblem(
            _(
                "{path} holds macros (a .docm document); thidua does not run them and writes no"
                " document with macros: save it from Word as a Word Document (.docx)"
            ).format(path=path)
        )
    if kind != _MAIN:
        raise TemplateProblem(
            _(
                "{path} is not a Word document but {kind}; save it from Word as a Word Document"
                " (.docx)"
            ).format(path=path, kind=kind.rsplit(".", 1)[-1].removesuffix("+xml") or "–")
        )


def _refuse_active_content(content: bytes, path: Path) -> None:
    """Refuses a document that would make Word fetch something from elsewhere, or run something,
    when it is opened: a relationship to an outside address (other than a hyperlink, which is
    only followed when someone clicks it), such as a picture linked from the web or a template
    attached from a server; macros, ActiveX controls, OLE objects, altChunk; a field that takes
    content from a file or a web address, or runs a program (INCLUDEPICTURE, INCLUDETEXT, LINK,
    DDE, DDEAUTO, IMPORT); a mail merge, which queries a database as the document opens. It is
    the rendered document that is looked at: a tag can write a field's words too."""
    from lxml import etree  # type: ignore[import-untyped]

    refusal = _(
        "{path}: the document would make Word {what} when it is opened ({detail}); thidua"
        " writes no such document: remove it from the template (insert a picture as a picture,"
        " not as a link)"
    )
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        for name in package.namelist():
            if not name.endswith((".rels", ".xml")):
                continue
            root = etree.fromstring(package.read(name), parser)
            if name.endswith(".rels"):
                for rel in root.iter(f"{{{_PACKAGE_RELS}}}Relationship"):
                    kind = rel.get("Type", "").rsplit("/", 1)[-1]
                    target = rel.get("Target", "")
                    if rel.get("TargetMode") == "External" and kind != "hyperlink":
                        what = _("fetch {target}").format(target=target[:200])
                        raise TemplateProblem(
                            refusal.format(path=path, what=what, detail=f"{name}: {kind}")
                        )
                    if kind.lower().startswith(_ACTIVE_PARTS):
                        what = _("run or take in another program's content")
                        raise TemplateProblem(
                            refusal.format(path=path, what=what, detail=f"{name}: {kind}")
                        )
            elif name.startswith("word/"):
                _refuse_fetching_fields(root, name, path, refusal)
                _refuse_loose_text(root, name, path)


# elements of WordprocessingML that hold other elements, never text of their own
_STRUCTURE = frozenset(
    f"{{{_W}}}{tag}" for tag in ("body", "p", "r", "tbl", "tr", "tc", "hdr", "ftr", "hyperlink")
)


def _refuse_loose_text(root: Any, name: str, path: Path) -> None:
    """Refuses text written between a document's elements rather than inside a text run: what
    docxtpl's `{{r …}}`, `{{p …}}`, `{{tr …}}` and `{{tc …}}` make of plain text (they are meant
    for docxtpl's own objects, which templates do not get). Word would find the document
    damaged; other programs drop the text without a word."""
    for element in root.iter(*_STRUCTURE):
        loose = [element.text, *(child.tail for child in element)]
        text = next((t.strip() for t in loose if t and t.strip()), None)
        if text is not None:
            raise TemplateProblem(
                _(
                    "{path}: a tag writes text outside a run of text ({name}: {text}): write"
                    " {{{{ … }}}} where you want the text, not {{{{r …}}}}, {{{{p …}}}},"
                    " {{{{tr …}}}} or {{{{tc …}}}}"
                ).format(path=path, name=name, text=text[:100])
            )


def _refuse_fetching_fields(root: Any, name: str, path: Path, refusal: str) -> None:
    """The fields of one part, with their instructions as Word reads them: a simple field's
    `w:instr`, or the `w:instrText` pieces between a field's begin and its separator."""
    if root.tag == f"{{{_W}}}settings" and root.find(f"{{{_W}}}mailMerge") is not None:
        what = _("query a database (a mail merge)")
        raise TemplateProblem(refusal.format(path=path, what=what, detail=name))
    instructions: list[str] = []
    open_fields: list[list[str]] = []
    fld_char, instr_text, simple = f"{{{_W}}}fldChar", f"{{{_W}}}instrText", f"{{{_W}}}fldSimple"
    for element in root.iter(fld_char, instr_text, simple):
        if element.tag == simple:
            instructions.append(element.get(f"{{{_W}}}instr", ""))
        elif element.tag == instr_text:
            if open_fields:
                open_fields[-1].append(element.text or "")
        else:
            kind = element.get(f"{{{_W}}}fldCharType")
            if kind == "begin":
                open_fields.append([])
            elif open_fields and kind in ("separate", "end"):
                instructions.append("".join(open_fields.pop()))
                if kind == "separate":
                    open_fields.append([])  # the result, until the field's end: no instruction
        if len(instructions) > MAX_FIELDS:
            raise LimitExceeded(
                _("{path} has more than {fields} fields").format(path=path, fields=MAX_FIELDS)
            )
    instructions.extend("".join(words) for words in open_fields)
    for instruction in instructions:
        words = instruction.split()
        if words and words[0].upper() in _FETCHING_FIELDS:
            what = _("fetch content or run a program through a field")
            detail = f"{name}: {' '.join(words)[:200]}"
            raise TemplateProblem(refusal.format(path=path, what=what, detail=detail))


def _render(path: Path, lang: str, data: FrozenDict) -> bytes:
    """The Word template at `path` rendered with `data` in a fresh sandbox (one budget of work
    for the whole document: its body, headers, footers and properties)."""
    from docxtpl import DocxTemplate

    class Template(DocxTemplate):  # type: ignore[misc]
        def render_properties(self, context: dict[str, Any], jinja_env: Any = None) -> None:
            """The title, subject, … (File > Properties) are plain text, which python-docx
            escapes as it stores them: rendered (escaped, as all of a Word template is) and
            unescaped, they are not escaped twice ('Hà Nam &amp; Ninh Bình')."""
            import html

            props = self.docx.core_properties
            for name in ("author", "comments", "identifier", "language", "subject", "title"):
                text = getattr(props, name)
                if "{" in text:
                    rendered = jinja_env.from_string(text).render(context)
                    setattr(props, name, html.unescape(rendered))

    content = _check_package(path)
    env = environment(lang, path.parent, path.name, markup="docx")
    document = Template(io.BytesIO(content))
    env.filters["chart"] = env._guard("chart", _chart_filter(document, env, lang))
    document.render(dict(data), jinja_env=env)
    out = io.BytesIO()
    document.save(out)
    _refuse_active_content(out.getvalue(), path)
    return out.getvalue()


def _chart_filter(document: Any, env: Any, lang: str) -> Callable[[Any], Any]:
    """`{{ f|chart }}`: a bar chart of a figure's members, as the Markdown report's Mermaid
    chart draws them, put in the document as a picture."""
    from markupsafe import Markup

    drawn = 0

    def chart(figure: Any) -> Markup:
        nonlocal drawn
        drawn += 1
        if drawn > MAX_CHARTS:
            raise LimitExceeded(_("it draws more than {charts} charts").format(charts=MAX_CHARTS))
        env.budget.spend(MAX_STEPS // (MAX_CHARTS * 5))  # a chart is much work
        title, names, values = _bars(figure)
        png = draw_bars(title, names, values, lang)
        from docx.shared import Mm
        from docxtpl import InlineImage

        picture = InlineImage(document, io.BytesIO(png), width=Mm(CHART_WIDTH_MM))
        return Markup(picture._insert_image())

    return chart


def _bars(figure: Any) -> tuple[str, list[str], list[Decimal]]:
    """The title, names and values of a figure of `s.figures` (anything else is refused)."""
    wrong = ValueError(_("'chart' draws a figure of s.figures, such as {{ f|chart }}"))
    if not isinstance(figure, Mapping):
        raise wrong
    indicator, reported = figure.get("indicator"), figure.get("reported")
    if not isinstance(indicator, Mapping) or not isinstance(reported, tuple):
        raise wrong
    label, unit = indicator.get("label"), indicator.get("unit")
    if not isinstance(label, str) or not isinstance(unit, str):
        raise wrong
    if len(reported) > MAX_BARS:
        raise LimitExceeded(_("a chart of more than {bars} bars").format(bars=MAX_BARS))
    names, values = [], []
    for member in reported:
        name = member.get("name") if isinstance(member, Mapping) else None
        value = member.get("value") if isinstance(member, Mapping) else None
        if not isinstance(name, str) or isinstance(value, bool):
            raise wrong
        if not isinstance(value, Decimal | int):
            raise wrong
        names.append(" ".join(name.split())[:MAX_LABEL])
        values.append(Decimal(value))
    return " ".join(f"{label} ({unit})".split())[:MAX_LABEL], names, values


def draw_bars(title: str, names: list[str], values: list[Decimal], lang: str = "vi") -> bytes:
    """A bar chart as PNG bytes, each bar labelled with its value as the document writes
    numbers; the same picture for the same data (no date or version inside)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    from thidua.formatting import number

    figure = Figure(figsize=CHART_INCHES, dpi=CHART_DPI)
    axes = figure.subplots()
    positions = list(range(len(names)))
    bars = axes.bar(positions, [float(v) for v in values], color="#2f5597")
    axes.bar_label(bars, labels=[number(v, None, lang) for v in values], fontsize=7, padding=2)
    axes.set_xticks(positions, names, rotation=30, ha="right", fontsize=8)
    axes.tick_params(axis="y", labelsize=8)
    axes.yaxis.set_major_formatter(
        FuncFormatter(lambda tick, _: number(Decimal(str(float(tick))).normalize(), None, lang))
    )
    axes.axhline(0, color="black", linewidth=0.6)
    axes.set_title(title, fontsize=10)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    out = io.BytesIO()
    with warnings.catch_warnings():  # a glyph the font lacks is drawn as a box, not a warning
        warnings.simplefilter("ignore", UserWarning)
        figure.tight_layout()
        figure.savefig(out, format="png", dpi=CHART_DPI, metadata={"Software": None})
    return out.getvalue()
