"""The general pinyin lexicon: every word of jieba's dictionary (with its frequency) and every
common character, with readings computed by pypinyin, in one compact SQLite table.

It depends only on the jieba and pypinyin versions installed, not on the county's content, so it
is built once into CACHE_DIR (`kiosk ime-build`, run by `kiosk sync` after a release is built, or
lazily on first use) and shared by every release. The county's own words come from the release
(see candidates.py) and rank above it.

Table `entries` (WITHOUT ROWID, primary key initials, syllables, word):
  initials   first letters of the syllables ("sb" for 社保)
  syllables  the readings, space-separated ("she bao"); single characters get one row per reading
  word       the word or character
  freq       jieba's frequency (0 for characters jieba does not list)
A lookup is an index range on (initials, syllables prefix) ordered by freq.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
MAX_WORD_CHARS = 8  # longer dictionary entries are phrases nobody types whole on a kiosk
# Characters of the basic CJK block every reading of which pypinyin knows: rare name characters
# (堃, 喆) must be reachable by pinyin too, after the common ones.
CJK_FIRST, CJK_LAST = 0x4E00, 0x9FFF
ALTERNATE_READING_DIVISOR = 50


@dataclass(frozen=True)
class LexiconInfo:
    path: Path
    entries: int
    bytes: int
    build_seconds: float | None  # None when the table was already there


def _jieba_dict() -> Path:
    import jieba

    return Path(jieba.__file__).resolve().parent / "dict.txt"


def lexicon_key() -> str:
    """What the table is built from: its format, the dictionary file and the pypinyin version."""
    from importlib.metadata import version  # not `import pypinyin`: the web process never loads it

    d = _jieba_dict()
    st = d.stat()
    raw = f"{FORMAT_VERSION}:{st.st_size}:{int(st.st_mtime)}:{version('pypinyin')}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def lexicon_path(cache_dir: str | os.PathLike) -> Path:
    return Path(cache_dir) / "ime" / f"pinyin-{lexicon_key()}.sqlite"


def _is_han(word: str) -> bool:
    return all(CJK_FIRST <= ord(ch) <= CJK_LAST or 0x3400 <= ord(ch) <= 0x4DBF for ch in word)


def _rows() -> Iterator[tuple[str, str, str, int]]:
    """(initials, syllables, word, freq) for the dictionary's words and the characters."""
    from pypinyin import Style, lazy_pinyin, pinyin
    from pypinyin.pinyin_dict import pinyin_dict

    char_freq: dict[str, int] = {}
    with open(_jieba_dict(), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2 or not parts[1].isdigit():
                continue
            word, freq = parts[0], int(parts[1])
            if not _is_han(word) or len(word) > MAX_WORD_CHARS:
                continue
            if len(word) == 1:
                char_freq[word] = max(freq, char_freq.get(word, 0))
                continue
            syl = lazy_pinyin(word, style=Style.NORMAL, errors=lambda _c: [""])
            if len(syl) != len(word) or not all(s.isascii() and s.isalpha() for s in syl):
                continue
            yield "".join(s[0] for s in syl), " ".join(syl), word, freq
    for code in pinyin_dict:
        if not (CJK_FIRST <= code <= CJK_LAST):
            continue
        ch = chr(code)
        readings = pinyin(ch, style=Style.NORMAL, heteronym=True)[0]
        freq = char_freq.get(ch, 0)
        for i, s in enumerate(dict.fromkeys(readings)):
            if s.isascii() and s.isalpha():
                # The usual reading keeps the character's frequency; the others (说 shui, 行 hang)
                # rank far lower, so that they do not push aside the characters usually read so.
                yield s[0], s, ch, freq if i == 0 else freq // ALTERNATE_READING_DIVISOR


def build(path: Path) -> LexiconInfo:
    """Write the table to a temporary file beside `path`, then rename it into place."""
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA page_size = 4096")
        conn.execute(
            "CREATE TABLE entries (initials TEXT NOT NULL, syllables TEXT NOT NULL, word TEXT NOT NULL,"
            " freq INTEGER NOT NULL, PRIMARY KEY (initials, syllables, word)) WITHOUT ROWID"
        )
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.executemany("INSERT OR IGNORE INTO entries VALUES (?, ?, ?, ?)", _rows())
        single = conn.execute("SELECT DISTINCT syllables FROM entries WHERE instr(syllables, ' ') = 0")
        syllables = sorted(r[0] for r in single)
        conn.execute("INSERT INTO meta VALUES ('syllables', ?)", (" ".join(syllables),))
        conn.execute("INSERT INTO meta VALUES ('format', ?)", (str(FORMAT_VERSION),))
        conn.commit()
        conn.execute("VACUUM")
        count = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
    finally:
        conn.close()
    os.replace(tmp, path)
    seconds = time.perf_counter() - started
    log.info("pinyin lexicon built: %s, %d entries, %.1f s", path, count, seconds)
    return LexiconInfo(path, count, path.stat().st_size, seconds)


_build_lock = threading.Lock()


def ensure(cache_dir: str | os.PathLike) -> LexiconInfo:
    """The table for the installed jieba and pypinyin, built once if it is not in CACHE_DIR yet;
    tables of older versions are removed."""
    path = lexicon_path(cache_dir)
    with _build_lock:
        if path.is_file():
            info = LexiconInfo(path, -1, path.stat().st_size, None)
        else:
            info = build(path)
        for old in path.parent.glob("pinyin-*.sqlite"):
            if old != path:
                old.unlink(missing_ok=True)
    return info


class Lexicon:
    """Read-only lookups in the table; one connection per thread (sqlite3 objects stay in the
    thread that made them)."""

    def __init__(self, path: Path):
        self.path = path
        self._local = threading.local()
        conn = self._conn()
        row = conn.execute("SELECT value FROM meta WHERE key = 'syllables'").fetchone()
        self.syllables: frozenset[str] = frozenset(row[0].split()) if row else frozenset()

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=True)
            conn.execute("PRAGMA query_only = ON")
            self._local.conn = conn
        return conn

    def words(self, initials: str, prefix: str, limit: int, exact: bool = False) -> list[tuple[str, str, int]]:
        """(word, syllables, freq) with exactly these initials whose syllables start with
        `prefix` (or are `prefix`, if exact), most frequent first."""
        if exact:
            sql = (
                "SELECT word, syllables, freq FROM entries WHERE initials = ? AND syllables = ?"
                " ORDER BY freq DESC LIMIT ?"
            )
            return self._conn().execute(sql, (initials, prefix, limit)).fetchall()
        return (
            self._conn()
            .execute(
                "SELECT word, syllables, freq FROM entries WHERE initials = ? AND syllables >= ? AND syllables < ?"
                " ORDER BY freq DESC LIMIT ?",
                (initials, prefix, prefix + "\x7f", limit),
            )
            .fetchall()
        )

    def longer_words(self, initials: str, prefix: str, limit: int) -> list[tuple[str, str, int]]:
        """Words with more syllables than `initials` has letters, starting the same way."""
        return (
            self._conn()
            .execute(
                "SELECT word, syllables, freq FROM entries WHERE initials > ? AND initials < ?"
                " AND syllables >= ? AND syllables < ? ORDER BY freq DESC LIMIT ?",
                (initials, initials + "\x7f", prefix, prefix + "\x7f", limit),
            )
            .fetchall()
        )
