"""The terminal's status, computed in one place.

`terminal_status()` reads what an operator wants to know each morning: the active release (its
counts, whether its files are whole), how old the content is, the last sync and its result, the
printer. `kiosk status`, `kiosk healthz`, /healthz, /metrics and the operator panel all render
the TerminalStatus it returns; none of them computes any part of it on its own.

Content age counts from the moment the content was last known to be current: the later of the
release's build time and the last sync that ended 'updated' or 'unchanged'. A county that changes
nothing for a week does not make its terminals stale; a terminal that cannot reach the portal does.

Whether the active release is whole (every file listed in release.json present, with its hash)
is checked once per release directory and process: releases are immutable once activated, and
hashing the content on every Prometheus scrape would cost more than it tells.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask

from content_sync import paths, state
from content_sync.release import list_releases, read_manifest, verify_release
from content_sync.sync import last_attempts, last_success

from . import stats
from .config import settings_of
from .printing import queue as print_queue
from .state_db import open_state

PRINTER_STATES = print_queue.PRINTER_STATES
SUCCESSFUL_SYNC = ("updated", "unchanged")
# Printer states an operator must act on.
PRINTER_PROBLEMS = {"paper_out", "offline"}
# What release.json says of the active release, as `active_release` reports it.
RELEASE_FIELDS = ("id", "built_at", "content_version", "content_updated_at", "county", "counts", "source")

_whole: dict[str, bool] = {}


def parse_time(ts: str | None) -> dt.datetime | None:
    if not ts:
        return None
    moment = dt.datetime.fromisoformat(ts)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def release_is_whole(release: Path) -> bool:
    """verify_release() once per release directory in this process (see the module's docstring)."""
    key = str(Path(release).resolve())
    if key not in _whole:
        _whole[key] = not verify_release(release)
    return _whole[key]


@dataclass
class TerminalStatus:
    """What an operator, a script or Prometheus wants to know about one terminal, right now."""

    checked_at: str
    data_dir: str = ""
    release_id: str | None = None
    content_version: str | None = None
    county: str | None = None
    built_at: str | None = None
    content_updated_at: str | None = None
    active_release: dict[str, Any] | None = None
    releases: list[str] = field(default_factory=list)
    content_confirmed_at: str | None = None
    content_age_seconds: float | None = None
    stale: bool = True
    stale_after_days: float = 3
    last_sync: dict[str, Any] | None = None
    last_successful_sync: dict[str, Any] | None = None
    printer_state: str = "unknown"  # one of PRINTER_STATES, or "none" (PRINTER = "none")
    printer_detail: str | None = None
    printer_checked_at: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """'ok', 'degraded' (serving, but someone should look) or 'failing' (nothing to serve)."""
        if self.release_id is None:
            return "failing"
        return "degraded" if self.problems else "ok"

    @property
    def has_content(self) -> bool:
        return self.release_id is not None

    @property
    def content_age_hours(self) -> float | None:
        return None if self.content_age_seconds is None else round(self.content_age_seconds / 3600, 1)

    def as_dict(self) -> dict[str, Any]:
        """The JSON of /healthz and `kiosk status --json` (the same object)."""
        return {
            "status": self.status,
            "has_content": self.has_content,
            **asdict(self),
            "content_age_hours": self.content_age_hours,
            # the names `kiosk status --json` has always used, kept for scripts
            "last_attempt": self.last_sync,
            "last_success": self.last_successful_sync,
        }


def _sync_row(conn: sqlite3.Connection, successful: bool) -> dict[str, Any] | None:
    if not stats.has_table(conn, "sync_attempts"):
        return None
    if successful:
        return last_success(conn)
    rows = last_attempts(conn, 1)
    return rows[0] if rows else None


def terminal_status(
    data_dir: Path | str,
    conn: sqlite3.Connection,
    stale_days: float,
    now: dt.datetime | None = None,
    printer_configured: bool = True,
) -> TerminalStatus:
    """Read release.json, the releases on disk and the state tables into one TerminalStatus."""
    now = now or dt.datetime.now(dt.UTC)
    data_dir = Path(data_dir)
    status = TerminalStatus(
        checked_at=now.isoformat(timespec="seconds"), data_dir=str(data_dir), stale_after_days=stale_days
    )
    status.releases = [r.name for r in list_releases(data_dir)]
    release = paths.current_release(data_dir)
    manifest = None
    if release is not None:
        try:
            manifest = read_manifest(release)
        except (OSError, ValueError):
            status.problems.append("release_unreadable")
    if release is not None and manifest is not None:
        status.release_id = manifest.get("id")
        status.content_version = manifest.get("content_version") or None
        status.county = manifest.get("county")
        status.built_at = manifest.get("built_at")
        status.content_updated_at = manifest.get("content_updated_at")
        status.active_release = {key: manifest.get(key) for key in RELEASE_FIELDS}
        status.active_release["whole"] = release_is_whole(release)
    status.last_sync = _sync_row(conn, successful=False)
    status.last_successful_sync = _sync_row(conn, successful=True)

    confirmed = [parse_time(status.built_at)]
    if status.last_successful_sync:
        confirmed.append(
            parse_time(status.last_successful_sync["finished_at"] or status.last_successful_sync["started_at"])
        )
    moments = [c for c in confirmed if c is not None]
    if status.release_id and moments:
        latest = max(moments)
        status.content_confirmed_at = latest.isoformat(timespec="seconds")
        status.content_age_seconds = max(0.0, (now - latest).total_seconds())
        status.stale = status.content_age_seconds > stale_days * 86400
    if status.release_id is None:
        if "release_unreadable" not in status.problems:
            status.problems.append("no_release")
    elif status.stale:
        status.problems.append("content_stale")
    if status.last_sync and status.last_sync["outcome"] == "failed":
        status.problems.append("last_sync_failed")

    if not printer_configured:
        # PRINTER = "none": the terminal shows QR codes only; no printer state is a problem.
        status.printer_state = "none"
        return status
    row = print_queue.printer_status(conn) if stats.has_table(conn, "printer_status") else None
    if row is not None:
        status.printer_state = row["state"] if row["state"] in PRINTER_STATES else "unknown"
        status.printer_detail = row["detail"]
        status.printer_checked_at = row["checked_at"]
    if status.printer_state in PRINTER_PROBLEMS:
        status.problems.append(f"printer_{status.printer_state}")
    return status


def read_status(
    data_dir: Path | str, stale_days: float, now: dt.datetime | None = None, printer_configured: bool = True
) -> TerminalStatus:
    """terminal_status() of a data directory, on a state connection of its own (scripts, tests)."""
    conn = state.open_db(data_dir)
    try:
        return terminal_status(data_dir, conn, stale_days, now, printer_configured)
    finally:
        conn.close()


def status_of(app: Flask, conn: sqlite3.Connection | None = None, now: dt.datetime | None = None) -> TerminalStatus:
    """terminal_status() with an app's settings; on a connection of its own unless one is given."""
    settings = settings_of(app)
    own = conn is None
    conn = open_state(app) if conn is None else conn
    try:
        return terminal_status(
            settings.DATA_DIR,
            conn,
            settings.CONTENT_STALE_DAYS,
            now,
            printer_configured=settings.PRINTER != "none",
        )
    finally:
        if own:
            conn.close()
