"""A query never raises and never gives a 500: arbitrary text, control characters, very long
input and whoosh's syntax characters, into the engine and through the web routes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content_sync.release import build_release
from kiosk.search import SearchEngine
from tests.factories import make_bundle

SYNTAX = ["AND", "OR", "NOT", "*", "?", "~", "^", '"', "(", ")", ":", "[", "]", "{", "}", "TO", "\\", "/", "-", "+"]
WORDS = ["社保", "身份证", "sfz", "〔2024〕12号", "12号", "低保", "shebao", "号", "〔", "年", " ", "\x00", "\u200b"]

queries = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.lists(st.sampled_from(SYNTAX + WORDS), max_size=30).map(" ".join),
    st.lists(st.sampled_from(SYNTAX + WORDS), max_size=30).map("".join),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=60),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=40),
    st.integers(min_value=0, max_value=10**30).map(lambda n: f"〔{n}〕{n}号"),
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    return SearchEngine(build_release(make_bundle(), root / "data", cache_dir=root / "cache"), root / "cache")


@FUZZ
@given(query=queries, limit=st.integers(min_value=-5, max_value=500))
def test_search_never_raises_and_never_fails(engine, query, limit):
    result = engine.search(query, limit=limit)
    assert not result.failed
    assert len(result.hits) <= 200
    assert all(h.kind in ("guide", "catalog", "document", "life_event") for h in result.hits)


@FUZZ
@given(prefix=queries)
def test_suggest_never_raises(engine, prefix):
    assert len(engine.suggest(prefix)) <= 8


def test_a_very_long_query_is_cut_and_still_answers(engine):
    result = engine.search("社保" * 50_000)
    assert not result.failed and result.hits


@FUZZ
@given(query=queries)
def test_web_routes_never_give_a_500(client, query):
    for url in ("/search", "/search/suggest"):
        response = client.get(url, query_string={"q": query})
        assert response.status_code == 200, (url, query)
    response = client.get("/search/open", query_string={"kind": "guide", "id": query, "log": query})
    assert response.status_code in (303, 404)
