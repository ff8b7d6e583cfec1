"""The CUPS backend against stand-in `lp` and `lpstat` commands (no CUPS server runs here)."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import time

import pytest

from kiosk.printing.backends import PrinterSettings, PrintFailure, make_backend
from kiosk.printing.slip import build_slip

from .factories import make_bundle


def _slip():
    bundle = make_bundle()
    return build_slip(bundle.guides[0], bundle.site.halls[0], bundle.site, "r-1", dt.datetime(2026, 3, 2, 9, 0))


@pytest.fixture
def fake_bin(tmp_path, monkeypatch):
    """Write stand-in commands into a folder at the front of PATH."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")

    def write(name: str, script: str) -> None:
        path = folder / name
        path.write_text("#!/bin/sh\n" + script)
        path.chmod(path.stat().st_mode | stat.S_IXUSR)

    return write


def _cups(**update):
    return make_backend(PrinterSettings(backend="cups", cups_queue="Office_A4", timeout=1.0, **update))


def test_slip_goes_to_lp_as_an_a4_pdf_on_the_configured_queue(fake_bin, tmp_path):
    out = tmp_path / "spool"
    fake_bin(
        "lp", f'echo "$@" > {out}.args; for last; do :; done; cp "$last" {out}.pdf; echo "request id is Office_A4-7"\n'
    )
    status = _cups().print_slip(_slip(), "job-7-g-social-01")
    assert status.state == "ok" and "Office_A4-7" in status.detail
    args = (tmp_path / "spool.args").read_text().split()
    assert args[:2] == ["-t", "job-7-g-social-01"] and args[2:4] == ["-d", "Office_A4"] and args[4] == "--"
    pdf = (tmp_path / "spool.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert re.findall(rb"/MediaBox \[ 0 0 595.2 841.92 \]", pdf) == [b"/MediaBox [ 0 0 595.2 841.92 ]"]  # one A4 page


def test_lp_refusing_the_job_fails_it_with_its_message(fake_bin):
    fake_bin("lp", 'echo "lp: The printer or class does not exist." >&2; exit 1\n')
    with pytest.raises(PrintFailure) as failure:
        _cups().print_slip(_slip(), "job-1")
    assert failure.value.kind == "offline" and "does not exist" in failure.value.detail


def test_lp_that_hangs_is_cut_off_at_the_timeout(fake_bin):
    fake_bin("lp", "exec sleep 30\n")
    started = time.monotonic()
    with pytest.raises(PrintFailure) as failure:
        _cups().print_slip(_slip(), "job-1")
    assert failure.value.kind == "no_answer"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("output", "code", "state"),
    [
        ("printer Office_A4 is idle.  enabled since Mon 02 Mar 2026", 0, "ok"),
        ("printer Office_A4 now printing Office_A4-7.  enabled since …", 0, "ok"),
        ("printer Office_A4 disabled since Mon 02 Mar 2026 -\n\tPaused", 0, "offline"),
        ('lpstat: Invalid destination name in list "Office_A4".', 1, "offline"),
        ("", 0, "unknown"),
    ],
)
def test_printer_state_comes_from_lpstat(fake_bin, output, code, state):
    fake_bin("lpstat", f"cat <<'EOF'\n{output}\nEOF\nexit {code}\n")
    assert _cups().status().state == state
