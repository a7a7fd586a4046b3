"""Tenants (platforms) and their API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from moderation.models.base import ID, Base, JSONType, UTCDateTime, new_id, utcnow


class Tenant(Base):
    """A platform using the service; every other row belongs to exactly one tenant."""

    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Default webhook URL for verdicts and decisions (a post's callback_url overrides it).
    webhook_url: Mapped[str | None] = mapped_column(Text)
    #: Secret for HMAC-SHA256 webhook signatures.
    webhook_secret: Mapped[str] = mapped_column(String(64))
    #: Tenant policy overrides (moderation.engine.policy.Policy.from_dict format); {} = defaults.
    policy: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    #: Categories whose blocks open an incident report for the authorities.
    reportable_categories: Mapped[list[str]] = mapped_column(JSONType, default=list)

    api_keys: Mapped[list[ApiKey]] = relationship(back_populates="tenant")


class ApiKey(Base):
    """A bearer key of a tenant; only its SHA-256 is stored, the key is shown once."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    #: First characters of the key, to tell keys apart in listings.
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: "platform" (moderation API) or "compliance" (exports and evidence through the API).
    role: Mapped[str] = mapped_column(String(20), default="platform")
    label: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    tenant: Mapped[Tenant] = relationship(back_populates="api_keys")
