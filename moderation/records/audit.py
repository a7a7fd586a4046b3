"""The access audit log: every read of evidence content says who, when, what and why."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.models.records import AccessAudit

CHANNELS = ("api", "ui", "export", "cli", "incident")


def record_access(
    session: Session,
    *,
    actor: str,
    channel: str,
    action: str,
    purpose: str,
    tenant_id: str | None = None,
    record_id: str | None = None,
    export_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AccessAudit:
    """Write one audit entry (the caller commits it with, or before, the read it describes)."""
    if channel not in CHANNELS:
        raise ValueError(f"audit channel must be one of {', '.join(CHANNELS)}, not {channel!r}")
    if not actor.strip():
        raise ValueError("audit entries need an actor (who)")
    entry = AccessAudit(
        actor=actor,
        channel=channel,
        action=action,
        purpose=purpose,
        tenant_id=tenant_id,
        record_id=record_id,
        export_id=export_id,
        detail=detail or {},
    )
    session.add(entry)
    session.flush()
    return entry


def entries(
    session: Session,
    *,
    tenant_id: str | None = None,
    record_id: str | None = None,
    export_id: str | None = None,
    since: datetime | None = None,
    limit: int = 500,
) -> list[AccessAudit]:
    """Audit entries, newest first, optionally for one tenant, record or export."""
    query = select(AccessAudit).order_by(AccessAudit.at.desc()).limit(limit)
    if tenant_id:
        query = query.where(AccessAudit.tenant_id == tenant_id)
    if record_id:
        query = query.where(AccessAudit.record_id == record_id)
    if export_id:
        query = query.where(AccessAudit.export_id == export_id)
    if since:
        query = query.where(AccessAudit.at >= since)
    return list(session.scalars(query))
