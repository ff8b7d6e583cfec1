"""Read access to the active release, for the web app and the CLI.

`ReleaseHolder.current()` compares the realpath of `<DATA_DIR>/current` with the release it has
open and switches when a sync activated a new one, so a new release is served at the next request
without a restart. Requests already holding the old `Release` finish on it undisturbed: a release
directory is never modified, and pruning keeps the last few.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from content_sync import paths
from content_sync.kinds import record_kind
from content_sync.release import read_manifest
from content_sync.release_db import open_release
from content_sync.schema import CatalogItem, Document, Domain, Guide, Hall, LifeEvent, Site

M = TypeVar("M", bound=BaseModel)

# The largest page number we try to compute with; anything beyond is clamped to the last page.
_MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class Page:
    """One page of a long list: the records on it, and where it sits among the pages."""

    items: list
    number: int
    pages: int
    total: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def clamp_page(number: int | str | None, total: int, size: int) -> tuple[int, int, int]:
    """(page, pages, offset) for a requested page number, clamped into 1..pages.

    Citizens and crawlers alike may send any text as a page number: anything that is not a
    positive whole number means the first page, and a page past the end means the last one.
    """
    pages = max(1, -(-total // max(1, size)))
    try:
        page = int(str(number)) if number is not None else 1
    except ValueError:
        page = 1
    page = min(max(1, page), pages, _MAX_PAGE)
    return page, pages, (page - 1) * size


class Release:
    """One read-only release. Each thread gets its own SQLite connection."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.manifest: dict = read_manifest(self.path)
        self.id: str = self.manifest["id"]
        self._local = threading.local()

    @property
    def db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = open_release(self.path)
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

    def _one(self, table: str, model: type[M], record_id: str) -> M | None:
        row = self.db.execute(f"SELECT data FROM {table} WHERE id = ?", (record_id,)).fetchone()
        return model.model_validate_json(row[0]) if row else None

    def record_title(self, kind: str, record_id: str) -> str | None:
        """The name or title of a record of any kind (content_sync.kinds), or None if there is none."""
        found = record_kind(kind)
        if found is None:
            return None
        row = self.db.execute(f"SELECT {found.title_column} FROM {found.table} WHERE id = ?", (record_id,)).fetchone()
        return row[0] if row else None

    def has_record(self, kind: str, record_id: str) -> bool:
        return self.record_title(kind, record_id) is not None

    def guide(self, guide_id: str) -> Guide | None:
        return self._one("guides", Guide, guide_id)

    def catalog_item(self, item_id: str) -> CatalogItem | None:
        return self._one("catalog_items", CatalogItem, item_id)

    def document(self, document_id: str) -> Document | None:
        return self._one("documents", Document, document_id)

    def life_event(self, event_id: str) -> LifeEvent | None:
        return self._one("life_events", LifeEvent, event_id)

    # --- lists and paging

    def _page(
        self, model: type[BaseModel], count_sql: str, rows_sql: str, args: tuple, page: int | str | None, size: int
    ) -> Page:
        total = self.db.execute(count_sql, args).fetchone()[0]
        number, pages, offset = clamp_page(page, total, size)
        rows = self.db.execute(rows_sql + " LIMIT ? OFFSET ?", (*args, size, offset))
        return Page([model.model_validate_json(r[0]) for r in rows], number, pages, total)

    def domain(self, domain_id: str) -> Domain | None:
        return self._one("domains", Domain, domain_id)

    def domain_by_name(self, name: str) -> Domain | None:
        row = self.db.execute("SELECT data FROM domains WHERE name = ?", (name,)).fetchone()
        return Domain.model_validate_json(row[0]) if row else None

    def categories(self, domain: str) -> list[tuple[str, int]]:
        """First-level categories of a domain's catalog rows with their row counts, in sheet order."""
        rows = self.db.execute(
            "SELECT category_1, count(*) FROM catalog_items WHERE domain = ?"
            " GROUP BY category_1 ORDER BY min(position)",
            (domain,),
        )
        return [(r[0], r[1]) for r in rows]

    def subcategories(self, domain: str, category_1: str) -> list[tuple[str, int]]:
        """Second-level categories under one first-level category ('' for rows that have none)."""
        rows = self.db.execute(
            "SELECT category_2, count(*) FROM catalog_items WHERE domain = ? AND category_1 = ?"
            " GROUP BY category_2 ORDER BY min(position)",
            (domain, category_1),
        )
        return [(r[0], r[1]) for r in rows]

    def catalog_rows(
        self, domain: str, category_1: str, category_2: str | None, page: int | str | None = 1, size: int = 12
    ) -> Page:
        """Catalog rows of a category; `category_2=None` means every row of the first-level category."""
        where = "domain = ? AND category_1 = ?"
        args: tuple[str, ...] = (domain, category_1)
        if category_2 is not None:
            where, args = where + " AND category_2 = ?", (*args, category_2)
        return self._page(
            CatalogItem,
            f"SELECT count(*) FROM catalog_items WHERE {where}",
            f"SELECT data FROM catalog_items WHERE {where} ORDER BY position",
            args,
            page,
            size,
        )

    def catalog_items_for_guide(self, guide_id: str) -> list[CatalogItem]:
        rows = self.db.execute("SELECT data FROM catalog_items WHERE guide_id = ? ORDER BY position", (guide_id,))
        return [CatalogItem.model_validate_json(r[0]) for r in rows]

    def guides_in_domain(self, domain: str, page: int | str | None = 1, size: int = 12) -> Page:
        return self._page(
            Guide,
            "SELECT count(*) FROM guides WHERE domain = ?",
            "SELECT data FROM guides WHERE domain = ? ORDER BY position",
            (domain,),
            page,
            size,
        )

    def departments(self) -> list[tuple[str, int]]:
        """Every department that handles at least one guide, with its number of guides."""
        rows = self.db.execute("SELECT department, count(*) FROM guides GROUP BY department ORDER BY min(position)")
        return [(r[0], r[1]) for r in rows]

    def guides_by_department(self, department: str, page: int | str | None = 1, size: int = 12) -> Page:
        return self._page(
            Guide,
            "SELECT count(*) FROM guides WHERE department = ?",
            "SELECT data FROM guides WHERE department = ? ORDER BY position",
            (department,),
            page,
            size,
        )

    def life_events(self) -> list[LifeEvent]:
        rows = self.db.execute("SELECT data FROM life_events ORDER BY position")
        return [LifeEvent.model_validate_json(r[0]) for r in rows]

    def life_event_guides(self, event: LifeEvent) -> list[Guide]:
        """The event's guides in the order the citizen needs them; ids without a guide are left out."""
        guides = (self.guide(gid) for gid in event.guide_ids)
        return [g for g in guides if g is not None]

    def life_events_with_guide(self, guide_id: str) -> list[LifeEvent]:
        return [e for e in self.life_events() if guide_id in e.guide_ids]

    def document_kind_counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT kind, count(*) FROM documents GROUP BY kind").fetchall())

    def documents_by_kind(self, kind: str, page: int | str | None = 1, size: int = 12) -> Page:
        """Documents of one kind, newest first."""
        return self._page(
            Document,
            "SELECT count(*) FROM documents WHERE kind = ?",
            "SELECT data FROM documents WHERE kind = ? ORDER BY issued_on DESC, id",
            (kind,),
            page,
            size,
        )

    def documents(self, ids: list[str]) -> list[Document]:
        """The documents among `ids` that this release holds, in the order given."""
        found = (self.document(i) for i in ids)
        return [d for d in found if d is not None]

    def interpretations(self, document_id: str) -> list[Document]:
        """The 政策解读 that explain a policy, newest first."""
        rows = self.db.execute(
            "SELECT data FROM documents WHERE interprets = ? ORDER BY issued_on DESC, id", (document_id,)
        )
        return [Document.model_validate_json(r[0]) for r in rows]

    def recent_notices(self, limit: int = 5) -> list[Document]:
        rows = self.db.execute(
            "SELECT data FROM documents WHERE kind = '通知公告' ORDER BY issued_on DESC, id LIMIT ?", (limit,)
        )
        return [Document.model_validate_json(r[0]) for r in rows]

    def attachment_path(self, document_id: str, path: str) -> Path | None:
        """The file of one of a document's attachments, or None if `path` is not one of them."""
        row = self.db.execute(
            "SELECT path FROM attachments WHERE document_id = ? AND path = ?", (document_id, path)
        ).fetchone()
        if row is None:
            return None
        root = self.files_dir.resolve()
        target = (root / row[0]).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return None
        return target

    def counts(self) -> dict[str, int]:
        """How many records of each kind the release serves (after the negative list)."""
        tables = {
            "domains": "domains",
            "catalog": "catalog_items",
            "guides": "guides",
            "documents": "documents",
            "life_events": "life_events",
        }
        return {k: self.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for k, t in tables.items()}


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
