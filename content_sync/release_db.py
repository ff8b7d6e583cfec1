"""The release database (content.sqlite): one county's validated content, read-only once built.

Each record is stored whole as its schema JSON in `data`, beside the columns the screens filter
and sort on. Readers rebuild the pydantic model from `data` (content_sync.schema), so the schema
stays the single definition of a record.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from . import paths
from .bundle import ContentBundle

SCHEMA_VERSION = 1

DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE site (id INTEGER PRIMARY KEY CHECK (id = 1), data TEXT NOT NULL);
CREATE TABLE domains (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, position INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE TABLE catalog_items (
    id TEXT PRIMARY KEY, domain TEXT NOT NULL, category_1 TEXT NOT NULL, category_2 TEXT NOT NULL,
    name TEXT NOT NULL, item_type TEXT NOT NULL, form TEXT NOT NULL, status TEXT NOT NULL,
    levels TEXT NOT NULL, guide_id TEXT, position INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE INDEX catalog_by_domain ON catalog_items (domain, category_1, category_2, position);
CREATE INDEX catalog_by_guide ON catalog_items (guide_id);
CREATE TABLE guides (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, domain TEXT NOT NULL, department TEXT NOT NULL,
    item_code TEXT NOT NULL, position INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE INDEX guides_by_domain ON guides (domain, position);
CREATE INDEX guides_by_department ON guides (department, position);
CREATE TABLE documents (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, title TEXT NOT NULL, number TEXT NOT NULL,
    issuer TEXT NOT NULL, issued_on TEXT NOT NULL, validity TEXT, domain TEXT, interprets TEXT,
    data TEXT NOT NULL
);
CREATE INDEX documents_by_kind ON documents (kind, issued_on DESC);
CREATE INDEX documents_by_interprets ON documents (interprets);
CREATE TABLE life_events (id TEXT PRIMARY KEY, name TEXT NOT NULL, position INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE synonyms (id TEXT PRIMARY KEY, terms TEXT NOT NULL);
CREATE TABLE attachments (
    path TEXT PRIMARY KEY, document_id TEXT NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL,
    sha256 TEXT NOT NULL
);
"""


def _json(model) -> str:
    return model.model_dump_json()


def write_database(bundle: ContentBundle, path: Path, meta: dict[str, str] | None = None) -> None:
    """Write `bundle` into a new SQLite file at `path` (which must not exist yet).

    Citizens never see records on the negative list (涉密不予公开) or documents that are not
    proactively disclosed, so those never enter a release at all.
    """
    import hashlib

    path = Path(path)
    if path.exists():
        raise FileExistsError(path)
    conn = sqlite3.connect(path)
    try:
        conn.executescript(DDL)
        rows = {"schema_version": str(SCHEMA_VERSION), **(meta or {})}
        conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(rows.items()))
        conn.execute("INSERT INTO site VALUES (1, ?)", (_json(bundle.site),))
        conn.executemany(
            "INSERT INTO domains VALUES (?, ?, ?, ?)",
            [(d.id, d.name, i, _json(d)) for i, d in enumerate(bundle.domains)],
        )
        conn.executemany(
            "INSERT INTO catalog_items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    c.id,
                    c.domain,
                    c.category_1,
                    c.category_2,
                    c.name,
                    c.item_type,
                    c.form,
                    c.status,
                    "、".join(c.level),
                    c.guide_id,
                    i,
                    _json(c),
                )
                for i, c in enumerate(bundle.catalog)
                if c.shown_on_kiosk
            ],
        )
        conn.executemany(
            "INSERT INTO guides VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(g.id, g.name, g.domain, g.department, g.item_code, i, _json(g)) for i, g in enumerate(bundle.guides)],
        )
        public_docs = [d for d in bundle.documents if d.disclosure == "主动公开"]
        conn.executemany(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    d.id,
                    d.kind,
                    d.title,
                    d.number,
                    d.issuer,
                    d.issued_on.isoformat(),
                    d.validity,
                    d.domain,
                    d.interprets,
                    _json(d),
                )
                for d in public_docs
            ],
        )
        conn.executemany(
            "INSERT INTO life_events VALUES (?, ?, ?, ?)",
            [(e.id, e.name, i, _json(e)) for i, e in enumerate(bundle.life_events)],
        )
        conn.executemany(
            "INSERT INTO synonyms VALUES (?, ?)",
            [(s.id, json.dumps(s.terms, ensure_ascii=False)) for s in bundle.synonyms],
        )
        conn.executemany(
            "INSERT INTO attachments VALUES (?, ?, ?, ?, ?)",
            [
                (
                    a.path,
                    d.id,
                    a.name,
                    len(bundle.attachments[a.path]),
                    hashlib.sha256(bundle.attachments[a.path]).hexdigest(),
                )
                for d in public_docs
                for a in d.attachments
            ],
        )
        conn.commit()
    finally:
        conn.close()


def open_release(release: Path | str) -> sqlite3.Connection:
    """open_readonly() on the content database of the release directory `release`."""
    return open_readonly(Path(release) / paths.RELEASE_DB)


def open_readonly(path: Path) -> sqlite3.Connection:
    """Open a release database for reading. `immutable=1`: nothing ever writes a live release."""
    uri = Path(path).resolve().as_uri() + "?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn
