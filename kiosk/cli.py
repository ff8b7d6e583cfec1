"""The `kiosk` command: a thin layer over the library for operators, scripts and systemd.

Expected failures print one clear line and exit non-zero; they never print a traceback.
Commands of each concern live in their own module and attach to `main`; the imports at the
bottom register them.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from . import create_app


class AppState:
    """Creates the Flask app on first use, so `kiosk --help` stays fast."""

    def __init__(self) -> None:
        self._app = None

    @property
    def app(self):
        if self._app is None:
            self._app = create_app()
        return self._app


pass_state = click.make_pass_decorator(AppState, ensure=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    help="Settings file (TOML); default $KIOSK_CONFIG or /etc/kiosk/kiosk.toml.",
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
    click.echo(f"serving {app.config['DATA_DIR']} at http://{host}:{port}/")
    waitress_serve(app, host=host, port=port, threads=threads, ident="kiosk")


@main.command()
@click.option("--data", "data_dir", default="var/demo", show_default=True, type=click.Path(file_okay=False))
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the demo terminal and stop.")
def demo(data_dir: str, port: int, no_serve: bool) -> None:
    """Build the sample county into a demo terminal and serve it on 127.0.0.1."""
    from content_sync.release import activate, build_release
    from content_sync.sample import sample_source_dir
    from content_sync.sources import read_source_dir

    root = Path(data_dir).resolve()
    bundle = read_source_dir(sample_source_dir())
    release = build_release(bundle, root, source=str(sample_source_dir()))
    activate(root, release)
    click.echo(f"demo release {release.name}: {bundle.counts()}")
    if no_serve:
        return
    from waitress import serve as waitress_serve

    app = create_app({"DATA_DIR": str(root), "CACHE_DIR": str(root / "cache")})
    click.echo(f"kiosk at http://127.0.0.1:{port}/")
    waitress_serve(app, host="127.0.0.1", port=port, threads=8, ident="kiosk")


from .search import cli as _search_cli  # noqa: E402,F401  (registers commands)
