"""`kiosk upload`: send the sealed applications and questions waiting in the outbox.

`kiosk sync` runs the same upload before it fetches content; kiosk-upload.timer runs this
command every 15 minutes, so an item waits no longer than the network is down.
"""

from __future__ import annotations

import json

import click

from ..commands import AppState, pass_state
from ..config import settings_of
from .upload import describe, run_upload

# Exit status of `kiosk upload` when items are left that could not be sent.
NOT_SENT_EXIT = 5


@click.command("upload")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_state
def upload_command(state: AppState, as_json: bool) -> None:
    """Send the outbox (sealed applications and questions) to the county's intake service."""
    result = run_upload(settings_of(state.app))
    if as_json:
        click.echo(json.dumps({"ok": result.error is None, **result.__dict__}, ensure_ascii=False))
    else:
        click.echo(describe(result), err=result.error is not None)
    if result.error is not None:
        raise click.exceptions.Exit(NOT_SENT_EXIT)


COMMANDS = [upload_command]
