"""Scheduled compliance jobs: queued once per period across any number of workers, then run."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from redis import Redis
from rq import SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy import func, select

from moderation.config import ConfigError, Settings
from moderation.models.base import utcnow
from moderation.models.records import Checkpoint
from moderation.queue import context, periodic
from moderation.queue.enqueue import RECORDS, queue
from moderation.queue.sweeper import SweeperThread
from tests.records.conftest import make_block

DAY = 86400
#: A moment at the very start of a day (and of a 600 s period), far from any boundary.
T0 = 20_000 * DAY + 1.0


def records_jobs(redis: Redis) -> list:
    """The jobs waiting on the records queue, in order."""
    return queue(redis, RECORDS).get_jobs()


def scheduled(redis: Redis) -> list[tuple[str, int]]:
    """(job name, period) of every scheduled job waiting on the records queue."""
    return [(j.meta["periodic"], j.meta["period"]) for j in records_jobs(redis)]


def test_it_queues_each_job_once_per_period_however_many_workers(runtime, settings):
    """Sixteen workers (own connections, as on separate machines) tick at the same instant."""
    barrier = threading.Barrier(16)
    results: list[list[str]] = []

    def worker(n: int) -> None:
        redis = Redis.from_url(str(settings.redis_url))
        barrier.wait()
        results.append(periodic.schedule_due(redis, settings, f"host{n}", now=T0))
        redis.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(name for r in results for name in r) == ["checkpoint-all", "purge-expired"]
    jobs = {j.meta["periodic"]: j for j in records_jobs(runtime.redis)}
    assert len(records_jobs(runtime.redis)) == 2
    assert jobs["purge-expired"].func_name == "moderation.records.tasks.purge_expired"
    assert jobs["purge-expired"].kwargs == {"dry_run": False}
    assert jobs["checkpoint-all"].func_name == "moderation.records.tasks.checkpoint_all"
    assert jobs["checkpoint-all"].origin == RECORDS == "moderation-records"


def test_it_follows_the_default_intervals(runtime, settings):
    redis = runtime.redis
    assert (settings.purge_interval_seconds, settings.checkpoint_interval_seconds) == (DAY, 600)
    assert periodic.schedule_due(redis, settings, "a", now=T0) == [
        "purge-expired",
        "checkpoint-all",
    ]
    assert periodic.schedule_due(redis, settings, "b", now=T0 + 598) == []
    assert periodic.schedule_due(redis, settings, "b", now=T0 + 600) == ["checkpoint-all"]
    assert periodic.schedule_due(redis, settings, "a", now=T0 + 1200) == ["checkpoint-all"]
    assert periodic.schedule_due(redis, settings, "c", now=T0 + DAY - 2) == ["checkpoint-all"]
    assert periodic.schedule_due(redis, settings, "c", now=T0 + DAY) == [
        "purge-expired",
        "checkpoint-all",
    ]
    names = [name for name, _period in scheduled(redis)]
    assert names.count("purge-expired") == 2
    assert names.count("checkpoint-all") == 5


def test_it_follows_configured_intervals(runtime, settings):
    custom = replace(settings, purge_interval_seconds=3600, checkpoint_interval_seconds=60)
    redis = runtime.redis
    start = 10_000 * 3600 + 0.5
    for offset in range(0, 3600, 30):  # ticks every 30 s for an hour
        periodic.schedule_due(redis, custom, "w", now=start + offset)
    names = [name for name, _period in scheduled(redis)]
    assert (names.count("purge-expired"), names.count("checkpoint-all")) == (1, 60)


def test_a_failed_enqueue_leaves_the_period_to_the_next_tick(runtime, settings, monkeypatch):
    def redis_down(*args, **kwargs):
        raise ConnectionError("queue unavailable")

    monkeypatch.setattr(periodic, "_enqueue", redis_down)
    with pytest.raises(ConnectionError):
        periodic.schedule_due(runtime.redis, settings, "a", now=T0)
    monkeypatch.undo()
    assert periodic.schedule_due(runtime.redis, settings, "b", now=T0 + 5) == [
        "purge-expired",
        "checkpoint-all",
    ]


def test_the_scheduled_jobs_purge_and_checkpoint(runtime, settings, session, tenant_id, signer):
    make_block(session, tenant_id, at=utcnow() - timedelta(days=400))
    make_block(session, tenant_id, "新的一条 代开发票")
    session.commit()
    periodic.schedule_due(runtime.redis, settings, "w")  # on the Redis server's clock
    context.install(context.WorkerContext(runtime, engine=None))
    jobs = records_jobs(runtime.redis)
    worker = SimpleWorker(
        [queue(runtime.redis, RECORDS)], connection=runtime.redis, serializer=JSONSerializer
    )
    assert worker.work(burst=True, logging_level="WARNING")
    results = {j.meta["periodic"]: j.latest_result() for j in jobs}
    purge = results["purge-expired"]
    assert purge is not None and purge.return_value["records_purged"] == 1, purge
    assert purge.return_value["dry_run"] is False
    checkpoint = results["checkpoint-all"]
    assert checkpoint is not None and checkpoint.return_value == 1
    session.expire_all()
    assert session.scalar(select(func.count(Checkpoint.id))) == 1


def test_live_sweepers_queue_one_job_per_period(runtime, settings):
    """Four sweeper threads ticking every 50 ms with a 1 s checkpoint period for ~2.5 s."""
    fast = replace(settings, sweep_interval_seconds=0.05, checkpoint_interval_seconds=1)
    runtime.__dict__["settings"] = fast
    threads = [SweeperThread(runtime, f"machine-{n}") for n in range(4)]
    for t in threads:
        t.start()
    first = periodic.redis_now(runtime.redis)
    time.sleep(2.5)
    for t in threads:
        t.stop()
    for t in threads:
        t.join(timeout=5)
    last = periodic.redis_now(runtime.redis)
    got = scheduled(runtime.redis)
    checkpoints = [period for name, period in got if name == "checkpoint-all"]
    assert len(checkpoints) == len(set(checkpoints)), "a period was queued twice"
    assert set(checkpoints) <= set(range(int(first), int(last) + 1))
    assert len(checkpoints) >= 2
    assert [name for name, _period in got].count("purge-expired") == 1


def test_intervals_are_validated_and_read_from_the_environment(tmp_path):
    env = {
        "MODERATION_INSTANCE_DIR": str(tmp_path),
        "MODERATION_PURGE_INTERVAL_SECONDS": "3600",
        "MODERATION_CHECKPOINT_INTERVAL_SECONDS": "120",
    }
    settings = Settings.from_env(env)
    assert (settings.purge_interval_seconds, settings.checkpoint_interval_seconds) == (3600, 120)
    with pytest.raises(ConfigError, match="MODERATION_CHECKPOINT_INTERVAL_SECONDS"):
        Settings.from_env({**env, "MODERATION_CHECKPOINT_INTERVAL_SECONDS": "0"})
    with pytest.raises(ConfigError, match="MODERATION_PURGE_INTERVAL_SECONDS"):
        Settings.from_env({**env, "MODERATION_PURGE_INTERVAL_SECONDS": "soon"})
