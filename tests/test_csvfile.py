"""The CSV reader: byte-order marks, separators, headers, row lengths, cells, positions."""

from __future__ import annotations

import pytest
from conftest import CLUSTER, INDICATORS, codes_of, findings_of
from test_textfile import to_tcvn3

from thidua.csvfile import field_offset


def test_excel_byte_order_mark_is_accepted(repo):
    root = repo({"2023/indicators.csv": b"\xef\xbb\xbf" + INDICATORS.encode()})
    assert findings_of(root) == []


def test_semicolon_separated_file_from_vietnamese_excel(repo):
    root = repo({"2023/indicators.csv": INDICATORS.replace(",", ";")})
    assert findings_of(root) == []


def test_crlf_line_endings(repo):
    root = repo({"2023/indicators.csv": INDICATORS.replace("\n", "\r\n").encode()})
    assert findings_of(root) == []


def test_unknown_and_duplicate_header(repo):
    text = "member,grwth,revenue,revenue\nan-giang,1,1,1\nbac-lieu,1,1,1\nca-mau,1,1,1\n"
    found = findings_of(repo({"2023/indicators.csv": text}))
    assert [(f.code, f.position.line, f.position.column) for f in found] == [
        ("csv-header", 1, 8),
        ("csv-header", 1, 22),
    ]
    assert "did you mean 'growth'" in found[0].message
    assert "appears twice" in found[1].message


def test_missing_key_column_stops_the_file(repo):
    text = "province,growth,revenue\nan-giang,1,1\n"
    found = findings_of(repo({"2023/indicators.csv": text}))
    assert [f.code for f in found] == ["csv-header", "csv-header"]
    assert any("lacks the column 'member'" in f.message for f in found)


def test_short_and_long_rows(repo):
    text = INDICATORS.replace("bac-lieu,7.1,5000", "bac-lieu,7.1").replace(
        "ca-mau,5.2,6000", "ca-mau,5,2,6000"
    )
    found = findings_of(repo({"2023/indicators.csv": text}))
    assert [(f.code, f.position.line) for f in found] == [
        ("csv-row-length", 3),
        ("csv-row-length", 4),
    ]


def test_empty_required_cell(repo):
    text = INDICATORS + ",1,1\n"
    assert codes_of(repo({"2023/indicators.csv": text})) == [
        ("field-missing", "2023/indicators.csv", 5)
    ]


def test_empty_figure_is_allowed_and_said_to_make_the_figure_partial(repo):
    found = findings_of(repo({"2023/indicators.csv": INDICATORS.replace("7.1", "")}))
    assert [(f.code, str(f.severity), f.position.line) for f in found] == [
        ("figure-incomplete", "warning", 1)
    ]
    assert "no figure for bac-lieu (2/3 members have one)" in found[0].message


def test_decimal_comma_suggests_a_point(repo):
    text = INDICATORS.replace("7.1", '"7,1"')
    found = findings_of(repo({"2023/indicators.csv": text}))
    assert [(f.code, f.position.line, f.position.column) for f in found] == [
        ("decimal-comma", 3, 10)
    ]
    assert "write 7.1" in found[0].message


def test_not_a_number(repo):
    found = findings_of(repo({"2023/indicators.csv": INDICATORS.replace("7.1", "bảy")}))
    assert [f.code for f in found] == ["value-invalid"]


def test_numbers_are_exact(repo):
    from decimal import Decimal

    from conftest import records_of

    records = records_of(repo({"2023/indicators.csv": INDICATORS.replace("7.1", "0.1")}))
    rows = records.years[2023].indicators
    assert rows is not None
    assert rows[1].values["growth"] == Decimal("0.1")


def test_quoted_line_break_keeps_line_numbers(repo):
    text = 'member,growth,revenue,note\nan-giang,1,1,"two\nlines"\nbac-lieu,1,1,\nca-mau,x,1,\n'
    found = findings_of(repo({"2023/indicators.csv": text}))
    assert [(f.code, f.position.line, f.position.column) for f in found] == [
        ("value-invalid", 5, 8)
    ]


def test_unterminated_quote(repo):
    text = INDICATORS + 'an-giang,"1,1\n'
    assert [c for c, _, _ in codes_of(repo({"2023/indicators.csv": text}))] == ["csv-syntax"]


def test_binary_csv(repo):
    found = findings_of(repo({"2023/awards.csv": b"PK\x03\x04" + b"\x00" * 100}))
    assert [f.code for f in found] == ["file-binary"]


def test_legacy_encoding_in_csv(repo):
    text = (
        b"member,award,recipient\nan-giang,bang-khen,"
        + to_tcvn3("nguyễn văn an, đội trưởng")
        + b"\n"
    )
    found = findings_of(repo({"2023/awards.csv": text}))
    assert [(f.code, f.position.line) for f in found] == [("file-encoding", 2)]
    assert "TCVN3" in found[0].message


def test_field_offset_counts_quoted_cells():
    assert field_offset(["a", "b,c", "d"], 2, ",") == (0, 9)
    assert field_offset(["a", "x\ny", "z"], 2, ",") == (1, 4)
    assert field_offset(["a", 'say "hi"', "z"], 2, ",") == (0, 16)


def test_thousands_dot_in_a_whole_figure(repo):
    found = findings_of(repo({"2023/indicators.csv": INDICATORS.replace("12000", "12.000")}))
    assert [(f.code, f.position.line, f.position.column) for f in found] == [
        ("number-grouping", 2, 14)
    ]
    assert "write 12000" in found[0].message


def test_three_decimals_are_fine_where_the_indicator_has_decimals(repo):
    assert findings_of(repo({"2023/indicators.csv": INDICATORS.replace("7.1", "7.125")})) == []


def test_only_the_two_date_forms_are_dates(repo):
    """Python reads '2024-W10-3' and '20240313' as ISO dates; a ledger may not."""
    rows = "".join(
        f"an-giang,bang-khen,{d}\n"
        for d in ("2024-W10-3", "20240313", "2024-03-13T00:00", "13.03.2024", "2024-3-13")
    )
    ok = "an-giang,bang-khen,2024-03-13\nan-giang,bang-khen,13/3/2024\nan-giang,bang-khen,05/03/2024\n"
    found = findings_of(repo({"2023/awards.csv": "member,award,decision_date\n" + rows + ok}))
    assert [(f.code, f.position.line) for f in found] == [("value-invalid", n) for n in range(2, 7)]
    assert all("is not a date" in f.message for f in found)


def test_a_name_column_beside_the_id_is_read_as_a_note(repo):
    text = "member,name,growth,revenue\nan-giang,An Giang,6.5,1\nbac-lieu,Bạc Liêu,7.1,2\nca-mau,Cà Mau,5.2,3\n"
    assert findings_of(repo({"2023/indicators.csv": text})) == []


@pytest.mark.parametrize(
    "header",
    ["revenue_estimate", "revenue dự toán", "Revenue-Kế hoạch", "revenue_plan", "revenue_KH"],
)
def test_a_plan_column_under_another_name_is_pointed_to_plan(repo, header):
    cluster = CLUSTER.replace("    aggregate: sum\n", "    aggregate: sum\n    plan: dự toán\n")
    text = f"member,growth,revenue,{header}\nan-giang,6.5,1,1\nbac-lieu,7.1,2,2\nca-mau,5.2,3,3\n"
    found = findings_of(repo({"cluster.yaml": cluster, "2023/indicators.csv": text}))
    assert [f.code for f in found] == ["csv-header"]
    assert "did you mean 'revenue.plan'?" in found[0].message


def test_positions_count_the_quotes_of_a_file_that_quotes_every_cell(repo):
    """LibreOffice's 'quote all text cells' and some exports put every cell in quotes: the column
    of a finding is where the cell stands in the file, quotes counted."""
    text = '"member","growth","revenue"\n"an-giang","abc","1"\n"bac-lieu","7.1","2"\n"ca-mau","5.2","3"\n'
    found = findings_of(repo({"2023/indicators.csv": text}))
    assert [(f.code, f.position.line, f.position.column) for f in found] == [
        ("value-invalid", 2, 12)
    ]
