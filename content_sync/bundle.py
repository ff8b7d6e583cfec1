"""A whole county's content in memory, and the checks that need all of it at once.

Readers (content_sync.sources) turn source files into a `ContentBundle`; the publisher shards it;
the terminal re-assembles it from verified targets and validates it again before building a
release. `check_bundle` is the one place cross-record rules live.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import Problem, SchemaError
from .schema import CatalogItem, Document, Domain, Guide, LifeEvent, Site, SynonymGroup
from .urls import check_url


@dataclass
class ContentBundle:
    """Validated records of one county. Attachments map their `path` to the file's bytes."""

    site: Site
    domains: list[Domain] = field(default_factory=list)
    catalog: list[CatalogItem] = field(default_factory=list)
    guides: list[Guide] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    life_events: list[LifeEvent] = field(default_factory=list)
    synonyms: list[SynonymGroup] = field(default_factory=list)
    attachments: dict[str, bytes] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "domains": len(self.domains),
            "catalog": len(self.catalog),
            "guides": len(self.guides),
            "documents": len(self.documents),
            "life_events": len(self.life_events),
            "synonyms": len(self.synonyms),
            "attachments": len(self.attachments),
        }


# Where each kind of record comes from, for messages about cross-record problems.
SOURCE_NAMES = {
    "domain": "domains.json",
    "catalog": "catalog/",
    "guide": "guides.jsonl",
    "document": "documents.jsonl",
    "life_event": "life_events.json",
    "synonym": "synonyms.json",
}


def _duplicates(kind: str, ids: Iterable[str]) -> list[Problem]:
    counts = Counter(ids)
    return [
        Problem(SOURCE_NAMES[kind], f"id={i}", "id", f"duplicate id (used {n} times)")
        for i, n in sorted(counts.items())
        if n > 1
    ]


def check_bundle(bundle: ContentBundle) -> list[Problem]:
    """Cross-record rules: unique ids, references that resolve, names that agree, safe URLs."""
    problems: list[Problem] = []
    problems += _duplicates("domain", (d.id for d in bundle.domains))
    problems += _duplicates("domain", (d.name for d in bundle.domains))
    problems += _duplicates("catalog", (c.id for c in bundle.catalog))
    problems += _duplicates("guide", (g.id for g in bundle.guides))
    problems += _duplicates("document", (d.id for d in bundle.documents))
    problems += _duplicates("life_event", (e.id for e in bundle.life_events))
    problems += _duplicates("synonym", (s.id for s in bundle.synonyms))

    domain_names = {d.name for d in bundle.domains}
    guides = {g.id: g for g in bundle.guides}
    documents = {d.id: d for d in bundle.documents}
    hall_ids = {h.id for h in bundle.site.halls}
    hosts = set(bundle.site.qr_allowed_hosts)

    def url_problem(file: str, record: str, name: str, url: str | None) -> None:
        if url:
            try:
                check_url(url, hosts)
            except ValueError as exc:
                problems.append(Problem(file, record, name, str(exc)))

    for item in bundle.catalog:
        where = ("catalog/", f"id={item.id}")
        if item.domain not in domain_names:
            problems.append(Problem(*where, "domain", f"unknown domain {item.domain!r}"))
        if item.guide_id:
            guide = guides.get(item.guide_id)
            if guide is None:
                problems.append(Problem(*where, "guide_id", f"no guide with id {item.guide_id!r}"))
            elif guide.name != item.name:
                problems.append(
                    Problem(*where, "name", f"differs from its guide's name {guide.name!r}; they must be the same")
                )
        for doc_id in item.document_ids:
            if doc_id not in documents:
                problems.append(Problem(*where, "document_ids", f"no document with id {doc_id!r}"))
        url_problem(*where, "url", item.url)

    for guide in bundle.guides:
        where = ("guides.jsonl", f"id={guide.id}")
        if guide.domain not in domain_names:
            problems.append(Problem(*where, "domain", f"unknown domain {guide.domain!r}"))
        for hall in guide.hall_ids:
            if hall not in hall_ids:
                problems.append(Problem(*where, "hall_ids", f"no hall with id {hall!r} in site.json"))
        url_problem(*where, "online_url", guide.online_url)

    for doc in bundle.documents:
        where = ("documents.jsonl", f"id={doc.id}")
        if doc.domain and doc.domain not in domain_names:
            problems.append(Problem(*where, "domain", f"unknown domain {doc.domain!r}"))
        if doc.interprets:
            target = documents.get(doc.interprets)
            if target is None:
                problems.append(Problem(*where, "interprets", f"no document with id {doc.interprets!r}"))
            elif target.kind == "政策解读":
                problems.append(Problem(*where, "interprets", "points to another interpretation, not a policy"))
        for i, att in enumerate(doc.attachments):
            if att.path not in bundle.attachments:
                problems.append(Problem(*where, f"attachments[{i}].path", f"file attachments/{att.path} is missing"))
        url_problem(*where, "url", doc.url)

    for event in bundle.life_events:
        for i, gid in enumerate(event.guide_ids):
            if gid not in guides:
                problems.append(
                    Problem("life_events.json", f"id={event.id}", f"guide_ids[{i}]", f"no guide with id {gid!r}")
                )
    return problems


def ensure_valid(bundle: ContentBundle) -> ContentBundle:
    """Raise SchemaError listing every cross-record problem; return the bundle if there are none."""
    problems = check_bundle(bundle)
    if problems:
        raise SchemaError(problems)
    return bundle
