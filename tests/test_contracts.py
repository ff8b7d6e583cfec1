"""Each on-disk contract has one owner module; nobody else opens its file or names it.

The owners (docs/architecture.md has the same table):

- content.sqlite: content_sync.release_db (writes it, opens it read-only for everyone else)
- state.sqlite: content_sync.state (opens it; each table's module migrates and queries its tables)
- release.json and the release directory layout: content_sync.release (with content_sync.paths)
- the search index directory: content_sync.search_index.builder writes it, kiosk.search.engine reads it
- kiosk.toml: kiosk.config
- KEYS_DIR/signed-versions.sqlite (the publisher's record of signed versions): content_sync.signed_log
- intake.sqlite (the disclosure office's store, county side): content_sync.intake.store
- the pinyin table in CACHE_DIR/ime/: kiosk.ime.lexicon

The layer rules themselves are import-linter contracts in pyproject.toml (`lint-imports`).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for package in ("kiosk", "content_sync") for p in (ROOT / package).rglob("*.py"))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def code_strings(path: Path) -> list[str]:
    """Every string constant of a module except docstrings (what the code itself names)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


def calls(path: Path, pattern: str) -> bool:
    """True if the code (comments and docstrings aside) contains `pattern`."""
    text = "\n".join(line.split("#", 1)[0] for line in path.read_text(encoding="utf-8").splitlines())
    return re.search(pattern, text) is not None


OWNERS = {
    # what the code may not do / name  →  the modules that may
    r"\bsqlite3\.connect\(": {
        "content_sync/state.py",
        "content_sync/release_db.py",
        "content_sync/search_index/builder.py",  # writes the index's suggest.sqlite
        "content_sync/signed_log.py",  # the publisher's KEYS_DIR/signed-versions.sqlite
        "content_sync/intake/store.py",  # the disclosure office's intake.sqlite (county side)
        "kiosk/ime/lexicon.py",  # the pinyin table in CACHE_DIR (the input method's own file)
    },
    r"\bpaths\.state_db\(": {"content_sync/state.py"},
    r"\bpaths\.RELEASE_DB\b": {"content_sync/release.py", "content_sync/release_db.py"},
    r"\bpaths\.RELEASE_MANIFEST\b": {"content_sync/release.py"},
    r"\bSUGGEST_DB\b": {
        "content_sync/search_index/builder.py",
        "content_sync/search_index/__init__.py",
        "kiosk/search/engine.py",
    },
    r"\bimport tomllib\b": {"kiosk/config.py"},
    # one way to open a write transaction: content_sync.state.write()
    r"BEGIN( IMMEDIATE| EXCLUSIVE)?\b": {"content_sync/state.py", "content_sync/intake/store.py"},
}

FILE_NAMES = {
    "content.sqlite": {"content_sync/paths.py"},
    "state.sqlite": {"content_sync/paths.py", "kiosk/config.py"},  # config: DATA_DIR's help text
    "release.json": {"content_sync/paths.py", "content_sync/release.py"},
    "suggest.sqlite": {"content_sync/search_index/builder.py"},
    "kiosk.toml": {"kiosk/config.py"},
    "intake.sqlite": {"content_sync/intake/store.py"},
}


def test_the_sources_are_found():
    assert len(SOURCES) > 40 and any(rel(p) == "kiosk/config.py" for p in SOURCES)


@pytest.mark.parametrize("pattern", sorted(OWNERS))
def test_only_the_owner_opens_the_contract(pattern):
    offenders = sorted(rel(p) for p in SOURCES if calls(p, pattern) and rel(p) not in OWNERS[pattern])
    assert offenders == [], f"{pattern} outside its owner: {offenders}"
    assert any(calls(ROOT / owner, pattern) for owner in OWNERS[pattern]), "the owner list is out of date"


@pytest.mark.parametrize("name", sorted(FILE_NAMES))
def test_only_the_owner_names_the_contract_file(name):
    offenders = sorted(
        rel(p) for p in SOURCES if rel(p) not in FILE_NAMES[name] and any(name in s for s in code_strings(p))
    )
    assert offenders == [], f"{name!r} named outside its owner: {offenders}"


def test_the_web_layer_reads_no_raw_content_sql():
    """Pages read content.sqlite through kiosk.content's typed functions, never with SQL of their own."""
    web = [
        "kiosk/public.py",
        "kiosk/printing/views.py",
        "kiosk/search/views.py",
        "kiosk/admin/views.py",
        "kiosk/monitoring.py",
    ]
    offenders = [w for w in web if calls(ROOT / w, r"\.db\.execute\(|\bconn\.execute\(")]
    assert offenders == []
