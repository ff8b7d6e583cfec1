"""Assemble the sample county's service guides and life events; write guides.jsonl and life_events.json.

Run from the repository root:  python -m demo.authoring.build_guides [--check]

The index (guide_index.json) owns each guide's id, name, domain, department, item code and item
type; the `guides_<domain>` modules own the rest; `common` fills in per-department facts. Every
record is validated with `content_sync.schema.Guide` before anything is written, and the output is
deterministic (sorted by id, one JSON object per line), so `--check` can tell if the file is stale.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from content_sync.schema import Guide, LifeEvent, ValidationContext
from demo.authoring import common
from demo.authoring.life_events import LIFE_EVENTS

HERE = Path(__file__).resolve().parent
COUNTY = HERE.parent / "county"
INDEX = HERE / "guide_index.json"
OUTPUT = COUNTY / "guides.jsonl"
LIFE_EVENTS_OUTPUT = COUNTY / "life_events.json"

DOMAIN_MODULES = [
    "social",
    "employ",
    "hukou",
    "assist",
    "elderly",
    "health",
    "edu",
    "estate",
    "civil",
    "food",
    "agri",
    "affordable",
    "legal",
    "tax",
    "municipal",
    "ruralhouse",
    "env",
    "cityenf",
    "safety",
    "culture",
    "disaster",
    "poverty",
    "landcomp",
]

INDEX_KEYS = ("id", "name", "domain", "department", "item_code", "item_type")


class BuildError(Exception):
    """The authoring sources disagree with each other or with the schema."""


def load_index(path: Path = INDEX) -> list[dict[str, str]]:
    """The guide index: one entry per guide, the contract shared with the catalog sheets."""
    return json.loads(path.read_text(encoding="utf-8"))


def authored_parts(modules: list[str] = DOMAIN_MODULES) -> dict[str, dict[str, Any]]:
    """Per-service parts from every available `guides_<domain>` module, keyed by guide id."""
    parts: dict[str, dict[str, Any]] = {}
    for name in modules:
        try:
            module = importlib.import_module(f"demo.authoring.guides_{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"demo.authoring.guides_{name}":
                raise
            continue
        for part in module.GUIDES:
            if part["id"] in parts:
                raise BuildError(f"guides_{name}: guide {part['id']} is written twice")
            parts[part["id"]] = part
    return parts


def assemble(entry: dict[str, str], part: dict[str, Any]) -> dict[str, Any]:
    """One guide record: index entry + authored part + department defaults."""
    department = entry["department"]
    if department not in common.DEPARTMENTS:
        raise BuildError(f"{entry['id']}: department {department!r} has no entry in common.DEPARTMENTS")
    dept = common.DEPARTMENTS[department]
    level = part["_level"]
    if level not in common.LEVELS:
        raise BuildError(f"{entry['id']}: unknown level {level!r}")
    hall_ids, location = common.LEVELS[level]
    default_hours = {"estate": common.HOURS_ESTATE, "township-only": common.HOURS_TOWNSHIP}.get(level, common.HOURS)
    record = {key: entry[key] for key in INDEX_KEYS}
    record.update({k: v for k, v in part.items() if not k.startswith("_")})
    record.update(
        window=part["_window"] or dept["window"],
        location=part["_location"] or location,
        hours=part["_hours"] or default_hours,
        consult_phone=part["_phone"] or dept["phone"],
        online_url=common.ONLINE_BASE + entry["item_code"] if part["_online"] else None,
        hall_ids=list(hall_ids if part["_halls"] is None else part["_halls"]),
    )
    return record


def build(index: list[dict[str, str]] | None = None, *, partial: bool = False) -> list[dict[str, Any]]:
    """All guides, validated and sorted by id. Unless `partial`, every index entry needs a guide."""
    index = load_index() if index is None else index
    parts = authored_parts()
    by_id = {e["id"]: e for e in index}
    if len(by_id) != len(index):
        raise BuildError("guide_index.json repeats an id")
    codes = [e["item_code"] for e in index]
    if len(set(codes)) != len(codes):
        raise BuildError("guide_index.json repeats an item_code")
    unknown = sorted(set(parts) - set(by_id))
    if unknown:
        raise BuildError(f"guides not in guide_index.json: {', '.join(unknown)}")
    missing = sorted(set(by_id) - set(parts))
    if missing and not partial:
        raise BuildError(f"{len(missing)} index entries have no guide yet: {', '.join(missing[:10])} …")
    domains = json.loads((COUNTY / "domains.json").read_text(encoding="utf-8"))
    context = ValidationContext(
        domains={d["name"] for d in domains},
        allowed_hosts={"hechuan.gov.example", "zwfw.province.gov.example"},
    )
    records = []
    for gid in sorted(parts):
        record = assemble(by_id[gid], parts[gid])
        try:
            Guide.model_validate(record, context=context)
        except ValueError as exc:
            raise BuildError(f"{gid}: {exc}") from exc
        records.append(record)
    return records


def build_life_events(guide_ids: set[str]) -> list[dict[str, Any]]:
    """All life events, validated; every guide they list must exist."""
    seen: set[str] = set()
    for record in LIFE_EVENTS:
        if record["id"] in seen:
            raise BuildError(f"life event {record['id']} is written twice")
        seen.add(record["id"])
        try:
            LifeEvent.model_validate(record)
        except ValueError as exc:
            raise BuildError(f"life event {record['id']}: {exc}") from exc
        unknown = [g for g in record["guide_ids"] if g not in guide_ids]
        if unknown:
            raise BuildError(f"life event {record['id']}: unknown guide ids {', '.join(unknown)}")
        if len(set(record["guide_ids"])) != len(record["guide_ids"]):
            raise BuildError(f"life event {record['id']}: a guide is listed twice")
    return list(LIFE_EVENTS)


def render(records: list[dict[str, Any]]) -> str:
    """The JSON Lines text: one guide per line, Chinese kept readable."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def render_life_events(records: list[dict[str, Any]]) -> str:
    """The life events as a JSON array, one indented object per event."""
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if guides.jsonl is not up to date")
    parser.add_argument("--partial", action="store_true", help="allow index entries without a guide")
    args = parser.parse_args(argv)
    try:
        guides = build(partial=args.partial)
        events = build_life_events({g["id"] for g in guides})
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    outputs = {OUTPUT: render(guides), LIFE_EVENTS_OUTPUT: render_life_events(events)}
    if args.check:
        stale = [p for p, text in outputs.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        for path in stale:
            print(f"{path} is out of date; run python -m demo.authoring.build_guides", file=sys.stderr)
        return 1 if stale else 0
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(guides)} guides to {OUTPUT} and {len(events)} life events to {LIFE_EVENTS_OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
