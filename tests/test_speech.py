"""Read aloud: the espeak-ng engine, the bounded audio cache, the engine setting and /speech/audio."""

from __future__ import annotations

import io
import os
import shutil
import time
import wave
from pathlib import Path

import pytest

from kiosk import create_app
from kiosk.speech.cache import AudioCache, audio_key
from kiosk.speech.engines import EspeakEngine, LibEspeakEngine, SpeechError, Voice, fix_wav_sizes, load_engine

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="Debian's espeak-ng is not installed")
VOICE = Voice(rate=170, volume=80)


def duration(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as w:
        assert w.getnchannels() == 1
        assert w.getsampwidth() == 2
        return w.getnframes() / w.getframerate()


@needs_espeak
@pytest.mark.parametrize("engine", [EspeakEngine, LibEspeakEngine], ids=["command", "library"])
def test_espeak_makes_a_valid_wav_whose_length_grows_with_the_text(engine):
    engine = engine()
    short = engine.synthesize("咨询电话", VOICE)
    long = engine.synthesize("咨询电话, 零九九九 六幺二三零零幺. 办理时间, 周一至周五 上午八点半到十二点", VOICE)
    assert short[:4] == b"RIFF" and short[8:12] == b"WAVE"
    assert 0.3 < duration(short) < duration(long)
    # The header's sizes are the real ones, not espeak-ng's streaming placeholders.
    assert int.from_bytes(long[4:8], "little") == len(long) - 8


@needs_espeak
def test_slower_voice_speaks_longer():
    engine = load_engine("espeak-ng", {})
    text = "要带的材料, 居民身份证, 原件一份"
    assert duration(engine.synthesize(text, Voice(rate=120, volume=80))) > duration(
        engine.synthesize(text, Voice(rate=200, volume=80))
    )


def test_missing_engine_binary_is_a_speech_error():
    with pytest.raises(SpeechError, match="not installed"):
        EspeakEngine(binary="/nonexistent/espeak-ng").synthesize("你好", VOICE)


def test_a_non_wav_answer_is_a_speech_error():
    with pytest.raises(SpeechError, match="not return a WAV"):
        fix_wav_sizes(b"not audio at all, but long enough to pass the length check....")


def test_engine_setting():
    assert load_engine("none", {}) is None
    assert isinstance(load_engine("espeak-ng", {}), LibEspeakEngine)
    assert load_engine("espeak-ng", {}) is load_engine("espeak-ng", {})  # the library has one state
    assert isinstance(load_engine("espeak-ng-command", {}), EspeakEngine)
    engine = load_engine("tests.test_speech:quiet_engine", {"SPEECH_VOLUME": 5})
    assert engine.name == "quiet" and engine.settings["SPEECH_VOLUME"] == 5
    with pytest.raises(ValueError, match="SPEECH_ENGINE"):
        load_engine("festival", {})
    with pytest.raises(ValueError, match="cannot load"):
        load_engine("tests.no_such_module:engine", {})
    with pytest.raises(ValueError, match="did not return an engine"):
        load_engine("tests.test_speech:not_an_engine", {})


class QuietEngine:
    """A county's own engine: one second of silence per ten characters (a real WAV file)."""

    name = "quiet"

    def __init__(self, settings):
        self.settings = dict(settings)
        self.calls: list[str] = []

    def synthesize(self, text: str, voice: Voice) -> bytes:
        self.calls.append(text)
        out = io.BytesIO()
        with wave.open(out, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(8000)
            w.writeframes(b"\0\0" * 800 * max(1, len(text)))
        return out.getvalue()


def quiet_engine(settings):
    return QuietEngine(settings)


def not_an_engine(settings):
    return object()


def test_cache_is_keyed_by_engine_voice_and_text():
    keys = {
        audio_key("espeak-ng:cmn", VOICE, "你好"),
        audio_key("espeak-ng:cmn", Voice(rate=130, volume=80), "你好"),
        audio_key("espeak-ng:cmn", Voice(rate=170, volume=50), "你好"),
        audio_key("other", VOICE, "你好"),
        audio_key("espeak-ng:cmn", VOICE, "您好"),
    }
    assert len(keys) == 5


def test_cache_stays_within_its_bound_and_drops_the_least_recently_used(tmp_path):
    cache = AudioCache(tmp_path, max_bytes=10_000)
    paths = [cache.put(f"{n:064x}", b"x" * 1_000) for n in range(9)]
    assert cache.size() == 9_000
    old = time.time() - 100
    for p in paths:
        os.utime(p, (old, old))
    assert cache.get(f"{0:064x}") == paths[0]  # read just now: the most recently used
    cache.put(f"{9:064x}", b"y" * 1_000)
    cache.put(f"{10:064x}", b"y" * 1_000)  # 11,000 bytes: pruned to 80 %
    assert cache.size() == 8_000
    assert paths[0].exists()
    assert not paths[1].exists()
    assert cache.get(f"{10:064x}") is not None
    for n in range(11, 60):
        cache.put(f"{n:064x}", b"z" * 1_000)
        assert cache.size() <= 10_000


def test_cache_leaves_no_temporary_files(tmp_path):
    cache = AudioCache(tmp_path, max_bytes=1_000_000)
    cache.put("ab" * 32, b"data")
    assert [p.name for p in Path(tmp_path).rglob("*") if p.is_file()] == ["ab" * 32 + ".wav"]


@pytest.fixture
def speech_app(data_dir, tmp_path):
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "CACHE_DIR": str(tmp_path / "cache"),
            "WTF_CSRF_ENABLED": False,
            "SPEECH_ENGINE": "tests.test_speech:quiet_engine",
        }
    )


def test_audio_is_made_once_and_then_served_from_the_cache(speech_app):
    client = speech_app.test_client()
    first = client.get("/speech/audio", query_string={"text": "咨询电话：0999-6123001"})
    assert first.status_code == 200
    assert first.mimetype == "audio/wav"
    assert duration(first.data) > 1
    second = client.get("/speech/audio", query_string={"text": "咨询电话：0999-6123001"})
    assert second.data == first.data
    engine = speech_app.extensions["kiosk.speaker"].engine
    # The engine got the prepared text, once.
    assert engine.calls == ["咨询电话, 零九九九 六幺二三零零幺"]


def test_elder_mode_reads_more_slowly(speech_app):
    client = speech_app.test_client()
    client.get("/speech/audio", query_string={"text": "你好"})
    with client.session_transaction() as s:
        s["elder"] = True
    client.get("/speech/audio", query_string={"text": "你好"})
    files = list((Path(speech_app.config["CACHE_DIR"]) / "speech").rglob("*.wav"))
    assert len(files) == 2  # one per speed


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"text": ""},
        {"text": "   "},
        {"text": "，。《》"},
        {"text": "字" * 601},
        {"text": "a\x00b"},
    ],
    ids=["missing", "empty", "blank", "only-marks", "too-long", "nul"],
)
def test_malformed_requests_are_refused_never_a_500(speech_app, query):
    response = speech_app.test_client().get("/speech/audio", query_string=query)
    assert response.status_code == 400
    assert "无法朗读" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["text=%FF%FE%ZZ", "text=%ED%B3%BF", "text=%E4%B8%80&text=%E4%BA%8C", "text"])
def test_odd_queries_never_give_a_500(speech_app, query):
    response = speech_app.test_client().get(f"/speech/audio?{query}")
    assert response.status_code in (200, 400)


def test_a_failing_engine_is_a_503_in_plain_chinese(data_dir, tmp_path):
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(data_dir), "CACHE_DIR": str(tmp_path / "c"), "WTF_CSRF_ENABLED": False}
    )
    app.extensions["kiosk.speaker"].engine = EspeakEngine(binary="/nonexistent/espeak-ng")
    response = app.test_client().get("/speech/audio", query_string={"text": "你好"})
    assert response.status_code == 503
    assert "朗读暂时不能用" in response.get_data(as_text=True)


def test_no_engine_no_button_and_no_audio(data_dir, tmp_path, bundle):
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "CACHE_DIR": str(tmp_path / "c"),
            "WTF_CSRF_ENABLED": False,
            "SPEECH_ENGINE": "none",
        }
    )
    client = app.test_client()
    page = client.get(f"/guides/{bundle.guides[0].id}").get_data(as_text=True)
    assert "data-speak-toggle" not in page
    assert client.get("/speech/audio", query_string={"text": "你好"}).status_code == 404


def test_every_content_screen_has_the_button(client, bundle):
    guide = bundle.guides[0]
    pages = [
        f"/guides/{guide.id}",
        f"/catalog/{bundle.catalog[0].id}",
        f"/documents/{bundle.documents[0].id}",
        f"/events/{bundle.life_events[0].id}",
        "/search?q=" + guide.name,
        "/apply",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        assert "data-speak-toggle" in text, url
        assert "data-speak" in text.replace("data-speak-toggle", ""), url


def test_guide_is_read_name_materials_where_when_phone(client, bundle):
    import re

    guide = bundle.guides[0]
    html = client.get(f"/guides/{guide.id}").get_data(as_text=True)
    sections = re.findall(r'data-speak="([^"]*)" data-speak-order="(\d+)"', html)
    ordered = [text for text, _ in sorted(sections, key=lambda s: int(s[1]))]
    assert ordered[0] == f"办事指南：{guide.name}"
    materials = [t for t in ordered if t.startswith("第") and "样，" in t]
    assert len(materials) == len(guide.materials)
    first = guide.materials[0]
    assert materials[0].startswith(f"第1样，{first.name}，{first.form}")
    where = next(i for i, t in enumerate(ordered) if t.startswith("去哪里办"))
    when = next(i for i, t in enumerate(ordered) if t.startswith("什么时间"))
    phone = next(i for i, t in enumerate(ordered) if t.startswith("咨询电话"))
    last_material = max(ordered.index(m) for m in materials)
    assert last_material < where < when < phone
