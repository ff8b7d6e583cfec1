"""Serve a published repository over HTTP on the loopback interface, for the demo and the tests.

In production any static web server hosts REPO_DIR (nginx, an object store, a CDN); this is the
same thing in a thread: HTTP/1.1 with keep-alive, quiet logs, and a count of body bytes sent.
"""

from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class RepoRequestHandler(SimpleHTTPRequestHandler):
    """Static files with keep-alive; counts what it sends on the server object."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass

    def copyfile(self, source, outputfile) -> None:
        data = source.read()
        outputfile.write(data)
        self.server.count(self.path, len(data))  # type: ignore[attr-defined]


class RepoServer(ThreadingHTTPServer):
    """A threaded HTTP server for one directory; use as a context manager."""

    daemon_threads = True

    def __init__(self, directory: Path, host: str = "127.0.0.1", port: int = 0, handler=RepoRequestHandler):
        super().__init__((host, port), partial(handler, directory=str(directory)))
        self.directory = Path(directory)
        self.bytes_sent = 0
        self.paths: list[str] = []
        self._count_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up early is normal (a terminal rejecting a file); stay quiet."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def count(self, path: str, size: int) -> None:
        with self._count_lock:
            self.bytes_sent += size
            self.paths.append(path)

    def reset_counts(self) -> None:
        with self._count_lock:
            self.bytes_sent = 0
            self.paths = []

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def metadata_url(self) -> str:
        return self.base_url + "metadata/"

    @property
    def targets_url(self) -> str:
        return self.base_url + "targets/"

    def start(self) -> RepoServer:
        self._thread = threading.Thread(target=self.serve_forever, name="repo-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def __enter__(self) -> RepoServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
