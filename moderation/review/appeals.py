"""Appeals: an author contests a removal; a senior other than the original decider decides.

The appeal opens a `senior` tier item that excludes the account which made the removal, so
only a different senior (or admin) can claim or decide it. Approving it overturns the removal
(publish); removing upholds it. The outcome reaches the platform through the decision webhook.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.models.base import utcnow
from moderation.models.review import Appeal, ReviewItem
from moderation.models.tenant import Tenant
from moderation.review import events
from moderation.review.complaints import find_post
from moderation.review.errors import Conflict, ReviewError
from moderation.review.queue import SOURCE_BONUS, enqueue, reprioritise

MAX_STATEMENT = 5000


@dataclass(frozen=True)
class AppealResult:
    """The appeal and whether it repeats one still pending."""

    appeal: Appeal
    duplicate: bool


def original_decider(session: Session, submission_id: str) -> str | None:
    """The account that last removed this post in review (None: the engine or a directive)."""
    return session.scalar(
        select(ReviewItem.decided_by)
        .where(
            ReviewItem.submission_id == submission_id,
            ReviewItem.status == "closed",
            ReviewItem.decision == "remove",
        )
        .order_by(ReviewItem.decided_at.desc())
        .limit(1)
    )


def file_appeal(
    session: Session,
    tenant: Tenant,
    *,
    moderation_id: str | None = None,
    external_id: str | None = None,
    statement: str | None = None,
) -> AppealResult:
    """Open an appeal against a removal or block; Conflict when the post is not removed."""
    if statement and len(statement) > MAX_STATEMENT:
        raise ReviewError(f"statement is longer than {MAX_STATEMENT} characters", "statement")
    post = find_post(session, tenant, moderation_id, external_id)
    pending = session.scalar(
        select(Appeal).where(Appeal.submission_id == post.id, Appeal.status == "pending")
    )
    if pending is not None:
        return AppealResult(pending, duplicate=True)
    if post.action != "block":
        raise Conflict("only a blocked or removed post can be appealed", field="moderation_id")
    decider = original_decider(session, post.id)
    verdict = post.verdict
    item, created = enqueue(
        session,
        post,
        "appeal",
        actor="api",
        tier="senior",
        categories=verdict.categories if verdict else [],
        hits=verdict.hits if verdict else [],
        excluded_account_id=decider,
    )
    if not created:
        # An item was already open (e.g. a complaint): it becomes the appeal's, for seniors.
        item.tier, item.excluded_account_id = "senior", decider
        reprioritise(item, source=SOURCE_BONUS["appeal"])
    appeal = Appeal(
        tenant_id=tenant.id,
        submission_id=post.id,
        item_id=item.id,
        original_decider_id=decider,
        statement=statement,
        status="pending",
        created_at=utcnow(),
    )
    session.add(appeal)
    session.flush()
    events.record(
        session,
        "appealed",
        tenant_id=tenant.id,
        actor="api",
        item=item,
        previous_status="block",
        new_status="appealed",
        reason=statement,
        data={"appeal_id": appeal.id, "original_decider": decider},
    )
    return AppealResult(appeal, duplicate=False)
