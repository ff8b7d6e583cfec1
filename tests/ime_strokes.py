"""Handwritten characters recorded as strokes, for the handwriting tests.

Each character is drawn programmatically the way a hand writes it: strokes in writing order,
each a polyline of points sampled every few pixels on a 300 x 300 box (y grows downwards).
The browser test replays the same strokes on the pad, scaled to its size.
"""

from __future__ import annotations

BOX = 300


def _line(*corners: tuple[int, int], step: int = 6) -> list[tuple[int, int]]:
    """A stroke through `corners`, sampled every `step` pixels."""
    points = [corners[0]]
    for (x0, y0), (x1, y1) in zip(corners, corners[1:], strict=False):
        n = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) / step))
        points.extend((round(x0 + (x1 - x0) * i / n), round(y0 + (y1 - y0) * i / n)) for i in range(1, n + 1))
    return points


STROKES: dict[str, list[list[tuple[int, int]]]] = {
    # 十: 横, then 竖
    "十": [_line((40, 150), (260, 150)), _line((150, 30), (150, 280))],
    # 人: 撇 from the top down to the left, then 捺 from half-way down it to the right
    "人": [_line((150, 30), (140, 110), (40, 270)), _line((130, 150), (200, 210), (265, 265))],
    # 口: 竖, 横折, 横 (a square on its own: the enclosure 囗 is drawn the same way)
    "口": [
        _line((100, 100), (105, 200)),
        _line((100, 100), (200, 100), (195, 200)),
        _line((105, 198), (195, 198)),
    ],
    # 大: 横, 撇, 捺
    "大": [
        _line((60, 110), (240, 105)),
        _line((148, 40), (145, 120), (120, 190), (60, 260)),
        _line((150, 125), (190, 190), (250, 250)),
    ],
}
