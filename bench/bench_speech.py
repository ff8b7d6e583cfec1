"""Time to first audio of 朗读 (read aloud) on the sample county's guides. Target (issue 15): the
first audio within 300 ms of the touch for a typical guide.

Two figures, each on a cold audio cache (every guide's first section made by espeak-ng then):
- server: the request for a guide's first section, from sending it to the last byte of the WAV
  file, over a loopback HTTP connection;
- screen (when Debian's Chromium is installed): from the tap on 朗读 to the first sample leaving
  for the sound device (the buffer started, plus the audio context's reported output latency), in
  Chromium driven by Playwright, the way a citizen's touch goes; each guide a fresh page load.
  The page makes its first section ready when it is shown, so the figure is given twice: the tap
  one second after the page appears (a citizen reading the title first), and the tap at once.

    python bench/bench_speech.py [--guides N]
"""

from __future__ import annotations

import argparse
import html.parser
import os
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from content_sync.release import activate, build_release  # noqa: E402
from kiosk import create_app  # noqa: E402
from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, sample_bundle, serve  # noqa: E402


class Sections(html.parser.HTMLParser):
    """The page's [data-speak] sections in reading order, as static/js/speech.js orders them."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[int, int, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("data-speak"):
            order = int(a.get("data-speak-order") or 99)
            self.found.append((order, len(self.found), a["data-speak"]))

    def in_order(self) -> list[str]:
        return [text for _, _, text in sorted(self.found)]


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read()


def summary(name: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(f"{name:<44} n={len(ms):3d}  median {statistics.median(ms):6.1f} ms  p95 {p95:6.1f} ms  max {ms[-1]:6.1f} ms")


def bench_server(base: str, guide_ids: list[str]) -> None:
    times = []
    for gid in guide_ids:
        parser = Sections()
        parser.feed(get(f"{base}/guides/{gid}").decode())
        first = parser.in_order()[0]
        start = time.perf_counter()
        data = get(f"{base}/speech/audio?text={urllib.parse.quote(first)}")
        times.append((time.perf_counter() - start) * 1000)
        assert data[:4] == b"RIFF"
    summary("server: first section, cold cache", times)


WATCH = """() => {
  window.__firstAudio = null;
  const button = document.querySelector('[data-speak-toggle]');
  button.addEventListener('pointerdown', () => { window.__tapAt = performance.now(); }, { capture: true });
  new MutationObserver(() => {
    if (document.body.getAttribute('data-speech') === 'playing' && window.__firstAudio === null) {
      const output = parseFloat(document.body.getAttribute('data-speech-latency')) || 0;
      window.__firstAudio = performance.now() - window.__tapAt + output;
    }
  }).observe(document.body, { attributes: true, attributeFilter: ['data-speech'] });
}"""


def bench_screen(base: str, guide_ids: list[str], pause_ms: int, label: str) -> None:
    if not os.path.exists(CHROMIUM):
        print("screen: skipped (Debian's chromium is not installed)")
        return
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        # As systemd/chromium-policy.json allows the kiosk's origin: sound without a touch first.
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"]
        )
        context = browser.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True)
        page = context.new_page()
        for gid in guide_ids:
            page.goto(f"{base}/guides/{gid}")
            page.evaluate(WATCH)
            page.wait_for_timeout(pause_ms)
            page.locator("[data-speak-toggle]").tap()
            page.wait_for_function("() => window.__firstAudio !== null", timeout=10_000)
            times.append(page.evaluate("window.__firstAudio"))
            page.locator("[data-speak-toggle]").tap()  # 停止
        browser.close()
    summary(label, times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--guides", type=int, default=30, help="how many of the sample's guides to read")
    args = ap.parse_args()
    bundle = sample_bundle()
    guide_ids = [g.id for g in bundle.guides][: args.guides]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        activate(data_dir, build_release(bundle, data_dir, cache_dir=Path(tmp) / "build-cache"))
        runs = [
            ("server", bench_server),
            ("screen-1s", lambda b, ids: bench_screen(b, ids, 1000, "screen: tap 1 s after the page, to first audio")),
            ("screen-0s", lambda b, ids: bench_screen(b, ids, 0, "screen: tap as the page loads, to first audio")),
        ]
        for label, bench in runs:
            cache = Path(tmp) / f"cache-{label}"  # a cold audio cache for each figure
            app = create_app({"DATA_DIR": str(data_dir), "CACHE_DIR": str(cache), "SECRET_KEY": "bench"})
            with serve(app) as base:
                bench(base, guide_ids)


if __name__ == "__main__":
    main()
