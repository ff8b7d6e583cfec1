"""The publisher: keys, deterministic shards, a TUF repository that changes only what changed."""

from __future__ import annotations

import json
import stat

import pytest
from click.testing import CliRunner

from content_sync import keys
from content_sync.cli import main as content_sync_main
from content_sync.errors import SchemaError
from content_sync.publish import publish_bundle, refresh_timestamp
from content_sync.shards import MANIFEST, ShardSizes, assemble_bundle, chunk, normalise, read_manifest, shard_bundle
from content_sync.sync_errors import PublishError

from .factories import make_guide
from .sync_fixtures import edit_guide, make_county, portal_fixture

portal = pytest.fixture(portal_fixture, name="portal")


def metadata_files(repo) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (repo / "metadata").iterdir()}


def test_keygen_writes_private_keys_readable_only_by_the_owner(tmp_path):
    md = keys.generate_keys(tmp_path / "keys")
    for role in keys.ROLES:
        mode = stat.S_IMODE((tmp_path / "keys" / f"{role}.pem").stat().st_mode)
        assert mode == 0o600, role
    assert md.signed.consistent_snapshot is True
    assert (tmp_path / "keys" / "1.root.json").read_bytes() == (tmp_path / "keys" / "root.json").read_bytes()
    with pytest.raises(PublishError, match="already holds keys"):
        keys.generate_keys(tmp_path / "keys")


def test_publishing_unchanged_content_changes_only_the_timestamp(portal):
    bundle = make_county()
    first = portal.publish(bundle)
    before = metadata_files(portal.repo)
    targets_before = sorted(p.relative_to(portal.repo) for p in (portal.repo / "targets").rglob("*"))
    second = portal.publish(make_county())
    after = metadata_files(portal.repo)
    assert second.resigned == [] and second.new_files == 0
    assert (second.snapshot_version, second.targets_version) == (first.snapshot_version, first.targets_version)
    assert second.timestamp_version == first.timestamp_version + 1
    assert {n for n in after if after[n] != before.get(n)} == {"timestamp.json"}
    assert sorted(p.relative_to(portal.repo) for p in (portal.repo / "targets").rglob("*")) == targets_before


def test_one_changed_guide_changes_one_shard_and_one_bin(portal):
    bundle = make_county()
    portal.publish(bundle)
    result = portal.publish(edit_guide(bundle, "g-extra-05", fee="工本费10元"))
    assert result.new_files == 1
    bins = [r for r in result.resigned if r.startswith("bins-")]
    assert len(bins) == 1
    assert sorted(result.resigned) == sorted([*bins, "snapshot"])  # not targets.json, not other bins


def test_shards_are_deterministic_and_reassemble_into_the_same_bundle():
    bundle = make_county()
    shards = shard_bundle(bundle)
    assert shard_bundle(make_county()).files == shard_bundle(bundle).files
    entries = read_manifest(shards.files[MANIFEST])
    assert [e["name"] for e in entries] == [n for n in shards.files if n != MANIFEST]
    rebuilt = assemble_bundle(entries, shards.files.__getitem__)
    expected = normalise(bundle)
    assert rebuilt.guides == expected.guides and rebuilt.catalog == expected.catalog
    assert rebuilt.documents == expected.documents and rebuilt.attachments == expected.attachments
    assert rebuilt.site == expected.site and rebuilt.life_events == expected.life_events


def test_shards_hold_no_timestamps_of_their_own():
    shards = shard_bundle(make_county())
    for data in (shards.files["site.json"], shards.files[MANIFEST]):
        text = data.decode()
        assert "built" not in text and "published" not in text


def test_inserting_a_record_changes_at_most_two_chunks():
    guides = [make_guide(f"g-t-{i:03d}", f"事项{i}") for i in range(200)]
    before = chunk(guides, 4)
    after = chunk(guides[:100] + [make_guide("g-new-001", "新事项")] + guides[100:], 4)
    names_before = {tuple(g.id for g in c) for c in before}
    names_after = {tuple(g.id for g in c) for c in after}
    assert len(names_after - names_before) <= 2
    assert len(names_before - names_after) <= 2


def test_invalid_content_is_never_signed(portal):
    bundle = make_county()
    bundle.guides.append(make_guide("g-bad-01", "坏事项", domain="没有这个领域"))
    with pytest.raises(SchemaError, match="g-bad-01"):
        portal.publish(bundle)
    assert not (portal.repo / "metadata" / "timestamp.json").exists()


def test_publishing_with_a_key_root_does_not_trust_is_refused(portal, tmp_path):
    keys.generate_keys(tmp_path / "other")
    (portal.keys_dir / "targets.pem").write_bytes((tmp_path / "other" / "targets.pem").read_bytes())
    with pytest.raises(PublishError, match="is not the targets key that root.json"):
        portal.publish(make_county())


def test_root_key_can_stay_offline_for_publishing(portal):
    (portal.keys_dir / "root.pem").unlink()
    result = portal.publish(make_county())
    assert result.targets > 10
    assert refresh_timestamp(portal.repo, portal.keys_dir) == result.timestamp_version + 1


def test_refresh_timestamp_changes_only_the_timestamp(portal):
    portal.publish(make_county())
    before = metadata_files(portal.repo)
    refresh_timestamp(portal.repo, portal.keys_dir)
    after = metadata_files(portal.repo)
    assert {n for n in after if after[n] != before[n]} == {"timestamp.json"}


@pytest.mark.parametrize("role", ["targets", "timestamp", "root"])
def test_rotated_key_reaches_a_terminal_through_a_new_root(portal, role):
    bundle = make_county()
    portal.publish(bundle)
    portal.sync()
    md = keys.rotate_key(portal.keys_dir, role)
    assert md.signed.version == 2
    assert (portal.keys_dir / f"{role}.1.retired.pem").exists()
    portal.publish(edit_guide(bundle, "g-extra-03", summary="换钥匙之后"))
    result = portal.sync()  # the terminal was installed with 1.root.json
    assert result.outcome == "updated"
    assert (portal.terminal / "tuf" / "metadata" / "root_history" / "2.root.json").exists()


def test_cli_keygen_publish_refresh(tmp_path, monkeypatch):
    runner = CliRunner()
    result = runner.invoke(content_sync_main, ["keygen", str(tmp_path / "keys")])
    assert result.exit_code == 0, result.output
    assert "keep root.pem offline" in result.output
    publish_bundle(make_county(), tmp_path / "repo", tmp_path / "keys")
    result = runner.invoke(
        content_sync_main, ["refresh-timestamp", str(tmp_path / "repo"), "--keys", str(tmp_path / "keys")]
    )
    assert result.exit_code == 0, result.output
    assert "version 2" in result.output
    ts = json.loads((tmp_path / "repo" / "metadata" / "timestamp.json").read_bytes())
    assert ts["signed"]["version"] == 2


def test_shard_sizes_trade_files_for_granularity():
    bundle = make_county(n_guides=40)
    fine = shard_bundle(bundle, ShardSizes(guides=1))
    coarse = shard_bundle(bundle, ShardSizes(guides=16))
    assert len([n for n in fine.files if n.startswith("guides/")]) == 40
    assert len([n for n in coarse.files if n.startswith("guides/")]) < 20


def test_renewed_root_is_followed_by_terminals(portal):
    portal.publish(make_county())
    portal.sync()
    result = CliRunner().invoke(content_sync_main, ["renew-root", str(portal.keys_dir)])
    assert result.exit_code == 0, result.output
    assert "version 2" in result.output
    portal.publish(edit_guide(make_county(), "g-extra-04", summary="续签根元数据之后"))
    assert portal.sync().outcome == "updated"
    assert (portal.terminal / "tuf" / "metadata" / "root_history" / "2.root.json").exists()


def test_reassembly_refuses_attachments_outside_their_folder():
    shards = shard_bundle(make_county())
    entries = read_manifest(shards.files[MANIFEST]) + [{"name": "attachments/../../etc/passwd", "kind": "attachment"}]
    files = {**shards.files, "attachments/../../etc/passwd": b"x"}
    with pytest.raises(SchemaError, match="must stay inside attachments/"):
        assemble_bundle(entries, files.__getitem__)


def test_two_publishers_at_once_are_refused(portal):
    import fcntl
    import os

    portal.publish(make_county())
    fd = os.open(portal.repo / ".publish.lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(PublishError, match="another publish is writing"):
            portal.publish(make_county())
        with pytest.raises(PublishError, match="another publish is writing"):
            refresh_timestamp(portal.repo, portal.keys_dir)
    finally:
        os.close(fd)
    assert portal.publish(make_county()).resigned == []
