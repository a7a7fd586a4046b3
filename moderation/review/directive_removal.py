"""Removing a post on a directive's authority (Art. 50 "stop, eliminate"): no reviewer needed.

The post is taken down with an event, a statement of reasons and the decision effects
(evidence, incident report, webhook). An open review item of the post is closed with the same
decision, and its complaints are marked handled, so nobody reviews a post already removed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from moderation import effects
from moderation.models.base import utcnow
from moderation.models.review import Complaint, Directive, ReviewItem
from moderation.models.submission import Submission
from moderation.review import events


def statement_for(directive: Directive, post: Submission, hits: list[dict[str, Any]]) -> dict:
    """The statement of reasons of a directive removal."""
    return {
        "moderation_id": post.id,
        "external_id": post.external_id,
        "decision": "remove",
        "action": "block",
        "category": directive.category,
        "terms": sorted({h["term"] for h in hits}),
        "reason": f"Removed under directive {directive.reference}",
        "decided_by": "directive",
        "directive_reference": directive.reference,
        "decided_at": utcnow().isoformat(timespec="seconds"),
        "basis": "PRC Cybersecurity Law Art. 50",
        "how_to_appeal": "The platform sends POST /v1/appeals with this moderation_id.",
    }


def remove_post(
    session: Session, directive: Directive, post: Submission, hits: list[dict[str, Any]]
) -> None:
    """Take a post down on the directive's authority, with event, statement and effects."""
    previous = post.action
    post.action = "block"
    statement = statement_for(directive, post, hits)
    actor = f"directive:{directive.id}"
    item_id = _close_open_item(session, post, directive, statement)
    events.record(
        session,
        "directive_removed",
        tenant_id=post.tenant_id,
        actor=actor,
        item=session.get(ReviewItem, item_id) if item_id else None,
        submission_id=post.id,
        previous_status=previous,
        new_status="block",
        decision="remove",
        category=directive.category,
        reason=statement["reason"],
        data={"directive_id": directive.id, "statement": statement},
    )
    effects.on_review_decision(
        session,
        post,
        "remove",
        f"directive:{directive.reference}",
        directive.category,
        statement["reason"],
        statement,
    )


def _close_open_item(
    session: Session, post: Submission, directive: Directive, statement: dict[str, Any]
) -> str | None:
    """Close the post's open item (held or not) with the directive's decision; its id or None."""
    item_id = session.scalar(select(ReviewItem.id).where(ReviewItem.open_key == post.id))
    if item_id is None:
        return None
    now = utcnow()
    session.execute(
        update(ReviewItem)
        .where(ReviewItem.id == item_id, ReviewItem.status == "open")
        .values(
            status="closed",
            open_key=None,
            decision="remove",
            decided_at=now,
            category=directive.category,
            directive_id=directive.id,
            statement=statement,
            claimed_by=None,
            lease_expires_at=None,
        ),
        execution_options={"synchronize_session": False},
    )
    for complaint in session.scalars(
        select(Complaint).where(Complaint.item_id == item_id, Complaint.status == "accepted")
    ):
        complaint.status, complaint.outcome, complaint.handled_at = "handled", "remove", now
    return item_id
