"""/healthz and /metrics over a recorded terminal; the metrics page parses with prometheus_client."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics
from prometheus_client.parser import text_string_to_metric_families

from content_sync import paths, state
from content_sync.release import activate, build_release
from kiosk import create_app, stats
from kiosk.search import querylog
from kiosk.status import terminal_status

from .factories import make_bundle
from .ops_fixtures import recorded_state


def set_built_at(data_dir, moment: dt.datetime) -> None:
    """Pretend the active release was built at `moment` (test data only)."""
    manifest_path = paths.current_release(data_dir) / paths.RELEASE_MANIFEST
    manifest = json.loads(manifest_path.read_text())
    manifest["built_at"] = moment.isoformat(timespec="seconds")
    manifest_path.write_text(json.dumps(manifest))


def add_sync(data_dir, started: dt.datetime, outcome: str, error_kind: str | None = None) -> None:
    conn = state.connect(paths.state_db(data_dir))
    if not stats.has_table(conn, "sync_attempts"):
        from .ops_fixtures import create_contract_tables

        create_contract_tables(conn)
    conn.execute(
        "INSERT INTO sync_attempts (started_at, finished_at, outcome, error_kind) VALUES (?, ?, ?, ?)",
        (
            started.isoformat(timespec="seconds"),
            (started + dt.timedelta(minutes=1)).isoformat(timespec="seconds"),
            outcome,
            error_kind,
        ),
    )
    conn.close()


def metrics_of(client) -> dict:
    """{sample name + sorted labels: value} from /metrics."""
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


@pytest.fixture(autouse=True)
def _now_is_now():
    """NOW is the start of each test, not of the module: ages are measured against the real clock."""
    global NOW
    NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


# --- /healthz


def test_healthz_reports_a_fresh_release(client, data_dir):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == "ok" and body["problems"] == []
    assert body["release_id"] == paths.current_release(data_dir).name
    assert body["county"] == "测试县"
    assert body["stale"] is False and body["stale_after_days"] == 3
    assert 0 <= body["content_age_seconds"] < 600
    assert body["printer_state"] == "unknown"


def test_healthz_without_content_is_failing_503(tmp_path):
    client = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "empty")}).test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "failing" and body["release_id"] is None and body["problems"] == ["no_release"]


def test_a_damaged_release_manifest_is_reported(data_dir):
    (paths.current_release(data_dir) / paths.RELEASE_MANIFEST).write_text("{not json")
    status = terminal_status(data_dir, state.connect(paths.state_db(data_dir)), 3)
    assert (status.status, status.problems) == ("failing", ["release_unreadable"])


def test_content_is_stale_after_the_stale_days_without_a_successful_sync(client, data_dir):
    set_built_at(data_dir, NOW - dt.timedelta(days=3, hours=1))
    add_sync(data_dir, NOW - dt.timedelta(hours=2), "failed", "network")
    body = client.get("/healthz").get_json()
    assert body["stale"] is True and body["status"] == "degraded"
    assert body["problems"] == ["content_stale", "last_sync_failed"]
    assert 3 * 86400 < body["content_age_seconds"] < 3 * 86400 + 7200


def test_an_unchanged_sync_confirms_old_content_as_current(client, data_dir):
    set_built_at(data_dir, NOW - dt.timedelta(days=20))
    add_sync(data_dir, NOW - dt.timedelta(hours=5), "unchanged")
    body = client.get("/healthz").get_json()
    assert body["stale"] is False and body["status"] == "ok"
    assert body["last_successful_sync"]["outcome"] == "unchanged"
    assert 5 * 3600 - 120 <= body["content_age_seconds"] <= 5 * 3600


def test_stale_days_setting_is_used(data_dir, tmp_path):
    set_built_at(data_dir, NOW - dt.timedelta(days=2))
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "CONTENT_STALE_DAYS": 1})
    assert app.test_client().get("/healthz").get_json()["stale"] is True


def test_printer_out_of_paper_degrades_health(client, data_dir):
    recorded_state(data_dir).execute(
        "INSERT INTO printer_status (id, checked_at, state, detail) VALUES (1, ?, 'paper_out', NULL)",
        (NOW.isoformat(),),
    )
    body = client.get("/healthz").get_json()
    assert body["printer_state"] == "paper_out" and body["problems"] == ["printer_paper_out"]


def test_terminal_status_at_a_given_moment(data_dir):
    built = paths.current_release(data_dir)
    conn = state.connect(paths.state_db(data_dir))
    later = NOW + dt.timedelta(days=4)
    status = terminal_status(data_dir, conn, 3, now=later)
    assert status.release_id == built.name and status.stale and status.problems == ["content_stale"]


# --- /metrics


@pytest.fixture
def recorded_client(app, data_dir):
    conn = recorded_state(data_dir)
    conn.execute(
        "INSERT INTO printer_status (id, checked_at, state, detail)"
        " VALUES (1, '2026-03-03T02:00:00+00:00', 'paper_out', '')"
    )
    conn.close()
    add_sync(data_dir, NOW - dt.timedelta(days=1), "updated")
    add_sync(data_dir, NOW - dt.timedelta(hours=1), "failed", "network")
    return app.test_client()


def test_metrics_parse_and_carry_the_terminals_state(recorded_client, data_dir):
    m = metrics_of(recorded_client)
    release_id = paths.current_release(data_dir).name
    assert m[("kiosk_release_info", (("content_version", ""), ("county", "测试县"), ("release_id", release_id)))] == 1
    assert m[("kiosk_release_available", ())] == 1
    assert m[("kiosk_content_stale", ())] == 0
    assert 0 <= m[("kiosk_content_age_seconds", ())] < 600
    assert m[("kiosk_searches_total", ())] == 11
    assert m[("kiosk_searches_without_result_total", ())] == 5
    assert m[("kiosk_slips_printed_total", ())] == 2
    assert m[("kiosk_test_slips_printed_total", ())] == 1
    assert m[("kiosk_printer_state", (("state", "paper_out"),))] == 1
    assert m[("kiosk_printer_state", (("state", "ok"),))] == 0
    assert m[("kiosk_last_sync_outcome", (("outcome", "failed"),))] == 1
    assert m[("kiosk_last_sync_outcome", (("outcome", "updated"),))] == 0
    assert m[("kiosk_last_sync_success", ())] == 0
    assert m[("kiosk_last_sync_timestamp_seconds", ())] == (NOW - dt.timedelta(hours=1)).timestamp()
    assert (
        m[("kiosk_last_successful_sync_timestamp_seconds", ())]
        == (NOW - dt.timedelta(days=1) + dt.timedelta(minutes=1)).timestamp()
    )
    assert m[("kiosk_build_info", (("version", "0.1.0"),))] == 1
    assert m[("kiosk_printer_configured", ())] == 1


def test_metrics_are_read_at_scrape_time(recorded_client, data_dir):
    assert metrics_of(recorded_client)[("kiosk_searches_total", ())] == 11
    conn = state.connect(paths.state_db(data_dir))
    conn.execute(
        "INSERT INTO search_log (at, query, result_count, took_ms) VALUES (?, '低保', 0, 3)", (NOW.isoformat(),)
    )
    conn.execute("UPDATE printer_status SET state = 'ok'")
    conn.close()
    m = metrics_of(recorded_client)
    assert m[("kiosk_searches_total", ())] == 12 and m[("kiosk_searches_without_result_total", ())] == 6
    assert m[("kiosk_printer_state", (("state", "ok"),))] == 1


def test_search_counters_survive_pruning_the_log(recorded_client, data_dir):
    conn = state.connect(paths.state_db(data_dir))
    assert querylog.prune(conn, 30, now=dt.datetime(2026, 6, 1, tzinfo=dt.UTC)) == 11
    conn.close()
    m = metrics_of(recorded_client)
    assert m[("kiosk_searches_total", ())] == 11 and m[("kiosk_searches_without_result_total", ())] == 5


def test_request_latency_histogram_per_endpoint(recorded_client):
    recorded_client.get("/")
    recorded_client.get("/")
    recorded_client.get("/no-such-page")
    m = metrics_of(recorded_client)
    home = (("endpoint", "public.home"), ("method", "GET"), ("status", "200"))
    assert m[("kiosk_request_duration_seconds_count", home)] == 2
    assert m[("kiosk_request_duration_seconds_bucket", (*home[:1], ("le", "+Inf"), *home[1:]))] == 2
    assert m[("kiosk_request_duration_seconds_sum", home)] > 0
    missing = (("endpoint", "unmatched"), ("method", "GET"), ("status", "404"))
    assert m[("kiosk_request_duration_seconds_count", missing)] == 1


def test_each_app_has_its_own_registry(data_dir, tmp_path):
    first = create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()
    second = create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()
    first.get("/")
    home = (("endpoint", "public.home"), ("method", "GET"), ("status", "200"))
    assert metrics_of(first)[("kiosk_request_duration_seconds_count", home)] == 1
    assert ("kiosk_request_duration_seconds_count", home) not in metrics_of(second)


def test_metrics_speak_openmetrics_when_asked(recorded_client):
    response = recorded_client.get("/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"})
    assert response.headers["Content-Type"].startswith("application/openmetrics-text")
    families = {f.name: f for f in parse_openmetrics(response.get_data(as_text=True))}
    assert families["kiosk_searches"].type == "counter"
    assert families["kiosk_searches"].samples[0].value == 11


def test_metrics_without_content_or_state(tmp_path):
    client = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "empty")}).test_client()
    m = metrics_of(client)
    assert m[("kiosk_release_available", ())] == 0
    assert m[("kiosk_content_stale", ())] == 1
    assert m[("kiosk_searches_total", ())] == 0
    assert ("kiosk_content_age_seconds", ()) not in m
    assert m[("kiosk_printer_state", (("state", "unknown"),))] == 1


def test_a_new_release_shows_in_metrics_without_restart(recorded_client, data_dir):
    before = metrics_of(recorded_client)
    activate(data_dir, build_release(make_bundle(), data_dir, content_version="42"))
    after = metrics_of(recorded_client)
    old = [k for k in before if k[0] == "kiosk_release_info"]
    new = [k for k in after if k[0] == "kiosk_release_info"]
    assert old != new and ("content_version", "42") in new[0][1]


def test_a_terminal_without_printer_is_not_degraded_by_it(data_dir):
    conn = recorded_state(data_dir)
    conn.execute(
        "INSERT INTO printer_status (id, checked_at, state, detail) VALUES (1, ?, 'offline', 'PRINTER=none')",
        (NOW.isoformat(),),
    )
    conn.close()
    client = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "PRINTER": "none"}).test_client()
    body = client.get("/healthz").get_json()
    assert (body["status"], body["printer_state"], body["problems"]) == ("ok", "none", [])
    m = metrics_of(client)
    assert m[("kiosk_printer_configured", ())] == 0
    assert all(v == 0 for k, v in m.items() if k[0] == "kiosk_printer_state")
