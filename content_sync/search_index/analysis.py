"""The analyzer: one tokenizer of our own over jieba, used when the index is built and when a
query is parsed, plus the pinyin and document-number helpers both sides share.

Why not jieba.analyse.ChineseAnalyzer: it imports the TF-IDF data (~90 MB) it never uses and
tokenizes queries in search mode while ignoring positions, so phrases find nothing. Here text is
cut with `jieba.tokenize` — search mode for indexing (a word and its dictionary sub-words, so
身份证 matches 居民身份证) and default mode for queries (one reading of what the citizen typed) —
and tokens get sequential positions. The index stores the tokens this module produces, so the
whoosh schema pickled into an index holds only whoosh's own classes and the release never depends
on this module's code to be opened.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORDLIKE = re.compile(r"[\w\u3400-\u4dbf\u4e00-\u9fff]")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff\ufff0-\uffff]")
_SPACES = re.compile(r"\s+")

_jieba_lock = threading.Lock()
_jieba_ready = False


def normalize(text: str) -> str:
    """Fold full-width forms (ＳＦＺ, １２) and case; drop control and format characters."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip().lower()


def is_han(text: str) -> bool:
    return bool(_HAN.search(text))


def all_han(text: str) -> bool:
    return bool(text) and all(_HAN.match(c) for c in text)


def setup_jieba(cache_dir: str | Path | None = None) -> None:
    """Point jieba's dictionary cache at `cache_dir` and load the dictionary once per process."""
    global _jieba_ready
    if _jieba_ready:
        return
    with _jieba_lock:
        if _jieba_ready:
            return
        if cache_dir is not None:
            try:
                Path(cache_dir).mkdir(parents=True, exist_ok=True)
                jieba.dt.tmp_dir = str(cache_dir)
            except OSError:  # not writable here: jieba falls back to the temp directory
                pass
        jieba.dt.initialize()
        _jieba_ready = True


def suggest_frequency(word: str) -> int:
    """A dictionary frequency high enough that jieba keeps `word` whole (computed at index time,
    against jieba's own dictionary)."""
    return jieba.dt.suggest_freq(word, tune=False)


class _Overlay(dict):
    """A word table that holds only its own words and reads the rest from jieba's shared one
    (which it never changes): the methods jieba's tokenizer uses on its table."""

    __slots__ = ("base",)

    def __init__(self, base: dict):
        super().__init__()
        self.base = base

    def __missing__(self, word):
        return self.base[word]

    def __contains__(self, word) -> bool:
        return dict.__contains__(self, word) or word in self.base

    def get(self, word, default=None):
        if dict.__contains__(self, word):
            return dict.__getitem__(self, word)
        return self.base.get(word, default)


def tokenizer_for(words: Iterable[tuple[str, int]], overlay: bool = False) -> jieba.Tokenizer:
    """A tokenizer of jieba's own dictionary plus exactly `words` (the county's, with frequencies).

    The index build and the search engine of a release each use their own: jieba's shared
    tokenizer is never changed, so a process that builds or serves several releases reads each
    one exactly as a fresh process would. By default it costs a copy of the dictionary's table
    (~18 MB, ~15 ms); with `overlay` the table holds only `words` and reads the rest from
    jieba's (no copy, each lookup a little slower: right for the few words of a query, not for
    tokenizing a county's every record).
    """
    base = jieba.dt
    base.check_initialized()
    tok = jieba.Tokenizer(base.dictionary)
    tok.FREQ = _Overlay(base.FREQ) if overlay else dict(base.FREQ)
    tok.total, tok.initialized = base.total, True
    tok.tmp_dir, tok.cache_file = base.tmp_dir, base.cache_file
    # What jieba's add_word does, without its per-call checks (14,000 county words: 0.1 s less
    # of the web process's start). A frequency of 0 is skipped: add_word would force-split the
    # word process-wide.
    table, total = tok.FREQ, tok.total
    for word, freq in words:
        if word and freq > 0:
            table[word] = int(freq)
            total += int(freq)
            for end in range(1, len(word)):
                if word[:end] not in table:
                    table[word[:end]] = 0
    tok.total = total
    return tok


def _tokens(text: str, mode: str, tok: jieba.Tokenizer | None) -> Iterator[str]:
    for word, _start, _end in (tok or jieba.dt).tokenize(text, mode=mode):
        word = word.strip()
        if word and _WORDLIKE.search(word):
            yield word


def index_tokens(text: str, bigrams: bool = False, tok: jieba.Tokenizer | None = None) -> list[str]:
    """Tokens for indexing: jieba's search mode, in sequence: each word, preceded by the
    dictionary words inside it (and, with `bigrams`, every pair of characters in it).

    jieba's own search mode only adds inner words of two and three characters, so a county
    word such as 城乡居民基本养老保险参保登记 would hide 养老保险 from the index; this adds inner
    dictionary words of every length.
    """
    text = normalize(text)
    if not text:
        return []
    freq = (tok or jieba.dt).FREQ
    out: list[str] = []
    for word in _tokens(text, "default", tok):
        n = len(word)
        if n > 2 and all_han(word):
            for size in range(2, n):
                for i in range(n - size + 1):
                    sub = word[i : i + size]
                    if freq.get(sub):
                        out.append(sub)
        out.append(word)
    if bigrams:
        out.extend(bigram_tokens(text))
    return out


def bigram_tokens(text: str) -> list[str]:
    """Every pair of Chinese characters: titles get these too, so any part of a name is found
    even where jieba's dictionary does not know the part as a word (耕地地力 -> 地力)."""
    return [run[i : i + 2] for run in _HAN_RUN.findall(normalize(text)) for i in range(len(run) - 1)]


@functools.lru_cache(maxsize=65536)
def char_pinyin(text: str) -> tuple[list[str], list[str]]:
    """Full pinyin and initials of `text`, one item per character (read in context, so that
    place-name readings apply); other characters stand for themselves. Cached: the index build
    reads each title twice (its pinyin terms, its suggestion keys); callers must not change the
    lists."""
    from pypinyin import Style, lazy_pinyin

    full = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chunk: list(chunk))
    if len(full) != len(text):  # pypinyin merged something: read character by character
        full = [full_pinyin(c) or c for c in text]
    return full, [s[:1] for s in full]


def query_tokens(text: str, tok: jieba.Tokenizer | None = None) -> list[str]:
    """Tokens of a query: default mode, one segmentation of what the citizen typed."""
    text = normalize(text)
    return list(_tokens(text, "default", tok)) if text else []


# --- pinyin --------------------------------------------------------------------------------
# pypinyin is imported only where pinyin is computed (index build): importing it costs ~57 MB
# of dictionaries, which the web process must not carry. Queries use the release's own
# character table (char_readings) instead.


def char_readings() -> dict[str, str]:
    """Tone-less pinyin of every common Chinese character (its most frequent reading), for the
    query side to read a homophone typo (身分证 -> shenfenzheng) without pypinyin."""
    from pypinyin import Style, lazy_pinyin

    chars = [chr(c) for c in range(0x4E00, 0x9FA6)]
    readings = lazy_pinyin(chars, style=Style.NORMAL, errors=lambda _c: [""])
    return {c: r for c, r in zip(chars, readings, strict=True) if r and r.isascii() and r.isalpha()}


def load_pinyin_phrases(phrases: dict[str, list[str]]) -> None:
    """Teach pypinyin readings it gets wrong: place names (长宁 cháng) and other heteronyms."""
    from pypinyin import load_phrases_dict

    load_phrases_dict({word: [[syllable] for syllable in syllables] for word, syllables in phrases.items()})
    syllables.cache_clear()
    char_pinyin.cache_clear()


def _keep_chars(chunk: str) -> list[str]:
    return [c for c in chunk.lower() if c.isascii() and c.isalnum()]


@functools.lru_cache(maxsize=65536)
def syllables(word: str) -> tuple[str, ...]:
    """Tone-less syllables of `word` (ü as v); letters and digits stand for themselves."""
    from pypinyin import Style, lazy_pinyin

    return tuple(s for s in lazy_pinyin(word, style=Style.NORMAL, errors=_keep_chars) if s)


def full_pinyin(word: str) -> str:
    """居民身份证 -> jumingshenfenzheng."""
    return "".join(syllables(word))


def initials(word: str) -> str:
    """居民身份证 -> jmsfz: the first letter of each syllable, which is pypinyin's FIRST_LETTER
    style (vowel-initial syllables keep their vowel, unlike Style.INITIALS)."""
    return "".join(s[0] for s in syllables(word))


_FUZZY = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ng", "n"), ("l", "n"), ("f", "h"))


def fuzzy_pinyin(key: str) -> str:
    """Collapse sounds many speakers confuse (zh/z, ch/c, sh/s, -ng/-n, l/n, f/h)."""
    for a, b in _FUZZY:
        key = key.replace(a, b)
    return key


# --- document numbers (发文字号) --------------------------------------------------------------

_DOC_NUMBER = re.compile(
    r"^(?P<prefix>.*?)[〔\[【(（]?(?P<year>(?:19|20)\d\d)[〕\]】)）]?\s*年?\s*第?\s*(?P<seq>\d{1,5})\s*号"
)
_QUERY_NUMBER = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{2,8})?\s*[〔\[【(（]\s*(?P<year>(?:19|20)\d\d)\s*[〕\]】)）]\s*第?\s*(?P<seq>\d{1,5})\s*号"
    r"|(?P<prefix2>[\u4e00-\u9fff]{2,8})?\s*(?P<year2>(?:19|20)\d\d)\s*年?\s*第?\s*(?P<seq2>\d{1,5})\s*号"
    r"|第?\s*(?P<seq3>\d{1,5})\s*号"
)


def number_terms(number: str, tok: jieba.Tokenizer | None = None) -> list[str]:
    """Index terms of a document number: 禾政办发〔2024〕12号 -> 禾政办发, y2024, n12, 2024-12."""
    text = unicodedata.normalize("NFKC", number or "").strip()
    # NFKC folds full-width brackets; keep 〔〕 which it does not fold.
    m = _DOC_NUMBER.match(text)
    if not m:
        return index_tokens(text, tok=tok)
    year, seq = m.group("year"), str(int(m.group("seq")))
    terms = [f"y{year}", f"n{seq}", f"{year}-{seq}"]
    prefix = m.group("prefix").strip()
    if prefix:
        terms.append(prefix.lower())
    return terms


def query_number(text: str) -> tuple[list[str], str, str] | None:
    """Find a document number in a query. Returns (required terms, optional prefix term, rest)."""
    m = _QUERY_NUMBER.search(text)
    if not m:
        return None
    rest = (text[: m.start()] + " " + text[m.end() :]).strip()
    if m.group("seq") is not None:
        year, seq, prefix = m.group("year"), m.group("seq"), m.group("prefix")
    elif m.group("seq2") is not None:
        year, seq, prefix = m.group("year2"), m.group("seq2"), m.group("prefix2")
    else:
        return ([f"n{int(m.group('seq3'))}"], "", rest)
    return ([f"{year}-{int(seq)}"], (prefix or "").lower(), rest)


def base_frequency(word: str) -> int:
    """The count of `word` in jieba's own dictionary (general Chinese; a county's words are added
    to tokenizers of their own, never to this one). 0 for words it does not list."""
    return jieba.dt.FREQ.get(word, 0) or 0


# Parts of speech (jieba's dictionary tags) that say how or what is done rather than which thing:
# verbs (not verbal nouns such as 殡葬), adverbs, adjectives, particles, prepositions,
# conjunctions, pronouns, numerals, measure and direction words, interjections, onomatopoeia.
_FUNCTION_TAGS = ("v", "d", "a", "u", "p", "c", "r", "m", "q", "f", "y", "e", "o", "z")


@functools.cache
def function_words() -> frozenset[str]:
    """Words of jieba's dictionary tagged as anything but a noun or name (迁走 v, 报销 v, 一下 m):
    when the index does not know such a word, it tells little about which service is meant."""
    path = Path(jieba.__file__).resolve().parent / "dict.txt"
    out = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            tag = parts[2] if len(parts) == 3 else ""
            if tag.startswith(_FUNCTION_TAGS) and tag != "vn" and len(parts[0]) <= 4:
                out.add(parts[0])
    return frozenset(out)
