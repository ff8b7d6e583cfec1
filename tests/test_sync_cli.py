"""`kiosk sync`, `kiosk status --json`: the operator's view of the sync, through the real CLI."""

from __future__ import annotations

import json

import pytest

from content_sync.sync_errors import PortalUnreachable, SyncConfigError

from .sync_fixtures import edit_guide, free_port, kiosk_cli_fixture, make_county, portal_fixture

portal = pytest.fixture(portal_fixture, name="portal")
kiosk = pytest.fixture(kiosk_cli_fixture, name="kiosk")


def test_kiosk_sync_then_status_reports_the_active_release(portal, kiosk):
    bundle = make_county()
    portal.publish(bundle)
    result = kiosk("sync")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("updated: release ")
    assert kiosk("sync").output.startswith("unchanged: release ")
    report = json.loads(kiosk("status", "--json").output)
    assert report["active_release"]["counts"]["guides"] == 12
    assert report["active_release"]["whole"] is True
    assert report["active_release"]["content_version"] == "snapshot-1"
    assert report["last_attempt"]["outcome"] == "unchanged"
    assert report["content_age_hours"] < 0.1 and report["stale"] is False
    portal.publish(edit_guide(bundle, "g-extra-02", summary="改"))
    assert kiosk("sync", "--json").exit_code == 0
    assert len(json.loads(kiosk("status", "--json").output)["releases"]) == 2


def test_kiosk_sync_failure_exits_non_zero_and_status_shows_why(portal, kiosk, monkeypatch):
    portal.publish(make_county())
    assert kiosk("sync").exit_code == 0
    monkeypatch.setenv("KIOSK_PORTAL_METADATA_URL", f"http://127.0.0.1:{free_port()}/metadata/")
    result = kiosk("sync")
    assert result.exit_code == PortalUnreachable.exit_code
    assert "error (portal_unreachable): the portal is unreachable" in result.output
    assert "keeps serving its current release" in result.output
    report = json.loads(kiosk("status", "--json").output)
    assert report["last_attempt"]["outcome"] == "failed"
    assert report["last_attempt"]["error_kind"] == "portal_unreachable"
    assert report["last_success"]["outcome"] == "updated"
    assert report["active_release"] is not None
    text = kiosk("status").output
    assert "last sync:" in text and "portal_unreachable" in text


def test_kiosk_sync_without_portal_settings_says_what_is_missing(portal, kiosk, monkeypatch):
    monkeypatch.setenv("KIOSK_PORTAL_METADATA_URL", "")
    result = kiosk("sync")
    assert result.exit_code == SyncConfigError.exit_code
    assert "PORTAL_METADATA_URL" in result.output


def test_status_of_a_terminal_that_never_synced(kiosk):
    report = json.loads(kiosk("status", "--json").output)
    assert report["active_release"] is None and report["last_attempt"] is None
    assert report["stale"] is True


def test_status_calls_content_stale_when_no_sync_succeeded_for_days(portal):
    import datetime as dt

    from kiosk.status import read_status

    portal.publish(make_county())
    portal.sync()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=4)
    report = read_status(portal.terminal, stale_days=3, now=later).as_dict()
    assert report["stale"] is True and report["content_age_hours"] >= 96
    assert read_status(portal.terminal, stale_days=5, now=later).as_dict()["stale"] is False


def test_a_damaged_installed_root_is_a_setup_error(portal, kiosk, tmp_path, monkeypatch):
    portal.publish(make_county())
    broken = tmp_path / "root.json"
    broken.write_text('{"signed": {}}')
    monkeypatch.setenv("KIOSK_ROOT_METADATA", str(broken))
    result = kiosk("sync")
    assert result.exit_code == SyncConfigError.exit_code
    assert f"the installed root metadata {broken} is not valid" in result.output
