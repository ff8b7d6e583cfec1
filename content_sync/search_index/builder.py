"""Build a release's search index from its content.sqlite, once, into a new directory.

What goes into <release>/index/:
  whoosh files    one segment; ids, kinds, titles and the tokens of the searchable fields
  lexicon.json    what the query side needs to read queries the way the index was built: the
                  words added to jieba (with their frequencies), the synonym groups (default
                  lexicon + county), the pinyin -> word map, the boilerplate stop list
  suggest.sqlite  title, initials and full-pinyin prefixes for suggestions as the citizen types
Nothing here is ever modified after the release is renamed into place.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import shutil
import sqlite3
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from whoosh import fields, index
from whoosh.analysis import SpaceSeparatedTokenizer

from ..release_db import open_readonly
from . import analysis
from .lexicon import default_lexicon

INDEX_VERSION = 1
LEXICON_FILE = "lexicon.json"
SUGGEST_DB = "suggest.sqlite"
# The digest of everything the index is built from (see input_digest); an index whose inputs are
# unchanged is copied from the previous release instead of being built again.
INPUT_DIGEST_FILE = "input.sha256"
KIND_ORDER = {kind: i for i, kind in enumerate(("guide", "life_event", "catalog", "document"))}
# A body word found in more than this share of all records is boilerplate (办理, 材料, 本县…):
# it stays in titles but is left out of bodies, so it never drags long posting lists into a query.
BOILERPLATE_SHARE = 0.3
BOILERPLATE_MIN_RECORDS = 40
PINYIN_MAP_CAP = 24
MAX_SUGGEST_STARTS = 10
# Memory whoosh may fill with postings before it sorts them into runs on disk and merges them at
# the end. Spilling made the build of 16,000 guides + 16,000 catalog rows 1.3x slower (64 s vs
# 50 s) for 0.5 GB less peak memory (bench/bench_build.py); a county of a few thousand records
# never reaches either limit.
WRITER_LIMIT_MB = 512
_PLACE = re.compile(r"^(.{1,6}?(?:县|镇|乡|街道))")


def make_schema() -> fields.Schema:
    """Only ids, kinds, titles and tokens: the records themselves stay in content.sqlite."""
    tokens = SpaceSeparatedTokenizer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        kind=fields.ID(stored=True),
        title_text=fields.STORED(),
        subkind=fields.STORED(),
        validity=fields.ID(stored=True),
        title=fields.TEXT(analyzer=tokens, phrase=True),
        keywords=fields.TEXT(analyzer=tokens, phrase=False),
        topic=fields.TEXT(analyzer=tokens, phrase=False),
        guide_id=fields.STORED(),
        body=fields.TEXT(analyzer=tokens, phrase=False),
        dept=fields.TEXT(analyzer=tokens, phrase=False),
        number=fields.KEYWORD(lowercase=False),
        ini=fields.KEYWORD(lowercase=False),
        py=fields.KEYWORD(lowercase=False),
    )


@dataclass
class Entry:
    """One searchable record, as text, before tokenizing."""

    id: str
    kind: str
    title: str
    body: str
    keywords: str = ""
    topic: str = ""
    guide_id: str = ""
    dept: str = ""
    number: str = ""
    validity: str = ""
    subkind: str = ""
    extra_words: list[str] = field(default_factory=list)


def _join(*parts) -> str:
    out = []
    for part in parts:
        if isinstance(part, list | tuple):
            out.extend(str(p) for p in part if p)
        elif part:
            out.append(str(part))
    return "\n".join(out)


def read_entries(db: sqlite3.Connection) -> Iterator[Entry]:
    """Every record a citizen can open, as the text the index needs."""
    for rid, data in db.execute("SELECT id, data FROM guides ORDER BY position"):
        g = json.loads(data)
        yield Entry(
            id=rid,
            kind="guide",
            title=g["name"],
            body=_join(
                g.get("summary"),
                g.get("conditions"),
                [m["name"] for m in g.get("materials", [])],
                [s["name"] for s in g.get("steps", [])],
                g.get("result"),
                g.get("window"),
            ),
            keywords=_join(g.get("keywords")),
            topic=_join(g.get("domain"), g.get("item_type")),
            dept=g.get("department", ""),
            subkind=g.get("item_type", ""),
        )
    for rid, data in db.execute("SELECT id, data FROM catalog_items ORDER BY position"):
        c = json.loads(data)
        yield Entry(
            id=rid,
            kind="catalog",
            title=c["name"],
            body=_join(c.get("content"), c.get("basis")),
            topic=_join(c.get("domain"), c.get("category_1"), c.get("category_2"), c.get("item_type")),
            guide_id=c.get("guide_id") or "",
            dept=c.get("publisher", ""),
            subkind=c.get("form", ""),
        )
    for rid, data in db.execute("SELECT id, data FROM documents ORDER BY issued_on DESC, id"):
        d = json.loads(data)
        yield Entry(
            id=rid,
            kind="document",
            title=d["title"],
            body=_join(d.get("summary"), d.get("body")),
            topic=_join(d.get("domain"), d.get("kind"), d.get("interpretation_form")),
            dept=d.get("issuer", ""),
            number=d.get("number", ""),
            validity=d.get("validity") or "",
            subkind=d.get("kind", ""),
        )
    guide_names = dict(db.execute("SELECT id, name FROM guides"))
    for rid, data in db.execute("SELECT id, data FROM life_events ORDER BY position"):
        e = json.loads(data)
        yield Entry(
            id=rid,
            kind="life_event",
            title=e["name"],
            body=_join(e.get("description"), [guide_names.get(g, "") for g in e.get("guide_ids", [])]),
        )


def _synonym_groups(db: sqlite3.Connection) -> list[list[str]]:
    groups = [list(g) for g in default_lexicon().synonyms]
    for (terms,) in db.execute("SELECT terms FROM synonyms ORDER BY id"):
        groups.append([t for t in json.loads(terms) if t])
    return [[analysis.normalize(t) for t in g] for g in groups]


def _county_words(db: sqlite3.Connection, groups: list[list[str]]) -> list[str]:
    """Words jieba must keep whole: item names, domains, synonym terms, the lexicon's words."""
    lex = default_lexicon()
    words: list[str] = []
    for sql in (
        "SELECT name FROM domains",
        "SELECT name FROM guides",
        "SELECT DISTINCT name FROM catalog_items",
        "SELECT DISTINCT category_1 FROM catalog_items",
        "SELECT DISTINCT category_2 FROM catalog_items",
        "SELECT name FROM life_events",
    ):
        words.extend(analysis.normalize(r[0]) for r in db.execute(sql))
    # Place names of the county and its halls (长宁镇, 柏树乡), so they stay whole words.
    site = json.loads(db.execute("SELECT data FROM site").fetchone()[0])
    words.append(analysis.normalize(site["county"]))
    for hall in site["halls"]:
        m = _PLACE.match(analysis.normalize(hall["name"]))
        if m:
            words.append(m.group(1))
    words.extend(t for g in groups for t in g)
    words.extend(analysis.normalize(w) for w in lex.words)
    seen: set[str] = set()
    out = []
    for w in words:
        if 2 <= len(w) <= 40 and analysis.is_han(w) and " " not in w and w not in seen:
            seen.add(w)
            out.append(w)
    return out


def _title_pinyin_terms(tokens: list[str], title: str) -> tuple[list[str], list[str]]:
    ini, py = set(), set()
    for tok in tokens:
        if analysis.is_han(tok):
            ini.add(analysis.initials(tok))
            py.add(analysis.full_pinyin(tok))
    compact = title.replace(" ", "")
    ini.add(analysis.initials(compact)[:40])
    py.add(analysis.full_pinyin(compact)[:80])
    return sorted(t for t in ini if t), sorted(t for t in py if t)


SUGGEST_DDL = """
CREATE TABLE titles (n INTEGER PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL,
                     rank INTEGER NOT NULL);
CREATE TABLE keys (key TEXT NOT NULL, n INTEGER NOT NULL, start INTEGER NOT NULL);
"""


def _word_starts(norm: str, tok) -> list[int]:
    """Where words begin in a title: jieba's words and the dictionary words inside long ones
    (county names are single jieba words, yet 养老保险 inside one must start a suggestion too)."""
    freq = tok.FREQ
    starts: set[int] = set()
    for word, start, _end in tok.tokenize(norm):
        if not word.strip() or not (analysis.is_han(word) or word.isalnum()):
            continue
        starts.add(start)
        if len(word) > 2 and analysis.all_han(word):
            for i in range(1, len(word) - 1):
                if any(freq.get(word[i : i + k]) for k in range(2, min(len(word) - i, 12) + 1)):
                    starts.add(start + i)
    return sorted(starts)[:MAX_SUGGEST_STARTS]


def _suggest_keys(
    title: str, title_words: list[str], groups_by_term: dict[str, list[int]], groups: list[list[str]], tok
) -> set[tuple[str, int]]:
    """Prefix keys of one title: (key, start) with start 0 for the title's beginning, 1 for a
    later word or a synonym of a word in it. Latin keys hold initials and full pinyin."""
    norm = analysis.normalize(title)
    full, first = analysis.char_pinyin(norm)
    keys: set[tuple[str, int]] = set()
    for start in _word_starts(norm, tok):
        rank = 0 if start == 0 else 1
        keys.add((norm[start:].replace(" ", "")[:40], rank))
        keys.add(("".join(c for c in first[start:] if c.isalnum())[:30], rank))
        keys.add(("".join(c for c in full[start : start + 8] if c.isalnum())[:40], rank))
    for tok in set(title_words):
        for gi in groups_by_term.get(tok, ()):
            for other in groups[gi]:
                if other != tok:
                    keys.update({(other, 1), (analysis.initials(other), 1), (analysis.full_pinyin(other), 1)})
    return {(k, s) for k, s in keys if k}


def input_digest(entries: list[Entry], words: list[str], groups: list[list[str]], domains: list[str]) -> str:
    """SHA-256 of everything an index is built from: the records' indexed text, the county's
    words, synonyms and domains, the code and data of the index build, and the versions of the
    libraries it uses. Equal digests mean the build would produce the same index."""
    import jieba
    import pypinyin
    import whoosh

    here = Path(__file__).resolve().parent
    sources = sorted(here.rglob("*.py")) + sorted(here.rglob("*.json"))
    code = [hashlib.sha256(source.read_bytes()).hexdigest() for source in sources]
    libraries = [jieba.__version__, pypinyin.__version__, whoosh.versionstring()]
    payload = [INDEX_VERSION, code, libraries, [asdict(e) for e in entries], words, groups, domains]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _reuse(previous: Path | None, index_dir: Path, digest: str) -> bool:
    """Copy `previous` (a verified index of the release before) into `index_dir` if it was built
    from the same inputs. Returns whether it did."""
    if previous is None:
        return False
    try:
        if (previous / INPUT_DIGEST_FILE).read_text(encoding="ascii").strip() != digest:
            return False
        shutil.copytree(previous, index_dir)
    except OSError:
        shutil.rmtree(index_dir, ignore_errors=True)
        return False
    return True


def build_index(
    db_path: str | Path,
    index_dir: str | Path,
    cache_dir: str | Path | None = None,
    previous: str | Path | None = None,
) -> dict:
    """Build the search index of the release database `db_path` into the new directory `index_dir`.

    `cache_dir` is where jieba keeps its dictionary cache (the kiosk's CACHE_DIR). `previous` is
    the previous release's index, already verified against its release.json: when this release's
    index would be built from exactly the same inputs (a change of phone numbers, opening hours
    or fees, which the index does not hold), it is copied instead. Returns a summary (counts,
    seconds, whether the index was reused) that is also written into lexicon.json when built.
    """
    started = time.perf_counter()
    phases: dict[str, float] = {}
    index_dir = Path(index_dir)
    if index_dir.exists():
        raise FileExistsError(index_dir)
    lex = default_lexicon()

    db = open_readonly(db_path)
    try:
        groups = _synonym_groups(db)
        words = _county_words(db, groups)
        entries = list(read_entries(db))
        domains = [analysis.normalize(r[0]) for r in db.execute("SELECT name FROM domains")]
    finally:
        db.close()
    digest = input_digest(entries, words, groups, domains)
    if _reuse(Path(previous) if previous is not None else None, index_dir, digest):
        return {
            "index_version": INDEX_VERSION,
            "records": len(entries),
            "by_kind": dict(Counter(e.kind for e in entries)),
            "seconds": round(time.perf_counter() - started, 2),
            "reused": True,
        }
    index_dir.mkdir(parents=True)
    (index_dir / INPUT_DIGEST_FILE).write_text(digest + "\n", encoding="ascii")
    analysis.setup_jieba(cache_dir)
    analysis.load_pinyin_phrases(lex.pinyin_phrases)
    jieba_words = [(w, analysis.suggest_frequency(w)) for w in words]
    tok = analysis.tokenizer_for(jieba_words)
    phases["setup"] = time.perf_counter() - started

    # Pass 1: tokenize, count in how many records each body word occurs.
    tokenized = []
    body_df: Counter[str] = Counter()
    title_df: Counter[str] = Counter()
    for e in entries:
        title_words = analysis.index_tokens(e.title, tok=tok)
        title_tokens = title_words + analysis.bigram_tokens(e.title)
        body_tokens = analysis.index_tokens(e.body, tok=tok)
        body_df.update(set(body_tokens))
        title_df.update(set(title_words))
        tokenized.append((e, title_tokens, body_tokens, title_words))
    n = len(entries)
    boilerplate = (
        sorted(w for w, c in body_df.items() if c > BOILERPLATE_SHARE * n) if n >= BOILERPLATE_MIN_RECORDS else []
    )
    stop = set(boilerplate)

    dept_tokens = functools.lru_cache(maxsize=4096)(lambda text: " ".join(analysis.index_tokens(text, tok=tok)))
    topic_tokens = functools.lru_cache(maxsize=4096)(lambda text: " ".join(analysis.index_tokens(text, tok=tok)))

    phases["tokenize"] = time.perf_counter() - started - sum(phases.values())

    # Pass 2: write the whoosh index (one writer, one segment).
    ix = index.create_in(str(index_dir), make_schema())
    writer = ix.writer(limitmb=WRITER_LIMIT_MB)
    try:
        for e, title_tokens, body_tokens, title_words in tokenized:
            ini, py = _title_pinyin_terms(title_words, analysis.normalize(e.title))
            writer.add_document(
                id=e.id,
                kind=e.kind,
                title_text=e.title,
                subkind=e.subkind,
                validity=e.validity,
                title=" ".join(title_tokens),
                keywords=" ".join(analysis.index_tokens(e.keywords, bigrams=True, tok=tok)),
                topic=topic_tokens(e.topic),
                guide_id=e.guide_id,
                body=" ".join(t for t in body_tokens if t not in stop),
                dept=dept_tokens(e.dept),
                number=" ".join(analysis.number_terms(e.number, tok)) if e.number else "",
                ini=" ".join(ini),
                py=" ".join(py),
            )
        phases["add"] = time.perf_counter() - started - sum(phases.values())
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    # whoosh leaves its (empty) lock file behind; nothing ever writes this index again.
    (index_dir / "MAIN_WRITELOCK").unlink(missing_ok=True)
    phases["commit"] = time.perf_counter() - started - sum(phases.values())

    # The pinyin map: which words a Latin query may stand for (sfz -> 身份证, shebao -> 社保).
    weights: Counter[str] = Counter()
    for w, c in title_df.items():
        if len(w) >= 2 and analysis.all_han(w):
            weights[w] += c
    for g in groups:
        for t in g:
            if analysis.all_han(t):
                weights[t] += 5
    for w in domains + [analysis.normalize(w) for w in lex.words]:
        if analysis.all_han(w):
            weights[w] += 3
    for w in words:
        if analysis.all_han(w):
            weights[w] += 1
    for w in lex.popular_default:
        # What citizens search most is the likeliest reading of short initials (sb: 社保).
        weights[analysis.normalize(w)] += 10
    for ch in lex.single_chars:
        weights[ch] += 1
    full_map: dict[str, list[str]] = defaultdict(list)
    ini_map: dict[str, list[str]] = defaultdict(list)
    for w, _c in sorted(weights.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0])):
        py, ini = analysis.full_pinyin(w), analysis.initials(w)
        if py and len(full_map[py]) < PINYIN_MAP_CAP:
            full_map[py].append(w)
        if len(w) >= 2 and ini and len(ini_map[ini]) < PINYIN_MAP_CAP:
            ini_map[ini].append(w)

    phases["pinyin_map"] = time.perf_counter() - started - sum(phases.values())
    _write_suggestions(index_dir / SUGGEST_DB, tokenized, groups, tok)
    phases["suggest"] = time.perf_counter() - started - sum(phases.values())

    summary = {
        "index_version": INDEX_VERSION,
        "records": n,
        "by_kind": dict(Counter(e.kind for e in entries)),
        "seconds": round(time.perf_counter() - started, 2),
        "phase_seconds": {name: round(seconds, 2) for name, seconds in phases.items()},
        "reused": False,
    }
    lexicon = {
        **summary,
        "jieba_words": jieba_words,
        "synonyms": groups,
        "boilerplate": boilerplate,
        "pinyin_full": full_map,
        "pinyin_initials": ini_map,
        "pinyin_phrases": lex.pinyin_phrases,
        "char_readings": analysis.char_readings(),
        "query_stopwords": sorted(lex.query_stopwords),
        "service_words": sorted(lex.service_words),
        "policy_words": sorted(lex.policy_words),
        "popular_default": lex.popular_default,
    }
    (index_dir / LEXICON_FILE).write_text(json.dumps(lexicon, ensure_ascii=False), encoding="utf-8")
    return summary


def _write_suggestions(path: Path, tokenized, groups: list[list[str]], tok) -> None:
    groups_by_term: dict[str, list[int]] = defaultdict(list)
    for gi, g in enumerate(groups):
        for t in g:
            groups_by_term[t].append(gi)
    conn = sqlite3.connect(path)
    try:
        conn.executescript(SUGGEST_DDL)
        rows, keys = [], []
        for n, (e, _title_tokens, _body, title_words) in enumerate(tokenized):
            stale = 1 if e.validity in ("失效", "废止") else 0
            rank = (stale * 10 + KIND_ORDER[e.kind]) * 1000 + min(len(e.title), 999)
            rows.append((n, e.id, e.kind, e.title, rank))
            keys.extend((k, n, s) for k, s in _suggest_keys(e.title, title_words, groups_by_term, groups, tok))
        conn.executemany("INSERT INTO titles VALUES (?, ?, ?, ?, ?)", rows)
        conn.executemany("INSERT INTO keys VALUES (?, ?, ?)", sorted(keys))
        conn.execute("CREATE INDEX keys_by_key ON keys (key, start, n)")
        conn.commit()
    finally:
        conn.close()
