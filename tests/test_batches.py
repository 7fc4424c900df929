"""The award ledger is read and checked a batch at a time; the batch size must never change what is
found or counted. Property tests compare batches of one row with batches of thousands."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from conftest import CLUSTER, write_repo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thidua.checks import LedgerChecks
from thidua.csvfile import CsvFile
from thidua.figures import AwardTally
from thidua.models import Cluster
from thidua.repository import YearRecords, _stream
from thidua.tables import AWARD_COLUMNS, Table
from thidua.yamlfile import load_yaml

HEADER = [
    "member",
    "award",
    "count",
    "recipient",
    "recipient_kind",
    "scope",
    "status",
    "decision_number",
    "decision_date",
]
cell = {
    "member": st.sampled_from(["an-giang", "ca-mau", "bac-lieu", "", "nowhere", "An Giang"]),
    "award": st.sampled_from(["bang-khen", "co-thi-dua-chinh-phu", "Bằng khen", "", "unknown"]),
    "count": st.sampled_from(["1", "2", "", "0", "x", "١"]),
    "recipient": st.sampled_from(["Nguyễn Văn A", "Phòng\nhai dòng", 'say "hi"', "a,b", ""]),
    "recipient_kind": st.sampled_from(
        ["collective", "individual", "", "tập thể", "cá nhân", "both"]
    ),
    "scope": st.sampled_from(["member", "", "cluster", "chair", "cụm"]),
    "status": st.sampled_from(["decided", "proposed", "", "đề nghị", "maybe"]),
    "decision_number": st.sampled_from(["", "12/QĐ-UBND"]),
    "decision_date": st.sampled_from(
        ["", "2024-03-01", "1/3/2024", "2022-01-01", "31/02/2024", "2024-3-1"]
    ),
}
row = st.fixed_dictionaries(cell).map(lambda d: [d[h] for h in HEADER])
line = st.one_of(
    row, row, row, st.just([]), row.map(lambda r: r[:-2]), row.map(lambda r: [*r, "extra"])
)


def read(root: Path, size: int):
    cluster = Cluster.model_validate(load_yaml(CLUSTER, "c")[0].data)
    table = Table(
        CsvFile(root / "2023/awards.csv", "2023/awards.csv"), AWARD_COLUMNS, batch_size=size
    )
    year = YearRecords(2023)
    found = _stream(table, cluster, year, [LedgerChecks(), AwardTally()])
    tally = year.ledger.get(AwardTally.name)
    groups = {
        k: (g.total, g.collective, g.individual, dict(g.members), g.rows, g.first_lines)
        for k, g in (tally.groups if tally else {}).items()
    }
    return sorted((f.code, f.position.line, f.position.column, f.message) for f in found), groups


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line, max_size=30), st.integers(1, 7))
def test_batch_size_never_changes_the_result(lines, size):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for cells in lines:
        writer.writerow(cells)
    with tempfile.TemporaryDirectory() as tmp:
        root = write_repo(Path(tmp), {"2023/awards.csv": out.getvalue()})
        assert read(root, size) == read(root, 4096)


def test_line_numbers_across_batches_with_line_breaks_and_blank_lines(tmp_path):
    text = (
        "member,award,recipient\n"
        'an-giang,bang-khen,"hai\ndòng"\n'
        "\n"
        "ca-mau,nowhere,\n"
        'ca-mau,bang-khen,"ba\r\ndòng\nở đây"\n'
        "an-giang,unknown,\n"
    )
    root = write_repo(tmp_path, {"2023/awards.csv": text})
    for size in (1, 2, 3, 4096):
        found, groups = read(root, size)
        assert [(code, ln) for code, ln, _, _ in found] == [
            ("award-type-unknown", 5),
            ("award-type-unknown", 9),
        ]
        assert groups[("member", "bang-khen")][4:] == (2, [2, 6])


def test_reading_years_in_parallel_finds_and_counts_the_same(tmp_path):
    import sys

    from conftest import ROOT, TODAY

    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    from thidua.inspection import inspect

    root = tmp_path / "repo"
    generate(root, 10, 6, 4, 2025, 3000, 3, "tidy")  # the row below is written with commas
    ledger = root / "2023/awards.csv"
    ledger.write_text(
        ledger.read_text(encoding="utf-8") + "nowhere,unknown,0,,,,,,,,\n", encoding="utf-8"
    )

    def result(jobs):
        result = inspect(root, TODAY, consumers=[AwardTally()], jobs=jobs)
        records = result.records
        assert records is not None
        counts = {
            y: {k: (g.total, g.rows, g.first_lines) for k, g in r.ledger["awards"].groups.items()}
            for y, r in records.years.items()
            if "awards" in r.ledger
        }
        return (
            sorted(f.sort_key for f in result.findings),
            counts,
            result.files,
            list(records.years),
        )

    one, two = result(1), result(2)
    assert one == two
    assert len(one[0]) == 3  # unknown member, unknown award type, count 0


def test_folding_the_counted_shapes_early_never_changes_the_tally(tmp_path, monkeypatch):
    """A ledger of many different rows is added up as it goes, to bound memory: the tally, its
    order and its first lines are the same as when everything is added up at the end."""
    from thidua import figures

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    members = ["an-giang", "ca-mau", "bac-lieu", ""]
    awards = ["bang-khen", "co-thi-dua-chinh-phu"]
    for k in range(300):
        kind = ("collective", "individual", "")[k % 3]
        scope = ("member", "chair", "")[k % 5 % 3]
        writer.writerow(
            [members[k % 4], awards[k % 7 % 2], str(k % 11 + 1), "", kind, scope, "", "", ""]
        )
    root = write_repo(tmp_path, {"2023/awards.csv": out.getvalue()})
    whole = read(root, 64)
    monkeypatch.setattr(figures, "MAX_SHAPES", 3)
    folded = read(root, 64)
    assert folded == whole
    assert list(folded[1]) == list(whole[1])  # the groups in the order they first appear
    assert [list(g[3]) for g in folded[1].values()] == [list(g[3]) for g in whole[1].values()]
    assert sum(g[4] for g in whole[1].values()) == 300
