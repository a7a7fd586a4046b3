"""Loading and running the trained classifier (owned by the classifier work; placeholder)."""

from __future__ import annotations

from moderation.engine.types import Classifier


def load_default() -> Classifier | None:
    """The classifier shipped in models/, or None when no artifact is present."""
    return None
