"""`kiosk ime-build`: build the pinyin table into CACHE_DIR now (instead of on first use)."""

from __future__ import annotations

from pathlib import Path

import click

from ..commands import AppState, pass_state
from ..config import settings_of
from . import lexicon


@click.command("ime-build")
@click.option("--force", is_flag=True, help="Build again even if the table is there.")
@pass_state
def ime_build(state: AppState, force: bool) -> None:
    """Build the pinyin input's table (jieba's dictionary with pypinyin readings) into CACHE_DIR."""
    cache_dir = Path(settings_of(state.app).CACHE_DIR)
    path = lexicon.lexicon_path(cache_dir)
    if force:
        path.unlink(missing_ok=True)
    try:
        info = lexicon.ensure(cache_dir)
    except OSError as exc:
        raise click.ClickException(f"cannot write the pinyin table into {cache_dir}: {exc}") from None
    if info.build_seconds is None:
        click.echo(f"{info.path}: already built ({info.bytes / 1e6:.1f} MB)")
    else:
        size = info.bytes / 1e6
        click.echo(f"{info.path}: {info.entries} entries, {size:.1f} MB, built in {info.build_seconds:.1f} s")


COMMANDS = [ime_build]
