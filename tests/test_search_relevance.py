"""Relevance on the sample county: at least 200 queries as citizens type them, each with the
records it should find (tests/relevance/queries.tsv).

Thresholds (stated in docs/search.md): with the county's synonym groups Recall@5 >= 0.9 and
MRR >= 0.85; as a county that brings no synonyms and no guide keywords (only the product's
default lexicon knows everyday words) Recall@5 >= 0.9 and MRR >= 0.8.
"""

from __future__ import annotations

import sqlite3

import pytest

from content_sync import paths
from kiosk.search import SearchEngine
from tests.search_fixtures import build_sample_release, evaluate, read_queries

RECALL_AT_5 = 0.9
MRR = 0.85
BARE_RECALL_AT_5 = 0.9
BARE_MRR = 0.8
CATEGORIES = {"everyday", "initials", "pinyin", "partial", "number", "typo", "mixed", "policy"}


@pytest.fixture(scope="module")
def sample_release(tmp_path_factory):
    root = tmp_path_factory.mktemp("sample")
    return build_sample_release(root / "data", root / "cache"), root / "cache"


@pytest.fixture(scope="module")
def bare_release(tmp_path_factory):
    root = tmp_path_factory.mktemp("bare")
    return build_sample_release(root / "data", root / "cache", bare=True), root / "cache"


def _report(result: dict) -> str:
    lines = [f"Recall@5 {result['recall']:.3f}  MRR {result['mrr']:.3f}"]
    lines += [f"  {c:9} R@5 {r:.3f}  MRR {m:.3f}  ({n})" for c, (r, m, n) in sorted(result["categories"].items())]
    lines += [
        f"  miss {j.query!r}: want {' '.join(j.expected)}, got {' '.join(top)}" for j, _r, top in result["misses"]
    ]
    return "\n".join(lines)


def test_query_set_is_large_varied_and_names_real_records(sample_release):
    queries = read_queries()
    assert len(queries) >= 200
    assert {q.category for q in queries} == CATEGORIES
    assert len({q.query for q in queries}) == len(queries), "a query is listed twice"
    release, _cache = sample_release
    db = sqlite3.connect(release / paths.RELEASE_DB)
    known = set()
    for table in ("guides", "catalog_items", "documents", "life_events"):
        known |= {r[0] for r in db.execute(f"SELECT id FROM {table}")}
    db.close()
    unknown = sorted({i for q in queries for i in q.expected} - known)
    assert not unknown, f"expected ids not in the sample county: {unknown}"


def test_recall_and_mrr_on_the_sample_county(sample_release):
    release, cache = sample_release
    result = evaluate(SearchEngine(release, cache), read_queries())
    print(_report(result))
    assert result["failed"] == []
    assert result["recall"] >= RECALL_AT_5, _report(result)
    assert result["mrr"] >= MRR, _report(result)


def test_a_county_without_synonyms_or_keywords_still_finds_everyday_words(bare_release):
    release, cache = bare_release
    result = evaluate(SearchEngine(release, cache), read_queries())
    print(_report(result))
    assert result["failed"] == []
    assert result["recall"] >= BARE_RECALL_AT_5, _report(result)
    assert result["mrr"] >= BARE_MRR, _report(result)
