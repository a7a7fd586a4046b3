"""HMAC-SHA256 webhook signatures: `X-Moderation-Signature: t=<unix time>,v1=<hex>`.

The signed message is `<t>.<raw body>`, so a receiver can reject replays older than a few
minutes. Receivers should use `verify` (or the same computation) with the tenant's secret.
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "X-Moderation-Signature"
DEFAULT_TOLERANCE = 300


def compute(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of `timestamp + "." + body` under `secret`."""
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The signature header value for `body`, timestamped now unless given."""
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={compute(secret, t, body)}"


def verify(
    secret: str,
    header: str,
    body: bytes,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> bool:
    """True when `header` is a valid, fresh signature of `body` under `secret`."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        t = int(parts["t"])
    except (KeyError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - t) > tolerance:
        return False
    expected = compute(secret, t, body)
    return hmac.compare_digest(expected, parts.get("v1", ""))
