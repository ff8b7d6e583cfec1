"""A hostile portal on a loopback port, written on raw sockets: it serves a published repository
like any static host, except for the paths it is told to attack, where it

- 'endless-404' / 'endless-500': answers 404 / 500 with a body that never ends (as fast as the
  socket takes it);
- 'drip-headers': sends the status line and headers one byte at a time, `interval` apart;
- 'drip-404': answers 404 at once, then drips the error body one byte per `interval`;
- 'drip-body': answers 200 with the real file, one byte per `interval`;
- 'trickle-body': answers 200 and sends an endless body just above the minimum rate
  (`rate` bytes per second), so only the request's and the sync's wall-clock bounds stop it.

Raw sockets, not http.server: these answers are what no well-behaved server library would send.
It counts the bytes it got out for each attack, so tests can show the terminal stopped reading.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

MODES = ("endless-404", "endless-500", "drip-headers", "drip-404", "drip-body", "trickle-body")


class HostilePortal:
    def __init__(self, directory: Path, interval: float = 0.3, rate: int = 2048):
        self.directory = Path(directory)
        self.interval = interval
        self.rate = rate
        self.rules: dict[str, str] = {}  # path suffix -> mode
        self.attack_bytes = 0  # bytes sent in attacks
        self.attacks = 0
        self._stop = threading.Event()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(32)
        self._sock.settimeout(0.2)
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, name="hostile-portal", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}/"

    @property
    def metadata_url(self) -> str:
        return self.base_url + "metadata/"

    @property
    def targets_url(self) -> str:
        return self.base_url + "targets/"

    def attack(self, path_suffix: str, mode: str) -> None:
        assert mode in MODES, mode
        self.rules[path_suffix] = mode

    def start(self) -> HostilePortal:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()

    # --- serving

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        with conn:
            try:
                request = b""
                while b"\r\n\r\n" not in request:
                    data = conn.recv(4096)
                    if not data:
                        return
                    request += data
                path = unquote(urlsplit(request.split(b" ")[1].decode()).path)
                mode = next((m for suffix, m in self.rules.items() if path.endswith(suffix)), None)
                if mode is None:
                    self._static(conn, path)
                else:
                    with self._lock:
                        self.attacks += 1
                    self._attack(conn, path, mode)
            except OSError:  # the terminal hung up: what a good client does with a bad server
                return

    def _static(self, conn: socket.socket, path: str) -> None:
        file = (self.directory / path.lstrip("/")).resolve()
        if not file.is_relative_to(self.directory.resolve()) or not file.is_file():
            body = b"not found"
            conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\n" + body)
            return
        data = file.read_bytes()
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(data) + data)

    def _sent(self, n: int) -> None:
        with self._lock:
            self.attack_bytes += n

    def _drip(self, conn: socket.socket, data: bytes) -> None:
        for i in range(len(data)):
            if self._stop.wait(self.interval):
                return
            conn.sendall(data[i : i + 1])
            self._sent(1)

    def _attack(self, conn: socket.socket, path: str, mode: str) -> None:
        conn.settimeout(None)
        if mode in ("endless-404", "endless-500"):
            status = b"404 Not Found" if mode == "endless-404" else b"500 Internal Server Error"
            conn.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Length: 1000000000000\r\n\r\n")
            block = b"x" * 65536
            while not self._stop.is_set():
                conn.sendall(block)
                self._sent(len(block))
        elif mode == "drip-headers":
            head = b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-Filler-%d: %s\r\n" % (i, b"y" * 60) for i in range(90))
            self._drip(conn, head + b"\r\n")
        elif mode == "drip-404":
            conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 100000\r\n\r\n")
            self._drip(conn, b"n" * 100000)
        elif mode == "drip-body":
            data = (self.directory / path.lstrip("/")).read_bytes()
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(data))
            self._drip(conn, data)
        elif mode == "trickle-body":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n")
            piece = b" " * max(1, self.rate // 10)
            while not self._stop.wait(0.1):
                conn.sendall(piece)
                self._sent(len(piece))


def hostile_portal_fixture(portal):
    """A HostilePortal over the `portal` fixture's repository (use as a fixture named `hostile`)."""
    server = HostilePortal(portal.repo).start()
    yield server
    server.stop()


def wait_for(predicate, timeout: float = 10.0, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


REPO_ROOT = Path(__file__).resolve().parent.parent


def sync_env(portal, hostile: HostilePortal, tmp_path: Path, *, request_timeout: float, deadline: float, **more: str):
    """The environment of a real `kiosk sync` process pointed at `hostile` with these deadlines;
    `more` adds further KIOSK_* settings (SYNC_RETRIES="1")."""
    return {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "KIOSK_CONFIG": str(tmp_path / "none.toml"),
        "KIOSK_DATA_DIR": str(portal.terminal),
        "KIOSK_CACHE_DIR": str(tmp_path / "cache"),
        "KIOSK_PORTAL_METADATA_URL": hostile.metadata_url,
        "KIOSK_PORTAL_TARGETS_URL": hostile.targets_url,
        "KIOSK_ROOT_METADATA": str(portal.keys_dir / "1.root.json"),
        "KIOSK_SYNC_REQUEST_TIMEOUT_SECONDS": str(request_timeout),
        "KIOSK_SYNC_TIMEOUT_SECONDS": str(deadline),
        **{f"KIOSK_{name}": value for name, value in more.items()},
    }
