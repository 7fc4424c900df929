"""What an office's sheet says, in the records' terms: `thidua import indicators`.

The records format is strict; this is the forgiving door into it. A sheet (see `thidua.sheets`) is
understood step by step, and every step is kept so that `--dry-run` can show it:

1. its orientation: members down the rows and indicators across (the usual table), or the other way
   round (indicators down, members across, as many reports print them);
2. its header row, under any title rows, and a second header row of "Kế hoạch / Thực hiện" under
   merged cells;
3. each header → a column of indicators.csv: by the indicator's id, label, label_en or `aliases`,
   the cluster's `import_map`, or `--map`; plan words (Kế hoạch, Dự toán, KH) make it the plan
   column, estimate words (Ước, sơ bộ, a trailing *) give its figures a status;
4. each row → a member, by id or name as it was that year, "Tỉnh …", "TP. …" and the like set
   aside; a total row (Tổng, Cộng, Toàn Cụm) is cross-checked against the members' rows;
5. each number as the sheet holds it: a typed cell exactly, a text cell in the Vietnamese or the
   English way, decided per column (Babel's locale data, not hand-written rules).

Anything it cannot decide is a refusal naming the cell (`Sheet1!D7`) and the fix, and nothing is
written. The result merges into YEAR/indicators.csv: the sheet's cells replace those of its rows and
columns, every other cell keeps its text, and the new file is read back by `check`'s own reader.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from thidua.findings import Refused
from thidua.i18n import _, ngettext
from thidua.models import Aggregate, Cluster, Indicator
from thidua.names import MemberNames, did_you_mean, fold
from thidua.numbers import MAX_DIGITS, decimal_digits, other_digits, shown
from thidua.sheets import Cell, Sheet
from thidua.writes import Change

HEADER_ROWS = 30  # how far down a sheet its header row is looked for
SHOWN_PROBLEMS = 50  # a sheet of 10,000 wrong rows is told in its first problems and a count


class ImportRefused(Refused):
    """A sheet that cannot be imported as it is: every problem, one a line, with its cell and fix."""

    def __init__(self, problems: Sequence[str]) -> None:
        shown = list(problems[:SHOWN_PROBLEMS])
        if len(problems) > SHOWN_PROBLEMS:
            more = len(problems) - SHOWN_PROBLEMS
            shown.append(
                ngettext("… and {count} more problem", "… and {count} more problems", more).format(
                    count=f"{more:,}"
                )
            )
        super().__init__("\n".join(shown))
        self.problems = list(problems)


# --- words ----------------------------------------------------------------------------------------

IGNORE = "-"  # a `--map` target: the column is not imported

# headers of the column that names the member (folded)
MEMBER_WORDS = frozenset(
    [
        "member",
        "thanh-vien",
        "don-vi",
        "ten-don-vi",
        "don-vi-thanh-vien",
        "tinh",
        "ten-tinh",
        "tinh-thanh-pho",
        "tinh-thanh",
        "tinh-tp",
        "dia-phuong",
        "ten-dia-phuong",
        "co-quan",
        "ten-co-quan",
        "so-nganh",
        "huyen",
        "quan-huyen",
        "ten",
        "ten-thanh-vien",
        "name",
    ]
)
# headers of columns that are read as the row's note, source or status (folded)
SPECIAL_WORDS = {
    "note": "ghi-chu note",
    "source": "nguon nguon-so-lieu source",
    "status": "tinh-trang tinh-trang-so-lieu status",
    IGNORE: "stt tt so-tt so-thu-tu ma ma-so ma-tinh ma-don-vi dvt don-vi-tinh unit code",
}
SPECIAL = {word: target for target, words in SPECIAL_WORDS.items() for word in words.split()}
# the header over the indicators' names in a sheet that lists them down the rows
CORNER_WORDS = frozenset(
    ["chi-tieu", "ten-chi-tieu", "cac-chi-tieu", "chi-tieu-chu-yeu", "noi-dung", "indicator"]
)

# words around an indicator's name in a header (folded, hyphen-joined), and what they say
PLAN_WORDS = frozenset(["ke-hoach", "kh", "du-toan", "dt", "plan", "target", "chi-tieu-ke-hoach"])
FIGURE_WORDS = frozenset(["thuc-hien", "th", "ket-qua", "so-lieu", "nam", "actual", "figure"])
STATUS_WORDS = {
    "uoc": "estimate",
    "uoc-tinh": "estimate",
    "uoc-th": "estimate",
    "uoc-thuc-hien": "estimate",
    "estimate": "estimate",
    "so-bo": "preliminary",
    "preliminary": "preliminary",
    "chinh-thuc": "official",
    "official": "official",
}
# a header's last words that name another column of its indicator (folded)
_PART_WORDS = (
    ("tinh-trang-so-lieu", "status"),
    ("tinh-trang", "status"),
    ("status", "status"),
    ("nguon-so-lieu", "source"),
    ("nguon", "source"),
    ("source", "source"),
)
# a total row's name (folded): the word alone, or a phrase that opens it ('Tổng cộng toàn Cụm')
TOTAL_WORDS = frozenset(["tong", "cong", "tong-so", "total", "sum"])
TOTAL_STARTS = ("tong-cong", "toan-cum", "toan-khoi", "ca-cum", "ca-khoi", "tong-so-", "tong-toan")
# a cell that says "no figure": empty, a dash, an x, an ellipsis
NO_FIGURE = frozenset(["-", "–", "—", "x", "X", "…", "...", "n/a", "N/A", "k", "/"])
_YEAR = re.compile(r"^(19|20)[0-9]{2}$")
_PARENS = re.compile(r"\([^()]*\)")


def _status_of_star(text: str) -> tuple[str, str | None]:
    """A header or cell with its estimate mark taken off: '6,3*' → ('6,3', 'estimate')."""
    stripped = text.rstrip()
    if stripped.endswith("*"):
        return stripped.rstrip("*").rstrip(), "estimate"
    return text, None


@dataclass(frozen=True, slots=True)
class Target:
    """Where a sheet's column goes in indicators.csv (`IGNORE`: nowhere), and the status its
    header gives its figures."""

    column: str
    status: str | None = None
    indicator: Indicator | None = None
    computed: bool = False  # a share the cluster computes: left out

    @property
    def plan(self) -> bool:
        return self.column.endswith(".plan")

    @property
    def number(self) -> bool:
        """Whether the column holds an indicator's figure or plan (read as numbers)."""
        ind = self.indicator
        return ind is not None and self.column in (ind.id, f"{ind.id}.plan")


def _strip_words(key: str) -> tuple[str, bool, str | None]:
    """A folded header without its plan, figure, status and year words: (what is left, whether it
    named a plan, the status it named)."""
    words = key.split("-")
    plan, status = False, None
    changed = True
    while changed and words:
        changed = False
        for n in (3, 2, 1):
            for end in ("start", "end"):
                if len(words) <= n and not (len(words) == n and end == "end"):
                    continue
                part = words[:n] if end == "start" else words[-n:]
                phrase = "-".join(part)
                hit = True
                if phrase in PLAN_WORDS:
                    plan = True
                elif phrase in STATUS_WORDS:
                    status = STATUS_WORDS[phrase]
                elif phrase in FIGURE_WORDS or (n == 1 and _YEAR.match(phrase)):
                    pass
                else:
                    hit = False
                if hit and len(part) < len(words):
                    words = words[n:] if end == "start" else words[:-n]
                    changed = True
                    break
            if changed:
                break
    return "-".join(words), plan, status


def header_key(text: str) -> str:
    """A header folded, its (units in brackets) and marks taken off."""
    return fold(_PARENS.sub(" ", _status_of_star(text)[0]))


class Columns:
    """Every name a column of indicators.csv is known by: for reading a sheet's headers."""

    def __init__(self, cluster: Cluster, mapping: dict[str, str]) -> None:
        self.cluster = cluster
        self.by_key: dict[str, list[Indicator]] = {}
        for ind in cluster.indicators:
            if not ind.is_column:
                continue
            names = [ind.id, ind.id.replace("_", " "), ind.label, *ind.aliases]
            if ind.label_en:
                names.append(ind.label_en)
            for name in names:
                for key in {header_key(name), _strip_words(header_key(name))[0]}:
                    if key and ind not in self.by_key.setdefault(key, []):
                        self.by_key[key].append(ind)
        self.plan_keys = {
            header_key(alias): ind for ind in cluster.indicators for alias in ind.plan_aliases
        }
        self.mapping = {header_key(k): v for k, v in cluster.import_map.items()}
        self.mapping |= {header_key(k): v for k, v in mapping.items()}
        self.indicators = {ind.id: ind for ind in cluster.indicators if ind.is_column}
        # a share is computed from two other columns: a sheet's column of it is not imported
        self.computed = {
            key
            for ind in cluster.indicators
            if not ind.is_column
            for name in (ind.id, ind.label, ind.label_en or ind.label, *ind.aliases)
            for key in (header_key(name), _strip_words(header_key(name))[0])
        }

    def known(self) -> set[str]:
        """Every column a --map may name: those of indicators.csv, or none."""
        from thidua.tables import indicator_columns

        return {*indicator_columns(self.cluster), IGNORE}

    def target(self, text: str) -> Target | str | None:
        """The column a header names; None when it names none; a message when it cannot be used."""
        bare, star = _status_of_star(text)
        key = header_key(bare)
        if not key:
            return None
        if key in self.mapping:
            return self._mapped(self.mapping[key], star)
        if key in SPECIAL:
            return Target(SPECIAL[key])
        if key in MEMBER_WORDS:
            return Target("member")
        if key in self.plan_keys:
            ind = self.plan_keys[key]
            return Target(f"{ind.id}.plan", None, ind)
        for suffix, part in _PART_WORDS:  # 'Thu ngân sách: tình trạng', as `thidua export` heads it
            named = self._indicator(key[: -len(suffix) - 1]) if key.endswith("-" + suffix) else None
            if named is not None:
                return Target(f"{named.id}.{part}")
        if key in self.computed or _strip_words(key)[0] in self.computed:
            return Target(IGNORE, None, None, computed=True)
        rest, plan, status = _strip_words(key)
        status = status or star
        found = self.by_key.get(key) or self.by_key.get(rest) or self._shortened(rest)
        if len(found) > 1:
            return _("it could be {ids}; say which with --map").format(
                ids=", ".join(i.id for i in found)
            )
        if not found:
            return None
        ind = found[0]
        if plan:
            if not ind.plan:
                return _(
                    "it reads as the plan of '{id}', which has no plan column: declare `plan:`"
                    " for it in cluster.yaml, or leave the column out with --map"
                ).format(id=ind.id)
            return Target(f"{ind.id}.plan", None, ind)
        return Target(ind.id, status, ind)

    def _shortened(self, key: str) -> list[Indicator]:
        """The indicators whose name starts with a header of two words or more: sheets shorten
        'Kim ngạch xuất khẩu của các dự án được hỗ trợ' to 'Kim ngạch xuất khẩu'. Two of them
        starting so is a header that cannot be placed."""
        if key.count("-") < 1:
            return []
        found: list[Indicator] = []
        for name, indicators in self.by_key.items():
            if name.startswith(key + "-"):
                found += [ind for ind in indicators if ind not in found]
        return found

    def _indicator(self, key: str) -> Indicator | None:
        """The one indicator a folded header names, or None."""
        found = self.by_key.get(key) or self.by_key.get(_strip_words(key)[0]) or []
        return found[0] if len(found) == 1 else None

    def _mapped(self, column: str, star: str | None) -> Target:
        ind_id, _dot, part = column.partition(".")
        ind = self.indicators.get(ind_id)
        if ind is not None and not part:
            return Target(column, star, ind)
        if ind is not None and part == "plan":
            return Target(column, None, ind)
        return Target(column)


# --- members ------------------------------------------------------------------------------------


def is_total(text: str) -> bool:
    """Whether a row's name says it is the total of the rows above (a member's name never is:
    rows are matched to members first)."""
    key = fold(text)
    return key in TOTAL_WORDS or key.startswith(TOTAL_STARTS)


# --- numbers ------------------------------------------------------------------------------------

_SPACE_GROUPS = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}\b)")
_NUMBERISH = re.compile(r"^[-+−]?[\d.,\s\u00a0\u202f]*\d[\d.,\s\u00a0\u202f]*%?$")


@dataclass(slots=True)
class Reading:
    """A number cell understood: its value, the mark it carried, how its text was read."""

    value: Decimal | None
    status: str | None = None


def _marks_off(text: str) -> tuple[str, str | None]:
    """A cell's text without its estimate mark: '6,3*', '6,3 (ước)', 'ước 6,3' → '6,3', estimate."""
    text, status = _status_of_star(text)
    inner = _PARENS.findall(text)
    for part in inner:
        word = fold(part)
        if word in STATUS_WORDS:
            status = STATUS_WORDS[word]
            text = text.replace(part, " ")
    words = text.split()
    for n in (3, 2, 1):
        if len(words) <= n:
            continue
        if (head := fold(" ".join(words[:n]))) in STATUS_WORDS:
            status, words = STATUS_WORDS[head], words[n:]
            break
        if (tail := fold(" ".join(words[-n:]))) in STATUS_WORDS:
            status, words = STATUS_WORDS[tail], words[:-n]
            break
    text = " ".join(words)
    return text.strip(), status


def _parse(text: str, locale: str) -> Decimal | None:
    """A number written the Vietnamese ('vi': 1.234,5) or the English ('en': 1,234.5) way."""
    from babel.numbers import NumberFormatError, parse_decimal

    try:
        value: Decimal = parse_decimal(text, locale=locale, strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        return None
    return value


def excel_error(sheet: Sheet, cell: Cell) -> str:
    """The problem of a cell that shows an Excel error (#N/A, #REF!, …) where a value belongs."""
    return _("{ref}: the cell shows the Excel error {text}; correct it in the sheet").format(
        ref=sheet.ref(cell), text=cell.text
    )


@dataclass(slots=True)
class NumberColumn:
    """The number cells of one column, read together: the way its text cells are written is the
    way every one of them reads (a column mixing 6,3 and 7.1 is refused cell by cell)."""

    target: Target
    cells: list[Cell]
    problems: list[str] = field(default_factory=list)
    decided: str | None = None  # "vi", "en", or None when no text cell needed it

    def read(self, sheet: Sheet, decimal: str | None, percent_unit: bool) -> list[Reading]:
        texts: dict[int, str] = {}
        readings: list[Reading] = []
        for k, cell in enumerate(self.cells):
            reading = Reading(None)
            if cell.error:
                self.problems.append(excel_error(sheet, cell))
            elif isinstance(cell.value, str):
                text, status = _marks_off(cell.value)
                reading.status = status
                if text and text not in NO_FIGURE:
                    if percent_unit and text.endswith("%"):
                        text = text[:-1].rstrip()
                    texts[k] = _SPACE_GROUPS.sub("", text.replace("\u2212", "-"))
            elif isinstance(cell.value, int | Decimal):
                value = Decimal(cell.value)
                if cell.percent:
                    value = (value * 100).normalize()
                    value = value.quantize(1) if value == value.to_integral() else value
                if cell.percent and not percent_unit:
                    # shown 50%, held 0.5: neither is a figure of an indicator not in %
                    self.problems.append(
                        _(
                            "{ref}: the cell shows a percentage ({value}%), but '{column}' is not"
                            " measured in %; write the figure itself in the sheet"
                        ).format(
                            ref=sheet.ref(cell), value=format(value, "f"), column=self.target.column
                        )
                    )
                else:
                    reading.value = value
            elif cell.value is not None:
                self.problems.append(
                    _("{ref}: '{text}' is a date, not a number").format(
                        ref=sheet.ref(cell), text=cell.text
                    )
                )
            readings.append(reading)
        if texts:
            self._read_texts(sheet, texts, readings, decimal)
        for k, reading in enumerate(readings):
            if reading.value is not None and reading.value.is_zero():
                reading.value = reading.value.copy_abs()  # '-0' is 0
            if reading.value is not None and decimal_digits(reading.value) > MAX_DIGITS:
                self.problems.append(
                    _("{ref}: {text} has more than {limit} significant digits").format(
                        ref=sheet.ref(self.cells[k]),
                        text=shown(self.cells[k].text),
                        limit=MAX_DIGITS,
                    )
                )
                reading.value = None
        return readings

    def _read_texts(
        self, sheet: Sheet, texts: dict[int, str], readings: list[Reading], decimal: str | None
    ) -> None:
        ways = {"vi": {k: _parse(t, "vi") for k, t in texts.items()}}
        ways["en"] = {k: _parse(t, "en") for k, t in texts.items()}
        for k, text in texts.items():
            if other_digits(text):
                # the records take ASCII digits only (see thidua.numbers): the sheet says so too
                self.problems.append(
                    _(
                        "{ref}: '{text}' is written with digits other than 0-9; retype it with 0-9"
                    ).format(ref=sheet.ref(self.cells[k]), text=shown(self.cells[k].text))
                )
                ways["vi"].pop(k), ways["en"].pop(k)
                continue
            if not _NUMBERISH.match(text) or (ways["vi"][k] is None and ways["en"][k] is None):
                self.problems.append(
                    _("{ref}: '{text}' is not a number").format(
                        ref=sheet.ref(self.cells[k]), text=self.cells[k].text
                    )
                )
                ways["vi"].pop(k), ways["en"].pop(k)
        if not ways["vi"]:
            return
        if decimal is not None:
            way = "vi" if decimal == "," else "en"
            self.decided = way
            for k, value in ways[way].items():
                if value is None:
                    self.problems.append(
                        _(
                            "{ref}: '{text}' is not a number written with '{sign}' as the decimal sign"
                        ).format(
                            ref=sheet.ref(self.cells[k]), text=self.cells[k].text, sign=decimal
                        )
                    )
                readings[k].value = value
            return
        fits = [w for w in ("vi", "en") if all(v is not None for v in ways[w].values())]
        if not fits:
            mixed = [k for k in ways["vi"] if ways["vi"][k] is None]
            refs = ", ".join(f"{sheet.ref(self.cells[k])} '{texts[k]}'" for k in mixed[:5])
            first = next(k for k in ways["vi"] if ways["vi"][k] is not None)
            self.problems.append(
                _(
                    "the column '{header}' mixes numbers written the Vietnamese way ({ref} '{text}')"
                    " and the English way ({refs}); write them all one way"
                ).format(
                    header=self.target.column,
                    ref=sheet.ref(self.cells[first]),
                    text=texts[first],
                    refs=refs,
                )
            )
            return
        same = len(fits) == 2 and all(ways["vi"][k] == ways["en"][k] for k in ways["vi"])
        if len(fits) == 2 and not same:
            if sheet.decimal_comma:
                fits = ["vi"]
            else:
                differ = [k for k in ways["vi"] if ways["vi"][k] != ways["en"][k]]
                cells = ", ".join(f"{sheet.ref(self.cells[k])} '{texts[k]}'" for k in differ[:5])
                more = len(differ) - 5
                self.problems.append(
                    _(
                        "{cells}{more}: written so that it reads two ways ('{text}' is {vi} with a decimal comma,"
                        " {en} with a decimal point) and no cell of the column settles it; say which"
                        " with --decimal , or --decimal ."
                    ).format(
                        cells=cells,
                        more=_(" and {n} more").format(n=more) if more > 0 else "",
                        text=texts[differ[0]],
                        vi=format(ways["vi"][differ[0]], "f"),
                        en=format(ways["en"][differ[0]], "f"),
                    )
                )
                return
        way = fits[0]
        self.decided = None if same else way
        for k, value in ways[way].items():
            readings[k].value = value


# --- the sheet understood -------------------------------------------------------------------------


@dataclass(slots=True)
class Understood:
    """What a sheet was read as: for the dry run's tables, and the values to write."""

    sheet: Sheet
    transposed: bool
    headers: list[tuple[str, str, str]]  # (cell, header, column or '-')
    rows: list[tuple[str, str, str]]  # (cell, name, member id)
    skipped: list[tuple[str, str]]  # (cell, text) of rows that hold no figure
    notes: list[str]
    values: dict[str, dict[str, str]]  # member id → column → cell text as indicators.csv writes it
    columns: list[str]  # the columns the sheet gives, in the order indicators.csv writes them


def _grid(sheet: Sheet, transposed: bool) -> list[list[Cell]]:
    """The sheet's rows (or its columns, turned on their side), all of one width: a blank cell
    stands where the sheet has none, with the place it would have."""
    width = max((len(r) for r in sheet.rows), default=0)
    rows = [
        row + [Cell(None, r, c) for c in range(len(row), width)] for r, row in enumerate(sheet.rows)
    ]
    if not transposed:
        return rows
    return [[row[c] for row in rows] for c in range(width)]


def _header_score(row: list[Cell], columns: Columns) -> int:
    score = 0
    for cell in row:
        if isinstance(cell.value, str):
            target = columns.target(cell.value)
            if isinstance(target, Target) and target.indicator is not None:
                score += 2
            elif isinstance(target, Target):
                score += 1
    return score


def _best_header(grid: list[list[Cell]], columns: Columns) -> tuple[int, int]:
    """(score, row index) of the row most like a header among the first rows."""
    best = (0, -1)
    for r, row in enumerate(grid[:HEADER_ROWS]):
        score = _header_score(row, columns)
        if score > best[0]:
            best = (score, r)
    return best


def _sub_header(row: list[Cell]) -> bool:
    """Whether a row under the header holds only "Kế hoạch / Thực hiện / Ước" words."""
    words = [header_key(c.value) for c in row if isinstance(c.value, str) and c.value.strip()]
    if not words:
        return False
    for w in words:
        if w not in PLAN_WORDS and w not in FIGURE_WORDS and w not in STATUS_WORDS:
            return False
    return True


def understand(
    sheet: Sheet,
    cluster: Cluster,
    year: int,
    *,
    mapping: dict[str, str] | None = None,
    decimal: str | None = None,
) -> Understood:
    """The sheet in the records' terms, or `ImportRefused` listing every problem found."""
    columns = Columns(cluster, mapping or {})
    unknown_targets = sorted(set((mapping or {}).values()) - columns.known())
    if unknown_targets:
        raise ImportRefused(
            [
                _("--map names '{column}', which is no column of indicators.csv{hint}").format(
                    column=t, hint=did_you_mean(t, columns.known())
                )
                for t in unknown_targets
            ]
        )
    normal = _best_header(_grid(sheet, False), columns)
    across = _best_header(_grid(sheet, True), columns)
    transposed = across[0] > normal[0]
    grid = _grid(sheet, transposed)
    score, h = across if transposed else normal
    further = _best_header(_grid(sheet, False)[HEADER_ROWS : HEADER_ROWS * 10], columns)
    if further[0] > score:
        # a header row under more title rows than are looked through: whatever row was taken for
        # the header above it would give a misleading refusal
        raise ImportRefused(
            [
                _(
                    "{sheet}: the header row seems to be row {row}, below the first {n} rows where"
                    " it is looked for; delete the title rows above the table"
                ).format(sheet=sheet.name, row=HEADER_ROWS + further[1] + 1, n=HEADER_ROWS)
            ]
        )
    if score == 0:
        shown = next((r for r in sheet.rows if sum(not c.empty for c in r) >= 2), [])
        listed = ", ".join(f"{sheet.ref(c)} '{c.text}'" for c in shown if not c.empty)
        raise ImportRefused(
            [
                _(
                    "{sheet}: no row of the first {n} names an indicator of the cluster, so the"
                    " header row cannot be found (the first row with headers: {heads}). Name the"
                    " columns by the indicators' ids or labels, declare `aliases:` for them in"
                    ' cluster.yaml, or map them with --map "Header=indicator"'
                ).format(sheet=sheet.name, n=HEADER_ROWS, heads=listed or "-")
            ]
        )
    heads = list(grid[h])
    first_data = h + 1
    texts = [c.text for c in heads]
    if first_data < len(grid) and _sub_header(grid[first_data]):
        last = ""
        for c, below in enumerate(grid[first_data]):
            last = texts[c] or last  # a merged header cell spans the empty ones to its right
            if not below.empty:
                texts[c] = f"{last} {below.text}".strip()
                heads[c] = below
        first_data += 1
    problems: list[str] = []
    targets: dict[int, Target] = {}
    shown_headers: list[tuple[str, str, str]] = []
    member_column: int | None = None
    seen: dict[str, str] = {}
    for c, text in enumerate(texts):
        if not text:
            continue
        ref = sheet.ref(heads[c])
        target = columns.target(text)
        if target is None and header_key(text) in CORNER_WORDS:
            target = Target("member" if transposed else IGNORE)
        if isinstance(target, str) or target is None:
            why = target or _("it names no indicator of the cluster")
            problems.append(
                _(
                    "{ref}: the header '{header}' cannot be placed: {why}{hint}. Map it with"
                    ' --map "{header}=COLUMN" (COLUMN: an indicator id, id.plan, note, or - to'
                    " leave the column out)"
                ).format(ref=ref, header=text, why=why, hint=_closest_indicator(text, columns))
            )
            continue
        if target.column == "member":
            if member_column is None:
                member_column = c
            else:
                target = Target(IGNORE)  # a second name column (id beside name): for people
        if target.column not in (IGNORE, "member", "name") and target.column in seen:
            problems.append(
                _(
                    "{ref}: '{header}' and {other} both give the column {column}; map one of them"
                    ' with --map "{header}=-" to leave it out'
                ).format(ref=ref, header=text, other=seen[target.column], column=target.column)
            )
            continue
        seen[target.column] = f"{ref} '{text}'"
        targets[c] = target
        column = target.column + (f" ({_status_word(target.status)})" if target.status else "")
        if target.computed:
            column = _("- (computed by thidua from two other columns)")
        shown_headers.append((ref, text, column))
    members = MemberNames(cluster.members, year)
    data_rows = grid[first_data:]
    if member_column is None:
        member_column = _guess_member_column(data_rows, members, set(targets))
        if member_column is not None:
            targets[member_column] = Target("member")
            shown_headers.insert(
                0, (sheet.ref(heads[member_column]), texts[member_column], "member")
            )
    if member_column is None:
        problems.append(
            _(
                "{sheet}: no column names the members (a header such as 'Đơn vị', 'Tỉnh' or"
                " 'member', or the members' names down a column)"
            ).format(sheet=sheet.name)
        )
    if problems:
        raise ImportRefused(problems)
    assert member_column is not None
    figure_columns = {c: t for c, t in targets.items() if t.number}
    result = _rows(sheet, grid, first_data, member_column, figure_columns, members, year)
    problems += result.problems
    problems += _merged_figures(sheet, transposed, list(result.rows), list(figure_columns))
    if problems:
        raise ImportRefused(problems)
    values: dict[str, dict[str, str]] = {m: {} for m in result.rows.values()}
    notes = list(sheet.how)
    if transposed:
        notes.append(_("indicators down the rows, members across the columns"))
    order: list[str] = []
    for c, target in sorted(targets.items()):
        if target.column in (IGNORE, "member", "name"):
            continue
        cells = [grid[r][c] for r in result.rows]
        if target.number and target.indicator is not None:
            number = NumberColumn(target, cells)
            percent = target.indicator.unit.strip() == "%"
            readings = number.read(sheet, decimal, percent)
            problems += number.problems
            if number.decided:
                way = _("a decimal comma") if number.decided == "vi" else _("a decimal point")
                notes.append(
                    _("column '{column}': numbers read with {way}").format(
                        column=target.column, way=way
                    )
                )
            order.append(target.column)
            status_column = f"{target.indicator.id}.status"
            for member_id, reading in zip(result.rows.values(), readings, strict=True):
                if reading.value is None:
                    continue
                values[member_id][target.column] = format(reading.value, "f")
                status = reading.status or (None if target.plan else target.status)
                if status and not target.plan:
                    values[member_id][status_column] = status
                    if status_column not in order:
                        order.append(status_column)
            if result.total is not None:
                notes += _cross_check(sheet, grid, result, c, target, readings, decimal, problems)
        else:
            order.append(target.column)
            for member_id, cell in zip(result.rows.values(), cells, strict=True):
                if not cell.empty:
                    values[member_id][target.column] = _status_text(cell, target, sheet, problems)
    if problems:
        raise ImportRefused(problems)
    rows_shown = [
        (sheet.ref(grid[r][member_column]), grid[r][member_column].text, member_id)
        for r, member_id in result.rows.items()
    ]
    if result.total is not None:
        cell = grid[result.total][member_column]
        rows_shown.append((sheet.ref(cell), cell.text, _("(total: checked, not imported)")))
    return Understood(
        sheet, transposed, shown_headers, rows_shown, result.skipped, notes, values, order
    )


def _merged_figures(
    sheet: Sheet, transposed: bool, rows: list[int], columns: list[int]
) -> list[str]:
    """Merged cells over the figures of the members' rows: Excel shows one figure across them and
    keeps it in the first cell only, so every other cell would be imported blank."""
    import bisect

    from thidua.sheets import cell_ref, column_letters

    rows, columns = sorted(rows), sorted(columns)
    row_set, column_set = set(rows), set(columns)
    problems = []
    for first_row, first_col, last_row, last_col in sheet.merged:
        r0, c0, r1, c1 = first_row, first_col, last_row, last_col
        if transposed:
            r0, c0, r1, c1 = c0, r0, c1, r1
        height = bisect.bisect_right(rows, r1) - bisect.bisect_left(rows, r0)
        width = bisect.bisect_right(columns, c1) - bisect.bisect_left(columns, c0)
        covered = height * width - (1 if r0 in row_set and c0 in column_set else 0)
        if covered > 0:
            where = cell_ref(sheet.name, first_row, first_col)
            where += f":{column_letters(last_col)}{last_row + 1}"
            problems.append(
                _(
                    "{range}: merged cells over the figures of members' rows; Excel keeps a merged"
                    " cell's figure in its first cell only, so the others would be imported blank."
                    " Unmerge them and write each figure"
                ).format(range=where)
            )
    return problems


def _status_word(status: str) -> str:
    return {
        "estimate": _("estimate"),
        "preliminary": _("preliminary"),
        "official": _("official"),
    }.get(status, status)


def _status_text(cell: Cell, target: Target, sheet: Sheet, problems: list[str]) -> str:
    text = cell.text
    if cell.error:
        problems.append(excel_error(sheet, cell))
        return text
    if target.column == "status" or target.column.endswith(".status"):
        from thidua.tables import CellError, parse_status

        try:
            return str(parse_status(text))
        except CellError as exc:
            problems.append(f"{sheet.ref(cell)}: {exc}")
    return text


def _closest_indicator(text: str, columns: Columns) -> str:
    from thidua.names import suggest

    labels = {ind.label: ind.id for ind in columns.indicators.values()}
    found = suggest(_strip_words(header_key(text))[0], labels)
    return (
        _(" (the closest indicator: '{label}', {id})").format(label=found, id=labels[found])
        if found
        else ""
    )


def _guess_member_column(
    rows: list[list[Cell]], members: MemberNames, taken: set[int]
) -> int | None:
    counts: dict[int, int] = {}
    for row in rows:
        for c, cell in enumerate(row):
            if c not in taken and isinstance(cell.value, str) and members.find(cell.value):
                counts[c] = counts.get(c, 0) + 1
    if not counts:
        return None
    best = max(counts.items(), key=lambda kv: (kv[1], -kv[0]))
    return best[0] if best[1] >= 1 else None


@dataclass(slots=True)
class _Rows:
    rows: dict[int, str]  # grid row → member id
    total: int | None
    skipped: list[tuple[str, str]]
    problems: list[str]


def _has_figure(row: list[Cell], figure_columns: Iterable[int]) -> bool:
    for c in figure_columns:
        cell = row[c]
        if cell.empty:
            continue
        if isinstance(cell.value, int | Decimal) or cell.error:
            return True  # an Excel error stands where a figure would: the row is one of figures
        text = _marks_off(cell.text)[0]
        if text not in NO_FIGURE and any(ch.isdigit() for ch in text):
            return True
    return False


def _rows(
    sheet: Sheet,
    grid: list[list[Cell]],
    start: int,
    member_column: int,
    figure_columns: dict[int, Target],
    members: MemberNames,
    year: int,
) -> _Rows:
    out = _Rows({}, None, [], [])
    where: dict[str, str] = {}
    for r in range(start, len(grid)):
        row = grid[r]
        if all(c.empty for c in row):
            continue
        cell = row[member_column]
        text = cell.text
        figures = _has_figure(row, figure_columns)
        found = members.find(text) if text else []
        if not found and text and is_total(text):
            if out.total is not None:
                out.problems.append(
                    _("{ref}: a second total row ('{text}'); keep one").format(
                        ref=sheet.ref(cell),
                        text=text,
                    )
                )
            out.total = r
            continue
        ref = sheet.ref(cell)
        if len(found) == 1:
            member = found[0]
            if not member.active_in(year):
                out.problems.append(
                    _("{ref}: '{text}' ({id}) was not a member of the cluster in {year}").format(
                        ref=ref, text=text, id=member.id, year=year
                    )
                )
            elif member.id in where:
                out.problems.append(
                    _(
                        "{ref}: '{text}' is {id}, whose figures are already in {other}; keep one row"
                    ).format(ref=ref, text=text, id=member.id, other=where[member.id])
                )
            else:
                where[member.id] = ref
                out.rows[r] = member.id
            continue
        if len(found) > 1:
            out.problems.append(
                _("{ref}: '{text}' could be {ids}; write the member's id or full name").format(
                    ref=ref, text=text, ids=", ".join(f"{m.id} ({m.name_in(year)})" for m in found)
                )
            )
            continue
        if not figures:
            first = next(c for c in row if not c.empty)
            out.skipped.append(
                (sheet.ref(first), " ".join(c.text for c in row if not c.empty)[:80])
            )
            continue
        if not text:
            out.problems.append(
                _(
                    "{ref}: a row of figures with no member named; write the member in this cell"
                ).format(ref=ref)
            )
            continue
        close = members.closest(text)
        hint = _(" (the closest: {names})").format(names=", ".join(close)) if close else ""
        out.problems.append(
            _(
                "{ref}: '{text}' is not a member of the cluster{hint}; correct the name in the sheet,"
                " or add the member to cluster.yaml"
            ).format(ref=ref, text=text, hint=hint)
        )
    if not out.rows and not out.problems:
        out.problems.append(
            _("{sheet}: no row names a member of the cluster").format(sheet=sheet.name)
        )
    return out


def _cross_check(
    sheet: Sheet,
    grid: list[list[Cell]],
    result: _Rows,
    c: int,
    target: Target,
    readings: list[Reading],
    decimal: str | None,
    problems: list[str],
) -> list[str]:
    """A total row's cell against the sum of the members' cells (for a summed indicator)."""
    assert result.total is not None and target.indicator is not None
    cell = grid[result.total][c]
    if cell.empty:
        return []
    if target.indicator.aggregate is not Aggregate.SUM:
        return [
            _(
                "{ref}: the total row's '{column}' is not checked: the cluster's figure is not a sum"
            ).format(ref=sheet.ref(cell), column=target.column)
        ]
    number = NumberColumn(target, [cell])
    total = number.read(
        sheet,
        decimal or ({"vi": ",", "en": "."}.get(number.decided or "")),
        target.indicator.unit.strip() == "%",
    )[0]
    if number.problems or total.value is None:
        problems += number.problems
        return []
    members_sum = sum((r.value for r in readings if r.value is not None), Decimal(0))
    exponent = total.value.as_tuple().exponent
    unit = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    if abs(members_sum - total.value) > unit / 2:
        problems.append(
            _(
                "{ref}: the total row says {total} for '{column}', but the members' rows add up to"
                " {sum}; correct the sheet (a row missing, or a figure mistyped)"
            ).format(
                ref=sheet.ref(cell),
                total=cell.text,
                column=target.column,
                sum=format(members_sum, "f"),
            )
        )
        return []
    return [
        _("{ref}: the total row's '{column}' ({total}) matches the members' rows").format(
            ref=sheet.ref(cell), column=target.column, total=cell.text
        )
    ]


# --- writing --------------------------------------------------------------------------------------


def records(text: str) -> list[tuple[str, list[str]]]:
    """The records of a CSV text, each with its raw text (line break included) and its cells."""
    lines = text.splitlines(keepends=True)
    out: list[tuple[str, list[str]]] = []
    reader = csv.reader(lines)
    done = 0
    for cells in reader:
        raw = "".join(lines[done : reader.line_num])
        done = reader.line_num
        out.append((raw, cells))
    return out


def csv_line(cells: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


def canonical_order(cluster: Cluster, columns: Iterable[str]) -> list[str]:
    """Columns in the order a new indicators.csv writes them: member and name, each indicator's
    columns in the cluster's order (as tables.py defines them), then status, source and note."""
    from thidua.tables import indicator_columns

    wanted = set(columns)
    head, tail = ["member", "name"], ["status", "source", "note"]
    middle = [c for c in indicator_columns(cluster) if c not in head and c not in tail]
    return [c for c in head + middle + tail if c in wanted]


def _same(old: str, new: str) -> bool:
    """Whether two cells say the same: equal text, or equal numbers written differently."""
    if old == new:
        return True
    try:
        return Decimal(old) == Decimal(new)
    except (InvalidOperation, ValueError):
        return False


def merged_text(old: str | None, understood: Understood, cluster: Cluster, year: int) -> str:
    """indicators.csv with the sheet's cells in place: its rows and columns replaced, every other
    cell kept as written, new members' rows added in the cluster's order."""
    values = understood.values
    names = {m.id: m.name_in(year) for m in cluster.members}
    if old is None or not old.strip():
        header = canonical_order(cluster, ["member", "name", *understood.columns])
        body = [csv_line(header)]
        # a row for every member of the year, so that the file passes `check` while the other
        # members' sheets are still to come
        for member in cluster.members:
            if member.id in values or member.active_in(year):
                row = {"member": member.id, "name": names[member.id], **values.get(member.id, {})}
                body.append(csv_line([row.get(c, "") for c in header]))
        return "".join(body)
    recs = records(old)
    header = recs[0][1]
    added = [c for c in canonical_order(cluster, understood.columns) if c not in header]
    full = header + added
    out = [recs[0][0] if not added else extended(recs[0][0], added)]
    index = {name: i for i, name in enumerate(full)}
    done: set[str] = set()
    for raw, cells in recs[1:]:
        at = index["member"]
        member_id = cells[at].strip() if at < len(cells) else ""
        if member_id not in values or member_id in done:
            out.append(raw if not added else extended(raw, [""] * len(added)))
            continue
        done.add(member_id)
        new = list(cells) + [""] * (len(full) - len(cells))
        changed = False
        for column, text in values[member_id].items():
            i = index[column]
            if not _same(new[i], text):
                new[i] = text
                changed = True
        if changed:
            end = "\r\n" if raw.endswith("\r\n") else "\n"
            out.append(csv_line(new).replace("\n", end) if end != "\n" else csv_line(new))
        else:
            out.append(raw if not added else extended(raw, [""] * len(added)))
    rest = [m for m in cluster.members if m.id in values and m.id not in done]
    if rest and out and not out[-1].endswith("\n"):
        out[-1] += "\n"
    for member in rest:
        row = {"member": member.id, "name": names[member.id], **values[member.id]}
        out.append(csv_line([row.get(c, "") for c in full]))
    return "".join(out)


def extended(raw: str, cells: list[str]) -> str:
    """A record's raw text with cells added at its end (its own line break kept)."""
    body = raw.rstrip("\r\n")
    end = raw[len(body) :]
    return body + "".join("," + (csv_line([c]).rstrip("\n") if c else "") for c in cells) + end


def verify(text: str, cluster: Cluster, year: int) -> list[str]:
    """The problems `check`'s reader finds in a new indicators.csv (none, or nothing is written)."""
    from thidua.csvfile import CsvFile
    from thidua.findings import FileProblem
    from thidua.tables import Table, indicator_columns

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "indicators.csv"
        path.write_text(text, encoding="utf-8", newline="")
        rel = f"{year}/indicators.csv"
        try:
            table = Table(CsvFile(path, rel), indicator_columns(cluster))
            for _row in table.rows():
                pass
        except FileProblem as exc:
            return [exc.finding.message]
        return [f"{f.position.line}:{f.position.column}: {f.message}" for f in table.findings]


# --- the command ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Imported:
    """What `thidua import indicators` understood and the files it would change."""

    understood: Understood
    changes: list[Change]


def parse_maps(maps: Sequence[str]) -> dict[str, str]:
    """`--map "Header=column"` options as a mapping; a malformed one is refused."""
    out: dict[str, str] = {}
    for text in maps:
        header, sep, column = text.rpartition("=")
        if not sep or not header.strip() or not column.strip():
            raise ImportRefused(
                [
                    _(
                        "--map '{text}' is not 'Header=column' (e.g. --map \"Thu NSNN=budget_revenue\")"
                    ).format(text=text)
                ]
            )
        out[header.strip()] = column.strip()
    return out


def load_cluster(root: Path) -> tuple[Cluster, Path]:
    """The cluster of a data folder, or `InvalidRecords` with the problems of its cluster.yaml."""
    from thidua.catalogue import CLUSTER_MISSING, DATA_FOLDER_MISSING
    from thidua.findings import Position, Severity
    from thidua.inspection import InvalidRecords
    from thidua.repository import load_record

    path = root / "cluster.yaml"
    if not root.is_dir():
        what = _("is not a folder") if root.exists() else _("does not exist")
        finding = DATA_FOLDER_MISSING.at(Position("cluster.yaml"), root=root, what=what)
        raise InvalidRecords(root, [finding], 0)
    if not path.is_file():
        raise InvalidRecords(root, [CLUSTER_MISSING.at(Position("cluster.yaml"), root=root)], 0)
    loaded, findings = load_record(path, "cluster.yaml", Cluster)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if loaded is None or errors:
        raise InvalidRecords(root, errors, 1)
    return loaded.model, path


def import_indicators(
    root: Path,
    year: int,
    sheet: Sheet,
    *,
    maps: Sequence[str] = (),
    decimal: str | None = None,
    save_map: bool = False,
) -> Imported:
    """The sheet understood, and the new YEAR/indicators.csv (and cluster.yaml with --save-map)."""
    from thidua.recording import encode_like, read

    cluster, cluster_path = load_cluster(root)
    mapping = parse_maps(maps)
    understood = understand(sheet, cluster, year, mapping=mapping, decimal=decimal)
    path = root / str(year) / "indicators.csv"
    old = read(path) if path.is_file() else None
    if old is not None and (problems := verify(old, cluster, year)):
        raise ImportRefused(
            [
                _("{path} has errors already; fix them first (thidua check), then import:").format(
                    path=path
                ),
                *problems[:10],
            ]
        )
    new = merged_text(old, understood, cluster, year)
    problems = verify(new, cluster, year)
    if problems:
        raise ImportRefused([_("the imported figures would not pass check:"), *problems[:10]])
    changes: list[Change] = []
    if new != old:
        changes.append(Change.of(path, encode_like(path, new)))
    if save_map and mapping:
        from thidua.yamledit import add_entries

        text = read(cluster_path)
        fresh = {k: v for k, v in mapping.items() if cluster.import_map.get(k) != v}
        if fresh:
            after = add_entries(text, "import_map", fresh, dict(cluster.import_map))
            _check_cluster_text(after, cluster, mapping)
            changes.append(Change.of(cluster_path, encode_like(cluster_path, after)))
    return Imported(understood, changes)


def _check_cluster_text(text: str, cluster: Cluster, mapping: dict[str, str]) -> None:
    """The new cluster.yaml must read back as the old cluster with the map added."""
    from thidua.yamlfile import load_yaml

    doc, findings = load_yaml(text, "cluster.yaml")
    got = Cluster.model_validate(doc.data)
    expected = cluster.model_copy(update={"import_map": {**cluster.import_map, **mapping}})
    if findings or got != expected:
        raise AssertionError(f"editing cluster.yaml would not give the intended record: {findings}")
