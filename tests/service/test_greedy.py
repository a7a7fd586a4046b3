"""Greedy batching: a single-post job takes waiting posts along, never losing one."""

from __future__ import annotations

import time

from rq.job import Job
from sqlalchemy import func, select

from moderation.models.submission import Submission, Verdict
from moderation.models.tenant import Tenant
from moderation.queue import jobs
from moderation.queue.enqueue import HIGH, moderation_job_id, queue
from moderation.queue.greedy import claim_waiting
from moderation.queue.sweeper import sweep

GOOD = "你好，今天天气不错"


def _post_many(client, tenant, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        client.post(
            "/v1/moderations", json={"text": f"{GOOD} {i}"}, headers=tenant.headers
        ).get_json()["id"]
        for i in range(n)
    ]


def _statuses(runtime) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with runtime.sessions() as s:
        rows = s.execute(select(Submission.status, func.count()).group_by(Submission.status))
        return {status: count for status, count in rows}


def test_it_decides_waiting_posts_with_the_first_job(client, make_tenant, runtime, work):
    ids = _post_many(client, make_tenant(), 10)
    high = queue(runtime.redis, HIGH)
    assert runtime.redis.lpop(high.key) == moderation_job_id(ids[0]).encode()  # as RQ does
    result = jobs.moderate(ids[0])  # as the worker would, with 9 posts waiting behind it
    assert result == "decided 10, already decided 0"
    assert high.count == 0  # the waiting ones were taken along
    statuses = [
        Job.fetch(moderation_job_id(i), connection=runtime.redis).get_status() for i in ids[1:]
    ]
    assert {str(s.value if hasattr(s, "value") else s) for s in statuses} == {"finished"}
    assert not work()  # nothing left to do
    assert _statuses(runtime) == {"decided": 10}
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Verdict)) == 10


def test_it_recovers_posts_claimed_by_a_worker_that_died(client, make_tenant, runtime, work):
    ids = _post_many(client, make_tenant(), 5)
    claimed = claim_waiting(runtime.redis, 10)  # a worker took them, then died
    assert sorted(claimed) == sorted(ids) and queue(runtime.redis, HIGH).count == 0
    assert sweep(runtime).requeued == []  # not stale yet
    time.sleep(runtime.settings.pending_timeout_seconds + 0.1)
    assert sorted(sweep(runtime).requeued) == sorted(ids)  # stalled: queued again
    work()
    assert _statuses(runtime) == {"decided": 5}


def test_it_keeps_one_bad_post_from_holding_up_the_group(client, make_tenant, runtime, work):
    good, broken = make_tenant(), make_tenant()
    first = _post_many(client, good, 1)[0]
    bad = client.post("/v1/moderations", json={"text": GOOD}, headers=broken.headers).get_json()
    others = _post_many(client, good, 3)
    with runtime.sessions() as s:  # a policy the engine refuses: its posts cannot be decided
        tenant = s.get(Tenant, broken.tenant.id)
        assert tenant is not None
        tenant.policy = {"no_such_key": 1}
        s.commit()
    runtime.redis.lpop(queue(runtime.redis, HIGH).key)  # RQ dequeued the first job
    assert jobs.moderate(first) == "decided 1, already decided 0"
    work()  # the others got their own jobs back; the broken tenant's job fails on its own
    with runtime.sessions() as s:
        decided = set(s.scalars(select(Submission.id).where(Submission.status == "decided")))
    assert decided == {first, *others} and bad["id"] not in decided
