"""Benchmarks: thidua against the parsing floor, on a synthetic national-scale repository.

    python bench/run.py                 # 63 members, 30 years, 1,000,000 award rows (about 2 minutes)
    python bench/run.py --quick         # 50,000 award rows, 3 runs each: a check that the harness works
    python bench/run.py --repo DIR      # an existing repository instead of a generated one

Each figure is the median of several runs, each in a fresh process. The floor is reading the same
files with no validation at all (bench/floor.py: csv.reader over every CSV, libyaml's C loader over
every YAML). Install the `bench` extra (frictionless) for the comparison with `frictionless validate`.
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


def timed(cmd: list[str], runs: int) -> tuple[float, int]:
    """Median wall time (s) of `runs` fresh processes, and the largest peak memory (KiB) seen."""
    times, peak = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--repo", type=Path, help="benchmark this repository instead of generating one"
    )
    parser.add_argument("--quick", action="store_true", help="50,000 award rows, 3 runs")
    parser.add_argument("--awards", type=int, help="award rows in all (default 1,000,000)")
    parser.add_argument("--runs", type=int, help="runs per measurement (default 5; 3 with --quick)")
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
            generate(repo, 63, 34, 30, 2025, awards, 2025)
        run(repo, runs, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(repo: Path, runs: int, tmp: Path) -> None:
    exe = thidua()
    years = sorted(int(p.name) for p in repo.iterdir() if p.is_dir() and p.name.isdigit())
    sizes = {
        y: (repo / str(y) / "awards.csv").stat().st_size
        for y in years
        if (repo / str(y) / "awards.csv").exists()
    }
    largest = max(sizes, key=lambda y: sizes[y]) if sizes else years[-1]
    ledger = 0
    for y in years:
        with (repo / str(y) / "awards.csv").open(encoding="utf-8") as f:
            ledger += sum(1 for _ in f) - 1
    print(f"repository: {repo} ({len(years)} years, {ledger:,} ledger rows)", file=sys.stderr)

    floor, floor_rss = timed([sys.executable, str(HERE / "floor.py"), str(repo)], runs)
    check, check_rss = timed([*exe, "check", str(repo)], runs)
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
        with combined.open("w", encoding="utf-8") as out:
            for i, y in enumerate(years):
                with (repo / str(y) / "awards.csv").open(encoding="utf-8") as f:
                    header = f.readline()
                    if i == 0:
                        out.write(header)
                    shutil.copyfileobj(f, out)
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
            ("frictionless validate, same rows", fr, fr / check, None, f"once, {rows_seen:,} rows")
        )
        rows.append(
            ("  thidua check is faster by", check, fr / check, TARGETS["frictionless"], "×")
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
