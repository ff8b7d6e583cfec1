"""The citizen's screens for applying, asking and tracking.

GET  /apply/form              政府信息公开申请表 (?item=<catalog row> fills in the agency and the information)
POST /apply/form              action=review: check, then the summary to confirm; action=edit: back to
                              the form; action=send: check again, seal, queue, print the receipt
GET|POST /apply/question      办事咨询, the same three steps
GET  /apply/sent/<code>       the tracking code on screen and the receipt's print status
GET|POST /apply/track         查询申请进度: the status of a typed tracking code

The typed values travel only inside these requests (hidden fields of the summary page): nothing
is kept in the session or on disk before it is sealed. Every answer is `Cache-Control: no-store`.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for

from content_sync.intake import codes

from ..config import current_settings
from ..printing import queue
from ..state_db import get_state
from . import forms, outbox, service
from .receipt import PRINT_KIND

bp = Blueprint("applications", __name__)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
SENT_KEPT = 3  # codes the idle session may show again (the reset forgets them)
MAX_FORM_BYTES = 64 * 1024


def _state():
    conn = get_state()
    outbox.migrate(conn)
    queue.migrate(conn)
    return conn


def _limits() -> service.Limits:
    settings = current_settings()
    return service.Limits(settings.OUTBOX_CAPACITY, settings.OUTBOX_MIN_FREE_MB * 1024 * 1024)


def _data_dir() -> Path:
    return Path(current_settings().DATA_DIR)


def _crumbs(*more: tuple[str, str]) -> list[tuple[str, str]]:
    return [("首页", url_for("public.home")), ("申请公开", url_for("public.apply")), *more]


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.before_request
def _guard():
    if g.release is None:
        abort(503)
    if request.content_length is not None and request.content_length > MAX_FORM_BYTES:
        abort(413)
    return None


@bp.after_request
def _never_cache(response):
    return _no_store(response)


@bp.app_template_global()
def applications_open() -> bool:
    """True when the county publishes the office's key (so the forms can take applications)."""
    return service.office_key(g.get("release")) is not None


def _closed(reason: str, title: str):
    return render_template(
        "applications/closed.html", message=service.CLOSED_MESSAGES[reason], title=title, crumbs=_crumbs()
    ), (503 if reason != "no_key" else 404)


def _check_open(title: str):
    try:
        service.check_open(g.release, _state(), _data_dir(), _limits())
    except service.Closed as exc:
        return _closed(exc.reason, title)
    return None


def _render_form(kind: str, values: dict, errors: dict, step: str = "form"):
    fields = forms.APPLICATION_FIELDS if kind == "application" else forms.QUESTION_FIELDS
    template = "applications/form.html" if step == "form" else "applications/review.html"
    # A page with field errors is an ordinary page (200): the kiosk's browser reports any 4xx
    # document as a console error, and the citizen only needs the sentences next to the fields.
    return render_template(
        template,
        kind=kind,
        fields=fields,
        values=values,
        errors=errors,
        agencies=g.release.agencies(),
        action=url_for("applications.application" if kind == "application" else "applications.question"),
        title="政府信息公开申请" if kind == "application" else "办事咨询",
        crumbs=_crumbs(),
    )


def _form_data() -> dict[str, str]:
    return {k: v for k, v in request.form.items() if isinstance(v, str)}


def _flow(kind: str):
    title = "政府信息公开申请" if kind == "application" else "办事咨询"
    closed = _check_open(title)
    if closed is not None:
        return closed
    agencies = g.release.agencies()
    if request.method == "GET":
        values: dict[str, str] = {}
        item_id = request.args.get("item", "")
        if kind == "application" and item_id and _ID.match(item_id):
            item = g.release.catalog_item(item_id)
            if item is not None and item.form == "依申请公开":
                values = {"agency": item.publisher if item.publisher in agencies else "", "description": item.name}
        if kind == "application":
            values.setdefault("applicant_kind", forms.APPLICANT_KINDS[0])
            values.setdefault("id_kind", forms.ID_KINDS[0])
        return _render_form(kind, values, {})
    data = _form_data()
    action = data.get("action", "review")
    checker = forms.check_application if kind == "application" else forms.check_question
    checked = checker(data, agencies)
    if action == "edit":
        return _render_form(kind, checked.values, {})
    if not checked.ok:
        return _render_form(kind, checked.values, checked.errors)
    if action != "send":
        return _render_form(kind, checked.values, {}, step="review")
    fields = {k: v for k, v in checked.values.items() if v}
    try:
        code = service.submit(g.release, _state(), _data_dir(), _limits(), kind, fields, current_settings().HALL_ID)
    except service.Closed as exc:
        return _closed(exc.reason, title)
    del fields, checked, data
    job_id = _print_receipt(code)
    sent = [c for c in session.get("sent", []) if c != code]
    session["sent"] = [code, *sent][:SENT_KEPT]
    session["receipt_jobs"] = (
        {**session.get("receipt_jobs", {}), code: job_id} if job_id else session.get("receipt_jobs", {})
    )
    return redirect(url_for("applications.sent", code=code), code=303)


def _session_id() -> str:
    sid = session.get("sid")
    if not isinstance(sid, str) or not sid:
        sid = session["sid"] = secrets.token_hex(16)
    return sid


def _print_receipt(code: str) -> int | None:
    from .. import printing

    try:
        if printing.settings().backend == "none":
            return None
    except ValueError:
        return None
    try:
        # The receipt is the citizen's only proof: it is not held to the per-session slip limit.
        job = queue.enqueue(_state(), code, _session_id(), 1000, 1000, kind=PRINT_KIND)
    except queue.RateLimited:
        return None
    worker = printing.get_worker()
    if worker is not None:
        worker.wake()
    return job.id


@bp.route("/apply/form", methods=["GET", "POST"])
def application():
    return _flow("application")


@bp.route("/apply/question", methods=["GET", "POST"])
def question():
    return _flow("question")


@bp.get("/apply/sent/<code>")
def sent(code: str):
    if code not in session.get("sent", []):
        abort(404)  # only the screen that sent it shows it again, until the idle reset
    submission = outbox.submission(_state(), code)
    if submission is None:
        abort(404)
    job_id = session.get("receipt_jobs", {}).get(code)
    job = queue.get(_state(), job_id) if job_id else None
    return render_template(
        "applications/sent.html",
        submission=submission,
        grouped=codes.grouped(code),
        job=job,
        title="已经提交",
        crumbs=_crumbs(),
    )


@bp.route("/apply/track", methods=["GET", "POST"])
def track():
    result = None
    typed = ""
    if request.method == "POST":
        typed = request.form.get("code", "")[:40]
        result = service.track(g.release, _state(), typed)
    return render_template(
        "applications/track.html",
        result=result,
        typed=typed,
        grouped=codes.grouped(result.code) if result and result.code else "",
        title="查询申请进度",
        crumbs=_crumbs(("查询申请进度", url_for("applications.track"))),
    )
