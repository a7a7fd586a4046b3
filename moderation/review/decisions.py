"""Reviewer decisions: approve (publish), remove (take down), escalate to a senior.

A final decision closes the item with one conditional UPDATE (it must still be open and not
held by someone else), appends a `decided` event, updates the post's publication state, marks
its complaints handled, settles an appeal, writes the statement of reasons, and calls
`moderation.effects.on_review_decision` (evidence, incident report, signed webhook), all in the
caller's transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.orm import Session

from moderation import effects
from moderation.models.base import utcnow
from moderation.models.review import Appeal, Complaint, ReviewerAccount, ReviewItem
from moderation.models.submission import Submission
from moderation.review import events
from moderation.review.errors import Conflict, Forbidden, NotFound, ReviewError
from moderation.review.queue import SENIOR_ROLES, SOURCE_BONUS, reprioritise

DECISIONS = ("approve", "remove", "escalate")
ACTION_OF = {"approve": "allow", "remove": "block"}
APPEAL_DAYS = 30
MAX_TEXT = 2000


def _held_or_free(account: ReviewerAccount, now: datetime) -> Any:
    """Condition: the account holds the item, or nobody validly does."""
    return or_(
        ReviewItem.claimed_by == account.id,
        ReviewItem.claimed_by.is_(None),
        ReviewItem.lease_expires_at < now,
    )


def _load(session: Session, account: ReviewerAccount, item_id: str) -> ReviewItem:
    item = session.scalar(
        select(ReviewItem).where(
            ReviewItem.id == item_id, ReviewItem.tenant_id == account.tenant_id
        )
    )
    if item is None:
        raise NotFound(f"no review item {item_id!r}")
    if item.tier == "senior" and account.role not in SENIOR_ROLES:
        raise Forbidden("this item is escalated or appealed: only a senior may decide it")
    if item.excluded_account_id == account.id:
        raise Forbidden("you made the decision under appeal; another senior must decide it")
    return item


def _clean(value: str | None, name: str) -> str | None:
    value = (value or "").strip() or None
    if value is not None and len(value) > MAX_TEXT:
        raise ReviewError(f"{name} is longer than {MAX_TEXT} characters", field=name)
    return value


def decide(
    session: Session,
    account: ReviewerAccount,
    item_id: str,
    decision: str,
    *,
    category: str | None = None,
    reason: str | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> ReviewItem:
    """Apply a reviewer's decision to an item; see the module docstring for the effects."""
    now = now or utcnow()
    if decision not in DECISIONS:
        raise ReviewError(f"decision must be one of {', '.join(DECISIONS)}", field="decision")
    category, reason, note = (
        _clean(category, "category"),
        _clean(reason, "reason"),
        _clean(note, "note"),
    )
    item = _load(session, account, item_id)
    if decision == "escalate":
        return _escalate(session, account, item, note, now)
    if decision == "remove" and not (category and reason):
        field = "category" if not category else "reason"
        raise ReviewError("a removal needs a category and a reason", field=field)
    stmt = (
        update(ReviewItem)
        .where(ReviewItem.id == item.id, ReviewItem.status == "open", _held_or_free(account, now))
        .values(
            status="closed",
            open_key=None,
            decision=decision,
            decided_by=account.id,
            decided_at=now,
            category=category,
            claimed_by=None,
            lease_expires_at=None,
        )
    )
    result = cast(CursorResult[Any], session.execute(stmt))
    if result.rowcount != 1:
        raise Conflict("this item was already decided or is held by another reviewer")
    session.refresh(item)
    _finish(session, account, item, decision, category, reason, note, now)
    return item


def _finish(
    session: Session,
    account: ReviewerAccount,
    item: ReviewItem,
    decision: str,
    category: str | None,
    reason: str | None,
    note: str | None,
    now: datetime,
) -> None:
    submission = session.get(Submission, item.submission_id)
    assert submission is not None
    previous = submission.action
    submission.action = ACTION_OF[decision]
    appeal = _settle_appeal(session, account, item, decision, now)
    statement = statement_of_reasons(submission, item, decision, category, reason, now, appeal)
    item.statement = statement
    for complaint in session.scalars(
        select(Complaint).where(Complaint.item_id == item.id, Complaint.status == "accepted")
    ):
        complaint.status, complaint.outcome, complaint.handled_at = "handled", decision, now
    events.record(
        session,
        "decided",
        tenant_id=item.tenant_id,
        actor=account.id,
        actor_name=account.username,
        item=item,
        previous_status=previous,
        new_status=submission.action,
        decision=decision,
        category=category,
        reason=reason,
        note=note,
        data={"source": item.source, "appeal": appeal.status if appeal else None},
    )
    session.flush()
    effects.on_review_decision(
        session, submission, decision, account.username, category, reason, statement
    )


def _settle_appeal(
    session: Session, account: ReviewerAccount, item: ReviewItem, decision: str, now: datetime
) -> Appeal | None:
    appeal = session.scalar(
        select(Appeal).where(Appeal.item_id == item.id, Appeal.status == "pending")
    )
    if appeal is None:
        return None
    appeal.status = "overturned" if decision == "approve" else "upheld"
    appeal.decided_by, appeal.decided_at = account.id, now
    return appeal


def _escalate(
    session: Session,
    account: ReviewerAccount,
    item: ReviewItem,
    note: str | None,
    now: datetime,
) -> ReviewItem:
    if item.tier == "senior":
        raise Conflict("this item is already with the seniors")
    stmt = (
        update(ReviewItem)
        .where(ReviewItem.id == item.id, ReviewItem.status == "open", _held_or_free(account, now))
        .values(tier="senior", claimed_by=None, claimed_at=None, lease_expires_at=None)
    )
    result = cast(CursorResult[Any], session.execute(stmt))
    if result.rowcount != 1:
        raise Conflict("this item was already decided or is held by another reviewer")
    session.refresh(item)
    reprioritise(item, escalation=SOURCE_BONUS["escalation"])
    events.record(
        session,
        "escalated",
        tenant_id=item.tenant_id,
        actor=account.id,
        actor_name=account.username,
        item=item,
        previous_status="reviewer",
        new_status="senior",
        decision="escalate",
        note=note,
    )
    return item


def statement_of_reasons(
    submission: Submission,
    item: ReviewItem,
    decision: str,
    category: str | None,
    reason: str | None,
    now: datetime,
    appeal: Appeal | None = None,
) -> dict[str, Any]:
    """What the author is told: the decision, category, rule or term, reason, how to appeal."""
    terms = sorted(
        {
            str(h.get("term") or h.get("text"))
            for h in _hits_of(submission, item)
            if category is None or h.get("category") == category
        }
    )
    statement: dict[str, Any] = {
        "moderation_id": submission.id,
        "external_id": submission.external_id,
        "decision": decision,
        "action": ACTION_OF[decision],
        "category": category,
        "terms": terms,
        "reason": reason,
        "decided_by": "human review",
        "decided_at": now.isoformat(timespec="seconds"),
        "basis": "PRC Cybersecurity Law Art. 47" if decision == "remove" else None,
    }
    if appeal is not None:
        statement["appeal"] = {"id": appeal.id, "outcome": appeal.status, "final": True}
    elif decision == "remove":
        statement["how_to_appeal"] = (
            "The author may appeal within "
            f"{APPEAL_DAYS} days: the platform sends POST /v1/appeals with this moderation_id."
        )
        statement["appeal_deadline"] = (now + timedelta(days=APPEAL_DAYS)).isoformat(
            timespec="seconds"
        )
    return statement


def _hits_of(submission: Submission, item: ReviewItem) -> list[dict[str, Any]]:
    hits = list(item.extra_hits or [])
    if submission.verdict is not None:
        hits.extend(submission.verdict.hits or [])
    return hits


def latest_statement(session: Session, submission_id: str) -> dict[str, Any] | None:
    """The statement of reasons of a post's latest review decision (for the verdict API)."""
    return session.scalar(
        select(ReviewItem.statement)
        .where(ReviewItem.submission_id == submission_id, ReviewItem.status == "closed")
        .order_by(ReviewItem.decided_at.desc())
        .limit(1)
    )


def decide_many(
    session: Session,
    account: ReviewerAccount,
    item_ids: list[str],
    decision: str,
    *,
    category: str | None = None,
    reason: str | None = None,
    note: str | None = None,
) -> tuple[list[str], dict[str, str]]:
    """A senior's bulk action: decide each item on its own; returns (decided ids, {id: why not}).

    Each item is decided in a savepoint, so one held by someone else does not undo the others.
    """
    if account.role not in SENIOR_ROLES:
        raise Forbidden("bulk actions are for seniors")
    if decision == "escalate":
        raise ReviewError("bulk actions approve or remove", field="decision")
    done: list[str] = []
    skipped: dict[str, str] = {}
    for item_id in dict.fromkeys(item_ids):
        try:
            with session.begin_nested():
                decide(
                    session, account, item_id, decision,
                    category=category, reason=reason, note=note,
                )  # fmt: skip
            done.append(item_id)
        except (Conflict, Forbidden, NotFound) as exc:
            skipped[item_id] = str(exc)
    return done, skipped
