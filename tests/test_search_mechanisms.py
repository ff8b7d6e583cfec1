"""One test (or a few) per mechanism of reading a query (docs/search.md, "Reading a query"), on a
small county whose names are written the way real catalogs write them, with a product lexicon of
a handful of groups given to the index build (the real lexicon is data; these tests are about the
mechanisms, not its content)."""

from __future__ import annotations

import dataclasses
import logging
from types import SimpleNamespace

import pytest

from content_sync.release import build_release
from content_sync.schema import Domain
from content_sync.search_index import builder
from content_sync.search_index.lexicon import default_lexicon
from kiosk.search import SearchEngine
from kiosk.search import engine as engine_module
from tests.factories import make_bundle, make_guide


def _group(domain: str, official: list[str], everyday: list[str]) -> SimpleNamespace:
    return SimpleNamespace(
        id=f"{domain}:{official[0]}", domain=domain, official=tuple(official), everyday=tuple(everyday)
    )


def small_lexicon():
    """Today's default lexicon plus a few groups, actions and departments of the new kind."""
    base = default_lexicon()
    fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
    fields.update(
        groups=(
            _group("civil", ["婚姻登记证", "结婚登记证"], ["结婚证"]),
            # A phrase one county wrote as its exact name: other counties call it otherwise.
            _group("civil", ["结婚证补领"], ["结婚证不见了"]),
            _group("market", ["食品经营", "餐饮服务"], ["小吃店", "餐馆"]),
            _group("housing", ["住房公积金"], ["公积金"]),
            _group("social", ["生育津贴"], ["产假工资"]),
            _group("health", ["狂犬病暴露处置", "狂犬病"], ["被狗咬了", "被狗咬"]),
        ),
        actions=(
            _group("action", ["补发", "补领", "挂失", "遗失"], ["不见了", "丢了"]),
            # What is done to the citizen; the vaccine or the bite says which service.
            _group("action", ["接种"], ["打针"]),
        ),
        departments={"社保局": ("社会保险", "养老保险", "人力资源和社会保障")},
    )
    return SimpleNamespace(**fields)


GUIDES = [
    ("g-m-01", "补发婚姻登记证", "测试县民政局"),
    ("g-m-02", "结婚登记", "测试县民政局"),
    ("g-m-03", "食品经营许可证核发", "测试县市场监督管理局"),
    ("g-m-04", "机动车驾驶证初次申领", "测试县公安局交通警察大队"),
    ("g-m-05", "老年人优待证办理", "测试县民政局"),
    ("g-m-06", "养老机构备案", "测试县民政局"),
    ("g-m-07", "城乡居民养老保险待遇申领", "测试县人力资源和社会保障局"),
    ("g-m-08", "人事档案提取", "测试县人力资源和社会保障局"),
    ("g-m-09", "居民身份证换领", "测试县公安局"),
    ("g-m-10", "临时救助申请", "测试县民政局"),
    ("g-m-11", "商标注册申请", "测试县市场监督管理局"),
    ("g-m-12", "个人所得税汇算", "测试县税务局"),
    ("g-m-13", "出生医学证明办理", "测试县卫生健康局"),
    ("g-m-14", "计划生育家庭特别扶助", "测试县卫生健康局"),
    ("g-m-15", "高温津贴发放", "测试县人力资源和社会保障局"),
    ("g-m-16", "狂犬病暴露后医学处置门诊查询", "测试县卫生健康局"),
    ("g-m-17", "预防接种门诊查询", "测试县卫生健康局"),
    ("g-m-18", "法律援助申请", "测试县司法局"),
    ("g-m-19", "困难职工生活补助申请", "测试县总工会"),
    ("g-m-20", "流浪乞讨人员生活救助", "测试县民政局"),
]
# Twelve guides sharing one broad word, for the ranking of broad queries.
BROAD = [
    (f"g-b-{n:02d}", f"残疾人{name}", "测试县残疾人联合会")
    for n, name in enumerate(
        [
            "证新办",
            "证换领",
            "证迁入",
            "证迁出",
            "证注销",
            "证查询",
            "辅助器具适配",
            "就业登记",
            "托养服务",
            "康复服务",
            "证等级变更",
            "两项补贴申请",
        ],
        start=1,
    )
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("mechanisms")
    bundle = make_bundle()
    bundle.domains = bundle.domains + [Domain(id="civil", name="民政事务")]
    extra = [
        make_guide(
            gid,
            name,
            keywords=[],
            department=dept,
            domain="民政事务" if "民政" in dept else "社会保险",
            item_code=f"M-{n}",
            common=(gid == "g-b-12"),
        )
        for n, (gid, name, dept) in enumerate(GUIDES + BROAD)
    ]
    bundle.guides = bundle.guides + extra
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(builder, "default_lexicon", small_lexicon)
        release = build_release(bundle, root / "data", cache_dir=root / "cache")
    eng = SearchEngine(release, root / "cache")
    yield eng
    eng.close()


def found(result) -> list[str]:
    return [h.id for h in result.hits]


def shown(result) -> list[str]:
    return [h.id for h in result.hits + result.related]


# 1. A phrase read as one group falls back to its parts.


def test_a_phrase_whose_official_form_this_county_lacks_falls_back_to_its_parts(engine):
    # 结婚证不见了 is one group (-> 结婚证补领, which no title here holds); its parts find the
    # county's own name: 结婚证 -> 婚姻登记证, 不见了 -> 补发.
    result = engine.search("结婚证不见了")
    assert found(result)[:1] == ["g-m-01"]


# 2. A query sharing a meaningful word with some titles never comes back empty.


def test_a_word_matching_nothing_leaves_the_best_partial_matches_below_under_related(engine):
    # 老年人优待证 is rare and is in one title; 补领 is in another title but never with it.
    result = engine.search("老年人优待证补领")
    assert result.hits == []
    assert shown(result)[:1] == ["g-m-05"]
    # The share is weighted by rarity: the record holding the rare object outranks the one
    # holding only the common action.
    assert "g-id-02" not in shown(result)[:1]


def test_an_everyday_action_beside_the_object_presents_the_object_s_service(engine):
    # 打针 is an action (-> 接种) and counts half: the clinic for dog bites, which no title
    # says with 接种, is presented; the vaccination clinic, holding only the action, is not.
    result = engine.search("被狗咬了去哪里打针")
    assert result.hits == []
    assert shown(result)[:1] == ["g-m-16"]
    assert "g-m-17" not in shown(result)
    assert found(engine.search("打针"))[:1] == ["g-m-17"]


def test_a_service_the_county_lacks_gets_no_partial_match_from_the_verb_beside_it(engine):
    # 提取 is in a title (人事档案提取); 公积金 is in none: nothing is presented as related.
    result = engine.search("公积金提取")
    assert result.hits == [] and result.related == []


def test_verbs_particles_and_lone_characters_the_index_lacks_are_not_required(engine):
    assert found(engine.search("老年人优待证咋弄呢"))[:1] == ["g-m-05"]


# 3. Initials typed as the beginning of a title's initials.


def test_initials_of_the_first_syllables_find_a_long_name(engine):
    assert found(engine.search("jdcjsz"))[:1] == ["g-m-04"]
    assert found(engine.search("jdcjszcc"))[:1] == ["g-m-04"]


def test_initials_read_first_as_the_object_of_a_service(engine, monkeypatch):
    # A title word the county uses often (采购) and a lexicon object (餐馆) share initials: a
    # citizen typing cg at a service kiosk likelier means the object.
    monkeypatch.setitem(engine.ini_map, "cg", ["采购", "餐馆"])
    assert engine._latin_words("cg")[0][:2] == ["餐馆", "采购"]
    assert found(engine.search("cg"))[:1] == ["g-m-03"]  # 餐馆 -> 餐饮服务, 食品经营


def test_full_pinyin_of_the_beginning_finds_a_long_name(engine):
    assert "g-m-04" in found(engine.search("jidongchejiashi"))[:3]


# 4. The lexicon: everyday words to official forms, actions, department boosts.


def test_everyday_words_expand_to_the_official_forms_counties_write(engine):
    assert found(engine.search("小吃店"))[:1] == ["g-m-03"]
    assert found(engine.search("结婚证丢了"))[:1] == ["g-m-01"]


def test_a_department_short_name_boosts_and_is_never_required(engine):
    ranked = found(engine.search("社保局养老"))
    # The 人社 guides before the 民政 one, which still matches 养老.
    assert ranked.index("g-m-07") < ranked.index("g-m-06")
    assert ranked.index("g-social-01") < ranked.index("g-m-06")
    plain = found(engine.search("养老"))
    assert plain.index("g-m-06") < plain.index("g-m-07")  # without the department: by text
    assert "g-m-07" in found(engine.search("社保局"))  # alone, the department's topics are searched


def test_a_department_name_typed_with_a_homophone_is_still_the_department(engine):
    ranked = found(engine.search("设保局养老"))  # 设保局 sounds like 社保局
    assert ranked.index("g-m-07") < ranked.index("g-m-06")


# 5. Question frames and filler are never required.


def test_question_frames_are_not_words_that_must_match(engine):
    for q in ("结婚登记需要带什么", "结婚登记要带什么材料吗", "能不能办结婚登记"):
        assert found(engine.search(q))[:1] == ["g-m-02"], q


# 6. A word the index does not know is tried as words that sound the same.


def test_homophones_and_dialect_confusions_find_the_word(engine):
    assert found(engine.search("驾使证"))[:1] == ["g-m-04"]  # same toneless pinyin
    assert "g-m-09" in found(engine.search("森份证"))  # sh/s
    assert "g-m-05" in found(engine.search("老年人优带证"))


def test_a_word_one_pinyin_letter_away_from_a_title_word_finds_it(engine):
    assert found(engine.search("商票注册"))[:1] == ["g-m-11"]  # shangpiao -> shangbiao
    # A verb read so is only a guess: it ranks, but is never required.
    assert found(engine.search("临时求助"))[:1] == ["g-m-10"]  # qiuzhu -> jiuzhu
    assert "g-m-09" in found(engine.search("身份证办好了吗"))


def test_a_typo_guess_alone_never_presents_a_record_as_related(engine):
    # 商票 is read as 商标 (g-m-11), which no title holds with 补领: a guess is enough to rank
    # full matches, not to present 商标注册申请 as related to what was typed.
    result = engine.search("商票补领")
    assert result.hits == [] and result.related == []


def test_a_character_typed_for_one_that_looks_like_it_is_read_when_nothing_was_found(engine):
    # 授 for 援 (handwriting, or the wrong character picked from a list): no pinyin reading finds
    # it; with 法律 beside it, titles write one thing alone where 授 stands: 法律援助.
    assert found(engine.search("法律授助"))[:1] == ["g-m-18"]
    assert engine._shape_fix("法律授助") == "法律援助"


def test_a_shape_slip_is_read_only_when_one_reading_fits_and_never_for_a_real_word(engine):
    # 生活?助: titles write both 生活补助 and 生活救助, so neither is guessed.
    assert engine._shape_fix("生活授助") is None
    result = engine.search("生活授助")
    assert result.hits == [] and result.related == []
    # 驾驶员 is a word of general Chinese that this county's titles lack, never a slip for 驾驶证.
    assert engine._shape_fix("驾驶员") is None
    # An object the county lacks is never a slip either (公积金 is not 公积金's neighbour).
    assert engine._shape_fix("公积金提取") is None


def test_a_real_word_no_title_holds_is_read_as_the_title_word_it_sounds_like(engine):
    assert found(engine.search("出身证明"))[:1] == ["g-m-13"]  # chushen ~ chusheng


def test_a_particle_typed_for_a_homophone_joins_its_neighbour(engine):
    assert found(engine.search("个人所的税"))[:1] == ["g-m-12"]  # 的 for 得


def test_a_named_service_the_county_lacks_presents_nothing_from_its_parts(engine):
    # 生育津贴 is a lexicon service no title holds; records holding only 生育 or 津贴 are
    # other services, never "related".
    result = engine.search("生育津贴")
    assert result.hits == [] and result.related == []


# 7. Broad queries put what citizens use most first.


def test_a_broad_query_puts_the_common_service_first(engine):
    result = engine.search("残疾人")
    assert len(result.hits) >= engine_module.BROAD_MIN
    assert found(result)[0] == "g-b-12"  # marked common by the county


def test_a_broad_query_puts_what_citizens_opened_most_first(engine):
    opened = {"guide:g-b-09": 30, "guide:g-b-03": 2}
    ranked = found(engine.search("残疾人", opened=opened))
    assert ranked.index("g-b-09") < ranked.index("g-b-03") < ranked.index("g-b-05")
    # A narrow query is ranked by its text alone.
    assert found(engine.search("残疾人证迁入", opened=opened))[:1] == ["g-b-03"]


# Failures are visible.


@pytest.mark.search_failure_expected
def test_a_search_that_raises_is_logged_counted_and_marked_failed(engine, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("index damaged")

    monkeypatch.setattr(engine, "_search", broken)
    before = engine_module.failures()
    with caplog.at_level(logging.ERROR, logger="kiosk.search.engine"):
        result = engine.search("社保")
    assert result.failed and result.hits == []
    assert engine_module.failures() == before + 1
    assert "search failed" in caplog.text and "index damaged" in caplog.text
