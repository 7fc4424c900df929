"""A strict YAML reader that keeps every value's position.

PyYAML's loaders guess types the YAML 1.1 way (`no` is false, `012` is ten, `2024-03-13` a date),
keep the last of two duplicate keys without a word, expand aliases (alias bombs) and forget where each
value stood. This reader builds plain Python values straight from libyaml's parse events instead:

- `true`/`false` are the only booleans, `null`/`~`/nothing the only null; plain integers without a
  leading zero become `int`, plain decimals become exact `Decimal`; everything else stays text, so
  `no`, `on`, `012`, `"01"` and `2024-03-13` reach the models as written, and the models decide;
- a duplicate key, an anchor or alias, an explicit tag (`!!python/…`) or a second document is an error
  at its line and column;
- the line and column of every value and every key is recorded under its path, so a validation error
  on `members[3].code` is reported at the line of that value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml

from thidua.catalogue import (
    FILE_ONLY_COMMENTS,
    YAML_ALIAS,
    YAML_ANCHOR,
    YAML_COMPLEX_KEY,
    YAML_DOCUMENTS,
    YAML_DUPLICATE_KEY,
    YAML_SYNTAX,
    YAML_TAG,
    YAML_TOO_LARGE,
)
from thidua.findings import FileProblem, Finding, Position
from thidua.i18n import N_, _
from thidua.numbers import MAX_DIGITS, written_digits

try:
    LOADER: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml: slower, same results
    LOADER = yaml.SafeLoader

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_NULL = {"", "~", "null", "Null", "NULL"}

Path_ = tuple[str | int, ...]

# Limits far above any real file, so that a hostile one stops early and costs bounded work: every
# value of a file gets a position and a Pydantic error of its own (a million unknown keys in one
# mapping ran for minutes and took gigabytes). The largest model has 18 fields and `national` one
# key per year (at most 156); a cluster has 63 members; a real cluster.yaml has a few thousand values.
MAX_KEYS = 1_000  # keys of one mapping
MAX_ITEMS = 10_000  # items of one list
MAX_NODES = 100_000  # keys and values of a file: scalars, lists and mappings
_NODE_EVENTS = frozenset(
    (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent)
)


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted) scalar, by the rules in the module docstring."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.fullmatch(text) or _DECIMAL.fullmatch(text):
        # A number past the digits a number may have stays text, for the models to refuse with
        # `number-precision`: int() of 5,000 digits raises, Decimal() of 1.e99999999999999999999 too.
        digits = written_digits(text)
        if digits is None or digits > MAX_DIGITS:
            return text
        return int(text) if _INT.fullmatch(text) else Decimal(text)
    return text


@dataclass(slots=True)
class YamlDocument:
    """A loaded YAML file: its data and where each value and key stood."""

    path: str
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def position(self, loc: Path_ = (), *, key: bool = False) -> Position:
        """The position of the value (or key) at `loc`, else of its nearest recorded ancestor."""
        loc = tuple(loc)
        if key and loc in self.keys:
            return Position(self.path, *self.keys[loc])
        while loc:
            if loc in self.values:
                return Position(self.path, *self.values[loc])
            loc = loc[:-1]
        return Position(self.path, *self.values.get((), (1, 1)))


def _pos(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


_HINTS = {
    "mapping values are not allowed": N_(
        "; a value that contains ': ' must be written in quotes, and a key must line up"
        " with the keys above it"
    ),
    "found a tab character": N_("; YAML is indented with spaces, not tabs"),
    "found character '\\t' that cannot start any token": N_(
        "; YAML is indented with spaces, not tabs"
    ),
    "could not find expected ':'": N_("; every line of a mapping is 'key: value'"),
    "exceeded maximum nesting depth": N_("; the file nests lists or mappings far too deep"),
}


def _syntax_finding(rel: str, exc: yaml.YAMLError) -> Finding:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if isinstance(exc, yaml.reader.ReaderError):
        problem = f"the file contains a character that is not allowed in YAML ({exc.reason})"
    line, column = _pos(mark) if mark is not None else (1, 1)
    hint = next((_(h) for k, h in _HINTS.items() if problem.startswith(k)), "")
    return YAML_SYNTAX.at(Position(rel, line, column), problem=problem, hint=hint)


class _Frame:
    __slots__ = ("container", "key", "key_pos", "loc")

    def __init__(self, container: dict[str, Any] | list[Any], loc: Path_) -> None:
        self.container = container
        self.loc = loc
        # The key whose value comes next; `_REFUSED` for a key already reported (a list, a mapping
        # or an alias as a key), whose value is dropped: it has no name to show in a message.
        self.key: str | None = None
        self.key_pos: tuple[int, int] = (0, 0)


_REFUSED = "\0refused-key"  # never a key of the data: compared by identity, see `add`
_YAML_TAGS = "tag:yaml.org,2002:"


def typed_tag(tag: str) -> str:
    """A tag as it is typed: 'tag:yaml.org,2002:str' is written '!!str'."""
    return "!!" + tag.removeprefix(_YAML_TAGS) if tag.startswith(_YAML_TAGS) else tag


def load_yaml(text: str, rel: str) -> tuple[YamlDocument, list[Finding]]:
    """Parse one YAML document. Structural problems are returned as findings; a file that cannot be
    parsed at all raises `FileProblem`."""
    doc = YamlDocument(rel, None)
    findings: list[Finding] = []
    stack: list[_Frame] = []
    documents = 0
    root_set = False

    def add(value: Any, pos: tuple[int, int], node_loc: list[Path_]) -> None:
        nonlocal root_set
        if not stack:
            doc.data = value
            root_set = True
            node_loc.append(())
            doc.values[()] = pos
            return
        top = stack[-1]
        if isinstance(top.container, list):
            loc = (*top.loc, len(top.container))
            top.container.append(value)
        else:
            assert top.key is not None
            if top.key is _REFUSED:
                top.key = None
                node_loc.append((*top.loc, _REFUSED))
                return
            loc = (*top.loc, top.key)
            if top.key in top.container:
                first = doc.keys[loc]
                findings.append(
                    YAML_DUPLICATE_KEY.at(Position(rel, *top.key_pos), key=top.key, first=first[0])
                )
                top.key = None
                node_loc.append((*top.loc, "\0duplicate"))
                return
            top.container[top.key] = value
            doc.keys[loc] = top.key_pos
            top.key = None
        doc.values[loc] = pos
        node_loc.append(loc)

    def refuse_extras(event: Any) -> None:
        if getattr(event, "anchor", None) is not None:
            findings.append(
                YAML_ANCHOR.at(Position(rel, *_pos(event.start_mark)), name=event.anchor)
            )
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            findings.append(YAML_TAG.at(Position(rel, *_pos(event.start_mark)), tag=typed_tag(tag)))

    # libyaml's events are told apart by their exact class (the hot loop of every YAML read); their
    # attributes differ by class, which the stubs cannot follow through `type(event) is …`.
    def too_large(event: Any, what: str, limit: int, things: str) -> FileProblem:
        position = Position(rel, *_pos(event.start_mark))
        return FileProblem(YAML_TOO_LARGE.at(position, what=what, limit=limit, things=things))

    events: Iterator[Any] = yaml.parse(text, Loader=LOADER)
    nodes = 0
    try:
        for event in events:
            kind = type(event)
            if kind in _NODE_EVENTS:
                nodes += 1
                if nodes > MAX_NODES:
                    raise too_large(event, "file", MAX_NODES, "keys and values")
                if stack:
                    parent = stack[-1]
                    if isinstance(parent.container, list):
                        if len(parent.container) >= MAX_ITEMS:
                            raise too_large(event, "list", MAX_ITEMS, "items")
                    elif parent.key is None and len(parent.container) >= MAX_KEYS:
                        raise too_large(event, "mapping", MAX_KEYS, "keys")
            if kind is yaml.ScalarEvent:
                refuse_extras(event)
                pos = _pos(event.start_mark)
                top = stack[-1] if stack else None
                if top is not None and isinstance(top.container, dict) and top.key is None:
                    top.key = event.value
                    top.key_pos = pos
                    continue
                value = resolve_plain(event.value) if event.implicit[0] else event.value
                add(value, pos, [])
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                refuse_extras(event)
                pos = _pos(event.start_mark)
                top = stack[-1] if stack else None
                container: dict[str, Any] | list[Any] = {} if kind is yaml.MappingStartEvent else []
                if top is not None and isinstance(top.container, dict) and top.key is None:
                    # The list or mapping is the key: read past it, then drop the value after it.
                    findings.append(YAML_COMPLEX_KEY.at(Position(rel, *pos)))
                    top.key = _REFUSED
                    top.key_pos = pos
                    stack.append(_Frame(container, (*top.loc, _REFUSED)))
                    continue
                locs: list[Path_] = []
                add(container, pos, locs)
                stack.append(_Frame(container, locs[0]))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                stack.pop()
            elif kind is yaml.AliasEvent:
                pos = _pos(event.start_mark)
                findings.append(YAML_ALIAS.at(Position(rel, *pos), name=event.anchor))
                top = stack[-1] if stack else None
                if top is not None and isinstance(top.container, dict) and top.key is None:
                    top.key = _REFUSED
                    top.key_pos = pos
                    continue
                add(None, pos, [])
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents == 2:
                    findings.append(YAML_DOCUMENTS.at(Position(rel, *_pos(event.start_mark))))
                    break
    except yaml.YAMLError as exc:
        raise FileProblem(_syntax_finding(rel, exc)) from None
    if not root_set or doc.data is None:
        raise FileProblem(FILE_ONLY_COMMENTS.at(Position(rel)))
    return doc, findings
