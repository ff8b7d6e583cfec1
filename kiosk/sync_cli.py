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
from content_sync.sync import SyncSettings, status_report, sync_lock
from content_sync.sync import sync as run_sync

from .cli import AppState, main, pass_state


def sync_settings(config) -> SyncSettings:
    """The sync library's settings from the kiosk's (kiosk/config.py)."""
    return SyncSettings(
        metadata_url=config["PORTAL_METADATA_URL"],
        targets_url=config["PORTAL_TARGETS_URL"],
        root_metadata=Path(config["ROOT_METADATA"]),
        timeout=float(config["SYNC_TIMEOUT_SECONDS"]),
        retries=int(config["SYNC_RETRIES"]),
        max_bytes_per_second=int(config["SYNC_MAX_BYTES_PER_SECOND"]),
        keep_releases=int(config["KEEP_RELEASES"]),
        cache_dir=Path(config["CACHE_DIR"]),
    )


# `kiosk status` when the terminal has no release at all (same code as `kiosk healthz`).
NO_CONTENT_EXIT = 3


def failure_json(kind: str, error: str) -> str:
    """The JSON a command prints on standard output when it fails."""
    return json.dumps({"ok": False, "error_kind": kind, "error": error}, ensure_ascii=False)


def _fail(exc: ContentSyncError, as_json: bool = False) -> None:
    kind = getattr(exc, "kind", "error")
    if as_json:
        click.echo(failure_json(kind, str(exc)))
    click.echo(f"error ({kind}): {exc}", err=True)
    click.echo("the terminal keeps serving its current release", err=True)
    raise click.exceptions.Exit(exc.exit_code)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_state
def sync(state: AppState, as_json: bool) -> None:
    """Send waiting applications, then fetch the county's signed content, verify it, and switch to
    it if it changed (so a status the office set yesterday shows today)."""
    from .applications.commands import describe, run_upload

    config = state.app.config
    uploaded = run_upload(config)
    if not as_json and uploaded.outcome != "nothing":
        click.echo(describe(uploaded), err=uploaded.error is not None)
    try:
        result = run_sync(Path(config["DATA_DIR"]), sync_settings(config))
    except ContentSyncError as exc:
        _fail(exc, as_json)
        return
    if as_json:
        click.echo(json.dumps({"ok": True, **result.__dict__, "upload": uploaded.__dict__}, ensure_ascii=False))
    elif result.outcome == "unchanged":
        click.echo(f"unchanged: release {result.release_id} is current ({result.bytes_downloaded} bytes checked)")
    else:
        click.echo(
            f"updated: release {result.release_id} is active ({result.content_version}, "
            f"{result.targets_downloaded} of {result.targets_total} targets downloaded, "
            f"{result.bytes_downloaded} bytes)"
        )


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_state
def rollback(state: AppState, as_json: bool) -> None:
    """Go back to the previous release on this terminal (until the next sync brings new content)."""
    root = Path(state.app.config["DATA_DIR"])
    try:
        with sync_lock(root):
            release = rollback_release(root)
    except ContentSyncError as exc:
        if as_json:
            click.echo(failure_json(getattr(exc, "kind", "error"), str(exc)))
        click.echo(f"error: {exc}", err=True)
        raise click.exceptions.Exit(exc.exit_code) from None
    if as_json:
        click.echo(json.dumps({"ok": True, "release_id": release.name}, ensure_ascii=False))
    else:
        click.echo(f"rolled back: release {release.name} is active")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@pass_state
def status(state: AppState, as_json: bool) -> None:
    """The active release, its counts and age, and the last sync attempt.

    Exits NO_CONTENT_EXIT (3) when the terminal has no release yet, so that scripts can tell.
    """
    from .applications import outbox
    from .state_db import open_state

    config = state.app.config
    report = status_report(Path(config["DATA_DIR"]), float(config["CONTENT_STALE_DAYS"]))
    conn = open_state(state.app)
    try:
        report["outbox"] = outbox.status(conn, int(config["OUTBOX_CAPACITY"])).as_dict()
    finally:
        conn.close()
    has_content = report["active_release"] is not None
    if not has_content:
        report["content_age_hours"] = None  # no content, so no age (even if a sync once succeeded)
    if as_json:
        click.echo(json.dumps({**report, "has_content": has_content}, ensure_ascii=False, indent=2))
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
    box = report["outbox"]
    age = f", oldest waiting {box['oldest_age_seconds'] / 3600:.1f} h" if box["oldest_age_seconds"] is not None else ""
    full = " (FULL: the forms are closed)" if box["full"] else ""
    click.echo(f"outbox: {box['count']} of {box['capacity']} sealed items waiting{age}{full}")
    if box["last_upload"]:
        upload = box["last_upload"]
        detail = f" - {upload['error']}" if upload["error"] else ""
        click.echo(f"last upload: {upload['started_at']} {upload['outcome']}, {upload['sent']} sent{detail}")
    if not has_content:
        raise click.exceptions.Exit(NO_CONTENT_EXIT)
