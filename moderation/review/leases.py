"""Claiming items as leases, with conditional UPDATEs so two reviewers never hold one item.

A claim is `UPDATE review_items SET claimed_by = me ... WHERE id = :id AND status = 'open' AND
(claimed_by IS NULL OR claimed_by = me OR lease_expires_at < now)`: the database decides races
(row lock on PostgreSQL, the write lock on SQLite), and a rowcount of 0 means someone else won.
The caller commits right after a claim so the lease is visible to everyone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, and_, select, update
from sqlalchemy.orm import Session

from moderation.models.base import utcnow
from moderation.models.review import ReviewerAccount, ReviewItem
from moderation.review import events
from moderation.review.errors import Conflict, NotFound
from moderation.review.queue import available_to

CANDIDATES_PER_TRY = 20


def _rowcount(session: Session, stmt: Any) -> int:
    result = cast(
        CursorResult[Any], session.execute(stmt, execution_options={"synchronize_session": False})
    )
    return int(result.rowcount)


def try_claim(
    session: Session,
    account: ReviewerAccount,
    item_id: str,
    lease_seconds: int,
    now: datetime | None = None,
) -> bool:
    """Take (or renew) the lease on one item if nobody else holds it; True on success."""
    now = now or utcnow()
    stmt = (
        update(ReviewItem)
        .where(ReviewItem.id == item_id, *available_to(account, now))
        .values(
            claimed_by=account.id,
            claimed_at=now,
            lease_expires_at=now + timedelta(seconds=lease_seconds),
        )
    )
    if _rowcount(session, stmt) != 1:
        return False
    item = session.get(ReviewItem, item_id, populate_existing=True)
    assert item is not None
    events.record(
        session,
        "claimed",
        tenant_id=account.tenant_id,
        actor=account.id,
        actor_name=account.username,
        item=item,
        previous_status="open",
        new_status="claimed",
        data={"lease_expires_at": now.isoformat(timespec="seconds")},
    )
    return True


def claim(
    session: Session,
    account: ReviewerAccount,
    item_id: str,
    lease_seconds: int,
    now: datetime | None = None,
) -> ReviewItem:
    """Claim a given item; NotFound for other tenants, Conflict when unavailable."""
    item = session.scalar(
        select(ReviewItem).where(
            ReviewItem.id == item_id, ReviewItem.tenant_id == account.tenant_id
        )
    )
    if item is None:
        raise NotFound(f"no review item {item_id!r}")
    if not try_claim(session, account, item_id, lease_seconds, now):
        raise Conflict("this item is decided or held by another reviewer")
    session.refresh(item)
    return item


def current_claim(
    session: Session, account: ReviewerAccount, now: datetime | None = None
) -> ReviewItem | None:
    """The open item this account holds a valid lease on, if any."""
    now = now or utcnow()
    return session.scalar(
        select(ReviewItem)
        .where(
            ReviewItem.tenant_id == account.tenant_id,
            ReviewItem.status == "open",
            ReviewItem.claimed_by == account.id,
            ReviewItem.lease_expires_at >= now,
        )
        .order_by(ReviewItem.claimed_at)
        .limit(1)
    )


def claim_next(
    session: Session,
    account: ReviewerAccount,
    lease_seconds: int,
    now: datetime | None = None,
    skip: str | None = None,
) -> ReviewItem | None:
    """Claim the highest-priority, oldest item available (resuming a held one first).

    `skip` names an item not to take (the one the reviewer just passed over).
    """
    now = now or utcnow()
    held = current_claim(session, account, now)
    if held is not None and held.id != skip:
        return held
    for _attempt in range(5):
        stmt = (
            select(ReviewItem.id)
            .where(*available_to(account, now))
            .order_by(ReviewItem.priority.desc(), ReviewItem.created_at, ReviewItem.id)
            .limit(CANDIDATES_PER_TRY)
        )
        candidates = [i for i in session.scalars(stmt) if i != skip]
        if not candidates:
            return None
        for item_id in candidates:
            if try_claim(session, account, item_id, lease_seconds, now):
                return session.get(ReviewItem, item_id)
    return None


def renew(
    session: Session,
    account: ReviewerAccount,
    item_id: str,
    lease_seconds: int,
    now: datetime | None = None,
) -> datetime:
    """Extend the account's valid lease; Conflict when it was lost (expired and taken)."""
    now = now or utcnow()
    expires = now + timedelta(seconds=lease_seconds)
    stmt = (
        update(ReviewItem)
        .where(
            ReviewItem.id == item_id,
            ReviewItem.tenant_id == account.tenant_id,
            ReviewItem.status == "open",
            ReviewItem.claimed_by == account.id,
        )
        .values(lease_expires_at=expires)
    )
    if _rowcount(session, stmt) != 1:
        raise Conflict("the lease on this item was lost; claim it again")
    return expires


def release(session: Session, account: ReviewerAccount, item_id: str) -> bool:
    """Give an item back to the queue; False when the account did not hold it."""
    stmt = (
        update(ReviewItem)
        .where(
            ReviewItem.id == item_id,
            ReviewItem.tenant_id == account.tenant_id,
            ReviewItem.status == "open",
            ReviewItem.claimed_by == account.id,
        )
        .values(claimed_by=None, claimed_at=None, lease_expires_at=None)
    )
    if _rowcount(session, stmt) != 1:
        return False
    events.record(
        session,
        "released",
        tenant_id=account.tenant_id,
        actor=account.id,
        actor_name=account.username,
        item=session.get(ReviewItem, item_id),
        previous_status="claimed",
        new_status="open",
        data={"item_id": item_id},
    )
    return True


def expire_leases(session: Session, tenant_id: str, now: datetime | None = None) -> int:
    """Return items whose lease ran out to the queue, logging each; returns how many."""
    now = now or utcnow()
    expired = list(
        session.scalars(
            select(ReviewItem).where(
                ReviewItem.tenant_id == tenant_id,
                ReviewItem.status == "open",
                ReviewItem.claimed_by.is_not(None),
                ReviewItem.lease_expires_at < now,
            )
        )
    )
    count = 0
    for item in expired:
        holder = item.claimed_by
        stmt = (
            update(ReviewItem)
            .where(
                and_(
                    ReviewItem.id == item.id,
                    ReviewItem.claimed_by == holder,
                    ReviewItem.lease_expires_at < now,
                )
            )
            .values(claimed_by=None, claimed_at=None, lease_expires_at=None)
        )
        if _rowcount(session, stmt) == 1:
            count += 1
            events.record(
                session,
                "lease_expired",
                tenant_id=tenant_id,
                actor="system",
                item=item,
                previous_status="claimed",
                new_status="open",
                data={"holder": holder},
            )
    return count
