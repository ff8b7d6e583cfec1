"""What every `kiosk` command shares: the app it works on and the one CLI error handler.

Feature packages define their commands with plain `@click.command` and import only this module;
kiosk/cli.py assembles them into the `kiosk` group, so no feature imports the CLI that lists it.

Every typed error a command may end with is in `CLI_ERRORS`, with its `error_kind` (also the
`error_kind` of the `--json` failure object) and its exit code; docs/operations.md shows the
same table, and a test checks that the two agree.
"""

from __future__ import annotations

import json
from typing import NoReturn

import click
from flask import Flask

from content_sync.errors import ContentSyncError
from content_sync.sync_errors import NoPreviousRelease

from .config import SettingsError


class AppState:
    """Creates the Flask app on first use, so `kiosk --help` stays fast."""

    def __init__(self) -> None:
        self._app: Flask | None = None

    @property
    def app(self) -> Flask:
        if self._app is None:
            from . import create_app

            self._app = create_app()
        return self._app


pass_state = click.make_pass_decorator(AppState, ensure=True)

# (error class, error_kind, exit code); the first row that matches wins. A content_sync error
# with a `kind` of its own (the sync errors) keeps that kind and its own exit code.
CLI_ERRORS: list[tuple[type[Exception], str, int]] = [
    (SettingsError, "settings", 2),
    (NoPreviousRelease, "no_previous_release", NoPreviousRelease.exit_code),
    (ContentSyncError, "error", ContentSyncError.exit_code),
]


def describe(exc: Exception) -> tuple[str, int]:
    """The error_kind and exit code of a typed error (see CLI_ERRORS)."""
    for cls, kind, code in CLI_ERRORS:
        if isinstance(exc, cls):
            return getattr(exc, "kind", kind), getattr(exc, "exit_code", code)
    raise TypeError(f"not a typed error of the kiosk: {exc!r}")


def failure_json(kind: str, error: str) -> str:
    """The JSON a command prints on standard output when it fails."""
    return json.dumps({"ok": False, "error_kind": kind, "error": error}, ensure_ascii=False)


def fail(exc: Exception, as_json: bool = False, note: str = "") -> NoReturn:
    """End a command on a typed error: the JSON failure object (with --json), one line on
    standard error (and `note`, if any, on a second line), the error's exit code."""
    kind, code = describe(exc)
    if as_json:
        click.echo(failure_json(kind, str(exc)))
    click.echo(f"error ({kind}): {exc}", err=True)
    if note:
        click.echo(note, err=True)
    raise click.exceptions.Exit(code)


class KioskGroup(click.Group):
    """The `kiosk` group: a typed error no command caught (a bad setting while the app is
    created, say) ends the same way as one a command reports itself."""

    def invoke(self, ctx: click.Context) -> object:
        # The subcommand's name and arguments, read before click consumes them.
        words = [*getattr(ctx, "_protected_args", []), *ctx.args]
        try:
            return super().invoke(ctx)
        except tuple(cls for cls, _kind, _code in CLI_ERRORS) as exc:
            fail(exc, as_json="--json" in words)
