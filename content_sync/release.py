"""Releases: build one whole, read-only release directory, then make it `current` atomically.

A release is built under <root>/staging/, renamed into <root>/releases/<id>/ when complete, and
activated by replacing the `current` symlink with os.replace. Nothing ever writes into a release
after it is renamed into place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path

from . import paths
from .bundle import ContentBundle
from .release_db import write_database
from .search_index import build_index


def new_release_id(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]


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


def build_release(
    bundle: ContentBundle,
    root: Path,
    *,
    content_version: str = "",
    source: str = "",
    cache_dir: Path | None = None,
) -> Path:
    """Build a complete release from a validated bundle and return its final directory.

    `cache_dir` is where the search analyzer keeps jieba's dictionary cache (the kiosk's CACHE_DIR).
    """
    root = Path(root)
    release_id = new_release_id()
    staging = paths.staging_dir(root) / release_id
    staging.mkdir(parents=True)
    try:
        built_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        write_database(
            bundle,
            staging / paths.RELEASE_DB,
            meta={"release_id": release_id, "content_version": content_version, "built_at": built_at},
        )
        build_index(staging / paths.RELEASE_DB, staging / paths.RELEASE_INDEX, cache_dir=cache_dir)
        files_dir = staging / paths.RELEASE_FILES
        files_dir.mkdir()
        for rel, data in sorted(bundle.attachments.items()):
            target = files_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
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
            "files": {paths.RELEASE_DB: _sha256(staging / paths.RELEASE_DB)},
        }
        (staging / paths.RELEASE_MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        for dirpath, _dirs, files in os.walk(staging):
            for name in files:
                with open(os.path.join(dirpath, name), "rb+") as f:
                    os.fsync(f.fileno())
        final = paths.release_dir(root, release_id)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging, final)
        _fsync_dir(final.parent)
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
    os.replace(tmp, link)
    _fsync_dir(root)


def read_manifest(release: Path) -> dict:
    return json.loads((Path(release) / paths.RELEASE_MANIFEST).read_text())
