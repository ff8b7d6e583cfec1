"""What a hall-style audit found, checked in Debian's Chromium under a finger: the print outcome in
view, a dismissing touch that opens nothing, 返回 back to the results, elder mode's layout, touch
feedback while waiting and when the kiosk does not answer."""

from __future__ import annotations

from .conftest import COUNTDOWN_SECONDS, IDLE_SECONDS, _page
from .layouts import LAYOUTS, in_view, set_mode

GUIDE = "/guides/g-social-01"


def test_print_outcome_appears_where_the_finger_is(layout, calm_kiosk_url):
    watched, orientation, mode = layout
    page = watched.page
    set_mode(page, calm_kiosk_url, mode)
    page.goto(calm_kiosk_url + GUIDE)
    button = page.get_by_role("button", name="打印告知单")
    button.scroll_into_view_if_needed()
    button.tap()
    outcome = page.locator("#slip-job .slip-job-text").first
    outcome.wait_for(timeout=15_000)
    page.wait_for_selector(
        "#slip-job.slip-job-done, #slip-job.slip-job-failed, #slip-job.slip-job-refused", timeout=15_000
    )
    assert in_view(page, page.locator("#slip-job"))
    assert page.get_by_role("button", name="打印告知单").count() == 0  # the outcome took the button's place
    watched.assert_clean()


def test_touch_that_dismisses_the_notice_loop_opens_nothing(portrait, kiosk_url):
    page = portrait.page
    page.goto(kiosk_url + "/")
    page.locator("#idle-loop").wait_for(state="visible", timeout=(IDLE_SECONDS + 8) * 1000)
    tile = page.locator(".tile").first.bounding_box()
    page.touchscreen.tap(tile["x"] + tile["width"] / 2, tile["y"] + tile["height"] / 2)
    page.locator("#idle-loop").wait_for(state="hidden")
    page.wait_for_timeout(800)
    assert page.url == kiosk_url + "/"
    assert page.locator("#home").count() == 1


def test_touch_that_dismisses_the_countdown_opens_nothing(portrait, kiosk_url):
    page = portrait.page
    page.goto(kiosk_url + GUIDE)
    page.locator("#idle-overlay").wait_for(state="visible", timeout=(IDLE_SECONDS + 8) * 1000)
    crumb = page.locator(".crumb").first.bounding_box()
    page.touchscreen.tap(crumb["x"] + crumb["width"] / 2, crumb["y"] + crumb["height"] / 2)
    page.locator("#idle-overlay").wait_for(state="hidden")
    page.wait_for_timeout(800)
    assert page.url == kiosk_url + GUIDE
    assert COUNTDOWN_SECONDS > 0


def test_back_from_a_search_result_returns_to_the_results(portrait, calm_kiosk_url):
    page = portrait.page
    page.goto(calm_kiosk_url + "/search?q=养老保险")
    page.locator(".result").first.tap()
    page.wait_for_url("**/guides/**")
    page.locator("#bottombar .bar-back").tap()
    page.wait_for_url("**/search?q=*")
    assert page.locator(".result").count() > 0
    assert page.locator("#search-q").input_value() == "养老保险"
    portrait.assert_clean()


def test_elder_switch_says_what_it_does_and_keeps_the_page(portrait, calm_kiosk_url):
    page = portrait.page
    page.goto(calm_kiosk_url + GUIDE)
    switch = page.locator("#bottombar .bar-elder")
    assert switch.inner_text().strip() == "开启长辈模式"
    switch.tap()
    page.wait_for_selector("html.elder")
    assert page.url.endswith(GUIDE)
    assert page.locator("#bottombar .bar-elder").inner_text().strip() == "关闭长辈模式"


def test_elder_mode_in_landscape_shows_every_home_tile_with_its_hint(browser, calm_kiosk_url):
    context, watched = _page(browser, *LAYOUTS["landscape"])
    try:
        page = watched.page
        set_mode(page, calm_kiosk_url, "elder")
        tiles = page.locator("#home .tile")
        assert tiles.count() == 7
        for i in range(7):
            assert in_view(page, tiles.nth(i)), f"tile {i} is below the fold"
            assert tiles.nth(i).locator(".tile-meta").is_visible()
        assert page.locator(".tile-hint").first.is_visible()
        assert page.locator(".home-date, .content-date").first.is_visible()
    finally:
        context.close()


def test_home_tiles_do_not_break_words(layout, calm_kiosk_url):
    watched, orientation, mode = layout
    page = watched.page
    set_mode(page, calm_kiosk_url, mode)
    titles = page.locator("#home .tile-title")
    for i in range(titles.count()):
        lines = titles.nth(i).evaluate(
            "el => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight))"
        )
        assert lines == 1, titles.nth(i).inner_text()


def test_elder_landscape_values_sit_beside_their_labels(browser, calm_kiosk_url):
    context, watched = _page(browser, *LAYOUTS["landscape"])
    try:
        page = watched.page
        set_mode(page, calm_kiosk_url, "elder")
        page.goto(calm_kiosk_url + GUIDE)
        for row in page.locator(".facts-top > div").all():
            dt, dd = row.locator("dt").bounding_box(), row.locator("dd").bounding_box()
            assert abs(dt["y"] - dd["y"]) < 10
    finally:
        context.close()


def test_nothing_looks_touchable_that_is_not(portrait, calm_kiosk_url):
    page = portrait.page
    page.goto(calm_kiosk_url + GUIDE)
    box = page.locator(".check-item").first
    style = box.evaluate("el => { const s = getComputedStyle(el); return [s.borderTopStyle, s.borderTopWidth]; }")
    assert style[1] == "0px"  # no box around a material, as around a button
    page.goto(calm_kiosk_url + "/catalog/c-social-001")
    tag = page.locator(".tag").first.evaluate("el => getComputedStyle(el).borderTopWidth")
    assert tag == "0px"
    page.goto(calm_kiosk_url + "/search?q=zzzzqqq")
    for row in page.locator(".next-step-text").all():
        assert row.evaluate("el => getComputedStyle(el).borderTopStyle") in ("none", "hidden")


def test_no_user_scalable_no(portrait, calm_kiosk_url):
    page = portrait.page
    page.goto(calm_kiosk_url + "/")
    assert "user-scalable" not in page.locator("meta[name=viewport]").get_attribute("content")


def test_a_slow_answer_shows_at_once_that_the_touch_was_taken(portrait, calm_kiosk_url):
    page = portrait.page
    page.goto(calm_kiosk_url + "/")
    page.route("**/guides/domains", lambda route: (page.wait_for_timeout(2500), route.continue_()))
    tile = page.locator(".tile", has_text="按领域找")
    tile.tap()
    assert "is-pressed" in tile.get_attribute("class")
    page.locator("#busy-notice").wait_for(state="visible", timeout=1500)
    page.wait_for_url("**/guides/domains")
    page.locator("#busy-notice").wait_for(state="hidden")


def test_a_failed_request_says_so_in_plain_chinese(portrait, calm_kiosk_url):
    page = portrait.page
    page.goto(calm_kiosk_url + "/")
    page.route("**/catalog", lambda route: route.abort("connectionrefused"))
    page.locator(".tile", has_text="公开目录").tap()
    error = page.locator("#net-error")
    error.wait_for(state="visible")
    assert "没能打开" in error.inner_text()
    assert "服务窗口" in error.inner_text()
    assert page.url == calm_kiosk_url + "/"


def test_a_page_that_cannot_load_shows_the_fallback_that_goes_home(portrait, calm_kiosk_url):
    page = portrait.page
    page.goto(calm_kiosk_url + "/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready")
    page.evaluate("() => navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    # The web process "down": every request to the kiosk fails.
    page.context.set_offline(True)
    page.goto(calm_kiosk_url + GUIDE)
    assert page.locator("h1").inner_text() == "查询机正在恢复，请稍候"
    page.context.set_offline(False)
    page.wait_for_url(calm_kiosk_url + "/", timeout=12_000)
    page.locator("#home").wait_for()
