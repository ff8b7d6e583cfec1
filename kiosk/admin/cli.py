"""`kiosk stats | set-pin | healthz | prune-search-log`: the operators' commands.

Exit codes for scripts and systemd: 0 success; 1 a check found a problem (healthz: degraded);
2 wrong usage; 3 healthz: no content to serve; 4 healthz --url: the web app did not answer.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import click

from .. import stats
from ..commands import AppState, pass_state
from ..config import DEFAULT_CONFIG_FILE, config_file, write_setting
from ..search import querylog
from ..state_db import open_state
from ..status import status_of
from . import auth

HEALTH_EXIT = {"ok": 0, "degraded": 1, "failing": 3}
EXIT_UNREACHABLE = 4


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


# --- stats


@click.command("stats")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="First local day to count (YYYY-MM-DD); default: the last 30 days.",
)
@click.option("--all", "everything", is_flag=True, help="Count everything the query log still holds.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000), help="Rows per list.")
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@pass_state
def stats_command(state_: AppState, since: dt.datetime | None, everything: bool, limit: int, as_json: bool) -> None:
    """Usage statistics: searches per day, queries without a result, top queries, views, slips, answers."""
    if since and everything:
        raise click.UsageError("--since and --all exclude each other")
    day = None if everything else (since.date() if since else dt.date.today() - dt.timedelta(days=29))
    conn = open_state(state_.app)
    try:
        summary = stats.summary(conn, day, limit)
    finally:
        conn.close()
    if as_json:
        _echo_json(summary.as_dict())
        return
    click.echo(f"period: {'since ' + summary.since if summary.since else 'everything kept'}")
    click.echo(f"searches: {summary.searches}, without a result: {summary.searches_without_result}")
    s = summary.slips
    click.echo(
        f"slips printed: {s['printed']}, failed: {s['failed']}, pending: {s['pending']};"
        f" test slips printed: {s['test_printed']}"
    )
    click.echo(f"helpful? yes {summary.helpful['yes']}, no {summary.helpful['no']}")
    sections = [
        ("queries without a result", [(q["query"], q["searches"]) for q in summary.failed_queries]),
        (
            "searches per day",
            [(d["day"], f"{d['searches']} ({d['without_result']} without a result)") for d in summary.per_day],
        ),
        ("top queries", [(q["query"], q["searches"]) for q in summary.top_queries]),
        ("most viewed guides", [(v["record_id"], v["views"]) for v in summary.most_viewed_guides]),
    ]
    for title, rows in sections:
        click.echo(f"\n{title}:")
        if not rows:
            click.echo("  (none)")
        for key, value in rows:
            click.echo(f"  {value:>6}  {key}" if isinstance(value, int) else f"  {key}  {value}")


@click.command("prune-search-log")
@pass_state
def prune_search_log_command(state_: AppState) -> None:
    """Delete queries older than SEARCH_LOG_RETENTION_DAYS (kiosk-sync.service runs this nightly)."""
    days = int(state_.app.config["SEARCH_LOG_RETENTION_DAYS"])
    conn = open_state(state_.app)
    try:
        removed = querylog.prune(conn, days)
    finally:
        conn.close()
    if days <= 0:
        click.echo("SEARCH_LOG_RETENTION_DAYS is 0: the query log is kept")
    else:
        click.echo(f"removed {removed} queries older than {days} days")


# --- set-pin


def write_pin_hash(path: Path, pin_hash: str) -> None:
    """Set admin_pin_hash in a TOML settings file (kiosk.config owns the file's format)."""
    write_setting(path, "ADMIN_PIN_HASH", pin_hash)


@click.command("set-pin")
@click.option(
    "--file",
    "settings_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Write the hash into this settings file (e.g. {DEFAULT_CONFIG_FILE}); without it, print the line.",
)
@click.option("--pin-stdin", is_flag=True, help="Read the PIN from the first line of standard input (scripts).")
def set_pin(settings_file: Path | None, pin_stdin: bool) -> None:
    """Set the operator PIN (6 to 12 digits); only its hash is stored."""
    if pin_stdin:
        pin = sys.stdin.readline().strip()
    else:
        pin = click.prompt("new operator PIN (6-12 digits)", hide_input=True, confirmation_prompt=True)
    try:
        pin_hash = auth.hash_pin(pin)
    except auth.PinError as exc:
        raise click.UsageError(str(exc)) from None
    if settings_file is None:
        click.echo(f"add this line to the settings file ({config_file()}), then restart kiosk-web:")
        click.echo(f'admin_pin_hash = "{pin_hash}"')
        return
    try:
        write_pin_hash(settings_file, pin_hash)
    except OSError as exc:
        raise click.ClickException(f"{settings_file}: {exc.strerror or exc}") from None
    except ValueError as exc:  # SettingsError: the file has other problems
        raise click.ClickException(str(exc)) from None
    click.echo(f"PIN hash written to {settings_file}; restart kiosk-web to use it")


# --- healthz


def _fetch_health(url: str, timeout: float, wait: float) -> dict:
    """GET <url>/healthz; retry for up to `wait` seconds while nothing answers (the app starting)."""
    target = url.rstrip("/") + "/healthz"
    deadline = time.monotonic() + wait
    while True:
        try:
            with urllib.request.urlopen(target, timeout=timeout) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:  # 503 still carries the report
            try:
                return json.load(exc)
            except ValueError:
                problem = f"HTTP {exc.code} without a report"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            problem = str(getattr(exc, "reason", exc))
        if time.monotonic() >= deadline:
            click.echo(f"error: {target} did not answer: {problem}", err=True)
            raise click.exceptions.Exit(EXIT_UNREACHABLE)
        time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))


@click.command("healthz")
@click.option("--url", help="Ask the running web app instead, e.g. http://127.0.0.1:8080 (checks that it answers).")
@click.option("--timeout", default=5.0, show_default=True, type=float, help="Seconds to wait for --url.")
@click.option("--wait", default=0.0, show_default=True, type=float, help="With --url: keep trying this many seconds.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing; only the exit code tells.")
@pass_state
def healthz(state_: AppState, url: str | None, timeout: float, wait: float, as_json: bool, quiet: bool) -> None:
    """Is this terminal fit to serve? Exit 0 ok, 1 degraded, 3 no content, 4 web app not answering."""
    if url:
        report = _fetch_health(url, timeout, wait)
    else:
        report = status_of(state_.app).as_dict()
    if quiet:
        pass
    elif as_json:
        _echo_json(report)
    else:
        click.echo(f"status: {report['status']}")
        click.echo(f"release: {report['release_id'] or 'none'}")
        age = report["content_age_seconds"]
        age_text = f"{age / 3600:.1f} h" if age is not None else "unknown"
        click.echo(f"content age: {age_text}{' (STALE)' if report['stale'] else ''}")
        last = report["last_sync"]
        click.echo(f"last sync: {last['started_at'] + ' ' + last['outcome'] if last else 'never'}")
        click.echo(f"printer: {report['printer_state']}")
        for problem in report["problems"]:
            click.echo(f"problem: {problem}")
    raise click.exceptions.Exit(HEALTH_EXIT.get(report["status"], 1))


# Registered by kiosk/cli.py.
COMMANDS = [stats_command, prune_search_log_command, set_pin, healthz]
