"""Submitted posts and their verdicts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from moderation.models.base import (
    ID,
    Base,
    EncryptedString,
    JSONType,
    UTCDateTime,
    new_id,
    utcnow,
)


class Submission(Base):
    """A post sent for moderation; committed before it is queued, so it is never lost.

    Author identifiers are personal information (Art. 40-42): encrypted at rest, with a keyed
    blind index (`author_hash`) for lookups by author.
    """

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "external_id"),
        Index("ix_submissions_status_received", "status", "received_at"),
        Index("ix_submissions_tenant_received", "tenant_id", "received_at"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    external_id: Mapped[str | None] = mapped_column(String(200))
    #: The exact original content (None once purged by retention; a tombstone remains).
    text: Mapped[str | None] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[str | None] = mapped_column(EncryptedString)
    author_ip: Mapped[str | None] = mapped_column(EncryptedString)
    author_device_id: Mapped[str | None] = mapped_column(EncryptedString)
    author_verified: Mapped[bool | None] = mapped_column(Boolean)
    author_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    context: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    callback_url: Mapped[str | None] = mapped_column(Text)
    #: pending -> decided (verdict written) ; "purged" after retention.
    status: Mapped[str] = mapped_column(String(16), default="pending")
    #: Current publication state after reviews: allow/review/block (mirrors the latest decision).
    action: Mapped[str | None] = mapped_column(String(16))
    batch_id: Mapped[str | None] = mapped_column(ID, index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    verdict: Mapped[Verdict | None] = relationship(back_populates="submission", uselist=False)


class Verdict(Base):
    """The engine's decision on a submission; written exactly once (unique submission_id)."""

    __tablename__ = "verdicts"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), unique=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    categories: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    hits: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    masked_text: Mapped[str | None] = mapped_column(Text)
    lexicon_version: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[str | None] = mapped_column(String(64))
    policy_version: Mapped[str] = mapped_column(String(64))
    timings_ms: Mapped[dict[str, float]] = mapped_column(JSONType, default=dict)
    #: "engine" or "worker:<hostname>:<pid>" — what produced the verdict.
    decided_by: Mapped[str] = mapped_column(String(120), default="engine")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="verdict")
