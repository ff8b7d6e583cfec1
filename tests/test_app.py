from content_sync.release import activate, build_release
from kiosk import create_app

from .factories import make_bundle


def test_catalog_lists_domains_with_their_counts(client):
    assert "测试县政务服务中心" in client.get("/").get_data(as_text=True)
    page = client.get("/catalog").get_data(as_text=True)
    assert "社会保险" in page and "1 项公开事项" in page
    assert "户籍管理" in page and "暂无内容" in page


def test_terminal_without_content_says_so_in_chinese(tmp_path):
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "empty")})
    response = app.test_client().get("/")
    assert response.status_code == 503
    assert "内容暂时无法显示" in response.get_data(as_text=True)


def test_unknown_guide_is_a_friendly_404(client):
    response = client.get("/guides/no-such-guide")
    assert response.status_code == 404
    assert "返回首页" in response.get_data(as_text=True)


def test_new_release_is_served_without_restart(app, client, data_dir):
    assert "户籍管理" in client.get("/catalog").get_data(as_text=True)
    bundle = make_bundle()
    bundle.domains = [d for d in bundle.domains if d.name != "户籍管理"]
    activate(data_dir, build_release(bundle, data_dir))
    assert "户籍管理" not in client.get("/catalog").get_data(as_text=True)


def test_settings_come_from_prefixed_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "env-data"))
    monkeypatch.setenv("KIOSK_IDLE_TIMEOUT_SECONDS", "45")
    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "missing.toml"))
    app = create_app()
    assert app.config["DATA_DIR"] == str(tmp_path / "env-data")
    assert app.config["IDLE_TIMEOUT_SECONDS"] == 45


def test_integer_ids_beyond_sqlite_range_are_not_found(client):
    response = client.get(f"/slips/jobs/{2**63}")
    assert response.status_code == 404
