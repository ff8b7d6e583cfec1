"""The county's signing keys and its root metadata.

KEYS_DIR holds one ed25519 private key per TUF role as a PEM file (mode 0600): root.pem,
targets.pem, snapshot.pem, timestamp.pem; and the root metadata, every version kept as
N.root.json plus root.json (the newest). Terminals are installed with a copy of root.json.
Only `keygen` and `rotate_key` need root.pem: it can live offline (a USB stick in a safe); the
daily publish needs targets, snapshot and timestamp keys only.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from cryptography.hazmat.primitives.serialization import load_pem_private_key
from securesystemslib.signer import CryptoSigner
from tuf.api.metadata import Metadata, Root
from tuf.api.serialization.json import JSONSerializer

from .sync_errors import PublishError

ROLES = ("root", "targets", "snapshot", "timestamp")
ONLINE_ROLES = ("targets", "snapshot", "timestamp")
DEFAULT_ROOT_EXPIRY_DAYS = 365


def key_path(keys_dir: Path, role: str) -> Path:
    return Path(keys_dir) / f"{role}.pem"


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def write_atomic(path: Path, data: bytes, *, fsync: bool = True) -> None:
    """Write `data` to a temporary name beside `path`, fsync, and rename it into place.

    Bulk writers pass fsync=False and call os.sync() once before their final, visible write."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(data)
        if fsync:
            f.flush()
            os.fsync(f.fileno())
    os.replace(tmp, path)


def load_signer(keys_dir: Path, role: str) -> CryptoSigner:
    """The signer for `role` from KEYS_DIR/<role>.pem; a clear error if the file is missing."""
    path = key_path(keys_dir, role)
    try:
        private = load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise PublishError(f"{path}: the {role} key is missing") from None
    except ValueError as exc:
        raise PublishError(f"{path}: not a readable PEM private key ({exc})") from None
    return CryptoSigner(private)


def _utc(days: int | float) -> dt.datetime:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).replace(microsecond=0)


def _serialize(md: Metadata) -> bytes:
    return md.to_bytes(JSONSerializer(compact=False))


def read_root(keys_dir: Path) -> Metadata[Root]:
    path = Path(keys_dir) / "root.json"
    try:
        return Metadata[Root].from_bytes(path.read_bytes())
    except FileNotFoundError:
        raise PublishError(f"{path} is missing: run `content-sync keygen` first") from None


def _write_root(keys_dir: Path, md: Metadata[Root]) -> None:
    data = _serialize(md)
    write_atomic(Path(keys_dir) / f"{md.signed.version}.root.json", data)
    write_atomic(Path(keys_dir) / "root.json", data)


def generate_keys(keys_dir: Path, *, root_expiry_days: int = DEFAULT_ROOT_EXPIRY_DAYS) -> Metadata[Root]:
    """Create the four role keys and version 1 of the root metadata in a new or empty KEYS_DIR."""
    keys_dir = Path(keys_dir)
    keys_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(keys_dir, 0o700)
    existing = [p.name for p in keys_dir.iterdir() if p.suffix in (".pem", ".json")]
    if existing:
        raise PublishError(f"{keys_dir} already holds keys ({', '.join(sorted(existing))}); refusing to overwrite")
    root = Root(expires=_utc(root_expiry_days), consistent_snapshot=True)
    signers = {}
    for role in ROLES:
        signer = CryptoSigner.generate_ed25519()
        _write_private(key_path(keys_dir, role), signer.private_bytes)
        root.add_key(signer.public_key, role)
        signers[role] = signer
    md = Metadata(root)
    md.sign(signers["root"])
    _write_root(keys_dir, md)
    return md


def rotate_key(keys_dir: Path, role: str, *, root_expiry_days: int = DEFAULT_ROOT_EXPIRY_DAYS) -> Metadata[Root]:
    """Replace the key of `role` and sign a new root version that trusts the new key.

    The new root is signed by the current root key; when the root key itself is rotated, by the
    old and the new root key, so terminals that trust the old root can follow the chain. The old
    private key is kept as <role>.<old root version>.retired.pem until the operator destroys it.
    """
    if role not in ROLES:
        raise PublishError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    keys_dir = Path(keys_dir)
    md = read_root(keys_dir)
    old_root_signer = load_signer(keys_dir, "root")
    old_version = md.signed.version
    new_signer = CryptoSigner.generate_ed25519()
    for keyid in list(md.signed.roles[role].keyids):
        md.signed.revoke_key(keyid, role)
    md.signed.add_key(new_signer.public_key, role)
    md.signed.version = old_version + 1
    md.signed.expires = _utc(root_expiry_days)
    md.signatures.clear()
    md.sign(old_root_signer, append=True)
    if role == "root":
        md.sign(new_signer, append=True)
    os.replace(key_path(keys_dir, role), keys_dir / f"{role}.{old_version}.retired.pem")
    _write_private(key_path(keys_dir, role), new_signer.private_bytes)
    _write_root(keys_dir, md)
    return md


def renew_root(keys_dir: Path, *, root_expiry_days: int = DEFAULT_ROOT_EXPIRY_DAYS) -> Metadata[Root]:
    """Sign a new root version with the same keys and a new expiry (yearly, with the offline key)."""
    keys_dir = Path(keys_dir)
    md = read_root(keys_dir)
    md.signed.version += 1
    md.signed.expires = _utc(root_expiry_days)
    md.signatures.clear()
    md.sign(load_signer(keys_dir, "root"))
    _write_root(keys_dir, md)
    return md


def root_versions(keys_dir: Path) -> list[Path]:
    """Every N.root.json in KEYS_DIR, oldest first."""
    found = []
    for path in Path(keys_dir).glob("*.root.json"):
        head = path.name.split(".", 1)[0]
        if head.isdigit():
            found.append((int(head), path))
    return [p for _, p in sorted(found)]


def check_signer_matches_root(root: Root, role: str, signer: CryptoSigner, keys_dir: Path) -> None:
    """Refuse to sign with a key the root metadata does not trust for `role`."""
    if signer.public_key.keyid not in root.roles[role].keyids:
        raise PublishError(
            f"{key_path(keys_dir, role)} is not the {role} key that root.json (version {root.version}) trusts"
        )
