"""The pinyin table for the input-method tests: built once (about a minute) and kept in pytest's
cache directory between runs, keyed like the table itself by the jieba and pypinyin versions."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kiosk.ime import lexicon


@pytest.fixture(scope="session")
def pinyin_table(request, tmp_path_factory) -> Path:
    # pytest's cache keeps the table between runs; without it (-p no:cacheprovider) build it once here.
    store = getattr(request.config, "cache", None)
    cache = Path(store.mkdir("ime-lexicon")) if store is not None else tmp_path_factory.mktemp("ime-lexicon")
    return lexicon.ensure(cache).path


def seed_cache(cache_dir: str | os.PathLike, table: Path) -> Path:
    """Put the built table into a kiosk's CACHE_DIR, as `kiosk ime-build` would have."""
    target = lexicon.lexicon_path(cache_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        try:
            os.link(table, target)
        except OSError:
            shutil.copyfile(table, target)
    return target
