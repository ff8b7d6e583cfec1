"""Fixtures and helpers for the search tests: releases built from the sample county or from the
small test county, and the relevance query set (tests/relevance/queries.tsv)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from content_sync.release import activate, build_release
from content_sync.sample import sample_source_dir
from content_sync.schema import Document
from tests.factories import DAY, make_bundle, make_guide

RELEVANCE_FILE = Path(__file__).resolve().parent / "relevance" / "queries.tsv"


def sample_dir() -> Path:
    """The sample county's source folder; KIOSK_TEST_SAMPLE_DIR may point at another copy."""
    override = os.environ.get("KIOSK_TEST_SAMPLE_DIR")
    return Path(override) if override else sample_source_dir()


def need_sample() -> Path:
    """The sample county's folder, which must hold its guides and documents (as sheets or JSON Lines)."""
    path = sample_dir()
    has = [(path / sheets).is_dir() or (path / f"{sheets}.xlsx").is_file() or (path / jsonl).is_file()
           for sheets, jsonl in (("办事指南", "guides.jsonl"), ("政府信息", "documents.jsonl"))]  # fmt: skip
    assert all(has), f"the sample county in {path} lacks its guides or its documents"
    return path


def build_sample_release(root: Path, cache_dir: Path, *, bare: bool = False) -> Path:
    """Build and activate a release of the sample county. `bare`: as a county that brings no
    synonym groups and no guide keywords, so only the product's default lexicon knows everyday words."""
    from content_sync.sources import read_source_dir

    bundle = read_source_dir(need_sample())
    if bare:
        bundle.synonyms = []
        bundle.guides = [g.model_copy(update={"keywords": []}) for g in bundle.guides]
    release = build_release(bundle, root, cache_dir=cache_dir)
    activate(root, release)
    return release


@dataclass(frozen=True)
class Judged:
    category: str
    query: str
    expected: tuple[str, ...]


def read_queries(path: Path = RELEVANCE_FILE) -> list[Judged]:
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or not parts[2].split():
            raise ValueError(f"{path.name}, line {number}: want category<TAB>query<TAB>ids, got {line!r}")
        out.append(Judged(parts[0], parts[1], tuple(parts[2].split())))
    return out


def evaluate(engine, queries: list[Judged], k: int = 5) -> dict:
    """Recall@k (share of expected ids in the top k, at most k of them) and MRR, per category;
    the queries that raised (`failed`) and those that found nothing (`empty`)."""
    rows, failed, empty = [], [], []
    for judged in queries:
        result = engine.search(judged.query, limit=max(k, 10))
        if result.failed:
            failed.append(judged.query)
        # Partial matches (相关事项) are shown below every full match.
        ranked = [h.id for h in result.hits + result.related]
        if not ranked:
            empty.append(judged.query)
        top = ranked[:k]
        recall = sum(1 for i in judged.expected if i in top) / min(len(judged.expected), k)
        rank = next((n for n, rid in enumerate(ranked, start=1) if rid in judged.expected), None)
        rows.append((judged, recall, 1.0 / rank if rank else 0.0, top))
    by_cat: dict[str, list] = {}
    for row in rows:
        by_cat.setdefault(row[0].category, []).append(row)
    return {
        "recall": sum(r[1] for r in rows) / len(rows),
        "mrr": sum(r[2] for r in rows) / len(rows),
        "categories": {
            c: (sum(r[1] for r in rs) / len(rs), sum(r[2] for r in rs) / len(rs), len(rs)) for c, rs in by_cat.items()
        },
        "misses": [(r[0], r[1], r[3]) for r in rows if r[1] < 1.0],
        "failed": failed,
        "empty": empty,
    }


def _doc(doc_id: str, title: str, number: str = "", validity: str | None = "有效", **update) -> Document:
    fields = dict(
        id=doc_id,
        kind="规范性文件",
        title=title,
        number=number,
        issuer="测试县人民政府",
        issued_on=dt.date(2024, 1, 1),
        validity=validity,
        domain="社会保险",
        body="第一条 为规范管理，制定本办法。",
        updated_at=DAY,
    )
    fields.update(update)
    return Document(**fields)


def county():
    """The small test county plus what the ranking rules need to show themselves."""
    bundle = make_bundle()
    bundle.guides = bundle.guides + [
        make_guide("g-id-01", "居民身份证换领", keywords=[], item_code="T-2"),
        make_guide("g-id-02", "居民身份证补领", keywords=[], item_code="T-3"),
        make_guide("g-card-01", "社会保障卡申领", keywords=[], item_code="T-4"),
        make_guide("g-card-02", "社会保障卡申领进度查询与补换", keywords=[], item_code="T-5"),
        make_guide("g-dibao-01", "最低生活保障申请", keywords=[], item_code="T-6"),
    ]
    bundle.documents = bundle.documents + [
        _doc("d-0003", "测试县最低生活保障办法", "测政发〔2020〕12号", "废止"),
        _doc("d-0004", "测试县最低生活保障实施办法", "测政发〔2024〕12号", "有效"),
        _doc("d-0005", "关于<b>调整</b>低保标准的通知", "", None, kind="通知公告", body="低保标准提高到每月800元。"),
    ]
    return bundle
