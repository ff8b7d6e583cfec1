"""The product lexicon: the loader's contract and the integrity of the data under data/lexicon/."""

from __future__ import annotations

import shutil
from collections import defaultdict

import pytest

from content_sync.search_index.lexicon import (
    ACTION_DOMAIN,
    DATA_DIR,
    Group,
    Lexicon,
    LexiconError,
    default_lexicon,
    load_lexicon,
)

# Provinces and prefecture-level cities (and the sample county's own places): a product lexicon
# must not name any of them. 香港, 澳门 and 台湾 are left out on purpose: national document
# names contain them (往来港澳通行证, 往来台湾通行证).
PLACES = """
北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南
广东 海南 四川 贵州 云南 陕西 甘肃 青海 内蒙古 广西 西藏 宁夏 新疆
石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水 太原 大同 阳泉 长治 晋城 朔州
晋中 运城 忻州 临汾 吕梁 呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布
沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 葫芦岛 长春 四平 辽源 通化
白山 松原 白城 延边 哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化
南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁 杭州 宁波 温州 嘉兴 湖州
绍兴 金华 衢州 舟山 台州 丽水 合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州
六安 亳州 池州 宣城 福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德 南昌 景德镇 萍乡 九江 新余
鹰潭 赣州 吉安 宜春 抚州 上饶 济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂
德州 聊城 滨州 菏泽 郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘
信阳 周口 驻马店 济源 武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施 长沙
株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 湘西 广州 韶关 深圳 珠海 汕头
佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮 南宁 柳州
桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 崇左 海口 三亚 三沙 儋州 成都 自贡
攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳 阿坝 甘孜
凉山 贵阳 六盘水 遵义 安顺 毕节 铜仁 黔西南 黔东南 黔南 昆明 曲靖 玉溪 保山 昭通 丽江 临沧
楚雄 西双版纳 大理 德宏 怒江 迪庆 拉萨 日喀则 昌都 林芝 那曲 西安 铜川 宝鸡 咸阳 渭南 延安
汉中 榆林 商洛 兰州 嘉峪关 金昌 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南 临夏 甘南 西宁 海东
果洛 玉树 银川 石嘴山 吴忠 固原 中卫 乌鲁木齐 克拉玛依 吐鲁番 哈密 昌吉 博尔塔拉 巴音郭楞
阿克苏 克孜勒苏 喀什 和田 伊犁 塔城 阿勒泰 越秀 天河 海珠 荔湾 番禺 花都 南沙 从化 增城
禾川 长宁 柏树 大塘
""".split()

# Words that contain a place name only by accident, removed before the check.
NOT_PLACES = ("医保定点",)  # 医保 + 定点, not 保定


def _places_in(text: str) -> list[str]:
    for word in NOT_PLACES:
        text = text.replace(word, "")
    return [p for p in PLACES if p in text]


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return default_lexicon()


def all_groups(lex: Lexicon) -> tuple[Group, ...]:
    return lex.groups + lex.actions


def test_default_lexicon_keeps_the_engine_fields(lex):
    assert isinstance(lex.synonyms, list) and all(isinstance(g, list) for g in lex.synonyms)
    assert isinstance(lex.words, list) and isinstance(lex.single_chars, list)
    for field in (lex.query_stopwords, lex.service_words, lex.policy_words):
        assert isinstance(field, frozenset) and field
    assert isinstance(lex.popular_default, list) and lex.popular_default
    assert isinstance(lex.pinyin_phrases, dict)
    assert isinstance(lex.groups, tuple) and isinstance(lex.actions, tuple)
    assert all(isinstance(g, Group) for g in all_groups(lex))
    assert isinstance(lex.departments, dict)
    for name, topics in lex.departments.items():
        assert isinstance(name, str) and isinstance(topics, tuple) and topics


def test_synonyms_are_every_group_official_forms_first(lex):
    assert lex.synonyms == [list(g.official + g.everyday) for g in all_groups(lex)]
    assert ["居民身份证", "身份证", "二代证", "身份证件", "第二代身份证"] in lex.synonyms


def test_groups_are_typed_and_ids_name_their_domain(lex):
    ids = [g.id for g in all_groups(lex)]
    assert len(ids) == len(set(ids))
    for g in all_groups(lex):
        assert isinstance(g.official, tuple) and isinstance(g.everyday, tuple)
        assert g.id == f"{g.domain}:{g.official[0]}"
    assert {g.domain for g in lex.actions} == {ACTION_DOMAIN}
    assert ACTION_DOMAIN not in {g.domain for g in lex.groups}


def test_the_lexicon_is_several_times_larger_than_the_old_one(lex):
    assert len(lex.groups) + len(lex.actions) >= 1000
    assert len(lex.actions) >= 30
    assert len(lex.departments) >= 100


def test_every_domain_is_known_and_has_groups(lex):
    used = {g.domain for g in all_groups(lex)}
    assert used <= set(lex.domains)
    assert set(lex.domains) - used == set(), "a domain listed in domains.tsv has no groups"


def test_no_empty_group_and_no_duplicate_within_a_group(lex):
    for g in all_groups(lex):
        assert g.official, g.id
        terms = g.official + g.everyday
        assert len(terms) >= 2, g.id
        assert len(terms) == len(set(terms)), g.id
        assert all(t and not t.isspace() and t == t.strip() for t in terms), g.id


def test_no_term_in_two_groups_unless_listed_as_shared(lex):
    from content_sync.search_index.lexicon import read_shared_terms

    shared = read_shared_terms()
    where: dict[str, list[str]] = defaultdict(list)
    for g in all_groups(lex):
        for t in g.official + g.everyday:
            where[t].append(g.id)
    conflicts = {t: ids for t, ids in where.items() if len(ids) > 1 and t not in shared}
    assert conflicts == {}
    stale = {t for t in shared if len(where.get(t, ())) < 2}
    assert stale == set(), "shared_terms.tsv lists terms that are no longer shared"


def test_official_forms_are_never_single_characters(lex):
    # A one-character official form (证, 办) would match far too many titles.
    singles = [(g.id, t) for g in all_groups(lex) for t in g.official if len(t) < 2]
    assert singles == []


def test_single_character_everyday_words_are_few_and_in_actions_mostly(lex):
    singles = [(g.domain, t) for g in all_groups(lex) for t in g.everyday if len(t) == 1]
    topic = [s for s in singles if s[0] != ACTION_DOMAIN]
    assert len(topic) <= 10, topic


def test_no_group_term_is_a_stop_word(lex):
    dropped = [(g.id, t) for g in all_groups(lex) for t in g.terms if t in lex.query_stopwords]
    assert dropped == []


def test_no_place_names(lex):
    assert len(PLACES) > 300
    found = []
    for g in all_groups(lex):
        found.extend((g.id, t, p) for t in g.terms for p in _places_in(t))
    for name, topics in lex.departments.items():
        found.extend((name, t, p) for t in (name, *topics) for p in _places_in(t))
    found.extend(("pinyin_phrases", w, p) for w in lex.pinyin_phrases for p in _places_in(w))
    found.extend(("words", w, p) for w in lex.words for p in _places_in(w))
    found.extend(("stopwords", w, p) for w in lex.query_stopwords for p in _places_in(w))
    assert found == []
    assert _places_in("广州市社保局") == ["广州"]


def test_department_topics_are_lexicon_terms(lex):
    terms = {t for g in all_groups(lex) for t in g.terms}
    unknown = {(d, t) for d, topics in lex.departments.items() for t in topics if t not in terms}
    assert unknown == set()


def test_question_frames_are_stop_words(lex):
    for frame in ("需要带什么", "去哪里开", "能不能", "行不行", "要交多少钱", "本人不在", "怎么办", "在哪里"):
        assert frame in lex.query_stopwords


def test_actions_map_everyday_verbs_to_official_forms(lex):
    by_word = {t: g for g in lex.actions for t in g.everyday}
    assert {"挂失", "补领", "补发"} <= set(by_word["不见了"].official)
    assert {"换领", "换发", "延续"} <= set(by_word["到期"].official)
    assert {"开具", "出具"} <= set(by_word["开"].official)
    assert {"缴纳", "缴费"} <= set(by_word["交"].official)
    assert {"申领", "领取", "发放"} <= set(by_word["领"].official)
    assert {"设立登记"} <= set(by_word["注册"].official)
    assert {"变更", "更正"} <= set(by_word["改名"].official)
    assert {"查询", "打印"} <= set(by_word["查"].official)
    # 打针 says what is done; the vaccine or the bite (狂犬病) says which service.
    assert {"接种"} <= set(by_word["打针"].official)


def _copy(tmp_path):
    data = tmp_path / "lexicon"
    shutil.copytree(DATA_DIR, data)
    return data


def test_a_copy_of_the_data_loads_the_same(tmp_path):
    assert load_lexicon(_copy(tmp_path)) == default_lexicon()


def test_unknown_domain_file_is_rejected_by_name(tmp_path):
    data = _copy(tmp_path)
    (data / "astrology.tsv").write_text("星座运势\t算命\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"astrology\.tsv: unknown domain 'astrology'"):
        load_lexicon(data)


def test_malformed_lines_are_rejected_with_file_and_line(tmp_path):
    data = _copy(tmp_path)
    path = data / "tax.tsv"
    original = path.read_text(encoding="utf-8")
    n = len(original.splitlines()) + 1
    for bad, message in (
        ("契税2\t买房税\t多余一列\n", "more than two columns"),
        ("\t只有说法\n", "no official form"),
        ("孤零零\n", "two terms at least"),
        ("印花税 印花税\t合同税\n", "listed twice"),
        ("增值税2\t增值税2\n", "both official and everyday"),
        ("契税\t又一组\n", "already exists"),
    ):
        path.write_text(original + bad, encoding="utf-8")
        with pytest.raises(LexiconError, match=rf"tax\.tsv:{n}: .*{message}"):
            load_lexicon(data)


def test_separators_may_be_spaces_or_enumeration_commas(tmp_path):
    data = _copy(tmp_path)
    with (data / "tax.tsv").open("a", encoding="utf-8") as f:
        f.write("测试税、测试税种\t试税 、 测税  # comment\n")
    group = next(g for g in load_lexicon(data).groups if g.id == "tax:测试税")
    assert group.official == ("测试税", "测试税种") and group.everyday == ("试税", "测税")


def _coverage_module():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "bench" / "lexicon_coverage.py"
    spec = importlib.util.spec_from_file_location("lexicon_coverage", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_coverage_report_finds_official_forms_in_item_names_only(tmp_path, capsys):
    import json

    coverage = _coverage_module()
    items = tmp_path / "items.jsonl"
    rows = [
        {"name": "补发婚姻登记证", "level": "县级"},
        # a colloquial name is never read: it is not how the catalog names the service
        {"name": "城乡居民最低生活保障对象认定", "level": "省级", "colloquial_name": "办理低收入人口认定"},
    ]
    items.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    names = tmp_path / "names.txt"
    names.write_text("营业执照遗失补领\n", encoding="utf-8")
    out = tmp_path / "groups.tsv"
    assert (
        coverage.main(["--catalog", f"county={items}?level=县级", "--catalog", f"list={names}", "--groups", str(out)])
        == 0
    )
    table = {
        line.split("\t")[0]: line.rstrip("\n").split("\t")[1:] for line in out.read_text(encoding="utf-8").splitlines()
    }
    assert table["id"] == ["county", "list"]
    assert table["marriage:婚姻登记证"] == ["婚姻登记证", ""]
    assert table["civil_affairs:最低生活保障"] == ["", ""]  # its item is 省级, filtered out
    assert table["civil_affairs:低收入人口"] == ["", ""]  # only the colloquial name says it
    assert table["market:营业执照"] == ["", "营业执照"]
    assert table["action:补领"] == ["补发", "补领 遗失"]
    assert "all" in capsys.readouterr().out


def _officials_for(lex: Lexicon, word: str) -> set[str]:
    """Every official form a word expands to, over all the groups it belongs to."""
    return {o for g in all_groups(lex) if word in g.terms for o in g.official}


def test_objects_and_abbreviations_reach_the_national_official_forms(lex):
    expected = {
        "小吃店": {"餐饮服务", "食品经营"},
        "餐馆": {"餐饮服务", "食品经营"},
        "民宿": {"旅馆业"},
        "客栈": {"旅馆业"},
        "出租车": {"巡游出租汽车"},
        "渔船": {"渔业船舶"},
        "火化": {"殡葬", "遗体"},
        "丧事": {"殡葬"},
        "小孩": {"儿童", "子女", "新生儿"},
        "老人": {"老年人"},
        "准生证": {"生育服务证", "生育登记"},
        "暂住证": {"居住证"},
        "农机证": {"拖拉机和联合收割机驾驶证"},
        "卫生许可证": {"公共场所卫生许可"},
        "退役证": {"士兵退役证", "退出现役证"},
        "结婚证": {"婚姻登记证"},
        "会见当事人": {"律师会见"},
        "被狗咬了": {"狂犬病暴露处置", "狂犬病"},
    }
    missing = {w: sorted(want - _officials_for(lex, w)) for w, want in expected.items()}
    assert {w: m for w, m in missing.items() if m} == {}


def test_department_short_names_citizens_use_are_known(lex):
    for name in ("社保局", "工商局", "国土局", "房管局", "运管所", "车管所", "医保局", "民政局", "税务局", "公证处"):
        assert name in lex.departments, name
    assert "养老保险" in lex.departments["社保局"]
    assert "营业执照" in lex.departments["工商局"]


def test_every_group_has_a_short_official_form(lex):
    # A long national name alone misses the county that writes it with a 、 or another prefix
    # (公众聚集场所投入使用、营业前消防安全检查): each group also gives a shorter core form.
    long_only = [g.id for g in all_groups(lex) if min(len(o) for o in g.official) > 10]
    assert long_only == []


def test_department_names_are_not_group_terms(lex):
    # A department name is a boost, a group term a concept to match: one word cannot be both.
    # Institutions (公证处, 婚姻登记处, 殡仪馆) are departments: a query naming one alone
    # searches its topics.
    terms = {t for g in all_groups(lex) for t in g.terms}
    assert sorted(set(lex.departments) & terms) == []


def test_a_file_saved_from_a_spreadsheet_reads_the_same(tmp_path):
    data = _copy(tmp_path)
    path = data / "tax.tsv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert load_lexicon(data).groups == default_lexicon().groups


def test_a_file_that_is_not_utf8_is_rejected_by_name(tmp_path):
    data = _copy(tmp_path)
    (data / "tax.tsv").write_bytes("契税\t买房交税\n".encode("gb18030"))
    with pytest.raises(LexiconError, match=r"tax\.tsv: not UTF-8"):
        load_lexicon(data)


def test_a_term_in_two_groups_is_rejected_unless_listed_as_shared(tmp_path):
    data = _copy(tmp_path)
    with (data / "tax.tsv").open("a", encoding="utf-8") as f:
        f.write("测试税种\t个税\n")
    with pytest.raises(LexiconError, match=r"'个税' is in 2 groups \(tax:个人所得税, tax:测试税种\)"):
        load_lexicon(data)
    with (data / "shared_terms.tsv").open("a", encoding="utf-8") as f:
        f.write("个税\ta test of a shared term\n")
    assert "个税" in next(g for g in load_lexicon(data).groups if g.id == "tax:测试税种").everyday
