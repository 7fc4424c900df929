"""The list attached to an award decision, as rows of YEAR/awards.csv: `thidua import awards`.

A decision (quyết định khen thưởng) comes with a table: STT, the name of the person or the
collective, the position, the unit. Every row becomes one ledger row of the award the decision
confers, with the decision's number, date and issuer given on the command line. The member is
found in the unit (or, for a collective, in its name): "Sở Tài chính tỉnh Thái Bình" names Thái
Bình; a row that names no member, or two, is refused with its cell. Section rows ("I. Tập thể",
"II. Cá nhân") set whether the rows under them are collectives or individuals.

The rows are added to the end of the ledger; a list imported again changes nothing, and a list
that differs from the rows already recorded for the same decision and award is refused.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from thidua.i18n import _
from thidua.importing import (
    ImportRefused,
    csv_line,
    excel_error,
    extended,
    load_cluster,
    records,
)
from thidua.models import AwardType, Cluster, Member, Recipients
from thidua.names import MemberNames, fold
from thidua.sheets import Cell, Sheet
from thidua.tables import AWARD_COLUMNS
from thidua.writes import Change

HEADER_ROWS = 30
_PARENS = re.compile(r"\([^()]*\)")
MAX_ROWS = 50_000

# the columns of an award list, by their folded headers
INDIVIDUAL_WORDS = frozenset(["ho-va-ten", "ho-ten", "ten-ca-nhan", "ca-nhan"])
COLLECTIVE_WORDS = frozenset(["ten-tap-the", "tap-the", "ten-don-vi-tap-the"])
RECIPIENT_WORDS = frozenset(
    [
        "ten",
        "recipient",
        "ho-va-ten-ten-tap-the",
        "ten-tap-the-ca-nhan",
        "tap-the-ca-nhan",
        "ho-ten-tap-the",
        "ten-tap-the-ho-va-ten",
        "ten-ca-nhan-tap-the",
    ]
)
COLUMN_WORDS = {
    "position": "chuc-vu chuc-danh position",
    "unit": "don-vi don-vi-cong-tac co-quan noi-cong-tac co-quan-don-vi unit chuc-vu-don-vi"
    " chuc-vu-don-vi-cong-tac chuc-vu-noi-cong-tac",
    "member": "thanh-vien member",
    "count": "so-luong count",
    "note": "ghi-chu note thanh-tich",
    "-": "stt tt so-tt so-thu-tu",
}
COLUMNS = {word: column for column, words in COLUMN_WORDS.items() for word in words.split()}
COLUMNS |= dict.fromkeys(INDIVIDUAL_WORDS, "individual")
COLUMNS |= dict.fromkeys(COLLECTIVE_WORDS, "collective")
COLUMNS |= dict.fromkeys(RECIPIENT_WORDS, "recipient")

# what stands under a list: its source, notes, totals and signature lines (folded)
FOOTER_STARTS = ("nguon-", "ghi-chu", "nguoi-lap", "thu-truong", "tm-", "kt-", "noi-nhan")
FOOTER_WORDS = frozenset(["nguon", "tong", "cong", "tong-cong", "tong-so", "ky-ten"])


def is_footer(text: str) -> bool:
    """Whether a name cell holds the text under a list rather than a name ('Tống' and 'Công ty'
    are names: only the words alone, or the phrases, are footers)."""
    key = fold(text)
    return key in FOOTER_WORDS or key.startswith(FOOTER_STARTS)


# the ledger's columns, as tables.py defines them; a decision's list links to no proposal
LEDGER_HEADER = [name for name in AWARD_COLUMNS if name != "proposal"]


@dataclass(frozen=True, slots=True)
class Decision:
    """The decision the list is attached to, as given on the command line."""

    number: str
    date: date
    issuer: str | None
    award: str  # an award type's id, title or alias
    kind: str | None = None  # collective or individual, for a list that does not say
    member: str | None = None  # every row is this member's (a member's own list)


@dataclass(slots=True)
class AwardRow:
    ref: str
    member: str
    recipient: str
    kind: str
    count: str
    note: str

    def cells(self, award: str, decision: Decision) -> dict[str, str]:
        return {
            "member": self.member,
            "award": award,
            "count": self.count,
            "recipient": self.recipient,
            "recipient_kind": self.kind,
            "status": "decided",
            "decision_number": decision.number,
            "decision_date": decision.date.isoformat(),
            "issuer": decision.issuer or "",
            "note": self.note,
        }


@dataclass(slots=True)
class ImportedAwards:
    rows: list[AwardRow]
    award: AwardType
    notes: list[str]
    changes: list[Change]


def find_award(cluster: Cluster, text: str) -> AwardType:
    key = fold(text)
    for award in cluster.award_types:
        names = [award.id, award.title, *(award.aliases or [])]
        if award.title_en:
            names.append(award.title_en)
        if key in {fold(n) for n in names}:
            return award
    from thidua.names import did_you_mean

    raise ImportRefused(
        [
            _(
                "--award '{text}' is no award type of the cluster{hint}; the award types: {ids}"
            ).format(
                text=text,
                hint=did_you_mean(text, [a.title for a in cluster.award_types]),
                ids=", ".join(a.id for a in cluster.award_types) or "-",
            )
        ]
    )


def _header(sheet: Sheet) -> tuple[int, dict[int, str]]:
    best: tuple[int, int, dict[int, str]] = (0, -1, {})
    for r, row in enumerate(sheet.rows[:HEADER_ROWS]):
        found = {}
        for c, cell in enumerate(row):
            if isinstance(cell.value, str):
                column = COLUMNS.get(fold(cell.value))
                if column is not None:
                    found[c] = column
        names = {"recipient", "individual", "collective"} & set(found.values())
        score = len(found) + (2 if names else 0)
        if names and score > best[0]:
            best = (score, r, found)
    if best[1] < 0:
        raise ImportRefused(
            [
                _(
                    "{sheet}: no row of the first {n} has the header of a name column ('Họ và tên',"
                    " 'Tên tập thể', 'Tập thể/cá nhân'), so the list cannot be read"
                ).format(sheet=sheet.name, n=HEADER_ROWS)
            ]
        )
    return best[1], best[2]


def _section_kind(row: list[Cell]) -> str | None:
    """'I. Tập thể', 'B - Cá nhân:', 'II. Tập thể (02 tập thể)', or 'I' and 'TẬP THỂ' in two
    cells: a section row that says what the rows under it are."""
    filled = [c for c in row if not c.empty]
    # the section's number may stand in the STT column: | I | TẬP THỂ |
    if not 1 <= len(filled) <= 2 or not all(isinstance(c.value, str) for c in filled):
        return None
    key = fold(_PARENS.sub(" ", " ".join(c.text for c in filled)))
    words = key.split("-")
    # its number: a Roman numeral, a letter or digits (I., B -, 2/)
    if words and (
        all(ch in "ivxlcdm" for ch in words[0]) or len(words[0]) == 1 or words[0].isdigit()
    ):
        key = "-".join(words[1:])
    if key in ("tap-the", "khen-thuong-tap-the", "danh-sach-tap-the"):
        return "collective"
    if key in ("ca-nhan", "khen-thuong-ca-nhan", "danh-sach-ca-nhan"):
        return "individual"
    return None


def _filled_down(sheet: Sheet, columns: set[int]) -> list[list[Cell]]:
    """The sheet's rows, with a unit (or position, or member) merged down over several rows in
    each of them: a list merges one unit over the people who work there, and Excel keeps the text
    in the first row only."""
    rows = [list(row) for row in sheet.rows]
    done: dict[int, int] = {}  # column → the last row filled (merged cells do not overlap)
    for r0, c0, r1, c1 in sheet.merged:
        if c0 != c1 or c0 not in columns or r0 <= done.get(c0, -1) or r0 >= len(rows):
            continue
        anchor = rows[r0][c0] if c0 < len(rows[r0]) else None
        if anchor is None or anchor.empty:
            continue
        for r in range(r0 + 1, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            row += [Cell(None, r, c) for c in range(len(row), c0 + 1)]
            row[c0] = Cell(anchor.value, r, c0, anchor.percent, anchor.error)
        done[c0] = r1
    return rows


def _beside(row: list[Cell], name_cell: Cell) -> bool:
    """Whether a row has a cell filled besides its name cell."""
    return any(not c.empty for c in row if c is not name_cell)


def _member_in(text: str, members: MemberNames, year: int) -> list[Member]:
    """The members whose name stands in a unit's text, as whole words; a name inside a longer
    one that also stands there ('Nam' in 'Hà Nam') does not count."""
    padded = f"-{fold(text)}-"
    hits = [
        (key, m)
        for key, candidates in members.by_key.items()
        if len(key) >= 3 and f"-{key}-" in padded
        for m in candidates
        if m.active_in(year)
    ]
    kept = [
        (key, m)
        for key, m in hits
        if not any(other != key and f"-{key}-" in f"-{other}-" and o is not m for other, o in hits)
    ]
    return list({m.id: m for _key, m in kept}.values())


def understand_awards(
    sheet: Sheet, cluster: Cluster, year: int, decision: Decision
) -> tuple[list[AwardRow], AwardType, list[str]]:
    award = find_award(cluster, decision.award)
    h, columns = _header(sheet)
    members = MemberNames(cluster.members, year)
    default_kind = decision.kind or (
        None if award.recipients is Recipients.BOTH else award.recipients.value
    )
    name_columns = [
        c for c, col in columns.items() if col in ("recipient", "individual", "collective")
    ]
    by_column = {col: c for c, col in reversed(columns.items())}
    numbered = next((c for c, col in columns.items() if col == "-"), None)
    fixed: Member | None = None
    if decision.member is not None:
        found = members.find(decision.member)
        if len(found) != 1:
            raise ImportRefused(
                [
                    _("--member '{text}' is not one member of the cluster").format(
                        text=decision.member
                    )
                ]
            )
        fixed = found[0]
    notes = list(sheet.how)
    notes.append(
        _("header row {row}: {columns}").format(
            row=h + 1,
            columns=", ".join(
                f"{sheet.ref(sheet.rows[h][c])} → {col}" for c, col in sorted(columns.items())
            ),
        )
    )
    rows: list[AwardRow] = []
    problems: list[str] = []
    section: str | None = None
    grid = _filled_down(
        sheet, {by_column[c] for c in ("position", "unit", "member") if c in by_column}
    )
    for r in range(h + 1, len(grid)):
        row = grid[r]
        if all(c.empty for c in row):
            continue
        kind_here = _section_kind(row)
        if kind_here is not None:
            section = kind_here
            continue

        def cell(column: str, row: list[Cell] = row) -> Cell | None:
            c = by_column.get(column)
            return row[c] if c is not None and c < len(row) else None

        name_cell = next((row[c] for c in name_columns if c < len(row) and not row[c].empty), None)
        number = row[numbered] if numbered is not None and numbered < len(row) else None
        if name_cell is None:
            described = [cell(c) for c in ("position", "unit", "count")]
            if (
                number is not None
                and number.text.isascii()
                and number.text.isdigit()
                and any(c is not None and not c.empty for c in described)
            ):
                # an entry whose name was left out, not a footer: dropped, an award would be lost
                problems.append(
                    _("{ref}: entry {number} of the list names no one; write the name").format(
                        ref=sheet.ref(number), number=number.text
                    )
                )
            continue  # a footer, a signature line, a note under the table, a template's empty row
        name = name_cell.text
        if number is not None and number.empty:
            continue  # a list numbered by STT: a row without its number is no entry of it
        if is_footer(name) and number is None and not _beside(row, name_cell):
            # 'Tổng cộng', 'Nguồn: …' alone in its row; a numbered row, or one with a unit beside
            # the name, is an entry whatever its name ('Tống', 'Nguồn Thị Hoa')
            continue
        header_kind = columns[name_cell.column]
        kind = (
            header_kind if header_kind in ("individual", "collective") else section or default_kind
        )
        if kind is None:
            problems.append(
                _(
                    "{ref}: '{name}': is it a collective or an individual? The award is given to"
                    " both and the list does not say; give --kind collective or --kind individual"
                ).format(ref=sheet.ref(name_cell), name=name)
            )
            continue
        position = cell("position")
        unit = cell("unit")
        shown = [name_cell, position, unit, cell("member"), cell("count"), cell("note")]
        errors = [c for c in shown if c is not None and c.error]
        if errors:
            # '#N/A' is no name, unit or count: written down, it would become one
            problems += [excel_error(sheet, c) for c in errors]
            continue
        place = ", ".join(c.text for c in (position, unit) if c is not None and not c.empty)
        member_cell = cell("member")
        if fixed is not None:
            member = fixed
        else:
            text = member_cell.text if member_cell is not None and not member_cell.empty else ""
            found = members.find(text) if text else []
            if not found:
                found = _member_in(place, members, year)
                if not found and kind == "collective":
                    found = _member_in(name, members, year)
            if len(found) != 1:
                where = unit if unit is not None and not unit.empty else name_cell
                if found:
                    why = _("it names {names}").format(
                        names=", ".join(m.name_in(year) for m in found)
                    )
                else:
                    why = _("it names no member of the cluster")
                problems.append(
                    _(
                        "{ref}: cannot tell which member '{name}' belongs to: {why}; write the"
                        " member's name in the unit, or give --member for a member's own list"
                    ).format(ref=sheet.ref(where), name=name, why=why)
                )
                continue
            member = found[0]
        count_cell = cell("count")
        count = count_cell.text if count_cell is not None and not count_cell.empty else ""
        if (
            count_cell is not None
            and count
            and not (count.isascii() and count.isdigit() and int(count) >= 1)
        ):
            problems.append(
                _("{ref}: '{text}' is not a number of awards (1, 2, …)").format(
                    ref=sheet.ref(count_cell),
                    text=count,
                )
            )
            continue
        count = str(int(count)) if count else count  # '02' is 2
        note_cell = cell("note")
        note = "; ".join(t for t in (place, note_cell.text if note_cell is not None else "") if t)
        rows.append(AwardRow(sheet.ref(name_cell), member.id, name, kind, count, note))
    if problems:
        raise ImportRefused(problems)
    if not rows:
        raise ImportRefused([_("{sheet}: the list has no rows").format(sheet=sheet.name)])
    return rows, award, notes


def import_awards(root: Path, year: int, sheet: Sheet, decision: Decision) -> ImportedAwards:
    """The list understood, and the ledger with its rows added (nothing if they are there)."""
    from thidua.recording import encode_like, read

    cluster, _path = load_cluster(root)
    _check_decision(decision)
    rows, award, notes = understand_awards(sheet, cluster, year, decision)
    path = root / str(year) / "awards.csv"
    old = read(path) if path.is_file() else ""
    new = _with_rows(old, rows, award, decision, path)
    problems = _verify(new, year)
    if problems:
        raise ImportRefused([_("the imported rows would not pass check:"), *problems[:10]])
    changes = [] if new == old else [Change.of(path, encode_like(path, new))]
    return ImportedAwards(rows, award, notes, changes)


def _check_decision(decision: Decision) -> None:
    """The decision's number and issuer go into every row: one line of text each."""
    problems = []
    if not decision.number.strip():
        problems.append(_("--decision is empty; give the decision's number, e.g. 123/QĐ-TTg"))
    for option, text in (("--decision", decision.number), ("--issuer", decision.issuer or "")):
        if any(not ch.isprintable() for ch in text):
            problems.append(
                _("{option} '{text}' holds a line break or a control character").format(
                    option=option, text=text.encode("unicode_escape").decode("ascii")
                )
            )
    if problems:
        raise ImportRefused(problems)


def _key(cells: dict[str, str]) -> tuple[str, ...]:
    return tuple(
        cells.get(c, "").strip() for c in ("member", "recipient", "recipient_kind", "count", "note")
    )


def _with_rows(
    old: str, rows: Sequence[AwardRow], award: AwardType, decision: Decision, path: Path
) -> str:
    new_rows = [row.cells(award.id, decision) for row in rows]
    if not old.strip():
        return csv_line(LEDGER_HEADER) + "".join(
            csv_line([cells.get(c, "") for c in LEDGER_HEADER]) for cells in new_rows
        )
    recs = records(old)
    header = [h.strip() for h in recs[0][1]]
    present = []
    for _raw, cells in recs[1:]:
        row = dict(zip(header, cells, strict=False))
        if (
            row.get("decision_number", "").strip() == decision.number
            and row.get("award", "").strip() == award.id
        ):
            present.append(row)
    if present:
        if sorted(map(_key, present)) == sorted(_key(row) for row in new_rows):
            return old
        raise ImportRefused(
            [
                _(
                    "{path} already holds {count} rows of decision {number} for '{award}', and"
                    " they differ from the list; remove those rows to import the list again"
                ).format(path=path, count=len(present), number=decision.number, award=award.id)
            ]
        )
    added = [c for c in LEDGER_HEADER if c not in header]
    out = [recs[0][0]]
    if added:
        out = [extended(raw, [""] * len(added)) for raw, _cells in recs]
        out[0] = extended(recs[0][0], added)
    full = header + added
    end = "\r\n" if recs[0][0].endswith("\r\n") else "\n"
    if not added:
        out += [raw for raw, _cells in recs[1:]]
    if out and not out[-1].endswith("\n"):
        out[-1] += end
    for new_row in new_rows:
        line = csv_line([new_row.get(c, "") for c in full])
        out.append(line if end == "\n" else line.replace("\n", end))
    return "".join(out)


def _verify(text: str, year: int) -> list[str]:
    from thidua.csvfile import CsvFile
    from thidua.findings import FileProblem
    from thidua.tables import Table

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "awards.csv"
        path.write_text(text, encoding="utf-8", newline="")
        try:
            table = Table(CsvFile(path, f"{year}/awards.csv"), AWARD_COLUMNS)
            for _batch in table.batches():
                pass
        except FileProblem as exc:
            return [exc.finding.message]
        return [f"{f.position.line}:{f.position.column}: {f.message}" for f in table.findings]
