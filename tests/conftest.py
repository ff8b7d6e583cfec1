"""Shared fixtures: a terminal data directory with one active release, the app and its clients."""

from __future__ import annotations

import pytest

from content_sync.release import activate, build_release
from kiosk import create_app
from kiosk.search import engine as search_engine

from .factories import make_bundle


@pytest.fixture(autouse=True)
def _no_search_raised(request):
    """Any search or suggestion that raised during a test fails it: the engine turns an error
    into an empty answer for the citizen, so without this a broken engine would pass every test
    that only looks at pages."""
    before = search_engine.failures()
    yield
    if request.node.get_closest_marker("search_failure_expected") is None:
        raised = search_engine.failures() - before
        assert raised == 0, f"{raised} search(es) raised during this test; see the log for the traceback"


@pytest.fixture
def bundle():
    return make_bundle()


@pytest.fixture
def data_dir(tmp_path, bundle):
    """A terminal whose `current` points at a release built from the small test county."""
    root = tmp_path / "data"
    activate(root, build_release(bundle, root))
    return root


@pytest.fixture
def app(data_dir, tmp_path):
    return create_app(
        {"TESTING": True, "DATA_DIR": str(data_dir), "CACHE_DIR": str(tmp_path / "cache"), "WTF_CSRF_ENABLED": False}
    )


@pytest.fixture
def client(app):
    return app.test_client()
