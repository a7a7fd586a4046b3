"""Signed webhooks to a real local HTTP receiver: signature, retries with backoff, attempts."""

from __future__ import annotations

import dataclasses
import time

from sqlalchemy import select

from moderation import effects
from moderation.models.submission import Submission
from moderation.models.webhook import WebhookAttempt, WebhookDelivery
from moderation.queue.sweeper import sweep
from moderation.webhooks import signing

BAD = "出售冰毒，加微信abc123"


def _deliveries(session) -> list[WebhookDelivery]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(session.scalars(select(WebhookDelivery)))


def _attempts(session, delivery_id: str) -> list[WebhookAttempt]:  # type: ignore[no-untyped-def]
    query = select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery_id)
    return list(session.scalars(query.order_by(WebhookAttempt.number)))


def _retry_due(runtime, work) -> None:  # type: ignore[no-untyped-def]
    """Let the backoff pass, then let the sweeper queue the retry and a worker send it."""
    time.sleep(runtime.settings.webhook_backoff_seconds * 2 + 0.1)
    sweep(runtime)
    work()


def test_it_signs_and_retries_a_verdict_webhook_until_delivered(
    client, make_tenant, receiver, session, runtime, work
):
    acme = make_tenant()
    receiver.script = [500]
    body = {"text": BAD, "callback_url": receiver.url}
    sid = client.post("/v1/moderations", json=body, headers=acme.headers).get_json()["id"]
    work()  # verdict, then the first delivery attempt (answered 500)
    [delivery] = _deliveries(session)
    assert delivery.status == "pending" and delivery.attempts == 1
    _retry_due(runtime, work)

    assert [r.status for r in receiver.received] == [500, 200]
    first, second = receiver.received
    assert first.body == second.body  # every retry sends the same bytes
    for request in receiver.received:
        header = request.headers[signing.HEADER]
        assert signing.verify(acme.tenant.webhook_secret, header, request.body)
        assert not signing.verify("wrong-secret", header, request.body)
        assert request.headers["X-Moderation-Event"] == "moderation.decided"
    payload = receiver.payloads()[0]
    assert payload["event"] == "moderation.decided" and payload["moderation"]["id"] == sid
    assert payload["moderation"]["verdict"]["action"] == "block"

    [delivery] = _deliveries(session)
    assert delivery.status == "delivered" and delivery.attempts == 2
    attempts = _attempts(session, delivery.id)
    assert [(a.number, a.status_code) for a in attempts] == [(1, 500), (2, 200)]
    assert attempts[0].error == "HTTP 500" and attempts[1].error is None


def test_it_backs_off_exponentially_and_gives_up_after_max_attempts(
    client, make_tenant, receiver, session, runtime, work
):
    acme = make_tenant(webhook_url=receiver.url)  # the tenant's default URL
    receiver.script = [503, 503, 503]
    client.post("/v1/moderations", json={"text": BAD}, headers=acme.headers)
    work()
    base = runtime.settings.webhook_backoff_seconds
    [delivery] = _deliveries(session)
    first = _attempts(session, delivery.id)[0]
    delay = (delivery.next_attempt_at - first.started_at).total_seconds()
    assert base <= delay < base + 1.0
    _retry_due(runtime, work)
    [delivery] = _deliveries(session)
    second = _attempts(session, delivery.id)[1]
    delay = (delivery.next_attempt_at - second.started_at).total_seconds()
    assert 2 * base <= delay < 2 * base + 1.0  # doubled
    time.sleep(2 * base)
    _retry_due(runtime, work)
    [delivery] = _deliveries(session)
    assert (
        delivery.status == "failed" and delivery.attempts == runtime.settings.webhook_max_attempts
    )
    assert len(receiver.received) == 3
    _retry_due(runtime, work)  # a failed delivery is not retried any more
    assert len(receiver.received) == 3


def test_it_records_an_attempt_that_got_no_response(client, make_tenant, session, work):
    acme = make_tenant()
    body = {"text": BAD, "callback_url": "http://127.0.0.1:1/closed"}
    client.post("/v1/moderations", json=body, headers=acme.headers)
    work()
    [delivery] = _deliveries(session)
    [attempt] = _attempts(session, delivery.id)
    assert attempt.status_code is None and attempt.error
    assert delivery.status == "pending" and delivery.last_error == attempt.error


def test_it_sends_nothing_without_a_webhook_url(client, make_tenant, session, work):
    client.post("/v1/moderations", json={"text": BAD}, headers=make_tenant().headers)
    work()
    assert _deliveries(session) == []


def test_it_notifies_a_reviewer_decision_after_its_commit(
    client, make_tenant, receiver, runtime, work
):
    acme = make_tenant(webhook_url=receiver.url)
    sid = client.post(
        "/v1/moderations", json={"text": "六合彩网站"}, headers=acme.headers
    ).get_json()["id"]
    work()
    receiver.received.clear()
    with runtime.sessions() as s:
        submission = s.get(Submission, sid)
        assert submission is not None
        effects.on_review_decision(s, submission, "approve", "rev-1", None, None, {"why": "ok"})
        s.rollback()  # rolled back: nothing may be sent
    work()
    assert receiver.received == []
    with runtime.sessions() as s:
        submission = s.get(Submission, sid)
        assert submission is not None
        effects.on_review_decision(s, submission, "approve", "rev-1", None, None, {"why": "ok"})
        s.commit()
    work()
    [payload] = receiver.payloads()
    assert payload["event"] == "moderation.reviewed" and payload["decision"] == "approve"
    assert payload["statement"] == {"why": "ok"}


def test_it_rejects_stale_or_tampered_signatures():
    body = b'{"a":1}'
    header = signing.sign("s3cret", body, timestamp=1_000_000)
    assert signing.verify("s3cret", header, body, now=1_000_100)
    assert not signing.verify("s3cret", header, body, now=1_000_000 + 301)
    assert not signing.verify("s3cret", header, body + b" ", now=1_000_100)
    assert not signing.verify("s3cret", "garbage", body)


def test_it_queues_each_attempt_once_however_many_sweepers(
    client, make_tenant, receiver, session, runtime, work
):
    from moderation.queue.enqueue import WEBHOOKS, queue
    from moderation.webhooks.dispatch import queue_due

    acme = make_tenant(webhook_url=receiver.url)
    receiver.script = [500]
    client.post("/v1/moderations", json={"text": BAD}, headers=acme.headers)
    work()  # first attempt fails
    time.sleep(runtime.settings.webhook_backoff_seconds + 0.1)
    counts = [queue_due(session, runtime.redis, runtime.settings) for _ in range(3)]
    assert counts == [1, 0, 0] and queue(runtime.redis, WEBHOOKS).count == 1


def test_it_counts_a_redirect_as_a_failed_attempt(
    client, make_tenant, receiver, session, runtime, work
):
    acme = make_tenant(webhook_url=receiver.url)
    receiver.script = [307]
    client.post("/v1/moderations", json={"text": BAD}, headers=acme.headers)
    work()
    _retry_due(runtime, work)
    [delivery] = _deliveries(session)
    codes = [a.status_code for a in _attempts(session, delivery.id)]
    assert codes == [307, 200] and delivery.status == "delivered"
    assert len(receiver.received) == 2  # the redirect was not followed


def test_it_refuses_a_loopback_callback_unless_private_networks_are_allowed(
    client, make_tenant, receiver, session, runtime, work
):
    runtime.settings = dataclasses.replace(runtime.settings, webhook_allow_private_networks=False)
    acme = make_tenant()
    body = {"text": BAD, "callback_url": receiver.url}
    client.post("/v1/moderations", json=body, headers=acme.headers)
    work()

    assert receiver.received == []
    [delivery] = _deliveries(session)
    [attempt] = _attempts(session, delivery.id)
    assert attempt.status_code is None and "127.0.0.1" in str(attempt.error)
    assert "not a public address" in str(attempt.error)
    assert delivery.status == "pending" and delivery.last_error == attempt.error
