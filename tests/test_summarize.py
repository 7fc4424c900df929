"""`thidua summarize`: the reports of both example clusters (golden files), the figures the Red
River Delta conference published, explanations, and every way a request can fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATA, GOLDEN, ROOT, golden, snapshot
from typer.testing import CliRunner

from thidua.cli import app

runner = CliRunner()
EXAMPLE = ROOT / "examples" / "khoi-kinh-te"
CASES = [("dbsh", DATA, 2023), ("khoi-kinh-te", EXAMPLE, 2024), ("khoi-kinh-te", EXAMPLE, 2025)]


def summarize(*args: str):
    return runner.invoke(app, ["summarize", *args])


@pytest.mark.parametrize(("name", "root", "year"), CASES)
@pytest.mark.parametrize("variant", ["vi.md", "en.md", "json"])
def test_golden_reports(monkeypatch, name, root, year, variant):
    monkeypatch.chdir(root.parent)
    args = [str(year), "--data", root.name]
    if variant == "json":
        args += ["--format", "json"]
    else:
        args += ["--lang", variant.split(".")[0]]
    result = summarize(*args)
    assert result.exit_code == 0, result.output
    assert "{{" not in result.stdout and "{%" not in result.stdout  # no template text leaks
    golden(f"summarize-{name}-{year}.{variant}", result.stdout)


def test_explain_golden(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = summarize("2023", "--data", "data", "--explain")
    assert result.exit_code == 0
    golden("summarize-dbsh-2023.explain.txt", result.stdout)
    assert "data/2023/indicators.csv:6: bac-ninh -9.28" in result.stdout
    assert "56.70 / 9" in result.stdout


def test_the_published_figures_of_2023():
    """SPEC §1: what the conference of 13/3/2024 in Thái Bình reported."""
    report = summarize("2023", "--data", str(DATA)).stdout
    for text in [
        "Tốc độ tăng trưởng GRDP (bình quân của các thành viên): 6,3%, cao hơn mức chung của cả nước (5,05%)",
        "103 triệu đồng",
        "Thu ngân sách nhà nước trên địa bàn: hơn 235.000 tỷ đồng",
        "571 xã",
        "138 xã",
        "Tỷ lệ đơn vị cấp huyện đạt chuẩn nông thôn mới: 100%",
        "| Huân chương | 76 |",
        "| Cờ thi đua của Chính phủ | 98 | 98 |",
        "| Bằng khen của Thủ tướng Chính phủ | 267 |",
        "| Chiến sĩ thi đua toàn quốc | 1 |",
        "cho 18 tập thể, cá nhân",
        "Cụm trưởng năm 2024: tỉnh Nam Định; Cụm phó: tỉnh Hải Dương",
        "Thái Bình, ngày 13 tháng 3 năm 2024",
        "9/9 thành viên đã ký",
    ]:
        assert text in report


def test_json_is_stable_and_sorted():
    out = summarize("2023", "--data", str(DATA), "--format", "json").stdout
    doc = json.loads(out)
    assert out == json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    growth = next(i for i in doc["indicators"] if i["id"] == "grdp_growth")
    assert (growth["value"], growth["national"]) == (6.3, 5.05)
    budget = next(i for i in doc["indicators"] if i["id"] == "budget_revenue")
    assert (budget["value"], budget["headline"], budget["headline_vs_exact"]) == (
        235384,
        235000,
        -1,
    )


def test_output_file_is_written_atomically_with_the_same_text(tmp_path):
    target = tmp_path / "bao-cao.md"
    result = summarize("2023", "--data", str(DATA), "--output", str(target))
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8") == summarize("2023", "--data", str(DATA)).stdout
    assert [p.name for p in tmp_path.iterdir()] == ["bao-cao.md"]  # no temporary left behind


def test_year_without_folder():
    result = summarize("2030", "--data", str(DATA))
    assert result.exit_code == 1
    assert "no folder 2030/" in result.stderr
    assert result.stdout == ""


def test_invalid_records_are_never_summarized(data_copy):
    lead = data_copy / "2024/leadership.yaml"
    lead.write_text(lead.read_text().replace("chair: nam-dinh", "chair: nam-dinhh"))
    before = snapshot(data_copy)
    result = summarize("2023", "--data", str(data_copy))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "2024/leadership.yaml:3:8: error:" in result.stderr
    assert snapshot(data_copy) == before


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ s.cluster.name }\n", "t.j2:1: template error: unexpected '}'"),
        ("ok\n{{ s.nothing }}\n", "t.j2:2: template error: UndefinedError"),
        ("{{ s.__class__.__mro__ }}\n", "SecurityError"),
        ("{{ ''.__class__.__subclasses__() }}\n", "SecurityError"),
        ("a\nb\n{{ 1 / 0 }}\n", "t.j2:3: the template failed: ZeroDivisionError"),
    ],
)
def test_user_template_errors(tmp_path, template, message):
    path = tmp_path / "t.j2"
    path.write_text(template, encoding="utf-8")
    result = summarize("2023", "--data", str(DATA), "--template", str(path))
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_user_template_renders_with_filters(tmp_path):
    path = tmp_path / "t.j2"
    path.write_text(
        "{% for f in s.figures if f.indicator.id == 'budget_revenue' %}{{ f.rounded|number }}{% endfor %}"
        " | {{ s.conference.date|place_date(s.conference.place) }}\n",
        encoding="utf-8",
    )
    result = summarize("2023", "--data", str(DATA), "--template", str(path))
    assert result.stdout == "235.384 | Thái Bình, ngày 13 tháng 3 năm 2024\n"


def test_missing_template():
    result = summarize("2023", "--data", str(DATA), "--template", "nowhere.j2")
    assert result.exit_code == 1
    assert "does not exist" in result.stderr


def test_markdown_in_names_cannot_break_the_table(repo):
    from conftest import CLUSTER, INDICATORS

    root = repo(
        {
            "cluster.yaml": CLUSTER.replace("name: An Giang", "name: An | Giang *x*"),
            "2023/indicators.csv": INDICATORS,
        }
    )
    report = summarize("2023", "--data", str(root)).stdout
    row = next(line for line in report.splitlines() if line.startswith("| An"))
    assert row.startswith("| An \\| Giang \\*x\\* |")
    assert row.count(" | ") + 2 == report.splitlines()[report.splitlines().index(row) - 2].count(
        "|"
    )


def test_shipped_templates_are_inside_the_package():
    from thidua.rendering import TEMPLATES

    assert (TEMPLATES / "report.vi.md.j2").is_file()
    assert (TEMPLATES / "report.en.md.j2").is_file()
    assert Path(TEMPLATES).parent.name == "thidua"


def test_the_shipped_templates_are_compiled_once_and_kept_in_the_users_cache(tmp_path, monkeypatch):
    from thidua import rendering

    monkeypatch.setenv("THIDUA_CACHE", str(tmp_path / "cache"))
    first = CliRunner().invoke(app, ["summarize", "2023", "--data", str(DATA)]).stdout
    kept = list((tmp_path / "cache" / "templates").rglob("*.cache"))
    assert kept  # the report and its macros, compiled
    stamps = {p: p.stat().st_mtime_ns for p in kept}
    second = CliRunner().invoke(app, ["summarize", "2023", "--data", str(DATA)]).stdout
    assert second == first
    assert {p: p.stat().st_mtime_ns for p in kept} == stamps  # read, not written again
    assert not any(p.is_relative_to(DATA) for p in kept)
    monkeypatch.setenv("THIDUA_CACHE", "off")
    assert rendering.compiled_cache() is None


def test_a_cache_that_cannot_be_written_costs_only_a_compilation(tmp_path, monkeypatch):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    monkeypatch.setenv("THIDUA_CACHE", str(blocked))
    result = CliRunner().invoke(app, ["summarize", "2023", "--data", str(DATA)])
    assert result.exit_code == 0
    assert result.stdout == (GOLDEN / "summarize-dbsh-2023.vi.md").read_text(encoding="utf-8")


def test_sections_are_numbered_as_they_appear(tmp_path):
    """A year with no figures yet has no section of figures: the others are I and II, not II and IV."""
    from conftest import write_repo

    root = write_repo(
        tmp_path / "repo",
        {
            "2023/leadership.yaml": "year: 2023\nchair: an-giang\n",
            "2024/leadership.yaml": "year: 2024\nchair: ca-mau\n",
        },
    )
    result = CliRunner().invoke(app, ["summarize", "2023", "--data", str(root)])
    assert result.exit_code == 0, result.output
    headings = [line for line in result.stdout.splitlines() if line.startswith("## ")]
    assert headings == ["## I. Công tác khen thưởng", "## II. Năm 2024"]
