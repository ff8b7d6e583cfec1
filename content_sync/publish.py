"""The publisher: turn a county's validated content into a static TUF repository.

REPO_DIR/metadata/   N.root.json (every version), root.json, timestamp.json, N.snapshot.json,
                     N.targets.json, N.bins-XX.json  (consistent snapshots: nothing is overwritten
                     except timestamp.json)
REPO_DIR/targets/    <dir>/<sha256>.<name> for every shard (content-addressed, never overwritten)

Targets are delegated to hash bins (TUF succinct hash-bin delegation): a change re-signs and
re-downloads only the small bin files that list changed shards, not one big targets file.
A role is re-signed (new version) only when what it lists changed, when the key changed, or
when it is close to expiry; so publishing unchanged sources changes the timestamp only.
Files are written first, then bins, targets, snapshot, and timestamp.json last with a rename,
so a terminal syncing during a publish sees either the old or the new repository.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from securesystemslib.signer import CryptoSigner
from tuf.api.exceptions import RepositoryError
from tuf.api.metadata import (
    Delegations,
    Metadata,
    MetaFile,
    Root,
    Signed,
    Snapshot,
    SuccinctRoles,
    TargetFile,
    Targets,
    Timestamp,
)
from tuf.api.serialization import DeserializationError
from tuf.api.serialization.json import JSONSerializer

from . import keys
from .bundle import ContentBundle, ensure_valid
from .locks import exclusive_lock
from .shards import Shards, ShardSizes, shard_bundle
from .sync_errors import PublishError

BIN_PREFIX = "bins"
_COMPACT = JSONSerializer(compact=True)


@dataclass(frozen=True)
class PublishSettings:
    """Lifetimes of the signed metadata, when to re-sign early, and how finely to shard."""

    timestamp_expiry: dt.timedelta = dt.timedelta(days=2)
    snapshot_expiry: dt.timedelta = dt.timedelta(days=30)
    targets_expiry: dt.timedelta = dt.timedelta(days=30)
    resign_within: dt.timedelta = dt.timedelta(days=10)
    shard_sizes: ShardSizes = field(default_factory=ShardSizes)
    # Targets per hash bin at the first publish; the number of bins is then kept for good,
    # because a TUF snapshot may never drop a role that terminals have seen.
    targets_per_bin: int = 8


@dataclass
class PublishResult:
    """What a publish changed: versions of each role, and the counts of targets and new files."""

    timestamp_version: int
    snapshot_version: int
    targets_version: int
    targets: int
    new_files: int
    bytes_written: int
    resigned: list[str]
    counts: dict[str, int] = field(default_factory=dict)


def metadata_dir(repo: Path) -> Path:
    return Path(repo) / "metadata"


def targets_dir(repo: Path) -> Path:
    return Path(repo) / "targets"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _load(path: Path) -> Metadata:
    try:
        return Metadata.from_bytes(path.read_bytes())
    except FileNotFoundError:
        raise PublishError(f"{path} is missing: the repository is incomplete") from None
    except (DeserializationError, RepositoryError, ValueError) as exc:
        raise PublishError(f"{path}: unreadable metadata ({exc})") from None


def _write_md(path: Path, md: Metadata, *, fsync: bool = False) -> int:
    data = md.to_bytes(_COMPACT)
    keys.write_atomic(path, data, fsync=fsync)
    return len(data)


@dataclass
class _Previous:
    timestamp: Metadata[Timestamp] | None = None
    snapshot: Metadata[Snapshot] | None = None
    targets: Metadata[Targets] | None = None
    bins: dict[str, Metadata[Targets]] = field(default_factory=dict)


def _read_previous(repo: Path) -> _Previous:
    meta = metadata_dir(repo)
    ts_path = meta / "timestamp.json"
    if not ts_path.exists():
        return _Previous()
    ts = _load(ts_path)
    snap = _load(meta / f"{ts.signed.snapshot_meta.version}.snapshot.json")
    tv = snap.signed.meta["targets.json"].version
    targets = _load(meta / f"{tv}.targets.json")
    bins = {}
    for name, info in snap.signed.meta.items():
        role = name.removesuffix(".json")
        if role != "targets":
            bins[role] = _load(meta / f"{info.version}.{name}")
    return _Previous(ts, snap, targets, bins)


def _signed_by(md: Metadata | None, signer: CryptoSigner) -> bool:
    return md is not None and signer.public_key.keyid in md.signatures


def _needs_resign(old: Metadata | None, signer: CryptoSigner, now: dt.datetime, settings: PublishSettings) -> bool:
    return old is None or not _signed_by(old, signer) or old.signed.expires - now < settings.resign_within


@dataclass
class _Signing:
    """One publish's signing of versioned metadata: keeps what is unchanged and still fresh,
    signs the next version of everything else, and counts what it wrote."""

    meta: Path
    now: dt.datetime
    settings: PublishSettings
    resigned: list[str] = field(default_factory=list)
    written: int = 0

    def keep_or_sign(
        self,
        role: str,
        old: Metadata | None,
        unchanged: bool,
        signer: CryptoSigner,
        build: Callable[[int], Signed],
    ) -> int:
        """The version of `role` after this publish: `old`'s when `unchanged` and not due for
        re-signing, else a new version made by `build(version)`, signed and written."""
        if old is not None and unchanged and not _needs_resign(old, signer, self.now, self.settings):
            return old.signed.version
        md = Metadata(build((old.signed.version + 1) if old else 1))
        md.sign(signer)
        self.written += _write_md(self.meta / f"{md.signed.version}.{role}.json", md)
        self.resigned.append(role)
        return md.signed.version


def _store_target(repo: Path, name: str, data: bytes) -> tuple[TargetFile, bool]:
    """Write one shard under its content address (if new) and describe it for the metadata."""
    digest = hashlib.sha256(data).hexdigest()
    directory, _, base = name.rpartition("/")
    path = targets_dir(repo) / directory / f"{digest}.{base}"
    new = not path.exists()
    if new:
        path.parent.mkdir(parents=True, exist_ok=True)
        keys.write_atomic(path, data, fsync=False)
    return TargetFile(length=len(data), hashes={"sha256": digest}, path=name), new


def _sync_root_files(repo: Path, keys_dir: Path) -> Metadata[Root]:
    """Copy every root version from KEYS_DIR into the repository; return the newest."""
    meta = metadata_dir(repo)
    versions = keys.root_versions(keys_dir)
    if not versions:
        raise PublishError(f"{keys_dir} holds no N.root.json: run `content-sync keygen` first")
    for path in versions:
        target = meta / path.name
        data = path.read_bytes()
        if not target.exists() or target.read_bytes() != data:
            keys.write_atomic(target, data)
    latest = versions[-1].read_bytes()
    if not (meta / "root.json").exists() or (meta / "root.json").read_bytes() != latest:
        keys.write_atomic(meta / "root.json", latest)
    return Metadata[Root].from_bytes(latest)


def _bit_length(previous: _Previous, n_targets: int, per_bin: int) -> int:
    if previous.targets is not None and previous.targets.signed.delegations is not None:
        succinct = previous.targets.signed.delegations.succinct_roles
        if succinct is not None:
            return succinct.bit_length
    return min(14, max(4, math.ceil(math.log2(max(1, n_targets / per_bin)))))


@contextmanager
def _repository_lock(repo: Path) -> Iterator[None]:
    """One publisher at a time per repository (cron's refresh-timestamp and a manual publish)."""
    busy = PublishError(f"another publish is writing {repo}; try again when it has finished")
    with exclusive_lock(repo / ".publish.lock", busy):
        yield


def write_repository(
    shards: Shards,
    repo: Path,
    keys_dir: Path,
    settings: PublishSettings | None = None,
    *,
    now: dt.datetime | None = None,
) -> PublishResult:
    """Sign `shards` into the TUF repository at `repo` (created if new). No content checks here:
    `publish_bundle` validates first; this layer only signs what it is given."""
    with _repository_lock(Path(repo)):
        return _write_repository(shards, Path(repo), Path(keys_dir), settings or PublishSettings(), now or _now())


def _write_repository(
    shards: Shards, repo: Path, keys_dir: Path, settings: PublishSettings, now: dt.datetime
) -> PublishResult:
    metadata_dir(repo).mkdir(parents=True, exist_ok=True)
    targets_dir(repo).mkdir(parents=True, exist_ok=True)

    root = _sync_root_files(repo, keys_dir).signed
    signers = {role: keys.load_signer(keys_dir, role) for role in keys.ONLINE_ROLES}
    for role, signer in signers.items():
        keys.check_signer_matches_root(root, role, signer, keys_dir)
    previous = _read_previous(repo)
    signing = _Signing(metadata_dir(repo), now, settings)

    # 1. target files, content-addressed
    infos: dict[str, TargetFile] = {}
    new_files = 0
    for name, data in shards.files.items():
        info, new = _store_target(repo, name, data)
        infos[name] = info
        if new:
            new_files += 1
            signing.written += len(data)

    # 2. hash bins
    tsigner = signers["targets"]
    bits = _bit_length(previous, len(infos), settings.targets_per_bin)
    succinct = SuccinctRoles([tsigner.public_key.keyid], 1, bits, BIN_PREFIX)
    by_bin: dict[str, dict[str, TargetFile]] = {name: {} for name in succinct.get_roles()}
    for name, info in infos.items():
        by_bin[succinct.get_role_for_target(name)][name] = info
    bin_versions: dict[str, int] = {}
    for role, members in by_bin.items():
        old = previous.bins.get(role)
        bin_versions[role] = signing.keep_or_sign(
            role,
            old,
            old is not None and old.signed.targets == members,
            tsigner,
            lambda version, members=members: Targets(
                version=version, expires=now + settings.targets_expiry, targets=dict(sorted(members.items()))
            ),
        )

    # 3. top-level targets: delegates everything to the bins
    delegations = Delegations(keys={tsigner.public_key.keyid: tsigner.public_key}, succinct_roles=succinct)
    old_t = previous.targets
    targets_version = signing.keep_or_sign(
        "targets",
        old_t,
        old_t is not None and old_t.signed.delegations == delegations and not old_t.signed.targets,
        tsigner,
        lambda version: Targets(version=version, expires=now + settings.targets_expiry, delegations=delegations),
    )

    # 4. snapshot: the version of targets and of every bin
    snap_meta = {"targets.json": MetaFile(targets_version)}
    snap_meta.update({f"{role}.json": MetaFile(v) for role, v in sorted(bin_versions.items())})
    old_s = previous.snapshot
    if old_s is not None:
        # A snapshot may never forget a role terminals have seen; keep any listed before.
        for name, info in old_s.signed.meta.items():
            snap_meta.setdefault(name, info)
    snapshot_version = signing.keep_or_sign(
        "snapshot",
        old_s,
        old_s is not None and old_s.signed.meta == snap_meta,
        signers["snapshot"],
        lambda version: Snapshot(version=version, expires=now + settings.snapshot_expiry, meta=snap_meta),
    )

    # 5. timestamp, always new, written last, once everything it points to is on disk
    os.sync()
    ts = _sign_timestamp(repo, signers["timestamp"], snapshot_version, previous.timestamp, now, settings)
    return PublishResult(
        timestamp_version=ts[0],
        snapshot_version=snapshot_version,
        targets_version=targets_version,
        targets=len(infos),
        new_files=new_files,
        bytes_written=signing.written + ts[1],
        resigned=signing.resigned,
    )


def _sign_timestamp(
    repo: Path,
    signer: CryptoSigner,
    snapshot_version: int,
    old: Metadata[Timestamp] | None,
    now: dt.datetime,
    settings: PublishSettings,
) -> tuple[int, int]:
    md = Metadata(
        Timestamp(
            version=(old.signed.version + 1) if old else 1,
            expires=now + settings.timestamp_expiry,
            snapshot_meta=MetaFile(snapshot_version),
        )
    )
    md.sign(signer)
    size = _write_md(metadata_dir(repo) / "timestamp.json", md, fsync=True)
    return md.signed.version, size


def refresh_timestamp(
    repo: Path, keys_dir: Path, settings: PublishSettings | None = None, *, now: dt.datetime | None = None
) -> int:
    """Re-sign timestamp.json with a new expiry, pointing at the same snapshot (the daily cron job)."""
    settings = settings or PublishSettings()
    now = now or _now()
    repo = Path(repo)
    ts_path = metadata_dir(repo) / "timestamp.json"
    if not ts_path.exists():
        raise PublishError(f"{ts_path} is missing: publish the content first")
    with _repository_lock(repo):
        old = _load(ts_path)
        root = keys.read_root(keys_dir).signed
        signer = keys.load_signer(keys_dir, "timestamp")
        keys.check_signer_matches_root(root, "timestamp", signer, keys_dir)
        version, _ = _sign_timestamp(repo, signer, old.signed.snapshot_meta.version, old, now, settings)
    return version


def publish_bundle(
    bundle: ContentBundle, repo: Path, keys_dir: Path, settings: PublishSettings | None = None
) -> PublishResult:
    """Validate `bundle` (cross-record rules), shard it and sign it into the repository."""
    settings = settings or PublishSettings()
    ensure_valid(bundle)
    result = write_repository(shard_bundle(bundle, settings.shard_sizes), repo, keys_dir, settings)
    result.counts = bundle.counts()
    return result


def publish_source_dir(
    source_dir: Path, repo: Path, keys_dir: Path, settings: PublishSettings | None = None
) -> PublishResult:
    """Read and validate a county's source folder (docs/content-format.md), then publish it."""
    from .sources import read_source_dir

    return publish_bundle(read_source_dir(source_dir), repo, keys_dir, settings)


def repository_size(repo: Path) -> int:
    """Bytes on disk under the repository (for reports)."""
    return sum(f.stat().st_size for f in Path(repo).rglob("*") if f.is_file())


__all__ = [
    "PublishResult",
    "PublishSettings",
    "publish_bundle",
    "publish_source_dir",
    "refresh_timestamp",
    "repository_size",
    "write_repository",
]
