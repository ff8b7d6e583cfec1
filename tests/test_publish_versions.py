"""A version number is never signed twice, and a terminal never builds a mix of two publications.

The host here behaves like the docs' "immutable, cache for a year" advice invites: an upload
copies new names only, never replacing a name it already has (timestamp.json and root.json
excepted, which are meant to change). Against such a host,

- `content-sync publish` is killed (SIGKILL, as a power cut) during its write phase, then a
  different publication follows: the host ends up holding files of both;
- a repository is forked and both sides are published.

In every case the terminal either takes exactly one publication or refuses and keeps its release.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from content_sync import keys, paths
from content_sync.faults import ENV
from content_sync.publish import PublishSettings, publish_bundle
from content_sync.repo_server import RepoServer
from content_sync.signed_log import SignedLog
from content_sync.sync import SyncSettings, sync
from content_sync.sync_errors import PublishError, VerificationFailed
from kiosk.content import Release

from .sync_fixtures import edit_guide, make_county

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE = REPO_ROOT / "demo" / "county"
MUTABLE = {"metadata/timestamp.json", "metadata/root.json"}


def upload(repo: Path, host: Path) -> None:
    """Copy the repository to a host that keeps every name it already has."""
    for path in sorted(repo.rglob("*")):
        if path.is_dir() or path.name.startswith("."):
            continue
        rel = path.relative_to(repo).as_posix()
        dest = host / rel
        if rel in MUTABLE or not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)


def names_signed_twice(*repos: Path) -> list[str]:
    """Metadata names that hold different bytes in different copies."""
    seen: dict[str, bytes] = {}
    twice = []
    for repo in repos:
        for path in (repo / "metadata").glob("*.json"):
            if path.name in ("timestamp.json", "root.json"):
                continue
            data = path.read_bytes()
            if seen.setdefault(path.name, data) != data:
                twice.append(path.name)
    return sorted(twice)


def sync_from(server: RepoServer, keys_dir: Path, terminal: Path):
    settings = SyncSettings(server.metadata_url, server.targets_url, keys_dir / "1.root.json", timeout=5, retries=1)
    return sync(terminal, settings)


def summaries(terminal: Path, ids: list[str]) -> dict[str, str]:
    release = Release(paths.current_release(terminal))
    return {i: release.guide(i).summary for i in ids}


# --- a publish killed during its write phase -------------------------------------------------

GUIDES = ["g-affordable-01", "g-hukou-01", "g-civil-05", "g-tax-08"]
GUIDE_SHEET = Path("办事指南") / "事项.csv"  # the sample county's guides, as a county keeps them


def write_source(target: Path, tag: str | None) -> None:
    """The sample county, with the summaries of GUIDES set to carry `tag`."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(SAMPLE, target)
    if tag is None:
        return
    sheet = target / GUIDE_SHEET
    with sheet.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    ids, summary = header.index("编号"), header.index("简介")
    for row in rows[1:]:
        if row and row[ids] in GUIDES:
            row[summary] = f"{tag}：{row[ids]}"
    with sheet.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)


def publish_process(source: Path, repo: Path, keys_dir: Path, crash_at: str | None = None) -> int:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    env.pop(ENV, None)
    if crash_at:
        env[ENV] = crash_at
    done = subprocess.run(
        [sys.executable, "-c", "from content_sync.cli import main; main()", "publish", str(source), str(repo)]
        + ["--keys", str(keys_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode


@pytest.fixture
def sample_guides_exist():
    with (SAMPLE / GUIDE_SHEET).open(encoding="utf-8-sig", newline="") as f:
        ids = {row["编号"] for row in csv.DictReader(f)}
    assert set(GUIDES) <= ids, "the test edits guides the sample county has"


@pytest.mark.parametrize(
    "crash_at",
    ["publish:metadata-written:1", "publish:recorded:3"],
)
def test_a_publish_killed_while_writing_never_reuses_a_version(tmp_path, crash_at, sample_guides_exist):
    keys_dir, repo, host, terminal, source = (tmp_path / n for n in ("keys", "repo", "host", "terminal", "src"))
    keys.generate_keys(keys_dir)
    write_source(source, None)
    assert publish_process(source, repo, keys_dir) == 0
    upload(repo, host)
    with RepoServer(host) as server:
        assert sync_from(server, keys_dir, terminal).outcome == "updated"

        write_source(source, "甲")
        assert publish_process(source, repo, keys_dir, crash_at) == -9  # SIGKILL in the write phase
        upload(repo, host)  # whatever the killed publish left is on the host now, for good

        write_source(source, "乙")
        assert publish_process(source, repo, keys_dir) == 0
        upload(repo, host)

        assert names_signed_twice(repo, host) == []
        result = sync_from(server, keys_dir, terminal)
        assert result.outcome == "updated"
        assert summaries(terminal, GUIDES) == {g: f"乙：{g}" for g in GUIDES}
    with SignedLog(keys_dir) as log:
        entries = log.entries()
    assert len({(role, version) for role, version, _ in entries}) == len(entries)


def test_the_signer_refuses_a_version_already_signed_with_other_bytes(tmp_path):
    with SignedLog(tmp_path) as log:
        log.record("snapshot", 7, b"first")
        log.record("snapshot", 7, b"first")  # the same bytes again: fine
        with pytest.raises(PublishError, match="snapshot version 7 was already signed with other bytes"):
            log.record("snapshot", 7, b"second")
        assert log.highest("snapshot") == 7 and log.highest("timestamp") == 0


def test_timestamp_and_snapshot_list_lengths_and_hashes(tmp_path):
    from tuf.api.metadata import Metadata

    keys.generate_keys(tmp_path / "keys")
    publish_bundle(make_county(), tmp_path / "repo", tmp_path / "keys")
    meta = tmp_path / "repo" / "metadata"
    ts = Metadata.from_bytes((meta / "timestamp.json").read_bytes()).signed
    snapshot_bytes = (meta / f"{ts.snapshot_meta.version}.snapshot.json").read_bytes()
    ts.snapshot_meta.verify_length_and_hashes(snapshot_bytes)
    assert ts.snapshot_meta.length == len(snapshot_bytes) and "sha256" in ts.snapshot_meta.hashes
    snapshot = Metadata.from_bytes(snapshot_bytes).signed
    for name, info in snapshot.meta.items():
        assert info.length and "sha256" in info.hashes, name
        info.verify_length_and_hashes((meta / f"{info.version}.{name}").read_bytes())


# --- a forked repository, both sides published ------------------------------------------------


@pytest.fixture
def forked(tmp_path):
    """A base publication synced to a terminal, and two copies of the repository, each given
    different edits to two guides in different shards."""
    keys_dir = tmp_path / "keys"
    keys.generate_keys(keys_dir)
    base = make_county()
    publish_bundle(base, tmp_path / "base", keys_dir)
    with RepoServer(tmp_path / "base") as server:
        sync_from(server, keys_dir, tmp_path / "terminal")
    return tmp_path, keys_dir


def side(tag: str):
    bundle = make_county()
    edit_guide(bundle, "g-extra-02", summary=f"{tag}-02")
    return edit_guide(bundle, "g-extra-11", summary=f"{tag}-11")


def fork(tmp_path: Path, keys_dir: Path, *, own_keys: bool) -> tuple[Path, Path]:
    """Copy the base repository twice; with own_keys the B side also signs from a copy of the
    key folder (and so of its record of signed versions), as a second publishing office would."""
    repo_a, repo_b = tmp_path / "repo-a", tmp_path / "repo-b"
    shutil.copytree(tmp_path / "base", repo_a)
    shutil.copytree(tmp_path / "base", repo_b)
    keys_b = keys_dir
    if own_keys:
        keys_b = tmp_path / "keys-b"
        shutil.copytree(keys_dir, keys_b)
    settings = PublishSettings()
    publish_bundle(side("A"), repo_a, keys_dir, settings)
    publish_bundle(side("B"), repo_b, keys_b, settings)
    return repo_a, repo_b


def test_a_fork_published_from_one_key_folder_never_shares_a_version(forked):
    tmp_path, keys_dir = forked
    repo_a, repo_b = fork(tmp_path, keys_dir, own_keys=False)
    assert names_signed_twice(repo_a, repo_b) == []
    host = tmp_path / "host"
    upload(repo_a, host)
    upload(repo_b, host)  # B's timestamp is the host's now, beside everything A left
    with RepoServer(host) as server:
        assert sync_from(server, keys_dir, tmp_path / "terminal").outcome == "updated"
    assert summaries(tmp_path / "terminal", ["g-extra-02", "g-extra-11"]) == {
        "g-extra-02": "B-02",
        "g-extra-11": "B-11",
    }


def test_a_mix_of_two_forks_signed_apart_is_refused_and_the_real_one_taken_later(forked):
    tmp_path, keys_dir = forked
    repo_a, repo_b = fork(tmp_path, keys_dir, own_keys=True)
    assert names_signed_twice(repo_a, repo_b)  # two signers, same numbers: only hashes tell them apart
    terminal = tmp_path / "terminal"
    before = Release(paths.current_release(terminal)).manifest["id"]
    host = tmp_path / "host"
    upload(repo_a, host)
    upload(repo_b, host)  # B's timestamp.json, A's files under the names both sides used
    with RepoServer(host) as server, pytest.raises(VerificationFailed):
        sync_from(server, keys_dir, terminal)
    assert Release(paths.current_release(terminal)).manifest["id"] == before

    with RepoServer(repo_b) as server:  # the correct repository is back
        assert sync_from(server, keys_dir, terminal).outcome == "updated"
    assert summaries(terminal, ["g-extra-02", "g-extra-11"]) == {"g-extra-02": "B-02", "g-extra-11": "B-11"}


def test_a_record_of_signed_versions_that_cannot_be_opened_is_a_clear_error(tmp_path):
    keys.generate_keys(tmp_path / "keys")
    (tmp_path / "keys" / "signed-versions.sqlite").mkdir()  # in the way of the database file
    with pytest.raises(PublishError, match="record of signed versions"):
        publish_bundle(make_county(), tmp_path / "repo", tmp_path / "keys")
    assert not (tmp_path / "repo" / "metadata" / "timestamp.json").exists()
