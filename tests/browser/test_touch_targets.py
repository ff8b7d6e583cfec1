"""Touch targets measured on the glass, and the search keyboard that never moves and never hides
the results, in Debian's Chromium in the four layouts (standard and 长辈模式, portrait and landscape,
1080p) on the documented panel (PANEL_DIAGONAL_INCHES): every target at least 15 mm (20 mm in
长辈模式) both ways, the on-screen keyboards included."""

from __future__ import annotations

import shutil

import pytest

from content_sync.intake import keys
from tests.apply_fixtures import OFFICE
from tests.ops_fixtures import pin_hash
from tests.ui_fixtures import make_ui_bundle

from .layouts import LAYOUTS, TARGET_MM, in_view, intersects, set_mode, target_px
from .live import live_kiosk
from .test_ime_screen import KEYBOARD, key_boxes

GUIDE = "/guides/g-social-01"
SPEECH = shutil.which("espeak-ng") is not None

TARGET_PAGES = [
    "/",
    GUIDE,
    "/guides/domains",
    "/catalog",
    "/catalog/c-social-001",
    "/documents/d-0001",
    "/events",
    "/apply",
    "/apply/track",
    "/search",
    "/search?q=养老保险",
    "/search?q=zzzzqqq",
    "/admin/login",
]

# Every kind of target the hall audit named; each must have been measured in every layout.
KINDS = {
    "keyboard key": KEYBOARD + " button[data-key]",
    "keyboard mode and action keys": KEYBOARD + " button[data-mode], " + KEYBOARD + " button[data-action='submit']",
    "IME candidate": ".ime-candidate",
    "candidate paging (上页 / 下页)": ".ime-page",
    "handwriting pad buttons (重写)": "[data-action='rewrite']",
    "朗读": "[data-speak-toggle][aria-pressed='false']",
    "停止": "[data-speak-toggle][aria-pressed='true']",
    "admin PIN keypad": "[data-keyboard][data-for='pin'] button",
    "docked keyboard (forms)": "[data-ime-docked][data-ime-layout='full'] button[data-key]",
    "docked digit keypad": "[data-ime-docked][data-ime-layout='digits'] button[data-key]",
    "chip": ".chip",
    "next step": "a.next-step",
    "home tile": "#home .tile",
    "返回": "#bottombar .bar-back",
    "首页": "#bottombar .bar-home",
    "长辈模式 switch": "#bottombar .bar-elder",
    "继续使用 (idle countdown)": "#idle-continue",
}

TARGETS_JS = """(kinds) => {
  const out = [];
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, [hx-get], [hx-post], [role=button]';
  for (const el of document.querySelectorAll(sel)) {
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    // A radio button or check box is touched anywhere on its label.
    const box = (el.matches('input[type=radio], input[type=checkbox]') && el.closest('label')) || el;
    const r = box.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    out.push({
      what: box.outerHTML.slice(0, 100), w: r.width, h: r.height,
      kinds: Object.keys(kinds).filter((k) => el.matches(kinds[k])),
    });
  }
  return out;
}"""


@pytest.fixture(scope="module")
def hall_url(tmp_path_factory):
    """The UI county with a disclosure office (the application forms and their docked keyboards)
    and an operator PIN (the admin login's keypad)."""
    _, _, public = keys.generate(tmp_path_factory.mktemp("office") / "keys")
    bundle = make_ui_bundle()
    office = OFFICE.model_copy(update={"intake_public_key": public})
    bundle.site = bundle.site.model_copy(update={"disclosure_office": office})
    with live_kiosk(
        tmp_path_factory.mktemp("targets") / "data",
        bundle,
        SECRET_KEY="targets-browser-test",
        ADMIN_PIN_HASH=pin_hash(),
    ) as url:
        yield url


class Measure:
    """Every visible target of each state of a screen, against the least size in pixels."""

    def __init__(self, page, least: float):
        self.page, self.least = page, least
        self.small: list[tuple] = []
        self.seen: set[str] = set()
        self.count = 0

    def __call__(self, where: str) -> None:
        for t in self.page.evaluate(TARGETS_JS, KINDS):
            self.count += 1
            self.seen.update(t["kinds"])
            if t["w"] < self.least or t["h"] < self.least:
                self.small.append((where, round(t["w"]), round(t["h"]), t["what"]))


def type_letters(keyboard, letters: str) -> None:
    for letter in letters:
        keyboard.locator(f"button[data-key='{letter}']").tap()


def test_every_touch_target_is_big_enough_on_the_glass(layout, hall_url):
    watched, orientation, mode = layout
    page = watched.page
    width, height = LAYOUTS[orientation]
    least = target_px(width, height, TARGET_MM[mode]) - 0.5
    measure = Measure(page, least)
    set_mode(page, hall_url, mode)
    for url in TARGET_PAGES:
        page.goto(hall_url + url)
        page.wait_for_load_state("load")
        # The least size in pixels, as static/js/panel.js set it from PANEL_DIAGONAL_INCHES.
        set_px = page.evaluate(
            "() => parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--target-min'))"
        )
        assert set_px >= least, url
        measure(url)

    # The search keyboard with candidates, on their second page (上页 enabled), then handwriting.
    page.goto(hall_url + "/search")
    keyboard = page.locator(KEYBOARD)
    type_letters(keyboard, "shebao")
    keyboard.locator(".ime-candidate").first.wait_for()
    measure("/search typing shebao")
    keyboard.locator("button[data-action='next']").tap()
    page.wait_for_function("(s) => !document.querySelector(s).disabled", arg=KEYBOARD + " [data-action='prev']")
    measure("/search candidates page 2")
    keyboard.locator("button[data-mode='hand']").tap()
    keyboard.locator("[data-ime-pad]").wait_for()
    measure("/search handwriting")

    # The keyboard opened again over the results.
    page.goto(hall_url + "/search?q=养老保险")
    page.locator("#search-q").tap()
    keyboard.wait_for()
    measure("/search?q=养老保险 keyboard open")

    # 朗读 turns into 停止 while reading.
    if SPEECH:
        page.goto(hall_url + GUIDE)
        page.locator("[data-speak-toggle]").tap()
        page.wait_for_selector("[data-speak-toggle][aria-pressed='true']")
        measure(GUIDE + " reading")
        page.locator("[data-speak-toggle]").tap()

    # The keyboards docked under the application form's fields, with candidates.
    page.goto(hall_url + "/apply/form")
    page.locator("#f-name").tap()
    docked = page.locator("[data-ime-docked][data-ime-layout='full']")
    docked.wait_for()
    type_letters(docked, "wang")
    docked.locator(".ime-candidate").first.wait_for()
    measure("/apply/form name")
    page.locator("#f-phone").tap()
    page.locator("[data-ime-docked][data-ime-layout='digits']").wait_for()
    measure("/apply/form phone")

    # The idle countdown's button (the overlay shown as idle.js shows it).
    page.goto(hall_url + GUIDE)
    page.evaluate("() => { document.getElementById('idle-overlay').hidden = false; }")
    measure(GUIDE + " idle countdown")

    missing = set(KINDS) - measure.seen - (set() if SPEECH else {"朗读", "停止"})
    assert missing == set(), "never measured"
    assert measure.count > 300
    assert measure.small == [], f"smaller than {TARGET_MM[mode]} mm ({least:.0f} px): {measure.small[:10]}"
    watched.assert_clean()


def test_results_are_in_view_beside_or_under_the_open_keyboard(layout, hall_url):
    watched, orientation, mode = layout
    page = watched.page
    set_mode(page, hall_url, mode)
    page.goto(hall_url + "/search?q=养老保险")
    first = page.locator("#search-results .result").first
    first.wait_for()
    keyboard = page.locator(KEYBOARD)
    assert keyboard.is_hidden()  # the results took its place
    page.locator("#search-q").tap()  # the citizen types again: the keyboard opens over the results
    keyboard.wait_for()
    assert not intersects(first.bounding_box(), keyboard.bounding_box())
    assert in_view(page, first), first.bounding_box()
    assert in_view(page, keyboard), keyboard.bounding_box()  # every key above the bottom bar
    assert in_view(page, page.locator("#search-q"))
    if orientation == "landscape":
        assert first.bounding_box()["x"] >= keyboard.bounding_box()["x"] + keyboard.bounding_box()["width"]
    watched.assert_clean()


def test_the_keyboard_never_moves_while_typing(layout, hall_url):
    watched, orientation, mode = layout
    page = watched.page
    set_mode(page, hall_url, mode)
    for url in ("/search", "/search?q=养老保险"):
        page.goto(hall_url + url)
        keyboard = page.locator(KEYBOARD)
        if keyboard.is_hidden():
            page.locator("#search-q").tap()
        keyboard.wait_for()
        assert in_view(page, keyboard), (url, keyboard.bounding_box())
        keyboard.locator("button[data-action='clear']").tap()
        page.wait_for_timeout(400)  # the suggestions for an empty box are swapped in
        before = key_boxes(page)
        assert len(before) > 40
        for letter in "shebao":
            keyboard.locator(f"button[data-key='{letter}']").tap()
            assert key_boxes(page) == before, f"{url}: the keyboard moved after {letter}"
        keyboard.locator(".ime-candidate", has_text="社保").first.wait_for()
        page.locator("#suggestions a.suggestion").first.wait_for()
        assert key_boxes(page) == before, f"{url}: the candidates or the suggestions moved the keyboard"
        with page.expect_response("**/search/suggest?*") as answer:
            keyboard.locator(".ime-candidate", has_text="社保").first.tap()
        assert answer.value.ok
        page.wait_for_function("() => document.querySelector('#suggestions a.suggestion') !== null")
        page.wait_for_timeout(300)  # htmx settles the swap
        assert page.locator("#search-q").input_value() == "社保"
        assert key_boxes(page) == before, f"{url}: picking a candidate moved the keyboard"
    watched.assert_clean()
