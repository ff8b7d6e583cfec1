"""The citizen's screens in Debian's Chromium, touched like a kiosk: no keyboard, no hover."""

from __future__ import annotations

import pytest

from .conftest import COUNTDOWN_SECONDS, IDLE_SECONDS

MIN_TARGET_PX = 57  # 15 mm at 96 dpi
MIN_TEXT_PX = 24


def tap(page, selector: str) -> None:
    page.locator(selector).first.tap()


def test_touch_from_home_to_a_domain_to_a_guide_without_reloading(portrait, calm_kiosk_url):
    page = portrait.page
    page.goto(calm_kiosk_url + "/")
    page.evaluate("window.__samePage = true")
    tap(page, "text=按领域找")
    page.wait_for_url("**/guides/domains")
    tap(page, ".tile:has-text('社会保险')")
    page.wait_for_url("**/domains/social/guides")
    assert page.locator("h1").inner_text() == "社会保险：办事指南"
    tap(page, ".list-item:has-text('城乡居民基本养老保险参保登记')")
    page.wait_for_url("**/guides/g-social-01")
    page.locator("h1", has_text="城乡居民基本养老保险参保登记").wait_for()
    assert page.title() == "城乡居民基本养老保险参保登记"
    assert page.evaluate("window.__samePage") is True  # htmx swapped #main; no full page load
    assert page.locator(".check-item").count() == 2
    # 返回 goes up one level, to the domain's guide list.
    tap(page, "#bottombar .bar-back")
    page.wait_for_url("**/domains/social/guides")
    portrait.assert_clean()


def test_guide_page_shows_the_qr_code_to_the_online_service(portrait, calm_kiosk_url):
    page = portrait.page
    page.goto(calm_kiosk_url + "/guides/g-social-01")
    qr = page.locator("img[src^='/qr/']").first
    qr.wait_for()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    portrait.assert_clean()


def test_pages_work_without_javascript(browser, calm_kiosk_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1080, "height": 1920})
    try:
        page = context.new_page()
        page.goto(calm_kiosk_url + "/")
        page.locator("text=公开目录").first.click()
        page.wait_for_url("**/catalog")
        page.locator(".tile:has-text('社会保险')").first.click()
        page.locator(".tile:has-text('养老保险')").first.click()
        page.locator(".tile:has-text('城乡居民养老保险')").first.click()
        page.locator(".list-item").first.click()
        page.wait_for_url("**/catalog/c-social-001")
        assert "公开的是什么" in page.content()
    finally:
        context.close()


def test_elder_mode_makes_everything_larger_until_the_reset(portrait, calm_kiosk_url):
    page = portrait.page
    page.goto(calm_kiosk_url + "/guides/g-social-01")
    standard = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    tap(page, "#bottombar .bar-elder")
    page.wait_for_selector("html.elder")
    # The class is in the new page's HTML before its stylesheet has loaded: wait for the load.
    page.wait_for_load_state("load")
    assert page.url.endswith("/guides/g-social-01")
    page.wait_for_function(
        "s => parseFloat(getComputedStyle(document.querySelector('h1')).fontSize) > s * 1.2", arg=standard, timeout=5000
    )
    elder = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    assert elder > standard * 1.2
    # Simpler layout: one column of tiles.
    page.goto(calm_kiosk_url + "/")
    boxes = [page.locator(".tiles-2 .tile").nth(i).bounding_box() for i in range(2)]
    assert boxes[0]["x"] == boxes[1]["x"]
    assert page.locator("html.elder").count() == 1  # kept across pages
    page.goto(calm_kiosk_url + "/reset")
    assert page.locator("html.standard").count() == 1
    portrait.assert_clean()


@pytest.mark.parametrize("path", ["/", "/guides/g-social-01", "/domains/social/guides", "/documents/d-0010"])
def test_touch_targets_and_text_are_large(portrait, calm_kiosk_url, path):
    page = portrait.page
    page.goto(calm_kiosk_url + path)
    small_targets = page.evaluate(
        """min => Array.from(document.querySelectorAll('a, button, .button'))
             .filter(e => e.offsetParent !== null)
             .map(e => [e.textContent.trim().slice(0, 20), e.getBoundingClientRect()])
             .filter(([t, r]) => r.height < min || r.width < min)
             .map(([t, r]) => t + ' ' + Math.round(r.width) + 'x' + Math.round(r.height))""".replace(
            "min =>", "(min) =>"
        ),
        MIN_TARGET_PX,
    )
    assert small_targets == []
    small_text = page.evaluate(
        """min => {
             const out = [];
             const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
             while (walk.nextNode()) {
               const node = walk.currentNode, el = node.parentElement;
               if (!node.textContent.trim() || !el || el.offsetParent === null) continue;
               const size = parseFloat(getComputedStyle(el).fontSize);
               if (size < min) out.push(node.textContent.trim().slice(0, 20) + ' ' + size);
             }
             return out;
           }""",
        MIN_TEXT_PX,
    )
    assert small_text == []
    portrait.assert_clean()


def test_idle_countdown_then_reset_to_a_clean_home(portrait, kiosk_url):
    page = portrait.page
    page.goto(kiosk_url + "/guides/g-social-01")
    tap(page, "#bottombar .bar-elder")
    page.wait_for_selector("html.elder")
    overlay = page.locator("#idle-overlay")
    overlay.wait_for(state="visible", timeout=(IDLE_SECONDS + 3) * 1000)
    assert "秒后回到首页" in overlay.inner_text()
    page.wait_for_url(kiosk_url + "/", timeout=(COUNTDOWN_SECONDS + 4) * 1000)
    assert page.locator("html.standard").count() == 1  # elder mode gone
    assert page.locator("#home[data-clean='1']").count() == 1  # history gone
    assert page.evaluate("localStorage.getItem('htmx-history-cache')") is None
    portrait.assert_clean()


def test_a_touch_during_the_countdown_keeps_the_page(portrait, kiosk_url):
    page = portrait.page
    page.goto(kiosk_url + "/guides/g-social-02")
    page.locator("#idle-overlay").wait_for(state="visible", timeout=(IDLE_SECONDS + 3) * 1000)
    tap(page, "#idle-continue")
    assert page.locator("#idle-overlay").is_hidden()
    page.wait_for_timeout(500)
    assert page.url.endswith("/guides/g-social-02")
    portrait.assert_clean()


def test_idle_home_shows_a_loop_of_notices(portrait, kiosk_url):
    page = portrait.page
    page.goto(kiosk_url + "/reset")
    loop = page.locator("#idle-loop")
    loop.wait_for(state="visible", timeout=(IDLE_SECONDS + 3) * 1000)
    first = page.locator("#idle-loop-text").inner_text()
    assert first.startswith("关于调整政务服务中心办公时间的通知")
    page.mouse.click(10, 10)
    assert loop.is_hidden()
    assert page.url == kiosk_url + "/"
    portrait.assert_clean()


def test_feedback_is_sent_with_the_csrf_token(portrait, calm_kiosk_url):
    page = portrait.page
    page.goto(calm_kiosk_url + "/documents/d-0001")
    tap(page, ".feedback button[value='1']")
    page.locator(".feedback-thanks").wait_for()
    assert "谢谢您的评价" in page.locator(".feedback-thanks").inner_text()
    portrait.assert_clean()


def test_context_menu_and_text_selection_are_suppressed(portrait, calm_kiosk_url):
    page = portrait.page
    page.goto(calm_kiosk_url + "/guides/g-social-01")
    prevented = page.evaluate(
        """() => {
             const ev = new MouseEvent('contextmenu', {bubbles: true, cancelable: true});
             return !document.querySelector('h1').dispatchEvent(ev);
           }"""
    )
    assert prevented
    assert page.evaluate("getComputedStyle(document.body).userSelect") == "none"


def test_missing_page_is_friendly_inside_the_app(portrait, calm_kiosk_url):
    page = portrait.page
    page.goto(calm_kiosk_url + "/guides/no-such-guide")
    assert "没有找到这个页面" in page.content()
    tap(page, "text=返回首页")
    page.wait_for_url(calm_kiosk_url + "/")
    # The only complaint allowed is the browser's note that the first page was a 404.
    assert [e for e in portrait.errors if "404" not in e] == []
    assert portrait.violations() == []
