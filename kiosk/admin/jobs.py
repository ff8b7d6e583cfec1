"""Panel actions that run as their own `kiosk` process: sync now, rollback, printer check.

A sync never blocks the web app: the panel starts `kiosk sync` (or `kiosk rollback`,
`kiosk printer-status`) as a child process, exactly what the systemd units run, and a small thread
waits for it, keeps its output in DATA_DIR/admin-jobs/<action>.log and writes the outcome to
the audit log. Sync and rollback never run at the same time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask

from content_sync import state

from ..config import DEFAULTS, settings_of
from . import store

ACTIONS: dict[str, list[str]] = {
    "sync": ["sync"],
    "rollback": ["rollback"],
    # No "print-test": the panel's test slip goes through the print queue (views.printer_test),
    # so that only the web app's worker writes to the printer.
    "printer-status": ["printer-status"],
}
# Actions that change the release may not overlap.
EXCLUSIVE = {"sync", "rollback"}
# Never handed to a child process.
PRIVATE_SETTINGS = {"SECRET_KEY", "ADMIN_PIN_HASH"}
OUTPUT_LIMIT = 64 * 1024


class JobRunning(RuntimeError):
    """Another sync or rollback is still running."""


@dataclass
class Job:
    action: str
    command: list[str]
    started_at: dt.datetime
    log_path: Path
    process: subprocess.Popen | None = None
    returncode: int | None = None
    finished_at: dt.datetime | None = None
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def running(self) -> bool:
        return not self.done.is_set()

    def output(self) -> str:
        """The last part of what the command printed."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - OUTPUT_LIMIT))
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "started_at": store.iso(self.started_at),
            "finished_at": store.iso(self.finished_at) if self.finished_at else None,
            "running": self.running,
            "returncode": self.returncode,
        }


def kiosk_command() -> list[str]:
    """How to run the `kiosk` CLI: from PATH, else beside this Python, else through this Python."""
    found = shutil.which("kiosk") or shutil.which("kiosk", path=str(Path(sys.executable).parent))
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())"]


def child_environment(config: dict[str, Any]) -> dict[str, str]:
    """The environment of a child `kiosk`: ours, plus every non-default setting as KIOSK_<NAME>.

    Values are JSON, which kiosk.config.from_environment reads back with their types.
    """
    env = dict(os.environ)
    for name, default in DEFAULTS.items():
        if name in PRIVATE_SETTINGS:
            continue
        value = config.get(name, default)
        if value != default:
            env[f"KIOSK_{name}"] = json.dumps(value, ensure_ascii=False)
    # When the package is not installed (a checkout), let the child import it from the same place.
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


class Jobs:
    """The panel's background jobs of one app (kept in app.extensions["kiosk.admin.jobs"])."""

    def __init__(self, app: Flask):
        self._settings = settings_of(app)
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}

    @property
    def log_dir(self) -> Path:
        return Path(self._settings.DATA_DIR) / "admin-jobs"

    def last(self, action: str) -> Job | None:
        return self._jobs.get(action)

    def start(self, action: str) -> Job:
        """Start `kiosk <action>` in the background; JobRunning if a conflicting one still runs."""
        if action not in ACTIONS:
            raise KeyError(action)
        with self._lock:
            group = EXCLUSIVE if action in EXCLUSIVE else {action}
            busy = [a for a in group if (j := self._jobs.get(a)) is not None and j.running]
            if busy:
                raise JobRunning(busy[0])
            self.log_dir.mkdir(parents=True, exist_ok=True)
            command = kiosk_command() + ACTIONS[action]
            job = Job(action, command, store.now_utc(), self.log_dir / f"{action}.log")
            # Audited before the child exists, so that "started" always precedes "finished".
            self._audit(f"{action}_started", "ok", f"kiosk {' '.join(ACTIONS[action])}")
            with open(job.log_path, "wb") as log:
                job.process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=child_environment(self._settings.as_dict()),
                    cwd=self._settings.DATA_DIR,
                    start_new_session=True,
                )
            self._jobs[action] = job
        threading.Thread(target=self._wait, args=(job,), name=f"kiosk-{action}", daemon=True).start()
        return job

    def _wait(self, job: Job) -> None:
        assert job.process is not None
        job.returncode = job.process.wait()
        job.finished_at = store.now_utc()
        try:
            outcome = "ok" if job.returncode == 0 else "failed"
            self._audit(f"{job.action}_finished", outcome, f"exit code {job.returncode}")
        finally:
            job.done.set()

    def _audit(self, action: str, outcome: str, detail: str) -> None:
        conn = state.open_db(self._settings.DATA_DIR)
        try:
            store.audit(conn, action, outcome, detail)
        finally:
            conn.close()


def get_jobs(app: Flask) -> Jobs:
    return app.extensions["kiosk.admin.jobs"]
