"""Writing findings out: text for people, JSON for programs, annotations for GitHub Actions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from thidua.findings import Finding, Severity


def _path(prefix: str, rel: str) -> str:
    return f"{prefix.rstrip('/')}/{rel}" if prefix not in ("", ".") else rel


def summary(findings: Sequence[Finding], files: int) -> str:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = len(findings) - errors
    return (
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        f" in {files} file{'s' * (files != 1)}"
    )


def write_text(findings: Sequence[Finding], files: int, prefix: str, out: TextIO) -> None:
    for f in findings:
        p = f.position
        out.write(
            f"{_path(prefix, p.path)}:{p.line}:{p.column}: {f.severity}: {f.message} [{f.code}]\n"
        )
    out.write(summary(findings, files) + "\n")


def write_json(findings: Sequence[Finding], files: int, prefix: str, out: TextIO) -> None:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    doc = {
        "findings": [f.as_dict() | {"path": _path(prefix, f.position.path)} for f in findings],
        "errors": errors,
        "warnings": len(findings) - errors,
        "files": files,
    }
    json.dump(doc, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def write_github(findings: Sequence[Finding], files: int, prefix: str, out: TextIO) -> None:
    """GitHub Actions workflow commands: each finding shows on the line it concerns."""
    for f in findings:
        p = f.position
        props = (
            f"file={_escape(_path(prefix, p.path), prop=True)},line={p.line},col={p.column},"
            f"title={_escape(f'thidua {f.code}', prop=True)}"
        )
        out.write(f"::{f.severity} {props}::{_escape(f.message)}\n")
    out.write(summary(findings, files) + "\n")


WRITERS = {"text": write_text, "json": write_json, "github": write_github}
