"""JSON Schemas of the YAML files, generated from the models, for editors (yaml-language-server)."""

from __future__ import annotations

import json
from pathlib import Path

from thidua.models import YAML_MODELS
from thidua.writes import write_atomic


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


def write_schemas(folder: Path) -> list[Path]:
    """Write `<kind>.schema.json` files into `folder`; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, schema in schemas().items():
        path = folder / f"{kind}.schema.json"
        write_atomic(path, json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
        written.append(path)
    return written
