"""Fleet monitoring: /healthz (JSON liveness and content freshness) and Prometheus /metrics.

Both render kiosk.status.terminal_status(), the one place the terminal's status is computed
(the operator panel and `kiosk status` / `kiosk healthz` render it too).

/metrics uses a registry per app (never prometheus_client's global one): a custom collector reads
state.sqlite and the release at scrape time, and a before/after_request pair feeds a latency
histogram per endpoint.
"""

from __future__ import annotations

import json
import time

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

from . import stats
from .state_db import open_state
from .status import PRINTER_STATES, SUCCESSFUL_SYNC, parse_time, status_of
from .version import __version__

SYNC_OUTCOMES = ("running", "updated", "unchanged", "failed")
HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

bp = Blueprint("monitoring", __name__)


def _timestamp(ts: str | None) -> float | None:
    moment = parse_time(ts)
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
            status = status_of(self._app, conn)
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
    status = status_of(current_app)
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
