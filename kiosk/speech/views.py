"""GET /speech/audio?text=… : the WAV file that reads one section of a screen aloud.

The page's script asks for one section at a time, so the first section plays while the next is
made. Elder mode (长辈模式) speaks more slowly. A request without text, with too much text or with
text that says nothing is a 400, an engine failure a 503; never a 500.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, request, session

from ..config import current_settings, settings_of
from ..errors import render_error
from .cache import AudioCache
from .engines import SpeechError, Voice, load_engine
from .services import Speaker

bp = Blueprint("speech", __name__)

# Longer than any section the screens send (a paragraph of a document); refuses a flood.
MAX_TEXT = 600


def speaker() -> Speaker | None:
    return current_app.extensions.get("kiosk.speaker")


def voice() -> Voice:
    settings = current_settings()
    rate = settings.SPEECH_RATE_ELDER if session.get("elder") else settings.SPEECH_RATE
    return Voice(rate=int(rate), volume=int(settings.SPEECH_VOLUME))


@bp.app_template_global()
def speech_enabled() -> bool:
    """True when this terminal reads aloud (SPEECH_ENGINE is not "none")."""
    return speaker() is not None


@bp.get("/speech/audio")
def audio():
    spk = speaker()
    if spk is None:
        abort(404)
    text = request.args.get("text", "")
    if not text.strip() or len(text) > MAX_TEXT or "\x00" in text:
        return render_error(400, "无法朗读", "这段文字无法朗读。")
    try:
        path = spk.audio(text, voice())
    except SpeechError as exc:
        current_app.logger.warning("speech engine failed: %s", exc)
        return render_error(503, "朗读暂时不能用", "请看屏幕上的文字，或到服务窗口咨询工作人员。")
    if path is None:
        return render_error(400, "无法朗读", "这段文字无法朗读。")
    try:
        data = path.read_bytes()
    except FileNotFoundError:  # pruned by another request a moment ago: make it again
        data = spk.audio(text, voice()).read_bytes()
    response = Response(data, mimetype="audio/wav")
    # The same section read again (or made ahead while the one before plays) comes from the browser.
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def init_app(app: Flask) -> None:
    settings = settings_of(app)
    engine = load_engine(settings.SPEECH_ENGINE, settings.as_dict())
    if engine is not None:
        cache = AudioCache(Path(settings.CACHE_DIR) / "speech", int(settings.SPEECH_CACHE_MB * 1024 * 1024))
        app.extensions["kiosk.speaker"] = Speaker(engine, cache)
    app.register_blueprint(bp)
