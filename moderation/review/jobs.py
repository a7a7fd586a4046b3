"""RQ jobs of the review domain: the directive sweep (takes the directive id only)."""

from __future__ import annotations

from typing import Any

from redis import Redis

#: Sweeps are long background work: they share the batch queue every worker listens on.
SWEEP_TIMEOUT = 6 * 3600


def enqueue_sweep(redis: Redis, directive_id: str) -> str:
    """Queue the sweep of a directive; returns the RQ job id."""
    from moderation.queue.enqueue import BATCH, queue

    job = queue(redis, BATCH, SWEEP_TIMEOUT).enqueue(
        "moderation.review.jobs.sweep_directive",
        directive_id,
        result_ttl=7 * 86400,
        failure_ttl=7 * 86400,
        description=f"directive sweep {directive_id}",
    )
    return str(job.id)


def sweep_directive(directive_id: str) -> dict[str, Any]:
    """Job: sweep stored posts for a directive's terms (see `directives.run_sweep`)."""
    from moderation.queue import context
    from moderation.review.directives import run_sweep

    return run_sweep(context.current().runtime.sessions, directive_id)
