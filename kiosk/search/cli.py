"""`kiosk search QUERY [--json] [--limit N]`: the screen's engine, for operators and scripts."""

from __future__ import annotations

import json
import sys

import click

from content_sync import paths

from ..commands import pass_state
from ..config import settings_of
from ..state_db import open_state
from . import KIND_LABELS, EngineCache, querylog


@click.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help='Print a JSON list of {"id", "kind", "title", "score"}.')
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 200), help="Most results to show.")
@pass_state
def search(app_state, query: str, as_json: bool, limit: int) -> None:
    """Search the active release the way the search screen does (the query is logged as 'cli')."""
    app = app_state.app
    data_dir = settings_of(app).DATA_DIR
    release = paths.current_release(data_dir)
    if release is None:
        raise click.ClickException(f"no active release in {data_dir}; run a sync first")
    engine = EngineCache(settings_of(app).CACHE_DIR).get(release)
    if engine is None:
        raise click.ClickException(f"the release {release.name} has no usable search index")
    result = engine.search(query, limit=limit)
    conn = open_state(app)
    try:
        querylog.record_search(conn, query, result.total, result.took_ms, "cli")
    finally:
        conn.close()
    if as_json:
        rows = [{"id": h.id, "kind": h.kind, "title": h.title, "score": h.score} for h in result.hits]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not result.hits:
        click.echo(f"no results for {query!r} ({result.took_ms} ms)")
        sys.exit(1)
    for h in result.hits:
        click.echo(f"{h.score:9.3f}  {KIND_LABELS[h.kind]:<8} {h.id:<20} {h.title}")
    click.echo(f"{result.total} results in {result.took_ms} ms")


# Registered by kiosk/cli.py.
COMMANDS = [search]
