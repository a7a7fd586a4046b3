"""The RQ queues and how work is put on them: jobs receive ids only, JSON-serialised."""

from __future__ import annotations

from redis import Redis
from rq import Queue, Retry
from rq.serializers import JSONSerializer

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


def queue(redis: Redis, name: str, job_timeout: int = 60) -> Queue:
    """An RQ queue using the JSON serializer."""
    return Queue(name, connection=redis, serializer=JSONSerializer, default_timeout=job_timeout)


def enqueue_moderation(redis: Redis, submission_id: str, job_timeout: int = 60) -> None:
    """Queue the analysis of one submission on the high-priority queue."""
    queue(redis, HIGH, job_timeout).enqueue(
        "moderation.queue.jobs.moderate",
        submission_id,
        retry=Retry(max=JOB_RETRIES),
        result_ttl=0,
        failure_ttl=7 * 86400,
        description=f"moderate {submission_id}",
    )


def enqueue_batch(redis: Redis, batch_id: str, job_timeout: int = 60) -> None:
    """Queue the analysis of every submission of a batch as one job."""
    queue(redis, BATCH, job_timeout).enqueue(
        "moderation.queue.jobs.moderate_batch",
        batch_id,
        retry=Retry(max=JOB_RETRIES),
        result_ttl=0,
        failure_ttl=7 * 86400,
        description=f"moderate batch {batch_id}",
    )


def enqueue_delivery(redis: Redis, delivery_id: str, job_timeout: int = 60) -> None:
    """Queue one attempt to deliver a webhook."""
    queue(redis, WEBHOOKS, job_timeout).enqueue(
        "moderation.queue.jobs.deliver_webhook",
        delivery_id,
        result_ttl=0,
        failure_ttl=7 * 86400,
        description=f"deliver webhook {delivery_id}",
    )
