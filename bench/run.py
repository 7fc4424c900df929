"""Benchmarks: thidua against the parsing floor, on a synthetic national-scale repository.

    python bench/run.py                 # 63 members, 30 years, 1,000,000 award rows (a few minutes)
    python bench/run.py --quick         # 50,000 award rows, 3 runs each: a check that the harness works
    python bench/run.py --repo DIR      # an existing repository instead of a generated one
    python bench/run.py --awards 775000 --years 5    # years of 155,000 rows each
    python bench/run.py --style tidy    # CSVs as a script writes them (default: mixed, see generate.py)

Each figure is the median of several runs, each in a fresh process. The floor is reading the same
files with no validation at all (bench/floor.py: csv.reader over every CSV, libyaml's C loader over
every YAML). The generated repository is office-shaped in every other year (UTF-8 BOM, `;`, CRLF,
every cell quoted, 13/03/2024 dates, line breaks inside note cells), as real ones are. `check` and its
floor are measured on all cores and again on one core (`taskset` where the system has it): a second
core hides a slow path that an office machine without one would feel. Install the `bench` extra
(frictionless) for the comparison with `frictionless validate`, one process each on the same rows.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

TARGETS = {"check": 2.5, "summarize": 3.0, "--version": 6.0, "--help": 15.0, "frictionless": 10.0}


def thidua() -> list[str]:
    script = Path(sys.executable).with_name("thidua")
    return [str(script)] if script.exists() else [sys.executable, "-m", "thidua"]


def one_core() -> None:
    """Run the child on the first core this process may use (Linux); elsewhere, as it is."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def timed(cmd: list[str], runs: int, *, single: bool = False) -> tuple[float, int]:
    """Median wall time (s) of `runs` fresh processes, and the largest peak memory (KiB) seen;
    `single` pins each process (and its children) to one core."""
    times, peak = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=one_core if single else None,  # the harness starts no threads
        )
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - start)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed with {os.waitstatus_to_exitcode(status)}")
        peak = max(peak, usage.ru_maxrss)
    return statistics.median(times), peak


def frictionless_schema(path: Path) -> None:
    fields = [
        {"name": "member", "type": "string"},
        {"name": "award", "type": "string", "constraints": {"required": True}},
        {"name": "count", "type": "integer", "constraints": {"minimum": 1}},
        {"name": "recipient", "type": "string"},
        {
            "name": "recipient_kind",
            "type": "string",
            "constraints": {"enum": ["collective", "individual"]},
        },
        {
            "name": "scope",
            "type": "string",
            "constraints": {"enum": ["member", "cluster", "chair"]},
        },
        {"name": "status", "type": "string", "constraints": {"enum": ["proposed", "decided"]}},
        {"name": "decision_number", "type": "string"},
        {"name": "decision_date", "type": "date"},
        {"name": "issuer", "type": "string"},
        {"name": "note", "type": "string"},
    ]
    path.write_text(json.dumps({"fields": fields}), encoding="utf-8")


def ledger_rows(repo: Path, years: list[int]) -> int:
    """The award rows of every year's ledger (records, not lines: a cell may hold a line break,
    and Excel leaves empty rows below a table)."""
    import csv

    rows = 0
    for y in years:
        with (repo / str(y) / "awards.csv").open(encoding="utf-8-sig", newline="") as f:
            head = f.readline()
            delimiter = ";" if head.count(";") > head.count(",") else ","
            rows += sum(1 for row in csv.reader(f, delimiter=delimiter) if any(row))
    return rows


def combine_ledgers(repo: Path, years: list[int], out: Path) -> None:
    """Every year's award ledger in one tidy CSV (commas, ISO dates) for frictionless, which takes
    one dialect and one date format per file: the same rows that `thidua check` reads."""
    import csv

    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        for i, y in enumerate(years):
            with (repo / str(y) / "awards.csv").open(encoding="utf-8-sig", newline="") as g:
                head = g.readline()
                g.seek(0)
                delimiter = ";" if head.count(";") > head.count(",") else ","
                reader = csv.reader(g, delimiter=delimiter)
                header = next(reader)
                if i == 0:
                    writer.writerow(header)
                at = header.index("decision_date")
                for row in reader:
                    if not any(row):
                        continue
                    day = row[at]
                    if "/" in day:
                        d, m, yy = day.split("/")
                        row[at] = f"{yy}-{int(m):02d}-{int(d):02d}"
                    writer.writerow(row)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--repo", type=Path, help="benchmark this repository instead of generating one"
    )
    parser.add_argument("--quick", action="store_true", help="50,000 award rows, 3 runs")
    parser.add_argument("--awards", type=int, help="award rows in all (default 1,000,000)")
    parser.add_argument(
        "--years", type=int, default=30, help="years the rows are spread over (default 30)"
    )
    parser.add_argument("--runs", type=int, help="runs per measurement (default 5; 3 with --quick)")
    parser.add_argument(
        "--style", choices=("tidy", "office", "mixed"), default="mixed", help="see generate.py"
    )
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 5)
    awards = args.awards or (50_000 if args.quick else 1_000_000)
    tmp = Path(tempfile.mkdtemp(prefix="thidua-bench-"))
    try:
        repo = args.repo
        if repo is None:
            from generate import generate

            repo = tmp / "repo"
            print(f"generating {awards:,} award rows in {repo} …", file=sys.stderr)
            generate(repo, 63, 34, args.years, 2025, awards, 2025, args.style)
        run(repo, runs, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def compiled() -> None:
    """Compile thidua's modules to bytecode first, as an installed package has them (pip compiles
    them at install time). An editable install under PYTHONDONTWRITEBYTECODE would otherwise
    compile every module from source in every measured run, and start-up would look slower than
    any user's. `force`: compileall judges a bytecode file by its source's modification time alone,
    to the second, while an import also compares sizes; a source changed within that second would
    be left stale here and compiled again by every measured run."""
    import compileall

    import thidua

    compileall.compile_dir(Path(thidua.__file__).parent, quiet=1, force=True)


def run(repo: Path, runs: int, tmp: Path) -> None:
    compiled()
    exe = thidua()
    years = sorted(int(p.name) for p in repo.iterdir() if p.is_dir() and p.name.isdigit())
    sizes = {
        y: (repo / str(y) / "awards.csv").stat().st_size
        for y in years
        if (repo / str(y) / "awards.csv").exists()
    }
    largest = max(sizes, key=lambda y: sizes[y]) if sizes else years[-1]
    ledger = ledger_rows(repo, years)
    print(f"repository: {repo} ({len(years)} years, {ledger:,} ledger rows)", file=sys.stderr)

    floor, floor_rss = timed([sys.executable, str(HERE / "floor.py"), str(repo)], runs)
    check, check_rss = timed([*exe, "check", str(repo)], runs)
    floor1, _ = timed([sys.executable, str(HERE / "floor.py"), str(repo)], runs, single=True)
    check1, check1_rss = timed([*exe, "check", str(repo)], runs, single=True)
    floor_year, _ = timed(
        [sys.executable, str(HERE / "floor.py"), str(repo), "--year", str(largest)], runs
    )
    summarize, _ = timed([*exe, "summarize", str(largest), "--data", str(repo)], runs)
    # The same command on the small Red River Delta records: what any report costs before it reads
    # a single ledger row (interpreter, Typer, Pydantic models, Jinja2 and its templates).
    fixed, _ = timed([*exe, "summarize", "2023", "--data", str(HERE.parent / "data")], runs)
    floor_fixed, _ = timed(
        [sys.executable, str(HERE / "floor.py"), str(HERE.parent / "data"), "--year", "2023"], runs
    )
    bare, _ = timed([sys.executable, "-c", "pass"], max(runs, 10))
    version, _ = timed([*exe, "--version"], max(runs, 10))
    help_, _ = timed([*exe, "--help"], max(runs, 10))

    rows = [
        ("parsing floor, all files", floor, 1.0, None, f"{floor_rss / 1024:.0f} MB"),
        ("thidua check", check, check / floor, TARGETS["check"], f"{check_rss / 1024:.0f} MB"),
        ("parsing floor, all files, one core", floor1, 1.0, None, ""),
        (
            "thidua check, one core",
            check1,
            check1 / floor1,
            TARGETS["check"],
            f"{check1_rss / 1024:.0f} MB",
        ),
        (f"parsing floor, {largest}", floor_year, 1.0, None, ""),
        (
            f"thidua summarize {largest}",
            summarize,
            summarize / floor_year,
            TARGETS["summarize"],
            "",
        ),
        (
            "  of which fixed (summarize of data/)",
            fixed,
            fixed / floor_fixed,
            None,
            "start-up, templates",
        ),
        (
            "  the rest, against the floor's rest",
            summarize - fixed,
            (summarize - fixed) / max(floor_year - floor_fixed, 1e-3),
            None,
            "grows with the rows",
        ),
        ("python -c pass", bare, 1.0, None, ""),
        ("thidua --version", version, version / bare, TARGETS["--version"], ""),
        ("thidua --help", help_, help_ / bare, TARGETS["--help"], ""),
    ]
    if shutil.which("frictionless") or Path(sys.executable).with_name("frictionless").exists():
        combined = tmp / "ledger.csv"
        combine_ledgers(repo, years, combined)
        schema = tmp / "schema.json"
        frictionless_schema(schema)
        tool = shutil.which("frictionless") or str(Path(sys.executable).with_name("frictionless"))
        # frictionless refuses absolute paths as unsafe: run it beside the files
        start = time.perf_counter()
        out = subprocess.run(
            [tool, "validate", "--json", "--schema", schema.name, combined.name],
            cwd=tmp,
            capture_output=True,
            text=True,
        )
        fr = time.perf_counter() - start
        report = json.loads(out.stdout)
        rows_seen = report["tasks"][0]["stats"]["rows"]
        if rows_seen != ledger:
            raise SystemExit(
                f"frictionless read {rows_seen} rows, not {ledger}: {out.stdout[:500]}"
            )
        rows.append(
            ("frictionless validate, same rows", fr, fr / check1, None, f"once, {rows_seen:,} rows")
        )
        rows.append(
            (
                "  thidua check (one core) is faster by",
                check1,
                fr / check1,
                TARGETS["frictionless"],
                "",
            )
        )

    print(
        f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"{'what':38} {'median':>9} {'ratio':>7} {'target':>8}  note")
    for name, seconds, ratio, target, note in rows:
        mark = (
            ""
            if target is None
            else (
                "ok"
                if ("faster" in name and ratio >= target)
                or ("faster" not in name and ratio <= target)
                else "MISSED"
            )
        )
        target_text = (
            "" if target is None else (f"≥ {target:g}×" if "faster" in name else f"≤ {target:g}×")
        )
        print(f"{name:38} {seconds:8.3f}s {ratio:6.2f}× {target_text:>8}  {note} {mark}".rstrip())


if __name__ == "__main__":
    main()
