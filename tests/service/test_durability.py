"""Nothing accepted is lost: a worker SIGKILLed mid-job, Redis flushed under pending posts,
posts that keep failing; several worker processes on one Redis."""

from __future__ import annotations

import signal
import time

from rq import Retry
from rq.registry import StartedJobRegistry
from rq.serializers import JSONSerializer
from sqlalchemy import func, select

from moderation import moderations
from moderation.models.submission import Submission, Verdict
from moderation.models.tenant import Tenant
from moderation.queue.enqueue import HIGH, moderation_job_id, queue
from moderation.queue.sweeper import sweep
from tests.service.conftest import spawn_worker, stop, wait_until

BAD = "出售冰毒，加微信abc123"
GOOD = "你好，今天天气不错"


def _status(runtime, sid: str) -> str | None:  # type: ignore[no-untyped-def]
    with runtime.sessions() as s:
        return s.scalar(select(Submission.status).where(Submission.id == sid))


def _verdicts(runtime) -> int:  # type: ignore[no-untyped-def]
    with runtime.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Verdict)) or 0)


def test_it_decides_a_post_whose_worker_was_killed_mid_job(runtime, make_tenant):
    acme = make_tenant()
    with runtime.sessions() as s:
        sid = moderations.submit(s, acme.tenant.id, moderations.PostInput(text=BAD)).submission.id
    q = queue(runtime.redis, HIGH)
    # Under the post's own job id, as the API queues it: the sweeper sees it started, then stall.
    job = q.enqueue(
        "tests.service.slow_jobs.slow_moderate",
        sid,
        retry=Retry(max=3),
        job_id=moderation_job_id(sid),
    )
    first = spawn_worker(runtime.settings, "--no-sweeper")
    try:
        registry = StartedJobRegistry(HIGH, connection=runtime.redis, serializer=JSONSerializer)
        wait_until(lambda: job.id in registry.get_job_ids(), timeout=30)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        stop(first)
    assert _status(runtime, sid) == "pending"
    second = spawn_worker(runtime.settings)  # its sweeper finds the post pending too long
    try:
        wait_until(lambda: _status(runtime, sid) == "decided", timeout=30)
    finally:
        stop(second)
    assert _verdicts(runtime) == 1
    with runtime.sessions() as s:
        submission = s.get(Submission, sid)
        assert submission is not None and submission.action == "block"
        assert submission.attempts >= 2


def test_it_requeues_pending_posts_after_redis_was_flushed(client, make_tenant, runtime, work):
    acme = make_tenant()
    singles = [
        client.post("/v1/moderations", json={"text": f"{GOOD}{i}"}, headers=acme.headers)
        for i in range(3)
    ]
    batch = client.post(
        "/v1/moderations/batch",
        json={"posts": [{"text": f"{BAD}{i}"} for i in range(5)]},
        headers=acme.headers,
    )
    ids = [r.get_json()["id"] for r in singles] + [m["id"] for m in batch.get_json()["moderations"]]
    assert sweep(runtime).requeued == []  # nothing is stale yet
    runtime.redis.flushdb()  # Redis lost every job
    assert not work()
    time.sleep(runtime.settings.pending_timeout_seconds + 0.1)
    report = sweep(runtime)
    assert sorted(report.requeued) == sorted(ids)
    work()
    assert {_status(runtime, sid) for sid in ids} == {"decided"}
    assert _verdicts(runtime) == 8


def test_it_leaves_posts_alone_that_merely_wait_in_a_backlog(client, make_tenant, runtime, work):
    acme = make_tenant()
    sid = client.post("/v1/moderations", json={"text": GOOD}, headers=acme.headers).get_json()["id"]
    time.sleep(runtime.settings.pending_timeout_seconds + 0.1)
    assert sweep(runtime).requeued == []  # its job is still queued: no duplicate
    assert queue(runtime.redis, HIGH).count == 1
    work()
    assert _status(runtime, sid) == "decided"


def _stuck(runtime, acme, attempts: int) -> str:  # type: ignore[no-untyped-def]
    with runtime.sessions() as s:
        sid = moderations.submit(s, acme.tenant.id, moderations.PostInput(text=GOOD)).submission.id
        row = s.get(Submission, sid)
        assert row is not None
        row.attempts = attempts
        s.commit()
    return sid


def test_it_holds_a_post_that_cannot_be_analysed_when_failing_closed(client, runtime, make_tenant):
    acme = make_tenant()
    sid = _stuck(runtime, acme, runtime.settings.max_job_attempts)
    time.sleep(runtime.settings.pending_timeout_seconds + 0.1)
    report = sweep(runtime)
    assert report.undecided == [sid]
    result = client.get(f"/v1/moderations/{sid}", headers=acme.headers).get_json()
    assert result["action"] == "review" and result["publish"] is False
    assert result["verdict"]["reasons"][0]["code"] == "undecided"


def test_it_allows_an_undecided_post_only_for_a_fail_open_tenant(client, runtime, make_tenant):
    acme = make_tenant()
    with runtime.sessions() as s:
        tenant = s.get(Tenant, acme.tenant.id)
        assert tenant is not None
        tenant.policy = {"fail_closed": False}
        s.commit()
    pending = client.post("/v1/moderations", json={"text": GOOD}, headers=acme.headers)
    assert pending.status_code == 202 and pending.get_json()["publish"] is True
    sid = _stuck(runtime, acme, runtime.settings.max_job_attempts)
    time.sleep(runtime.settings.pending_timeout_seconds + 0.1)
    assert sid in sweep(runtime).undecided
    result = client.get(f"/v1/moderations/{sid}", headers=acme.headers).get_json()
    assert result["action"] == "allow" and result["publish"] is True


def test_it_applies_the_service_default_policy_under_the_tenants_own(
    client, runtime, make_tenant, engine
):
    from dataclasses import replace

    from moderation.runtime import Runtime
    from moderation.verdicts import decide_pending

    lenient = Runtime(replace(runtime.settings, default_policy={"block_categories": []}))
    lenient.__dict__.update(db_engine=runtime.db_engine, sessions=runtime.sessions)
    default, strict = make_tenant(), make_tenant()
    with runtime.sessions() as s:
        tenant = s.get(Tenant, strict.tenant.id)
        assert tenant is not None
        tenant.policy = {"block_categories": ["*"]}
        s.commit()
    ids = [
        client.post("/v1/moderations", json={"text": BAD}, headers=t.headers).get_json()["id"]
        for t in (default, strict)
    ]
    decide_pending(lenient.sessions, lenient.settings, engine, ids)
    actions = [
        client.get(f"/v1/moderations/{sid}", headers=t.headers).get_json()["action"]
        for sid, t in zip(ids, (default, strict), strict=True)
    ]
    assert actions == ["review", "block"]


def test_it_sweeps_once_per_interval_across_workers(runtime):
    from moderation.queue.sweeper import sweep_if_due

    assert sweep_if_due(runtime, "machine-a") is not None
    assert sweep_if_due(runtime, "machine-b") is None  # another worker swept just now
    time.sleep(runtime.settings.sweep_interval_seconds + 0.05)
    assert sweep_if_due(runtime, "machine-b") is not None
