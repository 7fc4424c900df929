"""The parsing floor: read every file of a repository with no validation at all.

Every CSV through `csv.reader` (with the separator its header line shows, as a spreadsheet set to
Vietnamese writes `;`), every YAML through libyaml's C loader. `bench/run.py` runs it in a
fresh process and compares thidua with it.

    python bench/floor.py DATA_DIR [--year YEAR]

With `--year`, the files a report of that year reads: the top-level records, the year's folder, and
the folders of the years before and after (a report compares with the one and names the next chair
and pledge from the other) without their award ledgers, which a report does not read.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import yaml


def read_all(root: Path, year: str | None = None) -> int:
    rows = 0
    files = sorted(p for p in root.iterdir() if p.is_file() and p.suffix in (".yaml", ".csv"))
    folders = [root / year] if year else sorted(p for p in root.iterdir() if p.is_dir())
    for folder in folders:
        files += sorted(folder.iterdir())
    if year:
        for near in (int(year) - 1, int(year) + 1):
            if (root / str(near)).is_dir():
                files += sorted(p for p in (root / str(near)).iterdir() if p.name != "awards.csv")
    for path in files:
        if path.suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as f:
                header = f.readline()
                f.seek(0)
                delimiter = ";" if header.count(";") > header.count(",") else ","
                for _ in csv.reader(f, delimiter=delimiter):
                    rows += 1
        elif path.suffix == ".yaml":
            yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return rows


if __name__ == "__main__":
    year = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--year" else None
    print(read_all(Path(sys.argv[1]), year))
