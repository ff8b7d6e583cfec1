"""QR codes: only allowlisted URLs, readable by a real decoder, cached per release."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content_sync.release import activate, build_release
from kiosk import create_app, qr

from .factories import make_bundle, make_guide
from .printing_fixtures import rasterise_svg, read_qr

HOSTS = ["ceshi.gov.example", "zwfw.province.gov.example"]


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://zwfw.province.gov.example/item/X-1", True),
        ("http://www.ceshi.gov.example/xxgk/d-1.html", True),
        ("https://ZWFW.PROVINCE.GOV.EXAMPLE/item/X-1", True),
        ("https://evil.example.com/zwfw.province.gov.example", False),
        ("https://zwfw.province.gov.example.evil.com/item", False),
        ("javascript:alert(1)", False),
        ("ftp://zwfw.province.gov.example/x", False),
        ("", False),
        (None, False),
    ],
)
def test_only_http_urls_on_allowlisted_hosts_become_codes(url, allowed):
    assert qr.allowed_url(url, HOSTS) == (url if allowed else None)


@pytest.mark.parametrize(
    "url",
    [
        "https://zwfw.province.gov.example/item/TEST-0001",
        "https://www.ceshi.gov.example/xxgk/d-0001.html?from=kiosk&lang=zh",
        "https://zwfw.province.gov.example/item/" + "A" * 150,
    ],
)
def test_svg_decodes_back_to_the_url(url):
    assert read_qr(rasterise_svg(qr.svg(url))) == [url]


def test_svg_uses_error_correction_m():
    code = qr._code("https://zwfw.province.gov.example/item/TEST-0001")
    assert code.error_correction == qr.ERROR_CORRECTION


def test_guide_code_endpoint_serves_a_readable_svg(client, bundle):
    guide = bundle.guides[0]
    response = client.get(f"/qr/guide/{guide.id}.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert read_qr(rasterise_svg(response.get_data(as_text=True))) == [guide.online_url]


def test_document_code_endpoint_serves_the_portal_url(client, bundle):
    document = bundle.documents[0]
    response = client.get(f"/qr/document/{document.id}.svg")
    assert response.status_code == 200
    assert read_qr(rasterise_svg(response.get_data(as_text=True))) == [document.url]


@pytest.mark.parametrize(
    "path",
    [
        "/qr/guide/g-nope.svg",  # unknown guide
        "/qr/document/d-0002.svg",  # a document without a URL
        "/qr/catalog/c-social-001.svg",  # not a kind with codes
        "/qr/guide/g-social-01.png",
        "/qr/guide/..%2F..%2Fetc%2Fpasswd.svg",
        "/qr/guide/%E5%8A%9E.svg",
    ],
)
def test_no_code_is_a_404(client, path):
    assert client.get(path).status_code == 404


@pytest.fixture
def outside_client(tmp_path):
    """A release whose guide points outside the allowlist (content that validation would report)."""
    bundle = make_bundle()
    bundle.guides[0] = make_guide(online_url="https://evil.example.com/item/TEST-0001")
    root = tmp_path / "outside"
    activate(root, build_release(bundle, root))
    app = create_app({"TESTING": True, "DATA_DIR": str(root), "CACHE_DIR": str(tmp_path / "c")})
    return app.test_client()


def test_a_host_outside_the_allowlist_gets_no_code(outside_client):
    assert outside_client.get("/qr/guide/g-social-01.svg").status_code == 404


def test_codes_are_cached_per_release_and_old_releases_are_dropped(app, client, bundle, data_dir, tmp_path):
    release = app.extensions["kiosk.releases"].current()
    cache = tmp_path / "cache" / "qr"
    stale = cache / "an-old-release"
    stale.mkdir(parents=True)
    assert client.get("/qr/guide/g-social-01.svg").status_code == 200
    cached = cache / release.id / "guide-g-social-01.svg"
    assert cached.is_file()
    assert not stale.exists()
    # The next request is served from the file (a marker written into it shows up).
    cached.write_text(cached.read_text() + "<!-- cached -->")
    assert client.get("/qr/guide/g-social-01.svg").get_data(as_text=True).endswith("<!-- cached -->")


def test_unchanged_code_answers_304(client):
    first = client.get("/qr/guide/g-social-01.svg")
    again = client.get("/qr/guide/g-social-01.svg", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.text(max_size=12), record_id=st.text(max_size=40))
def test_malformed_qr_requests_never_fail_the_server(client, kind, record_id):
    from urllib.parse import quote

    response = client.get(f"/qr/{quote(kind, safe='')}/{quote(record_id, safe='')}.svg")
    assert response.status_code in (200, 404, 308)
