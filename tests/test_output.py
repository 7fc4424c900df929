"""What is printed: plain and stable when piped, Rich tables and colour on a terminal, and nothing in
a file's text can move the cursor or fake a line of output."""

from __future__ import annotations

import io
from pathlib import Path

from thidua.catalogue import LEADERSHIP_SAME
from thidua.findings import Position
from thidua.output import excerpt, table, visible, write_text


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_table_is_markdown_when_piped_and_escaped():
    out = io.StringIO()
    table(["Year", "Chair"], [["2024", "Nam | Định *x*"]], out)
    assert out.getvalue() == "| Year | Chair |\n|---|---|\n| 2024 | Nam \\| Định \\*x\\* |\n"


def test_a_table_is_drawn_by_rich_on_a_terminal():
    out = Terminal()
    table(["Year", "Chair"], [["2024", "Nam Định"]], out)
    text = out.getvalue()
    assert "Nam Định" in text
    assert "|---|" not in text
    assert any(ch in text for ch in "┃│┏━")


def test_findings_are_coloured_only_on_request(tmp_path: Path):
    (tmp_path / "2024").mkdir()
    (tmp_path / "2024/leadership.yaml").write_text("year: 2024\nchair: a\ndeputy: a\n")
    finding = LEADERSHIP_SAME.at(Position("2024/leadership.yaml", 3, 9), id="a")
    plain, coloured = io.StringIO(), Terminal()
    write_text([finding], 1, tmp_path, plain)
    write_text([finding], 1, tmp_path, coloured, color=True)
    assert "\x1b[" not in plain.getvalue()
    assert "\x1b[" in coloured.getvalue()
    assert plain.getvalue().splitlines()[1:] == [
        "  3 | deputy: a",
        "    |         ^",
        "1 error, 0 warnings in 1 file",
    ]


def test_control_characters_are_shown_escaped():
    assert visible("a\x1b[31mb\u202ec\nd") == "a\\u001b[31mb\\u202ec\\u000ad"


def test_a_long_line_is_cut_around_the_column():
    line = "x" * 500 + "HERE" + "y" * 500
    shown, caret = excerpt(line, 7, 501)
    assert shown.startswith("  7 | …") and shown.endswith("…")
    assert shown[caret.index("^")] == "H"


def test_a_file_name_cannot_forge_a_line_of_output(data_copy):
    from typer.testing import CliRunner

    from thidua.cli import app

    (data_copy / "x\n::error file=a.yaml,line=1::forged\n.yaml").write_text("a: 1\n")
    for fmt in ("text", "github"):
        result = CliRunner().invoke(app, ["check", str(data_copy), "--format", fmt])
        lines = result.output.splitlines()
        assert not any(line.startswith("::error") for line in lines), fmt
        assert len(lines) == 2, result.output  # one warning (file-unknown), then the count


def test_terminal_escapes_in_a_signer_are_refused_and_shown_escaped(data_copy):
    from typer.testing import CliRunner

    from thidua.cli import app

    pledge = data_copy / "2024/pledge.yaml"
    text = pledge.read_text(encoding="utf-8")
    pledge.write_text(text.replace("Lãnh đạo UBND tỉnh", '"Lãnh đạo\\x1b[2J"', 1), encoding="utf-8")
    result = CliRunner().invoke(app, ["pledge", "2024", "--data", str(data_copy)])
    assert result.exit_code == 1  # a control character in a record is refused by check
    assert "\x1b" not in result.output  # and the line is shown with it escaped
    assert "the text holds the control character U+001B" in result.output


def test_a_name_with_brackets_is_shown_as_written_on_a_terminal():
    out = Terminal()
    table(["Year", "Chair"], [["2024", "Sở [bold]Tài chính"], ["2025", "Sở [/bold] x"]], out)
    assert "Sở [bold]Tài chính" in out.getvalue()
    assert "Sở [/bold] x" in out.getvalue()


def test_the_caret_stays_under_its_column_after_an_escaped_character():
    shown, caret = excerpt("title: Hội\u200b\u200bnghị: x", 3, 17)
    assert shown[caret.index("^")] == ":"


def test_a_huge_cell_is_not_repeated_whole_in_its_message(repo):
    from conftest import findings_of

    cell = "x" * 500_000
    found = findings_of(
        repo({"2023/indicators.csv": f"member,growth,revenue\nan-giang,{cell},1\n"})
    )
    assert found and all(len(f.message) < 1000 for f in found)


def test_findings_of_one_code_are_summed_up_after_the_first_ones(repo):
    from conftest import findings_of

    rows = "".join(f"an-giang,nowhere-{i}\n" for i in range(30))
    root = repo({"2023/awards.csv": "member,award\n" + rows})
    found = findings_of(root)
    assert len(found) == 30
    out = io.StringIO()
    write_text(found, 2, root, out, excerpts=False, max_per_code=20)
    lines = out.getvalue().splitlines()
    assert len(lines) == 20 + 1 + 1
    assert lines[20] == (
        "… and 10 more like this [award-type-unknown] (--max-per-code 0 shows them all)"
    )
    assert lines[21] == "30 errors, 0 warnings in 2 files"
    every = io.StringIO()
    write_text(found, 2, root, every, excerpts=False, max_per_code=0)
    assert len(every.getvalue().splitlines()) == 31


def test_progress_is_shown_on_a_terminal_only():
    from thidua.output import progress_bar

    with progress_bar(io.StringIO(), "x") as update:
        assert update is None  # piped: nothing, so the output stays the same
    terminal = Terminal()
    with progress_bar(terminal, "Checking data") as update:
        assert update is not None
        for done in range(1, 4):
            update(done, 3)


def test_shell_completion_offers_years_and_members(data_copy):
    import typer

    from thidua.cli import _complete_members, _complete_years

    ctx = typer.Context(typer.main.get_command(__import__("thidua.cli").cli.app))
    ctx.params["data"] = str(data_copy)
    assert _complete_years(ctx, "202") == ["2022", "2023", "2024"]
    assert _complete_members(ctx, "nam") == ["nam-dinh", "Nam Định"]
    assert "Thái Bình" in _complete_members(ctx, "Thai")
