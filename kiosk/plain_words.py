"""Plain Chinese for the office terms a content sheet uses, where a citizen reads them.

Staff write 主动公开, 依申请公开 and 其他行政服务事项; a citizen wants to know whether they can just
read it or must apply. One table, used by the catalog page and the search results.
"""

from __future__ import annotations

import re

# A term of the sheets → what the citizen reads; "" hides the term.
CITIZEN_WORDS = {
    "主动公开": "可以直接查看",
    "依申请公开": "需要申请才能获取",
    "其他行政服务事项": "",
    "行政许可": "",
    "行政确认": "",
    "行政给付": "",
    "行政裁决": "",
    "行政奖励": "",
    "行政征收": "",
    "行政检查": "",
    "公共服务": "",
    "普通信息": "",
}

_FILE_SUFFIX = re.compile(r"\.(csv|xlsx?|docx?|pdf|txt|wps|et|ofd)$", re.IGNORECASE)


def citizen_words(term: str | None) -> str:
    """The plain words for an office term ("" to show nothing); other text unchanged."""
    term = (term or "").strip()
    return CITIZEN_WORDS.get(term, term)


def file_title(name: str | None) -> str:
    """An attachment's title without its file-name suffix (".csv" means nothing to a citizen)."""
    return _FILE_SUFFIX.sub("", (name or "").strip())


def catalog_status(form: str, status: str) -> str:
    """A catalog row's state in plain words; a 依申请公开 row is never 'already published'."""
    if form == "依申请公开":
        return {"已公开": "可以申请获取", "部分公开": "部分内容可以申请获取"}.get(
            status, STATUS_WORDS.get(status, status)
        )
    return STATUS_WORDS.get(status, status)


STATUS_WORDS = {
    "已公开": "已经公开",
    "待公开": "还没有公开，正在准备",
    "部分公开": "公开了一部分",
    "近期不公开": "近期暂不公开",
}
