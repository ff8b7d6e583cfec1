"""Relevance on a real catalog the lexicon was not written from: the Guangdong development corpus
(2,262 real items; tests/corpus_fixtures.py loads it as a test county through the source reader
and the release builder), with at least 300 queries as citizens type them
(tests/relevance/guangdong_queries.tsv) and a no-answer set of services it does not have
(tests/relevance/guangdong_no_answer.tsv).

Targets (docs/search.md): Recall@5 >= 0.90 and MRR >= 0.80 overall, each query type >= 0.85 on
both; no query that names a service the corpus has comes back empty; every no-answer query gets
no record presented as a match. Partial matches (shown under 相关事项, below the matches) count
where a citizen sees them: after every full match.
"""

from __future__ import annotations

import pytest

from kiosk.search import SearchEngine
from tests.corpus_fixtures import NO_ANSWER_FILE, QUERIES_FILE, build_corpus_release, corpus_items
from tests.search_fixtures import evaluate, read_queries

# The targets above are met except "no empty result" (figures in docs/search.md). The test holds
# the engine to what it reaches now, so that no change makes it worse; raise these as it
# improves, up to the targets.
RECALL_AT_5 = 0.91  # target 0.90 (met)
MRR = 0.90  # target 0.80 (met)
PER_TYPE = 0.86  # target 0.85 (met)
MAX_EMPTY = 1  # target 0
MAX_NO_ANSWER_PRESENTED = 0  # target 0 (met)
TYPES = {"everyday", "action", "question", "initials", "pinyin", "typo", "department"}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("guangdong")
    release = build_corpus_release(root, root / "cache")
    eng = SearchEngine(release, root / "cache")
    yield eng
    eng.close()


def _report(result: dict) -> str:
    lines = [f"Recall@5 {result['recall']:.3f}  MRR {result['mrr']:.3f}  empty {len(result['empty'])}"]
    lines += [f"  {c:10} R@5 {r:.3f}  MRR {m:.3f}  ({n})" for c, (r, m, n) in sorted(result["categories"].items())]
    lines += [
        f"  miss {j.category} {j.query!r}: got {' '.join(t[-6:] for t in top)}" for j, _r, top in result["misses"]
    ]
    lines += [f"  EMPTY {q!r}" for q in result["empty"]]
    return "\n".join(lines)


def test_query_set_is_large_varied_and_names_real_items():
    queries = read_queries(QUERIES_FILE)
    assert len(queries) >= 300
    assert {q.category for q in queries} == TYPES
    assert len({q.query for q in queries}) == len(queries), "a query is listed twice"
    known = {item["task_code"] for item in corpus_items()}
    unknown = sorted({i for q in queries for i in q.expected} - known)
    assert not unknown, f"expected task codes not in the corpus: {unknown[:10]}"


def test_recall_and_mrr_on_a_real_catalog(engine):
    result = evaluate(engine, read_queries(QUERIES_FILE))
    print(_report(result))
    assert result["failed"] == [], "searches raised"
    assert len(result["empty"]) <= MAX_EMPTY, _report(result)
    assert result["recall"] >= RECALL_AT_5, _report(result)
    assert result["mrr"] >= MRR, _report(result)
    weak = {c: (r, m) for c, (r, m, _n) in result["categories"].items() if r < PER_TYPE or m < PER_TYPE}
    assert not weak, _report(result)


def _no_answer_queries() -> list[str]:
    lines = NO_ANSWER_FILE.read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[0] for line in lines if line.strip() and not line.startswith("#")]


def test_services_the_catalog_lacks_get_an_honest_no_answer(engine):
    queries = _no_answer_queries()
    assert len(queries) >= 20
    presented = {}
    for q in queries:
        result = engine.search(q, limit=10)
        assert not result.failed, q
        if result.hits or result.related:
            presented[q] = [h.title for h in (result.hits + result.related)[:3]]
    assert len(presented) <= MAX_NO_ANSWER_PRESENTED, presented
