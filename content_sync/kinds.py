"""The kinds of record a release holds, declared once.

Each kind's table in content.sqlite (and the column that names a record), its `kind` in the
search index, the path of its page on the terminal and its Chinese label. The index builder, the
search engine, the kiosk's content reader and its pages all read this table; none keeps a copy.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RecordKind:
    name: str  # the index's `kind` field, and the kind in URLs such as /search/open?kind=
    table: str  # its table in content.sqlite
    title_column: str  # the column that holds a record's name or title
    url: str  # the path of a record's page on the terminal, with {} for its id
    label: str  # what citizens read


RECORD_KINDS: dict[str, RecordKind] = {
    k.name: k
    for k in (
        RecordKind("guide", "guides", "name", "/guides/{}", "办事指南"),
        RecordKind("catalog", "catalog_items", "name", "/catalog/{}", "公开目录"),
        RecordKind("document", "documents", "title", "/documents/{}", "政策文件与通知"),
        RecordKind("life_event", "life_events", "name", "/events/{}", "一件事"),
    )
}
# The index's kinds, in the order results of equal score are listed.
KINDS: tuple[str, ...] = tuple(RECORD_KINDS)
# Other names some state tables use for a kind (page_views and feedback say "catalog_item").
ALIASES = {"catalog_item": "catalog"}


def record_kind(name: str) -> RecordKind | None:
    """The kind called `name` (or one of its ALIASES), or None."""
    return RECORD_KINDS.get(ALIASES.get(name, name))
