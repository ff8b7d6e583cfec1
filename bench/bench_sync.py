"""Benchmark of the signed sync on a generated county of 20,000 guides and 20,000 catalog rows.

Run: python bench/bench_sync.py [--guides 20000] [--runs 5]
Not a test: it prints a table of times (median of several runs) and bytes transferred (counted
by the terminal's fetcher), for a first sync, a no-change sync and a 1 % change, plus the time
to build a release and to publish. Targets (issue 3): no-change sync < 1 s and < 10 kB; a 1 %
change transfers < 5 % of a full sync.

The county is synthetic but schema-valid: the sample county's guides (demo/county/办事指南/)
are copied with new ids, names and item codes until there are enough, each with a catalog row.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from content_sync import keys  # noqa: E402
from content_sync.bundle import ContentBundle, ensure_valid  # noqa: E402
from content_sync.publish import publish_bundle, repository_size  # noqa: E402
from content_sync.release import build_release  # noqa: E402
from content_sync.repo_server import RepoServer  # noqa: E402
from content_sync.sample import sample_source_dir  # noqa: E402
from content_sync.schema import CatalogItem, Guide, Hall, Site  # noqa: E402
from content_sync.sources import read_source_dir  # noqa: E402
from content_sync.sync import SyncSettings, sync  # noqa: E402

DAY = dt.date(2026, 3, 1)


def generate_county(n_guides: int, seed: int = 7) -> ContentBundle:
    """n guides spread over the sample's domains, each with one catalog row pointing at it."""
    sample = read_source_dir(sample_source_dir())
    domains = sample.domains
    templates = [g.model_dump(mode="json") for g in sample.guides]
    halls = sorted({h for t in templates for h in t.get("hall_ids", [])}) or ["hall-county"]
    site = Site(
        county="基准县",
        county_code="999199",
        portal_base_url="https://www.hechuan.gov.example/",
        online_service_base_url="https://zwfw.province.gov.example/",
        qr_allowed_hosts=["hechuan.gov.example", "zwfw.province.gov.example"],
        halls=[
            Hall(
                id=h,
                name=f"基准县{h}",
                kind="政务服务大厅",
                level="县级",
                address="基准县人民路1号",
                hours="周一至周五 9:00–17:00",
                phone="0999-6123000",
            )
            for h in halls
        ],
        updated_at=DAY,
    )
    rng = random.Random(seed)
    guides, catalog = [], []
    for i in range(n_guides):
        t = dict(templates[i % len(templates)])
        code = f"BENCH{i:08d}"
        t.update(
            id=f"g-bench-{i:05d}",
            name=f"{t['name']}（第{i // len(templates) + 1}批）",
            item_code=code,
            online_url=f"https://zwfw.province.gov.example/item/{code}",
        )
        guide = Guide.model_validate(t)
        guides.append(guide)
        catalog.append(
            CatalogItem(
                id=f"c-bench-{i:05d}",
                disclosure_type=rng.choice(["服务", "执行", "结果"]),
                domain=guide.domain,
                category_1=guide.domain,
                category_2="办事服务",
                name=guide.name,
                content="办理条件、所需材料、办理流程、办理时限、收费标准和咨询方式",
                basis=guide.legal_basis[0],
                publisher=guide.department,
                time_limit="自信息形成或变更之日起20个工作日内",
                channels=["政府网站", "政务公开专区"],
                audience=guide.audience,
                form="主动公开",
                status="已公开",
                service_class="行政服务",
                item_type="办事指南",
                level=["县级"],
                guide_id=guide.id,
                updated_at=DAY,
            )
        )
    used = {g.domain for g in guides}
    return ensure_valid(
        ContentBundle(site=site, domains=[d for d in domains if d.name in used], catalog=catalog, guides=guides)
    )


def change_guides(bundle: ContentBundle, ids: set[str], tag: str, phones_only: bool = False) -> ContentBundle:
    """A revised summary (indexed text), or with `phones_only` a new consulting phone (not indexed)."""

    def changed(g: Guide) -> Guide:
        if phones_only:
            return g.model_copy(update={"consult_phone": f"0999-61{sum(map(ord, tag + g.id)) % 100000:05d}"})
        return g.model_copy(update={"summary": g.summary + f"（{tag}修订）"})

    guides = [changed(g) if g.id in ids else g for g in bundle.guides]
    return ContentBundle(site=bundle.site, domains=bundle.domains, catalog=bundle.catalog, guides=guides)


def timed_sync(root: Path, settings: SyncSettings) -> tuple[float, int, str, int]:
    start = time.perf_counter()
    result = sync(root, settings)
    return time.perf_counter() - start, result.bytes_downloaded, result.outcome, result.targets_downloaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guides", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    rows: list[tuple[str, str, str, str]] = []
    try:
        t0 = time.perf_counter()
        bundle = generate_county(args.guides)
        print(
            f"generated {args.guides} guides + {len(bundle.catalog)} catalog rows in {time.perf_counter() - t0:.1f} s"
        )
        keys.generate_keys(work / "keys")
        t0 = time.perf_counter()
        published = publish_bundle(bundle, work / "repo", work / "keys")
        publish_s = time.perf_counter() - t0
        print(
            f"published {published.targets} targets, repository {repository_size(work / 'repo') / 1e6:.1f} MB"
            f" in {publish_s:.1f} s"
        )
        builds = []
        for i in range(3):
            t0 = time.perf_counter()
            build_release(bundle, work / f"build-{i}")
            builds.append(time.perf_counter() - t0)
        with RepoServer(work / "repo") as server:
            settings = SyncSettings(server.metadata_url, server.targets_url, work / "keys" / "root.json")
            firsts = [timed_sync(work / f"first-{i}", settings) for i in range(2)]
            full_bytes = firsts[0][1]
            rows.append(
                (
                    "first sync",
                    f"{statistics.median(f[0] for f in firsts):.2f}",
                    f"{full_bytes:,}",
                    f"{firsts[0][3]:,} targets",
                )
            )
            terminal = work / "first-0"
            nochange = []
            for _ in range(args.runs):
                publish_bundle(bundle, work / "repo", work / "keys")  # timestamp only
                nochange.append(timed_sync(terminal, settings))
            assert all(r[2] == "unchanged" for r in nochange)
            rows.append(
                (
                    "no-change sync",
                    f"{statistics.median(r[0] for r in nochange):.3f}",
                    f"{int(statistics.median(r[1] for r in nochange)):,}",
                    "timestamp only",
                )
            )
            rng = random.Random(42)
            n_change = max(1, args.guides // 100)
            cases = (
                ("1 % change, scattered", True, False),
                ("1 % change, one department", False, False),
                ("1 % change, phone numbers only (index reused)", True, True),
            )
            for label, scattered, phones_only in cases:
                results = []
                for run in range(3):
                    if scattered:
                        ids = set(rng.sample([g.id for g in bundle.guides], n_change))
                    else:
                        domain = bundle.guides[run * 997 % len(bundle.guides)].domain
                        ids = set(sorted(g.id for g in bundle.guides if g.domain == domain)[:n_change])
                    bundle = change_guides(bundle, ids, f"{label}{run}", phones_only)
                    publish_bundle(bundle, work / "repo", work / "keys")
                    results.append(timed_sync(terminal, settings))
                assert all(r[2] == "updated" for r in results)
                med_bytes = int(statistics.median(r[1] for r in results))
                med_targets = int(statistics.median(r[3] for r in results))
                rows.append(
                    (
                        label,
                        f"{statistics.median(r[0] for r in results):.2f}",
                        f"{med_bytes:,}",
                        f"{med_bytes / full_bytes:.2%} of full; {med_targets} targets",
                    )
                )
        rows.append(("release build (database and index)", f"{statistics.median(builds):.2f}", "-", "median of 3"))
        rows.append(("publish, first", f"{publish_s:.2f}", "-", f"{published.targets:,} targets"))
        width = max(len(r[0]) for r in rows)
        print()
        print(f"{'case':<{width}}  {'time s':>8}  {'bytes':>12}  note")
        for case, secs, size, note in rows:
            print(f"{case:<{width}}  {secs:>8}  {size:>12}  {note}")
        row = next(r for r in rows if r[0].startswith("1 % change, scattered"))
        ratio = int(row[2].replace(",", "")) / full_bytes
        print()
        print(f"ratio 1%-change bytes / full-sync bytes (scattered): {ratio:.4f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
