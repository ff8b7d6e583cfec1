"""Operator PIN: hashing, checking with lockout, and the idle expiry of an operator session.

The PIN is stored only as a werkzeug hash in the ADMIN_PIN_HASH setting (`kiosk set-pin`).
ADMIN_MAX_FAILURES wrong PINs in a row lock the panel for ADMIN_LOCKOUT_MINUTES; the count lives
in state.sqlite so a restart does not clear it. While locked, no PIN is even checked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sqlite3
from dataclasses import dataclass

from werkzeug.security import check_password_hash, generate_password_hash

from content_sync import state

from . import store

PIN_PATTERN = re.compile(r"[0-9]{6,12}")


class PinError(ValueError):
    """A PIN that is not 6 to 12 digits."""


def hash_pin(pin: str) -> str:
    """The value for ADMIN_PIN_HASH: a salted scrypt hash of a 6–12 digit PIN."""
    if not PIN_PATTERN.fullmatch(pin):
        raise PinError("the PIN must be 6 to 12 digits")
    return generate_password_hash(pin)


def pin_fingerprint(pin_hash: str) -> str:
    """A short tag of the configured hash: sessions opened under an older PIN stop working."""
    return hashlib.sha256(pin_hash.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    reason: str = ""  # "" | "disabled" | "locked" | "wrong_pin"
    locked_until: dt.datetime | None = None
    failures_left: int = 0
    generation: int = 0


def locked_until(conn: sqlite3.Connection, now: dt.datetime) -> dt.datetime | None:
    """When the current lock ends, or None if the panel is not locked."""
    row = store.auth_row(conn)
    if row["locked_until"]:
        until = dt.datetime.fromisoformat(row["locked_until"])
        if until > now:
            return until
    return None


def attempt_login(
    conn: sqlite3.Connection,
    pin: str,
    pin_hash: str,
    *,
    max_failures: int,
    lockout_minutes: int,
    now: dt.datetime | None = None,
) -> LoginResult:
    """Check a PIN against the configured hash, counting failures and locking; audits every try."""
    now = now or store.now_utc()
    if not pin_hash:
        store.audit(conn, "login", "refused", "panel disabled: no PIN set", at=now)
        return LoginResult(False, "disabled")
    store.ensure(conn)
    # One attempt at a time, so that two wrong PINs sent together both count.
    with state.write(conn):
        return _attempt(conn, pin, pin_hash, max_failures, lockout_minutes, now)


def _attempt(
    conn: sqlite3.Connection, pin: str, pin_hash: str, max_failures: int, lockout_minutes: int, now: dt.datetime
) -> LoginResult:
    until = locked_until(conn, now)
    if until is not None:
        store.audit(conn, "login", "refused", "panel locked", at=now)
        return LoginResult(False, "locked", locked_until=until)
    row = store.auth_row(conn)
    failures = row["failures"]
    if row["locked_until"]:
        failures = 0  # a lock that has run out starts a fresh count
    if check_password_hash(pin_hash, pin):
        conn.execute("UPDATE admin_auth SET failures = 0, locked_until = NULL")
        store.audit(conn, "login", "ok", at=now)
        return LoginResult(True, generation=row["generation"])
    failures += 1
    if failures >= max_failures:
        until = now + dt.timedelta(minutes=lockout_minutes)
        conn.execute(
            "UPDATE admin_auth SET failures = ?, locked_until = ?, last_failure_at = ?",
            (failures, store.iso(until), store.iso(now)),
        )
        store.audit(conn, "login", "wrong_pin", f"{failures} in a row: locked until {store.iso(until)}", at=now)
        return LoginResult(False, "locked", locked_until=until)
    conn.execute(
        "UPDATE admin_auth SET failures = ?, locked_until = NULL, last_failure_at = ?", (failures, store.iso(now))
    )
    store.audit(conn, "login", "wrong_pin", f"{failures} in a row", at=now)
    return LoginResult(False, "wrong_pin", failures_left=max_failures - failures)


def current_generation(conn: sqlite3.Connection) -> int:
    return store.auth_row(conn)["generation"]


def end_all_sessions(conn: sqlite3.Connection) -> None:
    """Invalidate every operator session (logout): the session cookie carries the old generation."""
    store.ensure(conn)
    conn.execute("UPDATE admin_auth SET generation = generation + 1")
