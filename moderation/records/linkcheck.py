"""Checks of one chain link and its stored payloads, shared by `records verify` and the
offline bundle verifier (standard library only)."""

from __future__ import annotations

import json
from typing import Any

from moderation.records.canonical import is_canonical, link_hash, sha256_hex

#: Payload fields stored beside the body, with the body key holding their SHA-256.
PAYLOADS = {"content": "content_sha256", "title": "title_sha256", "personal": "personal_sha256"}


def parse_body(body_text: str) -> tuple[dict[str, Any] | None, str | None]:
    """The body as a dict, or a problem: it must be canonical JSON of an object."""
    if not is_canonical(body_text):
        return None, "body is not canonical JSON (edited?)"
    body = json.loads(body_text)
    if not isinstance(body, dict):
        return None, "body is not a JSON object"
    return body, None


def check_link(
    body_text: str, prev_hash: str, record_hash: str, expected_prev: str
) -> tuple[str, str] | None:
    """(field, problem) when the link is broken, else None."""
    if prev_hash != expected_prev:
        return "prev_hash", (
            f"prev_hash {prev_hash[:16]}… does not match the previous record's hash "
            f"{expected_prev[:16]}…"
        )
    computed = link_hash(prev_hash, sha256_hex(body_text))
    if computed != record_hash:
        return "record_hash", (
            f"record_hash {record_hash[:16]}… does not match sha256(prev_hash:sha256(body)) "
            f"= {computed[:16]}…"
        )
    return None


def check_payload(body: dict[str, Any], name: str, value: str | None) -> str | None:
    """A problem when a stored payload does not match its hash in the body.

    A missing payload whose hash is in the body is "purged" and is not a problem here; the caller
    decides whether a tombstone accounts for it.
    """
    expected = body.get(PAYLOADS[name])
    if value is None:
        return None
    if expected is None:
        return f"{name} is present but the body records no {PAYLOADS[name]}"
    if sha256_hex(value) != expected:
        return f"{name}: SHA-256 does not match {PAYLOADS[name]} in the body (edited?)"
    return None


def missing_payloads(body: dict[str, Any], values: dict[str, str | None]) -> list[str]:
    """Payload names whose hash is in the body but whose value is gone (purged or deleted)."""
    return [
        name
        for name, key in PAYLOADS.items()
        if body.get(key) is not None and values.get(name) is None
    ]
