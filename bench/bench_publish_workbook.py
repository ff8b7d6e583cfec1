"""Benchmark of publishing from workbooks: the sample county, and a 20,000-guide 办事指南.xlsx.

Run: python bench/bench_publish_workbook.py [--guides 20000] [--runs 3]
Not a test: it prints the median of several runs of
  - reading and validating the source folder (content_sync.sources.read_source), and
  - the whole publish (read, validate, shard, sign into a fresh repository),
for the sample county (demo/county/, CSV sheets), the sample exported as .xlsx workbooks, and a
generated county of N guides kept as workbooks (the guides of bench_sync.generate_county, one row
each on 事项 and their materials and steps on 材料 and 流程).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_sync import generate_county  # noqa: E402

from content_sync import keys  # noqa: E402
from content_sync.publish import publish_source_dir  # noqa: E402
from content_sync.sample import sample_source_dir  # noqa: E402
from content_sync.sources import read_source  # noqa: E402
from content_sync.workbook_writer import export_bundle, export_source  # noqa: E402


def median_seconds(runs: int, action: Callable[[int], object]) -> tuple[float, float]:
    """Medians of wall-clock and CPU seconds (CPU time shows the work on a shared, loaded machine)."""
    wall, cpu = [], []
    for run in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        action(run)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def measure(label: str, source: Path, keys_dir: Path, work: Path, runs: int) -> None:
    counts = read_source(source).bundle.counts()
    rows = counts["guides"]
    read, read_cpu = median_seconds(runs, lambda _: read_source(source))
    publish, publish_cpu = median_seconds(
        runs, lambda run: publish_source_dir(source, work / f"repo-{label}-{run}", keys_dir)
    )
    print(f"{label:<34} {rows:>7} {read:>8.2f} ({read_cpu:>6.2f}) {publish:>8.2f} ({publish_cpu:>6.2f})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guides", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        keys_dir = work / "keys"
        keys.generate_keys(keys_dir)
        sample_xlsx = work / "sample-xlsx"
        export_source(sample_source_dir(), sample_xlsx, "xlsx")
        big = work / "big"
        start = time.perf_counter()
        export_bundle(generate_county(args.guides), {}, big, "xlsx")
        written = time.perf_counter() - start
        size = (big / "办事指南.xlsx").stat().st_size
        print(f"generated {args.guides} guides as 办事指南.xlsx ({size / 1e6:.1f} MB) in {written:.1f} s", flush=True)
        print(f"median of {args.runs} runs, wall-clock seconds (CPU seconds)")
        print(f"{'source':<34} {'guides':>7} {'read+check':>17} {'publish':>17}", flush=True)
        measure("sample county (CSV sheets)", sample_source_dir(), keys_dir, work, args.runs)
        measure("sample county (.xlsx workbooks)", sample_xlsx, keys_dir, work, args.runs)
        measure(f"{args.guides} guides (.xlsx workbooks)", big, keys_dir, work, args.runs)


if __name__ == "__main__":
    main()
