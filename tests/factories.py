"""Small, hand-written content for tests that need a county but not the whole sample.

`make_bundle()` returns a valid ContentBundle; tests change copies of its records to make the
case they need (`model_copy(update=...)`), so each test states only what differs.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

from content_sync import paths, state
from content_sync.bundle import ContentBundle
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

DAY = dt.date(2026, 3, 1)


def make_site() -> Site:
    return Site(
        county="测试县",
        county_code="999102",
        portal_base_url="https://www.ceshi.gov.example/",
        online_service_base_url="https://zwfw.province.gov.example/",
        qr_allowed_hosts=["ceshi.gov.example", "zwfw.province.gov.example"],
        halls=[
            Hall(
                id="hall-county",
                name="测试县政务服务中心",
                kind="政务服务大厅",
                level="县级",
                address="测试县人民路1号",
                hours="周一至周五 9:00–17:00",
                phone="0999-6000001",
            )
        ],
        updated_at=DAY,
    )


def make_guide(guide_id: str = "g-social-01", name: str = "城乡居民基本养老保险参保登记", **update) -> Guide:
    guide = Guide(
        id=guide_id,
        name=name,
        domain="社会保险",
        department="测试县人力资源和社会保障局",
        item_code="TEST-0001",
        legal_basis=["《中华人民共和国社会保险法》"],
        conditions=["年满16周岁、不是在校学生、没有参加职工基本养老保险的本县户籍居民"],
        materials=[
            Material(name="居民身份证", form="原件", copies=1),
            Material(name="户口簿", form="原件及复印件", copies=1, notes="复印户主页和本人页"),
        ],
        steps=[Step(name="提交材料"), Step(name="窗口审核"), Step(name="办结")],
        statutory_limit_days=20,
        promised_limit_days=0,
        result="参保登记完成",
        window="社保综合窗口",
        location="测试县人民路1号政务服务中心二楼",
        hours="周一至周五 9:00–17:00",
        consult_phone="0999-6000002",
        complaint_phone="12345",
        online_url="https://zwfw.province.gov.example/item/TEST-0001",
        keywords=["社保", "养老保险"],
        updated_at=DAY,
    )
    return guide.model_copy(update=update) if update else guide


def make_bundle() -> ContentBundle:
    guide = make_guide()
    policy = Document(
        id="d-0001",
        kind="规范性文件",
        title="测试县城乡居民基本养老保险实施办法",
        number="测政发〔2025〕3号",
        issuer="测试县人民政府",
        issued_on=dt.date(2025, 5, 1),
        validity="有效",
        domain="社会保险",
        body="第一条 为了保障城乡居民老有所养，制定本办法。\n\n第二条 本办法适用于本县城乡居民。",
        url="https://www.ceshi.gov.example/xxgk/d-0001.html",
        updated_at=DAY,
    )
    reading = Document(
        id="d-0002",
        kind="政策解读",
        title="一图读懂城乡居民养老保险",
        issuer="测试县人力资源和社会保障局",
        issued_on=dt.date(2025, 5, 2),
        interprets="d-0001",
        interpretation_form="简明问答",
        body="问：谁可以参保？\n\n答：年满16周岁的本县城乡居民。",
        updated_at=DAY,
    )
    return ContentBundle(
        site=make_site(),
        domains=[Domain(id="social", name="社会保险"), Domain(id="hukou", name="户籍管理")],
        catalog=[
            CatalogItem(
                id="c-social-001",
                disclosure_type="服务",
                domain="社会保险",
                category_1="养老保险",
                category_2="城乡居民养老保险",
                name=guide.name,
                content="办理条件、材料、流程和时限",
                basis="《中华人民共和国社会保险法》",
                publisher="测试县人力资源和社会保障局社会保险股",
                time_limit="自信息形成或变更之日起20个工作日内",
                channels=["政府网站", "政务公开专区"],
                audience="个人",
                form="主动公开",
                status="已公开",
                service_class="行政服务",
                item_type="办事指南",
                level=["县级", "乡级"],
                guide_id=guide.id,
                document_ids=["d-0001"],
                updated_at=DAY,
            ),
        ],
        guides=[guide],
        documents=[policy, reading],
        life_events=[
            LifeEvent(
                id="e-retire", name="退休一件事", description="退休前后要办的事", guide_ids=[guide.id], updated_at=DAY
            )
        ],
        synonyms=[SynonymGroup(id="s-001", terms=["社会保险", "社保"])],
    )


def state_rows(
    data_dir: Path | str, sql: str, prepare: Callable[[sqlite3.Connection], object] | None = None
) -> list[sqlite3.Row]:
    """The rows of `sql` in the terminal's state database, after `prepare(conn)` (the owner's
    migrations) so that a table nothing has written yet reads as empty."""
    conn = state.connect(paths.state_db(data_dir))
    try:
        if prepare is not None:
            prepare(conn)
        return conn.execute(sql).fetchall()
    finally:
        conn.close()
