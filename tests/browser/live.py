"""A live kiosk on 127.0.0.1 in a thread, and Debian's Chromium driven by Playwright.

Shared by the browser tests and `make screenshots`. Never downloads a browser: Chromium comes from
the system (/usr/bin/chromium), launched with the flags a headless root session without network needs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

from content_sync.release import activate, build_release
from kiosk import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Records CSP violations in the page so a test can assert there were none.
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def sample_bundle():
    """The sample county of demo/county/, read as a county's source folder."""
    from content_sync.sample import sample_source_dir
    from content_sync.sources import read_source_dir

    return read_source_dir(sample_source_dir())


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve a Flask app on a free loopback port in a thread, yield its base URL."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


# The pinyin table (kiosk/ime/lexicon.py) to put into every live kiosk's CACHE_DIR, as
# `kiosk ime-build` does on a terminal; set once per session by tests/browser/conftest.py.
PINYIN_TABLE: Path | None = None


@contextmanager
def live_kiosk(data_dir: Path, bundle=None, **config) -> Iterator[str]:
    """Build a release into `data_dir`, serve the kiosk on a free loopback port, yield its base URL."""
    data_dir = Path(data_dir)
    cache_dir = data_dir / "cache"
    bundle = bundle if bundle is not None else sample_bundle()
    activate(data_dir, build_release(bundle, data_dir, cache_dir=cache_dir))
    if PINYIN_TABLE is not None:
        from tests.ime_fixtures import seed_cache

        seed_cache(cache_dir, PINYIN_TABLE)
    app = create_app({"DATA_DIR": str(data_dir), "CACHE_DIR": str(cache_dir), **config})
    with serve(app) as url:
        yield url
