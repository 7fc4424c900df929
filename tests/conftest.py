"""Shared test helpers: small cluster repositories written from inline text."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from thidua.findings import Finding
from thidua.inspection import check_repository
from thidua.repository import Records, load

# The tests speak English whatever the machine's language, unless a test asks for Vietnamese.
os.environ["THIDUA_LANG"] = "en"
# The tests keep their compiled templates in a folder of their own, not in the user's cache.
os.environ.setdefault("THIDUA_CACHE", tempfile.mkdtemp(prefix="thidua-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
GOLDEN = Path(__file__).resolve().parent / "golden"
TODAY = date(2026, 11, 28)

CLUSTER = """\
format: 1
id: test-cluster
name: Cụm thi đua thử
members:
  - id: an-giang
    name: An Giang
    kind: tỉnh
    code: "89"
  - id: bac-lieu
    name: Bạc Liêu
    kind: tỉnh
    code: "95"
    last_year: 2024
  - id: ca-mau
    name: Cà Mau
    kind: tỉnh
    code: "96"
    first_year: 2020
indicators:
  - id: growth
    label: Tăng trưởng
    unit: "%"
    aggregate: mean
    decimals: 1
    min: -20
    max: 30
  - id: revenue
    label: Thu ngân sách
    unit: tỷ đồng
    aggregate: sum
award_types:
  - id: co-thi-dua-chinh-phu
    title: Cờ thi đua của Chính phủ
    level: Chính phủ
    recipients: collective
  - id: bang-khen
    title: Bằng khen
    level: tỉnh
    recipients: both
"""

INDICATORS = """\
member,growth,revenue
an-giang,6.5,12000
bac-lieu,7.1,5000
ca-mau,5.2,6000
"""


def write_repo(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write a repository: a test cluster.yaml unless given, plus `files` (None deletes)."""
    files = {"cluster.yaml": CLUSTER} | files
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def records_of(root: Path) -> Records:
    """The records at `root` as read, whatever the checks say of them (cluster.yaml must be valid)."""
    records = load(root).records
    assert records is not None, "cluster.yaml is missing or invalid"
    return records


def findings_of(root: Path) -> list[Finding]:
    return check_repository(root, today=TODAY)[0]


def codes_of(root: Path) -> list[tuple[str, str, int]]:
    """(code, path, line) of each finding."""
    return [(f.code, f.position.path, f.position.line) for f in findings_of(root)]


@pytest.fixture
def repo(tmp_path: Path) -> Callable[..., Path]:
    """`repo({"2023/x.csv": "..."})` writes a repository in a fresh folder and returns it."""

    def make(files: dict[str, str | bytes] | None = None) -> Path:
        return write_repo(tmp_path / "repo", files or {})

    return make


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the real data folder to break."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file's bytes, to prove a command changed nothing."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def golden(name: str, actual: str) -> None:
    """Compare with tests/golden/NAME; THIDUA_UPDATE_GOLDEN=1 rewrites it instead."""
    path = GOLDEN / name
    if os.environ.get("THIDUA_UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no golden file {name}; run THIDUA_UPDATE_GOLDEN=1 pytest"
    assert actual == path.read_text(encoding="utf-8")


@pytest.fixture
def bloc(tmp_path: Path) -> Path:
    """The illustrative bloc of examples/, without its 2025 figures (for the import's tests)."""
    root = tmp_path / "bloc"
    shutil.copytree(ROOT / "examples" / "khoi-kinh-te", root)
    (root / "2025" / "indicators.csv").unlink()
    return root
