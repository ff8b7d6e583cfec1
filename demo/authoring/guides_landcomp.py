"""Service guides of the 征地补偿 domain (compensation information, pension subsidy for land-lost farmers)."""

from demo.authoring.common import guide, hukou_book, id_card, mat

GUIDES = [
    guide(
        "g-landcomp-01",
        summary="被征地的农户和村集体查询本人或本村的征地批准、补偿标准、安置方案和补偿款发放情况。",
        basis=[
            "《中华人民共和国土地管理法》第四十七条、第四十八条",
            "《中华人民共和国土地管理法实施条例》第二十六条至第三十二条",
        ],
        conditions=[
            "查询人是被征收土地的农户、村集体经济组织或其他利害关系人",
            "已公开的征地信息任何人都可查阅",
        ],
        materials=[
            id_card("查询人"),
            mat("查询申请表", notes="写明要查的地块、村组和内容", source="窗口领取"),
            mat(
                "土地承包经营权证或村集体证明",
                "复印件",
                required=False,
                notes="查询本户补偿明细时提供",
                source="申请人自备",
            ),
        ],
        steps=[
            ("申请", "到县自然资源窗口或乡镇便民服务中心提出；已公开信息可在县政府网站征地信息专栏查看"),
            ("检索", "查询征地批准文件、补偿安置方案和补偿登记结果"),
            ("答复", "当场提供查询结果；需要调档的在承诺时限内答复"),
        ],
        limits=(20, 5),
        result="征地补偿安置信息查询结果",
        keywords=["征地补偿", "查补偿款", "征地标准"],
        level="township",
        updated="2026-03-23",
    ),
    guide(
        "g-landcomp-02",
        summary="被征地农民参加基本养老保险时，申请政府按规定给予的缴费补贴。",
        basis=["《中华人民共和国土地管理法》第四十八条", "本省被征地农民社会保障实施办法"],
        conditions=[
            "承包土地被依法征收，经公示列入被征地农民社会保障对象名单",
            "已参加城乡居民基本养老保险或职工基本养老保险",
        ],
        materials=[
            id_card(),
            hukou_book(),
            mat("被征地农民社会保障对象名单", "复印件", notes="由乡镇和村集体核定后公示的名单", source="乡镇人民政府"),
            mat("养老保险缴费补贴申请表", source="窗口领取"),
        ],
        steps=[
            ("申请", "到县社保窗口或乡镇便民服务中心申请"),
            ("核对", "核对被征地农民名单和参保情况"),
            ("核定", "按征地时年龄段核定补贴标准"),
            ("记账", "补贴记入本人养老保险个人账户或按规定发放"),
        ],
        limits=(30, 20),
        result="被征地农民养老保险缴费补贴",
        keywords=["失地农民社保", "征地养老保险", "被征地补贴"],
        level="township",
        updated="2026-03-23",
    ),
]
