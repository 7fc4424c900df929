"""The published schemas agree with `check`: they accept every valid file and refuse what `check`
refuses wherever a schema can say it, read as editors and validators read YAML (YAML 1.2 / JSON:
dates and quoted years stay text). The Table Schemas of the CSV files do the same for frictionless."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import CLUSTER, DATA, ROOT, findings_of

from thidua.models import YAML_MODELS, Cluster
from thidua.schema import schemas, scoring_of, table_schemas
from thidua.yamlfile import load_yaml

KINDS = {
    "cluster.yaml": "cluster",
    "leadership.yaml": "leadership",
    "conference.yaml": "conference",
    "pledge.yaml": "pledge",
    "scoring.yaml": "scoring",
    "ballot.yaml": "ballot",
}
EXAMPLES = ROOT / "examples"
FILES = sorted(
    p for root in (DATA, *EXAMPLES.iterdir()) for p in root.rglob("*.yaml") if p.name in KINDS
)


def plain(value: Any) -> Any:
    """Data as a JSON document holds it: exact decimals become JSON numbers."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return float(value) if isinstance(value, Decimal) else value


def yaml12(text: str) -> Any:
    """A YAML file read as YAML 1.2 or JSON reads it (thidua's own reader keeps dates as text)."""
    return plain(load_yaml(text, "x")[0].data)


def check_accepts(kind: str, text: str) -> bool:
    doc, findings = load_yaml(text, "x")
    if findings:
        return False
    try:
        YAML_MODELS[kind].model_validate(doc.data)
    except Exception:  # a ValidationError: check refuses the file
        return False
    return True


def schema_accepts(kind: str, text: str) -> bool:
    try:
        jsonschema.validate(yaml12(text), schemas()[kind])
    except jsonschema.ValidationError:
        return False
    return True


def test_there_are_files_of_every_kind():  # scoring and ballot: in the example bloc
    assert {p.name for p in FILES} == set(KINDS)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_schema_accepts_every_real_file(path):
    text = path.read_text(encoding="utf-8")
    assert check_accepts(KINDS[path.name], text)
    jsonschema.validate(yaml12(text), schemas()[KINDS[path.name]])
    # and read by PyYAML without its YAML 1.1 date guessing, as yaml-language-server does
    loader = type("Loader", (yaml.SafeLoader,), {})
    loader.yaml_implicit_resolvers = {
        k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    jsonschema.validate(yaml.load(text, Loader=loader), schemas()[KINDS[path.name]])


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_file_points_at_its_schema(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    top = path.name in ("cluster.yaml", "scoring.yaml")
    data_root = path.parent if top else path.parent.parent
    if not (data_root / "schemas").is_dir():
        return  # the example bloc shares no schemas folder: its files need not point at one
    expected = (
        "" if path.parent == data_root else "../"
    ) + f"schemas/{KINDS[path.name]}.schema.json"
    assert first == f"# yaml-language-server: $schema={expected}"


LEADERSHIP = "year: 2023\nchair: an-giang\n"
CONFERENCE = "year: 2023\ndate: {date}\nplace: Long Xuyên\n"

# (kind, text): each a value form that check accepts, so the schema must too
ACCEPTED = [
    ("conference", CONFERENCE.format(date="2024-03-13")),
    ("conference", CONFERENCE.format(date="13/03/2024")),
    ("conference", CONFERENCE.format(date="5/3/2024")),
    ("conference", CONFERENCE.format(date="29/02/2024")),
    ("conference", CONFERENCE.format(date="31/12/2024")),
    ("conference", CONFERENCE.format(date="30/04/2024")),
    ("leadership", LEADERSHIP),
    ("leadership", LEADERSHIP + "deputy: ca-mau\n"),
    ("cluster", CLUSTER),
    (
        "cluster",
        CLUSTER.replace("    min: -20\n", "    min: -20\n    national:\n      2023: 5.05\n"),
    ),
    (
        "cluster",
        CLUSTER.replace("    decimals: 1\n", "    decimals: 1\n    headline:\n      step: 0.5\n"),
    ),
]

# (kind, text): each a mistake check refuses and a schema can express, so the schema must refuse it
REFUSED = [
    ("conference", CONFERENCE.format(date="31/13/2024")),
    ("conference", CONFERENCE.format(date="31/04/2024")),
    ("conference", CONFERENCE.format(date="30/02/2024")),
    ("conference", CONFERENCE.format(date="2024-02-30")),
    ("conference", CONFERENCE.format(date="2024-13-01")),
    ("conference", CONFERENCE.format(date="20240313")),
    ("conference", CONFERENCE.format(date="2024/03/13")),
    ("conference", CONFERENCE.format(date="13.03.2024")),
    ("conference", CONFERENCE.format(date="'2024-03-13T10:00'")),
    ("leadership", LEADERSHIP.replace("year: 2023", 'year: "2023"')),
    ("leadership", LEADERSHIP.replace("year: 2023", "year: 1800")),
    ("leadership", LEADERSHIP.replace("year: 2023", "year: 20230")),
    ("leadership", LEADERSHIP.replace("year: 2023", "year: ٢٠٢٣")),
    ("leadership", LEADERSHIP.replace("chair: an-giang", "chair: An Giang")),
    ("leadership", LEADERSHIP.replace("chair: an-giang", "chair: thаi-binh")),
    ("leadership", LEADERSHIP + "deptuy: ca-mau\n"),
    ("leadership", "year: 2023\n"),
    ("cluster", CLUSTER.replace('code: "95"', "code: 95")),
    ("cluster", CLUSTER.replace("aggregate: mean", "aggregate: avg")),
    ("cluster", CLUSTER.replace("    min: -20\n", '    min: "-20"\n')),
    ("cluster", CLUSTER.replace("    min: -20\n", "    min: -20\n    national:\n      20x3: 5\n")),
    ("cluster", CLUSTER.replace("    min: -20\n", "    min: -20\n    national:\n      1800: 5\n")),
    ("cluster", CLUSTER.replace("    decimals: 1\n", "    decimals: 9\n")),
    ("cluster", CLUSTER.replace("format: 1", "format: 2")),
    ("cluster", CLUSTER.replace("    kind: tỉnh\n", "", 1)),
]


@pytest.mark.parametrize(("kind", "text"), ACCEPTED)
def test_what_check_accepts_the_schema_accepts(kind, text):
    assert check_accepts(kind, text)
    assert schema_accepts(kind, text)


@pytest.mark.parametrize(("kind", "text"), REFUSED)
def test_what_check_refuses_the_schema_refuses(kind, text):
    assert not check_accepts(kind, text)
    assert not schema_accepts(kind, text)


def test_a_leap_day_of_another_year_is_where_check_is_stricter():
    """The one date the schema's pattern cannot tell: docs/format.md says check wins."""
    text = CONFERENCE.format(date="29/02/2023")
    assert not check_accepts("conference", text)
    assert schema_accepts("conference", text)
    assert "check" in (ROOT / "docs" / "format.md").read_text(encoding="utf-8")


def test_committed_schemas_are_current():
    cluster = Cluster.model_validate(load_yaml((DATA / "cluster.yaml").read_text(), "c")[0].data)
    published = {f"{k}.schema.json": s for k, s in schemas().items()}
    published |= {f"{k}.table.json": s for k, s in table_schemas(cluster).items()}
    for name, schema in published.items():
        committed = json.loads((DATA / "schemas" / name).read_text(encoding="utf-8"))
        assert committed == schema, f"run: thidua schema --data data ({name} is stale)"


# --- the CSV files, through frictionless -------------------------------------------------------


def validate_csv(tmp_path: Path, root: Path, year: int, kind: str, text: str | None = None):
    from frictionless import Resource, Schema

    cluster = Cluster.model_validate(load_yaml((root / "cluster.yaml").read_text(), "c")[0].data)
    name = "scores-adopted" if kind.startswith("scores.") else kind
    source = root / str(year) / f"{name}.csv"
    if text is not None:
        source = tmp_path / f"{kind}.csv"
        source.write_text(text, encoding="utf-8")
    schema = Schema.from_descriptor(table_schemas(cluster, scoring_of(root))[kind])
    # frictionless takes paths relative to where it runs, as a safety rule
    resource = Resource(path=source.name, basepath=str(source.parent), schema=schema)
    return resource.validate()


@pytest.mark.parametrize(
    ("root", "year", "kind"),
    [
        (DATA, 2023, "indicators"),
        (DATA, 2023, "awards"),
        (EXAMPLES / "khoi-kinh-te", 2024, "indicators"),
        (EXAMPLES / "khoi-kinh-te", 2025, "awards"),
        (EXAMPLES / "khoi-kinh-te", 2024, "awards"),
        (EXAMPLES / "khoi-kinh-te", 2024, "proposals"),
        (EXAMPLES / "khoi-kinh-te", 2024, "scores.quy-dinh-2024"),
    ],
)
def test_frictionless_accepts_the_real_csv_files(tmp_path, root, year, kind):
    report = validate_csv(tmp_path, root, year, kind)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


AWARDS = "member,award,count,recipient_kind,status,decision_date\n"


@pytest.mark.parametrize(
    "row",
    [
        "thai-binh,huan-chuong,0,collective,decided,2024-03-01",  # a count of 0
        "thai-binh,huan-chuong,x,collective,decided,2024-03-01",  # not a count
        "thai-binh,huan-chuong,1,tập thể lớn,decided,2024-03-01",  # not a kind of recipient
        "thai-binh,huan-chuong,1,collective,maybe,2024-03-01",  # not a status
        "thai-binh,huan-chuong,1,collective,decided,31/13/2024",  # not a date
        "thai-binh,co-thi-dua,1,collective,decided,2024-03-01",  # not an award type
        "thai-bin,huan-chuong,1,collective,decided,2024-03-01",  # not a member
        ",,1,collective,decided,2024-03-01",  # no award
    ],
)
def test_frictionless_refuses_what_check_refuses_in_a_ledger(tmp_path, data_copy, row):
    text = AWARDS + row + "\n"
    assert not validate_csv(tmp_path, DATA, 2023, "awards", text).valid
    (data_copy / "2023" / "awards.csv").write_text(text, encoding="utf-8")
    assert any(f.severity == "error" for f in findings_of(data_copy))
    good = AWARDS + "thai-binh,huan-chuong,1,collective,decided,2024-03-01\n"
    assert validate_csv(tmp_path, DATA, 2023, "awards", good).valid


# --- the examples of docs/checks.md (the golden cases) -----------------------------------------

# Problems a JSON Schema can express: a field missing or unknown, a value of the wrong type, form,
# pattern or list, a number in other digits. (Other findings are across files or beyond a schema.)
EXPRESSIBLE = {"field-missing", "field-unknown", "value-invalid", "number-digits"}


def yaml_examples() -> list[tuple[str, str, str, set[str]]]:
    """(case, kind, text, codes check gives for that file) of every YAML file of every case."""
    from test_cases import all_cases

    out = []
    for case in all_cases():
        for section in case.sections:
            name = Path(section.path).name
            if name not in KINDS or section.directive is not None:
                continue
            codes = {
                line.rsplit("[", 1)[1].rstrip("]")
                for line in case.expect
                if line.startswith(f"data/{section.path}:") and line.endswith("]")
            }
            out.append((case.code, KINDS[name], section.text, codes))
    return out


@pytest.mark.parametrize(
    ("case", "kind", "text", "codes"),
    yaml_examples(),
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_the_schema_agrees_with_each_example_of_the_docs(case, kind, text, codes):
    if not codes:
        assert schema_accepts(kind, text), f"{case}: check accepts this {kind} file"
    elif codes <= EXPRESSIBLE:
        assert not schema_accepts(kind, text), f"{case}: check refuses this {kind} file ({codes})"
