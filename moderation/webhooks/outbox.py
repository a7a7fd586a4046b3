"""Scheduling webhook deliveries (placeholder until implemented)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from moderation.models.submission import Submission, Verdict


def schedule_verdict(session: Session, submission: Submission, verdict: Verdict) -> Any:
    """Record a `moderation.decided` delivery if the post or tenant has a webhook URL."""
    return None


def schedule_decision(
    session: Session, submission: Submission, decision: str, statement: dict[str, Any]
) -> Any:
    """Record a `moderation.reviewed` delivery (publish or take down) with the statement."""
    return None
