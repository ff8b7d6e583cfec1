"""The sample county's service guides and life events: valid, complete, and consistent with each other.

The guides are kept as the county's staff keep them, in the sheets of demo/county/办事指南/
(事项, 材料, 流程); these tests check what the guides say, read by the project's reader (whose
own rules are tested in tests/test_workbooks.py).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from content_sync.bundle import ContentBundle
from content_sync.schema import Domain, Guide, LifeEvent
from content_sync.sources import read_source_dir

ROOT = Path(__file__).resolve().parent.parent
COUNTY = ROOT / "demo" / "county"

# From the sample county's description (docs/content-format.md): its hosts and halls.
ALLOWED_HOSTS = {"hechuan.gov.example", "zwfw.province.gov.example"}
HALL_IDS = {"hall-county", "hall-estate", "center-changning", "center-baishu", "center-datang"}
ONLINE_BASE = "https://zwfw.province.gov.example/item/"


@pytest.fixture(scope="module")
def bundle() -> ContentBundle:
    return read_source_dir(COUNTY)


@pytest.fixture(scope="module")
def domains(bundle: ContentBundle) -> list[Domain]:
    return bundle.domains


@pytest.fixture(scope="module")
def guides(bundle: ContentBundle) -> list[Guide]:
    return bundle.guides


@pytest.fixture(scope="module")
def life_events(bundle: ContentBundle) -> list[LifeEvent]:
    return bundle.life_events


def sheet(name: str) -> list[dict[str, str]]:
    with (COUNTY / "办事指南" / f"{name}.csv").open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


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


def test_material_and_step_rows_name_their_guide_by_id_and_name(guides: list[Guide]) -> None:
    names = {g.id: g.name for g in guides}
    for part in ("材料", "流程"):
        rows = sheet(part)
        assert rows
        for number, row in enumerate(rows, start=2):
            assert names.get(row["编号"]) == row["事项名称"], (part, number)
        # The rows of one guide stay together, in the order of the guides.
        order = [row["编号"] for row in rows]
        runs = [gid for n, gid in enumerate(order) if n == 0 or order[n - 1] != gid]
        assert runs == [g.id for g in guides], part


def test_at_least_12_valid_life_events_list_existing_guides(life_events: list[LifeEvent], guides: list[Guide]) -> None:
    assert len(life_events) >= 12
    assert len({e.id for e in life_events}) == len(life_events)
    known = {g.id for g in guides}
    for event in life_events:
        assert event.id.startswith("e-"), event.id
        assert len(event.guide_ids) >= 3, event.id
        assert set(event.guide_ids) <= known, event.id
