"""The print queue in state.sqlite and its worker: limits, restarts, stuck printers."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from content_sync import paths, state
from kiosk.printing import queue
from kiosk.printing.backends import PrinterSettings
from kiosk.printing.worker import PrintWorker

from .printing_fixtures import FakePrinter, decode_escpos


@pytest.fixture
def conn(tmp_path):
    connection = state.connect(tmp_path / "state.sqlite")
    queue.migrate(connection)
    yield connection
    connection.close()


def _settings(data_dir, **update) -> PrinterSettings:
    base = {"backend": "file", "file_dir": str(data_dir / "prints"), "timeout": 1.0, "dots": 384}
    base.update(update)
    return PrinterSettings(**base)


def _wait_finished(connection, job_id: int, seconds: float = 10) -> queue.Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = queue.get(connection, job_id)
        if job.finished:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {seconds} s: {queue.get(connection, job_id)}")


def test_tables_match_the_contract(conn):
    columns = [r[1] for r in conn.execute("PRAGMA table_info(print_jobs)")]
    assert columns == [
        "id",
        "created_at",
        "updated_at",
        "kind",
        "record_id",
        "session",
        "status",
        "error",
        "attempts",
    ]
    assert [r[1] for r in conn.execute("PRAGMA table_info(printer_status)")] == ["id", "checked_at", "state", "detail"]


def test_enqueue_then_claim_then_finish(conn):
    job = queue.enqueue(conn, "g-1", "s1", per_session=3, per_minute=6)
    assert job.status == "queued" and job.kind == "guide" and job.session == "s1"
    claimed = queue.claim_next(conn)
    assert claimed.id == job.id and claimed.status == "printing" and claimed.attempts == 1
    assert queue.claim_next(conn) is None
    queue.finish(conn, job.id, "paper_out: the paper roll is empty")
    failed = queue.get(conn, job.id)
    assert failed.status == "failed" and failed.error_kind == "paper_out"


def test_a_second_press_on_the_same_slip_returns_the_waiting_job(conn):
    first = queue.enqueue(conn, "g-1", "s1", per_session=3, per_minute=6)
    again = queue.enqueue(conn, "g-1", "s1", per_session=3, per_minute=6)
    assert again.id == first.id
    assert conn.execute("SELECT count(*) FROM print_jobs").fetchone()[0] == 1


def test_limit_per_session(conn):
    for n in range(3):
        job = queue.enqueue(conn, f"g-{n}", "s1", per_session=3, per_minute=100)
        queue.finish(conn, job.id)
    with pytest.raises(queue.RateLimited) as limited:
        queue.enqueue(conn, "g-9", "s1", per_session=3, per_minute=100)
    assert limited.value.scope == "session"
    # A new idle session (after the reset to home) may print again once the cool-down is over.
    with pytest.raises(queue.RateLimited) as limited:
        queue.enqueue(conn, "g-9", "s2", per_session=3, per_minute=100, cooldown_seconds=60)
    assert limited.value.scope == "cooldown" and 55 <= limited.value.retry_after <= 60
    a_minute_ago = queue.stamp(queue.now() - dt.timedelta(seconds=61))
    conn.execute("UPDATE print_jobs SET created_at = ?", (a_minute_ago,))
    assert queue.enqueue(conn, "g-9", "s2", per_session=3, per_minute=100, cooldown_seconds=60).status == "queued"


def test_slips_with_pauses_between_them_are_no_run(conn):
    times = [queue.now() - dt.timedelta(seconds=s) for s in (200, 100, 5)]
    for n, moment in enumerate(times):
        job = queue.enqueue(conn, f"g-{n}", f"s{n}", per_session=3, per_minute=100, cooldown_seconds=60)
        conn.execute("UPDATE print_jobs SET created_at = ? WHERE id = ?", (queue.stamp(moment), job.id))
    # Three slips, but not in a row: the next citizen prints at once.
    assert queue.enqueue(conn, "g-9", "s9", per_session=3, per_minute=100, cooldown_seconds=60).status == "queued"


def test_the_reset_does_not_undo_the_limit(conn):
    """One person pressing 打印 and the idle reset in turn gets `per_session` slips, then waits."""
    for n in range(3):
        queue.enqueue(conn, "g-1", f"after-reset-{n}", per_session=3, per_minute=100, cooldown_seconds=60)
    with pytest.raises(queue.RateLimited) as limited:
        queue.enqueue(conn, "g-1", "after-reset-3", per_session=3, per_minute=100, cooldown_seconds=60)
    assert limited.value.scope == "cooldown"
    # Failed slips and operators' test slips are no part of a run.
    conn.execute("UPDATE print_jobs SET status = 'failed' WHERE id = (SELECT max(id) FROM print_jobs)")
    assert queue.enqueue(conn, "g-1", "after-reset-3", per_session=3, per_minute=100, cooldown_seconds=60)


def test_failed_slips_do_not_count_against_the_limit(conn):
    for n in range(3):
        job = queue.enqueue(conn, f"g-{n}", "s1", per_session=3, per_minute=100)
        queue.finish(conn, job.id, "paper_out: empty")
    assert queue.enqueue(conn, "g-9", "s1", per_session=3, per_minute=100).status == "queued"


def test_limit_per_minute_across_sessions(conn):
    for n in range(6):
        queue.enqueue(conn, "g-1", f"s{n}", per_session=3, per_minute=6)
    with pytest.raises(queue.RateLimited) as limited:
        queue.enqueue(conn, "g-1", "s-new", per_session=3, per_minute=6)
    assert limited.value.scope == "minute"
    # A minute later the terminal prints again.
    an_hour_ago = queue.stamp(queue.now() - dt.timedelta(minutes=61))
    conn.execute("UPDATE print_jobs SET created_at = ?", (an_hour_ago,))
    assert queue.enqueue(conn, "g-1", "s-new", per_session=3, per_minute=6).status == "queued"


def test_a_job_cut_off_by_a_restart_is_failed_not_printed_twice(conn):
    job = queue.enqueue(conn, "g-1", "s1", 3, 6)
    queue.claim_next(conn)
    assert queue.recover(conn) == 1
    assert queue.get(conn, job.id).error_kind == "interrupted"


def test_a_job_stuck_in_printing_is_reported_failed(conn):
    job = queue.enqueue(conn, "g-1", "s1", 3, 6)
    queue.claim_next(conn)
    long_ago = queue.stamp(queue.now() - dt.timedelta(minutes=5))
    conn.execute("UPDATE print_jobs SET updated_at = ?", (long_ago,))
    expired = queue.expire_overdue(conn, queue.get(conn, job.id), printer_timeout=5)
    assert expired.status == "failed" and expired.error_kind == "no_answer"


def test_a_job_nobody_printed_in_time_is_failed(conn):
    job = queue.enqueue(conn, "g-1", "s1", 3, 6)
    long_ago = queue.stamp(queue.now() - dt.timedelta(minutes=5))
    conn.execute("UPDATE print_jobs SET created_at = ?, updated_at = ?", (long_ago, long_ago))
    assert queue.expire_overdue(conn, queue.get(conn, job.id), 5).error_kind == "stale"
    fresh = queue.enqueue(conn, "g-2", "s2", 3, 6)
    assert queue.expire_overdue(conn, fresh, 5).status == "queued"


def test_printer_status_is_one_row_overwritten(conn):
    queue.set_printer_status(conn, "ok", "ready")
    queue.set_printer_status(conn, "paper_out", "empty")
    assert conn.execute("SELECT count(*) FROM printer_status").fetchone()[0] == 1
    assert queue.printer_status(conn)["state"] == "paper_out"
    with pytest.raises(ValueError):
        queue.set_printer_status(conn, "fine", "")


# --- the worker --------------------------------------------------------------------------------


def test_queue_survives_a_restart_of_the_web_process(data_dir, bundle):
    guide = bundle.guides[0]
    first = state.connect(paths.state_db(data_dir))
    queue.migrate(first)
    job = queue.enqueue(first, guide.id, "s1", 3, 6)
    first.close()  # the process that queued the job is gone; its worker never ran

    worker = PrintWorker(data_dir, _settings(data_dir)).start()
    try:
        conn = state.connect(paths.state_db(data_dir))
        done = _wait_finished(conn, job.id)
        assert done.status == "done", done.error
        assert queue.printer_status(conn)["state"] == "ok"
        conn.close()
    finally:
        worker.stop(5)
    png = data_dir / "prints" / f"job-{job.id}-{guide.id}.png"
    bin_ = png.with_suffix(".bin")
    assert png.is_file() and bin_.is_file()
    decoded, _ = decode_escpos(bin_.read_bytes())
    assert decoded.width == 384


def test_worker_fails_a_job_for_a_guide_no_longer_published(data_dir):
    conn = state.connect(paths.state_db(data_dir))
    queue.migrate(conn)
    job = queue.enqueue(conn, "g-gone", "s1", 3, 6)
    worker = PrintWorker(data_dir, _settings(data_dir))
    assert worker.run_once() is True
    failed = queue.get(conn, job.id)
    assert failed.status == "failed" and "g-gone" in failed.error
    assert worker.run_once() is False
    worker.stop()
    conn.close()


def test_worker_with_a_silent_printer_fails_the_job_in_bounded_time(data_dir, bundle):
    conn = state.connect(paths.state_db(data_dir))
    queue.migrate(conn)
    job = queue.enqueue(conn, bundle.guides[0].id, "s1", 3, 6)
    with FakePrinter("silent") as printer:
        worker = PrintWorker(data_dir, _settings(data_dir, backend="network", host="127.0.0.1", port=printer.port))
        started = time.monotonic()
        worker.run_once()
        took = time.monotonic() - started
        worker.stop()
    failed = queue.get(conn, job.id)
    assert failed.status == "failed" and failed.error_kind == "no_answer"
    assert took < 5.0  # one 1 s timeout, with room for a busy machine
    assert queue.printer_status(conn)["state"] == "unknown"
    conn.close()


def test_worker_records_paper_out_for_the_operator(data_dir, bundle):
    conn = state.connect(paths.state_db(data_dir))
    queue.migrate(conn)
    job = queue.enqueue(conn, bundle.guides[0].id, "s1", 3, 6)
    with FakePrinter("paper_out") as printer:
        worker = PrintWorker(data_dir, _settings(data_dir, backend="network", host="127.0.0.1", port=printer.port))
        worker.run_once()
        worker.stop()
    assert queue.get(conn, job.id).error_kind == "paper_out"
    assert queue.printer_status(conn)["state"] == "paper_out"
    conn.close()


def test_worker_idle_status_check_reaches_the_operator_table(data_dir):
    with FakePrinter("ok") as printer:
        worker = PrintWorker(data_dir, _settings(data_dir, backend="network", host="127.0.0.1", port=printer.port))
        worker.check_status()
        row = queue.printer_status(worker.conn)
        worker.stop()
    assert row["state"] == "ok" and row["checked_at"]
