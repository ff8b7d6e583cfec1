"""这条信息对您有帮助吗？ and page views, stored anonymously in state.sqlite."""

from __future__ import annotations

import pytest

from content_sync import state
from kiosk import feedback
from tests.factories import state_rows

from . import ui_fixtures

ui_data_dir, ui_app, ui_client = ui_fixtures.ui_data_dir, ui_fixtures.ui_app, ui_fixtures.ui_client


def rows(data_dir, sql):
    return [
        tuple(r)
        for r in state_rows(data_dir, sql, lambda conn: state.migrate(conn, feedback.COMPONENT, feedback.MIGRATIONS))
    ]


def test_htmx_rating_is_stored_and_thanked(ui_client, ui_data_dir):
    response = ui_client.post(
        "/feedback", data={"kind": "guide", "record_id": "g-social-01", "helpful": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "谢谢您的评价" in body and "<!doctype" not in body.lower()
    [(at, kind, record_id, helpful)] = rows(ui_data_dir, "SELECT at, kind, record_id, helpful FROM feedback")
    assert (kind, record_id, helpful) == ("guide", "g-social-01", 1)
    assert at.endswith("+00:00")


def test_plain_form_rating_returns_to_the_page_with_thanks(ui_client, ui_data_dir):
    response = ui_client.post("/feedback", data={"kind": "document", "record_id": "d-0001", "helpful": "0"})
    assert response.status_code == 303 and response.headers["Location"] == "/documents/d-0001?rated=0"
    page = ui_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "谢谢您的评价" in page and "请到服务窗口问工作人员" in page
    assert "这条信息对您有帮助吗？" not in page
    assert rows(ui_data_dir, "SELECT kind, record_id, helpful FROM feedback") == [("document", "d-0001", 0)]


@pytest.mark.parametrize(
    "form,status",
    [
        ({"kind": "guide", "record_id": "g-social-01", "helpful": "maybe"}, 400),
        ({"kind": "secret", "record_id": "g-social-01", "helpful": "1"}, 400),
        ({"kind": "guide", "record_id": "x" * 10000, "helpful": "1"}, 400),
        ({}, 400),
        ({"kind": "guide", "record_id": "no-such-guide", "helpful": "1"}, 404),
        ({"kind": "document", "record_id": "g-social-01", "helpful": "1"}, 404),
    ],
)
def test_bad_ratings_are_refused_and_not_stored(ui_client, ui_data_dir, form, status):
    assert ui_client.post("/feedback", data=form).status_code == status
    assert rows(ui_data_dir, "SELECT count(*) FROM feedback") == [(0,)]


def test_rating_needs_a_post(ui_client):
    assert ui_client.get("/feedback").status_code == 405


def test_page_views_are_counted_per_record(ui_client, ui_data_dir):
    for url in ("/guides/g-social-01", "/guides/g-social-01", "/documents/d-0002", "/catalog/c-social-001"):
        ui_client.get(url)
    ui_client.get("/events/e-job")
    ui_client.get("/guides/nope")
    counted = rows(ui_data_dir, "SELECT kind, record_id, count(*) FROM page_views GROUP BY kind, record_id")
    assert sorted(counted) == [
        ("catalog_item", "c-social-001", 1),
        ("document", "d-0002", 1),
        ("guide", "g-social-01", 2),
        ("life_event", "e-job", 1),
    ]


def test_nothing_personal_is_stored(ui_client, ui_data_dir):
    ui_client.get("/guides/g-social-01")
    ui_client.post("/feedback", data={"kind": "guide", "record_id": "g-social-01", "helpful": "1"})
    columns = {r[1] for t in ("feedback", "page_views") for r in rows(ui_data_dir, f"PRAGMA table_info({t})")}
    assert columns == {"id", "at", "kind", "record_id", "helpful"}
