"""The print queue and printer status in state.sqlite (component "printing").

The queue lives in the database, not in memory, so jobs survive a restart of the web process
and the operator panel can read what happened. Only one worker takes jobs (kiosk.printing.worker).
"""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
from dataclasses import dataclass

from content_sync import state

STEPS = [
    """
    CREATE TABLE print_jobs (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'guide',
        record_id TEXT NOT NULL,
        session TEXT,
        status TEXT NOT NULL,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX print_jobs_by_status ON print_jobs (status, id);
    CREATE INDEX print_jobs_by_session ON print_jobs (session, created_at);
    CREATE TABLE printer_status (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        checked_at TEXT,
        state TEXT,
        detail TEXT
    )
    """,
]

PRINTER_STATES = ("ok", "paper_low", "paper_out", "offline", "unknown")

# A job nobody printed within this long is failed rather than printed for someone who has left.
STALE_QUEUED_SECONDS = 60
# Beyond this a job still "printing" is reported failed (the worker is stuck on a device).
STUCK_PRINTING_GRACE_SECONDS = 30
# While a job touched this recently is "printing" (say `kiosk print-test` from a shell), nothing else
# is claimed: one printer, one slip at a time. Older "printing" rows are left-overs of a crash.
PRINTING_HOLD_SECONDS = 120
# record_id of an operator's test slip (kind 'test').
TEST_RECORD = "test-slip"
# kind and record_id of the application notes (申请须知) printed from /apply; from a 依申请公开
# catalog row the record_id is that row's id.
APPLY_KIND = "apply"
TEST_KIND = "test"
APPLY_RECORD = "apply"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def stamp(moment: dt.datetime | None = None) -> str:
    return (moment or now()).isoformat(timespec="seconds")


def migrate(conn: sqlite3.Connection) -> None:
    state.migrate(conn, "printing", STEPS)


@dataclass(frozen=True)
class Job:
    id: int
    created_at: str
    updated_at: str
    kind: str
    record_id: str
    session: str | None
    status: str
    error: str | None
    attempts: int

    @property
    def error_kind(self) -> str | None:
        """The failure kind before the colon in `error` (paper_out, offline, no_answer, …)."""
        if not self.error:
            return None
        return self.error.split(":", 1)[0].strip()

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")


def _job(row: sqlite3.Row | None) -> Job | None:
    return Job(**dict(row)) if row is not None else None


class RateLimited(Exception):
    """Too many slips: `scope` is "session", "minute" or "cooldown" (the terminal printed `limit`
    slips in a row just now; `retry_after` seconds until it prints again)."""

    def __init__(self, scope: str, limit: int, retry_after: int = 60):
        super().__init__(f"print limit per {scope} reached ({limit})")
        self.scope = scope
        self.limit = limit
        self.retry_after = retry_after


def _insert(
    conn: sqlite3.Connection, kind: str, record_id: str, session: str | None, status: str, at: str | None = None
) -> Job:
    """Add a job and return it as stored."""
    at = at or stamp()
    row = conn.execute(
        "INSERT INTO print_jobs (created_at, updated_at, kind, record_id, session, status, attempts)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
        (at, at, kind, record_id, session, status, 1 if status == "printing" else 0),
    ).fetchone()
    return _job(row)


def enqueue(
    conn: sqlite3.Connection,
    record_id: str,
    session: str | None,
    per_session: int,
    per_minute: int,
    kind: str = "guide",
    cooldown_seconds: int = 0,
) -> Job:
    """Queue a slip, unless a limit is reached (RateLimited). Failed jobs use no paper and do not count.

    A second press while the same slip is still waiting returns the waiting job instead of a new one.
    The per-session limit cannot be undone by the idle reset: once the terminal has printed
    `per_session` slips in a row, each within `cooldown_seconds` of the one before, it prints the
    next only `cooldown_seconds` after the last, whichever session asks.
    """
    with state.write(conn):
        if session:
            pending = conn.execute(
                "SELECT * FROM print_jobs WHERE session = ? AND kind = ? AND record_id = ?"
                " AND status IN ('queued', 'printing') ORDER BY id DESC LIMIT 1",
                (session, kind, record_id),
            ).fetchone()
            if pending is not None:
                return _job(pending)
            used = conn.execute(
                "SELECT count(*) FROM print_jobs WHERE session = ? AND status != 'failed'", (session,)
            ).fetchone()[0]
            if used >= per_session:
                raise RateLimited("session", per_session)
        if cooldown_seconds > 0 and per_session > 0:
            wait = _cooldown_left(conn, per_session, cooldown_seconds)
            if wait > 0:
                raise RateLimited("cooldown", per_session, retry_after=wait)
        since = stamp(now() - dt.timedelta(seconds=60))
        recent = conn.execute(
            "SELECT count(*) FROM print_jobs WHERE created_at > ? AND status != 'failed'", (since,)
        ).fetchone()[0]
        if recent >= per_minute:
            raise RateLimited("minute", per_minute)
        return _insert(conn, kind, record_id, session, "queued")


def _cooldown_left(conn: sqlite3.Connection, in_a_row: int, cooldown_seconds: int) -> int:
    """Seconds until the terminal may print again after `in_a_row` citizens' slips close together."""
    rows = conn.execute(
        "SELECT created_at FROM print_jobs WHERE status != 'failed' AND kind != ? ORDER BY created_at DESC, id DESC"
        " LIMIT ?",
        (TEST_KIND, in_a_row),
    ).fetchall()
    if len(rows) < in_a_row:
        return 0
    times = [dt.datetime.fromisoformat(r[0]) for r in rows]
    gap = dt.timedelta(seconds=cooldown_seconds)
    if any(newer - older >= gap for newer, older in zip(times, times[1:], strict=False)):
        return 0
    left = (times[0] + gap - now()).total_seconds()
    return max(0, math.ceil(left))


def get(conn: sqlite3.Connection, job_id: int) -> Job | None:
    return _job(conn.execute("SELECT * FROM print_jobs WHERE id = ?", (job_id,)).fetchone())


def claim_next(conn: sqlite3.Connection) -> Job | None:
    """Take the oldest queued job and mark it printing (atomically: one job, one worker).

    Nothing is taken while another job is printing (see PRINTING_HOLD_SECONDS).
    """
    moment = now()
    hold = stamp(moment - dt.timedelta(seconds=PRINTING_HOLD_SECONDS))
    row = conn.execute(
        "UPDATE print_jobs SET status = 'printing', updated_at = ?, attempts = attempts + 1"
        " WHERE id = (SELECT id FROM print_jobs WHERE status = 'queued' ORDER BY id LIMIT 1)"
        " AND status = 'queued'"
        " AND NOT EXISTS (SELECT 1 FROM print_jobs WHERE status = 'printing' AND updated_at > ?) RETURNING *",
        (stamp(moment), hold),
    ).fetchone()
    return _job(row)


def enqueue_test(conn: sqlite3.Connection) -> Job:
    """Queue an operator's test slip (kind 'test'): the worker prints it between citizens' slips.

    No rate limit (the operator is logged in), but a test slip still waiting is returned instead of a new one.
    """
    with state.write(conn):
        row = conn.execute(
            "SELECT * FROM print_jobs WHERE kind = 'test' AND status = 'queued' ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is not None:
            return _job(row)
        return _insert(conn, "test", TEST_RECORD, None, "queued")


def start_direct(conn: sqlite3.Connection, record_id: str) -> Job | None:
    """Record a slip printed outside the worker (`kiosk print-test`) as a job already "printing".

    None, and nothing recorded, while another job is printing (see PRINTING_HOLD_SECONDS): the
    caller must not write to the printer then.
    """
    moment = now()
    hold = stamp(moment - dt.timedelta(seconds=PRINTING_HOLD_SECONDS))
    with state.write(conn):
        busy = conn.execute("SELECT 1 FROM print_jobs WHERE status = 'printing' AND updated_at > ?", (hold,)).fetchone()
        if busy is not None:
            return None
        return _insert(conn, "test", record_id, "cli", "printing", at=stamp(moment))


def last_test(conn: sqlite3.Connection) -> Job | None:
    """The newest test slip job (from the panel or the command line)."""
    return _job(conn.execute("SELECT * FROM print_jobs WHERE kind = 'test' ORDER BY id DESC LIMIT 1").fetchone())


def finish(conn: sqlite3.Connection, job_id: int, error: str | None = None) -> None:
    """Mark a job done, or failed with `error` ("kind: detail")."""
    conn.execute(
        "UPDATE print_jobs SET status = ?, error = ?, updated_at = ? WHERE id = ?",
        ("failed" if error else "done", error, stamp(), job_id),
    )


def recover(conn: sqlite3.Connection) -> int:
    """After a restart: a job cut off while printing is failed, not printed twice. Returns how many."""
    cursor = conn.execute(
        "UPDATE print_jobs SET status = 'failed', error = ?, updated_at = ? WHERE status = 'printing'",
        ("interrupted: the terminal restarted while this slip was printing", stamp()),
    )
    return cursor.rowcount


def is_stale(job: Job, moment: dt.datetime | None = None) -> bool:
    """A queued job older than STALE_QUEUED_SECONDS."""
    created = dt.datetime.fromisoformat(job.created_at)
    return (moment or now()) - created > dt.timedelta(seconds=STALE_QUEUED_SECONDS)


def expire_overdue(conn: sqlite3.Connection, job: Job, printer_timeout: float) -> Job:
    """Fail a job the worker has not moved on in time, so a stuck printer never hangs the screen.

    Printing may take a few exchanges with the printer, each bounded by `printer_timeout`.
    """
    moment = now()
    updated = dt.datetime.fromisoformat(job.updated_at)
    if job.status == "queued" and is_stale(job, moment):
        error = "stale: the printer did not take the job in time"
    elif job.status == "printing" and (moment - updated).total_seconds() > 4 * printer_timeout + (
        STUCK_PRINTING_GRACE_SECONDS
    ):
        error = "no_answer: the printer did not finish the job in time"
    else:
        return job
    conn.execute(
        "UPDATE print_jobs SET status = 'failed', error = ?, updated_at = ? WHERE id = ? AND status = ?",
        (error, stamp(moment), job.id, job.status),
    )
    return get(conn, job.id) or job


def set_printer_status(conn: sqlite3.Connection, state_name: str, detail: str) -> None:
    if state_name not in PRINTER_STATES:
        raise ValueError(f"unknown printer state {state_name!r}")
    conn.execute(
        "INSERT INTO printer_status (id, checked_at, state, detail) VALUES (1, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at, state = excluded.state,"
        " detail = excluded.detail",
        (stamp(), state_name, detail),
    )


def recent(conn: sqlite3.Connection, limit: int = 20) -> list[dict]:
    """The newest jobs, newest first, as the operator panel lists them."""
    rows = conn.execute(
        "SELECT id, created_at, updated_at, kind, record_id, status, error, attempts"
        " FROM print_jobs ORDER BY id DESC LIMIT ?",
        (limit,),
    )
    return [dict(r) for r in rows]


def printer_status(conn: sqlite3.Connection) -> sqlite3.Row | None:
    return conn.execute("SELECT checked_at, state, detail FROM printer_status WHERE id = 1").fetchone()
