"""Typed errors of the county's intake tools; the CLI turns each into one line and an exit code."""

from __future__ import annotations

from ..errors import ContentSyncError


class IntakeError(ContentSyncError):
    """A key, store, code or status the office gave that cannot be used."""

    exit_code = 2


class CalendarNotCovered(IntakeError):
    """A deadline falls in a year the installed chinese-calendar does not know yet."""

    exit_code = 4
