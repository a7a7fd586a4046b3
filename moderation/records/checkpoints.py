"""Signed checkpoints of chain heads: "tenant T's chain had head H at seq N", Ed25519."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.models.base import utcnow
from moderation.models.records import ChainHead, Checkpoint
from moderation.records.canonical import canonical_bytes, iso
from moderation.records.signing import Signer, statement, verify_checkpoint_dict


def checkpoint_dict(cp: Checkpoint) -> dict[str, Any]:
    """A checkpoint as JSON (the signed statement plus its signature)."""
    signed = statement(cp.tenant_id, cp.seq, cp.head_hash, iso(cp.created_at), cp.key_id)
    return {**signed, "signature": cp.signature}


__all__ = [
    "checkpoint_dict",
    "create",
    "create_all",
    "in_range",
    "latest_for",
    "verify_checkpoint_dict",
]


def create(session: Session, tenant_id: str, signer: Signer) -> Checkpoint | None:
    """Sign the tenant's current head; None when it is empty or already checkpointed."""
    head = session.get(ChainHead, tenant_id)
    if head is None or head.seq == 0:
        return None
    latest = latest_for(session, tenant_id)
    if latest is not None and latest.seq == head.seq and latest.key_id == signer.key_id:
        return None
    created = utcnow()
    signed = statement(tenant_id, head.seq, head.head_hash, iso(created), signer.key_id)
    cp = Checkpoint(
        tenant_id=tenant_id,
        seq=head.seq,
        head_hash=head.head_hash,
        created_at=created,
        key_id=signer.key_id,
        signature=signer.sign(canonical_bytes(signed)),
    )
    session.add(cp)
    session.flush()
    return cp


def create_all(session: Session, signer: Signer) -> list[Checkpoint]:
    """Checkpoint every tenant's chain head that moved since its last checkpoint."""
    made = []
    for tenant_id in session.scalars(select(ChainHead.tenant_id).order_by(ChainHead.tenant_id)):
        cp = create(session, tenant_id, signer)
        if cp is not None:
            made.append(cp)
    return made


def latest_for(session: Session, tenant_id: str) -> Checkpoint | None:
    """The tenant's most recent checkpoint."""
    query = (
        select(Checkpoint)
        .where(Checkpoint.tenant_id == tenant_id)
        .order_by(Checkpoint.seq.desc(), Checkpoint.created_at.desc())
        .limit(1)
    )
    return session.scalar(query)


def in_range(session: Session, tenant_id: str, first: int, last: int) -> list[Checkpoint]:
    """The tenant's checkpoints with first <= seq <= last, in order."""
    query = (
        select(Checkpoint)
        .where(Checkpoint.tenant_id == tenant_id, Checkpoint.seq.between(first, last))
        .order_by(Checkpoint.seq, Checkpoint.created_at)
    )
    return list(session.scalars(query))
