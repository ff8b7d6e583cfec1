"""The slip screens: the print button, the job status that polls itself, limits, failures."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from flask import g, render_template
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content_sync import paths, state
from kiosk import create_app
from kiosk.printing import queue
from kiosk.printing.backends import PrinterSettings
from kiosk.printing.worker import PrintWorker

from .printing_fixtures import FakePrinter

HX = {"HX-Request": "true"}


def _job_id(html: str) -> int:
    match = re.search(r'hx-get="/slips/jobs/(\d+)"', html)
    assert match, html
    return int(match.group(1))


def _worker(data_dir, **update) -> PrintWorker:
    base = {"backend": "file", "file_dir": str(data_dir / "prints"), "timeout": 1.0, "dots": 384}
    base.update(update)
    return PrintWorker(data_dir, PrinterSettings(**base))


def _make_app(data_dir, tmp_path, **config):
    base = {
        "TESTING": True,
        "DATA_DIR": str(data_dir),
        "CACHE_DIR": str(tmp_path / "cache"),
        "WTF_CSRF_ENABLED": False,
    }
    base.update(config)
    return create_app(base)


def test_guide_actions_show_the_code_and_a_print_form_that_works_without_js(app, bundle):
    guide = bundle.guides[0]
    with app.test_request_context("/guides/g-social-01"):
        g.release = app.extensions["kiosk.releases"].current()
        html = render_template("slips/_actions.html", guide=guide)
    assert f'src="/qr/guide/{guide.id}.svg"' in html
    assert "用手机扫码，在网上办理" in html
    assert f'<form class="slip-print" method="post" action="/slips/guide/{guide.id}"' in html
    assert f'hx-post="/slips/guide/{guide.id}"' in html
    assert 'name="csrf_token"' in html
    assert "打印告知单" in html
    assert 'style="' not in html  # the CSP blocks inline styles


def test_document_qr_partial(app, bundle):
    with app.test_request_context("/"):
        g.release = app.extensions["kiosk.releases"].current()
        with_url = render_template("slips/_document_qr.html", document=bundle.documents[0])
        without_url = render_template("slips/_document_qr.html", document=bundle.documents[1])
    assert 'src="/qr/document/d-0001.svg"' in with_url
    assert "<img" not in without_url


def test_no_printer_means_no_print_button(data_dir, tmp_path, bundle):
    app = _make_app(data_dir, tmp_path, PRINTER="none")
    with app.test_request_context("/"):
        g.release = app.extensions["kiosk.releases"].current()
        html = render_template("slips/_actions.html", guide=bundle.guides[0])
    assert "打印告知单" not in html and "/qr/guide/" in html
    response = app.test_client().post("/slips/guide/g-social-01", headers=HX)
    assert response.status_code == 503
    assert "这台查询机没有接打印机" in response.get_data(as_text=True)


def test_print_queues_a_job_and_the_fragment_polls_until_done(app, client, data_dir):
    response = client.post("/slips/guide/g-social-01", headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in html and "正在准备打印" in html
    assert "<html" not in html  # a fragment
    job_id = _job_id(html)

    polled = client.get(f"/slips/jobs/{job_id}", headers=HX).get_data(as_text=True)
    assert _job_id(polled) == job_id

    worker = _worker(data_dir)
    assert worker.run_once()
    worker.stop()
    done = client.get(f"/slips/jobs/{job_id}", headers=HX).get_data(as_text=True)
    assert "告知单打印好了" in done
    assert "hx-get" not in done  # polling stops
    assert (data_dir / "prints" / f"job-{job_id}-g-social-01.png").is_file()


def test_a_failed_job_says_why_in_chinese_and_offers_the_code(client, data_dir):
    job_id = _job_id(client.post("/slips/guide/g-social-01", headers=HX).get_data(as_text=True))
    with FakePrinter("paper_out") as printer:
        worker = _worker(data_dir, backend="network", host="127.0.0.1", port=printer.port)
        worker.run_once()
        worker.stop()
    html = client.get(f"/slips/jobs/{job_id}", headers=HX).get_data(as_text=True)
    assert "没能打印告知单：打印机没有纸了。" in html
    assert 'src="/qr/guide/g-social-01.svg"' in html
    assert "hx-get" not in html


def test_a_printer_that_never_answers_ends_in_a_message_not_a_hang(client, data_dir):
    job_id = _job_id(client.post("/slips/guide/g-social-01", headers=HX).get_data(as_text=True))
    with FakePrinter("silent") as printer:
        worker = _worker(data_dir, backend="network", host="127.0.0.1", port=printer.port)
        worker.run_once()
        worker.stop()
    html = client.get(f"/slips/jobs/{job_id}", headers=HX).get_data(as_text=True)
    assert "打印机没有响应" in html


def test_without_js_the_form_post_redirects_to_a_page_that_refreshes(client):
    response = client.post("/slips/guide/g-social-01")
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<html" in html and '<meta http-equiv="refresh" content="1">' in html
    assert "正在准备打印" in html and 'href="/guides/g-social-01"' in html


def test_limit_per_session_offers_the_code_instead(data_dir, tmp_path):
    app = _make_app(data_dir, tmp_path, PRINT_LIMIT_PER_SESSION=1)
    client = app.test_client()
    first = _job_id(client.post("/slips/guide/g-social-01", headers=HX).get_data(as_text=True))
    worker = _worker(data_dir)
    worker.run_once()
    worker.stop()
    assert "告知单打印好了" in client.get(f"/slips/jobs/{first}", headers=HX).get_data(as_text=True)

    limited = client.post("/slips/guide/g-social-01", headers=HX)
    html = limited.get_data(as_text=True)
    assert limited.status_code == 200  # htmx swaps only 2xx
    assert "每位办事人最多打印 1 张告知单" in html and "/qr/guide/g-social-01.svg" in html
    assert client.post("/slips/guide/g-social-01").status_code == 429

    # The idle reset starts a new session, which waits out the cool-down before it prints again.
    with client.session_transaction() as sess:
        sess.pop("sid")
    waiting = client.post("/slips/guide/g-social-01", headers=HX).get_data(as_text=True)
    assert re.search(r"这台机器刚连续打印了 1 张告知单，请等 (1 分钟|\d+ 秒)再试", waiting)
    conn = state.connect(paths.state_db(data_dir))
    conn.execute("UPDATE print_jobs SET created_at = ?", (queue.stamp(queue.now() - dt.timedelta(seconds=61)),))
    conn.close()
    with client.session_transaction() as sess:
        sess.pop("sid")
    assert _job_id(client.post("/slips/guide/g-social-01", headers=HX).get_data(as_text=True))


def test_limit_per_minute_across_citizens(data_dir, tmp_path):
    app = _make_app(data_dir, tmp_path, PRINT_LIMIT_PER_MINUTE=2)
    for _ in range(2):
        assert app.test_client().post("/slips/guide/g-social-01", headers=HX).status_code == 200
    html = app.test_client().post("/slips/guide/g-social-01", headers=HX).get_data(as_text=True)
    assert "打印的人有点多，请过一分钟再试" in html


def test_someone_elses_job_is_not_shown(app, client):
    job_id = _job_id(client.post("/slips/guide/g-social-01", headers=HX).get_data(as_text=True))
    assert app.test_client().get(f"/slips/jobs/{job_id}").status_code == 404


def test_a_job_the_worker_never_took_is_failed_after_a_while(client, data_dir):
    job_id = _job_id(client.post("/slips/guide/g-social-01", headers=HX).get_data(as_text=True))
    conn = state.connect(paths.state_db(data_dir))
    long_ago = queue.stamp(queue.now().replace(year=2020))
    conn.execute("UPDATE print_jobs SET created_at = ?, updated_at = ?", (long_ago, long_ago))
    conn.close()
    html = client.get(f"/slips/jobs/{job_id}", headers=HX).get_data(as_text=True)
    assert "没能打印告知单：打印机一直没有开始打印。" in html


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("post", "/slips/guide/g-nope", 404),
        ("post", "/slips/guide/..%2F..", 404),
        ("post", "/slips/guide/%E5%8A%9E", 404),
        ("get", "/slips/guide/g-social-01", 405),
        ("get", "/slips/jobs/abc", 404),
        ("get", "/slips/jobs/999999", 404),
        ("get", "/slips/jobs/-1", 404),
        ("post", "/slips/jobs/1", 405),
        ("post", "/slips/apply/..%2F..", 404),
        ("post", "/slips/apply/c-nope", 404),
        ("get", "/slips/apply", 405),
        ("get", "/qr/apply/nope.svg", 404),
    ],
)
def test_malformed_slip_requests_get_a_clear_status(client, method, path, status):
    assert getattr(client, method)(path, headers=HX).status_code == status


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tail=st.text(max_size=30), body=st.binary(max_size=64))
def test_fuzzed_slip_requests_never_fail_the_server(client, tail, body):
    from urllib.parse import quote

    for path in (
        f"/slips/guide/{quote(tail, safe='')}",
        f"/slips/apply/{quote(tail, safe='')}",
        f"/slips/jobs/{quote(tail, safe='')}",
        f"/qr/apply/{quote(tail, safe='')}.svg",
    ):
        response = client.post(path, data=body, headers=HX)
        assert response.status_code < 500, (path, response.status_code)
        response = client.get(path)
        assert response.status_code < 500, (path, response.status_code)


def test_csrf_protects_the_print_form(data_dir, tmp_path):
    app = _make_app(data_dir, tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.post("/slips/guide/g-social-01").status_code == 400
    with app.test_request_context("/"):
        g.release = app.extensions["kiosk.releases"].current()
        from flask import session

        html = render_template("slips/_actions.html", guide=g.release.guide("g-social-01"))
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        cookie_session = dict(session)
    with client.session_transaction() as sess:
        sess.update(cookie_session)
    response = client.post("/slips/guide/g-social-01", data={"csrf_token": token})
    assert response.status_code == 303


def test_the_web_app_starts_one_worker_that_prints_queued_jobs(data_dir, tmp_path):
    from kiosk import printing

    conn = state.connect(paths.state_db(data_dir))
    queue.migrate(conn)
    queued_before = queue.enqueue(conn, "g-social-01", "earlier-session", 3, 6)  # from before a restart
    app = create_app(
        {"DATA_DIR": str(data_dir), "CACHE_DIR": str(tmp_path / "cache"), "WTF_CSRF_ENABLED": False, "PRINTER": "file"}
    )
    assert printing.get_worker(app) is None  # nothing runs until the web app serves a request
    client = app.test_client()
    try:
        job_id = _job_id(client.post("/slips/guide/g-social-01", headers=HX).get_data(as_text=True))
        worker = printing.get_worker(app)
        assert worker is not None and worker.alive
        client.get("/qr/guide/g-social-01.svg")
        assert printing.get_worker(app) is worker  # one worker per app
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (
            queue.get(conn, job_id).finished and queue.get(conn, queued_before.id).finished
        ):
            time.sleep(0.05)
        assert queue.get(conn, queued_before.id).status == "done"
        assert "告知单打印好了" in client.get(f"/slips/jobs/{job_id}", headers=HX).get_data(as_text=True)
    finally:
        printing.get_worker(app).stop(5)
        conn.close()
