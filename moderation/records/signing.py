"""Ed25519 keys for checkpoints and export manifests: generate, load, sign, verify.

The private key is a PKCS#8 PEM file readable only by its owner (0600) under instance/ (or at
MODERATION_SIGNING_KEY_PATH); the public key is published as a PEM file next to it. A key id is
the first 16 hex digits of the SHA-256 of the raw public key, so signatures say which key made
them. Verification needs only `cryptography` and the public key.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from moderation.records.canonical import canonical_bytes

DEFAULT_KEY_NAME = "evidence_signing_key.pem"


class SigningKeyError(RuntimeError):
    """The signing key is missing, unreadable or not an Ed25519 key."""


def key_path_for(instance_dir: Path, configured: Path | None) -> Path:
    """Where the private key lives (configured path, else instance/evidence_signing_key.pem)."""
    return configured if configured is not None else instance_dir / DEFAULT_KEY_NAME


def public_path_for(private_path: Path) -> Path:
    """The published public key next to the private key (`*.pub.pem`)."""
    return private_path.with_name(private_path.name.removesuffix(".pem") + ".pub.pem")


def key_id(public_key: Ed25519PublicKey) -> str:
    """Short fingerprint of a public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    """The public key as SubjectPublicKeyInfo PEM."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@dataclass(frozen=True)
class Signer:
    """A loaded private key."""

    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def key_id(self) -> str:
        return key_id(self.public_key)

    def sign(self, message: bytes) -> str:
        """Base64 signature of `message`."""
        return base64.b64encode(self.private_key.sign(message)).decode("ascii")


def generate(private_path: Path, *, overwrite: bool = False) -> Signer:
    """Create a key pair; refuses to replace an existing key unless `overwrite`."""
    if private_path.exists() and not overwrite:
        raise SigningKeyError(f"a signing key already exists at {private_path}")
    private_path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    tmp = private_path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    os.chmod(tmp, 0o600)
    tmp.replace(private_path)
    public_path_for(private_path).write_bytes(public_pem(key.public_key()))
    return Signer(key)


def load_signer(private_path: Path) -> Signer:
    """Load the private key, naming the file and what is wrong if it cannot be used."""
    if not private_path.exists():
        raise SigningKeyError(f"no signing key at {private_path}: run `moderation keys init` first")
    try:
        key = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
    except ValueError as exc:
        raise SigningKeyError(f"{private_path} is not a PEM private key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{private_path} is not an Ed25519 key")
    return Signer(key)


def load_public_key(data: bytes, source: str = "public key") -> Ed25519PublicKey:
    """Parse a PEM public key, naming `source` if it is not an Ed25519 public key."""
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as exc:
        raise SigningKeyError(f"{source} is not a PEM public key: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(f"{source} is not an Ed25519 public key")
    return key


def verify_signature(public_key: Ed25519PublicKey, message: bytes, signature_b64: str) -> bool:
    """True when `signature_b64` is a valid signature of `message` by `public_key`."""
    try:
        public_key.verify(base64.b64decode(signature_b64, validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def statement(
    tenant_id: str, seq: int, head_hash: str, created_at: str, key_id: str
) -> dict[str, Any]:
    """What a checkpoint signature covers (canonical JSON of this dict)."""
    return {
        "type": "moderation.evidence.checkpoint",
        "tenant_id": tenant_id,
        "seq": seq,
        "head_hash": head_hash,
        "created_at": created_at,
        "key_id": key_id,
    }


def verify_checkpoint_dict(data: dict[str, Any], public_key: Ed25519PublicKey) -> bool:
    """True when a checkpoint dict's signature is valid under `public_key`."""
    try:
        signed = statement(
            data["tenant_id"], data["seq"], data["head_hash"], data["created_at"], data["key_id"]
        )
    except (KeyError, TypeError):
        return False
    return verify_signature(public_key, canonical_bytes(signed), str(data.get("signature", "")))
