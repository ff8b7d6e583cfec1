"""Finding the CJK font slips are drawn with.

Slips are printed as images, so the terminal's own font decides whether every character shows.
Debian's fonts-noto-cjk is the default; a TTC holds several faces, and only the Simplified Chinese
face draws mainland glyph forms, so the face is chosen by name, not by a fixed index.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

# Where distributions put a usable CJK font, best first.
KNOWN_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian, Ubuntu: fonts-noto-cjk
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian: fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
BOLD_SUFFIX = ("-Regular.", "-Bold.")

# Within a collection, the face to use; "SC" is Noto's Simplified Chinese face.
PREFERRED_FACE = " SC"


class FontNotFoundError(RuntimeError):
    """No CJK font could be found; slips cannot be drawn."""


@dataclass(frozen=True)
class FontSpec:
    """A font file and the face index inside it."""

    path: str
    index: int = 0


@functools.lru_cache(maxsize=16)
def _pick_face(path: str) -> int:
    """Index of the Simplified Chinese face in a collection (0 for a single font)."""
    if not path.lower().endswith(".ttc"):
        return 0
    for index in range(16):
        try:
            family = ImageFont.truetype(path, 12, index=index).getname()[0] or ""
        except OSError:
            break
        if family.endswith(PREFERRED_FACE) and "Mono" not in family:
            return index
    return 0


def find_font(font_path: str = "") -> FontSpec:
    """The font to draw slips with: FONT_PATH if set, else the first known location that exists.

    Raises FontNotFoundError with what was tried and how to fix it.
    """
    if font_path:
        if not Path(font_path).is_file():
            raise FontNotFoundError(f"FONT_PATH {font_path!r} does not exist or is not a file")
        return FontSpec(font_path, _pick_face(font_path))
    for candidate in KNOWN_FONTS:
        if Path(candidate).is_file():
            return FontSpec(candidate, _pick_face(candidate))
    raise FontNotFoundError(
        "no CJK font found for slips; install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk) "
        "or set FONT_PATH to a .ttc/.otf/.ttf with Simplified Chinese glyphs. Tried: " + ", ".join(KNOWN_FONTS)
    )


def bold_variant(spec: FontSpec) -> FontSpec:
    """The bold face beside a regular one (Noto ships both), or the regular face itself."""
    regular, bold = BOLD_SUFFIX
    if regular in spec.path:
        candidate = spec.path.replace(regular, bold)
        if Path(candidate).is_file():
            return FontSpec(candidate, _pick_face(candidate))
    return spec


_cache: dict[tuple[FontSpec, int], ImageFont.FreeTypeFont] = {}
_lock = threading.Lock()


def load(spec: FontSpec, size: int) -> ImageFont.FreeTypeFont:
    """A FreeType font at `size` pixels, cached (loading a 20 MB collection takes milliseconds)."""
    key = (spec, size)
    font = _cache.get(key)
    if font is None:
        with _lock:
            font = _cache.get(key)
            if font is None:
                font = ImageFont.truetype(spec.path, size, index=spec.index, layout_engine=ImageFont.Layout.BASIC)
                _cache[key] = font
    return font
