"""Facts shared by many guides of the sample county: halls, opening hours, departments.

Per-service data lives in the `guides_<domain>.py` modules; they build records with `guide()`,
`mat()` and leave out what this module fills in per department (window, phones, halls).
"""

from __future__ import annotations

from typing import Any

ONLINE_BASE = "https://zwfw.province.gov.example/item/"
COMPLAINT_PHONE = "0999-6120000"

HOURS = "周一至周五 上午8:30—12:00，下午14:30—17:30（法定节假日除外）"
HOURS_ESTATE = "周一至周五 上午8:30—12:00，下午14:30—17:30（法定节假日除外）；中午12:00—14:30只办理查询和领证"
HOURS_TOWNSHIP = HOURS

COUNTY_HALL = "hall-county"
ESTATE_HALL = "hall-estate"
TOWNSHIP_CENTRES = ["center-changning", "center-baishu", "center-datang"]

ADDRESS_COUNTY = "禾川县禾城镇新华路168号 禾川县政务服务中心"
ADDRESS_ESTATE = "禾川县禾城镇滨江路66号自然资源大楼一楼 禾川县不动产登记中心"
ADDRESS_TOWNSHIPS = "长宁镇长宁街12号、柏树乡柏树村新街28号、大塘镇塘西路5号 各乡镇便民服务中心"

# Where a guide is handled: hall ids and the address text shown to citizens.
LEVELS: dict[str, tuple[list[str], str]] = {
    "county": ([COUNTY_HALL], ADDRESS_COUNTY),
    "estate": ([ESTATE_HALL], ADDRESS_ESTATE),
    "county+estate": ([COUNTY_HALL, ESTATE_HALL], f"{ADDRESS_COUNTY}；{ADDRESS_ESTATE}"),
    "township": (
        [COUNTY_HALL, *TOWNSHIP_CENTRES],
        f"{ADDRESS_COUNTY}；也可到户籍所在乡镇便民服务中心（{ADDRESS_TOWNSHIPS}）",
    ),
    "township-only": (list(TOWNSHIP_CENTRES), f"户籍所在乡镇便民服务中心（{ADDRESS_TOWNSHIPS}）"),
}

# Per department: default window in the county hall, consultation phone.
DEPARTMENTS: dict[str, dict[str, str]] = {
    "禾川县人力资源和社会保障局": {"window": "县政务服务中心二楼社保综合窗口（12–15号）", "phone": "0999-6123101"},
    "禾川县劳动人事争议仲裁委员会": {
        "window": "县劳动人事争议仲裁院立案窗口（县政务服务中心二楼西侧）",
        "phone": "0999-6123106",
    },
    "禾川县医疗保障局": {"window": "县政务服务中心二楼医保窗口（18–20号）", "phone": "0999-6123121"},
    "禾川县公安局": {"window": "县政务服务中心一楼户政窗口（1–4号）", "phone": "0999-6123111"},
    "禾川县民政局": {"window": "县政务服务中心三楼民政窗口（21–22号）", "phone": "0999-6123131"},
    "禾川县残疾人联合会": {"window": "县政务服务中心三楼残联窗口（23号）", "phone": "0999-6123135"},
    "禾川县卫生健康局": {"window": "县政务服务中心三楼卫生健康窗口（25–26号）", "phone": "0999-6123141"},
    "禾川县教育局": {"window": "县政务服务中心三楼教育窗口（27号）", "phone": "0999-6123151"},
    "禾川县不动产登记中心": {"window": "县不动产登记中心一楼综合受理窗口（1–8号）", "phone": "0999-6123200"},
    "禾川县市场监督管理局": {"window": "县政务服务中心一楼市场准入窗口（5–9号）", "phone": "0999-6123171"},
    "禾川县农业农村局": {"window": "县政务服务中心三楼农业农村窗口（28号）", "phone": "0999-6123181"},
    "禾川县住房和城乡建设局": {"window": "县政务服务中心四楼住建窗口（31–32号）", "phone": "0999-6123191"},
    "禾川县司法局": {"window": "县公共法律服务中心（县政务服务中心一楼北侧）", "phone": "0999-6123281"},
    "禾川县公证处": {"window": "县公证处受理窗口（县政务服务中心一楼北侧）", "phone": "0999-6123285"},
    "国家税务总局禾川县税务局": {"window": "县政务服务中心一楼税务窗口（10–11号）", "phone": "0999-6123211"},
    "禾川县城市管理局": {"window": "县政务服务中心四楼城市管理窗口（33号）", "phone": "0999-6123221"},
    "禾川县生态环境局": {"window": "县政务服务中心四楼生态环境窗口（34号）", "phone": "0999-6123231"},
    "禾川县应急管理局": {"window": "县政务服务中心四楼应急管理窗口（35号）", "phone": "0999-6123241"},
    "禾川县文化和旅游局": {"window": "县政务服务中心三楼文化旅游窗口（29号）", "phone": "0999-6123251"},
    "禾川县自然资源局": {"window": "县政务服务中心四楼自然资源窗口（36号）", "phone": "0999-6123261"},
    "禾川县水利局": {"window": "县政务服务中心一楼水电气联合报装窗口（V1号）", "phone": "0999-6123271"},
}

# Windows that several services share.
WINDOW_EMPLOY = "县政务服务中心二楼就业服务窗口（16–17号）"
WINDOW_MARRIAGE = "县婚姻登记处（县政务服务中心三楼东侧）"
WINDOW_TOWNSHIP_ASSIST = "户籍所在乡镇便民服务中心社会事务窗口"
WINDOW_ESTATE_TAX = "县不动产登记中心一楼税务窗口（9–10号）"
WINDOW_BUSINESS = "县政务服务中心一楼企业开办专区（5–9号）"


def mat(
    name: str,
    form: str = "原件",
    copies: int = 1,
    *,
    required: bool = True,
    notes: str = "",
    source: str = "申请人自备",
) -> dict[str, Any]:
    """One material (办理材料) as a plain dict matching `content_sync.schema.Material`."""
    return {"name": name, "form": form, "copies": copies, "required": required, "notes": notes, "source": source}


_ORIGINAL_NOTE = {"原件": "核验后当场退还", "原件及复印件": "原件核验后退还", "复印件": "", "电子版": ""}


def id_card(
    who: str = "申请人", *, notes: str = "", copies: int = 1, form: str = "原件", required: bool = True
) -> dict[str, Any]:
    """The identity card of `who`; the most common material, so it has a shorthand."""
    return mat(
        f"{who}居民身份证", form, copies, required=required, notes=notes or _ORIGINAL_NOTE[form], source="公安机关"
    )


def hukou_book(who: str = "申请人", *, notes: str = "", form: str = "原件", required: bool = True) -> dict[str, Any]:
    """The household register (户口簿) of `who`."""
    return mat(f"{who}居民户口簿", form, required=required, notes=notes or _ORIGINAL_NOTE[form], source="公安机关")


def guide(
    gid: str,
    *,
    summary: str,
    basis: list[str],
    conditions: list[str],
    materials: list[dict[str, Any]],
    steps: list[tuple[str, str]],
    limits: tuple[int | None, int | None],
    result: str,
    keywords: list[str],
    audience: str = "个人",
    level: str = "county",
    fee: str = "不收费",
    fee_basis: str = "",
    window: str | None = None,
    location: str | None = None,
    halls: list[str] | None = None,
    hours: str | None = None,
    phone: str | None = None,
    complaint: str = COMPLAINT_PHONE,
    online: bool = True,
    updated: str = "2026-03-02",
) -> dict[str, Any]:
    """The per-service part of a guide; `build_guides` adds name, domain, department and code."""
    return {
        "id": gid,
        "summary": summary,
        "legal_basis": basis,
        "conditions": conditions,
        "materials": materials,
        "steps": [{"name": n, "detail": d} for n, d in steps],
        "statutory_limit_days": limits[0],
        "promised_limit_days": limits[1],
        "fee": fee,
        "fee_basis": fee_basis,
        "result": result,
        "keywords": keywords,
        "audience": audience,
        "_level": level,
        "_window": window,
        "_location": location,
        "_halls": halls,
        "_hours": hours,
        "_phone": phone,
        "complaint_phone": complaint,
        "_online": online,
        "updated_at": updated,
    }
