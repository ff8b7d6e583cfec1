"""Fixtures for the publish and sync tests: a county with keys, a repository served over real
HTTP on 127.0.0.1 by a server that can be told to misbehave, and a terminal data root."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from content_sync import keys, paths
from content_sync.bundle import ContentBundle
from content_sync.publish import PublishResult, PublishSettings, publish_bundle
from content_sync.release import read_manifest
from content_sync.repo_server import RepoRequestHandler, RepoServer
from content_sync.schema import Attachment, Document
from content_sync.sync import SyncResult, SyncSettings, open_state, sync

from .factories import make_bundle, make_guide


def make_county(n_guides: int = 12) -> ContentBundle:
    """The factory county with more guides (two domains), their catalog rows, and an attachment."""
    bundle = make_bundle()
    template = bundle.catalog[0]
    for i in range(2, n_guides + 1):
        domain = "社会保险" if i % 2 else "户籍管理"
        guide = make_guide(f"g-extra-{i:02d}", f"测试事项第{i}项", domain=domain, item_code=f"TEST-{i:04d}")
        guide = guide.model_copy(update={"online_url": f"https://zwfw.province.gov.example/item/TEST-{i:04d}"})
        bundle.guides.append(guide)
        bundle.catalog.append(
            template.model_copy(
                update={"id": f"c-extra-{i:03d}", "name": guide.name, "guide_id": guide.id, "domain": domain}
            )
        )
    policy = bundle.documents[0]
    bundle.documents[0] = Document.model_validate(
        {**policy.model_dump(), "attachments": [Attachment(name="实施办法全文", path="d-0001/full.txt").model_dump()]}
    )
    bundle.attachments["d-0001/full.txt"] = "第一条 为了保障城乡居民老有所养。\n".encode() * 40
    return bundle


def edit_guide(bundle: ContentBundle, guide_id: str, **update) -> ContentBundle:
    bundle.guides = [g.model_copy(update=update) if g.id == guide_id else g for g in bundle.guides]
    return bundle


def delete_guide(bundle: ContentBundle, guide_id: str) -> ContentBundle:
    bundle.guides = [g for g in bundle.guides if g.id != guide_id]
    bundle.catalog = [c for c in bundle.catalog if c.guide_id != guide_id]
    return bundle


class FaultyHandler(RepoRequestHandler):
    """Serves the repository, or misbehaves for paths the server's `rules` name.

    rules: list of [substring, mode, remaining] where mode is 'hang', '404', '500', 'tamper'
    (same length, one byte changed), 'oversize' (1 MB more than the file), 'drop' (close the
    connection without an answer), 'drip' (one byte every 0.1 s); remaining=None means every time.
    """

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        mode = self.server.rule_for(self.path)  # type: ignore[attr-defined]
        if mode is None:
            return super().do_GET()
        self.server.count(self.path, 0)  # type: ignore[attr-defined]
        if mode == "hang":
            self.server.release.wait(30)  # type: ignore[attr-defined]
            self.close_connection = True
            return
        if mode == "drip":  # one byte at a time, each well within the read timeout
            data = Path(self.translate_path(self.path)).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            for i in range(len(data)):
                if self.server.release.wait(0.1):  # type: ignore[attr-defined]
                    break
                self.wfile.write(data[i : i + 1])
                self.wfile.flush()
            self.close_connection = True
            return
        if mode == "drop":
            self.close_connection = True
            return
        if mode in ("404", "500"):
            self.send_error(int(mode))
            return
        path = Path(self.translate_path(self.path))
        data = path.read_bytes()
        if mode == "tamper":
            data = data[:-2] + bytes([data[-2] ^ 0x01]) + data[-1:]
        elif mode == "oversize":
            data = data + b" " * (1 << 20)
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class FaultyServer(RepoServer):
    def __init__(self, directory: Path):
        super().__init__(directory, handler=FaultyHandler)
        self.rules: list[list] = []
        self.release = threading.Event()
        self._rules_lock = threading.Lock()

    def misbehave(self, substring: str, mode: str, times: int | None = None) -> None:
        with self._rules_lock:
            self.rules.append([substring, mode, times])

    def behave(self) -> None:
        with self._rules_lock:
            self.rules.clear()

    def rule_for(self, path: str) -> str | None:
        with self._rules_lock:
            for rule in self.rules:
                substring, mode, remaining = rule
                if substring in path and remaining != 0:
                    if remaining is not None:
                        rule[2] = remaining - 1
                    return mode
        return None

    def stop(self) -> None:
        self.release.set()
        super().stop()

    def target_paths(self) -> list[str]:
        return [p for p in self.paths if p.startswith("/targets/")]

    def metadata_paths(self) -> list[str]:
        return [p for p in self.paths if p.startswith("/metadata/")]


@dataclass
class Portal:
    """One county's signing side and its web server, plus one terminal syncing from it."""

    keys_dir: Path
    repo: Path
    terminal: Path
    server: FaultyServer
    settings: PublishSettings = field(default_factory=PublishSettings)

    def publish(self, bundle: ContentBundle, settings: PublishSettings | None = None) -> PublishResult:
        return publish_bundle(bundle, self.repo, self.keys_dir, settings or self.settings)

    def sync_settings(self, **overrides) -> SyncSettings:
        values = dict(
            metadata_url=self.server.metadata_url,
            targets_url=self.server.targets_url,
            root_metadata=self.keys_dir / "1.root.json",
            timeout=2,
            retries=2,
            max_bytes_per_second=0,
            keep_releases=3,
        )
        values.update(overrides)
        return SyncSettings(**values)

    def sync(self, **overrides) -> SyncResult:
        self.server.reset_counts()
        return sync(self.terminal, self.sync_settings(**overrides))

    def active(self) -> dict:
        current = paths.current_release(self.terminal)
        assert current is not None, "no active release"
        return read_manifest(current)

    def attempts(self) -> list[dict]:
        conn = open_state(self.terminal)
        try:
            return [dict(r) for r in conn.execute("SELECT * FROM sync_attempts ORDER BY id")]
        finally:
            conn.close()


def portal_fixture(tmp_path) -> Portal:
    """Use in a test module as `portal = pytest.fixture(portal_fixture, name="portal")`."""
    keys.generate_keys(tmp_path / "keys")
    server = FaultyServer(tmp_path / "repo")
    (tmp_path / "repo").mkdir()
    server.start()
    yield Portal(tmp_path / "keys", tmp_path / "repo", tmp_path / "terminal", server)
    server.stop()


def free_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Timer:
    def __enter__(self):
        self.start = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.elapsed = time.monotonic() - self.start


def kiosk_cli_fixture(portal, monkeypatch, tmp_path):
    """Run `kiosk ...` configured through KIOSK_* variables, as systemd would (use as a fixture
    named `kiosk`, beside `portal`)."""
    from click.testing import CliRunner

    from kiosk.cli import main as kiosk_main

    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("KIOSK_DATA_DIR", str(portal.terminal))
    monkeypatch.setenv("KIOSK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("KIOSK_PORTAL_METADATA_URL", portal.server.metadata_url)
    monkeypatch.setenv("KIOSK_PORTAL_TARGETS_URL", portal.server.targets_url)
    monkeypatch.setenv("KIOSK_ROOT_METADATA", str(portal.keys_dir / "1.root.json"))
    monkeypatch.setenv("KIOSK_SYNC_REQUEST_TIMEOUT_SECONDS", "1")
    monkeypatch.setenv("KIOSK_SYNC_RETRIES", "1")

    def run(*args: str):
        return CliRunner().invoke(kiosk_main, list(args))

    return run
