"""Pinyin candidates: what the letters a citizen has touched may stand for.

The letters are cut into syllables or beginnings of syllables in every way that fits (shebao:
she|bao; sb: s|b; sheb: she|b; xian: xian or xi|an; an apostrophe forces a cut: xi'an), and each
cut is looked up in two places:

  1. the county's own words (the names in its content, its synonyms, the product's everyday words
     for government services), ranked as the release's search index ranks them; then
  2. the general lexicon (lexicon.py: jieba's dictionary and the common characters), most
     frequent first; cuts made of whole syllables before cuts made of initials.

After the words that stand for all the letters come longer words that begin with them (社保卡 for
shebao or sb), then unlikelier cuts, then words and characters for the first syllables only:
choosing one of those leaves the other letters to be typed on (`consumed` says how many letters a
candidate uses).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .lexicon import MAX_WORD_CHARS, Lexicon

MAX_INPUT = 40  # letters; a syllable has at most 6
MAX_CUTS = 64  # ways of cutting the letters that are considered
CUTS_LOOKED_UP = 6
MAX_CANDIDATES = 200
PAGE_SIZE_DEFAULT = 8
PAGE_SIZE_MAX = 20
FULL_LIMIT, LONGER_LIMIT, PARTIAL_LIMIT = 120, 30, 80
_LETTERS = re.compile(r"^[a-z']*$")


class InputError(ValueError):
    """The input is not pinyin letters (the message says what is wrong, in plain words)."""


@dataclass(frozen=True)
class Part:
    text: str
    start: int
    end: int
    complete: bool  # a whole syllable (matched exactly) or the beginning of one (matched as prefix)


@dataclass(frozen=True)
class Candidate:
    text: str
    consumed: int  # how many characters of the input (letters and apostrophes) it stands for


@dataclass(frozen=True)
class Page:
    input: str
    candidates: list[Candidate]
    page: int
    pages: int
    total: int


def clean(raw: object) -> str:
    """Lower-case letters and apostrophes; anything else is an InputError."""
    if not isinstance(raw, str):
        raise InputError("拼音只能是字母")
    text = raw.strip().lower().replace("’", "'")
    if len(text) > MAX_INPUT:
        raise InputError(f"拼音太长了（最多 {MAX_INPUT} 个字母）")
    if not _LETTERS.match(text):
        raise InputError("拼音只能是字母")
    return text


def segment(text: str, syllables: frozenset[str], prefixes: frozenset[str]) -> list[tuple[Part, ...]]:
    """Every way (up to MAX_CUTS) of cutting `text` into syllables and syllable beginnings, the
    likeliest first: fewest beginnings, then fewest parts."""
    chunks: list[tuple[int, str]] = []
    pos = 0
    for piece in text.split("'"):
        if piece:
            chunks.append((pos, piece))
        pos += len(piece) + 1
    if not chunks:
        return []
    longest = max((len(s) for s in syllables), default=6)
    flat = "".join(c for _p, c in chunks)
    # Where each letter of `flat` sits in `text`, and where an apostrophe forces a cut.
    offsets: list[int] = []
    boundaries: set[int] = set()
    for p, c in chunks:
        if offsets:
            boundaries.add(len(offsets))
        offsets.extend(range(p, p + len(c)))
    n = len(flat)
    dead: set[int] = set()
    out: list[tuple[Part, ...]] = []

    def walk(i: int, parts: list[Part]) -> bool:
        if i == n:
            out.append(tuple(parts))
            return True
        if i in dead:
            return False
        ok = False
        for length in range(min(longest, n - i), 0, -1):
            if any(b in boundaries for b in range(i + 1, i + length)):
                continue
            piece = flat[i : i + length]
            # A single letter is read as the beginning of a syllable (a: a, ai, an…; m: ma, min…),
            # never as the rare interjections m, n, e alone.
            complete = length > 1 and piece in syllables
            if not complete and piece not in prefixes:
                continue
            part = Part(piece, offsets[i], offsets[i + length - 1] + 1, complete)
            parts.append(part)
            ok = walk(i + length, parts) or ok
            parts.pop()
            if len(out) >= MAX_CUTS:
                return True
        if not ok:
            dead.add(i)
        return ok

    walk(0, [])
    out.sort(key=lambda cut: (sum(not p.complete for p in cut), len(cut)))
    return out


def _matches(syllables: Iterable[str], parts: tuple[Part, ...]) -> bool:
    syl = tuple(syllables)
    if len(syl) < len(parts):
        return False
    return all((s == p.text) if p.complete else s.startswith(p.text) for s, p in zip(syl, parts, strict=False))


def _sql_prefix(parts: tuple[Part, ...]) -> tuple[str, bool]:
    """The start of the syllables column every match has, and whether it is the whole value."""
    done: list[str] = []
    for p in parts:
        done.append(p.text)
        if not p.complete:
            return " ".join(done), False
    return " ".join(done), True


@dataclass(frozen=True)
class CountyWord:
    word: str
    syllables: tuple[str, ...]
    initials: str
    order: int  # the county's ranking: 0 is the word it uses most


class CountyWords:
    """The county's own words with their readings, by initials (built once per release)."""

    def __init__(self, ranked: Iterable[tuple[str, tuple[str, ...]]]):
        self.by_initials: dict[str, list[CountyWord]] = {}
        items: list[CountyWord] = []
        seen: set[str] = set()
        for order, (word, syl) in enumerate(ranked):
            readable = len(syl) == len(word) and all(s.isascii() and s.isalpha() for s in syl)
            if word in seen or len(word) < 2 or not readable:
                continue
            seen.add(word)
            w = CountyWord(word, tuple(syl), "".join(s[0] for s in syl), order)
            self.by_initials.setdefault(w.initials, []).append(w)
            items.append(w)
        items.sort(key=lambda w: (w.initials, w.order))
        self._sorted = items
        self._keys = [w.initials for w in items]

    def __len__(self) -> int:
        return len(self._sorted)

    def exact(self, parts: tuple[Part, ...]) -> list[CountyWord]:
        key = "".join(p.text[0] for p in parts)
        return [w for w in self.by_initials.get(key, ()) if _matches(w.syllables, parts)]

    def longer(self, parts: tuple[Part, ...]) -> list[CountyWord]:
        key = "".join(p.text[0] for p in parts)
        lo = bisect.bisect_right(self._keys, key)
        hi = bisect.bisect_left(self._keys, key + "\x7f")
        found = [w for w in self._sorted[lo:hi] if _matches(w.syllables, parts)]
        return sorted(found, key=lambda w: (len(w.word), w.order))


EMPTY_COUNTY = CountyWords(())


class Candidates:
    """Candidate lookup over the general lexicon and one release's county words."""

    def __init__(self, lexicon: Lexicon, county: CountyWords = EMPTY_COUNTY):
        self.lexicon = lexicon
        self.county = county
        # Syllables without a vowel (hm, ng, hng) are interjections: read as beginnings only.
        self.syllables = frozenset(s for s in lexicon.syllables if any(v in s for v in "aeiouv"))
        self.prefixes = frozenset(s[:i] for s in self.syllables for i in range(1, len(s) + 1))

    def _full(self, cut: tuple[Part, ...], limit: int) -> list[tuple[str, int]]:
        """(word, freq) of the general lexicon standing for exactly this cut."""
        if len(cut) > MAX_WORD_CHARS:
            return []
        key = "".join(p.text[0] for p in cut)
        prefix, exact = _sql_prefix(cut)
        rows = self.lexicon.words(key, prefix, limit, exact=exact)
        return [(w, f) for w, s, f in rows if _matches(s.split(), cut)]

    def lookup(self, raw: object) -> list[Candidate]:
        """All candidates for the input (at most MAX_CANDIDATES), in the order they are shown."""
        return list(self._lookup(clean(raw)))

    @functools.lru_cache(maxsize=256)  # noqa: B019  (one Candidates per release, kept by the service)
    def _lookup(self, text: str) -> tuple[Candidate, ...]:
        cuts = segment(text, self.syllables, self.prefixes)
        if not cuts:
            return []
        out: dict[str, Candidate] = {}

        def add(word: str, consumed: int) -> None:
            if word not in out and len(out) < MAX_CANDIDATES:
                out[word] = Candidate(word, consumed)

        whole = len(text)
        looked = cuts[:CUTS_LOOKED_UP]
        # 1. the county's words for all the letters
        for cut in looked:
            for w in self.county.exact(cut):
                add(w.word, whole)
        # 2. the general lexicon for all the letters, by frequency, for the likeliest cuts (as many
        #    syllable beginnings as the best cut); unlikelier cuts (shebao as sh|e|bao: 十二包)
        #    come after the longer words of step 3
        best = cuts[0]
        likeliest = sum(not p.complete for p in best)
        ranked: list[tuple[int, int, str]] = []
        for cut in looked:
            tier = sum(not p.complete for p in cut) - likeliest
            ranked.extend((tier, -f, w) for w, f in self._full(cut, FULL_LIMIT))
        ranked.sort()
        for tier, _f, w in ranked:
            if tier == 0:
                add(w, whole)
        # 3. longer words beginning with these letters (the county's, then the most frequent)
        if whole >= 2:
            for w in self.county.longer(best):
                add(w.word, whole)
            if len(best) >= 2 and len(best) < MAX_WORD_CHARS:
                key = "".join(p.text[0] for p in best)
                prefix, _exact = _sql_prefix(best)
                rows = self.lexicon.longer_words(key, prefix.rstrip() if _exact else prefix, LONGER_LIMIT * 4)
                longer = [(w, f) for w, s, f in rows if _matches(s.split(), best)]
                for w, _f in longer[:LONGER_LIMIT]:
                    add(w, whole)
        for tier, _f, w in ranked:
            if tier > 0:
                add(w, whole)
        # 4. words and characters for the first syllables only; the rest stays to be typed
        for k in range(min(len(best) - 1, MAX_WORD_CHARS), 0, -1):
            head = best[:k]
            consumed = head[-1].end
            if consumed < whole and text[consumed] == "'":
                consumed += 1
            for w in self.county.exact(head):
                add(w.word, consumed)
            for w, _f in self._full(head, PARTIAL_LIMIT):
                add(w, consumed)
        return tuple(out.values())

    def page(self, raw: object, page: int = 0, size: int = PAGE_SIZE_DEFAULT) -> Page:
        """One page of candidates; a page past the end gives the last one."""
        text = clean(raw)
        size = max(1, min(int(size), PAGE_SIZE_MAX))
        found = self.lookup(text)
        pages = max(1, -(-len(found) // size))
        page = max(0, min(int(page), pages - 1))
        return Page(text, found[page * size : (page + 1) * size], page, pages, len(found))


def split_syllables(
    joined: str, chars: str, syllables: frozenset[str], readings: Mapping[str, str]
) -> tuple[str, ...] | None:
    """Cut a word's joined pinyin (shebao) into one syllable per character (she, bao), preferring
    the cut whose syllables are the characters' usual readings; None if no cut fits."""
    n, m = len(chars), len(joined)
    if m > 6 * n or m < n:
        return None

    @functools.cache
    def best(i: int, k: int) -> tuple[int, tuple[str, ...]] | None:
        """The best cut of joined[i:] into syllables for chars[k:]: (score, syllables)."""
        if k == n:
            return (0, ()) if i == m else None
        found = None
        for length in range(1, min(6, m - i) + 1):
            piece = joined[i : i + length]
            if piece not in syllables:
                continue
            rest = best(i + length, k + 1)
            if rest is not None:
                score = rest[0] + (readings.get(chars[k]) == piece)
                if found is None or score > found[0]:
                    found = (score, (piece, *rest[1]))
        return found

    answer = best(0, 0)
    return answer[1] if answer else None


def county_words_from_maps(
    ini_map: Mapping[str, list[str]],
    full_map: Mapping[str, list[str]],
    readings: Mapping[str, str],
    syllables: frozenset[str],
) -> CountyWords:
    """The county's words from the release's search index: its initials map (each list ranked by
    how much the county uses the word, interleaved by rank so that every list's best words come
    first) and its full-pinyin map (the readings, computed with the words' context when the index
    was built). The web process reads them without importing pypinyin."""
    pinyin_of: dict[str, str] = {}
    for joined, words in full_map.items():
        for w in words:
            pinyin_of.setdefault(w, joined)
    ranked: list[tuple[int, str]] = []
    for words in ini_map.values():
        ranked.extend((i, w) for i, w in enumerate(words))
    ranked.sort()

    def entries():
        for _i, w in ranked:
            joined = pinyin_of.get(w)
            syl = split_syllables(joined, w, syllables, readings) if joined else None
            if syl:
                yield w, syl

    return CountyWords(entries())
