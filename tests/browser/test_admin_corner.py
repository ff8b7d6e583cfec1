"""The hidden way to the operator panel: a long press on the top bar's top-left corner."""

from __future__ import annotations

HOLD_MS = 5600
CORNER = "(() => { const b = document.querySelector('.topbar').getBoundingClientRect();"
CORNER += " return [b.left + 20, b.top + 20]; })()"


def press(page, ms: int, drift: int = 0) -> None:
    x, y = page.evaluate(CORNER)
    page.mouse.move(x, y)
    page.mouse.down()
    if drift:
        page.wait_for_timeout(500)
        page.mouse.move(x + drift, y + drift, steps=5)
    page.wait_for_timeout(ms)
    page.mouse.up()


def test_holding_the_top_left_corner_for_five_seconds_opens_the_admin_login(portrait, calm_kiosk_url):
    page = portrait.page
    page.goto(calm_kiosk_url + "/guides/g-social-01")
    assert page.locator("a[href*='/admin']").count() == 0  # nothing visible leads there
    press(page, HOLD_MS)
    page.wait_for_url("**/admin/login**", timeout=5000)
    assert "管理员登录" in page.title() + page.locator("body").inner_text()
    portrait.assert_clean()


def test_a_short_tap_on_the_corner_does_not_open_the_admin_login(portrait, calm_kiosk_url):
    page = portrait.page
    page.goto(calm_kiosk_url + "/guides/g-social-01")
    press(page, 300)
    page.wait_for_timeout(HOLD_MS)
    assert "/admin" not in page.url
    portrait.assert_clean()


def test_a_hold_that_slides_away_does_not_open_the_admin_login(portrait, calm_kiosk_url):
    page = portrait.page
    page.goto(calm_kiosk_url + "/guides/g-social-01")
    press(page, HOLD_MS, drift=80)
    page.wait_for_timeout(500)
    assert "/admin" not in page.url
    portrait.assert_clean()
