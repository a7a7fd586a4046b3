"""User complaints (Art. 49): each one is recorded; duplicates raise an item's priority.

A complaint names a post by moderation id, by the platform's external id, or brings new text.
New text becomes a `pending` post that the caller commits and then queues for analysis like an
intake post (so reviewers see its hits and scores); the complaint's item stays in the queue
whatever the verdict.
Complaints about a post with an open item attach to it (raising its priority) instead of
opening another item; the same user complaining twice about one post counts once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from moderation import fieldcrypt
from moderation.models.base import utcnow
from moderation.models.review import Complaint, ReviewItem
from moderation.models.submission import Submission
from moderation.models.tenant import Tenant
from moderation.review import events
from moderation.review.errors import NotFound, ReviewError
from moderation.review.queue import enqueue, reprioritise

MAX_DESCRIPTION = 5000
MAX_TEXT = 20_000


@dataclass(frozen=True)
class ComplaintResult:
    """The recorded complaint, the item it attached to, and whether it was a repeat."""

    complaint: Complaint
    item: ReviewItem
    duplicate: bool


def find_post(
    session: Session,
    tenant: Tenant,
    moderation_id: str | None = None,
    external_id: str | None = None,
) -> Submission:
    """The tenant's post by moderation id or external id; NotFound naming the field."""
    if moderation_id:
        post = session.scalar(
            select(Submission).where(
                Submission.id == moderation_id, Submission.tenant_id == tenant.id
            )
        )
        if post is None:
            raise NotFound(f"no post with moderation_id {moderation_id!r}", field="moderation_id")
        return post
    if external_id:
        post = session.scalar(
            select(Submission).where(
                Submission.external_id == external_id, Submission.tenant_id == tenant.id
            )
        )
        if post is None:
            raise NotFound(f"no post with external_id {external_id!r}", field="external_id")
        return post
    raise ReviewError("give moderation_id, external_id or text", field="moderation_id")


def _post_from_text(session: Session, tenant: Tenant, text: str, title: str | None) -> Submission:
    """A post known only from the complaint: reuse an identical one, else record it pending.

    The caller commits, then queues its analysis (`moderation.queue.enqueue.enqueue_moderation`).
    """
    if len(text) > MAX_TEXT:
        raise ReviewError(f"text is longer than {MAX_TEXT} characters", field="text")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = session.scalar(
        select(Submission)
        .where(Submission.tenant_id == tenant.id, Submission.text_sha256 == digest)
        .order_by(Submission.received_at.desc())
        .limit(1)
    )
    if existing is not None:
        return existing
    now = utcnow()
    post = Submission(
        tenant_id=tenant.id,
        text=text,
        text_sha256=digest,
        title=title,
        context={"origin": "complaint"},
        status="pending",
        received_at=now,
        queued_at=now,
        attempts=1,
    )
    session.add(post)
    session.flush()
    return post


def file_complaint(
    session: Session,
    tenant: Tenant,
    *,
    category: str,
    description: str | None = None,
    moderation_id: str | None = None,
    external_id: str | None = None,
    text: str | None = None,
    title: str | None = None,
    reporter_id: str | None = None,
) -> ComplaintResult:
    """Record a complaint and put its post in the queue (or raise the open item's priority)."""
    category = (category or "").strip()
    if not category or len(category) > 64:
        raise ReviewError("category is required (a category code, at most 64 chars)", "category")
    if description and len(description) > MAX_DESCRIPTION:
        raise ReviewError(f"description is longer than {MAX_DESCRIPTION} chars", "description")
    if moderation_id or external_id:
        post = find_post(session, tenant, moderation_id, external_id)
    elif text and text.strip():
        post = _post_from_text(session, tenant, text, title)
    else:
        raise ReviewError("give moderation_id, external_id or text", field="moderation_id")
    verdict = post.verdict
    item, _created = enqueue(
        session,
        post,
        "complaint",
        actor="api",
        categories=verdict.categories if verdict else [{"code": category, "score": 0.5}],
        hits=verdict.hits if verdict else [],
    )
    reporter_hash = (
        fieldcrypt.get_cipher().blind_index("complaint-reporter", tenant.id, reporter_id)
        if reporter_id
        else None
    )
    if reporter_hash is not None:
        earlier = session.scalar(
            select(Complaint).where(
                Complaint.item_id == item.id, Complaint.reporter_hash == reporter_hash
            )
        )
        if earlier is not None:
            return ComplaintResult(earlier, item, duplicate=True)
    complaint = Complaint(
        tenant_id=tenant.id,
        submission_id=post.id,
        item_id=item.id,
        category=category,
        description=description,
        reporter_hash=reporter_hash,
        status="accepted",
        created_at=utcnow(),
    )
    session.add(complaint)
    # Atomic increment: concurrent complaints about one post must all count.
    session.execute(
        update(ReviewItem)
        .where(ReviewItem.id == item.id)
        .values(complaint_count=ReviewItem.complaint_count + 1),
        execution_options={"synchronize_session": False},
    )
    session.refresh(item)
    reprioritise(item)
    events.record(
        session,
        "complaint",
        tenant_id=tenant.id,
        actor="api",
        item=item,
        category=category,
        reason=description,
        data={"complaint_id": complaint.id, "complaints": item.complaint_count},
    )
    return ComplaintResult(complaint, item, duplicate=False)


def complaint_counts(session: Session, tenant_id: str) -> dict[str, int]:
    """Accepted (all) and handled complaints of a tenant."""
    rows = session.execute(
        select(Complaint.status, func.count(Complaint.id))
        .where(Complaint.tenant_id == tenant_id)
        .group_by(Complaint.status)
    ).all()
    by_status = {str(status): int(n) for status, n in rows}
    return {"accepted": sum(by_status.values()), "handled": by_status.get("handled", 0)}


def for_submission(session: Session, tenant_id: str, submission_id: str) -> list[Complaint]:
    """A post's complaints, newest first."""
    return list(
        session.scalars(
            select(Complaint)
            .where(Complaint.tenant_id == tenant_id, Complaint.submission_id == submission_id)
            .order_by(Complaint.created_at.desc())
        )
    )
