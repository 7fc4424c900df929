"""The documentation keeps up with the code: every finding code is documented, and nothing more."""

from __future__ import annotations

import re

from conftest import ROOT

SOURCE = ROOT / "src" / "thidua"
CODE_IN_SOURCE = re.compile(
    r'(?:error|warning|Finding)\(\s*"([a-z]+(?:-[a-z]+)+)"|code="([a-z-]+)"'
)


def codes_in_source() -> set[str]:
    found = set()
    for path in SOURCE.rglob("*.py"):
        for a, b in CODE_IN_SOURCE.findall(path.read_text(encoding="utf-8")):
            found.add(a or b)
    return found


def codes_in_docs() -> set[str]:
    text = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    return set(re.findall(r"^### ([a-z-]+)", text, flags=re.MULTILINE))


def test_every_code_is_documented_and_every_documented_code_exists():
    source = codes_in_source()
    assert len(source) > 30
    # codes produced from Pydantic's errors are named in validation.py as return values
    validation = set(re.findall(r'return "([a-z-]+)"', (SOURCE / "validation.py").read_text()))
    assert codes_in_docs() == source | validation


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
