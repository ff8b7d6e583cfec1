"""The search index of a release: analyzer, schema, default lexicon and the index builder.

`build_index(db_path, index_dir)` is called by content_sync.release.build_release; the kiosk's
search engine (kiosk.search) reads what it writes, using the same analyzer.
"""

from ..kinds import KINDS
from .builder import INDEX_VERSION, LEXICON_FILE, SUGGEST_DB, build_index

__all__ = ["INDEX_VERSION", "KINDS", "LEXICON_FILE", "SUGGEST_DB", "build_index"]
