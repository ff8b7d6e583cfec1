"""The engine's faster whoosh parts (kiosk/search/matchers.py, mapped.py) give exactly what
whoosh's own give: the same documents with the same scores, read from the same files."""

from __future__ import annotations

import random
import tracemalloc

import pytest
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.query import And, AndMaybe, Or, Prefix, Term
from whoosh.scoring import BM25F

from content_sync.search_index.builder import make_schema
from kiosk.search.mapped import MappedStorage
from kiosk.search.matchers import (
    LengthCachedBM25F,
    ScoredAnd,
    ScoredAndMaybe,
    ScoredUnion,
    holding,
    prefix_union,
    read_whole,
)

WORDS = ["社保", "养老", "保险", "医保", "登记", "申请", "补贴", "证明", "户口", "迁移", "低保", "救助", "婚姻", "生育"]
INITIALS = ["sb", "ylbx", "ylbxdj", "ylbxsq", "ybdj", "hkqy", "hkqydj", "dbsq", "hydj", "hydjbl"]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    """A one-segment index of the engine's schema: short titles, longer bodies, initials."""
    path = tmp_path_factory.mktemp("matchers-index")
    rnd = random.Random(5)
    ix = whoosh_index.create_in(str(path), make_schema())
    writer = ix.writer()
    for i in range(3000):
        writer.add_document(
            id=f"r{i}",
            kind="guide",
            title_text=f"记录{i}",
            title=" ".join(rnd.sample(WORDS, rnd.randint(1, 4))),
            keywords=" ".join(rnd.sample(WORDS, rnd.randint(0, 2))),
            body=" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(5, 120))),
            ini=" ".join(rnd.sample(INITIALS, rnd.randint(0, 3))),
        )
    writer.commit()
    return path


@pytest.fixture(scope="module")
def searchers(index_dir):
    """whoosh's own searcher and the engine's (mapped files, cached lengths), on one index."""
    theirs = whoosh_index.open_dir(str(index_dir)).searcher(weighting=BM25F())
    ours = MappedStorage(str(index_dir)).open_index().searcher(weighting=LengthCachedBM25F())
    yield theirs, ours
    theirs.close()
    ours.close()


def scores(searcher, query) -> dict[int, float]:
    return {hit.docnum: hit.score for hit in searcher.search(query, limit=None, terms=False)}


def same(a: dict[int, float], b: dict[int, float]) -> None:
    assert a.keys() == b.keys()
    assert all(b[d] == pytest.approx(s, rel=1e-9) for d, s in a.items())


def random_or(rnd: random.Random) -> Or:
    terms = []
    for word in rnd.sample(WORDS, rnd.randint(1, 4)):
        terms += [Term("title", word, boost=4.0), Term("keywords", word, boost=2.0), Term("body", word)]
    return Or(terms)


def test_scored_union_and_intersection_give_whoosh_documents_and_scores(searchers):
    theirs, ours = searchers
    rnd = random.Random(11)
    for _ in range(40):
        a, b, c = random_or(rnd), random_or(rnd), random_or(rnd)
        expected_or = scores(theirs, Or([a, b]))
        assert expected_or  # the vocabulary is small: every query matches something
        same(expected_or, scores(ours, ScoredUnion([a, b])))
        same(expected_or, scores(ours, read_whole(Or([a, b]))))
        same(scores(theirs, And([a, b, c])), scores(ours, ScoredAnd([a, b, c])))
        # the extras of a search: scored where present, never required
        same(scores(theirs, AndMaybe(And([a, b]), c)), scores(ours, AndMaybe(ScoredAnd([a, b]), c)))
        same(scores(theirs, AndMaybe(And([a, b]), c)), scores(ours, ScoredAndMaybe(ScoredAnd([a, b]), c)))
        same(scores(theirs, AndMaybe(Or([a, b]), c)), scores(ours, ScoredAndMaybe(read_whole(Or([a, b])), c)))


def test_a_rare_word_intersected_with_common_ones_is_probed_not_read(searchers):
    theirs, ours = searchers
    rare = Term("ini", "hydjbl")
    common = random_or(random.Random(3))
    expected = scores(theirs, And([rare, common]))
    assert 0 < len(expected) < 1000
    same(expected, scores(ours, ScoredAnd([common, rare])))


def test_the_top_results_are_the_best_scored_documents(searchers):
    """The best ten of all the matches, as whoosh scores them all. (whoosh's own top-ten search
    of such a query on an index this small picks its union matcher by a heuristic that misses
    the best documents; the engine's unions do not.)"""
    theirs, ours = searchers
    rnd = random.Random(17)
    for _ in range(20):
        q = Or([random_or(rnd), random_or(rnd)])
        best = sorted(scores(theirs, q).items(), key=lambda item: (-item[1], item[0]))[:10]
        top_ours = [(h.docnum, h.score) for h in ours.search(read_whole(q), limit=10, terms=False)]
        assert [d for d, _s in top_ours] == [d for d, _s in best]
        assert [s for _d, s in top_ours] == pytest.approx([s for _d, s in best], rel=1e-9)


def test_prefix_union_matches_what_whoosh_prefix_matches_each_at_its_boost(searchers):
    """(whoosh's own Prefix scores 1 a document, or the term's weight when one term starts with
    the prefix, whatever its boost; the engine's scores each document its boost.)"""
    theirs, ours = searchers
    for prefix in ("ylbx", "hkqy", "hydj", "s", "zzz"):
        found = scores(ours, prefix_union(ours.reader(), "ini", prefix, 0.8))
        assert found.keys() == scores(theirs, Prefix("ini", prefix)).keys()
        assert set(found.values()) <= {0.8}
    assert scores(ours, prefix_union(ours.reader(), "ini", "hydj", 0.8))  # hydj and hydjbl


def test_holding_picks_the_documents_a_query_matches(searchers):
    _theirs, ours = searchers
    rnd = random.Random(23)
    q = random_or(rnd)
    matching = set(scores(ours, q))
    candidates = rnd.sample(range(ours.doc_count_all()), 400)
    assert holding(q, candidates, ours) == matching & set(candidates)
    few = candidates[:3]
    assert holding(Term("ini", "hydjbl"), few, ours) == set(scores(ours, Term("ini", "hydjbl"))) & set(few)


def test_mapped_storage_opens_the_index_without_copying_it(index_dir):
    """whoosh's own map copies the postings and the term table into buffers of its own when a
    searcher opens; the engine's mapped files allocate almost nothing."""

    def allocated_by_opening(storage) -> int:
        ix = storage.open_index()
        tracemalloc.start()
        searcher = ix.searcher()
        searcher.search(Term("title", "社保"), limit=5)
        _now, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        searcher.close()
        return peak

    whoosh_own = allocated_by_opening(FileStorage(str(index_dir)))
    mapped = allocated_by_opening(MappedStorage(str(index_dir)))
    assert whoosh_own > 500_000  # the test index is big enough to see the copy
    assert mapped < whoosh_own / 5
