"""`kiosk sync | rollback | status`: the terminal's side of the signed nightly sync."""

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


def _fail(exc: ContentSyncError) -> None:
    kind = getattr(exc, "kind", "error")
    click.echo(f"error ({kind}): {exc}", err=True)
    click.echo("the terminal keeps serving its current release", err=True)
    raise click.exceptions.Exit(exc.exit_code)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_state
def sync(state: AppState, as_json: bool) -> None:
    """Fetch the county's signed content, verify it, and switch to it if it changed."""
    config = state.app.config
    try:
        result = run_sync(Path(config["DATA_DIR"]), sync_settings(config))
    except ContentSyncError as exc:
        _fail(exc)
        return
    if as_json:
        click.echo(json.dumps(result.__dict__, ensure_ascii=False))
    elif result.outcome == "unchanged":
        click.echo(f"unchanged: release {result.release_id} is current ({result.bytes_downloaded} bytes checked)")
    else:
        click.echo(
            f"updated: release {result.release_id} is active ({result.content_version}, "
            f"{result.targets_downloaded} of {result.targets_total} targets downloaded, "
            f"{result.bytes_downloaded} bytes)"
        )


@main.command()
@pass_state
def rollback(state: AppState) -> None:
    """Go back to the previous release on this terminal (until the next sync brings new content)."""
    root = Path(state.app.config["DATA_DIR"])
    try:
        with sync_lock(root):
            release = rollback_release(root)
    except ContentSyncError as exc:
        click.echo(f"error: {exc}", err=True)
        raise click.exceptions.Exit(exc.exit_code) from None
    click.echo(f"rolled back: release {release.name} is active")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@pass_state
def status(state: AppState, as_json: bool) -> None:
    """The active release, its counts and age, and the last sync attempt."""
    config = state.app.config
    report = status_report(Path(config["DATA_DIR"]), float(config["CONTENT_STALE_DAYS"]))
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    active = report["active_release"]
    if active:
        click.echo(f"active release: {active['id']} ({active['county']}, {active['content_version'] or 'local build'})")
        click.echo("counts: " + ", ".join(f"{k} {v}" for k, v in active["counts"].items()))
    else:
        click.echo("active release: none")
    stale = " (STALE)" if report["stale"] else ""
    click.echo(f"content age: {report['content_age_hours']} h{stale}")
    last = report["last_attempt"]
    if last:
        detail = f" - {last['error_kind']}: {last['error']}" if last["error"] else ""
        click.echo(f"last sync: {last['started_at']} {last['outcome']}{detail}")
    else:
        click.echo("last sync: never")
