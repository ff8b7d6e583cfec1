"""From the home screen to a printed receipt in Debian's Chromium, touched like a kiosk: the name
typed by pinyin (王) and by handwriting (大), the ID number and the phone on the on-screen keys,
field errors shown next to their field, the summary, the receipt decoded back from its ESC/POS
bytes (tracking code and QR code), and the progress lookup."""

from __future__ import annotations

import re

import pytest

from content_sync import paths, state
from content_sync.intake import codes, envelope, keys
from tests.apply_fixtures import OFFICE
from tests.ime_fixtures import pinyin_table, seed_cache  # noqa: F401  (fixture)
from tests.ime_strokes import STROKES
from tests.intake_fixtures import ID_NUMBER
from tests.printing_fixtures import decode_escpos, read_qr
from tests.ui_fixtures import make_ui_bundle

from .conftest import _page
from .live import live_kiosk
from .test_ime_screen import replay

STATUS_URL = "https://www.ceshi.gov.example/zwgk/ysqgk/jindu"


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    private, _, public = keys.generate(tmp_path_factory.mktemp("office") / "keys")
    return keys.load_private(private), public


@pytest.fixture(scope="module")
def apply_kiosk(tmp_path_factory, pinyin_table, office):  # noqa: F811
    data = tmp_path_factory.mktemp("apply") / "data"
    seed_cache(data / "cache", pinyin_table)
    bundle = make_ui_bundle()
    office_record = OFFICE.model_copy(update={"intake_public_key": office[1], "status_url": STATUS_URL})
    bundle.site = bundle.site.model_copy(update={"disclosure_office": office_record})
    with live_kiosk(data, bundle, SECRET_KEY="apply-browser-test", PRINTER="file") as url:
        yield url, data


@pytest.fixture
def screen(browser):
    context, watched = _page(browser, 1080, 1920)
    yield watched
    watched.assert_clean()
    context.close()


def tap_keys(keyboard, text: str) -> None:
    for ch in text:
        keyboard.locator(f"button[data-key='{ch.lower()}']").tap()


def test_home_screen_to_a_printed_receipt(screen, apply_kiosk, office):
    url, data = apply_kiosk
    page = screen.page
    page.goto(url + "/")
    page.locator(".tile", has_text="申请政府信息公开").tap()
    page.wait_for_url(url + "/apply/form")

    docked = page.locator("[data-ime-docked][data-ime-layout='full']")
    digits = page.locator("[data-ime-docked][data-ime-layout='digits']")
    # 姓名: 王 by pinyin, 大 by handwriting
    page.locator("#f-name").tap()
    docked.wait_for(state="visible")
    tap_keys(docked, "wang")
    docked.locator(".ime-candidate", has_text="王").first.tap()
    docked.locator("button[data-mode='hand']").tap()
    pad = docked.locator("[data-ime-pad]")
    pad.wait_for(state="visible")
    replay(page, pad, STROKES["大"])
    docked.locator(".ime-candidate", has_text="大").first.tap()
    assert page.locator("#f-name").input_value() == "王大"
    # 证件号码: letters mode, a wrong last digit first
    page.locator("#f-id_number").tap()
    docked.locator("button[data-mode='abc']").tap()
    tap_keys(docked, ID_NUMBER[:-1] + "1")
    assert page.locator("#f-id_number").input_value().upper() == ID_NUMBER[:-1] + "1"
    # 联系电话 on the digit keypad
    page.locator("#f-phone").tap()
    digits.wait_for(state="visible")
    tap_keys(digits, "13800138000")
    digits.locator("button[data-action='close']").tap()
    assert page.locator("#f-phone").input_value() == "13800138000"
    # The longer texts (the same keyboard would type them; filled here to keep the test short)
    page.locator("#f-address").fill("测试县人民路12号")
    page.locator("#f-description").fill("2025年人民路拆迁补偿方案")
    page.locator("#f-agency").select_option(label=OFFICE.name)
    page.locator("label.choice", has_text="纸质").tap()
    page.locator("label.choice", has_text="邮寄").tap()
    page.get_by_role("button", name="下一步：核对").tap()

    error = page.locator("#e-id_number")
    error.wait_for()
    assert error.inner_text() == "身份证号码有一位不对，请对照证件核对。"
    assert page.locator("#f-name").input_value() == "王大"  # nothing typed is lost
    page.locator("#f-id_number").fill("")
    page.locator("#f-id_number").tap()
    docked.locator("button[data-mode='abc']").tap()
    tap_keys(docked, ID_NUMBER)
    page.get_by_role("button", name="下一步：核对").tap()

    page.wait_for_selector(".apply-review, .field-error")
    assert page.locator(".field-error").all_inner_texts() == []
    assert page.locator("[data-summary='name']").inner_text() == "王大"
    assert page.locator("[data-summary='id_number']").inner_text() == ID_NUMBER
    page.get_by_role("button", name="确认提交").tap()

    page.wait_for_url(re.compile(r".*/apply/sent/\d{12}$"))
    code = page.url.rsplit("/", 1)[1]
    assert page.locator(".tracking-code").inner_text() == codes.grouped(code)
    page.locator(".slip-job-done").wait_for(timeout=30_000)
    assert "回执打印好了" in page.locator("#slip-job").inner_text()

    # The receipt, from the bytes the printer got: the code on paper and the QR code to the status page
    [escpos] = [p for p in (data / "prints").iterdir() if "receipt" in p.name and p.suffix != ".png"]
    image, _ = decode_escpos(escpos.read_bytes())
    assert read_qr(image) == [f"{STATUS_URL}?code={code}"]

    # Only ciphertext waits in the outbox, and the office's key opens it
    conn = state.connect(paths.state_db(data))
    try:
        [sealed] = [bytes(r[0]) for r in conn.execute("SELECT ciphertext FROM outbox WHERE code = ?", (code,))]
    finally:
        conn.close()
    record = envelope.open_record(office[0], sealed)
    assert record.fields["name"] == "王大" and record.fields["id_number"] == ID_NUMBER

    # 查询申请进度 with the code typed on the keypad
    page.locator("a.list-item", has_text="查询申请进度").tap()
    page.wait_for_url(url + "/apply/track")
    page.locator("#f-code").tap()
    digits.wait_for(state="visible")
    tap_keys(digits, code)
    digits.locator("button[data-action='close']").tap()
    page.locator("form.apply-form button[type='submit']").tap()
    page.locator(".track-result").wait_for()
    assert "联网后会送到政务公开办" in page.locator(".track-result").inner_text()
