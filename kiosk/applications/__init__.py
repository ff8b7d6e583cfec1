"""Applications (政府信息公开申请) and questions (办事咨询) taken at the terminal.

A feature package: `checks` and `forms` (the national form's fields and their rules), `service`
(seal at once, queue, track), `outbox` (the owner of its state tables), `upload` (to the county's
intake endpoint), `receipt` (the slip), `views` (the screens) and `commands` (`kiosk upload`).
The county's side lives in content_sync.intake.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import views

    app.register_blueprint(views.bp)
