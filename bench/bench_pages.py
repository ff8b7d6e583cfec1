"""Server time of the citizen's main pages: home, a guide, a long list, search.

Measures the Flask app in-process with its test client (no network), on the sample county (or the
test county when the sample is not in the tree) and on a synthetic county with 20,000 guides.
Targets (issue 5): p95 under 50 ms on the sample county, under 100 ms with 20,000 guides.

    python bench/bench_pages.py [--requests N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from content_sync.bundle import ContentBundle  # noqa: E402
from content_sync.release import activate, build_release  # noqa: E402
from content_sync.schema import Domain  # noqa: E402
from kiosk import create_app  # noqa: E402
from tests.browser.live import sample_bundle  # noqa: E402
from tests.factories import make_bundle, make_guide  # noqa: E402

BIG = 20_000
DOMAINS = 28


def big_bundle() -> ContentBundle:
    """The test county grown to 20,000 guides (and a catalog row each) over 28 domains."""
    bundle = make_bundle()
    domains = [Domain(id=f"dom-{i:02d}", name=f"测试领域{i:02d}") for i in range(DOMAINS)]
    bundle.domains = [*bundle.domains, *domains]
    template = bundle.catalog[0]
    guides, rows = [], []
    for n in range(BIG):
        domain = domains[n % DOMAINS].name
        guide = make_guide(
            f"g-big-{n:05d}",
            f"{domain}第{n}项服务的办理",
            domain=domain,
            department=f"测试县第{n % 40}局",
            item_code=f"BIG-{n:05d}",
        )
        guides.append(guide)
        rows.append(
            template.model_copy(
                update={
                    "id": f"c-big-{n:05d}",
                    "domain": domain,
                    "category_1": f"一级分类{n % 7}",
                    "category_2": f"二级分类{n % 3}",
                    "name": guide.name,
                    "guide_id": guide.id,
                }
            )
        )
    bundle.guides = [*bundle.guides, *guides]
    bundle.catalog = [*bundle.catalog, *rows]
    return bundle


def measure(client, urls: list[str], requests: int) -> tuple[float, float, int]:
    """Median and p95 in ms over `requests` GETs cycling through `urls`; and the last status."""
    for url in urls[:5]:
        client.get(url)  # warm up caches and the first connection
    times, status = [], 0
    for i in range(requests):
        url = urls[i % len(urls)]
        start = time.perf_counter()
        response = client.get(url)
        response.get_data()
        times.append((time.perf_counter() - start) * 1000)
        status = response.status_code
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], status


def run(name: str, bundle: ContentBundle, requests: int, target_ms: float) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        activate(root, build_release(bundle, root))
        built = time.perf_counter() - start
        app = create_app({"DATA_DIR": str(root), "CACHE_DIR": str(root / "cache"), "SECRET_KEY": "bench"})
        client = app.test_client()
        rng = random.Random(5)
        guide_ids = [g.id for g in rng.sample(bundle.guides, min(50, len(bundle.guides)))]
        domain = next(d for d in bundle.domains if any(g.domain == d.name for g in bundle.guides))
        pages = {
            "home": ["/"],
            "guide": [f"/guides/{i}" for i in guide_ids],
            "guide (htmx)": [f"/guides/{i}" for i in guide_ids],
            "domain list, last page": [f"/domains/{domain.id}/guides?page=999999"],
            "search": ["/search?q=" + quote(q) for q in ("社保", "养老保险", "sb", "身份证")],
        }
        print(
            f"\n{name}: {len(bundle.guides)} guides, {len(bundle.catalog)} catalog rows; release built in {built:.1f} s"
        )
        print(f"  {'page':<26} {'median ms':>10} {'p95 ms':>8}  status  (target p95 < {target_ms:.0f} ms)")
        ok = True
        for label, urls in pages.items():
            htmx = label.endswith("(htmx)")
            median, p95, status = measure(_HtmxClient(client) if htmx else client, urls, requests)
            verdict = "" if status == 200 else "  (not available in this build)"
            if status == 200 and p95 >= target_ms:
                verdict, ok = "  OVER TARGET", False
            print(f"  {label:<26} {median:>10.2f} {p95:>8.2f}  {status}{verdict}")
        return ok


class _HtmxClient:
    """The test client sending HX-Request, as htmx does when it swaps #main."""

    def __init__(self, client):
        self.client = client

    def get(self, url: str):
        return self.client.get(url, headers={"HX-Request": "true"})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per page (default 300)")
    args = parser.parse_args()
    sample = sample_bundle()
    ok = run(f"{sample.site.county} (sample)", sample, args.requests, 50)
    ok = run("20,000 guides", big_bundle(), args.requests, 100) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
