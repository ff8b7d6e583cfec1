"""ESC/POS through python-escpos: encoding a slip to bytes, and talking to a printer with timeouts.

Chinese is printed as a raster image (GS v 0), so no code page or printer font is involved.
python-escpos's own `paper_status()` reports "paper adequate" when the printer says nothing, and
its USB transport blocks forever by default; here every exchange has a timeout and an empty
answer is "unknown".
"""

from __future__ import annotations

import copy
import os
import select
import shutil
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

FRAGMENT_HEIGHT = 256  # rows per GS v 0 command: small enough for any printer's receive buffer

# DLE EOT n: real-time status. Every answer byte has bit 1 and bit 4 set and bits 0 and 7 clear.
STATUS_PRINTER = b"\x10\x04\x01"
STATUS_PAPER = b"\x10\x04\x04"
_FIXED_MASK, _FIXED_BITS = 0x93, 0x12
_OFFLINE_BIT = 0x08
_PAPER_NEAR_END = 0x0C
_PAPER_END = 0x60


_import_lock = threading.Lock()


def _import_escpos():
    """Import escpos with its capabilities cache in the kiosk's cache dir.

    python-escpos evaluates `mkdtemp()` at import even when ESCPOS_CAPABILITIES_PICKLE_DIR is set,
    leaving an empty directory in /tmp per process: the import runs with a scratch temp dir that
    is removed afterwards.
    """
    if "escpos.printer" in sys.modules:
        return sys.modules["escpos"]
    with _import_lock:
        if "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ:
            cache = Path(os.environ.get("KIOSK_CACHE_DIR") or tempfile.gettempdir()) / "escpos"
            cache.mkdir(parents=True, exist_ok=True)
            os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(cache)
        scratch = tempfile.mkdtemp(prefix="kiosk-escpos-import-")
        saved, tempfile.tempdir = tempfile.tempdir, scratch
        try:
            import escpos.printer  # noqa: F401  (after the environment is set)
        finally:
            tempfile.tempdir = saved
            shutil.rmtree(scratch, ignore_errors=True)
    return sys.modules["escpos"]


def set_cache_dir(cache_dir: str | os.PathLike) -> None:
    """Point python-escpos's capabilities cache at CACHE_DIR/escpos (before its first import)."""
    path = Path(cache_dir) / "escpos"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(path))


def _fit_profile(printer, dots: int) -> None:
    """Give this printer object its own profile copy whose media width is `dots`.

    Profiles ship with fixed widths (TM-T88V: 512); python-escpos refuses wider images. The copy
    keeps other printer objects' profiles untouched.
    """
    data = copy.deepcopy(printer.profile.profile_data)
    data.setdefault("media", {}).setdefault("width", {})["pixels"] = dots
    printer.profile.profile_data = data


def encode(image: Image.Image, profile: str | None = None, cut: bool = True) -> bytes:
    """The ESC/POS bytes that print `image` (1-bit, printer width): initialise, raster, feed, cut."""
    escpos = _import_escpos()
    try:
        printer = escpos.printer.Dummy(profile=profile or None)
    except Exception as exc:  # python-escpos raises its own NotSupported / KeyError for unknown names
        raise ValueError(f"unknown PRINTER_PROFILE {profile!r}: {exc}") from None
    _fit_profile(printer, image.width)
    printer.hw("INIT")
    printer.image(image, impl="bitImageRaster", fragment_height=FRAGMENT_HEIGHT)
    if cut:
        printer.cut()
    return printer.output


@dataclass(frozen=True)
class Status:
    """What the printer said: state is one of ok, paper_low, paper_out, offline, unknown."""

    state: str
    detail: str


def parse_status(printer_byte: bytes | None, paper_byte: bytes | None) -> Status:
    """Interpret the answers to DLE EOT 1 and DLE EOT 4. No answer or a malformed one: unknown."""
    if not printer_byte or not paper_byte:
        return Status("unknown", "no answer to the status query")
    p, s = printer_byte[-1], paper_byte[-1]
    if (p & _FIXED_MASK) != _FIXED_BITS or (s & _FIXED_MASK) != _FIXED_BITS:
        return Status("unknown", f"unexpected status bytes {printer_byte.hex()} {paper_byte.hex()}")
    if (s & _PAPER_END) == _PAPER_END:
        return Status("paper_out", "the paper roll is empty")
    if p & _OFFLINE_BIT:
        return Status("offline", "the printer reports it is offline (cover open or error)")
    if (s & _PAPER_NEAR_END) == _PAPER_NEAR_END:
        return Status("paper_low", "the paper roll is nearly empty")
    return Status("ok", "ready")


class PrinterIOError(Exception):
    """A transport failure talking to the printer; `kind` is disconnected or no_answer."""

    def __init__(self, kind: str, detail: str):
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


class Connection:
    """One open connection to an ESC/POS printer, python-escpos underneath, every call bounded."""

    def __init__(self, printer, timeout: float, describe: str):
        self.printer = printer
        self.timeout = timeout
        self.describe = describe

    def send(self, data: bytes) -> None:
        try:
            self.printer._raw(data)
        except TimeoutError as exc:
            raise PrinterIOError("no_answer", f"{self.describe} stopped taking data ({exc})") from None
        except OSError as exc:
            raise PrinterIOError("disconnected", f"{self.describe} closed the connection ({exc})") from None
        except Exception as exc:  # pyusb / pyserial errors are their own classes
            raise PrinterIOError("disconnected", f"{self.describe}: {type(exc).__name__}: {exc}") from None

    def _read_one(self) -> bytes:
        try:
            data = self.printer._read()
        except TimeoutError:
            return b""
        except OSError as exc:
            raise PrinterIOError("disconnected", f"{self.describe} closed the connection ({exc})") from None
        except Exception as exc:
            if "timeout" in str(exc).lower() or "timed out" in str(exc).lower():
                return b""
            raise PrinterIOError("disconnected", f"{self.describe}: {type(exc).__name__}: {exc}") from None
        return bytes(data or b"")

    def query(self, command: bytes) -> bytes:
        """Send one real-time status command and read its one-byte answer; b"" if none came in time."""
        self.drain()
        self.send(command)
        return self._read_one()

    def drain(self) -> None:
        """Discard bytes the printer sent unasked (e.g. status answers to bytes inside image data)."""
        device = getattr(self.printer, "device", None)
        if isinstance(device, socket.socket):
            while select.select([device], [], [], 0)[0]:
                try:
                    chunk = device.recv(4096)
                except OSError:
                    return
                if not chunk:
                    raise PrinterIOError("disconnected", f"{self.describe} closed the connection")

    def status(self) -> Status:
        printer_byte = self.query(STATUS_PRINTER)
        if not printer_byte:
            return parse_status(None, None)
        return parse_status(printer_byte, self.query(STATUS_PAPER))

    def close(self) -> None:
        try:
            self.printer.close()
        except Exception:  # closing a broken connection must not hide the real error
            pass


def open_network(host: str, port: int, timeout: float, profile: str | None) -> Connection:
    escpos = _import_escpos()
    printer = escpos.printer.Network(host=host, port=int(port), timeout=timeout, profile=profile or None)
    # Connect here rather than with printer.open(): python-escpos leaves the socket of a failed
    # connection unclosed, which a long-running worker cannot afford.
    try:
        printer.device = socket.create_connection((host, int(port)), timeout=timeout)
    except OSError as exc:
        raise PrinterIOError("offline", f"cannot connect to {host}:{port} ({exc})") from None
    return Connection(printer, timeout, f"printer {host}:{port}")


def open_usb(vendor: int, product: int, timeout: float, profile: str | None) -> Connection:
    escpos = _import_escpos()

    class _BoundedUsb(escpos.printer.Usb):
        # python-escpos reads without a timeout argument; bound the read like the write.
        def _read(self) -> bytes:
            return self.device.read(self.in_ep, 16, int(self.timeout))

    if not escpos.printer.Usb.is_usable():
        raise PrinterIOError("offline", "USB printing needs pyusb: pip install 'disclosure-kiosk[printers]'")
    printer = _BoundedUsb(vendor, product, timeout=max(1, int(timeout * 1000)), profile=profile or None)
    try:
        printer.open()
    except Exception as exc:
        raise PrinterIOError("offline", f"USB printer {vendor:04x}:{product:04x} not found ({exc})") from None
    return Connection(printer, timeout, f"USB printer {vendor:04x}:{product:04x}")


def open_serial(device: str, timeout: float, profile: str | None) -> Connection:
    escpos = _import_escpos()
    if not escpos.printer.Serial.is_usable():
        raise PrinterIOError("offline", "serial printing needs pyserial: pip install 'disclosure-kiosk[printers]'")

    class _OneByteSerial(escpos.printer.Serial):
        # A status answer is one byte; reading 16 would wait out the whole timeout every time.
        def _read(self) -> bytes:
            return self.device.read(1)

    printer = _OneByteSerial(devfile=device, timeout=timeout, profile=profile or None)
    try:
        printer.open()
        printer.device.write_timeout = timeout
    except Exception as exc:
        raise PrinterIOError("offline", f"serial printer {device} cannot be opened ({exc})") from None
    return Connection(printer, timeout, f"serial printer {device}")


def send_job(conn: Connection, data: bytes, chunk: int = 4096) -> Status:
    """Check the printer, send `data`, then ask again so a lost connection or empty roll is noticed.

    Returns the status after the job; raises PrinterIOError for transport failures and
    PrinterNotReady when the printer cannot take the job.
    """
    before = conn.status()
    if before.state in ("unknown", "offline", "paper_out"):
        raise PrinterNotReady(before)
    started = time.monotonic()
    for start in range(0, len(data), chunk):
        conn.send(data[start : start + chunk])
    after = conn.status()
    if after.state == "unknown":
        raise PrinterIOError(
            "no_answer", f"{conn.describe} did not confirm the job ({time.monotonic() - started:.1f} s after sending)"
        )
    if after.state in ("offline", "paper_out"):
        raise PrinterNotReady(after)
    return after


class PrinterNotReady(Exception):
    """The printer answered, and its answer means it cannot print now."""

    def __init__(self, status: Status):
        super().__init__(status.detail)
        self.status = status
