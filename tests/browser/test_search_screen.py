"""The search screen in Debian's Chromium (Playwright), against a live server on 127.0.0.1:
tap pinyin initials on the on-screen keyboard, see suggestions, open a result."""

from __future__ import annotations

import pytest

from kiosk.search import querylog
from tests.factories import state_rows
from tests.search_fixtures import county

from .live import live_kiosk


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The kiosk on a real HTTP server, CSRF on, with the county the ranking rules need."""
    data = tmp_path_factory.mktemp("live") / "data"
    with live_kiosk(data, county(), SECRET_KEY="browser-test") as url:
        yield url, data


@pytest.fixture
def page(portrait, live_server):
    """The search screen, portrait; no console or page error may occur during the test."""
    base, _data = live_server
    portrait.page.goto(base + "/search")
    yield portrait.page
    assert portrait.errors == [], portrait.errors


def opened(data_dir) -> list[tuple]:
    sql = "SELECT query, source, opened_kind, opened_id FROM search_log"
    return [tuple(r) for r in state_rows(data_dir, sql, querylog.ensure)]


def test_tap_initials_see_suggestions_and_open_one(page, live_server):
    _base, data = live_server
    keyboard = page.locator("[data-keyboard][data-for='search-q']")
    assert keyboard.is_visible()
    for key in "sfz":
        keyboard.locator(f"button[data-key='{key}']").tap()
    assert page.locator("#search-q").input_value() == "sfz"
    suggestion = page.locator("#suggestions a.suggestion", has_text="居民身份证换领")
    suggestion.wait_for(timeout=5000)
    box = suggestion.bounding_box()
    assert box and box["height"] >= 15 / 25.4 * 96 * 0.99  # at least 15 mm high
    suggestion.tap()
    page.wait_for_url("**/guides/g-id-01", timeout=5000)
    assert "居民身份证换领" in page.locator("main").inner_text()
    assert ("sfz", "suggest", "guide", "g-id-01") in opened(data)


def test_backspace_clear_and_search_key_show_grouped_results(page, live_server):
    _base, data = live_server
    keyboard = page.locator("[data-keyboard][data-for='search-q']")
    for key in "dbx":
        keyboard.locator(f"button[data-key='{key}']").tap()
    keyboard.locator("button[data-action='backspace']:visible").tap()
    assert page.locator("#search-q").input_value() == "db"
    keyboard.locator("button[data-action='submit']").tap()
    first = page.locator("#search-results a.result").first
    first.wait_for(timeout=5000)
    assert page.locator("#search-results .result-group-title").first.inner_text().startswith("办事指南")
    assert "最低生活保障申请" in first.inner_text()
    first.tap()
    page.wait_for_url("**/guides/g-dibao-01", timeout=5000)
    assert ("db", "screen", "guide", "g-dibao-01") in opened(data)
    page.go_back()
    # back at the results: the keyboard made way for them; touching the box opens it again
    page.locator("#search-results a.result").first.wait_for(timeout=5000)
    assert keyboard.is_hidden()
    page.locator("#search-q").tap()
    page.locator("[data-keyboard][data-for='search-q'] button[data-action='clear']").wait_for(timeout=5000)
    page.locator("[data-keyboard][data-for='search-q'] button[data-action='clear']").tap()
    assert page.locator("#search-q").input_value() == ""


def test_search_reached_from_the_home_tile_has_a_working_keyboard(page, live_server):
    base, _data = live_server
    page.goto(base + "/")
    page.locator("a[href='/search']").first.tap()
    page.wait_for_url("**/search", timeout=5000)
    keyboard = page.locator("[data-keyboard][data-for='search-q']")
    keyboard.wait_for(state="visible", timeout=5000)
    for key in "jmsfz":
        keyboard.locator(f"button[data-key='{key}']").tap()
    assert page.locator("#search-q").input_value() == "jmsfz"  # each tap types once
    page.locator("#suggestions a.suggestion").first.wait_for(timeout=5000)
    assert "居民身份证" in page.locator("#suggestions").inner_text()
