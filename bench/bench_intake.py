"""Return-path benchmark: sealing an application on the terminal, one acknowledged upload to the
intake service on a loopback port (waitress, a durable SQLite commit per item), and the ledger
export with the office's key. Prints medians and p95.

    python bench/bench_intake.py [--items 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content_sync import paths, state  # noqa: E402
from content_sync.intake import codes, envelope, keys, ledger  # noqa: E402
from content_sync.intake.server import IntakeServer  # noqa: E402
from content_sync.intake.store import Store  # noqa: E402
from kiosk.applications import outbox  # noqa: E402
from kiosk.applications.upload import UploadSettings, upload  # noqa: E402


def record(n: int) -> envelope.Record:
    return envelope.Record(
        "application",
        codes.new_code(),
        "2026-06-01T10:00:00+08:00",
        "hall-county",
        {
            "applicant_kind": "公民",
            "name": "王秀英",
            "id_kind": "居民身份证",
            "id_number": "11010519491231002X",
            "phone": "13800138000",
            "address": "禾川县长宁镇长宁街12号",
            "agency": "禾川县人民政府办公室",
            "description": f"第{n}份：2025年长宁镇农村危房改造补助名单" * 4,
            "medium": "纸质",
            "delivery": "邮寄",
        },
    )


def p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        private_path, _, public_text = keys.generate(tmp / "keys")
        public = keys.public_key(public_text)
        seal_ms = []
        sealed = []
        for n in range(args.items):
            rec = record(n)
            started = time.perf_counter()
            box = envelope.seal(public, rec)
            seal_ms.append((time.perf_counter() - started) * 1000)
            sealed.append((rec, box))
        conn = state.connect(paths.state_db(tmp / "terminal"))
        outbox.migrate(conn)
        for n, (rec, box) in enumerate(sealed):
            outbox.add(conn, f"{n:032x}", "application", rec.code, codes.status_hash(rec.code), box, "h", 10**6)
        conn.close()
        store = Store(tmp / "store", clock=lambda: dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
        token = store.add_terminal("t1")
        with IntakeServer(store) as server:
            started = time.perf_counter()
            result = upload(tmp / "terminal", UploadSettings(server.url, token))
            upload_s = time.perf_counter() - started
        assert result.sent == args.items and result.remaining == 0, result
        started = time.perf_counter()
        rows = ledger.write_ledger(tmp / "ledger.xlsx", ledger.entries(store, keys.load_private(private_path)))
        export_s = time.perf_counter() - started
        assert rows == args.items
        print(f"items: {args.items}, sealed size {len(sealed[0][1])} bytes")
        print(f"seal: median {statistics.median(seal_ms):.3f} ms, p95 {p95(seal_ms):.3f} ms")
        print(
            f"upload (acknowledged, durable): {upload_s * 1000 / args.items:.2f} ms per item, {upload_s:.2f} s in all"
        )
        print(f"ledger export with decryption: {export_s:.2f} s for {rows} rows")


if __name__ == "__main__":
    main()
