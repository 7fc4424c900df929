"""Every number column is read by the same strict rules, whatever its role: a figure, its plan, a
weight, a part of a share. A test feeds each kind the same bad cells and expects the same finding."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import CLUSTER, findings_of

# An indicator of each kind: a whole-number total with a plan, a weighted mean with decimals, and
# the two columns a share is made of.
INDICATORS = """\
indicators:
  - id: revenue
    label: Thu ngân sách
    unit: tỷ đồng
    aggregate: sum
    plan: dự toán
  - id: growth
    label: Tăng trưởng
    unit: "%"
    aggregate: weighted_mean
    weight: population
    decimals: 2
  - id: population
    label: Dân số
    unit: nghìn người
    aggregate: sum
  - id: districts_ntm
    label: Huyện đạt chuẩn
    unit: huyện
    aggregate: sum
  - id: districts
    label: Số huyện
    unit: huyện
    aggregate: sum
  - id: ntm_share
    label: Tỷ lệ huyện đạt chuẩn
    unit: "%"
    aggregate: share
    numerator: districts_ntm
    denominator: districts
award_types:"""
HEADER = "member,revenue,revenue.plan,growth,population,districts_ntm,districts"
GOOD = {
    "revenue": "21460",
    "revenue.plan": "19900",
    "growth": "6.15",
    "population": "1860",
    "districts_ntm": "8",
    "districts": "8",
}
COLUMNS = list(GOOD)

BAD = [
    ("9,41", "decimal-comma"),
    ("1.234.567", "number-grouping"),
    ("٣٤", "number-digits"),
    ("３４", "number-digits"),
    ("7_0", "number-digits"),
    ("1.2E+5", "value-invalid"),
    ("12 tỷ", "value-invalid"),
    ("1" * 25, "number-precision"),
]


def repo_with(repo, column: str, text: str):
    cells = {**GOOD, column: text}
    out = io.StringIO()
    for member in ("an-giang", "bac-lieu", "ca-mau"):
        csv.writer(out, lineterminator="\n").writerow([member, *(cells[c] for c in COLUMNS)])
    rows = out.getvalue().rstrip("\n")
    cluster = (
        CLUSTER[: CLUSTER.index("indicators:")] + INDICATORS + CLUSTER.split("award_types:")[1]
    )
    return repo({"cluster.yaml": cluster, "2023/indicators.csv": f"{HEADER}\n{rows}\n"})


@pytest.mark.parametrize("column", COLUMNS)
@pytest.mark.parametrize(("text", "code"), BAD)
def test_every_number_column_refuses_the_same_way(repo, column, text, code):
    found = [f for f in findings_of(repo_with(repo, column, text)) if f.severity == "error"]
    assert {f.code for f in found} == {code}, [f.message for f in found]
    assert all(f"column '{column}'" in f.message for f in found)


def test_a_thousands_dot_in_a_plan_cell_is_refused_as_in_its_figure(repo):
    """`19.900` in the plan of a whole-number total once read as 19.9 ("vượt 37,6% dự toán")."""
    found = findings_of(repo_with(repo, "revenue.plan", "19.900"))
    assert [(f.code, f.position.line) for f in found] == [
        ("number-grouping", 2),
        ("number-grouping", 3),
        ("number-grouping", 4),
    ]
    assert "write 19900" in found[0].message


def test_three_decimals_are_a_figure_where_the_indicator_has_decimals(repo):
    assert findings_of(repo_with(repo, "growth", "6.150")) == []


@pytest.mark.parametrize("text", ["yes", "on", "1", '"true"', "y"])
def test_a_flag_is_true_or_false_only(repo, text):
    """`chart: yes` is no truth value in the records format: YAML 1.2 and the docs say true/false."""
    cluster = CLUSTER.replace("    decimals: 1\n", f"    decimals: 1\n    chart: {text}\n", 1)
    found = findings_of(repo({"cluster.yaml": cluster}))
    line = cluster.splitlines().index(f"    chart: {text}") + 1
    assert [(f.code, f.position.line) for f in found] == [("value-invalid", line)]
    assert "is not true or false; write true or false" in found[0].message


def test_a_flag_written_true_is_read(repo):
    cluster = CLUSTER.replace("    decimals: 1\n", "    decimals: 1\n    chart: true\n", 1)
    assert findings_of(repo({"cluster.yaml": cluster})) == []


@pytest.mark.parametrize("escape", ["\\x07", "\\x1b", "\\x85", "\\x00", "\\u202e", "\\u2067"])
def test_text_with_a_control_character_is_refused(repo, escape):
    cluster = CLUSTER.replace("    name: Cà Mau\n", f'    name: "Cà{escape}Mau"\n', 1)
    found = findings_of(repo({"cluster.yaml": cluster}))
    assert [f.code for f in found] == ["value-invalid"]
    assert "control character U+" in found[0].message


def test_a_note_may_hold_lines_and_tabs(repo):
    cluster = CLUSTER.replace(
        "    name: Cà Mau\n", '    name: Cà Mau\n    note: "một\\tdòng\\nhai dòng"\n', 1
    )
    assert findings_of(repo({"cluster.yaml": cluster})) == []
