"""Printer backends: one is chosen by the PRINTER setting.

Each backend takes a drawn slip and either prints it or raises PrintFailure with a `kind` the
screen turns into plain Chinese. `status()` never raises and never waits longer than the timeout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import escpos_io, render
from .escpos_io import PrinterIOError, PrinterNotReady, Status
from .slip import Slip

BACKENDS = ("file", "usb", "network", "serial", "cups", "none")


class PrintFailure(Exception):
    """A job could not be printed. kind: paper_out, offline, no_answer, disconnected, disabled, error."""

    def __init__(self, kind: str, detail: str):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


@dataclass
class PrinterSettings:
    """The printing settings of kiosk/config.py, read once from the app config."""

    backend: str = "file"
    dots: int = 576
    profile: str = "TM-T88V"
    usb_vendor: int = 0x04B8
    usb_product: int = 0x0202
    host: str = ""
    port: int = 9100
    serial_device: str = "/dev/ttyS0"
    cups_queue: str = ""
    file_dir: str = ""
    timeout: float = 5.0
    font_path: str = ""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> PrinterSettings:
        """Read and check the PRINTER_* settings; a bad value raises ValueError naming the setting."""

        def number(name: str, base: int = 10) -> int:
            value = config[name]
            try:
                return int(value, 0) if isinstance(value, str) else int(value)
            except (TypeError, ValueError):
                raise ValueError(f"setting {name} must be a number, got {value!r}") from None

        backend = str(config["PRINTER"]).strip().lower()
        if backend not in BACKENDS:
            raise ValueError(f"setting PRINTER must be one of {', '.join(BACKENDS)}, got {config['PRINTER']!r}")
        file_dir = str(config["PRINTER_FILE_DIR"] or Path(config["DATA_DIR"]) / "prints")
        try:
            timeout = float(config["PRINTER_TIMEOUT_SECONDS"])
        except (TypeError, ValueError):
            raise ValueError(
                f"setting PRINTER_TIMEOUT_SECONDS must be a number, got {config['PRINTER_TIMEOUT_SECONDS']!r}"
            ) from None
        if timeout <= 0:
            raise ValueError("setting PRINTER_TIMEOUT_SECONDS must be above 0")
        return cls(
            backend=backend,
            dots=number("PRINTER_DOTS"),
            profile=str(config["PRINTER_PROFILE"] or ""),
            usb_vendor=number("PRINTER_USB_VENDOR"),
            usb_product=number("PRINTER_USB_PRODUCT"),
            host=str(config["PRINTER_HOST"] or ""),
            port=number("PRINTER_PORT"),
            serial_device=str(config["PRINTER_SERIAL_DEVICE"]),
            cups_queue=str(config["PRINTER_CUPS_QUEUE"] or ""),
            file_dir=file_dir,
            timeout=timeout,
            font_path=str(config.get("FONT_PATH") or ""),
        )


class Backend:
    """Base of every backend."""

    name = "base"

    def __init__(self, settings: PrinterSettings):
        self.settings = settings

    def print_slip(self, slip: Slip, job_name: str) -> Status:
        """Print `slip`; return the printer status afterwards or raise PrintFailure."""
        raise NotImplementedError

    def status(self) -> Status:
        """The printer's state now, asked with a timeout."""
        raise NotImplementedError

    def receipt(self, slip: Slip):
        return render.receipt(slip, self.settings.dots, self.settings.font_path)


class NoneBackend(Backend):
    """No printer at this terminal: the screen offers only QR codes."""

    name = "none"

    def print_slip(self, slip: Slip, job_name: str) -> Status:
        raise PrintFailure("disabled", "printing is turned off (PRINTER=none)")

    def status(self) -> Status:
        return Status("offline", "no printer configured (PRINTER=none)")


class FileBackend(Backend):
    """Writes <job>.png and <job>.bin (the exact ESC/POS bytes) to PRINTER_FILE_DIR: demo and tests."""

    name = "file"

    def print_slip(self, slip: Slip, job_name: str) -> Status:
        directory = Path(self.settings.file_dir)
        image = self.receipt(slip)
        data = escpos_io.encode(image, self.settings.profile)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            for suffix, write in (
                (".png", lambda p: image.save(p, format="PNG")),
                (".bin", lambda p: p.write_bytes(data)),
            ):
                target = directory / f"{job_name}{suffix}"
                tmp = target.with_suffix(suffix + ".tmp")
                write(tmp)
                os.replace(tmp, target)
        except OSError as exc:
            raise PrintFailure("offline", f"cannot write to {directory} ({exc})") from None
        return self.status()

    def status(self) -> Status:
        directory = Path(self.settings.file_dir)
        probe = directory if directory.exists() else directory.parent
        if os.access(probe, os.W_OK):
            return Status("ok", f"writing slips to {directory}")
        return Status("offline", f"{directory} is not writable")


class EscposBackend(Backend):
    """A receipt printer over USB, the network or a serial line, via python-escpos."""

    def __init__(self, settings: PrinterSettings, transport: str):
        super().__init__(settings)
        self.name = transport

    def _open(self) -> escpos_io.Connection:
        s = self.settings
        if self.name == "network":
            if not s.host:
                raise PrinterIOError("offline", "PRINTER_HOST is not set")
            return escpos_io.open_network(s.host, s.port, s.timeout, s.profile)
        if self.name == "usb":
            return escpos_io.open_usb(s.usb_vendor, s.usb_product, s.timeout, s.profile)
        return escpos_io.open_serial(s.serial_device, s.timeout, s.profile)

    def print_slip(self, slip: Slip, job_name: str) -> Status:
        data = escpos_io.encode(self.receipt(slip), self.settings.profile)
        try:
            conn = self._open()
        except PrinterIOError as exc:
            raise PrintFailure(exc.kind, exc.detail) from None
        try:
            return escpos_io.send_job(conn, data)
        except PrinterNotReady as exc:
            kind = exc.status.state if exc.status.state in ("paper_out", "offline") else "no_answer"
            raise PrintFailure(kind, exc.status.detail) from None
        except PrinterIOError as exc:
            raise PrintFailure(exc.kind, exc.detail) from None
        finally:
            conn.close()

    def status(self) -> Status:
        try:
            conn = self._open()
        except PrinterIOError as exc:
            return Status("offline", exc.detail)
        try:
            return conn.status()
        except PrinterIOError as exc:
            return Status("offline", exc.detail)
        finally:
            conn.close()


class CupsBackend(Backend):
    """An office printer through CUPS: the slip as an A4 PDF, sent with `lp`."""

    name = "cups"

    def _run(self, args: list[str]) -> subprocess.CompletedProcess:
        return subprocess.run(args, capture_output=True, text=True, timeout=self.settings.timeout, check=False)

    def print_slip(self, slip: Slip, job_name: str) -> Status:
        lp = shutil.which("lp")
        if lp is None:
            raise PrintFailure("offline", "the lp command is missing (install cups-client)")
        pdf = render.a4_pdf(slip, self.settings.font_path)
        with tempfile.NamedTemporaryFile(prefix="slip-", suffix=".pdf") as tmp:
            tmp.write(pdf)
            tmp.flush()
            args = [lp, "-t", job_name]
            if self.settings.cups_queue:
                args += ["-d", self.settings.cups_queue]
            args += ["--", tmp.name]
            try:
                done = self._run(args)
            except subprocess.TimeoutExpired:
                raise PrintFailure("no_answer", f"lp did not finish within {self.settings.timeout:g} s") from None
        if done.returncode != 0:
            raise PrintFailure("offline", f"lp failed: {(done.stderr or done.stdout).strip()}")
        return Status("ok", done.stdout.strip() or "sent to CUPS")

    def status(self) -> Status:
        lpstat = shutil.which("lpstat")
        if lpstat is None:
            return Status("unknown", "the lpstat command is missing (install cups-client)")
        args = [lpstat, "-p", self.settings.cups_queue] if self.settings.cups_queue else [lpstat, "-d", "-p"]
        try:
            done = self._run(args)
        except subprocess.TimeoutExpired:
            return Status("unknown", f"lpstat did not answer within {self.settings.timeout:g} s")
        text = (done.stdout + done.stderr).strip()
        if done.returncode != 0:
            return Status("offline", text or "lpstat failed")
        if "disabled" in text:
            return Status("offline", text)
        if "idle" in text or "printing" in text:
            return Status("ok", text)
        return Status("unknown", text or "lpstat said nothing")


def make_backend(settings: PrinterSettings) -> Backend:
    """The backend named by PRINTER."""
    if settings.backend == "file":
        return FileBackend(settings)
    if settings.backend == "cups":
        return CupsBackend(settings)
    if settings.backend == "none":
        return NoneBackend(settings)
    return EscposBackend(settings, settings.backend)
