"""`kiosk print-test` and `kiosk printer-status`: check a terminal's printer from a shell."""

from __future__ import annotations

import datetime as dt
import sys

import click

from ..cli import AppState, main, pass_state
from ..content import ReleaseHolder
from ..state_db import open_state
from . import queue
from .backends import PrinterSettings, PrintFailure, make_backend
from .fonts import FontNotFoundError
from .slip import build_slip, build_test_slip

HEALTHY = ("ok", "paper_low")


def _settings(app) -> PrinterSettings:
    try:
        return PrinterSettings.from_config(app.config)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


def _record(app, status) -> None:
    conn = open_state(app)
    try:
        queue.migrate(conn)
        queue.set_printer_status(conn, status.state, status.detail)
    finally:
        conn.close()


@main.command("print-test")
@click.option("--guide", "guide_id", default="", help="Print this guide's slip instead of the test slip.")
@pass_state
def print_test(state_obj: AppState, guide_id: str) -> None:
    """Print a test slip (or one guide's slip) on the configured printer, now, without the queue."""
    app = state_obj.app
    settings = _settings(app)
    release = ReleaseHolder(app.config["DATA_DIR"]).current()
    now = dt.datetime.now().astimezone()
    hall = release.hall(app.config["HALL_ID"]) if release else None
    if guide_id:
        guide = release.guide(guide_id) if release else None
        if guide is None:
            raise click.ClickException(f"no guide {guide_id!r} in the active release")
        slip = build_slip(guide, hall, release.site, release.id, now)
    else:
        qr_url = release.site.online_service_base_url if release else None
        slip = build_test_slip(hall, release.id if release else "", qr_url, now)
    backend = make_backend(settings)
    try:
        status = backend.print_slip(slip, f"test-{now.strftime('%Y%m%d-%H%M%S')}")
    except PrintFailure as exc:
        _record(app, backend.status())
        raise click.ClickException(f"printing failed ({exc.kind}): {exc.detail}") from None
    except FontNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    _record(app, status)
    where = f" in {settings.file_dir}" if settings.backend == "file" else ""
    click.echo(f"printed on {settings.backend}{where}; printer {status.state}: {status.detail}")


@main.command("printer-status")
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
