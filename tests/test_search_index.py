"""The search index of a release: the analyzer, the pinyin helpers and build_index."""

from __future__ import annotations

import json
import pickle
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from content_sync import paths
from content_sync.release import build_release
from content_sync.search_index import LEXICON_FILE, SUGGEST_DB, analysis, build_index
from content_sync.search_index.lexicon import default_lexicon
from tests.factories import make_bundle, make_guide


@pytest.fixture(scope="module", autouse=True)
def _jieba(tmp_path_factory):
    analysis.setup_jieba(tmp_path_factory.mktemp("cache"))
    analysis.load_pinyin_phrases(default_lexicon().pinyin_phrases)


def test_index_tokens_give_inner_words_before_the_word_in_sequence():
    tokens = analysis.index_tokens("居民身份证申领")
    assert tokens.index("身份证") < tokens.index("居民身份证")
    assert {"居民", "身份", "身份证", "居民身份证"} <= set(tokens)


def test_inner_words_of_any_length_are_indexed_unlike_jieba_search_mode():
    word = "城乡居民基本养老保险参保登记"
    tok = analysis.tokenizer_for([(word, analysis.suggest_frequency(word))])
    tokens = analysis.index_tokens(word, tok=tok)
    assert "养老保险" in tokens
    assert tokens[-1] == word


def test_a_releases_words_stay_with_its_own_tokenizer():
    word = "禾川县柏树乡便民服务中心"
    county = analysis.tokenizer_for([(word, analysis.suggest_frequency(word))])
    other = analysis.tokenizer_for([("某某镇", analysis.suggest_frequency("某某镇"))])
    assert analysis.query_tokens(word, county) == [word]
    # Neither jieba's shared tokenizer nor another release's tokenizer learned the word.
    assert word not in analysis.query_tokens(word)
    assert word not in analysis.query_tokens(word, other)
    assert analysis.query_tokens(word) == analysis.query_tokens(word, analysis.tokenizer_for([]))


def test_building_in_a_process_that_built_other_content_gives_the_same_index(tmp_path):
    """A long-lived process (tests, benchmarks, the operator's sync in the web app) builds each
    release exactly as a fresh process would: no words carried over from an earlier build."""
    from whoosh import index as whoosh_index

    first, other = make_bundle(), make_bundle()
    other.guides = [make_guide("g-social-09", name="柏树乡特色农产品展销摊位登记")]
    other.catalog = []

    def build(bundle, name):
        root = tmp_path / name
        release = build_release(bundle, root)
        lexicon = json.loads((release / paths.RELEASE_INDEX / LEXICON_FILE).read_text(encoding="utf-8"))
        with whoosh_index.open_dir(str(release / paths.RELEASE_INDEX)).reader() as reader:
            terms = sorted((field, text) for field, text in reader.all_terms())
        return lexicon["jieba_words"], terms

    before = build(first, "a")
    build(other, "b")
    assert build(first, "c") == before


def test_title_bigrams_cover_parts_jieba_does_not_know():
    assert "地力" in analysis.index_tokens("耕地地力保护补贴申领", bigrams=True)


def test_query_tokens_use_one_segmentation_and_drop_punctuation():
    assert analysis.query_tokens("办 低保！") == ["办", "低保"]


def test_normalize_folds_full_width_and_case_and_drops_control_characters():
    assert analysis.normalize("ＳＦＺ\x00１２\u200b ") == "sfz 12"


def test_initials_use_first_letter_style_and_the_lexicon_readings():
    assert analysis.initials("居民身份证") == "jmsfz"
    # Heteronyms the product lexicon reads right (reading.json `pinyin_phrases`); it names no places.
    assert analysis.full_pinyin("重新") == "chongxin"
    assert analysis.initials("调解") == "tj"
    assert analysis.full_pinyin("绿化") == "lvhua"


def test_document_number_terms_and_query_numbers():
    assert analysis.number_terms("禾政办发〔2024〕12号") == ["y2024", "n12", "2024-12", "禾政办发"]
    assert analysis.query_number("〔2024〕12号") == (["2024-12"], "", "")
    assert analysis.query_number("禾政办发[2024]12号")[0:2] == (["2024-12"], "禾政办发")
    assert analysis.query_number("2024年第12号")[0] == ["2024-12"]
    assert analysis.query_number("12号 低保") == (["n12"], "", "低保")
    assert analysis.query_number("低保") is None


def test_fuzzy_pinyin_merges_sounds_people_confuse():
    assert analysis.fuzzy_pinyin("shenfenzheng") == analysis.fuzzy_pinyin("senfenzen")


@pytest.fixture
def release(tmp_path):
    return build_release(make_bundle(), tmp_path / "data", cache_dir=tmp_path / "cache")


def test_build_release_writes_the_index_inside_the_release(release, tmp_path):
    index_dir = release / paths.RELEASE_INDEX
    assert whoosh_index.exists_in(str(index_dir))
    assert (index_dir / LEXICON_FILE).is_file() and (index_dir / SUGGEST_DB).is_file()


def test_jieba_dictionary_cache_goes_to_the_given_cache_directory(tmp_path):
    """systemd's PrivateTmp hides /tmp between runs, so the cache must live in CACHE_DIR.
    jieba loads its dictionary once per process: check in a fresh one."""
    code = (
        "import sys; from content_sync.release import build_release; from tests.factories import make_bundle;"
        "build_release(make_bundle(), sys.argv[1], cache_dir=sys.argv[2])"
    )
    subprocess.run(
        [sys.executable, "-W", "error", "-c", code, str(tmp_path / "data"), str(tmp_path / "cache")],
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
        timeout=120,
    )
    assert list((tmp_path / "cache").glob("jieba*.cache"))


def test_index_holds_ids_and_titles_only_and_every_shown_record(release):
    ix = whoosh_index.open_dir(str(release / paths.RELEASE_INDEX))
    with ix.searcher() as s:
        stored = {(f["kind"], f["id"]) for f in s.all_stored_fields()}
        shown = {"id", "kind", "title_text", "subkind", "validity", "guide_id", "common"}
        assert set(next(s.all_stored_fields())) <= shown
    assert stored == {
        ("guide", "g-social-01"),
        ("catalog", "c-social-001"),
        ("document", "d-0001"),
        ("document", "d-0002"),
        ("life_event", "e-retire"),
    }


def test_pickled_schema_holds_only_whoosh_classes(release):
    """The schema is pickled into the index: it must not depend on our module layout."""
    ix = whoosh_index.open_dir(str(release / paths.RELEASE_INDEX))
    raw = pickle.dumps(ix.schema)
    assert b"content_sync" not in raw and b"kiosk" not in raw


def test_lexicon_file_carries_county_words_synonyms_and_pinyin_map(release):
    lex = json.loads((release / paths.RELEASE_INDEX / LEXICON_FILE).read_text())
    words = {w for w, _f in lex["jieba_words"]}
    assert {"城乡居民基本养老保险参保登记", "社保", "测试县", "退休一件事"} <= words
    assert all(isinstance(f, int) and f > 0 for _w, f in lex["jieba_words"])
    assert ["社会保险", "社保"] in lex["synonyms"]
    assert "社保" in lex["pinyin_initials"]["sb"]
    assert "身份证" in lex["pinyin_full"]["shenfenzheng"]


def test_boilerplate_words_are_left_out_of_bodies_but_not_titles(tmp_path):
    bundle = make_bundle()
    bundle.guides = [make_guide(f"g-{i:02d}", f"测试事项{i}办理") for i in range(50)] + [
        make_guide("g-id", "居民身份证申领")
    ]
    bundle.catalog = []
    bundle.life_events = []
    summary = build_index(_write_db(bundle, tmp_path), tmp_path / "index", cache_dir=tmp_path / "cache")
    assert summary["records"] == 51 + 2
    lex = json.loads((tmp_path / "index" / LEXICON_FILE).read_text())
    assert "身份证" in lex["boilerplate"]  # every test guide asks for an ID card
    ix = whoosh_index.open_dir(str(tmp_path / "index"))
    with ix.searcher() as s:
        assert s.doc_frequency("body", "身份证") == 0
        assert s.doc_frequency("title", "身份证") == 1


def test_build_index_refuses_to_write_into_an_existing_directory(tmp_path, release):
    (tmp_path / "index").mkdir()
    with pytest.raises(FileExistsError):
        build_index(release / paths.RELEASE_DB, tmp_path / "index")


def test_suggestion_keys_cover_title_starts_word_starts_initials_and_synonyms(release):
    conn = sqlite3.connect(release / paths.RELEASE_INDEX / SUGGEST_DB)
    keys = {k for (k,) in conn.execute("SELECT key FROM keys k JOIN titles t ON t.n = k.n WHERE t.id = 'g-social-01'")}
    conn.close()
    assert {"城乡居民基本养老保险参保登记", "cxjmjbylbxcbdj", "养老保险参保登记", "ylbxcbdj"} <= keys
    assert "养老金" in keys  # from the default lexicon's group 养老保险 / 养老金


def _write_db(bundle, tmp_path):
    from content_sync.release_db import write_database

    db = tmp_path / "content.sqlite"
    write_database(bundle, db)
    return db
