"""Write a synthetic, realistic cluster repository at national scale, for benchmarks.

    python bench/generate.py /tmp/national                      # 63 members, 30 years, 1M award rows
    python bench/generate.py /tmp/small --awards 10000 --years 5

Seeded and deterministic: the same arguments give the same bytes. Members merge in one year (as the
63 provinces became 34 in 2025); every file kind is written for every year; award recipients have
Vietnamese names with diacritics.

`--style` says how the CSV files are written: `tidy` (commas, ISO dates, quotes only where needed),
`office` (as Excel set to Vietnamese saves them: a UTF-8 byte-order mark, `;` between cells, CRLF line
ends, every cell quoted, dates as 13/03/2024, an Alt+Enter line break inside 0.15% of the note cells,
and a few trailing rows of bare `;;;`), or `mixed` (the default: office-shaped in every other year,
as a real repository is where some secretariats export from Excel and others do not).
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc", "Xuân", "Thu"]
GIVEN = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hòa",
    "Hùng",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quang",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Việt",
    "Yến",
    "Đạt",
    "Ánh",
    "Ưng",
]
PLACE = [
    "An",
    "Bắc",
    "Bình",
    "Cao",
    "Đắk",
    "Điện",
    "Gia",
    "Hà",
    "Hải",
    "Hòa",
    "Hưng",
    "Kiên",
    "Lạng",
    "Lâm",
    "Long",
    "Nam",
    "Nghệ",
    "Ninh",
    "Phú",
    "Quảng",
    "Sóc",
    "Sơn",
    "Tây",
    "Thái",
    "Thanh",
    "Trà",
    "Tuyên",
    "Vĩnh",
    "Yên",
]
SECOND = [
    "Giang",
    "Bình",
    "Định",
    "Nam",
    "Ninh",
    "Thuận",
    "Yên",
    "Hòa",
    "Lâm",
    "Phước",
    "Trị",
    "Ngãi",
    "Nguyên",
    "Thọ",
    "Tháp",
    "Vinh",
    "Sơn",
    "Bái",
    "Châu",
    "Lai",
    "Long",
    "Trăng",
    "Xuyên",
]
AWARDS = [
    ("huan-chuong-lao-dong", "Huân chương Lao động", "both"),
    ("co-thi-dua-chinh-phu", "Cờ thi đua của Chính phủ", "collective"),
    ("bang-khen-thu-tuong", "Bằng khen của Thủ tướng Chính phủ", "both"),
    ("chien-si-thi-dua-toan-quoc", "Chiến sĩ thi đua toàn quốc", "individual"),
    ("bang-khen-chu-tich-ubnd-tinh", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "both"),
    ("tap-the-lao-dong-xuat-sac", "Tập thể lao động xuất sắc", "collective"),
    ("chien-si-thi-dua-co-so", "Chiến sĩ thi đua cơ sở", "individual"),
]  # fmt: skip
AWARD_HEADER = ["member", "award", "count", "recipient", "recipient_kind", "scope", "status",
                "decision_number", "decision_date", "issuer", "note"]  # fmt: skip


def slug(text: str) -> str:
    from thidua.names import fold

    return fold(text)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, help="folder to write (created; must not exist)")
    parser.add_argument("--members", type=int, default=63)
    parser.add_argument(
        "--after-merger", type=int, default=34, help="members left after the merger year"
    )
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument(
        "--last-year", type=int, default=2025, help="the merger happens in this year"
    )
    parser.add_argument("--awards", type=int, default=1_000_000, help="award rows over all years")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--style", choices=STYLES, default="mixed", help="how the CSVs are written")
    args = parser.parse_args()
    generate(
        args.out,
        args.members,
        args.after_merger,
        args.years,
        args.last_year,
        args.awards,
        args.seed,
        args.style,
    )


STYLES = ("tidy", "office", "mixed")
NOTE_BREAKS = 0.0015  # share of note cells with a line break typed with Alt+Enter


class Sheet:
    """A CSV file written tidy, or as Excel set to Vietnamese saves it (see the module docstring)."""

    def __init__(self, path: Path, office: bool) -> None:
        self.office = office
        self.file = path.open("w", newline="", encoding="utf-8-sig" if office else "utf-8")
        if office:
            self.writer = csv.writer(
                self.file, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n"
            )
        else:
            self.writer = csv.writer(self.file)

    def date(self, iso: str) -> str:
        year, month, day = iso.split("-")
        return f"{day}/{month}/{year}" if self.office else iso

    def row(self, cells: list[object]) -> None:
        self.writer.writerow(cells)

    def close(self) -> None:
        if self.office:  # Excel keeps the formatting of rows below the table as empty rows
            self.file.write(";;;\r\n" * 3)
        self.file.close()


def generate(
    out: Path,
    n_members: int,
    after: int,
    n_years: int,
    last_year: int,
    n_awards: int,
    seed: int,
    style: str = "mixed",
) -> None:
    rng = random.Random(seed)
    out.mkdir(parents=True)
    names: list[str] = []
    while len(names) < n_members:
        name = f"{rng.choice(PLACE)} {rng.choice(SECOND)}"
        if name not in names and slug(name) not in {slug(n) for n in names}:
            names.append(name)
    ids = [slug(n) for n in names]
    first_year = last_year - n_years + 1
    merger_year = last_year  # members that merge are members up to the year before... and in it
    survivors = ids[:after]
    members_yaml = []
    for i, (mid, name) in enumerate(zip(ids, names, strict=True)):
        lines = [
            f"  - id: {mid}",
            f"    name: {name}",
            "    kind: tỉnh",
            f'    code: "{i + 1:02d}"',
        ]
        if mid not in survivors:
            target = survivors[i % after]
            lines += [
                f"    last_year: {merger_year - 1}",
                "    became:",
                f"      member: {target}",
                f"      date: {merger_year}-07-01",
            ]
        members_yaml += lines
    indicators = [
        ("growth", "Tốc độ tăng trưởng GRDP", "%", "mean", 1, "-30", "40"),
        ("income", "GRDP bình quân đầu người", "triệu đồng", "mean", 0, "10", "800"),
        ("revenue", "Thu ngân sách nhà nước", "tỷ đồng", "sum", 0, "0", "900000"),
        ("communes", "Số xã nông thôn mới", "xã", "sum", 0, "0", "1000"),
    ]
    ind_yaml = []
    for iid, label, unit, agg, dec, lo, hi in indicators:
        ind_yaml += [f"  - id: {iid}", f"    label: {label}", f'    unit: "{unit}"', f"    aggregate: {agg}",
                     f"    decimals: {dec}", f"    min: {lo}", f"    max: {hi}"]  # fmt: skip
    award_yaml = []
    for aid, title, rec in AWARDS:
        award_yaml += [
            f"  - id: {aid}",
            f"    title: {title}",
            "    level: Nhà nước",
            f"    recipients: {rec}",
        ]
    (out / "cluster.yaml").write_text(
        "# Synthetic national-scale records for benchmarks (bench/generate.py). Not real data.\n"
        "format: 1\nid: toan-quoc\nname: Cụm thi đua toàn quốc (tổng hợp)\nmembers:\n"
        + "\n".join(members_yaml)
        + "\nindicators:\n"
        + "\n".join(ind_yaml)
        + "\naward_types:\n"
        + "\n".join(award_yaml)
        + "\nrotation:\n  custom: next-in-order\n",
        encoding="utf-8",
    )
    per_year = [n_awards // n_years + (1 if y < n_awards % n_years else 0) for y in range(n_years)]
    for y, year in enumerate(range(first_year, last_year + 1)):
        folder = out / str(year)
        folder.mkdir()
        active = [m for m in ids if m in survivors or year < merger_year]
        office = style == "office" or (style == "mixed" and y % 2 == 1)
        sheet = Sheet(folder / "indicators.csv", office)
        sheet.row(["member", "growth", "income", "revenue", "communes", "status"])
        for m in active:
            sheet.row([m, f"{rng.uniform(-5, 15):.2f}", f"{rng.uniform(40, 300):.1f}",
                       rng.randint(2000, 90000), rng.randint(0, 200), rng.choice(["estimate", "official"])])  # fmt: skip
        sheet.close()
        sheet = Sheet(folder / "awards.csv", office)
        sheet.row(AWARD_HEADER)
        for _ in range(per_year[y]):
            aid, _title, rec = rng.choice(AWARDS)
            kind = rec if rec != "both" else rng.choice(["collective", "individual"])
            who = (
                f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                if kind == "individual"
                else f"Phòng {rng.choice(GIVEN)}"
            )
            decided = f"{min(year + 1, last_year)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
            note = (
                "Thành tích xuất sắc\ntrong phong trào thi đua"
                if office and rng.random() < NOTE_BREAKS
                else ""
            )
            sheet.row([rng.choice(active), aid, rng.randint(1, 3), who, kind, "member", "decided",
                       f"{rng.randint(1, 9999)}/QĐ-UBND", sheet.date(decided),
                       "Chủ tịch UBND tỉnh", note])  # fmt: skip
        sheet.close()
        chair, deputy = active[y % len(active)], active[(y + 1) % len(active)]
        (folder / "leadership.yaml").write_text(
            f"year: {year}\nchair: {chair}\ndeputy: {deputy}\nchosen:\n  how: bầu\n  date: {year}-03-01\n",
            encoding="utf-8",
        )
        (folder / "conference.yaml").write_text(
            f"year: {year}\ndate: {min(year + 1, last_year)}-03-01\nplace: {names[ids.index(chair)]}\nhost: {chair}\n"
            f"leading_unit: {active[(y + 2) % len(active)]}\n",
            encoding="utf-8",
        )
        sigs = "".join(
            f"  - member: {m}\n    signer: {rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}\n"
            f"    title: Phó Chủ tịch UBND tỉnh\n    date: {year}-03-01\n"
            for m in active
        )
        (folder / "pledge.yaml").write_text(
            f"year: {year}\ntitle: Bản giao ước thi đua năm {year}\ncriteria:\n  - content: Hoàn thành kế hoạch\n"
            f"    points: 100\nsignatures:\n{sigs}",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
