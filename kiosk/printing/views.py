"""QR codes and printed slips on the citizen's screens.

GET  /qr/<kind>/<id>.svg      a guide's online-service code or a document's portal code
POST /slips/guide/<id>        queue a slip; answers with a status fragment (or a page without JS)
POST /slips/apply[/<item_id>] queue the notes on applying for information (申请须知), for a
                              依申请公开 catalog row if one is named
GET  /slips/jobs/<job_id>     the job's status; the fragment polls itself every second until done
"""

from __future__ import annotations

import re
import secrets

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from .. import printing
from ..config import current_settings
from ..qr import APPLY_ONLINE, KINDS, QrCache, record_url
from ..state_db import get_state
from . import queue

bp = Blueprint("slips", __name__)

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")

# What the citizen reads when a slip could not be printed, by failure kind.
FAILURE_MESSAGES = {
    "paper_out": "打印机没有纸了。",
    "paper_low": "打印机纸快用完了。",
    "offline": "打印机暂时不能用。",
    "no_answer": "打印机没有响应。",
    "disconnected": "打印时打印机断开了。",
    "disabled": "这台查询机没有接打印机。",
    "stale": "打印机一直没有开始打印。",
    "interrupted": "查询机重新启动，打印被中断了。",
}
DEFAULT_FAILURE = "这次没有打印成功。"

LIMIT_MESSAGES = {
    "session": "每位办事人最多打印 {limit} 张告知单。",
    "minute": "打印的人有点多，请过一分钟再试。",
    "cooldown": "这台机器刚连续打印了 {limit} 张告知单，请等 {wait}再试。",
}


def _qr_cache() -> QrCache:
    cache = current_app.extensions.get("kiosk.qr_cache")
    if cache is None:
        cache = current_app.extensions["kiosk.qr_cache"] = QrCache(current_settings().CACHE_DIR)
    return cache


def _state():
    conn = get_state()
    queue.migrate(conn)
    return conn


def _session_id() -> str:
    """The idle session's random id (the UI resets it on the way home); made here if missing."""
    sid = session.get("sid")
    if not isinstance(sid, str) or not sid:
        sid = session["sid"] = secrets.token_hex(16)
    return sid


def _printing_enabled() -> bool:
    try:
        return printing.settings().backend != "none"
    except ValueError:
        return False


def _fragment_or_page(template: str, status: int = 200, **context):
    """The fragment for htmx, the whole page (base layout around it) for a plain request."""
    if not request.headers.get("HX-Request"):
        template = "slips/job.html"
    return render_template(template, **context), status


@bp.app_template_global()
def qr_url_for(kind: str, record) -> str | None:
    """URL of a record's QR image, or None if it gets no code (no URL, or a host off the allowlist)."""
    release = g.get("release")
    if release is None or record is None or kind not in KINDS:
        return None
    if record_url(release, kind, record.id) is None:
        return None
    return url_for("slips.qr", kind=kind, record_id=record.id)


@bp.app_template_global()
def apply_qr_src() -> str | None:
    """URL of the QR image for the county's online application form, or None (none, or off the allowlist)."""
    release = g.get("release")
    if release is None or record_url(release, "apply", APPLY_ONLINE) is None:
        return None
    return url_for("slips.qr", kind="apply", record_id=APPLY_ONLINE)


@bp.app_template_global()
def printing_enabled() -> bool:
    """True when this terminal has a printer (PRINTER is not "none")."""
    return _printing_enabled()


@bp.get("/qr/<kind>/<record_id>.svg")
def qr(kind: str, record_id: str):
    release = g.get("release")
    if release is None or kind not in KINDS or not _ID.match(record_id):
        abort(404)
    etag = f"{release.id}-{kind}-{record_id}"
    if request.if_none_match and etag in request.if_none_match:
        return Response(status=304, headers={"ETag": f'"{etag}"'})
    text = _qr_cache().get(release, kind, record_id)
    if text is None:
        abort(404)
    response = Response(text, mimetype="image/svg+xml")
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


def _job_context(job: queue.Job) -> dict:
    release = g.get("release")
    guide = release.guide(job.record_id) if release is not None and job.kind == "guide" else None
    message = None
    if job.status == "failed":
        message = FAILURE_MESSAGES.get(job.error_kind or "", DEFAULT_FAILURE)
    return {
        "job": job,
        "guide": guide,
        "applying": job.kind == queue.APPLY_KIND,
        "failure": message,
        "polling": not job.finished,
    }


def _wait_text(seconds: int) -> str:
    """How long to wait, as a citizen says it: 40 秒, 1 分钟, 1 分 30 秒."""
    minutes, rest = divmod(max(1, int(seconds)), 60)
    if not minutes:
        return f"{rest} 秒"
    return f"{minutes} 分钟" if not rest else f"{minutes} 分 {rest} 秒"


def _enqueue(kind: str, record_id: str, context: dict):
    """Queue a citizen's slip and answer with its status (or why it was not queued)."""
    if not _printing_enabled():
        return _fragment_or_page(
            "slips/_job.html", 503, job=None, failure=FAILURE_MESSAGES["disabled"], polling=False, **context
        )
    settings = current_settings()
    per_session, per_minute = settings.PRINT_LIMIT_PER_SESSION, settings.PRINT_LIMIT_PER_MINUTE
    cooldown = settings.PRINT_COOLDOWN_SECONDS
    try:
        job = queue.enqueue(
            _state(), record_id, _session_id(), per_session, per_minute, kind=kind, cooldown_seconds=cooldown
        )
    except queue.RateLimited as exc:
        message = LIMIT_MESSAGES[exc.scope].format(limit=exc.limit, wait=_wait_text(exc.retry_after))
        # htmx swaps only 2xx answers; a plain form post gets the honest status.
        status = 200 if request.headers.get("HX-Request") else 429
        return _fragment_or_page("slips/_job.html", status, job=None, failure=message, polling=False, **context)
    worker = printing.get_worker()
    if worker is not None:
        worker.wake()
    if not request.headers.get("HX-Request"):
        return redirect(url_for("slips.job_status", job_id=job.id), code=303)
    return _fragment_or_page("slips/_job.html", **_job_context(job))


@bp.post("/slips/guide/<guide_id>")
def print_guide(guide_id: str):
    release = g.get("release")
    if release is None or not _ID.match(guide_id):
        abort(404)
    guide = release.guide(guide_id)
    if guide is None:
        abort(404)
    return _enqueue("guide", guide.id, {"guide": guide, "applying": False})


@bp.post("/slips/apply")
@bp.post("/slips/apply/<item_id>")
def print_apply(item_id: str | None = None):
    """The notes on applying for information; named after a 依申请公开 catalog row if one is given."""
    release = g.get("release")
    if release is None:
        abort(404)
    record_id = queue.APPLY_RECORD
    if item_id is not None:
        item = release.catalog_item(item_id) if _ID.match(item_id) else None
        if item is None or item.form != "依申请公开":
            abort(404)
        record_id = item.id
    return _enqueue(queue.APPLY_KIND, record_id, {"guide": None, "applying": True})


@bp.get("/slips/jobs/<int:job_id>")
def job_status(job_id: int):
    conn = _state()
    job = queue.get(conn, job_id)
    if job is None or job.session != session.get("sid"):
        abort(404)  # someone else's job is none of this screen's business
    job = queue.expire_overdue(conn, job, current_settings().PRINTER_TIMEOUT_SECONDS)
    return _fragment_or_page("slips/_job.html", **_job_context(job))
