"""Reply deadlines and the registration ledger (登记台账) of applications and questions.

政府信息公开条例 (2019) art. 33: an office that cannot reply on the spot replies within 20
working days from the day it received the application; with its head's consent it may extend
once, by at most 20 more working days. Working days come from the `chinese-calendar` package,
which knows the State Council's holiday schedule including the weekends worked in exchange
(调休). The schedule of a year is published in the autumn before it; a deadline that falls past
the newest year the installed package knows is an error, never a guess.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import chinese_calendar
from chinese_calendar import constants as _calendar_data
from nacl.public import PrivateKey

from . import codes, envelope
from .errors import CalendarNotCovered
from .store import Item, StatusEntry, Store, received_date

REPLY_WORKING_DAYS = 20
EXTENSION_WORKING_DAYS = 20


@functools.cache
def newest_calendar_year() -> int:
    """The last year whose holidays the installed chinese-calendar knows."""
    return max(d.year for d in (*_calendar_data.holidays, *_calendar_data.workdays))


@functools.lru_cache(maxsize=4096)
def _is_workday(day: dt.date) -> bool:
    return chinese_calendar.is_workday(day)


@functools.lru_cache(maxsize=4096)
def add_working_days(start: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `start` (the day of receipt itself does not count)."""
    newest = newest_calendar_year()
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if day.year > newest:
            raise CalendarNotCovered(
                f"the deadline from {start.isoformat()} runs into {day.year}, but the installed chinese-calendar "
                f"knows holidays only up to {newest}: upgrade it (pip install -U chinese-calendar) once the "
                "State Council has published that year's schedule"
            )
        if _is_workday(day):
            counted += 1
    return day


def reply_deadline(received: dt.date) -> dt.date:
    return add_working_days(received, REPLY_WORKING_DAYS)


def extended_deadline(received: dt.date) -> dt.date:
    return add_working_days(received, REPLY_WORKING_DAYS + EXTENSION_WORKING_DAYS)


@dataclass(frozen=True)
class Entry:
    """One item of the store, opened with the office's key (record None: it could not be)."""

    item: Item
    record: envelope.Record | None
    received: dt.date
    status: StatusEntry | None

    @property
    def code(self) -> str:
        return self.record.code if self.record else ""


def entries(store: Store, private: PrivateKey) -> list[Entry]:
    latest = {s.status_hash: s for s in store.latest_statuses()}
    out = []
    for item in store.items():
        record = envelope.open_record(private, item.ciphertext)
        if record is not None and codes.status_hash(record.code) != item.status_hash:
            record = None  # the terminal's hash does not match the sealed code: treat as unreadable
        out.append(Entry(item, record, received_date(item.received_at), latest.get(item.status_hash)))
    return out


# The ledger's columns: header, and how to get the value from an entry's fields.
APPLICATION_COLUMNS = (
    ("申请人类型", "applicant_kind"),
    ("姓名/名称", "display_name"),
    ("证件类型", "id_kind"),
    ("证件号码", "id_number"),
    ("统一社会信用代码", "credit_code"),
    ("法定代表人/联系人", "contact_name"),
    ("联系电话", "phone"),
    ("通信地址", "address"),
    ("电子邮箱", "email"),
    ("申请机关", "agency"),
    ("所需信息", "description"),
    ("信息形式", "medium"),
    ("获取方式", "delivery"),
)
QUESTION_COLUMNS = (("咨询问题", "question"), ("回电号码", "callback_phone"), ("称呼", "name"))


def display_name(fields: dict[str, str]) -> str:
    return fields.get("org_name") or fields.get("name", "")


def write_ledger(path: Path, items: Iterable[Entry]) -> int:
    """Write the ledger (.xlsx, one sheet per kind) and return the number of rows written."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    applications = book.active
    applications.title = "信息公开申请"
    questions = book.create_sheet("办事咨询")
    unreadable = None
    base = ("序号", "跟踪码", "收到日期", "答复期限", "延期后期限", "当前状态", "状态日期")
    applications.append([*base, *(h for h, _ in APPLICATION_COLUMNS), "提交查询机所在大厅", "提交时间"])
    questions.append([*base[:4], *base[5:], *(h for h, _ in QUESTION_COLUMNS), "提交查询机所在大厅", "提交时间"])
    rows = 0
    numbers = {"application": 0, "question": 0}
    for entry in items:
        if entry.record is None:
            if unreadable is None:
                unreadable = book.create_sheet("无法解密")
                unreadable.append(["序号", "条目", "终端", "收到日期"])
            unreadable.append([entry.item.seq, entry.item.id, entry.item.terminal, entry.received])
            rows += 1
            continue
        record, fields = entry.record, entry.record.fields
        numbers[record.kind] += 1
        status = entry.status.status if entry.status else "已收到"
        status_on = entry.status.on_date if entry.status else entry.received
        deadline = reply_deadline(entry.received)
        if record.kind == "application":
            named = {"display_name": display_name(fields)}
            values = [named.get(k) or fields.get(k, "") for _, k in APPLICATION_COLUMNS]
            applications.append(
                [
                    numbers["application"],
                    codes.grouped(record.code),
                    entry.received,
                    deadline,
                    extended_deadline(entry.received),
                    status,
                    status_on,
                    *values,
                    record.hall_id,
                    record.submitted_at,
                ]
            )
        else:
            values = [fields.get(k, "") for _, k in QUESTION_COLUMNS]
            questions.append(
                [
                    numbers["question"],
                    codes.grouped(record.code),
                    entry.received,
                    deadline,
                    status,
                    status_on,
                    *values,
                    record.hall_id,
                    record.submitted_at,
                ]
            )
        rows += 1
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width * 1.6))
        sheet.freeze_panes = "C2"
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    book.save(tmp)
    tmp.replace(path)
    return rows
