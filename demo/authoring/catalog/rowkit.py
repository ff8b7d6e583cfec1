"""A compact way to write catalog rows: domain-wide defaults plus the few fields that differ.

`Row` holds what an author writes for one row; `DomainRows` holds a domain's defaults and its
rows; `expand` turns them into full CatalogItem dicts with ids c-<slug>-001, c-<slug>-002, …
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from site_data import PORTAL

# Time limits (公开时限) in the wording county catalogs use.
TL20 = "自信息形成或变更之日起20个工作日内"
TL10 = "自信息形成或变更之日起10个工作日内"
TL5 = "自信息形成或变更之日起5个工作日内"
REAL = "实时"
TL_PENALTY = "自作出行政处罚决定之日起7个工作日内"
TL_LICENCE = "自作出许可决定之日起7个工作日内"
TL_BUDGET = "预算批复后20日内"
TL_FINAL = "决算批复后20日内"
TL_YEAR = "每年3月31日前公开上一年度情况"
TL_QUARTER = "每季度结束后15个工作日内"
TL_BEFORE = "决策作出前公开征求意见，征求意见期不少于30日"
TL_APPLY = "自收到申请之日起20个工作日内答复"

LEVELS = {"县": ["县级"], "乡": ["乡级"], "县乡": ["县级", "乡级"]}
CHANNELS = {
    "县": ["政府网站", "政务公开专区"],
    "乡": ["公告栏", "便民服务窗口", "政务公开专区"],
    "县乡": ["政府网站", "便民服务窗口", "政务公开专区"],
}
SERVICE_CLASS = {
    "行政许可": "行政服务",
    "行政处罚": "行政服务",
    "行政确认": "行政服务",
    "行政强制": "行政服务",
    "行政奖励": "行政服务",
    "行政征收": "行政服务",
    "行政给付": "行政服务",
    "行政裁决": "行政服务",
    "其他行政服务事项": "行政服务",
    "办事指南": "行政服务",
    "单位名录": "便民服务",
    "场馆信息": "便民服务",
    "常见问题": "便民服务",
    "服务链接": "便民服务",
    "政策文件": "日常工作",
    "通知公告": "日常工作",
    "普通信息": "日常工作",
}

# Update dates the rows cycle through (a real catalog is revised piece by piece).
DATES = [
    dt.date(2026, 3, 12),
    dt.date(2026, 9, 28),
    dt.date(2025, 12, 19),
    dt.date(2026, 6, 30),
    dt.date(2026, 10, 15),
    dt.date(2026, 1, 22),
    dt.date(2026, 5, 8),
    dt.date(2026, 11, 6),
    dt.date(2025, 11, 26),
    dt.date(2026, 8, 14),
    dt.date(2026, 4, 17),
]


@dataclass
class Row:
    """One catalog row as written by hand; empty fields take the domain's defaults."""

    disclosure_type: str
    category_1: str
    category_2: str
    name: str
    content: str
    item_type: str = "普通信息"
    office: str = ""
    level: str = "县"
    form: str = "主动公开"
    status: str = "已公开"
    time_limit: str = TL20
    channels: list[str] = field(default_factory=list)
    extra_channels: list[str] = field(default_factory=list)
    audience: str = ""
    service_class: str = ""
    docs: list[str] = field(default_factory=list)
    url: str = ""
    basis: str = ""


def r(dtype: str, cat1: str, cat2: str, name: str, content: str, item_type: str = "普通信息", **kw) -> Row:
    """Shorthand constructor used by the data modules."""
    return Row(dtype, cat1, cat2, name, content, item_type, **kw)


def portal(path: str) -> str:
    """A page of the county portal, e.g. portal('zwgk/czyjs/') -> https://www.hechuan.gov.example/zwgk/czyjs/."""
    return PORTAL + path


@dataclass
class DomainRows:
    """A domain's defaults (department, basis, audience) and its hand-written rows."""

    slug: str
    name: str
    department: str
    basis: str
    rows: list[Row]
    audience: str = "全体"


def publisher(department: str, office: str) -> str:
    """The responsible body down to the office: 禾川县民政局 + 社会救助股 -> 禾川县民政局社会救助股.

    An office naming its own body (a township, another department) stands alone.
    """
    if not office:
        return department
    if office.startswith(("禾川县", "国家税务总局", "长宁镇", "柏树乡", "大塘镇", "各乡镇")):
        return office
    return department + office


def expand(domain: DomainRows, domain_index: int) -> list[dict]:
    """Full CatalogItem dicts for a domain's hand-written rows, ids c-<slug>-001 …"""
    items = []
    for n, row in enumerate(domain.rows, start=1):
        level = row.level
        channels = row.channels or CHANNELS[level]
        channels = channels + [c for c in row.extra_channels if c not in channels]
        items.append(
            {
                "id": f"c-{domain.slug}-{n:03d}",
                "disclosure_type": row.disclosure_type,
                "domain": domain.name,
                "category_1": row.category_1,
                "category_2": row.category_2,
                "name": row.name,
                "content": row.content,
                "basis": row.basis or domain.basis,
                "publisher": publisher(domain.department, row.office),
                "time_limit": row.time_limit,
                "channels": channels,
                "audience": row.audience or domain.audience,
                "form": row.form,
                "status": row.status,
                "service_class": row.service_class or SERVICE_CLASS[row.item_type],
                "item_type": row.item_type,
                "level": LEVELS[level],
                "guide_id": None,
                "document_ids": list(row.docs),
                "url": row.url or None,
                "updated_at": DATES[(n * 7 + domain_index * 3) % len(DATES)].isoformat(),
            }
        )
    return items
