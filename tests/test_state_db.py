"""The local state database: opening it and migrating it from many threads and processes at once.

The web app opens a connection per request, the sync and the print worker run in their own
processes, and all of them may open a state.sqlite that does not exist yet at the same moment.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from pathlib import Path

import pytest

from content_sync import state

STEPS = ["CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT)", "ALTER TABLE things ADD COLUMN colour TEXT"]


def _open_together(path: Path, openers: int) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(openers)

    def open_one() -> None:
        barrier.wait()
        try:
            conn = state.connect(path)
            state.migrate(conn, "things", STEPS)
            conn.close()
        except BaseException as error:  # noqa: BLE001 - collected and reported below
            errors.append(error)

    threads = [threading.Thread(target=open_one) for _ in range(openers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_threads_opening_a_new_database_at_once_all_succeed(tmp_path):
    # Two connections racing to switch a new file to WAL used to get "database is locked" at
    # once (SQLite does not wait out the busy timeout there): about 1 race in 30 failed.
    for trial in range(150):
        path = tmp_path / f"{trial}" / "state.sqlite"
        errors = _open_together(path, openers=6)
        assert errors == [], f"trial {trial}: {errors[0]!r}"
        conn = state.connect(path)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert [row[0] for row in conn.execute("SELECT step FROM migrations WHERE component = 'things'")] == [1, 2]


def _open_in_process(path: str, start, results) -> None:
    start.wait()
    try:
        conn = state.connect(Path(path))
        state.migrate(conn, "things", STEPS)
        conn.execute("INSERT INTO things (name, colour) VALUES ('a', 'red')")
        conn.close()
        results.put("ok")
    except BaseException as error:  # noqa: BLE001 - sent back to the test
        results.put(repr(error))


def test_processes_opening_a_new_database_at_once_all_succeed(tmp_path):
    context = multiprocessing.get_context("spawn")
    for trial in range(5):
        path = tmp_path / f"{trial}" / "state.sqlite"
        start, results = context.Event(), context.Queue()
        workers = [context.Process(target=_open_in_process, args=(str(path), start, results)) for _ in range(4)]
        for worker in workers:
            worker.start()
        start.set()
        outcomes = sorted(results.get(timeout=60) for _ in workers)
        for worker in workers:
            worker.join(timeout=60)
        assert outcomes == ["ok"] * 4, f"trial {trial}"
        conn = state.connect(path)
        assert conn.execute("SELECT count(*) FROM things").fetchone()[0] == 4
        assert conn.execute("SELECT count(*) FROM migrations WHERE component = 'things'").fetchone()[0] == 2


def test_a_database_that_stays_locked_is_reported_not_hung(tmp_path, monkeypatch):
    path = tmp_path / "state.sqlite"
    blocker = state.connect(path)
    blocker.execute("PRAGMA journal_mode=DELETE")
    blocker.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(state, "_BUSY_TIMEOUT_S", 0.3)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            state.connect(path)
    finally:
        blocker.execute("ROLLBACK")
