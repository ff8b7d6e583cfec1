"""Usage statistics as plain functions over state.sqlite, for the panel, the CLI, CSV and /metrics.

The tables are written by other parts (search_log by search, print_jobs by printing, feedback and
page_views by the citizen screens, sync_attempts by sync); a table that was never created here
simply counts as empty. Every function takes an open connection and an optional `since` (a local
calendar date, inclusive): days are the terminal's local days (SQLite's 'localtime', i.e. the TZ
of the process), because a hall's day does not begin at 08:00 Beijing time.

Only citizens' searches count: rows the search part logged with source 'cli' (an operator
trying `kiosk search`) are left out everywhere.

Privacy: rows hold no personal data by design. Query text is what citizens typed, so before any
query is shown or exported, long digit runs (a phone or ID-card number typed by mistake) are
masked by `querylog.redact_query`, on top of the masking when stored. `querylog.prune` enforces
SEARCH_LOG_RETENTION_DAYS. The Prometheus counters come from `search_totals`, which folds new
rows into running totals in `stats_totals`, so pruning (ours or the search part's) never makes
them go backwards.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import asdict, dataclass, field
from typing import Any

from content_sync import state

from .search import querylog

# print_jobs.kind of an operator's test slip (kiosk.printing.queue.enqueue_test).
TEST_KIND = "test"


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
    return row is not None


CITIZEN_SEARCHES = "source != 'cli'"


def _since(column: str, since: dt.date | None) -> tuple[str, tuple]:
    """A WHERE clause on the local day of `column` (ISO UTC text), inclusive of `since`."""
    if since is None:
        return "1 = 1", ()
    return f"date({column}, 'localtime') >= ?", (since.isoformat(),)


# --- searches


def searches_per_day(conn: sqlite3.Connection, since: dt.date | None = None) -> list[dict[str, Any]]:
    """Per local day, oldest first: searches, searches without a result."""
    if not has_table(conn, "search_log"):
        return []
    where, args = _since("at", since)
    where += f" AND {CITIZEN_SEARCHES}"
    rows = conn.execute(
        f"SELECT date(at, 'localtime') AS day, count(*) AS searches,"
        f" sum(result_count = 0) AS without_result"
        f" FROM search_log WHERE {where} GROUP BY day ORDER BY day",
        args,
    )
    return [dict(r) for r in rows]


def _grouped_queries(
    conn: sqlite3.Connection, since: dt.date | None, limit: int, only_failed: bool
) -> list[dict[str, Any]]:
    if not has_table(conn, "search_log"):
        return []
    where, args = _since("at", since)
    where += f" AND {CITIZEN_SEARCHES}"
    if only_failed:
        where += " AND result_count = 0"
    # Group on the query as typed, ignoring surrounding spaces and the case of Latin letters (pinyin
    # initials), after masking: two different phone numbers are one masked query.
    conn.create_function("kiosk_redact", 1, querylog.redact_query, deterministic=True)
    rows = conn.execute(
        f"SELECT kiosk_redact(lower(trim(query))) AS q, count(*) AS searches,"
        f" sum(result_count = 0) AS without_result, max(at) AS last_at"
        f" FROM search_log WHERE {where} AND trim(query) != ''"
        f" GROUP BY q ORDER BY searches DESC, last_at DESC, q LIMIT ?",
        (*args, limit),
    )
    return [{"query": r["q"], **{k: r[k] for k in ("searches", "without_result", "last_at")}} for r in rows]


def top_queries(conn: sqlite3.Connection, since: dt.date | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The most frequent queries: query, searches, without_result, last_at."""
    return _grouped_queries(conn, since, limit, only_failed=False)


def failed_queries(conn: sqlite3.Connection, since: dt.date | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The most frequent queries that found nothing: what the county's content is missing."""
    return _grouped_queries(conn, since, limit, only_failed=True)


# --- pages, slips, feedback


def most_viewed(
    conn: sqlite3.Connection, since: dt.date | None = None, kind: str = "guide", limit: int = 20
) -> list[dict[str, Any]]:
    """The records of `kind` opened most often: record_id, views."""
    if not has_table(conn, "page_views"):
        return []
    where, args = _since("at", since)
    rows = conn.execute(
        f"SELECT record_id, count(*) AS views FROM page_views WHERE {where} AND kind = ?"
        f" GROUP BY record_id ORDER BY views DESC, record_id LIMIT ?",
        (*args, kind, limit),
    )
    return [dict(r) for r in rows]


def slips(conn: sqlite3.Connection, since: dt.date | None = None) -> dict[str, Any]:
    """Citizens' print jobs by outcome: printed (done), failed, pending, and printed per kind.

    Operators' test slips (kind 'test') are counted apart, in `test_printed`: they use paper but
    say nothing about what citizens needed.
    """
    out: dict[str, Any] = {"printed": 0, "failed": 0, "pending": 0, "printed_by_kind": {}, "test_printed": 0}
    if not has_table(conn, "print_jobs"):
        return out
    where, args = _since("created_at", since)
    for row in conn.execute(
        f"SELECT status, kind, count(*) AS n FROM print_jobs WHERE {where} GROUP BY status, kind", args
    ):
        if row["kind"] == TEST_KIND:
            if row["status"] == "done":
                out["test_printed"] += row["n"]
        elif row["status"] == "done":
            out["printed"] += row["n"]
            out["printed_by_kind"][row["kind"]] = out["printed_by_kind"].get(row["kind"], 0) + row["n"]
        elif row["status"] == "failed":
            out["failed"] += row["n"]
        else:
            out["pending"] += row["n"]
    return out


def helpful_answers(conn: sqlite3.Connection, since: dt.date | None = None, limit: int = 20) -> dict[str, Any]:
    """Answers to "was this helpful?": totals, and per record the yes/no counts (most "no" first)."""
    out: dict[str, Any] = {"yes": 0, "no": 0, "records": []}
    if not has_table(conn, "feedback"):
        return out
    where, args = _since("at", since)
    totals = conn.execute(
        f"SELECT coalesce(sum(helpful != 0), 0) AS yes, coalesce(sum(helpful = 0), 0) AS no"
        f" FROM feedback WHERE {where}",
        args,
    ).fetchone()
    out["yes"], out["no"] = totals["yes"], totals["no"]
    rows = conn.execute(
        f"SELECT kind, record_id, sum(helpful != 0) AS yes, sum(helpful = 0) AS no FROM feedback WHERE {where}"
        f" GROUP BY kind, record_id ORDER BY no DESC, yes DESC, kind, record_id LIMIT ?",
        (*args, limit),
    )
    out["records"] = [dict(r) for r in rows]
    return out


# --- totals for /metrics (monotonic across pruning)


def ensure_tables(conn: sqlite3.Connection) -> None:
    """Create the operators part's tables (audit_log, admin_auth, stats_totals) if needed."""
    from .admin.store import MIGRATIONS

    state.migrate(conn, "admin", MIGRATIONS)


def _total(conn: sqlite3.Connection, name: str) -> int:
    row = conn.execute("SELECT value FROM stats_totals WHERE name = ?", (name,)).fetchone()
    return row["value"] if row else 0


def _set_total(conn: sqlite3.Connection, name: str, value: int) -> None:
    conn.execute(
        "INSERT INTO stats_totals (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        (name, value),
    )


def search_totals(conn: sqlite3.Connection) -> tuple[int, int]:
    """(searches, searches without a result) by citizens since the terminal was installed.

    Rows logged since the last call (ids above a high-water mark) are added to running totals;
    rows deleted later no longer matter. If the log was emptied and its ids started again from 1,
    every row in it is new.
    """
    ensure_tables(conn)
    if not has_table(conn, "search_log"):
        return _total(conn, "searches"), _total(conn, "searches_without_result")
    with state.write(conn):  # no row can be added while we count and move the mark
        mark = _total(conn, "search_log_counted_id")
        top = conn.execute("SELECT coalesce(max(id), 0) FROM search_log").fetchone()[0]
        if top < mark:
            mark = 0
        n, failed = conn.execute(
            f"SELECT count(*), coalesce(sum(result_count = 0), 0) FROM search_log"
            f" WHERE id > ? AND id <= ? AND {CITIZEN_SEARCHES}",
            (mark, top),
        ).fetchone()
        searches = _total(conn, "searches") + n
        without_result = _total(conn, "searches_without_result") + failed
        if n or top != mark:
            _set_total(conn, "searches", searches)
            _set_total(conn, "searches_without_result", without_result)
            _set_total(conn, "search_log_counted_id", top)
    return searches, without_result


def slips_printed_total(conn: sqlite3.Connection) -> tuple[int, int]:
    """(citizens' slips, operators' test slips) printed, ever."""
    if not has_table(conn, "print_jobs"):
        return 0, 0
    row = conn.execute(
        "SELECT coalesce(sum(kind != ?), 0), coalesce(sum(kind = ?), 0) FROM print_jobs WHERE status = 'done'",
        (TEST_KIND, TEST_KIND),
    ).fetchone()
    return row[0], row[1]


# --- everything at once (CLI --json, the panel, CSV)


@dataclass
class Summary:
    since: str | None
    searches: int = 0
    searches_without_result: int = 0
    per_day: list[dict[str, Any]] = field(default_factory=list)
    top_queries: list[dict[str, Any]] = field(default_factory=list)
    failed_queries: list[dict[str, Any]] = field(default_factory=list)
    most_viewed_guides: list[dict[str, Any]] = field(default_factory=list)
    slips: dict[str, Any] = field(default_factory=dict)
    helpful: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def summary(conn: sqlite3.Connection, since: dt.date | None = None, limit: int = 20) -> Summary:
    """All statistics for the period starting at `since` (None: everything kept)."""
    per_day = searches_per_day(conn, since)
    return Summary(
        since=since.isoformat() if since else None,
        searches=sum(d["searches"] for d in per_day),
        searches_without_result=sum(d["without_result"] for d in per_day),
        per_day=per_day,
        top_queries=top_queries(conn, since, limit),
        failed_queries=failed_queries(conn, since, limit),
        most_viewed_guides=most_viewed(conn, since, "guide", limit),
        slips=slips(conn, since),
        helpful=helpful_answers(conn, since, limit),
    )


def csv_rows(s: Summary, titles: dict[str, str] | None = None) -> list[list[Any]]:
    """The summary as one flat table (section, key, value columns) for a spreadsheet."""
    titles = titles or {}
    rows: list[list[Any]] = [["section", "key", "title", "value", "value_2"]]
    rows.append(["period", "since", "", s.since or "all", ""])
    rows.append(["totals", "searches", "", s.searches, ""])
    rows.append(["totals", "searches_without_result", "", s.searches_without_result, ""])
    rows.append(["totals", "slips_printed", "", s.slips.get("printed", 0), ""])
    rows.append(["totals", "slips_failed", "", s.slips.get("failed", 0), ""])
    rows.append(["totals", "test_slips_printed", "", s.slips.get("test_printed", 0), ""])
    rows.append(["totals", "helpful_yes", "", s.helpful.get("yes", 0), ""])
    rows.append(["totals", "helpful_no", "", s.helpful.get("no", 0), ""])
    for d in s.per_day:
        rows.append(["searches_per_day", d["day"], "", d["searches"], d["without_result"]])
    for q in s.failed_queries:
        rows.append(["queries_without_result", q["query"], "", q["searches"], ""])
    for q in s.top_queries:
        rows.append(["top_queries", q["query"], "", q["searches"], q["without_result"]])
    for v in s.most_viewed_guides:
        rows.append(["most_viewed_guides", v["record_id"], titles.get(v["record_id"], ""), v["views"], ""])
    for kind, n in sorted(s.slips.get("printed_by_kind", {}).items()):
        rows.append(["slips_printed_by_kind", kind, "", n, ""])
    for r in s.helpful.get("records", []):
        key = f"{r['kind']}:{r['record_id']}"
        rows.append(["helpful_by_record", key, titles.get(r["record_id"], ""), r["yes"], r["no"]])
    return rows
