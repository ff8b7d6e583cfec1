"""The terminal's local state database (state.sqlite): what happened here, never content.

Separate from releases, so it survives every sync. Each component that keeps state (sync log,
search log, print queue, feedback, operator audit) owns its tables: it declares an ordered list
of migration steps and calls `migrate(conn, component, steps)` before use. Steps are applied once,
in order, and never edited after they ship: add a new step instead.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from . import paths

_lock = threading.Lock()
_BUSY_TIMEOUT_S = 10.0


def _ensure_wal(conn: sqlite3.Connection) -> None:
    """Put the database in WAL mode, once per file (the mode is stored in the file).

    Switching needs an exclusive lock, and SQLite answers SQLITE_BUSY at once, without waiting
    out the busy timeout, when two connections race to switch a new file. So read the mode
    first (a database already in WAL needs no lock) and retry the switch within the timeout.
    """
    deadline = time.monotonic() + _BUSY_TIMEOUT_S
    delay = 0.005
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
                return
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            if time.monotonic() >= deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def open_db(root: Path | str) -> sqlite3.Connection:
    """connect() to the state database of the data directory `root` (the one way to open it)."""
    return connect(paths.state_db(Path(root)))


def connect(path: Path) -> sqlite3.Connection:
    """Open state.sqlite in WAL mode so the web app, the sync and the print worker share it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_S, check_same_thread=False, isolation_level=None)
    conn.row_factory = sqlite3.Row
    _ensure_wal(conn)
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations ("
        " component TEXT NOT NULL, step INTEGER NOT NULL, applied_at TEXT NOT NULL DEFAULT (datetime('now')),"
        " PRIMARY KEY (component, step))"
    )
    return conn


@contextlib.contextmanager
def write(conn: sqlite3.Connection) -> Iterator[None]:
    """The one way to open a write transaction on state.sqlite: BEGIN IMMEDIATE (what is read
    inside sees no other writer until the end), rolled back if anything inside raises, committed
    otherwise (a `return` inside included)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def migrate(conn: sqlite3.Connection, component: str, steps: Sequence[str]) -> None:
    """Apply the steps of `component` that this database has not seen yet, each in a transaction."""
    with _lock:
        done = {row[0] for row in conn.execute("SELECT step FROM migrations WHERE component = ?", (component,))}
        for number, sql in enumerate(steps, start=1):
            if number in done:
                continue
            conn.execute("BEGIN IMMEDIATE")
            try:
                # Re-check inside the write lock: another process may have applied it meanwhile.
                if conn.execute(
                    "SELECT 1 FROM migrations WHERE component = ? AND step = ?", (component, number)
                ).fetchone():
                    conn.execute("ROLLBACK")
                    continue
                for statement in sql.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute("INSERT INTO migrations (component, step) VALUES (?, ?)", (component, number))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
