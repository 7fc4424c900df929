"""The command line, through Typer's runner: outputs (golden files), exit codes, help texts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, golden, snapshot
from typer.testing import CliRunner

from thidua.cli import app

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env={"GITHUB_ACTIONS": "", **(env or {})})


def break_data(root: Path) -> None:
    """Break a copy of the real data in several ways at once."""
    lead = root / "2024/leadership.yaml"
    lead.write_text(lead.read_text().replace("chair: nam-dinh", "chair: hai-duong"))
    ind = root / "2023/indicators.csv"
    ind.write_text(
        ind.read_text()
        .replace("ha-nam,9.41", 'ha-nam,"9,41"')
        .replace("nam-dinh,10.19", "nam-dinh,101.9")
    )
    cluster = root / "cluster.yaml"
    cluster.write_text(cluster.read_text().replace('code: "22"', 'code: "22"\n    code: 22'))
    awards = root / "2023/awards.csv"
    awards.write_text(awards.read_text() + "vinh-phuc,co-thi-dua,1,,cá nhân,,,,31/13/2024,,\n")


def test_real_data_is_valid():
    result = run("check", str(DATA))
    assert result.exit_code == 0, result.output
    assert result.output == "0 errors, 0 warnings in 9 files\n"


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_broken_data_golden(data_copy, fmt, monkeypatch):
    break_data(data_copy)
    before = snapshot(data_copy)
    monkeypatch.chdir(data_copy.parent)
    result = run("check", "data", "--format", fmt)
    assert result.exit_code == 1
    golden(f"check-broken.{fmt}", result.output)
    assert snapshot(data_copy) == before


def test_json_output_equals_the_library_result(data_copy):
    from thidua.inspection import check_repository

    break_data(data_copy)
    result = run("check", str(data_copy), "--format", "json")
    doc = json.loads(result.output)
    findings, files = check_repository(data_copy)
    assert doc["files"] == files
    assert [(f["code"], f["line"], f["column"]) for f in doc["findings"]] == [
        (f.code, f.position.line, f.position.column) for f in findings
    ]


def test_github_format_is_the_default_in_github_actions(data_copy):
    break_data(data_copy)
    result = run("check", str(data_copy), env={"GITHUB_ACTIONS": "true"})
    assert result.output.startswith("::error file=")


def test_data_option_and_environment_variable(data_copy):
    assert run("check", "--data", str(data_copy)).exit_code == 0
    assert run("check", env={"THIDUA_DATA": str(data_copy)}).exit_code == 0


def test_strict_fails_on_warnings(data_copy):
    (data_copy / "2023/notes.csv").write_text("a\n")
    assert run("check", str(data_copy)).exit_code == 0
    result = run("check", str(data_copy), "--strict")
    assert result.exit_code == 1
    assert "warning" in result.output


def test_missing_folder_is_exit_1_without_traceback(tmp_path):
    result = run("check", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert "does not exist" in result.output
    assert "Traceback" not in result.output


def test_usage_error_is_exit_2():
    assert run("check", "--format", "xml").exit_code == 2
    assert run("no-such-command").exit_code == 2


def test_schema_writes_one_file_per_kind(tmp_path):
    result = run("schema", "--output", str(tmp_path))
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "awards.table.json",  # the Table Schemas of the CSV files, from data/cluster.yaml
        "ballot.schema.json",
        "cluster.schema.json",
        "conference.schema.json",
        "indicators.table.json",
        "leadership.schema.json",
        "pledge.schema.json",
        "proposals.table.json",
        "scoring.schema.json",
    ]


def _commands():
    import typer.main

    group = typer.main.get_group(app)
    return sorted(group.commands)


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help_with_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example: thidua " + command in result.output


def test_version_fast_path_and_typer_path():
    out = subprocess.run(
        [sys.executable, "-m", "thidua", "--version"], capture_output=True, text=True, check=True
    )
    from thidua import __version__

    assert out.stdout == f"thidua {__version__}\n"
    assert run("--version").output == f"thidua {__version__}\n"


def test_version_does_not_import_typer():
    code = (
        "import sys; sys.argv = ['thidua', '--version']\n"
        "from thidua.main import main; main()\n"
        "print(sorted(m for m in ('typer', 'pydantic', 'yaml', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "[]"


def test_excerpts_can_be_left_out(data_copy):
    (data_copy / "2024/leadership.yaml").write_text(
        "year: 2024\nchair: nam-dinh\ndeputy: nam-dinh\n", encoding="utf-8"
    )
    shown = run("check", str(data_copy)).output
    assert "  3 | deputy: nam-dinh\n    |         ^\n" in shown
    plain = run("check", str(data_copy), "--no-excerpt").output
    assert plain.splitlines()[0].endswith("[leadership-same]")
    assert plain.splitlines()[1] == "1 error, 0 warnings in 9 files"


HEAVY = ("openpyxl", "docx", "docxtpl", "matplotlib", "numpy", "lxml")


def loaded_after(argv: list[str], names: tuple[str, ...], env=None) -> tuple[list[str], str]:
    """Run `thidua ARGV` in a fresh interpreter: which of `names` it left imported, and its output."""
    code = (
        f"import sys; sys.argv = ['thidua', *{argv!r}]\n"
        "from thidua.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "import json\n"
        f"print(json.dumps(sorted(m for m in {names!r} if m in sys.modules)), file=sys.stderr)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return json.loads(out.stderr.splitlines()[-1]), out.stdout


@pytest.mark.parametrize("argv", [["--help"], ["check", str(DATA)], ["import", "--help"]])
def test_help_and_check_load_no_office_library(argv):
    """The office libraries are imported by the commands that read or write office files only."""
    assert loaded_after(argv, HEAVY)[0] == []


def test_summarize_loads_only_what_a_report_needs():
    """A report of valid records loads no plugin finder (Pydantic's plugins are off), no
    Babel locale data (vi and en separators are thidua's own) and no office library."""
    unwanted = ("importlib.metadata", "babel.numbers", "babel.localedata", *HEAVY)
    loaded, report = loaded_after(["summarize", "2023", "--data", str(DATA)], unwanted)
    assert loaded == []
    assert report.startswith("# ")


def test_pydantic_plugins_turned_on_again_are_looked_for(data_copy):
    """PYDANTIC_DISABLE_PLUGINS set to anything but '__all__' gives Pydantic's own finder, which
    looks for plugins among the installed packages' metadata."""
    env = {**os.environ, "PYDANTIC_DISABLE_PLUGINS": "some-plugin"}
    finder = ("pydantic.plugin._loader", "importlib.metadata")
    assert loaded_after(["check", str(data_copy)], finder, env)[0] == sorted(finder)


def test_the_stand_in_plugin_finder_hands_other_names_to_pydantics_own():
    """A later Pydantic that asks its finder for more than `get_plugins` gets the real thing."""
    code = (
        "import os, sys\n"
        "os.environ['PYDANTIC_DISABLE_PLUGINS'] = '__all__'\n"
        "from thidua import main\n"
        "main._no_pydantic_plugins()\n"
        "from pydantic.plugin._loader import get_plugins\n"
        "print(tuple(get_plugins()))\n"
        "from pydantic.plugin._loader import PYDANTIC_ENTRY_POINT_GROUP\n"
        "print(PYDANTIC_ENTRY_POINT_GROUP)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["()", "pydantic"]
