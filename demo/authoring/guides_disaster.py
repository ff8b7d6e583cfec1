"""Service guides of the 救灾 domain (winter and spring relief, transition relief, rebuilding)."""

from demo.authoring.common import guide, hukou_book, id_card, mat

RELIEF = "《自然灾害救助条例》"
BANK = mat("惠农补贴一卡通或银行卡", "复印件", notes="用于接收救助资金", source="申请人自备")

GUIDES = [
    guide(
        "g-disaster-01",
        summary="受灾家庭在当年冬季和次年春季口粮、衣被、取暖有困难的，申请冬春生活救助。",
        basis=[f"{RELIEF}第二十一条", "《受灾人员冬春生活救助工作规程》"],
        conditions=[
            "家庭因当年自然灾害遭受损失",
            "冬春期间口粮、衣被、取暖等基本生活存在困难",
        ],
        materials=[
            id_card("户主"),
            hukou_book(),
            mat("冬春生活救助申请表", notes="写明受灾情况和困难", source="村民委员会"),
            BANK,
        ],
        steps=[
            ("申请", "户主向村（居）委会提出，或由村委会摸排后代为申请"),
            ("民主评议", "村民代表评议，在村里公示"),
            ("审核", "乡镇审核、县应急管理局审批"),
            ("发放", "发放救助资金或粮食、衣被等物资，发放结果张榜公布"),
        ],
        limits=(None, None),
        result="冬春生活救助资金或物资",
        keywords=["受灾救助", "过冬补助", "冬春救助"],
        level="township-only",
        window="户籍所在乡镇便民服务中心应急管理窗口",
        updated="2026-01-30",
    ),
    guide(
        "g-disaster-02",
        summary="因洪水、地震等灾害房屋倒塌或严重损坏、无房可住的家庭，申请过渡期生活救助。",
        basis=[f"{RELIEF}第十九条", "本省自然灾害救助办法"],
        conditions=[
            "因自然灾害住房倒塌或严重损坏，无房可住",
            "无生活来源或生活困难",
        ],
        materials=[
            id_card("户主"),
            hukou_book(),
            mat("过渡期生活救助申请表", source="村民委员会或乡镇便民服务中心"),
            mat(
                "房屋倒损情况照片", "电子版", required=False, notes="村委会统一拍摄的也可", source="申请人自备或村委会"
            ),
            BANK,
        ],
        steps=[
            ("申请", "受灾后由户主申请或村委会统计上报"),
            ("核查", "乡镇入户核查倒损和生活情况"),
            ("公示", "在村里公示"),
            ("审批发放", "县应急管理局审批，按人按月发放救助金，一般不超过3个月"),
        ],
        limits=(15, 10),
        result="过渡期生活救助金",
        keywords=["受灾补助", "房子倒了", "灾后救助"],
        level="township-only",
        window="户籍所在乡镇便民服务中心应急管理窗口",
        updated="2026-01-30",
    ),
    guide(
        "g-disaster-03",
        summary="因自然灾害住房倒塌或严重损坏的家庭，申请恢复重建或维修加固补助。",
        basis=[f"{RELIEF}第十九条、第二十条", "本省因灾倒损住房恢复重建补助资金管理办法"],
        conditions=[
            "住房因自然灾害倒塌或严重损坏",
            "倒损住房是家庭唯一住房",
            "自愿重建或维修，并按要求达到安全标准",
        ],
        materials=[
            id_card("户主"),
            hukou_book(),
            mat("因灾倒损住房恢复重建补助申请表", source="乡镇便民服务中心"),
            mat("房屋倒损核查结果", notes="由乡镇组织核查", source="乡镇人民政府"),
            BANK,
        ],
        steps=[
            ("申请", "户主向村委会申请，村民代表评议"),
            ("核查公示", "乡镇核查倒损等级并公示"),
            ("审批", "县应急管理局会同住建部门审批补助标准"),
            ("重建验收", "完成重建或维修后验收"),
            ("发放", "补助资金发放到一卡通"),
        ],
        limits=(60, 30),
        result="因灾倒损住房恢复重建补助",
        keywords=["灾后重建", "倒房补助", "维修补助"],
        level="township-only",
        window="户籍所在乡镇便民服务中心应急管理窗口",
        updated="2026-01-30",
    ),
]
