"""Hostile input, by class: whatever a stranger's pull request holds, `check` ends, in bounded
time and memory, with findings at a file, line and column; never a traceback, a hang or a silent
wrong value. Work is bounded by construction; the tests count it or measure memory, never time."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

import pytest
from conftest import CLUSTER, INDICATORS, findings_of, write_repo

KNOWN_FILES = [
    "cluster.yaml",
    "2023/leadership.yaml",
    "2023/conference.yaml",
    "2023/pledge.yaml",
    "2023/indicators.csv",
    "2023/awards.csv",
    "scoring.yaml",
    "2023/ballot.yaml",
    "2023/proposals.csv",
]


def _only(root: Path, rel: str) -> list[tuple[str, str]]:
    return [(f.code, f.message) for f in findings_of(root) if f.position.path == rel]


# --- a known file's name taken by something that is not a file ---------------------------------


@pytest.mark.parametrize("rel", KNOWN_FILES)
def test_a_folder_where_a_file_should_be(repo, rel):
    root = repo({"2023/indicators.csv": INDICATORS} if rel != "2023/indicators.csv" else {})
    target = root / rel
    if target.exists():
        target.unlink()
    target.mkdir(parents=True)
    assert _only(root, rel) == [
        ("file-unreadable", f"the file cannot be read: {rel} is a folder, not a file")
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("rel", KNOWN_FILES)
def test_a_fifo_is_refused_without_being_opened(repo, rel):
    """Opening a FIFO for reading waits for a writer: the test would hang if the reader did."""
    root = repo({})
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    os.mkfifo(target)
    assert _only(root, rel) == [
        ("file-unreadable", f"the file cannot be read: {rel} is a FIFO (named pipe), not a file")
    ]


@pytest.mark.parametrize("rel", KNOWN_FILES)
def test_a_link_to_a_device_is_refused(repo, rel):
    root = repo({})
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    target.symlink_to("/dev/null")
    # refused before it is looked at: a link that leads out of the data folder is never followed
    reason = f"{rel} is a link that leads out of the data folder (to /dev/null)"
    assert _only(root, rel) == [
        ("file-unreadable", f"the file cannot be read: {reason}; thidua reads only inside it")
    ]


@pytest.mark.parametrize("rel", ["cluster.yaml", "2023/awards.csv"])
def test_a_socket_is_refused(tmp_path, rel):
    root = tmp_path / "r"  # a short path: socket paths are limited to about 100 bytes
    write_repo(root, {})
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(target))
        assert _only(root, rel) == [
            ("file-unreadable", f"the file cannot be read: {rel} is a socket, not a file")
        ]
    finally:
        server.close()


@pytest.mark.parametrize("rel", ["cluster.yaml", "2023/leadership.yaml", "2023/awards.csv"])
def test_a_link_that_leads_nowhere_is_unreadable(repo, rel):
    root = repo({})
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    target.symlink_to(root / "nowhere")
    assert [code for code, _ in _only(root, rel)] == ["file-unreadable"]


# --- YAML: what a message shows ------------------------------------------------------------------

REFUSED_KEYS = [
    "year: 2023\nchair: an-giang\n? [a, b]\n: x\n",
    "year: 2023\nchair: an-giang\n? {a: 1}\n: x\n",
    "year: 2023\nchair: an-giang\n[a]: x\n[a]: y\n",
    "year: 2023\nchair: &c an-giang\n*c : x\n",
]


@pytest.mark.parametrize("text", REFUSED_KEYS)
def test_a_refused_key_is_reported_once_and_no_internal_name_leaks(repo, text):
    root = repo({"2023/leadership.yaml": text})
    found = findings_of(root)
    assert found, text
    assert all("\x00" not in f.message and "complex-key" not in f.message for f in found)
    assert "field-unknown" not in {f.code for f in found}


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("!!str", "!!str"),
        ("!!int", "!!int"),
        ("!local", "!local"),
        ("!<tag:x.org,1:y>", "tag:x.org,1:y"),
    ],
)
def test_a_tag_is_named_as_typed(repo, typed, shown):
    root = repo({"2023/leadership.yaml": f"year: 2023\nchair: {typed} an-giang\n"})
    messages = [f.message for f in findings_of(root) if f.code == "yaml-tag"]
    assert messages == [
        f"tags such as '{shown}' are not allowed; remove it and write a plain value"
    ]


# --- CSV: where a syntax error is reported ------------------------------------------------------

AWARDS_HEAD = "member,award,count,recipient,recipient_kind\n"
AWARD_ROW = "an-giang,bang-khen,1,Sở Nội vụ,collective\n"


@pytest.mark.parametrize(("before", "after"), [(0, 0), (1, 3), (5000, 10), (9000, 9000)])
def test_an_unterminated_quote_is_reported_where_its_record_starts(repo, before, after):
    broken = 'bac-lieu,bang-khen,1,"Sở Tài chính,collective\n'
    text = AWARDS_HEAD + AWARD_ROW * before + broken + AWARD_ROW * after
    root = repo({"2023/awards.csv": text})
    found = [(f.code, f.position.line) for f in findings_of(root)]
    assert found == [("csv-syntax", before + 2)]


def test_a_stray_quote_is_reported_at_its_record(repo):
    text = AWARDS_HEAD + AWARD_ROW + 'bac-lieu,"bang"-khen,1,,collective\n' + AWARD_ROW
    root = repo({"2023/awards.csv": text})
    assert [(f.code, f.position.line) for f in findings_of(root)] == [("csv-syntax", 3)]


# --- numbers: ASCII digits only, at most 20 significant digits, wherever a number is read --------

# str.isdigit() is true for each: Decimal(), int() or Pydantic read most of them as a number
OTHER_DIGITS = ["٣", "３", "۳", "७", "²", "①", "7_0", "7_0.3", "1_000", "٦.٥", "-٣", "１２.５"]
NOT_DIGITS = ["³⁄₄", "Ⅻ", "٣a", "½"]  # numeric characters, but no number: not a number


def _cell_findings(root: Path) -> list[tuple[str, int]]:
    return [(f.code, f.position.line) for f in findings_of(root)]


@pytest.mark.parametrize("text", OTHER_DIGITS)
def test_other_digits_in_a_figure(repo, text):
    root = repo({"2023/indicators.csv": f"member,growth,revenue\nan-giang,{text},1\n"})
    found = [f for f in findings_of(root) if f.code != "indicator-row-missing"]
    assert [(f.code, f.position.line, f.position.column) for f in found] == [
        ("number-digits", 2, 10)
    ]
    assert found[0].message.startswith("column 'growth': '")


@pytest.mark.parametrize("text", [*OTHER_DIGITS, *NOT_DIGITS])
@pytest.mark.parametrize("rows", [1, 5000])  # one batch, or the fast reader of a full column
def test_other_digits_in_a_count_are_never_read_as_a_number(repo, text, rows):
    ledger = AWARDS_HEAD + AWARD_ROW * rows + f"bac-lieu,bang-khen,{text},,collective\n"
    root = repo({"2023/awards.csv": ledger})
    found = _cell_findings(root)
    expected = "number-digits" if text in OTHER_DIGITS else "value-invalid"
    assert found == [(expected, rows + 2)]


@pytest.mark.parametrize("text", ["١٣/٠٣/٢٠٢٤", "٢٠٢٤-٠٣-١٣", "２０２４-03-13", "13/03/２０２４"])
def test_other_digits_in_a_date(repo, text):
    ledger = "member,award,decision_date\n" + f"an-giang,bang-khen,{text}\n"
    root = repo({"2023/awards.csv": ledger})
    assert _cell_findings(root) == [("value-invalid", 2)]
    root = repo({"2023/conference.yaml": f"year: 2023\ndate: {text}\nplace: X\n"})
    assert ("value-invalid", 2) in _cell_findings(root)


def _cluster(field: str) -> str:
    """The test cluster with one field of its first indicator replaced (or added)."""
    name = field.split(":")[0]
    lines = [
        line for line in CLUSTER.splitlines() if line != f"    {name}: " + line[6 + len(name) :]
    ]
    text = "\n".join(lines) + "\n"
    return text.replace("    min: -20\n", f"    min: -20\n    {field}\n", 1)


@pytest.mark.parametrize("text", ['"٢٠٢٣"', '"２０２３"', '"2_023"', '"20_23"'])
def test_other_digits_in_a_yaml_year(repo, text):
    root = repo({"2023/leadership.yaml": f"year: {text}\nchair: an-giang\n"})
    found = _cell_findings(root)
    assert found == [("number-digits", 1)]
    assert findings_of(root)[0].message.startswith("year: '")


@pytest.mark.parametrize(
    "field",
    [
        'max: "٣٠"',
        'decimals: "٢"',
        'national: {"٢٠٢٣": 6.5}',
        'national: {2023: "６.５"}',
        'headline: {step: "1_0"}',
    ],
)
def test_other_digits_in_cluster_yaml(repo, field):
    root = repo({"cluster.yaml": _cluster(field)})
    assert [code for code, _ in _cell_findings(root)] == ["number-digits"]


# 20 significant digits are a number; 21 are refused, however they are written.
JUST_UNDER = ["12345678901234567890", "1234567890.1234567890", "-0.00012345678901234567890", "1e19"]
JUST_OVER = ["123456789012345678901", "1234567890.12345678901", "1e20", "1.0E+20", "9" * 5000,
             "1e999999999999999999", "1." + "0" * 20]  # fmt: skip


@pytest.mark.parametrize("text", JUST_UNDER)
def test_twenty_digits_are_a_number(repo, text):
    root = repo({"2023/indicators.csv": f"member,growth,revenue\nan-giang,1,{text}\n"})
    assert "number-precision" not in {code for code, _ in _cell_findings(root)}


@pytest.mark.parametrize("text", [t for t in JUST_OVER if "e" not in t.lower()])
def test_more_than_twenty_digits_in_a_figure(repo, text):
    root = repo({"2023/indicators.csv": f"member,growth,revenue\nan-giang,1,{text}\n"})
    found = [f for f in findings_of(root) if f.code == "number-precision"]
    assert [(f.position.line, f.position.column) for f in found] == [(2, 12)]
    assert len(found[0].message) < 200  # a long cell is cut in the message


@pytest.mark.parametrize("text", ["1" * 21, "9" * 5000, "1" + "0" * 20])
def test_more_than_twenty_digits_in_a_count(repo, text):
    root = repo({"2023/awards.csv": AWARDS_HEAD + f"an-giang,bang-khen,{text},,collective\n"})
    assert _cell_findings(root) == [("number-precision", 2)]


@pytest.mark.parametrize("text", [*JUST_OVER, "1.e99999999999999999999"])
@pytest.mark.parametrize("quoted", [False, True])
def test_more_than_twenty_digits_in_yaml(repo, text, quoted):
    value = f'"{text}"' if quoted else text
    root = repo(
        {"2023/pledge.yaml": f"year: 2023\ncriteria:\n  - content: x\n    points: {value}\n"}
    )
    assert _cell_findings(root) == [("number-precision", 4)]
    root = repo({"cluster.yaml": _cluster(f"max: {value}")})
    assert [code for code, _ in _only(root, "cluster.yaml")] == ["number-precision"]


@pytest.mark.parametrize("text", ["9" * 5000, "1" * 21])
def test_a_long_plain_number_in_a_text_field_is_text(repo, text):
    root = repo({"2023/conference.yaml": f"year: 2023\ndate: 2024-01-12\nplace: {text}\n"})
    assert findings_of(root) == []


def test_summarize_reads_twenty_digit_figures(repo):
    from typer.testing import CliRunner

    from thidua.cli import app

    big = "99999999999999999999"
    root = repo(
        {
            "2023/indicators.csv": f"member,growth,revenue\nan-giang,6.5,{big}\n"
            f"bac-lieu,7.1,{big}\nca-mau,5.2,{big}\n",
        }
    )
    assert findings_of(root) == []
    result = CliRunner().invoke(app, ["summarize", "2023", "--data", str(root)])
    assert result.exit_code == 0, result.output


# --- NUL bytes, anywhere in any text file -------------------------------------------------------


@pytest.mark.parametrize("rows", [0, 1, 200, 5000, 30000])  # the header, the first 8 KiB, far in
def test_a_nul_byte_anywhere_in_a_csv_file(repo, rows):
    text = AWARDS_HEAD + AWARD_ROW * rows
    nul_line = text.count("\n")  # the NUL goes into the last line written so far
    text = text[:-1] + "\x00x\n" + AWARD_ROW * 3 if rows else "member,aw\x00ard\n"
    root = repo({"2023/awards.csv": text})
    found = [(f.code, f.position.line) for f in findings_of(root)]
    assert found == [("file-binary", max(nul_line, 1))]


def test_a_nul_byte_far_into_a_yaml_file(repo):
    text = "year: 2023\nchair: an-giang\nnote: >\n" + "  Biên bản hội nghị.\n" * 2000
    text += "  Chữ ký:\x00\n"
    root = repo({"2023/leadership.yaml": text})
    found = findings_of(root)
    assert [(f.code, f.position.line, f.position.column) for f in found] == [
        ("file-binary", 2004, 10)
    ]


# --- CSV: at most 1,000 cells on a line -----------------------------------------------------------


@pytest.mark.parametrize(("cells", "refused"), [(1000, False), (1001, True)])
@pytest.mark.parametrize("where", ["header", "row", "last row"])
@pytest.mark.parametrize("separator", [",", ";"])
def test_cells_on_a_line_just_under_and_over_the_limit(repo, cells, refused, where, separator):
    wide = separator.join(["x"] * cells)
    rows = [AWARDS_HEAD.replace(",", separator), *[AWARD_ROW.replace(",", separator)] * 300]
    if where == "header":
        rows[0] = separator.join(["member", "award", *(f"c{i}" for i in range(cells - 2))]) + "\n"
    else:
        rows.insert(2 if where == "row" else len(rows), wide + "\n")
    root = repo({"2023/awards.csv": "".join(rows)})
    codes = {f.code for f in findings_of(root)}
    assert ("csv-too-many-columns" in codes) == refused


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_many_short_rows_are_not_taken_for_one_wide_line(repo, newline):
    """The separators are counted per line, whatever ends the lines."""
    ledger = (AWARDS_HEAD + AWARD_ROW * 20000).replace("\n", newline)
    root = repo({"2023/awards.csv": ledger})
    assert findings_of(root) == []


def test_a_header_of_two_million_columns_is_refused_in_bounded_memory(repo):
    import tracemalloc

    root = repo({"2023/awards.csv": "member," * 2_000_000 + "award\n"})
    tracemalloc.start()
    try:
        found = findings_of(root)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(f.code, f.position.line) for f in found] == [("csv-too-many-columns", 1)]
    assert peak < 8 * 1024 * 1024  # the file is 16 MB: it is never held, nor its cells


def test_the_positions_of_a_wide_header_cost_one_pass(repo, monkeypatch):
    """Every cell of a 999-column header is unknown: one finding each, their columns worked out
    in one pass over the header, not one pass per cell."""
    from thidua import csvfile

    calls: list[int] = []
    real = csvfile.field_offsets

    def counting(cells: list[str], *args: Any) -> list[tuple[int, int]]:
        calls.append(len(cells))
        return real(cells, *args)

    monkeypatch.setattr(csvfile, "field_offsets", counting)
    header = "member,award," + ",".join(f"c{i}" for i in range(997))
    root = repo({"2023/awards.csv": header + "\nan-giang,bang-khen\n"})
    found = findings_of(root)
    assert len([f for f in found if f.code == "csv-header"]) == 997
    assert [f.position.column for f in found if f.code == "csv-header"][-1] == len(header) - 3
    assert sum(calls) <= 2 * 1000


# --- YAML: keys of a mapping, items of a list, keys and values of a file --------------------------


def _yaml_codes(text: str) -> list[str]:
    from thidua.findings import FileProblem
    from thidua.yamlfile import load_yaml

    try:
        return [f.code for f in load_yaml(text, "x.yaml")[1]]
    except FileProblem as exc:
        return [exc.finding.code]


@pytest.mark.parametrize(("keys", "refused"), [(1000, False), (1001, True)])
@pytest.mark.parametrize("nested", [False, True])
def test_keys_of_a_mapping_just_under_and_over_the_limit(keys, refused, nested):
    indent = "  " if nested else ""
    text = ("a:\n" if nested else "") + "".join(f"{indent}k{i}: {i}\n" for i in range(keys))
    assert ("yaml-too-large" in _yaml_codes(text)) == refused


@pytest.mark.parametrize(("items", "refused"), [(10000, False), (10001, True)])
@pytest.mark.parametrize("item", ["x", "[]", "{}", "{a: 1}", "[1]"])
def test_items_of_a_list_just_under_and_over_the_limit(items, refused, item):
    text = "a:\n" + f"  - {item}\n" * items
    assert ("yaml-too-large" in _yaml_codes(text)) == refused


@pytest.mark.parametrize(("extra", "refused"), [(0, False), (1, True)])
def test_keys_and_values_of_a_file_just_under_and_over_the_limit(extra, refused):
    # 1 list + 41 lists of 2,438 items = 100,000 values; one more is one too many
    text = "".join("- [" + ", ".join(["1"] * 2438) + "]\n" for _ in range(41)) + "- x\n" * extra
    assert ("yaml-too-large" in _yaml_codes(text)) == refused


def test_duplicate_keys_do_not_escape_the_limits():
    text = "a: 1\n" * 200_000
    assert _yaml_codes(text)[-1] == "yaml-too-large"


def test_a_mapping_of_a_million_keys_stops_early_in_bounded_memory(repo):
    import tracemalloc

    text = "".join(f"{i:x}:\n" for i in range(1_000_000))  # 7 MB: under the 8 MiB of a YAML file
    root = repo({"2023/leadership.yaml": text})
    tracemalloc.start()
    try:
        found = findings_of(root)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(f.code, f.position.line) for f in found] == [("yaml-too-large", 1001)]
    assert peak < 64 * 1024 * 1024  # the text (about 9 MB as bytes and str) and no more


# --- runs of combining marks, in any text that is normalised ------------------------------------


def _marks(n: int) -> str:
    """`n` combining marks of two alternating classes (above, below): the worst case of sorting."""
    return ("\u0301\u0323" * n)[:n]


def _codes_at(root: Path) -> list[tuple[str, str, int]]:
    return [(f.code, f.position.path, f.position.line) for f in findings_of(root)]


@pytest.mark.parametrize(("n", "refused"), [(2, False), (30, False), (31, True), (300_000, True)])
def test_marks_in_a_yaml_file(repo, n, refused):
    root = repo({"2023/leadership.yaml": f"year: 2023\nchair: an-giang\nnote: e{_marks(n)}\n"})
    codes = _codes_at(root)
    assert (("text-combining-marks", "2023/leadership.yaml", 3) in codes) == refused
    assert codes == [] or refused


@pytest.mark.parametrize(("n", "refused"), [(30, False), (31, True), (300_000, True)])
@pytest.mark.parametrize(
    ("rel", "text"),
    [
        ("2023/indicators.csv", "member,growth,revenue,note{m}\nan-giang,6.5,1,\n"),  # header
        ("2023/indicators.csv", "member,growth,revenue,status\nan-giang,6.5,1,ư{m}\n"),  # enum cell
        ("2023/awards.csv", "member,award,recipient_kind\nan-giang,bang-khen,tập thể{m}\n"),
        ("2023/awards.csv", "award,decision_number,scope\nco-thi-dua-chinh-phu,Ủ{m},cluster\n"),
    ],
)
def test_marks_in_a_csv_file(repo, n, refused, rel, text):
    root = repo({rel: text.format(m=_marks(n))})
    codes = {code for code, path, _ in _codes_at(root) if path == rel}
    assert ("text-combining-marks" in codes) == refused


def test_a_long_run_of_marks_is_never_normalised(repo, monkeypatch):
    """Normalisation is quadratic in a run of marks: the run is refused before it is attempted."""
    import unicodedata

    from thidua import textfile

    longest: list[int] = [0]
    real = unicodedata.normalize

    def counting(form: str, text: str) -> str:
        longest[0] = max(longest[0], len(text))
        return real(form, text)

    monkeypatch.setattr(textfile.unicodedata, "normalize", counting)
    root = repo(
        {"2023/leadership.yaml": f"year: 2023\nchair: an-giang\nnote: e{_marks(300_000)}\n"}
    )
    assert [code for code, _, _ in _codes_at(root)] == ["text-combining-marks"]
    assert longest[0] < 1000


@pytest.mark.parametrize("text", [t for t in JUST_OVER + JUST_UNDER if "e" in t.lower()])
def test_scientific_notation_in_a_figure_is_refused_before_its_digits_are_counted(repo, text):
    """Excel writes a number too long for its column as 1.23E+11, losing digits: never a figure."""
    root = repo({"2023/indicators.csv": f"member,growth,revenue\nan-giang,1,{text}\n"})
    found = [f for f in findings_of(root) if f.position.line == 2]
    assert [(f.code, f.position.column) for f in found] == [("value-invalid", 12)]
    assert "scientific notation" in found[0].message


def test_the_marks_limit_holds_for_text_that_is_already_normalised(repo):
    """'h' + 100 acute accents is NFC already (nothing composes with h): the limit holds anyway."""
    place = "Th" + "\u0301" * 100 + "ai"
    root = repo({"2023/conference.yaml": f"year: 2023\ndate: 2024-03-13\nplace: {place}\n"})
    assert [f.code for f in findings_of(root)] == ["text-combining-marks"]
