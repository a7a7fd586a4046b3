"""Incident reports for the competent authorities (Art. 47): open, render, acknowledge.

A block or removal in a category the tenant marks reportable opens a draft report holding
what the authority needs: what (category, content, evidence), when, where (platform and
context), who posted it (encrypted), actions taken. Delivery is in `records.delivery`.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.models.base import utcnow
from moderation.models.records import EvidenceRecord, IncidentReport
from moderation.models.submission import Submission
from moderation.models.tenant import Tenant
from moderation.records import audit
from moderation.records.canonical import canonical_json, iso
from moderation.records.evidence import evidence_view

STATUSES = ("draft", "submitted", "acknowledged")
_ACTIONS = {
    "verdict_block": "发布前拦截，未发布 / blocked before publication",
    "review_removal": "审核员删除 / removed by a reviewer",
}


class IncidentError(ValueError):
    """An incident report does not exist or cannot make the requested transition."""


def _poster(submission: Submission) -> str:
    return canonical_json(
        {
            "author_id": submission.author_id,
            "author_ip": submission.author_ip,
            "author_device_id": submission.author_device_id,
            "author_verified": submission.author_verified,
            "context": dict(submission.context or {}),
        }
    )


def open_if_reportable(
    session: Session, submission: Submission, record: EvidenceRecord | None
) -> IncidentReport | None:
    """Open a draft incident report when the record's category is reportable for the tenant."""
    if record is None:
        return None
    tenant = session.get(Tenant, submission.tenant_id)
    reportable = set(tenant.reportable_categories or []) if tenant else set()
    matching = [c for c in record.categories.split(",") if c and c in reportable]
    if not matching:
        return None
    action = _ACTIONS.get(record.kind, record.kind)
    existing = session.scalar(
        select(IncidentReport).where(
            IncidentReport.submission_id == submission.id, IncidentReport.status == "draft"
        )
    )
    if existing is not None:  # a later removal of the same post joins the open draft
        existing.evidence_record_ids = [*existing.evidence_record_ids, record.id]
        existing.actions_taken = [*existing.actions_taken, action]
        return existing
    report = IncidentReport(
        tenant_id=submission.tenant_id,
        category=matching[0],
        submission_id=submission.id,
        external_id=submission.external_id,
        evidence_record_ids=[record.id],
        summary=f"{', '.join(matching)}: {record.kind} (evidence seq {record.seq})",
        occurred_at=submission.received_at,
        decided_at=record.decided_at,
        actions_taken=[action, "证据已保全 / evidence preserved"],
        poster=_poster(submission),
    )
    session.add(report)
    session.flush()
    return report


def get(session: Session, report_id: str, tenant_id: str | None = None) -> IncidentReport:
    """The report, or IncidentError (also when it belongs to another tenant)."""
    report = session.get(IncidentReport, report_id)
    if report is None or (tenant_id is not None and report.tenant_id != tenant_id):
        raise IncidentError(f"no incident report {report_id!r}")
    return report


def list_reports(
    session: Session, tenant_id: str | None = None, status: str | None = None, limit: int = 200
) -> list[IncidentReport]:
    """Reports, newest first."""
    if status is not None and status not in STATUSES:
        raise IncidentError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    query = select(IncidentReport).order_by(IncidentReport.created_at.desc()).limit(limit)
    if tenant_id:
        query = query.where(IncidentReport.tenant_id == tenant_id)
    if status:
        query = query.where(IncidentReport.status == status)
    return list(session.scalars(query))


def summary_dict(report: IncidentReport) -> dict[str, Any]:
    """The report without content or personal data (for listings)."""
    return {
        "id": report.id,
        "tenant_id": report.tenant_id,
        "status": report.status,
        "category": report.category,
        "external_id": report.external_id,
        "summary": report.summary,
        "occurred_at": iso(report.occurred_at) if report.occurred_at else None,
        "decided_at": iso(report.decided_at) if report.decided_at else None,
        "actions_taken": list(report.actions_taken),
        "evidence_record_ids": list(report.evidence_record_ids),
        "created_at": iso(report.created_at),
        "submitted_at": iso(report.submitted_at) if report.submitted_at else None,
        "acknowledged_at": iso(report.acknowledged_at) if report.acknowledged_at else None,
        "authority_ref": report.authority_ref,
    }


def document(session: Session, report: IncidentReport, *, actor: str) -> dict[str, Any]:
    """The full report for the authority (content and poster included; the read is audited)."""
    tenant = session.get(Tenant, report.tenant_id)
    evidence = []
    content = None
    for record_id in report.evidence_record_ids:
        record = session.get(EvidenceRecord, record_id)
        if record is None:
            continue
        view = evidence_view(record)
        content = content or view["content"]
        evidence.append(
            {
                "record_id": record.id,
                "seq": record.seq,
                "kind": record.kind,
                "record_hash": record.record_hash,
                "content_sha256": view["content_sha256"],
                "verdict": view["verdict"],
                "versions": view["versions"],
            }
        )
    audit.record_access(
        session,
        actor=actor,
        channel="incident",
        action="report",
        tenant_id=report.tenant_id,
        purpose=f"incident report {report.id} to the authorities",
        detail={"report_id": report.id, "records": list(report.evidence_record_ids)},
    )
    return {
        **summary_dict(report),
        "platform": {"tenant_id": report.tenant_id, "name": tenant.name if tenant else None},
        "content": content,
        "poster": json.loads(report.poster) if report.poster else None,
        "evidence": evidence,
    }


def acknowledge(session: Session, report_id: str, authority_ref: str | None) -> IncidentReport:
    """Mark a submitted report as acknowledged by the authority."""
    report = get(session, report_id)
    if report.status != "submitted":
        raise IncidentError(
            f"report {report_id} is {report.status}; only submitted reports can be acknowledged"
        )
    report.status, report.acknowledged_at = "acknowledged", utcnow()
    report.authority_ref = authority_ref
    return report
