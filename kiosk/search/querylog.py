"""The anonymous query log: the owner of state.sqlite's table search_log (docs/architecture.md).

Each search is one row: the query, how many results, how long it took, where it came from
(screen, suggest, cli) and, once the citizen opens a result, which one. Nothing identifies a
person: no session id, no address, and digit runs that look like an ID card or phone number are
masked before the query is stored. Queries with no result are what operators look at first.

`session_tag` is a keyed hash of (idle session id, query): equal for the same query repeated in
one idle session, different for every other query, so the popular list can count distinct
sessions per query while the searches of one session cannot be linked to each other.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import sqlite3

from content_sync.search_index.analysis import normalize
from content_sync.state import migrate

STEPS = [
    """
    CREATE TABLE search_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        query TEXT NOT NULL,
        result_count INTEGER NOT NULL,
        took_ms REAL NOT NULL,
        source TEXT NOT NULL DEFAULT 'screen',
        opened_kind TEXT,
        opened_id TEXT
    );
    CREATE INDEX search_log_by_at ON search_log (at);
    CREATE INDEX search_log_by_query ON search_log (query)
    """,
    "ALTER TABLE search_log ADD COLUMN session_tag TEXT",
]
MAX_LOGGED_CHARS = 100
SOURCES = ("screen", "suggest", "cli")
# Personal numbers (phone, ID-card and bank-card numbers) are masked however they are typed:
# digits or Chinese numerals (一三八…, 幺, 两, 〇), grouped by any separator a person might use.
MASK_MIN_DIGITS = 6
_NUMERALS = {"零": "0", "〇": "0", "○": "0", "洞": "0", "幺": "1", "一": "1", "二": "2", "两": "2", "三": "3",
             "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}  # fmt: skip
_DIGIT_LIKE = "0-9" + "".join(_NUMERALS)
_SEPARATORS = r"\s.\-_/\\,，。、·:：+*~()（）"
_NUMBER_RUN = re.compile(rf"[{_DIGIT_LIKE}](?:[{_SEPARATORS}]*[{_DIGIT_LIKE}])*(?:[{_SEPARATORS}]*[xX])?")
PRUNE_EVERY = 500
POPULAR_MIN_SESSIONS = 3
_NOT_SHOWN = re.compile(r"^[\d\s#\-.]*$|\d{5,}|#")  # digits only, long digit runs, masked runs


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def ensure(conn: sqlite3.Connection) -> sqlite3.Connection:
    migrate(conn, "search", STEPS)
    return conn


def digits_of(text: str) -> str:
    """The digits a run of digits and Chinese numerals spells: 一三八.0013 -> 1380013."""
    return "".join(_NUMERALS.get(c, c) for c in text if c.isdigit() or c in _NUMERALS)


def mask_numbers(text: str, mask: str = "#") -> str:
    """Mask every run that spells MASK_MIN_DIGITS or more digits, separators and numerals included
    (138.0013.8000, 138 0013 8000, 一三八零零一三八零零零, an ID number ending in X)."""

    def _mask(match: re.Match) -> str:
        run = match.group()
        return mask * len(run) if len(digits_of(run)) >= MASK_MIN_DIGITS else run

    return _NUMBER_RUN.sub(_mask, text)


def scrub(query: str) -> str:
    """What is stored of a query: normalized, shortened, personal numbers masked (mask_numbers).

    Masking runs before shortening, so a number cut in half at the end is still masked whole."""
    return mask_numbers(normalize(query)[: MAX_LOGGED_CHARS * 2])[:MAX_LOGGED_CHARS]


def session_tag(secret: str | bytes, sid: str | None, query: str) -> str | None:
    """The tag stored with a search: a keyed hash of the idle session id and the scrubbed query."""
    if not sid or not secret:
        return None
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, f"{sid}\0{scrub(query)}".encode(), hashlib.sha256).hexdigest()[:20]


def record_search(
    conn: sqlite3.Connection,
    query: str,
    result_count: int,
    took_ms: float,
    source: str = "screen",
    retention_days: int = 0,
    tag: str | None = None,
) -> int:
    """Log one search; returns its row id (the screen passes it on to /search/open)."""
    ensure(conn)
    cur = conn.execute(
        "INSERT INTO search_log (at, query, result_count, took_ms, source, session_tag) VALUES (?, ?, ?, ?, ?, ?)",
        (_now(), scrub(query), int(result_count), float(took_ms), source if source in SOURCES else "screen", tag),
    )
    row_id = int(cur.lastrowid)
    if retention_days and row_id % PRUNE_EVERY == 0:
        prune(conn, retention_days)
    return row_id


def record_open(conn: sqlite3.Connection, log_id: int, kind: str, record_id: str) -> bool:
    """Note which result a search led to. Only the first result opened from a search is kept."""
    ensure(conn)
    cur = conn.execute(
        "UPDATE search_log SET opened_kind = ?, opened_id = ? WHERE id = ? AND opened_id IS NULL",
        (kind, record_id, int(log_id)),
    )
    return cur.rowcount == 1


def redact_query(query: str) -> str:
    """Mask personal numbers in a logged query once more where operators read it (rows logged by
    an older version were masked by a narrower rule)."""
    return mask_numbers(query, mask="＊")


def prune(conn: sqlite3.Connection, retention_days: int, now: dt.datetime | None = None) -> int:
    """Delete search_log rows older than `retention_days` (0 keeps everything); return how many.

    kiosk-sync.service runs it nightly (`kiosk prune-search-log`), and the search screen every
    PRUNE_EVERY searches. The rows are first folded into the running totals, so the /metrics
    counters keep them.
    """
    from .. import stats  # the running totals (stats_totals) belong to the statistics

    if retention_days <= 0 or not stats.has_table(conn, "search_log"):
        return 0
    stats.search_totals(conn)
    now = now or dt.datetime.now(dt.UTC)
    cutoff = (now - dt.timedelta(days=retention_days)).isoformat(timespec="seconds")
    # Timestamps are ISO UTC text of one format, so they compare as strings.
    return conn.execute("DELETE FROM search_log WHERE at < ?", (cutoff,)).rowcount


def popular(
    conn: sqlite3.Connection, limit: int = 8, days: int = 30, min_sessions: int = POPULAR_MIN_SESSIONS
) -> list[str]:
    """Queries shown publicly as "大家常搜": typed on the screen lately in at least `min_sessions`
    different idle sessions, each time finding something; never digit strings (one person typing
    a number again and again must not put it on the public screen)."""
    ensure(conn)
    since = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).isoformat(timespec="seconds")
    rows = conn.execute(
        "SELECT query, count(DISTINCT session_tag) AS n FROM search_log"
        " WHERE at >= ? AND source = 'screen' AND result_count > 0 AND session_tag IS NOT NULL AND query != ''"
        " GROUP BY query HAVING n >= ? ORDER BY n DESC, query",
        (since, max(1, int(min_sessions))),
    )
    return [r[0] for r in rows if not _NOT_SHOWN.search(r[0])][:limit]
