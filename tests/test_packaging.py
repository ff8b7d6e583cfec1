"""The wheel carries everything a terminal needs: templates, static files and the sample county."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    (built,) = out.glob("*.whl")
    return built


@pytest.mark.slow
def test_wheel_carries_templates_static_and_sample_county(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for source, packaged in (
        ("templates", "kiosk/templates"),
        ("static", "kiosk/static"),
        ("demo/county", "content_sync/sample_county"),
    ):
        expected = {
            f"{packaged}/{p.relative_to(ROOT / source).as_posix()}"
            for p in (ROOT / source).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }
        assert expected and expected <= names, sorted(expected - names)[:5]


@pytest.mark.slow
def test_unpacked_wheel_builds_and_serves_the_demo(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = (
        "import sys; from kiosk.cli import main; from kiosk import create_app, resource_dir;"
        "assert str(resource_dir('templates')).startswith(sys.argv[1]);"
        "main(['demo', '--no-serve', '--data', sys.argv[2]], standalone_mode=False);"
        "app = create_app({'DATA_DIR': sys.argv[2], 'CACHE_DIR': sys.argv[2] + '/cache'});"
        "page = app.test_client().get('/');"
        "assert page.status_code == 200, page.status_code; print(page.get_data(as_text=True))"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    result = subprocess.run(
        [sys.executable, "-c", script, str(site), str(tmp_path / "data")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "禾川县" in result.stdout
