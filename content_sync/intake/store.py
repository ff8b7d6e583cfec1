"""The intake store (intake.sqlite in the store folder): the one module that reads and writes it.

Append-only by construction: triggers refuse every UPDATE and DELETE of an item or a status
event, so nothing a terminal sent and nothing the office decided is ever rewritten. Commits are
synchronous (WAL, synchronous=FULL): when `put` returns, the item is on disk, and only then does
the server acknowledge it.

Tables:
    items          one sealed item per id (the terminal's random id), its terminal, the hash of
                   its tracking code, when it arrived, the ciphertext
    terminals      terminal id, SHA-256 of its token, when added and revoked
    status_events  tracking-code hash, status, date, in the order the office set them
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..schema import ApplicationStatus
from .errors import IntakeError

DB_NAME = "intake.sqlite"
STATUSES = ("已收到", "已受理", "需补正", "已答复", "已办结")
RECEIVED = STATUSES[0]
TERMINAL_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"

DDL = """
CREATE TABLE IF NOT EXISTS items (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    terminal TEXT NOT NULL,
    status_hash TEXT NOT NULL,
    received_at TEXT NOT NULL,
    ciphertext BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS items_by_status_hash ON items (status_hash);
CREATE TABLE IF NOT EXISTS terminals (
    id TEXT PRIMARY KEY,
    token_sha256 TEXT NOT NULL,
    added_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS status_events (
    seq INTEGER PRIMARY KEY,
    status_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    on_date TEXT NOT NULL,
    set_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS status_by_hash ON status_events (status_hash, seq);
CREATE TRIGGER IF NOT EXISTS items_append_only_u BEFORE UPDATE ON items
    BEGIN SELECT RAISE(ABORT, 'items are append-only'); END;
CREATE TRIGGER IF NOT EXISTS items_append_only_d BEFORE DELETE ON items
    BEGIN SELECT RAISE(ABORT, 'items are append-only'); END;
CREATE TRIGGER IF NOT EXISTS status_append_only_u BEFORE UPDATE ON status_events
    BEGIN SELECT RAISE(ABORT, 'status events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS status_append_only_d BEFORE DELETE ON status_events
    BEGIN SELECT RAISE(ABORT, 'status events are append-only'); END;
"""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Item:
    seq: int
    id: str
    terminal: str
    status_hash: str
    received_at: str
    ciphertext: bytes


@dataclass(frozen=True)
class StatusEntry:
    status_hash: str
    status: str
    on_date: dt.date


class Conflict(IntakeError):
    """An id that is already stored with other bytes (never overwritten)."""


class Store:
    """One store folder. Thread-safe: each call opens its own short transaction."""

    def __init__(self, directory: Path, clock: Callable[[], dt.datetime] | None = None):
        self.directory = Path(directory)
        self.clock = clock or _now
        self.directory.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.executescript(DDL)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.directory / DB_NAME, timeout=30, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        return _Closing(conn)

    # --- terminals

    def add_terminal(self, terminal_id: str) -> str:
        """Register a terminal and return its new token (shown once; only its hash is kept)."""
        import re

        if not re.match(TERMINAL_ID_PATTERN, terminal_id):
            raise IntakeError(f"terminal id {terminal_id!r}: letters, digits, '.', '_' or '-', at most 64")
        token = secrets.token_urlsafe(32)
        with self._connect() as conn:
            row = conn.execute("SELECT revoked_at FROM terminals WHERE id = ?", (terminal_id,)).fetchone()
            if row is not None and row["revoked_at"] is None:
                raise IntakeError(f"terminal {terminal_id!r} already has a token; revoke it first")
            conn.execute(
                "INSERT OR REPLACE INTO terminals (id, token_sha256, added_at, revoked_at) VALUES (?, ?, ?, NULL)",
                (terminal_id, _token_hash(token), self.clock().isoformat(timespec="seconds")),
            )
        return f"{terminal_id}.{token}"

    def revoke_terminal(self, terminal_id: str) -> None:
        with self._connect() as conn:
            changed = conn.execute(
                "UPDATE terminals SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (self.clock().isoformat(timespec="seconds"), terminal_id),
            ).rowcount
        if not changed:
            raise IntakeError(f"no terminal {terminal_id!r} with a valid token")

    def terminal_for(self, credential: str) -> str | None:
        """The terminal id a `terminal.token` credential belongs to, or None if it is not valid."""
        terminal_id, _, token = credential.partition(".")
        if not terminal_id or not token or len(credential) > 200:
            return None
        with self._connect() as conn:
            row = conn.execute(
                "SELECT token_sha256 FROM terminals WHERE id = ? AND revoked_at IS NULL", (terminal_id,)
            ).fetchone()
        if row is None or not hmac.compare_digest(row["token_sha256"], _token_hash(token)):
            return None
        return terminal_id

    # --- items

    def put(self, item_id: str, terminal: str, status_hash: str, ciphertext: bytes) -> bool:
        """Store an item durably. True if stored now, False if this very item was already stored;
        Conflict if the id is taken by different bytes."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute("SELECT ciphertext, terminal FROM items WHERE id = ?", (item_id,)).fetchone()
                if row is not None:
                    conn.execute("ROLLBACK")
                    if bytes(row["ciphertext"]) == ciphertext and row["terminal"] == terminal:
                        return False
                    raise Conflict(f"item {item_id} is already stored with other content")
                conn.execute(
                    "INSERT INTO items (id, terminal, status_hash, received_at, ciphertext) VALUES (?, ?, ?, ?, ?)",
                    (item_id, terminal, status_hash, self.clock().isoformat(timespec="seconds"), ciphertext),
                )
                conn.execute("COMMIT")
            except sqlite3.Error:
                conn.execute("ROLLBACK")
                raise
        return True

    def items(self) -> Iterator[Item]:
        with self._connect() as conn:
            rows = conn.execute("SELECT * FROM items ORDER BY seq").fetchall()
        for row in rows:
            yield Item(**{**dict(row), "ciphertext": bytes(row["ciphertext"])})

    def count(self) -> int:
        with self._connect() as conn:
            return conn.execute("SELECT count(*) FROM items").fetchone()[0]

    # --- status

    def set_status(self, status_hash: str, status: str, on_date: dt.date | None = None) -> None:
        if status not in STATUSES:
            raise IntakeError(f"unknown status {status!r}; one of {'、'.join(STATUSES)}")
        with self._connect() as conn:
            if conn.execute("SELECT 1 FROM items WHERE status_hash = ?", (status_hash,)).fetchone() is None:
                raise IntakeError("no application or question with this tracking code has arrived")
            now = self.clock()
            conn.execute(
                "INSERT INTO status_events (status_hash, status, on_date, set_at) VALUES (?, ?, ?, ?)",
                (status_hash, status, (on_date or _local_date(now)).isoformat(), now.isoformat(timespec="seconds")),
            )

    def history(self, status_hash: str) -> list[StatusEntry]:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT status_hash, status, on_date FROM status_events WHERE status_hash = ? ORDER BY seq",
                (status_hash,),
            ).fetchall()
        return [StatusEntry(r["status_hash"], r["status"], dt.date.fromisoformat(r["on_date"])) for r in rows]

    def latest_statuses(self) -> list[StatusEntry]:
        """Each tracking code's latest state: the last status set, or 已收到 on the day it arrived.
        What the publisher puts in the signed release (hashes only, no personal data)."""
        with self._connect() as conn:
            received = conn.execute(
                "SELECT status_hash, min(received_at) AS at FROM items GROUP BY status_hash"
            ).fetchall()
            latest = conn.execute(
                "SELECT status_hash, status, on_date FROM status_events WHERE seq IN"
                " (SELECT max(seq) FROM status_events GROUP BY status_hash)"
            ).fetchall()
        out = {r["status_hash"]: StatusEntry(r["status_hash"], RECEIVED, received_date(r["at"])) for r in received}
        for r in latest:
            out[r["status_hash"]] = StatusEntry(r["status_hash"], r["status"], dt.date.fromisoformat(r["on_date"]))
        return [out[k] for k in sorted(out)]

    def status_records(self) -> list[ApplicationStatus]:
        """`latest_statuses()` as the content schema's records, for the publisher."""
        return [
            ApplicationStatus(code_hash=s.status_hash, status=s.status, on_date=s.on_date)
            for s in self.latest_statuses()
        ]


CHINA = dt.timezone(dt.timedelta(hours=8), "CST")


def _local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(CHINA).date()


def received_date(received_at: str) -> dt.date:
    """The calendar day (China time) an item arrived: the day the reply period counts from."""
    moment = dt.datetime.fromisoformat(received_at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return _local_date(moment)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class _Closing:
    """A connection usable as `with`: closes at the end (sqlite3's own `with` only commits)."""

    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn

    def __enter__(self) -> sqlite3.Connection:
        return self._conn

    def __exit__(self, *exc) -> None:
        self._conn.close()
