"""Statistics from a recorded set of searches, views, slips and answers (tests/ops_fixtures.py)."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from content_sync import state
from kiosk import stats
from kiosk.search import querylog

from .ops_fixtures import recorded_state


@pytest.fixture
def local_tz(monkeypatch):
    """Run with a chosen local time zone (SQLite's 'localtime' follows TZ after tzset)."""

    def use(tz: str) -> None:
        monkeypatch.setenv("TZ", tz)
        time.tzset()

    use("UTC")
    yield use
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def conn(tmp_path, local_tz):
    conn = recorded_state(tmp_path)
    yield conn
    conn.close()


def test_searches_per_day_counts_searches_and_those_without_result(conn):
    assert stats.searches_per_day(conn) == [
        {"day": "2026-03-01", "searches": 4, "without_result": 1},
        {"day": "2026-03-02", "searches": 5, "without_result": 4},
        {"day": "2026-03-03", "searches": 2, "without_result": 0},
    ]


def test_days_are_the_terminals_local_days(conn, local_tz):
    # 2026-03-01T20:00Z is already 2026-03-02 04:00 in Beijing.
    conn.execute(
        "INSERT INTO search_log (at, query, result_count, took_ms) VALUES ('2026-03-01T20:00:00+00:00', 'x', 1, 1)"
    )
    local_tz("CST-8")
    days = {d["day"]: d["searches"] for d in stats.searches_per_day(conn)}
    assert days == {"2026-03-01": 4, "2026-03-02": 6, "2026-03-03": 2}


def test_since_keeps_that_day_and_later(conn):
    assert [d["day"] for d in stats.searches_per_day(conn, dt.date(2026, 3, 2))] == ["2026-03-02", "2026-03-03"]


def test_top_queries_group_case_and_spaces(conn):
    top = stats.top_queries(conn)
    assert [(q["query"], q["searches"], q["without_result"]) for q in top] == [
        ("开饭店", 3, 3),  # last searched 03-02 03:00, after 社保's last (03-02 01:00)
        ("社保", 3, 0),
        ("sb", 2, 0),
        ("驾照", 1, 0),
        ("＊＊＊＊＊＊＊＊＊＊＊ 低保", 1, 1),
        ("养狗证", 1, 1),
    ]


def test_failed_queries_list_only_searches_without_result(conn):
    failed = stats.failed_queries(conn)
    assert [(q["query"], q["searches"]) for q in failed] == [
        ("开饭店", 3),
        ("＊＊＊＊＊＊＊＊＊＊＊ 低保", 1),
        ("养狗证", 1),
    ]
    assert failed[0]["last_at"] == "2026-03-02T03:00:00+00:00"


def test_masked_queries_are_counted_together(conn):
    conn.execute(
        "INSERT INTO search_log (at, query, result_count, took_ms) VALUES ('2026-03-03T05:00:00+00:00', ?, 0, 1)",
        ("13800001111 低保",),
    )
    failed = stats.failed_queries(conn)
    assert ("＊＊＊＊＊＊＊＊＊＊＊ 低保", 2) in [(q["query"], q["searches"]) for q in failed]
    assert all("1380" not in q["query"] and "1391" not in q["query"] for q in stats.top_queries(conn))


def test_phone_and_id_numbers_typed_into_search_are_masked():
    assert querylog.redact_query("13912345678 低保") == "＊" * 11 + " 低保"
    assert querylog.redact_query("11010519491231002X") == "＊" * 18
    assert querylog.redact_query("测政发〔2025〕3号") == "测政发〔2025〕3号"
    assert querylog.redact_query("12345 热线") == "12345 热线"
    # Separators do not hide a number: the dash, dot and underscore forms are masked too.
    assert querylog.redact_query("0999-6123") == "＊" * 9
    assert querylog.redact_query("139.1234.5678") == "＊" * 13


def test_most_viewed_guides_ignore_other_kinds(conn):
    assert stats.most_viewed(conn) == [
        {"record_id": "g-social-01", "views": 3},
        {"record_id": "g-hukou-01", "views": 1},
    ]
    assert stats.most_viewed(conn, kind="document") == [{"record_id": "d-0001", "views": 2}]
    assert stats.most_viewed(conn, dt.date(2026, 3, 3)) == [
        {"record_id": "g-hukou-01", "views": 1},
        {"record_id": "g-social-01", "views": 1},
    ]


def test_slips_count_printed_failed_and_pending(conn):
    # The operator's test slip is counted apart: it says nothing about what citizens needed.
    assert stats.slips(conn) == {
        "printed": 2,
        "failed": 1,
        "pending": 1,
        "printed_by_kind": {"guide": 2},
        "test_printed": 1,
    }
    assert stats.slips(conn, dt.date(2026, 3, 3)) == {
        "printed": 0,
        "failed": 1,
        "pending": 1,
        "printed_by_kind": {},
        "test_printed": 0,
    }
    assert stats.slips_printed_total(conn) == (2, 1)


def test_helpful_answers_per_record_most_unhelpful_first(conn):
    assert stats.helpful_answers(conn) == {
        "yes": 2,
        "no": 2,
        "records": [
            {"kind": "guide", "record_id": "g-social-01", "yes": 2, "no": 1},
            {"kind": "document", "record_id": "d-0001", "yes": 0, "no": 1},
        ],
    }


def test_summary_totals_match_the_recorded_days(conn):
    s = stats.summary(conn, dt.date(2026, 3, 2))
    assert (s.since, s.searches, s.searches_without_result) == ("2026-03-02", 7, 4)
    assert (s.slips["printed"], s.slips["test_printed"]) == (1, 1)
    assert s.helpful["yes"] == 1 and s.helpful["no"] == 2
    assert s.as_dict()["failed_queries"][0]["query"] == "开饭店"


def test_a_terminal_where_nothing_was_recorded_has_empty_statistics(tmp_path):
    from content_sync import state

    conn = state.connect(tmp_path / "state.sqlite")
    s = stats.summary(conn)
    assert (s.searches, s.per_day, s.top_queries, s.most_viewed_guides) == (0, [], [], [])
    assert s.slips == {"printed": 0, "failed": 0, "pending": 0, "printed_by_kind": {}, "test_printed": 0}
    assert stats.slips_printed_total(conn) == (0, 0)
    assert stats.search_totals(conn) == (0, 0)
    assert querylog.prune(conn, 30) == 0


def test_prune_deletes_rows_older_than_the_retention(conn):
    now = dt.datetime(2026, 3, 4, 3, 0, tzinfo=dt.UTC)
    # Two days of retention keep everything from 2026-03-02T03:00Z on.
    assert querylog.prune(conn, 2, now=now) == 6
    left = [r[0] for r in conn.execute("SELECT at FROM search_log ORDER BY at")]
    assert left[0] == "2026-03-02T03:00:00+00:00" and len(left) == 5


def test_prune_keeps_the_metric_totals_monotonic(conn):
    before = stats.search_totals(conn)
    assert before == (11, 5)
    querylog.prune(conn, 1, now=dt.datetime(2026, 3, 10, tzinfo=dt.UTC))
    assert conn.execute("SELECT count(*) FROM search_log").fetchone()[0] == 0
    assert stats.search_totals(conn) == before
    conn.execute(
        "INSERT INTO search_log (at, query, result_count, took_ms) VALUES ('2026-03-10T01:00:00+00:00', 'x', 0, 1)"
    )
    assert stats.search_totals(conn) == (12, 6)


def test_totals_survive_rows_deleted_by_someone_else(conn):
    # The search part prunes the log on its own too; rows already counted stay counted.
    assert stats.search_totals(conn) == (11, 5)
    conn.execute("DELETE FROM search_log WHERE at < '2026-03-03'")
    assert stats.search_totals(conn) == (11, 5)
    conn.execute(
        "INSERT INTO search_log (at, query, result_count, took_ms) VALUES ('2026-03-04T01:00:00+00:00', 'x', 2, 1)"
    )
    assert stats.search_totals(conn) == (12, 5)


def test_totals_count_a_log_that_was_emptied_and_started_again(conn):
    assert stats.search_totals(conn) == (11, 5)
    conn.execute("DELETE FROM search_log")
    conn.execute(
        "INSERT INTO search_log (at, query, result_count, took_ms) VALUES ('2026-09-01T01:00:00+00:00', 'x', 0, 1)"
    )
    assert conn.execute("SELECT max(id) FROM search_log").fetchone()[0] == 1
    assert stats.search_totals(conn) == (12, 6)
    assert stats.search_totals(conn) == (12, 6)


def test_operator_searches_from_the_cli_are_not_counted(conn):
    conn.execute(
        "INSERT INTO search_log (at, query, result_count, took_ms, source)"
        " VALUES ('2026-03-03T03:00:00+00:00', '测试', 0, 1, 'cli')"
    )
    conn.execute(
        "INSERT INTO search_log (at, query, result_count, took_ms, source)"
        " VALUES ('2026-03-03T03:00:00+00:00', '社保', 1, 1, 'suggest')"
    )
    assert stats.searches_per_day(conn)[-1] == {"day": "2026-03-03", "searches": 3, "without_result": 0}
    assert "测试" not in [q["query"] for q in stats.top_queries(conn)]
    assert stats.search_totals(conn) == (12, 5)


def test_retention_zero_keeps_the_log_forever(conn):
    assert querylog.prune(conn, 0, now=dt.datetime(2030, 1, 1, tzinfo=dt.UTC)) == 0
    assert conn.execute("SELECT count(*) FROM search_log").fetchone()[0] == 11


def test_csv_rows_put_each_statistic_in_its_section(conn):
    rows = stats.csv_rows(stats.summary(conn), {"g-social-01": "城乡居民基本养老保险参保登记"})
    assert rows[0] == ["section", "key", "title", "value", "value_2"]
    assert ["totals", "searches", "", 11, ""] in rows
    assert ["searches_per_day", "2026-03-02", "", 5, 4] in rows
    assert ["queries_without_result", "开饭店", "", 3, ""] in rows
    assert ["most_viewed_guides", "g-social-01", "城乡居民基本养老保险参保登记", 3, ""] in rows
    assert ["helpful_by_record", "guide:g-social-01", "城乡居民基本养老保险参保登记", 2, 1] in rows


def test_rows_logged_with_a_separated_number_show_masked_on_the_panel_and_in_the_csv(tmp_path):
    conn = state.connect(tmp_path / "state.sqlite")
    querylog.record_search(conn, "138.0013.8000 低保", 0, 1.0)
    querylog.record_search(conn, "一三八零零一三八零零零", 0, 1.0)
    shown = [q["query"] for q in stats.failed_queries(conn)]
    exported = "".join(str(cell) for row in stats.csv_rows(stats.summary(conn)) for cell in row)
    assert len(shown) == 2 and all("0013" not in q and "一三八" not in q for q in shown)
    assert "低保" in exported and "0013" not in exported and "一三八" not in exported
