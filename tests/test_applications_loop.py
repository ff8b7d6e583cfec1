"""The whole return path, with real components: the terminal takes an application, `kiosk sync`
uploads it to the office's intake service on a loopback port, the office decrypts it and exports
the ledger (.xlsx, read back with openpyxl), sets a status, publishes, and the terminal's next
sync shows that status for the code. And no file the terminal wrote holds the applicant's data."""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from content_sync.cli import main as content_sync_main
from content_sync.intake import codes, keys
from content_sync.intake.server import IntakeServer
from content_sync.intake.store import Store
from content_sync.schema import DisclosureOffice
from kiosk import create_app
from kiosk.printing.backends import PrinterSettings
from kiosk.printing.worker import PrintWorker

from .intake_fixtures import ID_NUMBER, fixed_clock
from .sync_fixtures import kiosk_cli_fixture, make_county, portal_fixture

portal = pytest.fixture(portal_fixture, name="portal")
kiosk = pytest.fixture(kiosk_cli_fixture, name="kiosk")

RECEIVED = dt.datetime(2026, 6, 1, 2, 30, tzinfo=dt.UTC)
STATUS_URL = "https://www.ceshi.gov.example/ysqgk/jindu"
NAME = "欧阳秀兰"
ADDRESS = "测试县人民路88号3单元"
PHONE = "13912345678"


def _fields(release_office: str) -> dict[str, str]:
    return {
        "applicant_kind": "公民",
        "name": NAME,
        "id_kind": "居民身份证",
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "address": ADDRESS,
        "email": "ouyang@example.com",
        "agency": release_office,
        "description": "人民路旧城改造项目的征收补偿标准",
        "medium": "电子",
        "delivery": "电子邮件",
    }


def _send(client, form: dict[str, str]) -> str:
    review = client.post("/apply/form", data={**form, "action": "review"})
    assert review.status_code == 200, review.get_data(as_text=True)
    hidden = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', review.get_data(as_text=True)))
    hidden.pop("csrf_token", None)
    sent = client.post("/apply/form", data={**hidden, "action": "send"})
    assert sent.status_code == 303
    return sent.headers["Location"].rsplit("/", 1)[1]


def _files(*roots: Path) -> list[Path]:
    return [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]


def test_application_travels_to_the_office_and_its_status_comes_back(portal, kiosk, tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    private, _, public_text = keys.generate(tmp_path / "office-keys")
    store_dir = tmp_path / "intake-store"
    store = Store(store_dir, clock=fixed_clock(RECEIVED))
    token = store.add_terminal("hall-county-1")

    bundle = make_county()
    office = DisclosureOffice(
        name="测试县人民政府办公室（政务公开办）",
        address="测试县人民路1号政务服务中心一楼",
        hours="周一至周五 9:00–17:00",
        phone="0999-6000018",
        intake_public_key=public_text,
        status_url=STATUS_URL,
    )
    bundle.site = bundle.site.model_copy(update={"disclosure_office": office})
    portal.publish(bundle)
    cli_output: list[str] = []

    with IntakeServer(store) as intake:
        monkeypatch.setenv("KIOSK_INTAKE_URL", intake.url)
        monkeypatch.setenv("KIOSK_INTAKE_TOKEN", token)
        first = kiosk("sync")
        cli_output.append(first.output)
        assert first.exit_code == 0, first.output

        prints = tmp_path / "prints"
        cache = tmp_path / "cache"
        app = create_app(
            {
                "TESTING": True,
                "WTF_CSRF_ENABLED": False,
                "DATA_DIR": str(portal.terminal),
                "CACHE_DIR": str(cache),
                "PRINTER": "file",
                "PRINTER_FILE_DIR": str(prints),
            }
        )
        client = app.test_client()
        code = _send(client, _fields(office.name))
        worker = PrintWorker(portal.terminal, PrinterSettings(backend="file", file_dir=str(prints), dots=576))
        try:
            assert worker.run_once()  # the receipt
        finally:
            worker.stop()
        page = client.post("/apply/track", data={"code": code}).get_data(as_text=True)
        assert "联网后会送到政务公开办" in page

        uploaded = kiosk("sync")
        cli_output.append(uploaded.output)
        assert uploaded.exit_code == 0, uploaded.output
        assert "applications: 1 sent to the intake service, 0 waiting" in uploaded.output
        assert store.count() == 1

    # --- the office: list, export the ledger, set a status
    runner = CliRunner()
    ledger = tmp_path / "登记台账.xlsx"
    exported = runner.invoke(
        content_sync_main, ["intake", "export", "--store", str(store_dir), "--key", str(private), str(ledger)]
    )
    assert exported.exit_code == 0, exported.output
    sheet = load_workbook(ledger)["信息公开申请"]
    rows = list(sheet.iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["跟踪码"] == codes.grouped(code)
    assert (row["姓名/名称"], row["证件号码"], row["联系电话"], row["通信地址"]) == (NAME, ID_NUMBER, PHONE, ADDRESS)
    assert row["收到日期"].date() == dt.date(2026, 6, 1) and row["答复期限"].date() == dt.date(2026, 6, 30)
    assert (row["信息形式"], row["获取方式"], row["当前状态"]) == ("电子", "电子邮件", "已收到")
    assert row["申请机关"] == office.name

    set_status = runner.invoke(
        content_sync_main, ["intake", "status", "--store", str(store_dir), code, "已受理", "--date", "2026-06-02"]
    )
    assert set_status.exit_code == 0, set_status.output

    # --- the next release carries the status list; the terminal's next sync shows it
    bundle.application_status = Store(store_dir).status_records()
    portal.publish(bundle)
    third = kiosk("sync")
    cli_output.append(third.output)
    assert third.exit_code == 0 and "updated" in third.output, third.output
    page = client.post("/apply/track", data={"code": codes.grouped(code)}).get_data(as_text=True)
    assert 'data-status="已受理"' in page and "2026-06-02" in page and "已经受理，正在办理。" in page
    # Another code is not anybody's status.
    other = codes.new_code()
    assert "还没有查到进度" in client.post("/apply/track", data={"code": other}).get_data(as_text=True)

    # --- nothing the terminal wrote, logged or printed holds the applicant's data
    status = kiosk("status", "--json")
    cli_output.append(status.output)
    assert '"count": 0' in status.output
    metrics = client.get("/metrics").get_data(as_text=True)
    assert "kiosk_outbox_items 0.0" in metrics
    secrets_ = [ID_NUMBER, NAME, ADDRESS, PHONE, "ouyang@example.com"]
    written = _files(portal.terminal, cache, prints)
    assert any(p.name == "state.sqlite" for p in written)
    for path in written:
        data = path.read_bytes()
        for secret in secrets_:
            assert secret.encode("utf-8") not in data, f"{secret} found in {path}"
    texts = [caplog.text, metrics, *cli_output]
    for text in texts:
        for secret in secrets_:
            assert secret not in text
