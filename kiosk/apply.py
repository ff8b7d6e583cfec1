"""Applying for government information (依申请公开): what the kiosk tells a citizen.

The page /apply, the panel on a 依申请公开 catalog row and the printed application slip say the
same things, from here. The rules are the national regulation's (政府信息公开条例: what an
application states, the reply within 20 working days, no fee as a rule); where, when and whom to
call come from the county's `disclosure_office` in site.json. Where the office publishes its
intake key, kiosk.applications also takes the application at the screen (sealed at once, never
stored in clear); otherwise the citizen hands it in at the office's window, by post, or online.
"""

from __future__ import annotations

from dataclasses import dataclass

WHAT = "政府没有主动公开的信息，您可以向掌握这条信息的机关申请公开。"
NO_OFFICE = "请到服务窗口咨询，工作人员会告诉您向哪个机关申请，并帮您填写申请表。"
HELP = "不会填申请表没关系，窗口工作人员会帮您填写。"


@dataclass(frozen=True)
class Bring:
    """One thing to bring: what, in which form, and whether everyone needs it."""

    name: str
    form: str
    required: bool
    when: str = ""


BRING = (
    Bring("居民身份证", "原件", True),
    Bring("营业执照或其他能证明单位身份的材料，经办人的身份证", "原件", False, "以单位名义申请时带"),
    Bring("委托书和您本人的身份证", "原件", False, "替别人申请时带"),
)
STATE = (
    "您的姓名（单位写名称）、身份证件号码、联系电话和通信地址",
    "您要哪一条信息：信息的名称、文件的文号，或者能帮工作人员找到它的其他说明",
    "您想怎样拿到：纸质、电子邮件、光盘，或者当场查阅",
)
REPLY = (
    "能当场答复的当场答复；不能当场答复的，自收到申请之日起 20 个工作日内答复。"
    "需要延长的会告诉您，延长最多 20 个工作日。"
)
FEE = "不收费。只有申请的数量、次数明显过多时，才可能收取信息处理费。"
