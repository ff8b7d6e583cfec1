"""The search engine behind one small interface: `search(query, limit)` and `suggest(prefix, limit)`.

It reads a release's index (built by content_sync.search_index) with the same analyzer, turns
what a citizen typed into a whoosh query built in code (never whoosh's query language, so no input
is syntax), re-ranks the best candidates and groups them by kind with highlighted snippets.
Another engine (say SQLite FTS5) could replace this module as long as it keeps the interface.
"""

from __future__ import annotations

import json
import logging
import math
import re
import sqlite3
import string
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup, escape
from whoosh.query import And, AndMaybe, Or, Query, Term

from content_sync import paths
from content_sync.kinds import KINDS, RECORD_KINDS
from content_sync.release_db import open_readonly, open_release
from content_sync.search_index import LEXICON_FILE, SUGGEST_DB, analysis

from .mapped import MappedStorage
from .matchers import LengthCachedBM25F, ScoredAnd, ScoredAndMaybe, holding, prefix_union, read_whole

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
# Partial matches (相关事项): a record must hold at least this share of the query's concepts,
# each weighted by how rare it is (so an object the county has never heard of outweighs the
# verb beside it, and 公积金提取 finds no 提取 item as "related" in a county without 公积金).
RELATED_MIN_SHARE = 0.6
RELATED_LIMIT = 10
# An action word weighs this much of what its rarity alone would give it: the object of a query
# (结婚证 in 结婚证不见了) decides which service is meant more than the verb beside it.
ACTION_WEIGHT = 0.5
# A word that general Chinese uses this often (jieba's dictionary count) and that no title of
# the county holds is filler (需要, 什么, 怎么): it adds to the score but is never required.
FILLER_FREQ = 12000
# Broad queries (at least this many full matches) put what citizens use most first: records a
# county marks `common`, and records citizens opened after searching.
BROAD_MIN = 10
COMMON_BOOST = 1.0
OPENED_BOOST = 1.0
# Initials typed as the beginning of a title's initials (jdcjsz -> 机动车驾驶证…).
INITIALS_PREFIX_MIN = 3
PINYIN_PREFIX_MIN = 5
# A Chinese word is tried as words one pinyin letter away only when its pinyin has this many
# letters (short syllables have too many neighbours).
TYPO_MIN_LETTERS = 5
# A character typed for one that looks like it (授 for 援) is read only in a stretch of this
# many characters (the unknown word and a known word beside it), and only when the county's
# titles write one thing alone where it differs in that character (titles are read through a
# pair of the other characters that at most SHAPE_MAX_TITLES titles hold).
SHAPE_MIN_CHARS = 3
SHAPE_MAX_CHARS = 6
SHAPE_MAX_TITLES = 300
# A short department name is a word plus one of these (社保局, 车管所, 人防办, 卫健委).
DEPARTMENT_SUFFIXES = frozenset("局厅委所办处站队")
DEPARTMENT_BOOST = 1.5
ASPECT_PARTICLES = frozenset("了着过")
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
    # Partial matches: records that share the query's most telling words but not all of them,
    # shown below the matches under 相关事项 (never counted as matches).
    related: list[Hit] = field(default_factory=list)
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
    word: str = ""  # what the citizen typed
    # Filler: counted when present, never required (see FILLER_FREQ).
    optional: bool = False
    # If the index does not hold it, the word tells little (a verb, particle, lone character).
    weak: bool = False
    # An action (补领, 不见了, 迁走): says what to do, not which service; counts half (_weight).
    action: bool = False
    # Read only as a guess at a typo (a word one pinyin letter away, or a title word that sounds
    # like a real word no title holds): good enough to rank full matches, never the sole reason
    # to present a record as related.
    guess: bool = False


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
        # Query-only words (question frames, department short names) are kept whole when a
        # query is cut, so 需要带什么 or 社保局 is read as one thing; the index never holds them.
        query_words = [(w, f) for w, f in lex.get("query_words", [])]
        self.tok = analysis.tokenizer_for([*((w, f) for w, f in lex["jieba_words"]), *query_words], overlay=True)
        self.readings: dict[str, str] = lex["char_readings"]
        self.groups_of: dict[str, set[str]] = {}
        for group in lex["synonyms"]:
            for term in group:
                self.groups_of.setdefault(term, set()).update(group)
        # The product lexicon's one-way expansions: an everyday word or action to the official
        # forms counties write (不见了 -> 挂失, 补领, 补发, 遗失), official forms to each other.
        self.expansions: dict[str, list[str]] = lex.get("expansions", {})
        # Department short names -> index terms of their topics: a boost, never required.
        self.departments: dict[str, list[str]] = lex.get("departments", {})
        self._department_sounds: dict[str, str] | None = None  # toneless pinyin -> name, on first use
        # What the lexicon knows a word to be: an action (不见了, 换, 开) says what to do, an
        # object (结婚证, 公积金) says which service; see _weight.
        self.action_words = frozenset(lex.get("action_words", ()))
        self.object_words = frozenset(lex.get("object_words", ()))
        self.boilerplate = frozenset(lex["boilerplate"])
        self.full_map: dict[str, list[str]] = lex["pinyin_full"]
        self.ini_map: dict[str, list[str]] = lex["pinyin_initials"]
        self.fuzzy_map: dict[str, list[str]] = {}
        for key, words in self.full_map.items():
            self.fuzzy_map.setdefault(analysis.fuzzy_pinyin(key), []).extend(words)
        self.stopwords = frozenset(lex["query_stopwords"])
        frames = sorted((w for w in self.stopwords if len(w) >= 3 and analysis.all_han(w)), key=len, reverse=True)
        self._frame_regex = re.compile("|".join(map(re.escape, frames))) if frames else None
        self.service_words = frozenset(lex["service_words"])
        self.policy_words = frozenset(lex["policy_words"])
        self.popular_default: list[str] = lex["popular_default"]
        self._index = MappedStorage(str(index_dir)).open_index()  # see mapped.py
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
            self._shared_searcher = self._index.searcher(weighting=LengthCachedBM25F())
        return self._shared_searcher

    def _conn(self, name: str) -> sqlite3.Connection:
        conn = self._conns.get(name)
        if conn is None:
            suggest = name in ("suggest_db", "words_db")
            conn = open_readonly(self._suggest_path) if suggest else open_release(self.path)
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
        """A word, its synonyms both ways (社保 <-> 社会保险) and the official forms the product
        lexicon expands it to (结婚证 -> 婚姻登记证; 不见了 -> 挂失, 补领, 补发, 遗失)."""
        return {term} | self.groups_of.get(term, set()) | set(self.expansions.get(term, ()))

    def _known(self, term: str) -> bool:
        reader = self._searcher().reader()
        return any(reader.doc_frequency(f, term) for f in ("title", "keywords", "topic", "body"))

    def _in_titles(self, terms) -> int:
        reader = self._searcher().reader()
        return sum(reader.doc_frequency("title", t) + reader.doc_frequency("keywords", t) for t in terms)

    def _function_word(self, token: str) -> bool:
        """Whether jieba's dictionary tags `token` as a verb, adverb, particle… (the index build
        lists them in suggest.sqlite, so the web process holds no copy of the list)."""
        if len(token) < 2 or len(token) > 4:
            return False
        try:
            row = self._conn("words_db").execute("SELECT 1 FROM function_words WHERE word = ?", (token,))
            return row.fetchone() is not None
        except sqlite3.OperationalError:  # an index built before the list existed
            return False

    def _sound(self, token: str) -> str:
        """Toneless pinyin of a Chinese word through the release's character table ('' if a
        character is missing from it)."""
        if not analysis.all_han(token):
            return ""
        sound = "".join(self.readings.get(c, "?") for c in token)
        return "" if "?" in sound else sound

    def _homophones(self, token: str) -> list[str]:
        """Index words that sound like `token` (toneless pinyin through the release's character
        table), then words that sound alike once zh/z, ch/c, sh/s, n/l, -n/-ng are merged:
        身分证 -> 身份证, 驾使证 -> 驾驶证, 留学 typed as 流学, 出身 -> 初审 and 出生."""
        sound = self._sound(token)
        if not sound:
            return []
        found = [w for w in self.full_map.get(sound, []) if w != token]
        found += [w for w in self.fuzzy_map.get(analysis.fuzzy_pinyin(sound), []) if w != token]
        return list(dict.fromkeys(found))[:6]

    def _near_words(self, token: str) -> list[str]:
        """Words of as many characters whose pinyin is one letter away (求助 -> 救助, 商票 ->
        商标): a pinyin keyboard's slip. Only for pinyin of TYPO_MIN_LETTERS letters or more,
        and only words of general Chinese or the lexicon's objects (never a pair of characters
        that merely occurs in a title, nor an action: 交了 is not 掉了). At most ~60 x letters
        map lookups."""
        sound = self._sound(token)
        if len(token) < 2 or len(sound) < TYPO_MIN_LETTERS or token[-1] in ASPECT_PARTICLES:
            return []
        found: list[str] = []
        for cand in sorted(_edits1(sound)):
            found.extend(
                w
                for w in self.full_map.get(cand, [])[:3]
                if len(w) == len(token)
                and w not in self.action_words
                and (w in self.object_words or analysis.base_frequency(w))
            )
        return list(dict.fromkeys(found))[:6]

    def _han_concept(self, token: str, char_run: bool = False) -> _Concept:
        weights = dict.fromkeys(self._expand(token), 1.0)
        # A word the lexicon knows as an object (公积金, 殡葬) is never a typo: a county
        # without it lacks the service.
        typo = token not in self.object_words
        near = False  # found only as a word one pinyin letter away
        if len(weights) == 1 and not self._known(token):
            # Not in the index: maybe a homophone typed with a pinyin keyboard (身分证 -> 身份证).
            words = self._homophones(token)
            if not words and typo:
                words, near = self._near_words(token), True
            for word in words:
                for t in self._expand(word):
                    weights.setdefault(t, 0.8)
        elif typo and len(token) >= 2 and not self._in_titles(weights):
            # Known somewhere (a body) but in no title: maybe a real word typed for the title
            # word that sounds like it (遗属 for 遗嘱, 出身 for 出生); only title words are taken.
            words = self._homophones(token)
            if not words:
                words = self._near_words(token)
            for word in words:
                forms = self._expand(word)
                if self._in_titles(forms):
                    near = True
                    for t in forms:
                        weights.setdefault(t, 0.6)
        nodes = [self._terms_query(weights)]
        terms = set(weights)
        reader = self._searcher().reader()
        in_titles = reader.doc_frequency("title", token) + reader.doc_frequency("keywords", token)
        if (
            in_titles < TIER1_ENOUGH
            and len(token) >= 3
            and self._in_titles(weights) < TIER1_ENOUGH
            and not analysis.base_frequency(token)  # a word of general Chinese (宅基地) stays whole
            and not (token in self.object_words and not self._in_titles(weights))  # a service the county lacks
        ):
            # A long or unknown word that few titles hold may also be found by its parts
            # (房屋征收补偿 -> 房屋征收 + 补偿, 开诊所 -> 开 + 诊所); single characters among
            # the parts are optional.
            parts = self._cover(token)
            required = [p for p in parts if len(p) >= 2 and p not in self.stopwords]
            optional = [p for p in parts if p not in required]
            if len(parts) > 1 and required:
                node: Query = ScoredAnd([self._terms_query(dict.fromkeys(self._expand(p), 0.7)) for p in required])
                if optional:
                    node = ScoredAndMaybe(
                        node, Or([self._terms_query(dict.fromkeys(self._expand(p), 0.3)) for p in optional])
                    )
                nodes.append(node)
                terms.update(required)
        node = nodes[0] if len(nodes) == 1 else Or(nodes)
        primary = self._names_query(weights)
        general = jieba_frequency(token)
        no_title = self._in_titles(weights) == 0
        # A lone character (补, 查, 办) is an affix of the words around it, never a requirement
        # of its own while other words are left; its forms still add to the score.
        filler = len(token) == 1 or (general > FILLER_FREQ and len(weights) == 1 and no_title)
        weak = token not in self.object_words and (
            char_run
            or len(token) < 2
            or general > FILLER_FREQ
            or self._function_word(token)
            or token[-1] in ASPECT_PARTICLES  # 断了, 丢过: a verb with its particle
        )
        if near and weak:
            # A verb or particle read as a word one letter away (办好 -> 半导) is a guess: it
            # adds to the score (临时求助 -> 救助 ranks 临时救助 first) but is never required.
            filler = True
        return _Concept(
            node,
            terms,
            stop=token in self.stopwords,
            primary=primary,
            in_titles=in_titles > 0,
            word=token,
            optional=filler,
            # Found by no field of the query: a lone character, a verb or particle, or a very
            # common word says little about which service is meant; a noun the index has never
            # seen (公积金) says most (see _weight).
            weak=weak,
            guess=near and len(weights) > 1,
            action=token in self.action_words or (token not in self.object_words and self._function_word(token)),
        )

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
            words = list(dict.fromkeys(direct))[:12]
            if s not in self.full_map:
                # Initials: a word the lexicon knows as a service's object (低保, 护照) is what a
                # citizen at a service kiosk likelier means than a title's word (代表, 核准).
                words.sort(key=lambda w: w not in self.object_words)
            return [words]
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
        direct: list[Query] = [Term("ini", s, boost=boost), Term("py", s, boost=boost)]
        # The first syllables of a long name, as initials (jdcjsz -> 机动车驾驶证初次申领) or
        # as full pinyin (jidongche…): the index holds each title's initials and pinyin whole.
        reader = self._searcher().reader()
        if len(s) >= INITIALS_PREFIX_MIN:
            direct.append(prefix_union(reader, "ini", s, boost=boost * 0.8))
        if len(s) >= PINYIN_PREFIX_MIN:
            direct.append(prefix_union(reader, "py", s, boost=boost * 0.8))
        terms: set[str] = set()
        parts: list[Query] = []
        firsts: list[Query] = []
        stop = True
        for words in pieces:
            firsts.append(self._names_query(dict.fromkeys(self._expand(words[0]), 1.0)))
            # The most likely reading first (everyday words and frequent title words rank high).
            weights: dict[str, float] = {}
            # Only the likeliest reading goes through the lexicon: expanding the unlikely ones too
            # (sb: 申办 -> 申请) lets them outweigh it on the titles they share.
            for rank, w in enumerate(words):
                for t in self._expand(w) if rank == 0 else (w,):
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
            node,
            {t for t in terms if t not in self.stopwords},
            stop=stop and bool(pieces),
            primary=primary,
            word=s,
            weak=not pieces,  # letters that spell no word of this county
        )

    def _phrase_parts(self, token: str) -> list[str] | None:
        """A phrase read as one word (a lexicon group such as 结婚证不见了, or a county word)
        that neither it nor its expansions find in any title: its parts, read one by one
        (结婚证 -> 婚姻登记证; 不见了 -> 挂失, 补领…). None when the phrase stands on its own."""
        if len(token) < 3 or not analysis.all_han(token) or token in self.stopwords:
            return None
        forms = self._expand(token)
        if self._in_titles(forms) or (len(forms) == 1 and not self._known(token) and self._homophones(token)):
            return None
        parts = self._title_cover(token)
        if len(parts) < 2 or not any(self._in_titles(self._expand(p)) for p in parts if len(p) >= 2):
            return None
        if analysis.base_frequency(token) and not (len(parts[0]) >= 2 and self._in_titles(self._expand(parts[0]))):
            # A word of general Chinese is cut only where what it is about, its first part,
            # stays (律师证 -> 律师 + 证), never into its head alone (宅基地 -> 基地).
            return None
        return parts

    def _title_cover(self, token: str) -> list[str]:
        """Cut a phrase into the pieces titles hold (every pair of a title's characters is
        indexed): 用电报装 -> 用电 + 报装, 出入境签证 -> 出入境 + 签证; the longest pieces win."""
        n = len(token)
        best: list[tuple[float, list[str]] | None] = [None] * (n + 1)
        best[0] = (0.0, [])
        for end in range(1, n + 1):
            for start in range(max(0, end - 8), end):
                prev = best[start]
                piece = token[start:end]
                if prev is None or piece == token:
                    continue
                if len(piece) == 1:
                    gain = -4.0
                elif self._in_titles(self._expand(piece)):
                    gain = float(len(piece) ** 2)
                else:
                    # A piece no title holds (高龄 in 高龄津贴) stays one piece rather than
                    # single characters: it is what this county lacks, and it must still count.
                    gain = -4.0 * len(piece) + 1.0
                cand = (prev[0] + gain, [*prev[1], piece])
                if best[end] is None or cand[0] > best[end][0]:
                    best[end] = cand
        return best[n][1] if best[n] is not None else [token]

    def _department_boost(self, token: str) -> Query | None:
        """A department's short name (社保局, 工商局): its topic words in departments and topics
        (domains, categories), as a boost."""
        words = self.departments.get(token)
        if not words:
            return None
        subs: list[Query] = [Term("dept", token, boost=2.0)]
        for w in words:
            subs += [Term("dept", w, boost=1.5), Term("topic", w, boost=1.0)]
        return Or(subs)

    def _department_name(self, word: str) -> str | None:
        """The lexicon's department short name `word` is, or sounds like (公正处 -> 公证处)."""
        if word in self.departments:
            return word
        if len(word) < 3 or word[-1] not in DEPARTMENT_SUFFIXES or self._known(word):
            return None
        sound = self._sound(word)
        if not sound:
            return None
        if self._department_sounds is None:
            sounds: dict[str, str] = {}
            for name in sorted(self.departments):
                key = self._sound(name)
                if key:
                    sounds.setdefault(key, name)
                    sounds.setdefault(analysis.fuzzy_pinyin(key), name)
            self._department_sounds = sounds
        found = self._department_sounds.get(sound) or self._department_sounds.get(analysis.fuzzy_pinyin(sound))
        return found

    def _department_topics(self, token: str) -> Query:
        """For a query that is only a department's name: its topics in titles too (车管所 ->
        机动车, 驾驶证…), and the name in department fields."""
        words = self.departments.get(token) or sorted(self._expand(token))
        subs: list[Query] = [Term("dept", token, boost=2.0)]
        for w in words:
            subs += [Term("title", w, boost=2.0), Term("dept", w, boost=1.5), Term("topic", w, boost=1.0)]
        return Or(subs)

    def _drop_frames(self, text: str) -> str:
        """Blank out question frames (需要带什么, 去哪里开, 要交多少钱: the lexicon's stop phrases of
        three characters or more) wherever they occur, overlapping ones together (要带什么 +
        什么材料), so no way of cutting the query makes them words that must match. Text that is
        nothing but frames stays as it is."""
        if self._frame_regex is None:
            return text
        covered = [False] * len(text)
        pos = 0
        while True:
            m = self._frame_regex.search(text, pos)
            if m is None:
                break
            for i in range(m.start(), m.end()):
                covered[i] = True
            pos = m.start() + 1
        if not any(covered):
            return text
        rest = "".join(" " if hit else c for c, hit in zip(text, covered, strict=True))
        return rest if rest.strip() else text

    def _join_unknown(self, tokens: list[str]) -> tuple[list[str], set[str]]:
        """Join runs of pieces jieba could not place: single characters (地 + 力 -> 地力; titles
        index every pair of characters) and words the index does not know (驾 + 使证 -> 驾使证,
        which then reads as the homophone 驾驶证). Returns the tokens and the runs made of single
        characters only."""
        out: list[str] = []
        run: list[str] = []
        char_runs: set[str] = set()

        def placeable(tok: str) -> bool:
            if not analysis.all_han(tok) or tok in self.stopwords:
                return False
            return len(tok) == 1 or not (self._known(tok) or tok in self.groups_of or tok in self.expansions)

        tokens = self._merge_homophones(tokens)
        for tok in [*tokens, ""]:
            if tok and placeable(tok):
                run.append(tok)
                continue
            if len(run) > 1:
                joined = "".join(run)
                out.append(joined)
                if all(len(piece) == 1 for piece in run):
                    char_runs.add(joined)
            else:
                out.extend(run)
            run = []
            if tok:
                out.append(tok)
        return out, char_runs

    def _merge_homophones(self, tokens: list[str]) -> list[str]:
        """A word cut in two by a wrong character (残疾人 + 正, 普通 + 化): where a word and the
        lone character beside it sound like a word the index holds, read them as one, which
        then finds that word (残疾人正 -> 残疾人证, 普通化 -> 普通话)."""
        out: list[str] = []
        for tok in tokens:
            if out and (len(tok) == 1 or len(out[-1]) == 1) and analysis.all_han(out[-1] + tok):
                joined = out[-1] + tok
                if not self._known(joined):
                    sounds = self._homophones(joined)
                    # A particle (的, 地) joins only where the word it makes is in titles: 所的 -> 所得.
                    if sounds and (tok not in self.stopwords or (len(tok) == 1 and self._in_titles(sounds))):
                        out[-1] = joined
                        continue
            out.append(tok)
        return out

    def _stem_boost(self, stem: str) -> Query:
        subs: list[Query] = []
        for t in sorted(self._expand(stem)):
            subs += [Term("dept", t, boost=1.5), Term("topic", t, boost=1.0)]
        return Or(subs)

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
        text = self._drop_frames(text)
        tokens, char_runs = self._join_unknown(analysis.query_tokens(text, self.tok))
        boosts: list[Query] = []
        departments: list[Query] = []
        read: list[str] = []
        for position, token in enumerate(tokens):
            stem = None
            if token in DEPARTMENT_SUFFIXES and read and analysis.all_han(read[-1]) and position > 0:
                stem = read.pop()  # 社保 + 局
            elif len(token) >= 3 and token[-1] in DEPARTMENT_SUFFIXES and token not in self.departments:
                if not self._known(token) and self._known(token[:-1]):
                    stem = token[:-1]  # 人防办
            if stem is not None:
                # A short department name the lexicon does not list: a boost (or the listed
                # name it sounds like: 公正 + 处 -> 公证处).
                name = self._department_name(stem + token) if len(token) == 1 else None
                if name is not None:
                    boosts.append(self._department_boost(name) or self._stem_boost(stem))
                    departments.append(self._department_topics(name))
                    continue
                boost = self._department_boost(stem) or self._stem_boost(stem)
                boosts.append(boost)
                departments.append(self._department_topics(stem))
                continue
            name = self._department_name(token) if analysis.all_han(token) else None
            if name is not None:
                boosts.append(self._department_boost(name) or self._stem_boost(token[:-1]))
                departments.append(self._department_topics(name))
                continue
            parts = self._phrase_parts(token) if analysis.is_han(token) else None
            if parts and token in self.object_words:
                # A service the lexicon names (生育津贴, 独生子女奖励) that no title holds: its parts
                # may find it under the county's own wording (补缴社保 -> 补缴 + 社保), but a
                # record holding only some of them is another service, never "related".
                flags["named_service"] = True
            read.extend(parts if parts else [token])
        tokens = read
        flags["boosts"] = boosts
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
                    concept = self._han_concept(part, char_run=part in char_runs)
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
        if not concepts and departments:
            # Only a department was typed (社保局): its topics are what to look for.
            flags["boosts"] = []
            concepts = [_Concept(Or(departments), set(), primary=Or(departments))]
        return concepts[:12], flags

    # --- search

    def search(self, query: str, limit: int = 30, opened: dict[str, int] | None = None) -> SearchResult:
        """Search the release. Never raises: a failure is logged, counted (`failures`) and gives
        an empty result marked `failed`. `opened` maps "kind:id" to how often citizens opened
        that record from a search (the query log); broad queries put those first."""
        started = time.perf_counter()
        text = query if isinstance(query, str) else ""
        result = SearchResult(query=text)
        try:
            with self._search_lock:
                self._search(text, max(1, min(int(limit), 200)), result, opened)
                if not (result.hits or result.related):
                    # Nothing at all: maybe a character typed for one that looks like it.
                    fixed = self._shape_fix(text)
                    if fixed is not None:
                        self._search(fixed, max(1, min(int(limit), 200)), result, opened)
        except Exception:
            log.exception("search failed for %r", text[:MAX_QUERY_CHARS])
            _count_failure()
            result.hits, result.groups, result.failed = [], [], True
        result.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return result

    def _search(self, query: str, limit: int, result: SearchResult, opened: dict | None) -> None:
        concepts, flags = self.understand(query)
        if not concepts:
            return
        searcher = self._searcher()
        reader = searcher.reader()
        # Filler (需要, 什么…) is never required while anything else is left; it only adds. Nor
        # is a weak word the index does not hold at all (a verb, a lone character, letters
        # that spell nothing here).
        required = [
            c for c in concepts if not c.optional and not (c.weak and c.query.estimate_size(reader) == 0)
        ] or concepts
        extras = [c.query for c in concepts if c not in required] + flags["boosts"]

        def run(nodes: list[Query], cap: int = CANDIDATES, stored: bool = True) -> list[tuple[int, dict, float]]:
            """The best `cap` records holding every node, with their stored fields (or, with
            `stored` false, an empty dict: the caller loads those of the records it keeps)."""
            # A lone concept is read to its end: one flat union of its words is far cheaper
            # than whoosh's tree of unions (see matchers.py).
            q = read_whole(nodes[0]) if len(nodes) == 1 else ScoredAnd(nodes)
            if extras:
                q = ScoredAndMaybe(q, Or(extras))
            hits = searcher.search(q, limit=cap, terms=False)
            return [(h.docnum, h.fields() if stored else {}, h.score) for h in hits]

        # Tier 1: the words as typed, in titles and keywords. Enough hits there: done (cheap,
        # and a title match is what a citizen wants). Otherwise tier 2: synonyms, inner words,
        # bodies, departments.
        primaries = [c.primary if c.primary is not None else c.query for c in required]
        found = run(primaries)
        if len(found) < min(limit, TIER1_ENOUGH):
            found = run([c.query for c in required])
        related: list[tuple[int, dict, float, float]] = []
        if (
            len(required) > 1
            and len(found) < FILL_BELOW
            and not flags.get("named_service")
            and not any(c.guess for c in required)
        ):
            related = self._partial(required, {d for d, _f, _s in found}, run)
        terms: set[str] = set()
        for c in concepts:
            terms |= {t for t in c.terms if len(t) >= 1 and t not in self.stopwords}
        result.terms = sorted(terms, key=lambda t: (-len(t), t))
        text = flags["text"].replace(" ", "")
        exact = {text} | {t for c in concepts if len(concepts) == 1 for t in c.terms}
        broad = len(found) >= BROAD_MIN
        top_opened = max(opened.values()) if (opened and broad) else 0
        marker = _Highlighter(result.terms)
        guides_found = {f["id"] for _d, f, *_rest in found + related if f["kind"] == "guide"}
        in_department: set[int] = set()
        if flags["boosts"]:
            # Records of the department the citizen named come first among equals.
            in_department = self._holding(Or(flags["boosts"]), [d for d, *_rest in found + related])

        def rank(rows: list[tuple[int, dict, float]]) -> list[Hit]:
            hits: list[Hit] = []
            for docnum, stored, base in rows:
                title = stored["title_text"]
                kind = stored["kind"]
                score = base * _kind_factor(kind, flags)
                if docnum in in_department:
                    score *= DEPARTMENT_BOOST
                if kind == "catalog" and stored.get("guide_id") in guides_found:
                    score *= 0.5  # the row's own guide is in the results: the guide is what to open
                norm_title = analysis.normalize(title).replace(" ", "")
                if norm_title in exact:
                    score *= 3.0
                elif len(text) >= 2 and text in norm_title:
                    score *= 1.5
                # The more of the title the query covers, the more the record is about it.
                score *= 1.0 + marker.coverage(norm_title)
                if broad:
                    # Many records match as well as each other: what citizens use most first.
                    if stored.get("common"):
                        score *= 1.0 + COMMON_BOOST
                    if top_opened:
                        n = opened.get(f"{kind}:{stored['id']}", 0)
                        score *= 1.0 + OPENED_BOOST * math.log1p(n) / math.log1p(top_opened)
                validity = stored.get("validity", "")
                if validity == "失效":
                    score *= 0.5
                elif validity == "废止":
                    score *= 0.4
                hits.append(
                    Hit(
                        id=stored["id"],
                        kind=kind,
                        title=title,
                        score=round(score, 4),
                        subkind=stored.get("subkind", ""),
                        validity=validity,
                    )
                )
            hits.sort(key=lambda hit: (-hit.score, KINDS.index(hit.kind), hit.id))
            return hits

        result.hits = rank(found)[:limit]
        if related:
            # Partial matches: by how much of the query they hold, then by the text score.
            share_of = {f["id"]: share for _d, f, _s, share in related}
            hits = rank([(d, f, score) for d, f, score, _share in related])
            hits.sort(key=lambda h: (-share_of[h.id], -h.score, KINDS.index(h.kind), h.id))
            result.related = hits[: min(RELATED_LIMIT, limit)]
        self._decorate(result)

    def _holding(self, query: Query, docnums) -> set[int]:
        """Which of `docnums` `query` matches."""
        return holding(query, docnums, self._searcher())

    def _weight(self, concept: _Concept, reader) -> float:
        """How much a concept tells about which record is meant: the rarer in the index, the
        more (inverse document frequency), an action half as much. A word found nowhere counts
        as the rarest, unless it is weak (a lone character, a verb or particle, one of general
        Chinese's commonest words): the object of a query decides which service is meant."""
        n = max(1, reader.doc_count())
        # Rarity among titles: a word the county's names never hold is what it lacks (a body
        # that mentions 高龄 does not make 高龄津贴's 津贴 items the answer).
        size = (concept.primary or concept.query).estimate_size(reader)
        if size == 0:
            size = n / 2 if concept.weak else 1
        return math.log1p(n / size) * (ACTION_WEIGHT if concept.action else 1.0)

    def _partial(self, required: list[_Concept], matched: set[int], run) -> list[tuple[int, dict, float, float]]:
        """Records that hold some of the query's concepts but not all: rank by the rarity-weighted
        share of the concepts they hold; keep those holding at least RELATED_MIN_SHARE."""
        searcher = self._searcher()
        reader = searcher.reader()
        weights = [self._weight(c, reader) for c in required]
        total = sum(weights) or 1.0
        # A record that holds none of the concepts worth more than 1 - RELATED_MIN_SHARE of the
        # whole can never qualify: look for candidates among the records holding one of them
        # (the rarest concepts, so the fewest records), scoring the others where present.
        order = sorted(range(len(required)), key=lambda i: -weights[i])
        needed, held_weight = [], 0.0
        for i in order:
            needed.append(i)
            held_weight += weights[i]
            if held_weight > (1.0 - RELATED_MIN_SHARE) * total:
                break
        others = [required[i].query for i in order if i not in needed]
        query: Query = read_whole(Or([required[i].query for i in needed]))
        if others:
            query = ScoredAndMaybe(query, Or(others))
        candidates = [row for row in run([query], CANDIDATES * 2, stored=False) if row[0] not in matched]
        if not candidates:
            return []
        docnums = [row[0] for row in candidates]
        held: dict[int, float] = dict.fromkeys(docnums, 0.0)
        for concept, weight in zip(required, weights, strict=True):
            for docnum in self._holding(concept.query, docnums):
                held[docnum] += weight
        out = []
        for docnum, _none, score in candidates:
            share = held[docnum] / total
            if RELATED_MIN_SHARE <= share < 0.999:
                out.append((docnum, searcher.stored_fields(docnum), score, round(share, 3)))
        return out

    def _decorate(self, result: SearchResult) -> None:
        """Highlighted titles and snippets for the hits shown, then the groups by kind."""
        marker = _Highlighter(result.terms)
        texts = self._snippet_texts(result.hits + result.related)
        for hit in result.hits + result.related:
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

    # --- a character typed for one that looks like it (授 for 援)

    def _shape_fix(self, query: str) -> str | None:
        """The query with one character replaced: a word in it that the index does not know,
        with a known word beside it (SHAPE_MIN_CHARS to SHAPE_MAX_CHARS characters together),
        differs in one character from exactly one thing the county's titles write (法律 + 授助 ->
        法律援助): a slip of handwriting input or of a character picked from a list, which no
        pinyin reading finds. Called only when nothing at all was found, so it never changes an
        answer; None when no single reading fits (the query then gets an honest 没有找到)."""
        text = analysis.normalize(query)[:MAX_QUERY_CHARS]
        tokens, _runs = self._join_unknown(analysis.query_tokens(self._drop_frames(text), self.tok))
        for k, token in enumerate(tokens):
            if not self._shape_unknown(token):
                continue
            left = tokens[k - 1] if k > 0 and self._shape_neighbour(tokens[k - 1]) else ""
            right = tokens[k + 1] if k + 1 < len(tokens) and self._shape_neighbour(tokens[k + 1]) else ""
            # The longest stretch first: the more characters agree, the surer the one that differs.
            stretches = [(left, right), (left, ""), ("", right), ("", "")]
            for before, after in sorted(stretches, key=lambda p: -len(p[0] + p[1])):
                span = before + token + after
                if not SHAPE_MIN_CHARS <= len(span) <= SHAPE_MAX_CHARS or span not in text:
                    continue
                positions = range(len(before), len(before) + len(token))
                found = {w for i in positions for w in self._one_character_off(span, i)}
                if found:
                    return text.replace(span, found.pop(), 1) if len(found) == 1 else None
        return None

    def _shape_unknown(self, token: str) -> bool:
        """A word of the query that may be a slip: Chinese, found in no field, no word of general
        Chinese (驾驶员 is a real word a county may lack), and nothing the lexicon or the county
        knows (an object the county lacks is never a typo)."""
        return (
            analysis.all_han(token)
            and len(token) <= SHAPE_MAX_CHARS
            and not analysis.base_frequency(token)
            and token not in self.stopwords
            and token not in self.object_words
            and token not in self.groups_of
            and token not in self.expansions
            and not self._known(token)
        )

    def _shape_neighbour(self, token: str) -> bool:
        return analysis.all_han(token) and token not in self.stopwords and self._known(token)

    def _one_character_off(self, span: str, i: int) -> set[str]:
        """What titles write where `span` stands, differing from it in character `i` only: the
        titles holding the rarest pair of its other characters (every pair is indexed) are read,
        unless more than SHAPE_MAX_TITLES hold it."""
        reader = self._searcher().reader()
        pairs = [span[j : j + 2] for j in range(len(span) - 1) if i not in (j, j + 1)]
        found: set[str] = set()
        if not pairs:  # 法?助: the title words that long beginning with its first character
            for raw in reader.expand_prefix("title", span[:i]):
                word = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                if len(word) == len(span) and word[i + 1 :] == span[i + 1 :] and word != span:
                    found.add(word)
            return found
        anchor = min(pairs, key=lambda p: reader.doc_frequency("title", p))
        if not 0 < reader.doc_frequency("title", anchor) <= SHAPE_MAX_TITLES:
            return found
        pattern = re.compile(re.escape(span[:i]) + r"([\u4e00-\u9fff])" + re.escape(span[i + 1 :]))
        for docnum in reader.postings("title", anchor).all_ids():
            title = analysis.normalize(reader.stored_fields(docnum).get("title_text", ""))
            found.update(m.group(0) for m in pattern.finditer(title) if m.group(1) != span[i])
        return found

    # --- suggestions

    def suggest(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        """Titles whose beginning, a word's beginning, initials or pinyin start with `prefix`."""
        try:
            with self._suggest_lock:
                return self._suggest(prefix if isinstance(prefix, str) else "", max(1, min(int(limit), 20)))
        except Exception:
            log.exception("suggest failed for %r", str(prefix)[:MAX_QUERY_CHARS])
            _count_failure()
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


_failures_lock = threading.Lock()
_failures = 0


def _count_failure() -> None:
    global _failures
    with _failures_lock:
        _failures += 1


def failures() -> int:
    """Searches and suggestions that raised in this process (each was logged with its traceback)."""
    return _failures


def jieba_frequency(word: str) -> int:
    """How often general Chinese uses `word` (jieba's own dictionary, never the county's words)."""
    return analysis.base_frequency(word)


SUGGEST_KIND_PREFERENCE = {"guide": 0, "life_event": 1, "catalog": 2, "document": 3}


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
        # Joined as plain strings of escaped text (Markup's own + and join cost more than the
        # rest of the highlighting), then marked safe once.
        out: list[str] = []
        pos = start
        for m in self.regex.finditer(text, start, end):
            out += (escape(text[pos : m.start()]), "<mark>", escape(m.group()), "</mark>")
            pos = m.end()
        out.append(escape(text[pos:end]))
        return Markup("".join(out).replace("</mark><mark>", ""))

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
