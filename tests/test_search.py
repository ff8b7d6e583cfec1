"""The search engine: query understanding, ranking, grouping, highlighting, suggestions."""

from __future__ import annotations

import pytest

from content_sync.release import activate, build_release
from kiosk.search import EngineCache, SearchEngine
from tests.factories import make_guide
from tests.search_fixtures import county


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> SearchEngine:
    root = tmp_path_factory.mktemp("search") / "data"
    cache = root.parent / "cache"
    release = build_release(county(), root, cache_dir=cache)
    return SearchEngine(release, cache)


def ids(result) -> list[str]:
    return [h.id for h in result.hits]


def test_everyday_word_finds_the_official_term_through_synonyms(engine):
    # g-social-01 has 社保 only as a keyword; 社会保障卡 is 社保 in the default lexicon.
    assert {"g-social-01", "g-card-01"} <= set(ids(engine.search("社保"))[:3])
    assert "g-card-01" in ids(engine.search("社保卡"))  # default lexicon: 社保卡 -> 社会保障卡


def test_synonyms_work_both_ways(engine):
    # official -> everyday: the guide only says 低保 in its summary, the query is official.
    assert "d-0005" in ids(engine.search("最低生活保障"))
    # everyday -> official: the guide's record never says 低保.
    assert "g-dibao-01" in ids(engine.search("低保"))[:2]


def test_latin_letters_are_read_as_initials_or_full_pinyin(engine):
    assert set(ids(engine.search("sfz"))[:2]) == {"g-id-01", "g-id-02"}
    assert set(ids(engine.search("shenfenzheng"))[:2]) == {"g-id-01", "g-id-02"}
    assert ids(engine.search("dbsq"))[0] == "g-dibao-01"  # 低保 + 申请, split by the engine
    assert ids(engine.search("ＳＦＺ"))[:2] == ids(engine.search("sfz"))[:2]


def test_pinyin_typos_and_homophones_are_tolerated(engine):
    for typo in ("shenfengzheng", "shenfenzehng", "senfenzen", "身分证"):
        assert set(ids(engine.search(typo))[:2]) == {"g-id-01", "g-id-02"}, typo


def test_mixed_chinese_and_initials(engine):
    assert ids(engine.search("补办sfz"))[0] == "g-id-02"


def test_document_numbers_find_the_document(engine):
    assert ids(engine.search("测政发〔2024〕12号")) == ["d-0004"]
    assert ids(engine.search("〔2020〕12号")) == ["d-0003"]
    assert set(ids(engine.search("12号"))) == {"d-0003", "d-0004"}


def test_valid_documents_rank_above_repealed_ones(engine):
    found = ids(engine.search("最低生活保障办法"))
    assert found.index("d-0004") < found.index("d-0003")
    assert ids(engine.search("12号"))[0] == "d-0004"


def test_exact_name_comes_first(engine):
    assert ids(engine.search("社会保障卡申领"))[0] == "g-card-01"


def test_service_queries_put_guides_first_and_policy_queries_documents(engine):
    assert engine.search("低保申请").hits[0].kind == "guide"
    assert engine.search("低保办法").hits[0].kind == "document"


def test_results_are_grouped_by_kind_in_order_of_the_best_hit(engine):
    result = engine.search("城乡居民养老保险")
    kinds = [g.kind for g in result.groups]
    assert len(kinds) == len(set(kinds)) >= 3
    assert [h for g in result.groups for h in g.hits] == sorted(
        result.hits, key=lambda h: (kinds.index(h.kind), result.hits.index(h))
    )
    assert {g.kind: g.label for g in result.groups}["guide"] == "办事指南"


def test_titles_and_snippets_highlight_the_match_and_escape_html(engine):
    hit = next(h for h in engine.search("低保标准").hits if h.id == "d-0005")
    assert "<mark>低保标准</mark>" in hit.snippet_html
    assert "&lt;b&gt;调整&lt;/b&gt;" in hit.title_html and "<b>" not in hit.title_html


def test_limit_and_total(engine):
    assert len(engine.search("测试县", limit=2).hits) == 2
    assert engine.search("测试县", limit=2).total == 2


def test_queries_that_find_nothing_or_mean_nothing(engine):
    assert engine.search("火星移民").hits == []
    for query in ("", "   ", "的", "？？？", "AND OR NOT", "*", "\x00"):
        result = engine.search(query)
        assert not result.failed, query


def test_whoosh_syntax_is_just_text(engine):
    assert ids(engine.search('"身份证" AND (换领)')) == ids(engine.search("身份证 换领"))
    assert ids(engine.search("身份证*"))[:2] == ids(engine.search("身份证"))[:2]


def test_suggestions_by_title_word_initials_and_pinyin(engine):
    assert [s.id for s in engine.search("x").hits] == []
    assert engine.suggest("居民身份")[0].id in {"g-id-01", "g-id-02"}
    assert {s.id for s in engine.suggest("身份证")} >= {"g-id-01", "g-id-02"}  # a word inside the title
    assert {s.id for s in engine.suggest("jmsfz")} >= {"g-id-01", "g-id-02"}
    assert {s.id for s in engine.suggest("shehuibao")} >= {"g-card-01", "g-card-02"}
    assert engine.suggest("社会保障卡申领")[0].id == "g-card-01"  # exact title before longer ones
    assert "<mark>身份证</mark>" in engine.suggest("身份证")[0].title_html


def test_suggestions_need_two_letters_and_never_fail(engine):
    assert engine.suggest("s") == []
    assert engine.suggest("") == []
    assert engine.suggest("\x00%_'\"") == []
    assert engine.suggest("低保")[0].kind == "guide"


def test_a_county_without_synonyms_still_understands_everyday_words(tmp_path):
    bundle = county()
    bundle.synonyms = []
    bundle.guides = [g.model_copy(update={"keywords": []}) for g in bundle.guides]
    release = build_release(bundle, tmp_path / "data", cache_dir=tmp_path / "cache")
    bare = SearchEngine(release, tmp_path / "cache")
    assert ids(bare.search("社保"))[0] in {"g-social-01", "c-social-001", "g-card-01"}
    assert ids(bare.search("sb"))[0] in {"g-social-01", "c-social-001", "g-card-01"}
    assert ids(bare.search("吃低保"))[0] == "g-dibao-01"
    assert "g-social-01" in ids(bare.search("新农保"))


def test_engine_cache_keeps_one_engine_per_release_and_follows_a_switch(tmp_path):
    root = tmp_path / "data"
    first = build_release(county(), root, cache_dir=tmp_path / "cache")
    activate(root, first)
    cache = EngineCache(tmp_path / "cache")
    engine = cache.get(root / "current")
    assert engine is cache.get(first)
    bundle = county()
    bundle.guides = bundle.guides + [make_guide("g-new-01", "新增事项办理", item_code="T-9", keywords=[])]
    second = build_release(bundle, root, cache_dir=tmp_path / "cache")
    activate(root, second)
    newer = cache.get(root / "current")
    assert newer is not engine
    assert ids(newer.search("新增事项"))[0] == "g-new-01"
    assert "g-new-01" not in ids(engine.search("新增事项"))  # the old release is still served whole


def test_engine_cache_gives_none_for_a_release_without_index(tmp_path):
    (tmp_path / "rel").mkdir()
    assert EngineCache(tmp_path / "cache").get(tmp_path / "rel") is None
