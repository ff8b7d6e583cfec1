"""The `kiosk` command: a thin layer over the library for operators, scripts and systemd.

Expected failures print one clear line and exit non-zero; they never print a traceback (the
one error handler and its table are in kiosk/commands.py). Each feature defines its commands
in its own module, as a `COMMANDS` list; this module only assembles them into the group.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from . import create_app
from .admin import cli as admin_cli
from .commands import AppState, KioskGroup, fail, pass_state
from .config import DEFAULT_CONFIG_FILE, settings_of
from .ime import cli as ime_cli
from .printing import cli as printing_cli
from .search import cli as search_cli
from .security import WAITRESS_LIMITS
from .sync import cli as sync_cli


@click.group(cls=KioskGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    help=f"Settings file (TOML); default $KIOSK_CONFIG or {DEFAULT_CONFIG_FILE}.",
)
@click.pass_context
def main(ctx: click.Context, config: str | None) -> None:
    """Disclosure-zone query terminal."""
    if config:
        os.environ["KIOSK_CONFIG"] = config
    ctx.obj = AppState()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@pass_state
def serve(state: AppState, host: str, port: int, threads: int) -> None:
    """Serve the kiosk with waitress (what kiosk-web.service runs)."""
    from waitress import serve as waitress_serve

    app = state.app
    click.echo(f"serving {settings_of(app).DATA_DIR} at http://{host}:{port}/")
    waitress_serve(app, host=host, port=port, threads=threads, ident="kiosk", **WAITRESS_LIMITS)


@main.command()
@click.option("--data", "data_dir", default="var/demo", show_default=True, type=click.Path(file_okay=False))
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the demo terminal and stop.")
def demo(data_dir: str, port: int, no_serve: bool) -> None:
    """The whole chain on one machine: keygen, publish the sample county, serve the signed
    repository on 127.0.0.1, sync the terminal from it, then serve the kiosk.

    The county side lives in DATA/county-portal/ (keys, repo); DATA itself is the terminal.
    """
    import shutil

    from content_sync import keys, paths
    from content_sync.errors import ContentSyncError
    from content_sync.publish import publish_source_dir
    from content_sync.repo_server import RepoServer
    from content_sync.sample import sample_source_dir
    from content_sync.sync import SyncSettings, sync

    root = Path(data_dir).resolve()
    keys_dir = root / "county-portal" / "keys"
    repo = root / "county-portal" / "repo"
    if not (keys_dir / "root.json").exists():
        shutil.rmtree(root / "county-portal", ignore_errors=True)
        shutil.rmtree(paths.tuf_metadata_dir(root).parent, ignore_errors=True)  # trusted the old keys
        keys.generate_keys(keys_dir)
        click.echo(f"1. keygen: county keys in {keys_dir}")
    else:
        click.echo(f"1. keygen: reusing the county keys in {keys_dir}")
    try:
        published = publish_source_dir(sample_source_dir(), repo, keys_dir)
        click.echo(f"2. publish: {published.targets} signed targets in {repo} ({published.new_files} new)")
        server = RepoServer(repo).start()
        click.echo(f"3. portal: the repository is served at {server.base_url}")
        settings = SyncSettings(
            server.metadata_url, server.targets_url, keys_dir / "root.json", cache_dir=root / "cache"
        )
        result = sync(root, settings)
    except ContentSyncError as exc:
        fail(exc)
    click.echo(
        f"4. sync: {result.outcome}, release {result.release_id} "
        f"({result.targets_downloaded} targets, {result.bytes_downloaded} bytes downloaded)"
    )
    if no_serve:
        server.stop()
        return
    from waitress import serve as waitress_serve

    app = create_app(
        {
            "DATA_DIR": str(root),
            "CACHE_DIR": str(root / "cache"),
            "PORTAL_METADATA_URL": server.metadata_url,
            "PORTAL_TARGETS_URL": server.targets_url,
            "ROOT_METADATA": str(keys_dir / "root.json"),
        }
    )
    click.echo(f"5. kiosk at http://127.0.0.1:{port}/")
    try:
        waitress_serve(app, host="127.0.0.1", port=port, threads=8, ident="kiosk", **WAITRESS_LIMITS)
    finally:
        server.stop()


_FEATURES = (admin_cli, sync_cli, printing_cli, search_cli, ime_cli)
for _commands in (feature.COMMANDS for feature in _FEATURES):
    for _command in _commands:
        main.add_command(_command)
