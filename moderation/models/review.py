"""Reviewer workspace models: accounts, queue items, event log, complaints, appeals, directives."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from moderation.models.base import ID, Base, JSONType, UTCDateTime, new_id, utcnow

if TYPE_CHECKING:
    from moderation.models.submission import Submission


class ReviewerAccount(Base):
    """A person who logs in to the workspace; belongs to one tenant, has one role."""

    __tablename__ = "reviewer_accounts"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    #: Login name, unique across the installation (so login needs no tenant field).
    username: Mapped[str] = mapped_column(String(80), unique=True)
    #: Argon2id hash (argon2-cffi encoded form).
    password_hash: Mapped[str] = mapped_column(String(255))
    #: reviewer | senior | compliance | admin
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReviewItem(Base):
    """One piece of work in a tenant's queue: a held post, a complaint, an appeal, a match.

    At most one open item exists per submission: `open_key` holds the submission id while the
    item is open and NULL once closed, under a unique constraint (portable "partial unique").
    """

    __tablename__ = "review_items"
    __table_args__ = (
        UniqueConstraint("open_key"),
        Index("ix_review_items_queue", "tenant_id", "status", "priority", "created_at"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    open_key: Mapped[str | None] = mapped_column(String(32))
    #: Why it entered: verdict | complaint | appeal | directive
    source: Mapped[str] = mapped_column(String(16))
    #: open | closed
    status: Mapped[str] = mapped_column(String(16), default="open")
    #: reviewer (anyone may take it) | senior (escalations and appeals)
    tier: Mapped[str] = mapped_column(String(16), default="reviewer")
    priority: Mapped[int] = mapped_column(Integer, default=0)
    #: The parts of the priority: {"severity": n, "complaints": n, "author": n, ...}.
    priority_parts: Mapped[dict[str, int]] = mapped_column(JSONType, default=dict)
    complaint_count: Mapped[int] = mapped_column(Integer, default=0)
    #: Account that may not take this item (the original decider of an appealed removal).
    excluded_account_id: Mapped[str | None] = mapped_column(ID)
    directive_id: Mapped[str | None] = mapped_column(ID, index=True)
    #: Extra hits to show (directive matches; complaint-only posts have no verdict).
    extra_hits: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    claimed_by: Mapped[str | None] = mapped_column(ID, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: approve | remove (closed items)
    decision: Mapped[str | None] = mapped_column(String(16))
    decided_by: Mapped[str | None] = mapped_column(ID)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    category: Mapped[str | None] = mapped_column(String(64))
    #: The statement of reasons sent to the platform for the author.
    statement: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    post: Mapped[Submission] = relationship(viewonly=True)


class ReviewEvent(Base):
    """Append-only log of everything that happens to review items (never updated or deleted)."""

    __tablename__ = "review_events"
    __table_args__ = (Index("ix_review_events_tenant_kind_at", "tenant_id", "kind", "created_at"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    item_id: Mapped[str | None] = mapped_column(ID, index=True)
    submission_id: Mapped[str | None] = mapped_column(ID, index=True)
    #: enqueued | complaint | claimed | released | lease_expired | decided | escalated |
    #: appealed | revealed | directive_removed
    kind: Mapped[str] = mapped_column(String(24))
    #: Account id, or "system" / "api" / "directive:<id>".
    actor: Mapped[str] = mapped_column(String(80))
    actor_name: Mapped[str | None] = mapped_column(String(80))
    previous_status: Mapped[str | None] = mapped_column(String(24))
    new_status: Mapped[str | None] = mapped_column(String(24))
    decision: Mapped[str | None] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Complaint(Base):
    """A user complaint forwarded by a platform (Art. 49); many may attach to one item."""

    __tablename__ = "review_complaints"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    item_id: Mapped[str | None] = mapped_column(ID, index=True)
    category: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text)
    #: Blind index of the complaining user's id (same user twice is one complaint).
    reporter_hash: Mapped[str | None] = mapped_column(String(64))
    #: accepted | handled
    status: Mapped[str] = mapped_column(String(16), default="accepted")
    outcome: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Appeal(Base):
    """An author contesting a removal; decided by a senior other than the original decider."""

    __tablename__ = "review_appeals"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    item_id: Mapped[str] = mapped_column(ID, index=True)
    #: Who made the removal being appealed (None when it was the engine or a directive).
    original_decider_id: Mapped[str | None] = mapped_column(ID)
    statement: Mapped[str | None] = mapped_column(Text)
    #: pending | upheld | overturned
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Directive(Base):
    """An authority's directive (Art. 50): terms for the lexicon and a sweep of recent posts."""

    __tablename__ = "review_directives"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    reference: Mapped[str] = mapped_column(String(200))
    terms: Mapped[list[str]] = mapped_column(JSONType, default=list)
    category: Mapped[str] = mapped_column(String(64))
    days: Mapped[int] = mapped_column(Integer)
    #: queue (matches go to the review queue) | remove (matches are removed at once)
    mode: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: pending | running | done | failed
    sweep_status: Mapped[str] = mapped_column(String(16), default="pending")
    sweep_total: Mapped[int] = mapped_column(Integer, default=0)
    sweep_done: Mapped[int] = mapped_column(Integer, default=0)
    sweep_job_id: Mapped[str | None] = mapped_column(String(64))
    #: {"scanned", "matched", "queued", "removed", "by_term": {...}, "error"?}
    summary: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
