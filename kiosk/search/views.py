"""The search screen: /search (page, or the results fragment for htmx), /search/suggest (the
suggestions fragment as the citizen types), /search/open (log the chosen result, go to it).

Every request with odd input still answers: the engine never raises, parameters are checked, and
the page works as a plain GET form without JavaScript.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, g, redirect, render_template, request, session
from werkzeug.exceptions import NotFound

from ..config import current_settings
from ..errors import render_error
from ..state_db import get_state
from . import KIND_LABELS, KINDS, EngineCache, SearchEngine, querylog
from .engine import MAX_QUERY_CHARS, RECORD_URLS

bp = Blueprint("search", __name__)

NEXT_STEPS = (
    ("按领域查找办事指南", "/guides/domains"),
    ("一件事一次办", "/events"),
    ("政策文件", "/documents"),
)


def engine() -> SearchEngine | None:
    """The engine of the request's release (cached per release realpath in app.extensions)."""
    cache = current_app.extensions.get("kiosk.search")
    if cache is None:
        cache = current_app.extensions["kiosk.search"] = EngineCache(current_settings().CACHE_DIR)
    return cache.get(g.release.path) if g.release is not None else None


@bp.before_request
def _need_release():
    if g.release is None:
        return render_error(503)
    return None


def _query_arg(name: str = "q") -> str:
    return request.args.get(name, "", type=str)[: MAX_QUERY_CHARS * 2]


MAX_LOG_ID = 2**63 - 1  # SQLite's INTEGER PRIMARY KEY range


def _log_arg() -> int | None:
    """The search-log row id from ?log=, or None when it is absent, not a plain number or out of
    SQLite's range (a forged or mangled link must not reach the database as an overflow)."""
    raw = request.args.get("log", "", type=str).strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_LOG_ID else None


POPULAR_MIN_SHOWN = 3  # fewer qualifying queries than this: the release's default list alone


def _popular() -> list[str]:
    found = querylog.popular(get_state())
    eng = engine()
    defaults = eng.popular_default if eng else []
    if len(found) < POPULAR_MIN_SHOWN:
        return defaults[:10]
    return (found + [q for q in defaults if q not in found])[:10]


def _wants_fragment() -> bool:
    return bool(request.headers.get("HX-Request")) and request.headers.get("HX-Target") == "search-results"


@bp.get("/search")
def search():
    q = _query_arg().strip()
    eng = engine()
    context = {"q": q, "result": None, "log_id": None, "unavailable": eng is None, "labels": KIND_LABELS}
    context["next_steps"] = NEXT_STEPS
    if q and eng is not None:
        result = eng.search(q, limit=current_settings().SEARCH_LIMIT)
        context["result"] = result
        context["log_id"] = querylog.record_search(
            get_state(),
            q,
            result.total,
            result.took_ms,
            "screen",
            retention_days=current_settings().SEARCH_LOG_RETENTION_DAYS,
            tag=querylog.session_tag(current_app.secret_key or "", session.get("sid"), q),
        )
    if not q:
        context["popular"] = _popular()
    template = "search/_results.html" if _wants_fragment() else "search/page.html"
    return render_template(template, **context)


@bp.get("/search/suggest")
def suggest():
    q = _query_arg().strip()
    eng = engine()
    items = eng.suggest(q, limit=6) if (eng is not None and q) else []
    return render_template("search/_suggest.html", q=q, suggestions=items, labels=KIND_LABELS)


@bp.get("/search/open")
def open_result():
    """Record which result the citizen chose, then go to its page (a redirect, or HX-Location)."""
    kind = request.args.get("kind", "", type=str)
    record_id = request.args.get("id", "", type=str)
    if kind not in KINDS or not record_id or len(record_id) > 80:
        raise NotFound()
    if not g.release.has_record(kind, record_id):
        raise NotFound()
    conn = get_state()
    log_id = _log_arg()
    if log_id is not None:
        querylog.record_open(conn, log_id, kind, record_id)
    elif request.args.get("via") == "suggest":
        row = querylog.record_search(conn, _query_arg(), 1, 0.0, "suggest")
        querylog.record_open(conn, row, kind, record_id)
    target = RECORD_URLS[kind].format(record_id)
    if request.headers.get("HX-Request"):
        response = Response(status=200)
        response.headers["HX-Location"] = json.dumps({"path": target, "target": "#main"})
        return response
    return redirect(target, code=303)
