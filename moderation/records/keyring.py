"""Signing-key history: when the evidence signing key is replaced (`moderation keys init
--force`), the old key's public half is kept under its key id, so the checkpoints it signed
still verify. Verification trusts the published public key and every retired one."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from moderation.records.signing import (
    SigningKeyError,
    key_id,
    load_public_key,
    load_signer,
    public_path_for,
    public_pem,
)

RETIRED_DIR_NAME = "retired_signing_keys"


def retired_dir_for(private_path: Path) -> Path:
    """The folder of retired public keys, next to the private key."""
    return private_path.parent / RETIRED_DIR_NAME


def _current_public(private_path: Path) -> Ed25519PublicKey | None:
    """The current key pair's public key: from the private key, else the published file."""
    try:
        return load_signer(private_path).public_key
    except SigningKeyError:
        published = public_path_for(private_path)
        if not published.exists():
            return None
        return load_public_key(published.read_bytes(), str(published))


def retire(private_path: Path) -> Path | None:
    """Keep the current public key as `<key id>.pub.pem` among the retired keys (before the
    key pair is replaced); None when there is no key to keep."""
    public = _current_public(private_path)
    if public is None:
        return None
    folder = retired_dir_for(private_path)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{key_id(public)}.pub.pem"
    target.write_bytes(public_pem(public))
    return target


def load_keyring(private_path: Path) -> list[Ed25519PublicKey]:
    """The published public key (when there is one) and every retired one."""
    published = public_path_for(private_path)
    paths = [published] if published.exists() else []
    paths += sorted(retired_dir_for(private_path).glob("*.pub.pem"))
    return [load_public_key(p.read_bytes(), str(p)) for p in paths]
