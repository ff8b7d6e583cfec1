"""Every setting of the kiosk, declared once: name, default, help.

Order of precedence (later wins): these defaults, the TOML file named by KIOSK_CONFIG (default
/etc/kiosk/kiosk.toml, if it exists), environment variables KIOSK_<NAME>, and a test dict.
docs/settings.md is checked against this list by the tests.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: list[Setting] = [
    # --- where things live
    Setting("DATA_DIR", "/var/lib/kiosk", "Releases, the `current` link, state.sqlite and the TUF client cache."),
    Setting("CACHE_DIR", "/var/cache/kiosk", "Rebuildable caches (jieba's dictionary cache, QR codes)."),
    Setting("HALL_ID", "", "Which hall of site.json this terminal stands in; empty: the first hall."),
    Setting("SECRET_KEY", "", "Signs the session cookie; empty: generated once and kept in DATA_DIR."),
    # --- sync
    Setting(
        "PORTAL_METADATA_URL", "", "Base URL of the county's TUF metadata, e.g. https://www.x.gov.cn/kiosk/metadata/"
    ),
    Setting("PORTAL_TARGETS_URL", "", "Base URL of the county's TUF targets, e.g. https://www.x.gov.cn/kiosk/targets/"),
    Setting("ROOT_METADATA", "/etc/kiosk/root.json", "The county's root metadata the terminal was installed with."),
    Setting("SYNC_TIMEOUT_SECONDS", 30, "Socket timeout for each request to the portal."),
    Setting("SYNC_RETRIES", 3, "Attempts per download before a sync gives up."),
    Setting("SYNC_MAX_BYTES_PER_SECOND", 0, "Bandwidth cap for downloads; 0 means no cap."),
    Setting("KEEP_RELEASES", 3, "How many releases to keep on disk (the active one included)."),
    Setting("CONTENT_STALE_DAYS", 3, "Content older than this many days is reported as stale."),
    # --- citizen screens
    Setting("IDLE_TIMEOUT_SECONDS", 90, "Seconds without a touch before the countdown to the home screen."),
    Setting("IDLE_COUNTDOWN_SECONDS", 10, "Length of the countdown shown before returning home."),
    Setting("PAGE_SIZE", 12, "Rows per page in long lists."),
    # --- search
    Setting("SEARCH_LIMIT", 30, "Most results a search returns."),
    Setting("SEARCH_LOG_RETENTION_DAYS", 180, "Days the anonymous query log is kept; 0 keeps it forever."),
    # --- Chinese input
    Setting(
        "HANDWRITING_MODEL",
        "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model",
        "Zinnia model for handwriting input (Debian tegaki-zinnia-simplified-chinese); missing: the pad is disabled.",
    ),
    # --- printing
    Setting("PRINTER", "file", "Printer backend: file, usb, network, serial, cups or none."),
    Setting("PRINTER_DOTS", 576, "Printable width in dots: 384 for 58 mm paper, 576 for 80 mm."),
    Setting("PRINTER_PROFILE", "TM-T88V", "python-escpos printer profile name."),
    Setting("PRINTER_USB_VENDOR", "0x04b8", "USB vendor id of the receipt printer."),
    Setting("PRINTER_USB_PRODUCT", "0x0202", "USB product id of the receipt printer."),
    Setting("PRINTER_HOST", "", "Host of a network receipt printer."),
    Setting("PRINTER_PORT", 9100, "Port of a network receipt printer."),
    Setting("PRINTER_SERIAL_DEVICE", "/dev/ttyS0", "Device of a serial receipt printer."),
    Setting("PRINTER_CUPS_QUEUE", "", "CUPS queue for A4 printing with lp; empty: the default queue."),
    Setting("PRINTER_FILE_DIR", "", "Where the file backend writes PNG and ESC/POS files; empty: DATA_DIR/prints."),
    Setting("PRINTER_TIMEOUT_SECONDS", 5, "Timeout for every exchange with the printer."),
    Setting("PRINT_LIMIT_PER_SESSION", 3, "Slips one citizen may print before the idle reset."),
    Setting("PRINT_LIMIT_PER_MINUTE", 6, "Slips the terminal prints per minute at most."),
    Setting("FONT_PATH", "", "CJK font for slips; empty: search the usual Noto Sans CJK SC locations."),
    # --- applications and questions taken at the terminal
    Setting(
        "INTAKE_URL", "", "Base URL of the disclosure office's intake service, e.g. https://www.x.gov.cn/kiosk-intake/"
    ),
    Setting("INTAKE_TOKEN", "", "This terminal's token for the intake service (content-sync intake add-terminal)."),
    Setting("INTAKE_TIMEOUT_SECONDS", 30, "Socket timeout for each upload to the intake service."),
    Setting("OUTBOX_CAPACITY", 2000, "Most sealed items the outbox keeps; when full, the forms are closed."),
    Setting("OUTBOX_MIN_FREE_MB", 64, "Free space DATA_DIR must keep; below it the forms are closed."),
    # --- operators
    Setting("ADMIN_PIN_HASH", "", "Hash of the operator PIN (kiosk set-pin writes it); empty: panel disabled."),
    Setting("ADMIN_SESSION_MINUTES", 15, "Operator sessions end after this many idle minutes."),
    Setting("ADMIN_MAX_FAILURES", 5, "Wrong PINs in a row before the panel locks."),
    Setting("ADMIN_LOCKOUT_MINUTES", 15, "How long the panel stays locked."),
]

DEFAULTS: dict[str, Any] = {s.name: s.default for s in SETTINGS}


def load_toml(path: str | os.PathLike | None = None) -> dict[str, Any]:
    """Read the TOML settings file; keys may be written in lower case. Missing file: no settings."""
    path = Path(path or os.environ.get("KIOSK_CONFIG", "/etc/kiosk/kiosk.toml"))
    if not path.is_file():
        return {}
    with open(path, "rb") as f:
        data = tomllib.load(f)
    unknown = sorted(k for k in data if k.upper() not in DEFAULTS)
    if unknown:
        raise ValueError(f"{path}: unknown setting(s) {', '.join(unknown)}")
    return {k.upper(): v for k, v in data.items()}
