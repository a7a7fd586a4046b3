"""Scheduled compliance jobs: each runs once per period across every worker on every machine.

Every worker's sweeper calls `schedule_due` on each tick. Time is cut into periods of the job's
interval, counted on the Redis server's clock (so machines with skewed clocks agree on the
period); the first worker to `SET key NX EX` the period's key puts the job on the
`moderation-records` queue, every other worker sees the key and does nothing. A period whose
key was taken but whose job could not be queued is released, so another tick retries it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from redis import Redis

from moderation.config import Settings
from moderation.queue.enqueue import RECORDS, queue

log = logging.getLogger(__name__)

KEY_PREFIX = "moderation:periodic"
#: RQ timeout of a scheduled job (a purge of a large backlog can take a while).
JOB_TIMEOUT = 3600


@dataclass(frozen=True)
class PeriodicJob:
    """A job queued once per `interval` seconds (RQ function path and JSON kwargs)."""

    name: str
    func: str
    interval: int
    kwargs: dict[str, Any] = field(default_factory=dict)


def periodic_jobs(settings: Settings) -> tuple[PeriodicJob, ...]:
    """The scheduled jobs and their intervals from the settings."""
    return (
        PeriodicJob(
            "purge-expired",
            "moderation.records.tasks.purge_expired",
            int(settings.purge_interval_seconds),
            {"dry_run": False},
        ),
        PeriodicJob(
            "checkpoint-all",
            "moderation.records.tasks.checkpoint_all",
            int(settings.checkpoint_interval_seconds),
        ),
    )


def period_key(job: PeriodicJob, period: int) -> str:
    """The Redis key whose owner queues `job` for `period` (the interval is part of the key)."""
    return f"{KEY_PREFIX}:{job.name}:{job.interval}:{period}"


def redis_now(redis: Redis) -> float:
    """The Redis server's clock in seconds (the one clock all machines share)."""
    seconds, micros = redis.time()
    return float(seconds) + float(micros) / 1_000_000


def _enqueue(redis: Redis, job: PeriodicJob, period: int) -> None:
    queue(redis, RECORDS, JOB_TIMEOUT).enqueue(
        job.func,
        kwargs=job.kwargs,
        result_ttl=86400,
        failure_ttl=7 * 86400,
        description=f"scheduled {job.name} (period {period} of {job.interval}s)",
        meta={"periodic": job.name, "period": period},
    )


def schedule_due(
    redis: Redis, settings: Settings, owner: str, now: float | None = None
) -> list[str]:
    """Queue every job whose current period nobody has queued yet; returns their names."""
    now = redis_now(redis) if now is None else now
    queued: list[str] = []
    for job in periodic_jobs(settings):
        period = int(now // job.interval)
        key = period_key(job, period)
        # The key outlives its period, so a late tick of the same period cannot take it again.
        if not redis.set(key, owner.encode(), nx=True, ex=2 * job.interval):
            continue
        try:
            _enqueue(redis, job, period)
        except Exception:
            redis.delete(key)  # let the next tick (here or elsewhere) queue it instead
            raise
        log.info("scheduler: queued %s for period %d", job.name, period)
        queued.append(job.name)
    return queued
