"""Every setting of the kiosk, declared once, and the one owner of kiosk.toml.

A setting is one line of `Settings` below: its name, type, default and help. Everything else
follows from that line: the `SETTINGS` list (docs/settings.md is tested against it, the operator
panel shows it), parsing and checking of the TOML file and of KIOSK_* variables, and the typed
object every module reads (`settings_of(app)` / `current_settings()`).

Order of precedence (later wins): the defaults, the TOML file named by KIOSK_CONFIG (default
/etc/kiosk/kiosk.toml, if it exists), environment variables KIOSK_<NAME>, and a test dict.
An unknown key or a value of the wrong type raises SettingsError naming the file (or variable),
the key and the closest known setting; `kiosk serve` and every other command stop on it.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
import re
import tempfile
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_CONFIG_FILE = "/etc/kiosk/kiosk.toml"
ENV_PREFIX = "KIOSK_"
# KIOSK_* variables that are not settings: the settings file itself, and the test suite's own.
ENV_NOT_SETTINGS = re.compile(r"^KIOSK_(CONFIG|TEST_[A-Z0-9_]*)$")


class SettingsError(ValueError):
    """A settings file or variable names an unknown setting or holds a value of the wrong type."""


def setting(default: Any, help: str) -> Any:
    """Declare one setting (a field of `Settings`): its default and one line of help."""
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """The terminal's settings, typed. Add a setting here, in one line, and document it in
    docs/settings.md (a test checks the page against this class)."""

    # --- where things live
    DATA_DIR: str = setting("/var/lib/kiosk", "Releases, the `current` link, state.sqlite and the TUF client cache.")
    CACHE_DIR: str = setting("/var/cache/kiosk", "Rebuildable caches (jieba's dictionary cache, QR codes).")
    HALL_ID: str = setting("", "Which hall of site.json this terminal stands in; empty: the first hall.")
    SECRET_KEY: str = setting("", "Signs the session cookie; empty: generated once and kept in DATA_DIR.")
    # --- sync
    PORTAL_METADATA_URL: str = setting(
        "", "Base URL of the county's TUF metadata, e.g. https://www.x.gov.cn/kiosk/metadata/"
    )
    PORTAL_TARGETS_URL: str = setting(
        "", "Base URL of the county's TUF targets, e.g. https://www.x.gov.cn/kiosk/targets/"
    )
    ROOT_METADATA: str = setting("/etc/kiosk/root.json", "The county's root metadata the terminal was installed with.")
    SYNC_TIMEOUT_SECONDS: float = setting(30, "Socket timeout for each request to the portal.")
    SYNC_RETRIES: int = setting(3, "Attempts per download before a sync gives up.")
    SYNC_MAX_BYTES_PER_SECOND: int = setting(0, "Bandwidth cap for downloads; 0 means no cap.")
    KEEP_RELEASES: int = setting(3, "How many releases to keep on disk (the active one included).")
    CONTENT_STALE_DAYS: float = setting(3, "Content older than this many days is reported as stale.")
    # --- citizen screens
    IDLE_TIMEOUT_SECONDS: int = setting(90, "Seconds without a touch before the countdown to the home screen.")
    IDLE_COUNTDOWN_SECONDS: int = setting(10, "Length of the countdown shown before returning home.")
    PAGE_SIZE: int = setting(12, "Rows per page in long lists.")
    # --- search
    SEARCH_LIMIT: int = setting(30, "Most results a search returns.")
    SEARCH_LOG_RETENTION_DAYS: int = setting(180, "Days the anonymous query log is kept; 0 keeps it forever.")
    # --- Chinese input
    HANDWRITING_MODEL: str = setting(
        "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model",
        "Zinnia model for handwriting input (Debian tegaki-zinnia-simplified-chinese); missing: the pad is disabled.",
    )
    # --- printing
    PRINTER: str = setting("file", "Printer backend: file, usb, network, serial, cups or none.")
    PRINTER_DOTS: int = setting(576, "Printable width in dots: 384 for 58 mm paper, 576 for 80 mm.")
    PRINTER_PROFILE: str = setting("TM-T88V", "python-escpos printer profile name.")
    PRINTER_USB_VENDOR: str = setting("0x04b8", "USB vendor id of the receipt printer.")
    PRINTER_USB_PRODUCT: str = setting("0x0202", "USB product id of the receipt printer.")
    PRINTER_HOST: str = setting("", "Host of a network receipt printer.")
    PRINTER_PORT: int = setting(9100, "Port of a network receipt printer.")
    PRINTER_SERIAL_DEVICE: str = setting("/dev/ttyS0", "Device of a serial receipt printer.")
    PRINTER_CUPS_QUEUE: str = setting("", "CUPS queue for A4 printing with lp; empty: the default queue.")
    PRINTER_FILE_DIR: str = setting("", "Where the file backend writes PNG and ESC/POS files; empty: DATA_DIR/prints.")
    PRINTER_TIMEOUT_SECONDS: float = setting(5, "Timeout for every exchange with the printer.")
    PRINT_LIMIT_PER_SESSION: int = setting(3, "Slips one citizen may print before the idle reset.")
    PRINT_LIMIT_PER_MINUTE: int = setting(6, "Slips the terminal prints per minute at most.")
    PRINT_COOLDOWN_SECONDS: int = setting(
        60,
        "After PRINT_LIMIT_PER_SESSION slips in a row (each within this many seconds of the last), the terminal"
        " waits this long before the next, whichever session asks: the idle reset does not undo the limit."
        " 0 turns the wait off.",
    )
    FONT_PATH: str = setting("", "CJK font for slips; empty: search the usual Noto Sans CJK SC locations.")
    # --- operators
    ADMIN_PIN_HASH: str = setting("", "Hash of the operator PIN (kiosk set-pin writes it); empty: panel disabled.")
    ADMIN_SESSION_MINUTES: int = setting(15, "Operator sessions end after this many idle minutes.")
    ADMIN_MAX_FAILURES: int = setting(5, "Wrong PINs in a row before the panel locks.")
    ADMIN_LOCKOUT_MINUTES: int = setting(15, "How long the panel stays locked.")

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Setting:
    """One declared setting, as the docs and the operator panel list it."""

    name: str
    type: type
    default: Any
    help: str


_TYPES = typing.get_type_hints(Settings)
SETTINGS: list[Setting] = [
    Setting(f.name, _TYPES[f.name], f.default, f.metadata["help"]) for f in dataclasses.fields(Settings)
]
DEFAULTS: dict[str, Any] = {s.name: s.default for s in SETTINGS}
_BY_NAME = {s.name: s for s in SETTINGS}
_TYPE_WORDS = {str: "text", int: "a whole number", float: "a number"}


def _unknown(where: str, key: str, prefix: str = "") -> SettingsError:
    close = difflib.get_close_matches(key.upper(), list(_BY_NAME), n=1, cutoff=0.6)
    hint = f"; did you mean {prefix}{close[0]}?" if close else ""
    return SettingsError(f"{where}: unknown setting {prefix}{key}{hint}")


def _coerce(where: str, name: str, value: Any, from_text: bool = False) -> Any:
    """`value` as the declared type of `name`; SettingsError if it is not one."""
    kind = _BY_NAME[name].type
    if from_text:  # an environment variable: JSON when it parses as JSON (what child processes get), else text
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = value
        if kind is str and not isinstance(parsed, str):
            parsed = value  # KIOSK_HALL_ID=123 is the text "123"
        value = parsed
    if kind is str and isinstance(value, str):
        return value
    if kind in (int, float) and not isinstance(value, bool):
        if isinstance(value, int) or (kind is float and isinstance(value, float)):
            return value
        if isinstance(value, str):
            try:
                return int(value) if kind is int else float(value)
            except ValueError:
                pass
    example = json.dumps(_BY_NAME[name].default, ensure_ascii=False)
    return SettingsError(
        f"{where}: {name} must be {_TYPE_WORDS[kind]} (default {example}), got {json.dumps(value, ensure_ascii=False)}"
    )


def _checked(where: str, name: str, value: Any, from_text: bool = False) -> Any:
    result = _coerce(where, name, value, from_text)
    if isinstance(result, SettingsError):
        raise result
    return result


def config_file(environ: Mapping[str, str] | None = None) -> Path:
    """The settings file this process reads: $KIOSK_CONFIG, or /etc/kiosk/kiosk.toml."""
    environ = os.environ if environ is None else environ
    return Path(environ.get("KIOSK_CONFIG") or DEFAULT_CONFIG_FILE)


def load_toml(path: str | os.PathLike | None = None) -> dict[str, Any]:
    """The settings a TOML file sets, checked and typed; keys may be in lower case. No file: none."""
    path = Path(path) if path is not None else config_file()
    if not path.is_file():
        return {}
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None
    values = {}
    for key, value in data.items():
        if key.upper() not in _BY_NAME:
            raise _unknown(str(path), key)
        values[key.upper()] = _checked(str(path), key.upper(), value)
    return values


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings KIOSK_<NAME> variables set, checked and typed."""
    environ = os.environ if environ is None else environ
    values = {}
    for var, text in environ.items():
        if not var.startswith(ENV_PREFIX) or ENV_NOT_SETTINGS.match(var):
            continue
        name = var[len(ENV_PREFIX) :]
        if name not in _BY_NAME:
            raise _unknown("environment", name, prefix=ENV_PREFIX)
        values[name] = _checked(f"environment variable {var}", name, text, from_text=True)
    return values


def load_settings(overrides: Mapping[str, Any] | None = None, *, read_environment: bool = True) -> Settings:
    """Parse the settings once: defaults, the TOML file and KIOSK_* (if `read_environment`), then
    `overrides` (a test dict; keys that are not settings are ignored here, Flask may use them)."""
    values: dict[str, Any] = {}
    if read_environment:
        values.update(load_toml())
        values.update(from_environment())
    for name, value in (overrides or {}).items():
        if name in _BY_NAME:
            values[name] = _checked("settings", name, value)
    return Settings(**values)


def settings_of(app: Any) -> Settings:
    """The typed settings of a Flask app made by kiosk.create_app()."""
    return app.extensions["kiosk.settings"]


def current_settings() -> Settings:
    """The typed settings of the app handling the current request."""
    from flask import current_app

    return settings_of(current_app)


def write_setting(path: Path, name: str, value: str) -> None:
    """Set one text setting in a TOML settings file, replacing its line if there is one.

    Atomic (a temporary file renamed over it), the file's mode kept (0640 for a new file); the
    file is read back afterwards and must still parse, with the new value.
    """
    key = name.lower()
    line = f"{key} = {json.dumps(value, ensure_ascii=False)}"
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=.*$", re.IGNORECASE | re.MULTILINE)
    try:
        text = path.read_text(encoding="utf-8")
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        text, mode = "", 0o640
    if pattern.search(text):
        text = pattern.sub(lambda _m: line, text, count=1)
    else:
        text = text + ("" if not text or text.endswith("\n") else "\n") + line + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if load_toml(path).get(name) != value:
        raise SettingsError(f"{path}: the {key} line was not read back; check the file by hand")
