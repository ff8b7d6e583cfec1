"""Tracking codes: 12 digits, the last a Damm check digit, read aloud in three groups of four.

Digits only, because a citizen reads the code to the office's phone line and an elderly citizen
types it on the terminal's digit keys; the Damm check digit catches every single wrong digit and
every swap of two neighbouring digits, so a mistyped code says "check the code" instead of
showing somebody else's status. 11 random digits give 10^11 codes per county.

The status list in the signed content carries `status_hash(code)`, never the code itself.
"""

from __future__ import annotations

import hashlib
import secrets

LENGTH = 12
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_STATUS_HASH_PREFIX = b"disclosure-kiosk/application-status/v1:"


def damm(digits: str) -> int:
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][ord(ch) - 48]
    return interim


def new_code() -> str:
    body = "".join(secrets.choice("0123456789") for _ in range(LENGTH - 1))
    return body + str(damm(body))


def normalise(text: str) -> str | None:
    """The code in `text` (spaces, dashes and full-width digits allowed), or None if it is not a
    well-formed code whose check digit holds."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    digits = "".join(ch for ch in text.translate(_FULL_WIDTH) if ch not in " -－—\t")
    if len(digits) != LENGTH or not digits.isascii() or not digits.isdigit():
        return None
    return digits if damm(digits) == 0 else None


def grouped(code: str) -> str:
    """3817 2046 5593: how the code is printed and shown."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def status_hash(code: str) -> str:
    """What the signed status list publishes for `code` (hex SHA-256 with a fixed prefix)."""
    return hashlib.sha256(_STATUS_HASH_PREFIX + code.encode("ascii")).hexdigest()
