"""The disclosure-zone kiosk: a Flask + htmx app serving the active content release."""

from __future__ import annotations

import dataclasses
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, g
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
from werkzeug.routing import IntegerConverter

from .config import DEFAULTS, load_settings
from .content import ReleaseHolder
from .version import __version__

__all__ = ["__version__", "create_app", "resource_dir"]

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """templates/ or static/: inside the package in a wheel, at the repository root in a checkout."""
    packaged = _PACKAGE / name
    return packaged if packaged.is_dir() else _PACKAGE.parent / name


def _secret_key(data_dir: Path) -> str:
    """A per-terminal key, generated once and kept beside the state database."""
    path = data_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key)
        return key


class SqliteIntConverter(IntegerConverter):
    """`<int:…>` in every route: ids past SQLite's 64-bit range are a 404, not an overflow."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then the TOML file, then KIOSK_* variables, then `test_config`."""
    app = Flask(
        __name__,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
    )
    app.url_map.converters["int"] = SqliteIntConverter
    # Parsed once; an unknown or mistyped setting raises config.SettingsError here, before any work.
    settings = load_settings(test_config, read_environment=test_config is None)
    if not settings.SECRET_KEY:
        settings = dataclasses.replace(settings, SECRET_KEY=_secret_key(Path(settings.DATA_DIR)))
    app.extensions["kiosk.settings"] = settings
    app.config.from_mapping(settings.as_dict())  # Flask reads SECRET_KEY; extensions may read the rest
    if test_config is not None:  # Flask's own keys (TESTING, WTF_CSRF_ENABLED …); the settings are typed above
        app.config.from_mapping({k: v for k, v in test_config.items() if k not in DEFAULTS})
    data_dir = Path(settings.DATA_DIR)
    if not (test_config and "SESSION_COOKIE_SAMESITE" in test_config):
        # Flask's default is None (no SameSite): the kiosk's cookie is never sent with another site's request.
        app.config["SESSION_COOKIE_SAMESITE"] = "Strict"

    Htmx(app)
    CSRFProtect(app)
    app.extensions["kiosk.releases"] = ReleaseHolder(data_dir)

    @app.before_request
    def _pin_release() -> None:
        # One release per request, even if a sync switches `current` half-way through it.
        g.release = app.extensions["kiosk.releases"].current()

    from . import admin, errors, feedback, monitoring, public, security, state_db

    errors.init_app(app)
    state_db.init_app(app)
    security.init_app(app)
    app.register_blueprint(public.bp)
    app.register_blueprint(feedback.bp)
    from . import printing
    from .printing import views as printing_views

    app.register_blueprint(printing_views.bp)
    printing.init_app(app)  # starts the print worker with the first request, not in tests
    from .search import views as search_views

    app.register_blueprint(search_views.bp)
    from .ime import views as ime_views

    ime_views.init_app(app)
    monitoring.init_app(app)
    admin.init_app(app)
    return app
