"""Read access to the active release, for the web app and the CLI.

`ReleaseHolder.current()` compares the realpath of `<DATA_DIR>/current` with the release it has
open and switches when a sync activated a new one, so a new release is served at the next request
without a restart. Requests already holding the old `Release` finish on it undisturbed: a release
directory is never modified, and pruning keeps the last few.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from functools import cached_property
from pathlib import Path

from content_sync import paths
from content_sync.release_db import open_readonly
from content_sync.schema import CatalogItem, Document, Domain, Guide, Hall, LifeEvent, Site


class Release:
    """One read-only release. Each thread gets its own SQLite connection."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.manifest: dict = json.loads((self.path / paths.RELEASE_MANIFEST).read_text())
        self.id: str = self.manifest["id"]
        self._local = threading.local()

    @property
    def db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = open_readonly(self.path / paths.RELEASE_DB)
        return conn

    @property
    def index_dir(self) -> Path:
        return self.path / paths.RELEASE_INDEX

    @property
    def files_dir(self) -> Path:
        return self.path / paths.RELEASE_FILES

    # --- site and domains

    @cached_property
    def site(self) -> Site:
        return Site.model_validate_json(self.db.execute("SELECT data FROM site").fetchone()[0])

    def hall(self, hall_id: str = "") -> Hall:
        """The hall this terminal stands in; the first hall when unset or unknown."""
        for hall in self.site.halls:
            if hall.id == hall_id:
                return hall
        return self.site.halls[0]

    def domains(self) -> list[Domain]:
        rows = self.db.execute("SELECT data FROM domains ORDER BY position")
        return [Domain.model_validate_json(r[0]) for r in rows]

    def domains_with_counts(self) -> list[tuple[Domain, int, int]]:
        """Each domain with its number of catalog rows and of guides, in the county's order."""
        catalog = dict(self.db.execute("SELECT domain, count(*) FROM catalog_items GROUP BY domain").fetchall())
        guides = dict(self.db.execute("SELECT domain, count(*) FROM guides GROUP BY domain").fetchall())
        return [(d, catalog.get(d.name, 0), guides.get(d.name, 0)) for d in self.domains()]

    # --- single records

    def _one(self, table: str, model, record_id: str):
        row = self.db.execute(f"SELECT data FROM {table} WHERE id = ?", (record_id,)).fetchone()
        return model.model_validate_json(row[0]) if row else None

    def guide(self, guide_id: str) -> Guide | None:
        return self._one("guides", Guide, guide_id)

    def catalog_item(self, item_id: str) -> CatalogItem | None:
        return self._one("catalog_items", CatalogItem, item_id)

    def document(self, document_id: str) -> Document | None:
        return self._one("documents", Document, document_id)

    def life_event(self, event_id: str) -> LifeEvent | None:
        return self._one("life_events", LifeEvent, event_id)


class ReleaseHolder:
    """Keeps the active release open and notices when `current` points somewhere new."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self._lock = threading.Lock()
        self._release: Release | None = None
        self._realpath: str | None = None

    def current(self) -> Release | None:
        link = paths.current_link(self.data_dir)
        real = os.path.realpath(link) if link.is_symlink() else None
        if real == self._realpath:
            return self._release
        with self._lock:
            if real != self._realpath:
                target = paths.current_release(self.data_dir)
                self._release = Release(target) if target else None
                self._realpath = real
            return self._release
