"""Putting deliveries on the webhook queue, at most once per attempt number.

A Redis claim `moderation:webhook-claim:<id>:<attempt>` (SET NX, expiring) makes the commit
hook and the sweepers of several workers agree on who queues an attempt; it expires, so a job
lost with Redis is queued again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from redis import Redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation.config import Settings
from moderation.models.base import utcnow
from moderation.models.webhook import WebhookDelivery
from moderation.queue.enqueue import enqueue_delivery

CLAIM = "moderation:webhook-claim:{}:{}"


def claim_and_enqueue(redis: Redis, settings: Settings, delivery_id: str, attempt: int) -> bool:
    """Queue the delivery's next attempt unless someone already did; True when queued."""
    ttl = max(int(settings.pending_timeout_seconds), 1)
    if not redis.set(CLAIM.format(delivery_id, attempt), b"1", nx=True, ex=ttl):
        return False
    enqueue_delivery(redis, delivery_id, settings.job_timeout_seconds)
    return True


def make_dispatcher(redis: Callable[[], Redis], settings: Settings) -> Callable[[list[str]], None]:
    """The commit hook's dispatcher: queue the first attempt of new deliveries."""

    def dispatch(ids: list[str]) -> None:
        connection = redis()
        for delivery_id in ids:
            claim_and_enqueue(connection, settings, delivery_id, 0)

    return dispatch


def queue_due(session: Session, redis: Redis, settings: Settings, limit: int = 500) -> int:
    """Queue every pending delivery whose next attempt is due; returns how many were queued."""
    # A just-created delivery is queued by the commit hook; give it a moment first.
    grace = timedelta(seconds=min(settings.sweep_interval_seconds, 2.0))
    now = utcnow()
    rows = session.execute(
        select(WebhookDelivery.id, WebhookDelivery.attempts, WebhookDelivery.created_at)
        .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
    ).all()
    queued = 0
    for delivery_id, attempts, created_at in rows:
        if attempts == 0 and created_at > now - grace:
            continue
        queued += claim_and_enqueue(redis, settings, delivery_id, attempts)
    return queued
