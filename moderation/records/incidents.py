"""Incident reports for the authorities (placeholder until implemented)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from moderation.models.submission import Submission


def open_if_reportable(session: Session, submission: Submission, record: Any) -> Any:
    """Open a draft incident report when the record's category is reportable for the tenant."""
    return None
