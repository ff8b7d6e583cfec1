"""Chinese input: cutting pinyin, ranking candidates (county words first, then frequency),
paging, malformed input, and handwriting recognised by Zinnia from recorded strokes."""

from __future__ import annotations

import pytest

from kiosk import create_app
from kiosk.ime import ImeService, zinnia
from kiosk.ime.candidates import Candidate, Candidates, CountyWords, InputError, clean, segment, split_syllables
from kiosk.ime.lexicon import Lexicon

from .ime_fixtures import pinyin_table, seed_cache  # noqa: F401  (fixture)
from .ime_strokes import BOX, STROKES

MODEL = "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model"


@pytest.fixture(scope="module")
def table(pinyin_table):  # noqa: F811
    return Lexicon(pinyin_table)


@pytest.fixture(scope="module")
def plain(table):
    """Candidates from the general lexicon alone (a release without an index)."""
    return Candidates(table)


def county(*words: tuple[str, str]) -> CountyWords:
    return CountyWords((w, tuple(s.split())) for w, s in words)


def texts(cands) -> list[str]:
    return [c.text for c in cands]


# --- cutting letters into syllables


def test_full_pinyin_is_cut_into_whole_syllables_first(plain):
    cuts = segment("shebao", plain.syllables, plain.prefixes)
    assert [p.text for p in cuts[0]] == ["she", "bao"] and all(p.complete for p in cuts[0])


def test_initials_are_cut_letter_by_letter_as_beginnings(plain):
    cuts = segment("jmsfz", plain.syllables, plain.prefixes)
    assert len(cuts) == 1 and [p.text for p in cuts[0]] == list("jmsfz")
    assert not any(p.complete for p in cuts[0])


def test_an_apostrophe_forces_a_cut(plain):
    cuts = segment("xi'an", plain.syllables, plain.prefixes)
    assert [p.text for p in cuts[0]] == ["xi", "an"]
    assert all(not (p.start < 2 < p.end) for cut in cuts for p in cut)  # no part spans the apostrophe
    assert (cuts[0][1].start, cuts[0][1].end) == (3, 5)


def test_letters_that_begin_no_syllable_cannot_be_cut(plain):
    assert segment("iuv", plain.syllables, plain.prefixes) == []
    assert plain.lookup("iuv") == []


# --- ranking


def test_the_most_frequent_characters_come_first(plain):
    assert texts(plain.lookup("shi"))[0] == "是"
    found = texts(plain.lookup("xian"))
    assert {"县", "先", "现", "西安"} <= set(found[:20])
    assert found.index("县") < found.index("鲜")  # a frequent character before a rarer one


def test_a_usual_reading_ranks_before_a_rare_one(plain):
    # 说 is read shui only in old texts: it must not come before the characters read shui
    shui = texts(plain.lookup("shui"))
    assert shui[0] in {"水", "谁", "税", "睡"}
    assert shui.index("水") < shui.index("说")


def test_full_pinyin_initials_and_mixed_input_find_the_same_word(plain):
    for typed in ("shenfenzheng", "sfz", "shenfz", "sfzheng"):
        assert texts(plain.lookup(typed))[0] == "身份证", typed


def test_county_words_come_before_more_frequent_general_words(plain, table):
    assert texts(plain.lookup("sb"))[0] != "社保"  # 设备, 失败… are more frequent in general text
    assert texts(plain.lookup("sdz"))[0] != "十多种"
    ours = Candidates(table, county(("社保", "she bao"), ("十多种", "shi duo zhong")))
    assert texts(ours.lookup("sb"))[0] == "社保"
    assert texts(ours.lookup("sdz"))[0] == "十多种"
    assert texts(ours.lookup("shebao"))[0] == "社保"


def test_longer_words_follow_the_words_for_all_the_letters(plain):
    found = plain.lookup("shebao")
    words = texts(found)
    assert words[0] == "社保" and "社保卡" in words
    assert words.index("社保") < words.index("社保卡")
    assert all(c.consumed == 6 for c in found if len(c.text) > 1)


def test_characters_for_the_first_syllable_leave_the_rest_to_be_typed(plain):
    found = {c.text: c.consumed for c in plain.lookup("shebao")}
    assert found["社"] == 3 and found["设"] == 3
    apostrophe = {c.text: c.consumed for c in plain.lookup("xi'an")}
    assert apostrophe["西"] == 3  # the apostrophe goes with the syllable before it


def test_initials_that_no_word_fills_offer_the_longest_words_that_begin_them(plain):
    found = plain.lookup("jmsfzq")  # no word has these six initials
    assert found and found[0] == Candidate("居民身份证", 5)
    assert "居民" in {c.text for c in found if c.consumed == 2}


def test_u_umlaut_is_typed_as_v(plain):
    assert texts(plain.lookup("lvse"))[0] == "绿色"
    assert "女" in texts(plain.lookup("nv"))[:3]


def test_county_words_get_their_readings_from_the_index_without_pypinyin(plain):
    syl = plain.syllables
    assert split_syllables("xian", "西安", syl, {"西": "xi", "安": "an"}) == ("xi", "an")
    assert split_syllables("yinhang", "银行", syl, {"银": "yin", "行": "xing"}) == ("yin", "hang")
    assert split_syllables("shanxian", "单县", syl, {"单": "dan", "县": "xian"}) == ("shan", "xian")
    assert split_syllables("xian", "县", syl, {}) == ("xian",)
    assert split_syllables("sfz", "身份证", syl, {}) is None


# --- paging


def test_pages_split_the_list_without_repeats_and_clamp_past_the_end(plain):
    full = texts(plain.lookup("zg"))
    first, second = plain.page("zg", 0, 5), plain.page("zg", 1, 5)
    assert first.total == len(full) and first.pages == -(-len(full) // 5)
    assert texts(first.candidates) == full[:5] and texts(second.candidates) == full[5:10]
    last = plain.page("zg", 10_000, 5)
    assert last.page == first.pages - 1 and texts(last.candidates) == full[(first.pages - 1) * 5 :]
    assert plain.page("zg", 0, 999).candidates == plain.lookup("zg")[:20]  # size capped at 20


def test_empty_input_gives_one_empty_page(plain):
    page = plain.page("", 0, 6)
    assert (page.candidates, page.page, page.pages, page.total) == ([], 0, 1, 0)


@pytest.mark.parametrize("raw", ["社保", "sb1", "a b", "<script>", "x" * 41, None, 12, "\x00"])
def test_what_is_not_pinyin_is_an_input_error(raw):
    with pytest.raises(InputError):
        clean(raw)


# --- the endpoints


@pytest.fixture
def ime_client(data_dir, tmp_path, pinyin_table):  # noqa: F811
    cache = tmp_path / "cache"
    seed_cache(cache, pinyin_table)
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "CACHE_DIR": str(cache), "WTF_CSRF_ENABLED": False})
    return app, app.test_client()


def test_pinyin_endpoint_ranks_the_releases_own_words_first(ime_client):
    app, client = ime_client
    with app.test_request_context():
        from flask import g

        g.release = app.extensions["kiosk.releases"].current()
        from kiosk.search.views import engine

        ini_map = engine().ini_map
    key, words = next((k, w) for k, w in sorted(ini_map.items()) if len(k) >= 3 and w)
    body = client.get(f"/ime/pinyin?q={key}&size=5").get_json()
    assert body["candidates"][0] == {"text": words[0], "consumed": len(key)}
    assert body["page"] == 0 and body["pages"] >= 1 and len(body["candidates"]) <= 5


@pytest.mark.parametrize(
    "query",
    ["q=社保", "q=%3Cscript%3E", "q=sb&page=-1", "q=sb&page=abc", "q=sb&size=x", "q=" + "a" * 500, "q=sb&page=9" * 3],
)
def test_malformed_pinyin_requests_get_a_plain_400(ime_client, query):
    _app, client = ime_client
    response = client.get("/ime/pinyin?" + query)
    assert response.status_code in (200, 400)
    body = response.get_json()
    if response.status_code == 400:
        assert body["error"] and not body.get("candidates")
    else:
        assert isinstance(body["candidates"], list)


def test_a_page_past_the_end_is_the_last_page(ime_client):
    _app, client = ime_client
    body = client.get("/ime/pinyin?q=sb&page=9999&size=20").get_json()
    assert body["page"] == body["pages"] - 1 and body["candidates"]


def test_pinyin_says_it_is_getting_ready_while_the_table_is_built(data_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(ImeService, "_build", lambda self: None)  # no minute-long build in a test
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "CACHE_DIR": str(tmp_path / "empty")})
    response = app.test_client().get("/ime/pinyin?q=sb")
    assert response.status_code == 202
    assert response.get_json() == {"error": "拼音输入正在准备，请稍等一会儿", "retry": True}


# --- handwriting


@pytest.fixture(scope="module")
def recognizer():
    with zinnia.Recognizer(MODEL) as r:
        yield r


@pytest.mark.parametrize("char", sorted(STROKES))
def test_recorded_strokes_are_recognised_among_the_first_three(recognizer, char):
    found = [c for c, _score in recognizer.classify(STROKES[char], BOX, BOX, 10)]
    assert char in found[:3], found


def test_recognition_does_not_depend_on_the_pad_size(recognizer):
    scaled = [[(x * 2, y * 2) for x, y in s] for s in STROKES["十"]]
    assert recognizer.classify(scaled, BOX * 2, BOX * 2, 1)[0][0] == "十"


def test_no_strokes_no_candidates_and_a_closed_recognizer_says_so(recognizer):
    assert recognizer.classify([], BOX, BOX) == []
    r = zinnia.Recognizer(MODEL)
    assert r.size > 6000  # the Simplified Chinese model knows thousands of characters
    r.close()
    r.close()  # twice is harmless
    with pytest.raises(zinnia.ZinniaError, match="closed"):
        r.classify(STROKES["十"], BOX, BOX)


def test_a_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(zinnia.ZinniaError, match=r"nope\.model does not exist.*tegaki-zinnia-simplified-chinese"):
        zinnia.Recognizer(tmp_path / "nope.model")


def test_a_model_that_is_not_one_cannot_be_opened(tmp_path):
    bad = tmp_path / "bad.model"
    bad.write_bytes(b"not a zinnia model")
    with pytest.raises(zinnia.ZinniaError, match="cannot be opened"):
        zinnia.Recognizer(bad)


def test_a_missing_library_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(zinnia, "_lib", None)
    monkeypatch.setattr(zinnia, "LIBRARY_NAMES", ("libzinnia-missing.so.0",))
    monkeypatch.setattr(zinnia.ctypes.util, "find_library", lambda _name: None)
    with pytest.raises(zinnia.ZinniaError, match=r"libzinnia0"):
        zinnia.load_library()


def strokes_json(char: str) -> dict:
    return {"width": BOX, "height": BOX, "strokes": [[list(p) for p in s] for s in STROKES[char]]}


def test_handwriting_endpoint_recognises_strokes(client):
    response = client.post("/ime/handwriting", json=strokes_json("十"))
    assert response.status_code == 200
    assert response.get_json()["candidates"][0] == "十"


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"width": 300, "height": 300},
        {"width": 300, "height": 300, "strokes": []},
        {"width": True, "height": 300, "strokes": [[[1, 2]]]},
        {"width": 0, "height": 300, "strokes": [[[1, 2]]]},
        {"width": 300, "height": 300, "strokes": [[[1]]]},
        {"width": 300, "height": 300, "strokes": [[["a", 2]]]},
        {"width": 300, "height": 300, "strokes": [[[1e300, 2]]]},
        {"width": 300, "height": 300, "strokes": [[[1, 2]]] * 65},
        {"width": 300, "height": 300, "strokes": [[[1, 2]] * 2001]},
        {"width": 300, "height": 300, "strokes": "十"},
    ],
)
def test_malformed_strokes_get_a_plain_400(client, body):
    response = client.post("/ime/handwriting", json=body)
    assert response.status_code == 400
    assert response.get_json() == {"error": "没有认出笔画，请重新写"}


def test_not_json_at_all_is_a_400(client):
    response = client.post("/ime/handwriting", data=b"\xff\xfe", content_type="application/json")
    assert response.status_code == 400


def test_without_a_model_the_pad_is_disabled_and_the_endpoint_says_why(data_dir, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "CACHE_DIR": str(tmp_path / "cache"),
            "WTF_CSRF_ENABLED": False,
            "HANDWRITING_MODEL": str(tmp_path / "missing.model"),
        }
    )
    client = app.test_client()
    page = client.get("/search").get_data(as_text=True)
    assert 'data-mode="hand" aria-pressed="false" disabled>手写不可用</button>' in page
    response = client.post("/ime/handwriting", json=strokes_json("十"))
    assert response.status_code == 503
    assert response.get_json() == {"error": "手写输入暂时不能用，请用拼音输入"}


def test_with_the_model_the_pad_is_offered(client):
    page = client.get("/search").get_data(as_text=True)
    assert 'data-mode="hand" aria-pressed="false">手写</button>' in page
    assert "data-ime-pad" in page and "style=" not in page and "<script>" not in page
