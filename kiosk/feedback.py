"""这条信息对您有帮助吗？ — anonymous ratings and page views, kept for the operator's report.

Nothing personal is stored: what kind of page, which record, when, and yes or no.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from flask import Blueprint, abort, g, redirect, render_template, request, url_for

from .state_db import ensure_tables, get_state

if TYPE_CHECKING:
    import sqlite3

COMPONENT = "feedback"
MIGRATIONS = [
    """
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL, record_id TEXT NOT NULL,
        helpful INTEGER NOT NULL
    );
    CREATE INDEX feedback_by_record ON feedback (kind, record_id);
    CREATE TABLE page_views (id INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL, record_id TEXT NOT NULL);
    CREATE INDEX page_views_by_record ON page_views (kind, record_id)
    """,
]

# The kinds of page that can be rated, and how to check that the record exists.
RATED_KINDS = ("guide", "document")

bp = Blueprint("feedback", __name__)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _state() -> sqlite3.Connection:
    conn = get_state()
    if not g.get("feedback_migrated"):
        ensure_tables(conn, COMPONENT, MIGRATIONS)
        g.feedback_migrated = True
    return conn


def record_view(kind: str, record_id: str) -> None:
    """Count one view of a record's page (guide, document, catalog row, life event)."""
    _state().execute("INSERT INTO page_views (at, kind, record_id) VALUES (?, ?, ?)", (_now(), kind, record_id))


def record_feedback(kind: str, record_id: str, helpful: bool) -> None:
    _state().execute(
        "INSERT INTO feedback (at, kind, record_id, helpful) VALUES (?, ?, ?, ?)",
        (_now(), kind, record_id, int(helpful)),
    )


def _record_exists(kind: str, record_id: str) -> bool:
    release = g.get("release")
    if release is None:
        return False
    lookup = {"guide": release.guide, "document": release.document}[kind]
    return lookup(record_id) is not None


@bp.post("/feedback")
def submit():
    """Store one rating; htmx gets the thank-you fragment, a plain form goes back to the page."""
    kind = request.form.get("kind", "")
    record_id = request.form.get("record_id", "")
    helpful = request.form.get("helpful", "")
    if kind not in RATED_KINDS or helpful not in ("1", "0") or len(record_id) > 80:
        abort(400)
    if not _record_exists(kind, record_id):
        abort(404)
    record_feedback(kind, record_id, helpful == "1")
    if request.headers.get("HX-Request"):
        return render_template("_feedback_thanks.html", helpful=helpful == "1")
    endpoint = "public.guide" if kind == "guide" else "public.document"
    key = "guide_id" if kind == "guide" else "document_id"
    return redirect(url_for(endpoint, **{key: record_id, "rated": helpful}), code=303)
