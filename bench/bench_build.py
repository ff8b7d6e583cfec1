"""Benchmark of a release's search-index build as the county grows: does it stay linear?

Run: python bench/bench_build.py [--guides 2000 4000 8000 16000] [--runs 3]
Not a test: for each size it builds the index of a generated county (the same county as
bench/bench_sync.py: n guides, each with one catalog row) in a fresh process, `--runs` times, and
prints the median build time, the time per 1,000 records, the median of each phase
(`phase_seconds` in the index's lexicon.json) and the process's peak memory. The last column is
the time per record (without the fixed setup: loading jieba's dictionary) relative to the
smallest size: 1.0 everywhere means the build grows linearly with the county.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def build_once(n_guides: int) -> dict:
    """Generate the county, write its database, build its index; in this process."""
    from bench_sync import generate_county

    from content_sync.release_db import write_database
    from content_sync.search_index import build_index

    bundle = generate_county(n_guides)
    with tempfile.TemporaryDirectory(prefix="bench-build-") as work:
        db = Path(work) / "content.sqlite"
        write_database(bundle, db, meta={"release_id": "bench", "content_version": "", "built_at": ""})
        summary = build_index(db, Path(work) / "index", cache_dir=Path(work) / "cache")
    summary["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guides", type=int, nargs="+", default=[2000, 4000, 8000, 16000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(build_once(args.one)))
        return 0

    rows = []
    for n in args.guides:
        runs = []
        for _ in range(args.runs):
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(n)], check=True, capture_output=True, text=True
            ).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
        seconds = statistics.median(r["seconds"] for r in runs)
        phases = {p: statistics.median(r["phase_seconds"][p] for r in runs) for p in runs[0]["phase_seconds"]}
        rows.append((n, runs[0]["records"], seconds, phases, statistics.median(r["peak_mb"] for r in runs)))
        print(f"{n} guides: {[r['seconds'] for r in runs]} s", file=sys.stderr)

    def per_record(seconds: float, records: int, phases: dict) -> float:
        return (seconds - phases.get("setup", 0.0)) / records  # setup: jieba's dictionary, once

    base = per_record(rows[0][2], rows[0][1], rows[0][3])
    phase_names = list(rows[0][3])
    print(f"index build, median of {args.runs} runs each (phases in seconds)")
    print()
    print(
        "| guides | records | build | per 1,000 records | "
        + " | ".join(phase_names)
        + " | peak memory | per record vs smallest, setup excluded |"
    )
    print("|---|---|---|---|" + "---|" * len(phase_names) + "---|---|")
    for n, records, seconds, phases, peak in rows:
        cells = " | ".join(f"{phases[p]:.1f}" for p in phase_names)
        print(
            f"| {n:,} | {records:,} | {seconds:.1f} s | {seconds / records * 1000:.2f} s | {cells}"
            f" | {peak:.0f} MB | {per_record(seconds, records, phases) / base:.2f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
