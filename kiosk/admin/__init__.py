"""The operator panel at /admin: PIN login, sync and printer actions, statistics, settings, audit.

Not linked from the citizen's screens; operators open http://127.0.0.1:8080/admin/ directly.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("admin", __name__, url_prefix="/admin")


def init_app(app: Flask) -> None:
    from . import jobs, views  # noqa: F401  (views attach their routes to bp)

    app.extensions["kiosk.admin.jobs"] = jobs.Jobs(app)
    app.register_blueprint(bp)
