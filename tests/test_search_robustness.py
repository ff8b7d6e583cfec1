"""Integer query parameters never overflow into a 500, and the public "大家常搜" list only shows
queries that are safe and useful to show."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.search import querylog

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(["", "0", "-1", "1e309", "nan", "inf", "٣", "１２", " 7 ", "0x10", str(2**63), str(2**63 - 1)]),
    st.text(max_size=30),
)


@pytest.mark.parametrize("log", ["99999999999999999999999", str(2**63), "-5", "0", "1.5", "abc", "１２"])
def test_search_open_with_an_out_of_range_log_id_still_redirects(client, log):
    response = client.get("/search/open", query_string={"log": log, "kind": "guide", "id": "g-social-01"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/guides/g-social-01")


def test_search_open_with_a_valid_log_id_records_the_opened_result(app, client):
    client.get("/search", query_string={"q": "社保"})
    with app.app_context():
        from kiosk.state_db import get_state

        log_id = get_state().execute("SELECT max(id) FROM search_log").fetchone()[0]
    response = client.get("/search/open", query_string={"log": str(log_id), "kind": "guide", "id": "g-social-01"})
    assert response.status_code == 303
    with app.app_context():
        from kiosk.state_db import get_state

        row = get_state().execute("SELECT opened_id FROM search_log WHERE id = ?", (log_id,)).fetchone()
    assert row[0] == "g-social-01"


@FUZZ
@given(value=numbers)
def test_integer_query_parameters_never_give_a_500(client, value):
    urls = [
        ("/search/open", {"log": value, "kind": "guide", "id": "g-social-01"}),
        ("/domains/social/guides", {"page": value}),
        ("/departments/测试县人力资源和社会保障局", {"page": value}),
        ("/domains/social", {"page": value, "c1": "养老保险"}),
        ("/documents/list/规范性文件", {"page": value}),
        ("/guides/g-social-01", {"rated": value}),
        ("/documents/d-0001", {"rated": value}),
        ("/admin/stats", {"days": value}),
        ("/admin/stats", {"since": value}),
    ]
    for url, params in urls:
        response = client.get(url, query_string=params)
        assert response.status_code < 500, (url, params, response.status_code)


def _chips(client) -> list[str]:
    page = client.get("/search").get_data(as_text=True)
    return re.findall(r'class="chip"[^>]*>([^<]+)</a>', page)


def _search_in_new_sessions(app, query: str, sessions: int, times: int = 1) -> None:
    for _ in range(sessions):
        citizen = app.test_client()
        for _ in range(times):
            assert citizen.get("/search", query_string={"q": query}).status_code == 200


def _defaults(client) -> list[str]:
    return _chips(client)


def test_a_query_repeated_in_one_session_never_becomes_popular(app, client):
    defaults = _defaults(app.test_client())
    _search_in_new_sessions(app, "养老保险", sessions=1, times=10)
    _search_in_new_sessions(app, "社保", sessions=2, times=3)
    assert _chips(client) == defaults


def test_queries_from_three_sessions_that_found_results_lead_the_popular_list(app, client):
    defaults = _defaults(app.test_client())
    for query in ("养老保险", "参保登记", "城乡居民"):
        _search_in_new_sessions(app, query, sessions=3)
    _search_in_new_sessions(app, "养老保险", sessions=1)
    chips = _chips(client)
    assert chips[:3] == ["养老保险", "参保登记", "城乡居民"]
    assert [c for c in chips if c in defaults] == [d for d in defaults if d not in chips[:3]][: len(chips) - 3]


def test_queries_without_results_and_digit_queries_are_never_popular(app, client):
    for query in ("火星移民", "12345", "2024", "0999 6000", "养老保险 13912345678", "养老保险", "参保登记", "城乡居民"):
        _search_in_new_sessions(app, query, sessions=3)
    chips = _chips(client)
    assert chips[:3] == ["养老保险", "参保登记", "城乡居民"]
    assert not any(c in chips for c in ("火星移民", "12345", "2024", "0999 6000"))
    assert not any(ch.isdigit() or "#" in ch for c in chips for ch in c)


def test_too_few_qualifying_queries_keep_the_default_list(app, client):
    defaults = _defaults(app.test_client())
    _search_in_new_sessions(app, "养老保险", sessions=5)
    _search_in_new_sessions(app, "参保登记", sessions=3)
    assert _chips(client) == defaults


def test_the_session_tag_links_one_query_in_one_session_only():
    tag = querylog.session_tag("secret", "sid-1", "社保")
    assert tag == querylog.session_tag("secret", "sid-1", " 社保 ")
    assert tag != querylog.session_tag("secret", "sid-1", "低保")
    assert tag != querylog.session_tag("secret", "sid-2", "社保")
    assert "sid-1" not in tag
    assert querylog.session_tag("secret", None, "社保") is None
