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
MAX_DOCX_PARTS = 1000  # files inside the .docx
MAX_CHARTS = 20  # pictures `chart` draws in one document
MAX_BARS = 200  # bars of one chart
MAX_LABEL = 200  # characters of a chart's title or of a bar's name
CHART_INCHES = (6.3, 3.4)  # the picture's size: 945 × 510 pixels at CHART_DPI
CHART_DPI = 150
CHART_WIDTH_MM = 160  # as wide as the text between the margins (210 − 30 − 20 mm)


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
    return content


def _render(path: Path, lang: str, data: FrozenDict) -> bytes:
    """The Word template at `path` rendered with `data` in a fresh sandbox (one budget of work
    for the whole document: its body, headers, footers and properties)."""
    from docxtpl import DocxTemplate

    content = _check_package(path)
    env = environment(lang, path.parent, path.name, markup="docx")
    document = DocxTemplate(io.BytesIO(content))
    env.filters["chart"] = env._guard("chart", _chart_filter(document, env, lang))
    document.render(dict(data), jinja_env=env)
    out = io.BytesIO()
    document.save(out)
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
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=CHART_DPI, metadata={"Software": None})
    return out.getvalue()
