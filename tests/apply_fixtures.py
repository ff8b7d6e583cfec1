"""A test county with a disclosure office (依申请公开) and its app, for the application screens."""

from __future__ import annotations

from content_sync.release import activate, build_release
from content_sync.schema import DisclosureOffice
from kiosk import create_app

from .ui_fixtures import make_ui_bundle

ONLINE = "https://www.ceshi.gov.example/zwgk/ysqgk/"
OFFICE = DisclosureOffice(
    name="测试县人民政府办公室（政务公开办）",
    address="测试县人民路1号政务服务中心一楼依申请公开窗口",
    hours="周一至周五 9:00–17:00",
    phone="0999-6000018",
    online_url=ONLINE,
)
ON_APPLICATION = "c-social-003"  # a 依申请公开 row of the UI county
PROACTIVE = "c-social-001"


def make_apply_app(tmp_path, office: DisclosureOffice | None, **config):
    bundle = make_ui_bundle()
    bundle.site = bundle.site.model_copy(update={"disclosure_office": office})
    root = tmp_path / "data"
    activate(root, build_release(bundle, root))
    base = {"TESTING": True, "DATA_DIR": str(root), "CACHE_DIR": str(tmp_path / "cache"), "WTF_CSRF_ENABLED": False}
    return create_app({**base, **config})
