"""Chinese input for the on-screen keyboard: pinyin candidates and handwriting recognition.

  lexicon.py     the general pinyin table (jieba's dictionary + pypinyin readings), built once
                 into CACHE_DIR
  candidates.py  cutting letters into syllables and ranking candidates (county words first)
  zinnia.py      a thin ctypes binding over libzinnia (handwriting recognition)
  views.py       /ime/pinyin and /ime/handwriting for static/js/ime.js
  cli.py         `kiosk ime-build`

`ImeService` (one per app, in app.extensions["kiosk.ime"]) holds the lexicon, the county words of
the last few releases and the handwriting recognizer, each opened on first use.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from pathlib import Path

from ..config import DEFAULTS
from . import lexicon
from .candidates import Candidates, CountyWords, county_words_from_maps
from .zinnia import Recognizer, ZinniaError

log = logging.getLogger(__name__)

DEFAULT_MODEL = DEFAULTS["HANDWRITING_MODEL"]


class NotReady(RuntimeError):
    """The pinyin table is still being built (the first time on a terminal)."""


class ImeService:
    def __init__(self, cache_dir: str | os.PathLike, model_path: str | os.PathLike):
        self.cache_dir = Path(cache_dir)
        self.model_path = Path(model_path)
        self._lock = threading.Lock()
        self._lexicon: lexicon.Lexicon | None = None
        self._building: threading.Thread | None = None
        self._build_error: str | None = None
        self._county: OrderedDict[str, Candidates] = OrderedDict()
        self._recognizer: Recognizer | None = None
        self._recognizer_error: str | None = None

    # --- pinyin
    def lexicon(self, wait: bool = False) -> lexicon.Lexicon:
        """The table; when it is not built yet, build it in the background and raise NotReady
        (or build it now, if `wait`)."""
        with self._lock:
            if self._lexicon is not None:
                return self._lexicon
            path = lexicon.lexicon_path(self.cache_dir)
            if path.is_file():
                self._lexicon = lexicon.Lexicon(path)
                return self._lexicon
            if not wait:
                if self._building is None or not self._building.is_alive():
                    self._building = threading.Thread(target=self._build, name="ime-lexicon", daemon=True)
                    self._building.start()
                raise NotReady(self._build_error or "the pinyin table is being built")
        lexicon.ensure(self.cache_dir)
        return self.lexicon()

    def _build(self) -> None:
        try:
            lexicon.ensure(self.cache_dir)
            self._build_error = None
        except Exception as exc:  # the next request tries again; the log says why
            log.exception("building the pinyin table in %s failed", self.cache_dir)
            self._build_error = f"building the pinyin table failed: {exc}"

    def candidates(self, release_key: str | None, engine) -> Candidates:
        """Candidates over the general table and the county words of this release (kept for the
        last two releases, so a switch never rebuilds the one in use)."""
        table = self.lexicon()
        key = release_key if engine is not None else None
        with self._lock:
            found = self._county.get(key or "")
        if found is None:
            county = CountyWords(())
            if key is not None:
                county = county_words_from_maps(engine.ini_map, engine.full_map, engine.readings, table.syllables)
            found = Candidates(table, county)
            with self._lock:
                self._county[key or ""] = found
                while len(self._county) > 3:
                    self._county.popitem(last=False)
        return found

    # --- handwriting
    def recognizer(self) -> Recognizer:
        """The recognizer, opened once; ZinniaError (with the reason) when it cannot be."""
        with self._lock:
            if self._recognizer is not None:
                return self._recognizer
            if self._recognizer_error is not None:
                raise ZinniaError(self._recognizer_error)
            try:
                self._recognizer = Recognizer(self.model_path)
            except ZinniaError as exc:
                self._recognizer_error = str(exc)
                log.error("handwriting input disabled: %s", exc)
                raise
            return self._recognizer

    def handwriting_error(self) -> str | None:
        """None when handwriting works, else why it does not."""
        try:
            self.recognizer()
        except ZinniaError as exc:
            return str(exc)
        return None

    def close(self) -> None:
        with self._lock:
            if self._recognizer is not None:
                self._recognizer.close()
                self._recognizer = None
