"""The citizen's pages: home and browsing."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template

from .errors import render_error

bp = Blueprint("public", __name__)


@bp.before_request
def _need_release():
    if g.release is None:
        return render_error(503)
    return None


@bp.app_context_processor
def _layout_context() -> dict:
    release = g.get("release")
    if release is None:
        return {"hall": None, "release": None}
    return {"hall": release.hall(current_app.config["HALL_ID"]), "release": release}


@bp.get("/")
def home():
    return render_template("home.html", domains=g.release.domains_with_counts())


@bp.get("/guides/<guide_id>")
def guide(guide_id: str):
    item = g.release.guide(guide_id)
    if item is None:
        abort(404)
    return render_template("guide.html", guide=item)
