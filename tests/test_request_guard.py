"""Requests the kiosk refuses or answers with care: bad Host headers, control characters in
redirect targets, overlong URLs and bodies, posts from another origin, the session cookie."""

from __future__ import annotations

import socket
import threading

import pytest

from kiosk import create_app
from kiosk.security import MAX_NEXT_CHARS, safe_next

from . import ui_fixtures
from .sync_fixtures import free_port

ui_data_dir, ui_app, ui_client = ui_fixtures.ui_data_dir, ui_fixtures.ui_app, ui_fixtures.ui_client


@pytest.mark.parametrize(
    "target",
    ["/\n", "/\r\nSet-Cookie: a=b", "/search?q=\x00", "/a\u2028b", "//evil.example", "/\\evil.example",
     "https://evil.example/", "evil", "", None, "/" + "x" * MAX_NEXT_CHARS, "/\t/evil.example"],
)  # fmt: skip
def test_no_redirect_target_leaves_the_kiosk_or_splits_a_header(target):
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize("target", ["/", "/search?q=社保", "/guides/g-social-01?page=2"])
def test_paths_inside_the_kiosk_are_kept(target):
    assert safe_next(target, "/home") == target
    assert safe_next(target, "/admin/", prefix="/admin/") == "/admin/"


@pytest.mark.parametrize("next_value", ["/\n", "/\r\n", "/\x00", "/" + "a" * 50_000])
def test_elder_switch_with_a_hostile_next_goes_home(ui_client, next_value):
    response = ui_client.post("/elder", data={"next": next_value})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_admin_login_with_a_control_character_in_next_is_no_500(ui_client):
    response = ui_client.post("/admin/login?next=/admin/%0A", data={"pin": "0000"})
    assert response.status_code < 500


def test_the_404_page_of_a_path_with_a_newline_gives_a_working_elder_switch(ui_client):
    page = ui_client.get("/guides/x%0Ay")
    assert page.status_code == 404
    response = ui_client.post("/elder", data={"next": "/guides/x\ny"})
    assert response.status_code == 303 and "\n" not in response.headers["Location"]


@pytest.mark.parametrize("host", ["a..b", "a" * 64 + ".example", "evil example", "exa/mple", "", "é.example:80x"])
def test_a_host_header_that_is_no_host_name_is_a_400_with_the_lockdown_headers(ui_client, host):
    response = ui_client.get("/", headers={"Host": host})
    assert response.status_code == 400
    assert "请求有误" in response.get_data(as_text=True)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1:8080", "kiosk-03.hall.example", "[::1]:8080"])
def test_ordinary_hosts_pass(ui_client, host):
    assert ui_client.get("/", headers={"Host": host}).status_code == 200


def test_werkzeugs_own_redirects_are_relative_not_to_the_host_header(ui_client):
    response = ui_client.get("/guides//g-social-01", headers={"Host": "evil.example"})
    assert response.status_code == 308
    assert response.headers["Location"] == "/guides/g-social-01"


def test_an_overlong_url_is_refused_before_the_app_reads_it(ui_client):
    response = ui_client.get("/search", query_string={"q": "社" * 20_000})
    assert response.status_code == 414
    assert "Content-Security-Policy" in response.headers


def test_an_overlong_body_is_refused(ui_client):
    response = ui_client.post("/feedback", data={"comment": "x" * 200_000})
    assert response.status_code == 413
    assert "内容太长了" in response.get_data(as_text=True)


def test_the_session_cookie_is_samesite_strict_and_httponly(ui_data_dir, tmp_path):
    app = create_app({"DATA_DIR": str(ui_data_dir), "CACHE_DIR": str(tmp_path / "c"), "SECRET_KEY": "k"})
    cookie = app.test_client().get("/").headers["Set-Cookie"]
    assert "SameSite=Strict" in cookie and "HttpOnly" in cookie


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Origin": "http://evil.example"}, 403),
        ({"Origin": "null"}, 403),
        ({"Sec-Fetch-Site": "cross-site"}, 403),
        ({"Origin": "http://localhost"}, 303),
        ({"Sec-Fetch-Site": "same-origin"}, 303),
        ({}, 303),
    ],
)
def test_posts_from_another_origin_are_refused(ui_client, headers, status):
    assert ui_client.post("/elder", headers=headers).status_code == status


def _raw(port: int, request: bytes) -> bytes:
    """Send `request` as it is and read the answer; the server may answer and close early."""
    chunks = []
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        try:
            sock.sendall(request)
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (ConnectionResetError, BrokenPipeError):
            pass
    return b"".join(chunks)


def test_raw_requests_to_the_real_server_never_give_a_500(ui_app):
    from waitress.server import create_server

    from kiosk.security import WAITRESS_LIMITS

    port = free_port()
    server = create_server(ui_app, host="127.0.0.1", port=port, threads=2, **WAITRESS_LIMITS)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        cases = [
            b"GET / HTTP/1.1\r\nHost: a..b\r\nConnection: close\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: " + b"a" * 70 + b".example\r\nConnection: close\r\n\r\n",
            b"GET //evil.example/x HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
            b"GET /search?q=" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"b" * 40_000 + b"\r\nConnection: close\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: localhost\r\nHX-Request: \xff\xfe\r\nConnection: close\r\n\r\n",
            b"GET /guides/x%0D%0Ay HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        ]
        for request in cases:
            answer = _raw(port, request)
            assert answer.startswith((b"HTTP/1.1 ", b"HTTP/1.0 ")), (request[:80], answer[:200])
            status = int(answer.split(b" ", 2)[1])
            assert status < 500, (request[:80], answer[:200])
            assert b"\r\nLocation: http" not in answer
    finally:
        server.close()
        thread.join(timeout=10)
