"""Exporting a source folder as workbooks (or CSV sheets) and reading it back gives the same bundle.

Over the sample county (demo/county/, kept as CSV sheets) and over bundles hypothesis makes up,
with text of any script, punctuation, symbols and inner spaces, empty optional fields, many
materials and steps, bodies with line breaks.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content_sync.bundle import ContentBundle, check_bundle
from content_sync.sample import sample_source_dir
from content_sync.schema import (
    CatalogItem,
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
from content_sync.sources import read_source_dir
from content_sync.workbook_writer import export_bundle, export_source

SAMPLE = sample_source_dir()


@pytest.fixture(scope="module")
def sample():
    return read_source_dir(SAMPLE)


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_the_sample_county_exported_and_read_back_is_the_same_bundle(tmp_path: Path, sample, form: str) -> None:
    export_source(SAMPLE, tmp_path / "out", form)
    again = read_source_dir(tmp_path / "out")
    for name in ("site", "domains", "catalog", "guides", "documents", "life_events", "synonyms", "attachments"):
        assert getattr(again, name) == getattr(sample, name), name


# --- made-up bundles -------------------------------------------------------------------------

# Any letters, digits, punctuation, symbols and spaces (no control characters: a workbook cannot
# hold them, and the export says so); cells are trimmed, so values are too.
_CHARS = st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"))
text = st.text(_CHARS, min_size=1, max_size=30).map(str.strip).filter(bool)
optional = st.one_of(st.just(""), text)
dates = st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31))
days = st.one_of(st.none(), st.integers(0, 365))
body = st.lists(text, min_size=1, max_size=4).map("\n".join)
PHONE = st.sampled_from(["12345", "0999-6123001", "0999-6123001转8", "(0999) 612 3001"])
ids = st.from_regex(r"[a-z][a-z0-9_.-]{0,12}", fullmatch=True)

SITE = Site(
    county="测试县",
    county_code="999102",
    portal_base_url="https://www.ceshi.gov.example/",
    online_service_base_url="https://zwfw.province.gov.example/",
    qr_allowed_hosts=["ceshi.gov.example", "zwfw.province.gov.example"],
    halls=[
        Hall(id="hall-a", name="测试县政务服务中心", kind="政务服务大厅", level="县级", address="人民路1号",
             hours="周一至周五", phone="0999-6000001"),
        Hall(id="hall-b", name="东乡便民服务中心", kind="便民服务中心", level="乡级", address="东乡街2号",
             hours="工作日", phone="0999-6000002"),
    ],
    updated_at=dt.date(2026, 3, 1),
)  # fmt: skip


@st.composite
def materials(draw) -> Material:
    return Material(
        name=draw(text),
        form=draw(st.sampled_from(["原件", "复印件", "原件及复印件", "电子版"])),
        copies=draw(st.integers(0, 99)),
        required=draw(st.booleans()),
        notes=draw(optional),
        source=draw(optional),
    )


@st.composite
def guides(draw, ident: str, domain: str) -> Guide:
    statutory = draw(days)
    promised = draw(st.one_of(st.none(), st.integers(0, statutory if statutory is not None else 365)))
    return Guide(
        id=ident,
        name=draw(text),
        domain=domain,
        department=draw(text),
        item_code=draw(text),
        item_type=draw(st.sampled_from(["行政许可", "行政确认", "其他行政服务事项"])),
        audience=draw(st.sampled_from(["个人", "企业", "全体"])),
        summary=draw(optional),
        legal_basis=draw(st.lists(text, min_size=1, max_size=3)),
        conditions=draw(st.lists(text, min_size=1, max_size=3)),
        materials=draw(st.lists(materials(), min_size=1, max_size=5)),
        steps=draw(st.lists(st.builds(Step, name=text, detail=optional), min_size=1, max_size=4)),
        statutory_limit_days=statutory,
        promised_limit_days=promised,
        fee=draw(text),
        fee_basis=draw(optional),
        result=draw(text),
        window=draw(text),
        location=draw(text),
        hours=draw(text),
        consult_phone=draw(PHONE),
        complaint_phone=draw(PHONE),
        online_url=draw(st.sampled_from([None, "https://zwfw.province.gov.example/item/1"])),
        hall_ids=draw(st.lists(st.sampled_from(["hall-a", "hall-b"]), unique=True)),
        keywords=draw(st.lists(text, max_size=3)),
        updated_at=draw(dates),
    )


@st.composite
def bundles(draw) -> ContentBundle:
    domain_names = draw(st.lists(text, min_size=1, max_size=3, unique=True))
    domains = [
        Domain(id=f"dom{n}", name=name, description=draw(optional), pilot=draw(st.booleans()))
        for n, name in enumerate(domain_names)
    ]
    guide_list = [draw(guides(f"g-{n}", draw(st.sampled_from(domain_names)))) for n in range(draw(st.integers(1, 4)))]
    policy = Document(
        id="d-1",
        kind="规范性文件",
        title=draw(text),
        number=draw(optional),
        issuer=draw(text),
        issued_on=draw(dates),
        validity=draw(st.sampled_from(["有效", "失效", "废止"])),
        domain=draw(st.sampled_from([None, *domain_names])),
        summary=draw(optional),
        body=draw(body),
        url=draw(st.sampled_from([None, "https://www.ceshi.gov.example/xxgk/d-1.html"])),
        updated_at=draw(dates),
    )
    reading = Document(
        id="d-2",
        kind="政策解读",
        title=draw(text),
        issuer=draw(text),
        issued_on=draw(dates),
        body=draw(body),
        interprets="d-1",
        interpretation_form=draw(st.sampled_from([None, "图解", "简明问答"])),
        updated_at=draw(dates),
    )
    first = guide_list[0]
    catalog = [
        CatalogItem(
            id="c-1",
            disclosure_type="服务",
            domain=first.domain,
            category_1=draw(text),
            category_2=draw(optional),
            name=first.name,
            content=draw(text),
            basis=draw(text),
            publisher=draw(text),
            time_limit=draw(text),
            channels=["政府网站", "政务公开专区"],
            audience="个人",
            form="主动公开",
            status="已公开",
            service_class="行政服务",
            item_type="办事指南",
            level=["县级"],
            guide_id=first.id,
            document_ids=["d-1"],
            updated_at=draw(dates),
        )
    ]
    events = [
        LifeEvent(id="e-1", name=draw(text), description=draw(text), guide_ids=[g.id for g in guide_list],
                  updated_at=draw(dates))
    ]  # fmt: skip
    terms = draw(st.lists(st.text(_CHARS, min_size=1, max_size=10).map(str.strip).filter(bool), min_size=2,
                          max_size=4, unique=True))  # fmt: skip
    bundle = ContentBundle(
        site=SITE,
        domains=domains,
        catalog=catalog,
        guides=guide_list,
        documents=[policy, reading],
        life_events=events,
        synonyms=[SynonymGroup(id=draw(ids), terms=terms)],
    )
    assert check_bundle(bundle) == []
    return bundle


@pytest.mark.parametrize("form", ["xlsx", "csv"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundle=bundles())
def test_a_made_up_bundle_exported_and_read_back_is_the_same(form: str, bundle: ContentBundle) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        export_bundle(bundle, {}, Path(tmp) / "out", form)  # type: ignore[arg-type]
        assert read_source_dir(Path(tmp) / "out") == bundle
