"""Editing YAML files as text, so that what people wrote survives.

Loading a file with a YAML library and dumping it back loses its comments, blank lines and quoting.
thidua's writes change the text instead: libyaml's parse events say where each top-level key's value
starts and ends, and an edit replaces or extends only those characters. Everything else in the file
stays byte for byte. Every edit is checked by reading the new text back (see `thidua.writes`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml

from thidua.yamlfile import LOADER, resolve_plain


@dataclass(slots=True)
class Entry:
    """A top-level key and its value, as character offsets into the text."""

    key_start: int
    value_start: int
    value_end: int  # the end of the value's own text, without trailing comments or blank lines
    block: bool  # a block collection (indented lines), rather than a scalar or [flow] value
    items: list[int] = field(default_factory=list)  # where each item of a block sequence starts


_SKIP = (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentStartEvent, yaml.DocumentEndEvent)


def top_level(text: str) -> dict[str, Entry]:
    """The top-level keys of a YAML document that is a mapping, with where their values stand."""
    entries: dict[str, Entry] = {}
    depth = 0
    key: tuple[str, int] | None = None
    current: Entry | None = None
    events: Iterator[Any] = yaml.parse(text, Loader=LOADER)  # attributes vary by event class
    for event in events:
        if isinstance(event, _SKIP):
            continue
        start, end = event.start_mark.index, event.end_mark.index
        opens = isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent)
        closes = isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent)
        if depth == 1 and not closes:
            if key is None:  # a key of the root mapping
                key = (event.value, start)
                continue
            name, key_start = key
            key = None
            if opens:
                current = Entry(key_start, start, start, not event.flow_style)
                entries[name] = current
            else:
                entries[name] = Entry(key_start, start, end, False)
        elif current is not None:
            if depth == 2 and not closes and current.block:
                current.items.append(start)
            if not (closes and current.block):
                current.value_end = max(current.value_end, end)
        if opens:
            depth += 1
        elif closes:
            depth -= 1
            if depth == 1:
                current = None
    return entries


_PLAIN = re.compile(r"[\w][\w .,/()'%+-]*")


def scalar(value: Any) -> str:
    """A value as a YAML scalar that reads back as the same text: plain where that is safe,
    else double-quoted with every character YAML does not allow raw escaped."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if _PLAIN.fullmatch(text) and resolve_plain(text) == text and not text.endswith(" "):
        return text
    return _escape(json.dumps(text, ensure_ascii=False))


def _escape(quoted: str) -> str:
    """Escape, inside a double-quoted scalar, the characters YAML refuses raw (DEL, C1, …)."""
    out = []
    for ch in quoted:
        code = ord(ch)
        if ch.isprintable() or ch == " ":
            out.append(ch)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out)


def flow(value: dict[str, Any]) -> str:
    """A mapping as a YAML flow mapping, every value quoted (plain text cannot hold ',' there)."""
    return (
        "{" + ", ".join(f"{k}: {_flow_scalar(v)}" for k, v in value.items() if v is not None) + "}"
    )


def _flow_scalar(value: Any) -> str:
    text = scalar(value)
    return (
        text
        if text.startswith('"') or isinstance(value, int | Decimal | bool)
        else json.dumps(text, ensure_ascii=False)
    )


def block(data: dict[str, Any], indent: int) -> list[str]:
    """Lines of a block mapping (values: scalars, lists of scalars or nested mappings)."""
    pad = " " * indent
    lines: list[str] = []
    for k, v in data.items():
        if v is None or v == [] or v == {}:
            continue
        if isinstance(v, dict):
            lines.append(f"{pad}{k}:")
            lines += block(v, indent + 2)
        elif isinstance(v, list):
            lines.append(f"{pad}{k}:")
            for item in v:
                if isinstance(item, dict):
                    first, *rest = block(item, indent + 4)
                    lines.append(f"{pad}  - {first.lstrip()}")
                    lines += rest
                else:
                    lines.append(f"{pad}  - {scalar(item)}")
        else:
            lines.append(f"{pad}{k}: {scalar(v)}")
    return lines


def _line_end(text: str, index: int) -> int:
    """The index just after the line break that ends the line holding `index`."""
    nl = text.find("\n", index)
    return len(text) if nl < 0 else nl + 1


def _ensure_newline(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


def append_item(text: str, key: str, item: dict[str, Any]) -> str:
    """Add `item` (a mapping) to the end of the top-level sequence `key`, creating it if needed."""
    entry = top_level(text).get(key)
    if entry is not None and entry.block and entry.items:
        first = entry.items[0]
        line_start = text.rfind("\n", 0, first) + 1
        dash = text.rfind("-", line_start, first)
        where = _line_end(text, max(entry.value_end - 1, entry.value_start))
        return (
            _ensure_newline(text[:where])
            + "".join(line + "\n" for line in _item_lines(item, dash - line_start))
            + text[where:]
        )
    if entry is not None and not entry.block and text[entry.value_start] == "[":
        close = text.rindex("]", entry.value_start, entry.value_end)
        if text[entry.value_start + 1 : close].strip():  # a flow list with items: stay in flow
            return text[:close] + ", " + flow(item) + text[close:]
    lines = [f"{key}:", *_item_lines(item, 2)]
    if entry is None:
        return _ensure_newline(text) + "".join(line + "\n" for line in lines)
    # `key:` with nothing, null or [] after it: put the block in place of that value
    end = _line_end(text, max(entry.value_end - 1, entry.value_start))
    return text[: entry.key_start] + "".join(line + "\n" for line in lines) + text[end:]


def _item_lines(item: dict[str, Any], dash: int) -> list[str]:
    """A mapping as one item of a block sequence whose dashes stand at column `dash`."""
    lines = block(item, dash + 2)
    lines[0] = " " * dash + "- " + lines[0].lstrip()
    return lines


def set_key(text: str, key: str, value: Any) -> str:
    """Give the top-level `key` a new value (a scalar or a mapping), adding the key if it is absent.

    The lines of the old value are replaced; the rest of the file is kept as it was.
    """
    entry = top_level(text).get(key)
    lines = block({key: value}, 0) if value not in (None, {}, []) else []
    if entry is None:
        return _ensure_newline(text) + "".join(line + "\n" for line in lines)
    if not isinstance(value, dict | list) and not entry.block and lines:
        return text[: entry.value_start] + scalar(value) + text[entry.value_end :]
    end = _line_end(text, max(entry.value_end - 1, entry.value_start))
    return text[: entry.key_start] + "".join(line + "\n" for line in lines) + text[end:]


def add_entries(text: str, key: str, entries: dict[str, Any], existing: dict[str, Any]) -> str:
    """Add `entries` to the top-level mapping `key` (whose parsed value is `existing`), creating it
    if needed; the lines it already has, comments included, stay as they are."""
    entry = top_level(text).get(key)
    if entry is not None and entry.block and entry.items:
        first = entry.items[0]
        indent = first - (text.rfind("\n", 0, first) + 1)
        where = _line_end(text, max(entry.value_end - 1, entry.value_start))
        lines = [f"{' ' * indent}{scalar(k)}: {scalar(v)}\n" for k, v in entries.items()]
        return _ensure_newline(text[:where]) + "".join(lines) + text[where:]
    merged = {**existing, **entries}
    lines = [f"{key}:\n", *(f"  {scalar(k)}: {scalar(v)}\n" for k, v in merged.items())]
    if entry is None:
        return _ensure_newline(text) + "".join(lines)
    end = _line_end(text, max(entry.value_end - 1, entry.value_start))
    tail = text[entry.value_end : end].strip()
    if tail.startswith("#"):  # `import_map: {}  # filled by thidua`: the comment stays
        lines[0] = f"{key}:  {tail}\n"
    return text[: entry.key_start] + "".join(lines) + text[end:]
