"""All models; importing this package registers every table on Base.metadata."""

from moderation.models import records, review, submission, tenant, webhook
from moderation.models.base import Base

__all__ = ["Base", "records", "review", "submission", "tenant", "webhook"]
