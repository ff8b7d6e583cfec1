"""The four layouts every audit check runs in (standard and 长辈模式, portrait and landscape, 1080p)
and what "in view" and "big enough on the glass" mean on the documented panel."""

from __future__ import annotations

import math

from kiosk.config import DEFAULTS

LAYOUTS = {"portrait": (1080, 1920), "landscape": (1920, 1080)}
MODES = ["standard", "elder"]
TARGET_MM = {"standard": 15, "elder": 20}


def target_px(width: int, height: int, mm: float) -> float:
    """`mm` on the glass of the documented panel (PANEL_DIAGONAL_INCHES) at width x height pixels.

    Not CSS millimetres: Chromium maps those at 96 dpi, whatever the panel."""
    return mm * math.hypot(width, height) / (DEFAULTS["PANEL_DIAGONAL_INCHES"] * 25.4)


def set_mode(page, base: str, mode: str) -> None:
    """Open the home screen in `mode`, switching 长辈模式 on with its button when asked."""
    page.goto(base + "/")
    if mode == "elder":
        page.locator("#bottombar .bar-elder").tap()
        page.wait_for_selector("html.elder")
        page.wait_for_load_state("load")


def in_view(page, locator) -> bool:
    """The element is wholly on screen, above the bottom bar of 返回 / 首页."""
    box = locator.bounding_box()
    bar = page.locator("#bottombar").bounding_box()
    width = page.viewport_size["width"]
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= bar["y"] + 1
        and box["x"] >= 0
        and box["x"] + box["width"] <= width + 1
    )


def intersects(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )
