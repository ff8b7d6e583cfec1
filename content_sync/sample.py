"""Where the sample county's sources are: packaged in a wheel, or demo/county/ in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def sample_source_dir() -> Path:
    packaged = _PACKAGE / "sample_county"
    return packaged if packaged.is_dir() else _PACKAGE.parent / "demo" / "county"
