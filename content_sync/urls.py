"""Outside URLs as a phone reads them: the one check behind validation, publishing and QR codes.

A URL on a government terminal becomes a QR code that a citizen's phone opens, so what counts is
the host the phone's browser will contact. Browsers parse URLs by the WHATWG URL standard, which
differs from `urllib.parse` in ways an attacker can use: `\\` is read as `/`
(`https://evil.example\\.gov.example/` goes to evil.example), tabs and newlines are dropped,
`https:evil.example` and `https:///evil.example` still have a host, a host is percent-decoded and
IDNA-mapped (full-width dots become dots). Rather than re-implement that parser, the check only
accepts URLs on which both parsers must agree: no backslash, no control or space character
anywhere, `scheme://` written out, no user info, and a host of plain ASCII letters, digits,
hyphens and dots (a non-ASCII host must be written in its IDNA `xn--` form). On such a URL the
host `urlsplit` finds is the host a browser finds; tests/test_urls.py checks that against a
WHATWG-conformant parser.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000
# A host name as a phone resolves it: LDH labels of 1-63 characters, 253 at most in all.
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_NUMERIC_LABEL = re.compile(r"^(\d+|0x[0-9a-f]*)$")
_OCTET = r"(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"^{_OCTET}(\.{_OCTET}){{3}}$")
_SCHEME_PREFIX = re.compile(r"^(https?)://", re.IGNORECASE)


def _bad_character(url: str) -> str | None:
    """The first character a browser would drop or reinterpret, as shown in an error, or None."""
    for ch in url:
        if ch == "\\":
            return "'\\\\'"
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Zs"):
            return f"U+{ord(ch):04X}"
    return None


def url_host(url: str) -> str:
    """The lower-case host of an http(s) URL that every parser reads alike; ValueError otherwise."""
    if not isinstance(url, str) or not url:
        raise ValueError("must be an http(s) URL, got an empty value")
    if len(url) > MAX_URL_LENGTH:
        raise ValueError(f"URL is {len(url)} characters long, at most {MAX_URL_LENGTH} are allowed")
    bad = _bad_character(url)
    if bad:
        raise ValueError(f"URL contains {bad}, which browsers read differently: write the URL without it")
    if not _SCHEME_PREFIX.match(url):
        raise ValueError(f"must be an http(s) URL, got {url!r}")
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        raise ValueError(f"URL must not contain a user name or password (before '@'), got {url!r}")
    host = netloc.rsplit(":", 1)[0] if not netloc.endswith("]") else netloc
    if ":" in netloc and not netloc.endswith("]"):
        port = netloc.rsplit(":", 1)[1]
        if port and (not port.isascii() or not port.isdigit() or int(port) > 65535):
            raise ValueError(f"URL has a bad port {port!r}")
    if not host:
        raise ValueError(f"must be an http(s) URL with a host, got {url!r}")
    if not host.isascii():
        raise ValueError(f"host {host!r} is not plain ASCII: write it in its IDNA (xn--) form")
    host = host.lower()
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise ValueError(f"host {host!r} is not a valid host name (letters, digits, '-' and '.' only)")
    if _NUMERIC_LABEL.match(labels[-1]) and not _IPV4.match(host):
        # Browsers read a host ending in a number as an IPv4 address (0x7f.1 is 127.0.0.1).
        raise ValueError(f"host {host!r} looks like a number: write a host name or a dotted IPv4 address")
    return host


def host_allowed(host: str, allowed_hosts: Iterable[str]) -> bool:
    """True if `host` is an allowlisted host or a subdomain of one (both already lower-case)."""
    return any(host == h or host.endswith("." + h) for h in allowed_hosts)


def check_url(url: str, allowed_hosts: Iterable[str] | None) -> str:
    """Return `url` if it is an http(s) URL whose host is allowed; raise ValueError otherwise.

    A host is allowed if it equals an allowlisted host or is a subdomain of one; with
    `allowed_hosts` None only the URL's form is checked.
    """
    host = url_host(url)
    if allowed_hosts is not None:
        hosts = {h.strip().lower() for h in allowed_hosts}
        if not host_allowed(host, hosts):
            raise ValueError(f"host {host!r} is not in the site's allowlist (qr_allowed_hosts)")
    return url
