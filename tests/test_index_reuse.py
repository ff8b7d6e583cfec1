"""A new release copies the active release's search index when it would be built from the same
inputs (phone numbers, hours and fees are not indexed), and builds it when anything indexed, the
index code or a library changed, or when the old index is damaged."""

from __future__ import annotations

import json

import pytest

from content_sync import paths
from content_sync.release import activate, build_release, verify_release
from content_sync.search_index import builder
from kiosk.search.engine import SearchEngine

from .factories import make_bundle


def _index_files(release) -> dict[str, bytes]:
    index = release / paths.RELEASE_INDEX
    return {p.relative_to(index).as_posix(): p.read_bytes() for p in sorted(index.rglob("*")) if p.is_file()}


def _edit_first_guide(bundle, **update):
    bundle.guides = [bundle.guides[0].model_copy(update=update), *bundle.guides[1:]]
    return bundle


@pytest.fixture
def first(tmp_path):
    release = build_release(make_bundle(), tmp_path)
    activate(tmp_path, release)
    return tmp_path, release


def _search_ids(release, query: str, cache) -> list[str]:
    return [hit.id for hit in SearchEngine(release, cache).search(query).hits]


def test_a_change_the_index_does_not_hold_copies_the_index(first, tmp_path):
    root, before = first
    bundle = _edit_first_guide(make_bundle(), consult_phone="0999-6000999", hours="周一至周六 8:30–18:00")
    after = build_release(bundle, root)
    # whoosh names its segment files at random: the same names and bytes mean a copy, not a build.
    assert _index_files(after) == _index_files(before)
    assert verify_release(after) == []
    assert _search_ids(after, "养老保险", tmp_path / "cache") == _search_ids(before, "养老保险", tmp_path / "cache")


def test_a_renamed_guide_is_indexed_again_and_found_by_its_new_name(first, tmp_path):
    root, before = first
    bundle = _edit_first_guide(make_bundle(), name="城乡居民养老保险参保登记（蓝鲸试点）", keywords=["蓝鲸"])
    after = build_release(bundle, root)
    assert set(_index_files(after)) != set(_index_files(before))
    assert (after / "index" / builder.INPUT_DIGEST_FILE).read_text() != (
        before / "index" / builder.INPUT_DIGEST_FILE
    ).read_text()
    assert bundle.guides[0].id in _search_ids(after, "蓝鲸", tmp_path / "cache")
    assert bundle.guides[0].id not in _search_ids(before, "蓝鲸", tmp_path / "cache")


def test_a_damaged_index_is_never_copied(first):
    root, before = first
    segment = next(p for p in (before / "index").iterdir() if p.suffix == ".seg")
    segment.write_bytes(segment.read_bytes()[:-1] + b"\x00")
    after = build_release(_edit_first_guide(make_bundle(), consult_phone="0999-6000999"), root)
    assert set(_index_files(after)) != set(_index_files(before))
    assert verify_release(after) == []


def test_an_index_built_by_other_code_is_not_copied(first, monkeypatch):
    root, before = first
    original = builder.input_digest
    monkeypatch.setattr(builder, "input_digest", lambda *args: original(*args) + "-new-code")
    after = build_release(make_bundle(), root)
    assert set(_index_files(after)) != set(_index_files(before))


def test_without_an_active_release_the_index_is_built(tmp_path):
    release = build_release(make_bundle(), tmp_path)
    lexicon = json.loads((release / "index" / "lexicon.json").read_text(encoding="utf-8"))
    assert lexicon["reused"] is False and lexicon["records"] > 0
    assert (release / "index" / builder.INPUT_DIGEST_FILE).read_text().strip() != ""
