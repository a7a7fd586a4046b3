"""RQ jobs. Each takes ids only and is idempotent: running it twice changes nothing more."""

from __future__ import annotations

from sqlalchemy import select

from moderation.models.submission import Submission
from moderation.queue import context
from moderation.queue.enqueue import enqueue_moderation
from moderation.queue.greedy import claim_waiting, finish
from moderation.queue.notify import notify_decided
from moderation.verdicts import decide_pending


def moderate(submission_id: str) -> str:
    """Analyse one submission and write its verdict (unless it already has one).

    Posts waiting behind it on the queue are taken along (see `greedy`), so a backlog costs
    one pass and one commit per group instead of one per post.
    """
    ctx = context.current()
    redis = ctx.runtime.redis
    extra = claim_waiting(redis, ctx.settings.greedy_batch - 1)
    if not extra:
        return _moderate_ids([submission_id])
    try:
        result = _moderate_ids([submission_id, *extra])
    except Exception:
        # One post of the group may be the cause: the others get their own jobs back.
        for other in extra:
            enqueue_moderation(redis, other, ctx.settings.job_timeout_seconds)
        return _moderate_ids([submission_id])
    finish(redis, extra)
    return result


def moderate_batch(batch_id: str) -> str:
    """Analyse every pending submission of a batch in one pass."""
    ctx = context.current()
    with ctx.runtime.sessions() as session:
        ids = list(session.scalars(select(Submission.id).where(Submission.batch_id == batch_id)))
    return _moderate_ids(ids)


def _moderate_ids(ids: list[str]) -> str:
    ctx = context.current()
    outcome = decide_pending(ctx.runtime.sessions, ctx.settings, ctx.engine, ids)
    notify_decided(ctx.runtime.redis, [*outcome.decided, *outcome.already], outcome.resources)
    return f"decided {len(outcome.decided)}, already decided {len(outcome.already)}"


def deliver_webhook(delivery_id: str) -> str:
    """Make one attempt to deliver a webhook; a failure schedules the next attempt."""
    from moderation.webhooks.delivery import deliver

    ctx = context.current()
    return deliver(ctx.runtime.sessions, ctx.settings, delivery_id)
