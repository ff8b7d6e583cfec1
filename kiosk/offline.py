"""The kiosk browser's safety net: a service worker and the local fallback page it shows.

GET /sw.js     the service worker (scope "/"): serves /offline when a page cannot be loaded
GET /offline   the fallback page, which retries /healthz and returns home by itself
Neither needs content: both answer before the first release, and the page works from the cache.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template

bp = Blueprint("offline", __name__)


@bp.get("/sw.js")
def service_worker():
    script = (Path(current_app.static_folder or "") / "js" / "sw.js").read_bytes()
    response = Response(script, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline():
    return render_template("offline.html")
