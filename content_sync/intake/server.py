"""The intake endpoint terminals post sealed items to: a small WSGI app (served by waitress).

    PUT  /v1/items/<id>    body: one sealed box; headers: Authorization: Bearer <terminal.token>,
                           X-Status-Hash: the item's tracking-code hash (hex SHA-256)
    GET  /healthz          {"ok": true, "items": N}

An item is acknowledged with 200 and {"id": <id>, "stored": true|false} only after the store has
written it durably; the same id with the same bytes is acknowledged again (stored: false), so a
terminal that lost an answer simply sends again. Everything else gets a 4xx with a JSON reason
and nothing is stored: no or a wrong token (401), an id or hash of the wrong shape (400), a body
that is not a sealed box of the envelope's sizes (411, 413, 422), the id taken by other bytes
(409). The server never holds the private key and cannot read what it stores.

Run it behind the portal's web server (TLS there), on loopback.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable

from .. import faults
from . import envelope
from .store import Conflict, Store

log = logging.getLogger(__name__)

_ITEM_PATH = re.compile(r"^/v1/items/([0-9a-f]{32})$")
_HASH = re.compile(r"^[0-9a-f]{64}$")

StartResponse = Callable[..., object]


def _answer(start_response: StartResponse, status: str, body: dict) -> list[bytes]:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    start_response(
        status,
        [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [data]


def _read_body(environ: dict, length: int) -> bytes | None:
    stream = environ["wsgi.input"]
    chunks, remaining = [], length
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


class IntakeApp:
    """The WSGI callable over one store."""

    def __init__(self, store: Store):
        self.store = store

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        try:
            return self._handle(environ, start_response)
        except Exception:  # a malformed request must never take the service down or leak a trace
            log.exception("intake request failed")
            return _answer(start_response, "500 Internal Server Error", {"ok": False, "error": "internal error"})

    def _handle(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "")
        if path == "/healthz" and method in ("GET", "HEAD"):
            return _answer(start_response, "200 OK", {"ok": True, "items": self.store.count()})
        match = _ITEM_PATH.match(path)
        if match is None:
            return _answer(start_response, "404 Not Found", {"ok": False, "error": "no such resource"})
        if method != "PUT":
            return _answer(start_response, "405 Method Not Allowed", {"ok": False, "error": "use PUT"})
        auth = environ.get("HTTP_AUTHORIZATION", "")
        terminal = self.store.terminal_for(auth[7:].strip()) if auth.startswith("Bearer ") else None
        if terminal is None:
            return _answer(start_response, "401 Unauthorized", {"ok": False, "error": "no valid terminal token"})
        status_hash = environ.get("HTTP_X_STATUS_HASH", "")
        if not _HASH.match(status_hash):
            reason = {"ok": False, "error": "X-Status-Hash must be hex SHA-256"}
            return _answer(start_response, "400 Bad Request", reason)
        try:
            length = int(environ.get("CONTENT_LENGTH") or "-1")
        except ValueError:
            length = -1
        if length < 0:
            return _answer(start_response, "411 Length Required", {"ok": False, "error": "Content-Length required"})
        if length > envelope.MAX_SEALED:
            return _answer(start_response, "413 Content Too Large", {"ok": False, "error": "item too large"})
        if not envelope.sealed_size_ok(length):
            return _answer(start_response, "422 Unprocessable Content", {"ok": False, "error": "not a sealed item"})
        body = _read_body(environ, length)
        if body is None:
            return _answer(start_response, "400 Bad Request", {"ok": False, "error": "body shorter than announced"})
        item_id = match.group(1)
        try:
            stored = self.store.put(item_id, terminal, status_hash, body)
        except Conflict:
            return _answer(start_response, "409 Conflict", {"ok": False, "error": "id taken by another item"})
        faults.point("intake:stored")
        if stored:
            log.info("stored item %s from %s (%d bytes)", item_id, terminal, length)
        return _answer(start_response, "200 OK", {"ok": True, "id": item_id, "stored": stored})


def serve(store: Store, host: str, port: int, threads: int = 4) -> None:
    from waitress import serve as waitress_serve

    waitress_serve(
        IntakeApp(store),
        host=host,
        port=port,
        threads=threads,
        ident="kiosk-intake",
        max_request_body_size=envelope.MAX_SEALED + envelope.BLOCK,
        channel_timeout=30,
    )


class IntakeServer:
    """The intake app on a loopback port in a thread (the tests and the demo); `url` ends in /."""

    def __init__(self, store: Store, host: str = "127.0.0.1", port: int = 0, threads: int = 4):
        from waitress.server import create_server

        self.store = store
        self._server = create_server(
            IntakeApp(store),
            host=host,
            port=port,
            threads=threads,
            ident="kiosk-intake",
            max_request_body_size=envelope.MAX_SEALED + envelope.BLOCK,
            channel_timeout=30,
            clear_untrusted_proxy_headers=True,
        )
        self.url = f"http://{host}:{self._server.effective_port}/"
        self._thread = None

    def start(self) -> IntakeServer:
        import threading

        self._thread = threading.Thread(target=self._server.run, name="intake-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        from waitress import wasyncore

        server = self._server
        server.task_dispatcher.shutdown()
        if self._thread is None or not self._thread.is_alive():
            server.close()
            return
        # The sockets are closed by the serving thread itself, through its trigger: closed from
        # here they can vanish under its select() (EBADF, and the thread dies with an error).
        # With its socket map empty, its loop ends.
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        self._thread.join(5)

    def __enter__(self) -> IntakeServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
