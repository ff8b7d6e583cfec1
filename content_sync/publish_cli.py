"""`content-sync keygen | publish | refresh-timestamp | rotate-key`: the county's signing side.

Registered on the `content-sync` group by its name in content_sync/cli.py's COMMAND_MODULES.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from . import keys
from .cli import main
from .publish import PublishSettings, publish_source_dir, refresh_timestamp


def _settings(timestamp_days: float, snapshot_days: float, targets_days: float) -> PublishSettings:
    if min(timestamp_days, snapshot_days, targets_days) <= 0:
        raise click.BadParameter("expiry periods must be positive")
    return PublishSettings(
        timestamp_expiry=dt.timedelta(days=timestamp_days),
        snapshot_expiry=dt.timedelta(days=snapshot_days),
        targets_expiry=dt.timedelta(days=targets_days),
    )


_keys_option = click.option(
    "--keys",
    "keys_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The county's key folder (see `content-sync keygen`).",
)
_ts_option = click.option(
    "--timestamp-days", default=2.0, show_default=True, help="Lifetime of timestamp.json (re-signed daily by cron)."
)


@main.command()
@click.argument("keys_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--root-days", default=keys.DEFAULT_ROOT_EXPIRY_DAYS, show_default=True, help="Lifetime of root.json.")
def keygen(keys_dir: Path, root_days: int) -> None:
    """Create the county's four signing keys and the root metadata terminals are installed with."""
    md = keys.generate_keys(keys_dir, root_expiry_days=root_days)
    click.echo(f"keys written to {keys_dir} (private keys mode 0600)")
    click.echo(
        f"root metadata: {keys_dir / 'root.json'} (version {md.signed.version}, expires {md.signed.expires:%Y-%m-%d})"
    )
    click.echo("install root.json on every terminal (ROOT_METADATA); keep root.pem offline")


@main.command()
@click.argument("source_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.argument("repo_dir", type=click.Path(file_okay=False, path_type=Path))
@_keys_option
@_ts_option
@click.option("--snapshot-days", default=30.0, show_default=True, help="Lifetime of snapshot metadata.")
@click.option("--targets-days", default=30.0, show_default=True, help="Lifetime of targets and bin metadata.")
@click.option(
    "--intake",
    "intake_store",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="The disclosure office's intake store: publish the progress of its applications (hashes only).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def publish(
    source_dir: Path,
    repo_dir: Path,
    keys_dir: Path,
    timestamp_days: float,
    snapshot_days: float,
    targets_days: float,
    intake_store: Path | None,
    as_json: bool,
) -> None:
    """Validate SOURCE_DIR, shard it and sign it into the static TUF repository REPO_DIR."""
    result = publish_source_dir(
        source_dir, repo_dir, keys_dir, _settings(timestamp_days, snapshot_days, targets_days), intake_store
    )
    if as_json:
        click.echo(json.dumps(result.__dict__, ensure_ascii=False, indent=2))
        return
    changed = ", ".join(result.resigned) if len(result.resigned) <= 6 else f"{len(result.resigned)} roles"
    click.echo(
        f"published {result.targets} targets ({result.new_files} new) to {repo_dir}: "
        f"timestamp v{result.timestamp_version}, snapshot v{result.snapshot_version}, "
        f"re-signed: {changed or 'nothing but the timestamp'}"
    )


@main.command("refresh-timestamp")
@click.argument("repo_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@_keys_option
@_ts_option
def refresh_timestamp_command(repo_dir: Path, keys_dir: Path, timestamp_days: float) -> None:
    """Re-sign timestamp.json with a fresh expiry (run daily from cron)."""
    version = refresh_timestamp(repo_dir, keys_dir, _settings(timestamp_days, 30, 30))
    click.echo(f"timestamp.json re-signed: version {version}")


@main.command("rotate-key")
@click.argument("keys_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.argument("role", type=click.Choice(keys.ROLES))
def rotate_key_command(keys_dir: Path, role: str) -> None:
    """Replace ROLE's key and sign a new root version (needs root.pem); then publish again."""
    md = keys.rotate_key(keys_dir, role)
    click.echo(
        f"new {role} key; root.json is now version {md.signed.version}. "
        "Publish again so the repository and terminals pick it up."
    )


@main.command("renew-root")
@click.argument("keys_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--root-days", default=keys.DEFAULT_ROOT_EXPIRY_DAYS, show_default=True, help="Lifetime of the new root.")
def renew_root_command(keys_dir: Path, root_days: int) -> None:
    """Sign a new root version with the same keys and a new expiry (yearly; needs root.pem)."""
    md = keys.renew_root(keys_dir, root_expiry_days=root_days)
    click.echo(f"root.json is now version {md.signed.version}, expires {md.signed.expires:%Y-%m-%d}; publish again")
