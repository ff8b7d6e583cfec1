"""Size limits of the content (docs/content-format.md, "Limits"): checked when sources are
validated, and again on the terminal before it builds; each problem names file, record, field
and size. And the publisher never writes a target outside the repository."""

from __future__ import annotations

import json

import pytest

from content_sync import schema
from content_sync import sync as sync_module
from content_sync.bundle import check_bundle
from content_sync.errors import SchemaError
from content_sync.publish import write_repository
from content_sync.release import verify_release
from content_sync.shards import Shards, canonical, shard_bundle
from content_sync.sources import read_source_dir
from content_sync.sync_errors import ContentInvalid, PublishError

from . import county_source as src
from .sync_fixtures import edit_guide, make_county, portal_fixture

portal = pytest.fixture(portal_fixture, name="portal")


def test_an_oversized_summary_fails_validation_naming_file_record_field_and_size(tmp_path):
    src.write_source(tmp_path, guides=[src.guide(summary="办" * 24_000)])
    with pytest.raises(SchemaError) as caught:
        read_source_dir(tmp_path)
    text = str(caught.value)
    assert "guides.jsonl" in text and "field summary" in text
    assert "24,000 characters long; the limit is 10,000" in text


def test_a_long_real_policy_body_passes(tmp_path):
    # A whole code the size of the 民法典: 1,260 articles of about 95 characters, ~120,000 in all.
    article = (
        "第{n}条　县级以上人民政府应当加强对本行政区域内政府信息公开工作的组织领导，建立健全工作机制，"
        "保障所需经费，并将政府信息公开工作纳入年度考核内容，定期向社会公布。"
    )
    body = "\n".join(article.format(n=n) for n in range(1, 1261))
    assert 100_000 < len(body) < schema.BODY_MAX
    src.write_source(tmp_path, documents=[src.document(body=body), src.interpretation()])
    bundle = read_source_dir(tmp_path)
    assert bundle.documents[0].body == body


def test_too_many_list_items_are_named_with_their_count(tmp_path):
    src.write_source(tmp_path, guides=[src.guide(keywords=[f"词{i}" for i in range(51)])])
    with pytest.raises(SchemaError) as caught:
        read_source_dir(tmp_path)
    assert "field keywords" in str(caught.value) and "50" in str(caught.value)


def test_an_oversized_attachment_and_too_many_records_are_bundle_problems():
    bundle = make_county()
    bundle.attachments["d-0001/full.txt"] = b"x" * (schema.ATTACHMENT_MAX_BYTES + 1)
    problems = check_bundle(bundle)
    assert any(p.file == "attachments/d-0001/full.txt" and "the limit is 20,971,520" in p.message for p in problems)


def test_the_limits_are_in_the_published_json_schema():
    guide = schema.Guide.model_json_schema()
    assert guide["properties"]["summary"]["maxLength"] == schema.LONG_TEXT_MAX
    assert guide["properties"]["keywords"]["maxItems"] == 50
    assert schema.Document.model_json_schema()["properties"]["body"]["maxLength"] == schema.BODY_MAX


@pytest.fixture
def synced(portal):
    bundle = make_county()
    portal.publish(bundle)
    portal.sync()
    return portal, portal.active()["id"]


def test_the_terminal_refuses_a_signed_oversized_field_before_building(synced):
    portal, before = synced
    # Signed by the county's own keys but never validated: what a publisher without limits sent.
    bundle = edit_guide(make_county(), "g-extra-04", summary="长" * 24_000)
    shards = shard_bundle(bundle)
    write_repository(shards, portal.repo, portal.keys_dir)
    with pytest.raises(ContentInvalid) as caught:
        portal.sync()
    assert "record" in str(caught.value) and "(id=g-extra-04), field summary" in str(caught.value)
    assert "24,000 characters long" in str(caught.value)
    assert portal.active()["id"] == before
    assert portal.attempts()[-1]["error_kind"] == "content_invalid"


def test_the_terminal_refuses_an_oversized_shard_before_downloading_it(synced, monkeypatch):
    portal, before = synced
    portal.publish(edit_guide(make_county(), "g-extra-04", summary="新的说明"))
    monkeypatch.setattr(sync_module, "SHARD_MAX_BYTES", 64)
    with pytest.raises(ContentInvalid) as caught:
        portal.sync()
    assert "bytes; the limit is 64" in str(caught.value)
    assert not any("/targets/guides/" in p for p in portal.server.target_paths())
    assert portal.active()["id"] == before
    assert verify_release(portal.terminal / "current") == []


@pytest.mark.parametrize("name", ["../evil.json", "guides/../../evil.json", "/etc/evil.json", "a\\..\\b.json", "a//b"])
def test_the_publisher_refuses_target_names_that_could_leave_the_repository(tmp_path, portal, name):
    shards = Shards(files={"manifest.json": canonical({"format": 1, "shards": []}), name: b"{}"})
    with pytest.raises(PublishError, match="refusing target name"):
        write_repository(shards, portal.repo, portal.keys_dir)
    assert not (portal.repo.parent / "evil.json").exists()
    assert not (portal.repo / "metadata" / "timestamp.json").exists()


def test_shards_at_the_limits_fit_the_shard_limit():
    # The largest JSON shard: a chunk of documents at most 8 x the chunk size, each body at its limit.
    doc = make_county().documents[0]
    big = json.loads(canonical(doc.model_dump(mode="json")))
    big["body"] = "字" * schema.BODY_MAX
    one = len(canonical(big))
    assert one * 16 < schema.SHARD_MAX_BYTES


def test_a_guide_may_have_one_long_field_but_not_all_of_them_long(tmp_path):
    long_condition = "申请人应当" + "符合本县规定的条件，" * 190  # ~1,900 characters each
    src.write_source(tmp_path, guides=[src.guide(conditions=[long_condition])])
    assert read_source_dir(tmp_path).guides[0].conditions == [long_condition]
    src.write_source(tmp_path, guides=[src.guide(conditions=[long_condition] * 50, legal_basis=[long_condition] * 50)])
    with pytest.raises(SchemaError) as caught:
        read_source_dir(tmp_path)
    assert "characters in all; the limit is 100,000" in str(caught.value)
    assert "guides.jsonl" in str(caught.value)
