"""The synchronous path with real worker processes: `wait` returns the verdict; several
workers on one Redis share the work and never write a verdict twice."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from moderation.models.submission import Verdict
from tests.service.conftest import spawn_worker, stop, wait_until

BAD = "出售冰毒，加微信abc123"
GOOD = "你好，今天天气不错"


@pytest.fixture
def two_workers(runtime):  # type: ignore[no-untyped-def]
    processes = [spawn_worker(runtime.settings) for _ in range(2)]
    from rq import Worker

    wait_until(lambda: len(Worker.all(connection=runtime.redis)) >= 2, timeout=30)
    yield processes
    for process in processes:
        stop(process)


def test_it_returns_the_verdict_within_wait(client, make_tenant, two_workers):
    acme = make_tenant()
    started = time.monotonic()
    response = client.post("/v1/moderations", json={"text": BAD, "wait": 5}, headers=acme.headers)
    assert time.monotonic() - started < 5
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "decided" and body["verdict"]["action"] == "block"
    assert body["publish"] is False and "Location" not in response.headers
    # the answer the worker handed over is exactly what the database holds
    assert body == client.get(f"/v1/moderations/{body['id']}", headers=acme.headers).get_json()


def test_it_shares_concurrent_posts_between_workers_once_each(
    app, make_tenant, two_workers, runtime
):
    acme = make_tenant()

    def send(i: int) -> dict:  # type: ignore[type-arg]
        client = app.test_client()
        body = {"text": f"{GOOD} {i}", "external_id": f"c{i}", "wait": 8}
        response = client.post("/v1/moderations", json=body, headers=acme.headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()  # type: ignore[no-any-return]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(send, range(40)))
    assert {r["action"] for r in results} == {"allow"}
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Verdict)) == 40
        assert s.scalar(select(func.count(func.distinct(Verdict.decided_by)))) >= 1


def test_it_decides_a_batch_and_lets_the_platform_poll(client, make_tenant, two_workers):
    acme = make_tenant()
    posts = [{"text": BAD if i % 10 == 0 else f"{GOOD}{i}"} for i in range(200)]
    batch = client.post("/v1/moderations/batch", json={"posts": posts}, headers=acme.headers)
    locations = [m["location"] for m in batch.get_json()["moderations"]]

    def all_decided() -> list[dict]:  # type: ignore[type-arg]
        results = [client.get(loc, headers=acme.headers).get_json() for loc in locations[::20]]
        return results if all(r["status"] == "decided" for r in results) else []

    wait_until(all_decided, timeout=30, step=0.2)
    actions = [client.get(loc, headers=acme.headers).get_json()["action"] for loc in locations]
    assert actions == ["block" if i % 10 == 0 else "allow" for i in range(200)]
