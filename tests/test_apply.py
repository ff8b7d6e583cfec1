"""Applying for government information (依申请公开): the page, the catalog row, the QR code to the
online form and the printed application notes (申请须知)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from content_sync.errors import SchemaError
from content_sync.problem_text import chinese
from content_sync.schema import Site
from content_sync.sources import read_source_dir
from kiosk import apply as apply_facts
from kiosk.printing import queue, render
from kiosk.printing.backends import PrinterSettings
from kiosk.printing.slip import build_apply_slip
from kiosk.printing.worker import PrintWorker

from .apply_fixtures import OFFICE, ON_APPLICATION, ONLINE, PROACTIVE, make_apply_app
from .factories import make_site
from .printing_fixtures import rasterise_svg, read_qr
from .ui_fixtures import make_ui_bundle

HX = {"HX-Request": "true"}
PRINTED_AT = dt.datetime(2026, 3, 2, 10, 5, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SAMPLE = Path(__file__).resolve().parent.parent / "demo" / "county"


@pytest.fixture
def client(tmp_path):
    return make_apply_app(tmp_path, OFFICE, PRINTER="file").test_client()


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# --- the record ------------------------------------------------------------------------------


def test_a_site_without_an_office_is_published_exactly_as_before():
    site = make_site()
    assert "disclosure_office" not in site.model_dump(mode="json")
    assert "disclosure_office" not in json.loads(site.model_dump_json())
    with_office = site.model_copy(update={"disclosure_office": OFFICE})
    assert Site.model_validate(with_office.model_dump(mode="json")).disclosure_office == OFFICE


def test_an_online_form_off_the_allowlist_is_an_error_naming_file_and_field(tmp_path):
    source = tmp_path / "county"
    shutil.copytree(SAMPLE, source)
    sheet = source / "基本信息" / "县.csv"
    with sheet.open(encoding="utf-8-sig", newline="") as f:
        header, row = list(csv.reader(f))
    row[header.index("网上申请")] = "https://apply.example.com/form"
    with sheet.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([header, row])
    with pytest.raises(SchemaError) as caught:
        read_source_dir(source)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.header) == ("基本信息/县.csv", 2, "网上申请")
    assert "'apply.example.com' is not in the site's allowlist" in problem.message
    where, message = chinese(problem).split(": ")
    assert where == "基本信息/县.csv › 第 2 行 › 网上申请"
    assert message == "网址的域名 apply.example.com 不在二维码域名白名单里"


def test_the_sample_county_names_its_office():
    office = read_source_dir(SAMPLE).site.disclosure_office
    assert office is not None and office.online_url.startswith("https://www.hechuan.gov.example/")


# --- the page ------------------------------------------------------------------------------


def test_the_page_says_where_what_to_bring_what_to_write_and_when_the_answer_comes(client):
    body = _text(client.get("/apply"))
    for fact in (OFFICE.name, OFFICE.address, OFFICE.hours, OFFICE.phone, apply_facts.WHAT, apply_facts.REPLY):
        assert fact in body
    for thing in apply_facts.BRING:
        assert thing.name in body
    for point in apply_facts.STATE:
        assert point in body
    assert "不收费" in body
    assert 'src="/qr/apply/online.svg"' in body
    assert '<form class="slip-print" method="post" action="/slips/apply"' in body


def test_the_code_on_the_page_opens_the_online_form(client):
    response = client.get("/qr/apply/online.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert read_qr(rasterise_svg(response.get_data(as_text=True))) == [ONLINE]
    assert client.get("/qr/apply/other.svg").status_code == 404


def test_without_an_office_the_page_sends_the_citizen_to_the_window(tmp_path):
    client = make_apply_app(tmp_path, None, PRINTER="none").test_client()
    body = _text(client.get("/apply"))
    assert apply_facts.NO_OFFICE in body and "0999-6000001" in body  # the hall's phone
    assert "/qr/apply/" not in body  # no online form, no code
    assert "slip-print" not in body  # and this terminal has no printer
    for thing in apply_facts.BRING:
        assert thing.name in body
    assert client.get("/qr/apply/online.svg").status_code == 404


def test_an_on_application_row_names_the_office_and_offers_the_notes(client):
    body = _text(client.get(f"/catalog/{ON_APPLICATION}"))
    assert "这项信息需要申请才能获取" in body and OFFICE.name in body and OFFICE.phone in body
    assert f'action="/slips/apply/{ON_APPLICATION}"' in body and 'href="/apply"' in body
    proactive = _text(client.get(f"/catalog/{PROACTIVE}"))
    assert "/slips/apply" not in proactive and OFFICE.name not in proactive


def test_the_catalog_offers_to_apply_and_the_guides_do_not(client):
    assert 'href="/apply"' in _text(client.get("/catalog"))
    assert 'href="/apply"' not in _text(client.get("/guides/domains"))


def test_a_search_that_finds_nothing_offers_to_apply(client):
    body = _text(client.get("/search", query_string={"q": "县里修水库的预算明细"}, headers=HX))
    assert 'href="/apply"' in body


# --- the printed notes -------------------------------------------------------------------------


def _texts(slip) -> str:
    return "\n".join([b.text for b in slip.blocks] + [line for b in slip.blocks for line in b.lines])


def test_the_notes_carry_the_office_the_rules_and_a_readable_code():
    bundle = make_ui_bundle()
    site = bundle.site.model_copy(update={"disclosure_office": OFFICE})
    item = next(c for c in bundle.catalog if c.id == ON_APPLICATION)
    slip = build_apply_slip(site, site.halls[0], "r-1", PRINTED_AT, item)
    words = _texts(slip)
    for fact in (OFFICE.name, OFFICE.address, OFFICE.phone, item.name, apply_facts.REPLY, "2026-03-02 10:05"):
        assert fact in words
    assert len([b for b in slip.blocks if b.kind == "check"]) == len(apply_facts.BRING)
    for dots in (384, 576):
        image = render.receipt(slip, dots)
        assert image.width == dots and read_qr(image) == [ONLINE]


def test_without_an_office_the_notes_send_the_citizen_to_the_window():
    site = make_site()
    slip = build_apply_slip(site, site.halls[0], "r-1", PRINTED_AT)
    assert apply_facts.NO_OFFICE in _texts(slip) and slip.qr_url is None
    assert read_qr(render.receipt(slip, 384)) == []


def test_printing_the_notes_for_a_row_queues_a_job_the_worker_prints(client, tmp_path):
    html = _text(client.post(f"/slips/apply/{ON_APPLICATION}", headers=HX))
    assert "正在准备打印" in html
    job_id = int(re.search(r'hx-get="/slips/jobs/(\d+)"', html).group(1))
    data_dir = tmp_path / "data"
    worker = PrintWorker(data_dir, PrinterSettings(backend="file", file_dir=str(tmp_path / "prints"), dots=384))
    try:
        assert worker.run_once()
    finally:
        worker.stop()
    done = _text(client.get(f"/slips/jobs/{job_id}", headers=HX))
    assert "申请须知打印好了" in done
    printed = Image.open(tmp_path / "prints" / f"job-{job_id}-apply.png")
    assert read_qr(printed) == [ONLINE]


def test_printing_the_general_notes_and_refusing_rows_that_need_no_application(client):
    assert "正在准备打印" in _text(client.post("/slips/apply", headers=HX))
    assert client.post(f"/slips/apply/{PROACTIVE}", headers=HX).status_code == 404
    assert client.post("/slips/apply/no-such-row", headers=HX).status_code == 404
    assert client.post("/slips/apply/" + "x" * 200, headers=HX).status_code == 404


def test_a_failed_print_of_the_notes_offers_the_online_code(client, tmp_path):
    html = _text(client.post("/slips/apply", headers=HX))
    job_id = int(re.search(r'hx-get="/slips/jobs/(\d+)"', html).group(1))
    from content_sync import paths, state

    conn = state.connect(paths.state_db(tmp_path / "data"))
    queue.migrate(conn)
    queue.finish(conn, job_id, "paper_out: the printer is out of paper")
    failed = _text(client.get(f"/slips/jobs/{job_id}", headers=HX))
    assert "没能打印申请须知：打印机没有纸了。" in failed
    assert 'src="/qr/apply/online.svg"' in failed and "在网上提交申请" in failed
