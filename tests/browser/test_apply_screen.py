"""In Debian's Chromium: applying for information, from the catalog row to the printed notes."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from kiosk import printing
from tests.apply_fixtures import OFFICE, ON_APPLICATION, ONLINE, make_apply_app
from tests.printing_fixtures import read_qr

from .live import serve


@pytest.fixture
def apply_kiosk(tmp_path):
    app = make_apply_app(tmp_path, OFFICE, PRINTER="file", WTF_CSRF_ENABLED=True, SECRET_KEY="t", TESTING=False)
    with serve(app) as url:
        yield url, tmp_path
    worker = printing.get_worker(app)
    if worker is not None:
        worker.stop(5)


def test_from_an_on_application_row_to_the_printed_notes(apply_kiosk, portrait):
    base, tmp_path = apply_kiosk
    page = portrait.page
    page.goto(f"{base}/catalog/{ON_APPLICATION}")
    page.get_by_text(OFFICE.name).first.wait_for()
    code = page.locator(".slip-qr img")
    assert code.bounding_box()["width"] >= 200
    assert read_qr(Image.open(io.BytesIO(code.screenshot()))) == [ONLINE]

    page.get_by_role("button", name="打印申请须知").click()
    page.wait_for_selector("text=申请须知打印好了", timeout=15_000)  # the fragment polls until done
    assert len(list((tmp_path / "data" / "prints").glob("job-*-apply.png"))) == 1

    page.get_by_text("怎样申请：要带什么、写什么").click()
    page.wait_for_url(f"{base}/apply")
    page.get_by_role("heading", name="申请时写清楚").wait_for()
    portrait.assert_clean()
