"""Fixtures for browser tests: one Chromium and live kiosks for this package.

Package scope, not session scope: Playwright's sync API allows one running instance per thread,
so ours must be closed before other browser tests start their own.
"""

from __future__ import annotations

import os

import pytest

from tests.ime_fixtures import pinyin_table  # noqa: F401  (fixture)
from tests.ui_fixtures import make_ui_bundle

from . import live
from .layouts import LAYOUTS, MODES
from .live import CHROMIUM, CHROMIUM_ARGS, CSP_WATCH, live_kiosk

IDLE_SECONDS = 2
COUNTDOWN_SECONDS = 2


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _pinyin_table_for_live_kiosks(pinyin_table):  # noqa: F811
    """Every live kiosk gets the pinyin table, built once (not a minute-long build per kiosk)."""
    live.PINYIN_TABLE = pinyin_table
    yield
    live.PINYIN_TABLE = None


@pytest.fixture(scope="package")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make system-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="package")
def kiosk_url(tmp_path_factory):
    """The kiosk with CSRF on (as in production) and an idle timeout of a few seconds."""
    with live_kiosk(
        tmp_path_factory.mktemp("browser-data"),
        make_ui_bundle(),
        IDLE_TIMEOUT_SECONDS=IDLE_SECONDS,
        IDLE_COUNTDOWN_SECONDS=COUNTDOWN_SECONDS,
    ) as url:
        yield url


@pytest.fixture(scope="package")
def calm_kiosk_url(tmp_path_factory):
    """The same kiosk with the default idle timeout, for tests that must not be interrupted."""
    # Tests here print a slip in each of the four layouts one after another: no print cool-down.
    with live_kiosk(tmp_path_factory.mktemp("browser-calm"), make_ui_bundle(), PRINT_COOLDOWN_SECONDS=0) as url:
        yield url


class Watched:
    """A page plus everything it complained about: console errors, page errors, CSP violations."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations || []")

    def assert_clean(self) -> None:
        assert self.errors == []
        assert self.violations() == []


def _page(browser, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True, locale="zh-CN")
    context.add_init_script(CSP_WATCH)
    return context, Watched(context.new_page())


@pytest.fixture
def portrait(browser):
    context, watched = _page(browser, 1080, 1920)
    yield watched
    context.close()


@pytest.fixture(params=[(o, m) for o in LAYOUTS for m in MODES], ids=lambda p: f"{p[0]}-{p[1]}")
def layout(request, browser):
    """A page in each of the four layouts: (watched page, orientation, mode). The mode is for the
    test to set (layouts.set_mode): it lives in the kiosk's session."""
    orientation, mode = request.param
    context, watched = _page(browser, *LAYOUTS[orientation])
    yield watched, orientation, mode
    context.close()
