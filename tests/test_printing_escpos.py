"""ESC/POS bytes decoded back to the slip, and printer faults over a real loopback socket."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from PIL import ImageChops

from kiosk.printing import escpos_io, render
from kiosk.printing.backends import EscposBackend, PrinterSettings, PrintFailure, make_backend
from kiosk.printing.slip import build_slip

from .factories import make_bundle
from .printing_fixtures import FakePrinter, decode_escpos, read_qr
from .sync_fixtures import free_port

TIMEOUT = 1.0


def _slip():
    bundle = make_bundle()
    return build_slip(bundle.guides[0], bundle.site.halls[0], bundle.site, "r-1", dt.datetime(2026, 3, 2, 9, 0))


def _network(port: int, dots: int = 576, timeout: float = TIMEOUT) -> EscposBackend:
    settings = PrinterSettings(backend="network", host="127.0.0.1", port=port, timeout=timeout, dots=dots)
    backend = make_backend(settings)
    assert isinstance(backend, EscposBackend)
    return backend


def _same(a, b) -> bool:
    return a.size == b.size and ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None


@pytest.mark.parametrize("dots", [384, 576])
def test_escpos_bytes_decode_to_the_rendered_slip_pixel_for_pixel(dots):
    image = render.receipt(_slip(), dots)
    data = escpos_io.encode(image, "TM-T88V")
    decoded, commands = decode_escpos(data)
    assert commands[0] == "init" and commands[-1] == "cut"
    assert _same(decoded, image)
    assert read_qr(decoded) == [_slip().qr_url]


def test_unknown_printer_profile_is_a_clear_error():
    image = render.receipt(_slip(), 384)
    with pytest.raises(ValueError, match="PRINTER_PROFILE 'no-such-printer'"):
        escpos_io.encode(image, "no-such-printer")


@pytest.mark.parametrize(
    ("printer", "paper", "state"),
    [
        (b"\x12", b"\x12", "ok"),
        (b"\x12", b"\x1e", "paper_low"),
        (b"\x12", b"\x72", "paper_out"),
        (b"\x1a", b"\x12", "offline"),
        (b"", b"", "unknown"),
        (None, None, "unknown"),
        (b"\xff", b"\x12", "unknown"),
    ],
)
def test_status_bytes_are_read_strictly_and_silence_is_unknown(printer, paper, state):
    assert escpos_io.parse_status(printer, paper).state == state


def test_network_printer_receives_the_slip_and_reports_ready():
    with FakePrinter("ok") as printer:
        backend = _network(printer.port)
        status = backend.print_slip(_slip(), "job-1")
        assert status.state == "ok"
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and b"\x1dV" not in printer.received:
            time.sleep(0.02)
    # Status queries come before and after the job; the rest is exactly the slip.
    data = bytes(printer.received)
    queries = escpos_io.STATUS_PRINTER + escpos_io.STATUS_PAPER
    assert data.startswith(queries) and data.endswith(queries)
    decoded, _ = decode_escpos(data[len(queries) : -len(queries)])
    assert _same(decoded, render.receipt(_slip(), 576))


def test_printer_that_never_answers_fails_the_job_within_the_timeout():
    with FakePrinter("silent") as printer:
        started = time.monotonic()
        with pytest.raises(PrintFailure) as failure:
            _network(printer.port).print_slip(_slip(), "job-1")
        took = time.monotonic() - started
    assert failure.value.kind == "no_answer"
    assert took < 5 * TIMEOUT  # bounded: the printer would never answer


def test_silent_printer_status_is_unknown_never_paper_adequate():
    with FakePrinter("silent") as printer:
        status = _network(printer.port).status()
    assert status.state == "unknown"


def test_printer_out_of_paper_fails_the_job_and_prints_nothing():
    with FakePrinter("paper_out") as printer:
        with pytest.raises(PrintFailure) as failure:
            _network(printer.port).print_slip(_slip(), "job-1")
        assert b"\x1dv0" not in printer.received
    assert failure.value.kind == "paper_out"
    assert "empty" in failure.value.detail


def test_printer_that_disconnects_mid_job_fails_it():
    with FakePrinter("disconnect", cut_after=5000) as printer:
        started = time.monotonic()
        with pytest.raises(PrintFailure) as failure:
            _network(printer.port).print_slip(_slip(), "job-1")
        took = time.monotonic() - started
    assert failure.value.kind in ("disconnected", "no_answer")
    assert "127.0.0.1" in failure.value.detail
    assert took < 5 * TIMEOUT  # bounded: the printer would never answer


def test_printer_that_jams_mid_job_fails_it_within_a_few_timeouts():
    with FakePrinter("stall", cut_after=5000) as printer:
        started = time.monotonic()
        with pytest.raises(PrintFailure) as failure:
            _network(printer.port).print_slip(_slip(), "job-1")
        took = time.monotonic() - started
    assert failure.value.kind == "no_answer"
    assert took < 5 * TIMEOUT + 1


def test_unreachable_printer_is_offline():
    port = free_port()
    with pytest.raises(PrintFailure) as failure:
        _network(port).print_slip(_slip(), "job-1")
    assert failure.value.kind == "offline"
    assert _network(port).status().state == "offline"


def test_network_printer_without_host_is_offline_with_the_setting_named():
    backend = make_backend(PrinterSettings(backend="network", host="", timeout=TIMEOUT))
    status = backend.status()
    assert status.state == "offline" and "PRINTER_HOST" in status.detail


def test_usb_printer_without_pyusb_or_device_fails_cleanly():
    backend = make_backend(PrinterSettings(backend="usb", timeout=TIMEOUT))
    with pytest.raises(PrintFailure) as failure:
        backend.print_slip(_slip(), "job-1")
    assert failure.value.kind == "offline"
    assert "USB" in failure.value.detail


def test_serial_printer_missing_fails_cleanly(tmp_path):
    backend = make_backend(PrinterSettings(backend="serial", serial_device=str(tmp_path / "ttyNone"), timeout=TIMEOUT))
    with pytest.raises(PrintFailure) as failure:
        backend.print_slip(_slip(), "job-1")
    assert failure.value.kind == "offline"
    assert "serial" in failure.value.detail
    assert backend.status().state == "offline"
