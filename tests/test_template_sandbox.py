"""Users' templates are hostile until shown otherwise: they get data, never objects, and the
sandbox refuses what could run code, read a file or run without bound."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from conftest import DATA, ROOT

from thidua.figures import AwardTally
from thidua.pledge_document import pledge_data
from thidua.pledges import state
from thidua.rendering import FrozenDict, freeze
from thidua.report import build, template_data
from thidua.repository import load

PLAIN = (str, int, bool, Decimal, date, type(None))


def leaves(value: Any, path: str = "s") -> list[tuple[str, Any]]:
    """Every (path, leaf) of template data; fails on anything that is not data."""
    if isinstance(value, FrozenDict):
        return [leaf for key, v in value.items() for leaf in leaves(v, f"{path}.{key}")]
    if isinstance(value, tuple):
        return [leaf for i, v in enumerate(value) for leaf in leaves(v, f"{path}[{i}]")]
    assert type(value) in PLAIN, f"{path} is a {type(value).__name__}"
    return [(path, value)]


@pytest.fixture(scope="module")
def records():
    found = load(DATA, consumers=[AwardTally()]).records
    assert found is not None
    return found


def test_the_report_and_the_pledge_get_only_plain_data(records):
    assert leaves(template_data(build(records, 2023)))
    example = load(ROOT / "examples" / "khoi-kinh-te", consumers=[AwardTally()]).records
    assert example is not None
    assert leaves(template_data(build(example, 2024)))
    assert leaves(pledge_data(records, state(records, 2024)), "pledge")
    assert leaves(pledge_data(example, state(example, 2025)), "pledge")


def test_every_key_of_the_data_is_documented(records):
    doc = (ROOT / "docs" / "report.md").read_text(encoding="utf-8")
    keys = {
        key
        for path, _ in leaves(template_data(build(records, 2023)))
        for key in re.findall(r"\.([\w-]+)", path)
    }
    keys -= {m.id for m in records.cluster.members}  # award counts by member id
    missing = sorted(k for k in keys if f"`{k}`" not in doc and f".{k}`" not in doc)
    assert not missing, f"not in docs/report.md: {missing}"


def test_freeze_refuses_objects():
    assert freeze({"a": [1, "x", None]}) == FrozenDict(a=(1, "x", None))
    for thing in (object(), print, records, build, {1, 2}, 1.5):
        with pytest.raises(TypeError):
            freeze({"x": thing})
    frozen = freeze({"a": 1})
    with pytest.raises(TypeError):
        frozen["a"] = 2  # type: ignore[index]
    with pytest.raises(AttributeError):
        frozen.a = 2  # type: ignore[union-attr]
