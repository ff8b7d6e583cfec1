"""The URL check agrees with browsers: what it accepts, a WHATWG parser reads with the same host."""

from __future__ import annotations

import ada_url
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content_sync.urls import check_url, url_host
from kiosk.qr import allowed_url

ALLOWED = {"zwfw.province.gov.example", "hechuan.gov.example"}


def browser_host(url: str) -> str | None:
    """The host Chromium would contact for `url` (WHATWG URL standard), or None if it is no URL."""
    try:
        return ada_url.URL(url).hostname
    except ValueError:
        return None


def browser_allows(url: str) -> bool:
    host = browser_host(url)
    return bool(host) and any(host == h or host.endswith("." + h) for h in ALLOWED)


# URLs that browsers and urllib read differently, or that hide another host.
TRICKY = [
    "https://evil.example\\.zwfw.province.gov.example/item/1",
    "https://evil.example\\@zwfw.province.gov.example/",
    "https://zwfw.province.gov.example\\@evil.example/",
    "https://zwfw.province.gov.example@evil.example/",
    "https://evil.example@zwfw.province.gov.example/",
    "https://user:pass@zwfw.province.gov.example/",
    "https://evil.example%2Ezwfw.province.gov.example/",
    "https://evil.example%2fzwfw.province.gov.example/",
    "https://evil.example。zwfw.province.gov.example/",
    "https://zwfw.province.gov.example。evil.example/",
    "https://ｅｖｉｌ.example/.zwfw.province.gov.example",
    "https://zwfw.province.gov.ｅxample/",
    "https://evil.example\t.zwfw.province.gov.example/",
    "https://evil.example\n.zwfw.province.gov.example/",
    "https://zwfw.province.gov.example\r\n/",
    "https:evil.example/zwfw.province.gov.example",
    "https:/evil.example/zwfw.province.gov.example",
    "https:///evil.example/zwfw.province.gov.example",
    "https:\\\\evil.example\\zwfw.province.gov.example",
    "HTTPS://ZWFW.PROVINCE.GOV.EXAMPLE/item/1",
    "https://zwfw.province.gov.example./item",
    "https://zwfw.province.gov.example:443/item",
    "https://zwfw.province.gov.example:99999/item",
    "https://zwfw.province.gov.example:8a/item",
    "https://zwfw.province.gov.example#@evil.example",
    "https://zwfw.province.gov.example?@evil.example",
    "https://evil.example#.zwfw.province.gov.example",
    "https://evil.example?.zwfw.province.gov.example",
    "https://evil.example/.zwfw.province.gov.example",
    "https://evilzwfw.province.gov.example/",
    "https://a.zwfw.province.gov.example/",
    "https://0x7f.1/",
    "https://127.1/",
    "https://127.0.0.1/",
    "https://[::1]/",
    "https://xn--evil-zwfw.province.gov.example/",
    "https://\u200bzwfw.province.gov.example/",
    "https://zwfw.province.gov.example\u00a0/",
    " https://zwfw.province.gov.example/",
    "javascript://zwfw.province.gov.example/%0aalert(1)",
    "ftp://zwfw.province.gov.example/",
    "//zwfw.province.gov.example/",
    "https://",
    "https://-zwfw.province.gov.example/",
    "https://zwfw..province.gov.example/",
    "https://hechuan.gov.example/政务公开/办事指南?id=1",
]


@pytest.mark.parametrize("url", TRICKY)
def test_an_accepted_url_has_the_host_a_browser_contacts(url):
    try:
        check_url(url, ALLOWED)
    except ValueError:
        return  # rejecting is always safe; accepting must be right
    assert browser_allows(url), url
    assert browser_host(url) == url_host(url)


def test_the_backslash_bypass_is_refused_everywhere():
    url = "https://evil.example\\.zwfw.province.gov.example/item/1"
    with pytest.raises(ValueError, match="browsers read differently"):
        check_url(url, ALLOWED)
    assert allowed_url(url, ALLOWED) is None
    assert browser_host(url) == "evil.example"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://a@zwfw.province.gov.example/", "user name or password"),
        ("https:evil.example", "must be an http"),
        ("https://政府.example/", "IDNA"),
        ("https://0x7f.1/", "looks like a number"),
        ("https://evil.example/", "not in the site's allowlist"),
        ("https://zwfw.province.gov.example:70000/", "bad port"),
        ("https://x.zwfw.province.gov.example/" + "a" * 2000, "at most 2000"),
    ],
)
def test_a_refused_url_says_why(url, message):
    with pytest.raises(ValueError, match=message):
        check_url(url, ALLOWED)


@pytest.mark.parametrize(
    "url",
    [
        "https://zwfw.province.gov.example/item/1",
        "HTTPS://Zwfw.Province.Gov.Example/item?x=1#top",
        "https://a.b.hechuan.gov.example:8443/政务公开?q=社保",
        "http://hechuan.gov.example",
    ],
)
def test_ordinary_county_urls_pass(url):
    assert check_url(url, ALLOWED) == url
    assert browser_allows(url)


_pieces = st.sampled_from(
    [
        "https://",
        "http://",
        "https:",
        "//",
        "/",
        "\\",
        "@",
        ":",
        "%2e",
        "%2f",
        "%40",
        ".",
        "。",
        "．",
        "#",
        "?",
        "\t",
        "\n",
        " ",
        "\u200b",
        "evil.example",
        "zwfw.province.gov.example",
        "hechuan.gov.example",
        "ｅｘａｍｐｌｅ",
        "xn--fiqs8s",
        "0x7f",
        "1",
        "443",
        "a",
        "-",
    ]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_pieces, min_size=1, max_size=9).map("".join))
def test_no_made_up_url_is_accepted_for_another_host(url):
    try:
        check_url(url, ALLOWED)
    except ValueError:
        return
    assert browser_allows(url), url
    assert browser_host(url) == url_host(url)
