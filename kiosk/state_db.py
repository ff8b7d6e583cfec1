"""The web app's connection to the local state database, opened lazily per app context."""

from __future__ import annotations

import sqlite3

from flask import Flask, current_app, g

from content_sync import state

from .config import settings_of


def open_state(app: Flask) -> sqlite3.Connection:
    """A connection of its own to `app`'s state database, which the caller closes: for code
    outside a request (CLI commands, the metrics collector)."""
    return state.open_db(settings_of(app).DATA_DIR)


def ensure_tables(conn: sqlite3.Connection, component: str, migrations: list[str]) -> None:
    """Create or migrate one component's tables (content_sync.state keeps the schema versions)."""
    state.migrate(conn, component, migrations)


def get_state() -> sqlite3.Connection:
    """The state database for this request; each component migrates its own tables before use."""
    if "state_db" not in g:
        g.state_db = open_state(current_app)
    return g.state_db


def _close(_exc: BaseException | None = None) -> None:
    conn = g.pop("state_db", None)
    if conn is not None:
        conn.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_close)
