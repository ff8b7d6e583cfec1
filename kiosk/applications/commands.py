"""`kiosk upload`: send the sealed applications and questions waiting in the outbox.

`kiosk sync` runs the same upload before it fetches content; kiosk-upload.timer runs this
command every 15 minutes, so an item waits no longer than the network is down.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..cli import AppState, main, pass_state
from .upload import UploadBusy, UploadResult, UploadSettings, upload

# Exit status of `kiosk upload` when items are left that could not be sent.
NOT_SENT_EXIT = 5


def upload_settings(config) -> UploadSettings:
    return UploadSettings(
        url=str(config["INTAKE_URL"]),
        token=str(config["INTAKE_TOKEN"]),
        timeout=float(config["INTAKE_TIMEOUT_SECONDS"]),
    )


def run_upload(config) -> UploadResult:
    """Upload with the app's settings; a concurrent upload counts as a failure to report."""
    try:
        return upload(Path(config["DATA_DIR"]), upload_settings(config))
    except UploadBusy as exc:
        return UploadResult("failed", 0, -1, str(exc))


def describe(result: UploadResult) -> str:
    if result.outcome == "nothing":
        return "applications: nothing waiting to be sent"
    waiting = f", {result.remaining} waiting" if result.remaining >= 0 else ""
    text = f"applications: {result.sent} sent to the intake service{waiting}"
    return text + (f" - {result.error}" if result.error else "")


@main.command("upload")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_state
def upload_command(state: AppState, as_json: bool) -> None:
    """Send the outbox (sealed applications and questions) to the county's intake service."""
    result = run_upload(state.app.config)
    if as_json:
        click.echo(json.dumps({"ok": result.error is None, **result.__dict__}, ensure_ascii=False))
    else:
        click.echo(describe(result), err=result.error is not None)
    if result.error is not None:
        raise click.exceptions.Exit(NOT_SENT_EXIT)
