"""The sample county's catalog, documents, attachments, synonyms and site (demo/county/).

These tests read the files the way docs/content-format.md describes them, with openpyxl, csv and json
only, so that they check the sample itself and not the project's source reader.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import get_args
from urllib.parse import urlsplit

import openpyxl
import pytest

from content_sync.schema import CatalogItem, DisclosureType, Document, Site, SynonymGroup, ValidationContext
from content_sync.sources import LIST_FIELDS, SHEET_HEADERS

REPO = Path(__file__).resolve().parents[1]
COUNTY = REPO / "demo" / "county"
AUTHORING = REPO / "demo" / "authoring" / "catalog"

NONE_IF_EMPTY = {"guide_id", "url"}
DISCLOSURE_TYPES = set(get_args(DisclosureType))


def split_list(text: str) -> list[str]:
    """A list cell: items separated by 、 ； ; or a newline."""
    for sep in ("；", ";", "\n"):
        text = text.replace(sep, "、")
    return [part.strip() for part in text.split("、") if part.strip()]


def to_record(headers: list[str], values: list[object]) -> dict:
    """Map one sheet row to CatalogItem fields by its Chinese headers."""
    record: dict = {}
    for header, value in zip(headers, values, strict=True):
        field = SHEET_HEADERS[header]
        text = "" if value is None else str(value).strip()
        if field in LIST_FIELDS:
            record[field] = split_list(text)
        elif field in NONE_IF_EMPTY:
            record[field] = text or None
        else:
            record[field] = text
    return record


def read_xlsx(path: Path) -> tuple[list[str], list[dict]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(wb.worksheets[0].iter_rows(values_only=True))
    finally:
        wb.close()
    headers = [str(h) for h in rows[0]]
    body = [r for r in rows[1:] if any(v not in (None, "") for v in r)]
    return headers, [to_record(headers, list(r)) for r in body]


def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    headers = rows[0]
    body = [r for r in rows[1:] if any(v.strip() for v in r)]
    return headers, [to_record(headers, r) for r in body]


@pytest.fixture(scope="module")
def site() -> Site:
    raw = json.loads((COUNTY / "site.json").read_text(encoding="utf-8"))
    return Site.model_validate(raw)


@pytest.fixture(scope="module")
def context(site: Site) -> ValidationContext:
    domains = json.loads((COUNTY / "domains.json").read_text(encoding="utf-8"))
    return ValidationContext(domains={d["name"] for d in domains}, allowed_hosts=set(site.qr_allowed_hosts))


@pytest.fixture(scope="module")
def sheets() -> dict[str, tuple[list[str], list[dict]]]:
    return {
        "县级目录.xlsx": read_xlsx(COUNTY / "catalog" / "县级目录.xlsx"),
        "乡级目录.csv": read_csv(COUNTY / "catalog" / "乡级目录.csv"),
    }


@pytest.fixture(scope="module")
def catalog(sheets, context) -> list[CatalogItem]:
    items = []
    for name, (_, records) in sheets.items():
        for row_number, record in enumerate(records, start=2):
            try:
                items.append(CatalogItem.model_validate(record, context=context))
            except Exception as exc:  # name the sheet and row, as the real reader would
                pytest.fail(f"catalog/{name}, row {row_number} (id={record.get('id')}): {exc}")
    return items


@pytest.fixture(scope="module")
def documents(context) -> list[Document]:
    lines = (COUNTY / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    return [Document.model_validate(json.loads(line), context=context) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def synonyms() -> list[SynonymGroup]:
    raw = json.loads((COUNTY / "synonyms.json").read_text(encoding="utf-8"))
    return [SynonymGroup.model_validate(g) for g in raw]


@pytest.fixture(scope="module")
def guide_index() -> list[dict]:
    return json.loads((AUTHORING / "guide_index.json").read_text(encoding="utf-8"))


# --- site ---------------------------------------------------------------------------------


def test_site_has_the_five_halls_and_the_county_hotline(site):
    assert site.county == "禾川县" and site.county_code == "999101"
    assert site.hotline == "12345"
    assert [(h.id, h.level) for h in site.halls] == [
        ("hall-county", "县级"),
        ("hall-estate", "县级"),
        ("center-changning", "乡级"),
        ("center-baishu", "乡级"),
        ("center-datang", "乡级"),
    ]
    assert set(site.qr_allowed_hosts) == {"hechuan.gov.example", "zwfw.province.gov.example"}


# --- catalog ------------------------------------------------------------------------------


def test_catalog_sheets_use_exactly_the_chinese_element_names(sheets):
    for headers, _ in sheets.values():
        assert sorted(headers) == sorted(SHEET_HEADERS)


def test_county_sheet_has_a_bold_header_and_fixed_dates():
    wb = openpyxl.load_workbook(COUNTY / "catalog" / "县级目录.xlsx")
    ws = wb.worksheets[0]
    assert all(c.font.bold for c in ws[1])
    assert ws.column_dimensions["F"].width >= 30  # 事项名称 is readable without resizing
    assert wb.properties.created == wb.properties.modified
    assert wb.properties.modified.year == 2026


def test_township_csv_is_utf8_with_bom_like_excel_exports():
    data = (COUNTY / "catalog" / "乡级目录.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data


def test_catalog_has_at_least_400_valid_rows_with_unique_ids(catalog):
    assert len(catalog) >= 400
    dupes = [i for i, n in Counter(c.id for c in catalog).items() if n > 1]
    assert dupes == []
    assert all(c.id.startswith("c-") for c in catalog)


def test_catalog_covers_every_domain_both_levels_and_all_five_disclosures(catalog):
    domains = json.loads((COUNTY / "domains.json").read_text(encoding="utf-8"))
    assert len(domains) == 28
    assert {c.domain for c in catalog} == {d["name"] for d in domains}
    assert {lvl for c in catalog for lvl in c.level} == {"县级", "乡级"}
    assert any(c.level == ["县级", "乡级"] for c in catalog)
    assert {c.disclosure_type for c in catalog} == DISCLOSURE_TYPES


def test_rows_go_to_the_sheet_of_their_level(sheets):
    _, county = sheets["县级目录.xlsx"]
    _, township = sheets["乡级目录.csv"]
    assert county and township
    assert all("县级" in r["level"] for r in county)
    assert all(r["level"] == ["乡级"] for r in township)


def test_catalog_has_a_realistic_spread_of_forms_statuses_and_types(catalog):
    forms = Counter(c.form for c in catalog)
    assert forms["主动公开"] > 0.9 * len(catalog) and forms["依申请公开"] >= 5
    statuses = Counter(c.status for c in catalog)
    assert statuses["已公开"] > 0.8 * len(catalog)
    for status in ("待公开", "部分公开", "近期不公开", "涉密不予公开"):
        assert statuses[status] >= 2, status
    assert {c.service_class for c in catalog} == {"行政服务", "便民服务", "日常工作"}
    assert len({c.item_type for c in catalog}) >= 15
    hidden = [c for c in catalog if not c.shown_on_kiosk]
    assert hidden and all(c.status == "涉密不予公开" for c in hidden)


def test_every_guide_has_a_row_with_exactly_its_name(catalog, guide_index):
    by_guide = {c.guide_id: c for c in catalog if c.guide_id}
    assert guide_index
    for guide in guide_index:
        row = by_guide.get(guide["id"])
        assert row is not None, f"no catalog row for guide {guide['id']}"
        assert row.name == guide["name"]
        assert row.domain == guide["domain"]
        assert row.url == f"https://zwfw.province.gov.example/item/{guide['item_code']}"


def test_catalog_document_links_resolve(catalog, documents):
    ids = {d.id for d in documents}
    linked = [(c.id, d) for c in catalog for d in c.document_ids]
    assert len(linked) >= 50
    assert [(c, d) for c, d in linked if d not in ids] == []


# --- documents ----------------------------------------------------------------------------


def test_documents_have_all_kinds_in_realistic_numbers(documents):
    assert len(documents) >= 60
    assert len({d.id for d in documents}) == len(documents)
    kinds = Counter(d.kind for d in documents)
    assert kinds["政策解读"] >= 12
    assert kinds["通知公告"] >= 15
    assert kinds["工作动态"] >= 3
    assert kinds["政府公报"] == 1
    assert kinds["规范性文件"] + kinds["政策文件"] >= 20
    validity = Counter(d.validity for d in documents if d.kind in ("规范性文件", "政策文件"))
    assert validity["有效"] and validity["失效"] and validity["废止"]
    assert all(d.number for d in documents if d.kind == "规范性文件")


def test_interpretations_point_at_existing_policies(documents):
    by_id = {d.id: d for d in documents}
    interpretations = [d for d in documents if d.kind == "政策解读"]
    for d in interpretations:
        target = by_id.get(d.interprets)
        assert target is not None, d.id
        assert target.kind != "政策解读", d.id
    assert {"简明问答", "明白卡", "图解"} <= {d.interpretation_form for d in interpretations}


def test_document_bodies_are_several_paragraphs_with_a_summary(documents):
    for d in documents:
        assert len(d.body.split("\n\n")) >= 2, d.id
        assert d.summary, d.id
    assert sum(1 for d in documents if d.domain) >= 0.8 * len(documents)


def test_attachments_exist_and_are_small_real_files(documents):
    attached = [(d.id, a) for d in documents for a in d.attachments]
    assert len({doc_id for doc_id, _ in attached}) >= 6
    for doc_id, a in attached:
        path = COUNTY / "attachments" / a.path
        assert path.is_file(), f"{doc_id}: attachments/{a.path} is missing"
        data = path.read_bytes()
        assert 0 < len(data) < 60_000, a.path
        if a.path.endswith(".pdf"):
            assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]
        elif a.path.endswith(".csv"):
            rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
            assert len(rows) >= 3 and len({len(r) for r in rows}) == 1, a.path
        else:
            assert data.decode("utf-8").strip()
    listed = {a.path for _, a in attached}
    on_disk = {p.name for p in (COUNTY / "attachments").iterdir()}
    assert on_disk == listed


# --- synonyms and URLs --------------------------------------------------------------------


def test_synonym_groups_are_many_with_unique_ids_and_everyday_words(synonyms):
    assert len(synonyms) >= 150
    assert len({g.id for g in synonyms}) == len(synonyms)
    first = {g.terms[0]: g.terms[1:] for g in synonyms}
    assert "低保" in first["最低生活保障"]
    assert "身份证" in first["居民身份证"]
    assert "房产证" in first["不动产权证书"]
    assert "驾照" in first["机动车驾驶证"]


def test_every_url_host_is_allowed_for_qr_codes(site, catalog, documents):
    hosts = set(site.qr_allowed_hosts)
    urls = [c.url for c in catalog if c.url] + [d.url for d in documents if d.url]
    urls += [site.portal_base_url, site.online_service_base_url]
    assert len(urls) > 200

    def allowed(url: str) -> bool:  # the allowlist admits a host and its subdomains
        host = urlsplit(url).hostname or ""
        return any(host == h or host.endswith("." + h) for h in hosts)

    assert [u for u in urls if not allowed(u)] == []
    assert all(d.url == f"https://www.hechuan.gov.example/xxgk/{d.id}.html" for d in documents)


# --- the files match their authoring data -------------------------------------------------


@pytest.mark.parametrize("script", ["build_content.py", "build_catalog.py"])
def test_sample_files_are_what_the_authoring_scripts_produce(script):
    result = subprocess.run(
        [sys.executable, str(AUTHORING / script), "--check"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
