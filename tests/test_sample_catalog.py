"""The sample county's catalog, documents, attachments, synonyms and site (demo/county/).

The sample is kept as a county keeps its content: CSV sheets (the workbook form, one file per
sheet) and attachments. `content-sync validate demo/county` checks it against the rules; these
tests check what the sample must show (coverage, realistic spreads, links that resolve).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import get_args
from urllib.parse import urlsplit

import pytest

from content_sync.bundle import ContentBundle
from content_sync.schema import CatalogItem, DisclosureType, Document, Guide, Site, SynonymGroup
from content_sync.sources import LIST_FIELDS, SHEET_HEADERS, read_source_dir
from content_sync.workbook_layout import WORKBOOKS

REPO = Path(__file__).resolve().parents[1]
COUNTY = REPO / "demo" / "county"

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


def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    headers = rows[0]
    body = [r for r in rows[1:] if any(v.strip() for v in r)]
    return headers, [to_record(headers, r) for r in body]


@pytest.fixture(scope="module")
def bundle() -> ContentBundle:
    return read_source_dir(COUNTY)


@pytest.fixture(scope="module")
def site(bundle) -> Site:
    return bundle.site


@pytest.fixture(scope="module")
def sheets() -> dict[str, tuple[list[str], list[dict]]]:
    return {name: read_csv(COUNTY / "catalog" / name) for name in ("县级目录.csv", "乡级目录.csv")}


@pytest.fixture(scope="module")
def catalog(bundle) -> list[CatalogItem]:
    return bundle.catalog


@pytest.fixture(scope="module")
def documents(bundle) -> list[Document]:
    return bundle.documents


@pytest.fixture(scope="module")
def synonyms(bundle) -> list[SynonymGroup]:
    return bundle.synonyms


@pytest.fixture(scope="module")
def guides(bundle) -> list[Guide]:
    return bundle.guides


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


def test_every_sheet_of_the_sample_is_csv_utf8_with_bom_like_excel_exports():
    paths = sorted(p for p in COUNTY.rglob("*.csv") if "attachments" not in p.parts)
    assert len(paths) >= 12
    for path in paths:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path
    assert not [p for p in COUNTY.rglob("*") if p.suffix in (".json", ".jsonl", ".xlsx")]


def test_the_sample_s_workbook_sheets_have_every_column_in_the_layout_s_order():
    for book in WORKBOOKS:
        for sheet in book.sheets:
            with (COUNTY / book.name / f"{sheet.name}.csv").open(encoding="utf-8-sig", newline="") as f:
                assert next(csv.reader(f)) == [c.header for c in sheet.columns], (book.name, sheet.name)


def test_catalog_has_at_least_400_valid_rows_with_unique_ids(catalog):
    assert len(catalog) >= 400
    dupes = [i for i, n in Counter(c.id for c in catalog).items() if n > 1]
    assert dupes == []
    assert all(c.id.startswith("c-") for c in catalog)


def test_catalog_covers_every_domain_both_levels_and_all_five_disclosures(catalog, bundle):
    domains = bundle.domains
    assert len(domains) == 28
    assert {c.domain for c in catalog} == {d.name for d in domains}
    assert {lvl for c in catalog for lvl in c.level} == {"县级", "乡级"}
    assert any(c.level == ["县级", "乡级"] for c in catalog)
    assert {c.disclosure_type for c in catalog} == DISCLOSURE_TYPES


def test_rows_go_to_the_sheet_of_their_level(sheets):
    _, county = sheets["县级目录.csv"]
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


def test_every_guide_has_a_row_with_exactly_its_name(catalog, guides):
    by_guide = {c.guide_id: c for c in catalog if c.guide_id}
    assert guides
    for guide in guides:
        row = by_guide.get(guide.id)
        assert row is not None, f"no catalog row for guide {guide.id}"
        assert row.name == guide.name
        assert row.domain == guide.domain
        assert row.url == f"https://zwfw.province.gov.example/item/{guide.item_code}"


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
