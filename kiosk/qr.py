"""QR codes to the county's online services and portal pages.

Only http(s) URLs whose host is on the site's allowlist (qr_allowed_hosts) ever become a code: a
code on a government terminal must not send a phone anywhere else. Error correction M reads well
on screens and on 203-dpi receipts.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterable
from pathlib import Path

import qrcode
import qrcode.constants
import qrcode.image.svg

from content_sync.urls import check_url

ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
QUIET_ZONE = 4  # modules of white around the code, as the standard asks
KINDS = ("guide", "document", "apply")
# The one "record" of kind apply: the county's online application form for government information.
APPLY_ONLINE = "online"


def allowed_url(url: str | None, allowed_hosts: Iterable[str]) -> str | None:
    """`url` if it may become a code (http(s), allowlisted host), else None."""
    if not url:
        return None
    try:
        return check_url(url, {h.lower() for h in allowed_hosts})
    except ValueError:
        return None


def _code(url: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE)
    code.add_data(url)
    code.make(fit=True)
    return code


def matrix(url: str) -> list[list[bool]]:
    """The code's modules, quiet zone included; True is dark."""
    return _code(url).get_matrix()


def svg(url: str) -> str:
    """A small scalable SVG (one path) of the code for `url`."""
    code = _code(url)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def record_url(release, kind: str, record_id: str) -> str | None:
    """The allowlisted URL a record's code points to, or None (unknown record, no URL, bad host)."""
    if kind == "guide":
        record = release.guide(record_id)
        url = record.online_url if record else None
    elif kind == "document":
        record = release.document(record_id)
        url = record.url if record else None
    elif kind == "apply" and record_id == APPLY_ONLINE:
        office = release.site.disclosure_office
        url = office.online_url if office else None
    else:
        return None
    return allowed_url(url, release.site.qr_allowed_hosts)


class QrCache:
    """SVGs on disk under CACHE_DIR/qr/<release id>/, rebuilt for each release.

    A code depends only on the URL, and a release never changes, so a file written once is good
    for the release's life. Directories of other releases are removed when a new one is used.
    """

    def __init__(self, cache_dir: str | os.PathLike):
        self.root = Path(cache_dir) / "qr"
        self._lock = threading.Lock()
        self._current: str | None = None

    def _release_dir(self, release_id: str) -> Path:
        directory = self.root / release_id
        if self._current != release_id:
            with self._lock:
                if self._current != release_id:
                    directory.mkdir(parents=True, exist_ok=True)
                    for other in self.root.iterdir():
                        if other.name != release_id and other.is_dir():
                            shutil.rmtree(other, ignore_errors=True)
                    self._current = release_id
        return directory

    def get(self, release, kind: str, record_id: str) -> str | None:
        """The SVG for a record of `release`, or None if it gets no code."""
        if kind not in KINDS:
            return None
        url = record_url(release, kind, record_id)
        if url is None:
            return None
        path = self._release_dir(release.id) / f"{kind}-{record_id}.svg"
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            pass
        text = svg(url)
        tmp = path.with_suffix(f".{threading.get_ident()}.tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            tmp.unlink(missing_ok=True)  # a full or read-only cache only costs speed
        return text
