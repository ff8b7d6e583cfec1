"""Time to render one slip and encode it to ESC/POS bytes (target: median under 150 ms).

Run: python bench/bench_slip.py  (from the repository root). Uses a typical and the longest guide
of the sample county (demo/county/), else the test county's guide and one with 15 materials.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content_sync.schema import Material  # noqa: E402
from kiosk.printing import escpos_io, render  # noqa: E402
from kiosk.printing.slip import build_slip  # noqa: E402

TARGET_MS = 150.0
RUNS = 30


def _guides():
    """(site, [(label, guide)]): the sample county's longest guide, or the test county's."""
    from tests.factories import make_bundle, make_guide

    sample = ROOT / "demo" / "county"
    site = make_bundle().site
    if sample.is_dir():
        from content_sync.sources import read_source_dir

        bundle = read_source_dir(sample)
        site, guides = bundle.site, bundle.guides
    else:
        materials = [Material(name=f"第{n}项证明材料（原件及复印件）", form="原件及复印件") for n in range(1, 16)]
        return site, [("typical", make_guide()), ("15 materials", make_guide(materials=materials))]
    longest = max(guides, key=lambda g: len(g.materials) * 100 + len(g.model_dump_json()))
    typical = sorted(guides, key=lambda g: len(g.model_dump_json()))[len(guides) // 2]
    return site, [("sample typical", typical), ("sample longest", longest)]


def main() -> int:
    site, guides = _guides()
    hall = site.halls[0]
    worst = 0.0
    for label, guide in guides:
        for dots in (384, 576):
            times = []
            size = 0
            for _ in range(RUNS + 2):
                started = time.perf_counter()
                slip = build_slip(guide, hall, site, "bench", dt.datetime.now().astimezone())
                image = render.receipt(slip, dots)
                data = escpos_io.encode(image, "TM-T88V")
                times.append((time.perf_counter() - started) * 1000)
                size = len(data)
            times = times[2:]  # the first runs load the font and python-escpos
            median = statistics.median(times)
            worst = max(worst, median)
            print(
                f"{label:>15} {dots} dots: median {median:6.1f} ms, p90 {sorted(times)[int(RUNS * 0.9)]:6.1f} ms,"
                f" {image.height} rows, {size / 1024:.0f} KiB ESC/POS"
            )
    verdict = "ok" if worst < TARGET_MS else "TOO SLOW"
    print(f"slowest median {worst:.1f} ms (target < {TARGET_MS:.0f} ms): {verdict}")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
