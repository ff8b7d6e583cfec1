"""Elder mode enlarges the search screen too (its sizes are in rem, scaled by html.elder)."""

from __future__ import annotations

from urllib.parse import quote

SIZE = "(s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize)"


def sizes(page) -> dict[str, float]:
    return {s: page.evaluate(SIZE, s) for s in (".result-title", ".search-input", ".search-summary")}


def test_elder_mode_enlarges_search_results_and_the_search_box(portrait, calm_kiosk_url):
    page = portrait.page
    url = calm_kiosk_url + "/search?q=" + quote("养老保险")
    page.goto(url)
    page.wait_for_selector(".result-title")
    standard = sizes(page)
    assert standard[".result-title"] >= 24
    page.locator("#bottombar .bar-elder").first.tap()
    page.wait_for_selector("html.elder")
    page.goto(url)
    page.wait_for_selector("html.elder .result-title")
    elder = sizes(page)
    for selector, size in standard.items():
        assert elder[selector] > size * 1.2, (selector, size, elder[selector])
    page.goto(calm_kiosk_url + "/reset")
    portrait.assert_clean()
