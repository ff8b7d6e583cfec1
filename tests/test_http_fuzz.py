"""Fuzzing every route of the kiosk, headers included: no request may give a server error.

Each request picks a route from the app's own URL map (so a new route is fuzzed the day it is
added), fills its path parts, query and form with hostile values (CR/LF, control characters,
overlong and odd Unicode text, path tricks, huge numbers) and sends hostile headers (Host, Origin,
Referer, Cookie, the HX-* headers htmx sends). 10,800 requests in all, from a fixed seed so that
a failure can be replayed; half with the CSRF check on, half with it off, to reach the handlers.
"""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from content_sync.release import activate, build_release
from kiosk import create_app

from .ui_fixtures import make_ui_bundle

ROUNDS = 6
PER_ROUND = 1800

VALUES = [
    "",
    " ",
    "社保",
    "g-social-01",
    "social",
    "d-0010",
    "d-0010/form-2026.txt",
    "guide",
    "catalog",
    "document",
    "apply",
    "1",
    "0",
    "-1",
    "9" * 40,
    "1e9",
    "3.5",
    "\r\n",
    "/\r\nSet-Cookie: x=1",
    "/%0A",
    "%0d%0a",
    "\x00",
    "\x1b[31m",
    "\u2028\u2029",
    "\u200b\ufeff",
    "\ud7ff\ue000",
    "../../etc/passwd",
    "..%2f..%2f",
    "//evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "' OR 1=1 --",
    '"',
    "%",
    "%%",
    "%ff%fe",
    "*",
    "?",
    "AND OR NOT",
    "〔2024〕12号",
    "13800138000",
    "ｓｈｅｂａｏ",
    "🙂" * 20,
]
LONG = ["社" * 3000, "x" * 9000, "%0A" * 2000]
HOSTS = [
    None,
    "localhost",
    "127.0.0.1:8080",
    "[::1]",
    "a..b",
    "a" * 64 + ".example",
    "evil.example",
    "-bad-.example",
    "exa_mple",
    "localhost:99999",
    "localhost:abc",
    "xn--fiqs8s",
    "é.example",
    ".",
    "",
]
HX_HEADERS = ["HX-Request", "HX-Current-URL", "HX-Target", "HX-Trigger", "HX-Trigger-Name", "HX-Boosted",
              "HX-History-Restore-Request", "HX-Prompt"]  # fmt: skip
OTHER_HEADERS = ["Origin", "Referer", "Cookie", "Accept", "Accept-Language", "Content-Type", "Sec-Fetch-Site",
                 "X-Forwarded-For", "X-Forwarded-Host", "If-None-Match", "If-Modified-Since", "Range"]  # fmt: skip
PARAMS = ["q", "page", "next", "kind", "id", "log", "since", "days", "limit", "pin", "comment", "helpful",
          "record_id", "csrf_token", "hall", "format"]  # fmt: skip
_VARIABLE = re.compile(r"<(?:(\w+):)?(\w+)>")


def _value(rng: random.Random) -> str:
    if rng.random() < 0.02:
        return rng.choice(LONG)
    if rng.random() < 0.3:
        return rng.choice(VALUES) + rng.choice(VALUES)
    return rng.choice(VALUES)


def _header_value(rng: random.Random) -> str:
    # Headers travel as latin-1: what a client can send is any byte but CR, LF and NUL.
    return re.sub(r"[\r\n\x00]", "", _value(rng)).encode("utf-8", "replace").decode("latin-1")[:4000]


def _path(rng: random.Random, rule: str) -> str:
    def fill(match: re.Match) -> str:
        converter = match.group(1)
        if converter == "int":
            return rng.choice(["1", "0", "7", "9" * 30, "-1"])
        value = _value(rng)
        if converter != "path":
            value = value.replace("/", "%2F")
        return "".join(c if c.isprintable() and c not in "?#" else f"%{ord(c) % 256:02X}" for c in value)

    return _VARIABLE.sub(fill, rule)


def _request(rng: random.Random, rules: list[tuple[str, list[str]]]) -> dict:
    rule, methods = rng.choice(rules)
    method = rng.choice(methods) if rng.random() < 0.95 else rng.choice(["PUT", "DELETE", "PATCH", "TRACE"])
    headers = {}
    for name in rng.sample(HX_HEADERS + OTHER_HEADERS, rng.randint(0, 6)):
        headers[name] = rng.choice(["true", "1", _header_value(rng)])
    host = rng.choice(HOSTS)
    if host is not None:
        headers["Host"] = host
    params = {name: _value(rng) for name in rng.sample(PARAMS, rng.randint(0, 4))}
    request = {"path": _path(rng, rule), "method": method, "headers": headers}
    if method == "GET":
        request["query_string"] = params
    else:
        request["data"] = params
    return request


@pytest.fixture(scope="module")
def apps(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    data_dir = root / "data"
    activate(data_dir, build_release(make_ui_bundle(), data_dir))
    made = []
    for csrf in (True, False):
        made.append(
            create_app(
                {
                    "TESTING": True,
                    "DATA_DIR": str(data_dir),
                    "CACHE_DIR": str(root / "cache"),
                    "WTF_CSRF_ENABLED": csrf,
                    "ADMIN_PIN_HASH": "",
                }
            )
        )
    return made


@pytest.mark.slow
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_fuzzed_requests_never_give_a_server_error(apps, round_):
    rng = random.Random(20261202 + round_)
    app = apps[round_ % 2]
    rules = [
        (rule.rule, sorted(rule.methods - {"HEAD", "OPTIONS"}))
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
    ]
    statuses: Counter[int] = Counter()
    client = app.test_client()
    for n in range(PER_ROUND):
        if n % 50 == 0:
            client = app.test_client()  # a new visitor now and then; others keep their cookies
        request = _request(rng, rules)
        response = client.open(**request)
        statuses[response.status_code] += 1
        assert response.status_code < 500, (request, response.status_code)
        assert "Content-Security-Policy" in response.headers, request
        location = response.headers.get("Location", "")
        assert not location.startswith(("http:", "https:", "//")), (request, location)
        assert len(location) <= 2048, request
    assert sum(statuses.values()) == PER_ROUND
    # The fuzz reaches real pages, not only refusals: a good share are ordinary answers.
    assert statuses[200] + statuses[303] + statuses[302] + statuses[308] > PER_ROUND // 10, statuses
