"""Releases on disk: whole and checksummed, switched atomically, pruned, rolled back."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from content_sync import paths
from content_sync.release import (
    activate,
    build_release,
    clean_staging,
    list_releases,
    prune,
    read_manifest,
    rollback,
    verify_release,
)
from content_sync.sync_errors import NoPreviousRelease
from kiosk import create_app
from kiosk.cli import main as kiosk_main

from .factories import make_bundle
from .sync_fixtures import edit_guide, make_county


def test_manifest_lists_a_checksum_for_every_file(tmp_path):
    release = build_release(make_county(), tmp_path, content_version="snapshot-7", extra={"snapshot_version": 7})
    manifest = read_manifest(release)
    on_disk = {str(p.relative_to(release)) for p in release.rglob("*") if p.is_file() and p.name != "release.json"}
    assert set(manifest["files"]) == on_disk
    assert {"content.sqlite", "files/d-0001/full.txt", "index/lexicon.json", "index/suggest.sqlite"} <= on_disk
    assert manifest["content_version"] == "snapshot-7" and manifest["snapshot_version"] == 7
    assert verify_release(release) == []
    (release / "files" / "d-0001" / "full.txt").write_bytes(b"changed")
    assert verify_release(release) == [f"{release.name}/files/d-0001/full.txt: checksum differs from release.json"]


def test_release_ids_sort_in_build_order(tmp_path):
    built = [build_release(make_bundle(), tmp_path) for _ in range(4)]
    assert list_releases(tmp_path) == built


def test_activate_replaces_the_link_atomically(tmp_path):
    first = build_release(make_bundle(), tmp_path)
    second = build_release(make_bundle(), tmp_path)
    activate(tmp_path, first)
    activate(tmp_path, second)
    link = paths.current_link(tmp_path)
    assert link.is_symlink() and not os.path.isabs(os.readlink(link))
    assert paths.current_release(tmp_path) == second
    assert not list(tmp_path.glob(".current-*"))


def test_prune_keeps_the_newest_and_never_the_active_one(tmp_path):
    built = [build_release(make_bundle(), tmp_path) for _ in range(5)]
    activate(tmp_path, built[0])  # an operator rolled far back
    removed = prune(tmp_path, 3)
    assert list_releases(tmp_path) == [built[0], built[3], built[4]]
    assert sorted(removed) == sorted(r.name for r in built[1:3])
    assert paths.current_release(tmp_path) == built[0]


def test_rollback_returns_to_the_previous_release(tmp_path):
    old = build_release(make_bundle(), tmp_path)
    new = build_release(edit_guide(make_bundle(), "g-social-01", summary="新"), tmp_path)
    activate(tmp_path, new)
    assert rollback(tmp_path) == old
    assert paths.current_release(tmp_path) == old
    with pytest.raises(NoPreviousRelease, match="no older release"):
        rollback(tmp_path)


def test_rollback_refuses_a_damaged_previous_release(tmp_path):
    old = build_release(make_bundle(), tmp_path)
    activate(tmp_path, build_release(make_bundle(), tmp_path))
    (old / "content.sqlite").write_bytes(b"not a database")
    with pytest.raises(NoPreviousRelease, match="damaged"):
        rollback(tmp_path)


def test_clean_staging_removes_what_a_crash_left(tmp_path):
    release = build_release(make_bundle(), tmp_path)
    activate(tmp_path, release)
    (paths.staging_dir(tmp_path) / "half-built").mkdir(parents=True)
    (paths.staging_dir(tmp_path) / "half-built" / "content.sqlite").write_bytes(b"partial")
    os.symlink("releases/x", tmp_path / ".current-deadbeef")
    (paths.releases_dir(tmp_path) / "no-manifest").mkdir()
    removed = clean_staging(tmp_path)
    assert sorted(removed) == [".current-deadbeef", "half-built", "no-manifest"]
    assert list_releases(tmp_path) == [release]


def test_kiosk_rollback_command_switches_and_the_app_follows(tmp_path, monkeypatch):
    old = build_release(make_bundle(), tmp_path)
    changed = make_bundle()
    changed.domains = [d for d in changed.domains if d.name != "户籍管理"]
    activate(tmp_path, build_release(changed, tmp_path))
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path), "CACHE_DIR": str(tmp_path / "cache")})
    client = app.test_client()
    assert "户籍管理" not in client.get("/catalog").get_data(as_text=True)
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "none.toml"))
    result = CliRunner().invoke(kiosk_main, ["rollback"])
    assert result.exit_code == 0, result.output
    assert f"release {old.name} is active" in result.output
    assert "户籍管理" in client.get("/catalog").get_data(as_text=True)
    result = CliRunner().invoke(kiosk_main, ["rollback"])
    assert result.exit_code == NoPreviousRelease.exit_code
    assert "no older release" in result.output
