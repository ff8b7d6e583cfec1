"""A richer test county for the citizen screens: enough guides to page, every kind of catalog row
and document the pages treat differently (依申请公开, 已失效, 已废止, attachments, notices).

Built on tests/factories.py so that the records stay valid against the schema.
"""

from __future__ import annotations

import datetime as dt

import pytest

from content_sync.bundle import ContentBundle
from content_sync.release import activate, build_release
from content_sync.schema import CatalogItem, Document, LifeEvent
from kiosk import create_app

from .factories import DAY, make_bundle, make_guide

GUIDE_COUNT = 30  # with PAGE_SIZE 12: three pages
OTHER_DEPARTMENT = "测试县公安局"
ATTACHMENT_PATH = "d-0010/form-2026.txt"
ATTACHMENT_BYTES = "城乡居民养老保险参保登记表（样表）\n".encode()


def _row(item_id: str, **update) -> CatalogItem:
    base = make_bundle().catalog[0]
    return base.model_copy(update={"id": item_id, **update})


def _doc(doc_id: str, kind: str, title: str, issued: dt.date, **update) -> Document:
    fields = {
        "id": doc_id,
        "kind": kind,
        "title": title,
        "issuer": "测试县人民政府办公室",
        "issued_on": issued,
        "body": f"{title}的正文第一段。\n\n第二段。",
        "updated_at": DAY,
        **update,
    }
    return Document(**fields)


def make_ui_bundle() -> ContentBundle:
    """The small test county plus what the screens need to show every case."""
    bundle = make_bundle()
    extra = [
        make_guide(
            f"g-social-{n:02d}",
            f"社会保险测试事项第{n}项",
            item_code=f"TEST-{n:04d}",
            department=OTHER_DEPARTMENT if n % 3 == 0 else "测试县人力资源和社会保障局",
            promised_limit_days=n % 5,
        )
        for n in range(2, GUIDE_COUNT + 1)
    ]
    bundle.guides = [*bundle.guides, *extra]
    bundle.catalog = [
        *bundle.catalog,
        _row("c-social-002", name="养老保险待遇发放情况", category_2="", guide_id=None, item_type="普通信息"),
        _row(
            "c-social-003",
            name="社会保险基金年度审计报告",
            category_1="基金管理",
            category_2="",
            form="依申请公开",
            guide_id=None,
            document_ids=[],
            item_type="普通信息",
        ),
        _row(
            "c-social-004",
            name="社会保险测试事项第2项",
            category_1="失业保险",
            category_2="",
            status="待公开",
            guide_id="g-social-02",
            document_ids=["d-0010"],
        ),
    ]
    bundle.documents = [
        *bundle.documents,
        _doc(
            "d-0010",
            "规范性文件",
            "测试县城乡居民养老保险补贴暂行办法",
            dt.date(2020, 3, 1),
            number="测政办发〔2020〕5号",
            validity="失效",
            expires_on=dt.date(2023, 12, 31),
            effective_on=dt.date(2020, 4, 1),
            attachments=[{"name": "参保登记表（样表）", "path": ATTACHMENT_PATH}],
        ),
        _doc("d-0011", "政策文件", "测试县关于旧农保并轨的通知", dt.date(2015, 6, 1), validity="废止"),
        *[
            _doc(f"d-01{n:02d}", "通知公告", f"关于调整政务服务中心办公时间的通知（第{n}号）", dt.date(2026, 2, n))
            for n in range(1, 8)
        ],
    ]
    bundle.attachments = {ATTACHMENT_PATH: ATTACHMENT_BYTES}
    bundle.life_events = [
        *bundle.life_events,
        LifeEvent(
            id="e-job",
            name="失业一件事",
            description="失业以后要办的几件事",
            guide_ids=["g-social-02", "g-social-01"],
            updated_at=DAY,
        ),
    ]
    return bundle


@pytest.fixture
def ui_data_dir(tmp_path):
    root = tmp_path / "ui-data"
    activate(root, build_release(make_ui_bundle(), root))
    return root


@pytest.fixture
def ui_app(ui_data_dir, tmp_path):
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(ui_data_dir),
            "CACHE_DIR": str(tmp_path / "cache"),
            "WTF_CSRF_ENABLED": False,
            "PAGE_SIZE": 12,
        }
    )


@pytest.fixture
def ui_client(ui_app):
    return ui_app.test_client()
