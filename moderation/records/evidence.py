"""Evidence records: append-only, hash-chained per tenant (placeholder until implemented)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from moderation.models.submission import Submission, Verdict


def preserve_verdict(session: Session, submission: Submission, verdict: Verdict) -> Any:
    """Append the evidence record of a `block` verdict to the tenant's chain; returns it."""
    return None


def preserve_removal(
    session: Session,
    submission: Submission,
    reviewer: str,
    category: str | None,
    reason: str | None,
) -> Any:
    """Append the evidence record of a reviewer's removal to the tenant's chain; returns it."""
    return None
