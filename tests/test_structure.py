"""The shape of the package: data flows one way (read → records → checks | figures → output), so
no module imports, even lazily inside a function, a module that imports it back."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

from thidua.catalogue import CODES
from thidua.checks import rules

PACKAGE = ROOT / "src" / "thidua"


def imports_of(path: Path) -> set[str]:
    """The thidua modules `path` imports anywhere in it (top level, functions, TYPE_CHECKING)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "thidua":
                found |= {f"thidua.{alias.name}" for alias in node.names}
            elif node.module.startswith("thidua."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("thidua.")}
    return found


def graph() -> dict[str, set[str]]:
    modules = {f"thidua.{p.stem}": p for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    return {name: imports_of(path) & modules.keys() for name, path in modules.items()}


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle in the import graph, as the list of modules around it, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_in_the_package():
    assert cycle(graph()) is None


def test_the_reader_knows_no_rule_and_no_figure():
    """Loading never calls a check or computes a report's figure: those are its consumers."""
    edges = graph()
    reader = {"thidua.repository", "thidua.tables", "thidua.csvfile", "thidua.yamlfile"}
    for module in reader:
        assert not edges[module] & {"thidua.checks", "thidua.figures", "thidua.report"}, module


def test_every_rule_reports_catalogue_codes_and_is_documented():
    assert rules()
    for rule in rules():
        assert rule.codes, rule.name
        assert all(code.id in CODES for code in rule.codes)
        assert rule.doc, f"{rule.name} has no docstring"


def test_check_counts_no_awards(data_copy):
    """The award tally is the report's: `check` reads the ledger with the rules only."""
    from thidua.inspection import inspect

    records = inspect(data_copy).records
    assert records is not None
    assert all("awards" not in year.ledger for year in records.years.values())
    assert records.years[2023].ledger == {"checks": None, "proposals": {}}
