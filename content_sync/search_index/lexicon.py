"""The default lexicon shipped with the product: everyday words for government services.

Citizens' words are much the same in every county (社保, 低保, 上户口, 开饭店, 驾照), so the
product keeps its own synonym groups in data/lexicon.json; a county's synonyms.json extends them.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "lexicon.json"


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


@functools.cache
def default_lexicon() -> Lexicon:
    """Read data/lexicon.json once per process."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return Lexicon(
        synonyms=[list(group) for group in data["synonyms"]],
        words=list(data["words"]),
        single_chars=list(data["single_chars"]),
        query_stopwords=frozenset(data["query_stopwords"]),
        service_words=frozenset(data["service_words"]),
        policy_words=frozenset(data["policy_words"]),
        popular_default=list(data["popular_default"]),
        pinyin_phrases=dict(data["pinyin_phrases"]),
    )
