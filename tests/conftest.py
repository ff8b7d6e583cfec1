"""Shared fixtures: a terminal data directory with one active release, the app and its clients."""

from __future__ import annotations

import pytest

from content_sync.release import activate, build_release
from kiosk import create_app

from .factories import make_bundle


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
