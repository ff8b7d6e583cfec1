"""Benchmark of a release build's peak memory with records at the content limits.

Run: python bench/bench_limits.py [--guides 1000] [--runs 3]
Not a test: each case builds a whole release (content.sqlite, search index, manifest: what a
terminal does after a sync) in a fresh process, `--runs` times, and prints the median build time
and the median peak memory (ru_maxrss). Cases:

- `county`: a generated county of `--guides` guides with a catalog row each (bench/bench_sync.py);
- `+ guides at limits`: the same county plus `--big` guides with every list at its longest and
  as much text as one guide may hold (GUIDE_MAX_CHARS, content_sync/schema.py);
- `+ bodies at limits`: the county plus `--docs` documents whose body is at BODY_MAX characters.

The text at the limits is the sample county's own guide text repeated to length, so the
tokenizer and the index see Chinese like a county's, not one character repeated.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

CASES = ("county", "guides", "bodies")


def _filler() -> str:
    from content_sync.sample import sample_source_dir

    lines = (sample_source_dir() / "guides.jsonl").read_text(encoding="utf-8").splitlines()
    return "".join(json.loads(line)["summary"] for line in lines if line.strip())


def _text(filler: str, n: int, offset: int = 0) -> str:
    repeated = filler * (n // len(filler) + 2)
    start = offset % len(filler)
    return repeated[start : start + n]


def county_at_limits(case: str, n_guides: int, n_big: int, n_docs: int):
    from bench_sync import DAY, generate_county

    from content_sync import schema
    from content_sync.bundle import ensure_valid
    from content_sync.schema import Document, Guide

    bundle = generate_county(n_guides)
    filler = _filler()
    if case == "guides":
        template = bundle.guides[0].model_dump(mode="json")
        for i in range(n_big):
            t = lambda n, k=0, i=i: _text(filler, n, i * 7919 + k)  # noqa: E731 - a local shorthand
            # Every list at its longest, every item as long as the guide's whole limit allows.
            lists = {"legal_basis": 50, "conditions": 50, "materials": 100, "steps": 50, "keywords": 50}
            each = (schema.GUIDE_MAX_CHARS - schema.LONG_TEXT_MAX - 2 * schema.NAME_MAX - 6000) // sum(lists.values())
            record = {
                **template,
                "id": f"g-limit-{i:04d}",
                "name": t(schema.NAME_MAX),
                "department": t(schema.NAME_MAX, 1),
                "summary": t(schema.LONG_TEXT_MAX, 2),
                "legal_basis": [t(each, 10 + k) for k in range(50)],
                "conditions": [t(each, 100 + k) for k in range(50)],
                "materials": [{"name": t(min(each, schema.NAME_MAX), 300 + k)} for k in range(100)],
                "steps": [{"name": t(min(each, schema.NAME_MAX), 900 + k)} for k in range(50)],
                "result": t(1000, 4),
                "window": t(1000, 5),
                "location": t(1000, 6),
                "hours": t(1000, 7),
                "keywords": [t(min(each, schema.NAME_MAX), 1200 + k) for k in range(50)],
            }
            bundle.guides.append(Guide.model_validate(record))
    if case == "bodies":
        for i in range(n_docs):
            bundle.documents.append(
                Document.model_validate(
                    {
                        "id": f"d-limit-{i:04d}",
                        "kind": "通知公告",
                        "title": _text(filler, 120, i),
                        "issuer": "基准县人民政府办公室",
                        "issued_on": DAY.isoformat(),
                        "summary": _text(filler, schema.LONG_TEXT_MAX, i + 1),
                        "body": _text(filler, schema.BODY_MAX, i + 2),
                        "updated_at": DAY.isoformat(),
                    }
                )
            )
    return ensure_valid(bundle)


def build_once(case: str, n_guides: int, n_big: int, n_docs: int) -> dict:
    from content_sync.release import build_release

    bundle = county_at_limits(case, n_guides, n_big, n_docs)
    chars = sum(len(g.model_dump_json()) for g in bundle.guides) + sum(
        len(d.model_dump_json()) for d in bundle.documents
    )
    with tempfile.TemporaryDirectory(prefix="bench-limits-") as work:
        started = time.perf_counter()
        build_release(bundle, Path(work) / "root", cache_dir=Path(work) / "cache")
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "records": len(bundle.guides) + len(bundle.catalog) + len(bundle.documents),
        "json_mb": chars / 1e6,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guides", type=int, default=1000)
    parser.add_argument("--big", type=int, default=20, help="guides with every field at its limit")
    parser.add_argument("--docs", type=int, default=100, help="documents with a body at its limit")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--one", choices=CASES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(build_once(args.one, args.guides, args.big, args.docs)))
        return 0
    labels = {
        "county": f"county ({args.guides:,} guides)",
        "guides": f"+ {args.big} guides at every limit",
        "bodies": f"+ {args.docs} documents, body at the limit",
    }
    print(f"release build at the content limits, median of {args.runs} runs each")
    print()
    print("| case | records | JSON of guides and documents | build | peak memory |")
    print("|---|---|---|---|---|")
    for case in args.cases:
        runs = []
        for _ in range(args.runs):
            command = [sys.executable, __file__, "--one", case, "--guides", str(args.guides)]
            command += ["--big", str(args.big), "--docs", str(args.docs)]
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
        print(
            f"| {labels[case]} | {runs[0]['records']:,} | {runs[0]['json_mb']:.0f} MB"
            f" | {statistics.median(r['seconds'] for r in runs):.1f} s"
            f" | {statistics.median(r['peak_mb'] for r in runs):.0f} MB |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
