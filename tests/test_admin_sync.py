"""Sync now and rollback from the panel, end to end: the real `kiosk sync` and `kiosk rollback`
run as child processes against a county published over real HTTP on 127.0.0.1."""

from __future__ import annotations

import pytest

from content_sync import paths
from content_sync.schema import Material
from kiosk import create_app
from kiosk.admin.jobs import get_jobs

from .ops_fixtures import admin_config, login
from .sync_fixtures import edit_guide, make_county, portal_fixture

portal = pytest.fixture(portal_fixture, name="portal")


@pytest.fixture
def panel(portal, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", "/usr/bin:/bin")  # no stand-in: the real CLI
    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "no-settings-file.toml"))
    app = create_app(
        admin_config(
            portal.terminal,
            tmp_path / "cache",
            PORTAL_METADATA_URL=portal.server.metadata_url,
            PORTAL_TARGETS_URL=portal.server.targets_url,
            ROOT_METADATA=str(portal.keys_dir / "1.root.json"),
            SYNC_REQUEST_TIMEOUT_SECONDS=2,
            SYNC_RETRIES=1,
        )
    )
    client = app.test_client()
    assert login(client).status_code == 302
    return app, client


def run(app, client, url: str, action: str):
    assert client.post(url).status_code == 302
    job = get_jobs(app).last(action)
    assert job.done.wait(120), f"{action} did not finish"
    return job


def test_sync_now_activates_the_countys_content(portal, panel):
    app, client = panel
    portal.publish(make_county())
    job = run(app, client, "/admin/sync", "sync")
    assert job.returncode == 0, job.output()
    release_id = paths.current_release(portal.terminal).name
    overview = client.get("/admin/").get_data(as_text=True)
    assert release_id in overview and "已更新" in overview and "一切正常" in overview
    assert "测试事项第2项" in client.get("/guides/g-extra-02").get_data(as_text=True)
    health = client.get("/healthz").get_json()
    assert health["last_sync"]["outcome"] == "updated" and health["release_id"] == release_id


def test_rollback_returns_to_the_previous_release(portal, panel):
    app, client = panel
    bundle = make_county()
    portal.publish(bundle)
    assert run(app, client, "/admin/sync", "sync").returncode == 0
    first = paths.current_release(portal.terminal).name
    guide = next(g for g in bundle.guides if g.id == "g-extra-02")
    new_material = Material(name="新版申请表", form="原件", copies=1)
    portal.publish(edit_guide(bundle, "g-extra-02", materials=[*guide.materials, new_material]))
    assert run(app, client, "/admin/sync", "sync").returncode == 0
    assert paths.current_release(portal.terminal).name != first
    assert "新版申请表" in client.get("/guides/g-extra-02").get_data(as_text=True)

    job = run(app, client, "/admin/rollback", "rollback")
    assert job.returncode == 0, job.output()
    assert paths.current_release(portal.terminal).name == first
    assert "新版申请表" not in client.get("/guides/g-extra-02").get_data(as_text=True)
    assert f"{first}</code>（当前）" in client.get("/admin/sync").get_data(as_text=True)
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "rollback_finished" in audit


def test_failed_sync_is_shown_and_the_old_content_kept(portal, panel):
    app, client = panel
    portal.publish(make_county())
    assert run(app, client, "/admin/sync", "sync").returncode == 0
    kept = paths.current_release(portal.terminal).name
    portal.server.stop()
    job = run(app, client, "/admin/sync", "sync")
    assert job.returncode != 0
    assert "portal_unreachable" in job.output()
    assert paths.current_release(portal.terminal).name == kept
    overview = client.get("/admin/").get_data(as_text=True)
    assert "最近一次同步失败" in overview and "失败" in overview
    assert client.get("/healthz").get_json()["problems"] == ["last_sync_failed"]
