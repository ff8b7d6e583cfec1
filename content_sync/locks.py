"""A non-blocking exclusive file lock shared by publishing and syncing.

The holder writes its pid and start time into the lock file, so that a monitor can tell who
holds it and since when (`lock_holder`) without ever taking the lock itself: taking it, even for
a moment, could make a sync that starts at that moment give up as busy.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROC_LOCKS = Path("/proc/locks")


@contextmanager
def exclusive_lock(path: Path, busy: Exception) -> Iterator[None]:
    """Hold an flock on `path` (created if missing) for the block, or raise `busy` at once if
    another process holds it. The kernel drops the lock if the holder dies."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise busy from None
        holder = {"pid": os.getpid(), "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder).encode(), 0)
        yield
    finally:
        os.close(fd)


def lock_holder(path: Path) -> dict | None:
    """Who holds the flock on `path` right now: {"pid": ..., "since": ISO time} or None if nobody
    does (or the file does not exist). Read from the kernel's /proc/locks, never by locking."""
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    try:
        holder = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        holder = {}
    if not _flocked(st, holder.get("pid")):
        return None
    return {"pid": holder.get("pid"), "since": holder.get("since")}


def _flocked(st: os.stat_result, pid: int | None) -> bool:
    """True if /proc/locks lists an flock on the file with this device and inode (or, where an
    overlay filesystem shows another device number, this inode held by the recorded pid)."""
    device = (os.major(st.st_dev), os.minor(st.st_dev))
    try:
        lines = PROC_LOCKS.read_text().splitlines()
    except OSError:
        return False
    for line in lines:
        fields = line.split()
        if len(fields) < 6 or fields[1] != "FLOCK":
            continue  # waiters ("->") and POSIX locks are not ours
        try:
            major, minor, inode = fields[5].split(":")
            if int(inode) != st.st_ino:
                continue
            if (int(major, 16), int(minor, 16)) == device or (pid is not None and int(fields[4]) == pid):
                return True
        except ValueError:
            continue
    return False
