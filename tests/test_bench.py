"""The benchmark harness at a tiny size, so that it cannot rot. No timing is asserted here."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, TODAY

from thidua.inspection import check_repository

sys.path.insert(0, str(ROOT / "bench"))

from floor import read_all
from generate import generate


def test_generated_repository_is_valid_and_deterministic(tmp_path):
    generate(tmp_path / "a", 12, 7, 4, 2025, 2000, 7)
    generate(tmp_path / "b", 12, 7, 4, 2025, 2000, 7)
    files = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    assert files == sorted(
        p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file()
    )
    assert all(
        (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files
    )
    findings, count = check_repository(tmp_path / "a", today=TODAY)
    assert findings == []
    assert count == 1 + 4 * 5
    # 2000 award rows and 12 + 12 + 12 + 7 indicator rows, plus a header per CSV file, plus the
    # three empty rows Excel leaves below each table in the two office-shaped years
    assert read_all(tmp_path / "a") == 2000 + 43 + 8 + 2 * 2 * 3


def test_run_quick_prints_the_table(tmp_path):
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--awards", "3000", "--runs", "1"],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    for line in ("thidua check", "parsing floor, all files", "thidua --version", "thidua --help"):
        assert line in out.stdout


def test_a_reports_floor_reads_the_neighbouring_years_without_their_ledgers(tmp_path):
    """summarize YEAR reads the years before and after (not their ledgers): so does its floor."""
    root = tmp_path / "r"
    generate(root, 12, 7, 4, 2025, 2000, 7, "tidy")

    def lines(path):
        return len(path.read_text(encoding="utf-8").splitlines())

    expected = lines(root / "2023/awards.csv") + sum(
        lines(root / str(y) / "indicators.csv") for y in (2022, 2023, 2024)
    )
    assert read_all(root, "2023") == expected
    assert read_all(root, "2025") == lines(root / "2025/awards.csv") + sum(
        lines(root / str(y) / "indicators.csv") for y in (2024, 2025)
    )
