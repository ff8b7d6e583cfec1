"""Where things live on a terminal's disk. Every function takes the data root explicitly.

<root>/releases/<release-id>/   one whole, read-only release (content.sqlite, index/, files/,
                                release.json); built in <root>/staging/ and renamed in
<root>/current                  symlink to the active release, switched with os.replace
<root>/state.sqlite             local state: sync attempts, search log, print jobs, feedback
<root>/tuf/metadata/            the client's trusted TUF metadata (root.json installed once)
<root>/tuf/targets/             cache of verified downloaded targets
"""

from __future__ import annotations

import os
from pathlib import Path

RELEASE_DB = "content.sqlite"
RELEASE_INDEX = "index"
RELEASE_FILES = "files"
RELEASE_MANIFEST = "release.json"


def releases_dir(root: Path) -> Path:
    return Path(root) / "releases"


def release_dir(root: Path, release_id: str) -> Path:
    return releases_dir(root) / release_id


def staging_dir(root: Path) -> Path:
    return Path(root) / "staging"


def current_link(root: Path) -> Path:
    return Path(root) / "current"


def current_release(root: Path) -> Path | None:
    """The resolved directory of the active release, or None if nothing was ever activated."""
    link = current_link(root)
    if not link.is_symlink():
        return None
    target = Path(os.path.realpath(link))
    return target if (target / RELEASE_MANIFEST).is_file() else None


def state_db(root: Path) -> Path:
    return Path(root) / "state.sqlite"


def tuf_metadata_dir(root: Path) -> Path:
    return Path(root) / "tuf" / "metadata"


def tuf_targets_dir(root: Path) -> Path:
    return Path(root) / "tuf" / "targets"
