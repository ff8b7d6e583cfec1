"""Cut a ContentBundle into small, deterministic target files and put it back together.

Every shard is canonical JSON (sorted keys, no whitespace, UTF-8, no timestamps of its own), so
unchanged content always gives byte-identical shards and therefore identical hashes: publishing
the same sources twice changes no target.

Shards:
    manifest.json                    the shard names in order (format, names, kinds)
    site.json, domains.json, life_events.json, synonyms.json
    catalog/<domain-id>/<first-id>.json      a few catalog rows of one domain
    guides/<domain-id>/<first-id>.json       a few guides of one domain
    documents/<kind>/<first-id>.json         a few documents of one kind
    attachments/<path>                       each attachment file as it is
    application_status.json                  progress of applications (hashes only), if any

Records of one (kind, group) are cut into chunks by their ids (content-defined chunking): a
chunk ends after a record whose id hashes to 0 modulo the chunk size. Editing a record changes
only its chunk; inserting or deleting one changes only its chunk and its chunk's name at most;
the other chunks keep their bytes. The manifest lists names only, so editing records leaves it
unchanged; it changes when chunks appear or disappear.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from .bundle import ContentBundle
from .errors import Problem, SchemaError
from .schema import (
    ApplicationStatus,
    CatalogItem,
    Document,
    Domain,
    Guide,
    LifeEvent,
    Site,
    SynonymGroup,
    ValidationContext,
)

MANIFEST = "manifest.json"
FORMAT = 1

DOCUMENT_KIND_SLUGS = {
    "政策文件": "policy",
    "规范性文件": "normative",
    "政策解读": "interpretation",
    "通知公告": "notice",
    "政府公报": "gazette",
    "工作动态": "news",
}


@dataclass(frozen=True)
class ShardSizes:
    """Average number of records per chunk. Smaller chunks: less to download after a small change,
    more files and metadata entries. Guides are the largest records, so their chunks are smallest."""

    catalog: int = 4
    guides: int = 2
    documents: int = 2


@dataclass
class Shards:
    """The shard files of one bundle, in manifest order; `files` includes manifest.json."""

    files: dict[str, bytes] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.files)


def canonical(obj: Any) -> bytes:
    """Deterministic JSON bytes: sorted keys, no insignificant whitespace, UTF-8."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _dump(record) -> dict:
    return record.model_dump(mode="json")


def _is_boundary(record_id: str, size: int) -> bool:
    if size <= 1:
        return True
    return int(hashlib.sha256(record_id.encode()).hexdigest()[:8], 16) % size == 0


def chunk(records: Sequence, size: int) -> list[list]:
    """Cut `records` (in order) into chunks whose ends depend only on the records' ids."""
    chunks: list[list] = []
    current: list = []
    for record in records:
        current.append(record)
        if _is_boundary(record.id, size) or len(current) >= size * 8:
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    return chunks


def normalise(bundle: ContentBundle) -> ContentBundle:
    """The record order terminals get: grouped as the shards group them, source order within a group.

    Catalog rows and guides follow the order of domains.json, documents the order of kinds;
    the order inside each group is the county's.
    """
    domain_rank = {d.name: i for i, d in enumerate(bundle.domains)}
    kind_rank = {k: i for i, k in enumerate(DOCUMENT_KIND_SLUGS)}

    def by_domain(records):
        return sorted(records, key=lambda r: domain_rank.get(r.domain, len(domain_rank)))

    return ContentBundle(
        site=bundle.site,
        domains=list(bundle.domains),
        catalog=by_domain(bundle.catalog),
        guides=by_domain(bundle.guides),
        documents=sorted(bundle.documents, key=lambda d: kind_rank[d.kind]),
        life_events=list(bundle.life_events),
        synonyms=list(bundle.synonyms),
        attachments=dict(sorted(bundle.attachments.items())),
        application_status=sorted(bundle.application_status, key=lambda s: s.code_hash),
    )


def shard_bundle(bundle: ContentBundle, sizes: ShardSizes | None = None) -> Shards:
    """Cut a validated bundle into shard files (manifest.json first)."""
    sizes = sizes or ShardSizes()
    bundle = normalise(bundle)
    domain_ids = {d.name: d.id for d in bundle.domains}
    entries: list[dict[str, str]] = []
    files: dict[str, bytes] = {}

    def add(name: str, kind: str, data: bytes) -> None:
        entries.append({"name": name, "kind": kind})
        files[name] = data

    add("site.json", "site", canonical(_dump(bundle.site)))
    add("domains.json", "domains", canonical([_dump(d) for d in bundle.domains]))

    def grouped(kind: str, records: Iterable, group_of: Callable[[Any], str], size: int) -> None:
        groups: dict[str, list] = {}
        for record in records:
            groups.setdefault(group_of(record), []).append(record)
        for group, members in groups.items():
            for part in chunk(members, size):
                add(f"{kind}/{group}/{part[0].id}.json", kind, canonical([_dump(r) for r in part]))

    grouped("catalog", bundle.catalog, lambda r: domain_ids.get(r.domain, "other"), sizes.catalog)
    grouped("guides", bundle.guides, lambda r: domain_ids.get(r.domain, "other"), sizes.guides)
    grouped("documents", bundle.documents, lambda r: DOCUMENT_KIND_SLUGS[r.kind], sizes.documents)
    add("life_events.json", "life_events", canonical([_dump(e) for e in bundle.life_events]))
    add("synonyms.json", "synonyms", canonical([_dump(s) for s in bundle.synonyms]))
    for path, data in bundle.attachments.items():
        add(f"attachments/{path}", "attachment", data)
    if bundle.application_status:
        # Left out when empty, so a county that takes no applications publishes what it did before.
        add("application_status.json", "application_status", canonical([_dump(s) for s in bundle.application_status]))

    manifest = canonical({"format": FORMAT, "shards": entries})
    return Shards(files={MANIFEST: manifest, **files})


def read_manifest(data: bytes) -> list[dict[str, str]]:
    """The shard entries of a manifest; a ContentInvalid-worthy SchemaError if it is malformed."""
    try:
        manifest = json.loads(data)
        if manifest.get("format") != FORMAT:
            raise ValueError(f"unsupported manifest format {manifest.get('format')!r}")
        entries = manifest["shards"]
        for entry in entries:
            if not isinstance(entry.get("name"), str) or not isinstance(entry.get("kind"), str):
                raise ValueError("every shard needs a name and a kind")
        return entries
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SchemaError([Problem(MANIFEST, "", "", f"malformed manifest: {exc}")]) from None


def _problems_from(name: str, index: int | None, record: Any, exc: ValidationError) -> list[Problem]:
    rid = record.get("id") if isinstance(record, dict) else None
    where = "" if index is None else f"record {index + 1}" + (f" (id={rid})" if rid else "")
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        out.append(Problem(name, where, loc, err["msg"]))
    return out


def assemble_bundle(entries: list[dict[str, str]], read: Callable[[str], bytes]) -> ContentBundle:
    """Rebuild a ContentBundle from verified shard files, validating every record again.

    `read(name)` returns a shard's bytes. Raises SchemaError naming shard, record and field.
    """
    problems: list[Problem] = []
    raw: dict[str, list] = {"catalog": [], "guides": [], "documents": []}
    single: dict[str, Any] = {}
    attachments: dict[str, bytes] = {}
    for entry in entries:
        name, kind = entry["name"], entry["kind"]
        data = read(name)
        if kind == "attachment":
            path = name.removeprefix("attachments/")
            if path == name or path.startswith("/") or ".." in path.split("/"):
                problems.append(Problem(name, "", "", "an attachment must stay inside attachments/"))
            else:
                attachments[path] = data
            continue
        try:
            value = json.loads(data)
        except ValueError as exc:
            problems.append(Problem(name, "", "", f"not valid JSON: {exc}"))
            continue
        if kind in raw:
            if not isinstance(value, list):
                problems.append(Problem(name, "", "", "expected a JSON array of records"))
                continue
            raw[kind] += [(name, i, r) for i, r in enumerate(value)]
        elif kind in ("site", "domains", "life_events", "synonyms", "application_status"):
            single[kind] = (name, value)
        else:
            problems.append(Problem(name, "", "", f"unknown shard kind {kind!r}"))
    if "site" not in single:
        problems.append(Problem(MANIFEST, "", "", "no site.json shard"))
        raise SchemaError(problems)

    def one(model, name, index, record, context=None):
        try:
            return model.model_validate(record, context=context)
        except ValidationError as exc:
            problems.extend(_problems_from(name, index, record, exc))
            return None

    site = one(Site, single["site"][0], None, single["site"][1])

    def many(kind: str, model, context=None) -> list:
        if kind not in single:
            return []
        name, value = single[kind]
        if not isinstance(value, list):
            problems.append(Problem(name, "", "", "expected a JSON array of records"))
            return []
        return [r for i, rec in enumerate(value) if (r := one(model, name, i, rec, context)) is not None]

    domains = many("domains", Domain)
    context = ValidationContext(
        domains={d.name for d in domains}, allowed_hosts=set(site.qr_allowed_hosts) if site else None
    )

    def records(kind: str, model) -> list:
        return [r for name, i, rec in raw[kind] if (r := one(model, name, i, rec, context)) is not None]

    bundle = ContentBundle(
        site=site,
        domains=domains,
        catalog=records("catalog", CatalogItem),
        guides=records("guides", Guide),
        documents=records("documents", Document),
        life_events=many("life_events", LifeEvent, context),
        synonyms=many("synonyms", SynonymGroup),
        attachments=attachments,
        application_status=many("application_status", ApplicationStatus),
    )
    if problems:
        raise SchemaError(problems)
    return bundle
