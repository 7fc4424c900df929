"""The published schemas of the records, so that other tools validate them as `check` does:

- a JSON Schema of each YAML file kind, generated from the models, for editors (yaml-language-server)
  and validators that read YAML as YAML 1.2 or JSON does (dates and years stay text);
- a Table Schema (Frictionless) of `indicators.csv` and `awards.csv`, generated from the columns
  thidua reads and from cluster.yaml (its indicators, members and award types).

Where a schema cannot say what `check` checks (a year's folder, a figure's bounds across files, a
leap day, a thousands dot in a whole figure), `check` is stricter, and `check` is what counts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from thidua.models import YAML_MODELS, Cluster, Date, Scoring
from thidua.tables import (
    AWARD_COLUMNS,
    PROPOSAL_COLUMNS,
    Column,
    EnumParser,
    FigureParser,
    indicator_columns,
    parse_count,
    parse_date,
    score_columns,
)
from thidua.writes import write_atomic

TABLE_SCHEMA_PROFILE = "tabular-data-resource"


def schemas() -> dict[str, dict[str, object]]:
    """The schema of each YAML file kind, by kind ('cluster', 'pledge', …)."""
    out = {}
    for kind, model in YAML_MODELS.items():
        schema = model.model_json_schema(by_alias=True)
        out[kind] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{kind}.schema.json",
            **schema,
        }
    return out


def _date_pattern() -> str:
    for extra in getattr(Date, "__metadata__", ()):
        schema = getattr(extra, "json_schema", None)
        if isinstance(schema, dict) and "pattern" in schema:
            return str(schema["pattern"])
    raise LookupError("the Date type has no pattern")  # a bug: models.Date declares one


def _field(column: Column, ids: dict[str, list[str]]) -> dict[str, Any]:
    """The Table Schema field of one column."""
    field: dict[str, Any] = {"name": column.name, "type": "string"}
    if column.description:
        field["description"] = column.description
    constraints: dict[str, Any] = {}
    parse = column.parse
    if isinstance(parse, FigureParser):  # points too
        field |= {"type": "number", "bareNumber": False, "decimalChar": "."}
    elif parse is parse_count:
        field["type"] = "integer"
        constraints["minimum"] = 1
    elif parse is parse_date:
        constraints["pattern"] = _date_pattern().removeprefix("^").removesuffix("$")
    elif isinstance(parse, EnumParser):
        constraints["enum"] = parse.words()
    elif column.name in ids:
        constraints["enum"] = ids[column.name]
    if column.mandatory:
        constraints["required"] = True
    if constraints:
        field["constraints"] = constraints
    return field


def table_schemas(cluster: Cluster, scoring: Scoring | None = None) -> dict[str, dict[str, Any]]:
    """The Table Schemas of a year's CSV files for this cluster, by file kind; with scoring.yaml,
    the score sheets' of each scheme too (`scores.<scheme id>`)."""
    members = {"member": [m.id for m in cluster.members]}
    awards = members | {"award": [t.id for t in cluster.award_types]}
    sheets = {
        f"scores.{scheme.id}": {
            "fields": [_field(c, members) for c in score_columns(scheme).values()],
            "fieldsMatch": "superset",
            "missingValues": [""],
            "primaryKey": ["member"],
        }
        for scheme in (scoring.schemes if scoring is not None else [])
    }
    return sheets | {
        "indicators": {
            "fields": [_field(c, members) for c in indicator_columns(cluster).values()],
            "fieldsMatch": "superset",  # any order; optional columns may be left out
            "missingValues": [""],
            "primaryKey": ["member"],
        },
        "awards": {
            "fields": [_field(c, awards) for c in AWARD_COLUMNS.values()],
            "fieldsMatch": "superset",
            "missingValues": [""],
        },
        "proposals": {
            "fields": [_field(c, awards) for c in PROPOSAL_COLUMNS.values()],
            "fieldsMatch": "superset",
            "missingValues": [""],
            "primaryKey": ["id"],
        },
    }


def cluster_of(root: Path) -> Cluster | None:
    """The cluster of a data folder, if its cluster.yaml is there and valid."""
    from thidua.repository import load_record

    path = root / "cluster.yaml"
    if not path.is_file():
        return None
    loaded, _ = load_record(path, "cluster.yaml", Cluster)
    return loaded.model if loaded is not None else None


def scoring_of(root: Path) -> Scoring | None:
    """The scoring schemes of a data folder, if its scoring.yaml is there and valid."""
    from thidua.repository import load_record

    path = root / "scoring.yaml"
    if not path.is_file():
        return None
    loaded, _ = load_record(path, "scoring.yaml", Scoring)
    return loaded.model if loaded is not None else None


def write_schemas(
    folder: Path, cluster: Cluster | None = None, scoring: Scoring | None = None
) -> list[Path]:
    """Write `<kind>.schema.json` files into `folder`, and with a cluster the Table Schemas
    `<file>.table.json` of its CSV files; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    documents: dict[str, Any] = {f"{k}.schema.json": s for k, s in schemas().items()}
    if cluster is not None:
        documents |= {f"{k}.table.json": s for k, s in table_schemas(cluster, scoring).items()}
    for name, schema in documents.items():
        path = folder / name
        write_atomic(path, json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
        written.append(path)
    return written
