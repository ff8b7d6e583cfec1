"""Capture the main screens at 1080x1920 (portrait) and 1920x1080 into docs/screenshots/.

Run with `make screenshots` (or `python -m tests.browser.screenshots [OUT_DIR]`). Uses the sample
county when demo/county/ holds it, else the test county, served live on 127.0.0.1.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from kiosk.ime import lexicon
from tests.ime_strokes import BOX, STROKES

from . import live
from .live import CHROMIUM, CHROMIUM_ARGS, live_kiosk, sample_bundle

# The pinyin table is built once here and reused by later runs (var/ is not in the repository).
TABLE_CACHE = Path(__file__).resolve().parents[2] / "var" / "cache"

SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}


def _first(bundle) -> dict[str, str]:
    """URLs of one record of each screen, picked from whatever county is loaded."""
    domain = next(d for d in bundle.domains if any(g.domain == d.name for g in bundle.guides))
    guide = bundle.guides[0]
    with_reading = {d.interprets for d in bundle.documents if d.interprets}
    document = next((d for d in bundle.documents if d.id in with_reading), bundle.documents[0])
    shown = [c for c in bundle.catalog if c.status != "涉密不予公开"]
    on_application = next((c for c in shown if c.form == "依申请公开"), shown[0])
    return {
        "home": "/",
        "domain": f"/domains/{domain.id}/guides",
        "catalog": f"/domains/{domain.id}",
        "guide": f"/guides/{guide.id}",
        "document": f"/documents/{document.id}",
        "search": "/search",
        "search-results": "/search?q=sb",
        "search-empty": "/search?q=" + quote("驾照"),
        "catalog-apply": f"/catalog/{on_application.id}",
        "apply": "/apply",
    }


def _capture_size(browser, calm: str, idle: str, screens: dict[str, str], size: str, out_dir: Path) -> list[Path]:
    """One viewport size: every screen on the calm kiosk, the idle screens on the impatient one."""
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    written: list[Path] = []

    def shot(name: str) -> None:
        path = out_dir / f"{name}-{size}.png"
        page.screenshot(path=str(path))
        written.append(path)

    for name, url in screens.items():
        page.goto(calm + "/reset")
        page.goto(calm + url)
        shot(name)
    page.goto(calm + "/reset")
    page.goto(calm + screens["guide"])
    page.locator("[data-speak-toggle]").click()
    page.locator(".check-item .check-name").first.click()  # touching a section reads from there
    page.wait_for_selector(".check-item.is-speaking")
    page.wait_for_timeout(800)  # the smooth scroll to the section
    shot("guide-reading")
    page.locator("[data-speak-toggle]").click()
    if page.locator(".slip-print-button").count():
        page.locator(".slip-print-button").scroll_into_view_if_needed()
        page.locator(".slip-print-button").click()
        page.wait_for_selector("#slip-job.slip-job-done, #slip-job.slip-job-failed", timeout=15_000)
        shot("guide-printed")
    page.goto(calm + "/offline")
    shot("offline")
    page.goto(calm + "/reset")
    # Chinese input: pinyin candidates for shebao, then 十 written on the handwriting pad
    page.goto(calm + "/reset")
    page.goto(calm + "/search")
    keyboard = page.locator("[data-keyboard][data-for='search-q']")
    for letter in "shebao":
        keyboard.locator(f"button[data-key='{letter}']").click()
    keyboard.locator(".ime-candidate").first.wait_for(timeout=60_000)
    page.locator("#suggestions a.suggestion").first.wait_for()
    shot("search-pinyin")
    keyboard.locator("button[data-action='clear']").click()
    keyboard.locator("button[data-mode='hand']").click()
    pad = keyboard.locator("[data-ime-pad]")
    box = pad.bounding_box()
    for stroke in STROKES["十"]:
        points = [(box["x"] + x * box["width"] / BOX, box["y"] + y * box["height"] / BOX) for x, y in stroke]
        page.mouse.move(*points[0])
        page.mouse.down()
        for point in points[1:]:
            page.mouse.move(*point)
        page.mouse.up()
    keyboard.locator(".ime-candidate").first.wait_for()
    shot("search-handwriting")
    page.goto(calm + screens["guide"])
    page.locator("#bottombar .bar-elder").click()
    page.wait_for_selector("html.elder")
    page.wait_for_load_state("load")
    shot("elder-guide")
    page.goto(calm + "/")
    shot("elder-home")
    page.goto(calm + "/reset")
    page.goto(idle + screens["guide"])
    page.locator("#idle-overlay").wait_for(state="visible", timeout=5000)
    page.wait_for_timeout(1200)
    shot("idle-overlay")
    page.goto(idle + "/reset")
    page.locator("#idle-loop").wait_for(state="visible", timeout=5000)
    shot("idle-notices")
    context.close()
    return written


def capture(out_dir: Path) -> list[Path]:

    out_dir.mkdir(parents=True, exist_ok=True)
    bundle = sample_bundle()
    screens = _first(bundle)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        live.PINYIN_TABLE = lexicon.ensure(TABLE_CACHE).path
        try:
            written = _capture_all(Path(tmp), bundle, screens, out_dir)
        finally:
            live.PINYIN_TABLE = None
    return written


def _capture_all(tmp: Path, bundle, screens: dict[str, str], out_dir: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written: list[Path] = []
    with (
        live_kiosk(tmp / "calm", bundle) as calm,
        live_kiosk(tmp / "idle", bundle, IDLE_TIMEOUT_SECONDS=1, IDLE_COUNTDOWN_SECONDS=30) as idle,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size in SIZES:
            written += _capture_size(browser, calm, idle, screens, size, out_dir)
        browser.close()
    return written


def main(argv: list[str]) -> int:
    out_dir = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    for path in capture(out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
