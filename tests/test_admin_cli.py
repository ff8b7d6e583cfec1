"""`kiosk stats`, `kiosk set-pin`, `kiosk healthz`, `kiosk prune-search-log`: output and exit codes."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time

import pytest
from click.testing import CliRunner
from werkzeug.security import check_password_hash

from content_sync import paths, state
from kiosk import create_app
from kiosk.cli import main
from kiosk.config import load_toml

from .ops_fixtures import recorded_state


@pytest.fixture
def env(monkeypatch, tmp_path, data_dir):
    """The CLI reads its settings like on a terminal: a TOML file and KIOSK_* variables."""
    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "kiosk.toml"))
    monkeypatch.setenv("KIOSK_DATA_DIR", str(data_dir))
    monkeypatch.setenv("KIOSK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield data_dir
    monkeypatch.undo()
    time.tzset()


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def recorded(env):
    recorded_state(env).close()
    return env


def test_stats_json_for_a_period(recorded):
    result = run("stats", "--since", "2026-03-02", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["since"] == "2026-03-02"
    assert (data["searches"], data["searches_without_result"]) == (7, 4)
    assert data["failed_queries"][0] == {
        "query": "开饭店",
        "searches": 2,
        "without_result": 2,
        "last_at": "2026-03-02T03:00:00+00:00",
    }
    assert (data["slips"]["printed"], data["slips"]["test_printed"]) == (1, 1)


def test_stats_text_lists_queries_without_result_first(recorded):
    result = run("stats", "--all")
    assert result.exit_code == 0
    out = result.output
    assert "searches: 11, without a result: 5" in out
    assert "slips printed: 2, failed: 1, pending: 1; test slips printed: 1" in out
    assert out.index("queries without a result:") < out.index("searches per day:") < out.index("top queries:")
    assert "     3  开饭店" in out
    assert "13912345678" not in out


def test_stats_default_period_is_the_last_30_days(recorded):
    data = json.loads(run("stats", "--json").output)
    assert data["since"] == (dt.date.today() - dt.timedelta(days=29)).isoformat()
    assert data["searches"] == 0  # the recorded days are in March 2026


def test_stats_rejects_a_malformed_date(recorded):
    result = run("stats", "--since", "2026-02-30")
    assert result.exit_code == 2
    assert "Invalid value for '--since'" in result.output
    assert run("stats", "--since", "2026-03-01", "--all").exit_code == 2


def test_prune_search_log_uses_the_retention_setting(recorded, monkeypatch):
    monkeypatch.setenv("KIOSK_SEARCH_LOG_RETENTION_DAYS", "1")
    result = run("prune-search-log")
    assert result.exit_code == 0
    assert result.output == "removed 11 queries older than 1 days\n"
    monkeypatch.setenv("KIOSK_SEARCH_LOG_RETENTION_DAYS", "0")
    assert "kept" in run("prune-search-log").output


def test_set_pin_prints_the_line_to_add():
    result = run("set-pin", "--pin-stdin", input="24681357\n")
    assert result.exit_code == 0
    line = result.output.splitlines()[1]
    assert line.startswith('admin_pin_hash = "') and "24681357" not in result.output
    assert check_password_hash(line.split('"')[1], "24681357")


def test_set_pin_asks_twice_without_echo():
    result = run("set-pin", input="24681357\n24681357\n")
    assert result.exit_code == 0
    assert "24681357" not in result.output
    mismatch = run("set-pin", input="24681357\n11111111\n24681357\n24681357\n")
    assert "do not match" in mismatch.output and mismatch.exit_code == 0


def test_set_pin_writes_into_the_settings_file_keeping_other_lines(tmp_path):
    settings = tmp_path / "kiosk.toml"
    settings.write_text('data_dir = "/var/lib/kiosk"\nadmin_pin_hash = "old"\nhall_id = "hall-county"\n')
    settings.chmod(0o640)
    result = run("set-pin", "--file", str(settings), "--pin-stdin", input="97531246\n")
    assert result.exit_code == 0, result.output
    config = load_toml(settings)
    assert config["DATA_DIR"] == "/var/lib/kiosk" and config["HALL_ID"] == "hall-county"
    assert check_password_hash(config["ADMIN_PIN_HASH"], "97531246")
    assert settings.read_text().count("admin_pin_hash") == 1
    assert settings.stat().st_mode & 0o777 == 0o640


def test_set_pin_creates_the_file_and_the_panel_accepts_the_pin(tmp_path, data_dir):
    settings = tmp_path / "new.toml"
    assert run("set-pin", "--file", str(settings), "--pin-stdin", input="86420135\n").exit_code == 0
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "WTF_CSRF_ENABLED": False, **load_toml(settings)})
    assert app.test_client().post("/admin/login", data={"pin": "86420135"}).status_code == 302


@pytest.mark.parametrize("pin", ["1234", "abcdefg", "1234567890123"])
def test_set_pin_refuses_a_weak_or_odd_pin(pin, tmp_path):
    result = run("set-pin", "--file", str(tmp_path / "k.toml"), "--pin-stdin", input=pin + "\n")
    assert result.exit_code == 2
    assert "the PIN must be 6 to 12 digits" in result.output
    assert not (tmp_path / "k.toml").exists()


def test_set_pin_reports_an_unwritable_place(tmp_path):
    result = run("set-pin", "--file", str(tmp_path / "no-such-dir" / "k.toml"), "--pin-stdin", input="12345678\n")
    assert result.exit_code == 1
    assert "Error:" in result.output and "Traceback" not in result.output


def test_healthz_ok_exits_zero(env):
    result = run("healthz")
    assert result.exit_code == 0
    assert "status: ok" in result.output and "printer: unknown" in result.output


def test_healthz_degraded_exits_one_and_names_the_problems(env):
    conn = recorded_state(env)
    conn.execute(
        "INSERT INTO printer_status (id, checked_at, state) VALUES (1, '2026-03-03T00:00:00+00:00', 'offline')"
    )
    conn.close()
    result = run("healthz")
    assert result.exit_code == 1
    assert "problem: printer_offline" in result.output
    data = json.loads(run("healthz", "--json").output)
    assert data["status"] == "degraded" and data["printer_state"] == "offline"


def test_healthz_without_content_exits_three(monkeypatch, tmp_path, env):
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "empty"))
    result = run("healthz")
    assert result.exit_code == 3
    assert "release: none" in result.output


def test_healthz_asks_the_running_web_app(env, tmp_path):
    from werkzeug.serving import make_server

    app = create_app({"TESTING": True, "DATA_DIR": str(env)})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = run("healthz", "--url", f"http://127.0.0.1:{server.port}", "--json")
    finally:
        server.shutdown()
        thread.join()
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["release_id"] == paths.current_release(env).name


def test_healthz_waits_for_a_web_app_that_is_starting(env):
    from werkzeug.serving import make_server

    app = create_app({"TESTING": True, "DATA_DIR": str(env)})
    probe = make_server("127.0.0.1", 0, app)
    port = probe.port
    probe.server_close()  # the port stays free until the app "starts" a moment later
    servers = []

    def start_later():
        time.sleep(1.5)
        servers.append(make_server("127.0.0.1", port, app, threaded=True))
        servers[0].serve_forever()

    thread = threading.Thread(target=start_later, daemon=True)
    thread.start()
    try:
        result = run("healthz", "--url", f"http://127.0.0.1:{port}", "--wait", "20", "--quiet")
    finally:
        thread.join(timeout=0.1)
        if servers:
            servers[0].shutdown()
        thread.join()
    assert result.exit_code == 0
    assert result.output == ""


def test_healthz_url_that_does_not_answer_exits_four(env):
    import socket

    with socket.socket() as s:  # a port that was free a moment ago
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run("healthz", "--url", f"http://127.0.0.1:{port}", "--timeout", "2")
    assert result.exit_code == 4
    assert f"http://127.0.0.1:{port}/healthz did not answer" in result.output


def test_prune_is_recorded_in_state_totals(recorded, monkeypatch):
    monkeypatch.setenv("KIOSK_SEARCH_LOG_RETENTION_DAYS", "1")
    run("prune-search-log")
    conn = state.connect(paths.state_db(recorded))
    totals = dict(conn.execute("SELECT name, value FROM stats_totals").fetchall())
    conn.close()
    assert (totals["searches"], totals["searches_without_result"]) == (11, 5)
