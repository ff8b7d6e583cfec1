"""The default lexicon shipped with the product: the national vocabulary of service names.

Citizens' words are much the same in every county (社保, 低保, 上户口, 开饭店, 驾照), and so
are the official names counties give their services (最低生活保障, 婚姻登记, 机动车驾驶证). The
product keeps both as data under data/lexicon/, one file per domain and one group per line; a
county's synonyms.json extends them (see docs/search.md, "The default lexicon").

Files under data/lexicon/:

- ``domains.tsv``: the known domains, ``id<TAB>中文名``; a groups file must be one of them;
- ``<domain>.tsv``: topic groups, ``official forms<TAB>everyday words``;
- ``action.tsv``: action groups (不见了 → 挂失/补领/补发), the same format, domain ``action``;
- ``departments.tsv``: ``short names<TAB>topic words`` (社保局 → 社会保险, 养老保险 …);
- ``shared_terms.tsv``: ``term<TAB>why``: terms that may belong to more than one group;
- ``stopwords.txt``: question frames and filler a query may drop, one per line;
- ``reading.json``: jieba words, single characters, service and policy words, popular searches,
  pinyin readings.

Terms in a column are separated by spaces or by 、; ``#`` starts a comment. Errors name the
file, the line and the term.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data" / "lexicon"
ACTION_DOMAIN = "action"

_SPLIT = re.compile(r"[\s、]+")


class LexiconError(ValueError):
    """A lexicon file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Group:
    """One concept: how counties write it (official) and the words citizens use (everyday).

    ``id`` is ``<domain>:<first official form>``, stable while the first form stays.
    """

    id: str
    domain: str
    official: tuple[str, ...]
    everyday: tuple[str, ...]

    @property
    def terms(self) -> tuple[str, ...]:
        """Official forms first, then everyday words (the shape of a synonym group)."""
        return self.official + self.everyday


@dataclass(frozen=True)
class Lexicon:
    synonyms: list[list[str]]
    words: list[str]
    single_chars: list[str]
    query_stopwords: frozenset[str]
    service_words: frozenset[str]
    policy_words: frozenset[str]
    popular_default: list[str]
    pinyin_phrases: dict[str, list[str]]
    groups: tuple[Group, ...]
    actions: tuple[Group, ...]
    departments: dict[str, tuple[str, ...]]
    domains: dict[str, str]


def _lines(path: Path):
    """(line number, columns) of each non-empty, non-comment line of a TSV file."""
    try:
        # utf-8-sig: a file saved from Excel or WPS starts with a byte-order mark
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{path.name}: not UTF-8 ({exc})") from exc
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        yield n, [c.strip() for c in line.split("\t")]


def _terms(path: Path, n: int, column: str, text: str) -> tuple[str, ...]:
    terms = tuple(t for t in _SPLIT.split(text) if t)
    seen: set[str] = set()
    for t in terms:
        if t in seen:
            raise LexiconError(f"{path.name}:{n}: {column} term {t!r} is listed twice")
        seen.add(t)
    return terms


def read_domains(data_dir: Path = DATA_DIR) -> dict[str, str]:
    path = data_dir / "domains.tsv"
    domains: dict[str, str] = {}
    for n, cols in _lines(path):
        if len(cols) != 2 or not re.fullmatch(r"[a-z][a-z_]*", cols[0]) or not cols[1]:
            raise LexiconError(f"{path.name}:{n}: expected 'id<TAB>中文名', got {cols!r}")
        if cols[0] in domains:
            raise LexiconError(f"{path.name}:{n}: domain {cols[0]!r} is listed twice")
        domains[cols[0]] = cols[1]
    return domains


def read_groups(path: Path, domain: str) -> list[Group]:
    """The groups of one domain file: ``official forms<TAB>everyday words`` per line."""
    groups: list[Group] = []
    ids: set[str] = set()
    for n, cols in _lines(path):
        if len(cols) > 2:
            raise LexiconError(f"{path.name}:{n}: more than two columns (official, everyday)")
        official = _terms(path, n, "official", cols[0])
        everyday = _terms(path, n, "everyday", cols[1]) if len(cols) == 2 else ()
        if not official:
            raise LexiconError(f"{path.name}:{n}: no official form")
        both = set(official) & set(everyday)
        if both:
            raise LexiconError(f"{path.name}:{n}: {sorted(both)} both official and everyday")
        if not everyday and len(official) < 2:
            raise LexiconError(f"{path.name}:{n}: a group needs two terms at least")
        gid = f"{domain}:{official[0]}"
        if gid in ids:
            raise LexiconError(f"{path.name}:{n}: a group starting {official[0]!r} already exists")
        ids.add(gid)
        groups.append(Group(id=gid, domain=domain, official=official, everyday=everyday))
    return groups


def read_departments(data_dir: Path = DATA_DIR) -> dict[str, tuple[str, ...]]:
    """Short department names → the topic words of that department (a boost, never required)."""
    path = data_dir / "departments.tsv"
    out: dict[str, tuple[str, ...]] = {}
    for n, cols in _lines(path):
        if len(cols) != 2:
            raise LexiconError(f"{path.name}:{n}: expected 'short names<TAB>topic words'")
        names = _terms(path, n, "name", cols[0])
        topics = _terms(path, n, "topic", cols[1])
        if not names or not topics:
            raise LexiconError(f"{path.name}:{n}: empty names or topic words")
        for name in names:
            if name in out:
                raise LexiconError(f"{path.name}:{n}: department {name!r} is listed twice")
            out[name] = topics
    return out


def read_shared_terms(data_dir: Path = DATA_DIR) -> dict[str, str]:
    """Terms allowed in more than one group, with the reason."""
    path = data_dir / "shared_terms.tsv"
    out: dict[str, str] = {}
    for n, cols in _lines(path):
        if len(cols) != 2 or not cols[0] or not cols[1]:
            raise LexiconError(f"{path.name}:{n}: expected 'term<TAB>why'")
        out[cols[0]] = cols[1]
    return out


def read_stopwords(data_dir: Path = DATA_DIR) -> list[str]:
    path = data_dir / "stopwords.txt"
    return [cols[0] for _, cols in _lines(path)]


def load_lexicon(data_dir: Path = DATA_DIR) -> Lexicon:
    """Read every file of the lexicon under ``data_dir``; raises LexiconError naming the line."""
    domains = read_domains(data_dir)
    groups: list[Group] = []
    actions: list[Group] = []
    for path in sorted(data_dir.glob("*.tsv")):
        if path.stem in ("domains", "departments", "shared_terms"):
            continue
        if path.stem not in domains:
            raise LexiconError(f"{path.name}: unknown domain {path.stem!r} (see domains.tsv)")
        read = read_groups(path, path.stem)
        (actions if path.stem == ACTION_DOMAIN else groups).extend(read)
    reading = json.loads((data_dir / "reading.json").read_text(encoding="utf-8"))
    synonyms = [list(g.terms) for g in groups + actions]
    return Lexicon(
        synonyms=synonyms,
        words=list(reading["words"]),
        single_chars=list(reading["single_chars"]),
        query_stopwords=frozenset(read_stopwords(data_dir)),
        service_words=frozenset(reading["service_words"]),
        policy_words=frozenset(reading["policy_words"]),
        popular_default=list(reading["popular_default"]),
        pinyin_phrases=dict(reading["pinyin_phrases"]),
        groups=tuple(groups),
        actions=tuple(actions),
        departments=read_departments(data_dir),
        domains=domains,
    )


@functools.cache
def default_lexicon() -> Lexicon:
    """The product's lexicon, read once per process."""
    return load_lexicon(DATA_DIR)
