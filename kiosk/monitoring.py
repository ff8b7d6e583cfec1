"""Fleet monitoring: /healthz (JSON liveness and content freshness) and Prometheus /metrics.

`terminal_status()` is the one place that reads what an operator wants to know each morning:
the active release, how old the content is, the last sync and its result, the printer. The panel,
`kiosk healthz`, /healthz and the metrics collector all use it.

Content age counts from the moment the content was last known to be current: the later of the
release's build time and the last sync that ended 'updated' or 'unchanged'. A county that changes
nothing for a week does not make its terminals stale; a terminal that cannot reach the portal does.

/metrics uses a registry per app (never prometheus_client's global one): a custom collector reads
state.sqlite and the release at scrape time, and a before/after_request pair feeds a latency
histogram per endpoint.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

from content_sync import paths

from . import __version__, stats
from .state_db import open_state

PRINTER_STATES = ("ok", "paper_low", "paper_out", "offline", "unknown")
SYNC_OUTCOMES = ("running", "updated", "unchanged", "failed")
SUCCESSFUL_SYNC = ("updated", "unchanged")
HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
# Sealed applications waiting longer than this are a problem (the alert rule says the same).
OUTBOX_WAIT_SECONDS = 86400
# Printer states an operator must act on.
PRINTER_PROBLEMS = {"paper_out", "offline"}

bp = Blueprint("monitoring", __name__)


def _parse(ts: str | None) -> dt.datetime | None:
    if not ts:
        return None
    moment = dt.datetime.fromisoformat(ts)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@dataclass
class TerminalStatus:
    """What an operator or Prometheus wants to know about one terminal, right now."""

    checked_at: str
    release_id: str | None = None
    content_version: str | None = None
    county: str | None = None
    built_at: str | None = None
    content_updated_at: str | None = None
    content_confirmed_at: str | None = None
    content_age_seconds: float | None = None
    stale: bool = True
    stale_after_days: int = 3
    last_sync: dict[str, Any] | None = None
    last_successful_sync: dict[str, Any] | None = None
    printer_state: str = "unknown"  # one of PRINTER_STATES, or "none" (PRINTER = "none")
    printer_detail: str | None = None
    printer_checked_at: str | None = None
    outbox: dict[str, Any] | None = None  # kiosk.applications.outbox.OutboxStatus.as_dict()
    problems: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """'ok', 'degraded' (serving, but someone should look) or 'failing' (nothing to serve)."""
        if self.release_id is None:
            return "failing"
        return "degraded" if self.problems else "ok"

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, **asdict(self)}


def _sync_row(conn: sqlite3.Connection, successful: bool) -> dict[str, Any] | None:
    if not stats.has_table(conn, "sync_attempts"):
        return None
    where = "WHERE outcome IN ('updated', 'unchanged')" if successful else ""
    row = conn.execute(
        "SELECT started_at, finished_at, outcome, error_kind, error, release_id, bytes_downloaded,"
        f" targets_downloaded FROM sync_attempts {where} ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return dict(row) if row else None


def terminal_status(
    data_dir: Path,
    conn: sqlite3.Connection,
    stale_days: int,
    now: dt.datetime | None = None,
    printer_configured: bool = True,
    outbox_capacity: int = 2000,
) -> TerminalStatus:
    """Read the release manifest and the state tables into one TerminalStatus."""
    now = now or dt.datetime.now(dt.UTC)
    status = TerminalStatus(checked_at=now.isoformat(timespec="seconds"), stale_after_days=stale_days)
    release = paths.current_release(Path(data_dir))
    manifest = None
    if release is not None:
        try:
            manifest = json.loads((release / paths.RELEASE_MANIFEST).read_text())
        except (OSError, ValueError):
            status.problems.append("release_unreadable")
    if manifest is not None:
        status.release_id = manifest.get("id")
        status.content_version = manifest.get("content_version") or None
        status.county = manifest.get("county")
        status.built_at = manifest.get("built_at")
        status.content_updated_at = manifest.get("content_updated_at")
    status.last_sync = _sync_row(conn, successful=False)
    status.last_successful_sync = _sync_row(conn, successful=True)

    confirmed = [_parse(status.built_at)]
    if status.last_successful_sync:
        confirmed.append(
            _parse(status.last_successful_sync["finished_at"] or status.last_successful_sync["started_at"])
        )
    confirmed = [c for c in confirmed if c is not None]
    if status.release_id and confirmed:
        latest = max(confirmed)
        status.content_confirmed_at = latest.isoformat(timespec="seconds")
        status.content_age_seconds = max(0.0, (now - latest).total_seconds())
        status.stale = status.content_age_seconds > stale_days * 86400
    if status.release_id is None:
        if "release_unreadable" not in status.problems:
            status.problems.append("no_release")
    elif status.stale:
        status.problems.append("content_stale")
    if status.last_sync and status.last_sync["outcome"] == "failed":
        status.problems.append("last_sync_failed")
    from .applications import outbox

    waiting = outbox.status(conn, outbox_capacity, now)
    status.outbox = waiting.as_dict()
    if waiting.full:
        status.problems.append("outbox_full")
    if waiting.oldest_age_seconds is not None and waiting.oldest_age_seconds > OUTBOX_WAIT_SECONDS:
        status.problems.append("outbox_waiting")

    if not printer_configured:
        # PRINTER = "none": the terminal shows QR codes only; no printer state is a problem.
        status.printer_state = "none"
        return status
    if stats.has_table(conn, "printer_status"):
        row = conn.execute("SELECT checked_at, state, detail FROM printer_status WHERE id = 1").fetchone()
        if row is not None:
            status.printer_state = row["state"] if row["state"] in PRINTER_STATES else "unknown"
            status.printer_detail = row["detail"]
            status.printer_checked_at = row["checked_at"]
    if status.printer_state in PRINTER_PROBLEMS:
        status.problems.append(f"printer_{status.printer_state}")
    return status


def status_for_app(app: Flask, now: dt.datetime | None = None) -> TerminalStatus:
    """terminal_status() for an app, on a connection of its own (usable outside a request)."""
    conn = open_state(app)
    try:
        return terminal_status(
            app.config["DATA_DIR"],
            conn,
            int(app.config["CONTENT_STALE_DAYS"]),
            now,
            printer_configured=app.config["PRINTER"] != "none",
            outbox_capacity=int(app.config["OUTBOX_CAPACITY"]),
        )
    finally:
        conn.close()


def _timestamp(ts: str | None) -> float | None:
    moment = _parse(ts)
    return moment.timestamp() if moment else None


class KioskCollector(Collector):
    """Reads the terminal's state at scrape time; nothing is cached between scrapes."""

    def __init__(self, app: Flask):
        self._app = app

    def describe(self):
        return []  # metrics are computed at scrape time only

    def collect(self):
        conn = open_state(self._app)
        try:
            status = terminal_status(
                self._app.config["DATA_DIR"],
                conn,
                int(self._app.config["CONTENT_STALE_DAYS"]),
                printer_configured=self._app.config["PRINTER"] != "none",
                outbox_capacity=int(self._app.config["OUTBOX_CAPACITY"]),
            )
            searches, without_result = stats.search_totals(conn)
            slips_printed, test_slips_printed = stats.slips_printed_total(conn)
        finally:
            conn.close()

        build = InfoMetricFamily("kiosk_build", "Version of the kiosk software.")
        build.add_metric([], {"version": __version__})
        yield build

        release = InfoMetricFamily("kiosk_release", "The active content release (absent: no release).")
        if status.release_id:
            release.add_metric(
                [],
                {
                    "release_id": status.release_id,
                    "content_version": status.content_version or "",
                    "county": status.county or "",
                },
            )
        yield release

        yield GaugeMetricFamily(
            "kiosk_release_available", "1 if a content release is active.", value=1 if status.release_id else 0
        )
        if status.content_age_seconds is not None:
            yield GaugeMetricFamily(
                "kiosk_content_age_seconds",
                "Seconds since the content was last known current (release build or successful sync).",
                value=status.content_age_seconds,
            )
        built = _timestamp(status.built_at)
        if built is not None:
            yield GaugeMetricFamily(
                "kiosk_release_built_timestamp_seconds", "When the active release was built.", value=built
            )
        yield GaugeMetricFamily(
            "kiosk_content_stale", "1 if the content is older than CONTENT_STALE_DAYS.", value=1 if status.stale else 0
        )

        outcome = GaugeMetricFamily(
            "kiosk_last_sync_outcome",
            "Outcome of the most recent sync attempt (1 for the current one).",
            labels=["outcome"],
        )
        last = status.last_sync["outcome"] if status.last_sync else None
        for name in SYNC_OUTCOMES:
            outcome.add_metric([name], 1 if name == last else 0)
        yield outcome
        if status.last_sync:
            yield GaugeMetricFamily(
                "kiosk_last_sync_timestamp_seconds",
                "When the most recent sync attempt started.",
                value=_timestamp(status.last_sync["started_at"]),
            )
            yield GaugeMetricFamily(
                "kiosk_last_sync_success",
                "1 if the most recent finished sync attempt succeeded.",
                value=1 if last in SUCCESSFUL_SYNC else 0,
            )
        if status.last_successful_sync:
            ok = status.last_successful_sync
            yield GaugeMetricFamily(
                "kiosk_last_successful_sync_timestamp_seconds",
                "When the most recent successful sync ended.",
                value=_timestamp(ok["finished_at"] or ok["started_at"]),
            )

        yield CounterMetricFamily("kiosk_searches", "Searches made on this terminal.", value=searches)
        yield CounterMetricFamily("kiosk_searches_without_result", "Searches that found nothing.", value=without_result)
        yield CounterMetricFamily("kiosk_slips_printed", "Citizens' slips printed successfully.", value=slips_printed)
        yield CounterMetricFamily(
            "kiosk_test_slips_printed", "Operators' test slips printed successfully.", value=test_slips_printed
        )

        box = status.outbox or {}
        yield GaugeMetricFamily(
            "kiosk_outbox_items", "Sealed applications and questions waiting to be uploaded.", value=box.get("count", 0)
        )
        yield GaugeMetricFamily(
            "kiosk_outbox_oldest_age_seconds",
            "Age of the oldest item waiting in the outbox (0 when it is empty).",
            value=box.get("oldest_age_seconds") or 0,
        )
        yield GaugeMetricFamily("kiosk_outbox_capacity", "OUTBOX_CAPACITY.", value=box.get("capacity", 0))
        yield GaugeMetricFamily(
            "kiosk_outbox_full", "1 if the outbox is full and the forms are closed.", value=1 if box.get("full") else 0
        )
        last_upload = box.get("last_upload")
        if last_upload:
            yield GaugeMetricFamily(
                "kiosk_last_upload_timestamp_seconds",
                "When the most recent upload of the outbox started.",
                value=_timestamp(last_upload["started_at"]),
            )
            yield GaugeMetricFamily(
                "kiosk_last_upload_success",
                "1 if the most recent upload sent everything it tried (or found nothing to send).",
                value=1 if last_upload["outcome"] in ("sent", "nothing") else 0,
            )
        yield GaugeMetricFamily(
            "kiosk_printer_configured",
            "1 if the terminal has a printer (PRINTER is not none).",
            value=0 if status.printer_state == "none" else 1,
        )
        printer = GaugeMetricFamily(
            "kiosk_printer_state", "Receipt printer state (1 for the current one).", labels=["state"]
        )
        for name in PRINTER_STATES:
            printer.add_metric([name], 1 if name == status.printer_state else 0)
        yield printer
        checked = _timestamp(status.printer_checked_at)
        if checked is not None:
            yield GaugeMetricFamily(
                "kiosk_printer_checked_timestamp_seconds", "When the printer state was last checked.", value=checked
            )


class Metrics:
    """The app's own registry: the collector and the request latency histogram."""

    def __init__(self, app: Flask):
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(KioskCollector(app))
        self.latency = Histogram(
            "kiosk_request_duration_seconds",
            "Time to answer an HTTP request, per endpoint.",
            ["method", "endpoint", "status"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
            registry=self.registry,
        )


@bp.get("/healthz")
def healthz():
    """Liveness and freshness as JSON; 503 only when there is no content to serve."""
    status = status_for_app(current_app)
    body = json.dumps(status.as_dict(), ensure_ascii=False, indent=1)
    response = Response(body, status=503 if status.status == "failing" else 200, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/metrics")
def metrics():
    encoder, content_type = choose_encoder(request.headers.get("Accept", ""))
    response = Response(encoder(current_app.extensions["kiosk.metrics"].registry))
    response.headers["Content-Type"] = content_type
    response.headers["Cache-Control"] = "no-store"
    return response


def _start_timer() -> None:
    g.kiosk_request_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.pop("kiosk_request_started", None)
    if started is not None:
        endpoint = request.endpoint or "unmatched"  # never the raw path: unbounded label values
        method = request.method if request.method in HTTP_METHODS else "other"
        current_app.extensions["kiosk.metrics"].latency.labels(method, endpoint, str(response.status_code)).observe(
            time.perf_counter() - started
        )
    return response


def init_app(app: Flask) -> None:
    app.extensions["kiosk.metrics"] = Metrics(app)
    app.before_request(_start_timer)
    app.after_request(_observe)
    app.register_blueprint(bp)
