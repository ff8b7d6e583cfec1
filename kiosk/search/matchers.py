"""A faster union for many small posting lists: whoosh's own `Or` walks a binary tree of
union matchers, paying for every level on every document it moves past. For an Or of a few
dozen terms (the initials a citizen typed as the beginning of several titles' initials:
jbylbx -> jbylbx, jbylbxdj, jbylbxsl…) that tree costs ~15 µs a posting, twenty times what
reading the postings costs. `ScoredUnion` reads each term's postings once, adds up the scores
per document and then serves them from two lists: same documents, same scores.

Use it where every posting will be read anyway (a top-level Or, a prefix's expansions); inside
an intersection whoosh's tree can skip, which preloading cannot.
"""

from __future__ import annotations

from bisect import bisect_left

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.matching import NullMatcher
from whoosh.matching.mcore import Matcher
from whoosh.query import And, AndMaybe, Or, Query, Term
from whoosh.scoring import BM25F, BM25FScorer, WeightScorer
from whoosh.util.numeric import byte_to_length


class ScoredList(Matcher):
    """Documents in order with their scores, already added up: one block whose quality is its
    best score (so whoosh's top-N collector can still drop it once it cannot compete)."""

    def __init__(self, ids: list[int], scores: list[float]):
        self._ids = ids
        self._scores = scores
        self._i = 0
        self._max = max(scores, default=0.0)

    def is_active(self) -> bool:
        return self._i < len(self._ids)

    def reset(self) -> None:
        self._i = 0

    def copy(self) -> ScoredList:
        m = ScoredList(self._ids, self._scores)
        m._i = self._i
        return m

    def id(self) -> int:
        return self._ids[self._i]

    def next(self) -> None:
        self._i += 1

    def skip_to(self, id: int) -> None:
        if self._i < len(self._ids) and self._ids[self._i] < id:
            self._i = bisect_left(self._ids, id, self._i)

    def all_ids(self):
        return iter(self._ids[self._i :])

    def score(self) -> float:
        return self._scores[self._i]

    def weight(self) -> float:
        return self._scores[self._i]

    def supports(self, _astype) -> bool:
        return False  # no positions or other posting values: the sums are all it holds

    def supports_block_quality(self) -> bool:
        return True

    def max_quality(self) -> float:
        return self._max

    def block_quality(self) -> float:
        return self._max

    def skip_to_quality(self, minquality: float) -> int:
        if self._max <= minquality:
            self._i = len(self._ids)
            return 1
        return 0

    def replace(self, minquality: float = 0):
        if not self.is_active() or (minquality and self._max < minquality):
            return NullMatcher()
        return self


def _leaves(query: Query) -> list[Query]:
    """The subqueries an Or (of Ors…) adds up, boosts of 1 only (so their sum is its score)."""
    if isinstance(query, Or) and query.boost == 1.0 and not isinstance(query, ConstantUnion):
        return [leaf for sub in query.subqueries for leaf in _leaves(sub)]
    return [query]


def _read(queries: list[Query], searcher, context) -> dict[int, float]:
    """Every document the queries match, with the sum of their scores."""
    scores: dict[int, float] = {}
    get = scores.get
    weighting = context.weighting if context is not None else searcher.weighting
    for q in queries:
        if type(q) is Term and isinstance(weighting, LengthCachedBM25F) and weighting.add_postings(q, searcher, scores):
            continue
        m = q.matcher(searcher, context)
        while m.is_active():
            docnum = m.id()
            scores[docnum] = get(docnum, 0.0) + m.score()
            m.next()
    return scores


def _as_list(scores: dict[int, float], boost: float = 1.0) -> ScoredList:
    ids = sorted(scores)
    return ScoredList(ids, [scores[d] * boost for d in ids])


class ScoredUnion(Or):
    """An Or whose matcher is a ScoredList of its subqueries' summed scores."""

    JOINT = " sOR "

    def matcher(self, searcher, context=None):
        # whoosh's CompoundQuery hands a lone subquery its own matcher, dropping this query's
        # boost (and a ConstantUnion's constant score): always build the list.
        return self._matcher(self.subqueries, searcher, context) if self.subqueries else NullMatcher()

    def _matcher(self, subs, searcher, context):
        return _as_list(_read([leaf for sub in subs for leaf in _leaves(sub)], searcher, context), self.boost)


class ConstantUnion(ScoredUnion):
    """A ScoredUnion whose every document scores its boost, however many of its subqueries it
    matches: what whoosh's Prefix (a constant-score query) gives."""

    JOINT = " cOR "

    def _matcher(self, subs, searcher, context):
        ids: set[int] = set()
        for sub in subs:
            ids.update(sub.matcher(searcher, searcher.boolean_context()).all_ids())
        ordered = sorted(ids)
        return ScoredList(ordered, [self.boost] * len(ordered))


# Probing a candidate costs about this many postings read per leaf of the query probed.
PROBE_COST = 2


def _scores_at(query: Query, docnums: list[int], searcher, context) -> dict[int, float]:
    """The documents among `docnums` (sorted) that `query` matches, with its score there. Each
    leaf of the query is either read whole (when it has about as few postings as there are
    documents to look at) or probed at each of them by skipping along its postings."""
    reader = searcher.reader()
    wanted = set(docnums)
    scores: dict[int, float] = {}
    get = scores.get
    for leaf in _leaves(query):
        if leaf.estimate_size(reader) <= len(docnums) * PROBE_COST:
            for docnum, score in _read([leaf], searcher, context).items():
                if docnum in wanted:
                    scores[docnum] = get(docnum, 0.0) + score
            continue
        m = leaf.matcher(searcher, context)
        for docnum in docnums:
            if not m.is_active():
                break
            if m.id() < docnum:
                m.skip_to(docnum)
            if m.is_active() and m.id() == docnum:
                scores[docnum] = get(docnum, 0.0) + m.score()
    return scores


class ScoredAnd(And):
    """An And whose matcher is a ScoredList: the smallest subquery is read whole, then each next
    one is looked up at the candidates left (see _scores_at). Same documents and scores as
    whoosh's And; the cost follows the postings read, not the depth of the trees of unions."""

    JOINT = " sAND "

    def _matcher(self, subs, searcher, context):
        reader = searcher.reader()
        sized = sorted(subs, key=lambda q: q.estimate_size(reader))
        scores = _read(_leaves(sized[0]), searcher, context)
        for q in sized[1:]:
            if not scores:
                break
            present = _scores_at(q, sorted(scores), searcher, context)
            scores = {d: scores[d] + s for d, s in present.items()}
        return _as_list(scores, self.boost)


class ScoredAndMaybe(AndMaybe):
    """AndMaybe(a, b) as a ScoredList: `a` read whole, `b` added where present (_scores_at)."""

    JOINT = " sANDMAYBE "

    def matcher(self, searcher, context=None):
        scores = _read(_leaves(self.a), searcher, context)
        if scores:
            for d, s in _scores_at(self.b, sorted(scores), searcher, context).items():
                scores[d] += s
        return _as_list(scores, self.boost)


def prefix_union(reader, field: str, prefix: str, boost: float = 1.0) -> Query:
    """Every term of `field` that starts with `prefix`, as one ConstantUnion: what whoosh's
    Prefix matches, with the same scores, without its tree of unions."""
    terms = [t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.expand_prefix(field, prefix)]
    if not terms:
        return Term(field, prefix, boost=boost)  # matches nothing, as the Prefix would
    return ConstantUnion([Term(field, t) for t in terms], boost=boost)


def read_whole(query: Query) -> Query:
    """`query` as one ScoredUnion when it is an Or whose postings will be read to the end anyway
    (the query a search runs alone, not one an intersection skips through); as it is if not."""
    if isinstance(query, Or) and not isinstance(query, ScoredUnion):
        return ScoredUnion(query.subqueries, boost=query.boost)
    return query


class LengthCachedBM25F(BM25F):
    """whoosh's BM25F, scoring from each field's document lengths held in a list. whoosh looks a
    document's field length up through three layers of column readers on every posting it
    scores (about 3 µs, most of a score's cost); the lengths of a field are read once, on first
    use, from the same column (25,000 records: a few ms and 200 kB a field). Same formula,
    same scores."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._lengths: dict[str, list[int] | None] = {}
        self._norms: dict[str, list[float]] = {}

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, BM25FScorer):
            lengths = self._field_lengths(searcher, fieldname)
            if lengths is not None:
                scorer.dfl = lengths.__getitem__
        return scorer

    def _field_lengths(self, searcher, fieldname: str) -> list[int] | None:
        if fieldname not in self._lengths:
            self._lengths[fieldname] = _read_lengths(searcher.reader(), fieldname)
        return self._lengths[fieldname]

    def _field_norms(self, searcher, fieldname: str, scorer: BM25FScorer) -> list[float] | None:
        """K1 * ((1 - B) + B * length / average length) of each document: the part of BM25's
        denominator that depends on the document alone."""
        norms = self._norms.get(fieldname)
        if norms is None:
            lengths = self._field_lengths(searcher, fieldname)
            if lengths is None:
                return None
            k1, b, avg = scorer.K1, scorer.B, scorer.avgfl
            norms = self._norms[fieldname] = [k1 * ((1 - b) + b * n / avg) for n in lengths]
        return norms

    def add_postings(self, term: Term, searcher, scores: dict[int, float]) -> bool:
        """Add the score of every posting of `term` to `scores`, reading whoosh's posting blocks
        whole: the same BM25F sum the term's matcher gives (bm25() of whoosh.scoring, regrouped)
        without four calls a posting. False (nothing added) where the postings are not plain
        whoosh 3 blocks; the caller then reads them through the matcher."""
        reader = searcher.reader()
        field = searcher.schema[term.fieldname] if term.fieldname in searcher.schema else None
        if field is None:
            return True  # no such field: matches nothing
        try:
            text = field.to_bytes(term.text)
        except ValueError:
            return True
        if (term.fieldname, text) not in reader:
            return True
        scorer = self.scorer(searcher, term.fieldname, text)
        m = reader.postings(term.fieldname, text)
        if not isinstance(m, W3LeafMatcher):
            return False
        get = scores.get
        if isinstance(scorer, BM25FScorer):
            norms = self._field_norms(searcher, term.fieldname, scorer)
            if norms is None:
                return False
            c = term.boost * scorer.idf * (scorer.K1 + 1)
            for ids, weights in _blocks(m):
                for docnum, w in zip(ids, weights, strict=True):
                    scores[docnum] = get(docnum, 0.0) + c * w / (w + norms[docnum])
        elif isinstance(scorer, WeightScorer):
            boost = term.boost
            for ids, weights in _blocks(m):
                for docnum, w in zip(ids, weights, strict=True):
                    scores[docnum] = get(docnum, 0.0) + boost * w
        else:
            return False
        return True


def _blocks(m: W3LeafMatcher):
    """The (ids, weights) arrays of each posting block of a fresh leaf matcher."""
    while m.is_active():
        m._read_ids()
        m._read_weights()
        yield m._ids, m._weights
        m._next_block()


_LENGTH_OF_BYTE = [byte_to_length(b) or 1 for b in range(256)]


def _read_lengths(reader, fieldname: str) -> list[int] | None:
    """Every document's length in `fieldname`, read from the segment's length column in one go
    (None for an index this does not understand: several segments, another codec; whoosh's own
    lookup is used then)."""
    perdoc = getattr(reader, "_perdoc", None)
    column = None
    try:
        column = perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN) if perdoc is not None else None
        raw = column._dbfile.get(column._basepos, column._count * column._fixedlen) if column is not None else None
    except AttributeError:
        return None
    if raw is None or column._fixedlen != 1:
        return None
    doccount = reader.doc_count_all()
    table = _LENGTH_OF_BYTE
    lengths = [table[b] for b in raw]
    lengths.extend([1] * (doccount - len(lengths)))  # documents after the last stored length
    return lengths


def holding(query: Query, docnums, searcher) -> set[int]:
    """Which of `docnums` `query` matches (each leaf read or probed, as _scores_at decides)."""
    return set(_scores_at(query, sorted(set(docnums)), searcher, None))
