"""`content-sync intake …`: the disclosure office's tools for applications taken at terminals.

Registered on the `content-sync` group by its name in content_sync/cli.py's COMMAND_MODULES.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from ..cli import main
from . import codes, envelope, keys, ledger
from .errors import IntakeError
from .store import STATUSES, Store

_store_option = click.option(
    "--store",
    "store_dir",
    required=True,
    envvar="INTAKE_STORE",
    type=click.Path(file_okay=False, path_type=Path),
    help="The intake store folder (content-sync intake serve writes it); or $INTAKE_STORE.",
)
_key_option = click.option(
    "--key",
    "key_path",
    required=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The office's private key file (intake.key from `content-sync intake keygen`).",
)


@main.group()
def intake() -> None:
    """Applications and questions from the terminals: keys, the intake service, the ledger."""


@intake.command("keygen")
@click.argument("keys_dir", type=click.Path(file_okay=False, path_type=Path))
def keygen_command(keys_dir: Path) -> None:
    """Create the office's key pair in KEYS_DIR (intake.key mode 0600, intake.pub)."""
    private, public, text = keys.generate(keys_dir)
    click.echo(f"private key: {private} (mode 0600; keep it with the office, never on the intake server)")
    click.echo(f"public key:  {public}")
    click.echo("add to site.json's disclosure_office, then publish:")
    click.echo(f'  "intake_public_key": "{text}"')


@intake.command("add-terminal")
@_store_option
@click.argument("terminal_id")
def add_terminal_command(store_dir: Path, terminal_id: str) -> None:
    """Register TERMINAL_ID and print its token (INTAKE_TOKEN in that terminal's kiosk.toml)."""
    token = Store(store_dir).add_terminal(terminal_id)
    click.echo(token)


@intake.command("revoke-terminal")
@_store_option
@click.argument("terminal_id")
def revoke_terminal_command(store_dir: Path, terminal_id: str) -> None:
    """Stop accepting items from TERMINAL_ID (a lost or replaced terminal)."""
    Store(store_dir).revoke_terminal(terminal_id)
    click.echo(f"revoked: {terminal_id}")


@intake.command("serve")
@_store_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8090, show_default=True, type=int)
@click.option("--threads", default=4, show_default=True, type=int)
def serve_command(store_dir: Path, host: str, port: int, threads: int) -> None:
    """Serve the intake endpoint (PUT /v1/items/<id>) with waitress, behind the portal's web server."""
    import logging

    from .server import serve

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    store = Store(store_dir)
    click.echo(f"intake for {store_dir} at http://{host}:{port}/v1/items/", err=True)
    serve(store, host, port, threads)


def _code(text: str) -> str:
    code = codes.normalise(text)
    if code is None:
        raise IntakeError(f"{text!r} is not a tracking code (12 digits, the last a check digit)")
    return code


@intake.command("list")
@_store_option
@_key_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line, all fields included.")
def list_command(store_dir: Path, key_path: Path, as_json: bool) -> None:
    """Every application and question received, oldest first, with its deadline and status."""
    for entry in ledger.entries(Store(store_dir), keys.load_private(key_path)):
        if entry.record is None:
            line = {"seq": entry.item.seq, "id": entry.item.id, "readable": False}
            click.echo(json.dumps(line) if as_json else f"{entry.item.seq:>5}  (cannot be opened with this key)")
            continue
        status = entry.status.status if entry.status else "已收到"
        deadline = ledger.reply_deadline(entry.received)
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "seq": entry.item.seq,
                        "code": entry.record.code,
                        "kind": entry.record.kind,
                        "received": entry.received.isoformat(),
                        "deadline": deadline.isoformat(),
                        "status": status,
                        "fields": entry.record.fields,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            name = ledger.display_name(entry.record.fields)
            click.echo(
                f"{entry.item.seq:>5}  {codes.grouped(entry.record.code)}  {envelope.KIND_NAMES[entry.record.kind]}"
                f"  收到 {entry.received}  期限 {deadline}  {status}  {name}"
            )


@intake.command("show")
@_store_option
@_key_option
@click.argument("code")
def show_command(store_dir: Path, key_path: Path, code: str) -> None:
    """Everything in the item with tracking code CODE, and its status history."""
    code = _code(code)
    store = Store(store_dir)
    found = [e for e in ledger.entries(store, keys.load_private(key_path)) if e.code == code]
    if not found:
        raise IntakeError(f"no item with tracking code {codes.grouped(code)}")
    entry = found[0]
    click.echo(f"跟踪码：{codes.grouped(code)}（{envelope.KIND_NAMES[entry.record.kind]}）")
    click.echo(f"收到日期：{entry.received}；答复期限：{ledger.reply_deadline(entry.received)}")
    click.echo(f"延期后期限：{ledger.extended_deadline(entry.received)}")
    click.echo(f"提交：{entry.record.submitted_at}，大厅 {entry.record.hall_id}，终端 {entry.item.terminal}")
    for name, value in entry.record.fields.items():
        click.echo(f"  {name}: {value}")
    for event in store.history(codes.status_hash(code)):
        click.echo(f"状态：{event.on_date} {event.status}")


@intake.command("export")
@_store_option
@_key_option
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def export_command(store_dir: Path, key_path: Path, out: Path) -> None:
    """Write the registration ledger (登记台账) to OUT (.xlsx): received date, deadlines, status."""
    rows = ledger.write_ledger(out, ledger.entries(Store(store_dir), keys.load_private(key_path)))
    click.echo(f"ledger: {out} ({rows} rows)")


@intake.command("status")
@_store_option
@click.argument("code")
@click.argument("status", type=click.Choice(STATUSES))
@click.option("--date", "on_date", type=click.DateTime(formats=["%Y-%m-%d"]), help="Default: today (China time).")
def status_command(store_dir: Path, code: str, status: str, on_date: dt.datetime | None) -> None:
    """Set the status of the item with tracking code CODE; the next `publish --intake` sends it out."""
    code = _code(code)
    Store(store_dir).set_status(codes.status_hash(code), status, on_date.date() if on_date else None)
    click.echo(f"{codes.grouped(code)}: {status}; publish with --intake to show it on the terminals")
