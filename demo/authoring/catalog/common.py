"""Shared helpers of the sample county's authoring scripts: paths, the schema, JSON writing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
COUNTY = REPO / "demo" / "county"
HERE = Path(__file__).resolve().parent

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from content_sync.schema import ValidationContext  # noqa: E402


def load_domains() -> list[dict]:
    """The county's domains (demo/county/domains.json), in file order."""
    return json.loads((COUNTY / "domains.json").read_text(encoding="utf-8"))


def domain_names() -> dict[str, str]:
    """Map a domain slug to its Chinese name, e.g. social -> 社会保险."""
    return {d["id"]: d["name"] for d in load_domains()}


def context(site: dict) -> ValidationContext:
    """The bundle-wide facts the schema checks (domain names, allowed URL hosts)."""
    return ValidationContext(
        domains={d["name"] for d in load_domains()},
        allowed_hosts=set(site["qr_allowed_hosts"]),
    )


CHECK_ONLY = "--check" in sys.argv[1:]


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` to `path` unless it already holds exactly that; return whether it differed.

    With --check on the command line nothing is written: the caller reports stale files instead.
    """
    if path.exists() and path.read_bytes() == data:
        return False
    if CHECK_ONLY:
        print(f"stale: {path.relative_to(REPO)}")
        return True
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def finish(changed: int) -> None:
    """In --check mode, fail when a file is not what the authoring data would produce."""
    if CHECK_ONLY and changed:
        raise SystemExit(f"{changed} file(s) out of date; run the build script without --check")


def json_bytes(value: object) -> bytes:
    """Pretty, stable JSON (UTF-8, Chinese kept readable, newline at the end)."""
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def jsonl_bytes(records: list[dict]) -> bytes:
    """One compact JSON object per line."""
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records).encode("utf-8")
