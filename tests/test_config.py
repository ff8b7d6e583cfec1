"""Settings are declared once, parsed once, and a misspelt or mistyped one stops the process."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kiosk import create_app
from kiosk.cli import main
from kiosk.config import SETTINGS, Settings, SettingsError, load_settings, write_setting


@pytest.fixture
def no_settings(monkeypatch, tmp_path):
    for var in [v for v in __import__("os").environ if v.startswith("KIOSK_")]:
        monkeypatch.delenv(var)
    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "missing.toml"))
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def test_every_setting_has_a_type_a_default_of_that_type_and_help():
    for s in SETTINGS:
        assert s.type in (str, int, float), s.name
        assert isinstance(s.default, s.type) or (s.type is float and isinstance(s.default, int)), s.name
        assert s.help and s.name.isupper()


def test_a_misspelt_key_in_the_file_stops_kiosk_serve_naming_file_key_and_close_match(no_settings, monkeypatch):
    path = no_settings / "kiosk.toml"
    path.write_text('printer_dot = 384\nhall_id = "hall-county"\n')
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    result = CliRunner().invoke(main, ["serve", "--port", "1"])
    assert result.exit_code == 2
    assert f"{path}: unknown setting printer_dot; did you mean PRINTER_DOTS?" in result.output
    assert "serving" not in result.output  # stopped before serving anything


def test_a_misspelt_environment_variable_stops_the_app_factory(no_settings, monkeypatch):
    monkeypatch.setenv("KIOSK_SERCH_LIMIT", "40")
    with pytest.raises(SettingsError, match="unknown setting KIOSK_SERCH_LIMIT; did you mean KIOSK_SEARCH_LIMIT"):
        create_app()


def test_an_unparsable_value_names_the_file_and_the_setting(no_settings, monkeypatch):
    path = no_settings / "kiosk.toml"
    path.write_text('page_size = "twelve"\n')
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    with pytest.raises(SettingsError) as caught:
        create_app()
    assert str(caught.value) == f'{path}: PAGE_SIZE must be a whole number (default 12), got "twelve"'
    result = CliRunner().invoke(main, ["status", "--json"])
    assert result.exit_code == 2 and '"error_kind": "settings"' in result.output


def test_environment_values_are_typed_by_the_declaration(no_settings, monkeypatch):
    monkeypatch.setenv("KIOSK_CONTENT_STALE_DAYS", "1.5")
    monkeypatch.setenv("KIOSK_HALL_ID", "123")  # text, although it parses as a number
    monkeypatch.setenv("KIOSK_PRINTER_DOTS", "384")
    settings = load_settings()
    assert settings.CONTENT_STALE_DAYS == 1.5 and settings.HALL_ID == "123" and settings.PRINTER_DOTS == 384
    monkeypatch.setenv("KIOSK_PRINTER_DOTS", "wide")
    with pytest.raises(SettingsError, match="environment variable KIOSK_PRINTER_DOTS: PRINTER_DOTS must be"):
        load_settings()


def test_the_app_reads_one_typed_object(no_settings):
    app = create_app({"TESTING": True, "DATA_DIR": str(no_settings / "data"), "SEARCH_LIMIT": "40"})
    settings = app.extensions["kiosk.settings"]
    assert isinstance(settings, Settings) and settings.SEARCH_LIMIT == 40
    assert app.config["SEARCH_LIMIT"] == 40 and app.config["TESTING"] is True


def test_write_setting_replaces_one_line_and_keeps_the_rest(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text('hall_id = "hall-county"\nadmin_pin_hash = "old"\n')
    write_setting(path, "ADMIN_PIN_HASH", "new")
    assert path.read_text() == 'hall_id = "hall-county"\nadmin_pin_hash = "new"\n'
