"""Mutated copies of the real records never make the reader or the checks crash."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from conftest import DATA, TODAY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thidua.findings import Finding
from thidua.inspection import check_repository

FILES = sorted(str(p.relative_to(DATA)) for p in DATA.rglob("*") if p.suffix in (".yaml", ".csv"))
SNIPPETS = [
    b"\x00", b"\xff\xfe", b"\xd6", b"\xef\xbb\xbf", b": ", b"- ", b"&a ", b"*a", b"!!python/name:os.system",
    b"---\n", b'"', b",", b";", b"\n", b"\t", b"  ", b"no", b"012", b"9,41", b"2024-13-45", b"-1e999",
    "Hoà Bình".encode(), "Thái Bình".encode(), b"[[[[", b"{", b"}", b"?", b"|", b">", b"%YAML 1.1\n",
]  # fmt: skip

mutation = st.one_of(
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.sampled_from(SNIPPETS)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 40)),
    st.tuples(st.just("duplicate-line"), st.integers(0, 10**6), st.just(0)),
    st.tuples(st.just("truncate"), st.integers(0, 10**6), st.just(0)),
)


def mutate(data: bytes, how: tuple) -> bytes:
    kind, at, arg = how
    at = at % (len(data) + 1)
    if kind == "insert":
        return data[:at] + arg + data[at:]
    if kind == "delete":
        return data[:at] + data[at + arg :]
    if kind == "truncate":
        return data[:at]
    lines = data.splitlines(keepends=True)
    i = at % max(len(lines), 1)
    return b"".join(lines[: i + 1] + lines[i:])


@settings(
    max_examples=int(os.environ.get("THIDUA_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(target=st.sampled_from(FILES), mutations=st.lists(mutation, min_size=1, max_size=3))
def test_mutated_data_never_crashes(target, mutations):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "data"
        shutil.copytree(DATA, root)
        path = root / target
        data = path.read_bytes()
        for how in mutations:
            data = mutate(data, how)
        path.write_bytes(data)
        findings, files = check_repository(root, today=TODAY)
        assert all(isinstance(f, Finding) for f in findings)
        assert all(f.position.line >= 1 and f.position.column >= 1 for f in findings)
        assert files >= 1


EXAMPLE = DATA.parent / "examples" / "khoi-kinh-te"
REVIEW_FILES = [
    "scoring.yaml",
    *sorted(
        str(p.relative_to(EXAMPLE))
        for p in (EXAMPLE / "2024").iterdir()
        if p.name in ("ballot.yaml", "proposals.csv", "awards.csv", "conference.yaml")
        or p.name.startswith("scores-")
    ),
]


@settings(
    max_examples=int(os.environ.get("THIDUA_FUZZ_EXAMPLES", "300")) // 3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(target=st.sampled_from(REVIEW_FILES), mutations=st.lists(mutation, min_size=1, max_size=3))
def test_mutated_review_records_never_crash(target, mutations):
    """The year-end review's files of the example bloc, mutated: check, and the ranking and the
    proposals it feeds, end in findings or a refusal, never a crash."""
    from thidua.findings import Refused
    from thidua.inspection import InvalidRecords
    from thidua.review import render_proposals, review_records, year_ranking

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "bloc"
        shutil.copytree(EXAMPLE, root)
        path = root / target
        data = path.read_bytes()
        for how in mutations:
            data = mutate(data, how)
        path.write_bytes(data)
        findings, _ = check_repository(root, today=TODAY)
        assert all(f.position.line >= 1 and f.position.column >= 1 for f in findings)
        try:
            records = review_records(root, 2024)
            year_ranking(records, 2024)
            render_proposals(records, 2024)
        except (InvalidRecords, Refused):
            pass
