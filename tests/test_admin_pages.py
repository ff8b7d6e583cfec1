"""The panel's pages over a recorded terminal: overview, sync history, printer, statistics, CSV, settings."""

from __future__ import annotations

import csv
import io
import re
import time

import pytest

from kiosk import create_app

from .ops_fixtures import admin_config, login, recorded_state


@pytest.fixture
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def recorded(data_dir, utc):
    conn = recorded_state(data_dir)
    conn.executemany(
        "INSERT INTO sync_attempts (started_at, finished_at, outcome, error_kind, error, release_id,"
        " bytes_downloaded, targets_downloaded) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            ("2026-03-01T18:00:00+00:00", "2026-03-01T18:01:00+00:00", "updated", None, None, "r-1", 20480, 3),
            (
                "2026-03-02T18:00:00+00:00",
                "2026-03-02T18:00:30+00:00",
                "failed",
                "network",
                "门户网站无法连接",
                None,
                0,
                0,
            ),
        ],
    )
    conn.execute(
        "INSERT INTO printer_status (id, checked_at, state, detail) VALUES (1, ?, 'paper_out', '纸仓空')",
        ("2026-03-03T02:00:00+00:00",),
    )
    conn.close()
    return data_dir


@pytest.fixture
def admin(recorded, tmp_path):
    app = create_app(
        admin_config(
            recorded,
            tmp_path / "cache",
            SECRET_KEY="a-test-secret-key-value",
            PORTAL_METADATA_URL="https://mirror:s3cret@portal.example/kiosk/metadata/",
            SEARCH_LIMIT=40,
        )
    )
    client = app.test_client()
    assert login(client).status_code == 302
    return client


def test_overview_shows_release_problems_and_printer(admin, data_dir):
    page = admin.get("/admin/").get_data(as_text=True)
    release_id = (data_dir / "current").resolve().name
    assert release_id in page
    assert "最近一次同步失败" in page and "打印机缺纸" in page
    assert "纸仓空" in page
    assert "network 门户网站无法连接" in page


def test_sync_page_lists_attempts_newest_first_and_the_releases_on_disk(admin, data_dir):
    page = admin.get("/admin/sync").get_data(as_text=True)
    assert page.index("门户网站无法连接") < page.index("20.0 KB")
    assert "3 个文件" in page
    assert (data_dir / "current").resolve().name + "</code>（当前）" in page


def test_printer_page_shows_state_and_recent_jobs(admin):
    page = admin.get("/admin/printer").get_data(as_text=True)
    assert "缺纸" in page and "test-page" in page and "queued" in page


def test_statistics_put_queries_without_result_first(admin):
    page = admin.get("/admin/stats?days=all").get_data(as_text=True)
    assert "查询 11 次，其中没有结果 5 次；打印告知单 2 张" in page
    assert "<dt>测试页（不计入以上）</dt><dd>1</dd>" in page
    failed = page.index("没有查到结果的查询")
    assert failed < page.index("每天的查询次数") < page.index("查询最多的词") < page.index("查看最多的办事指南")
    assert page.index("开饭店", failed) < page.index("每天的查询次数")
    assert "13912345678" not in page and "＊＊＊＊＊＊＊＊＊＊＊ 低保" in page


def test_statistics_name_guides_from_the_active_release(admin):
    page = admin.get("/admin/stats?days=all").get_data(as_text=True)
    assert "城乡居民基本养老保险参保登记 <code>g-social-01</code>" in page
    assert "有帮助 2 次，没有帮助 2 次" in page


def test_statistics_period_by_date(admin):
    page = admin.get("/admin/stats?since=2026-03-03").get_data(as_text=True)
    assert "自 2026-03-03 起：查询 2 次，其中没有结果 0 次" in page


@pytest.mark.parametrize("query", ["days=13", "days=abc", "since=2026-13-01", "since=yesterday"])
def test_malformed_period_is_a_400_not_a_500(admin, query):
    assert admin.get(f"/admin/stats?{query}").status_code == 400
    assert admin.get(f"/admin/stats.csv?{query}").status_code == 400


def test_csv_export_opens_in_a_spreadsheet(admin):
    response = admin.get("/admin/stats.csv?days=all")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="kiosk-stats-all-')
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0] == ["section", "key", "title", "value", "value_2"]
    assert ["totals", "searches", "", "11", ""] in rows
    assert ["queries_without_result", "开饭店", "", "3", ""] in rows
    assert ["most_viewed_guides", "g-social-01", "城乡居民基本养老保险参保登记", "3", ""] in rows
    assert ["searches_per_day", "2026-03-01", "", "4", "1"] in rows
    assert "export_csv" in admin.get("/admin/audit").get_data(as_text=True)


def test_csv_export_defuses_formulas_typed_as_queries(admin, data_dir):
    from content_sync import paths, state

    conn = state.connect(paths.state_db(data_dir))
    conn.execute(
        "INSERT INTO search_log (at, query, result_count, took_ms) VALUES ('2026-03-03T09:00:00+00:00', ?, 0, 1)",
        ("=HYPERLINK(1)",),
    )
    conn.close()
    body = admin.get("/admin/stats.csv?days=all").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert ["queries_without_result", "'=hyperlink(1)", "", "1", ""] in rows


def test_settings_are_listed_with_help_and_secrets_masked(admin):
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert "SEARCH_LOG_RETENTION_DAYS" in page and "Days the anonymous query log is kept" in page
    assert "<code>40</code>" in page  # SEARCH_LIMIT as configured
    assert "a-test-secret-key-value" not in page and "s3cret" not in page
    assert "scrypt" not in page and "pbkdf2" not in page
    assert "https://＊＊＊@portal.example/kiosk/metadata/" in page
    assert page.count("（已设置，不显示）") == 2
    table = page.split('class="admin-table admin-settings"')[1].split("</table>")[0]
    assert "<input" not in table and "<form" not in table  # read-only


def test_panel_pages_are_not_cached(admin):
    assert admin.get("/admin/stats").headers["Cache-Control"] == "no-store"


def test_panel_is_not_linked_from_the_citizens_home(admin):
    # Only the hidden long-press script (static/js/admin-corner.js) knows the way; no link or form.
    page = admin.get("/").get_data(as_text=True)
    assert not re.search(r'(href|action|hx-get|hx-post)="[^"]*/admin', page)
    assert "/admin" not in page.replace("/static/js/admin-corner.js", "")


def test_searches_on_the_screen_reach_the_panel_and_the_metrics(data_dir, tmp_path):
    app = create_app(admin_config(data_dir, tmp_path / "cache"))
    client = app.test_client()
    assert client.get("/search", query_string={"q": "养老保险"}).status_code == 200
    assert client.get("/search", query_string={"q": "开饭店执照"}).status_code == 200
    metrics = client.get("/metrics").get_data(as_text=True)
    assert "kiosk_searches_total 2.0" in metrics and "kiosk_searches_without_result_total 1.0" in metrics
    assert login(client).status_code == 302
    page = client.get("/admin/stats?days=7").get_data(as_text=True)
    failed = page.split("没有查到结果的查询")[1].split("每天的查询次数")[0]
    assert "开饭店执照" in failed and "养老保险" not in failed
