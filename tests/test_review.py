"""The year-end review: scoring schemes, the three layers of scores, the ranking with its ties,
the ballot's arithmetic, and the proposals with the ledger. Records are written inline."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT, codes_of, findings_of, golden
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from thidua.cli import app
from thidua.models import Ballot, Scheme, Threshold
from thidua.scoring import Scored, base_of, passes, rank
from thidua.tables import Layer

EXAMPLE = ROOT / "examples" / "khoi-kinh-te"

SCORING = """\
schemes:
  - id: quy-che-2023
    first_year: 2023
    issued:
      number: 05/QC-CTĐ
      by: Cụm thi đua thử
    scale: 100
    groups:
      - id: g1
        label: Nhiệm vụ
        criteria:
          - id: c1
            label: Kinh tế
            max: 60
          - id: c2
            label: Xã hội
            max: 40
    bonus:
      cap: 5
      items:
        - id: b1
          label: Sáng kiến
          max: 5
    penalties:
      items:
        - id: p1
          label: Chậm báo cáo
          max: 5
    tie_break: [c1]
"""


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"GITHUB_ACTIONS": ""})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def bloc(tmp_path: Path) -> Path:
    """A copy of the illustrative bloc, to change."""
    target = tmp_path / "bloc"
    shutil.copytree(EXAMPLE, target)
    return target


# --- the ranking -----------------------------------------------------------------------------


def test_the_example_bloc_ranks_with_one_tie_and_its_leader_first():
    assert findings_of(EXAMPLE) == []
    data = json.loads(run("score", "2024", "--data", str(EXAMPLE), "--format", "json"))
    ranks = [(s["member"], s["rank"], s["tied"]) for s in data["ranking"]]
    assert ranks == [
        ("so-cong-thuong", 1, False),
        ("so-tai-chinh", 2, False),
        ("so-ke-hoach-dau-tu", 3, False),  # 90 like the next two, ahead on the group g1
        ("so-xay-dung", 4, True),
        ("so-nong-nghiep", 4, True),
        ("so-giao-thong", 6, False),  # 1, 2, 3, 4, 4, 6: the rank after a tie is skipped
    ]
    assert data["layers"] == ["self", "reviewed", "adopted"]
    first = data["ranking"][0]
    assert (first["layer"], first["total"], first["totals"]["self"]) == ("adopted", 96, 100)
    assert first["reviewed_minus_self"] == -4
    assert data["ranking"][1]["totals"]["self"] == "102.5"  # exact, never a float
    conference = (EXAMPLE / "2024" / "conference.yaml").read_text(encoding="utf-8")
    assert "leading_unit: so-cong-thuong" in conference


def test_the_ranking_table_says_ties_in_both_languages():
    vi = run("score", "2024", "--data", str(EXAMPLE), "--lang", "vi")
    assert "| 4 (đồng hạng) | Sở Xây dựng | 92 | 90 | 90 | -2 | **90** (thông qua) |" in vi
    assert "| 2 | Sở Tài chính | 102,5 | 95 | 95 | -7,5 | **95** (thông qua) |" in vi
    en = run("score", "2024", "--data", str(EXAMPLE), "--lang", "en")
    assert "| 4 (tied) | Sở Nông nghiệp và Phát triển nông thôn |" in en


def test_changing_one_adopted_score_reorders_and_check_warns(bloc):
    sheet = bloc / "2024" / "scores-adopted.csv"
    text = sheet.read_text(encoding="utf-8")
    before = "so-tai-chinh,Sở Tài chính,24,19,13,14,9,14,2,,,,95,"
    assert before in text
    sheet.write_text(
        text.replace(before, "so-tai-chinh,Sở Tài chính,24,19,15,14,9,14,2,,,,97,"),
        encoding="utf-8",
    )
    data = json.loads(run("score", "2024", "--data", str(bloc), "--format", "json"))
    assert [s["member"] for s in data["ranking"][:2]] == ["so-tai-chinh", "so-cong-thuong"]
    found = findings_of(bloc)
    assert [(f.code, f.position.path) for f in found] == [
        ("leading-unit-not-first", "2024/conference.yaml")
    ]
    assert "so-tai-chinh is, with 97 points" in found[0].message
    # the conference may decide otherwise, and say why
    conference = bloc / "2024" / "conference.yaml"
    note = "leading_note: Hội nghị suy tôn Sở Công Thương vì …\n"
    conference.write_text(conference.read_text(encoding="utf-8") + note, encoding="utf-8")
    assert findings_of(bloc) == []


def test_explain_shows_each_sheet_and_the_arithmetic():
    text = run("score", "2024", "--data", str(EXAMPLE), "--explain")
    assert "1. so-cong-thuong (Sở Công Thương): 96 on the adopted scores" in text
    assert "(24 + 19 + 14 + 14 + 9 + 14) = 94; + bonus 2; − penalties 0; total 96" in text
    assert "4 (tied). so-xay-dung" in text
    assert "tie-break: g1 53, c1_1 22" in text


def test_a_member_is_ranked_on_its_last_layer(repo):
    root = repo(
        {
            "scoring.yaml": SCORING,
            "2023/scores-self.csv": "member,c1,c2\nan-giang,60,40\nbac-lieu,50,30\nca-mau,55,35\n",
            "2023/scores-reviewed.csv": "member,c1,c2\nan-giang,50,30\nbac-lieu,50,30\nca-mau,50,35\n",
        }
    )
    assert findings_of(root) == []
    data = json.loads(run("score", "2023", "--data", str(root), "--format", "json"))
    assert [(s["member"], s["rank"], s["layer"]) for s in data["ranking"]] == [
        ("ca-mau", 1, "reviewed"),
        ("an-giang", 2, "reviewed"),
        ("bac-lieu", 2, "reviewed"),
    ]
    assert data["ranking"][1]["tied"] is True  # 80 each, and c1 50 each: tied, not ordered


def test_score_refuses_a_year_without_sheets():
    result = CliRunner().invoke(app, ["score", "2023", "--data", str(ROOT / "data")])
    assert result.exit_code == 1
    assert "2023/ has no score sheet" in result.output
    assert "Traceback" not in result.output


def item(item_id: str, maximum: int) -> dict[str, object]:
    return {"id": item_id, "label": item_id, "max": maximum}


def scheme(tie_break: list[str]) -> Scheme:
    return Scheme.model_validate(
        {
            "id": "s",
            "first_year": 2023,
            "issued": {"number": "1", "by": "x"},
            "scale": 100,
            "groups": [
                {"id": "g1", "label": "g1", "criteria": [item("a", 50)]},
                {"id": "g2", "label": "g2", "criteria": [item("b", 50)]},
            ],
            "tie_break": tie_break,
        }
    )


def sheet(layer: Layer, a: str, b: str) -> Scored:
    points = {"a": Decimal(a), "b": Decimal(b)}
    return Scored(
        layer, points, points["a"] + points["b"], Decimal(0), Decimal(0), None, None, None, "f", 2
    )


@pytest.mark.parametrize(
    ("tie_break", "expected"),
    [
        ([], [("w", 1), ("x", 2), ("y", 2), ("z", 4)]),
        (["g2"], [("w", 1), ("y", 2), ("x", 3), ("z", 4)]),  # y has more of g2
        (["a"], [("w", 1), ("x", 2), ("y", 3), ("z", 4)]),
    ],
)
def test_ties_are_broken_by_the_schemes_order_and_else_listed_as_ties(tie_break, expected):
    members = [("w", "W"), ("x", "X"), ("y", "Y"), ("z", "Z")]
    rows = [("w", ("50", "40")), ("x", ("45", "40.5")), ("y", ("40.5", "45")), ("z", ("1", "0.5"))]
    ranking = rank(
        scheme(tie_break),
        2023,
        members,
        {Layer.ADOPTED: [(m, sheet(Layer.ADOPTED, *p)) for m, p in rows]},
    )
    assert [(s.member, s.rank) for s in ranking.standings] == expected


# --- the checks, inline ------------------------------------------------------------------------


def test_a_scheme_whose_ids_clash_is_refused(repo):
    text = SCORING.replace("id: b1", "id: c1")
    root = repo({"scoring.yaml": text})
    assert [c for c, _p, _l in codes_of(root)] == ["value-invalid"]


def test_a_scheme_that_does_not_add_up(repo):
    text = SCORING.replace(
        "        label: Nhiệm vụ\n", "        label: Nhiệm vụ\n        max: 90\n"
    )
    root = repo({"scoring.yaml": text})
    found = findings_of(root)
    assert [f.code for f in found] == ["score-total", "score-total"]
    assert "add up to 90, not to its scale 100" in found[0].message  # line 7
    assert "add up to 100, not to its max 90" in found[1].message


def test_hostile_score_cells_are_findings_not_tracebacks(repo):
    root = repo(
        {
            "scoring.yaml": SCORING,
            "2023/scores-adopted.csv": (
                "member,c1,c2,p1\nan-giang,5e9,x,-1\nbac-lieu,٣,1.234.5,\nca-mau,55,35,\n"
            ),
        }
    )
    codes = sorted(c for c, _p, _l in codes_of(root))
    assert "score-over-max" in codes  # -1 below 0
    assert {"value-invalid", "number-digits"} <= set(codes)


def test_scores_for_an_inactive_member(repo):
    root = repo(
        {
            "scoring.yaml": SCORING,
            "2025/scores-self.csv": "member,c1,c2\nan-giang,50,30\nbac-lieu,50,30\nca-mau,50,30\n",
        }
    )
    assert codes_of(root) == [("member-inactive", "2025/scores-self.csv", 3)]


# --- the ballot --------------------------------------------------------------------------------


def ballot(
    issued: int,
    returned: int,
    valid: int,
    invalid: int,
    votes: tuple[int, int, int],
    present: int | None = None,
) -> Ballot:
    return Ballot.model_validate(
        {
            "year": 2023,
            "date": "2024-03-01",
            "present": present,
            "ballots": {"issued": issued, "returned": returned, "valid": valid, "invalid": invalid},
            "threshold": {"percent": 50, "of": "valid", "rule": "more-than"},
            "questions": [
                {
                    "id": "q",
                    "subject": "s",
                    "nominees": [
                        {
                            "member": "an-giang",
                            "for": votes[0],
                            "against": votes[1],
                            "abstain": votes[2],
                            "passed": False,
                        }
                    ],
                }
            ],
        }
    )


def ballot_yaml(b: Ballot) -> str:
    counts = b.ballots
    vote = b.questions[0].nominees[0]
    present = f"present: {b.present}\n" if b.present is not None else ""
    passed = "true" if passes(vote.for_, counts.valid, b.threshold) else "false"
    return (
        f"year: 2023\ndate: 2024-03-01\n{present}ballots:\n  issued: {counts.issued}\n"
        f"  returned: {counts.returned}\n  valid: {counts.valid}\n  invalid: {counts.invalid}\n"
        "threshold:\n  percent: 50\n  of: valid\n  rule: more-than\nquestions:\n"
        "  - id: q\n    subject: s\n    nominees:\n      - member: an-giang\n"
        f"        for: {vote.for_}\n        against: {vote.against}\n"
        f"        abstain: {vote.abstain}\n        passed: {passed}\n"
    )


counts = st.integers(min_value=0, max_value=40)


@settings(max_examples=60, deadline=None)
@given(
    issued=counts,
    returned=counts,
    valid=counts,
    invalid=counts,
    votes=st.tuples(counts, counts, counts),
    present=st.one_of(st.none(), counts),
)
def test_ballot_arithmetic_is_flagged_exactly_when_the_counts_disagree(
    tmp_path_factory, issued, returned, valid, invalid, votes, present
):
    from conftest import write_repo

    b = ballot(issued, returned, valid, invalid, votes, present)
    root = write_repo(tmp_path_factory.mktemp("ballot"), {"2023/ballot.yaml": ballot_yaml(b)})
    wrong = (
        valid + invalid != returned
        or returned > issued
        or (present is not None and returned > present)
        or sum(votes) != valid
    )
    found = [f.code for f in findings_of(root)]
    assert ("ballot-arithmetic" in found) == wrong
    assert "ballot-conclusion" not in found  # the conclusion written follows the threshold


@settings(max_examples=200, deadline=None)
@given(votes=counts, base=counts, percent=st.integers(min_value=0, max_value=100))
def test_a_threshold_is_compared_exactly(votes, base, percent):
    at_least = Threshold(percent=Decimal(percent), of="members")  # type: ignore[arg-type]
    more_than = Threshold(percent=Decimal(percent), of="members", rule="more-than")  # type: ignore[arg-type]
    if base == 0:
        assert not passes(votes, base, at_least)
        return
    assert passes(votes, base, at_least) == (votes * 100 >= percent * base)
    assert passes(votes, base, more_than) == (votes * 100 > percent * base)


def test_two_thirds_is_not_rounded_into_a_pass():
    threshold = Threshold(percent=Decimal("66.67"), of="members")  # type: ignore[arg-type]
    assert not passes(2, 3, threshold)
    b = ballot(3, 3, 3, 0, (2, 1, 0))
    assert base_of(b, threshold, members=3) == 3


# --- proposals ---------------------------------------------------------------------------------


def test_a_decided_proposal_recorded_in_the_ledger_is_valid(repo):
    root = repo(
        {
            "2023/proposals.csv": (
                "id,award,member,recipient_kind,status,decision_number,decision_date\n"
                "dn-1,co-thi-dua-chinh-phu,an-giang,collective,decided,1/QĐ-TTg,2024-10-14\n"
                "dn-2,bang-khen,ca-mau,collective,cut,,\n"
            ),
            "2023/awards.csv": (
                "member,award,count,recipient_kind,scope,decision_number,decision_date,proposal\n"
                "an-giang,co-thi-dua-chinh-phu,1,collective,cluster,1/QĐ-TTg,2024-10-14,dn-1\n"
            ),
        }
    )
    assert findings_of(root) == []


def test_a_ledger_row_claiming_a_proposal_without_proposals_csv(repo):
    root = repo(
        {
            "2023/awards.csv": (
                "member,award,count,recipient_kind,proposal\nan-giang,bang-khen,1,collective,dn-9\n"
            ),
        }
    )
    assert codes_of(root) == [("proposal-ledger", "2023/awards.csv", 2)]


# --- the proposal documents ------------------------------------------------------------------


def test_propose_writes_the_proposal_and_the_minutes(tmp_path):
    out = tmp_path / "de-nghi-2024.md"
    result = CliRunner().invoke(
        app, ["propose", "2024", "--data", str(EXAMPLE), "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    proposal, minutes = text.split("\n---\n")
    assert "# TỜ TRÌNH" in proposal
    assert (
        "**V/v đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh, Bằng khen của Chủ tịch Ủy ban"
        " nhân dân tỉnh năm 2024**" in proposal
    )
    assert "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023" in proposal
    assert "cho 2 tập thể (có danh sách kèm theo)" in proposal
    rows = [
        line
        for line in proposal.splitlines()
        if line.startswith("| 1 |") or line.startswith("| 2 |")
    ]
    assert [r.split(" | ")[1] for r in rows] == [
        "Sở Công Thương (tập thể)",
        "Sở Tài chính (tập thể)",
    ]
    assert "Sở Kế hoạch và Đầu tư" not in proposal  # cut by the council
    assert "# BIÊN BẢN KIỂM PHIẾU" in minutes
    assert "- Số phiếu hợp lệ: 6 phiếu;" in minutes
    assert "Tỷ lệ phiếu cần đạt: từ 70% tổng số thành viên (6) trở lên." in minutes
    assert "| Sở Kế hoạch và Đầu tư | 5 | 83,33% | 1 | 16,67% | 0 | 0% | Đạt |" in minutes
    assert "| Sở Giao thông vận tải | 3 | 50% | 2 | 33,33% | 1 | 16,67% | Không đạt |" in minutes


def test_propose_takes_a_users_template(tmp_path):
    template = tmp_path / "mine.md.j2"
    template.write_text(
        "{% for a in d.authorities %}{{ a.level }}: {{ a.proposals|length }}\n{% endfor %}"
        "{{ d.ballot.questions[0].nominees[0].name }}\n",
        encoding="utf-8",
    )
    text = run("propose", "2024", "--data", str(EXAMPLE), "--template", str(template))
    assert text == "tỉnh: 2\nSở Công Thương\n"


def test_propose_refuses_a_year_with_nothing_to_propose():
    result = CliRunner().invoke(app, ["propose", "2023", "--data", str(ROOT / "data")])
    assert result.exit_code == 1
    assert "nothing to propose" in result.output


# --- the report ----------------------------------------------------------------------------------


def test_summarize_gives_the_ranking_and_the_ballot_where_the_year_has_them():
    vi = run("summarize", "2024", "--data", str(EXAMPLE))
    assert "## III. Chấm điểm, xếp hạng và bình xét thi đua" in vi
    assert "| 4 (đồng hạng) | Sở Nông nghiệp và Phát triển nông thôn | 90 |" in vi
    assert "không đạt: Sở Giao thông vận tải." in vi
    data = json.loads(run("summarize", "2024", "--data", str(EXAMPLE), "--format", "json"))
    assert data["ranking"]["ranking"][0]["member"] == "so-cong-thuong"
    assert data["ballot"]["questions"][0]["nominees"][0]["for"] == 6
    # a year without them says nothing of them, in the report or its data
    other = json.loads(run("summarize", "2025", "--data", str(EXAMPLE), "--format", "json"))
    assert "ranking" not in other and "ballot" not in other
    assert "Chấm điểm" not in run("summarize", "2025", "--data", str(EXAMPLE))


def test_one_proposal_document_per_awarding_authority(repo, tmp_path):
    root = repo(
        {
            "2023/proposals.csv": (
                "id,award,member,recipient_kind,count,status\n"
                "dn-1,co-thi-dua-chinh-phu,an-giang,collective,1,proposed\n"
                "dn-2,bang-khen,ca-mau,individual,3,proposed\n"
                "dn-3,bang-khen,bac-lieu,collective,1,kept\n"
            ),
        }
    )
    assert findings_of(root) == []
    out = tmp_path / "de-nghi.md"
    result = CliRunner().invoke(app, ["propose", "2023", "--data", str(root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    first, second = out.read_text(encoding="utf-8").split("\n---\n")
    assert "V/v đề nghị tặng Cờ thi đua của Chính phủ năm 2023" in first
    assert "cho 1 tập thể (có danh sách kèm theo)" in first
    assert "V/v đề nghị tặng Bằng khen năm 2023" in second
    assert "cho 1 tập thể và 3 cá nhân (có danh sách kèm theo)" in second
    assert "BIÊN BẢN KIỂM PHIẾU" not in second  # no ballot.yaml that year


@pytest.mark.parametrize(
    ("proposal", "ledger", "message"),
    [
        (
            "dn-1,bang-khen,an-giang,collective,cut",
            "an-giang,bang-khen,1,collective,dn-1",
            "the proposal 'dn-1' was cut, yet this row records it",
        ),
        (
            "dn-1,bang-khen,an-giang,collective,decided",
            "ca-mau,bang-khen,1,collective,dn-1",
            "this row records 'bang-khen' for 'ca-mau', but the proposal 'dn-1' is 'bang-khen'"
            " for 'an-giang'",
        ),
    ],
)
def test_a_ledger_row_that_does_not_match_its_proposal(repo, proposal, ledger, message):
    root = repo(
        {
            "2023/proposals.csv": f"id,award,member,recipient_kind,status\n{proposal}\n",
            "2023/awards.csv": f"member,award,count,recipient_kind,proposal\n{ledger}\n",
        }
    )
    found = [f for f in findings_of(root) if f.code == "proposal-ledger"]
    assert [(f.position.path, f.position.line) for f in found] == [("2023/awards.csv", 2)]
    assert message in found[0].message


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("score-khoi-kinh-te-2024.vi.md", ["score", "2024"]),
        ("score-khoi-kinh-te-2024.en.md", ["score", "2024", "--lang", "en"]),
        ("score-khoi-kinh-te-2024.json", ["score", "2024", "--format", "json"]),
        ("score-khoi-kinh-te-2024.explain.txt", ["score", "2024", "--explain"]),
        ("propose-khoi-kinh-te-2024.md", ["propose", "2024"]),
    ],
)
def test_golden_review_documents(monkeypatch, name, args):
    """The review's documents of the example bloc, as committed (run from the repository, so
    that the paths of --explain read as a user sees them)."""
    monkeypatch.chdir(ROOT)
    golden(name, run(*args, "--data", "examples/khoi-kinh-te"))


def test_two_schemes_for_one_year(repo):
    second = SCORING.replace("id: quy-che-2023", "id: quy-che-moi").replace("schemes:\n", "")
    root = repo(
        {
            "scoring.yaml": SCORING + second,
            "2023/scores-self.csv": "member,c1,c2\nan-giang,50,30\n",
        }
    )
    found = findings_of(root)
    assert [(f.code, f.position.path) for f in found] == [("scheme-years", "2023/scores-self.csv")]
    assert (
        "the schemes quy-che-2023, quy-che-moi of scoring.yaml all apply to 2023"
        in found[0].message
    )


def test_a_pledge_criterion_refers_to_the_schemes_items(repo):
    pledge = "year: 2027\ncriteria:\n  - content: Kinh tế\n    points: 60\n    item: c1\n"
    assert findings_of(repo({"scoring.yaml": SCORING, "2027/pledge.yaml": pledge})) == []
    root = repo({"2027/pledge.yaml": pledge.replace("item: c1", "item: g1")})
    assert findings_of(root) == []  # a group is an item a pledge may name


def test_propose_writes_no_spreadsheet(tmp_path):
    out = tmp_path / "de-nghi.xlsx"
    result = CliRunner().invoke(app, ["propose", "2024", "--data", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 1
    assert "thidua writes .md, .docx files" in result.output
    assert not out.exists()


def test_a_proposal_leaves_dotted_places_for_what_the_records_do_not_say(bloc):
    text = (bloc / "cluster.yaml").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines(keepends=True) if not line.startswith("organizer:")]
    (bloc / "cluster.yaml").write_text("".join(lines), encoding="utf-8")
    out = run("propose", "2024", "--data", str(bloc))
    assert "| Số: ……/TTr-…… |" in out
    assert "Kính gửi: ……." in out
    assert "Hội đồng Thi đua - Khen thưởng" not in out  # no addressee is invented
