"""Crash safety of the upload: kill -9 the uploading terminal (or the intake service) at many
moments; after every kill the next upload delivers every item exactly once and empties the outbox.

Both sides are real processes: `content-sync intake serve` on a loopback port with its own store,
and the terminal's upload in a child Python process; crash points are content_sync.faults'.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from content_sync import paths, state
from content_sync.faults import ENV
from content_sync.intake import codes, envelope, keys
from content_sync.intake.store import Store
from kiosk.applications import outbox
from kiosk.applications.upload import UploadSettings, upload

from .intake_fixtures import application_record
from .sync_fixtures import free_port

pytestmark = pytest.mark.slow
REPO_ROOT = Path(__file__).resolve().parent.parent
ITEMS = 3

# Moments in the terminal's upload (":N" = the N-th time the point is reached) ...
TERMINAL_POINTS = [
    "upload:locked",
    "upload:started",
    "upload:item:1",
    "upload:request:1",
    "upload:answered:1",
    "upload:acknowledged:1",
    "upload:removed:1",
    "upload:request:2",
    "upload:answered:2",
    "upload:acknowledged:2",
    "upload:answered:3",
    "upload:acknowledged:3",
    "upload:removed:3",
    "upload:before-record",
]
# ... and in the intake service: stored durably, killed before it could acknowledge.
SERVER_POINTS = ["intake:stored:1", "intake:stored:2"]

CHILD = """
import json, sys
from pathlib import Path
from kiosk.applications.upload import UploadSettings, upload
args = json.loads(sys.argv[1])
upload(Path(args["root"]), UploadSettings(args["url"], args["token"], timeout=10))
"""


def _env(crash_at: str | None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    env.pop(ENV, None)
    if crash_at:
        env[ENV] = crash_at
    return env


class IntakeProcess:
    """`content-sync intake serve` in a process of its own."""

    def __init__(self, store_dir: Path, port: int, crash_at: str | None = None):
        self.url = f"http://127.0.0.1:{port}/"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from content_sync.cli import main; main()",
                "intake",
                "serve",
                "--store",
                str(store_dir),
                "--port",
                str(port),
            ],
            env=_env(crash_at),
            cwd=REPO_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(self.url + "healthz", timeout=1):
                    return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the intake service did not start") from None
                time.sleep(0.05)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(10)


def prepare_terminal(root: Path, public_text: str) -> dict[str, bytes]:
    """Queue ITEMS sealed applications; return id -> ciphertext as queued."""
    conn = state.connect(paths.state_db(root))
    outbox.migrate(conn)
    queued = {}
    for n in range(ITEMS):
        record = application_record(description=f"第{n + 1}份申请：村务公开栏照片")
        sealed = envelope.seal(keys.public_key(public_text), record)
        item_id = f"{n + 1:032x}"
        outbox.add(conn, item_id, "application", record.code, codes.status_hash(record.code), sealed, "h", 100)
        queued[item_id] = sealed
    conn.close()
    return queued


def waiting(root: Path) -> int:
    conn = state.connect(paths.state_db(root))
    try:
        return outbox.count(conn)
    finally:
        conn.close()


def test_kill_9_at_any_moment_of_an_upload_loses_nothing_and_duplicates_nothing(tmp_path):
    _, _, public_text = keys.generate(tmp_path / "office")
    killed: list[str] = []
    for point in TERMINAL_POINTS + SERVER_POINTS:
        case = tmp_path / point.replace(":", "_")
        root, store_dir = case / "terminal", case / "store"
        queued = prepare_terminal(root, public_text)
        token = Store(store_dir).add_terminal("t1")
        port = free_port()
        server_crash = point if point.startswith("intake:") else None
        server = IntakeProcess(store_dir, port, server_crash)
        child = subprocess.run(
            [sys.executable, "-c", CHILD, json.dumps({"root": str(root), "url": server.url, "token": token})],
            env=_env(None if server_crash else point),
            cwd=REPO_ROOT,
            capture_output=True,
            timeout=120,
        )
        if server_crash:
            assert server.process.wait(10) == -signal.SIGKILL, point
            assert child.returncode == 0, child.stderr.decode()
            server = IntakeProcess(store_dir, port)  # the office restarts its service
        else:
            assert child.returncode == -signal.SIGKILL, (point, child.stderr.decode())
        killed.append(point)
        left = waiting(root)

        result = upload(root, UploadSettings(server.url, token, timeout=10))
        server.stop()
        assert result.error is None, (point, result.error)
        assert waiting(root) == 0, point
        stored = {item.id: item.ciphertext for item in Store(store_dir).items()}
        assert stored == queued, point  # every item, byte for byte, and each exactly once
        assert result.sent == left, point
    assert len(killed) == len(TERMINAL_POINTS + SERVER_POINTS) >= 10
    print(f"\nkilled the upload at {len(killed)} points; every time {ITEMS} of {ITEMS} items arrived once")
