"""Intake through the API on real Redis and a real database: async path, polling, batch,
idempotency and conflict, tenant isolation, verdicts written exactly once."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from moderation.models.submission import Submission, Verdict
from moderation.queue.enqueue import BATCH, HIGH, queue
from moderation.verdicts import decide_pending

BAD = "出售冰毒，加微信abc123"
GOOD = "你好，今天天气不错"


def post(client, tenant, body, path="/v1/moderations"):  # type: ignore[no-untyped-def]
    return client.post(path, json=body, headers=tenant.headers)


def test_it_accepts_a_post_pending_and_fail_closed_then_decides_it(client, make_tenant, work):
    acme = make_tenant("acme")
    response = post(client, acme, {"text": BAD, "external_id": "p1"})
    assert response.status_code == 202
    body = response.get_json()
    assert body["status"] == "pending" and body["publish"] is False and body["verdict"] is None
    assert response.headers["Location"] == f"/v1/moderations/{body['id']}"

    polled = client.get(response.headers["Location"], headers=acme.headers)
    assert polled.status_code == 202 and polled.get_json()["publish"] is False

    assert work()
    decided = client.get(response.headers["Location"], headers=acme.headers)
    assert decided.status_code == 200
    result = decided.get_json()
    assert result["status"] == "decided" and result["action"] == "block"
    assert result["publish"] is False
    verdict = result["verdict"]
    assert verdict["action"] == "block"
    assert {c["code"] for c in verdict["categories"]} >= {"prohibited_items"}
    for hit in verdict["hits"]:
        assert BAD[hit["start"] : hit["end"]] == hit["text"]
    assert "冰毒" not in verdict["masked_text"]
    assert verdict["reasons"] and verdict["versions"]["lexicon"].startswith("lex-")
    assert verdict["versions"]["policy"].startswith("pol-")
    assert "queue_ms" in verdict["timings_ms"] and "match" in verdict["timings_ms"]


def test_it_allows_and_publishes_a_harmless_post(client, make_tenant, work):
    acme = make_tenant()
    response = post(client, acme, {"text": GOOD, "author": {"id": "u1", "verified": True}})
    work()
    result = client.get(f"/v1/moderations/{response.get_json()['id']}", headers=acme.headers)
    assert result.get_json()["action"] == "allow" and result.get_json()["publish"] is True


def test_it_queues_single_posts_on_the_high_priority_queue_with_the_id_only(
    client, make_tenant, redis
):
    acme = make_tenant()
    sid = post(client, acme, {"text": GOOD}).get_json()["id"]
    jobs = queue(redis, HIGH).get_jobs()
    assert [job.args for job in jobs] == [[sid]] or [job.args for job in jobs] == [(sid,)]
    assert jobs[0].func_name == "moderation.queue.jobs.moderate"


def test_it_answers_202_when_wait_expires_before_a_verdict(client, make_tenant):
    acme = make_tenant()
    started = time.monotonic()
    response = post(client, acme, {"text": GOOD, "wait": 0.3})
    elapsed = time.monotonic() - started
    assert response.status_code == 202 and response.get_json()["publish"] is False
    assert 0.25 <= elapsed < 3


def test_it_returns_the_same_moderation_for_a_retry(client, make_tenant, session, work):
    acme = make_tenant()
    first = post(client, acme, {"text": GOOD, "external_id": "post-9"}).get_json()
    again = post(client, acme, {"text": GOOD, "external_id": "post-9"})
    assert again.status_code == 202 and again.get_json()["id"] == first["id"]
    work()
    decided = post(client, acme, {"text": GOOD, "external_id": "post-9"})
    assert decided.status_code == 200 and decided.get_json()["id"] == first["id"]
    assert decided.get_json()["verdict"]["action"] == "allow"
    assert session.scalar(select(func.count()).select_from(Submission)) == 1
    assert session.scalar(select(func.count()).select_from(Verdict)) == 1


def test_it_refuses_a_different_text_under_the_same_external_id(client, make_tenant, session):
    acme = make_tenant()
    first = post(client, acme, {"text": GOOD, "external_id": "post-9"}).get_json()
    response = post(client, acme, {"text": BAD, "external_id": "post-9"})
    assert response.status_code == 409
    problem = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert problem["field"] == "external_id" and problem["existing_id"] == first["id"]
    assert session.scalar(select(func.count()).select_from(Submission)) == 1


def test_it_keeps_external_ids_per_tenant(client, make_tenant):
    a, b = make_tenant(), make_tenant()
    first = post(client, a, {"text": GOOD, "external_id": "same"}).get_json()
    second = post(client, b, {"text": BAD, "external_id": "same"})
    assert second.status_code == 202 and second.get_json()["id"] != first["id"]


def test_it_hides_other_tenants_moderations_as_not_found(client, make_tenant):
    owner, other = make_tenant(), make_tenant()
    sid = post(client, owner, {"text": GOOD}).get_json()["id"]
    response = client.get(f"/v1/moderations/{sid}", headers=other.headers)
    assert response.status_code == 404 and response.get_json()["field"] == "id"
    unknown = client.get("/v1/moderations/nope", headers=other.headers)
    assert unknown.status_code == 404 and unknown.get_json() == {
        **response.get_json(),
        "detail": "no moderation 'nope'",
    }


def test_it_moderates_a_batch_in_one_job(client, make_tenant, redis, work):
    acme = make_tenant()
    posts = [{"text": f"{GOOD} {i}", "external_id": f"b{i}"} for i in range(20)]
    posts.append({"text": BAD, "external_id": "bad"})
    response = post(client, acme, {"posts": posts}, "/v1/moderations/batch")
    assert response.status_code == 202
    body = response.get_json()
    assert body["count"] == 21 and len(body["moderations"]) == 21
    assert all(m["status"] == "pending" and m["publish"] is False for m in body["moderations"])
    jobs = queue(redis, BATCH).get_jobs()
    assert len(jobs) == 1 and list(jobs[0].args) == [body["batch_id"]]
    work()
    results = [
        client.get(m["location"], headers=acme.headers).get_json() for m in body["moderations"]
    ]
    assert [r["action"] for r in results] == ["allow"] * 20 + ["block"]
    assert [r["external_id"] for r in results] == [p["external_id"] for p in posts]


def test_it_returns_earlier_posts_of_a_batch_retry_and_refuses_conflicts_whole(
    client, make_tenant, session
):
    acme = make_tenant()
    first = post(
        client, acme, {"posts": [{"text": GOOD, "external_id": "x"}]}, "/v1/moderations/batch"
    )
    retry = post(
        client,
        acme,
        {"posts": [{"text": GOOD, "external_id": "x"}, {"text": BAD, "external_id": "y"}]},
        "/v1/moderations/batch",
    )
    assert retry.status_code == 202
    ids = [m["id"] for m in retry.get_json()["moderations"]]
    assert ids[0] == first.get_json()["moderations"][0]["id"]
    conflict = post(
        client,
        acme,
        {"posts": [{"text": GOOD, "external_id": "z"}, {"text": BAD, "external_id": "x"}]},
        "/v1/moderations/batch",
    )
    assert conflict.status_code == 409 and conflict.get_json()["field"] == "posts[1].external_id"
    # nothing of the refused batch was written (no "z")
    assert session.scalar(select(func.count()).select_from(Submission)) == 2


def test_it_writes_a_verdict_exactly_once_when_the_job_runs_twice(
    client, make_tenant, runtime, engine, session, work
):
    acme = make_tenant()
    sid = post(client, acme, {"text": BAD}).get_json()["id"]
    first = decide_pending(runtime.sessions, runtime.settings, engine, [sid])
    second = decide_pending(runtime.sessions, runtime.settings, engine, [sid])
    assert first.decided == [sid] and second.decided == [] and second.already == [sid]
    work()  # the queued job finds it decided and changes nothing
    assert session.scalar(select(func.count()).select_from(Verdict)) == 1


def test_it_keeps_the_first_verdict_when_two_workers_race(
    client, make_tenant, runtime, engine, session
):
    """Both workers analysed the post before either committed: one verdict survives."""
    from moderation.verdicts import _commit, _pending, build_verdict, tenant_policy

    acme = make_tenant()
    sid = post(client, acme, {"text": BAD}).get_json()["id"]
    from moderation.engine.policy import decide

    sessions = [runtime.sessions(), runtime.sessions()]
    prepared = []
    for s in sessions:
        pending, _done = _pending(s, [sid])
        analysis = engine.analyze(pending[0].text)
        policy = tenant_policy(acme.tenant, runtime.settings)
        prepared.append(
            (s, pending, [build_verdict(pending[0], analysis, decide(analysis, policy), 0)])
        )
    outcomes = [_commit(s, pending, verdicts, []) for s, pending, verdicts in prepared]
    for s in sessions:
        s.close()
    assert sorted(len(o.decided) for o in outcomes) == [0, 1]
    assert session.scalar(select(func.count()).select_from(Verdict)) == 1
