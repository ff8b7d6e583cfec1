"""The outbox in state.sqlite (component "applications"): the one module that reads and writes it.

    outbox            sealed items waiting for the county's acknowledgement: id (random, the
                      upload's idempotency key), kind, tracking code, when, the ciphertext, tries
    submissions       what the terminal may keep after sending: tracking code, kind, date, hall,
                      when the county acknowledged it (for the receipt; no personal data)
    upload_attempts   each upload run: when, outcome, items sent, the error

Only ciphertext enters this database. An item is deleted from `outbox` only by `acknowledge`,
which the uploader calls after the intake endpoint confirmed the id; a crash anywhere leaves it
in place to be sent again, and the endpoint acknowledges a repeat without storing it twice.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from content_sync import state

COMPONENT = "applications"
STEPS = [
    """
    CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        code TEXT NOT NULL,
        status_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        ciphertext BLOB NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    );
    CREATE INDEX outbox_by_age ON outbox (created_at);
    CREATE TABLE submissions (
        code TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        submitted_at TEXT NOT NULL,
        hall_id TEXT NOT NULL,
        acknowledged_at TEXT
    );
    CREATE TABLE upload_attempts (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        outcome TEXT NOT NULL,
        sent INTEGER NOT NULL DEFAULT 0,
        error TEXT
    )
    """,
]


class OutboxFull(Exception):
    """The outbox holds its maximum number of items; nothing new is taken until it drains."""


@dataclass(frozen=True)
class Item:
    id: str
    kind: str
    code: str
    status_hash: str
    created_at: str
    ciphertext: bytes
    attempts: int
    last_error: str | None


@dataclass(frozen=True)
class Submission:
    code: str
    kind: str
    submitted_at: str
    hall_id: str
    acknowledged_at: str | None


@dataclass(frozen=True)
class OutboxStatus:
    """What operators see: how many wait, since when, the last upload, and the cap."""

    count: int
    oldest_created_at: str | None
    oldest_age_seconds: float | None
    capacity: int
    last_upload: dict | None
    last_successful_upload: dict | None

    @property
    def full(self) -> bool:
        return self.count >= self.capacity

    def as_dict(self) -> dict:
        return {
            "count": self.count,
            "oldest_created_at": self.oldest_created_at,
            "oldest_age_seconds": self.oldest_age_seconds,
            "capacity": self.capacity,
            "full": self.full,
            "last_upload": self.last_upload,
            "last_successful_upload": self.last_successful_upload,
        }


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _stamp(moment: dt.datetime | None = None) -> str:
    return (moment or now()).isoformat(timespec="seconds")


def migrate(conn: sqlite3.Connection) -> None:
    state.migrate(conn, COMPONENT, STEPS)


def add(
    conn: sqlite3.Connection,
    item_id: str,
    kind: str,
    code: str,
    status_hash: str,
    ciphertext: bytes,
    hall_id: str,
    capacity: int,
    at: dt.datetime | None = None,
) -> None:
    """Queue one sealed item and remember its code for the receipt, in one transaction;
    OutboxFull when `capacity` items already wait."""
    stamp = _stamp(at)
    with state.write(conn):
        if conn.execute("SELECT count(*) FROM outbox").fetchone()[0] >= capacity:
            raise OutboxFull(f"the outbox holds {capacity} items")
        conn.execute(
            "INSERT INTO outbox (id, kind, code, status_hash, created_at, ciphertext) VALUES (?, ?, ?, ?, ?, ?)",
            (item_id, kind, code, status_hash, stamp, ciphertext),
        )
        conn.execute(
            "INSERT INTO submissions (code, kind, submitted_at, hall_id) VALUES (?, ?, ?, ?)",
            (code, kind, stamp, hall_id),
        )


def pending(conn: sqlite3.Connection, limit: int = 1000) -> list[Item]:
    rows = conn.execute("SELECT * FROM outbox ORDER BY created_at, id LIMIT ?", (limit,)).fetchall()
    return [Item(**{**dict(r), "ciphertext": bytes(r["ciphertext"])}) for r in rows]


def count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM outbox").fetchone()[0]


def acknowledge(conn: sqlite3.Connection, item_id: str, at: dt.datetime | None = None) -> None:
    """The county holds the item durably: drop the ciphertext, note the time on its submission."""
    with state.write(conn):
        row = conn.execute("DELETE FROM outbox WHERE id = ? RETURNING code", (item_id,)).fetchone()
        if row is not None:
            conn.execute("UPDATE submissions SET acknowledged_at = ? WHERE code = ?", (_stamp(at), row["code"]))


def note_failure(conn: sqlite3.Connection, item_id: str, error: str) -> None:
    conn.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?", (error[:300], item_id))


def submission(conn: sqlite3.Connection, code: str) -> Submission | None:
    row = conn.execute("SELECT * FROM submissions WHERE code = ?", (code,)).fetchone()
    return Submission(**dict(row)) if row else None


def start_attempt(conn: sqlite3.Connection) -> int:
    return conn.execute(
        "INSERT INTO upload_attempts (started_at, outcome) VALUES (?, 'running') RETURNING id", (_stamp(),)
    ).fetchone()[0]


def finish_attempt(conn: sqlite3.Connection, attempt_id: int, outcome: str, sent: int, error: str | None) -> None:
    conn.execute(
        "UPDATE upload_attempts SET finished_at = ?, outcome = ?, sent = ?, error = ? WHERE id = ?",
        (_stamp(), outcome, sent, error, attempt_id),
    )


def _attempt(conn: sqlite3.Connection, successful: bool) -> dict | None:
    where = "WHERE outcome IN ('sent', 'nothing')" if successful else ""
    row = conn.execute(
        f"SELECT started_at, finished_at, outcome, sent, error FROM upload_attempts {where} ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return dict(row) if row else None


def status(conn: sqlite3.Connection, capacity: int, at: dt.datetime | None = None) -> OutboxStatus:
    """Read-only: a terminal that never took an application reports an empty outbox."""
    moment = at or now()
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").fetchone():
        return OutboxStatus(0, None, None, capacity, None, None)
    total, oldest = conn.execute("SELECT count(*), min(created_at) FROM outbox").fetchone()
    age = None
    if oldest:
        age = max(0.0, (moment - dt.datetime.fromisoformat(oldest)).total_seconds())
    return OutboxStatus(
        count=total,
        oldest_created_at=oldest,
        oldest_age_seconds=age,
        capacity=capacity,
        last_upload=_attempt(conn, False),
        last_successful_upload=_attempt(conn, True),
    )
