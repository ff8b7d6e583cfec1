"""Catalog rows for the service guides: one row per guide of guide_index.json.

The row's name is exactly the guide's name (the bundle check requires it), its item type is the
guide's, its id is c-<domain slug>-<100 + guide number>, e.g. g-social-12 -> c-social-112, so
hand-written rows (001–099) and guide rows never collide. Categories, the publishing office and
the levels come from keyword rules below, so guides added later still get sensible rows.

guide_index.json here is a copy of demo/authoring/guide_index.json (written by the guides' build);
copy it again whenever the guides change, then run build_catalog.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

from rowkit import DATES, TL20
from site_data import ONLINE

from content_sync.schema import ItemType

GUIDE_INDEX = Path(__file__).resolve().parent / "guide_index.json"

# The item types a guide's catalog row may carry: the schema's administrative service types, up to
# and including 办事指南 (the later ones name other kinds of catalog entries).
_ALL_ITEM_TYPES = get_args(ItemType)
ITEM_TYPES = frozenset(_ALL_ITEM_TYPES[: _ALL_ITEM_TYPES.index("办事指南") + 1])

# (keywords, category_1, category_2) per domain slug; the first rule with a keyword in the
# guide's name wins.
CATEGORY_RULES: dict[str, list[tuple[tuple[str, ...], str, str]]] = {
    "social": [
        (("医疗", "异地就医", "门诊慢特病"), "医疗保险", "城乡居民和职工医保"),
        (("城乡居民基本养老",), "养老保险", "城乡居民养老保险"),
        (("企业职工", "退休"), "养老保险", "企业职工养老保险"),
        (("丧葬", "抚恤"), "养老保险", "待遇申领"),
        (("社会保障卡",), "社会保障卡", "申领和补换"),
        (("权益记录",), "社保服务", "查询打印"),
        (("工伤", "劳动能力"), "工伤保险", "工伤认定和鉴定"),
        (("失业",), "失业保险", "待遇申领"),
        (("生育",), "生育保险", "生育津贴"),
    ],
    "employ": [
        (("就业登记", "失业登记", "就业创业证", "就业困难"), "就业服务", "就业失业登记"),
        (("创业",), "创业服务", "创业扶持"),
        (("补贴",), "就业补贴", "补贴申领"),
        (("仲裁", "监察"), "劳动关系", "劳动争议和监察"),
        (("个体工商户", "企业设立"), "创业服务", "经营主体登记"),
    ],
    "hukou": [
        (("身份证",), "居民身份证", "申领和补换"),
        (("出生", "迁入", "迁移", "落户"), "户口登记", "户口迁移和登记"),
        (("注销", "恢复"), "户口登记", "注销和恢复"),
        (("居住证",), "居住证", "居住证申领"),
        (("变更", "证明"), "户口登记", "变更更正和证明"),
    ],
    "estate": [
        (("查询",), "登记资料", "资料查询"),
        (("抵押",), "抵押登记", ""),
        (("预告",), "预告登记", ""),
        (("宅基地",), "农村不动产登记", "宅基地和农房"),
        (("转移",), "转移登记", ""),
        (("首次",), "首次登记", ""),
        (("变更", "更正", "换发", "补发"), "变更和更正登记", ""),
    ],
    "health": [
        (("出生医学证明", "母婴"), "妇幼健康", "出生医学证明和母婴保健"),
        (("生育登记", "计划生育"), "人口家庭", "生育登记和计生扶助"),
        (("医师", "护士"), "医政管理", "执业注册"),
        (("医疗机构", "诊所"), "医政管理", "医疗机构管理"),
        (("公共场所",), "卫生监督", "卫生许可"),
    ],
    "assist": [
        (("最低生活保障", "特困", "边缘"), "社会救助", "低保和特困供养"),
        (("临时救助", "流浪乞讨", "医疗救助"), "社会救助", "临时救助和专项救助"),
        (("残疾",), "残疾人保障", "残疾人补贴和证件"),
        (("儿童",), "儿童福利", "困境儿童保障"),
    ],
    "food": [
        (("药品", "医疗器械"), "药品医疗器械", "经营许可和备案"),
        (("小作坊", "摊贩"), "食品小作坊和摊贩", "登记备案"),
        (("投诉", "举报"), "投诉举报", ""),
        (("食品",), "食品经营", "许可和备案"),
    ],
    "agri": [
        (("补贴",), "惠农补贴", "补贴申领"),
        (("宅基地", "承包", "家庭农场"), "农村经营管理", "宅基地和土地承包"),
        (("农药", "兽药", "动物防疫"), "农业行政许可", "农资和防疫"),
    ],
    "civil": [
        (("婚姻", "离婚"), "婚姻登记", ""),
        (("收养",), "收养登记", ""),
        (("殡葬",), "殡葬服务", "惠民殡葬"),
        (("社会团体", "民办非企业"), "社会组织", "成立登记"),
    ],
    "tax": [
        (("社会", "医疗保险费"), "社保费征缴", "城乡居民社保费"),
        (("个人所得税", "发票", "完税"), "个人办税", ""),
        (("个体工商户", "新办纳税人"), "经营主体办税", ""),
        (("契税", "车辆购置税"), "财产和行为税", ""),
    ],
    "edu": [
        (("入学", "升入", "转学", "送教"), "招生入学", "入学和转学"),
        (("补助",), "学生资助", ""),
        (("教师资格",), "教师管理", "教师资格认定"),
    ],
    "elderly": [
        (("高龄津贴", "优待证", "养老服务补贴", "适老化", "能力综合评估"), "老年福利", "津贴补贴和优待"),
        (("养老机构",), "养老机构", "备案和补贴"),
    ],
    "municipal": [
        (("用水", "天然气", "污水"), "水气报装", ""),
        (("道路", "管线", "杆线"), "市政设施", "占用挖掘审批"),
        (("绿地", "树木"), "城市绿化", ""),
    ],
    "cityenf": [
        (("广告", "店招"), "市容管理", "户外广告和招牌"),
        (("道路",), "市容管理", "临时占道"),
        (("垃圾",), "环境卫生", "垃圾处置和清运"),
        (("投诉",), "投诉举报", ""),
    ],
    "legal": [
        (("法律援助",), "法律援助", ""),
        (("调解",), "人民调解", ""),
        (("公证",), "公证服务", ""),
        (("咨询",), "法律咨询", ""),
        (("行政复议",), "行政复议", ""),
    ],
    "culture": [
        (("娱乐场所", "上网服务", "演出"), "文化市场", "经营许可"),
        (("读者证", "图书馆"), "场馆服务", "图书馆"),
        (("文化馆",), "场馆服务", "文化馆"),
    ],
    "env": [
        (("环境影响",), "环评审批", ""),
        (("排污",), "排污许可", ""),
        (("投诉", "举报"), "投诉举报", ""),
        (("夜间施工",), "噪声管理", "夜间施工"),
    ],
    "safety": [
        (("危险化学品",), "行政许可", "危险化学品"),
        (("烟花爆竹",), "行政许可", "烟花爆竹"),
        (("应急预案",), "应急管理", "应急预案备案"),
        (("举报",), "举报奖励", "举报受理"),
        (("考核",), "宣传培训", "安全生产考核"),
    ],
    "affordable": [
        (("公共租赁住房",), "公租房", "申请和续租"),
        (("租赁补贴",), "租赁补贴", ""),
        (("保障性租赁住房",), "保障性租赁住房", ""),
    ],
    "ruralhouse": [
        (("补助",), "补助申请", ""),
        (("鉴定",), "房屋鉴定", ""),
        (("验收",), "竣工验收", ""),
    ],
    "disaster": [
        (("冬春",), "冬春救助", ""),
        (("过渡期",), "过渡期生活救助", ""),
        (("倒损",), "恢复重建", "倒损住房"),
    ],
    "poverty": [
        (("监测",), "监测帮扶", "监测对象认定"),
        (("小额信贷", "雨露计划"), "帮扶政策", "金融和教育帮扶"),
    ],
    "landcomp": [
        (("查询",), "补偿安置", "信息查询"),
        (("养老保险",), "社会保障", "被征地农民社保"),
    ],
}

# (department, keywords, office): the first matching rule names the office (股室) that publishes
# the row; a rule with no keywords matches any guide of that department.
OFFICE_RULES: list[tuple[str, tuple[str, ...], str]] = [
    ("禾川县人力资源和社会保障局", ("工伤", "劳动能力"), "工伤保险股"),
    ("禾川县人力资源和社会保障局", ("社会保险", "养老", "社会保障卡", "失业保险金", "丧葬", "生育"), "社会保险股"),
    ("禾川县人力资源和社会保障局", ("监察",), "劳动保障监察大队"),
    ("禾川县人力资源和社会保障局", ("培训",), "职业能力建设股"),
    ("禾川县人力资源和社会保障局", (), "就业促进和劳动关系股"),
    ("禾川县医疗保障局", (), "待遇保障股"),
    ("禾川县民政局", ("社会团体", "民办非企业"), "社会组织管理股"),
    ("禾川县民政局", ("婚姻", "离婚", "收养"), "婚姻登记处"),
    ("禾川县民政局", ("殡葬",), "社会事务股"),
    ("禾川县民政局", ("老年", "高龄", "养老"), "养老服务股"),
    ("禾川县民政局", ("儿童",), "儿童福利股"),
    ("禾川县民政局", (), "社会救助股"),
    ("禾川县公安局", (), "人口与出入境管理大队"),
    ("禾川县住房和城乡建设局", ("租", "住房保障"), "住房保障股"),
    ("禾川县住房和城乡建设局", ("危房", "农村房屋"), "村镇建设股"),
    ("禾川县住房和城乡建设局", (), "城市建设股"),
    ("禾川县不动产登记中心", ("查询",), "档案股"),
    ("禾川县不动产登记中心", (), "登记业务股"),
    ("禾川县农业农村局", ("监测", "小额信贷", "雨露"), "乡村振兴股"),
    ("禾川县农业农村局", ("农机",), "农业机械化股"),
    ("禾川县农业农村局", ("宅基地", "承包", "家庭农场"), "农村经营管理股"),
    ("禾川县农业农村局", ("农药", "兽药", "动物防疫"), "行政审批股"),
    ("禾川县农业农村局", (), "计划财务股"),
    ("禾川县市场监督管理局", ("个体工商户", "企业设立"), "登记注册股"),
    ("禾川县市场监督管理局", ("药品", "医疗器械"), "药品医疗器械监管股"),
    ("禾川县市场监督管理局", ("投诉", "举报"), "消费者权益保护股"),
    ("禾川县市场监督管理局", (), "食品经营监管股"),
    ("禾川县卫生健康局", ("出生医学证明", "母婴"), "妇幼健康股"),
    ("禾川县卫生健康局", ("生育", "计划生育"), "人口监测与家庭发展股"),
    ("禾川县卫生健康局", ("公共场所",), "行政审批股"),
    ("禾川县卫生健康局", (), "医政医管股"),
    ("禾川县应急管理局", ("救助", "倒损"), "救灾和物资保障股"),
    ("禾川县应急管理局", ("危险化学品", "烟花爆竹"), "危险化学品安全监督管理股"),
    ("禾川县应急管理局", (), "安全生产综合协调股"),
    ("国家税务总局禾川县税务局", ("社会", "医疗保险费"), "社会保险费股"),
    ("国家税务总局禾川县税务局", (), "纳税服务股"),
    ("禾川县教育局", ("补助",), "学生资助管理中心"),
    ("禾川县教育局", ("教师",), "人事股"),
    ("禾川县教育局", (), "基础教育股"),
    ("禾川县城市管理局", ("投诉",), "指挥调度中心"),
    ("禾川县城市管理局", ("垃圾",), "环境卫生股"),
    ("禾川县城市管理局", (), "市容环境卫生股"),
    ("禾川县文化和旅游局", ("读者证",), "禾川县图书馆"),
    ("禾川县文化和旅游局", ("文化馆",), "禾川县文化馆"),
    ("禾川县文化和旅游局", (), "文化市场管理股"),
    ("禾川县生态环境局", ("投诉",), "生态环境保护综合行政执法大队"),
    ("禾川县生态环境局", (), "环评与排污许可股"),
    ("禾川县司法局", ("法律援助",), "禾川县法律援助中心"),
    ("禾川县司法局", ("调解",), "人民参与和促进法治股"),
    ("禾川县司法局", ("行政复议",), "行政复议股"),
    ("禾川县司法局", (), "公共法律服务管理股"),
    ("禾川县自然资源局", (), "征地服务股"),
    ("禾川县水利局", (), "水资源管理股"),
    ("禾川县残疾人联合会", ("残疾人证",), "组织联络部"),
    ("禾川县残疾人联合会", (), "康复部"),
    ("禾川县劳动人事争议仲裁委员会", (), "禾川县劳动人事争议仲裁院"),
]

# Guides that townships (乡镇便民服务中心) also accept: their rows are at both levels.
TOWNSHIP_KEYWORDS = (
    "城乡居民基本养老保险参保登记",
    "城乡居民基本养老保险待遇申领",
    "城乡居民基本医疗保险参保登记",
    "城乡居民基本医疗保险费缴纳",
    "丧葬补助金",
    "就业登记",
    "失业登记",
    "就业创业证",
    "就业困难人员",
    "个体工商户设立",
    "最低生活保障",
    "特困",
    "临时救助",
    "医疗救助",
    "残疾人",
    "事实无人抚养",
    "高龄津贴",
    "老年人优待证",
    "养老服务补贴",
    "适老化",
    "能力综合评估",
    "耕地地力",
    "宅基地审批",
    "土地承包经营权流转",
    "防止返贫",
    "小额信贷",
    "雨露计划",
    "危房",
    "房屋安全性鉴定",
    "冬春",
    "过渡期",
    "倒损住房",
    "生育登记",
    "奖励扶助",
    "特别扶助",
    "法律援助",
    "人民调解",
    "法律咨询",
    "惠民殡葬",
    "征地补偿安置信息查询",
    "被征地农民",
    "食品摊贩",
    "食品小作坊",
    "烟花爆竹经营",
    "门头店招",
)

ORG_KEYWORDS = (
    "企业设立",
    "生产经营单位",
    "养老机构",
    "医疗机构",
    "诊所",
    "经营许可",
    "经营（零售）",
    "经营备案",
    "营业",
    "排污",
    "环境影响",
    "娱乐场所",
    "演出",
    "预包装",
    "小作坊",
    "清扫",
    "公共场所",
    "污水排入",
    "管线",
    "母婴保健技术",
)

CONTENT = {
    "行政许可": "办事指南：设定依据、申请条件、申请材料、办理流程、法定和承诺时限、收费标准、审批结果、"
    "办理地点和时间、咨询和监督电话、网上办理入口",
    "行政给付": "办事指南：享受条件、给付标准、申请材料、办理流程、办理时限、发放方式、办理地点和时间、"
    "咨询和监督电话、网上办理入口",
    "行政确认": "办事指南：设定依据、办理条件、申请材料、办理流程、办理时限、收费标准、办理结果（证件或证明）、"
    "办理地点和时间、咨询和监督电话、网上办理入口",
    "行政征收": "办事指南：征收依据、征收标准、申报缴纳方式、办理时限、办理地点和时间、咨询和监督电话、网上办理入口",
    "行政裁决": "办事指南：受理范围、申请条件、申请材料、办理流程、办理时限、办理地点、咨询和监督电话",
}
DEFAULT_CONTENT = (
    "办事指南：设定依据、办理条件、申请材料、办理流程、办理时限、收费标准、办理地点和时间、咨询和监督电话、网上办理入口"
)

# Documents worth showing next to a guide (the policy, its interpretation, the latest notice).
GUIDE_DOCUMENTS: dict[str, list[str]] = {
    "g-assist-01": ["d-0001", "d-0031", "d-0069"],
    "g-assist-03": ["d-0006", "d-0035"],
    "g-employ-06": ["d-0003", "d-0032"],
    "g-elderly-01": ["d-0005", "d-0034"],
    "g-ruralhouse-01": ["d-0007", "d-0036"],
    "g-affordable-01": ["d-0008", "d-0037", "d-0062"],
    "g-agri-01": ["d-0013", "d-0040", "d-0057"],
    "g-agri-03": ["d-0023"],
    "g-edu-01": ["d-0014", "d-0041", "d-0058"],
    "g-edu-03": ["d-0014", "d-0041"],
    "g-social-02": ["d-0004", "d-0033", "d-0055"],
    "g-social-14": ["d-0015", "d-0042", "d-0051"],
    "g-tax-04": ["d-0051"],
    "g-legal-01": ["d-0016", "d-0043"],
    "g-poverty-01": ["d-0018", "d-0044"],
    "g-disaster-01": ["d-0030"],
    "g-disaster-03": ["d-0019"],
    "g-municipal-01": ["d-0022", "d-0045"],
    "g-landcomp-01": ["d-0011", "d-0039"],
    "g-food-05": ["d-0026"],
    "g-food-06": ["d-0026"],
}


def load_guide_index(path: Path = GUIDE_INDEX) -> list[dict]:
    """The guides the catalog must link: id, name, domain, department, item_code (and item_type)."""
    return json.loads(path.read_text(encoding="utf-8"))


def _first(rules, name: str, default):
    for keywords, *value in rules:
        if not keywords or any(k in name for k in keywords):
            return value
    return default


def _publisher(department: str, name: str) -> str:
    rules = [(kw, office) for dept, kw, office in OFFICE_RULES if dept == department]
    (office,) = _first(rules, name, [""])
    if office.startswith("禾川县"):
        return office
    return department + office


def _audience(name: str, item_type: str) -> str:
    if "社会团体" in name or "民办非企业" in name:
        return "社会组织"
    if any(k in name for k in ORG_KEYWORDS):
        return "企业"
    return "企业/个人" if item_type == "行政许可" else "个人"


def guide_rows(guides: list[dict], slugs: dict[str, str], basis: dict[str, str]) -> list[dict]:
    """One CatalogItem dict per guide. `slugs` maps domain name -> slug, `basis` slug -> basis text."""
    rows = []
    for guide in guides:
        gid, name, domain = guide["id"], guide["name"], guide["domain"]
        slug = slugs.get(domain)
        if slug is None:
            raise SystemExit(f"guide_index.json: id={gid}: unknown domain {domain!r}")
        number = gid.rsplit("-", 1)[1]
        if not number.isdigit():
            raise SystemExit(f"guide_index.json: id={gid}: expected g-<domain>-<number>")
        item_type = guide.get("item_type") if guide.get("item_type") in ITEM_TYPES else "办事指南"
        category_1, category_2 = _first(CATEGORY_RULES.get(slug, []), name, ["办事服务", ""])
        both = any(k in name for k in TOWNSHIP_KEYWORDS)
        channels = ["政府网站", "实体大厅", "政务公开专区"] + (["便民服务窗口"] if both else [])
        rows.append(
            {
                "id": f"c-{slug}-{100 + int(number):03d}",
                "disclosure_type": "服务",
                "domain": domain,
                "category_1": category_1,
                "category_2": category_2,
                "name": name,
                "content": CONTENT.get(item_type, DEFAULT_CONTENT),
                "basis": basis[slug],
                "publisher": _publisher(guide["department"], name),
                "time_limit": TL20,
                "channels": channels,
                "audience": _audience(name, item_type),
                "form": "主动公开",
                "status": "已公开",
                "service_class": "行政服务",
                "item_type": item_type,
                "level": ["县级", "乡级"] if both else ["县级"],
                "guide_id": gid,
                "document_ids": GUIDE_DOCUMENTS.get(gid, []),
                "url": f"{ONLINE}item/{guide['item_code']}",
                "updated_at": DATES[int(number) % len(DATES)].isoformat(),
            }
        )
    return rows
