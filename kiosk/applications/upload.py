"""Send the outbox to the county's intake endpoint (content_sync.intake.server).

Each item goes as `PUT <INTAKE_URL>v1/items/<id>` with the terminal's token; it leaves the outbox
only when the endpoint answered 200 with that very id, which it does only after writing the item
durably. Anything else (no network, a timeout, a 5xx, a lost answer, a kill -9 at any moment)
leaves the item where it is for the next run, and the endpoint acknowledges a repeat without
storing it twice. One upload at a time per terminal (a file lock beside state.sqlite).
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from content_sync import faults, state
from content_sync.locks import exclusive_lock

from ..config import Settings
from . import outbox

log = logging.getLogger(__name__)
LOCK_FILE = "upload.lock"


class UploadBusy(Exception):
    """Another upload is running on this terminal."""


@dataclass(frozen=True)
class UploadSettings:
    url: str
    token: str
    timeout: float = 30.0


@dataclass
class UploadResult:
    outcome: str  # sent, nothing, failed
    sent: int
    remaining: int
    error: str | None = None


def upload_settings(settings: Settings) -> UploadSettings:
    return UploadSettings(
        url=settings.INTAKE_URL, token=settings.INTAKE_TOKEN, timeout=float(settings.INTAKE_TIMEOUT_SECONDS)
    )


def run_upload(settings: Settings) -> UploadResult:
    """Upload with the terminal's settings; a concurrent upload counts as a failure to report."""
    try:
        return upload(Path(settings.DATA_DIR), upload_settings(settings))
    except UploadBusy as exc:
        return UploadResult("failed", 0, -1, str(exc))


def describe(result: UploadResult) -> str:
    """One line for the operator: what was sent, what waits, why."""
    if result.outcome == "nothing":
        return "applications: nothing waiting to be sent"
    waiting = f", {result.remaining} waiting" if result.remaining >= 0 else ""
    text = f"applications: {result.sent} sent to the intake service{waiting}"
    return text + (f" - {result.error}" if result.error else "")


def _endpoint(base: str, item_id: str) -> str:
    return base.rstrip("/") + f"/v1/items/{item_id}"


def _put(settings: UploadSettings, item: outbox.Item) -> tuple[int, dict]:
    request = urllib.request.Request(
        _endpoint(settings.url, item.id),
        data=item.ciphertext,
        method="PUT",
        headers={
            "Authorization": f"Bearer {settings.token}",
            "Content-Type": "application/octet-stream",
            "X-Status-Hash": item.status_hash,
        },
    )
    faults.point("upload:request")
    try:
        with urllib.request.urlopen(request, timeout=settings.timeout) as response:
            body = response.read(4096)
            status = response.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read(4096), exc.code
    faults.point("upload:answered")
    try:
        answer = json.loads(body)
    except ValueError:
        answer = {}
    return status, answer if isinstance(answer, dict) else {}


def upload(data_dir: Path, settings: UploadSettings) -> UploadResult:
    """Send every waiting item, oldest first; stop at the first failure that would repeat."""
    data_dir = Path(data_dir)
    conn = state.open_db(data_dir)
    try:
        outbox.migrate(conn)
        with exclusive_lock(data_dir / LOCK_FILE, UploadBusy("another upload is running")):
            return _locked_upload(conn, settings)
    finally:
        conn.close()


def _locked_upload(conn, settings: UploadSettings) -> UploadResult:
    faults.point("upload:locked")
    items = outbox.pending(conn)
    if not settings.url or not settings.token:
        error = "INTAKE_URL and INTAKE_TOKEN are not set: nothing can be sent" if items else None
        attempt = outbox.start_attempt(conn)
        outbox.finish_attempt(conn, attempt, "failed" if items else "nothing", 0, error)
        return UploadResult("failed" if items else "nothing", 0, len(items), error)
    attempt = outbox.start_attempt(conn)
    faults.point("upload:started")
    sent, error = 0, None
    for item in items:
        faults.point("upload:item")
        try:
            status, answer = _put(settings, item)
        except (TimeoutError, urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            error = f"the intake endpoint is unreachable: {reason}"
            outbox.note_failure(conn, item.id, error)
            break
        if status == 200 and answer.get("id") == item.id and answer.get("ok") is True:
            faults.point("upload:acknowledged")
            outbox.acknowledge(conn, item.id)
            faults.point("upload:removed")
            sent += 1
            continue
        reason = answer.get("error") or f"HTTP {status}"
        error = f"the intake endpoint refused item {item.id}: {status} {reason}"
        outbox.note_failure(conn, item.id, error)
        if status in (401, 403) or status >= 500 or status == 429:
            break  # the same answer would come for every item: try again at the next run
        # 4xx for this item alone (409: the id is taken by other bytes): keep it, go on with the rest.
    remaining = outbox.count(conn)
    outcome = "failed" if error else ("sent" if sent else "nothing")
    faults.point("upload:before-record")
    outbox.finish_attempt(conn, attempt, outcome, sent, error)
    if error:
        log.warning("upload: %s (%d sent, %d waiting)", error, sent, remaining)
    return UploadResult(outcome, sent, remaining, error)
