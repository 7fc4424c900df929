"""The changes that the writing commands make to the records, as new file texts.

Each function returns `Change`s for `thidua.writes.apply`; none writes. Every new text is read back
with the same reader and model as `thidua check` uses, and must give exactly the record intended, or
nothing is written: an edit can never leave a file that thidua itself would refuse.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from thidua.models import Leadership, Pledge, Record
from thidua.rotation import Decision
from thidua.writes import Change
from thidua.yamledit import append_item, block, set_key
from thidua.yamlfile import load_yaml


def read(path: Path) -> str:
    """A file's text with '\n' line ends and no byte-order mark (see `encode_like`)."""
    return path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")


def encode_like(path: Path, text: str) -> str:
    """`text` with the line ends and byte-order mark that `path` had, so an edit changes no other line."""
    if not path.exists():
        return text
    raw = path.read_bytes()
    if b"\r\n" in raw:
        text = text.replace("\n", "\r\n")
    return ("\ufeff" + text) if raw.startswith(b"\xef\xbb\xbf") else text


def _schema_line(kind: str) -> str:
    return f"# yaml-language-server: $schema=../schemas/{kind}.schema.json\n"


def _verified(text: str, rel: str, model: type[Record], expected: Record) -> str:
    """`text` if it reads back as `expected`; otherwise a bug, and nothing may be written."""
    doc, findings = load_yaml(text, rel)
    got = model.model_validate(doc.data)
    if findings or got != expected:
        raise AssertionError(f"editing {rel} would not give the intended record: {findings or got}")
    return text


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in data.items():
        if isinstance(v, dict):
            v = _clean(v)
        if v not in (None, {}, []):
            out[k] = v
    return out


def leadership_change(
    root: Path, decision: Decision, *, when: date | None, ref: str | None, place: str | None
) -> Change:
    """YEAR/leadership.yaml with the decided chair and deputy: a new file, or the old one with
    these keys replaced (its other lines and comments kept, and the date, minutes and place it
    recorded kept where none is given anew)."""
    year = decision.year
    chair, how, handover_from = decision.chair.id, decision.how, decision.previous_chair
    deputy = decision.deputy.id if decision.deputy else None
    path = root / str(year) / "leadership.yaml"
    if path.exists():  # a replaced leadership keeps the date, minutes and place not given anew
        old = Leadership.model_validate(load_yaml(read(path), "old")[0].data)
        if old.chosen is not None:
            when = when or old.chosen.date
            ref = ref or old.chosen.ref
        if old.handover is not None:
            when = when or old.handover.date
            place = place or old.handover.place
    handover = {"from": handover_from, "date": when, "place": place} if handover_from else {}
    fields = {
        "chair": chair,
        "deputy": deputy,
        "chosen": {"how": how, "date": when, "ref": ref},
        "handover": handover,
    }
    new = _clean(fields)
    if path.exists():
        text = read(path)
        kept = {k: v for k, v in load_yaml(text, "old")[0].data.items() if k not in fields}
        for key in fields:
            text = set_key(text, key, new.get(key))
        expected_data = kept | new
    else:
        expected_data = {"year": year} | new
        text = _schema_line("leadership") + "\n".join(block(expected_data, 0)) + "\n"
    expected = Leadership.model_validate(expected_data)
    text = _verified(text, f"{year}/leadership.yaml", Leadership, expected)
    return Change.of(path, encode_like(path, text))


def new_pledge_change(root: Path, year: int, pledge: dict[str, Any], members: list[str]) -> Change:
    """A new YEAR/pledge.yaml with no signatures yet, listing who is to sign."""
    path = root / str(year) / "pledge.yaml"
    data = _clean(pledge)
    text = (
        _schema_line("pledge")
        + "#\n# To be signed by: "
        + ", ".join(members)
        + "\n# Record each signature with: thidua sign-pledge "
        + f"{year} --member ID --signer NAME --title TITLE\n"
        + "\n".join(block(data, 0))
        + "\nsignatures: []\n"
    )
    expected = Pledge.model_validate(data | {"signatures": []})
    return Change.of(path, _verified(text, f"{year}/pledge.yaml", Pledge, expected))


def signatures_change(
    root: Path, year: int, pledge: Pledge, signatures: list[dict[str, Any]]
) -> Change:
    """YEAR/pledge.yaml with `signatures` added at the end of its list, nothing else changed."""
    path = root / str(year) / "pledge.yaml"
    text = read(path)
    for signature in signatures:
        text = append_item(text, "signatures", _clean(signature))
    added = Pledge.model_validate({"year": year, "signatures": signatures}).signatures
    expected = pledge.model_copy(update={"signatures": [*pledge.signatures, *added]})
    text = _verified(text, f"{year}/pledge.yaml", Pledge, expected)
    return Change.of(path, encode_like(path, text))
