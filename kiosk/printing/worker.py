"""The one worker that prints: takes queued jobs in order, renders, sends, records the outcome.

It runs as a daemon thread in the web process (started on the first request, see
kiosk.printing.init_app) and keeps the printer's state in printer_status for the operators.
Every exchange with a printer has a timeout, so a job always ends as done or failed.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from content_sync import state
from content_sync.schema import Guide

from ..content import ReleaseHolder
from . import queue
from .backends import Backend, PrinterSettings, PrintFailure, make_backend
from .fonts import FontNotFoundError
from .slip import build_apply_slip, build_slip, build_test_slip

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0  # how often an idle worker looks for jobs (enqueue also wakes it at once)
STATUS_EVERY_SECONDS = 60.0  # how often an idle worker asks the printer for its state


class PrintWorker:
    """Works the queue of one terminal. `start()` runs it in a daemon thread; `run_once()` for tests."""

    def __init__(
        self,
        data_dir: str | Path,
        settings: PrinterSettings,
        hall_id: str = "",
        backend: Backend | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ):
        self.data_dir = Path(data_dir)
        self.settings = settings
        self.hall_id = hall_id
        self.backend = backend or make_backend(settings)
        self.releases = ReleaseHolder(self.data_dir)
        self.clock = clock or (lambda: dt.datetime.now().astimezone())
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn = None
        self._last_status = 0.0

    @property
    def conn(self):
        if self._conn is None:
            self._conn = state.open_db(self.data_dir)
            queue.migrate(self._conn)
        return self._conn

    # --- lifecycle

    def start(self) -> PrintWorker:
        """Recover after a restart, then work the queue in a daemon thread."""
        recovered = queue.recover(self.conn)
        if recovered:
            log.warning("failed %d print job(s) interrupted by a restart", recovered)
        self._thread = threading.Thread(target=self._loop, name="print-worker", daemon=True)
        self._thread.start()
        return self

    def wake(self) -> None:
        """A job was queued: look now instead of at the next poll."""
        self._wake.set()

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._conn is not None and (self._thread is None or not self._thread.is_alive()):
            self._conn.close()
            self._conn = None

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                worked = self.run_once()
                if not worked and time.monotonic() - self._last_status > STATUS_EVERY_SECONDS:
                    self.check_status()
            except Exception:  # the worker must outlive any one bad job or database hiccup
                log.exception("print worker error")
                worked = False
            if not worked:
                self._wake.wait(POLL_SECONDS)
                self._wake.clear()

    # --- work

    def check_status(self) -> None:
        """Ask the printer for its state and record it for the operators."""
        status = self.backend.status()
        queue.set_printer_status(self.conn, status.state, status.detail)
        self._last_status = time.monotonic()

    def run_once(self) -> bool:
        """Print the next queued job, if any. Returns True if a job was taken."""
        job = queue.claim_next(self.conn)
        if job is None:
            return False
        if queue.is_stale(job):
            queue.finish(self.conn, job.id, "stale: the printer did not take the job in time")
            return True
        error = self._print(job)
        queue.finish(self.conn, job.id, error)
        if error:
            log.warning("print job %d failed: %s", job.id, error)
        return True

    def _guide(self, record_id: str) -> tuple[Guide | None, object]:
        release = self.releases.current()
        if release is None:
            return None, None
        return release.guide(record_id), release

    def _print(self, job: queue.Job) -> str | None:
        """Print one job; the error text ("kind: detail") or None when it printed."""
        if job.kind == "test":
            # The operator's test slip from the panel: printed here, never beside a citizen's slip.
            release = self.releases.current()
            hall = release.hall(self.hall_id) if release else None
            qr_url = release.site.online_service_base_url if release else None
            slip = build_test_slip(hall, release.id if release else "", qr_url, self.clock())
            name = f"test-job-{job.id}"
        elif job.kind == "guide":
            guide, release = self._guide(job.record_id)
            if guide is None:
                return f"error: guide {job.record_id!r} is not in the current release"
            slip = build_slip(guide, release.hall(self.hall_id), release.site, release.id, self.clock())
            name = f"job-{job.id}-{guide.id}"
        elif job.kind == queue.APPLY_KIND:
            release = self.releases.current()
            if release is None:
                return "error: no content release to print from"
            item = None if job.record_id == queue.APPLY_RECORD else release.catalog_item(job.record_id)
            if job.record_id != queue.APPLY_RECORD and item is None:
                return f"error: catalog item {job.record_id!r} is not in the current release"
            slip = build_apply_slip(release.site, release.hall(self.hall_id), release.id, self.clock(), item)
            name = f"job-{job.id}-apply"
        else:
            return f"error: unknown job kind {job.kind!r}"
        try:
            status = self.backend.print_slip(slip, name)
        except PrintFailure as exc:
            state_name = exc.kind if exc.kind in queue.PRINTER_STATES else "offline"
            if exc.kind == "no_answer":
                state_name = "unknown"
            queue.set_printer_status(self.conn, state_name, exc.detail)
            self._last_status = time.monotonic()
            return f"{exc.kind}: {exc.detail}"
        except (FontNotFoundError, ValueError, OSError) as exc:
            return f"error: {exc}"
        queue.set_printer_status(self.conn, status.state, status.detail)
        self._last_status = time.monotonic()
        return None
