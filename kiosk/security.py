"""What the kiosk accepts from a request and what every response carries.

The kiosk's browser must never leave the app or run script it did not ship: every resource comes
from the kiosk itself ('self'), no inline script or style attribute runs, and no page may be framed.
A request is refused before Flask sees it when its Host header is no host name or its URL is
longer than any page of the kiosk needs (`RequestGuard`); redirects are relative and only ever
point inside the kiosk (`safe_next`); a form posted from another origin is refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from flask import Flask, Response, abort, redirect, request
from werkzeug.routing import RequestRedirect

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


# What a request may make the process read. Every page's URL is far shorter; a longer one is an
# attack or a mistake, and refusing it before parsing keeps a flood of them from growing the process.
MAX_PATH_BYTES = 8192
MAX_QUERY_BYTES = 8192
MAX_BODY_BYTES = 64 * 1024
MAX_NEXT_CHARS = 512
# What waitress itself lets through (its own 431/413 answers carry no lock-down headers: they are
# plain text with no script or link, see docs/operations.md).
WAITRESS_LIMITS = {"max_request_header_size": 32 * 1024, "max_request_body_size": 1024 * 1024}
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?"
_HOST_HEADER = re.compile(rf"^(?:{_LABEL}(?:\.{_LABEL})*\.?|\[[0-9A-Fa-f:.]{{2,45}}\])(?::[0-9]{{1,5}})?$")

_REFUSAL_PAGE = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>请求有误</title></head>'
    '<body><h1>请求有误</h1><p>这一步没有办成，请返回首页重新操作。</p><p><a href="/">返回首页</a></p></body></html>'
).encode()


def host_header_ok(value: str | None) -> bool:
    """A Host header a browser could have sent: a host name or IP literal, an optional port."""
    if value is None:
        return True  # HTTP/1.0 without Host: the server's own name is used
    return len(value) <= 260 and bool(_HOST_HEADER.match(value))


def _refusal(environ: dict) -> str | None:
    """The status to refuse a request with before the app sees it, or None to pass it on."""
    if not host_header_ok(environ.get("HTTP_HOST")):
        return "400 Bad Request"
    path = environ.get("PATH_INFO", "")
    if (
        len(path.encode("latin-1", "replace")) > MAX_PATH_BYTES
        or len(environ.get("QUERY_STRING", "")) > MAX_QUERY_BYTES
    ):
        return "414 URI Too Long"
    return None


class RequestGuard:
    """WSGI middleware in front of Flask for requests Flask cannot answer safely.

    A Host that is no host name (`a..b`, a label over 63 characters) makes Werkzeug fail while
    building URLs, even for its error page; an overlong URL costs memory in every layer. Both are
    answered here with a fixed page that cannot fail, carrying the same lock-down headers.
    """

    def __init__(self, wsgi_app: Callable):
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        status = _refusal(environ)
        if status is None:
            return self.wsgi_app(environ, start_response)
        headers = [
            *HEADERS.items(),
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(_REFUSAL_PAGE))),
            ("Cache-Control", "no-store"),
        ]
        start_response(status, headers)
        return [_REFUSAL_PAGE]


def _printable(text: str) -> bool:
    return not any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text)


def safe_next(target: object, default: str, prefix: str = "/") -> str:
    """`target` if it is a short path inside the kiosk starting with `prefix`, else `default`.

    Never another host (`//host`, `\\host`, a scheme), never a control character (a CR or LF in a
    Location header would split the response), never longer than MAX_NEXT_CHARS.
    """
    if not isinstance(target, str) or not target or len(target) > MAX_NEXT_CHARS:
        return default
    if not target.startswith(prefix) or target.startswith("//") or "\\" in target or not _printable(target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def _relative_redirect():
    """Werkzeug's own redirects (merged slashes, a missing trailing slash) name the Host header's
    host; answer them with a relative Location instead, so a forged Host cannot send anyone away."""
    exc = request.routing_exception
    if isinstance(exc, RequestRedirect):
        parts = urlsplit(exc.new_url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        return redirect(safe_next(target, "/"), code=exc.code)
    return None


def _same_origin_only() -> None:
    """A second layer behind the CSRF token: a form posted from another origin is refused."""
    if request.method not in UNSAFE_METHODS:
        return
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        abort(403)
    origin = request.headers.get("Origin")
    if origin is not None and origin != request.host_url.rstrip("/"):
        abort(403)


def add_security_headers(response: Response) -> Response:
    """Set the lock-down headers on every response; HTML varies with HX-Request (page or fragment)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        response.vary.add("HX-Request")
        # Pages show what is current and may hold a session's state: never keep them in a cache.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    app.wsgi_app = RequestGuard(app.wsgi_app)
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.before_request(_relative_redirect)
    app.before_request(_same_origin_only)
    app.after_request(add_security_headers)
