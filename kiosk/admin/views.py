"""The panel's pages and actions. Every page but the login needs a live operator session."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import urlsplit, urlunsplit

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from content_sync import paths
from content_sync.sync import last_attempts

from .. import stats
from ..config import SETTINGS, current_settings
from ..printing import get_worker
from ..printing import queue as print_queue
from ..security import safe_next
from ..state_db import get_state
from ..status import TerminalStatus, status_of
from . import auth, bp, store
from .jobs import JobRunning, get_jobs

SECRET_SETTINGS = {"SECRET_KEY", "ADMIN_PIN_HASH"}
PUBLIC_ENDPOINTS = {"admin.login"}
PERIODS = {"7": 7, "30": 30, "90": 90, "365": 365}

SYNC_OUTCOME_LABELS = {"running": "进行中", "updated": "已更新", "unchanged": "无变化", "failed": "失败"}
PRINTER_LABELS = {
    "ok": "正常",
    "paper_low": "纸将用完",
    "paper_out": "缺纸",
    "offline": "离线",
    "unknown": "未知",
    "none": "未配置打印机（只显示二维码）",
}
PROBLEM_LABELS = {
    "no_release": "没有可用的内容",
    "release_unreadable": "当前内容版本已损坏，无法读取（请立即同步或回退）",
    "content_stale": "内容已过期（超过 {days} 天未能与门户网站确认）",
    "last_sync_failed": "最近一次同步失败",
    "printer_paper_out": "打印机缺纸",
    "printer_offline": "打印机离线",
}
ACTION_LABELS = {"sync": "同步", "rollback": "回退", "print-test": "打印测试页", "printer-status": "检查打印机"}


# --- session


def _state():
    return store.ensure(get_state())


def _operator_ok() -> bool:
    """True if the session belongs to a logged-in operator who was active recently enough."""
    operator = session.get("operator")
    pin_hash = current_settings().ADMIN_PIN_HASH
    if not isinstance(operator, dict) or not pin_hash:
        return False
    conn = _state()
    if operator.get("pin") != auth.pin_fingerprint(pin_hash) or operator.get("gen") != auth.current_generation(conn):
        session.pop("operator", None)
        return False
    now = store.now_utc().timestamp()
    idle_limit = current_settings().ADMIN_SESSION_MINUTES * 60
    if now - float(operator.get("seen", 0)) > idle_limit:
        session.pop("operator", None)
        store.audit(conn, "session_expired", "ok")
        flash("长时间没有操作，已自动退出，请重新输入PIN。", "info")
        return False
    operator["seen"] = now
    session["operator"] = operator
    return True


@bp.before_request
def _require_operator():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if _operator_ok():
        return None
    back = safe_next(request.full_path.rstrip("?"), "", prefix="/admin/") if request.method == "GET" else ""
    target = url_for("admin.login", next=back or None)
    if request.headers.get("HX-Request"):
        response = Response(status=401)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


@bp.after_request
def _no_store(response: Response) -> Response:
    # Operator pages must not stay in the browser's cache for the next citizen.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    conn = _state()
    config = current_settings()
    pin_hash = config.ADMIN_PIN_HASH
    code = 200
    error = ""
    if request.method == "POST":
        pin = request.form.get("pin", "").strip()
        result = auth.attempt_login(
            conn,
            pin,
            pin_hash,
            max_failures=config.ADMIN_MAX_FAILURES,
            lockout_minutes=config.ADMIN_LOCKOUT_MINUTES,
        )
        if result.ok:
            session.pop("operator", None)
            session["operator"] = {
                "gen": result.generation,
                "pin": auth.pin_fingerprint(pin_hash),
                "seen": store.now_utc().timestamp(),
            }
            return redirect(safe_next(request.args.get("next"), url_for("admin.overview"), prefix="/admin/"))
        if result.reason == "wrong_pin":
            code = 401
            error = f"PIN不正确。再错 {result.failures_left} 次，管理页面将锁定 {config.ADMIN_LOCKOUT_MINUTES} 分钟。"
        elif result.reason == "locked":
            code = 429
        elif result.reason == "disabled":
            code = 403
    locked = auth.locked_until(conn, store.now_utc()) if pin_hash else None
    if not pin_hash:
        code = 403 if request.method == "POST" else code
    return (
        render_template("admin/login.html", disabled=not pin_hash, locked_until=locked, error=error),
        code,
    )


@bp.post("/logout")
def logout():
    conn = _state()
    auth.end_all_sessions(conn)
    store.audit(conn, "logout", "ok")
    session.pop("operator", None)
    flash("已退出管理页面。", "info")
    return redirect(url_for("admin.login"))


# --- helpers for the pages


def _status() -> TerminalStatus:
    return status_of(current_app, _state())


def _titles(kind_ids: list[tuple[str, str]]) -> dict[str, str]:
    """Names of records in the active release, for statistics that hold only ids."""
    release = g.get("release")
    if release is None or not kind_ids:
        return {}
    titles: dict[str, str] = {}
    for kind, record_id in kind_ids:
        title = release.record_title(kind, record_id)
        if title is not None:
            titles[record_id] = title
    return titles


def _period() -> tuple[str, dt.date | None]:
    """The statistics period from ?days= (7, 30, 90, 365, all) or ?since=YYYY-MM-DD; 400 if malformed."""
    since_arg = request.args.get("since", "").strip()
    if since_arg:
        try:
            return "since", dt.date.fromisoformat(since_arg)
        except ValueError:
            abort(400)
    days = request.args.get("days", "30")
    if days == "all":
        return "all", None
    if days not in PERIODS:
        abort(400)
    return days, dt.date.today() - dt.timedelta(days=PERIODS[days] - 1)


def _today_counts(conn) -> dict[str, int]:
    today = stats.searches_per_day(conn, dt.date.today())
    return {
        "searches": sum(d["searches"] for d in today),
        "without_result": sum(d["without_result"] for d in today),
        "slips": stats.slips(conn, dt.date.today())["printed"],
    }


# --- pages


@bp.get("/")
def overview():
    conn = _state()
    jobs = get_jobs(current_app)
    return render_template(
        "admin/overview.html",
        status=_status(),
        today=_today_counts(conn),
        jobs={a: jobs.last(a) for a in ("sync", "rollback")},
        test_job=_last_test_job(conn),
    )


@bp.get("/sync")
def sync_history():
    conn = _state()
    attempts = []
    if stats.has_table(conn, "sync_attempts"):
        attempts = last_attempts(conn, 50)
    releases = sorted(
        (p.name for p in paths.releases_dir(current_settings().DATA_DIR).glob("*") if p.is_dir()), reverse=True
    )
    jobs = get_jobs(current_app)
    return render_template(
        "admin/sync.html",
        status=_status(),
        attempts=attempts,
        releases=releases,
        jobs={a: jobs.last(a) for a in ("sync", "rollback")},
    )


def _start(action: str, done_endpoint: str):
    conn = _state()
    try:
        get_jobs(current_app).start(action)
    except JobRunning as exc:
        store.audit(conn, f"{action}_started", "refused", f"{exc.args[0]} still running")
        flash(f"{ACTION_LABELS[exc.args[0]]}正在进行，请等它结束后再试。", "error")
        return redirect(url_for(done_endpoint))
    except OSError as exc:
        store.audit(conn, f"{action}_not_started", "failed", str(exc))
        flash(f"无法启动{ACTION_LABELS[action]}：{exc}", "error")
        return redirect(url_for(done_endpoint))
    flash(f"{ACTION_LABELS[action]}已在后台开始，稍后刷新本页查看结果。", "info")
    return redirect(url_for(done_endpoint))


@bp.post("/sync")
def sync_now():
    return _start("sync", "admin.sync_history")


@bp.post("/rollback")
def rollback():
    return _start("rollback", "admin.sync_history")


@bp.get("/jobs/<action>")
def job_output(action: str):
    """The last run of an action, as plain text (for the operator, and for scripts over SSH)."""
    job = get_jobs(current_app).last(action)
    if job is None:
        abort(404)
    state = "running" if job.running else f"exit code {job.returncode}"
    text = f"{action}: started {store.iso(job.started_at)}, {state}\n\n{job.output()}"
    return Response(text, mimetype="text/plain")


@bp.get("/printer")
def printer():
    conn = _state()
    recent = []
    if stats.has_table(conn, "print_jobs"):
        recent = print_queue.recent(conn, 20)
    return render_template(
        "admin/printer.html",
        status=_status(),
        recent=recent,
        jobs={a: get_jobs(current_app).last(a) for a in ("printer-status",)},
        test_job=_last_test_job(conn),
        printer_setting=current_settings().PRINTER,
    )


def _last_test_job(conn) -> print_queue.Job | None:
    """The newest test slip, failed if the worker never got to it (so the panel never shows it waiting forever)."""
    print_queue.migrate(conn)
    job = print_queue.last_test(conn)
    if job is not None and not job.finished:
        job = print_queue.expire_overdue(conn, job, current_settings().PRINTER_TIMEOUT_SECONDS)
    return job


@bp.post("/printer/test")
def printer_test():
    """Queue a test slip for the web app's one print worker, so it never prints beside a citizen's slip."""
    conn = _state()
    print_queue.migrate(conn)
    job = print_queue.enqueue_test(conn)
    worker = get_worker(current_app)
    if worker is not None:
        worker.wake()
    store.audit(conn, "print-test_queued", "ok", f"print job {job.id}")
    flash(f"测试页已加入打印队列（任务 {job.id}），稍后刷新本页查看结果。", "info")
    return redirect(url_for("admin.printer"))


@bp.post("/printer/check")
def printer_check():
    return _start("printer-status", "admin.printer")


@bp.get("/stats")
def statistics():
    period, since = _period()
    summary = stats.summary(_state(), since)
    titles = _titles(
        [("guide", v["record_id"]) for v in summary.most_viewed_guides]
        + [(r["kind"], r["record_id"]) for r in summary.helpful["records"]]
    )
    peak = max((d["searches"] for d in summary.per_day), default=0)
    return render_template(
        "admin/stats.html", summary=summary, titles=titles, period=period, since=since, peak=peak, periods=PERIODS
    )


def _csv_cell(value):
    # A query typed by a citizen must not become a spreadsheet formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@bp.get("/stats.csv")
def statistics_csv():
    period, since = _period()
    conn = _state()
    summary = stats.summary(conn, since, limit=200)
    titles = _titles(
        [("guide", v["record_id"]) for v in summary.most_viewed_guides]
        + [(r["kind"], r["record_id"]) for r in summary.helpful["records"]]
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in stats.csv_rows(summary, titles):
        writer.writerow([_csv_cell(v) for v in row])
    store.audit(conn, "export_csv", "ok", f"period {since.isoformat() if since else 'all'}")
    name = f"kiosk-stats-{since.isoformat() if since else 'all'}-{dt.date.today().isoformat()}.csv"
    # A BOM so that spreadsheet programs read the Chinese text as UTF-8.
    response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _mask_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.username or parts.password:
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        return urlunsplit((parts.scheme, "＊＊＊@" + host, parts.path, parts.query, parts.fragment))
    return value


def _shown_value(name: str, value) -> str:
    if name in SECRET_SETTINGS:
        return "（已设置，不显示）" if value else "（未设置）"
    if isinstance(value, str) and "://" in value:
        return _mask_url(value)
    return "" if value is None else str(value)


@bp.get("/settings")
def settings():
    config = current_settings().as_dict()
    rows = [
        {
            "name": s.name,
            "value": _shown_value(s.name, config[s.name]),
            "default": _shown_value(s.name, s.default),
            "changed": config[s.name] != s.default,
            "help": s.help,
        }
        for s in SETTINGS
    ]
    return render_template("admin/settings.html", rows=rows)


@bp.get("/audit")
def audit_log():
    return render_template("admin/audit.html", entries=store.recent_audit(_state(), 200))


# --- template helpers


@bp.app_template_filter("local_time")
def _local_time(value: str | None) -> str:
    """An ISO UTC timestamp shown in the terminal's local time."""
    if not value:
        return "—"
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


@bp.app_template_filter("age")
def _age(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} 天 {hours} 小时"
    if hours:
        return f"{hours} 小时 {minutes} 分钟"
    return f"{minutes} 分钟"


@bp.context_processor
def _labels() -> dict:
    # On the kiosk's own screen the idle reset (which also ends the operator session) waits as
    # long as the operator session would, instead of the citizens' 90 seconds.
    return {
        "idle_timeout": current_settings().ADMIN_SESSION_MINUTES * 60,
        "SYNC_OUTCOME_LABELS": SYNC_OUTCOME_LABELS,
        "PRINTER_LABELS": PRINTER_LABELS,
        "PROBLEM_LABELS": PROBLEM_LABELS,
        "ACTION_LABELS": ACTION_LABELS,
        "operator": session.get("operator") is not None and request.endpoint not in PUBLIC_ENDPOINTS,
    }
