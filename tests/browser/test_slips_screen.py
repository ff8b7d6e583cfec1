"""In Debian's Chromium: the QR code reads at the size shown, and the print form works without JS."""

from __future__ import annotations

import io

import pytest
from flask import g, render_template_string
from PIL import Image

from kiosk import create_app, printing
from kiosk.printing import queue
from tests.factories import state_rows
from tests.printing_fixtures import read_qr

from .live import serve

# A stand-in for the guide page, which includes the partial the same way.
PAGE = """{% extends "base.html" %}
{% block main %}<h1>{{ guide.name }}</h1>
{% include "slips/_actions.html" with context %}
{% endblock %}"""


@pytest.fixture
def server(data_dir, tmp_path):
    app = create_app(
        {"DATA_DIR": str(data_dir), "CACHE_DIR": str(tmp_path / "cache"), "PRINTER": "file", "SECRET_KEY": "t"}
    )

    @app.get("/test-guide/<guide_id>")
    def _guide_page(guide_id: str):
        return render_template_string(PAGE, guide=g.release.guide(guide_id))

    with serve(app) as url:
        yield app, url
    worker = printing.get_worker(app)
    if worker is not None:
        worker.stop(5)


@pytest.fixture
def page(browser):
    """A portrait page with JavaScript off: the print form must work without it."""
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_code_reads_at_the_size_shown_and_the_form_prints_without_js(server, page, bundle, data_dir):
    app, base = server
    guide = bundle.guides[0]
    page.goto(f"{base}/test-guide/{guide.id}")
    image = page.locator(".slip-qr img")
    box = image.bounding_box()
    assert box["width"] >= 200  # 15rem: large enough for a phone at arm's length
    shot = Image.open(io.BytesIO(image.screenshot()))
    assert read_qr(shot) == [guide.online_url]

    page.get_by_role("button", name="打印告知单").click()
    assert "/slips/jobs/" in page.url
    page.wait_for_selector("text=告知单打印好了", timeout=15_000)  # the page refreshes itself

    jobs = state_rows(data_dir, "SELECT status, record_id FROM print_jobs", queue.migrate)
    assert [tuple(j) for j in jobs] == [("done", guide.id)]
    assert list((data_dir / "prints").glob(f"job-*-{guide.id}.png"))
