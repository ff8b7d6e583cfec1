"""The sample county 禾川县 (fictional): its halls, hosts and hotline, as written to site.json."""

PORTAL = "https://www.hechuan.gov.example/"
ONLINE = "https://zwfw.province.gov.example/"

WEEKDAY_HOURS = "周一至周五 上午8:30—12:00，下午14:30—17:30（法定节假日除外）"

SITE = {
    "county": "禾川县",
    "county_code": "999101",
    "hotline": "12345",
    "portal_base_url": PORTAL,
    "online_service_base_url": ONLINE,
    "qr_allowed_hosts": ["hechuan.gov.example", "zwfw.province.gov.example"],
    "halls": [
        {
            "id": "hall-county",
            "name": "禾川县政务服务中心",
            "kind": "政务服务大厅",
            "level": "县级",
            "address": "禾川县禾城镇新华路168号（县人民医院对面）",
            "hours": WEEKDAY_HOURS + "；周六上午9:00—12:00延时服务（社保、户籍、税务窗口）",
            "phone": "0999-6123001",
        },
        {
            "id": "hall-estate",
            "name": "禾川县不动产登记中心",
            "kind": "不动产登记中心",
            "level": "县级",
            "address": "禾川县禾城镇滨江路66号自然资源大楼一楼",
            "hours": WEEKDAY_HOURS + "；中午12:00—14:30错时服务，只办理查询和领证",
            "phone": "0999-6123200",
        },
        {
            "id": "center-changning",
            "name": "长宁镇便民服务中心",
            "kind": "便民服务中心",
            "level": "乡级",
            "address": "禾川县长宁镇长宁街12号（镇人民政府院内一楼）",
            "hours": WEEKDAY_HOURS + "；逢农历三、八赶集日中午不休息",
            "phone": "0999-6123301",
        },
        {
            "id": "center-baishu",
            "name": "柏树乡便民服务中心",
            "kind": "便民服务中心",
            "level": "乡级",
            "address": "禾川县柏树乡柏树村新街28号",
            "hours": WEEKDAY_HOURS,
            "phone": "0999-6123302",
        },
        {
            "id": "center-datang",
            "name": "大塘镇便民服务中心",
            "kind": "便民服务中心",
            "level": "乡级",
            "address": "禾川县大塘镇塘西路5号（镇卫生院斜对面）",
            "hours": WEEKDAY_HOURS + "；周六上午9:00—12:00值班",
            "phone": "0999-6123303",
        },
    ],
    # Where applications for information that is not published (依申请公开) are handed in.
    "disclosure_office": {
        "name": "禾川县人民政府办公室（县政务公开办公室）",
        "address": (
            "禾川县政务服务中心一楼政务公开专区“依申请公开”窗口（禾城镇新华路168号）；"
            "邮寄请寄县人民政府办公室政务公开股，邮编 999100，信封上注明“政府信息公开申请”"
        ),
        "hours": WEEKDAY_HOURS,
        "phone": "0999-6123018",
        "online_url": PORTAL + "zwgk/ysqgk/",
    },
    "updated_at": "2026-11-02",
}
