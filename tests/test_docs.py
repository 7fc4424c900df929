"""The documentation keeps up with the code. (docs/checks.md is generated from the catalogue and the
golden cases: see test_cases.py.)"""

from __future__ import annotations

import ast
import re

from conftest import ROOT

SOURCE = ROOT / "src" / "thidua"


def test_findings_are_made_only_by_the_catalogue():
    """No module builds a Finding itself: every one comes from a catalogue code, so none can carry
    a code, a severity or a wording that the catalogue does not declare."""
    makers = []
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Finding"
            ):
                makers.append(path.name)
    assert makers == ["catalogue.py"]


def test_every_yaml_field_is_in_the_format_doc():
    from thidua.models import YAML_MODELS

    doc = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    seen: set[type] = set()
    stack = list(YAML_MODELS.values())
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            key = field.alias or name
            assert re.search(rf"\b{key}\b", doc), f"{model.__name__}.{key} is not in docs/format.md"
            for arg in (*getattr(field.annotation, "__args__", ()), field.annotation):
                inner = getattr(arg, "__args__", (arg,))
                stack += [t for t in inner if isinstance(t, type) and hasattr(t, "model_fields")]
