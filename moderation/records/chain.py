"""Appending to a tenant's evidence chain, one writer at a time per tenant.

The tenant's `ChainHead` row is the lock: on PostgreSQL it is read with SELECT ... FOR UPDATE;
on SQLite the INSERT ... ON CONFLICT DO NOTHING that makes sure it exists already takes the
database write lock, held until the caller commits. Either way two appends for one tenant
cannot read the same head, and the unique (tenant_id, seq) constraint is the backstop.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from moderation.models.base import new_id, utcnow
from moderation.models.records import ChainHead, EvidenceRecord
from moderation.records.canonical import (
    GENESIS_HASH,
    canonical_json,
    iso,
    link_hash,
    sha256_hex,
)

KINDS = ("verdict_block", "review_removal", "correction", "reversal", "tombstone")
BODY_VERSION = 1
#: Length of EvidenceRecord.categories.
CATEGORIES_LIMIT = 400


@dataclass
class NewRecord:
    """What a new evidence record says; `append` adds the chain fields."""

    kind: str
    decided_at: datetime
    decided_by: str
    categories: list[str] = field(default_factory=list)
    submission_id: str | None = None
    external_id: str | None = None
    refers_to: str | None = None
    received_at: datetime | None = None
    verdict: dict[str, Any] | None = None
    versions: dict[str, str | None] = field(default_factory=dict)
    note: str | None = None
    content: str | None = None
    title: str | None = None
    #: Author fields and posting context; stored encrypted, hashed with a random salt.
    personal: dict[str, Any] | None = None
    author_hash: str | None = None
    #: For tombstones: the content hashes of the purged record.
    extra: dict[str, Any] = field(default_factory=dict)


def lock_head(session: Session, tenant_id: str) -> ChainHead:
    """The tenant's chain head, created if missing and locked until the transaction ends."""
    values = {"tenant_id": tenant_id, "seq": 0, "head_hash": GENESIS_HASH, "updated_at": utcnow()}
    dialect = session.get_bind().dialect.name
    stmt: Any
    if dialect == "postgresql":
        stmt = postgresql.insert(ChainHead).values(values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite.insert(ChainHead).values(values).on_conflict_do_nothing()
    else:  # pragma: no cover - only PostgreSQL and SQLite are supported
        stmt = insert(ChainHead).values(values)
    session.execute(stmt)
    query = (
        select(ChainHead)
        .where(ChainHead.tenant_id == tenant_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.execute(query).scalar_one()


def fit_categories(codes: list[str], limit: int = CATEGORIES_LIMIT) -> list[str]:
    """The codes that fit the indexed column (all of them stay in the verdict itself)."""
    kept: list[str] = []
    for code in codes:
        if len(category_field([*kept, code])) > limit:
            break
        kept.append(code)
    return kept


def category_field(codes: list[str]) -> str:
    """The `categories` column value for a list of codes (",a,b,")."""
    return "," + "".join(f"{code}," for code in codes)


def seal_personal(personal: dict[str, Any] | None) -> str | None:
    """Canonical JSON of personal data with a random salt, so its hash reveals nothing."""
    if personal is None:
        return None
    return canonical_json({**personal, "salt": secrets.token_hex(16)})


def build_body(
    new: NewRecord, record_id: str, tenant_id: str, seq: int, personal: str | None
) -> dict[str, Any]:
    """The record body that the chain hashes (no content, no personal data)."""
    return {
        "v": BODY_VERSION,
        "record_id": record_id,
        "tenant_id": tenant_id,
        "seq": seq,
        "kind": new.kind,
        "submission_id": new.submission_id,
        "external_id": new.external_id,
        "refers_to": new.refers_to,
        "categories": list(new.categories),
        "author_hash": new.author_hash,
        "received_at": iso(new.received_at) if new.received_at else None,
        "decided_at": iso(new.decided_at),
        "recorded_at": iso(utcnow()),
        "decided_by": new.decided_by,
        "verdict": new.verdict,
        "versions": dict(new.versions),
        "note": new.note,
        "content_sha256": sha256_hex(new.content) if new.content is not None else None,
        "title_sha256": sha256_hex(new.title) if new.title is not None else None,
        "personal_sha256": sha256_hex(personal) if personal is not None else None,
        **new.extra,
    }


def append(session: Session, tenant_id: str, new: NewRecord) -> EvidenceRecord:
    """Append `new` to the tenant's chain (the caller commits); returns the stored record."""
    if new.kind not in KINDS:
        raise ValueError(f"unknown evidence record kind {new.kind!r}")
    new.categories = fit_categories(new.categories)
    head = lock_head(session, tenant_id)
    seq = head.seq + 1
    record_id = new_id()
    personal = seal_personal(new.personal)
    body = canonical_json(build_body(new, record_id, tenant_id, seq, personal))
    record_hash = link_hash(head.head_hash, sha256_hex(body))
    record = EvidenceRecord(
        id=record_id,
        tenant_id=tenant_id,
        seq=seq,
        kind=new.kind,
        submission_id=new.submission_id,
        refers_to=new.refers_to,
        categories=category_field(new.categories),
        author_hash=new.author_hash,
        decided_at=new.decided_at,
        body=body,
        content=new.content,
        title=new.title,
        personal=personal,
        prev_hash=head.head_hash,
        record_hash=record_hash,
    )
    session.add(record)
    head.seq = seq
    head.head_hash = record_hash
    head.updated_at = utcnow()
    session.flush()
    return record
