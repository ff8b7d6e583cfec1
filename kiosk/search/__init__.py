"""Search for the kiosk: the engine (engine.py), the query log (querylog.py), the screen
(views.py) and `kiosk search` (cli.py).

`engine_for(release, cache_dir)` keeps one SearchEngine per release directory (by realpath), so a
sync that switches `current` gets a fresh engine at the next request while requests still holding
the old release finish on the old engine.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from pathlib import Path

from content_sync import paths

from .engine import KIND_LABELS, KINDS, Group, Hit, SearchEngine, SearchResult, Suggestion

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "EngineCache",
    "Group",
    "Hit",
    "SearchEngine",
    "SearchResult",
    "Suggestion",
]

log = logging.getLogger(__name__)


class EngineCache:
    """One engine per release realpath; keeps the last few so a switch never closes one in use."""

    def __init__(self, cache_dir: str | Path | None = None, keep: int = 2):
        self.cache_dir = cache_dir
        self.keep = keep
        self._engines: OrderedDict[str, SearchEngine | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, release_path: str | Path) -> SearchEngine | None:
        """The engine of this release, or None when it has no usable index (the page says so)."""
        key = os.path.realpath(release_path)
        engine = self._engines.get(key)
        if engine is not None or key in self._engines:
            return engine
        with self._lock:
            if key not in self._engines:
                try:
                    if (Path(key) / paths.RELEASE_INDEX).is_dir():
                        self._engines[key] = SearchEngine(key, self.cache_dir)
                    else:
                        log.warning("release %s has no search index", key)
                        self._engines[key] = None
                except Exception:
                    log.exception("cannot open the search index of %s", key)
                    self._engines[key] = None
                while len(self._engines) > self.keep:
                    # Dropped, not closed: a request may still be using it; the GC closes it.
                    self._engines.popitem(last=False)
            return self._engines[key]
