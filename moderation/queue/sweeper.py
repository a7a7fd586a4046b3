"""The sweeper: nothing accepted is lost, even when a worker dies or Redis loses its data.

Run periodically by every worker (one sweep at a time across machines, via a Redis lock):
1. jobs of dead workers (RQ's started registry, expired) are retried by RQ;
2. submissions pending longer than `pending_timeout_seconds` are queued again; one that
   failed `max_job_attempts` times gets the tenant's undecided verdict (fail closed: review);
3. webhook deliveries whose next attempt is due are queued.

On every tick each worker also queues the scheduled compliance jobs (retention purge,
checkpoints) whose period nobody has queued yet: see `moderation.queue.periodic`.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import timedelta

from redis import Redis
from rq.registry import StartedJobRegistry
from rq.serializers import JSONSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from moderation.models.base import utcnow
from moderation.models.submission import Submission
from moderation.queue.enqueue import (
    ALL_QUEUES,
    batch_job_id,
    enqueue_batch,
    enqueue_moderation,
    jobs_in_flight,
    moderation_job_id,
)
from moderation.queue.notify import notify_decided
from moderation.queue.periodic import schedule_due
from moderation.runtime import Runtime
from moderation.verdicts import decide_undecided
from moderation.webhooks.dispatch import queue_due

log = logging.getLogger(__name__)

LOCK_KEY = "moderation:sweeper-lock"
MAX_PER_SWEEP = 5000


@dataclass
class SweepReport:
    """What one sweep did."""

    requeued: list[str] = field(default_factory=list)
    undecided: list[str] = field(default_factory=list)
    webhooks: int = 0


def retry_abandoned_jobs(redis: Redis) -> None:
    """Let RQ retry (or fail) jobs whose worker stopped heart-beating."""
    for name in ALL_QUEUES:
        StartedJobRegistry(name, connection=redis, serializer=JSONSerializer).cleanup()


def _stale(session: Session, older_than: timedelta) -> list[Submission]:
    cutoff = utcnow() - older_than
    query = (
        select(Submission)
        .where(Submission.status == "pending", Submission.queued_at < cutoff)
        .order_by(Submission.queued_at)
        .limit(MAX_PER_SWEEP)
    )
    return list(session.scalars(query))


def _claim(session: Session, submission: Submission) -> bool:
    """Move the submission's queued_at forward unless another sweeper already did."""
    result = session.execute(
        update(Submission)
        .where(Submission.id == submission.id, Submission.queued_at == submission.queued_at)
        .values(queued_at=utcnow(), attempts=Submission.attempts + 1)
    )
    return bool(getattr(result, "rowcount", 0))


def _lost(runtime: Runtime, stale: list[Submission]) -> list[Submission]:
    """Those of `stale` whose job is gone, failed or stalled (not merely waiting in a backlog)."""
    job_ids = [batch_job_id(s.batch_id) if s.batch_id else moderation_job_id(s.id) for s in stale]
    timeout = runtime.settings.pending_timeout_seconds
    alive = jobs_in_flight(runtime.redis, job_ids, stalled_after=timeout)
    return [s for s, ok in zip(stale, alive, strict=True) if not ok]


def requeue_stale(runtime: Runtime, report: SweepReport) -> None:
    """Queue again every submission left pending too long whose job was lost (e.g. after Redis
    was flushed, or its worker killed); a post merely waiting in a long queue is left alone."""
    settings = runtime.settings
    with runtime.sessions() as session:
        stale = _stale(session, timedelta(seconds=settings.pending_timeout_seconds))
        stale = _lost(runtime, stale) if stale else stale
        batches: set[str] = set()
        for submission in stale:
            if submission.attempts >= settings.max_job_attempts:
                if decide_undecided(session, settings, submission, "analysis kept failing"):
                    report.undecided.append(submission.id)
                continue
            if _claim(session, submission):
                report.requeued.append(submission.id)
                if submission.batch_id:
                    batches.add(submission.batch_id)
        session.commit()
        singles = [s.id for s in stale if s.id in report.requeued and not s.batch_id]
    for batch_id in sorted(batches):
        enqueue_batch(runtime.redis, batch_id, settings.job_timeout_seconds)
    for submission_id in singles:
        enqueue_moderation(runtime.redis, submission_id, settings.job_timeout_seconds)
    if report.undecided:
        notify_decided(runtime.redis, report.undecided)


def sweep(runtime: Runtime) -> SweepReport:
    """One full sweep (callers make sure only one runs at a time)."""
    report = SweepReport()
    retry_abandoned_jobs(runtime.redis)
    requeue_stale(runtime, report)
    with runtime.sessions() as session:
        report.webhooks = queue_due(session, runtime.redis, runtime.settings)
    if report.requeued or report.undecided:
        log.warning(
            "sweeper: requeued %d pending posts, %d got the undecided verdict",
            len(report.requeued),
            len(report.undecided),
        )
    return report


def sweep_if_due(runtime: Runtime, owner: str) -> SweepReport | None:
    """Sweep unless another worker swept within the interval (cluster-wide Redis lock)."""
    interval_ms = int(runtime.settings.sweep_interval_seconds * 1000)
    if not runtime.redis.set(LOCK_KEY, owner.encode(), nx=True, px=max(interval_ms, 10)):
        return None
    return sweep(runtime)


class SweeperThread(threading.Thread):
    """Background thread of a worker process running `sweep_if_due` every interval."""

    def __init__(self, runtime: Runtime, owner: str) -> None:
        super().__init__(name="moderation-sweeper", daemon=True)
        self.runtime = runtime
        self.owner = owner
        self.stopped = threading.Event()

    def run(self) -> None:
        interval = self.runtime.settings.sweep_interval_seconds
        while not self.stopped.wait(interval):
            self.tick()

    def tick(self) -> None:
        """Queue due scheduled jobs, then sweep if due; failures wait for the next tick."""
        try:
            schedule_due(self.runtime.redis, self.runtime.settings, self.owner)
        except Exception:  # Redis down must not kill the worker; the period is retried
            log.exception("sweeper: scheduling failed; retrying next interval")
        try:
            sweep_if_due(self.runtime, self.owner)
        except Exception:  # a sweep failing (Redis or DB down) must not kill the worker
            log.exception("sweeper: sweep failed; retrying next interval")

    def stop(self) -> None:
        self.stopped.set()
