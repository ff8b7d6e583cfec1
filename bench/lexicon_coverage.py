"""How much of the product lexicon real catalogs use: per group, do its official forms occur in
each catalog's item names?

    python bench/lexicon_coverage.py --catalog guangdong=../shared/corpora/guangdong_items.jsonl \
        [--catalog NAME=PATH[?FIELD=VALUE] ...] [--groups groups.tsv] [--missing]

A catalog is a JSON Lines file of items (its ``name``, ``catalog_name`` and ``sub_item`` fields
are read; a portal's colloquial names or short phrases are never read, they are not how a
catalog names services) or a text file with one item name per line. A group counts as found in a
catalog when one of its official forms is a substring of one of the catalog's item names.
``?FIELD=VALUE`` keeps only the JSON items whose FIELD equals VALUE (``?level=市级``: the city
items of a file that also holds provincial ones).

Prints, per domain and overall, how many groups are found in each catalog, in any and in none;
``--groups`` writes one row per group (id, then for each catalog the official forms found);
``--missing`` lists the groups no catalog names. Last, per catalog, the share of its item names
that contain an official form of some topic group (actions left out): the items a citizen's
everyday word can reach through the lexicon.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from content_sync.search_index.lexicon import Group, default_lexicon  # noqa: E402

NAME_FIELDS = ("name", "catalog_name", "sub_item")


def read_catalog(path: Path, where: tuple[str, str] | None = None) -> list[str]:
    """Item names of a catalog file (JSON Lines with NAME_FIELDS, or one name per line)."""
    names: set[str] = set()
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            if line.startswith("{"):
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise SystemExit(f"{path}:{n}: not JSON ({exc})") from exc
                if where and str(item.get(where[0])) != where[1]:
                    continue
                names.update(str(item[k]) for k in NAME_FIELDS if item.get(k))
            else:
                names.add(line)
    return sorted(names)


def found_forms(group: Group, names: list[str]) -> list[str]:
    return [form for form in group.official if any(form in name for name in names)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--catalog", action="append", required=True, metavar="NAME=PATH")
    ap.add_argument("--groups", type=Path, help="write a per-group TSV here")
    ap.add_argument("--missing", action="store_true", help="list the groups no catalog names")
    args = ap.parse_args(argv)

    catalogs: dict[str, list[str]] = {}
    for spec in args.catalog:
        name, sep, path = spec.partition("=")
        if not sep or not name or not path:
            ap.error(f"--catalog {spec!r}: expected NAME=PATH")
        path, _, cond = path.partition("?")
        field, eq, value = cond.partition("=")
        if cond and not (field and eq):
            ap.error(f"--catalog {spec!r}: expected ?FIELD=VALUE after the path")
        catalogs[name] = read_catalog(Path(path), (field, value) if cond else None)

    lex = default_lexicon()
    groups = lex.groups + lex.actions
    hits: dict[str, dict[str, list[str]]] = {
        g.id: {c: found_forms(g, names) for c, names in catalogs.items()} for g in groups
    }

    by_domain: dict[str, list[Group]] = defaultdict(list)
    for g in groups:
        by_domain[g.domain].append(g)

    cols = list(catalogs)
    print("catalogs: " + ", ".join(f"{c} ({len(n)} names)" for c, n in catalogs.items()))
    header = ["domain", "groups", *cols, "any", "none"]
    rows = []
    for domain in sorted(by_domain, key=lambda d: -len(by_domain[d])):
        gs = by_domain[domain]
        rows.append(_row(domain, gs, hits, cols))
    rows.append(_row("all", list(groups), hits, cols))
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        print(
            "  ".join(
                str(v).ljust(w) if i == 0 else str(v).rjust(w) for i, (v, w) in enumerate(zip(r, widths, strict=True))
            )
        )

    forms = {f for g in lex.groups for f in g.official}
    print()
    for c, names in catalogs.items():
        reached = sum(1 for name in names if any(f in name for f in forms))
        print(
            f"{c}: {reached} of {len(names)} item names ({reached / max(len(names), 1):.0%})"
            " contain a topic group's official form"
        )

    if args.groups:
        with args.groups.open("w", encoding="utf-8") as f:
            f.write("\t".join(["id", *cols]) + "\n")
            for g in groups:
                f.write("\t".join([g.id, *(" ".join(hits[g.id][c]) for c in cols)]) + "\n")
    if args.missing:
        print("\nnamed by no catalog:")
        for g in groups:
            if not any(hits[g.id].values()):
                print(f"  {g.id}\t{' '.join(g.official)}")
    return 0


def _row(label: str, gs: list[Group], hits, cols: list[str]) -> list[str]:
    n = len(gs)

    def share(k: int) -> str:
        return f"{k} ({k / n:.0%})" if n else "0"

    per = [share(sum(1 for g in gs if hits[g.id][c])) for c in cols]
    anyhit = sum(1 for g in gs if any(hits[g.id].values()))
    return [label, str(n), *per, share(anyhit), share(n - anyhit)]


if __name__ == "__main__":
    sys.exit(main())
