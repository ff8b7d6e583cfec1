"""The schema rejects bad records, and says exactly where: file, record and field.

Each test spoils one thing in an otherwise valid source folder and reads it with the real reader.
The last tests keep docs/content-format.md and docs/schema/ true to the models.
"""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path

import pytest

from content_sync.cli import schema_documents
from content_sync.errors import Problem, SchemaError
from content_sync.schema import (
    Attachment,
    CatalogItem,
    DisclosureOffice,
    Document,
    Domain,
    Guide,
    Hall,
    LifeEvent,
    Material,
    Site,
    Step,
    SynonymGroup,
)
from content_sync.sources import SHEET_HEADERS, read_source_dir
from tests.county_source import (
    SHEET,
    catalog_row,
    document,
    guide,
    interpretation,
    life_event,
    second_row,
    site,
    write_source,
)

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "content-format.md"
SCHEMA_DIR = ROOT / "docs" / "schema"
MODELS = [
    Site,
    Hall,
    DisclosureOffice,
    Domain,
    CatalogItem,
    Guide,
    Material,
    Step,
    Document,
    Attachment,
    LifeEvent,
    SynonymGroup,
]


def problems_of(root: Path) -> list[Problem]:
    with pytest.raises(SchemaError) as caught:
        read_source_dir(root)
    return caught.value.problems


def test_the_fixture_source_is_valid(tmp_path):
    bundle = read_source_dir(write_source(tmp_path))
    assert bundle.counts()["catalog"] == 2 and bundle.guides[0].id == "g-social-01"


def test_catalog_row_without_a_name_is_rejected_at_the_cell(tmp_path):
    write_source(tmp_path, catalog={SHEET: [catalog_row(name="", guide_id="")]})
    assert problems_of(tmp_path) == [
        Problem(SHEET, "row 2 (id=c-social-001)", "事项名称 (name)", "empty; this column is required")
    ]


def test_guide_without_a_name_is_rejected(tmp_path):
    record = guide()
    del record["name"]
    write_source(tmp_path, guides=[record], catalog={SHEET: [second_row()]})
    assert problems_of(tmp_path) == [Problem("guides.jsonl", "line 1 (id=g-social-01)", "name", "Field required")]


def test_unknown_disclosure_type_is_rejected_with_the_value(tmp_path):
    write_source(tmp_path, catalog={SHEET: [catalog_row(), second_row(disclosure_type="决定")]})
    [problem] = problems_of(tmp_path)
    assert (problem.file, problem.record, problem.field) == (
        SHEET,
        "row 3 (id=c-social-002)",
        "公开类型 (disclosure_type)",
    )
    assert problem.message == "Input should be '决策', '执行', '管理', '服务' or '结果', got '决定'"


def test_unknown_domain_is_rejected_in_sheets_and_in_json(tmp_path):
    write_source(
        tmp_path,
        catalog={SHEET: [catalog_row(), second_row(domain="公共交通")]},
        documents=[document(), interpretation(domain="公共交通")],
    )
    assert problems_of(tmp_path) == [
        Problem(
            SHEET,
            "row 3 (id=c-social-002)",
            "业务领域 (domain)",
            "unknown domain '公共交通'; add it to domains.json first",
        ),
        Problem(
            "documents.jsonl",
            "line 2 (id=d-0002)",
            "domain",
            "unknown domain '公共交通'; add it to domains.json first",
        ),
    ]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("2024-13-05", "not a valid date (month must be in 1..12), got '2024-13-05'"),
        ("2024.13.05", "not a valid date (month must be in 1..12), got '2024.13.05'"),
        ("三月五日", "expected a date like 2024-03-05 or 2024/3/5, got '三月五日'"),
    ],
)
def test_malformed_date_in_a_sheet_is_rejected(tmp_path, cell, message):
    write_source(tmp_path, catalog={SHEET: [catalog_row(), second_row(updated_at=cell)]})
    assert problems_of(tmp_path) == [Problem(SHEET, "row 3 (id=c-social-002)", "更新日期 (updated_at)", message)]


def test_malformed_date_in_json_is_rejected(tmp_path):
    write_source(tmp_path, documents=[document(issued_on="2023/06/01"), interpretation()])
    [problem] = problems_of(tmp_path)
    assert (problem.file, problem.record, problem.field) == ("documents.jsonl", "line 1 (id=d-0001)", "issued_on")
    assert "valid date" in problem.message and "'2023/06/01'" in problem.message


@pytest.mark.parametrize(
    "url", ["ftp://www.hechuan.gov.example/a.pdf", "javascript:alert(1)", "www.hechuan.gov.example"]
)
def test_url_that_is_not_http_is_rejected(tmp_path, url):
    write_source(tmp_path, documents=[document(url=url), interpretation()])
    assert problems_of(tmp_path) == [
        Problem("documents.jsonl", "line 1 (id=d-0001)", "url", f"must be an http(s) URL, got {url!r}")
    ]


def test_url_outside_the_allowlist_is_rejected(tmp_path):
    write_source(
        tmp_path,
        guides=[guide(online_url="https://zwfw.province.gov.example.evil.test/item/1")],
        catalog={SHEET: [catalog_row(url="http://hechuan-gov.example/x"), second_row()]},
    )
    assert problems_of(tmp_path) == [
        Problem(
            SHEET,
            "row 2 (id=c-social-001)",
            "链接 (url)",
            "host 'hechuan-gov.example' is not in the site's allowlist (qr_allowed_hosts)",
        ),
        Problem(
            "guides.jsonl",
            "line 1 (id=g-social-01)",
            "online_url",
            "host 'zwfw.province.gov.example.evil.test' is not in the site's allowlist (qr_allowed_hosts)",
        ),
    ]


def test_subdomain_of_an_allowed_host_is_accepted(tmp_path):
    write_source(tmp_path, documents=[document(url="https://xxgk.hechuan.gov.example/d-0001"), interpretation()])
    assert read_source_dir(tmp_path).documents[0].url == "https://xxgk.hechuan.gov.example/d-0001"


def test_guide_material_without_a_name_is_rejected_at_its_index(tmp_path):
    materials = [{"name": "居民身份证"}, {"form": "复印件"}, {"name": "  "}]
    write_source(tmp_path, guides=[guide(materials=materials)], catalog={SHEET: [second_row()]})
    assert problems_of(tmp_path) == [
        Problem("guides.jsonl", "line 1 (id=g-social-01)", "materials[1].name", "Field required"),
        Problem(
            "guides.jsonl", "line 1 (id=g-social-01)", "materials[2].name", "String should have at least 1 character"
        ),
    ]


def test_duplicate_guide_id_is_reported_at_the_second_line(tmp_path):
    write_source(tmp_path, guides=[guide(), guide(name="另一个名称")])
    assert problems_of(tmp_path) == [
        Problem(
            "guides.jsonl",
            "line 2 (id=g-social-01)",
            "id",
            "duplicate id 'g-social-01': guides.jsonl, line 1 (id=g-social-01) already uses it",
        )
    ]


def test_duplicate_catalog_id_across_sheets_is_reported(tmp_path):
    other = "catalog/乡级目录.xlsx"
    write_source(tmp_path, catalog={SHEET: [catalog_row(), second_row()], other: [second_row(level="乡级")]})
    assert problems_of(tmp_path) == [
        Problem(
            SHEET,
            "row 3 (id=c-social-002)",
            "编号 (id)",
            f"duplicate id 'c-social-002': {other}, row 2 (id=c-social-002) already uses it",
        )
    ]


def test_duplicate_domain_name_is_reported(tmp_path):
    records = [{"id": "social", "name": "社会保险"}, {"id": "social-2", "name": "社会保险"}]
    write_source(tmp_path, domain_records=records)
    assert problems_of(tmp_path) == [
        Problem(
            "domains.json",
            "record 2 (id=social-2)",
            "name",
            "duplicate name '社会保险': domains.json, record 1 (id=social) already uses it",
        )
    ]


def test_unknown_json_field_is_rejected_as_a_likely_typo(tmp_path):
    record = guide()
    record["consult_phon"] = record.pop("consult_phone")
    write_source(tmp_path, guides=[record], catalog={SHEET: [second_row()]})
    assert problems_of(tmp_path) == [
        Problem("guides.jsonl", "line 1 (id=g-social-01)", "consult_phone", "Field required"),
        Problem(
            "guides.jsonl",
            "line 1 (id=g-social-01)",
            "consult_phon",
            "unknown field; check its spelling against docs/content-format.md",
        ),
    ]


def test_record_level_rule_is_reported_without_a_field(tmp_path):
    write_source(tmp_path, guides=[guide(statutory_limit_days=5, promised_limit_days=10)])
    assert problems_of(tmp_path) == [
        Problem(
            "guides.jsonl",
            "line 1 (id=g-social-01)",
            "",
            "promised_limit_days (10) is longer than statutory_limit_days (5)",
        )
    ]


def test_site_problem_names_the_hall_field(tmp_path):
    bad = site()
    bad["halls"][0]["kind"] = "大厅"
    write_source(tmp_path, site_record=bad)
    [problem] = problems_of(tmp_path)
    assert (problem.file, problem.record, problem.field) == ("site.json", "", "halls[0].kind")
    assert problem.message.endswith(", got '大厅'")
    assert str(problem).startswith("site.json, field halls[0].kind: Input should be")


# --- cross-record rules (bundle.check_bundle), located at the record --------------------------


def test_reference_to_a_missing_guide_is_located_at_the_catalog_cell(tmp_path):
    write_source(tmp_path, catalog={SHEET: [catalog_row(guide_id="g-social-09"), second_row()]})
    assert problems_of(tmp_path) == [
        Problem(SHEET, "row 2 (id=c-social-001)", "关联指南 (guide_id)", "no guide with id 'g-social-09'")
    ]


def test_catalog_name_must_equal_its_guide_name(tmp_path):
    write_source(tmp_path, catalog={SHEET: [catalog_row(name="居民养老保险参保"), second_row()]})
    assert problems_of(tmp_path) == [
        Problem(
            SHEET,
            "row 2 (id=c-social-001)",
            "事项名称 (name)",
            "differs from its guide's name '城乡居民养老保险参保登记'; they must be the same",
        )
    ]


def test_life_event_reference_and_missing_attachment_are_located(tmp_path):
    write_source(tmp_path, life_events=[life_event(guide_ids=["g-social-01", "g-none"])], attachments={})
    assert problems_of(tmp_path) == [
        Problem(
            "documents.jsonl",
            "line 1 (id=d-0001)",
            "attachments[0].path",
            "file attachments/d-0001/form.pdf is missing",
        ),
        Problem("life_events.json", "record 1 (id=e-retire)", "guide_ids[1]", "no guide with id 'g-none'"),
    ]


def test_a_rejected_guide_is_not_reported_again_as_missing_where_it_is_used(tmp_path):
    # The guide exists but is invalid: one problem, not a cascade through catalog and life events.
    write_source(tmp_path, guides=[guide(consult_phone="call us")])
    [problem] = problems_of(tmp_path)
    assert (problem.file, problem.record, problem.field) == ("guides.jsonl", "line 1 (id=g-social-01)", "consult_phone")


# --- the documentation and the generated JSON Schema stay true ------------------------------


def _section(text: str, title: str) -> str:
    match = re.search(rf"^### {re.escape(title)}\b.*?(?=^##)", text, flags=re.M | re.S)
    assert match, f"docs/content-format.md has no section '### {title}'"
    return match.group(0)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_is_documented_in_its_section(model):
    section = _section(DOC.read_text(encoding="utf-8"), model.__name__)
    missing = [name for name in model.model_fields if f"`{name}`" not in section]
    assert not missing, f"fields of {model.__name__} not described under '### {model.__name__}': {missing}"


def _literal_values(annotation) -> set[str]:
    if typing.get_origin(annotation) is typing.Literal:
        return {str(v) for v in typing.get_args(annotation)}
    values: set[str] = set()
    for arg in typing.get_args(annotation):
        values |= _literal_values(arg)
    return values


def test_every_allowed_value_of_every_vocabulary_is_documented():
    text = DOC.read_text(encoding="utf-8")
    missing = {
        f"{model.__name__}.{name}: {value}"
        for model in MODELS
        for name, info in model.model_fields.items()
        for value in _literal_values(info.annotation)
        if value not in text
    }
    assert not missing, sorted(missing)


def test_every_sheet_header_is_in_the_documented_header_table():
    text = DOC.read_text(encoding="utf-8")
    for header, field in SHEET_HEADERS.items():
        assert re.search(rf"^\| {header} \| `{field}` \|", text, flags=re.M), f"header row for {header} -> {field}"


def test_committed_json_schema_files_match_the_models():
    expected = schema_documents()
    assert sorted(p.name for p in SCHEMA_DIR.glob("*.json")) == sorted(expected)
    for name, document_ in expected.items():
        committed = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
        assert committed == document_, f"docs/schema/{name} is stale: run `content-sync schema`"


def test_the_examples_in_the_documentation_form_a_valid_source(tmp_path):
    blocks = re.findall(r"^```(json|csv) (\S+)\n(.*?)^```$", DOC.read_text(encoding="utf-8"), flags=re.M | re.S)
    files: dict[str, list[str]] = {}
    for _, name, body in blocks:
        files.setdefault(name, []).append(body)
    assert set(files) == {
        "site.json",
        "domains.json",
        "catalog/县级目录.csv",
        "guides.jsonl",
        "documents.jsonl",
        "life_events.json",
        "synonyms.json",
    }
    for name, bodies in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".jsonl"):  # shown across lines for reading; one record per line in a file
            text = "".join(json.dumps(json.loads(b), ensure_ascii=False) + "\n" for b in bodies)
        else:
            [text] = bodies
        path.write_text(text, encoding="utf-8")
    for doc in map(json.loads, files["documents.jsonl"]):
        for attachment in doc.get("attachments", []):
            (tmp_path / "attachments" / attachment["path"]).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / "attachments" / attachment["path"]).write_bytes(b"%PDF-1.4")
    bundle = read_source_dir(tmp_path)
    assert all(bundle.counts()[kind] >= 1 for kind in ("domains", "catalog", "guides", "documents", "synonyms"))
