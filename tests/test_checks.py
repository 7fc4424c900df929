"""One test per check code, each carrying its own records inline, read like a bug report."""

from __future__ import annotations

from conftest import CLUSTER, INDICATORS, codes_of, findings_of

LEADERSHIP = "year: 2023\nchair: an-giang\ndeputy: ca-mau\n"


def test_a_valid_repository_has_no_findings(repo):
    root = repo(
        {
            "2023/indicators.csv": INDICATORS,
            "2023/leadership.yaml": LEADERSHIP,
            "2023/awards.csv": "member,award,count,recipient_kind\nan-giang,bang-khen,3,individual\n",
        }
    )
    assert findings_of(root) == []


def test_cluster_missing(tmp_path):
    assert codes_of(tmp_path) == [("cluster-missing", "cluster.yaml", 1)]


def test_file_unknown(repo):
    root = repo({"2023/indicator.csv": INDICATORS, "notes.yaml": "a: 1\n"})
    found = findings_of(root)
    assert [(f.code, f.position.path) for f in found] == [
        ("file-unknown", "2023/indicator.csv"),
        ("file-unknown", "notes.yaml"),
    ]
    assert "did you mean 'indicators.csv'" in found[0].message


def test_year_mismatch(repo):
    root = repo({"2024/leadership.yaml": LEADERSHIP})
    assert codes_of(root) == [("year-mismatch", "2024/leadership.yaml", 1)]


def test_id_duplicate(repo):
    cluster = CLUSTER.replace("  - id: ca-mau\n", "  - id: an-giang\n")
    assert codes_of(repo({"cluster.yaml": cluster})) == [("id-duplicate", "cluster.yaml", 14)]


def test_indicator_ref(repo):
    cluster = CLUSTER.replace(
        "award_types:",
        "  - id: share\n    label: S\n    unit: '%'\n    aggregate: share\n"
        "    numerator: revenue\n    denominator: revenu\naward_types:",
    )
    found = findings_of(repo({"cluster.yaml": cluster}))
    assert [(f.code, f.position.line) for f in found] == [("indicator-ref", 36)]
    assert "did you mean 'revenue'" in found[0].message


def test_field_missing_and_unknown(repo):
    cluster = CLUSTER.replace(
        '    kind: tỉnh\n    code: "89"\n', '    kynd: tỉnh\n    code: "89"\n'
    )
    found = findings_of(repo({"cluster.yaml": cluster}))
    assert [(f.code, f.position.line) for f in found] == [
        ("field-missing", 5),
        ("field-unknown", 7),
    ]
    assert "did you mean 'kind'" in found[1].message


def test_value_invalid_unquoted_code(repo):
    found = findings_of(repo({"cluster.yaml": CLUSTER.replace('code: "95"', "code: 95")}))
    assert [(f.code, f.position.line, f.position.column) for f in found] == [
        ("value-invalid", 12, 11)
    ]
    assert 'write 95 in quotes ("95")' in found[0].message


def test_value_invalid_leading_zero_code_stays_text(repo):
    assert findings_of(repo({"cluster.yaml": CLUSTER.replace('code: "95"', "code: 095")})) == []


def test_member_unknown(repo):
    root = repo({"2023/leadership.yaml": LEADERSHIP.replace("ca-mau", "ca-mao")})
    found = findings_of(root)
    assert [(f.code, f.position.line) for f in found] == [("member-unknown", 3)]
    assert "did you mean 'ca-mau'" in found[0].message


def test_member_inactive(repo):
    root = repo({"2025/leadership.yaml": "year: 2025\nchair: bac-lieu\n"})
    found = findings_of(root)
    assert [(f.code, f.position.line) for f in found] == [("member-inactive", 2)]
    assert "not a member in 2025" in found[0].message


def test_leadership_same(repo):
    root = repo({"2023/leadership.yaml": "year: 2023\nchair: an-giang\ndeputy: an-giang\n"})
    assert codes_of(root) == [("leadership-same", "2023/leadership.yaml", 3)]


def test_handover_mismatch(repo):
    root = repo(
        {
            "2023/leadership.yaml": LEADERSHIP,
            "2024/leadership.yaml": "year: 2024\nchair: ca-mau\nhandover:\n  from: bac-lieu\n",
        }
    )
    assert codes_of(root) == [("handover-mismatch", "2024/leadership.yaml", 4)]


PLEDGE = """\
year: 2023
signatures:
  - member: an-giang
    title: Phó Chủ tịch UBND tỉnh
    date: 2023-03-13
  - member: bac-lieu
    title: Phó Chủ tịch UBND tỉnh
    date: 13/03/2023
  - member: ca-mau
    signer: Nguyễn Văn A
    title: Phó Chủ tịch UBND tỉnh
    date: 2023-03-13
"""


def test_signed_pledge_is_valid(repo):
    assert findings_of(repo({"2023/pledge.yaml": PLEDGE})) == []


def test_signature_duplicate(repo):
    pledge = PLEDGE.replace("member: ca-mau", "member: an-giang")
    found = findings_of(repo({"2023/pledge.yaml": pledge}))
    # ca-mau's signature became a second one by an-giang, so ca-mau never signed
    assert [(f.code, f.position.line) for f in found] == [
        ("pledge-unsigned", 3),
        ("signature-duplicate", 9),
    ]
    assert "line 3" in found[1].message


def test_signature_date(repo):
    pledge = PLEDGE.replace("date: 13/03/2023", "date: 13/03/2022")
    assert codes_of(repo({"2023/pledge.yaml": pledge})) == [
        ("signature-date", "2023/pledge.yaml", 8)
    ]


def test_pledge_unsigned_in_a_past_year_is_a_warning(repo):
    pledge = PLEDGE.split("  - member: ca-mau")[0]
    found = findings_of(repo({"2023/pledge.yaml": pledge}))
    assert [(f.code, str(f.severity)) for f in found] == [("pledge-unsigned", "warning")]
    assert "ca-mau" in found[0].message


def test_pledge_unsigned_this_year_is_not_reported(repo):
    pledge = "year: 2026\nsignatures:\n  - member: an-giang\n    title: x\n    date: 2026-03-01\n"
    assert findings_of(repo({"2026/pledge.yaml": pledge})) == []


def test_indicator_row_missing(repo):
    root = repo({"2023/indicators.csv": INDICATORS.replace("bac-lieu,7.1,5000\n", "")})
    found = findings_of(root)
    assert [(f.code, f.position.line) for f in found] == [("indicator-row-missing", 1)]
    assert "'bac-lieu'" in found[0].message


def test_indicator_row_duplicate(repo):
    root = repo({"2023/indicators.csv": INDICATORS + "an-giang,1,1\n"})
    assert codes_of(root) == [("indicator-row-duplicate", "2023/indicators.csv", 5)]


def test_indicator_row_for_inactive_member(repo):
    root = repo(
        {"2019/indicators.csv": "member,growth,revenue\nan-giang,1,1\nbac-lieu,1,1\nca-mau,1,1\n"}
    )
    assert codes_of(root) == [("member-inactive", "2019/indicators.csv", 4)]


def test_indicator_column_missing(repo):
    root = repo({"2023/indicators.csv": "member,growth\nan-giang,1\nbac-lieu,1\nca-mau,1\n"})
    found = findings_of(root)
    assert [(f.code, str(f.severity)) for f in found] == [("indicator-column-missing", "warning")]


def test_value_out_of_bounds(repo):
    root = repo({"2023/indicators.csv": INDICATORS.replace("7.1", "71")})
    found = findings_of(root)
    assert [(f.code, f.position.line, f.position.column) for f in found] == [
        ("value-out-of-bounds", 3, 10)
    ]


def test_share_part_larger_than_whole(repo):
    cluster = CLUSTER.replace(
        "award_types:",
        "  - id: share\n    label: S\n    unit: '%'\n    aggregate: share\n"
        "    numerator: growth\n    denominator: revenue\naward_types:",
    )
    root = repo({"cluster.yaml": cluster, "2023/indicators.csv": INDICATORS.replace("5000", "5")})
    assert codes_of(root) == [("value-out-of-bounds", "2023/indicators.csv", 3)]


def test_award_type_unknown_suggests_the_id_of_a_title(repo):
    awards = "member,award\nan-giang,Cờ thi đua của Chính phủ\n"
    found = findings_of(repo({"2023/awards.csv": awards}))
    assert [(f.code, f.position.line, f.position.column) for f in found] == [
        ("award-type-unknown", 2, 10)
    ]
    assert "did you mean 'co-thi-dua-chinh-phu'" in found[0].message


def test_award_recipient(repo):
    awards = "member,award,recipient_kind\nan-giang,co-thi-dua-chinh-phu,cá nhân\n"
    assert codes_of(repo({"2023/awards.csv": awards})) == [
        ("award-recipient", "2023/awards.csv", 2)
    ]


def test_award_member_may_be_empty_but_not_unknown(repo):
    awards = "member,award,count\n,bang-khen,76\nan-gang,bang-khen,1\n"
    assert codes_of(repo({"2023/awards.csv": awards})) == [("member-unknown", "2023/awards.csv", 3)]


def test_award_decision_before_the_year(repo):
    awards = "member,award,decision_date\nan-giang,bang-khen,14/10/2022\n"
    assert codes_of(repo({"2023/awards.csv": awards})) == [("award-decision", "2023/awards.csv", 2)]


def test_award_decision_missing_for_a_cluster_award(repo):
    awards = "member,award,scope,status\nan-giang,co-thi-dua-chinh-phu,cluster,decided\n"
    found = findings_of(repo({"2023/awards.csv": awards}))
    assert [(f.code, str(f.severity)) for f in found] == [("award-decision-missing", "warning")]
    proposed = awards.replace("decided", "đề nghị")
    assert findings_of(repo({"2023/awards.csv": proposed})) == []


def test_a_lookalike_id_names_the_character_that_differs(repo):
    root = repo({"2023/leadership.yaml": "year: 2023\nchair: an-giang\ndeputy: cа-mau\n"})
    found = findings_of(root)
    assert [(f.code, f.position.line) for f in found] == [("value-invalid", 3)]
    assert "U+0430 CYRILLIC SMALL LETTER A" in found[0].message


def test_an_invisible_character_in_an_award_row_is_named(repo):
    awards = "member,award\nan-giang,bang\u200b-khen\n"
    found = findings_of(repo({"2023/awards.csv": awards}))
    assert [f.code for f in found] == ["award-type-unknown"]
    assert "U+200B ZERO WIDTH SPACE" in found[0].message


def test_a_member_that_becomes_itself_is_refused(repo):
    cluster = CLUSTER.replace(
        "    last_year: 2024\n", "    last_year: 2024\n    became:\n      member: bac-lieu\n"
    )
    found = findings_of(repo({"cluster.yaml": cluster}))
    assert [f.code for f in found] == ["value-invalid"]
    assert "becomes itself again: bac-lieu → bac-lieu" in found[0].message
