"""Crash safety: kill -9 the sync at many moments of download, build and switch.

After every kill, `current` is one whole release (every checksum in release.json holds), the
app serves it, and the next sync succeeds and leaves no half-built leftovers behind.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from content_sync import paths
from content_sync.faults import ENV
from content_sync.release import list_releases, read_manifest, verify_release
from content_sync.schema import Attachment
from content_sync.sync import sync
from kiosk import create_app

from .sync_fixtures import edit_guide, make_county, portal_fixture

portal = pytest.fixture(portal_fixture, name="portal")

REPO_ROOT = Path(__file__).resolve().parent.parent

# Named moments (content_sync.faults.point); ":N" means the N-th time that point is reached.
CRASH_POINTS = [
    "sync:locked",
    "sync:recorded",
    "fetch:chunk",  # in the middle of receiving timestamp.json
    "fetch:chunk:3",  # in the middle of the snapshot / a bin
    "sync:refreshed",
    "sync:manifest",
    "sync:downloaded:1",
    "fetch:chunk:7",  # half-way through a target
    "sync:downloaded:3",
    "sync:all-downloaded",
    "sync:validated",
    "build:staging",
    "build:database",
    "build:index",
    "build:attachment",
    "build:manifest",
    "build:fsynced",
    "build:renamed",
    "sync:built",
    "activate:linked",
    "activate:replaced",
    "sync:activated",
    "prune:renamed",
    "sync:pruned",
    "sync:cache-pruned",
    "sync:before-record",
]

CHILD = """
import json, sys
from pathlib import Path
from content_sync.sync import SyncSettings, sync
args = json.loads(sys.argv[1])
sync(Path(args["root"]), SyncSettings(args["metadata_url"], args["targets_url"], Path(args["root_metadata"])))
"""


def start_child(portal, crash_at: str | None) -> subprocess.Popen:
    settings = portal.sync_settings()
    args = {
        "root": str(portal.terminal),
        "metadata_url": settings.metadata_url,
        "targets_url": settings.targets_url,
        "root_metadata": str(settings.root_metadata),
    }
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    env.pop(ENV, None)
    if crash_at:
        env[ENV] = crash_at
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, json.dumps(args)],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def publish_round(portal, bundle, n: int) -> None:
    """New content touching several shards (guides in both domains, and the attachment)."""
    for guide_id in ("g-extra-02", "g-extra-05", "g-extra-08", "g-extra-11"):
        edit_guide(bundle, guide_id, summary=f"第{n}版说明")
    # A new attachment name each round: the old shard disappears, so caches get pruned too.
    path = f"d-0001/full-{n}.txt"
    bundle.documents = [
        d.model_copy(update={"attachments": [Attachment(name="全文", path=path)]}) if d.id == "d-0001" else d
        for d in bundle.documents
    ]
    bundle.attachments = {path: f"第{n}版全文\n".encode() * 50}
    portal.publish(bundle)


def assert_terminal_whole_and_serving(portal, tmp_path) -> str:
    current = paths.current_release(portal.terminal)
    assert current is not None
    assert verify_release(current) == []
    app = create_app({"TESTING": True, "DATA_DIR": str(portal.terminal), "CACHE_DIR": str(tmp_path / "cache")})
    client = app.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/guides/g-extra-05").status_code == 200
    return read_manifest(current)["id"]


def assert_next_sync_recovers(portal, n: int) -> None:
    result = sync(portal.terminal, portal.sync_settings())
    assert result.outcome in ("updated", "unchanged")
    current = paths.current_release(portal.terminal)
    assert verify_release(current) == []
    from kiosk.content import Release

    assert Release(current).guide("g-extra-05").summary == f"第{n}版说明"
    staging = paths.staging_dir(portal.terminal)
    assert not staging.exists() or not any(staging.iterdir())
    assert not list(portal.terminal.glob(".current-*"))
    assert len(list_releases(portal.terminal)) <= 3


@pytest.mark.slow
def test_kill_9_at_any_moment_leaves_one_whole_release(portal, tmp_path):
    bundle = make_county()
    for n in range(3):  # three releases on disk, so every later sync also prunes
        publish_round(portal, bundle, n)
        sync(portal.terminal, portal.sync_settings())
    n = 3
    killed = []
    for point in CRASH_POINTS:
        n += 1
        publish_round(portal, bundle, n)
        before = read_manifest(paths.current_release(portal.terminal))["id"]
        child = start_child(portal, point)
        _, err = child.communicate(timeout=60)
        assert child.returncode == -signal.SIGKILL, f"{point}: not reached (exit {child.returncode}): {err[-400:]}"
        killed.append(point)
        after = assert_terminal_whole_and_serving(portal, tmp_path)
        assert after == before or point in (
            "activate:replaced",
            "sync:activated",
            "prune:renamed",
            "sync:pruned",
            "sync:cache-pruned",
            "sync:before-record",
        )
        assert_next_sync_recovers(portal, n)
        attempts = portal.attempts()
        assert not [a for a in attempts if a["outcome"] == "running"]
        if point != "sync:locked":  # killed after its attempt was recorded: the next sync says so
            assert attempts[-2]["error_kind"] == "interrupted"
    assert len(set(killed)) >= 20

    rng = random.Random(1234)
    for _ in range(4):  # and a few kills at moments nobody chose
        n += 1
        publish_round(portal, bundle, n)
        child = start_child(portal, None)
        time.sleep(rng.uniform(0.3, 1.2))
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=60)
        assert_terminal_whole_and_serving(portal, tmp_path)
        assert_next_sync_recovers(portal, n)
