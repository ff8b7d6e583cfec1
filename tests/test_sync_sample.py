"""The sample county end to end: its source folder published, served over HTTP, synced."""

from __future__ import annotations

import pytest

from content_sync import paths
from content_sync.publish import publish_source_dir
from content_sync.release import read_manifest, verify_release
from content_sync.sample import sample_source_dir
from content_sync.sources import read_source_dir
from kiosk import create_app

from .sync_fixtures import portal_fixture

portal = pytest.fixture(portal_fixture, name="portal")


def test_sample_county_is_published_synced_and_served(portal, tmp_path):
    bundle = read_source_dir(sample_source_dir())
    published = publish_source_dir(sample_source_dir(), portal.repo, portal.keys_dir)
    assert published.counts == bundle.counts()
    result = portal.sync()
    assert result.outcome == "updated"
    current = paths.current_release(portal.terminal)
    assert verify_release(current) == []
    assert read_manifest(current)["counts"] == bundle.counts()
    app = create_app({"TESTING": True, "DATA_DIR": str(portal.terminal), "CACHE_DIR": str(tmp_path / "cache")})
    guide = bundle.guides[0]
    page = app.test_client().get(f"/guides/{guide.id}")
    assert page.status_code == 200 and guide.name in page.get_data(as_text=True)
    again = publish_source_dir(sample_source_dir(), portal.repo, portal.keys_dir)
    assert again.resigned == [] and again.new_files == 0
    assert portal.sync().outcome == "unchanged"


def test_kiosk_demo_publishes_serves_and_syncs_the_sample(tmp_path):
    from click.testing import CliRunner

    from kiosk.cli import main as kiosk_main

    result = CliRunner().invoke(kiosk_main, ["demo", "--data", str(tmp_path / "demo"), "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "2. publish:" in result.output and "4. sync: updated" in result.output
    assert verify_release(paths.current_release(tmp_path / "demo")) == []
    again = CliRunner().invoke(kiosk_main, ["demo", "--data", str(tmp_path / "demo"), "--no-serve"])
    assert "reusing the county keys" in again.output and "4. sync: unchanged" in again.output
