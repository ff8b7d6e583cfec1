"""Shared pieces of the intake tests: an office key pair, a store, sealed records, an HTTP client."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from content_sync.intake import codes, envelope, keys

ID_NUMBER = "11010519491231002X"  # a well-formed 居民身份证 number (GB 11643 check character X)


def office_keys(tmp_path: Path) -> tuple[Path, str]:
    private, _public, text = keys.generate(tmp_path / "office-keys")
    return private, text


def application_record(code: str | None = None, **fields: str) -> envelope.Record:
    values = {
        "applicant_kind": "公民",
        "name": "王秀英",
        "id_kind": "居民身份证",
        "id_number": ID_NUMBER,
        "phone": "13800138000",
        "address": "禾川县长宁镇长宁街12号",
        "description": "2025年长宁镇农村危房改造补助名单",
        "medium": "纸质",
        "delivery": "邮寄",
        "agency": "禾川县住房和城乡建设局",
        **fields,
    }
    return envelope.Record(
        kind="application",
        code=code or codes.new_code(),
        submitted_at=dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC).isoformat(),
        hall_id="hall-county",
        fields=values,
    )


def fixed_clock(moment: dt.datetime):
    return lambda: moment


def put(url: str, item_id: str, body: bytes, token: str | None, status_hash: str) -> tuple[int, dict]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    headers = {"Content-Type": "application/octet-stream", "X-Status-Hash": status_hash}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request("PUT", f"/v1/items/{item_id}", body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        try:
            return response.status, json.loads(data)
        except ValueError:  # waitress's own answer (a body over its limit): plain text
            return response.status, {"ok": False, "text": data.decode("utf-8", "replace")}
    finally:
        conn.close()


def new_item_id() -> str:
    return secrets.token_hex(16)
