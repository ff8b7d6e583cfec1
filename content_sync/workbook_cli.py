"""`content-sync template | export`: workbooks for the county's content staff.

Registered on the `content-sync` group by its name in content_sync/cli.py's COMMAND_MODULES.
"""

from __future__ import annotations

from pathlib import Path

import click

from .cli import main
from .workbook_writer import export_source, write_template


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
def template(out_dir: Path) -> None:
    """Write empty workbooks to fill in (headers, drop-down lists, one example row each)."""
    for path in write_template(out_dir):
        click.echo(str(path))
    click.echo(f"fill them in, then check the folder with: content-sync validate {out_dir}")


@main.command()
@click.argument("source_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--csv",
    "as_csv",
    is_flag=True,
    help="Write each workbook as a folder of CSV UTF-8 files, one per sheet (for keeping in git).",
)
def export(source_dir: Path, out_dir: Path, as_csv: bool) -> None:
    """Write a valid source folder (JSON or sheets) as workbooks into OUT_DIR."""
    for path in export_source(source_dir, out_dir, "csv" if as_csv else "xlsx"):
        click.echo(str(path))
