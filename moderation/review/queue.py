"""The review queue: entering items, priority, and ordered listing with SLA.

Claiming (leases) lives in `moderation.review.leases`; decisions in `moderation.review.decisions`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from moderation.models.base import utcnow
from moderation.models.review import ReviewerAccount, ReviewItem
from moderation.models.submission import Submission, Verdict
from moderation.review import events

#: How much each category weighs in the priority (unknown operator codes get DEFAULT_WEIGHT).
CATEGORY_WEIGHTS: dict[str, int] = {
    "terrorism": 60,
    "prohibited_items": 50,
    "malware": 45,
    "pornography": 40,
    "violence": 40,
    "fraud": 35,
    "privacy": 35,
    "gambling": 30,
    "hate": 30,
    "illicit_ads": 25,
    "abuse": 20,
    "spam": 5,
}
DEFAULT_WEIGHT = 20
BLOCK_SEVERITY_BONUS = 10
PER_COMPLAINT = 10
MAX_COMPLAINTS_PART = 50
PER_PRIOR_VIOLATION = 8
MAX_AUTHOR_PART = 40
SOURCE_BONUS = {"appeal": 25, "escalation": 20, "directive": 30, "complaint": 0, "verdict": 0}
#: Priority bands for the queue and dashboard: (name, lowest priority in the band).
BANDS: tuple[tuple[str, int], ...] = (("high", 70), ("medium", 40), ("low", -(10**6)))
SENIOR_ROLES = frozenset({"senior", "admin"})


def band_of(priority: int) -> str:
    """The band name ("high", "medium", "low") of a priority."""
    return next(name for name, floor in BANDS if priority >= floor)


def severity_part(categories: Iterable[dict[str, Any]], hits: Iterable[dict[str, Any]]) -> int:
    """Priority from what the post contains: the heaviest category, plus a bonus for block terms."""
    hits = list(hits)
    codes = {h.get("category", "") for h in hits}
    codes |= {c.get("code", "") for c in categories if float(c.get("score", 0)) >= 0.5}
    codes.discard("")
    weight = max((CATEGORY_WEIGHTS.get(code, DEFAULT_WEIGHT) for code in codes), default=0)
    if any(h.get("severity") == "block" for h in hits):
        weight += BLOCK_SEVERITY_BONUS
    return weight


def author_violations(session: Session, submission: Submission) -> int:
    """How many other posts by the same author on this tenant were blocked or removed."""
    if not submission.author_hash:
        return 0
    count = session.scalar(
        select(func.count(Submission.id)).where(
            Submission.tenant_id == submission.tenant_id,
            Submission.author_hash == submission.author_hash,
            Submission.action == "block",
            Submission.id != submission.id,
        )
    )
    return int(count or 0)


def reprioritise(item: ReviewItem, **parts: int) -> None:
    """Update some priority parts and recompute the total."""
    merged = dict(item.priority_parts or {})
    merged.update(parts)
    merged["complaints"] = min(PER_COMPLAINT * item.complaint_count, MAX_COMPLAINTS_PART)
    item.priority_parts = merged
    item.priority = sum(merged.values())


def open_item_for(session: Session, submission_id: str) -> ReviewItem | None:
    """The open item of a post, if any."""
    return session.scalar(select(ReviewItem).where(ReviewItem.open_key == submission_id))


def enqueue(
    session: Session,
    submission: Submission,
    source: str,
    *,
    actor: str = "system",
    tier: str = "reviewer",
    categories: Iterable[dict[str, Any]] = (),
    hits: Iterable[dict[str, Any]] = (),
    extra_hits: list[dict[str, Any]] | None = None,
    directive_id: str | None = None,
    excluded_account_id: str | None = None,
) -> tuple[ReviewItem, bool]:
    """Put a post in its tenant's queue; returns (item, created).

    A post has at most one open item: entering it again returns the open one (the caller
    adds complaints to it). Safe under concurrency: the unique `open_key` decides the race.
    """
    existing = open_item_for(session, submission.id)
    if existing is not None:
        return existing, False
    item = ReviewItem(
        tenant_id=submission.tenant_id,
        submission_id=submission.id,
        open_key=submission.id,
        source=source,
        status="open",
        tier=tier,
        complaint_count=0,
        directive_id=directive_id,
        extra_hits=extra_hits or [],
        excluded_account_id=excluded_account_id,
        created_at=utcnow(),
    )
    all_hits = list(hits) + list(extra_hits or [])
    reprioritise(
        item,
        severity=severity_part(categories, all_hits),
        author=min(PER_PRIOR_VIOLATION * author_violations(session, submission), MAX_AUTHOR_PART),
        source=SOURCE_BONUS.get(source, 0),
    )
    try:
        with session.begin_nested():
            session.add(item)
    except IntegrityError:
        # Another transaction opened an item for this post first: use that one.
        winner = open_item_for(session, submission.id)
        if winner is None:
            raise
        return winner, False
    events.record(
        session,
        "enqueued",
        tenant_id=item.tenant_id,
        actor=actor,
        item=item,
        new_status="open",
        data={"source": source, "priority": item.priority, "tier": tier},
    )
    return item, True


def enqueue_from_verdict(session: Session, submission: Submission, verdict: Verdict) -> ReviewItem:
    """Put a held post (a `review` verdict) in the tenant's review queue; returns the item."""
    item, _created = enqueue(
        session,
        submission,
        "verdict",
        categories=verdict.categories or [],
        hits=verdict.hits or [],
    )
    return item


@dataclass(frozen=True)
class QueueEntry:
    """An open item as the queue shows it."""

    item: ReviewItem
    waiting: timedelta
    sla_breached: bool
    band: str

    @property
    def preview(self) -> str:
        """The start of the post with personal data masked (the engine's masked text)."""
        post = self.item.post
        verdict = post.verdict if post is not None else None
        text = verdict.masked_text if verdict is not None and verdict.masked_text else None
        if text is None:
            return "(not scanned: open the item to read it)"
        return text[:60] + ("…" if len(text) > 60 else "")


def open_items(
    session: Session,
    account: ReviewerAccount,
    sla_minutes: int,
    now: datetime | None = None,
    limit: int = 200,
) -> list[QueueEntry]:
    """The open items this account may take, by priority then age (others' claims hidden)."""
    now = now or utcnow()
    stmt = (
        select(ReviewItem)
        .where(*available_to(account, now))
        .options(selectinload(ReviewItem.post).selectinload(Submission.verdict))
        # Claims are taken with Core UPDATEs: refresh objects this session already holds.
        .execution_options(populate_existing=True)
        .order_by(ReviewItem.priority.desc(), ReviewItem.created_at, ReviewItem.id)
        .limit(limit)
    )
    sla = timedelta(minutes=sla_minutes)
    return [
        QueueEntry(it, now - it.created_at, now - it.created_at > sla, band_of(it.priority))
        for it in session.scalars(stmt)
    ]


def available_to(account: ReviewerAccount, now: datetime) -> list[Any]:
    """SQL conditions: open items of the account's tenant it may claim right now."""
    conditions: list[Any] = [
        ReviewItem.tenant_id == account.tenant_id,
        ReviewItem.status == "open",
        or_(
            ReviewItem.claimed_by.is_(None),
            ReviewItem.claimed_by == account.id,
            ReviewItem.lease_expires_at < now,
        ),
        or_(
            ReviewItem.excluded_account_id.is_(None),
            ReviewItem.excluded_account_id != account.id,
        ),
    ]
    if account.role not in SENIOR_ROLES:
        conditions.append(ReviewItem.tier == "reviewer")
    return conditions


def claimed_by_others(session: Session, account: ReviewerAccount, now: datetime) -> int:
    """How many open items of the tenant other reviewers hold right now."""
    count = session.scalar(
        select(func.count(ReviewItem.id)).where(
            ReviewItem.tenant_id == account.tenant_id,
            ReviewItem.status == "open",
            ReviewItem.claimed_by.is_not(None),
            ReviewItem.claimed_by != account.id,
            ReviewItem.lease_expires_at >= now,
        )
    )
    return int(count or 0)


def get_item(session: Session, account: ReviewerAccount, item_id: str) -> ReviewItem | None:
    """An item of the account's tenant (None for unknown ids and other tenants' items)."""
    return session.scalar(
        select(ReviewItem).where(
            ReviewItem.id == item_id, ReviewItem.tenant_id == account.tenant_id
        )
    )
