"""The disclosure office's key pair: Curve25519 (libsodium via PyNaCl), kept as base64 text.

`intake.key` (the private key, mode 0600) stays with the office and is needed only to read
applications; `intake.pub` goes into site.json's `disclosure_office.intake_public_key`, so
every terminal gets it inside the signed content and a tampered key cannot be slipped in.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from .errors import IntakeError

PRIVATE_NAME = "intake.key"
PUBLIC_NAME = "intake.pub"


def encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def generate(keys_dir: Path) -> tuple[Path, Path, str]:
    """Write a new pair into `keys_dir`; refuse to overwrite one (applications sealed to the old
    key could no longer be read). Returns (private path, public path, public key text)."""
    keys_dir = Path(keys_dir)
    keys_dir.mkdir(parents=True, exist_ok=True)
    private_path, public_path = keys_dir / PRIVATE_NAME, keys_dir / PUBLIC_NAME
    if private_path.exists() or public_path.exists():
        raise IntakeError(f"{private_path} already exists; a new pair would make sealed applications unreadable")
    key = PrivateKey.generate()
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(encode(bytes(key)) + "\n")
        f.flush()
        os.fsync(f.fileno())
    public = encode(bytes(key.public_key))
    public_path.write_text(public + "\n")
    return private_path, public_path, public


def _decode(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except ValueError:
        raise IntakeError(f"{what} is not base64") from None
    if len(raw) != 32:
        raise IntakeError(f"{what} is not a 32-byte Curve25519 key ({len(raw)} bytes)")
    return raw


def load_private(path: Path) -> PrivateKey:
    """The office's private key from its file (as `generate` wrote it)."""
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise IntakeError(f"cannot read the private key {path}: {exc.strerror or exc}") from None
    return PrivateKey(_decode(text, str(path)))


def public_key(text: str) -> PublicKey:
    """A public key from its base64 text (site.json's `intake_public_key`)."""
    return PublicKey(_decode(text, "intake_public_key"))


def seal(public: PublicKey, plaintext: bytes) -> bytes:
    return SealedBox(public).encrypt(plaintext)


def unseal(private: PrivateKey, ciphertext: bytes) -> bytes | None:
    """The plaintext, or None if the box was not sealed to this key (or was altered)."""
    try:
        return SealedBox(private).decrypt(ciphertext)
    except CryptoError:
        return None
