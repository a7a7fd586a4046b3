"""The append-only review event log: one row per thing that happened, never updated."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Mapper, Session

from moderation.models.review import ReviewEvent, ReviewItem


class AppendOnlyError(RuntimeError):
    """Something tried to change or delete a logged review event."""


@event.listens_for(ReviewEvent, "before_update")
@event.listens_for(ReviewEvent, "before_delete")
def _refuse_change(_mapper: Mapper[ReviewEvent], _conn: Any, target: ReviewEvent) -> None:
    """The log is append-only: corrections are new events, never edits."""
    raise AppendOnlyError(f"review event {target.id} is append-only")


def record(
    session: Session,
    kind: str,
    *,
    tenant_id: str,
    actor: str,
    item: ReviewItem | None = None,
    submission_id: str | None = None,
    actor_name: str | None = None,
    previous_status: str | None = None,
    new_status: str | None = None,
    decision: str | None = None,
    category: str | None = None,
    reason: str | None = None,
    note: str | None = None,
    data: dict[str, Any] | None = None,
) -> ReviewEvent:
    """Append one event (flushed, committed with the caller's transaction)."""
    event = ReviewEvent(
        tenant_id=tenant_id,
        item_id=item.id if item is not None else None,
        submission_id=submission_id or (item.submission_id if item is not None else None),
        kind=kind,
        actor=actor,
        actor_name=actor_name,
        previous_status=previous_status,
        new_status=new_status,
        decision=decision,
        category=category,
        reason=reason,
        note=note,
        data=data or {},
    )
    session.add(event)
    session.flush()
    return event


def for_submission(session: Session, tenant_id: str, submission_id: str) -> list[ReviewEvent]:
    """Every event about one post, oldest first."""
    rows = session.scalars(
        select(ReviewEvent)
        .where(ReviewEvent.tenant_id == tenant_id, ReviewEvent.submission_id == submission_id)
        .order_by(ReviewEvent.created_at, ReviewEvent.id)
    )
    return list(rows)
