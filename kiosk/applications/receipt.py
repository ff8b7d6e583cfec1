"""The receipt slip (回执) printed after an application or a question is sent.

It carries no personal data: the tracking code, when, the reply period, the office, and a QR
code to the office's progress page (only if that page's host is on the site's allowlist).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from content_sync.intake import codes, ledger
from content_sync.intake.errors import CalendarNotCovered
from content_sync.schema import Hall, Site

from ..printing.slip import Block, Slip
from ..qr import allowed_url
from .outbox import Submission

KIND_TITLES = {"application": "政府信息公开申请", "question": "办事咨询"}
PRINT_KIND = "receipt"


def status_url(site: Site, code: str) -> str | None:
    """The office's progress page for `code`, or None (no page, or its host is not allowed)."""
    office = site.disclosure_office
    if office is None or not office.status_url:
        return None
    url = office.status_url + ("&" if "?" in office.status_url else "?") + urlencode({"code": code})
    return allowed_url(url, site.qr_allowed_hosts)


def expected_deadline(submitted: dt.date) -> dt.date | None:
    """The 20th working day after `submitted`; None when the holiday calendar does not reach it."""
    try:
        return ledger.reply_deadline(submitted)
    except CalendarNotCovered:
        return None


def reply_text(kind: str, submitted: dt.date) -> str:
    if kind != "application":
        return "工作人员会按您留的电话回电答复。"
    deadline = expected_deadline(submitted)
    text = f"自政务公开办收到申请之日起 {ledger.REPLY_WORKING_DAYS} 个工作日内答复"
    if deadline is not None:
        text += f"（今天送到的，在 {deadline.year} 年 {deadline.month} 月 {deadline.day} 日前）"
    return text + "。需要延长的会告诉您，最多再延长 20 个工作日。"


def build_receipt(site: Site, hall: Hall | None, submission: Submission, printed_at: dt.datetime) -> Slip:
    office = site.disclosure_office
    submitted = dt.datetime.fromisoformat(submission.submitted_at).astimezone(printed_at.tzinfo)
    blocks: list[Block] = []
    if hall is not None:
        blocks.append(Block("subtitle", hall.name))
    blocks.append(Block("subtitle", "回执"))
    blocks.append(Block("title", KIND_TITLES.get(submission.kind, "申请")))
    blocks.append(Block("heading", "跟踪码"))
    blocks.append(Block("title", codes.grouped(submission.code)))
    blocks.append(Block("small", "查询进度、打电话询问时报这个号码。回执上没有您的个人信息，请保管好。"))
    blocks.append(Block("rule"))
    blocks.append(Block("heading", "提交时间"))
    blocks.append(Block("text", submitted.strftime("%Y-%m-%d %H:%M")))
    blocks.append(Block("heading", "多久答复"))
    blocks.append(Block("text", reply_text(submission.kind, submitted.date())))
    if office is not None:
        blocks.append(Block("heading", "受理机构"))
        blocks.append(Block("text", office.name))
        blocks.append(Block("text", office.address))
        blocks.append(Block("heading", "咨询电话"))
        blocks.append(Block("text", f"{office.phone}（{office.hours}）"))
    blocks.append(Block("heading", "查询进度"))
    blocks.append(Block("text", "在任何一台政务公开查询机上点“查询申请进度”，输入跟踪码。"))
    qr = status_url(site, submission.code)
    if qr:
        blocks += [Block("rule"), Block("qr", qr, ("用手机扫码，在网上查进度",))]
    blocks += [Block("rule"), Block("small", f"打印时间：{printed_at.strftime('%Y-%m-%d %H:%M')}")]
    return Slip(blocks=tuple(blocks), qr_url=qr, title="回执", meta={"code": submission.code})
