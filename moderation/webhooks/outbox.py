"""Scheduling webhook deliveries: rows written in the decision's transaction, sent after commit.

`schedule_*` add a WebhookDelivery to the caller's session. When that session commits, the
deliveries are handed to the process's dispatcher (which queues a delivery job); if that fails
or no dispatcher is installed, a worker's sweeper queues them once due. Nothing is sent for a
decision that rolls back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from moderation.models.base import new_id, utcnow
from moderation.models.submission import Submission, Verdict
from moderation.models.tenant import Tenant
from moderation.models.webhook import WebhookDelivery

log = logging.getLogger(__name__)

INFO_KEY = "moderation_webhook_deliveries"
Dispatcher = Callable[[list[str]], None]
_dispatcher: Dispatcher | None = None


def set_dispatcher(dispatcher: Dispatcher | None) -> None:
    """Install the process's way to queue deliveries (the Runtime does this)."""
    global _dispatcher
    _dispatcher = dispatcher


def _url_for(session: Session, submission: Submission) -> str | None:
    if submission.callback_url:
        return submission.callback_url
    tenant = session.get(Tenant, submission.tenant_id)
    return tenant.webhook_url if tenant is not None else None


def _schedule(
    session: Session, submission: Submission, event_name: str, data: dict[str, Any]
) -> WebhookDelivery | None:
    url = _url_for(session, submission)
    if not url:
        return None
    from moderation.moderations import to_resource

    delivery_id = new_id()
    payload: dict[str, Any] = {"id": delivery_id, "event": event_name}
    payload["created_at"] = utcnow().isoformat()
    payload.update(data)
    payload["moderation"] = to_resource(submission)
    delivery = WebhookDelivery(
        id=delivery_id,
        tenant_id=submission.tenant_id,
        submission_id=submission.id,
        event=event_name,
        url=url,
        payload=payload,
        status="pending",
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(delivery)
    session.info.setdefault(INFO_KEY, []).append(delivery.id)
    return delivery


def schedule_verdict(
    session: Session, submission: Submission, verdict: Verdict
) -> WebhookDelivery | None:
    """Record a `moderation.decided` delivery if the post or tenant has a webhook URL."""
    return _schedule(session, submission, "moderation.decided", {})


def schedule_decision(
    session: Session, submission: Submission, decision: str, statement: dict[str, Any]
) -> WebhookDelivery | None:
    """Record a `moderation.reviewed` delivery (publish or take down) with the statement."""
    data = {"decision": decision, "statement": statement}
    return _schedule(session, submission, "moderation.reviewed", data)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    ids = session.info.pop(INFO_KEY, None)
    if not ids or _dispatcher is None:
        return
    try:
        _dispatcher(list(ids))
    except Exception as exc:  # the sweeper queues them later; the decision stands
        log.warning("could not queue webhook deliveries %s: %s", ids, exc)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(INFO_KEY, None)
