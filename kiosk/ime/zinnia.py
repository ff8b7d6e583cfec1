"""A thin ctypes binding over Zinnia's C API (Debian `libzinnia0`), enough to recognise a
handwritten character with a model such as tegaki's Simplified Chinese one.

Zinnia has no maintained Python binding. Its C API is small: a recognizer opened on a model
file, a character made of strokes (lists of points on a width x height box), and a result of
n-best (character, score) pairs. Everything created here is destroyed here: `Recognizer.close()`
(or the context manager) destroys the recognizer; each `classify` call destroys its character
and its result before it returns.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from collections.abc import Sequence
from pathlib import Path

LIBRARY_NAMES = ("libzinnia.so.0", "libzinnia.so")
MAX_STROKES = 64
MAX_POINTS_PER_STROKE = 2000


class ZinniaError(RuntimeError):
    """The library or the model cannot be used; the message says which file and why."""


_lib: ctypes.CDLL | None = None
_lib_lock = threading.Lock()


def load_library() -> ctypes.CDLL:
    """Load libzinnia once and declare the signatures this module calls."""
    global _lib
    with _lib_lock:
        if _lib is not None:
            return _lib
        names = list(LIBRARY_NAMES)
        found = ctypes.util.find_library("zinnia")
        if found:
            names.append(found)
        errors = []
        for name in names:
            try:
                lib = ctypes.CDLL(name)
                break
            except OSError as exc:
                errors.append(str(exc))
        else:
            raise ZinniaError(
                "the Zinnia library (libzinnia.so.0, Debian package libzinnia0) cannot be loaded: " + "; ".join(errors)
            )
        vp, sz = ctypes.c_void_p, ctypes.c_size_t
        signatures = {
            "zinnia_recognizer_new": ([], vp),
            "zinnia_recognizer_destroy": ([vp], None),
            "zinnia_recognizer_open": ([vp, ctypes.c_char_p], ctypes.c_int),
            "zinnia_recognizer_strerror": ([vp], ctypes.c_char_p),
            "zinnia_recognizer_size": ([vp], sz),
            "zinnia_recognizer_classify": ([vp, vp, sz], vp),
            "zinnia_character_new": ([], vp),
            "zinnia_character_destroy": ([vp], None),
            "zinnia_character_set_width": ([vp, sz], None),
            "zinnia_character_set_height": ([vp, sz], None),
            "zinnia_character_add": ([vp, sz, ctypes.c_int, ctypes.c_int], ctypes.c_int),
            "zinnia_result_value": ([vp, sz], ctypes.c_char_p),
            "zinnia_result_score": ([vp, sz], ctypes.c_float),
            "zinnia_result_size": ([vp], sz),
            "zinnia_result_destroy": ([vp], None),
        }
        for name, (args, res) in signatures.items():
            fn = getattr(lib, name)
            fn.argtypes = args
            fn.restype = res
        _lib = lib
        return lib


Stroke = Sequence[tuple[int, int]]


class Recognizer:
    """One Zinnia recognizer on one model file. `classify` is serialised by a lock: the model is
    shared, and one classification takes a few milliseconds."""

    def __init__(self, model_path: str | Path):
        self.model_path = Path(model_path)
        if not self.model_path.is_file():
            raise ZinniaError(
                f"the handwriting model {self.model_path} does not exist "
                "(Debian package tegaki-zinnia-simplified-chinese, or set HANDWRITING_MODEL)"
            )
        self._lib = load_library()
        self._lock = threading.Lock()
        handle = self._lib.zinnia_recognizer_new()
        if not handle:
            raise ZinniaError("zinnia_recognizer_new failed (out of memory?)")
        if not self._lib.zinnia_recognizer_open(handle, str(self.model_path).encode()):
            message = (self._lib.zinnia_recognizer_strerror(handle) or b"").decode("utf-8", "replace")
            self._lib.zinnia_recognizer_destroy(handle)
            raise ZinniaError(f"the handwriting model {self.model_path} cannot be opened: {message}")
        self._handle: int | None = handle

    @property
    def size(self) -> int:
        """How many characters the model knows."""
        with self._lock:
            return int(self._lib.zinnia_recognizer_size(self._require()))

    def _require(self) -> int:
        if self._handle is None:
            raise ZinniaError("the recognizer is closed")
        return self._handle

    def classify(self, strokes: Sequence[Stroke], width: int, height: int, n: int = 10) -> list[tuple[str, float]]:
        """The n likeliest characters for `strokes` drawn on a width x height box, best first."""
        if not strokes:
            return []
        lib = self._lib
        with self._lock:
            handle = self._require()
            character = lib.zinnia_character_new()
            if not character:
                raise ZinniaError("zinnia_character_new failed (out of memory?)")
            result = None
            try:
                lib.zinnia_character_set_width(character, int(width))
                lib.zinnia_character_set_height(character, int(height))
                for index, stroke in enumerate(strokes):
                    for x, y in stroke:
                        lib.zinnia_character_add(character, index, int(x), int(y))
                result = lib.zinnia_recognizer_classify(handle, character, int(n))
                if not result:
                    return []
                out = []
                for i in range(lib.zinnia_result_size(result)):
                    value = lib.zinnia_result_value(result, i)
                    if value:
                        out.append((value.decode("utf-8", "replace"), float(lib.zinnia_result_score(result, i))))
                return out
            finally:
                if result:
                    lib.zinnia_result_destroy(result)
                lib.zinnia_character_destroy(character)

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._lib.zinnia_recognizer_destroy(self._handle)
                self._handle = None

    def __enter__(self) -> Recognizer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):  # a recognizer dropped without close() still frees its model
        try:
            self.close()
        except Exception:
            pass
