"""What follows a decision, across domains: evidence, incident reports, review queue, webhooks.

Workers call `on_verdict` after writing a verdict; the reviewer workspace calls
`on_review_decision` after a reviewer decides. Both run inside the caller's transaction, so the
decision and its effects commit together or not at all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from moderation.models.submission import Submission, Verdict
from moderation.records import evidence, incidents
from moderation.review import queue as review_queue
from moderation.webhooks import outbox


def on_verdict(session: Session, submission: Submission, verdict: Verdict) -> None:
    """Preserve and report blocks, queue held posts for review, tell the platform."""
    if verdict.action == "block":
        record = evidence.preserve_verdict(session, submission, verdict)
        incidents.open_if_reportable(session, submission, record)
    elif verdict.action == "review":
        review_queue.enqueue_from_verdict(session, submission, verdict)
    outbox.schedule_verdict(session, submission, verdict)


def on_review_decision(
    session: Session,
    submission: Submission,
    decision: str,
    reviewer: str,
    category: str | None,
    reason: str | None,
    statement: dict[str, Any],
) -> None:
    """Effects of a reviewer's final decision ("approve" publishes, "remove" takes down)."""
    if decision == "remove":
        record = evidence.preserve_removal(session, submission, reviewer, category, reason)
        incidents.open_if_reportable(session, submission, record)
    outbox.schedule_decision(session, submission, decision, statement)
