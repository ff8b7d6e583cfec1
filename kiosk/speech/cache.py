"""The audio cache: one WAV file per (engine, voice, text), under CACHE_DIR/speech, bounded in size.

Files are named by a SHA-256 of the engine's name, the voice settings and the spoken text, written
to a temporary name and renamed into place (a reader never sees half a file). Every hit refreshes
the file's time; when the cache grows past its bound the least recently used files go first.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path

from .engines import Voice


def audio_key(engine_name: str, voice: Voice, text: str) -> str:
    return hashlib.sha256(f"{engine_name}\0{voice.key()}\0{text}".encode()).hexdigest()


class AudioCache:
    def __init__(self, root: str | os.PathLike, max_bytes: int):
        self.root = Path(root)
        self.max_bytes = max(0, int(max_bytes))
        self._lock = threading.Lock()
        self._size: int | None = None

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.wav"

    def get(self, key: str) -> Path | None:
        path = self.path(key)
        try:
            os.utime(path)  # least recently used goes first when pruning
        except FileNotFoundError:
            return None
        return path

    def put(self, key: str, data: bytes) -> Path:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".wav")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        with self._lock:
            if self._size is None:
                self._size = self.size()
            else:
                self._size += len(data)
            if self._size > self.max_bytes:
                self._size = self.prune(keep=path)
        return path

    def files(self) -> list[Path]:
        return [p for p in self.root.glob("*/*.wav") if not p.name.startswith(".tmp-")]

    def size(self) -> int:
        total = 0
        for p in self.files():
            try:
                total += p.stat().st_size
            except FileNotFoundError:
                pass
        return total

    def prune(self, keep: Path | None = None) -> int:
        """Delete least recently used files until the cache is at most 80 % of its bound; the new size."""
        entries = []
        for p in self.files():
            try:
                st = p.stat()
            except FileNotFoundError:
                continue
            entries.append((st.st_mtime, st.st_size, p))
        entries.sort()
        total = sum(size for _, size, _ in entries)
        target = self.max_bytes * 0.8
        for _, size, p in entries:
            if total <= target:
                break
            if keep is not None and p == keep:
                continue
            p.unlink(missing_ok=True)
            total -= size
        return total
