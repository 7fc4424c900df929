"""Chair rotation: each custom on inline records, fallbacks, mergers, and the rotate command."""

from __future__ import annotations

import pytest
from conftest import DATA, findings_of, records_of, snapshot
from typer.testing import CliRunner

from thidua.cli import app
from thidua.rotation import propose

runner = CliRunner()

CLUSTER = """\
format: 1
id: c
name: Cụm thử
members:
  - {id: a, name: A, kind: tỉnh}
  - {id: b, name: B, kind: tỉnh, last_year: 2024, became: {member: d}}
  - {id: c, name: C, kind: tỉnh}
  - {id: d, name: D, kind: tỉnh}
  - {id: e, name: E, kind: tỉnh, first_year: 2025}
rotation:
  custom: CUSTOM
  fallback: FALLBACK
  order: ORDER
"""


def cluster(custom: str, fallback: str = "[]", order: str = "[]") -> str:
    return CLUSTER.replace("CUSTOM", custom).replace("FALLBACK", fallback).replace("ORDER", order)


def ids(proposal):
    return (proposal.chair and proposal.chair.id, proposal.deputy and proposal.deputy.id)


def test_deputy_succeeds(repo):
    root = repo(
        {
            "cluster.yaml": cluster("deputy-succeeds"),
            "2024/leadership.yaml": "year: 2024\nchair: a\ndeputy: c\n",
        }
    )
    proposal = propose(records_of(root), 2025)
    assert ids(proposal) == ("c", "d")
    assert "c was deputy in 2024" in proposal.reasons[0]


def test_next_in_order_skips_members_that_left(repo):
    root = repo(
        {"cluster.yaml": cluster("next-in-order"), "2024/leadership.yaml": "year: 2024\nchair: a\n"}
    )
    assert ids(propose(records_of(root), 2025)) == ("c", "d")  # b merged into d at the end of 2024


def test_next_in_order_from_a_chair_that_merged_away(repo):
    root = repo(
        {"cluster.yaml": cluster("next-in-order"), "2024/leadership.yaml": "year: 2024\nchair: b\n"}
    )
    assert ids(propose(records_of(root), 2025)) == ("c", "d")  # b's place in the order is kept


def test_agreed_order_wraps_around_and_takes_new_members(repo):
    root = repo(
        {
            "cluster.yaml": cluster("next-in-order", order="[d, e, a, c]"),
            "2024/leadership.yaml": "year: 2024\nchair: c\n",
        }
    )
    proposal = propose(records_of(root), 2025)
    assert ids(proposal) == ("d", "e")
    assert "rotation.order" in proposal.reasons[-1]


def test_leader_becomes_chair_follows_a_merger(repo):
    root = repo(
        {
            "cluster.yaml": cluster("leader-becomes-chair"),
            "2024/conference.yaml": "year: 2024\ndate: 2025-01-10\nplace: X\nleading_unit: b\n",
        }
    )
    proposal = propose(records_of(root), 2025)
    assert ids(proposal) == ("d", "e")
    assert "b became d" in proposal.reasons[0]


def test_fallback_when_the_custom_cannot_decide(repo):
    root = repo(
        {
            "cluster.yaml": cluster(
                "leader-becomes-chair", fallback="[deputy-succeeds, next-in-order]"
            ),
            "2024/leadership.yaml": "year: 2024\nchair: a\n",
        }
    )
    proposal = propose(records_of(root), 2025)
    assert ids(proposal) == ("c", "d")
    assert [r.split(":")[0] for r in proposal.reasons[:2]] == [
        "leader-becomes-chair",
        "deputy-succeeds",
    ]
    assert "next-in-order" in proposal.reasons[2]


def test_no_proposal_without_records(repo):
    root = repo({"cluster.yaml": cluster("deputy-succeeds")})
    assert ids(propose(records_of(root), 2025)) == (None, None)


def rotate(*args: str):
    return runner.invoke(app, ["rotate", *args])


def test_the_red_river_delta_2025(data_copy):
    result = rotate("2025", "--data", str(data_copy))
    assert result.exit_code == 0
    assert "no leading unit is recorded for 2024" in result.stdout
    assert "2025: chair hai-duong (Hải Dương), deputy vinh-phuc (Vĩnh Phúc)" in result.stdout
    assert not (data_copy / "2025").exists()
    result = rotate(
        "2025",
        "--data",
        str(data_copy),
        "--yes",
        "--date",
        "12/3/2025",
        "--place",
        "Nam Định",
        "--ref",
        "Biên bản",
    )
    assert result.exit_code == 0
    assert (data_copy / "2025/leadership.yaml").read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../schemas/leadership.schema.json\n"
        "year: 2025\nchair: hai-duong\ndeputy: vinh-phuc\n"
        "chosen:\n  how: Cụm phó năm trước làm Cụm trưởng\n  date: 2025-03-12\n  ref: Biên bản\n"
        "handover:\n  from: nam-dinh\n  date: 2025-03-12\n  place: Nam Định\n"
    )
    assert findings_of(data_copy) == []
    history = runner.invoke(app, ["leaders", "--data", str(data_copy)]).stdout
    assert (
        "| 2025 | Hải Dương | Vĩnh Phúc | Cụm phó năm trước làm Cụm trưởng | Nam Định, 12/3/2025, Nam Định |"
        in history
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2024", "--yes"], "2024 already has leadership"),
        (["2025", "--yes", "--chair", "Hòa Bình"], "not a member of the cluster"),
        (["2026", "--yes", "--chair", "thai binh"], "thai-binh is not a member in 2026"),
        (["2025", "--yes", "--chair", "hai duong", "--deputy", "HAI-DUONG"], "cannot be both"),
        (["2023", "--yes", "--replace", "--chair", "x"], "not a member"),
    ],
)
def test_refusals_change_nothing(data_copy, args, message):
    before = snapshot(data_copy)
    result = rotate(*args, "--data", str(data_copy))
    assert result.exit_code == 1
    assert message in result.stderr
    assert snapshot(data_copy) == before


def test_conference_choice_and_replace_keep_comments(data_copy):
    result = rotate(
        "2024",
        "--data",
        str(data_copy),
        "--replace",
        "--yes",
        "--chair",
        "Nam Định",
        "--deputy",
        "ninh binh",
    )
    assert result.exit_code == 0
    text = (data_copy / "2024/leadership.yaml").read_text(encoding="utf-8")
    assert "deputy: ninh-binh" in text and "how: bầu tại hội nghị" in text
    original = (DATA / "2024/leadership.yaml").read_text(encoding="utf-8")
    comments = [line for line in original.splitlines() if line.lstrip().startswith("#")]
    assert all(c in text for c in comments)
    assert findings_of(data_copy) == []


def test_replace_keeps_the_date_minutes_and_place_not_given_anew(data_copy):
    from thidua.models import Leadership
    from thidua.yamlfile import load_yaml

    def record():
        text = (data_copy / "2024/leadership.yaml").read_text(encoding="utf-8")
        return Leadership.model_validate(load_yaml(text, "x")[0].data)

    before = record()
    result = rotate("2024", "--data", str(data_copy), "--replace", "--yes", "--chair", "Nam Định")
    assert result.exit_code == 0, result.output
    after = record()
    assert before.chosen is not None and after.chosen is not None
    assert (after.chosen.date, after.chosen.ref) == (before.chosen.date, before.chosen.ref)
    assert before.handover is not None and after.handover is not None
    assert (after.handover.date, after.handover.place) == (
        before.handover.date,
        before.handover.place,
    )


def test_dry_run_shows_the_file_and_writes_nothing(data_copy):
    before = snapshot(data_copy)
    result = rotate("2025", "--data", str(data_copy), "--dry-run")
    assert result.exit_code == 0
    assert "+chair: hai-duong" in result.stdout
    assert snapshot(data_copy) == before


def test_no_proposal_says_why_and_asks_for_the_choice(data_copy):
    (data_copy / "2024/leadership.yaml").unlink()
    result = rotate("2025", "--data", str(data_copy))
    assert result.exit_code == 1
    assert "no deputy is recorded for 2024" in result.stderr
    assert "--chair" in result.stderr
    assert rotate("2025", "--data", str(data_copy), "--chair", "Hải Dương", "--yes").exit_code == 0
    assert "chair: hai-duong" in (data_copy / "2025/leadership.yaml").read_text(encoding="utf-8")
