"""One error handler: a friendly Chinese page, or just its fragment for an htmx request."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from markupsafe import Markup
from werkzeug.exceptions import HTTPException, InternalServerError

# What the citizen reads for each status: plain words and a way home.
MESSAGES = {
    400: ("请求有误", "这一步没有办成，请返回首页重新操作。"),
    403: ("无法访问", "这个页面不对外开放。"),
    404: ("没有找到这个页面", "您要找的内容可能已经更新或下线了。"),
    405: ("无法这样操作", "请返回首页重新操作。"),
    413: ("内容太长了", "请减少输入的内容后再试。"),
    414: ("请求有误", "这一步没有办成，请返回首页重新操作。"),
    429: ("操作太频繁了", "请稍等一会儿再试。"),
    500: ("系统出了点问题", "请返回首页重试，或到服务窗口咨询工作人员。"),
    503: ("内容暂时无法显示", "查询机正在准备内容，请稍后再试，或到服务窗口咨询工作人员。"),
}


_PLAIN_PAGE = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>'
    '<body><h1>{title}</h1><p>{message}</p><p><a href="/">返回首页</a></p></body></html>'
)


def render_error(code: int, title: str | None = None, message: str | None = None):
    default_title, default_message = MESSAGES.get(code, MESSAGES[500])
    template = "errors/_error.html" if request.headers.get("HX-Request") else "errors/error.html"
    try:
        page = render_template(template, code=code, title=title or default_title, message=message or default_message)
    except Exception:  # the error page must not fail in turn: a plain page still says what happened
        current_app.logger.exception("error page for %s could not be rendered", code)
        page = Markup(_PLAIN_PAGE).format(title=title or default_title, message=message or default_message)
    return page, code


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        return render_error(exc.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error", exc_info=exc)
        return render_error(InternalServerError.code)
