"""What a slip (告知单) says: built from a guide (or the application notes), drawn by kiosk.printing.render.

Kept apart from drawing so that the receipt image and the A4 PDF say exactly the same thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from content_sync.schema import CatalogItem, Guide, Hall, Material, Site

from .. import apply
from ..qr import allowed_url


@dataclass(frozen=True)
class Block:
    """One element of a slip, top to bottom.

    kind: "title" (large, bold, centred), "subtitle" (centred), "heading" (white on black), "text",
    "bullet" (a point with a hanging indent),
    "check" (a checklist item: `text` is the name, `lines` the details under it), "qr" (`text` is
    the URL, `lines` the caption), "rule" (a line across), "small" (small print).
    """

    kind: str
    text: str = ""
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Slip:
    """The content of one slip, ready to draw at any width."""

    blocks: tuple[Block, ...]
    qr_url: str | None = None
    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)


def material_details(material: Material) -> str:
    """原件 1 份 · 必需 — what the citizen needs to know at a glance."""
    parts = [material.form if material.copies == 0 else f"{material.form} {material.copies} 份"]
    parts.append("必需" if material.required else "可选")
    return "，".join(parts)


def time_limit(guide: Guide) -> str:
    """The promised time limit in words (0 days is 即办: done on the spot)."""
    if guide.promised_limit_days == 0:
        return "即办（材料齐全当场办结）"
    if guide.promised_limit_days is not None:
        text = f"{guide.promised_limit_days} 个工作日"
        if guide.statutory_limit_days is not None and guide.statutory_limit_days != guide.promised_limit_days:
            text += f"（法定 {guide.statutory_limit_days} 个工作日）"
        return text
    if guide.statutory_limit_days is not None:
        return f"法定 {guide.statutory_limit_days} 个工作日"
    return "以窗口告知为准"


def _code_and_footer(qr_url: str | None, caption: str, printed_at: dt.datetime, version: str) -> list[Block]:
    """The QR code (if any) under a rule, then when the slip was printed and from which content."""
    blocks = [Block("rule"), Block("qr", qr_url, (caption,))] if qr_url else []
    return [
        *blocks,
        Block("rule"),
        Block("small", f"打印时间：{printed_at.strftime('%Y-%m-%d %H:%M')}"),
        Block("small", f"内容版本：{version}"),
    ]


def build_slip(
    guide: Guide,
    hall: Hall | None,
    site: Site,
    release_id: str,
    printed_at: dt.datetime,
) -> Slip:
    """Everything a citizen needs to come back once with the right papers (一次告知)."""
    blocks: list[Block] = []
    if hall is not None:
        blocks.append(Block("subtitle", hall.name))
    blocks.append(Block("subtitle", "办事告知单"))
    blocks.append(Block("title", guide.name))
    blocks.append(Block("small", f"办理部门：{guide.department}"))
    blocks.append(Block("rule"))

    required = sum(1 for m in guide.materials if m.required)
    blocks.append(Block("heading", f"需要带的材料（{len(guide.materials)} 项）"))
    optional = len(guide.materials) - required
    blocks.append(
        Block("small", f"其中必需 {required} 项" + (f"，可选 {optional} 项" if optional else "") + "。备齐一项勾一项。")
    )
    for number, material in enumerate(guide.materials, start=1):
        details = [material_details(material)]
        if material.notes:
            details.append(f"说明：{material.notes}")
        if material.source:
            details.append(f"来源：{material.source}")
        blocks.append(Block("check", f"{number}. {material.name}", tuple(details)))
    blocks.append(Block("rule"))

    blocks.append(Block("heading", "办理条件"))
    for condition in guide.conditions:
        blocks.append(Block("bullet", condition))

    blocks.append(Block("heading", "在哪里办"))
    blocks.append(Block("text", guide.location))
    blocks.append(Block("text", f"窗口：{guide.window}"))
    blocks.append(Block("heading", "办理时间"))
    blocks.append(Block("text", guide.hours))
    blocks.append(Block("heading", "咨询电话"))
    blocks.append(Block("text", f"{guide.consult_phone}（监督投诉：{guide.complaint_phone}）"))
    blocks.append(Block("heading", "承诺时限"))
    blocks.append(Block("text", time_limit(guide)))
    blocks.append(Block("heading", "收费"))
    blocks.append(Block("text", guide.fee))

    qr_url = allowed_url(guide.online_url, site.qr_allowed_hosts)
    blocks += _code_and_footer(
        qr_url,
        "用手机扫码，在网上办理",
        printed_at,
        f"{release_id}（指南更新于 {guide.updated_at.isoformat()}）",
    )
    blocks.append(Block("small", "以上内容如有变化，以窗口告知为准。"))
    return Slip(
        blocks=tuple(blocks),
        qr_url=qr_url,
        title=guide.name,
        meta={"guide_id": guide.id, "release_id": release_id},
    )


def build_test_slip(hall: Hall | None, release_id: str, qr_url: str | None, printed_at: dt.datetime) -> Slip:
    """A slip for `kiosk print-test`: width, font, punctuation and a QR code."""
    blocks = [
        Block("subtitle", hall.name if hall else "政务公开查询机"),
        Block("title", "打印测试"),
        Block("rule"),
        Block("heading", "字体"),
        Block("text", "居民身份证、户口簿（原件及复印件）；营业执照。《中华人民共和国社会保险法》第十条！"),
        Block("text", "0123456789 ABCDEFGHIJ abcdefghij 0999-6123001"),
        Block("check", "1. 打印效果清楚，没有缺字", ("原件 1 份，必需",)),
    ]
    if qr_url:
        blocks.append(Block("qr", qr_url, ("用手机扫码，检查二维码能否识别",)))
    blocks += [
        Block("rule"),
        Block("small", f"打印时间：{printed_at.strftime('%Y-%m-%d %H:%M')}"),
        Block("small", f"内容版本：{release_id or '无'}"),
    ]
    return Slip(blocks=tuple(blocks), qr_url=qr_url, title="打印测试")


def build_apply_slip(
    site: Site,
    hall: Hall | None,
    release_id: str,
    printed_at: dt.datetime,
    item: CatalogItem | None = None,
) -> Slip:
    """How to apply for government information (依申请公开), to take to the office or home.

    With `item` (a 依申请公开 catalog row) the slip also names the information to ask for.
    """
    office = site.disclosure_office
    blocks: list[Block] = []
    if hall is not None:
        blocks.append(Block("subtitle", hall.name))
    blocks.append(Block("subtitle", "申请须知"))
    blocks.append(Block("title", "申请政府信息公开"))
    blocks.append(Block("small", apply.WHAT))
    if item is not None:
        blocks.append(Block("heading", "您要申请的信息"))
        blocks.append(Block("text", item.name))
        blocks.append(Block("small", f"由{item.publisher}公开"))
    blocks.append(Block("rule"))

    blocks.append(Block("heading", "在哪里申请"))
    if office is not None:
        blocks.append(Block("text", office.name))
        blocks.append(Block("text", office.address))
        blocks.append(Block("heading", "办公时间"))
        blocks.append(Block("text", office.hours))
        blocks.append(Block("heading", "咨询电话"))
        blocks.append(Block("text", office.phone))
    else:
        blocks.append(Block("text", apply.NO_OFFICE))

    blocks.append(Block("heading", f"请带上（{len(apply.BRING)} 项）"))
    for number, thing in enumerate(apply.BRING, start=1):
        details = [f"{thing.form}，{'必需' if thing.required else thing.when}"]
        blocks.append(Block("check", f"{number}. {thing.name}", tuple(details)))
    blocks.append(Block("heading", "申请时写清楚"))
    for point in apply.STATE:
        blocks.append(Block("bullet", point))
    blocks.append(Block("small", apply.HELP))
    blocks.append(Block("heading", "多久答复"))
    blocks.append(Block("text", apply.REPLY))
    blocks.append(Block("heading", "收费"))
    blocks.append(Block("text", apply.FEE))

    qr_url = allowed_url(office.online_url, site.qr_allowed_hosts) if office is not None else None
    blocks += _code_and_footer(qr_url, "用手机扫码，在网上提交申请", printed_at, release_id)
    return Slip(
        blocks=tuple(blocks),
        qr_url=qr_url,
        title="申请政府信息公开",
        meta={"release_id": release_id, **({"catalog_item_id": item.id} if item is not None else {})},
    )
