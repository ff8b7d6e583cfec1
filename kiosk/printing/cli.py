"""`kiosk print-test` and `kiosk printer-status`: check a terminal's printer from a shell.

`kiosk print-test` writes to the printer itself, so it is meant for a terminal whose web app is
stopped (the panel's 打印测试页 queues a test slip for the web app's worker instead). It records its
slip in the print queue as a job "printing", and refuses (exit PRINTER_BUSY_EXIT) while another job
is printing; while it prints, the worker takes no job.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

import click

from ..commands import AppState, failure_json, pass_state
from ..config import settings_of
from ..content import ReleaseHolder
from ..state_db import open_state
from . import queue
from .backends import PrinterSettings, PrintFailure, make_backend
from .fonts import FontNotFoundError
from .slip import build_slip, build_test_slip

HEALTHY = ("ok", "paper_low")
PRINT_FAILED_EXIT = 1
# `kiosk print-test` while a job is printing (the web app's worker, or another print-test).
PRINTER_BUSY_EXIT = 5


def _refuse(as_json: bool, kind: str, message: str, code: int = PRINT_FAILED_EXIT) -> None:
    """Fail with one line on stderr (and, with --json, a failure object on stdout)."""
    if as_json:
        click.echo(failure_json(kind, message))
    click.echo(f"Error: {message}", err=True)
    raise click.exceptions.Exit(code)


def _settings(app) -> PrinterSettings:
    try:
        return PrinterSettings.from_config(settings_of(app).as_dict())
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


def _record(app, status) -> None:
    conn = open_state(app)
    try:
        queue.migrate(conn)
        queue.set_printer_status(conn, status.state, status.detail)
    finally:
        conn.close()


@click.command("print-test")
@click.option("--guide", "guide_id", default="", help="Print this guide's slip instead of the test slip.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_state
def print_test(state_obj: AppState, guide_id: str, as_json: bool) -> None:
    """Print a test slip (or one guide's slip) on the configured printer now, for a terminal whose web
    app is stopped; refuses (exit 5) while a job in the print queue is printing."""
    app = state_obj.app
    try:
        settings = PrinterSettings.from_config(settings_of(app).as_dict())
    except ValueError as exc:
        _refuse(as_json, "settings", str(exc))
    release = ReleaseHolder(settings_of(app).DATA_DIR).current()
    now = dt.datetime.now().astimezone()
    hall = release.hall(settings_of(app).HALL_ID) if release else None
    if guide_id:
        guide = release.guide(guide_id) if release else None
        if guide is None:
            _refuse(as_json, "unknown_guide", f"no guide {guide_id!r} in the active release")
        slip = build_slip(guide, hall, release.site, release.id, now)
    else:
        qr_url = release.site.online_service_base_url if release else None
        slip = build_test_slip(hall, release.id if release else "", qr_url, now)
    conn = open_state(app)
    try:
        queue.migrate(conn)
        job = queue.start_direct(conn, guide_id or queue.TEST_RECORD)
        if job is None:
            _refuse(
                as_json,
                "printer_busy",
                "a slip is printing from the print queue; wait, or use the panel's test print while the web app runs",
                PRINTER_BUSY_EXIT,
            )
        backend = make_backend(settings)
        try:
            status = backend.print_slip(slip, f"test-{now.strftime('%Y%m%d-%H%M%S')}")
        except PrintFailure as exc:
            queue.finish(conn, job.id, f"{exc.kind}: {exc.detail}")
            failed = backend.status()
            queue.set_printer_status(conn, failed.state, failed.detail)
            _refuse(as_json, exc.kind, f"printing failed ({exc.kind}): {exc.detail}")
        except FontNotFoundError as exc:
            queue.finish(conn, job.id, f"error: {exc}")
            _refuse(as_json, "font", str(exc))
        queue.finish(conn, job.id)
        queue.set_printer_status(conn, status.state, status.detail)
    finally:
        conn.close()
    if as_json:
        result = {
            "ok": True,
            "backend": settings.backend,
            "job_id": job.id,
            "printer_state": status.state,
            "detail": status.detail,
        }
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    where = f" in {settings.file_dir}" if settings.backend == "file" else ""
    click.echo(f"printed on {settings.backend}{where}; printer {status.state}: {status.detail}")


@click.command("printer-status")
@pass_state
def printer_status(state_obj: AppState) -> None:
    """Ask the printer for its state (with PRINTER_TIMEOUT_SECONDS), show and record it.

    Exits 0 when the printer can print (ok, paper_low), 1 otherwise.
    """
    app = state_obj.app
    settings = _settings(app)
    status = make_backend(settings).status()
    _record(app, status)
    click.echo(f"{settings.backend}: {status.state} ({status.detail})")
    if status.state not in HEALTHY:
        sys.exit(1)


# Registered by kiosk/cli.py.
COMMANDS = [print_test, printer_status]
