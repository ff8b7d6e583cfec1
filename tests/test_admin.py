"""The panel's door: PIN login, lockout, idle expiry, logout, CSRF and the audit log."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kiosk import create_app
from kiosk.admin import auth, store
from tests.factories import state_rows

from .ops_fixtures import PIN, admin_config, login, pin_hash


class Clock:
    """A settable clock for the panel (store.now_utc)."""

    def __init__(self):
        self.now = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(store, "now_utc", c)
    return c


@pytest.fixture
def admin_app(data_dir, tmp_path):
    return create_app(admin_config(data_dir, tmp_path / "cache"))


@pytest.fixture
def admin(admin_app):
    return admin_app.test_client()


def audit_rows(data_dir):
    sql = "SELECT action, outcome, detail FROM audit_log ORDER BY id"
    return [tuple(r) for r in state_rows(data_dir, sql, store.ensure)]


def test_every_panel_page_asks_for_the_pin_first(admin):
    for url in ("/admin/", "/admin/sync", "/admin/printer", "/admin/stats", "/admin/stats.csv", "/admin/settings"):
        response = admin.get(url)
        assert response.status_code == 302, url
        assert response.location == f"/admin/login?next={url}"
    assert admin.post("/admin/sync").status_code == 302
    assert admin.post("/admin/rollback").status_code == 302
    assert admin.post("/admin/printer/test").status_code == 302
    assert admin.post("/admin/printer/check").status_code == 302


def test_htmx_request_without_session_is_redirected_by_header(admin):
    response = admin.get("/admin/stats", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/admin/login?next=/admin/stats"


def test_right_pin_opens_the_panel_and_returns_to_the_asked_page(admin):
    page = admin.get("/admin/login").get_data(as_text=True)
    assert 'type="password"' in page and 'inputmode="numeric"' in page
    response = admin.post("/admin/login?next=/admin/settings", data={"pin": PIN})
    assert response.status_code == 302 and response.location == "/admin/settings"
    assert "设置（只读）" in admin.get("/admin/settings").get_data(as_text=True)


def test_login_never_redirects_outside_the_panel(admin):
    for target in ("https://evil.example/", "//evil.example/admin/", "/guides/g-social-01"):
        response = admin.post("/admin/login", query_string={"next": target}, data={"pin": PIN})
        assert response.location == "/admin/"


def test_wrong_pin_is_refused_and_says_how_many_tries_remain(admin, data_dir):
    response = login(admin, "000000")
    assert response.status_code == 401
    assert "PIN不正确。再错 4 次，管理页面将锁定 15 分钟。" in response.get_data(as_text=True)
    assert admin.get("/admin/").status_code == 302
    assert audit_rows(data_dir)[-1] == ("login", "wrong_pin", "1 in a row")


def test_repeated_wrong_pins_lock_the_panel_even_for_the_right_pin(admin, clock, data_dir):
    for _ in range(4):
        assert login(admin, "111111").status_code == 401
    response = login(admin, "111111")
    assert response.status_code == 429
    assert "管理页面已锁定" in response.get_data(as_text=True)
    clock.advance(minutes=14)
    assert login(admin).status_code == 429
    assert admin.get("/admin/").status_code == 302
    assert ("login", "refused", "panel locked") in audit_rows(data_dir)


def test_lock_ends_after_the_lockout_minutes_with_a_fresh_count(admin, clock):
    for _ in range(5):
        login(admin, "111111")
    clock.advance(minutes=15, seconds=1)
    # A fresh count: one wrong PIN after the lock leaves four tries, not zero.
    assert "再错 4 次" in login(admin, "111111").get_data(as_text=True)
    assert login(admin).status_code == 302
    assert admin.get("/admin/").status_code == 200


def test_wrong_pins_sent_at_the_same_time_all_count(admin_app):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(5) as pool:
        codes = list(pool.map(lambda _: login(admin_app.test_client(), "111111").status_code, range(5)))
    assert sorted(codes) == [401, 401, 401, 401, 429]
    assert login(admin_app.test_client()).status_code == 429


def test_lockout_survives_a_restart(data_dir, tmp_path, clock):
    first = create_app(admin_config(data_dir, tmp_path / "cache")).test_client()
    for _ in range(5):
        login(first, "111111")
    second = create_app(admin_config(data_dir, tmp_path / "cache")).test_client()
    assert login(second).status_code == 429


def test_lockout_settings_are_used(data_dir, tmp_path, clock):
    client = create_app(
        admin_config(data_dir, tmp_path / "cache", ADMIN_MAX_FAILURES=2, ADMIN_LOCKOUT_MINUTES=1)
    ).test_client()
    assert "再错 1 次，管理页面将锁定 1 分钟" in login(client, "1").get_data(as_text=True)
    assert login(client, "2").status_code == 429
    clock.advance(seconds=61)
    assert login(client).status_code == 302


def test_right_pin_resets_the_failure_count(admin):
    for _ in range(4):
        login(admin, "111111")
    assert login(admin).status_code == 302
    admin.post("/admin/logout")
    assert "再错 4 次" in login(admin, "111111").get_data(as_text=True)


def test_session_expires_after_the_idle_minutes(admin, clock, data_dir):
    login(admin)
    clock.advance(minutes=14)
    assert admin.get("/admin/").status_code == 200  # activity renews the session
    clock.advance(minutes=14)
    assert admin.get("/admin/stats").status_code == 200
    clock.advance(minutes=15, seconds=1)
    response = admin.get("/admin/")
    assert response.status_code == 302
    assert "长时间没有操作，已自动退出" in admin.get(response.location).get_data(as_text=True)
    assert ("session_expired", "ok", None) in audit_rows(data_dir)


def test_logout_ends_the_session_and_copies_of_its_cookie(admin_app, admin):
    login(admin)
    cookie = admin.get_cookie("session").value
    copy = admin_app.test_client()
    copy.set_cookie("session", cookie)
    assert copy.get("/admin/").status_code == 200
    assert admin.post("/admin/logout").status_code == 302
    assert admin.get("/admin/").status_code == 302
    assert copy.get("/admin/").status_code == 302


def test_changing_the_pin_ends_open_sessions(data_dir, tmp_path):
    client = create_app(admin_config(data_dir, tmp_path / "cache")).test_client()
    login(client)
    cookie = client.get_cookie("session").value
    other = create_app(admin_config(data_dir, tmp_path / "cache", ADMIN_PIN_HASH=auth.hash_pin("13579246")))
    # Same secret key (kept in DATA_DIR), new PIN: the old session is not accepted.
    again = other.test_client()
    again.set_cookie("session", cookie)
    assert again.get("/admin/").status_code == 302


def test_panel_is_disabled_until_a_pin_is_set(data_dir, tmp_path):
    client = create_app(admin_config(data_dir, tmp_path / "cache", ADMIN_PIN_HASH="")).test_client()
    page = client.get("/admin/login")
    assert "管理页面尚未启用" in page.get_data(as_text=True) and "kiosk set-pin" in page.get_data(as_text=True)
    assert login(client).status_code == 403
    assert client.get("/admin/").status_code == 302


def test_audit_log_records_logins_without_the_pin(admin, data_dir):
    login(admin, "135790")
    login(admin)
    admin.post("/admin/logout")
    rows = audit_rows(data_dir)
    assert [(a, o) for a, o, _ in rows] == [("login", "wrong_pin"), ("login", "ok"), ("logout", "ok")]
    assert all(PIN not in str(r) and "135790" not in str(r) for r in rows)
    login(admin)
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "wrong_pin" in page and "logout" in page


def test_hash_pin_accepts_only_6_to_12_digits():
    assert auth.hash_pin("123456").startswith(("scrypt:", "pbkdf2:"))
    for bad in ("12345", "1234567890123", "12345a", "", " 123456"):
        with pytest.raises(auth.PinError):
            auth.hash_pin(bad)


def test_stored_hash_checks_the_pin():
    from werkzeug.security import check_password_hash

    assert check_password_hash(pin_hash(), PIN)
    assert not check_password_hash(pin_hash(), "246811")


# --- CSRF (the app-wide CSRFProtect, switched on)


@pytest.fixture
def csrf_client(data_dir, tmp_path):
    return create_app(admin_config(data_dir, tmp_path / "cache", WTF_CSRF_ENABLED=True)).test_client()


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "form without csrf_token"
    return match.group(1)


def test_login_without_csrf_token_is_refused(csrf_client, data_dir):
    response = csrf_client.post("/admin/login", data={"pin": PIN})
    assert response.status_code == 400
    assert csrf_client.get("/admin/").status_code == 302
    assert not any(a == "login" for a, _, _ in audit_rows(data_dir))


def test_every_panel_form_carries_a_csrf_token_and_actions_need_it(csrf_client):
    token = _token(csrf_client.get("/admin/login").get_data(as_text=True))
    assert csrf_client.post("/admin/login", data={"pin": PIN, "csrf_token": token}).status_code == 302
    for url in ("/admin/", "/admin/sync", "/admin/printer"):
        page = csrf_client.get(url).get_data(as_text=True)
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", page, flags=re.S)
        assert forms, url
        assert all('name="csrf_token"' in f for f in forms), url
    for url in ("/admin/sync", "/admin/rollback", "/admin/printer/test", "/admin/printer/check", "/admin/logout"):
        assert csrf_client.post(url).status_code == 400, url
    # The session survived the refused logout.
    assert csrf_client.get("/admin/").status_code == 200
