"""Tenants and API keys: creation (key shown once), hashing, lookup, revocation."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from moderation.models.base import utcnow
from moderation.models.tenant import ApiKey, Tenant

KEY_PREFIX = "mod_"
ROLES = ("platform", "compliance")


class TenancyError(ValueError):
    """A tenant or key operation was given bad input (duplicate name, unknown tenant...)."""


def hash_key(key: str) -> str:
    """SHA-256 of an API key (keys are 256-bit random, so a fast hash is enough)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_tenant(session: Session, name: str, webhook_url: str | None = None) -> Tenant:
    """Create a tenant with a fresh webhook secret (the caller commits)."""
    name = name.strip()
    if not name:
        raise TenancyError("tenant name must not be empty")
    if session.scalar(select(Tenant).where(Tenant.name == name)) is not None:
        raise TenancyError(f"a tenant named {name!r} already exists")
    tenant = Tenant(
        name=name,
        webhook_url=webhook_url,
        webhook_secret=secrets.token_hex(32),
        policy={},
        reportable_categories=["terrorism", "prohibited_items", "malware"],
    )
    session.add(tenant)
    session.flush()
    return tenant


def find_tenant(session: Session, name_or_id: str) -> Tenant:
    """The tenant with this name or id; TenancyError when there is none."""
    tenant = session.scalar(
        select(Tenant).where((Tenant.name == name_or_id) | (Tenant.id == name_or_id))
    )
    if tenant is None:
        raise TenancyError(f"no tenant named {name_or_id!r}")
    return tenant


def create_api_key(
    session: Session, tenant: Tenant, role: str = "platform", label: str | None = None
) -> tuple[ApiKey, str]:
    """Create a key; returns the row and the plaintext key, which is never stored."""
    if role not in ROLES:
        raise TenancyError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    plaintext = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        tenant_id=tenant.id,
        prefix=plaintext[:12],
        key_hash=hash_key(plaintext),
        role=role,
        label=label,
    )
    session.add(key)
    session.flush()
    return key, plaintext


def authenticate(session: Session, plaintext: str) -> ApiKey | None:
    """The active key matching `plaintext`, or None."""
    query = select(ApiKey).where(ApiKey.key_hash == hash_key(plaintext))
    key = session.scalar(query.options(joinedload(ApiKey.tenant)))
    if key is None or not key.active:
        return None
    return key


def revoke_api_key(session: Session, prefix_or_id: str) -> ApiKey:
    """Revoke a key by its id or shown prefix."""
    key = session.scalar(
        select(ApiKey).where((ApiKey.id == prefix_or_id) | (ApiKey.prefix == prefix_or_id))
    )
    if key is None:
        raise TenancyError(f"no API key {prefix_or_id!r}")
    key.active = False
    key.revoked_at = utcnow()
    return key
