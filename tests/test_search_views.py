"""The search screen: /search, /search/suggest, /search/open and the query log."""

from __future__ import annotations

import json
import re

import pytest

from content_sync import paths
from kiosk.search import querylog
from tests.factories import state_rows


def log_rows(data_dir) -> list[dict]:
    return [dict(r) for r in state_rows(data_dir, "SELECT * FROM search_log ORDER BY id", querylog.ensure)]


def test_search_page_without_query_shows_box_keyboard_and_default_popular_searches(client):
    page = client.get("/search").get_data(as_text=True)
    assert 'action="/search" method="get"' in page  # works as a plain form without JS
    assert 'hx-get="/search/suggest"' in page
    assert 'data-keyboard data-for="search-q"' in page and "data-ime-collapsible" in page
    assert re.search(r'data-key="s">s</button>', page) and 'data-action="backspace"' in page
    assert ">社保</a>" in page and ">身份证</a>" in page  # the default popular list
    assert "style=" not in page and "<script>" not in page  # CSP: no inline style or script


def test_search_shows_results_grouped_with_highlight_and_logs_the_query(client, data_dir):
    response = client.get("/search?q=社保")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "找到" in page and "办事指南" in page and "公开目录" in page
    assert "<mark>社保</mark>" in page or "<mark>社会保险</mark>" in page
    assert "/search/open?kind=guide&amp;id=g-social-01&amp;log=1" in page
    [row] = log_rows(data_dir)
    assert (row["query"], row["source"], row["opened_id"]) == ("社保", "screen", None)
    assert row["result_count"] >= 2 and row["took_ms"] >= 0 and row["at"].endswith("+00:00")


def test_htmx_search_from_the_form_returns_only_the_results_fragment(client):
    response = client.get("/search?q=sfz", headers={"HX-Request": "true", "HX-Target": "search-results"})
    page = response.get_data(as_text=True)
    assert "<html" not in page and "search-form" not in page
    assert "result-group" in page or "search-empty" in page


def test_empty_result_offers_next_steps(client, data_dir):
    page = client.get("/search?q=火星移民").get_data(as_text=True)
    assert "没有找到与“火星移民”有关的内容" in page
    assert 'href="/guides/domains"' in page and "服务窗口" in page and "12345" in page
    assert log_rows(data_dir)[0]["result_count"] == 0


def test_suggest_returns_links_that_open_records(client, data_dir):
    response = client.get("/search/suggest?q=cxjm", headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in page
    assert "城乡居民基本养老保险参保登记" in page
    assert "/search/open?kind=guide&amp;id=g-social-01&amp;q=cxjm&amp;via=suggest" in page
    assert log_rows(data_dir) == []  # typing is not searching


def test_suggest_with_nothing_typed_is_empty(client):
    assert client.get("/search/suggest").get_data(as_text=True).strip() == ""


def test_open_records_the_chosen_result_and_redirects_to_its_page(client, data_dir):
    client.get("/search?q=社保")
    response = client.get("/search/open?kind=guide&id=g-social-01&log=1")
    assert response.status_code == 303 and response.headers["Location"] == "/guides/g-social-01"
    # a second result opened from the same search does not overwrite the first choice
    client.get("/search/open?kind=catalog&id=c-social-001&log=1")
    [row] = log_rows(data_dir)
    assert (row["opened_kind"], row["opened_id"]) == ("guide", "g-social-01")


@pytest.mark.parametrize(
    ("kind", "record_id", "url"),
    [
        ("catalog", "c-social-001", "/catalog/c-social-001"),
        ("document", "d-0001", "/documents/d-0001"),
        ("life_event", "e-retire", "/events/e-retire"),
    ],
)
def test_open_goes_to_each_kind_of_record_page(client, kind, record_id, url):
    assert client.get(f"/search/open?kind={kind}&id={record_id}").headers["Location"] == url


def test_open_from_htmx_answers_with_hx_location(client):
    response = client.get("/search/open?kind=guide&id=g-social-01", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert json.loads(response.headers["HX-Location"]) == {"path": "/guides/g-social-01", "target": "#main"}


def test_open_from_a_suggestion_logs_a_suggest_row(client, data_dir):
    client.get("/search/open?kind=guide&id=g-social-01&q=cxjm&via=suggest")
    [row] = log_rows(data_dir)
    assert (row["query"], row["source"], row["opened_id"]) == ("cxjm", "suggest", "g-social-01")


@pytest.mark.parametrize(
    "query",
    [
        "kind=guide&id=nope",
        "kind=weird&id=g-social-01",
        "kind=guide",
        "id=g-social-01",
        "kind=guide&id=" + "x" * 200,
        "kind=guide&id=g-social-01&log=abc",
        "kind=guide&id=g-social-01'--",
    ],
)
def test_open_with_bad_parameters_is_a_404_or_a_redirect_never_a_500(client, query):
    assert client.get("/search/open?" + query).status_code in (303, 404)


def test_popular_searches_come_from_the_log_once_searched_often(app, client):
    for query in ("养老保险", "社保", "参保登记"):
        for _ in range(3):  # three different idle sessions
            app.test_client().get("/search", query_string={"q": query})
    for _ in range(3):
        app.test_client().get("/search?q=火星移民")  # found nothing: never offered as popular
    app.test_client().get("/search?q=养老保险")
    page = client.get("/search").get_data(as_text=True)
    popular = re.findall(r'class="chip"[^>]*>([^<]+)</a>', page)
    assert popular[0] == "养老保险" and "火星移民" not in popular


def test_the_log_keeps_no_personal_data(client, data_dir):
    client.get("/search?q=身份证 110101199003071234 电话 13912345678")
    [row] = log_rows(data_dir)
    assert "1101" not in row["query"] and "1391" not in row["query"]
    assert set(row) == {
        "id",
        "at",
        "query",
        "result_count",
        "took_ms",
        "source",
        "opened_kind",
        "opened_id",
        "session_tag",
    }


@pytest.mark.parametrize(
    "url",
    [
        "/search?q=" + "低保" * 500,
        "/search?q=%00%01%02",
        "/search?q=%FF%FE",
        "/search?q=AND+OR+NOT+*+?+~+^+%22+(+)+:+[+]+{+}",
        "/search?q=<script>alert(1)</script>",
        "/search?q=a&q=b",
        "/search/suggest?q=%00",
        "/search/suggest?q=" + "s" * 5000,
    ],
)
def test_odd_requests_never_give_a_500(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "<script>alert" not in response.get_data(as_text=True)


def test_without_a_release_the_search_says_content_is_not_ready(tmp_path):
    from kiosk import create_app

    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path), "CACHE_DIR": str(tmp_path / "c")})
    assert app.test_client().get("/search?q=社保").status_code == 503


def test_a_release_without_index_says_search_is_unavailable(app, data_dir):
    import shutil

    shutil.rmtree(paths.current_release(data_dir) / paths.RELEASE_INDEX)
    page = app.test_client().get("/search?q=社保").get_data(as_text=True)
    assert "搜索暂时不能使用" in page


def test_a_guide_and_its_catalog_row_are_suggested_once_as_the_guide(client):
    page = client.get("/search/suggest?q=城乡居民基本养老").get_data(as_text=True)
    assert page.count("</mark>保险参保登记</span>") == 1  # the guide's and the catalog row's title
    assert "kind=guide&amp;id=g-social-01" in page and "kind=catalog" not in page
