"""The disclosure office's side: keys, the append-only store, the intake endpoint on a real
loopback port, reply deadlines in working days and the ledger, and the `content-sync intake` CLI."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import stat

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pydantic import ValidationError

from content_sync.cli import main
from content_sync.intake import codes, envelope, keys, ledger
from content_sync.intake.errors import CalendarNotCovered, IntakeError
from content_sync.intake.server import IntakeServer
from content_sync.intake.store import Store
from content_sync.schema import DisclosureOffice, Site

from .factories import make_bundle
from .intake_fixtures import ID_NUMBER, application_record, fixed_clock, new_item_id, office_keys, put

RECEIVED = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)  # Monday 1 June 2026, 10:00 in China


# --- keys and the signed content ------------------------------------------------------------


def test_keygen_writes_a_private_key_only_its_owner_can_read(tmp_path):
    private, public, text = keys.generate(tmp_path / "k")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert public.read_text().strip() == text
    assert bytes(keys.load_private(private).public_key) == bytes(keys.public_key(text))
    with pytest.raises(IntakeError, match="already exists"):
        keys.generate(tmp_path / "k")


def test_site_accepts_the_office_key_and_rejects_one_that_is_not_a_curve25519_key(tmp_path):
    _, text = office_keys(tmp_path)
    site = make_bundle().site
    office = site.disclosure_office.model_dump() if site.disclosure_office else None
    office = office or {"name": "县政府办", "address": "新华路168号", "hours": "工作日", "phone": "0999-6123018"}
    ok = Site.model_validate({**site.model_dump(), "disclosure_office": {**office, "intake_public_key": text}})
    assert ok.disclosure_office.intake_public_key == text
    for bad, message in (("not base64!", "must be base64"), ("AAAA", "32-byte")):
        with pytest.raises(ValidationError, match=message):
            DisclosureOffice.model_validate({**office, "intake_public_key": bad})
    with pytest.raises(ValidationError, match="status_url: host 'evil.example.com' is not in the site's allowlist"):
        Site.model_validate(
            {**site.model_dump(), "disclosure_office": {**office, "status_url": "https://evil.example.com/q"}}
        )


# --- tracking codes and the envelope ----------------------------------------------------------


def test_tracking_codes_catch_every_single_digit_error_and_neighbour_swap():
    code = codes.new_code()
    assert codes.normalise(code) == code and len(code) == 12
    assert codes.normalise(codes.grouped(code)) == code
    assert codes.normalise(code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))) == code
    for i in range(12):
        for d in "0123456789":
            if d != code[i]:
                assert codes.normalise(code[:i] + d + code[i + 1 :]) is None
        if i < 11 and code[i] != code[i + 1]:
            assert codes.normalise(code[:i] + code[i + 1] + code[i] + code[i + 2 :]) is None
    assert codes.status_hash(code) != codes.status_hash(codes.new_code())


def test_every_sealed_record_has_an_accepted_size_and_opens_only_with_the_office_key(tmp_path):
    private_path, text = office_keys(tmp_path)
    private = keys.load_private(private_path)
    for length in (0, 400, 1000, 2500):
        record = application_record(description="申" * length)
        box = envelope.seal(keys.public_key(text), record)
        assert envelope.sealed_size_ok(len(box))
        assert ID_NUMBER.encode() not in box
        assert envelope.open_record(private, box) == record
    other = keys.load_private(keys.generate(tmp_path / "other")[0])
    assert envelope.open_record(other, box) is None
    with pytest.raises(envelope.EnvelopeTooLarge):
        envelope.pad(application_record(description="申" * 3000 * 3))
    assert not envelope.sealed_size_ok(envelope.MIN_SEALED - 1)
    assert not envelope.sealed_size_ok(envelope.MIN_SEALED + 1)


# --- the store --------------------------------------------------------------------------------


def test_the_store_is_append_only_and_keeps_the_first_copy_of_an_id(tmp_path):
    store = Store(tmp_path / "store", clock=fixed_clock(RECEIVED))
    assert store.put("a" * 32, "t1", "f" * 64, b"x" * 560) is True
    assert store.put("a" * 32, "t1", "f" * 64, b"x" * 560) is False
    with pytest.raises(IntakeError, match="already stored with other content"):
        store.put("a" * 32, "t1", "f" * 64, b"y" * 560)
    conn = sqlite3.connect(tmp_path / "store" / "intake.sqlite", isolation_level=None)
    for sql in ("UPDATE items SET terminal = 'x'", "DELETE FROM items"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(sql)
    store.set_status("f" * 64, "已受理", dt.date(2026, 6, 2))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM status_events")
    assert [i.ciphertext for i in store.items()] == [b"x" * 560]


def test_status_list_has_each_codes_latest_state_and_no_personal_data(tmp_path):
    store = Store(tmp_path / "store", clock=fixed_clock(RECEIVED))
    store.put("a" * 32, "t1", "1" * 64, b"x" * 560)
    store.put("b" * 32, "t1", "2" * 64, b"x" * 560)
    store.set_status("1" * 64, "已受理", dt.date(2026, 6, 2))
    store.set_status("1" * 64, "已答复", dt.date(2026, 6, 9))
    with pytest.raises(IntakeError, match="no application or question"):
        store.set_status("3" * 64, "已受理")
    with pytest.raises(IntakeError, match="unknown status"):
        store.set_status("1" * 64, "已批准")
    records = [r.model_dump(mode="json") for r in store.status_records()]
    assert records == [
        {"code_hash": "1" * 64, "status": "已答复", "on_date": "2026-06-09"},
        {"code_hash": "2" * 64, "status": "已收到", "on_date": "2026-06-01"},
    ]


# --- the endpoint on a loopback port ------------------------------------------------------


@pytest.fixture
def intake(tmp_path):
    store = Store(tmp_path / "store", clock=fixed_clock(RECEIVED))
    token = store.add_terminal("hall-county-1")
    with IntakeServer(store) as server:
        server.token = token
        yield server


def test_stopping_the_endpoint_with_connections_open_ends_its_thread_cleanly(tmp_path):
    """The serving thread closes its own sockets: closed from another thread, they vanished under
    its select() now and then (EBADF), and the thread died with an error."""
    import http.client
    import threading

    store = Store(tmp_path / "store", clock=fixed_clock(RECEIVED))
    errors: list[BaseException] = []
    previous = threading.excepthook
    threading.excepthook = lambda args: errors.append(args.exc_value)
    try:
        for _ in range(20):
            server = IntakeServer(store).start()
            port = int(server.url.rsplit(":", 1)[1].strip("/"))
            conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=5) for _ in range(3)]
            for conn in conns:
                conn.request("GET", "/")
                conn.getresponse().read()  # the connections stay open (keep-alive)
            server.stop()
            assert not server._thread.is_alive()
            for conn in conns:
                conn.close()
    finally:
        threading.excepthook = previous
    assert errors == []


def test_a_sealed_item_is_stored_and_acknowledged_once_and_resending_is_harmless(intake, tmp_path):
    _, text = office_keys(tmp_path)
    record = application_record()
    box = envelope.seal(keys.public_key(text), record)
    item_id, status_hash = new_item_id(), codes.status_hash(record.code)
    assert put(intake.url, item_id, box, intake.token, status_hash) == (
        200,
        {"ok": True, "id": item_id, "stored": True},
    )
    assert put(intake.url, item_id, box, intake.token, status_hash) == (
        200,
        {"ok": True, "id": item_id, "stored": False},
    )
    other = envelope.seal(keys.public_key(text), record)
    assert put(intake.url, item_id, other, intake.token, status_hash)[0] == 409
    assert intake.store.count() == 1


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"token": None}, 401),
        ({"token": "hall-county-1.wrong"}, 401),
        ({"token": "nobody.x"}, 401),
        ({"status_hash": "xyz"}, 400),
        ({"body": b"x" * 100}, 422),
        ({"body": b"x" * (envelope.MIN_SEALED + 1)}, 422),
        ({"body": b"x" * (envelope.MAX_SEALED + envelope.BLOCK)}, 413),
        ({"item_id": "not-an-id"}, 404),
    ],
)
def test_items_that_are_not_sealed_boxes_or_lack_a_valid_token_are_refused(intake, change, status):
    args = {
        "item_id": new_item_id(),
        "body": b"x" * envelope.MIN_SEALED,
        "token": intake.token,
        "status_hash": "a" * 64,
    }
    args.update(change)
    code, body = put(intake.url, args["item_id"], args["body"], args["token"], args["status_hash"])
    assert code == status and body["ok"] is False
    assert intake.store.count() == 0


def test_a_revoked_terminal_can_no_longer_deliver(intake):
    intake.store.revoke_terminal("hall-county-1")
    assert put(intake.url, new_item_id(), b"x" * envelope.MIN_SEALED, intake.token, "a" * 64)[0] == 401


# --- deadlines and the ledger --------------------------------------------------------------


def test_reply_deadline_counts_twenty_working_days_with_the_swapped_weekends():
    # Received Monday 1 June 2026: 19 June (端午) is a holiday, so the 20th working day is 30 June.
    assert ledger.reply_deadline(dt.date(2026, 6, 1)) == dt.date(2026, 6, 30)
    # 国庆 2026: 1-7 October are off; Sunday 20 September and Saturday 10 October are worked (调休).
    assert ledger.add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert ledger.add_working_days(dt.date(2026, 10, 8), 2) == dt.date(2026, 10, 10)
    assert ledger.add_working_days(dt.date(2026, 9, 18), 1) == dt.date(2026, 9, 20)
    assert ledger.extended_deadline(dt.date(2026, 6, 1)) == ledger.add_working_days(dt.date(2026, 6, 30), 20)


def test_a_deadline_past_the_calendars_newest_year_fails_loudly():
    newest = ledger.newest_calendar_year()
    with pytest.raises(CalendarNotCovered, match=f"knows holidays only up to {newest}: upgrade it"):
        ledger.reply_deadline(dt.date(newest, 12, 20))


def _deliver(store: Store, text: str, *records: envelope.Record) -> None:
    for record in records:
        store.put(new_item_id(), "t1", codes.status_hash(record.code), envelope.seal(keys.public_key(text), record))


def test_export_writes_a_ledger_with_received_dates_deadlines_and_status(tmp_path):
    private, text = office_keys(tmp_path)
    store = Store(tmp_path / "store", clock=fixed_clock(RECEIVED))
    first, second = application_record(), application_record(name="李建国", applicant_kind="公民")
    question = envelope.Record(
        "question",
        codes.new_code(),
        "2026-06-01T10:05:00+08:00",
        "hall-county",
        {"question": "老年人优待证在哪里办？", "callback_phone": "13900139000", "name": "张"},
    )
    _deliver(store, text, first, second, question)
    store.put(new_item_id(), "t1", "e" * 64, b"\0" * envelope.MIN_SEALED)  # readable by nobody
    store.set_status(codes.status_hash(second.code), "已受理", dt.date(2026, 6, 2))
    out = tmp_path / "台账.xlsx"
    result = CliRunner().invoke(
        main, ["intake", "export", "--store", str(tmp_path / "store"), "--key", str(private), str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "4 rows" in result.output
    book = load_workbook(out)
    assert book.sheetnames == ["信息公开申请", "办事咨询", "无法解密"]
    rows = list(book["信息公开申请"].iter_rows(values_only=True))
    header = rows[0]
    by = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [r["姓名/名称"] for r in by] == ["王秀英", "李建国"]
    assert by[0]["跟踪码"] == codes.grouped(first.code)
    assert by[0]["收到日期"].date() == dt.date(2026, 6, 1)
    assert by[0]["答复期限"].date() == dt.date(2026, 6, 30)
    assert by[0]["当前状态"] == "已收到" and by[1]["当前状态"] == "已受理"
    assert by[0]["证件号码"] == ID_NUMBER
    questions = list(book["办事咨询"].iter_rows(values_only=True))
    assert questions[1][questions[0].index("咨询问题")] == "老年人优待证在哪里办？"


def test_cli_list_show_and_status(tmp_path):
    private, text = office_keys(tmp_path)
    store_dir = tmp_path / "store"
    store = Store(store_dir, clock=fixed_clock(RECEIVED))
    record = application_record()
    _deliver(store, text, record)
    runner = CliRunner()
    listed = runner.invoke(main, ["intake", "list", "--store", str(store_dir), "--key", str(private), "--json"])
    assert listed.exit_code == 0, listed.output
    [line] = [json.loads(x) for x in listed.output.splitlines()]
    assert (line["code"], line["received"], line["deadline"], line["status"]) == (
        record.code,
        "2026-06-01",
        "2026-06-30",
        "已收到",
    )
    set_ = runner.invoke(main, ["intake", "status", "--store", str(store_dir), codes.grouped(record.code), "需补正"])
    assert set_.exit_code == 0, set_.output
    shown = runner.invoke(main, ["intake", "show", "--store", str(store_dir), "--key", str(private), record.code])
    assert "需补正" in shown.output and "王秀英" in shown.output
    bad = runner.invoke(main, ["intake", "status", "--store", str(store_dir), "123456789012", "已受理"])
    assert bad.exit_code == 2 and "is not a tracking code" in bad.output


def test_publish_with_intake_signs_the_status_list_into_the_release(tmp_path):
    from content_sync import keys as signing_keys
    from content_sync.sample import sample_source_dir

    store = Store(tmp_path / "store", clock=fixed_clock(RECEIVED))
    store.put("a" * 32, "t1", codes.status_hash("381720465593"), b"x" * envelope.MIN_SEALED)
    signing_keys.generate_keys(tmp_path / "keys")
    args = [str(sample_source_dir()), str(tmp_path / "repo"), "--keys", str(tmp_path / "keys")]
    result = CliRunner().invoke(main, ["publish", *args, "--intake", str(tmp_path / "store"), "--json"])
    assert result.exit_code == 0, result.output
    [target] = (tmp_path / "repo" / "targets").glob("*.application_status.json")
    assert json.loads(target.read_bytes()) == [
        {"code_hash": codes.status_hash("381720465593"), "on_date": "2026-06-01", "status": "已收到"}
    ]
