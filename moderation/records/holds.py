"""Legal holds (by tenant, author, case or record) that stop retention purging, and cases."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.models.base import utcnow
from moderation.models.records import CaseLink, EvidenceRecord, LegalHold
from moderation.records.evidence import author_index

SCOPES = ("tenant", "author", "case", "record")


class HoldError(ValueError):
    """A hold or case request names something that does not exist or lacks a field."""


def add_hold(
    session: Session, tenant_id: str, scope: str, value: str, reason: str, by: str
) -> LegalHold:
    """Place a hold (the caller commits). `value`: author id, case ref, record id, or ""."""
    if scope not in SCOPES:
        raise HoldError(f"hold scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    if not reason.strip() or not by.strip():
        raise HoldError("a hold needs a reason and who placed it")
    value = value.strip()
    if scope != "tenant" and not value:
        raise HoldError(f"a {scope} hold needs the {scope} it applies to")
    if scope == "author":
        value = author_index(tenant_id, value) or ""
    if scope == "record":
        record = session.get(EvidenceRecord, value)
        if record is None or record.tenant_id != tenant_id:
            raise HoldError(f"no evidence record {value!r} for this tenant")
    hold = LegalHold(
        tenant_id=tenant_id,
        scope=scope,
        value="" if scope == "tenant" else value,
        reason=reason,
        created_by=by,
    )
    session.add(hold)
    session.flush()
    return hold


def release_hold(session: Session, hold_id: str, by: str) -> LegalHold:
    """Release an active hold (the caller commits)."""
    hold = session.get(LegalHold, hold_id)
    if hold is None:
        raise HoldError(f"no legal hold {hold_id!r}")
    if hold.released_at is not None:
        raise HoldError(f"legal hold {hold_id} was already released")
    hold.released_at = utcnow()
    hold.released_by = by
    return hold


def list_holds(
    session: Session, tenant_id: str | None = None, include_released: bool = False
) -> list[LegalHold]:
    """Holds, oldest first."""
    query = select(LegalHold).order_by(LegalHold.created_at)
    if tenant_id:
        query = query.where(LegalHold.tenant_id == tenant_id)
    if not include_released:
        query = query.where(LegalHold.released_at.is_(None))
    return list(session.scalars(query))


def link_case(
    session: Session, tenant_id: str, case_ref: str, record_ids: list[str], by: str
) -> list[CaseLink]:
    """Attach records to a case reference (idempotent; the caller commits)."""
    case_ref = case_ref.strip()
    if not case_ref:
        raise HoldError("a case reference must not be empty")
    links = []
    for record_id in record_ids:
        record = session.get(EvidenceRecord, record_id)
        if record is None or record.tenant_id != tenant_id:
            raise HoldError(f"no evidence record {record_id!r} for this tenant")
        existing = session.scalar(
            select(CaseLink).where(CaseLink.case_ref == case_ref, CaseLink.record_id == record_id)
        )
        if existing is None:
            existing = CaseLink(
                tenant_id=tenant_id, case_ref=case_ref, record_id=record_id, created_by=by
            )
            session.add(existing)
        links.append(existing)
    session.flush()
    return links


@dataclass
class HoldIndex:
    """The active holds, loaded once, answering "may this be purged?" quickly."""

    tenants: set[str] = field(default_factory=set)
    authors: set[tuple[str, str]] = field(default_factory=set)
    records: set[str] = field(default_factory=set)
    submissions: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, session: Session) -> HoldIndex:
        index = cls()
        cases: set[tuple[str, str]] = set()
        for hold in list_holds(session):
            if hold.scope == "tenant":
                index.tenants.add(hold.tenant_id)
            elif hold.scope == "author":
                index.authors.add((hold.tenant_id, hold.value))
            elif hold.scope == "record":
                index.records.add(hold.value)
            else:
                cases.add((hold.tenant_id, hold.value))
        for link in session.scalars(select(CaseLink)):
            if (link.tenant_id, link.case_ref) in cases:
                index.records.add(link.record_id)
        if index.records:
            held = select(EvidenceRecord.submission_id).where(EvidenceRecord.id.in_(index.records))
            index.submissions = {sid for sid in session.scalars(held) if sid}
        return index

    def holds_record(self, tenant_id: str, record_id: str, author_hash: str | None) -> bool:
        """True when a hold covers this evidence record."""
        return (
            tenant_id in self.tenants
            or record_id in self.records
            or (author_hash is not None and (tenant_id, author_hash) in self.authors)
        )

    def holds_submission(self, tenant_id: str, submission_id: str, author_hash: str | None) -> bool:
        """True when a hold covers this submission (directly or through its evidence)."""
        return (
            tenant_id in self.tenants
            or submission_id in self.submissions
            or (author_hash is not None and (tenant_id, author_hash) in self.authors)
        )
