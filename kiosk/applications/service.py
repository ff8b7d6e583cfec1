"""Taking an application or a question: seal at once, queue the ciphertext, hand back a code.

The views call these functions; they never see the key or the outbox's SQL. Plaintext lives in
the arguments of `submit` and nowhere else: it is sealed before anything is written.
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from nacl.public import PublicKey

from content_sync.intake import codes, envelope, keys
from content_sync.intake.errors import IntakeError

from . import outbox

# Why the forms are closed, in the citizen's words.
CLOSED_MESSAGES = {
    "no_key": "这台查询机暂时不能提交申请。请到政务公开窗口办理，工作人员会帮您填写。",
    "disk_full": "这台查询机的存储空间满了，暂时不能提交。请到政务公开窗口办理，或过一会儿再试。",
    "outbox_full": "这台查询机暂存的申请太多，还没有送出，暂时不能提交。请到政务公开窗口办理。",
}


class Closed(Exception):
    """The forms cannot take anything now; `reason` is a key of CLOSED_MESSAGES."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        return CLOSED_MESSAGES[self.reason]


@dataclass(frozen=True)
class Limits:
    capacity: int
    min_free_bytes: int


def office_key(release) -> PublicKey | None:
    """The office's public key from the signed content, or None if it publishes none."""
    if release is None or release.site.disclosure_office is None:
        return None
    text = release.site.disclosure_office.intake_public_key
    if not text:
        return None
    try:
        return keys.public_key(text)
    except IntakeError:
        return None


def check_open(release, conn: sqlite3.Connection, data_dir: Path, limits: Limits) -> None:
    """Raise Closed if the forms cannot take an item now (no key, full disk, full outbox)."""
    if office_key(release) is None:
        raise Closed("no_key")
    try:
        free = shutil.disk_usage(data_dir).free
    except OSError:
        free = 0
    if free < limits.min_free_bytes:
        raise Closed("disk_full")
    outbox.migrate(conn)
    if outbox.count(conn) >= limits.capacity:
        raise Closed("outbox_full")


def submit(
    release,
    conn: sqlite3.Connection,
    data_dir: Path,
    limits: Limits,
    kind: str,
    fields: dict[str, str],
    hall_id: str,
    now: dt.datetime | None = None,
) -> str:
    """Seal `fields` to the office's key, queue the ciphertext, return the tracking code."""
    check_open(release, conn, data_dir, limits)
    moment = now or dt.datetime.now().astimezone()
    code = codes.new_code()
    record = envelope.Record(kind, code, moment.isoformat(timespec="seconds"), hall_id, fields)
    sealed = envelope.seal(office_key(release), record)
    del record, fields  # nothing below needs the plaintext
    try:
        outbox.add(
            conn,
            secrets.token_hex(16),
            kind,
            code,
            codes.status_hash(code),
            sealed,
            hall_id,
            limits.capacity,
            at=moment.astimezone(dt.UTC),
        )
    except outbox.OutboxFull:
        raise Closed("outbox_full") from None
    except sqlite3.OperationalError as exc:
        if "full" in str(exc) or "disk" in str(exc):
            raise Closed("disk_full") from None
        raise
    return code


STATUS_WORDS = {
    "已收到": "政务公开办已经收到您的申请，正在登记。",
    "已受理": "已经受理，正在办理。",
    "需补正": "申请需要补充或改正，工作人员会联系您；也可以打电话问。",
    "已答复": "已经答复。请按您选的方式领取或查收。",
    "已办结": "已经办结。",
}


@dataclass(frozen=True)
class Tracking:
    code: str | None  # None: the text typed is not a well-formed code
    status: str | None = None
    on_date: str | None = None
    submitted_here: outbox.Submission | None = None

    @property
    def explanation(self) -> str:
        if self.code is None:
            return "跟踪码是 12 位数字，请对照回执核对后再输入。"
        if self.status:
            return STATUS_WORDS.get(self.status, "")
        if self.submitted_here is not None and self.submitted_here.acknowledged_at is None:
            return "申请已经在这台查询机上加密保存，联网后会送到政务公开办。"
        return "还没有查到进度。申请送到后，下一次内容更新（通常在第二天）就能查到。"


def track(release, conn: sqlite3.Connection, text: str) -> Tracking:
    code = codes.normalise(text)
    if code is None:
        return Tracking(None)
    outbox.migrate(conn)
    here = outbox.submission(conn, code)
    found = release.application_status(codes.status_hash(code)) if release is not None else None
    if found is None:
        return Tracking(code, submitted_here=here)
    return Tracking(code, found[0], found[1], here)
