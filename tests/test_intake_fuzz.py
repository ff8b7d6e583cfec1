"""10,000 fuzzed posts to the intake endpoint on a loopback port: no 500, nothing stored that is
not a sealed-box-sized body from a valid terminal token, and the service still answers after."""

from __future__ import annotations

import datetime as dt
import http.client
import random
import socket
import time

import pytest

from content_sync.intake import envelope
from content_sync.intake.server import IntakeServer
from content_sync.intake.store import Store

from .intake_fixtures import fixed_clock

POSTS = 10_000
pytestmark = pytest.mark.slow


def _sizes(rng: random.Random) -> int:
    return rng.choice(
        [
            0,
            1,
            47,
            48,
            envelope.MIN_SEALED - 1,
            envelope.MIN_SEALED,
            envelope.MIN_SEALED + 1,
            envelope.MIN_SEALED + envelope.BLOCK,
            envelope.MAX_SEALED,
            envelope.MAX_SEALED + 1,
            rng.randrange(0, envelope.MAX_SEALED + 2000),
        ]
    )


def test_intake_survives_ten_thousand_fuzzed_posts(tmp_path):
    rng = random.Random(20261202)
    store = Store(tmp_path / "store", clock=fixed_clock(dt.datetime(2026, 6, 1, tzinfo=dt.UTC)))
    token = store.add_terminal("t1")
    garbage_tokens = [None, "", "t1", "t1.", "t1.x", "nobody." + token.split(".", 1)[1], token + "x", "\xe9" * 10]
    paths = ["/v1/items/{id}"] * 12 + ["/v1/items/{id}/", "/v1/items/{ID}", "/v1/items/", "/v2/items/{id}", "/", "/%00"]
    methods = ["PUT"] * 6 + ["POST", "GET", "DELETE", "PATCH"]
    expected_ids: set[str] = set()
    statuses: dict[int, int] = {}
    with IntakeServer(store) as server:
        port = int(server.url.rsplit(":", 1)[1].strip("/"))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        started = time.perf_counter()
        for _ in range(POSTS):
            if rng.random() < 0.08:  # bytes that are not HTTP at all, on a socket of their own
                with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                    raw.sendall(rng.randbytes(rng.randrange(1, 600)) + b"\r\n\r\n")
                    raw.shutdown(socket.SHUT_WR)
                    answer = raw.recv(100)
                    assert not answer.startswith(b"HTTP/1.1 5") and not answer.startswith(b"HTTP/1.0 5"), answer
                statuses[0] = statuses.get(0, 0) + 1
                continue
            item_id = rng.randbytes(16).hex()
            path = rng.choice(paths).format(id=item_id, ID=item_id.upper())
            method = rng.choice(methods)
            use_token = token if rng.random() < 0.6 else rng.choice(garbage_tokens)
            status_hash = rng.randbytes(32).hex() if rng.random() < 0.85 else rng.choice(["", "zz" * 32, "a" * 63])
            size = _sizes(rng)
            body = rng.randbytes(size)
            headers = {"X-Status-Hash": status_hash}
            if use_token is not None:
                headers["Authorization"] = rng.choice(["Bearer ", "Bearer  ", "Basic ", "bearer "]) + use_token
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            statuses[response.status] = statuses.get(response.status, 0) + 1
            assert response.status < 500, (method, path, size)
            valid = (
                method == "PUT"
                and path == f"/v1/items/{item_id}"
                and use_token == token
                and headers["Authorization"].startswith("Bearer ")
                and len(status_hash) == 64
                and all(c in "0123456789abcdef" for c in status_hash)
                and envelope.sealed_size_ok(size)
            )
            assert (response.status == 200) == valid, (response.status, method, path, size, use_token == token)
            if valid:
                expected_ids.add(item_id)
        elapsed = time.perf_counter() - started
        conn.close()
        health = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        health.request("GET", "/healthz")
        assert health.getresponse().status == 200
        health.close()
    stored = list(store.items())
    assert {i.id for i in stored} == expected_ids and expected_ids
    assert all(envelope.sealed_size_ok(len(i.ciphertext)) and i.terminal == "t1" for i in stored)
    print(f"\n{POSTS} fuzzed posts in {elapsed:.1f} s; answers by status: {dict(sorted(statuses.items()))}")
