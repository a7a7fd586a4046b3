"""Worker bootstrap: load the engine once, start the sweeper, then work the RQ queues."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Sequence

from rq import SimpleWorker
from rq.serializers import JSONSerializer

from moderation.config import Settings
from moderation.queue import context
from moderation.queue.enqueue import ALL_QUEUES, queue
from moderation.queue.sweeper import SweeperThread
from moderation.runtime import Runtime

log = logging.getLogger(__name__)


def worker_name() -> str:
    """A name unique across machines sharing one Redis."""
    return f"{socket.gethostname()}.{os.getpid()}.{uuid.uuid4().hex[:6]}"


def run_worker(
    settings: Settings,
    queues: Sequence[str] = ALL_QUEUES,
    burst: bool = False,
    sweeper: bool = True,
    log_level: str = "INFO",
) -> bool:
    """Work the queues until stopped (or, with `burst`, until they are empty).

    The engine is loaded here, before the first job, and reused by every job of this process.
    Jobs run in this process (no fork per job), which keeps the latency of a single post low.
    """
    runtime = Runtime(settings)
    engine = context.load_engine(settings)
    context.install(context.WorkerContext(runtime, engine))
    name = worker_name()
    worker = SimpleWorker(
        [queue(runtime.redis, q, settings.job_timeout_seconds) for q in queues],
        connection=runtime.redis,
        serializer=JSONSerializer,
        name=name,
        # Maintenance also retries jobs of workers that died (RQ's abandoned-job handling).
        maintenance_interval=max(int(settings.sweep_interval_seconds * 6), 10),
    )
    thread = SweeperThread(runtime, name) if sweeper else None
    if thread is not None:
        thread.start()
    log.info("worker %s: engine loaded, working %s", name, ", ".join(queues))
    try:
        return worker.work(burst=burst, logging_level=log_level)
    finally:
        if thread is not None:
            thread.stop()
