"""Breaking Chinese text into lines that fit a width, by the usual rules of Chinese typesetting.

- No line starts with closing punctuation (，。、；：？！）》」』】 …) and no line ends with opening
  punctuation (（《「『【 …): the break moves back one unit until both hold.
- Runs of Latin letters and digits (a phone number, a URL piece, "10" in "10个工作日") stay whole
  unless a run alone is wider than the line.
- Nothing is dropped: joining the lines gives back the text, except spaces at a break.
"""

from __future__ import annotations

import re
from collections.abc import Callable

CLOSING = frozenset("，。、；：？！）》」』】〕〗〉’”…—·,.;:?!)]}%％‰℃°")
OPENING = frozenset("（《「『【〔〖〈‘“([{")
# What a Latin run is made of; "-" and "/" keep phone numbers and dates whole.
_UNITS = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-/.:_@#&+=%~]*|\s+|.", re.S)


def units(text: str) -> list[str]:
    """The unbreakable pieces of `text`: Latin runs, whitespace runs, and single other characters."""
    return _UNITS.findall(text)


def _breakable_at(pieces: list[str], k: int) -> bool:
    """True if a line may end after pieces[k-1] and the next start with pieces[k]."""
    before, after = pieces[k - 1], pieces[k]
    if after[0] in CLOSING:
        return False
    if before[-1] in OPENING:
        return False
    return True


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Lines of `text` no wider than `width`, as measured by `measure` (e.g. font.getlength).

    Explicit newlines start new lines. A piece wider than the whole line is split into characters.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, width, measure))
    return lines


def _wrap_paragraph(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    pieces = units(text)
    if not pieces:
        return [""]
    widths: dict[str, float] = {}

    def w(piece: str) -> float:
        value = widths.get(piece)
        if value is None:
            value = widths[piece] = measure(piece)
        return value

    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        pw = w(piece)
        if used + pw <= width or not line:
            if not line and pw > width and len(piece) > 1:
                # Too wide for any line: split it into characters (a very long URL or number).
                pieces[i : i + 1] = list(piece)
                continue
            if not line and piece.isspace():
                i += 1  # no leading spaces on a continued line
                continue
            line.append(piece)
            used += pw
            i += 1
            continue
        if piece.isspace():
            # A space at the break: end the line here and drop the space.
            lines.append("".join(line).rstrip())
            line, used = [], 0.0
            i += 1
            continue
        # Break before `piece`, moving the break back while the punctuation rules forbid it.
        candidate = line + [piece]
        k = len(line)
        while k > 0 and not _breakable_at(candidate, k):
            k -= 1
        if k == 0 and len(line[-1]) > 1 and not line[-1].isspace():
            # Only a Latin run could end the line: split off its last character rather than start
            # the next line with punctuation ("0999-612" / "3，…").
            run = line.pop()
            line += [run[:-1], run[-1]]
            k = len(line) - 1
        if k == 0 and len(piece) > 1:
            # Or split the incoming run so that its head can join the line ("（0" / "00AM").
            pieces[i : i + 1] = list(piece)
            continue
        if k == 0:
            k = len(line)  # no allowed break (e.g. a line of only punctuation): break anyway
        lines.append("".join(line[:k]).rstrip())
        line = [p for p in line[k:]]
        while line and line[0].isspace():
            line.pop(0)
        used = sum(w(p) for p in line)
        # `piece` is looked at again, now after the carried pieces.
    if line:
        lines.append("".join(line).rstrip())
    return lines
