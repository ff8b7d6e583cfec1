"""Releases: build one whole, read-only release directory, then make it `current` atomically.

A release is built under <root>/staging/<id>/, fsynced, renamed into <root>/releases/<id>/ when
complete, and activated by replacing the `current` symlink with os.replace (then the directory
is fsynced). Nothing ever writes into a release after it is renamed into place, so power can be
cut at any instant: `current` names either the old or the new release, and either is whole.
release.json lists the sha256 of every file, so `verify_release` can prove it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from . import faults, paths
from .bundle import ContentBundle
from .release_db import write_database
from .search_index import build_index
from .sync_errors import NoPreviousRelease


def new_release_id(now: dt.datetime | None = None) -> str:
    """Sortable by build time (microseconds), unique by a random suffix."""
    now = now or dt.datetime.now(dt.UTC)
    return now.strftime("%Y%m%dT%H%M%S%fZ") + "-" + uuid.uuid4().hex[:8]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _build_search_index(db_path: Path, index_dir: Path, cache_dir: Path | None, root: Path) -> None:
    """The one place the release's search index is built: after content.sqlite is complete,
    before checksums are taken (so the index files are listed in release.json). The active
    release's index is offered for reuse only if its files match its release.json."""
    build_index(db_path, index_dir, cache_dir=cache_dir, previous=_verified_index(root))


def _verified_index(root: Path) -> Path | None:
    """The active release's index directory, if every file in it is listed in its release.json
    with the right checksum (a damaged index is never copied into a new release)."""
    release = paths.current_release(root)
    if release is None:
        return None
    index_dir = release / paths.RELEASE_INDEX
    try:
        listed = read_manifest(release).get("files", {})
        prefix = paths.RELEASE_INDEX + "/"
        expected = {rel: digest for rel, digest in listed.items() if rel.startswith(prefix)}
        present = {p.relative_to(release).as_posix() for p in _all_files(index_dir)}
        if not expected or present != set(expected):
            return None
        if any(_sha256(release / rel) != digest for rel, digest in expected.items()):
            return None
    except (OSError, ValueError):
        return None
    return index_dir


def _all_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.name != paths.RELEASE_MANIFEST)


def build_release(
    bundle: ContentBundle,
    root: Path,
    *,
    content_version: str = "",
    source: str = "",
    extra: dict[str, Any] | None = None,
    cache_dir: Path | None = None,
) -> Path:
    """Build a complete release from a validated bundle and return its final directory.

    `extra` adds fields to release.json (the sync records where the content came from);
    `cache_dir` is the kiosk's CACHE_DIR, for the search analyzer's dictionary cache.
    """
    root = Path(root)
    release_id = new_release_id()
    staging = paths.staging_dir(root) / release_id
    staging.mkdir(parents=True)
    faults.point("build:staging")
    try:
        built_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        db_path = staging / paths.RELEASE_DB
        write_database(
            bundle,
            db_path,
            meta={"release_id": release_id, "content_version": content_version, "built_at": built_at},
        )
        faults.point("build:database")
        _build_search_index(db_path, staging / paths.RELEASE_INDEX, cache_dir, root)
        faults.point("build:index")
        files_dir = staging / paths.RELEASE_FILES
        files_dir.mkdir()
        for rel, data in sorted(bundle.attachments.items()):
            target = files_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            faults.point("build:attachment")
        manifest = {
            "id": release_id,
            "built_at": built_at,
            "content_version": content_version,
            "source": source,
            "county": bundle.site.county,
            "content_updated_at": max(
                [bundle.site.updated_at]
                + [r.updated_at for group in (bundle.catalog, bundle.guides, bundle.documents) for r in group]
            ).isoformat(),
            "counts": bundle.counts(),
            **(extra or {}),
            "files": {p.relative_to(staging).as_posix(): _sha256(p) for p in _all_files(staging)},
        }
        (staging / paths.RELEASE_MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        faults.point("build:manifest")
        for dirpath, _dirs, files in os.walk(staging):
            for name in files:
                with open(os.path.join(dirpath, name), "rb+") as f:
                    os.fsync(f.fileno())
            _fsync_dir(Path(dirpath))
        faults.point("build:fsynced")
        final = paths.release_dir(root, release_id)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging, final)
        faults.point("build:renamed")
        _fsync_dir(final.parent)
        _fsync_dir(staging.parent)
        return final
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def activate(root: Path, release: Path) -> None:
    """Point `current` at `release` atomically: a new symlink renamed over the old one."""
    root = Path(root)
    link = paths.current_link(root)
    tmp = root / f".current-{uuid.uuid4().hex[:8]}"
    os.symlink(os.path.relpath(release, root), tmp)
    faults.point("activate:linked")
    os.replace(tmp, link)
    faults.point("activate:replaced")
    _fsync_dir(root)


def read_manifest(release: Path) -> dict:
    return json.loads((Path(release) / paths.RELEASE_MANIFEST).read_text())


def verify_release(release: Path) -> list[str]:
    """Problems with a release on disk (missing or changed files); an empty list if it is whole."""
    release = Path(release)
    try:
        manifest = read_manifest(release)
    except (OSError, ValueError) as exc:
        return [f"{release.name}: release.json unreadable ({exc})"]
    problems = []
    listed = manifest.get("files", {})
    if paths.RELEASE_DB not in listed:
        problems.append(f"{release.name}: release.json lists no {paths.RELEASE_DB}")
    for rel, digest in sorted(listed.items()):
        path = release / rel
        if not path.is_file():
            problems.append(f"{release.name}/{rel}: missing")
        elif _sha256(path) != digest:
            problems.append(f"{release.name}/{rel}: checksum differs from release.json")
    return problems


def list_releases(root: Path) -> list[Path]:
    """Complete releases on disk, oldest first (ids sort by build time)."""
    directory = paths.releases_dir(root)
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_dir() and (p / paths.RELEASE_MANIFEST).is_file())


def clean_staging(root: Path) -> list[str]:
    """Remove half-built releases and stray temporary links a crash left behind.

    Call only while holding the sync lock: a build in progress lives in staging/ too.
    """
    removed = []
    staging = paths.staging_dir(root)
    if staging.is_dir():
        for entry in staging.iterdir():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry.name)
    root = Path(root)
    if root.is_dir():
        for entry in root.glob(".current-*"):
            if entry.is_symlink():
                entry.unlink()
                removed.append(entry.name)
    releases = paths.releases_dir(root)
    if releases.is_dir():
        for entry in releases.iterdir():
            if entry.is_dir() and not (entry / paths.RELEASE_MANIFEST).is_file():
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry.name)
    return removed


def prune(root: Path, keep: int) -> list[str]:
    """Delete the oldest releases so that `keep` remain (the active one always stays).

    Readers that still have an old release's database open keep reading it: on Linux an
    unlinked file lives on until its last reader closes it.
    """
    keep = max(1, int(keep))
    current = paths.current_release(root)
    releases = list_releases(root)
    survivors = set(releases[-keep:])
    if current is not None:
        survivors.add(current)
        if len(survivors) > keep:
            newest_others = [r for r in reversed(releases) if r != current][: keep - 1]
            survivors = {current, *newest_others}
    removed = []
    for release in releases:
        if release not in survivors:
            # Rename first so a crash never leaves a half-deleted release that looks whole.
            trash = paths.staging_dir(root) / f"prune-{release.name}"
            trash.parent.mkdir(parents=True, exist_ok=True)
            os.rename(release, trash)
            faults.point("prune:renamed")
            shutil.rmtree(trash, ignore_errors=True)
            removed.append(release.name)
    return removed


def rollback(root: Path) -> Path:
    """Activate the newest release older than the active one and return it."""
    current = paths.current_release(root)
    releases = list_releases(root)
    older = [r for r in releases if current is None or r.name < current.name]
    if not older:
        raise NoPreviousRelease("there is no older release on this terminal to go back to")
    previous = older[-1]
    problems = verify_release(previous)
    if problems:
        raise NoPreviousRelease(f"the previous release {previous.name} is damaged: {problems[0]}")
    activate(root, previous)
    return previous
