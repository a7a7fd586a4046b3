"""Evidence records of blocks and removals, corrections, and audited reads of evidence.

`preserve_verdict` and `preserve_removal` are called by `moderation.effects` inside the
transaction that writes the decision. `read_evidence` is the one way to read evidence content
(API, reviewer UI, CLI): it writes an access audit entry first.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import fieldcrypt
from moderation.models.base import utcnow
from moderation.models.records import EvidenceRecord
from moderation.models.submission import Submission, Verdict
from moderation.records import audit
from moderation.records.chain import NewRecord, append

#: Keys removed from hits/findings/reasons in the chained body: the text is content (maybe
#: personal data, e.g. a phone number) and is recovered from the content by its span.
_TEXT_KEYS = ("text",)


class EvidenceError(LookupError):
    """An evidence record does not exist or the request about it is invalid."""


def author_index(tenant_id: str, author_id: str | None) -> str | None:
    """The keyed blind index used to find records and holds by author."""
    if not author_id:
        return None
    return fieldcrypt.get_cipher().blind_index(tenant_id, author_id)


def _strip_text(items: list[Any] | None) -> list[Any]:
    result: list[Any] = []
    for item in items or []:
        if isinstance(item, dict):
            result.append({k: v for k, v in item.items() if k not in _TEXT_KEYS})
        else:
            result.append(item)
    return result


def verdict_summary(verdict: Verdict) -> dict[str, Any]:
    """The verdict as chained: action, scores, hits and findings by span, reasons."""
    return {
        "action": verdict.action,
        "categories": list(verdict.categories or []),
        "hits": _strip_text(verdict.hits),
        "findings": _strip_text(verdict.findings),
        "reasons": _strip_text(verdict.reasons),
    }


def blocking_categories(verdict: Verdict) -> list[str]:
    """The categories that made a verdict block (hits, findings and reasons that name one)."""
    codes: list[str] = []
    for item in [*(verdict.hits or []), *(verdict.findings or [])]:
        if isinstance(item, dict) and item.get("severity", "block") == "block":
            codes.append(str(item.get("category")))
    for reason in verdict.reasons or []:
        if isinstance(reason, dict) and reason.get("category"):
            codes.append(str(reason["category"]))
    if not codes and verdict.categories:
        best = max(verdict.categories, key=lambda c: float(c.get("score", 0)))
        codes.append(str(best.get("code")))
    return sorted({c for c in codes if c and c != "None"})


def _personal(submission: Submission) -> dict[str, Any]:
    return {
        "author_id": submission.author_id,
        "author_ip": submission.author_ip,
        "author_device_id": submission.author_device_id,
        "author_verified": submission.author_verified,
        "context": dict(submission.context or {}),
    }


def _versions(verdict: Verdict | None) -> dict[str, str | None]:
    if verdict is None:
        return {"lexicon": None, "model": None, "policy": None}
    return {
        "lexicon": verdict.lexicon_version,
        "model": verdict.model_version,
        "policy": verdict.policy_version,
    }


def _from_submission(submission: Submission, **fields: Any) -> NewRecord:
    return NewRecord(
        submission_id=submission.id,
        external_id=submission.external_id,
        received_at=submission.received_at,
        content=submission.text,
        title=submission.title,
        personal=_personal(submission),
        author_hash=author_index(submission.tenant_id, submission.author_id),
        **fields,
    )


def preserve_verdict(session: Session, submission: Submission, verdict: Verdict) -> EvidenceRecord:
    """Append the evidence record of a `block` verdict to the tenant's chain; returns it."""
    existing = session.scalar(
        select(EvidenceRecord).where(
            EvidenceRecord.submission_id == submission.id,
            EvidenceRecord.kind == "verdict_block",
        )
    )
    if existing is not None:  # the same verdict's effects ran twice: keep one record
        return existing
    new = _from_submission(
        submission,
        kind="verdict_block",
        decided_at=verdict.created_at or submission.decided_at or utcnow(),
        decided_by=verdict.decided_by or "engine",
        categories=blocking_categories(verdict),
        verdict=verdict_summary(verdict),
        versions=_versions(verdict),
    )
    return append(session, submission.tenant_id, new)


def preserve_removal(
    session: Session,
    submission: Submission,
    reviewer: str,
    category: str | None,
    reason: str | None,
) -> EvidenceRecord:
    """Append the evidence record of a reviewer's removal to the tenant's chain; returns it."""
    verdict = session.scalar(select(Verdict).where(Verdict.submission_id == submission.id))
    summary = verdict_summary(verdict) if verdict is not None else {}
    summary["review"] = {"decision": "remove", "reviewer": reviewer, "category": category}
    categories = [category] if category else (blocking_categories(verdict) if verdict else [])
    new = _from_submission(
        submission,
        kind="review_removal",
        decided_at=utcnow(),
        decided_by=reviewer if ":" in reviewer else f"reviewer:{reviewer}",
        categories=categories,
        verdict=summary,
        versions=_versions(verdict),
        note=reason,
    )
    return append(session, submission.tenant_id, new)


def record_correction(
    session: Session, record_id: str, by: str, note: str, *, reversal: bool = False
) -> EvidenceRecord:
    """Append a correction (or a reversal) of an earlier record; the original is never edited."""
    if not note.strip():
        raise EvidenceError("a correction needs a note saying what is corrected and why")
    original = session.get(EvidenceRecord, record_id)
    if original is None:
        raise EvidenceError(f"no evidence record {record_id!r}")
    body = json.loads(original.body)
    new = NewRecord(
        kind="reversal" if reversal else "correction",
        decided_at=utcnow(),
        decided_by=by,
        categories=list(body.get("categories") or []),
        submission_id=original.submission_id,
        external_id=body.get("external_id"),
        refers_to=original.id,
        note=note,
        author_hash=original.author_hash,
    )
    return append(session, original.tenant_id, new)


def evidence_view(record: EvidenceRecord) -> dict[str, Any]:
    """Everything a record holds, with hit/finding texts restored from the content."""
    body = json.loads(record.body)
    content = record.content
    verdict = body.get("verdict")
    if verdict and content is not None:
        verdict = {
            **verdict,
            "hits": [_with_text(h, content) for h in verdict.get("hits", [])],
            "findings": [_with_text(f, content) for f in verdict.get("findings", [])],
        }
    personal = json.loads(record.personal) if record.personal else None
    if personal:
        personal.pop("salt", None)
    return {
        **body,
        "verdict": verdict,
        "content": content,
        "title": record.title,
        "personal": personal,
        "purged": body.get("content_sha256") is not None and content is None,
        "prev_hash": record.prev_hash,
        "record_hash": record.record_hash,
    }


def _with_text(item: Any, content: str) -> Any:
    if isinstance(item, dict) and isinstance(item.get("start"), int):
        return {**item, "text": content[item["start"] : item.get("end", item["start"])]}
    return item


def read_evidence(
    session: Session,
    record_id: str,
    *,
    actor: str,
    purpose: str,
    channel: str = "ui",
    tenant_id: str | None = None,
) -> dict[str, Any]:
    """Read a record's content and personal data, writing an access audit entry (caller commits).

    `tenant_id`, when given, must own the record (API keys see only their tenant's records).
    """
    if not purpose or not purpose.strip():
        raise EvidenceError("reading evidence needs a purpose (why)")
    record = session.get(EvidenceRecord, record_id)
    if record is None or (tenant_id is not None and record.tenant_id != tenant_id):
        raise EvidenceError(f"no evidence record {record_id!r}")
    audit.record_access(
        session,
        actor=actor,
        channel=channel,
        action="read",
        purpose=purpose,
        tenant_id=record.tenant_id,
        record_id=record.id,
    )
    return evidence_view(record)


def records_for_submission(session: Session, submission_id: str) -> list[EvidenceRecord]:
    """The evidence records about one submission, oldest first (for the reviewer UI)."""
    query = (
        select(EvidenceRecord)
        .where(EvidenceRecord.submission_id == submission_id)
        .order_by(EvidenceRecord.seq)
    )
    return list(session.scalars(query))
