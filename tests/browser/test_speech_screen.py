"""朗读 in Debian's Chromium: the button reads a guide aloud with audio made by espeak-ng, section by
section, highlighting the section read; a page change and the idle reset stop it."""

from __future__ import annotations

import io
import shutil
import wave

import pytest

from .conftest import COUNTDOWN_SECONDS, IDLE_SECONDS

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="Debian's espeak-ng is not installed")

GUIDE = "/guides/g-social-01"


def wav_seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as w:
        return w.getnframes() / w.getframerate()


def speech_state(page) -> str:
    return page.evaluate("document.body.getAttribute('data-speech')")


def test_reading_a_guide_requests_valid_audio_and_highlights_each_section(portrait, calm_kiosk_url):
    page = portrait.page
    audio = []
    page.on("response", lambda r: audio.append(r) if "/speech/audio" in r.url else None)
    page.goto(calm_kiosk_url + GUIDE)
    button = page.locator("[data-speak-toggle]")
    assert button.inner_text().strip() == "朗读"
    button.tap()
    page.wait_for_selector("body[data-speech=playing]")
    # The guide's name is read first (its audio made when the page was shown, or at the touch).
    assert page.locator(".is-speaking").count() == 1
    assert page.locator("h1.is-speaking").count() == 1
    first = next(r for r in audio if "%E5%8A%9E%E4%BA%8B%E6%8C%87%E5%8D%97" in r.url)  # 办事指南
    assert first.status == 200
    assert first.headers["content-type"] == "audio/wav"
    body = first.body()
    assert body[:4] == b"RIFF" and body[8:12] == b"WAVE"
    assert wav_seconds(body) > 0.5
    assert button.inner_text().strip() == "停止"
    assert button.get_attribute("aria-pressed") == "true"
    # The next section (the materials) is asked for while the first one plays.
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').filter(e => e.name.includes('/speech/audio')).length >= 2"
    )
    # Touching the second material reads from there.
    second = page.locator(".check-item").nth(1)
    second.locator(".check-name").tap()
    page.wait_for_selector(".check-item:nth-child(2).is-speaking")
    page.wait_for_function("() => document.body.getAttribute('data-speech') === 'playing'")
    assert any("%E7%AC%AC2%E6%A0%B7" in r.url and r.status == 200 for r in audio)  # 第2样
    assert page.locator(".is-speaking").count() == 1
    # 停止 stops.
    button.tap()
    page.wait_for_selector("body[data-speech=stopped]")
    assert page.locator(".is-speaking").count() == 0
    assert button.inner_text().strip() == "朗读"
    portrait.assert_clean()


def test_audio_lasts_longer_for_longer_text(portrait, calm_kiosk_url):
    page = portrait.page
    page.goto(calm_kiosk_url + GUIDE)
    short = page.request.get(calm_kiosk_url + "/speech/audio", params={"text": "咨询电话"})
    long = page.request.get(
        calm_kiosk_url + "/speech/audio", params={"text": "咨询电话：0999-6123001。办理时间：周一至周五 8:30—12:00"}
    )
    assert short.ok and long.ok
    assert 0 < wav_seconds(short.body()) < wav_seconds(long.body())


def test_changing_page_stops_the_reading(portrait, calm_kiosk_url):
    page = portrait.page
    page.goto(calm_kiosk_url + GUIDE)
    page.locator("[data-speak-toggle]").tap()
    page.wait_for_selector("body[data-speech=playing]")
    page.locator("#bottombar .bar-home").tap()
    page.wait_for_url(calm_kiosk_url + "/")
    assert speech_state(page) == "stopped"
    assert page.evaluate("document.querySelectorAll('.is-speaking').length") == 0


def test_the_idle_reset_stops_the_reading(portrait, kiosk_url):
    page = portrait.page
    # Count the audio sources that are sounding: started and not yet ended (a stopped source ends).
    page.add_init_script(
        """(() => {
          window.__sounding = 0;
          const start = AudioBufferSourceNode.prototype.start;
          AudioBufferSourceNode.prototype.start = function (...args) {
            window.__sounding += 1;
            this.addEventListener("ended", () => { window.__sounding -= 1; });
            return start.apply(this, args);
          };
        })();"""
    )
    page.goto(kiosk_url + GUIDE)
    page.locator("[data-speak-toggle]").tap()
    page.wait_for_selector("body[data-speech=playing]")
    assert page.evaluate("window.__sounding") >= 1
    # The countdown appears while a section is being read: reading stops with it, sound included.
    page.locator("#idle-overlay").wait_for(state="visible", timeout=(IDLE_SECONDS + 8) * 1000)
    assert speech_state(page) == "stopped"
    page.wait_for_function("window.__sounding === 0", timeout=2000)
    page.wait_for_url(kiosk_url + "/", timeout=(COUNTDOWN_SECONDS + 3) * 1000)
    page.wait_for_load_state()
    assert speech_state(page) == "stopped"
    assert page.evaluate("sessionStorage.getItem('kiosk-speech-on')") is None
