"""Chinese input in Debian's Chromium, touched like a kiosk: pinyin with candidates, handwriting
on the pad (recorded strokes replayed), the keyboard that never moves while typing, the keyboard
that makes way for results, elder mode keeping what was typed, the PIN keypad, and the keyboard
docked under any field marked data-ime."""

from __future__ import annotations

import pytest

from tests.ime_fixtures import pinyin_table, seed_cache  # noqa: F401  (fixture)
from tests.ime_strokes import BOX, STROKES
from tests.ops_fixtures import PIN, pin_hash
from tests.search_fixtures import county

from .conftest import _page
from .live import live_kiosk

KEYBOARD = "[data-keyboard][data-for='search-q']"


@pytest.fixture(scope="module")
def ime_url(tmp_path_factory, pinyin_table):  # noqa: F811
    data = tmp_path_factory.mktemp("ime") / "data"
    seed_cache(data / "cache", pinyin_table)
    with live_kiosk(data, county(), SECRET_KEY="ime-browser-test", ADMIN_PIN_HASH=pin_hash()) as url:
        yield url


@pytest.fixture(params=[(1080, 1920), (1920, 1080)], ids=["portrait", "landscape"])
def screen(request, browser):
    context, watched = _page(browser, *request.param)
    yield watched
    watched.assert_clean()
    context.close()


def key_boxes(page) -> dict[str, dict]:
    """Where every key of the search keyboard is (and the candidate bar)."""
    return page.evaluate(
        """(sel) => {
            const out = {};
            document.querySelectorAll(sel + " [data-key], " + sel + " [data-action], " + sel + " .ime-bar")
              .forEach((el, i) => { const r = el.getBoundingClientRect();
                out[i + ":" + (el.dataset.key || el.dataset.action || "bar")] = [r.x, r.y, r.width, r.height]; });
            return out;
        }""",
        KEYBOARD,
    )


def test_typing_shebao_choosing_a_candidate_and_searching(screen, ime_url):
    page = screen.page
    page.goto(ime_url + "/search")
    keyboard = page.locator(KEYBOARD)
    keyboard.wait_for(state="visible")
    before = key_boxes(page)
    assert len(before) > 40
    for letter in "shebao":
        keyboard.locator(f"button[data-key='{letter}']").tap()
        assert key_boxes(page) == before, f"the keyboard moved after {letter}"
    assert page.locator("#search-q").input_value() == "shebao"  # composed inline: the search reads it
    assert keyboard.locator("[data-ime-composition]").inner_text() == "shebao"
    candidate = keyboard.locator(".ime-candidate", has_text="社保").first
    candidate.wait_for()
    page.locator("#suggestions a.suggestion").first.wait_for()  # suggestions for the letters
    assert key_boxes(page) == before, "suggestions moved the keyboard"
    if page.viewport_size["width"] > page.viewport_size["height"]:
        # landscape: suggestions beside the keyboard, not under it
        kb, sug = keyboard.bounding_box(), page.locator("#suggestions").bounding_box()
        assert sug["x"] >= kb["x"] + kb["width"] and sug["y"] < kb["y"] + kb["height"]
    box = candidate.bounding_box()
    assert box["height"] >= 15 / 0.248 * 0.99  # 15 mm on the 21.5-inch panel
    candidate.tap()
    assert page.locator("#search-q").input_value() == "社保"
    assert keyboard.locator("[data-ime-composition]").inner_text() == ""
    assert key_boxes(page) == before
    keyboard.locator("button[data-action='submit']").tap()
    first = page.locator("#search-results a.result").first
    first.wait_for()
    assert "q=%E7%A4%BE%E4%BF%9D" in page.url
    assert "社保" in page.locator("#search-results").inner_text()
    assert keyboard.is_hidden()  # the results take the keyboard's place
    results = page.locator("#search-results").bounding_box()
    assert results["y"] < page.viewport_size["height"]
    page.locator("#search-q").tap()  # touching the box brings the keyboard back
    keyboard.wait_for(state="visible")


def test_a_candidate_for_the_first_syllable_leaves_the_rest_to_type(screen, ime_url):
    page = screen.page
    page.goto(ime_url + "/search")
    keyboard = page.locator(KEYBOARD)
    for letter in "hukou":
        keyboard.locator(f"button[data-key='{letter}']").tap()
    keyboard.locator(".ime-candidate", has_text="户口").first.wait_for()
    # page on until the single character 户 appears and take it: kou stays to be typed
    single = keyboard.get_by_role("button", name="户", exact=True)
    for _ in range(40):
        if single.count():
            break
        keyboard.locator("button[data-action='next']").tap()
        page.wait_for_timeout(200)
    single.tap()
    assert page.locator("#search-q").input_value() == "户kou"
    assert keyboard.locator("[data-ime-composition]").inner_text() == "kou"
    keyboard.locator(".ime-candidate", has_text="口").first.wait_for()
    assert keyboard.locator("button[data-action='prev']").is_disabled()  # a new word starts on page 1


def replay(page, pad, strokes) -> None:
    """Draw recorded strokes (on a BOX x BOX square) on the pad with the pointer."""
    box = pad.bounding_box()
    for stroke in strokes:
        x0, y0 = stroke[0]
        page.mouse.move(box["x"] + x0 * box["width"] / BOX, box["y"] + y0 * box["height"] / BOX)
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x * box["width"] / BOX, box["y"] + y * box["height"] / BOX)
        page.mouse.up()


def test_drawing_a_character_on_the_pad_types_it(screen, ime_url):
    page = screen.page
    page.goto(ime_url + "/search")
    keyboard = page.locator(KEYBOARD)
    before = keyboard.bounding_box()
    keyboard.locator("button[data-mode='hand']").tap()
    pad = keyboard.locator("[data-ime-pad]")
    pad.wait_for(state="visible")
    assert keyboard.bounding_box()["y"] == before["y"]
    with page.expect_response("**/ime/handwriting") as answer:
        replay(page, pad, STROKES["十"])
    assert answer.value.status == 200
    candidate = keyboard.locator(".ime-candidate", has_text="十").first
    candidate.wait_for()
    assert keyboard.locator(".ime-candidate").first.inner_text() == "十"
    candidate.tap()
    assert page.locator("#search-q").input_value() == "十"
    assert keyboard.locator(".ime-candidate").count() == 0  # the pad is cleared for the next one
    replay(page, pad, STROKES["大"])
    keyboard.locator(".ime-candidate", has_text="大").first.tap()
    assert page.locator("#search-q").input_value() == "十大"
    keyboard.locator("button[data-action='rewrite']").tap()
    keyboard.locator("button[data-mode='pinyin']").tap()
    assert keyboard.locator("button[data-key='a']").is_visible()


def test_elder_mode_keeps_what_was_typed_and_enlarges_the_keys(screen, ime_url):
    page = screen.page
    page.goto(ime_url + "/search")
    keyboard = page.locator(KEYBOARD)
    standard = keyboard.locator("button[data-key='a']").bounding_box()
    for letter in "sfz":
        keyboard.locator(f"button[data-key='{letter}']").tap()
    page.locator("#bottombar .bar-elder").first.tap()
    page.wait_for_selector("html.elder")
    assert page.locator("#search-q").input_value() == "sfz"
    elder = page.locator(KEYBOARD + " button[data-key='a']")
    if elder.is_hidden():
        page.locator("#search-q").tap()
    box = elder.bounding_box()
    assert box["height"] >= 20 / 0.248 * 0.99 and box["height"] > standard["height"]  # 20 mm in elder mode


def test_the_operator_pin_is_typed_on_a_keypad(screen, ime_url):
    page = screen.page
    page.goto(ime_url + "/admin/login")
    pad = page.locator("[data-keyboard][data-for='pin']")
    pad.wait_for(state="visible")
    for digit in PIN + "9":
        pad.locator(f"button[data-key='{digit}']").tap()
    pad.locator("button[data-action='backspace']").tap()
    assert page.locator("#pin").input_value() == PIN
    assert pad.locator("button[data-key='5']").bounding_box()["height"] >= 15 / 0.248 * 0.99
    page.locator("form.admin-login > button[type='submit']").tap()
    page.wait_for_url(ime_url + "/admin/")


def test_any_field_marked_data_ime_gets_the_docked_keyboard(screen, ime_url):
    page = screen.page
    page.goto(ime_url + "/")
    # a form field as the application forms mark theirs
    page.evaluate(
        """() => { const f = document.createElement("input"); f.id = "name"; f.setAttribute("data-ime", "");
                   f.className = "search-input"; document.querySelector("main").prepend(f);
                   const p = document.createElement("input"); p.id = "phone"; p.setAttribute("data-ime", "digits");
                   p.className = "search-input"; document.querySelector("main").prepend(p); }"""
    )
    page.locator("#name").tap()
    docked = page.locator("[data-ime-docked][data-ime-layout='full']")
    docked.wait_for(state="visible")
    for letter in "wang":
        docked.locator(f"button[data-key='{letter}']").tap()
    docked.locator(".ime-candidate", has_text="王").first.tap()
    assert page.locator("#name").input_value() == "王"
    page.locator("#phone").tap()
    digits = page.locator("[data-ime-docked][data-ime-layout='digits']")
    digits.wait_for(state="visible")
    assert docked.is_hidden()
    for d in "0999":
        digits.locator(f"button[data-key='{d}']").tap()
    assert page.locator("#phone").input_value() == "0999"
    digits.locator("button[data-action='close']").tap()
    assert digits.is_hidden()
