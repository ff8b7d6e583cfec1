"""The search screen in Debian's Chromium (Playwright), against a live server on 127.0.0.1:
tap pinyin initials on the on-screen keyboard, see suggestions, open a result."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from content_sync import paths, state
from content_sync.release import activate, build_release
from kiosk import create_app
from kiosk.search import querylog
from tests.search_fixtures import county

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The kiosk app on a real HTTP server in a thread, CSRF on, sample data for the search."""
    from werkzeug.serving import make_server

    root = tmp_path_factory.mktemp("live")
    data = root / "data"
    activate(data, build_release(county(), data, cache_dir=root / "cache"))
    app = create_app({"DATA_DIR": str(data), "CACHE_DIR": str(root / "cache"), "SECRET_KEY": "browser-test"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", data
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, live_server):
    base, _data = live_server
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(base + "/search")
    if page.locator("script[src*='htmx']").count() == 0:
        context.close()
        pytest.skip("the layout does not load htmx yet (templates/base.html and static/vendor come with the UI)")
    yield page
    context.close()
    assert problems == [], problems


def opened(data_dir) -> list[tuple]:
    conn = state.connect(paths.state_db(data_dir))
    try:
        querylog.ensure(conn)
        return [tuple(r) for r in conn.execute("SELECT query, source, opened_kind, opened_id FROM search_log")]
    finally:
        conn.close()


def test_tap_initials_see_suggestions_and_open_one(page, live_server):
    _base, data = live_server
    keyboard = page.locator("[data-keyboard]")
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
    keyboard = page.locator("[data-keyboard]")
    for key in "dbx":
        keyboard.locator(f"button[data-key='{key}']").tap()
    keyboard.locator("button[data-action='backspace']").tap()
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
    page.locator("[data-keyboard] button[data-action='clear']").wait_for(timeout=5000)
    page.locator("[data-keyboard] button[data-action='clear']").tap()
    assert page.locator("#search-q").input_value() == ""


def test_search_reached_from_the_home_tile_has_a_working_keyboard(page, live_server):
    base, _data = live_server
    page.goto(base + "/")
    page.locator("a[href='/search']").first.tap()
    page.wait_for_url("**/search", timeout=5000)
    keyboard = page.locator("[data-keyboard]")
    keyboard.wait_for(state="visible", timeout=5000)
    for key in "jmsfz":
        keyboard.locator(f"button[data-key='{key}']").tap()
    assert page.locator("#search-q").input_value() == "jmsfz"  # each tap types once
    page.locator("#suggestions a.suggestion").first.wait_for(timeout=5000)
    assert "居民身份证" in page.locator("#suggestions").inner_text()
