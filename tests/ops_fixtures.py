"""A terminal's state database as the other parts write it, with a recorded day-by-day history.

The tables are those their owner modules create (docs/architecture.md lists the owners; see
create_contract_tables, which checks them against the DDL below); the rows are a small,
hand-written record of three days in a hall, so that every statistic has one right answer that
the tests state.
"""

from __future__ import annotations

import importlib
import sqlite3
from pathlib import Path

from content_sync import paths, state

# The columns other parts rely on; create_contract_tables checks the owners' tables have them.
CONTRACT_TABLES = {
    "sync_attempts": """CREATE TABLE sync_attempts(id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT,
        outcome TEXT NOT NULL, error_kind TEXT, error TEXT, release_id TEXT,
        bytes_downloaded INTEGER NOT NULL DEFAULT 0, targets_downloaded INTEGER NOT NULL DEFAULT 0)""",
    "search_log": """CREATE TABLE search_log(id INTEGER PRIMARY KEY, at TEXT NOT NULL, query TEXT NOT NULL,
        result_count INTEGER NOT NULL, took_ms REAL NOT NULL, source TEXT NOT NULL DEFAULT 'screen',
        opened_kind TEXT, opened_id TEXT)""",
    "print_jobs": """CREATE TABLE print_jobs(id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'guide', record_id TEXT NOT NULL, session TEXT,
        status TEXT NOT NULL, error TEXT, attempts INTEGER NOT NULL DEFAULT 0)""",
    "printer_status": """CREATE TABLE printer_status(id INTEGER PRIMARY KEY CHECK (id = 1), checked_at TEXT,
        state TEXT, detail TEXT)""",
    "feedback": """CREATE TABLE feedback(id INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL,
        record_id TEXT NOT NULL, helpful INTEGER NOT NULL)""",
    "page_views": """CREATE TABLE page_views(id INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL,
        record_id TEXT NOT NULL)""",
}

# Who owns which tables: (module, its list of migration steps, component, tables).
OWNERS = [
    ("content_sync.sync", "MIGRATIONS", "sync", ["sync_attempts"]),
    ("kiosk.search.querylog", "STEPS", "search", ["search_log"]),
    ("kiosk.printing.queue", "STEPS", "printing", ["print_jobs", "printer_status"]),
    ("kiosk.feedback", "MIGRATIONS", "feedback", ["feedback", "page_views"]),
]


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def create_contract_tables(conn: sqlite3.Connection) -> None:
    """The other parts' tables, made by each owner's own migrations (so that its code, running
    later, finds them migrated); every column of the contract's DDL above must be there."""
    for module, attribute, component, _tables in OWNERS:
        state.migrate(conn, component, getattr(importlib.import_module(module), attribute))
    reference = sqlite3.connect(":memory:")
    for table, ddl in CONTRACT_TABLES.items():
        reference.execute(ddl)
        missing = _columns(reference, table) - _columns(conn, table)
        assert not missing, f"{table} lacks the contract's columns {sorted(missing)}"
    reference.close()


# (at UTC, query, result_count): 11 searches over three days, 5 of them without a result.
SEARCHES = [
    ("2026-03-01T01:10:00+00:00", "社保", 5),
    ("2026-03-01T02:20:00+00:00", "社保", 3),
    ("2026-03-01T03:30:00+00:00", "开饭店", 0),
    ("2026-03-01T04:40:00+00:00", "SB", 2),
    ("2026-03-02T01:00:00+00:00", "社保", 5),
    ("2026-03-02T02:00:00+00:00", "开饭店", 0),
    ("2026-03-02T03:00:00+00:00", "  开饭店 ", 0),
    ("2026-03-02T04:00:00+00:00", "养狗证", 0),
    ("2026-03-02T05:00:00+00:00", "13912345678 低保", 0),
    ("2026-03-03T01:00:00+00:00", "sb", 2),
    ("2026-03-03T02:00:00+00:00", "驾照", 4),
]

PAGE_VIEWS = [
    ("2026-03-01T01:11:00+00:00", "guide", "g-social-01"),
    ("2026-03-02T01:01:00+00:00", "guide", "g-social-01"),
    ("2026-03-03T01:01:00+00:00", "guide", "g-social-01"),
    ("2026-03-03T02:01:00+00:00", "guide", "g-hukou-01"),
    ("2026-03-02T06:00:00+00:00", "document", "d-0001"),
    ("2026-03-03T06:00:00+00:00", "document", "d-0001"),
]

# (created_at, kind, record_id, status)
PRINT_JOBS = [
    ("2026-03-01T01:12:00+00:00", "guide", "g-social-01", "done"),
    ("2026-03-02T01:02:00+00:00", "guide", "g-social-01", "done"),
    ("2026-03-02T07:00:00+00:00", "test", "test-page", "done"),
    ("2026-03-03T01:02:00+00:00", "guide", "g-social-01", "failed"),
    ("2026-03-03T01:03:00+00:00", "guide", "g-social-01", "queued"),
]

FEEDBACK = [
    ("2026-03-01T01:13:00+00:00", "guide", "g-social-01", 1),
    ("2026-03-02T01:03:00+00:00", "guide", "g-social-01", 1),
    ("2026-03-03T01:04:00+00:00", "guide", "g-social-01", 0),
    ("2026-03-03T06:01:00+00:00", "document", "d-0001", 0),
]


def record_history(conn: sqlite3.Connection) -> None:
    """Insert the recorded three days."""
    conn.executemany("INSERT INTO search_log (at, query, result_count, took_ms) VALUES (?, ?, ?, 12.5)", SEARCHES)
    conn.executemany("INSERT INTO page_views (at, kind, record_id) VALUES (?, ?, ?)", PAGE_VIEWS)
    conn.executemany(
        "INSERT INTO print_jobs (created_at, updated_at, kind, record_id, status) VALUES (?, ?, ?, ?, ?)",
        [(at, at, kind, record_id, status) for at, kind, record_id, status in PRINT_JOBS],
    )
    conn.executemany("INSERT INTO feedback (at, kind, record_id, helpful) VALUES (?, ?, ?, ?)", FEEDBACK)


def recorded_state(data_dir: Path) -> sqlite3.Connection:
    """Open DATA_DIR/state.sqlite with the contract tables and the recorded history."""
    conn = state.connect(paths.state_db(data_dir))
    create_contract_tables(conn)
    record_history(conn)
    return conn


# --- the operator panel

PIN = "246810"
_PIN_HASH: dict[str, str] = {}


def pin_hash() -> str:
    """The hash of PIN, computed once per test run (scrypt is slow on purpose)."""
    if PIN not in _PIN_HASH:
        from kiosk.admin.auth import hash_pin

        _PIN_HASH[PIN] = hash_pin(PIN)
    return _PIN_HASH[PIN]


def admin_config(data_dir: Path, cache_dir: Path, **extra) -> dict:
    config = {
        "TESTING": True,
        "DATA_DIR": str(data_dir),
        "CACHE_DIR": str(cache_dir),
        "WTF_CSRF_ENABLED": False,
        "ADMIN_PIN_HASH": pin_hash(),
    }
    config.update(extra)
    return config


def login(client, pin: str = PIN):
    return client.post("/admin/login", data={"pin": pin})
