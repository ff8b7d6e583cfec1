"""Every citizen page of the sample county (demo/county/) renders, stays in the app, and links work."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from content_sync.release import activate, build_release
from content_sync.sample import sample_source_dir
from kiosk import create_app

SAMPLE = Path(sample_source_dir())


@pytest.fixture(scope="module")
def sample():
    from content_sync.sources import read_source_dir

    return read_source_dir(SAMPLE)


@pytest.fixture(scope="module")
def client(sample, tmp_path_factory):
    root = tmp_path_factory.mktemp("sample-data")
    activate(root, build_release(sample, root))
    app = create_app({"TESTING": True, "DATA_DIR": str(root), "WTF_CSRF_ENABLED": False})
    return app.test_client()


def _urls(sample) -> list[str]:
    urls = ["/", "/guides", "/guides/domains", "/departments", "/events", "/catalog", "/documents"]
    urls += [f"/guides/{g.id}" for g in sample.guides]
    urls += [f"/catalog/{c.id}" for c in sample.catalog if c.shown_on_kiosk]
    urls += [f"/documents/{d.id}" for d in sample.documents if d.disclosure == "主动公开"]
    urls += [f"/events/{e.id}" for e in sample.life_events]
    urls += [f"/domains/{d.id}" for d in sample.domains]
    urls += [f"/domains/{d.id}/guides" for d in sample.domains if any(g.domain == d.name for g in sample.guides)]
    urls += ["/departments/" + quote(name) for name in {g.department for g in sample.guides}]
    for c in {(c.domain, c.category_1) for c in sample.catalog if c.shown_on_kiosk}:
        domain = next(d for d in sample.domains if d.name == c[0])
        urls.append(f"/domains/{domain.id}?c1=" + quote(c[1]))
    return urls


def test_every_sample_page_renders_and_never_links_outside(sample, client):
    links: set[str] = set()
    for url in _urls(sample):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        assert not re.search(r'(href|src|action)="(https?:)?//', body), url
        links.update(re.findall(r'<a\b[^>]*\bhref="([^"]+)"', body))
    # Every link found on those pages leads somewhere (the search screen belongs to another part).
    broken = []
    for link in sorted(links):
        if link.startswith("/search"):
            continue
        with client.get(link.replace("&amp;", "&")) as response:
            if response.status_code != 200:
                broken.append((link, response.status_code))
    assert broken == []


def test_sample_home_shows_the_hall_and_the_newest_notices(sample, client):
    body = client.get("/").get_data(as_text=True)
    assert sample.site.halls[0].name in body
    notices = sorted((d for d in sample.documents if d.kind == "通知公告"), key=lambda d: d.issued_on, reverse=True)
    assert notices and notices[0].title in body


OFFICE_JARGON = ("主动公开", "其他行政服务事项", "事项编码")


def _visible_text(html: str) -> str:
    """What a citizen reads: the page without tags, attribute values and scripts."""
    return re.sub(r"<[^>]+>", " ", html)


def test_no_office_jargon_or_file_suffix_where_a_citizen_reads(sample, client):
    queries = ["低保", "养老保险", "公开", "补贴", "sb"]
    for q in queries:
        text = _visible_text(client.get("/search?q=" + quote(q)).get_data(as_text=True))
        for word in OFFICE_JARGON:
            assert word not in text, (q, word)
    for guide in sample.guides[:10]:
        text = _visible_text(client.get(f"/guides/{guide.id}").get_data(as_text=True))
        assert "事项编码" not in text
    with_files = [d for d in sample.documents if d.attachments]
    assert with_files
    for doc in with_files:
        text = _visible_text(client.get(f"/documents/{doc.id}").get_data(as_text=True))
        assert not re.search(r"\.(csv|txt|pdf|xlsx)\b", text), doc.id


def test_an_on_application_row_never_says_it_is_already_published(sample, client):
    rows = [c for c in sample.catalog if c.form == "依申请公开" and c.status != "涉密不予公开"]
    assert rows
    for row in rows:
        text = _visible_text(client.get(f"/catalog/{row.id}").get_data(as_text=True))
        assert "已经公开" not in text, row.id
        assert "需要申请才能获取" in text
