"""Drawing a slip: a 1-bit image at the printer's dot width, or an A4 PDF for CUPS.

The receipt is laid out for its width (384 dots on 58 mm paper, 576 on 80 mm) and grows as long
as the content needs: a long list of materials makes a longer slip, never a cut one. Text is
drawn in greyscale and then thresholded, which keeps small CJK strokes crisp on a thermal head.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from .. import qr as qrcodes
from . import fonts
from .linebreak import wrap
from .slip import Slip

THRESHOLD = 150  # grey levels above this print white
QR_MODULE_DOTS = (8, 7, 6)  # dots per module, largest that fits; 6–8 reads well at 203 dpi


@dataclass(frozen=True)
class Style:
    """Sizes in dots for one paper width."""

    width: int
    margin: int
    title: int
    subtitle: int
    heading: int
    body: int
    small: int
    gap: int  # space between blocks
    leading: float = 1.3  # line height as a multiple of the font size
    qr_modules: tuple[int, ...] = QR_MODULE_DOTS

    @classmethod
    def receipt(cls, dots: int) -> Style:
        """Sizes for a receipt `dots` wide (203 dpi heads: 24 dots is the usual CJK size)."""
        if dots < 200:
            raise ValueError(f"PRINTER_DOTS must be at least 200, got {dots}")
        if dots <= 400:
            return cls(width=dots, margin=8, title=32, subtitle=24, heading=26, body=24, small=20, gap=8)
        return cls(width=dots, margin=12, title=40, subtitle=28, heading=30, body=26, small=22, gap=10)

    @classmethod
    def a4(cls) -> Style:
        """A4 at 150 dpi: 1240 dots across, about 2 cm margins, 12–13 pt body text."""
        return cls(
            width=A4_PX[0], margin=110, title=44, subtitle=28, heading=30, body=26, small=22, gap=10, qr_modules=(6,)
        )


A4_DPI = 150
A4_PX = (1240, 1754)  # 210 × 297 mm at 150 dpi


@dataclass
class Rendered:
    """A drawn slip and the y positions between lines where it may be cut into pages."""

    image: Image.Image
    breaks: list[int]


def _qr_image(url: str, module: int) -> Image.Image:
    rows = qrcodes.matrix(url)
    size = len(rows)
    small = Image.new("L", (size, size), 255)
    small.putdata([0 if dark else 255 for row in rows for dark in row])
    return small.resize((size * module, size * module), Image.Resampling.NEAREST)


def _qr_module(url: str, style: Style) -> int:
    size = len(qrcodes.matrix(url))
    room = style.width - 2 * style.margin
    for module in style.qr_modules:
        if size * module <= room:
            return module
    return max(1, room // size)  # a very long URL: smaller modules rather than no code


def _balanced(text: str, width: int, font: ImageFont.FreeTypeFont, count: int) -> list[str]:
    """Lines of about equal length for a centred title, so no single character is left alone."""
    lo, hi = width // count, width
    best = wrap(text, width, font.getlength)
    while hi - lo > 4:
        mid = (lo + hi) // 2
        lines = wrap(text, mid, font.getlength)
        if len(lines) <= count:
            best, hi = lines, mid
        else:
            lo = mid
    return best


def render(slip: Slip, style: Style, font_path: str = "") -> Rendered:
    """Draw `slip` in `style`. Raises fonts.FontNotFoundError if no CJK font is available."""
    regular = fonts.find_font(font_path)
    bold = fonts.bold_variant(regular)
    inner = style.width - 2 * style.margin
    ops: list[Callable[[ImageDraw.ImageDraw, Image.Image, int], None]] = []
    offsets: list[int] = []
    breaks: list[int] = []
    y = style.margin

    def add_lines(text: str, font: ImageFont.FreeTypeFont, x: int, width: int, center: bool = False) -> None:
        nonlocal y
        step = round(font.size * style.leading)
        lines = wrap(text, width, font.getlength)
        if center and len(lines) > 1:
            lines = _balanced(text, width, font, len(lines))
        for line in lines:
            left = x + (width - font.getlength(line)) / 2 if center else x
            offsets.append(y)
            ops.append(lambda d, _img, top, s=line, f=font, lx=left: d.text((lx, top), s, font=f, fill=0))
            y += step
            breaks.append(y)

    for block in slip.blocks:
        if block.kind == "title":
            add_lines(block.text, fonts.load(bold, style.title), style.margin, inner, center=True)
        elif block.kind == "subtitle":
            add_lines(block.text, fonts.load(regular, style.subtitle), style.margin, inner, center=True)
        elif block.kind == "heading":
            y += style.gap
            font = fonts.load(bold, style.heading)
            pad = style.gap // 2
            lines = wrap(block.text, inner - 2 * pad, font.getlength)
            band = round(font.size * style.leading) * len(lines) + pad
            offsets.append(y)
            ops.append(
                lambda d, _img, t, h=band: d.rectangle((style.margin, t, style.width - style.margin - 1, t + h), fill=0)
            )
            for line in lines:
                offsets.append(y + pad // 2)
                ops.append(lambda d, _img, t, s=line, f=font, x=style.margin + pad: d.text((x, t), s, font=f, fill=255))
                y += round(font.size * style.leading)
            y += pad + style.gap // 2
            breaks.append(y)
        elif block.kind == "bullet":
            body = fonts.load(regular, style.body)
            indent = round(body.size * 0.9)
            dot = max(3, body.size // 6)
            top = y + round(body.size * 0.62) - dot // 2
            offsets.append(top)
            ops.append(lambda d, _img, t, r=dot: d.ellipse((style.margin + 2, t, style.margin + 2 + r, t + r), fill=0))
            add_lines(block.text, body, style.margin + indent, inner - indent)
        elif block.kind == "text":
            add_lines(block.text, fonts.load(regular, style.body), style.margin, inner)
        elif block.kind == "small":
            add_lines(block.text, fonts.load(regular, style.small), style.margin, inner)
        elif block.kind == "check":
            body = fonts.load(regular, style.body)
            box = round(body.size * 0.8)
            indent = round(body.size * 1.2)
            top = y + round(body.size * 0.18)
            offsets.append(top)
            ops.append(
                lambda d, _img, t, b=box: d.rectangle((style.margin, t, style.margin + b, t + b), outline=0, width=2)
            )
            add_lines(block.text, fonts.load(bold, style.body), style.margin + indent, inner - indent)
            for detail in block.lines:
                add_lines(detail, fonts.load(regular, style.small), style.margin + indent, inner - indent)
            y += style.gap // 2
            breaks.append(y)
        elif block.kind == "qr":
            y += style.gap
            module = _qr_module(block.text, style)
            code = _qr_image(block.text, module)
            left = (style.width - code.width) // 2
            offsets.append(y)
            ops.append(lambda _d, img, t, c=code, lx=left: img.paste(c, (lx, t)))
            y += code.height
            breaks.append(y)
            for caption in block.lines:
                add_lines(caption, fonts.load(bold, style.body), style.margin, inner, center=True)
        elif block.kind == "rule":
            y += style.gap
            offsets.append(y)
            ops.append(lambda d, _img, t: d.line((style.margin, t, style.width - style.margin, t), fill=0, width=2))
            y += 2 + style.gap
            breaks.append(y)
        else:
            raise ValueError(f"unknown slip block kind {block.kind!r}")

    height = y + style.margin * 2
    canvas = Image.new("L", (style.width, height), 255)
    draw = ImageDraw.Draw(canvas)
    for op, top in zip(ops, offsets, strict=True):
        op(draw, canvas, top)
    image = canvas.point(lambda v: 255 if v > THRESHOLD else 0, mode="1")
    return Rendered(image=image, breaks=breaks)


def receipt(slip: Slip, dots: int, font_path: str = "") -> Image.Image:
    """The slip as a 1-bit image exactly `dots` wide, for an ESC/POS printer."""
    return render(slip, Style.receipt(dots), font_path).image


def a4_pages(slip: Slip, font_path: str = "") -> list[Image.Image]:
    """The slip on A4 pages, cut only between lines."""
    style = Style.a4()
    drawn = render(slip, style, font_path)
    # The drawn slip without its own top and bottom margins; each page adds the page's margins.
    end = max(drawn.breaks) if drawn.breaks else drawn.image.height
    content = drawn.image.crop((0, style.margin, style.width, end))
    breaks = [b - style.margin for b in drawn.breaks]
    page_h = A4_PX[1] - 2 * style.margin
    pages: list[Image.Image] = []
    top = 0
    while top < content.height:
        limit = top + page_h
        if limit >= content.height:
            bottom = content.height
        else:
            cuts = [b for b in breaks if top < b <= limit]
            bottom = cuts[-1] if cuts else limit
        page = Image.new("1", A4_PX, 1)
        page.paste(content.crop((0, top, style.width, bottom)), (0, style.margin))
        pages.append(page)
        top = bottom
    return pages


def a4_pdf(slip: Slip, font_path: str = "") -> bytes:
    """The slip as an A4 PDF (what the CUPS backend sends with lp)."""
    pages = a4_pages(slip, font_path)
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=A4_DPI)
    return out.getvalue()
