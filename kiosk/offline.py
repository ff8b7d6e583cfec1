"""The kiosk browser's safety net: a service worker and the local fallback page it shows.

GET /sw.js     the service worker (scope "/"): serves /offline when a page cannot be loaded
GET /offline   the fallback page, which retries /healthz and returns home by itself
Neither needs content: both answer before the first release, and the page works from the cache.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, send_from_directory

bp = Blueprint("offline", __name__)


@bp.get("/sw.js")
def service_worker():
    response = send_from_directory(current_app.static_folder, "js/sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline():
    return render_template("offline.html")
