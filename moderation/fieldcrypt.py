"""Encryption at rest for personal fields (AES-256-GCM) and searchable blind indexes.

Ciphertexts are strings `v1:<key id>:<base64(nonce || ciphertext+tag)>`, so a row says which key
encrypted it and keys can be rotated (`moderation keys rotate` re-encrypts with the active key).
The process-wide cipher is configured once at start (app factory, worker, CLI) from Settings.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "v1"


class FieldCryptError(ValueError):
    """A ciphertext cannot be decrypted (unknown key id, corrupted or tampered)."""


class FieldCipher:
    """Encrypts and decrypts personal fields with a set of keys, one of them active."""

    def __init__(self, keys: dict[str, bytes], active_key_id: str, index_key: bytes) -> None:
        if active_key_id not in keys:
            raise FieldCryptError(f"active key id {active_key_id!r} is not among the keys")
        self._keys = {kid: AESGCM(key) for kid, key in keys.items()}
        self.active_key_id = active_key_id
        self._index_key = index_key

    def encrypt(self, plaintext: str, associated: str = "") -> str:
        """Encrypt with the active key; `associated` data (e.g. a column name) is authenticated."""
        nonce = os.urandom(12)
        sealed = self._keys[self.active_key_id].encrypt(
            nonce, plaintext.encode("utf-8"), associated.encode("utf-8")
        )
        blob = base64.b64encode(nonce + sealed).decode("ascii")
        return f"{PREFIX}:{self.active_key_id}:{blob}"

    def decrypt(self, token: str, associated: str = "") -> str:
        """Decrypt a token produced by `encrypt`, with whichever key id it names."""
        try:
            prefix, kid, blob = token.split(":", 2)
        except ValueError:
            raise FieldCryptError("not an encrypted field value") from None
        if prefix != PREFIX or kid not in self._keys:
            raise FieldCryptError(f"unknown encryption key id {kid!r}")
        raw = base64.b64decode(blob)
        try:
            plain = self._keys[kid].decrypt(raw[:12], raw[12:], associated.encode("utf-8"))
        except InvalidTag:
            raise FieldCryptError("encrypted field failed authentication (tampered?)") from None
        return plain.decode("utf-8")

    @staticmethod
    def key_id_of(token: str) -> str:
        """The key id that encrypted `token`."""
        return token.split(":", 2)[1]

    def blind_index(self, *parts: str) -> str:
        """A keyed hash for equality search on an encrypted value (e.g. tenant + author id)."""
        message = "\x1f".join(parts).encode("utf-8")
        return hmac.new(self._index_key, message, hashlib.sha256).hexdigest()


_cipher: FieldCipher | None = None


def configure(cipher: FieldCipher) -> None:
    """Install the process-wide cipher (called once at start)."""
    global _cipher
    _cipher = cipher


def get_cipher() -> FieldCipher:
    """The process-wide cipher; raises if the process forgot to configure it."""
    if _cipher is None:
        raise RuntimeError("field encryption is not configured (call fieldcrypt.configure)")
    return _cipher
