"""Lock-down: strict headers on every response, vendored htmx unchanged, no inline script or style."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from kiosk import create_app

from . import ui_fixtures

ui_data_dir, ui_app, ui_client = ui_fixtures.ui_data_dir, ui_fixtures.ui_app, ui_fixtures.ui_client

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"


@pytest.mark.parametrize("url", ["/", "/guides/g-social-01", "/no/such/page", "/static/css/kiosk.css"])
def test_every_response_carries_the_lockdown_headers(ui_client, url):
    with ui_client.get(url) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_pages_vary_on_hx_request_and_are_not_cached(ui_client):
    headers = ui_client.get("/").headers
    assert "HX-Request" in headers["Vary"]
    assert headers["Cache-Control"] == "no-store"


def test_error_responses_are_locked_down_too(tmp_path):
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "empty")})
    response = app.test_client().get("/")
    assert response.status_code == 503
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_unexpected_errors_become_a_friendly_page_not_a_traceback(ui_app):
    @ui_app.get("/boom")
    def boom():
        raise RuntimeError("broken")

    ui_app.config["PROPAGATE_EXCEPTIONS"] = False
    response = ui_app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "系统出了点问题" in body and "Traceback" not in body and "broken" not in body
    assert "Content-Security-Policy" in response.headers


def _vendored() -> list[tuple[str, str]]:
    rows = re.findall(r"^\| (\S+) \|.*\| ([0-9a-f]{64}) \|$", (VENDOR / "VENDORED.md").read_text(), re.M)
    assert rows, "VENDORED.md lists no files"
    return rows


@pytest.mark.parametrize("name,digest", _vendored())
def test_vendored_file_matches_its_recorded_sha256(name, digest):
    assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest


def test_htmx_is_a_pinned_2_0_release_and_the_layout_loads_that_file():
    [(name, _)] = [row for row in _vendored() if row[0].startswith("htmx-2.0.") and row[0].endswith(".min.js")]
    version = re.search(r"htmx-(2\.0\.\d+)\.min\.js", name).group(1)
    assert f"| {version} |" in (VENDOR / "VENDORED.md").read_text()
    assert f"vendor/{name}" in (ROOT / "templates" / "base.html").read_text()
    assert sorted(p.name for p in VENDOR.iterdir()) == sorted([*(n for n, _ in _vendored()), "VENDORED.md"])


def test_templates_have_no_inline_script_style_or_outside_resources():
    for path in (ROOT / "templates").rglob("*.html"):
        source = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), path
        assert " style=" not in source and "<style" not in source, path
        assert not re.search(r"\bon[a-z]+=", source), path  # onclick= and friends
        assert "hx-on" not in source and "javascript:" not in source, path
        assert not re.search(r'(src|href)="(https?:)?//', source), path


def test_css_and_js_load_nothing_from_outside():
    for path in [*(ROOT / "static" / "css").glob("*.css"), *(ROOT / "static" / "js").glob("*.js")]:
        source = path.read_text()
        assert "http://" not in source and "https://" not in source and "@import" not in source, path
        assert "eval(" not in source and "innerHTML" not in source, path


def test_htmx_is_configured_for_the_csp(ui_client):
    body = ui_client.get("/").get_data(as_text=True)
    config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'', body).group(1)
    assert '"includeIndicatorStyles": false' in config  # htmx would inject an inline <style>
    assert '"allowEval": false' in config and '"selfRequestsOnly": true' in config
    assert '"historyCacheSize": 0' in config  # no trace of the last citizen in localStorage


def test_csrf_is_required_for_posts_when_enabled(ui_data_dir, tmp_path):
    app = create_app({"TESTING": True, "DATA_DIR": str(ui_data_dir), "CACHE_DIR": str(tmp_path / "c")})
    client = app.test_client()
    response = client.post("/feedback", data={"kind": "guide", "record_id": "g-social-01", "helpful": "1"})
    assert response.status_code == 400
    assert "请求有误" in response.get_data(as_text=True)
    page = client.get("/guides/g-social-01").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert f'"X-CSRFToken": "{token}"' in page
    response = client.post(
        "/feedback", data={"kind": "guide", "record_id": "g-social-01", "helpful": "1", "csrf_token": token}
    )
    assert response.status_code == 303


def test_nothing_needs_hover():
    css = (ROOT / "static" / "css" / "kiosk.css").read_text()
    assert ":hover" not in css and "title=" not in "".join(p.read_text() for p in (ROOT / "templates").glob("*.html"))
