"""The RQ queues and how work is put on them: jobs receive ids only, JSON-serialised."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from redis import Redis
from rq import Queue, Retry
from rq.job import Job
from rq.serializers import JSONSerializer
from rq.utils import utcparse

#: Single posts: a platform may be waiting on the answer.
HIGH = "moderation-high"
#: Batches of up to `max_batch` posts.
BATCH = "moderation-batch"
#: Webhook deliveries and their retries.
WEBHOOKS = "moderation-webhooks"
#: Long record jobs (compliance exports); see moderation.records.tasks.
RECORDS = "moderation-records"
#: Order in which workers take from the queues. A deployment may also run workers dedicated
#: to some queues (`moderation worker --queue moderation-records`).
ALL_QUEUES = (HIGH, BATCH, WEBHOOKS, RECORDS)

#: RQ retries a job this many times when it raises or its worker died.
JOB_RETRIES = 3
#: Seconds RQ keeps a finished job; letting it expire is cheaper for RQ than deleting it.
RESULT_TTL = 60


_queues: dict[tuple[int, str, int], tuple[Redis, Queue]] = {}


def queue(redis: Redis, name: str, job_timeout: int = 60) -> Queue:
    """An RQ queue using the JSON serializer (cached: RQ asks the server's version once)."""
    cache_key = (id(redis), name, job_timeout)
    cached = _queues.get(cache_key)
    if cached is not None and cached[0] is redis:
        return cached[1]
    made = Queue(name, connection=redis, serializer=JSONSerializer, default_timeout=job_timeout)
    _queues[cache_key] = (redis, made)
    return made


#: Job states in which a job will still run by itself.
WAITING = {"queued", "deferred", "scheduled"}


def moderation_job_id(submission_id: str) -> str:
    """The RQ job id of a submission's analysis (one per post, so its state can be looked up)."""
    return f"moderate-{submission_id}"


def batch_job_id(batch_id: str) -> str:
    """The RQ job id of a batch's analysis."""
    return f"moderate-batch-{batch_id}"


def jobs_in_flight(redis: Redis, job_ids: Sequence[str], stalled_after: float) -> list[bool]:
    """For each job id: is the job waiting in a queue, or running for less than `stalled_after`?

    False means it was lost (Redis flushed or restarted without data), failed, or stalled with
    its worker (killed mid-job): the sweeper queues such work again.
    """
    with redis.pipeline(transaction=False) as pipe:
        for job_id in job_ids:
            pipe.hmget(Job.key_for(job_id), "status", "started_at")
        rows = pipe.execute()
    cutoff = datetime.now(UTC) - timedelta(seconds=stalled_after)
    alive = []
    for status, started_at in rows:
        state = status.decode() if status else None
        if state in WAITING:
            alive.append(True)
        elif state == "started" and started_at:
            started = utcparse(started_at.decode()).replace(tzinfo=UTC)
            alive.append(started > cutoff)
        else:
            alive.append(False)
    return alive


def enqueue_moderation(redis: Redis, submission_id: str, job_timeout: int = 60) -> None:
    """Queue the analysis of one submission on the high-priority queue."""
    queue(redis, HIGH, job_timeout).enqueue(
        "moderation.queue.jobs.moderate",
        submission_id,
        job_id=moderation_job_id(submission_id),
        retry=Retry(max=JOB_RETRIES),
        result_ttl=RESULT_TTL,
        failure_ttl=7 * 86400,
        description=f"moderate {submission_id}",
    )


def enqueue_batch(redis: Redis, batch_id: str, job_timeout: int = 60) -> None:
    """Queue the analysis of every submission of a batch as one job."""
    queue(redis, BATCH, job_timeout).enqueue(
        "moderation.queue.jobs.moderate_batch",
        batch_id,
        job_id=batch_job_id(batch_id),
        retry=Retry(max=JOB_RETRIES),
        result_ttl=RESULT_TTL,
        failure_ttl=7 * 86400,
        description=f"moderate batch {batch_id}",
    )


def enqueue_delivery(redis: Redis, delivery_id: str, job_timeout: int = 60) -> None:
    """Queue one attempt to deliver a webhook."""
    queue(redis, WEBHOOKS, job_timeout).enqueue(
        "moderation.queue.jobs.deliver_webhook",
        delivery_id,
        result_ttl=RESULT_TTL,
        failure_ttl=7 * 86400,
        description=f"deliver webhook {delivery_id}",
    )
