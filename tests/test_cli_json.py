"""`--json` on kiosk sync, rollback and status: one JSON object on stdout, also when a command fails."""

from __future__ import annotations

import json

import pytest

from content_sync.sync_errors import PortalUnreachable
from kiosk.sync.cli import NO_CONTENT_EXIT

from .sync_fixtures import edit_guide, free_port, kiosk_cli_fixture, make_county, portal_fixture

portal = pytest.fixture(portal_fixture, name="portal")
kiosk = pytest.fixture(kiosk_cli_fixture, name="kiosk")


def test_failed_sync_with_json_prints_a_failure_object_on_stdout(portal, kiosk, monkeypatch):
    monkeypatch.setenv("KIOSK_PORTAL_METADATA_URL", f"http://127.0.0.1:{free_port()}/metadata/")
    result = kiosk("sync", "--json")
    assert result.exit_code == PortalUnreachable.exit_code
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["error_kind"] == "portal_unreachable"
    assert "unreachable" in data["error"]
    assert "error (portal_unreachable)" in result.stderr


def test_successful_sync_with_json_says_ok(portal, kiosk):
    portal.publish(make_county())
    data = json.loads(kiosk("sync", "--json").stdout)
    assert data["ok"] is True and data["outcome"] == "updated" and data["release_id"]


def test_rollback_with_json_names_the_release_now_active(portal, kiosk):
    bundle = make_county()
    portal.publish(bundle)
    first = json.loads(kiosk("sync", "--json").stdout)["release_id"]
    portal.publish(edit_guide(bundle, "g-extra-02", summary="改"))
    assert json.loads(kiosk("sync", "--json").stdout)["release_id"] != first
    result = kiosk("rollback", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"ok": True, "release_id": first}


def test_rollback_with_nothing_to_go_back_to_prints_a_failure_object(portal, kiosk):
    result = kiosk("rollback", "--json")
    assert result.exit_code != 0
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["error_kind"] == "no_previous_release" and data["error"]
    assert result.stderr.startswith("error (no_previous_release): ")
    assert result.exit_code == 17


def test_status_without_content_says_so_and_exits_no_content(portal, kiosk):
    result = kiosk("status")
    assert result.exit_code == NO_CONTENT_EXIT == 3
    assert "content age: no content yet" in result.stdout
    assert "None" not in result.stdout


def test_status_json_without_content_has_null_age_and_no_content_flag(portal, kiosk):
    result = kiosk("status", "--json")
    assert result.exit_code == NO_CONTENT_EXIT
    data = json.loads(result.stdout)
    assert data["has_content"] is False and data["content_age_hours"] is None


def test_status_with_content_exits_zero_and_reports_content(portal, kiosk):
    portal.publish(make_county())
    kiosk("sync")
    result = kiosk("status", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["has_content"] is True
    assert "no content yet" not in kiosk("status").stdout


def test_status_json_is_the_json_of_healthz(portal, kiosk, tmp_path):
    """One status, rendered twice: `kiosk status --json` and /healthz on the same terminal."""
    from kiosk import create_app

    portal.publish(make_county())
    assert kiosk("sync").exit_code == 0
    cli = json.loads(kiosk("status", "--json").stdout)
    app = create_app({"TESTING": True, "DATA_DIR": str(portal.terminal), "CACHE_DIR": str(tmp_path / "cache")})
    web = app.test_client().get("/healthz").get_json()
    moment = ("checked_at", "content_age_seconds", "content_age_hours")
    assert {k: v for k, v in cli.items() if k not in moment} == {k: v for k, v in web.items() if k not in moment}
    assert cli["has_content"] is True and cli["release_id"] == web["release_id"] is not None
    assert set(cli) == set(web)
