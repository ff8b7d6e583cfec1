"""The verified sync against a real HTTP portal on 127.0.0.1: updates, deletions, what is
downloaded, and the attack and fault catalogue (each leaves the previous release active)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3

import pytest

from content_sync import keys, paths
from content_sync.publish import PublishSettings, publish_bundle, refresh_timestamp, write_repository
from content_sync.release import verify_release
from content_sync.shards import canonical, shard_bundle
from content_sync.sync import sync_lock
from content_sync.sync_errors import (
    ContentInvalid,
    MetadataExpired,
    PortalUnreachable,
    RollbackDetected,
    SyncBusy,
    VerificationFailed,
)
from kiosk import create_app
from kiosk.content import Release
from kiosk.status import read_status

from .sync_fixtures import Timer, delete_guide, edit_guide, free_port, make_county, portal_fixture

portal = pytest.fixture(portal_fixture, name="portal")


def app_for(root, tmp_path):
    return create_app({"TESTING": True, "DATA_DIR": str(root), "CACHE_DIR": str(tmp_path / "cache")})


def test_first_sync_activates_a_whole_release_the_app_serves(portal, tmp_path):
    portal.publish(make_county())
    result = portal.sync()
    assert result.outcome == "updated"
    manifest = portal.active()
    assert manifest["id"] == result.release_id
    assert manifest["counts"]["guides"] == 12 and manifest["counts"]["attachments"] == 1
    assert verify_release(paths.current_release(portal.terminal)) == []
    page = app_for(portal.terminal, tmp_path).test_client().get("/guides/g-extra-05")
    assert page.status_code == 200 and "测试事项第5项" in page.get_data(as_text=True)
    (attempt,) = portal.attempts()
    assert attempt["outcome"] == "updated" and attempt["release_id"] == result.release_id
    assert attempt["bytes_downloaded"] == portal.server.bytes_sent > 0
    assert attempt["targets_downloaded"] == result.targets_total == len(portal.server.target_paths())


def test_no_change_sync_downloads_only_the_timestamp(portal):
    bundle = make_county()
    portal.publish(bundle)
    first = portal.sync()
    republished = portal.publish(bundle)
    assert republished.resigned == [] and republished.new_files == 0
    again = portal.sync()  # how fast: bench/bench_sync.py ("no-change sync")
    assert again.outcome == "unchanged" and again.release_id == first.release_id
    assert portal.server.paths == ["/metadata/timestamp.json"]
    assert again.bytes_downloaded == portal.server.bytes_sent < 10_000
    assert portal.attempts()[-1]["outcome"] == "unchanged"


def test_changing_one_guide_downloads_only_its_shard(portal):
    bundle = make_county()
    portal.publish(bundle)
    portal.sync()
    edited = edit_guide(bundle, "g-extra-07", summary="办理时间调整为工作日全天")
    portal.publish(edited)
    result = portal.sync()
    assert result.outcome == "updated" and result.targets_downloaded == 1
    (name, data), *others = [
        (n, d) for n, d in shard_bundle(edited).files.items() if n.startswith("guides/") and b'"id":"g-extra-07"' in d
    ]
    assert others == []
    directory, _, base = name.rpartition("/")
    assert portal.server.target_paths() == [f"/targets/{directory}/{hashlib.sha256(data).hexdigest()}.{base}"]
    meta = portal.server.metadata_paths()
    assert meta[0] == "/metadata/timestamp.json" and meta[1].endswith(".snapshot.json")
    assert len(meta) == 3 and ".bins-" in meta[2]  # timestamp, snapshot, the one hash bin listing it
    release = Release(paths.current_release(portal.terminal))
    assert release.guide("g-extra-07").summary == "办理时间调整为工作日全天"


def test_deleted_guide_is_gone_after_the_next_sync(portal, tmp_path):
    bundle = make_county()
    portal.publish(bundle)
    portal.sync()
    client = app_for(portal.terminal, tmp_path).test_client()
    assert client.get("/guides/g-extra-04").status_code == 200
    portal.publish(delete_guide(bundle, "g-extra-04"))
    portal.sync()
    assert client.get("/guides/g-extra-04").status_code == 404
    db = Release(paths.current_release(portal.terminal)).db
    assert db.execute("SELECT count(*) FROM guides WHERE id = 'g-extra-04'").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM catalog_items WHERE guide_id = 'g-extra-04'").fetchone()[0] == 0


def test_open_reader_of_the_old_release_keeps_working_after_a_switch(portal):
    bundle = make_county()
    portal.publish(bundle)
    portal.sync()
    old = Release(paths.current_release(portal.terminal))
    assert old.guide("g-extra-03") is not None
    for n in range(4):  # enough syncs that the old release is pruned from disk
        portal.publish(edit_guide(bundle, "g-extra-03", summary=f"第{n}次修改"))
        portal.sync()
    assert not old.path.exists()
    assert old.guide("g-extra-03").summary == ""  # its open database still answers
    assert len(list(paths.releases_dir(portal.terminal).iterdir())) == 3


# --- the attack and fault catalogue ------------------------------------------------------


@pytest.fixture
def synced(portal):
    """A terminal with one good release, and newer content published but not yet synced."""
    bundle = make_county()
    portal.publish(bundle)
    portal.sync()
    before = portal.active()
    portal.publish(edit_guide(bundle, "g-extra-09", summary="新内容"))
    return portal, before


def assert_kept(portal, before, kind: str, words: str) -> None:
    """The previous release is still active and whole, and the failure is recorded clearly."""
    assert portal.active() == before
    assert verify_release(paths.current_release(portal.terminal)) == []
    last = portal.attempts()[-1]
    assert last["outcome"] == "failed" and last["error_kind"] == kind
    assert words in last["error"]
    assert last["finished_at"] is not None


def test_tampered_target_is_rejected(synced):
    portal, before = synced
    portal.server.misbehave("/targets/guides/", "tamper")
    with pytest.raises(VerificationFailed):
        portal.sync()
    assert_kept(portal, before, "verification_failed", "does not match its signed hash")


def test_tampered_metadata_is_rejected(synced):
    portal, before = synced
    ts = portal.repo / "metadata" / "timestamp.json"
    ts.write_bytes(ts.read_bytes().replace(b'"version":', b'"version":1', 1))
    with pytest.raises(VerificationFailed):
        portal.sync()
    assert_kept(portal, before, "verification_failed", "not signed by the keys this terminal trusts")


def test_metadata_signed_with_a_wrong_key_is_rejected(synced, tmp_path):
    portal, before = synced
    keys.generate_keys(tmp_path / "other-keys")
    shutil.rmtree(portal.repo)
    publish_bundle(make_county(), portal.repo, tmp_path / "other-keys")
    with pytest.raises(VerificationFailed):
        portal.sync()
    assert_kept(portal, before, "verification_failed", "not signed by the keys this terminal trusts")


def test_rollback_to_older_metadata_is_rejected(synced):
    portal, before = synced
    ts = portal.repo / "metadata" / "timestamp.json"
    old = ts.read_bytes()
    portal.publish(make_county())  # the terminal trusts nothing newer yet; sync the newest
    portal.sync()
    before = portal.active()
    ts.write_bytes(old)  # a mirror replays yesterday's timestamp
    with pytest.raises(RollbackDetected):
        portal.sync()
    assert_kept(portal, before, "rollback", "older metadata than this terminal trusts")


def test_expired_metadata_is_rejected(synced):
    portal, before = synced
    three_days_ago = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=3)
    refresh_timestamp(portal.repo, portal.keys_dir, now=three_days_ago)  # a frozen portal's last word
    with pytest.raises(MetadataExpired):
        portal.sync()
    assert_kept(portal, before, "metadata_expired", "expired")


def test_target_larger_than_declared_is_cut_off(synced):
    portal, before = synced
    portal.server.misbehave("/targets/guides/", "oversize")
    with pytest.raises(VerificationFailed):
        portal.sync()
    assert_kept(portal, before, "verification_failed", "more data than the signed metadata allows")


def test_endless_timestamp_is_cut_off(synced):
    portal, before = synced
    portal.server.misbehave("/metadata/timestamp.json", "oversize")
    with pytest.raises(VerificationFailed):
        portal.sync()
    assert_kept(portal, before, "verification_failed", "more data than the signed metadata allows")


def test_portal_down_keeps_serving_the_last_release(synced, tmp_path):
    portal, before = synced
    port = free_port()
    with Timer() as timer, pytest.raises(PortalUnreachable):
        portal.sync(metadata_url=f"http://127.0.0.1:{port}/metadata/", targets_url=f"http://127.0.0.1:{port}/t/")
    assert timer.elapsed < 10  # bounded, with room for a busy machine
    assert_kept(portal, before, "portal_unreachable", "unreachable")
    page = app_for(portal.terminal, tmp_path).test_client().get("/")
    assert page.status_code == 200
    report = read_status(portal.terminal, stale_days=3).as_dict()
    assert report["last_attempt"]["error_kind"] == "portal_unreachable"
    assert report["active_release"]["id"] == before["id"] and report["content_age_hours"] is not None


def test_hanging_portal_is_bounded_by_the_timeout(synced):
    portal, before = synced
    portal.server.misbehave("/metadata/timestamp.json", "hang")
    with Timer() as timer, pytest.raises(PortalUnreachable):
        portal.sync(timeout=0.5, retries=2)
    # Two tries of 0.5 s each; the portal would hang for 30 s. The bound leaves room for a busy machine.
    assert 1.0 <= timer.elapsed < 10
    assert_kept(portal, before, "portal_unreachable", "did not answer in time")


def test_portal_hanging_mid_download_is_bounded_by_the_timeout(synced):
    portal, before = synced
    portal.server.misbehave("/targets/guides/", "hang")
    with Timer() as timer, pytest.raises(PortalUnreachable):
        portal.sync(timeout=0.5, retries=1)
    assert timer.elapsed < 10  # the portal would hang for 30 s
    assert_kept(portal, before, "portal_unreachable", "did not answer in time")


def test_portal_dripping_bytes_is_bounded_too(synced):
    portal, before = synced
    portal.server.misbehave("/targets/guides/", "drip")
    with Timer() as timer, pytest.raises(PortalUnreachable):
        portal.sync(timeout=0.5, retries=1)
    assert timer.elapsed < 10  # dripping the whole shard would take minutes
    assert_kept(portal, before, "portal_unreachable", "slower than the 1024 bytes/s")


def test_signed_content_that_fails_validation_is_rejected(synced):
    portal, before = synced
    shards = shard_bundle(make_county())
    name = next(n for n in shards.files if n.startswith("guides/hukou/"))
    records = json.loads(shards.files[name])
    records[0]["domain"] = "不存在的领域"
    shards.files[name] = canonical(records)
    write_repository(shards, portal.repo, portal.keys_dir)
    with pytest.raises(ContentInvalid):
        portal.sync()
    assert_kept(portal, before, "content_invalid", f"{name}, record 1 (id={records[0]['id']}), field domain")


def test_transient_server_errors_are_retried(synced):
    portal, _before = synced
    portal.server.misbehave("/metadata/timestamp.json", "500", times=1)
    portal.server.misbehave("/targets/guides/", "drop", times=1)
    result = portal.sync(retries=3)
    assert result.outcome == "updated"


def test_a_second_sync_at_the_same_time_is_refused(synced):
    portal, before = synced
    with sync_lock(portal.terminal), pytest.raises(SyncBusy):
        portal.sync()
    assert_kept(portal, before, "busy", "another sync is running")


def test_bandwidth_cap_slows_the_download(portal):
    bundle = make_county()
    bundle.attachments["d-0001/full.txt"] = b"x" * 120_000
    portal.publish(bundle)
    with Timer() as timer:
        result = portal.sync(max_bytes_per_second=100_000)
    assert result.bytes_downloaded > 120_000
    assert timer.elapsed >= result.bytes_downloaded / 100_000 - 0.3


def test_state_records_every_attempt(synced):
    portal, _ = synced
    portal.server.misbehave("/metadata/timestamp.json", "404")
    with pytest.raises(PortalUnreachable):
        portal.sync()
    portal.server.behave()
    portal.sync()
    portal.sync()
    outcomes = [a["outcome"] for a in portal.attempts()]
    assert outcomes == ["updated", "failed", "updated", "unchanged"]
    conn = sqlite3.connect(paths.state_db(portal.terminal))
    columns = [r[1] for r in conn.execute("PRAGMA table_info(sync_attempts)")]
    conn.close()
    assert columns == [
        "id",
        "started_at",
        "finished_at",
        "outcome",
        "error_kind",
        "error",
        "release_id",
        "bytes_downloaded",
        "targets_downloaded",
    ]


def test_publisher_settings_reach_the_metadata(portal):
    portal.publish(make_county(), PublishSettings(timestamp_expiry=dt.timedelta(hours=5)))
    ts = json.loads((portal.repo / "metadata" / "timestamp.json").read_bytes())
    expires = dt.datetime.fromisoformat(ts["signed"]["expires"].replace("Z", "+00:00"))
    assert dt.timedelta(hours=4) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(hours=5)


def test_the_app_answers_while_a_sync_runs(portal, tmp_path):
    import threading

    bundle = make_county()
    portal.publish(bundle)
    portal.sync()
    bundle.attachments["d-0001/full.txt"] = b"y" * 150_000
    portal.publish(bundle)
    client = app_for(portal.terminal, tmp_path).test_client()
    worker = threading.Thread(target=portal.sync, kwargs={"max_bytes_per_second": 100_000})
    answered = []
    with Timer() as sync_timer:
        worker.start()
        while worker.is_alive():
            with Timer() as timer:
                assert client.get("/guides/g-extra-02").status_code == 200
            answered.append(timer.elapsed)
        worker.join()
    # The capped download alone takes 1.5 s; a page that waited for the sync would take as long.
    assert sync_timer.elapsed > 1.4
    assert len(answered) > 5 and max(answered) < sync_timer.elapsed / 3
    assert portal.attempts()[-1]["outcome"] == "updated"


def test_sync_goes_through_the_proxy_named_in_the_environment(portal, monkeypatch):
    from content_sync.repo_server import RepoRequestHandler, RepoServer

    seen = []

    class ForwardProxy(RepoRequestHandler):
        """Answers proxy requests (absolute URLs) for portal.example from the repository."""

        def do_GET(self):  # noqa: N802 - http.server's naming
            seen.append(self.path)
            assert self.path.startswith("http://portal.example/")
            self.path = self.path.removeprefix("http://portal.example")
            super().do_GET()

    portal.publish(make_county())
    with RepoServer(portal.repo, handler=ForwardProxy) as proxy:
        monkeypatch.setenv("http_proxy", proxy.base_url)
        monkeypatch.setenv("no_proxy", "")
        result = portal.sync(
            metadata_url="http://portal.example/metadata/", targets_url="http://portal.example/targets/"
        )
    assert result.outcome == "updated"
    assert "http://portal.example/metadata/timestamp.json" in seen
    assert len([p for p in seen if "/targets/" in p]) == result.targets_downloaded
