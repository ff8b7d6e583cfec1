"""What the terminal reports while a sync runs long, after a sync was killed, and while the sync
lock is held too long: /healthz, /metrics and the operator panel, against real processes (a real
`kiosk sync` stuck on a portal that drips its headers, then killed with SIGKILL)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from content_sync.sync import OVERDUE_GRACE_SECONDS, open_state, run_state
from kiosk import create_app
from kiosk import status as kiosk_status

from .hostile_servers import HostilePortal, sync_env, wait_for
from .ops_fixtures import admin_config, login
from .sync_fixtures import make_county, portal_fixture

portal = pytest.fixture(portal_fixture, name="portal")
REPO_ROOT = Path(__file__).resolve().parent.parent
DEADLINE = 600


@pytest.fixture
def terminal(portal, tmp_path):
    """A terminal with one release, and an app reading it (SYNC_TIMEOUT_SECONDS = DEADLINE)."""
    portal.publish(make_county())
    portal.sync()
    app = create_app(admin_config(portal.terminal, tmp_path / "cache", SYNC_TIMEOUT_SECONDS=DEADLINE))
    return portal, app


def running_attempt(root: Path) -> bool:
    conn = open_state(root)
    try:
        return conn.execute("SELECT count(*) FROM sync_attempts WHERE outcome = 'running'").fetchone()[0] > 0
    finally:
        conn.close()


@pytest.fixture
def stuck_sync(terminal, tmp_path):
    """A real `kiosk sync` process waiting on headers dripped one byte at a time (its request
    timeout is long, as a patient setting on a slow line would be)."""
    portal, app = terminal
    hostile = HostilePortal(portal.repo, interval=0.5).start()
    hostile.attack("/metadata/timestamp.json", "drip-headers")
    env = sync_env(portal, hostile, tmp_path, request_timeout=DEADLINE, deadline=DEADLINE)
    child = subprocess.Popen(
        [sys.executable, "-c", "from kiosk.cli import main; main()", "sync"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert wait_for(lambda: running_attempt(portal.terminal) and hostile.attacks > 0, timeout=60)
    yield portal, app, child
    if child.poll() is None:
        child.kill()
        child.wait()
    hostile.stop()


def status_at(app, moment: dt.datetime) -> kiosk_status.TerminalStatus:
    return kiosk_status.status_of(app, now=moment)


def metric(client, name: str, **labels) -> float:
    for family in text_string_to_metric_families(client.get("/metrics").get_data(as_text=True)):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    raise AssertionError(f"no {name} {labels}")


def test_a_sync_within_its_deadline_is_no_problem(stuck_sync):
    _portal, app, _child = stuck_sync
    status = status_at(app, dt.datetime.now(dt.UTC))
    assert not {"sync_overdue", "sync_killed", "sync_lock_stale"} & set(status.problems)
    assert status.sync_running_seconds is not None and status.sync_running_seconds < DEADLINE
    assert metric(app.test_client(), "kiosk_sync_problem", problem="overdue") == 0


def test_a_sync_running_past_its_deadline_is_reported_overdue(stuck_sync):
    _portal, app, _child = stuck_sync
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=DEADLINE + OVERDUE_GRACE_SECONDS + 5)
    status = status_at(app, later)
    assert "sync_overdue" in status.problems and status.status == "degraded"
    assert status.sync_running_seconds > DEADLINE


def test_a_killed_sync_is_reported_until_the_next_sync_closes_it(stuck_sync):
    portal, app, child = stuck_sync
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    client = app.test_client()
    body = client.get("/healthz").get_json()
    assert body["status"] == "degraded" and "sync_killed" in body["problems"]
    assert metric(client, "kiosk_sync_problem", problem="killed") == 1
    assert login(client).status_code == 302
    assert "上一次同步中途被终止" in client.get("/admin/").get_data(as_text=True)
    assert "sync_killed" in kiosk_status.read_status(portal.terminal, 3, sync_deadline_seconds=DEADLINE).problems

    portal.sync()  # the next sync marks the killed one interrupted
    body = client.get("/healthz").get_json()
    assert "sync_killed" not in body["problems"] and body["status"] == "ok"
    assert portal.attempts()[-2]["error_kind"] == "interrupted"


HOLD_LOCK = """
import sys, time
from pathlib import Path
from content_sync.sync import sync_lock
with sync_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(120)
"""


def test_a_lock_held_past_the_deadline_without_a_sync_is_stale(terminal):
    portal, app = terminal
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(portal.terminal)],
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "held"
        conn = open_state(portal.terminal)
        try:
            now = dt.datetime.now(dt.UTC)
            assert run_state(portal.terminal, conn, DEADLINE, now).problems == []
            assert run_state(portal.terminal, conn, DEADLINE, now).lock_holder["pid"] == child.pid
            later = now + dt.timedelta(seconds=DEADLINE + OVERDUE_GRACE_SECONDS + 5)
            assert run_state(portal.terminal, conn, DEADLINE, later).problems == ["sync_lock_stale"]
        finally:
            conn.close()
        later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=DEADLINE + OVERDUE_GRACE_SECONDS + 5)
        assert "sync_lock_stale" in status_at(app, later).problems
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    # The kernel dropped the lock with the process: nothing is held, nothing is stale.
    conn = open_state(portal.terminal)
    try:
        assert run_state(portal.terminal, conn, DEADLINE).lock_holder is None
    finally:
        conn.close()
