"""The terminal's verified sync: TUF metadata -> changed shards -> validated bundle -> new release.

`sync(root, settings)` is the whole job, and every attempt is recorded in state.sqlite
(sync_attempts). It takes plain arguments (`SyncSettings`), so it runs the same from the kiosk
CLI, a systemd timer, the operator panel or a test. Failures raise a SyncError subclass after
recording it; the active release is never touched unless a new one is whole and valid.

Steps: take the lock -> clean what a crashed sync left -> refresh TUF metadata (root, timestamp,
snapshot, targets) -> if the snapshot is the one the active release came from, stop ("unchanged")
-> read the manifest target -> for each shard use the verified cache or download it -> rebuild
and validate the bundle -> build a release -> switch `current` -> prune old releases and cached
shards that are no longer listed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib import parse

from tuf.api import exceptions as tuf_errors
from tuf.api.metadata import Metadata
from tuf.ngclient import Updater

from . import faults, paths, state
from .bundle import check_bundle
from .errors import SchemaError
from .fetcher import PortalFetcher
from .locks import exclusive_lock
from .release import activate, build_release, clean_staging, prune, read_manifest
from .shards import MANIFEST, assemble_bundle
from .shards import read_manifest as read_shard_manifest
from .sync_errors import (
    ContentInvalid,
    LocalError,
    MetadataExpired,
    PortalUnreachable,
    RollbackDetected,
    SyncBusy,
    SyncConfigError,
    SyncError,
    VerificationFailed,
)

MIGRATIONS = [
    """
    CREATE TABLE sync_attempts (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        outcome TEXT NOT NULL,
        error_kind TEXT,
        error TEXT,
        release_id TEXT,
        bytes_downloaded INTEGER NOT NULL DEFAULT 0,
        targets_downloaded INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX sync_attempts_by_start ON sync_attempts (started_at)
    """
]
LOCK_FILE = "sync.lock"


@dataclass(frozen=True)
class SyncSettings:
    """Where the portal is, what root of trust to start from, and how patiently to fetch."""

    metadata_url: str
    targets_url: str
    root_metadata: Path
    timeout: float = 30
    retries: int = 3
    max_bytes_per_second: int = 0
    keep_releases: int = 3
    cache_dir: Path | None = None  # the kiosk's CACHE_DIR, used when the search index is built


@dataclass
class SyncResult:
    outcome: str  # 'updated' | 'unchanged'
    release_id: str | None
    bytes_downloaded: int
    targets_downloaded: int
    targets_total: int
    attempt_id: int
    content_version: str = ""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def open_state(root: Path) -> sqlite3.Connection:
    """state.sqlite with the sync tables migrated."""
    conn = state.open_db(root)
    state.migrate(conn, "sync", MIGRATIONS)
    return conn


def last_attempts(conn: sqlite3.Connection, limit: int = 10) -> list[dict]:
    rows = conn.execute("SELECT * FROM sync_attempts ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return [dict(r) for r in rows]


def last_success(conn: sqlite3.Connection) -> dict | None:
    row = conn.execute(
        "SELECT * FROM sync_attempts WHERE outcome IN ('updated', 'unchanged') ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return dict(row) if row else None


@contextmanager
def sync_lock(root: Path) -> Iterator[None]:
    """One sync (or rollback) at a time per data root. The kernel drops the lock if we die."""
    with exclusive_lock(Path(root) / LOCK_FILE, SyncBusy("another sync is running on this terminal")):
        yield


def translate(exc: BaseException) -> SyncError:
    """Turn python-tuf and OS errors into our typed errors with a message an operator can use."""
    if isinstance(exc, SyncError):
        return exc
    if isinstance(exc, tuf_errors.DownloadLengthMismatchError):
        return VerificationFailed(f"the portal sent more data than the signed metadata allows ({exc})")
    if isinstance(exc, tuf_errors.SlowRetrievalError):
        return PortalUnreachable(f"the portal did not answer in time: {exc}")
    if isinstance(exc, tuf_errors.DownloadHTTPError):
        return PortalUnreachable(f"the portal answered with an error: {exc}")
    if isinstance(exc, tuf_errors.DownloadError):
        cause = exc.__cause__ or exc
        return PortalUnreachable(f"the portal is unreachable: {exc}" + (f" ({cause})" if cause is not exc else ""))
    if isinstance(exc, tuf_errors.ExpiredMetadataError):
        return MetadataExpired(f"the portal's signed metadata has expired: {exc}")
    if isinstance(exc, tuf_errors.BadVersionNumberError):
        return RollbackDetected(f"the portal offered older metadata than this terminal trusts: {exc}")
    if isinstance(exc, tuf_errors.LengthOrHashMismatchError):
        return VerificationFailed(f"a file from the portal does not match its signed hash: {exc}")
    if isinstance(exc, tuf_errors.UnsignedMetadataError):
        return VerificationFailed(f"metadata is not signed by the keys this terminal trusts: {exc}")
    if isinstance(exc, tuf_errors.RepositoryError):
        return VerificationFailed(f"the portal's metadata does not verify: {exc}")
    if isinstance(exc, SchemaError):
        err = ContentInvalid(f"the signed content fails validation: {exc}")
        err.problems = exc.problems  # type: ignore[attr-defined]
        return err
    if isinstance(exc, OSError):
        return LocalError(f"local disk error: {exc}")
    return SyncError(f"{type(exc).__name__}: {exc}")


def _target_cache_name(target_path: str) -> str:
    return parse.quote(target_path, "")


def _snapshot_identity(metadata_dir: Path) -> tuple[int, str]:
    """Version and digest of the trusted snapshot. After a successful refresh() the snapshot.json
    in the metadata cache is exactly the one python-tuf verified and holds as trusted."""
    data = (metadata_dir / "snapshot.json").read_bytes()
    return Metadata.from_bytes(data).signed.version, hashlib.sha256(data).hexdigest()


def _load_root(settings: SyncSettings) -> bytes:
    if not settings.metadata_url or not settings.targets_url:
        raise SyncConfigError("the portal URLs are not set (PORTAL_METADATA_URL, PORTAL_TARGETS_URL)")
    try:
        return Path(settings.root_metadata).read_bytes()
    except OSError as exc:
        raise SyncConfigError(f"cannot read the county's root metadata {settings.root_metadata}: {exc}") from None


class _Attempt:
    """The sync_attempts row of this run."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.id = conn.execute(
            "INSERT INTO sync_attempts (started_at, outcome) VALUES (?, 'running')", (_now(),)
        ).lastrowid

    def finish(self, outcome: str, *, kind=None, error=None, release_id=None, fetcher=None, downloaded=0) -> None:
        self.conn.execute(
            "UPDATE sync_attempts SET finished_at = ?, outcome = ?, error_kind = ?, error = ?, release_id = ?,"
            " bytes_downloaded = ?, targets_downloaded = ? WHERE id = ?",
            (
                _now(),
                outcome,
                kind,
                error,
                release_id,
                fetcher.bytes_downloaded if fetcher else 0,
                downloaded,
                self.id,
            ),
        )


def _close_interrupted(conn: sqlite3.Connection) -> None:
    """Attempts still 'running' when we hold the lock were killed mid-way: say so."""
    conn.execute(
        "UPDATE sync_attempts SET outcome = 'failed', error_kind = 'interrupted',"
        " error = 'the sync process stopped before finishing (power cut or killed)', finished_at = ?"
        " WHERE outcome = 'running'",
        (_now(),),
    )


def sync(root: Path, settings: SyncSettings) -> SyncResult:
    """Bring the terminal at data root `root` to the portal's current signed content."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    conn = open_state(root)
    try:
        try:
            with sync_lock(root):
                return _locked_sync(root, settings, conn)
        except SyncBusy as exc:
            _Attempt(conn).finish("failed", kind=exc.kind, error=str(exc))
            raise
    finally:
        conn.close()


def _locked_sync(root: Path, settings: SyncSettings, conn: sqlite3.Connection) -> SyncResult:
    faults.point("sync:locked")
    _close_interrupted(conn)
    attempt = _Attempt(conn)
    faults.point("sync:recorded")
    fetcher = PortalFetcher(settings.timeout, settings.retries, settings.max_bytes_per_second)
    counter = {"downloaded": 0}
    try:
        result = _run(root, settings, fetcher, counter, attempt.id)
    except BaseException as exc:
        fetcher.close()
        if not isinstance(exc, Exception):  # Ctrl-C, SystemExit: record, then let it through
            attempt.finish("failed", kind="interrupted", error=f"stopped by {type(exc).__name__}", fetcher=fetcher)
            raise
        err = translate(exc)
        attempt.finish("failed", kind=err.kind, error=str(err), fetcher=fetcher, downloaded=counter["downloaded"])
        if err is exc:
            raise
        raise err from exc
    fetcher.close()
    faults.point("sync:before-record")
    attempt.finish(result.outcome, release_id=result.release_id, fetcher=fetcher, downloaded=result.targets_downloaded)
    return result


def _run(root: Path, settings: SyncSettings, fetcher: PortalFetcher, counter: dict, attempt_id: int) -> SyncResult:
    bootstrap = _load_root(settings)
    clean_staging(root)
    meta_dir = paths.tuf_metadata_dir(root)
    target_dir = paths.tuf_targets_dir(root)
    meta_dir.mkdir(parents=True, exist_ok=True)
    target_dir.mkdir(parents=True, exist_ok=True)
    for stray in meta_dir.glob("tmp*"):  # python-tuf's temporary files from a killed run
        stray.unlink(missing_ok=True)
    try:
        updater = Updater(
            str(meta_dir),
            settings.metadata_url,
            str(target_dir),
            settings.targets_url,
            fetcher=fetcher,
            bootstrap=bootstrap,
        )
    except tuf_errors.RepositoryError as exc:
        raise SyncConfigError(f"the installed root metadata {settings.root_metadata} is not valid: {exc}") from exc
    updater.refresh()
    faults.point("sync:refreshed")
    snap_version, snap_digest = _snapshot_identity(meta_dir)
    content_version = f"snapshot-{snap_version}"

    current = paths.current_release(root)
    if current is not None:
        active = read_manifest(current)
        if active.get("snapshot_digest") == snap_digest:
            prune(root, settings.keep_releases)  # a sync killed after its switch left one too many
            return SyncResult("unchanged", active["id"], fetcher.bytes_downloaded, 0, 0, attempt_id, content_version)

    def fetch(name: str) -> Path:
        info = updater.get_targetinfo(name)
        if info is None:
            raise VerificationFailed(f"the manifest names {name!r}, which the signed metadata does not list")
        cached = updater.find_cached_target(info)
        if cached is None:
            cached = updater.download_target(info)
            counter["downloaded"] += 1
            faults.point("sync:downloaded")
        return Path(cached)

    entries = read_shard_manifest(fetch(MANIFEST).read_bytes())
    faults.point("sync:manifest")
    wanted = {MANIFEST, *(e["name"] for e in entries)}
    local = {e["name"]: fetch(e["name"]) for e in entries}
    faults.point("sync:all-downloaded")

    bundle = assemble_bundle(entries, lambda name: local[name].read_bytes())
    problems = check_bundle(bundle)
    if problems:
        raise SchemaError(problems)
    faults.point("sync:validated")

    release = build_release(
        bundle,
        root,
        content_version=content_version,
        source=settings.metadata_url,
        extra={"snapshot_version": snap_version, "snapshot_digest": snap_digest, "sync_attempt": attempt_id},
        cache_dir=settings.cache_dir,
    )
    faults.point("sync:built")
    activate(root, release)
    faults.point("sync:activated")
    prune(root, settings.keep_releases)
    faults.point("sync:pruned")
    _prune_target_cache(target_dir, wanted)
    return SyncResult(
        "updated",
        release.name,
        fetcher.bytes_downloaded,
        counter["downloaded"],
        len(wanted),
        attempt_id,
        content_version,
    )


def _prune_target_cache(target_dir: Path, wanted: set[str]) -> None:
    """Delete cached shards the portal no longer lists, so the cache does not grow forever."""
    keep = {_target_cache_name(n) for n in wanted}
    for entry in target_dir.iterdir():
        if entry.name not in keep:
            entry.unlink(missing_ok=True)
            faults.point("sync:cache-pruned")
