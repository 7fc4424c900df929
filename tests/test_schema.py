"""The published JSON Schemas accept the real records, and the copies in data/schemas are current."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from conftest import DATA

from thidua.schema import schemas

KINDS = {
    "cluster.yaml": "cluster",
    "leadership.yaml": "leadership",
    "conference.yaml": "conference",
    "pledge.yaml": "pledge",
}
FILES = sorted(p for p in DATA.rglob("*.yaml") if p.name in KINDS)


def test_there_are_files_of_every_kind():
    assert {p.name for p in FILES} == set(KINDS)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_schema_accepts_real_file(path):
    # editors read YAML 1.2-style: dates stay strings, as the schema expects
    loader = type("Loader", (yaml.SafeLoader,), {})
    loader.yaml_implicit_resolvers = {
        k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    jsonschema.validate(data, schemas()[KINDS[path.name]])


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_file_points_at_its_schema(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    expected = ("" if path.parent == DATA else "../") + f"schemas/{KINDS[path.name]}.schema.json"
    assert first == f"# yaml-language-server: $schema={expected}"


def test_schema_rejects_an_unquoted_code():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {
                "format": 1,
                "id": "x",
                "name": "X",
                "members": [{"id": "a", "name": "A", "kind": "tỉnh", "code": 34}],
            },
            schemas()["cluster"],
        )


def test_committed_schemas_are_current():
    for kind, schema in schemas().items():
        committed = json.loads(
            (DATA / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")
        )
        assert committed == schema, f"run: thidua schema --output data/schemas ({kind} is stale)"
