"""What a terminal seals, defined once for both sides.

The plaintext is a 4-byte big-endian length, then the record as UTF-8 JSON, then zero bytes up
to the next multiple of BLOCK. Padding hides how long a citizen's text was; the fixed blocks
also give the intake server a strict size check it can make without the key: a sealed box is
SEAL_OVERHEAD bytes longer than a whole number of blocks, between MIN_SEALED and MAX_SEALED.

Record (JSON object): {"v": 1, "kind": "application" | "question", "code": "<12 digits>",
"submitted_at": ISO time with offset, "hall_id": str, "fields": {name: text}}.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from typing import Any

from nacl.public import PrivateKey, PublicKey

from . import codes, keys

VERSION = 1
KINDS = ("application", "question")
KIND_NAMES = {"application": "政府信息公开申请", "question": "办事咨询"}
BLOCK = 512
MAX_PLAINTEXT = 16 * BLOCK  # 8 KiB: the form's limits keep a full application under half of it
SEAL_OVERHEAD = 48  # X25519 ephemeral public key (32) + Poly1305 tag (16)
MIN_SEALED = BLOCK + SEAL_OVERHEAD
MAX_SEALED = MAX_PLAINTEXT + SEAL_OVERHEAD


class EnvelopeTooLarge(ValueError):
    """The record does not fit in MAX_PLAINTEXT bytes."""


@dataclass(frozen=True)
class Record:
    kind: str
    code: str
    submitted_at: str
    hall_id: str
    fields: dict[str, str]

    def as_json(self) -> dict[str, Any]:
        return {
            "v": VERSION,
            "kind": self.kind,
            "code": self.code,
            "submitted_at": self.submitted_at,
            "hall_id": self.hall_id,
            "fields": dict(self.fields),
        }


def sealed_size_ok(size: int) -> bool:
    """True for the size of a box `seal` can make (the server's check before storing)."""
    return MIN_SEALED <= size <= MAX_SEALED and (size - SEAL_OVERHEAD) % BLOCK == 0


def pad(record: Record) -> bytes:
    body = json.dumps(record.as_json(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    total = -(-(len(body) + 4) // BLOCK) * BLOCK
    if total > MAX_PLAINTEXT:
        raise EnvelopeTooLarge(f"record of {len(body)} bytes exceeds {MAX_PLAINTEXT - 4}")
    return struct.pack(">I", len(body)) + body + b"\0" * (total - 4 - len(body))


def seal(public: PublicKey, record: Record) -> bytes:
    return keys.seal(public, pad(record))


def open_record(private: PrivateKey, ciphertext: bytes) -> Record | None:
    """The record in a sealed item, or None if it is not a box to this key holding a valid record."""
    plain = keys.unseal(private, ciphertext)
    if plain is None or len(plain) < 4:
        return None
    (length,) = struct.unpack(">I", plain[:4])
    try:
        data = json.loads(plain[4 : 4 + length].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("v") != VERSION or data.get("kind") not in KINDS:
        return None
    fields = data.get("fields")
    code = data.get("code")
    if not isinstance(fields, dict) or not isinstance(code, str) or codes.normalise(code) != code:
        return None
    return Record(
        kind=data["kind"],
        code=code,
        submitted_at=str(data.get("submitted_at", "")),
        hall_id=str(data.get("hall_id", "")),
        fields={str(k): str(v) for k, v in fields.items()},
    )
