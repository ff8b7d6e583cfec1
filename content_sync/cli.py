"""The `content-sync` command: the county side's tools for its content.

A thin layer over the library: commands call library functions, and every ContentSyncError they
raise becomes a clear message on stderr and that error's exit code, never a traceback.

Commands defined in other modules attach themselves to the group::

    from content_sync.cli import main

    @main.command()
    def publish(...): ...

and are registered by adding the module to the import list at the bottom of this file.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import ContentSyncError, SchemaError
from .problem_report import write_report
from .problem_text import as_dict, chinese
from .schema import RECORD_TYPES, CatalogItem
from .sources import FIELD_HEADERS, read_source

DEFAULT_SCHEMA_DIR = Path("docs/schema")
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def report_error(exc: ContentSyncError) -> None:
    """Print an expected failure for a person: each content problem on its own line, then a count.

    Content problems are for the county's staff, so they are printed in Chinese, located as Excel
    shows them (workbook › sheet › 第 N 行 › header); `validate --json` gives the English too."""
    if isinstance(exc, SchemaError):
        for problem in exc.problems:
            click.echo(chinese(problem), err=True)
        click.echo(
            f"错误：内容有 {len(exc.problems)} 个问题 (error: {len(exc.problems)} problem(s) in the content)", err=True
        )
    else:
        click.echo(f"error: {exc}", err=True)


class ContentSyncGroup(click.Group):
    """A click group that turns ContentSyncError from any of its commands into an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ContentSyncError as exc:
            report_error(exc)
            raise click.exceptions.Exit(exc.exit_code) from None


@click.group(cls=ContentSyncGroup)
@click.version_option(__version__, prog_name="content-sync")
def main() -> None:
    """Validate, publish and sign a county's disclosure content for its hall terminals."""


READ_LABELS = {
    "site": "site",
    "domains": "domains",
    "catalog": "catalog",
    "guide": "guides",
    "document": "documents",
    "life_event": "life events",
    "synonym": "synonyms",
}


@main.command()
@click.argument("source_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (problems in English and Chinese).")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the problems as a workbook (.xlsx) with a link to each bad cell.",
)
def validate(source_dir: Path, as_json: bool, report_path: Path | None) -> None:
    """Check a source folder; print every problem with its workbook, sheet, row and column.

    Exit status 0 if the content is valid, 3 if it has problems.
    """
    try:
        source = read_source(source_dir)
    except SchemaError as exc:
        if report_path is not None:
            write_report(exc.problems, source_dir, report_path)
        if as_json:
            click.echo(
                json.dumps({"ok": False, "problems": [as_dict(p) for p in exc.problems]}, ensure_ascii=False, indent=2)
            )
            raise click.exceptions.Exit(exc.exit_code) from None
        raise
    if report_path is not None:
        write_report([], source_dir, report_path)
    bundle = source.bundle
    counts = bundle.counts()
    if as_json:
        out = {"ok": True, "county": bundle.site.county, "read": source.forms, "counts": counts}
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    click.echo("read: " + ", ".join(f"{READ_LABELS[k]} from {v}" for k, v in source.forms.items()))
    click.echo(
        f"ok: {bundle.site.county} ({bundle.site.county_code}): {len(bundle.site.halls)} halls, "
        f"{counts['domains']} domains, {counts['catalog']} catalog items, {counts['guides']} guides, "
        f"{counts['documents']} documents, {counts['life_events']} life events, "
        f"{counts['synonyms']} synonym groups, {counts['attachments']} attachments"
    )


def schema_documents() -> dict[str, dict[str, Any]]:
    """The JSON Schema of each record type, keyed by file name (``site.schema.json`` …)."""
    documents: dict[str, dict[str, Any]] = {}
    for name, model in RECORD_TYPES.items():
        schema = {"$schema": JSON_SCHEMA_DIALECT, **model.model_json_schema()}
        if model is CatalogItem:
            # The catalog is kept as sheets: say which Chinese header each field comes from.
            for field, prop in schema["properties"].items():
                prop["x-sheet-header"] = FIELD_HEADERS[field]
        documents[f"{name}.schema.json"] = schema
    return documents


@main.command()
@click.argument("out_dir", required=False, default=DEFAULT_SCHEMA_DIR, type=click.Path(file_okay=False, path_type=Path))
def schema(out_dir: Path) -> None:
    """Write one JSON Schema file per record type to OUT_DIR (default docs/schema/)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for file_name, document in schema_documents().items():
        path = out_dir / file_name
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        click.echo(str(path))


# --- commands defined in other modules -----------------------------------------------------
# Each module below decorates its commands with `@main.command()`; importing it registers them.
# To add a command, add its module's name here, e.g. "content_sync.publish".
COMMAND_MODULES: tuple[str, ...] = ("content_sync.publish_cli", "content_sync.workbook_cli", "content_sync.intake.cli")

for _module in COMMAND_MODULES:
    importlib.import_module(_module)
