"""Life events (高效办成一件事) of the sample county: guides in the order a citizen needs them."""

from __future__ import annotations

from typing import Any

UPDATED = "2026-03-25"


def event(eid: str, name: str, description: str, guide_ids: list[str], audience: str = "个人") -> dict[str, Any]:
    """One `LifeEvent` record as a plain dict."""
    return {
        "id": eid,
        "name": name,
        "description": description,
        "audience": audience,
        "guide_ids": guide_ids,
        "updated_at": UPDATED,
    }


LIFE_EVENTS = [
    event(
        "e-birth",
        "新生儿出生一件事",
        "孩子出生前后要办的事：生育登记、出生医学证明、上户口、参加居民医保并缴费、申领社保卡，"
        "参加职工医保的妈妈还可以领生育津贴。出生医学证明办好后，户口、医保、社保卡可在出生一件事平台一次申请。",
        ["g-health-03", "g-health-01", "g-hukou-05", "g-social-14", "g-tax-04", "g-social-08", "g-social-19"],
    ),
    event(
        "e-school",
        "孩子上学一件事",
        "孩子上小学、升初中、转学和申请资助。外地户籍的家长先办居住证，准备好社保缴费证明，再按招生时间网上报名。",
        ["g-hukou-10", "g-social-04", "g-edu-01", "g-edu-03", "g-edu-02", "g-edu-04", "g-edu-05"],
    ),
    event(
        "e-job-loss",
        "失业再就业一件事",
        "失去工作后：先登记失业，符合条件的领失业保险金；领《就业创业证》，困难人员可认定为就业困难人员；"
        "参加免费技能培训，灵活就业后参保缴费还可以申请社保补贴。",
        ["g-employ-02", "g-social-12", "g-employ-03", "g-employ-04", "g-employ-08", "g-social-05", "g-employ-07"],
    ),
    event(
        "e-graduate",
        "高校毕业生就业一件事",
        "大中专毕业生回乡或来禾川就业：迁回户口，申领求职创业补贴，找到工作后登记就业，"
        "也可以参加就业见习或申请创业担保贷款。",
        ["g-hukou-13", "g-employ-11", "g-employ-01", "g-employ-10", "g-employ-05"],
    ),
    event(
        "e-restaurant",
        "开办餐饮店一件事",
        "开一家小饭店：先办个体工商户营业执照，完成税务报到，再申请食品经营许可证；"
        "门头招牌备案，接通天然气，办理污水排入排水管网许可。",
        ["g-employ-14", "g-tax-07", "g-food-01", "g-cityenf-05", "g-municipal-02", "g-municipal-04"],
        audience="企业/个人",
    ),
    event(
        "e-business",
        "企业开办一件事",
        "开办公司：网上一次填报，营业执照、公章、发票、社保登记一并办好；招用员工后登记就业，"
        "生产经营场所接通用水，需要环评登记的项目在网上备案。",
        ["g-employ-15", "g-tax-07", "g-employ-01", "g-municipal-01", "g-env-02"],
        audience="企业",
    ),
    event(
        "e-marriage",
        "结婚一件事",
        "领结婚证，需要时办理夫妻投靠户口迁移，准备要孩子的可以进行生育登记。",
        ["g-civil-01", "g-hukou-07", "g-health-03"],
    ),
    event(
        "e-retire",
        "退休一件事",
        "快到退休年龄时：先打印社保缴费记录核对，有外地缴费的办理养老保险关系转移，"
        "再申请退休和养老金；退休后到外地跟子女住的办异地就医备案，满60岁可办老年人优待证。",
        ["g-social-04", "g-social-06", "g-social-07", "g-social-16", "g-elderly-02"],
    ),
    event(
        "e-after-death",
        "身后一件事",
        "家人去世后：注销户口，申领惠民殡葬补贴，领取养老保险丧葬补助金和抚恤金；"
        "有房产的办理继承公证和不动产继承登记。",
        ["g-hukou-06", "g-civil-06", "g-social-13", "g-legal-03", "g-estate-04"],
    ),
    event(
        "e-new-home",
        "购买新房一件事",
        "买新建商品房：期房先办预告登记，按揭的办抵押登记；交房后缴契税办不动产权证书，"
        "可凭证书把户口迁入，接通水和天然气。",
        ["g-estate-09", "g-estate-05", "g-tax-05", "g-estate-03", "g-hukou-08", "g-municipal-01", "g-municipal-02"],
    ),
    event(
        "e-resale-home",
        "二手房买卖一件事",
        "买卖二手房：先查询房屋登记信息，卖方还清贷款注销抵押，再在不动产登记中心一窗缴税过户，"
        "买方可凭新证书迁入户口。",
        ["g-estate-10", "g-estate-06", "g-tax-05", "g-estate-02", "g-hukou-08"],
    ),
    event(
        "e-disability",
        "残疾人服务一件事",
        "办理残疾人证后，可以申请生活补贴和护理补贴、辅助器具适配；不能到校的残疾儿童可申请送教上门，"
        "找工作困难的可以认定为就业困难人员。",
        ["g-assist-09", "g-assist-05", "g-assist-10", "g-edu-07", "g-employ-04"],
    ),
    event(
        "e-military",
        "参军入伍和退役一件事",
        "批准入伍后注销户口；退役回乡恢复户口，转接养老保险关系，可以登记求职，自主创业的退役军人可申请创业担保贷款。",
        ["g-hukou-14", "g-hukou-15", "g-social-06", "g-employ-02", "g-employ-05"],
    ),
    event(
        "e-elderly",
        "老年人优待一件事",
        "满60周岁办老年人优待证、领取城乡居民养老金；满80周岁领高龄津贴；"
        "经济困难或失能的老人可以评估后申请养老服务补贴和居家适老化改造。",
        ["g-elderly-02", "g-social-02", "g-elderly-01", "g-elderly-04", "g-elderly-03", "g-elderly-05"],
    ),
    event(
        "e-hardship",
        "困难群众救助一件事",
        "家庭生活困难时：申请低保或低保边缘家庭认定，遇到突发困难申请临时救助；"
        "看病负担重的申请医疗救助，孩子上学可申请生活补助，住房困难的可申请公租房。",
        ["g-assist-01", "g-assist-04", "g-assist-03", "g-assist-08", "g-edu-05", "g-affordable-01"],
    ),
    event(
        "e-rural-house",
        "农村建房一件事",
        "农村村民建房：申请宅基地和建房审批，建成后办理不动产登记；"
        "住房困难家庭的旧房可申请安全鉴定，属于危房的申请危房改造补助并在完工后验收。",
        ["g-agri-03", "g-estate-11", "g-ruralhouse-02", "g-ruralhouse-01", "g-ruralhouse-03"],
    ),
    event(
        "e-disaster",
        "受灾救助一件事",
        "遭受洪水等自然灾害后：无房可住的申请过渡期生活救助，倒损住房申请恢复重建补助，"
        "冬春生活困难的申请冬春救助；家里突遇困难可申请临时救助和防止返贫监测帮扶。",
        ["g-disaster-02", "g-disaster-03", "g-disaster-01", "g-assist-03", "g-poverty-01"],
    ),
    event(
        "e-work-injury",
        "工伤保险一件事",
        "上班受伤后：申请工伤认定，伤情稳定后申请劳动能力鉴定；与单位有争议的申请劳动仲裁，经济困难的可申请法律援助。",
        ["g-social-10", "g-social-11", "g-employ-12", "g-legal-01"],
        audience="企业/个人",
    ),
]
