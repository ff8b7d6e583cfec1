"""The application and question forms at the terminal: field checks with plain-Chinese errors,
the summary, sealing at once into the outbox, the receipt, tracking, and the closed states."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from content_sync import paths
from content_sync.intake import codes, envelope, keys
from kiosk.applications import checks, forms, outbox, service
from kiosk.printing.backends import PrinterSettings
from kiosk.printing.worker import PrintWorker

from .apply_fixtures import OFFICE, make_apply_app
from .intake_fixtures import ID_NUMBER
from .printing_fixtures import decode_escpos, read_qr

STATUS_URL = "https://www.ceshi.gov.example/zwgk/ysqgk/jindu"


def good_application(**changes) -> dict[str, str]:
    return {
        "applicant_kind": "公民",
        "name": "王秀英",
        "id_kind": "居民身份证",
        "id_number": ID_NUMBER,
        "phone": "13800138000",
        "address": "测试县人民路12号",
        "agency": OFFICE.name,
        "description": "2025年人民路拆迁补偿方案",
        "medium": "纸质",
        "delivery": "邮寄",
        **changes,
    }


@pytest.fixture
def office_key(tmp_path):
    private, _, text = keys.generate(tmp_path / "office")
    return keys.load_private(private), text


@pytest.fixture
def app(tmp_path, office_key):
    office = OFFICE.model_copy(update={"intake_public_key": office_key[1], "status_url": STATUS_URL})
    return make_apply_app(tmp_path, office, PRINTER="file", PRINTER_FILE_DIR=str(tmp_path / "prints"))


@pytest.fixture
def client(app):
    return app.test_client()


def state(tmp_path) -> sqlite3.Connection:
    conn = sqlite3.connect(paths.state_db(tmp_path / "data"))
    conn.row_factory = sqlite3.Row
    return conn


# --- the checks of the national standards ------------------------------------------------


def test_id_card_numbers_are_checked_by_their_gb_11643_check_character():
    assert checks.id_card_problem(ID_NUMBER) is None
    assert checks.id_card_problem("110105194912310021") == "身份证号码有一位不对，请对照证件核对。"
    assert checks.id_card_problem("11010519491231002") == "身份证号码是 18 位，您填了 17 位。"
    assert checks.id_card_problem("110105194913310029") == "身份证号码中的出生日期不对，请核对。"
    assert checks.id_card_check_character("11010519491231002") == "X"


def test_credit_codes_are_checked_by_their_gb_32100_check_character():
    body = "91350100M000100Y4"
    good = body + checks.credit_code_check_character(body)
    assert checks.credit_code_problem(good) is None
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert checks.credit_code_problem(wrong) == "统一社会信用代码有一位不对，请对照营业执照核对。"
    assert "没有 I、O、Z、S、V" in checks.credit_code_problem("9135010O" + good[8:])


def test_every_field_error_is_a_plain_chinese_sentence_next_to_its_field(client):
    response = client.post(
        "/apply/form",
        data=good_application(name="", id_number="110105194912310021", phone="123", delivery="电子邮件", agency="x"),
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for field, message in {
        "name": "请填写姓名。",
        "id_number": "身份证号码有一位不对，请对照证件核对。",
        "phone": "手机号码是 11 位，您填了 3 位。",
        "agency": "请从列表中选择机关。",
        "delivery": "纸质的信息不能用电子邮件寄，请选自行领取或邮寄。",
        "email": "要用电子邮件拿到信息，请填写电子邮箱。",
    }.items():
        assert f'<p class="field-error" id="e-{field}" role="alert">{message}</p>' in html, field
    assert "有 6 处需要改一下" in html


def test_an_organisation_needs_its_name_and_a_valid_credit_code():
    checked = forms.check_application(good_application(applicant_kind="法人或者其他组织"), [OFFICE.name])
    assert checked.errors == {"org_name": "请填写单位名称。", "credit_code": "请填写统一社会信用代码。"}
    citizen = forms.check_application(good_application(org_name="某公司"), [OFFICE.name])
    assert citizen.ok and "org_name" not in citizen.values


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"applicant_kind": "外星人"},
        {"name": "张" * 5000},
        {"description": "\x00\x01"},
        {"id_kind": "居民身份证", "id_number": "１１０１０５１９４９１２３１００２Ｘ"},
        {"action": "send", "applicant_kind": ["a", "b"]},
    ],
)
def test_malformed_forms_get_field_errors_never_a_500(client, form):
    response = client.post("/apply/form", data={**good_application(), **form} if form else form)
    assert response.status_code == 200, response.status_code


def test_an_oversized_post_is_refused_without_a_500(client):
    response = client.post("/apply/form", data={"description": "x" * 100_000})
    assert response.status_code == 413


# --- review, seal, queue, receipt ----------------------------------------------------------


def send(client, form: dict[str, str], path: str = "/apply/form"):
    review = client.post(path, data={**form, "action": "review"})
    assert review.status_code == 200, review.get_data(as_text=True)
    html = review.get_data(as_text=True)
    hidden = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', html))
    hidden.pop("csrf_token", None)
    return review, client.post(path, data={**hidden, "action": "send"})


def test_review_shows_a_summary_and_send_keeps_only_ciphertext_with_a_tracking_code(client, tmp_path, office_key):
    review, sent = send(client, good_application())
    assert '<dd data-summary="id_number">11010519491231002X</dd>' in review.get_data(as_text=True)
    assert sent.status_code == 303
    code = sent.headers["Location"].rsplit("/", 1)[1]
    assert codes.normalise(code) == code
    page = client.get(f"/apply/sent/{code}").get_data(as_text=True)
    assert codes.grouped(code) in page and "正在准备打印" in page
    conn = state(tmp_path)
    [row] = conn.execute("SELECT * FROM outbox").fetchall()
    assert row["code"] == code and row["status_hash"] == codes.status_hash(code)
    assert ID_NUMBER.encode() not in row["ciphertext"] and "王秀英".encode() not in row["ciphertext"]
    record = envelope.open_record(office_key[0], row["ciphertext"])
    assert record.fields["id_number"] == ID_NUMBER and record.fields["name"] == "王秀英"
    assert record.kind == "application" and record.code == code


def test_the_receipt_prints_code_deadline_office_and_a_status_qr(client, tmp_path):
    _, sent = send(client, good_application())
    code = sent.headers["Location"].rsplit("/", 1)[1]
    worker = PrintWorker(
        tmp_path / "data", PrinterSettings(backend="file", file_dir=str(tmp_path / "prints"), dots=576)
    )
    try:
        assert worker.run_once()
    finally:
        worker.stop()
    [job] = state(tmp_path).execute("SELECT * FROM print_jobs").fetchall()
    assert (job["kind"], job["record_id"], job["status"]) == ("receipt", code, "done")
    escpos = next((tmp_path / "prints").glob(f"job-{job['id']}-receipt*.bin"), None) or next(
        p for p in (tmp_path / "prints").iterdir() if p.suffix != ".png" and "receipt" in p.name
    )
    image, commands = decode_escpos(escpos.read_bytes())
    assert "init" in commands
    assert read_qr(image) == [f"{STATUS_URL}?code={code}"]
    png = Image.open(next((tmp_path / "prints").glob("*receipt*.png")))
    assert read_qr(png) == [f"{STATUS_URL}?code={code}"]


def test_a_question_goes_the_same_way(client, tmp_path, office_key):
    _, sent = send(
        client, {"question": "老年人优待证在哪里办？要带什么？", "callback_phone": "0999-6123001"}, "/apply/question"
    )
    assert sent.status_code == 303
    [row] = state(tmp_path).execute("SELECT ciphertext FROM outbox").fetchall()
    record = envelope.open_record(office_key[0], row["ciphertext"])
    assert record.kind == "question" and record.fields["callback_phone"] == "0999-6123001"


def test_the_idle_reset_forgets_what_was_sent_on_this_screen(client):
    _, sent = send(client, good_application())
    location = sent.headers["Location"]
    assert client.get(location).status_code == 200
    client.get("/reset")
    assert client.get(location).status_code == 404


# --- closed forms: no key, a full disk, a full outbox -------------------------------------


def test_without_the_offices_key_the_forms_are_closed_with_a_plain_message(tmp_path):
    client = make_apply_app(tmp_path, OFFICE).test_client()
    response = client.get("/apply/form")
    assert response.status_code == 404
    assert service.CLOSED_MESSAGES["no_key"] in response.get_data(as_text=True)
    assert "在这里填写申请" not in client.get("/apply").get_data(as_text=True)


def test_a_full_disk_refuses_the_form_and_loses_nothing_queued(client, tmp_path, monkeypatch):
    send(client, good_application())
    before = state(tmp_path).execute("SELECT id, ciphertext FROM outbox").fetchall()
    real = service.shutil.disk_usage
    monkeypatch.setattr(service.shutil, "disk_usage", lambda p: real(p)._replace(free=1024))
    response = client.get("/apply/form")
    assert response.status_code == 503
    assert "存储空间满了" in response.get_data(as_text=True)
    _, refused = send_without_review(client, good_application())
    assert refused.status_code == 503
    assert [tuple(r) for r in state(tmp_path).execute("SELECT id, ciphertext FROM outbox")] == [
        tuple(r) for r in before
    ]


def send_without_review(client, form):
    return None, client.post("/apply/form", data={**form, "action": "send"})


def test_sqlite_reporting_a_full_disk_while_queueing_is_the_same_plain_message(client, tmp_path, monkeypatch):
    send(client, good_application())

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(outbox, "add", full)
    response = send_without_review(client, good_application())[1]
    assert response.status_code == 503 and "存储空间满了" in response.get_data(as_text=True)
    assert state(tmp_path).execute("SELECT count(*) FROM outbox").fetchone()[0] == 1


def test_a_full_outbox_closes_the_forms_and_keeps_every_item(tmp_path, office_key):
    office = OFFICE.model_copy(update={"intake_public_key": office_key[1]})
    client = make_apply_app(tmp_path, office, PRINTER="none", OUTBOX_CAPACITY=2).test_client()
    for _ in range(2):
        assert send(client, good_application())[1].status_code == 303
    response = client.get("/apply/form")
    assert response.status_code == 503 and "暂存的申请太多" in response.get_data(as_text=True)
    assert send_without_review(client, good_application())[1].status_code == 503
    assert state(tmp_path).execute("SELECT count(*) FROM outbox").fetchone()[0] == 2


# --- tracking -----------------------------------------------------------------------------


def test_tracking_a_code_sent_here_but_not_yet_delivered(client):
    _, sent = send(client, good_application())
    code = sent.headers["Location"].rsplit("/", 1)[1]
    page = client.post("/apply/track", data={"code": codes.grouped(code)}).get_data(as_text=True)
    assert "联网后会送到政务公开办" in page
    bad = client.post("/apply/track", data={"code": code[:-1] + str((int(code[-1]) + 1) % 10)})
    assert bad.status_code == 200 and "跟踪码是 12 位数字" in bad.get_data(as_text=True)


def test_the_form_pages_are_never_cached(client):
    assert client.get("/apply/form").headers["Cache-Control"] == "no-store"
    assert Path  # keep the import list honest for later tests
