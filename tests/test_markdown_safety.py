"""Every user's text reaches a Markdown document through one escaping function (`formatting.md`).

The report (both languages) and the pledge are rendered twice from the same records: once with
every text a user can write (names, kinds, places, titles, signers, movements, bases, criteria,
labels, units, plan names, headline words, how the chair was chosen, decision numbers, issuers, …)
set to plain words, once set to hostile Markdown. The two documents must have the same structure,
line by line: the same number of lines, the same block opening each line, the same unescaped
Markdown punctuation. So no user's text can open a block, a heading, a list, a quote, a link, a
table cell, an HTML tag or a code span, nor end the Mermaid chart it is drawn in.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA, ROOT

from thidua.figures import AwardTally
from thidua.pledge_document import render_pledge
from thidua.pledges import state
from thidua.report import build, render
from thidua.repository import load

EXAMPLE = ROOT / "examples" / "khoi-kinh-te"

HOSTILE = [
    "x\n# heading",
    "a | b | c",
    "[x](javascript:alert(1))",
    "<script>alert(1)</script>",
    "`code` ``` ~~~ end",
    "*bold* **b** _it_ ~~s~~",
    "- item",
    "1. item",
    "2) item",
    "> quote",
    "---",
    "===",
    "+ plus",
    "~~~",
    "![img](https://example.com/x.png)",
    "a\r\n\r\n## two",
    "x\u2028# y\u2029- z",
    "<!-- comment -->",
    "back\\slash\\",
    '"quoted" label',
    "#no space",
    "    indented code",
]

# the keys of the YAML records whose values are a user's free text (ids, codes, dates, enums and
# numbers are checked by `thidua check` and never free text)
TEXT_KEYS = {
    "name",
    "name_en",
    "kind",
    "organizer",
    "label",
    "label_en",
    "unit",
    "unit_en",
    "plan",
    "plan_en",
    "above",
    "above_en",
    "below",
    "below_en",
    "title",
    "title_en",
    "place",
    "how",
    "signer",
    "bases",
    "movements",
    "content",
    "group",
    "notes",
    "ref",
}
CSV_TEXT = {"decision_number", "issuer", "recipient", "note"}


class Texts:
    """The n-th text written: plain words, or a hostile payload starting at `offset`."""

    def __init__(self, hostile: bool, offset: int) -> None:
        self.hostile, self.offset, self.n = hostile, offset, 0

    def __call__(self) -> str:
        self.n += 1
        if not self.hostile:
            return f"Chữ {self.n}"
        first = HOSTILE[(self.offset + self.n) % len(HOSTILE)]
        second = HOSTILE[(self.offset + 3 * self.n) % len(HOSTILE)]
        return f"{first} {second}"


def rewrite(value: Any, texts: Texts, key: str | None = None) -> Any:
    if isinstance(value, dict):
        return {k: rewrite(v, texts, k) for k, v in value.items()}
    if isinstance(value, list):
        return [rewrite(v, texts, key) for v in value]
    if isinstance(value, str) and key in TEXT_KEYS:
        return texts()
    return value


def hostile_copy(source: Path, target: Path, texts: Texts) -> Path:
    shutil.copytree(source, target)
    for path in sorted(target.rglob("*.yaml")):
        if "schemas" in path.parts:
            continue
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        path.write_text(
            yaml.safe_dump(rewrite(doc, texts), allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
    for path in sorted(target.rglob("awards.csv")):
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        for row in rows:
            for column in CSV_TEXT & row.keys():
                row[column] = texts()
            if row.get("scope") == "cluster" and not row.get("decision_number"):
                row["decision_number"] = texts()
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    return target


def documents(root: Path, year: int) -> dict[str, str]:
    records = load(root, consumers=[AwardTally()]).records
    assert records is not None
    summary = build(records, year)
    docs = {lang: render(summary, lang) for lang in ("vi", "en")}
    docs["pledge"] = render_pledge(records, state(records, year + 1))
    return docs


_BLOCK = re.compile(
    r"^ {0,3}(#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|\d+[.)](?=\s|$)|```|~~~|\||(?:[-*_]\s*){3,}$|=+\s*$|<)"
)


def block(line: str) -> str:
    """What opens the line's block: a heading, a quote, a list item, a fence, a table row, …"""
    if not line.strip():
        return "blank"
    if line.startswith("    "):
        return "indented code"
    found = _BLOCK.match(line)
    return found.group(1).strip()[:3] if found else "paragraph"


def unescaped(line: str) -> str:
    """The Markdown punctuation of `line` that is not escaped by a backslash."""
    out = []
    i = 0
    while i < len(line):
        if line[i] == "\\":
            i += 2
            continue
        if line[i] in "|[]<>`*_#~":
            out.append(line[i])
        i += 1
    return "".join(sorted(out))


def assert_same_structure(plain: str, hostile: str, name: str) -> None:
    plain_lines, hostile_lines = plain.split("\n"), hostile.split("\n")
    assert len(hostile_lines) == len(plain_lines), f"{name}: a text added or removed a line"
    fenced = False
    for number, (a, b) in enumerate(zip(plain_lines, hostile_lines, strict=True), 1):
        if a.startswith("```"):
            fenced = not fenced
            assert b == a, f"{name}:{number}: a code fence moved"
            continue
        if fenced:  # inside the Mermaid chart: the quoted labels stay quoted
            assert b.count('"') == a.count('"'), f"{name}:{number}: {b!r}"
            continue
        assert block(b) == block(a), f"{name}:{number}: {b!r} opens a {block(b)!r}"
        assert unescaped(b) == unescaped(a), f"{name}:{number}: {b!r}"
        assert "<" not in b.replace("\\<", ""), f"{name}:{number}: {b!r}"
    assert "\r" not in hostile and "\u2028" not in hostile and "\u2029" not in hostile


@pytest.mark.parametrize(("source", "year"), [(DATA, 2023), (EXAMPLE, 2024)])
@pytest.mark.parametrize("offset", range(0, len(HOSTILE), 3))
def test_no_users_text_changes_the_documents_structure(tmp_path, source, year, offset):
    plain = documents(hostile_copy(source, tmp_path / "plain", Texts(False, 0)), year)
    hostile = documents(hostile_copy(source, tmp_path / "hostile", Texts(True, offset)), year)
    for name, text in hostile.items():
        assert "javascript:" in text or name == "pledge"  # the hostile text is there, escaped
        assert_same_structure(plain[name], text, name)


def test_the_structure_check_sees_a_raw_text():
    """The check itself: an unescaped name in a table row or at the start of a line is caught."""
    plain = "| Chữ 1 | 5 |\nChữ 2 bàn giao\n"
    with pytest.raises(AssertionError):
        assert_same_structure(plain, "| a | b | 5 |\nChữ 2 bàn giao\n", "table")
    with pytest.raises(AssertionError):
        assert_same_structure(plain, "| Chữ 1 | 5 |\n- x bàn giao\n", "start")
    with pytest.raises(AssertionError):
        assert_same_structure(plain, "| [x](y) | 5 |\nChữ 2 bàn giao\n", "link")
