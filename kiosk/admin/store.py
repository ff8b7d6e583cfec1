"""The operators part's tables in state.sqlite (component "admin"): audit log, PIN lockout, totals.

audit_log(id, at, action, outcome, detail)  -- what operators did; never a PIN or personal data
admin_auth(id = 1, failures, locked_until, last_failure_at, generation)
                                            -- consecutive wrong PINs and the lock, kept across
                                               restarts so that restarting does not reset them;
                                               `generation` invalidates every session on logout
stats_totals(name, value)                   -- rows pruned from search_log, for monotonic counters
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

from content_sync import state

MIGRATIONS = [
    """
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY, at TEXT NOT NULL, action TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT
    );
    CREATE INDEX audit_log_by_at ON audit_log (at);
    CREATE TABLE admin_auth (
        id INTEGER PRIMARY KEY CHECK (id = 1), failures INTEGER NOT NULL DEFAULT 0, locked_until TEXT,
        last_failure_at TEXT, generation INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO admin_auth (id) VALUES (1);
    CREATE TABLE stats_totals (name TEXT PRIMARY KEY, value INTEGER NOT NULL DEFAULT 0)
    """,
]


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def ensure(conn: sqlite3.Connection) -> sqlite3.Connection:
    """Apply this component's migrations (idempotent) and return the connection."""
    state.migrate(conn, "admin", MIGRATIONS)
    return conn


def audit(conn: sqlite3.Connection, action: str, outcome: str = "ok", detail: str = "", at: dt.datetime | None = None):
    """Append one line to the audit log."""
    ensure(conn)
    conn.execute(
        "INSERT INTO audit_log (at, action, outcome, detail) VALUES (?, ?, ?, ?)",
        (iso(at or now_utc()), action, outcome, detail or None),
    )


def recent_audit(conn: sqlite3.Connection, limit: int = 100) -> list[dict[str, Any]]:
    ensure(conn)
    rows = conn.execute("SELECT at, action, outcome, detail FROM audit_log ORDER BY id DESC LIMIT ?", (limit,))
    return [dict(r) for r in rows]


def auth_row(conn: sqlite3.Connection) -> sqlite3.Row:
    ensure(conn)
    return conn.execute("SELECT failures, locked_until, last_failure_at, generation FROM admin_auth").fetchone()
