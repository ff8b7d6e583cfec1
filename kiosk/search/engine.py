"""The search engine behind one small interface: `search(query, limit)` and `suggest(prefix, limit)`.

It reads a release's index (built by content_sync.search_index) with the same analyzer, turns
what a citizen typed into a whoosh query built in code (never whoosh's query language, so no input
is syntax), re-ranks the best candidates and groups them by kind with highlighted snippets.
Another engine (say SQLite FTS5) could replace this module as long as it keeps the interface.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import string
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup, escape
from whoosh import index as whoosh_index
from whoosh.query import And, AndMaybe, Or, Query, Term

from content_sync import paths
from content_sync.kinds import KINDS, RECORD_KINDS
from content_sync.release_db import open_readonly, open_release
from content_sync.search_index import LEXICON_FILE, SUGGEST_DB, analysis

log = logging.getLogger(__name__)

# Declared once in content_sync/kinds.py.
KIND_LABELS = {k.name: k.label for k in RECORD_KINDS.values()}
RECORD_URLS = {k.name: k.url for k in RECORD_KINDS.values()}
MAX_QUERY_CHARS = 100
CANDIDATES = 60
# Above this many records (and share of all) a word is only searched in titles and keywords.
COMMON_MIN = 200
COMMON_SHARE = 0.08
FILL_BELOW = 5
# Records found by the words as typed, in titles, that make the wider search unnecessary.
TIER1_ENOUGH = 10
SNIPPET_CHARS = 64
_SPLIT_ALNUM = re.compile(r"[a-z]+|\d+|[^a-z\d]+")
_LETTERS = string.ascii_lowercase


@dataclass
class Hit:
    """One result: enough to list it; the record itself stays in content.sqlite."""

    id: str
    kind: str
    title: str
    score: float
    subkind: str = ""
    validity: str = ""
    title_html: Markup = field(default_factory=Markup)
    snippet_html: Markup = field(default_factory=Markup)

    @property
    def url(self) -> str:
        return RECORD_URLS[self.kind].format(self.id)


@dataclass
class Group:
    kind: str
    label: str
    hits: list[Hit]


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    took_ms: float = 0.0
    terms: list[str] = field(default_factory=list)
    failed: bool = False

    @property
    def total(self) -> int:
        return len(self.hits)


@dataclass
class Suggestion:
    id: str
    kind: str
    title: str
    title_html: Markup = field(default_factory=Markup)

    @property
    def url(self) -> str:
        return RECORD_URLS[self.kind].format(self.id)


@dataclass
class _Concept:
    """One thing the citizen asked for, with every form it may take in the index."""

    query: Query
    terms: set[str]
    stop: bool = False
    # The cheap form: the words as typed (or the likeliest reading of letters), in titles and
    # keywords only. Tried first; the full form runs only when it finds too little.
    primary: Query | None = None
    in_titles: bool = True  # the primary form finds something


def _edits1(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return {
        *(a + b[1:] for a, b in splits if b),
        *(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1),
        *(a + c + b[1:] for a, b in splits if b for c in _LETTERS),
        *(a + c + b for a, b in splits for c in _LETTERS),
    }


class SearchEngine:
    """Search one release. Thread-safe: each thread gets its own searcher and connections."""

    def __init__(self, release_path: str | Path, cache_dir: str | Path | None = None):
        self.path = Path(release_path)
        index_dir = self.path / paths.RELEASE_INDEX
        analysis.setup_jieba(cache_dir)
        lex = json.loads((index_dir / LEXICON_FILE).read_text(encoding="utf-8"))
        # This release's own tokenizer: jieba's dictionary plus exactly the words the index was built with.
        self.tok = analysis.tokenizer_for((w, f) for w, f in lex["jieba_words"])
        self.readings: dict[str, str] = lex["char_readings"]
        self.groups_of: dict[str, set[str]] = {}
        for group in lex["synonyms"]:
            for term in group:
                self.groups_of.setdefault(term, set()).update(group)
        self.boilerplate = frozenset(lex["boilerplate"])
        self.full_map: dict[str, list[str]] = lex["pinyin_full"]
        self.ini_map: dict[str, list[str]] = lex["pinyin_initials"]
        self.fuzzy_map: dict[str, list[str]] = {}
        for key, words in self.full_map.items():
            self.fuzzy_map.setdefault(analysis.fuzzy_pinyin(key), []).extend(words)
        self.stopwords = frozenset(lex["query_stopwords"])
        self.service_words = frozenset(lex["service_words"])
        self.policy_words = frozenset(lex["policy_words"])
        self.popular_default: list[str] = lex["popular_default"]
        self._index = whoosh_index.open_dir(str(index_dir))
        self._suggest_path = index_dir / SUGGEST_DB
        self._shared_searcher = None
        self._conns: dict[str, sqlite3.Connection] = {}
        self._search_lock = threading.Lock()
        self._suggest_lock = threading.Lock()

    # --- shared resources
    # One searcher and one connection of each kind, used under a lock: a whoosh searcher costs
    # ~50 MB (its own mappings and caches), so one per waitress thread would blow the memory
    # budget, and one kiosk serves one citizen at a time.

    def _searcher(self):
        if self._shared_searcher is None:
            self._shared_searcher = self._index.searcher()
        return self._shared_searcher

    def _conn(self, name: str) -> sqlite3.Connection:
        conn = self._conns.get(name)
        if conn is None:
            conn = open_readonly(self._suggest_path) if name == "suggest_db" else open_release(self.path)
            self._conns[name] = conn
        return conn

    def close(self) -> None:
        with self._search_lock, self._suggest_lock:
            if self._shared_searcher is not None:
                self._shared_searcher.close()
                self._shared_searcher = None
            for conn in self._conns.values():
                conn.close()
            self._conns.clear()
        self._index.close()

    # --- query understanding

    def _expand(self, term: str) -> set[str]:
        """A word and its synonyms, both ways: 社保 -> 社会保险, and 社会保险 -> 社保."""
        return {term} | self.groups_of.get(term, set())

    def _known(self, term: str) -> bool:
        reader = self._searcher().reader()
        return any(reader.doc_frequency(f, term) for f in ("title", "keywords", "topic", "body"))

    def _han_concept(self, token: str) -> _Concept:
        weights = dict.fromkeys(self._expand(token), 1.0)
        if len(weights) == 1 and not self._known(token):
            # Not in the index: maybe a homophone typed with a pinyin keyboard (身分证 -> 身份证).
            sound = "".join(self.readings.get(c, "?") for c in token)
            for word in self.full_map.get(sound, [])[:6]:
                for t in self._expand(word):
                    weights.setdefault(t, 0.8)
        nodes = [self._terms_query(weights)]
        terms = set(weights)
        reader = self._searcher().reader()
        in_titles = reader.doc_frequency("title", token) + reader.doc_frequency("keywords", token)
        if in_titles < TIER1_ENOUGH and (len(token) >= 4 or (len(token) == 3 and len(weights) == 1)):
            # A long or unknown word that few titles hold may also be found by its parts
            # (房屋征收补偿 -> 房屋征收 + 补偿, 开诊所 -> 开 + 诊所); single characters among
            # the parts are optional.
            parts = self._cover(token)
            required = [p for p in parts if len(p) >= 2 and p not in self.stopwords]
            optional = [p for p in parts if p not in required]
            if len(parts) > 1 and required:
                node: Query = And([self._terms_query(dict.fromkeys(self._expand(p), 0.7)) for p in required])
                if optional:
                    node = AndMaybe(
                        node, Or([self._terms_query(dict.fromkeys(self._expand(p), 0.3)) for p in optional])
                    )
                nodes.append(node)
                terms.update(required)
        node = nodes[0] if len(nodes) == 1 else Or(nodes)
        primary = self._names_query(weights)
        return _Concept(node, terms, stop=token in self.stopwords, primary=primary, in_titles=in_titles > 0)

    def _cover(self, token: str) -> list[str]:
        """Split a word into the likeliest dictionary words inside it (jieba's own best route
        through the word, with the whole word itself left out)."""
        dt_ = self.tok
        n = len(token)
        dag = dt_.get_DAG(token)
        dag[0] = [j for j in dag[0] if j != n - 1] or [0]
        route: dict = {}
        dt_.calc(token, dag, route)
        parts, i = [], 0
        while i < n:
            j = route[i][1]
            parts.append(token[i : j + 1])
            i = j + 1
        return parts

    @staticmethod
    def _names_query(weights: dict[str, float]) -> Query:
        """The cheap form of a concept: its words in titles and the guides' own keywords."""
        subs: list[Query] = []
        for t, w in sorted(weights.items()):
            subs += [Term("title", t, boost=4.0 * w), Term("keywords", t, boost=2.0 * w)]
        return Or(subs)

    def _terms_query(self, weights: dict[str, float]) -> Query:
        """Each word in the fields where it tells something: titles and keywords always; bodies
        and departments only while the word is rare there, so a common word (登记, 许可证, a
        department) never drags a posting list of thousands of records through the query."""
        reader = self._searcher().reader()
        common = max(COMMON_MIN, int(reader.doc_count() * COMMON_SHARE))
        subs: list[Query] = []
        for t, w in sorted(weights.items()):
            subs += [Term("title", t, boost=4.0 * w), Term("keywords", t, boost=2.0 * w)]
            if len(t) < 2:
                continue
            if reader.doc_frequency("topic", t) <= common:
                subs.append(Term("topic", t, boost=1.0 * w))
            if reader.doc_frequency("dept", t) <= common:
                subs.append(Term("dept", t, boost=1.0 * w))
            if t not in self.boilerplate and reader.doc_frequency("body", t) <= common:
                subs.append(Term("body", t, boost=1.0 * w))
        return Or(subs)

    def _latin_words(self, s: str) -> list[list[str]]:
        """What a run of Latin letters stands for: pinyin initials or full pinyin of known
        words, split into several words if needed (dbsq -> 低保 + 申请), or a near miss."""
        direct = self.full_map.get(s, []) + (self.ini_map.get(s, []) if len(s) >= 2 else [])
        if direct:
            return [list(dict.fromkeys(direct))[:12]]
        pieces = self._segment(s)
        if pieces:
            return pieces
        if len(s) >= 4:
            near = list(self.fuzzy_map.get(analysis.fuzzy_pinyin(s), []))
            if not near:
                for cand in sorted(_edits1(s)):
                    near.extend(self.full_map.get(cand, []))
            if near:
                return [list(dict.fromkeys(near))[:12]]
        return []

    def _segment(self, s: str) -> list[list[str]]:
        if len(s) > 40:
            return []
        n = len(s)
        best: list[list[str] | None] = [None] * (n + 1)
        best[0] = []
        for end in range(1, n + 1):
            for start in range(max(0, end - 24), end):
                prev = best[start]
                if prev is None:
                    continue
                piece = s[start:end]
                words = self.full_map.get(piece) or (self.ini_map.get(piece) if len(piece) >= 2 else None)
                if not words:
                    continue
                cand = prev + [piece]
                if best[end] is None or len(cand) < len(best[end]):
                    best[end] = cand
        if best[n] is None or len(best[n]) < 2:
            return []
        return [list(dict.fromkeys(self.full_map.get(p, []) + self.ini_map.get(p, [])))[:12] for p in best[n]]

    def _latin_concept(self, s: str) -> _Concept:
        pieces = self._latin_words(s)
        # Titles whose words have exactly these initials; weak when the letters have known
        # readings, since short initials match many unrelated words (sb: 社保, 士兵, 申报).
        boost = 1.0 if pieces else 3.0
        direct = [Term("ini", s, boost=boost), Term("py", s, boost=boost)]
        terms: set[str] = set()
        parts: list[Query] = []
        firsts: list[Query] = []
        stop = True
        for words in pieces:
            firsts.append(self._names_query(dict.fromkeys(self._expand(words[0]), 1.0)))
            # The most likely reading first (everyday words and frequent title words rank high).
            weights: dict[str, float] = {}
            for rank, w in enumerate(words):
                for t in self._expand(w):
                    weights.setdefault(t, 1.0 if rank == 0 else 0.35)
            terms |= set(weights)
            if not all(w in self.stopwords for w in words):
                stop = False
                parts.append(self._terms_query(weights))
        if not pieces:
            stop = False
        if len(parts) > 1:
            node: Query = Or([*direct, And(parts)])
        else:
            node = Or(direct + parts)
        primary = Or([*direct, And(firsts)]) if len(firsts) > 1 else Or(direct + firsts)
        return _Concept(
            node, {t for t in terms if t not in self.stopwords}, stop=stop and bool(pieces), primary=primary
        )

    def understand(self, query: str) -> tuple[list[_Concept], dict]:
        """Turn what the citizen typed into concepts, and say what kind of question it is."""
        text = analysis.normalize(query)[:MAX_QUERY_CHARS]
        concepts: list[_Concept] = []
        flags = {"number": False, "service": False, "policy": False, "latin": False, "text": text}
        found = analysis.query_number(text)
        if found:
            required, prefix, text = found
            node: Query = Or([Term("number", t, boost=10.0) for t in required])
            if prefix:
                node = AndMaybe(node, Term("number", prefix, boost=2.0))
            concepts.append(_Concept(node, set()))
            flags["number"] = True
        tokens = _join_single_characters(analysis.query_tokens(text, self.tok), self.stopwords)
        for position, token in enumerate(tokens):
            known_word = token in self.groups_of and analysis.is_han(token)
            for part in [token] if known_word else _SPLIT_ALNUM.findall(token):
                if part.isdigit():
                    words = self._expand(part)
                    node = Or([self._terms_query(dict.fromkeys(words, 1.0)), Term("number", f"n{int(part)}")])
                    concepts.append(_Concept(node, words))
                elif part.isascii() and part.isalpha():
                    flags["latin"] = True
                    concepts.append(self._latin_concept(part))
                elif analysis.is_han(part):
                    if part in self.service_words:
                        flags["service"] = True
                    if part in self.policy_words:
                        flags["policy"] = True
                    concept = self._han_concept(part)
                    if len(part) == 1:
                        # A lone character (买 in 买新房) is indexed only inside title pairs:
                        # pair it with its neighbours' characters (买新 in 购买新房).
                        before = tokens[position - 1][-1:] if position > 0 else ""
                        after = tokens[position + 1][:1] if position + 1 < len(tokens) else ""
                        pairs = [p for p in (before + part, part + after) if len(p) == 2 and analysis.all_han(p)]
                        if pairs:
                            extra = [Term("title", p, boost=2.0) for p in pairs]
                            concept.query = Or([concept.query, *extra])
                            concept.primary = Or([concept.primary, *extra])
                            concept.in_titles = concept.in_titles or any(
                                self._searcher().reader().doc_frequency("title", p) for p in pairs
                            )
                    concepts.append(concept)
        if any(not c.stop for c in concepts):
            concepts = [c for c in concepts if not c.stop]
        return concepts[:12], flags

    # --- search

    def search(self, query: str, limit: int = 30) -> SearchResult:
        """Search the release. Never raises: a failure is logged and gives an empty result."""
        started = time.perf_counter()
        text = query if isinstance(query, str) else ""
        result = SearchResult(query=text)
        try:
            with self._search_lock:
                self._search(text, max(1, min(int(limit), 200)), result)
        except Exception:
            log.exception("search failed for %r", text[:MAX_QUERY_CHARS])
            result.hits, result.groups, result.failed = [], [], True
        result.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return result

    def _search(self, query: str, limit: int, result: SearchResult) -> None:
        concepts, flags = self.understand(query)
        if not concepts:
            return
        searcher = self._searcher()

        def run(nodes: list[Query]) -> list[tuple[dict, float]]:
            q = nodes[0] if len(nodes) == 1 else And(nodes)
            return [(h.fields(), h.score) for h in searcher.search(q, limit=CANDIDATES, terms=False)]

        # Tier 1: the words as typed, in titles and keywords. Enough hits there: done (cheap,
        # and a title match is what a citizen wants). Otherwise tier 2: synonyms, inner words,
        # bodies, departments.
        primaries = [c.primary if c.primary is not None else c.query for c in concepts]
        found = run(primaries)
        if len(found) < min(limit, TIER1_ENOUGH):
            found = run([c.query for c in concepts])
        if len(concepts) > 1 and len(found) < FILL_BELOW:
            # Few records have every word: leave out the commonest word, then the next, and add
            # what the rest finds below (养登记审批 -> 养 + 审批). Each step is an AND led by
            # the rarest word, so this stays cheap where one big OR would not.
            reader = searcher.reader()
            sizes = {id(c): c.query.estimate_size(reader) for c in concepts}
            # Words found nowhere go first, then the commonest.
            remaining = sorted(concepts, key=lambda c: (sizes[id(c)] == 0, sizes[id(c)]))
            seen = {f["id"] for f, _s in found}
            factor = 0.5
            while len(remaining) > 1 and len(found) < FILL_BELOW:
                remaining = remaining[:-1]
                for fields_, score in run([c.query for c in remaining]):
                    if fields_["id"] not in seen:
                        seen.add(fields_["id"])
                        found.append((fields_, score * factor))
                factor *= 0.7
        terms: set[str] = set()
        for c in concepts:
            terms |= {t for t in c.terms if len(t) >= 1 and t not in self.stopwords}
        result.terms = sorted(terms, key=lambda t: (-len(t), t))
        text = flags["text"].replace(" ", "")
        exact = {text} | {t for c in concepts if len(concepts) == 1 for t in c.terms}
        marker = _Highlighter(result.terms)
        ranked: list[Hit] = []
        guides_found = {f["id"] for f, _s in found if f["kind"] == "guide"}
        for stored, base in found:
            title = stored["title_text"]
            kind = stored["kind"]
            score = base * _kind_factor(kind, flags)
            if kind == "catalog" and stored.get("guide_id") in guides_found:
                score *= 0.5  # the row's own guide is in the results: the guide is what to open
            norm_title = analysis.normalize(title).replace(" ", "")
            if norm_title in exact:
                score *= 3.0
            elif len(text) >= 2 and text in norm_title:
                score *= 1.5
            # The more of the title the query covers, the more the record is about it.
            score *= 1.0 + marker.coverage(norm_title)
            validity = stored.get("validity", "")
            if validity == "失效":
                score *= 0.5
            elif validity == "废止":
                score *= 0.4
            ranked.append(
                Hit(
                    id=stored["id"],
                    kind=kind,
                    title=title,
                    score=round(score, 4),
                    subkind=stored.get("subkind", ""),
                    validity=validity,
                )
            )
        ranked.sort(key=lambda hit: (-hit.score, KINDS.index(hit.kind), hit.id))
        result.hits = ranked[:limit]
        self._decorate(result)

    def _decorate(self, result: SearchResult) -> None:
        """Highlighted titles and snippets for the hits shown, then the groups by kind."""
        marker = _Highlighter(result.terms)
        texts = self._snippet_texts(result.hits)
        for hit in result.hits:
            hit.title_html = marker.mark(hit.title)
            hit.snippet_html = marker.snippet(texts.get((hit.kind, hit.id), ""), SNIPPET_CHARS)
        by_kind: dict[str, list[Hit]] = {}
        for hit in result.hits:
            by_kind.setdefault(hit.kind, []).append(hit)
        result.groups = [Group(kind, KIND_LABELS[kind], hits) for kind, hits in by_kind.items()]

    def _snippet_texts(self, hits: list[Hit]) -> dict[tuple[str, str], str]:
        tables = {"guide": "guides", "catalog": "catalog_items", "document": "documents", "life_event": "life_events"}
        out: dict[tuple[str, str], str] = {}
        db = self._conn("content_db")
        for kind, table in tables.items():
            ids = [h.id for h in hits if h.kind == kind]
            if not ids:
                continue
            marks = ",".join("?" * len(ids))
            for rid, data in db.execute(f"SELECT id, data FROM {table} WHERE id IN ({marks})", ids):
                out[(kind, rid)] = _snippet_source(kind, json.loads(data))
        return out

    # --- suggestions

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Titles whose beginning, a word's beginning, initials or pinyin start with `prefix`."""
        try:
            with self._suggest_lock:
                return self._suggest(prefix if isinstance(prefix, str) else "", max(1, min(int(limit), 20)))
        except Exception:
            log.exception("suggest failed for %r", str(prefix)[:MAX_QUERY_CHARS])
            return []

    def _suggest(self, prefix: str, limit: int) -> list[Suggestion]:
        p = analysis.normalize(prefix).replace(" ", "")[:40]
        if not p or (p.isascii() and len(p) < 2):
            return []
        rows = (
            self._conn("suggest_db")
            .execute(
                "SELECT k.key, k.start, t.n, t.id, t.kind, t.title, t.rank FROM keys k JOIN titles t ON t.n = k.n"
                " WHERE k.key >= ? AND k.key < ? ORDER BY k.key LIMIT 300",
                (p, p + "\U0010ffff"),
            )
            .fetchall()
        )
        best: dict[int, tuple] = {}
        for key, start, n, rid, kind, title, rank in rows:
            order = (start, key != p, rank)
            if n not in best or order < best[n][0]:
                best[n] = (order, rid, kind, title)
        # One line per title: a guide and its catalog row share a name; the citizen sees it once,
        # and it opens the guide (what they can act on).
        by_title: dict[str, tuple] = {}
        for entry in sorted(best.values()):
            title = analysis.normalize(entry[3])
            held = by_title.get(title)
            if held is None or SUGGEST_KIND_PREFERENCE.get(entry[2], 9) < SUGGEST_KIND_PREFERENCE.get(held[2], 9):
                by_title[title] = entry if held is None else (held[0], *entry[1:])
        chosen = sorted(by_title.values())[:limit]
        marker = _Highlighter([p] if analysis.is_han(p) else [])
        return [Suggestion(rid, kind, title, marker.mark(title)) for _o, rid, kind, title in chosen]


SUGGEST_KIND_PREFERENCE = {"guide": 0, "life_event": 1, "catalog": 2, "document": 3}


def _join_single_characters(tokens: list[str], stopwords: frozenset[str]) -> list[str]:
    """Join runs of single Chinese characters that jieba could not place (地 + 力 -> 地力): titles
    index every pair of characters, so the run still finds the name it was cut from."""
    out: list[str] = []
    run: list[str] = []
    for tok in [*tokens, ""]:
        if len(tok) == 1 and analysis.is_han(tok) and tok not in stopwords:
            run.append(tok)
            continue
        if len(run) > 1:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if tok:
            out.append(tok)
    return out


def _kind_factor(kind: str, flags: dict) -> float:
    if flags["number"]:
        return 2.0 if kind == "document" else 1.0
    if flags["policy"] and not flags["service"]:
        return 1.5 if kind == "document" else 1.0
    if flags["service"] or flags["latin"]:
        return {"guide": 1.8, "life_event": 1.5, "catalog": 1.4}.get(kind, 0.8)
    # Most citizens at a service hall come to get something done: services first.
    return {"guide": 1.6, "life_event": 1.4, "catalog": 1.3}.get(kind, 1.0)


def _snippet_source(kind: str, data: dict) -> str:
    if kind == "guide":
        parts = [data.get("summary", "")] + data.get("conditions", []) + [m["name"] for m in data.get("materials", [])]
    elif kind == "catalog":
        parts = [data.get("content", ""), data.get("publisher", "")]
    elif kind == "document":
        parts = [data.get("number", ""), data.get("summary", ""), data.get("body", "")]
    else:
        parts = [data.get("description", "")]
    # Sentences already end with their own stop; don't follow "。" with "；".
    return "；".join(p.strip().rstrip("。；;") for p in parts if p and p.strip().rstrip("。；;"))


class _Highlighter:
    """Wraps the query's words in <mark>; everything else is escaped."""

    def __init__(self, terms: list[str]):
        terms = [t for t in terms if t]
        self.regex = (
            re.compile("|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True)), re.IGNORECASE)
            if terms
            else None
        )

    def mark(self, text: str, start: int = 0, end: int | None = None) -> Markup:
        end = len(text) if end is None else end
        if self.regex is None:
            return escape(text[start:end])
        out, pos = [], start
        for m in self.regex.finditer(text, start, end):
            out.append(escape(text[pos : m.start()]))
            out.append(Markup("<mark>") + escape(m.group()) + Markup("</mark>"))
            pos = m.end()
        out.append(escape(text[pos:end]))
        return Markup(Markup("").join(out).replace("</mark><mark>", ""))

    def coverage(self, text: str) -> float:
        """Share of `text` covered by the query's words (0..1)."""
        if self.regex is None or not text:
            return 0.0
        return sum(m.end() - m.start() for m in self.regex.finditer(text)) / len(text)

    def snippet(self, text: str, width: int) -> Markup:
        text = " ".join(text.split())
        if not text:
            return Markup("")
        first = self.regex.search(text) if self.regex else None
        start = max(0, first.start() - width // 4) if first else 0
        end = min(len(text), start + width)
        body = self.mark(text, start, end)
        return (Markup("…") if start > 0 else Markup("")) + body + (Markup("…") if end < len(text) else Markup(""))
