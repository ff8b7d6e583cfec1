"""`kiosk sync | rollback | status`: the terminal's side of the signed nightly sync.

With `--json` every command prints one JSON object on standard output, also when it fails
({"ok": false, "error_kind": ..., "error": ...}, same exit code, the usual line on standard error).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from content_sync.errors import ContentSyncError
from content_sync.release import rollback as rollback_release
from content_sync.sync import SyncSettings, sync_lock
from content_sync.sync import sync as run_sync

from ..commands import AppState, fail, pass_state
from ..config import Settings, settings_of
from ..status import status_of


def sync_settings(settings: Settings) -> SyncSettings:
    """The sync library's settings from the kiosk's (kiosk/config.py)."""
    return SyncSettings(
        metadata_url=settings.PORTAL_METADATA_URL,
        targets_url=settings.PORTAL_TARGETS_URL,
        root_metadata=Path(settings.ROOT_METADATA),
        timeout=float(settings.SYNC_TIMEOUT_SECONDS),
        retries=settings.SYNC_RETRIES,
        max_bytes_per_second=settings.SYNC_MAX_BYTES_PER_SECOND,
        keep_releases=settings.KEEP_RELEASES,
        cache_dir=Path(settings.CACHE_DIR),
    )


# `kiosk status` when the terminal has no release at all (same code as `kiosk healthz`).
NO_CONTENT_EXIT = 3


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_state
def sync(state: AppState, as_json: bool) -> None:
    """Fetch the county's signed content, verify it, and switch to it if it changed."""
    settings = settings_of(state.app)
    try:
        result = run_sync(Path(settings.DATA_DIR), sync_settings(settings))
    except ContentSyncError as exc:
        fail(exc, as_json, note="the terminal keeps serving its current release")
    if as_json:
        click.echo(json.dumps({"ok": True, **result.__dict__}, ensure_ascii=False))
    elif result.outcome == "unchanged":
        click.echo(f"unchanged: release {result.release_id} is current ({result.bytes_downloaded} bytes checked)")
    else:
        click.echo(
            f"updated: release {result.release_id} is active ({result.content_version}, "
            f"{result.targets_downloaded} of {result.targets_total} targets downloaded, "
            f"{result.bytes_downloaded} bytes)"
        )


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_state
def rollback(state: AppState, as_json: bool) -> None:
    """Go back to the previous release on this terminal (until the next sync brings new content)."""
    root = Path(settings_of(state.app).DATA_DIR)
    try:
        with sync_lock(root):
            release = rollback_release(root)
    except ContentSyncError as exc:
        fail(exc, as_json)
    if as_json:
        click.echo(json.dumps({"ok": True, "release_id": release.name}, ensure_ascii=False))
    else:
        click.echo(f"rolled back: release {release.name} is active")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@pass_state
def status(state: AppState, as_json: bool) -> None:
    """The active release, its counts and age, and the last sync attempt.

    Exits NO_CONTENT_EXIT (3) when the terminal has no release yet, so that scripts can tell.
    """
    report = status_of(state.app).as_dict()  # the same object /healthz answers with
    has_content = report["has_content"]
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
        if not has_content:
            raise click.exceptions.Exit(NO_CONTENT_EXIT)
        return
    active = report["active_release"]
    if active:
        click.echo(f"active release: {active['id']} ({active['county']}, {active['content_version'] or 'local build'})")
        click.echo("counts: " + ", ".join(f"{k} {v}" for k, v in active["counts"].items()))
    else:
        click.echo("active release: none")
    if has_content:
        stale = " (STALE)" if report["stale"] else ""
        click.echo(f"content age: {report['content_age_hours']} h{stale}")
    else:
        click.echo("content age: no content yet")
    last = report["last_attempt"]
    if last:
        detail = f" - {last['error_kind']}: {last['error']}" if last["error"] else ""
        click.echo(f"last sync: {last['started_at']} {last['outcome']}{detail}")
    else:
        click.echo("last sync: never")
    if not has_content:
        raise click.exceptions.Exit(NO_CONTENT_EXIT)


# Registered by kiosk/cli.py.
COMMANDS = [sync, rollback, status]
