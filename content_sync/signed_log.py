"""What the county has signed: every metadata version, with the length and sha256 of its bytes.

KEYS_DIR/signed-versions.sqlite, owned by this module, kept beside the keys because it belongs
to the signer, not to one copy of the repository. The publisher records each version here, and
the record is on disk (SQLite, synchronous=FULL), before the file is written into REPO_DIR and
long before anything is uploaded. So a publish killed half-way never leads to a version number
being signed twice with different bytes: the next publish starts above everything ever signed,
and `record` refuses outright to sign a number again for other bytes. A host that keeps the
names it already has (immutable caching) can then never pair one publication's file with
another's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

from .sync_errors import PublishError

FILE_NAME = "signed-versions.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS signed (
    role TEXT NOT NULL,
    version INTEGER NOT NULL,
    length INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    PRIMARY KEY (role, version)
)
"""


class SignedLog:
    """The signer's record of versions; use as a context manager (closes the database)."""

    def __init__(self, keys_dir: Path):
        self.path = Path(keys_dir) / FILE_NAME
        try:
            self._conn = sqlite3.connect(self.path, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=DELETE")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute(_SCHEMA)
            self.path.chmod(0o600)
        except (sqlite3.Error, OSError) as exc:
            raise PublishError(
                f"cannot keep the record of signed versions {self.path}: {exc}"
                " (the key folder must be writable by the publisher)"
            ) from None

    def __enter__(self) -> SignedLog:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def highest(self, role: str) -> int:
        """The highest version of `role` ever signed (0: none)."""
        row = self._conn.execute("SELECT max(version) FROM signed WHERE role = ?", (role,)).fetchone()
        return int(row[0] or 0)

    def digest(self, role: str, version: int) -> str | None:
        row = self._conn.execute("SELECT sha256 FROM signed WHERE role = ? AND version = ?", (role, version)).fetchone()
        return row[0] if row else None

    def record(self, role: str, version: int, data: bytes) -> None:
        """Record that `data` is version `version` of `role`, durably, before it is written anywhere.

        Raises PublishError if that version was already signed with other bytes.
        """
        digest = hashlib.sha256(data).hexdigest()
        known = self.digest(role, version)
        if known == digest:
            return
        if known is not None:
            raise PublishError(
                f"{role} version {version} was already signed with other bytes (sha256 {known[:12]}…);"
                " a version number is never signed twice: publish again to sign the next one"
            )
        self._conn.execute(
            "INSERT INTO signed (role, version, length, sha256, signed_at) VALUES (?, ?, ?, ?, ?)",
            (role, version, len(data), digest, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        )

    def entries(self) -> list[tuple[str, int, str]]:
        """(role, version, sha256) of everything signed, for reports and tests."""
        return [tuple(r) for r in self._conn.execute("SELECT role, version, sha256 FROM signed ORDER BY role, version")]
