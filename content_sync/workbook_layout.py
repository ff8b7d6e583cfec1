"""The workbooks county staff fill in: which workbook, which sheets, which Chinese headers.

This module is the one definition of the workbook form of a source folder (docs/content-format.md
shows it as tables). The reader (content_sync.workbooks), the template and the export
(content_sync.workbook_writer) and the error messages all take their headers, drop-down values and
example rows from here.

A workbook ``办事指南.xlsx`` may also be kept as a folder ``办事指南/`` holding one CSV UTF-8 file
per sheet (``办事指南/事项.csv``, ``办事指南/材料.csv`` …): the same headers, the same rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal, get_args

from .schema import (
    Audience,
    DocumentDisclosure,
    DocumentKind,
    HallKind,
    InterpretationForm,
    ItemType,
    Level,
    MaterialForm,
    Validity,
)

Kind = Literal["text", "list", "int", "date", "bool", "choice"]
YES, NO = "是", "否"


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header as staff see it and the record field it fills."""

    header: str
    field: str
    kind: Kind = "text"
    required: bool = False  # the column must be present (its cells may still be optional)
    choices: tuple[str, ...] = ()  # the drop-down's values, for kind "choice"
    note: str = ""  # shown as the header cell's comment in the template
    width: int = 16


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a table with a header row and one record (or part of one) per row."""

    name: str
    columns: tuple[Column, ...]
    example: tuple[dict[str, Any], ...] = ()  # rows of the template, by field
    # Sheets of parts (materials, steps, attachments) name their parent by these columns.
    link: tuple[str, ...] = ()

    @property
    def by_header(self) -> dict[str, Column]:
        return {c.header: c for c in self.columns}

    def column(self, field_name: str) -> Column:
        return next(c for c in self.columns if c.field == field_name)


@dataclass(frozen=True)
class Workbook:
    """A workbook (``办事指南.xlsx``) or its CSV folder (``办事指南/``)."""

    name: str  # without .xlsx
    sheets: tuple[Sheet, ...]

    @property
    def file_name(self) -> str:
        return f"{self.name}.xlsx"

    def sheet(self, name: str) -> Sheet:
        return next(s for s in self.sheets if s.name == name)


def _choices(literal: Any) -> tuple[str, ...]:
    return tuple(get_args(literal))


_DAY = dt.date(2026, 3, 2)
_LINK_GUIDE = (
    Column("编号", "guide_id", note="所属指南的编号（与“事项名称”填一个即可）", width=18),
    Column("事项名称", "guide_name", note="所属指南的事项名称（与“编号”填一个即可）", width=28),
)

SITE_SHEET = Sheet(
    "县",
    (
        Column("县名", "county", required=True),
        Column("行政区划代码", "county_code", required=True, note="6 位数字"),
        Column("服务热线", "hotline"),
        Column("门户网站", "portal_base_url", required=True, width=34),
        Column("政务服务网", "online_service_base_url", required=True, width=34),
        Column("二维码域名白名单", "qr_allowed_hosts", "list", required=True, note="每行一个域名", width=28),
        Column("依申请公开受理机构", "office_name", width=30),
        Column("受理地点", "office_address", width=30),
        Column("受理时间", "office_hours", width=26),
        Column("受理咨询电话", "office_phone"),
        Column("网上申请", "office_online_url", width=34),
        Column("更新日期", "updated_at", "date", required=True, width=12),
    ),
    example=(
        {
            "county": "禾川县",
            "county_code": "999101",
            "hotline": "12345",
            "portal_base_url": "https://www.hechuan.gov.example/",
            "online_service_base_url": "https://zwfw.province.gov.example/",
            "qr_allowed_hosts": ["hechuan.gov.example", "zwfw.province.gov.example"],
            "office_name": "禾川县人民政府办公室（县政务公开办公室）",
            "office_address": "禾川县政务服务中心一楼依申请公开窗口",
            "office_hours": "周一至周五 9:00-12:00，13:30-17:00",
            "office_phone": "0999-6123018",
            "office_online_url": "https://www.hechuan.gov.example/zwgk/ysqgk/",
            "updated_at": _DAY,
        },
    ),
)
# The disclosure office's columns on the 县 sheet -> DisclosureOffice fields.
OFFICE_FIELDS = {
    "office_name": "name",
    "office_address": "address",
    "office_hours": "hours",
    "office_phone": "phone",
    "office_online_url": "online_url",
}

HALL_SHEET = Sheet(
    "场所",
    (
        Column("编号", "id", required=True),
        Column("名称", "name", required=True, width=26),
        Column("场所类型", "kind", "choice", required=True, choices=_choices(HallKind)),
        Column("层级", "level", "choice", required=True, choices=_choices(Level)),
        Column("地址", "address", required=True, width=30),
        Column("办公时间", "hours", required=True, width=26),
        Column("电话", "phone", required=True),
    ),
    example=(
        {
            "id": "hall-county",
            "name": "禾川县政务服务中心",
            "kind": "政务服务大厅",
            "level": "县级",
            "address": "禾川县迎宾大道8号",
            "hours": "周一至周五 9:00-12:00，13:30-17:00",
            "phone": "0999-6123100",
        },
    ),
)

DOMAIN_SHEET = Sheet(
    "业务领域",
    (
        Column("编号", "id", required=True),
        Column("领域名称", "name", required=True),
        Column("说明", "description", width=40),
        Column("试点领域", "pilot", "bool", choices=(YES, NO)),
    ),
    example=(
        {"id": "social", "name": "社会保险", "description": "养老、医疗、工伤、失业保险的参保和待遇", "pilot": True},
    ),
)

GUIDE_SHEET = Sheet(
    "事项",
    (
        Column("编号", "id", required=True),
        Column("事项名称", "name", required=True, width=28),
        Column("业务领域", "domain", required=True),
        Column("实施主体/受理机构", "department", required=True, width=26),
        Column("事项编码", "item_code", required=True, width=22),
        Column("事项类型", "item_type", "choice", choices=_choices(ItemType)),
        Column("服务对象", "audience", "choice", choices=_choices(Audience)),
        Column("简介", "summary", width=36),
        Column("设定依据", "legal_basis", "list", required=True, note="每行一条", width=36),
        Column("申请条件", "conditions", "list", required=True, note="每行一条", width=36),
        Column("法定时限", "statutory_limit_days", "int", note="工作日，填整数；没有就空着", width=10),
        Column("承诺时限", "promised_limit_days", "int", note="工作日，填整数；不长于法定时限", width=10),
        Column("收费标准", "fee"),
        Column("收费依据", "fee_basis"),
        Column("审批结果", "result", required=True, width=20),
        Column("受理窗口", "window", required=True),
        Column("办理地点", "location", required=True, width=26),
        Column("办理时间", "hours", required=True, width=26),
        Column("咨询电话", "consult_phone", required=True),
        Column("监督电话", "complaint_phone", required=True),
        Column("网上办理", "online_url", width=34),
        Column("办理场所", "hall_ids", "list", note="场所编号，每行一个", width=18),
        Column("关键词", "keywords", "list", note="每行一个", width=16),
        Column("更新日期", "updated_at", "date", required=True, width=12),
    ),
    example=(
        {
            "id": "g-social-01",
            "name": "城乡居民养老保险参保登记",
            "domain": "社会保险",
            "department": "禾川县社会保险事业管理局",
            "item_code": "999101-SB-001",
            "item_type": "行政确认",
            "audience": "个人",
            "summary": "没有参加职工养老保险的居民，在这里登记参加城乡居民养老保险。",
            "legal_basis": ["《中华人民共和国社会保险法》第二十条"],
            "conditions": ["年满16周岁（不含在校学生）", "未参加职工基本养老保险的本县户籍居民"],
            "statutory_limit_days": 5,
            "promised_limit_days": 1,
            "fee": "不收费",
            "fee_basis": "",
            "result": "参保登记信息",
            "window": "社保窗口（8号）",
            "location": "禾川县政务服务中心二楼",
            "hours": "周一至周五 9:00-12:00，13:30-17:00",
            "consult_phone": "0999-6123001",
            "complaint_phone": "12345",
            "online_url": "https://zwfw.province.gov.example/item/999101-SB-001",
            "hall_ids": ["hall-county"],
            "keywords": ["养老保险", "参保"],
            "updated_at": _DAY,
        },
    ),
)

MATERIAL_SHEET = Sheet(
    "材料",
    (
        *_LINK_GUIDE,
        Column("材料名称", "name", required=True, width=26),
        Column("材料形式", "form", "choice", choices=_choices(MaterialForm)),
        Column("份数", "copies", "int", width=8),
        Column("是否必需", "required", "bool", choices=(YES, NO), width=10),
        Column("备注", "notes", width=26),
        Column("来源渠道", "source", width=18),
    ),
    example=(
        {
            "guide_id": "g-social-01",
            "guide_name": "城乡居民养老保险参保登记",
            "name": "居民身份证",
            "form": "原件",
            "copies": 1,
            "required": True,
            "notes": "",
            "source": "申请人自备",
        },
        {
            "guide_id": "g-social-01",
            "guide_name": "城乡居民养老保险参保登记",
            "name": "户口簿",
            "form": "复印件",
            "copies": 1,
            "required": True,
            "notes": "户主页和本人页",
            "source": "申请人自备",
        },
    ),
    link=("guide_id", "guide_name"),
)

STEP_SHEET = Sheet(
    "流程",
    (
        *_LINK_GUIDE,
        Column("环节", "name", required=True, width=16),
        Column("说明", "detail", width=40),
    ),
    example=(
        {
            "guide_id": "g-social-01",
            "guide_name": "城乡居民养老保险参保登记",
            "name": "申请",
            "detail": "到窗口或在网上提出申请",
        },
        {
            "guide_id": "g-social-01",
            "guide_name": "城乡居民养老保险参保登记",
            "name": "受理并登记",
            "detail": "窗口当场审核，符合条件的当场登记",
        },
    ),
    link=("guide_id", "guide_name"),
)

DOCUMENT_SHEET = Sheet(
    "文件",
    (
        Column("编号", "id", required=True),
        Column("文件类别", "kind", "choice", required=True, choices=_choices(DocumentKind)),
        Column("标题", "title", required=True, width=36),
        Column("发文字号", "number", width=20),
        Column("发文机关", "issuer", required=True, width=22),
        Column("成文日期", "issued_on", "date", required=True, width=12),
        Column("施行日期", "effective_on", "date", width=12),
        Column("失效日期", "expires_on", "date", width=12),
        Column("有效性", "validity", "choice", choices=_choices(Validity), width=10),
        Column("公开属性", "disclosure", "choice", choices=_choices(DocumentDisclosure)),
        Column("业务领域", "domain"),
        Column("摘要", "summary", width=36),
        Column("正文", "body", note="正文写在这里，或在“正文文件”填文件名", width=48),
        Column("正文文件", "body_file", note="源文件夹里的 .docx 或 .txt 文件，如 正文/d-0001.docx", width=22),
        Column("解读对象", "interprets", note="政策解读所解读的文件编号"),
        Column("解读形式", "interpretation_form", "choice", choices=_choices(InterpretationForm)),
        Column("链接", "url", width=34),
        Column("更新日期", "updated_at", "date", required=True, width=12),
    ),
    example=(
        {
            "id": "d-0001",
            "kind": "规范性文件",
            "title": "禾川县城乡居民基本养老保险实施办法",
            "number": "禾政发〔2023〕5号",
            "issuer": "禾川县人民政府",
            "issued_on": dt.date(2023, 6, 1),
            "effective_on": dt.date(2023, 7, 1),
            "validity": "有效",
            "disclosure": "主动公开",
            "domain": "社会保险",
            "summary": "规定本县城乡居民养老保险的参保范围、缴费档次和待遇。",
            "body": "第一条 为了保障城乡居民老年基本生活，根据有关规定，结合本县实际，制定本办法。",
            "url": "https://www.hechuan.gov.example/xxgk/d-0001.html",
            "updated_at": dt.date(2023, 6, 1),
        },
    ),
)

ATTACHMENT_SHEET = Sheet(
    "附件",
    (
        Column("编号", "document_id", required=True, note="所属文件的编号"),
        Column("附件名称", "name", required=True, width=26),
        Column("文件路径", "path", required=True, note="attachments 文件夹里的文件名", width=30),
    ),
    link=("document_id",),
)

LIFE_EVENT_SHEET = Sheet(
    "一件事",
    (
        Column("编号", "id", required=True),
        Column("名称", "name", required=True, width=20),
        Column("说明", "description", required=True, width=40),
        Column("服务对象", "audience", "choice", choices=_choices(Audience)),
        Column("相关指南", "guide_ids", "list", required=True, note="指南编号，每行一个，按办理顺序", width=20),
        Column("更新日期", "updated_at", "date", required=True, width=12),
    ),
    example=(
        {
            "id": "e-retire",
            "name": "退休",
            "description": "快到退休年龄时要办的几件事。",
            "audience": "个人",
            "guide_ids": ["g-social-01"],
            "updated_at": _DAY,
        },
    ),
)

SYNONYM_SHEET = Sheet(
    "同义词",
    (
        Column("编号", "id", required=True),
        Column("同义词", "terms", "list", required=True, note="每行一个词；第一行是正式用语", width=30),
    ),
    example=({"id": "s-001", "terms": ["城乡居民养老保险", "农保", "新农保"]},),
)

# The JSON form of the same records: site.json and domains.json, guides.jsonl, documents.jsonl,
# life_events.json, synonyms.json (content_sync.sources reads both forms).
COUNTY_BOOK = Workbook("基本信息", (SITE_SHEET, HALL_SHEET, DOMAIN_SHEET))
GUIDE_BOOK = Workbook("办事指南", (GUIDE_SHEET, MATERIAL_SHEET, STEP_SHEET))
DOCUMENT_BOOK = Workbook("政府信息", (DOCUMENT_SHEET, ATTACHMENT_SHEET))
LIFE_EVENT_BOOK = Workbook("一件事", (LIFE_EVENT_SHEET,))
SYNONYM_BOOK = Workbook("同义词", (SYNONYM_SHEET,))
WORKBOOKS: tuple[Workbook, ...] = (COUNTY_BOOK, GUIDE_BOOK, DOCUMENT_BOOK, LIFE_EVENT_BOOK, SYNONYM_BOOK)
