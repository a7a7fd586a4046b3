"""Signed webhooks to the platforms: an outbox in the database, delivered by RQ jobs."""
