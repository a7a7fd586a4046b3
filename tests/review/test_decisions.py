"""Decisions and their effects: event log, post state, webhook, evidence, statement, escalation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from moderation.models.base import utcnow
from moderation.models.records import EvidenceRecord
from moderation.models.review import Complaint, ReviewEvent, ReviewItem
from moderation.models.submission import Submission
from moderation.models.webhook import WebhookDelivery
from moderation.review import complaints, decisions, leases
from moderation.review.errors import Conflict, Forbidden, ReviewError
from tests.review.conftest import hit

HOOK = "http://127.0.0.1:9/hook"
TEXT = "出售仿真手枪，加微信"


@pytest.fixture
def held(make_tenant, make_post):
    tenant = make_tenant(webhook_url=HOOK).tenant
    post = make_post(tenant, TEXT, hits=[hit(TEXT, "手枪", "prohibited_items")])
    return tenant, post


def test_removal_has_every_effect(runtime, held, make_account):
    tenant, post = held
    alice = make_account(tenant, username="alice")
    with runtime.sessions() as s:
        leases.claim(s, alice, post.item_id, 300)
        decisions.decide(
            s,
            alice,
            post.item_id,
            "remove",
            category="prohibited_items",
            reason="Selling weapons",
            note="clear case",
        )
        s.commit()
    with runtime.sessions() as s:
        item = s.get(ReviewItem, post.item_id)
        assert (item.status, item.decision, item.decided_by, item.open_key) == (
            "closed",
            "remove",
            alice.id,
            None,
        )
        assert s.get(Submission, post.submission_id).action == "block"
        event = s.scalar(select(ReviewEvent).where(ReviewEvent.kind == "decided"))
        assert (event.previous_status, event.new_status, event.actor_name) == (
            "review",
            "block",
            "alice",
        )
        assert (event.reason, event.note, event.category) == (
            "Selling weapons",
            "clear case",
            "prohibited_items",
        )
        statement = item.statement
        assert statement["decision"] == "remove" and statement["action"] == "block"
        assert statement["category"] == "prohibited_items"
        assert statement["terms"] == ["手枪"]
        assert "POST /v1/appeals" in statement["how_to_appeal"]
        assert "alice" not in str(statement), "the author is not told who the reviewer was"
        delivery = s.scalar(
            select(WebhookDelivery).where(WebhookDelivery.submission_id == post.submission_id)
        )
        assert delivery.event == "moderation.reviewed" and delivery.url == HOOK
        assert delivery.payload["decision"] == "remove"
        assert delivery.payload["statement"] == statement
        assert delivery.payload["moderation"]["action"] == "block"
        record = s.scalar(
            select(EvidenceRecord).where(EvidenceRecord.submission_id == post.submission_id)
        )
        assert record is not None and record.kind == "review_removal"
        assert record.content == TEXT
        assert decisions.latest_statement(s, post.submission_id) == statement


def test_approval_publishes_without_evidence(runtime, held, make_account):
    tenant, post = held
    alice = make_account(tenant)
    with runtime.sessions() as s:
        decisions.decide(s, alice, post.item_id, "approve", note="toy gun shop, legal")
        s.commit()
        assert s.get(Submission, post.submission_id).action == "allow"
        delivery = s.scalar(select(WebhookDelivery))
        assert delivery.payload["decision"] == "approve"
        assert delivery.payload["statement"]["action"] == "allow"
        assert s.scalar(select(EvidenceRecord)) is None


def test_the_effects_get_the_decision(runtime, held, make_account, monkeypatch):
    tenant, post = held
    alice = make_account(tenant, username="alice2")
    calls = []
    monkeypatch.setattr("moderation.effects.on_review_decision", lambda *args: calls.append(args))
    with runtime.sessions() as s:
        decisions.decide(s, alice, post.item_id, "remove", category="fraud", reason="scam")
        s.commit()
    (_session, submission, decision, reviewer, category, reason, statement) = calls[0]
    assert (submission.id, decision, reviewer, category, reason) == (
        post.submission_id,
        "remove",
        "alice2",
        "fraud",
        "scam",
    )
    assert statement["reason"] == "scam"


def test_removal_needs_category_and_reason(runtime, held, make_account):
    tenant, post = held
    alice = make_account(tenant)
    with runtime.sessions() as s:
        with pytest.raises(ReviewError) as info:
            decisions.decide(s, alice, post.item_id, "remove", category="fraud")
        assert info.value.field == "reason"
        with pytest.raises(ReviewError) as info:
            decisions.decide(s, alice, post.item_id, "delete")
        assert info.value.field == "decision"


def test_nobody_decides_an_item_someone_else_holds(runtime, held, make_account):
    tenant, post = held
    alice, bob = make_account(tenant), make_account(tenant)
    with runtime.sessions() as s:
        leases.claim(s, alice, post.item_id, 300)
        s.commit()
    with runtime.sessions() as s, pytest.raises(Conflict):
        decisions.decide(s, bob, post.item_id, "approve")
    with runtime.sessions() as s:
        decisions.decide(s, alice, post.item_id, "approve")
        s.commit()
    with runtime.sessions() as s, pytest.raises(Conflict):
        decisions.decide(s, alice, post.item_id, "remove", category="fraud", reason="x")


def test_an_expired_holder_no_longer_blocks_a_decision(runtime, held, make_account):
    tenant, post = held
    alice, bob = make_account(tenant), make_account(tenant)
    with runtime.sessions() as s:
        leases.claim(s, alice, post.item_id, 300, now=utcnow() - timedelta(minutes=10))
        s.commit()
        decisions.decide(s, bob, post.item_id, "approve")
        s.commit()
        assert s.get(ReviewItem, post.item_id).decided_by == bob.id


def test_escalation_goes_to_seniors_only(runtime, held, make_account):
    tenant, post = held
    alice, carol = make_account(tenant), make_account(tenant, "senior")
    with runtime.sessions() as s:
        leases.claim(s, alice, post.item_id, 300)
        before = s.get(ReviewItem, post.item_id).priority
        decisions.decide(s, alice, post.item_id, "escalate", note="not sure, looks real")
        s.commit()
        item = s.get(ReviewItem, post.item_id)
        assert (item.tier, item.status, item.claimed_by) == ("senior", "open", None)
        assert item.priority > before
        assert s.get(Submission, post.submission_id).action == "review"
        assert s.scalar(select(WebhookDelivery)) is None, "escalation is not a final decision"
    with runtime.sessions() as s:
        assert leases.claim_next(s, alice, 300) is None
        with pytest.raises(Forbidden):
            decisions.decide(s, alice, post.item_id, "approve")
        assert leases.claim_next(s, carol, 300).id == post.item_id
        decisions.decide(s, carol, post.item_id, "remove", category="prohibited_items", reason="r")
        s.commit()
        kinds = s.scalars(select(ReviewEvent.kind).where(ReviewEvent.item_id == post.item_id)).all()
        assert {"enqueued", "claimed", "escalated", "decided"} <= set(kinds)


def test_a_decision_marks_the_complaints_handled(runtime, held, make_account):
    tenant, post = held
    alice = make_account(tenant)
    with runtime.sessions() as s:
        t = s.merge(tenant)
        complaints.file_complaint(s, t, category="fraud", moderation_id=post.submission_id)
        s.commit()
        assert complaints.complaint_counts(s, tenant.id) == {"accepted": 1, "handled": 0}
        decisions.decide(s, alice, post.item_id, "remove", category="fraud", reason="scam")
        s.commit()
        complaint = s.scalar(select(Complaint))
        assert (complaint.status, complaint.outcome) == ("handled", "remove")
        assert complaints.complaint_counts(s, tenant.id) == {"accepted": 1, "handled": 1}


def test_the_event_log_is_append_only(runtime, held):
    from moderation.review.events import AppendOnlyError

    with runtime.sessions() as s:
        event = s.scalar(select(ReviewEvent))
        event.reason = "rewritten history"
        with pytest.raises(AppendOnlyError):
            s.flush()
        s.rollback()
        with pytest.raises(AppendOnlyError):
            s.delete(s.scalar(select(ReviewEvent)))
            s.flush()


def test_concurrent_decisions_on_one_item_record_one(runtime, held, make_account):
    import threading

    tenant, post = held
    reviewers = [make_account(tenant) for _ in range(6)]
    barrier = threading.Barrier(len(reviewers))
    outcomes: list[str] = []

    def decide(account) -> None:
        with runtime.sessions() as s:
            barrier.wait()
            try:
                decisions.decide(s, account, post.item_id, "approve")
                s.commit()
                outcomes.append("decided")
            except Conflict:
                s.rollback()
                outcomes.append("conflict")

    threads = [threading.Thread(target=decide, args=(r,)) for r in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["conflict"] * 5 + ["decided"]
    with runtime.sessions() as s:
        kinds = s.scalars(select(ReviewEvent.kind).where(ReviewEvent.kind == "decided")).all()
        assert len(kinds) == 1
        assert len(s.scalars(select(WebhookDelivery)).all()) == 1
