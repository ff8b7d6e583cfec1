"""The operator panel in Debian's Chromium, with CSRF and the CSP on, as on a terminal."""

from __future__ import annotations

import pytest

from tests.ops_fixtures import PIN, pin_hash, recorded_state
from tests.ui_fixtures import make_ui_bundle

from .conftest import Watched
from .live import CSP_WATCH, live_kiosk

IDLE_SECONDS = 2


@pytest.fixture(scope="module")
def panel_url(tmp_path_factory):
    """A live kiosk with a PIN, a recorded history, and the citizens' idle timeout of 2 seconds."""
    data_dir = tmp_path_factory.mktemp("admin-browser")
    with live_kiosk(
        data_dir,
        make_ui_bundle(),
        ADMIN_PIN_HASH=pin_hash(),
        IDLE_TIMEOUT_SECONDS=IDLE_SECONDS,
        IDLE_COUNTDOWN_SECONDS=1,
    ) as url:
        recorded_state(data_dir).close()
        yield url


@pytest.fixture
def screen(browser):
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True, locale="zh-CN")
    context.add_init_script(CSP_WATCH)
    watched = Watched(context.new_page())
    yield watched
    context.close()


def log_in(page, url: str) -> None:
    page.goto(url + "/admin/")
    assert page.url == url + "/admin/login?next=/admin/"
    page.fill("#pin", PIN)
    page.locator("button", has_text="登录").tap()
    page.wait_for_url(url + "/admin/")


def test_operator_logs_in_and_visits_every_page(screen, panel_url):
    page = screen.page
    log_in(page, panel_url)
    assert page.locator("h1").inner_text() == "概况"
    for link, heading in [
        ("内容同步", "内容同步"),
        ("打印机", "打印机"),
        ("使用统计", "使用统计"),
        ("设置", "设置（只读）"),
        ("操作记录", "操作记录"),
        ("概况", "概况"),
    ]:
        page.locator(".admin-nav a", has_text=link).tap()
        page.locator("h1.admin-title", has_text=heading).wait_for()
    screen.assert_clean()


def test_statistics_open_with_the_queries_nobody_found(screen, panel_url):
    page = screen.page
    log_in(page, panel_url)
    page.goto(panel_url + "/admin/stats?days=all")
    assert page.locator(".admin h2").first.inner_text() == "没有查到结果的查询"
    assert page.locator("table").first.locator("tbody tr").first.locator("td").first.inner_text() == "开饭店"
    screen.assert_clean()


def test_test_print_button_posts_with_the_csrf_token(screen, panel_url):
    page = screen.page
    log_in(page, panel_url)
    page.goto(panel_url + "/admin/printer")
    page.locator("button", has_text="打印测试页").tap()
    page.locator(".admin-flash", has_text="测试页已加入打印队列").wait_for()
    screen.assert_clean()


def test_panel_is_not_reset_after_the_citizens_idle_timeout(screen, panel_url):
    page = screen.page
    log_in(page, panel_url)
    page.wait_for_timeout((IDLE_SECONDS + 2) * 1000)
    assert page.locator("#idle-overlay").is_hidden()
    assert page.url == panel_url + "/admin/"
    screen.assert_clean()


def test_wrong_pin_shows_the_tries_left_and_logout_ends_the_session(screen, panel_url):
    page = screen.page
    page.goto(panel_url + "/admin/login")
    page.fill("#pin", "000000")
    page.locator("button", has_text="登录").tap()
    page.locator(".admin-error", has_text="PIN不正确").wait_for()
    page.fill("#pin", PIN)
    page.locator("button", has_text="登录").tap()
    page.wait_for_url(panel_url + "/admin/")
    page.locator("button", has_text="退出").tap()
    page.wait_for_url(panel_url + "/admin/login")
    page.locator(".admin-flash", has_text="已退出管理页面").wait_for()
    page.goto(panel_url + "/admin/settings")
    assert page.url == panel_url + "/admin/login?next=/admin/settings"
    # The refused PIN answers 401, which Chromium reports on the console; nothing else may.
    assert [e for e in screen.errors if "401" not in e] == []
    assert screen.violations() == []
