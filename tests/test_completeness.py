"""A report never states a wrong or partial figure silently: each case a new user met, with the
finding `check` gives and what the report says (in Vietnamese and in English)."""

from __future__ import annotations

import json

import pytest
from conftest import CLUSTER, findings_of
from typer.testing import CliRunner

from thidua.cli import app

EXPORTS = """\
  - id: exports
    label: Kim ngạch xuất khẩu
    label_en: Exports
    unit: tỷ USD
    unit_en: billion USD
    aggregate: sum
    decimals: 2
    plan: kế hoạch
    plan_en: plan
    headline:
      step: 1
      rounding: down
      above: trên
      above_en: over
"""


def cluster(extra: str = "") -> str:
    return CLUSTER.replace("award_types:", EXPORTS + extra + "award_types:")


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"GITHUB_ACTIONS": ""})
    assert result.exit_code == 0, result.output
    return result.output


def rows(exports: dict[str, str], plans: dict[str, str] | None = None) -> str:
    plans = plans or dict.fromkeys(exports, "7")
    lines = ["member,growth,revenue,exports,exports.plan"]
    lines += [f"{m},6.5,100,{exports[m]},{plans[m]}" for m in ("an-giang", "bac-lieu", "ca-mau")]
    return "\n".join(lines) + "\n"


FULL = {"an-giang": "8.40", "bac-lieu": "7.35", "ca-mau": "7.60"}


def test_the_headline_has_its_own_digits(repo):
    """decimals: 2 for the table, step 1 for the sentence: 'trên 23 tỷ USD', not 'trên 23,00'."""
    root = repo({"cluster.yaml": cluster(), "2023/indicators.csv": rows(FULL)})
    assert findings_of(root) == []
    vi = run("summarize", "2023", "--data", str(root))
    assert "- Kim ngạch xuất khẩu: trên 23 tỷ USD, vượt 11,2% kế hoạch." in vi
    assert "| 8,40 |" in vi  # the table keeps the indicator's decimals
    en = run("summarize", "2023", "--data", str(root), "--lang", "en")
    assert "- Exports: over 23 billion USD" in en


def test_a_missing_figure_is_said_in_the_report(repo):
    root = repo({"cluster.yaml": cluster(), "2023/indicators.csv": rows(FULL | {"ca-mau": ""})})
    found = findings_of(root)
    assert [(f.code, f.position.line) for f in found] == [("figure-incomplete", 1)]
    assert "no figure for ca-mau (2/3 members have one)" in found[0].message
    vi = run("summarize", "2023", "--data", str(root))
    assert (
        "- Kim ngạch xuất khẩu: trên 15 tỷ USD (tính trên 2/3 thành viên có số liệu;"
        " chưa có số liệu của Cà Mau)." in vi
    )
    assert "kế hoạch" not in vi.split("Kim ngạch xuất khẩu:")[1].split("\n")[0]
    en = run("summarize", "2023", "--data", str(root), "--lang", "en")
    assert "- Exports: over 15 billion USD (2 of 3 members reported; no figures from Cà Mau)." in en
    data = json.loads(run("summarize", "2023", "--data", str(root), "--format", "json"))
    exports = next(f for f in data["indicators"] if f["id"] == "exports")
    assert (exports["reported"], exports["expected"], exports["missing"]) == (2, 3, ["ca-mau"])
    assert exports["complete"] is False
    explained = run("summarize", "2023", "--data", str(root), "--explain")
    assert "covers 2/3 members; no figure for: ca-mau (missing: note)" in explained


def test_a_figure_the_indicator_refuses_to_give_partial_is_left_out(repo):
    root = repo(
        {
            "cluster.yaml": cluster("    missing: refuse\n"),
            "2023/indicators.csv": rows(FULL | {"ca-mau": ""}),
        }
    )
    assert "is left out of the report" in findings_of(root)[0].message
    vi = run("summarize", "2023", "--data", str(root))
    assert "trên 15" not in vi
    assert (
        "- Kim ngạch xuất khẩu: chưa đủ số liệu để tổng hợp (2/3 thành viên có số liệu;"
        " chưa có số liệu của Cà Mau)." in vi
    )
    en = run("summarize", "2023", "--data", str(root), "--lang", "en")
    assert "- Exports: not given, as only 2 of 3 members reported (no figures from Cà Mau)." in en


def test_an_indicator_of_some_members_only_is_given_whole(repo):
    root = repo(
        {
            "cluster.yaml": cluster("    missing: ignore\n"),
            "2023/indicators.csv": rows(
                FULL | {"ca-mau": ""}, dict.fromkeys(FULL, "7") | {"ca-mau": ""}
            ),
        }
    )
    assert findings_of(root) == []
    assert "- Kim ngạch xuất khẩu: trên 15 tỷ USD, vượt 12,5% kế hoạch." in run(
        "summarize", "2023", "--data", str(root)
    )


def test_a_missing_plan_is_a_warning_and_explained(repo):
    plans = {"an-giang": "7", "bac-lieu": "", "ca-mau": "7"}
    root = repo({"cluster.yaml": cluster(), "2023/indicators.csv": rows(FULL, plans)})
    assert [f.code for f in findings_of(root)] == ["plan-incomplete"]
    vi = run("summarize", "2023", "--data", str(root))
    assert "- Kim ngạch xuất khẩu: trên 23 tỷ USD." in vi
    explained = run("summarize", "2023", "--data", str(root), "--explain")
    assert "not compared with the kế hoạch: no kế hoạch figure for: bac-lieu" in explained


@pytest.mark.parametrize("gap", ["2023", "2024"])
def test_an_empty_cell_is_never_a_change_of_members(repo, gap):
    """A missing figure in either year: the members did not change, so the note never says so."""
    years = {
        "2023": rows(FULL | ({"ca-mau": ""} if gap == "2023" else {})),
        "2024": rows(FULL | ({"ca-mau": ""} if gap == "2024" else {})),
    }
    root = repo({"cluster.yaml": cluster(), **{f"{y}/indicators.csv": t for y, t in years.items()}})
    data = json.loads(run("summarize", "2024", "--data", str(root), "--format", "json"))
    for figure in data["indicators"]:
        assert figure["previous_note"] is None, figure["id"]
    exports = next(f for f in data["indicators"] if f["id"] == "exports")
    assert exports["previous"] is None and exports["previous_missing"] is True
    growth = next(f for f in data["indicators"] if f["id"] == "growth")
    assert growth["previous"] == 6.5  # a mean of complete years compares as before
    vi = run("summarize", "2024", "--data", str(root))
    assert "không so sánh với năm 2023 vì số liệu chưa đủ" in vi
    assert "thành viên đã thay đổi" not in vi


def test_a_mean_is_compared_only_like_for_like(repo):
    """Last year lacked a member's figure: this year's mean over all is not compared with last
    year's over fewer; when this year lacks one, last year's is taken over the same members."""
    full = "member,growth,revenue\nan-giang,6,10\nbac-lieu,8,20\nca-mau,4,30\n"
    gap = "member,growth,revenue\nan-giang,6,10\nbac-lieu,,20\nca-mau,4,30\n"
    root = repo(
        {"cluster.yaml": cluster(), "2023/indicators.csv": gap, "2024/indicators.csv": full}
    )
    data = json.loads(run("summarize", "2024", "--data", str(root), "--format", "json"))
    growth = next(f for f in data["indicators"] if f["id"] == "growth")
    assert growth["previous"] is None and growth["previous_missing"] is True
    vi = run("summarize", "2024", "--data", str(root))
    assert "Tăng trưởng (bình quân của các thành viên): 6,0%; không so sánh với năm 2023" in vi

    later = "member,growth,revenue\nan-giang,7,10\nbac-lieu,,20\nca-mau,5,30\n"
    root = repo(
        {"cluster.yaml": cluster(), "2023/indicators.csv": full, "2024/indicators.csv": later}
    )
    data = json.loads(run("summarize", "2024", "--data", str(root), "--format", "json"))
    growth = next(f for f in data["indicators"] if f["id"] == "growth")
    assert growth["previous"] == 5  # (6 + 4) / 2: the members with a figure this year
    assert growth["previous_common"] is True
    assert (
        "năm 2023: 5,0% (tăng 1,0 điểm phần trăm), so sánh trên các thành viên có số liệu cả hai năm"
        in run("summarize", "2024", "--data", str(root))
    )
