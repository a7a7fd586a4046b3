"""The review queue (placeholder until implemented)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from moderation.models.submission import Submission, Verdict


def enqueue_from_verdict(session: Session, submission: Submission, verdict: Verdict) -> Any:
    """Put a held post (a `review` verdict) in the tenant's review queue; returns the item."""
    return None
