"""The citizen's pages: home, browsing, guides, catalog rows, documents, and the idle session.

Every page renders the whole layout for a normal request and only its `main` block for an htmx
request (templates/base.html switches on `partial`), so the kiosk also works without JavaScript.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets

from flask import (
    Blueprint,
    abort,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from content_sync.schema import Document as DocumentModel
from content_sync.schema import DocumentKind

from . import apply as apply_facts
from . import feedback
from .config import current_settings
from .content import Page
from .errors import render_error
from .security import safe_next

bp = Blueprint("public", __name__)

# Document kinds in the order the 政策文件 screen lists them.
DOCUMENT_KINDS: tuple[str, ...] = DocumentKind.__args__
WEEKDAYS = "一二三四五六日"
HISTORY_LENGTH = 5
# Ids in the release are at most 80 characters; longer path parts cannot name anything.
MAX_ID = 80


@bp.before_request
def _need_release():
    if g.release is None:
        return render_error(503)
    return None


@bp.before_app_request
def _idle_session() -> None:
    """Give the idle session a random id on its first touch (the idle reset drops it)."""
    if request.endpoint in ("static", "public.reset") or request.path.startswith(("/static/", "/healthz", "/metrics")):
        return
    if "sid" not in session:
        session["sid"] = secrets.token_hex(16)


@bp.app_context_processor
def _layout_context() -> dict:
    release = g.get("release")
    htmx = getattr(request, "htmx", None)
    now = dt.datetime.now().astimezone()
    context = {
        "partial": bool(htmx) and not htmx.history_restore_request,
        "elder": bool(session.get("elder")),
        "now": now,
        "today_text": f"{now.year}年{now.month}月{now.day}日 星期{WEEKDAYS[now.weekday()]}",
        "idle_timeout": current_settings().IDLE_TIMEOUT_SECONDS,
        "idle_countdown": current_settings().IDLE_COUNTDOWN_SECONDS,
        "hall": None,
        "release": None,
    }
    if release is not None:
        context.update(hall=release.hall(current_settings().HALL_ID), release=release)
    return context


def _page_size() -> int:
    return current_settings().PAGE_SIZE


def _check_id(value: str) -> str:
    if len(value) > MAX_ID:
        abort(404)
    return value


def _remember(kind: str, record_id: str) -> None:
    """Count the view and keep it in the idle session's short history (cleared by the reset)."""
    feedback.record_view(kind, record_id)
    entry = [kind, record_id]
    history = [e for e in session.get("history", []) if e != entry]
    session["history"] = [entry, *history][:HISTORY_LENGTH]


def _history() -> list[tuple[str, str, str]]:
    """(label, url, kind name) of the pages this session viewed, newest first."""
    out = []
    for kind, record_id in session.get("history", []):
        if kind == "guide" and (guide := g.release.guide(record_id)):
            out.append((guide.name, url_for("public.guide", guide_id=record_id), "办事指南"))
        elif kind == "document" and (doc := g.release.document(record_id)):
            out.append((doc.title, url_for("public.document", document_id=record_id), doc.kind))
    return out


# --- home and the idle session -----------------------------------------------------------


@bp.get("/")
def home():
    history = _history()
    return render_template(
        "home.html",
        notices=g.release.recent_notices(5),
        history=history,
        clean=not history and not session.get("elder"),
        at_home=True,
    )


@bp.route("/reset", methods=["GET", "POST"])
def reset():
    """The idle reset: forget search text, elder mode, history and the session id; go home."""
    session.clear()
    return redirect(url_for("public.home"), code=303)


@bp.post("/elder")
def elder():
    """Switch 长辈模式 on or off; it stays until the idle reset."""
    session["elder"] = not session.get("elder")
    return redirect(safe_next(request.form.get("next"), url_for("public.home")), code=303)


# --- guides: by domain, by department, by life event --------------------------------------


@bp.get("/guides")
def guides_hub():
    return render_template(
        "guides_hub.html",
        crumbs=[("首页", url_for("public.home"))],
        counts=g.release.counts(),
        departments=len(g.release.departments()),
    )


@bp.get("/guides/domains")
def guide_domains():
    return render_template(
        "domains.html",
        title="按领域找办事指南",
        domains=[(d, n) for d, _c, n in g.release.domains_with_counts()],
        target="public.domain_guides",
        unit="项办事指南",
        crumbs=[("首页", url_for("public.home")), ("办事指南", url_for("public.guides_hub"))],
    )


@bp.get("/domains/<domain_id>/guides")
def domain_guides(domain_id: str):
    domain = g.release.domain(_check_id(domain_id)) or abort(404)
    page = g.release.guides_in_domain(domain.name, request.args.get("page"), _page_size())
    return render_template(
        "guide_list.html",
        title=f"{domain.name}：办事指南",
        page=page,
        page_url=lambda n: url_for("public.domain_guides", domain_id=domain.id, page=n),
        crumbs=[
            ("首页", url_for("public.home")),
            ("办事指南", url_for("public.guides_hub")),
            ("按领域", url_for("public.guide_domains")),
        ],
    )


@bp.get("/departments")
def departments():
    return render_template(
        "departments.html",
        departments=g.release.departments(),
        crumbs=[("首页", url_for("public.home")), ("办事指南", url_for("public.guides_hub"))],
    )


@bp.get("/departments/<path:name>")
def department(name: str):
    if len(name) > 200:
        abort(404)
    page: Page = g.release.guides_by_department(name, request.args.get("page"), _page_size())
    if page.total == 0:
        abort(404)
    return render_template(
        "guide_list.html",
        title=name,
        page=page,
        page_url=lambda n: url_for("public.department", name=name, page=n),
        crumbs=[
            ("首页", url_for("public.home")),
            ("办事指南", url_for("public.guides_hub")),
            ("按部门", url_for("public.departments")),
        ],
    )


@bp.get("/events")
def life_events():
    return render_template(
        "life_events.html",
        events=g.release.life_events(),
        crumbs=[("首页", url_for("public.home")), ("办事指南", url_for("public.guides_hub"))],
    )


@bp.get("/events/<event_id>")
def life_event(event_id: str):
    event = g.release.life_event(_check_id(event_id)) or abort(404)
    feedback.record_view("life_event", event.id)
    return render_template(
        "life_event.html",
        event=event,
        guides=g.release.life_event_guides(event),
        crumbs=[
            ("首页", url_for("public.home")),
            ("办事指南", url_for("public.guides_hub")),
            ("一件事", url_for("public.life_events")),
        ],
    )


@bp.get("/guides/<guide_id>")
def guide(guide_id: str):
    item = g.release.guide(_check_id(guide_id)) or abort(404)
    _remember("guide", item.id)
    domain = g.release.domain_by_name(item.domain)
    crumbs = [("首页", url_for("public.home")), ("办事指南", url_for("public.guides_hub"))]
    if domain is not None:
        crumbs.append((item.domain, url_for("public.domain_guides", domain_id=domain.id)))
    return render_template(
        "guide.html",
        guide=item,
        catalog_items=g.release.catalog_items_for_guide(item.id),
        events=g.release.life_events_with_guide(item.id),
        rated=request.args.get("rated"),
        crumbs=crumbs,
    )


# --- the standard catalog ---------------------------------------------------------------


@bp.get("/catalog")
def catalog():
    return render_template(
        "domains.html",
        title="公开目录：请选择领域",
        domains=[(d, n) for d, n, _g in g.release.domains_with_counts()],
        target="public.domain",
        unit="项公开事项",
        crumbs=[("首页", url_for("public.home"))],
    )


@bp.get("/domains/<domain_id>")
def domain(domain_id: str):
    """A domain's catalog: first-level categories, then second-level ones, then the rows."""
    domain = g.release.domain(_check_id(domain_id)) or abort(404)
    c1, c2 = request.args.get("c1"), request.args.get("c2")
    home = ("首页", url_for("public.home"))
    top = [home, ("公开目录", url_for("public.catalog"))]
    domain_url = url_for("public.domain", domain_id=domain.id)
    guide_count = g.release.guides_in_domain(domain.name, 1, 1).total
    if not c1:
        return render_template(
            "domain.html", domain=domain, categories=g.release.categories(domain.name), guides=guide_count, crumbs=top
        )
    subs = dict(g.release.subcategories(domain.name, c1))
    if not subs:
        abort(404)
    crumbs = [*top, (domain.name, domain_url)]
    named_subs = [(name, n) for name, n in subs.items() if name]
    if c2 is None and named_subs:
        loose = g.release.catalog_rows(domain.name, c1, "", request.args.get("page"), _page_size())
        return render_template(
            "categories.html",
            domain=domain,
            category_1=c1,
            subcategories=named_subs,
            page=loose,
            page_url=lambda n: url_for("public.domain", domain_id=domain.id, c1=c1, page=n),
            crumbs=crumbs,
        )
    if c2 is not None and c2 not in subs:
        abort(404)
    if c2:
        crumbs.append((c1, url_for("public.domain", domain_id=domain.id, c1=c1)))
    page = g.release.catalog_rows(domain.name, c1, c2 or None, request.args.get("page"), _page_size())
    return render_template(
        "catalog_rows.html",
        domain=domain,
        title=c2 or c1,
        page=page,
        page_url=lambda n: url_for("public.domain", domain_id=domain.id, c1=c1, c2=c2, page=n),
        crumbs=crumbs,
    )


@bp.get("/catalog/<item_id>")
def catalog_item(item_id: str):
    item = g.release.catalog_item(_check_id(item_id)) or abort(404)
    feedback.record_view("catalog_item", item.id)
    domain = g.release.domain_by_name(item.domain)
    crumbs = [("首页", url_for("public.home")), ("公开目录", url_for("public.catalog"))]
    if domain is not None:
        crumbs.append((item.domain, url_for("public.domain", domain_id=domain.id)))
        crumbs.append((item.category_1, url_for("public.domain", domain_id=domain.id, c1=item.category_1)))
    return render_template(
        "catalog_item.html",
        item=item,
        guide=g.release.guide(item.guide_id) if item.guide_id else None,
        documents=g.release.documents(item.document_ids),
        crumbs=crumbs,
        apply_facts=apply_facts,
    )


@bp.get("/apply")
def apply():
    """How to apply for information the government has not published (依申请公开)."""
    return render_template(
        "apply.html",
        apply_facts=apply_facts,
        crumbs=[("首页", url_for("public.home")), ("公开目录", url_for("public.catalog"))],
    )


# --- documents ------------------------------------------------------------------------


@bp.get("/documents")
def documents_hub():
    counts = g.release.document_kind_counts()
    return render_template(
        "documents_hub.html",
        kinds=[(k, counts.get(k, 0)) for k in DOCUMENT_KINDS],
        crumbs=[("首页", url_for("public.home"))],
    )


@bp.get("/documents/list/<kind>")
def document_list(kind: str):
    if kind not in DOCUMENT_KINDS:
        abort(404)
    page = g.release.documents_by_kind(kind, request.args.get("page"), _page_size())
    return render_template(
        "document_list.html",
        kind=kind,
        page=page,
        page_url=lambda n: url_for("public.document_list", kind=kind, page=n),
        crumbs=[("首页", url_for("public.home")), ("政策文件", url_for("public.documents_hub"))],
    )


def validity_banner(doc: DocumentModel, today: dt.date | None = None) -> str | None:
    """'已废止' or '已失效' when the document no longer applies, so the page can say so plainly."""
    today = today or dt.date.today()
    if doc.validity == "废止":
        return "已废止"
    if doc.validity == "失效" or (doc.expires_on is not None and doc.expires_on < today):
        return "已失效"
    if doc.effective_on is not None and doc.effective_on > today:
        return "尚未生效"
    return None


@bp.get("/documents/<document_id>")
def document(document_id: str):
    doc = g.release.document(_check_id(document_id)) or abort(404)
    _remember("document", doc.id)
    policy = g.release.document(doc.interprets) if doc.interprets else None
    return render_template(
        "document.html",
        document=doc,
        banner=validity_banner(doc),
        paragraphs=[p.strip() for p in doc.body.splitlines() if p.strip()],
        policy=policy,
        policy_banner=validity_banner(policy) if policy else None,
        interpretations=g.release.interpretations(doc.id),
        attachments=[(a, g.release.attachment_path(doc.id, a.path)) for a in doc.attachments],
        rated=request.args.get("rated"),
        crumbs=[
            ("首页", url_for("public.home")),
            ("政策文件", url_for("public.documents_hub")),
            (doc.kind, url_for("public.document_list", kind=doc.kind)),
        ],
    )


ATTACHMENT_MAX_BYTES = 2_000_000  # larger files are not shown on screen (the QR code still works)
ATTACHMENT_MAX_ROWS = 500


def _decode_text(data: bytes) -> str | None:
    """UTF-8 text (with or without a byte-order mark), or None if the bytes are not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _attachment_view(file) -> dict:
    """What the viewing page shows of a file: a table (CSV), paragraphs (.txt) or only a note."""
    suffix = file.suffix.lower()
    if suffix not in (".csv", ".txt") or file.stat().st_size > ATTACHMENT_MAX_BYTES:
        return {"mode": "note"}
    text = _decode_text(file.read_bytes())
    if text is None:
        return {"mode": "note"}
    if suffix == ".txt":
        return {"mode": "text", "paragraphs": [p.strip() for p in text.splitlines() if p.strip()]}
    rows = [row for row in csv.reader(io.StringIO(text, newline="")) if any(cell.strip() for cell in row)]
    if not rows:
        return {"mode": "text", "paragraphs": []}
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    return {
        "mode": "table",
        "header": rows[0],
        "rows": rows[1 : ATTACHMENT_MAX_ROWS + 1],
        "cut": len(rows) - 1 > ATTACHMENT_MAX_ROWS,
    }


@bp.get("/documents/<document_id>/attachments/<path:path>")
def attachment(document_id: str, path: str):
    """Read an attachment on the screen (the terminal's browser allows no downloads): only a file
    the document lists, inside the release's files/. CSV as a table, text as paragraphs, any other
    type as a note pointing to the document's QR code."""
    doc = g.release.document(_check_id(document_id)) or abort(404)
    file = g.release.attachment_path(doc.id, path) if len(path) < 500 else None
    if file is None:
        abort(404)
    listed = next(a for a in doc.attachments if a.path == path)
    return render_template(
        "attachment.html",
        document=doc,
        attachment=listed,
        view=_attachment_view(file),
        crumbs=[
            ("首页", url_for("public.home")),
            ("政策文件", url_for("public.documents_hub")),
            (doc.kind, url_for("public.document_list", kind=doc.kind)),
            (doc.title, url_for("public.document", document_id=doc.id)),
        ],
    )
