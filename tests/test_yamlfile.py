"""The YAML reader's guards, each with its hostile input."""

from __future__ import annotations

from decimal import Decimal

import pytest

from thidua.findings import FileProblem
from thidua.yamlfile import load_yaml


def load(text: str):
    return load_yaml(text, "f.yaml")


def test_yaml_1_1_surprises_stay_as_written():
    doc, findings = load("a: no\nb: on\nc: y\nd: 012\ne: '01'\nf: 2024-03-13\ng: 0x1F\nh: 1_000\n")
    assert findings == []
    assert doc.data == {
        "a": "no",
        "b": "on",
        "c": "y",
        "d": "012",
        "e": "01",
        "f": "2024-03-13",
        "g": "0x1F",
        "h": "1_000",
    }


def test_only_true_false_null_and_plain_numbers_are_resolved():
    doc, _ = load("a: true\nb: false\nc: null\nd: ~\ne:\nf: 34\ng: -9.28\nh: '34'\n")
    assert doc.data == {
        "a": True,
        "b": False,
        "c": None,
        "d": None,
        "e": None,
        "f": 34,
        "g": Decimal("-9.28"),
        "h": "34",
    }
    assert isinstance(doc.data["g"], Decimal)


def test_duplicate_key_is_an_error_at_the_second_key():
    doc, findings = load("a: 1\nb:\n  c: 1\n  c: 2\n")
    assert [(f.code, f.position.line, f.position.column) for f in findings] == [
        ("yaml-duplicate-key", 4, 3)
    ]
    assert "first at line 3" in findings[0].message
    assert doc.data["b"] == {"c": 1}


def test_anchor_and_alias_are_refused():
    _, findings = load("a: &x 1\nb: *x\n")
    assert [(f.code, f.position.line) for f in findings] == [("yaml-alias", 1), ("yaml-alias", 2)]


def test_alias_bomb_is_refused_without_expanding():
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 20):
        prev = chr(ord("a") + i - 1)
        rows.append(f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [{', '.join(['*' + prev] * 9)}]")
    doc, findings = load("\n".join(rows) + "\n")
    assert {f.code for f in findings} == {"yaml-alias"}
    # nothing was expanded: each alias stands as a single empty value
    assert doc.data["t"] == [None] * 9


@pytest.mark.parametrize(
    "text", ["a: !!python/object:os.system x\n", "a: !!str 1\n", "a: !custom 1\n"]
)
def test_tags_are_refused(text):
    _, findings = load(text)
    assert [f.code for f in findings] == ["yaml-tag"]


def test_python_object_tag_is_never_constructed():
    doc, findings = load("a: !!python/object/apply:os.system ['echo pwned']\n")
    assert findings[0].code == "yaml-tag"
    assert doc.data == {"a": ["echo pwned"]}


def test_second_document_is_an_error():
    _, findings = load("a: 1\n---\nb: 2\n")
    assert [(f.code, f.position.line) for f in findings] == [("yaml-documents", 2)]


@pytest.mark.parametrize(
    ("text", "line", "hint"),
    [
        ("a: 1\nb: [1, 2\n", 3, ""),
        ("a: 1\n\tb: 2\n", 2, "tabs"),
        ("title: Hội nghị: tổng kết\n", 1, "quotes"),
        ("a: 1\n  b: 2\n", 2, "quotes"),
    ],
)
def test_syntax_errors_name_line_and_hint(text, line, hint):
    with pytest.raises(FileProblem) as info:
        load(text)
    finding = info.value.finding
    assert finding.code == "yaml-syntax"
    assert finding.position.line == line
    assert hint in finding.message


def test_control_character_is_a_syntax_error():
    with pytest.raises(FileProblem) as info:
        load("a: b\x07c\n")
    assert info.value.finding.code == "yaml-syntax"


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "~\n"])
def test_empty_document_is_refused(text):
    with pytest.raises(FileProblem) as info:
        load(text)
    assert info.value.finding.code == "file-empty"


def test_complex_key_is_an_error():
    _, findings = load("? [a, b]\n: 1\n")
    assert findings[0].code == "yaml-syntax"


def test_positions_of_values_and_keys():
    doc, _ = load("members:\n  - id: a\n    code: 12\n  - id: b\n")
    assert doc.position(("members", 0, "code")).line == 3
    assert doc.position(("members", 0, "code")).column == 11
    assert doc.position(("members", 1, "id")).line == 4
    assert doc.position(("members", 0, "code"), key=True).column == 5
    # an unknown path falls back to its nearest known ancestor
    assert doc.position(("members", 1, "missing")).line == 4


def test_deep_nesting_is_a_clear_error_not_a_crash():
    depth = 5000
    with pytest.raises(FileProblem) as info:
        load("a: " + "[" * depth + "]" * depth + "\n")
    assert info.value.finding.code == "yaml-syntax"
    assert "deep" in info.value.finding.message
