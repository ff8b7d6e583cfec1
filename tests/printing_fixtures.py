"""Helpers for the slip and printer tests: an ESC/POS decoder, fake network printers, QR reading.

The fake printers are real TCP servers on 127.0.0.1 that speak the printer's side of ESC/POS:
they parse the byte stream (so image data is never mistaken for a status query) and answer
DLE EOT status queries the way a printer in the given condition would.
"""

from __future__ import annotations

import re
import socket
import threading

import zxingcpp
from PIL import Image, ImageDraw

# --- ESC/POS -----------------------------------------------------------------------------


class EscposDecodeError(AssertionError):
    pass


def decode_escpos(data: bytes) -> tuple[Image.Image | None, list[str]]:
    """Rebuild the printed image from GS v 0 raster commands; also list the other commands seen.

    Every byte must belong to a known command: an unexpected byte fails the test.
    """
    strips: list[Image.Image] = []
    commands: list[str] = []
    i = 0
    while i < len(data):
        if data.startswith(b"\x1b@", i):
            commands.append("init")
            i += 2
        elif data.startswith(b"\x1dv0", i):
            mode = data[i + 3]
            width_bytes = data[i + 4] | data[i + 5] << 8
            height = data[i + 6] | data[i + 7] << 8
            start = i + 8
            end = start + width_bytes * height
            if end > len(data):
                raise EscposDecodeError(f"raster at {i} wants {end - start} bytes, {len(data) - start} left")
            if mode != 0:
                raise EscposDecodeError(f"raster at {i} uses scaled mode {mode}")
            # ESC/POS: 1 = black dot. PIL mode "1" raw data: 1 = white. Invert while unpacking.
            raw = bytes(b ^ 0xFF for b in data[start:end])
            strips.append(Image.frombytes("1", (width_bytes * 8, height), raw))
            commands.append(f"raster {width_bytes * 8}x{height}")
            i = end
        elif data.startswith(b"\x1dV", i):
            mode = data[i + 2]
            length = 4 if mode in (65, 66) else 3
            commands.append("cut")
            i += length
        elif data.startswith(b"\x1bd", i):
            commands.append(f"feed {data[i + 2]}")
            i += 3
        elif data[i] == 0x0A:
            commands.append("lf")
            i += 1
        else:
            raise EscposDecodeError(f"unknown ESC/POS byte {data[i]:#04x} at offset {i}: {data[i : i + 8].hex()}")
    if not strips:
        return None, commands
    width = strips[0].width
    assert all(s.width == width for s in strips), "raster strips of different widths"
    image = Image.new("1", (width, sum(s.height for s in strips)), 1)
    y = 0
    for strip in strips:
        image.paste(strip, (0, y))
        y += strip.height
    return image, commands


# --- fake network printers ------------------------------------------------------------------

OK_BYTE = b"\x12"
PAPER_OUT_BYTE = b"\x72"
PAPER_LOW_BYTE = b"\x1e"


class FakePrinter:
    """A TCP "printer" on 127.0.0.1.

    mode:
      "ok"          answers status queries: online, paper adequate; keeps everything it receives
      "paper_out"   answers: online, paper end
      "silent"      accepts and reads, never answers anything
      "disconnect"  answers status queries, then closes the connection after `cut_after` data bytes
      "stall"       answers status queries, then stops reading after `cut_after` data bytes (a jam)
    """

    def __init__(self, mode: str = "ok", cut_after: int = 20_000):
        self.mode = mode
        self.cut_after = cut_after
        self.received = bytearray()
        self.connections = 0
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def __enter__(self) -> FakePrinter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        self._server.close()
        self._thread.join(2)

    def _serve(self) -> None:
        self._server.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            with conn:
                self._talk(conn)

    def _answer(self, query: int) -> bytes | None:
        if self.mode == "silent":
            return None
        if query == 1:
            return OK_BYTE
        if query == 4:
            return PAPER_OUT_BYTE if self.mode == "paper_out" else OK_BYTE
        return None

    def _talk(self, conn: socket.socket) -> None:
        conn.settimeout(0.1)
        buffer = bytearray()
        data_bytes = 0
        while not self._stop.is_set():
            try:
                chunk = conn.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not chunk:
                return
            self.received += chunk
            buffer += chunk
            data_bytes += len(chunk)
            # Parse whole commands; answer status queries; skip raster data by its declared length.
            while buffer:
                if buffer.startswith(b"\x10\x04"):
                    if len(buffer) < 3:
                        break
                    answer = self._answer(buffer[2])
                    del buffer[:3]
                    if answer:
                        conn.sendall(answer)
                elif buffer.startswith(b"\x1dv0"):
                    if len(buffer) < 8:
                        break
                    size = (buffer[4] | buffer[5] << 8) * (buffer[6] | buffer[7] << 8)
                    if len(buffer) < 8 + size:
                        break
                    del buffer[: 8 + size]
                else:
                    del buffer[:1]
            if self.mode == "disconnect" and data_bytes >= self.cut_after:
                conn.shutdown(socket.SHUT_RDWR)
                return
            if self.mode == "stall" and data_bytes >= self.cut_after:
                self._stop.wait()  # hold the connection open, read nothing more
                return


# --- QR codes -----------------------------------------------------------------------------


def read_qr(image: Image.Image) -> list[str]:
    """Every QR code zxing-cpp finds in `image`."""
    return [r.text for r in zxingcpp.read_barcodes(image.convert("L")) if r.format == zxingcpp.BarcodeFormat.QRCode]


_PATH_COMMAND = re.compile(r"M\s*([\d.]+)[ ,]([\d.]+)\s*H\s*([\d.]+)\s*V\s*([\d.]+)\s*H\s*([\d.]+)\s*z", re.I)


def rasterise_svg(svg: str, scale: int = 8) -> Image.Image:
    """Draw the one-path SVG qrcode makes (squares "Mx,yHx2Vy2Hx1z") at `scale` pixels per unit."""
    view = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    assert view, "the SVG has no viewBox"
    width, height = float(view.group(1)), float(view.group(2))
    path = re.search(r'<path[^>]* d="([^"]+)"', svg) or re.search(r"<path d=\"([^\"]+)\"", svg)
    assert path, "the SVG has no path"
    commands = path.group(1)
    squares = _PATH_COMMAND.findall(commands)
    assert squares, "the path has no squares"
    leftover = _PATH_COMMAND.sub("", commands).strip()
    assert not leftover, f"unparsed path data: {leftover[:60]}"
    image = Image.new("L", (round(width * scale), round(height * scale)), 255)
    draw = ImageDraw.Draw(image)
    for x1, y1, x2, y2, _x3 in squares:
        x1, y1, x2, y2 = (float(v) * scale for v in (x1, y1, x2, y2))
        draw.rectangle((x1, y1, x2 - 1, y2 - 1), fill=0)
    return image
