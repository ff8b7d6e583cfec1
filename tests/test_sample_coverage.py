"""The sample county covers every domain at both catalog levels, and every guide links to its online service."""

from __future__ import annotations

from pathlib import Path

import pytest

from content_sync.bundle import ContentBundle
from content_sync.sources import read_source_dir

COUNTY = Path(__file__).resolve().parents[1] / "demo" / "county"


@pytest.fixture(scope="module")
def county() -> ContentBundle:
    return read_source_dir(COUNTY)


def test_every_domain_has_catalog_rows_at_county_and_township_level(county):
    levels: dict[str, set[str]] = {d.name: set() for d in county.domains}
    for item in county.catalog:
        levels[item.domain].update(item.level)
    missing = {name: sorted({"县级", "乡级"} - found) for name, found in levels.items() if found != {"县级", "乡级"}}
    assert missing == {}


def test_every_guide_has_an_online_service_address(county):
    without = [g.id for g in county.guides if not g.online_url]
    assert without == []
    assert all(g.online_url.startswith("https://") for g in county.guides)
