"""The web app's connection to the local state database, opened lazily per app context."""

from __future__ import annotations

import sqlite3

from flask import Flask, current_app, g

from content_sync import paths, state


def get_state() -> sqlite3.Connection:
    """The state database for this request; each component migrates its own tables before use."""
    if "state_db" not in g:
        g.state_db = state.connect(paths.state_db(current_app.config["DATA_DIR"]))
    return g.state_db


def _close(_exc: BaseException | None = None) -> None:
    conn = g.pop("state_db", None)
    if conn is not None:
        conn.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_close)
