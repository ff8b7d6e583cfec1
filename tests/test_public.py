"""The citizen's pages through the Flask test client: every route as a page and as a fragment."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import pytest

from . import ui_fixtures
from .ui_fixtures import ATTACHMENT_BYTES, ATTACHMENT_PATH, OTHER_DEPARTMENT

ui_data_dir, ui_app, ui_client = ui_fixtures.ui_data_dir, ui_fixtures.ui_app, ui_fixtures.ui_client

HX = {"HX-Request": "true"}

ROUTES = [
    "/",
    "/guides",
    "/guides/domains",
    "/domains/social/guides",
    "/departments",
    "/departments/" + quote(OTHER_DEPARTMENT),
    "/events",
    "/events/e-job",
    "/guides/g-social-01",
    "/catalog",
    "/domains/social",
    "/domains/social?c1=" + quote("养老保险"),
    "/domains/social?c1=" + quote("养老保险") + "&c2=" + quote("城乡居民养老保险"),
    "/domains/social?c1=" + quote("基金管理"),
    "/catalog/c-social-001",
    "/catalog/c-social-003",
    "/apply",
    "/documents",
    "/documents/list/" + quote("通知公告"),
    "/documents/d-0001",
    "/documents/d-0002",
    "/documents/d-0010",
]


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("url", ROUTES)
def test_every_page_renders_whole_for_a_plain_request(ui_client, url):
    response = ui_client.get(url)
    assert response.status_code == 200, url
    body = text(response)
    assert body.lstrip().startswith("<!doctype html>")
    assert '<main id="main">' in body
    assert "首页" in body and "返回" in body


@pytest.mark.parametrize("url", ROUTES)
def test_every_page_renders_only_its_fragment_for_htmx(ui_client, url):
    response = ui_client.get(url, headers=HX)
    assert response.status_code == 200, url
    body = text(response)
    assert "<!doctype" not in body.lower() and "<body" not in body and '<main id="main">' not in body
    assert body.lstrip().startswith("<title>")
    # The bottom bar comes along out of band so that 返回 points at this page's parent.
    assert 'id="bottombar"' in body and 'hx-swap-oob="true"' in body
    assert "HX-Request" in response.headers.get("Vary", "")


def test_history_restore_gets_the_whole_page(ui_client):
    response = ui_client.get("/guides", headers={**HX, "HX-History-Restore-Request": "true"})
    assert text(response).lstrip().startswith("<!doctype html>")


@pytest.mark.parametrize("url", ROUTES)
def test_every_link_works_without_javascript_and_stays_in_the_app(ui_client, url):
    body = text(ui_client.get(url))
    for tag in re.findall(r"<a\b[^>]*>", body):
        href = re.search(r'href="([^"]*)"', tag).group(1)
        assert href.startswith("/") and not href.startswith("//"), tag
        if "download" not in tag:
            assert f'hx-get="{href}"' in tag and 'hx-target="#main"' in tag and 'hx-push-url="true"' in tag, tag
    assert not re.search(r'(href|src|action)="(https?:)?//', body)
    # The outside URLs of the content are never links.
    assert "zwfw.province.gov.example" not in body and "ceshi.gov.example/xxgk" not in body


def test_home_shows_hall_date_tiles_notices_and_content_date(ui_client):
    body = text(ui_client.get("/"))
    assert "测试县政务服务中心" in body
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 星期[一二三四五六日]", body)
    for tile in ("按领域找", "一件事一次办", "按部门找", "公开目录", "政策文件", "通知公告", "搜索"):
        assert tile in body
    assert 'href="/search"' in body
    # The strip shows the five newest notices, newest first.
    strip = body.split('id="notices"')[1].split("</ul>")[0]
    assert strip.count("<li>") == 5
    assert strip.index("第7号") < strip.index("第6号") and "第2号" not in strip
    assert "内容更新于 2026-03-01" in body
    assert 'data-clean="1"' in body


def test_domain_guides_page_in_large_steps(ui_client):
    first = text(ui_client.get("/domains/social/guides"))
    assert "共 30 项" in first and "第 1 页，共 3 页" in first
    assert first.count('class="list-item"') == 12
    assert 'href="/domains/social/guides?page=2"' in first and "下一页" in first
    assert "pager-prev is-disabled" in first
    last = text(ui_client.get("/domains/social/guides?page=3"))
    assert "第 3 页，共 3 页" in last and last.count('class="list-item"') == 6
    assert "pager-next is-disabled" in last


@pytest.mark.parametrize("page", ["0", "-4", "abc", "9" * 5000, "1e9", "", "3.5", "%00"])
def test_bad_page_numbers_are_clamped_never_an_error(ui_client, page):
    response = ui_client.get("/domains/social/guides?page=" + page)
    assert response.status_code == 200
    assert "第 1 页，共 3 页" in text(response)


def test_page_past_the_end_shows_the_last_page(ui_client):
    assert "第 3 页，共 3 页" in text(ui_client.get("/domains/social/guides?page=99999999999999999999"))


def test_department_lists_its_guides_only(ui_client):
    body = text(ui_client.get("/departments/" + quote(OTHER_DEPARTMENT)))
    assert "共 10 项" in body and "社会保险测试事项第3项" in body and "社会保险测试事项第2项" not in body
    listing = text(ui_client.get("/departments"))
    assert OTHER_DEPARTMENT in listing and "10 项办事指南" in listing


def test_life_event_lists_its_guides_in_order(ui_client):
    body = text(ui_client.get("/events/e-job"))
    assert body.index("社会保险测试事项第2项") < body.index("城乡居民基本养老保险参保登记")
    assert "list-numbered" in body


def test_catalog_walks_from_domain_to_categories_to_rows(ui_client):
    domain = text(ui_client.get("/domains/social"))
    assert "养老保险" in domain and "基金管理" in domain and "失业保险" in domain
    assert "本领域办事指南（30 项）" in domain
    c1 = text(ui_client.get("/domains/social?c1=" + quote("养老保险")))
    assert "城乡居民养老保险" in c1  # the second-level category as a tile
    assert "养老保险待遇发放情况" in c1  # a row without a second-level category
    rows = text(ui_client.get("/domains/social?c1=" + quote("养老保险") + "&c2=" + quote("城乡居民养老保险")))
    assert "城乡居民基本养老保险参保登记" in rows and "养老保险待遇发放情况" not in rows


@pytest.mark.parametrize(
    "url",
    [
        "/domains/nope",
        "/domains/social?c1=" + quote("没有这个分类"),
        "/domains/social?c1=" + quote("养老保险") + "&c2=" + quote("没有"),
        "/domains/nope/guides",
        "/guides/" + "x" * 5000,
        "/guides/..%2F..%2Fetc",
        "/catalog/nope",
        "/documents/nope",
        "/documents/list/" + quote("不存在的类别"),
        "/documents/list/nope?page=2",
        "/events/nope",
        "/departments/" + quote("不存在的部门"),
        "/documents/d-0001/attachments/nope.pdf",
        "/documents/d-0001/attachments/" + ATTACHMENT_PATH,
        "/documents/d-0010/attachments/..%2F..%2Fcontent.sqlite",
        "/documents/d-0010/attachments/../content.sqlite",
        "/no/such/page",
    ],
)
def test_unknown_things_are_friendly_404s(ui_client, url):
    response = ui_client.get(url)
    assert response.status_code == 404, url
    body = text(response)
    assert "没有找到这个页面" in body and "返回首页" in body


def test_htmx_404_is_a_fragment(ui_client):
    response = ui_client.get("/guides/nope", headers=HX)
    assert response.status_code == 404
    assert "<!doctype" not in text(response).lower() and "返回首页" in text(response)


def test_guide_page_tells_everything_once(ui_client):
    body = text(ui_client.get("/guides/g-social-01"))
    for part in ("要带的材料", "居民身份证", "户口簿", "原件及复印件 1 份", "复印户主页和本人页", "必须带"):
        assert part in body
    assert "办理条件" in body and "本县户籍居民" in body
    assert "办理流程" in body and "窗口审核" in body
    assert "承诺：即办（当场办好）" in body and "法定：20 个工作日" in body
    assert "不收费" in body and "社保综合窗口" in body and "周一至周五" in body
    assert "0999-6000002" in body and "12345" in body and "参保登记完成" in body
    assert "这条信息对您有帮助吗？" in body
    assert "退休一件事" in body  # the life events it belongs to
    assert 'href="/catalog/c-social-001"' in body


def test_optional_materials_are_marked(ui_app, ui_client):
    body = text(ui_client.get("/guides/g-social-01"))
    assert "有的话带上" not in body  # every material of the factory guide is required
    assert body.count('class="check-item"') == 2


def test_on_application_row_says_how_to_apply(ui_client):
    body = text(ui_client.get("/catalog/c-social-003"))
    assert "这项信息需要申请才能获取" in body and "居民身份证" in body and "20 个工作日内答复" in body
    proactive = text(ui_client.get("/catalog/c-social-001"))
    assert "需要申请才能获取" not in proactive and "<dd>不用申请，可以直接查看</dd>" in proactive


def test_catalog_row_shows_every_element_in_plain_words(ui_client):
    body = text(ui_client.get("/catalog/c-social-001"))
    for label in ("公开的是什么", "属于哪类公开", "谁负责公开", "多久内公开", "在哪里能看到", "面向谁", "怎样公开"):
        assert label in body
    assert "政府网站、政务公开专区" in body and "县级、乡级" in body and "服务公开" in body
    assert 'href="/guides/g-social-01"' in body and 'href="/documents/d-0001"' in body


def test_pending_row_shows_its_status_plainly(ui_client):
    body = text(ui_client.get("/catalog/c-social-004"))
    assert "还没有公开，正在准备" in body


def test_policy_page_links_its_interpretation_and_back(ui_client):
    policy = text(ui_client.get("/documents/d-0001"))
    assert "测政发〔2025〕3号" in policy and "测试县人民政府" in policy and "2025-05-01" in policy
    assert 'href="/documents/d-0002"' in policy and "看不懂？看看政策解读" in policy
    assert "<p data-speak>第一条 为了保障城乡居民老有所养，制定本办法。</p>" in policy
    assert "banner" not in policy
    reading = text(ui_client.get("/documents/d-0002"))
    assert "这篇解读讲的是" in reading and 'href="/documents/d-0001"' in reading


def test_expired_and_repealed_documents_say_so_plainly(ui_client):
    expired = text(ui_client.get("/documents/d-0010"))
    assert "本文件已失效" in expired and "banner-expired" in expired
    repealed = text(ui_client.get("/documents/d-0011"))
    assert "本文件已废止" in repealed and "banner-repealed" in repealed
    listing = text(ui_client.get("/documents/list/" + quote("规范性文件")))
    assert "已失效" in listing


def test_attachment_is_shown_on_a_page_of_the_kiosk_not_downloaded(ui_client):
    page = text(ui_client.get("/documents/d-0010"))
    url = f"/documents/d-0010/attachments/{ATTACHMENT_PATH}"
    assert f'href="{url}"' in page and "查看" in page and "下载" not in page and " download" not in page
    with ui_client.get(url) as response:
        assert response.status_code == 200 and response.mimetype == "text/html"
        assert "Content-Disposition" not in response.headers
        body = response.get_data(as_text=True)
        assert f"<p>{ATTACHMENT_BYTES.decode().strip()}</p>" in body and 'class="topbar' in body


def test_documents_hub_counts_each_kind(ui_client):
    body = text(ui_client.get("/documents"))
    assert "通知公告" in body and "7 篇" in body
    assert "政府公报" in body and "暂无内容" in body


def test_notices_list_newest_first(ui_client):
    body = text(ui_client.get("/documents/list/" + quote("通知公告")))
    assert body.index("第7号") < body.index("第1号")


def test_elder_mode_stays_until_the_idle_reset(ui_client):
    assert 'class="standard"' in text(ui_client.get("/"))
    response = ui_client.post("/elder", data={"next": "/guides"})
    assert response.status_code == 303 and response.headers["Location"] == "/guides"
    body = text(ui_client.get("/guides/g-social-01"))
    assert '<html lang="zh-CN" class="elder">' in body and "关闭长辈模式" in body
    home = text(ui_client.get("/"))
    assert 'data-clean="0"' in home
    response = ui_client.get("/reset")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert 'class="standard"' in text(ui_client.get("/"))


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "\\\\x", ""])
def test_elder_switch_never_redirects_outside(ui_client, target):
    response = ui_client.post("/elder", data={"next": target})
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_reset_clears_the_session_history_and_id(ui_client):
    ui_client.get("/guides/g-social-02")
    ui_client.get("/documents/d-0001")
    with ui_client.session_transaction() as s:
        sid = s["sid"]
        assert s["history"] == [["document", "d-0001"], ["guide", "g-social-02"]]
    home = text(ui_client.get("/"))
    assert "您刚才看过" in home and "社会保险测试事项第2项" in home and 'data-clean="0"' in home
    assert ui_client.post("/reset").status_code == 303
    with ui_client.session_transaction() as s:
        assert "history" not in s and "elder" not in s and "sid" not in s
    home = text(ui_client.get("/"))
    assert "您刚才看过" not in home and 'data-clean="1"' in home
    with ui_client.session_transaction() as s:
        assert s["sid"] != sid


def test_idle_timeout_reaches_the_page(tmp_path, ui_data_dir):
    from kiosk import create_app

    app = create_app(
        {"TESTING": True, "DATA_DIR": str(ui_data_dir), "IDLE_TIMEOUT_SECONDS": 7, "IDLE_COUNTDOWN_SECONDS": 3}
    )
    body = text(app.test_client().get("/"))
    assert 'data-idle-timeout="7"' in body and 'data-idle-countdown="3"' in body and 'data-reset-url="/reset"' in body


def test_back_button_goes_up_one_level(ui_client):
    body = text(ui_client.get("/guides/g-social-01"))
    bar = body.split('id="bottombar"')[1].split("</nav>")[0]
    assert 'class="bar-button bar-back" href="/domains/social/guides"' in bar
    home_bar = text(ui_client.get("/")).split('id="bottombar"')[1].split("</nav>")[0]
    assert "bar-back" not in home_bar and "is-disabled" in home_bar


def test_release_counts_and_queries(ui_app):
    with ui_app.test_request_context("/"):
        from flask import current_app

        release = current_app.extensions["kiosk.releases"].current()
        assert release.counts() == {"domains": 2, "catalog": 4, "guides": 30, "documents": 11, "life_events": 2}
        assert release.categories("社会保险") == [("养老保险", 2), ("基金管理", 1), ("失业保险", 1)]
        assert [d.id for d in release.interpretations("d-0001")] == ["d-0002"]
        assert release.attachment_path("d-0010", "../content.sqlite") is None
        assert release.attachment_path("d-0001", ATTACHMENT_PATH) is None


def test_clamp_page():
    from kiosk.content import clamp_page

    assert clamp_page("2", 30, 12) == (2, 3, 12)
    assert clamp_page(None, 0, 12) == (1, 1, 0)
    assert clamp_page("x", 30, 12) == (1, 3, 0)
    assert clamp_page("7", 30, 12) == (3, 3, 24)


PATTERNS = [
    "/guides/{}",
    "/catalog/{}",
    "/documents/{}",
    "/documents/list/{}",
    "/events/{}",
    "/departments/{}",
    "/domains/{}",
    "/domains/{}/guides",
    "/domains/social?c1={}",
    "/domains/social?c1=%E5%85%BB%E8%80%81%E4%BF%9D%E9%99%A9&c2={}",
    "/domains/social/guides?page={}",
    "/documents/d-0010/attachments/{}",
]


def test_malformed_requests_never_give_a_500(ui_app):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    client = ui_app.test_client()

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(pattern=st.sampled_from(PATTERNS), value=st.text(min_size=0, max_size=300), htmx=st.booleans())
    def check(pattern, value, htmx):
        response = client.get(pattern.format(quote(value, safe="")), headers=HX if htmx else {})
        assert response.status_code in (200, 308, 404), (pattern, value, response.status_code)
        if response.status_code == 308:  # werkzeug merges doubled slashes; it stays on the kiosk
            assert urlsplit(response.headers["Location"]).netloc in ("", "localhost"), response.headers["Location"]
        response.close()

    check()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_wrong_methods_are_friendly(ui_client, method):
    response = getattr(ui_client, method)("/guides/g-social-01")
    assert response.status_code == 405 and "无法这样操作" in text(response)


def test_validity_banner_follows_validity_and_dates():
    import datetime as dt

    from kiosk.public import validity_banner

    from .factories import make_bundle

    policy = make_bundle().documents[0]
    today = dt.date(2026, 3, 1)
    assert validity_banner(policy, today) is None
    assert validity_banner(policy.model_copy(update={"validity": "废止"}), today) == "已废止"
    assert validity_banner(policy.model_copy(update={"validity": "失效"}), today) == "已失效"
    assert validity_banner(policy.model_copy(update={"expires_on": dt.date(2026, 2, 28)}), today) == "已失效"
    assert validity_banner(policy.model_copy(update={"effective_on": dt.date(2026, 3, 2)}), today) == "尚未生效"
