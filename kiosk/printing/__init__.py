"""Slips (告知单) for receipt and office printers, and the print queue behind them.

- slip.py: what a slip says; render.py: drawing it (1-bit receipt image, A4 PDF)
- escpos_io.py: ESC/POS bytes and printer exchanges with timeouts; backends.py: PRINTER=…
- queue.py: jobs and printer status in state.sqlite (the owner of print_jobs and printer_status);
  worker.py: the one worker that prints
- views.py: the citizens' print buttons, job status and QR codes; cli.py: `kiosk print-test`,
  `kiosk printer-status`
"""

from __future__ import annotations

import threading

from flask import Flask, current_app

from ..config import settings_of
from .backends import PrinterSettings
from .escpos_io import set_cache_dir
from .worker import PrintWorker

_EXTENSION = "kiosk.print_worker"
_lock = threading.Lock()


def settings(app: Flask | None = None) -> PrinterSettings:
    """The app's printer settings (checked; ValueError names a bad setting)."""
    app = app or current_app
    cached = app.extensions.get("kiosk.printer_settings")
    if cached is None:
        cached = app.extensions["kiosk.printer_settings"] = PrinterSettings.from_config(settings_of(app).as_dict())
    return cached


def get_worker(app: Flask | None = None) -> PrintWorker | None:
    """The running worker of this app, if it was started."""
    return (app or current_app).extensions.get(_EXTENSION)


def start_worker(app: Flask) -> PrintWorker:
    """Start this app's worker once (it also resumes jobs queued before a restart)."""
    with _lock:
        worker = app.extensions.get(_EXTENSION)
        if worker is None or not worker.alive:
            worker = PrintWorker(settings_of(app).DATA_DIR, settings(app), hall_id=settings_of(app).HALL_ID).start()
            app.extensions[_EXTENSION] = worker
        return worker


def init_app(app: Flask) -> None:
    """Start the worker with the first request (not in tests).

    Not at import or app creation: every `kiosk` CLI command builds the app too, and a sync or an
    operator command must never take a citizen's print job.
    """
    set_cache_dir(settings_of(app).CACHE_DIR)
    if app.config.get("TESTING"):
        return

    @app.before_request
    def _ensure_worker() -> None:
        if _EXTENSION not in app.extensions:
            start_worker(app)
