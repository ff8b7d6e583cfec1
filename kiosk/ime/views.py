"""The input method's endpoints, called by static/js/ime.js (JSON in, JSON out).

GET  /ime/pinyin?q=shebao&page=0&size=8   one page of candidates
POST /ime/handwriting                     {"width", "height", "strokes": [[[x, y], ...], ...]}

Malformed input is a 400 with a plain Chinese message, never a 500. While the pinyin table is
built for the first time, /ime/pinyin answers 202 with `retry` set; when the handwriting library or
model is missing, /ime/handwriting answers 503 and the pad is shown disabled (see `ime_context`).
"""

from __future__ import annotations

import os

from flask import Blueprint, current_app, g, jsonify, request

from ..config import current_settings
from . import DEFAULT_MODEL, ImeService, NotReady
from .candidates import PAGE_SIZE_DEFAULT, InputError
from .zinnia import MAX_POINTS_PER_STROKE, MAX_STROKES, ZinniaError

bp = Blueprint("ime", __name__)

MAX_BOX = 4096
MAX_RESULTS = 20


def service() -> ImeService:
    ext = current_app.extensions.get("kiosk.ime")
    if ext is None:
        settings = current_settings()
        model = settings.HANDWRITING_MODEL or DEFAULT_MODEL
        ext = current_app.extensions["kiosk.ime"] = ImeService(settings.CACHE_DIR, model)
    return ext


def _county_source():
    """(release key, its search engine) of the request's release, or (None, None)."""
    release = getattr(g, "release", None)
    if release is None:
        return None, None
    from ..search.views import engine

    eng = engine()
    if eng is None:
        return None, None
    return os.path.realpath(release.path), eng


def _error(message: str, status: int, **extra):
    response = jsonify({"error": message, **extra})
    response.status_code = status
    return response


def _int_arg(name: str, default: int, low: int, high: int) -> int | None:
    raw = request.args.get(name, "", type=str).strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6:
        return None
    return max(low, min(int(raw), high))


@bp.get("/ime/pinyin")
def pinyin():
    q = request.args.get("q", "", type=str)
    page = _int_arg("page", 0, 0, 10_000)
    size = _int_arg("size", PAGE_SIZE_DEFAULT, 1, 20)
    if page is None or size is None:
        return _error("页码不对", 400)
    try:
        key, eng = _county_source()
        result = service().candidates(key, eng).page(q, page, size)
    except InputError as exc:
        return _error(str(exc), 400)
    except NotReady:
        # 202, not 503: nothing failed, the answer comes later (the keyboard asks again)
        return _error("拼音输入正在准备，请稍等一会儿", 202, retry=True)
    response = jsonify(
        {
            "input": result.input,
            "candidates": [{"text": c.text, "consumed": c.consumed} for c in result.candidates],
            "page": result.page,
            "pages": result.pages,
            "total": result.total,
        }
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _strokes(data) -> tuple[list[list[tuple[int, int]]], int, int] | None:
    """The strokes, width and height of a request body, or None when it is malformed."""
    if not isinstance(data, dict):
        return None
    width, height, strokes = data.get("width"), data.get("height"), data.get("strokes")
    if not all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= MAX_BOX for v in (width, height)):
        return None
    if not isinstance(strokes, list) or not 1 <= len(strokes) <= MAX_STROKES:
        return None
    out = []
    for stroke in strokes:
        if not isinstance(stroke, list) or not 1 <= len(stroke) <= MAX_POINTS_PER_STROKE:
            return None
        points = []
        for point in stroke:
            if not isinstance(point, list) or len(point) != 2:
                return None
            x, y = point
            if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (x, y)):
                return None
            if not (-MAX_BOX <= x <= 2 * MAX_BOX and -MAX_BOX <= y <= 2 * MAX_BOX):
                return None
            points.append((min(max(int(x), 0), width), min(max(int(y), 0), height)))
        out.append(points)
    return out, width, height


@bp.post("/ime/handwriting")
def handwriting():
    parsed = _strokes(request.get_json(silent=True))
    if parsed is None:
        return _error("没有认出笔画，请重新写", 400)
    strokes, width, height = parsed
    try:
        found = service().recognizer().classify(strokes, width, height, MAX_RESULTS)
    except ZinniaError:
        return _error("手写输入暂时不能用，请用拼音输入", 503)
    response = jsonify({"candidates": [ch for ch, _score in found]})
    response.headers["Cache-Control"] = "no-store"
    return response


def ime_context() -> dict:
    """For the keyboard partial: whether the handwriting pad can be used."""
    error = service().handwriting_error()
    return {"ime_handwriting": error is None}


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.context_processor(ime_context)
