"""Deterministic crash points for the reliability tests.

`point(name)` does nothing unless the environment variable CONTENT_SYNC_CRASH_AT names this
point; then the process kills itself with SIGKILL, exactly as a power cut or the OOM killer
would stop it. `CONTENT_SYNC_CRASH_AT=sync:downloaded:3` crashes the third time that point is reached.
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
    target, nth = wanted, 1
    head, _, tail = wanted.rpartition(":")
    if tail.isdigit():
        target, nth = head, int(tail)
    if target != name:
        return
    _seen[name] += 1
    if _seen[name] >= nth:
        os.kill(os.getpid(), signal.SIGKILL)
