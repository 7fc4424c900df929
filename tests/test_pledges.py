"""Pledges: starting one, signing it (one by one or from a CSV), showing and rendering it."""

from __future__ import annotations

import pytest
from conftest import findings_of, golden, snapshot
from typer.testing import CliRunner

from thidua.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def errors(root):
    return [f for f in findings_of(root) if f.severity == "error"]


def test_a_whole_conference_signs_the_2025_pledge(data_copy):
    d = str(data_copy)
    assert (
        run(
            "pledge", "new", "2025", "--data", d, "--date", "2025-03-12", "--place", "Nam Định"
        ).exit_code
        == 0
    )
    # 2025 is past by the tests' date, so the unsigned members are a warning, not an error
    assert [f.code for f in findings_of(data_copy)] == ["pledge-unsigned"]
    text = (data_copy / "2025/pledge.yaml").read_text(encoding="utf-8")
    assert "Cả nước chung sức xây dựng nông thôn mới" in text  # carried over from 2024
    status = run("pledge", "2025", "--data", d).stdout
    assert status.startswith("Pledge 2025: 0 of 9 members have signed.")
    for name in [
        "Thái Bình",
        "ha nam",
        "NAM-DINH",
        "hưng yên",
        "bac-ninh",
        "Quảng Ninh",
        "hai duong",
        "Vinh Phuc",
        "ninh-binh",
    ]:
        result = run("sign-pledge", "2025", "--data", d, "--member", name, "--signer", "Nguyễn Văn A",
                     "--title", "Phó Chủ tịch UBND tỉnh", "--date", "12/03/2025")  # fmt: skip
        assert result.exit_code == 0, result.output
        assert errors(data_copy) == []
    assert run("pledge", "2025", "--data", d).stdout.startswith(
        "Pledge 2025: 9 of 9 members have signed."
    )
    assert findings_of(data_copy) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--member", "thai-binh", "--signer", "X", "--title", "Y"], "has already signed"),
        (["--member", "hoa-binh", "--signer", "X", "--title", "Y"], "not a member of the cluster"),
        (["--member", "ha nam", "--signer", " ", "--title", "Y"], "signer's name"),
        (["--member", "ha nam", "--signer", "X", "--title", ""], "title"),
        (
            ["--member", "ha nam", "--signer", "X", "--title", "Y", "--date", "2024-12-31"],
            "not in 2025",
        ),
    ],
)
def test_refused_signatures_change_nothing(data_copy, args, message):
    d = str(data_copy)
    run("pledge", "new", "2025", "--data", d)
    run(
        "sign-pledge",
        "2025",
        "--data",
        d,
        "--member",
        "thai-binh",
        "--signer",
        "A",
        "--title",
        "B",
        "--date",
        "2025-03-12",
    )
    before = snapshot(data_copy)
    result = run("sign-pledge", "2025", "--data", d, "--date", "2025-03-12", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert snapshot(data_copy) == before


def test_no_pledge_yet(data_copy):
    result = run(
        "sign-pledge",
        "2025",
        "--data",
        str(data_copy),
        "--member",
        "ha-nam",
        "--signer",
        "X",
        "--title",
        "Y",
    )
    assert result.exit_code == 1
    assert "thidua pledge new 2025" in result.stderr


def test_signatures_from_csv_are_all_or_nothing(data_copy, tmp_path):
    d = str(data_copy)
    run("pledge", "new", "2025", "--data", d)
    good = tmp_path / "ky.csv"
    good.write_text(
        "member,signer,title,date\nThái Bình,A,Phó Chủ tịch,12/03/2025\nha nam,B,Phó Chủ tịch,\n",
        encoding="utf-8",
    )
    bad = tmp_path / "sai.csv"
    bad.write_text(
        "member,signer,title,date\nnam dinh,C,Phó Chủ tịch,2025-03-12\nthai binh,D,X,2025-03-12\nnowhere,E,X,2025-03-12\n",
        encoding="utf-8",
    )
    before = snapshot(data_copy)
    result = run("sign-pledge", "2025", "--data", d, "--from-csv", str(bad))
    assert result.exit_code == 1
    assert "sai.csv:4:" in result.stderr and "nowhere" in result.stderr
    assert snapshot(data_copy) == before
    result = run(
        "sign-pledge", "2025", "--data", d, "--from-csv", str(good), "--date", "2025-03-12"
    )
    assert result.exit_code == 0, result.output
    status = run("pledge", "2025", "--data", d).stdout
    assert "2 of 9" in status
    result = run("sign-pledge", "2025", "--data", d, "--from-csv", str(bad))
    assert "thai-binh (Thái Bình) has already signed" in result.stderr


def test_pledge_new_refuses_an_existing_pledge(data_copy):
    before = snapshot(data_copy)
    result = run("pledge", "new", "2024", "--data", str(data_copy))
    assert result.exit_code == 1
    assert "exists already" in result.stderr
    assert snapshot(data_copy) == before


def test_pledge_document_golden(tmp_path):
    out = tmp_path / "giao-uoc.md"
    result = run("pledge", "2024", "--data", "data", "--output", str(out))
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert (
        "**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**" in text
        and "**Độc lập - Tự do - Hạnh phúc**" in text
    )
    assert "*Thái Bình, ngày 13 tháng 3 năm 2024*" in text
    assert "{{" not in text and "{%" not in text
    golden("pledge-dbsh-2024.md", text)


def test_pledge_document_of_the_example_with_criteria(tmp_path):
    out = tmp_path / "giao-uoc.md"
    assert (
        run("pledge", "2025", "--data", "examples/khoi-kinh-te", "--output", str(out)).exit_code
        == 0
    )
    golden("pledge-khoi-kinh-te-2025.md", out.read_text(encoding="utf-8"))


def test_bad_usage():
    assert run("pledge", "old", "2025").exit_code == 2
    assert run("sign-pledge", "2025").exit_code == 2


@pytest.mark.parametrize(
    "text", ["Nam Định", "nam dinh", "Tỉnh Nam Định", "UBND tỉnh Nam Định", "NAM-DINH"]
)
def test_a_member_is_named_as_people_write_it(text):
    """--member, --chair and --deputy find a member as the import does (names.MemberNames)."""
    from conftest import DATA

    from thidua.names import match_member
    from thidua.schema import cluster_of

    cluster = cluster_of(DATA)
    assert cluster is not None
    assert match_member(cluster.members, text, 2024).id == "nam-dinh"
    with pytest.raises(LookupError, match="is not a member of the cluster"):
        match_member(cluster.members, "Tỉnh Nam Bộ", 2024)
