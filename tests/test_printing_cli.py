"""`kiosk print-test` and `kiosk printer-status` against a real settings file."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from content_sync import paths, state
from kiosk.cli import main
from kiosk.printing import queue

from .printing_fixtures import FakePrinter, decode_escpos, read_qr


@pytest.fixture
def configure(tmp_path, data_dir, monkeypatch):
    """Write a kiosk.toml for this terminal and point KIOSK_CONFIG at it."""

    def write(**settings) -> None:
        values = {
            "data_dir": str(data_dir),
            "cache_dir": str(tmp_path / "cache"),
            "secret_key": "test",
            "printer_file_dir": str(tmp_path / "prints"),
            "printer_timeout_seconds": 1,
            **settings,
        }
        lines = [f"{k} = {v!r}" if isinstance(v, str) else f"{k} = {v}" for k, v in values.items()]
        path = tmp_path / "kiosk.toml"
        path.write_text("\n".join(lines).replace("'", '"') + "\n")
        monkeypatch.setenv("KIOSK_CONFIG", str(path))

    return write


def _printer_state(data_dir) -> str:
    conn = state.connect(paths.state_db(data_dir))
    queue.migrate(conn)
    try:
        return queue.printer_status(conn)["state"]
    finally:
        conn.close()


def test_print_test_writes_a_test_slip_with_the_portal_code(configure, tmp_path, data_dir, bundle):
    configure(printer="file", printer_dots=384)
    result = CliRunner().invoke(main, ["print-test"])
    assert result.exit_code == 0, result.output
    assert "printed on file" in result.output
    pngs = sorted((tmp_path / "prints").glob("test-*.png"))
    bins = sorted((tmp_path / "prints").glob("test-*.bin"))
    assert len(pngs) == 1 and len(bins) == 1
    image, _ = decode_escpos(bins[0].read_bytes())
    assert image.width == 384
    assert read_qr(image) == [bundle.site.online_service_base_url]
    assert _printer_state(data_dir) == "ok"


def test_print_test_of_one_guide(configure, tmp_path, bundle):
    configure(printer="file")
    result = CliRunner().invoke(main, ["print-test", "--guide", "g-social-01"])
    assert result.exit_code == 0, result.output
    image, _ = decode_escpos(next((tmp_path / "prints").glob("test-*.bin")).read_bytes())
    assert read_qr(image) == [bundle.guides[0].online_url]


def test_print_test_of_an_unknown_guide_is_a_clear_error(configure):
    configure(printer="file")
    result = CliRunner().invoke(main, ["print-test", "--guide", "g-nope"])
    assert result.exit_code == 1
    assert "no guide 'g-nope' in the active release" in result.output


def test_print_test_on_a_printer_out_of_paper_fails_and_records_it(configure, data_dir):
    with FakePrinter("paper_out") as printer:
        configure(printer="network", printer_host="127.0.0.1", printer_port=printer.port)
        result = CliRunner().invoke(main, ["print-test"])
    assert result.exit_code == 1
    assert "printing failed (paper_out)" in result.output
    assert "Traceback" not in result.output
    assert _printer_state(data_dir) == "paper_out"


def test_printer_status_reports_and_records(configure, data_dir):
    with FakePrinter("ok") as printer:
        configure(printer="network", printer_host="127.0.0.1", printer_port=printer.port)
        result = CliRunner().invoke(main, ["printer-status"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "network: ok (ready)"
    assert _printer_state(data_dir) == "ok"


def test_printer_status_of_a_silent_printer_is_unknown_and_exits_1(configure, data_dir):
    with FakePrinter("silent") as printer:
        configure(printer="network", printer_host="127.0.0.1", printer_port=printer.port)
        result = CliRunner().invoke(main, ["printer-status"])
    assert result.exit_code == 1
    assert "unknown" in result.output
    assert _printer_state(data_dir) == "unknown"


def test_a_bad_printer_setting_is_named(configure):
    configure(printer="laser")
    result = CliRunner().invoke(main, ["printer-status"])
    assert result.exit_code == 1
    assert "setting PRINTER must be one of" in result.output
