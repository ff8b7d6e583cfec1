"""Panel actions run `kiosk sync|rollback|printer-status` as their own process.

The flow of every action (arguments, settings passed through the environment, a command still
running, a failing exit) is checked with a small stand-in `kiosk` on PATH that records how it was
called and can be held; the real commands run at the end of this file (printing) and in
tests/test_admin_sync.py (sync and rollback against a loopback portal).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from content_sync import paths, state
from kiosk import create_app
from kiosk.admin import store
from kiosk.admin.jobs import child_environment, get_jobs, kiosk_command
from tests.factories import state_rows

from .ops_fixtures import admin_config, login

FAKE_KIOSK = """\
#!{python}
import json, os, pathlib, sys, time
data = pathlib.Path(json.loads(os.environ["KIOSK_DATA_DIR"]))
hold = data / ("hold-" + sys.argv[1])  # the test holds the command while this file exists
deadline = time.time() + 20
while hold.exists() and time.time() < deadline:
    time.sleep(0.02)
record = {{"args": sys.argv[1:], "cwd": os.getcwd(),
          "env": {{k: v for k, v in os.environ.items() if k.startswith("KIOSK_")}}}}
with open(data / "calls.jsonl", "a") as f:
    f.write(json.dumps(record) + "\\n")
print("stand-in kiosk", " ".join(sys.argv[1:]))
sys.exit(int(os.environ.get("FAKE_KIOSK_EXIT", "0")))
"""


@pytest.fixture
def fake_kiosk(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "kiosk"
    script.write_text(FAKE_KIOSK.format(python=sys.executable))
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return script


@pytest.fixture
def admin_app(data_dir, tmp_path):
    return create_app(admin_config(data_dir, tmp_path / "cache", PORTAL_METADATA_URL="https://portal.example/m/"))


@pytest.fixture
def admin(admin_app):
    client = admin_app.test_client()
    assert login(client).status_code == 302
    return client


def calls(data_dir) -> list[dict]:
    path = data_dir / "calls.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def finish(app, action):
    job = get_jobs(app).last(action)
    assert job is not None and job.done.wait(20), f"{action} did not finish"
    return job


def audit(data_dir):
    return [tuple(r) for r in state_rows(data_dir, "SELECT action, outcome FROM audit_log ORDER BY id", store.ensure)]


@pytest.mark.parametrize(
    ("url", "action", "page"),
    [
        ("/admin/sync", "sync", "/admin/sync"),
        ("/admin/rollback", "rollback", "/admin/sync"),
        ("/admin/printer/check", "printer-status", "/admin/printer"),
    ],
)
def test_action_runs_the_kiosk_command_in_the_background(admin_app, admin, fake_kiosk, data_dir, url, action, page):
    response = admin.post(url)
    assert response.status_code == 302 and response.location == page
    job = finish(admin_app, action)
    assert job.returncode == 0
    [call] = calls(data_dir)
    assert call["args"] == [action]
    assert call["cwd"] == str(data_dir)
    assert audit(data_dir)[-2:] == [(f"{action}_started", "ok"), (f"{action}_finished", "ok")]
    text = admin.get(page).get_data(as_text=True)
    assert "已在后台开始" in text and "已完成" in text
    output = admin.get(f"/admin/jobs/{action}").get_data(as_text=True)
    assert f"stand-in kiosk {action}" in output and "exit code 0" in output


def test_child_gets_the_apps_settings_but_no_secrets(admin_app, admin, fake_kiosk, data_dir):
    admin.post("/admin/sync")
    finish(admin_app, "sync")
    env = calls(data_dir)[0]["env"]
    assert json.loads(env["KIOSK_DATA_DIR"]) == str(data_dir)
    assert json.loads(env["KIOSK_PORTAL_METADATA_URL"]) == "https://portal.example/m/"
    assert "KIOSK_SECRET_KEY" not in env and "KIOSK_ADMIN_PIN_HASH" not in env
    assert "KIOSK_SEARCH_LIMIT" not in env  # defaults are not repeated


def test_failed_command_is_shown_as_failed(admin_app, admin, fake_kiosk, data_dir, monkeypatch):
    monkeypatch.setenv("FAKE_KIOSK_EXIT", "3")
    admin.post("/admin/sync")
    assert finish(admin_app, "sync").returncode == 3
    assert "失败（退出码 3）" in admin.get("/admin/sync").get_data(as_text=True)
    assert audit(data_dir)[-1] == ("sync_finished", "failed")


def test_a_second_sync_or_rollback_waits_for_the_running_one(admin_app, admin, fake_kiosk, data_dir):
    (data_dir / "hold-sync").touch()
    admin.post("/admin/sync")
    job = get_jobs(admin_app).last("sync")
    assert job.running
    assert "同步正在进行" in admin.post("/admin/rollback", follow_redirects=True).get_data(as_text=True)
    assert "同步正在进行" in admin.post("/admin/sync", follow_redirects=True).get_data(as_text=True)
    assert "正在进行" in admin.get("/admin/").get_data(as_text=True)
    # A printer check does not touch the release and may run meanwhile.
    admin.post("/admin/printer/check")
    assert finish(admin_app, "printer-status").returncode == 0
    (data_dir / "hold-sync").unlink()
    finish(admin_app, "sync")
    assert [c["args"] for c in calls(data_dir)] == [["printer-status"], ["sync"]]
    assert ("rollback_started", "refused") in audit(data_dir) and ("sync_started", "refused") in audit(data_dir)


def test_web_app_answers_while_a_sync_runs(admin_app, admin, fake_kiosk, data_dir):
    (data_dir / "hold-sync").touch()
    admin.post("/admin/sync")
    assert admin.get("/").status_code == 200
    assert admin.get("/healthz").status_code == 200
    assert get_jobs(admin_app).last("sync").running
    (data_dir / "hold-sync").unlink()
    finish(admin_app, "sync")


def test_unknown_job_output_is_a_404(admin):
    assert admin.get("/admin/jobs/sync").status_code == 404
    assert admin.get("/admin/jobs/format-disk").status_code == 404


def test_without_kiosk_on_path_the_real_cli_runs_through_this_python(admin_app, monkeypatch, tmp_path):
    # Neither on PATH nor beside this Python (a checkout that was never installed).
    monkeypatch.setattr("kiosk.admin.jobs.shutil.which", lambda *args, **kwargs: None)
    command = kiosk_command()
    assert command[0] == sys.executable
    result = subprocess.run(
        command + ["--help"], env=child_environment(admin_app.config), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "Disclosure-zone query terminal." in result.stdout


# --- with the real `kiosk` commands (no stand-in on PATH)


@pytest.fixture
def real_kiosk(monkeypatch, tmp_path):
    """PATH without a stand-in: the panel runs the real CLI (installed, or through this Python)."""
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "no-settings-file.toml"))


def test_printer_check_from_the_panel_records_the_state(admin_app, admin, data_dir, real_kiosk):
    admin.post("/admin/printer/check")
    assert finish(admin_app, "printer-status").returncode == 0
    conn = state.connect(paths.state_db(data_dir))
    row = conn.execute("SELECT state, detail FROM printer_status").fetchone()
    conn.close()
    assert row["state"] == "ok" and str(data_dir / "prints") in row["detail"]
    assert admin.get("/healthz").get_json()["printer_state"] == "ok"
