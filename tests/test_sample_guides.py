"""The sample county's service guides and life events: valid, complete, and consistent with each other.

The files are read directly (JSON Lines parsed here) so that these checks do not depend on the
source reader; the pydantic models are the single definition of a valid record.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from content_sync.schema import Domain, Guide, LifeEvent, ValidationContext
from demo.authoring import build_guides

ROOT = Path(__file__).resolve().parent.parent
COUNTY = ROOT / "demo" / "county"
INDEX = ROOT / "demo" / "authoring" / "guide_index.json"

# From the sample county's description (docs/content-format.md): its hosts and halls.
ALLOWED_HOSTS = {"hechuan.gov.example", "zwfw.province.gov.example"}
HALL_IDS = {"hall-county", "hall-estate", "center-changning", "center-baishu", "center-datang"}
ONLINE_BASE = "https://zwfw.province.gov.example/item/"


@pytest.fixture(scope="module")
def domains() -> list[Domain]:
    raw = json.loads((COUNTY / "domains.json").read_text(encoding="utf-8"))
    return [Domain.model_validate(d) for d in raw]


@pytest.fixture(scope="module")
def context(domains: list[Domain]) -> ValidationContext:
    return ValidationContext(domains={d.name for d in domains}, allowed_hosts=set(ALLOWED_HOSTS))


@pytest.fixture(scope="module")
def raw_guides() -> list[dict]:
    lines = (COUNTY / "guides.jsonl").read_text(encoding="utf-8").splitlines()
    records = []
    for number, line in enumerate(lines, 1):
        assert line.strip(), f"guides.jsonl, line {number}: empty line"
        records.append(json.loads(line))
    return records


@pytest.fixture(scope="module")
def guides(raw_guides: list[dict], context: ValidationContext) -> list[Guide]:
    parsed = []
    for number, record in enumerate(raw_guides, 1):
        try:
            parsed.append(Guide.model_validate(record, context=context))
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            pytest.fail(f"guides.jsonl, line {number} (id={record.get('id')}): {exc}")
    return parsed


@pytest.fixture(scope="module")
def life_events() -> list[LifeEvent]:
    raw = json.loads((COUNTY / "life_events.json").read_text(encoding="utf-8"))
    return [LifeEvent.model_validate(e) for e in raw]


def test_sample_has_at_least_150_guides_in_at_least_15_domains(guides: list[Guide]) -> None:
    assert len(guides) >= 150
    assert len({g.domain for g in guides}) >= 15


def test_guide_ids_and_item_codes_are_unique(guides: list[Guide]) -> None:
    for field in ("id", "item_code", "name"):
        counts = Counter(getattr(g, field) for g in guides)
        assert [v for v, n in counts.items() if n > 1] == [], f"repeated {field}"


def test_guides_file_is_sorted_by_id(guides: list[Guide]) -> None:
    ids = [g.id for g in guides]
    assert ids == sorted(ids)


def test_guide_id_names_the_slug_of_its_domain(guides: list[Guide], domains: list[Domain]) -> None:
    slug_of = {d.name: d.id for d in domains}
    for g in guides:
        assert re.fullmatch(rf"g-{re.escape(slug_of[g.domain])}-\d{{2}}", g.id), g.id


def test_every_guide_tells_conditions_materials_and_steps(guides: list[Guide]) -> None:
    for g in guides:
        assert 2 <= len(g.conditions) <= 5, g.id
        assert 2 <= len(g.materials) <= 8, g.id
        assert 3 <= len(g.steps) <= 6, g.id
        assert all(s.detail for s in g.steps), g.id
        assert g.summary and g.result and g.keywords, g.id
        assert g.updated_at.year == 2026, g.id


def test_materials_and_conditions_are_written_for_each_service(guides: list[Guide]) -> None:
    """No two guides share the same list of materials or of conditions (no template with the name swapped)."""
    materials = Counter(tuple(m.name for m in g.materials) for g in guides)
    conditions = Counter(tuple(g.conditions) for g in guides)
    assert [m for m, n in materials.items() if n > 1] == []
    assert [c for c, n in conditions.items() if n > 1] == []


def test_online_url_is_the_platform_page_of_the_item_code(guides: list[Guide]) -> None:
    with_url = [g for g in guides if g.online_url]
    assert len(with_url) >= len(guides) - 5
    for g in with_url:
        assert urlsplit(g.online_url).hostname in ALLOWED_HOSTS, g.id
        assert g.online_url == ONLINE_BASE + g.item_code, g.id


def test_guides_name_only_known_halls(guides: list[Guide]) -> None:
    for g in guides:
        assert set(g.hall_ids) <= HALL_IDS, g.id
    handled_in_townships = [g for g in guides if "center-baishu" in g.hall_ids]
    handled_in_estate_centre = [g for g in guides if "hall-estate" in g.hall_ids]
    assert len(handled_in_townships) >= 20
    assert len(handled_in_estate_centre) >= 10


def test_some_services_are_same_day_and_some_charge_a_fee(guides: list[Guide]) -> None:
    assert sum(g.promised_limit_days == 0 for g in guides) >= 20
    charged = [g for g in guides if g.fee != "不收费"]
    assert charged and all(g.fee_basis for g in charged)


def test_index_matches_the_guides(guides: list[Guide]) -> None:
    index = json.loads(INDEX.read_text(encoding="utf-8"))
    by_id = {g.id: g for g in guides}
    assert sorted(e["id"] for e in index) == sorted(by_id)
    for entry in index:
        guide = by_id[entry["id"]]
        for key in ("name", "domain", "department", "item_code", "item_type"):
            assert getattr(guide, key) == entry[key], (entry["id"], key)


def test_at_least_12_valid_life_events_list_existing_guides(life_events: list[LifeEvent], guides: list[Guide]) -> None:
    assert len(life_events) >= 12
    assert len({e.id for e in life_events}) == len(life_events)
    known = {g.id for g in guides}
    for event in life_events:
        assert event.id.startswith("e-"), event.id
        assert len(event.guide_ids) >= 3, event.id
        assert set(event.guide_ids) <= known, event.id


def test_written_files_are_what_the_authoring_script_builds() -> None:
    assert build_guides.main(["--check"]) == 0


def test_build_names_the_guide_whose_department_is_unknown() -> None:
    entry = dict(build_guides.load_index()[0], department="禾川县不存在的局")
    part = build_guides.authored_parts()[entry["id"]]
    with pytest.raises(build_guides.BuildError, match=rf"^{entry['id']}: department '禾川县不存在的局'"):
        build_guides.assemble(entry, part)


def test_build_refuses_a_guide_missing_from_the_index() -> None:
    index = build_guides.load_index()[1:]
    with pytest.raises(build_guides.BuildError, match=r"guides not in guide_index.json: g-affordable-01$"):
        build_guides.build(index)
