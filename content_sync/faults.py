"""Deterministic crash points for the reliability tests.

`point(name)` does nothing unless the environment variable CONTENT_SYNC_CRASH_AT names this
point; then the process kills itself with SIGKILL, exactly as a power cut or the OOM killer
would stop it. `CONTENT_SYNC_CRASH_AT=download:3` crashes at the third time the point is reached.
The check is one dictionary lookup, so the points stay in production code at no cost.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

ENV = "CONTENT_SYNC_CRASH_AT"
_seen: Counter[str] = Counter()


def point(name: str) -> None:
    """Kill this process with SIGKILL if the crash test asked for this moment."""
    wanted = os.environ.get(ENV)
    if not wanted:
        return
    target, _, nth = wanted.partition(":")
    if target != name:
        return
    _seen[name] += 1
    if _seen[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
