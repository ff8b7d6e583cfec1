"""The panel's test print goes through the print queue; `kiosk print-test` never prints beside the worker."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from content_sync import paths, state
from kiosk import create_app
from kiosk.admin.jobs import ACTIONS, get_jobs
from kiosk.cli import main
from kiosk.printing import queue, settings
from kiosk.printing.cli import PRINTER_BUSY_EXIT
from kiosk.printing.worker import PrintWorker

from .ops_fixtures import admin_config, login
from .printing_fixtures import FakePrinter, decode_escpos, read_qr


@pytest.fixture
def admin_app(data_dir, tmp_path):
    return create_app(admin_config(data_dir, tmp_path / "cache"))


@pytest.fixture
def admin(admin_app):
    client = admin_app.test_client()
    assert login(client).status_code == 302
    return client


@pytest.fixture
def conn(data_dir):
    connection = state.connect(paths.state_db(data_dir))
    queue.migrate(connection)
    yield connection
    connection.close()


def test_panel_test_print_queues_a_test_job_and_starts_no_process(admin_app, admin, conn):
    response = admin.post("/admin/printer/test", follow_redirects=True)
    assert "测试页已加入打印队列" in response.get_data(as_text=True)
    [job] = [queue.Job(**dict(r)) for r in conn.execute("SELECT * FROM print_jobs")]
    assert (job.kind, job.status, job.session) == ("test", "queued", None)
    assert get_jobs(admin_app).last("print-test") is None and "print-test" not in ACTIONS
    assert "排队等待打印" in admin.get("/admin/printer").get_data(as_text=True)
    # Pressing again while it waits does not queue a second test slip.
    admin.post("/admin/printer/test")
    assert conn.execute("SELECT count(*) FROM print_jobs").fetchone()[0] == 1


def test_worker_prints_the_queued_test_slip_and_the_panel_shows_it_printed(admin_app, admin, conn, data_dir, bundle):
    admin.post("/admin/printer/test")
    worker = PrintWorker(data_dir, settings(admin_app), hall_id=admin_app.config["HALL_ID"])
    assert worker.run_once() is True
    job = queue.last_test(conn)
    assert job.status == "done", job.error
    [slip] = list((data_dir / "prints").glob(f"test-job-{job.id}.bin"))
    image, _ = decode_escpos(slip.read_bytes())
    assert read_qr(image) == [bundle.site.online_service_base_url]
    page = admin.get("/admin/printer").get_data(as_text=True)
    assert f"上次打印测试页（任务 {job.id}）" in page and "已打印" in page
    assert "已打印" in admin.get("/admin/").get_data(as_text=True)


def test_a_test_slip_waits_while_a_citizens_slip_is_printing(admin, conn, data_dir, admin_app):
    citizen = queue.enqueue(conn, "g-social-01", "s1", per_session=3, per_minute=6)
    assert queue.claim_next(conn).id == citizen.id  # the worker is printing it
    admin.post("/admin/printer/test")
    assert queue.claim_next(conn) is None  # the test slip is not taken beside it
    queue.finish(conn, citizen.id)
    assert queue.claim_next(conn).kind == "test"


def test_a_failed_test_slip_shows_why_on_the_panel(admin, conn, data_dir, admin_app):
    with FakePrinter("paper_out") as printer:
        app_settings = settings(admin_app)
        app_settings = type(app_settings).from_config(
            {**admin_app.config, "PRINTER": "network", "PRINTER_HOST": "127.0.0.1", "PRINTER_PORT": printer.port}
        )
        admin.post("/admin/printer/test")
        PrintWorker(data_dir, app_settings).run_once()
    assert queue.last_test(conn).error_kind == "paper_out"
    assert "失败（paper_out" in admin.get("/admin/printer").get_data(as_text=True)


@pytest.fixture
def configure(tmp_path, data_dir, monkeypatch):
    """A kiosk.toml for this terminal writing slips into tmp_path/prints."""
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'data_dir = "{data_dir}"\ncache_dir = "{tmp_path / "cache"}"\nsecret_key = "test"\n'
        f'printer = "file"\nprinter_file_dir = "{tmp_path / "prints"}"\nprinter_timeout_seconds = 1\n'
    )
    monkeypatch.setenv("KIOSK_CONFIG", str(path))


def test_cli_print_test_refuses_while_a_job_is_printing(configure, conn, tmp_path):
    job = queue.enqueue(conn, "g-social-01", "s1", per_session=3, per_minute=6)
    queue.claim_next(conn)
    result = CliRunner().invoke(main, ["print-test"])
    assert result.exit_code == PRINTER_BUSY_EXIT == 5
    assert "a slip is printing from the print queue" in result.stderr
    assert not (tmp_path / "prints").exists() or not list((tmp_path / "prints").glob("test-*.bin"))
    queue.finish(conn, job.id)
    assert CliRunner().invoke(main, ["print-test"]).exit_code == 0


def test_cli_print_test_is_recorded_and_holds_the_queue_while_it_prints(configure, conn, bundle):
    result = CliRunner().invoke(main, ["print-test", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["backend"] == "file" and data["printer_state"] == "ok"
    job = queue.get(conn, data["job_id"])
    assert (job.kind, job.status, job.session) == ("test", "done", "cli")
    # A row "printing" (as during a print-test) keeps the worker from taking a citizen's slip.
    queue.start_direct(conn, "test-slip")
    queue.enqueue(conn, "g-social-01", "s1", per_session=3, per_minute=6)
    assert queue.claim_next(conn) is None


def test_cli_print_test_json_failures_are_objects_on_stdout(configure, conn, bundle):
    result = CliRunner().invoke(main, ["print-test", "--guide", "g-nope", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "ok": False,
        "error_kind": "unknown_guide",
        "error": "no guide 'g-nope' in the active release",
    }
    queue.enqueue(conn, "g-social-01", "s1", per_session=3, per_minute=6)
    queue.claim_next(conn)
    busy = CliRunner().invoke(main, ["print-test", "--json"])
    assert busy.exit_code == PRINTER_BUSY_EXIT
    assert json.loads(busy.stdout)["error_kind"] == "printer_busy"


def test_a_left_over_printing_row_does_not_block_the_queue_for_ever(conn):
    queue.start_direct(conn, "test-slip")
    long_ago = queue.stamp(queue.now().replace(year=2020))
    conn.execute("UPDATE print_jobs SET updated_at = ?", (long_ago,))
    queue.enqueue(conn, "g-social-01", "s1", per_session=3, per_minute=6)
    assert queue.claim_next(conn).record_id == "g-social-01"
