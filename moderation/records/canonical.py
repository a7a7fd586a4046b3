"""Canonical JSON and the hashes of the evidence chain (shared by the database and the verifier).

Canonical JSON: keys sorted, no whitespace (`,` and `:` separators), UTF-8 without escaping
non-ASCII, no NaN/Infinity; floats as Python's shortest round-trip repr. The same bytes are
produced from the same value on any machine, so a bundle can be verified offline.

This module imports only the standard library: the offline bundle verifier uses it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

#: prev_hash of the first record of every chain.
GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """The canonical JSON text of `value`."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def canonical_bytes(value: Any) -> bytes:
    """The canonical JSON of `value` as UTF-8 bytes."""
    return canonical_json(value).encode("utf-8")


def sha256_hex(data: str | bytes) -> str:
    """Hex SHA-256 of bytes, or of a string's UTF-8 encoding."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def link_hash(prev_hash: str, body_sha256: str) -> str:
    """A record's chain hash: it commits to the previous record's hash and to its own body."""
    return sha256_hex(f"{prev_hash}:{body_sha256}")


def is_canonical(text: str) -> bool:
    """True when `text` is exactly the canonical JSON of what it parses to."""
    try:
        return canonical_json(json.loads(text)) == text
    except ValueError:
        return False


def iso(value: datetime) -> str:
    """A timestamp as canonical text: UTC, microseconds, `+00:00`."""
    if value.tzinfo is None:
        raise ValueError("naive datetime in an evidence record")
    return value.astimezone(UTC).isoformat(timespec="microseconds")
