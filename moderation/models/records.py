"""Preserved records: evidence chain, checkpoints, access audit, legal holds, incidents, exports.

Evidence records are append-only and hash-chained per tenant. A record's `body` is canonical JSON
holding no content and no personal data, only their SHA-256; the content and the (encrypted)
personal data are stored alongside so retention can purge them while the chain stays verifiable.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from moderation.models.base import ID, Base, EncryptedString, JSONType, UTCDateTime, new_id, utcnow


class EvidenceRecord(Base):
    """One link of a tenant's evidence chain (verdict block, removal, correction, tombstone).

    `record_hash = sha256(prev_hash + ":" + sha256(body))`; every other column except `content`,
    `title` and `personal` repeats a value of `body` for queries and is checked against it.
    """

    __tablename__ = "evidence_records"
    __table_args__ = (
        UniqueConstraint("tenant_id", "seq"),
        Index("ix_evidence_records_tenant_decided", "tenant_id", "decided_at"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    seq: Mapped[int] = mapped_column(Integer)
    #: verdict_block | review_removal | correction | reversal | tombstone
    kind: Mapped[str] = mapped_column(String(20))
    submission_id: Mapped[str | None] = mapped_column(ID, index=True)
    #: The record a correction, reversal or tombstone refers to.
    refers_to: Mapped[str | None] = mapped_column(ID, index=True)
    #: Category codes as ",a,b," so a LIKE '%,code,%' filter works on every database.
    categories: Mapped[str] = mapped_column(String(400), default=",")
    author_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Canonical JSON of the record (no content, no personal data); covered by record_hash.
    body: Mapped[str] = mapped_column(Text)
    #: The exact original content; None once purged (a tombstone record then refers to it).
    content: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    #: Canonical JSON of author fields and posting context, with a salt; encrypted at rest.
    personal: Mapped[str | None] = mapped_column(EncryptedString)
    prev_hash: Mapped[str] = mapped_column(String(64))
    record_hash: Mapped[str] = mapped_column(String(64), unique=True)


class ChainHead(Base):
    """The last link of a tenant's chain; locked (FOR UPDATE / SQLite write lock) to append."""

    __tablename__ = "evidence_chain_heads"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    head_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Checkpoint(Base):
    """A signed statement "tenant T's chain had head H at seq N" (Ed25519)."""

    __tablename__ = "evidence_checkpoints"
    __table_args__ = (Index("ix_evidence_checkpoints_tenant_seq", "tenant_id", "seq"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    seq: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    key_id: Mapped[str] = mapped_column(String(64))
    #: Base64 Ed25519 signature over the canonical JSON of the other fields.
    signature: Mapped[str] = mapped_column(Text)


class CaseLink(Base):
    """Attaches an evidence record to a case reference (an investigation or authority request)."""

    __tablename__ = "evidence_case_links"
    __table_args__ = (UniqueConstraint("case_ref", "record_id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    case_ref: Mapped[str] = mapped_column(String(120), index=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("evidence_records.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))


class AccessAudit(Base):
    """Who read which evidence content, when and why (API, reviewer UI, export, CLI)."""

    __tablename__ = "access_audit"
    __table_args__ = (Index("ix_access_audit_tenant_at", "tenant_id", "at"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    #: api | ui | export | cli | incident
    channel: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    purpose: Mapped[str] = mapped_column(Text)
    tenant_id: Mapped[str | None] = mapped_column(ID)
    record_id: Mapped[str | None] = mapped_column(ID, index=True)
    export_id: Mapped[str | None] = mapped_column(ID, index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class LegalHold(Base):
    """Stops retention purging for a tenant, an author, a case or a single record."""

    __tablename__ = "legal_holds"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    #: tenant | author | case | record
    scope: Mapped[str] = mapped_column(String(10))
    #: author: blind index of the author id; case: case ref; record: record id; tenant: "".
    value: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by: Mapped[str | None] = mapped_column(String(120))


class IncidentReport(Base):
    """A report to the competent authorities (Art. 47): draft -> submitted -> acknowledged."""

    __tablename__ = "incident_reports"
    __table_args__ = (Index("ix_incident_reports_tenant_status", "tenant_id", "status"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    category: Mapped[str] = mapped_column(String(40))
    submission_id: Mapped[str | None] = mapped_column(ID)
    external_id: Mapped[str | None] = mapped_column(String(200))
    evidence_record_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    summary: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    actions_taken: Mapped[list[str]] = mapped_column(JSONType, default=list)
    #: Who posted it and where (author fields and context), encrypted JSON.
    poster: Mapped[str | None] = mapped_column(EncryptedString)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    authority_ref: Mapped[str | None] = mapped_column(String(200))


class ReportDelivery(Base):
    """One attempt to deliver an incident report (folder or HTTP), successful or not."""

    __tablename__ = "incident_deliveries"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    report_id: Mapped[str] = mapped_column(ForeignKey("incident_reports.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    target: Mapped[str] = mapped_column(Text)
    ok: Mapped[bool] = mapped_column(default=False)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExportJob(Base):
    """A signed evidence export for the authorities, built by a job with progress."""

    __tablename__ = "evidence_exports"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    #: queued | running | done | failed
    status: Mapped[str] = mapped_column(String(10), default="queued")
    filters: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    reason: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    request_ref: Mapped[str | None] = mapped_column(String(200))
    requested_by: Mapped[str] = mapped_column(String(200))
    #: Who produced it (CLI user or API key), as opposed to who asked for it.
    exporter: Mapped[str] = mapped_column(String(200))
    #: The author filter (a personal identifier), encrypted; `filters` holds the rest.
    author_filter: Mapped[str | None] = mapped_column(EncryptedString)
    total: Mapped[int | None] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    path: Mapped[str | None] = mapped_column(Text)
    bundle_sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
