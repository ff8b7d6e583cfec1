"""`kiosk sync` against hostile portals: every sync ends within its deadline with a clear error kind
and exit code, and the terminal keeps serving its release.

The sync runs as a real `kiosk sync --json` process (with a hard limit of its own, so a sync that
never ends fails the test instead of hanging it). Bounds are generous: they prove the sync stops,
they are not speed targets.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from content_sync import paths
from content_sync.release import verify_release

from .hostile_servers import HostilePortal, sync_env
from .sync_fixtures import edit_guide, make_county, portal_fixture

portal = pytest.fixture(portal_fixture, name="portal")
REPO_ROOT = Path(__file__).resolve().parent.parent
HARD_LIMIT = 90  # seconds: today's code reads an endless 404 for ever


@pytest.fixture
def hostile(portal):
    server = HostilePortal(portal.repo).start()
    yield server
    server.stop()


@pytest.fixture
def synced(portal):
    """A terminal with one good release, and newer content published but not yet synced."""
    bundle = make_county()
    portal.publish(bundle)
    portal.sync()
    before = portal.active()["id"]
    portal.publish(edit_guide(bundle, "g-extra-09", summary="新内容"))
    return before


def kiosk_sync(portal, hostile, tmp_path, *, request_timeout=1, deadline=60, retries=1) -> tuple[dict, int, float]:
    env = sync_env(
        portal, hostile, tmp_path, request_timeout=request_timeout, deadline=deadline, SYNC_RETRIES=str(retries)
    )
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", "from kiosk.cli import main; main()", "sync", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=HARD_LIMIT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"kiosk sync was still running after {HARD_LIMIT} s")
    elapsed = time.monotonic() - started
    return json.loads(done.stdout.strip().splitlines()[-1]), done.returncode, elapsed


def assert_kept(portal, release_id: str) -> None:
    assert portal.active()["id"] == release_id
    assert verify_release(paths.current_release(portal.terminal)) == []
    assert portal.attempts()[-1]["finished_at"] is not None


def test_an_endless_404_body_is_never_read(portal, hostile, synced, tmp_path):
    # 2.root.json is asked at every sync; its 404 says "no newer root", whatever the body.
    hostile.attack("/metadata/2.root.json", "endless-404")
    result, code, elapsed = kiosk_sync(portal, hostile, tmp_path)
    assert code == 0 and result["ok"] and result["outcome"] == "updated", result
    assert elapsed < 30
    # The terminal hung up at once: what got out is what the sockets buffer, not gigabytes.
    assert hostile.attack_bytes < 64 * 1024 * 1024


def test_an_endless_500_body_fails_as_unreachable_without_reading_it(portal, hostile, synced, tmp_path):
    hostile.attack("/metadata/timestamp.json", "endless-500")
    result, code, elapsed = kiosk_sync(portal, hostile, tmp_path, retries=2)
    assert code == 12 and result["error_kind"] == "portal_unreachable", result
    assert "HTTP 500" in result["error"]
    assert elapsed < 30
    assert hostile.attacks == 2  # retried once, as 5xx are
    assert hostile.attack_bytes < 2 * 64 * 1024 * 1024
    assert_kept(portal, synced)


def test_headers_dripped_byte_by_byte_are_cut_at_the_request_timeout(portal, hostile, synced, tmp_path):
    # One byte every 0.3 s never trips a 1 s socket timeout; the headers would take 35 minutes.
    hostile.attack("/metadata/timestamp.json", "drip-headers")
    result, code, elapsed = kiosk_sync(portal, hostile, tmp_path, request_timeout=1, retries=2)
    assert code == 12 and result["error_kind"] == "portal_too_slow", result
    assert "headers" in result["error"]
    assert 2 <= elapsed < 30  # two attempts of 1 s each, with room for a busy machine
    assert_kept(portal, synced)


def test_a_dripped_404_body_is_never_read(portal, hostile, synced, tmp_path):
    hostile.attack("/metadata/2.root.json", "drip-404")
    result, code, elapsed = kiosk_sync(portal, hostile, tmp_path)
    assert code == 0 and result["outcome"] == "updated", result
    assert elapsed < 30  # reading the body would take 8 hours
    assert hostile.attack_bytes <= 5


def test_a_dripped_body_fails_below_the_minimum_rate(portal, hostile, synced, tmp_path):
    hostile.attack("/metadata/timestamp.json", "drip-body")
    result, code, elapsed = kiosk_sync(portal, hostile, tmp_path, request_timeout=1)
    assert code == 12 and result["error_kind"] == "portal_too_slow", result
    assert elapsed < 30
    assert_kept(portal, synced)


def test_a_body_trickling_above_the_minimum_rate_is_stopped_by_the_sync_deadline(portal, hostile, synced, tmp_path):
    # 2 kB/s keeps above the 1 kB/s minimum; the request's own bound (1 s + 16 kB at 1 kB/s)
    # is longer than the sync's deadline of 3 s, so the sync's deadline ends it.
    hostile.attack("/metadata/timestamp.json", "trickle-body")
    result, code, elapsed = kiosk_sync(portal, hostile, tmp_path, request_timeout=1, deadline=3)
    assert code == 18 and result["error_kind"] == "sync_timeout", result
    assert "SYNC_TIMEOUT_SECONDS" in result["error"]
    assert 2.5 <= elapsed < 30
    assert_kept(portal, synced)


def test_the_sync_deadline_covers_retries_too(portal, hostile, synced, tmp_path):
    # Ten attempts of dripped headers at 1 s each would take 10 s; the sync's deadline is 3 s.
    hostile.attack("/metadata/timestamp.json", "drip-headers")
    result, code, elapsed = kiosk_sync(portal, hostile, tmp_path, request_timeout=1, deadline=3, retries=10)
    assert code == 18 and result["error_kind"] == "sync_timeout", result
    assert elapsed < 30
    assert hostile.attacks <= 4
    assert_kept(portal, synced)
